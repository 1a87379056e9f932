"""The optional claim check's answers (`claim_checks`, see extract/claimcheck.py), keyed by the
pair, the model, the server and the claim-check prompt version, so a pair is asked once."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.store.db import Database, now


class ClaimChecks:
    def __init__(self, db: Database):
        self.db = db

    def decisions(
        self, keys: Sequence[str], model: str, base_url: str, prompt_version: str
    ) -> dict[str, tuple[bool, str, str]]:
        """Pair key -> (same, reason, the model that answered), for the keys the store holds
        for this model, server and prompt version; marks them used."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, tuple[bool, str, str]] = {}
        where = "model = ? AND base_url = ? AND prompt_version = ?"
        with self.db.connect() as db:
            for start in range(0, len(keys), 500):  # SQLite's limit on parameters
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                scope = [model, base_url, prompt_version, *chunk]
                rows = db.execute(
                    "SELECT key, same, reason, answered_by FROM claim_checks"
                    f" WHERE {where} AND key IN ({marks})",
                    scope,
                )
                found.update(
                    (r["key"], (bool(r["same"]), r["reason"], r["answered_by"])) for r in rows
                )
                db.execute(
                    f"UPDATE claim_checks SET used = ? WHERE {where} AND key IN ({marks})",
                    [now(), *scope],
                )
        return found

    def save(
        self,
        decisions: dict[str, tuple[bool, str, str]],
        model: str,
        base_url: str,
        prompt_version: str,
    ) -> None:
        stamp = now()
        with self.db.connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO claim_checks (key, model, base_url, prompt_version, same,"
                " reason, answered_by, created, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (key, model, base_url, prompt_version, int(same), reason, by, stamp, stamp)
                    for key, (same, reason, by) in decisions.items()
                ],
            )

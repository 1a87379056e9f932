"""The extraction cache (`extractions`): validated, grounded extractions, keyed by what would
change the answer (see extract/cachekey.py), so an article is paid for once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from pydantic import BaseModel

from briefgen.store.db import Database, now


class CacheEntry(BaseModel):
    key: str
    content_hash: str
    model: str
    base_url: str
    prompt_version: str
    schema_version: str
    result: str  # ArticleExtraction JSON


class Cache:
    def __init__(self, db: Database):
        self.db = db

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """key -> stored result JSON, for those keys the cache holds; marks them used."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self.db.connect() as db:
            for start in range(0, len(keys), 500):  # SQLite's limit on parameters
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT key, result FROM extractions WHERE key IN ({marks})", chunk
                )
                found.update((row["key"], row["result"]) for row in rows)
                db.execute(
                    f"UPDATE extractions SET used = ? WHERE key IN ({marks})", [now(), *chunk]
                )
        return found

    def by_content(self, content_hash: str, model: str, prompt_version: str) -> str | None:
        """The newest stored result for an article with this content hash, one made by `model`
        with `prompt_version` first; not marked used (a stale source is shown, not reread)."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT result FROM extractions WHERE content_hash = ? ORDER BY"
                " (model = ? AND prompt_version = ?) DESC, created DESC LIMIT 1",
                (content_hash, model, prompt_version),
            ).fetchone()
        return None if row is None else row["result"]

    @staticmethod
    def save(db: sqlite3.Connection, entries: Iterable[CacheEntry], stamp: str) -> None:
        """Extractions into the cache, created and used at `stamp`, in the caller's transaction
        (the run log writes them with the articles' outcomes, at once)."""
        db.executemany(
            "INSERT OR REPLACE INTO extractions (key, content_hash, model, base_url,"
            " prompt_version, schema_version, created, used, result) VALUES (:key,"
            " :content_hash, :model, :base_url, :prompt_version, :schema_version,"
            " :created, :used, :result)",
            [{**entry.model_dump(), "created": stamp, "used": stamp} for entry in entries],
        )

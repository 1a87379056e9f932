"""The claim check's answers as the store keeps them."""

from __future__ import annotations

from briefgen.store import Store


def test_claim_decisions_are_kept_per_model_server_and_prompt_version(tmp_path):
    store = Store(tmp_path / "b.db")
    store.claim_checks.save({"asks:k": (True, "same thing", "m-1")}, "m", "http://s/", "v1")
    assert store.claim_checks.decisions(["asks:k", "asks:x"], "m", "http://s/", "v1") == {
        "asks:k": (True, "same thing", "m-1")
    }
    assert store.claim_checks.decisions(["asks:k"], "m2", "http://s/", "v1") == {}
    assert store.claim_checks.decisions(["asks:k"], "m", "http://t/", "v1") == {}
    assert store.claim_checks.decisions(["asks:k"], "m", "http://s/", "v2") == {}

"""Batch API jobs as the store keeps them: submitted, updated, collected, taken."""

from __future__ import annotations

from briefgen.model.client import BatchJob
from briefgen.store import Store


def test_a_batch_from_submitting_to_taken(tmp_path):
    store = Store(tmp_path / "b.db")
    pairs = [("a", "strict"), ("b", "tools")]
    n = store.batches.submitting("file-1", "http://s/", "m", "job", pairs)
    [row] = store.batches.rows()
    assert (row.n, row.batch_id, row.status, row.requests) == (n, None, "submitting", 2)
    assert store.batches.custom_ids(n) == {"a", "b"}
    store.batches.update(n, BatchJob(id="batch-1", status="in_progress", input_file_id="file-1"))
    found = store.batches.by_id("batch-1")
    assert found is not None
    assert (found.n, found.status, found.collected) == (n, "in_progress", None)
    assert store.batches.by_id("batch-2") is None
    store.batches.collected(n, {"a": ({"id": "r"}, None), "b": (None, "too long")})
    requests = store.batches.requests(["a", "b", "c"], "http://s/", "m")
    assert [(r.answer, r.error, r.mode, r.used) for r in requests["a"]] == [
        ({"id": "r"}, None, "strict", None)
    ]
    assert [(r.answer, r.error) for r in requests["b"]] == [(None, "too long")]
    assert "c" not in requests
    assert store.batches.requests(["a"], "http://other/", "m") == {}
    store.batches.used([(n, "a")])
    [taken] = store.batches.requests(["a"], "http://s/", "m")["a"]
    assert taken.used is not None
    [row] = store.batches.rows([n])
    assert row.collected is not None


def test_abandoned_and_marked_batches(tmp_path):
    store = Store(tmp_path / "b.db")
    first = store.batches.submitting("file-1", "u", "m", "job", [("a", "strict")])
    second = store.batches.submitting("file-2", "u", "m", "job", [("a", "strict")])
    store.batches.abandon(first, "never created")
    store.batches.mark(second, "lost", "the server no longer has it")
    assert [(r.n, r.status, r.reason) for r in store.batches.rows()] == [
        (second, "lost", "the server no longer has it"),
        (first, "not submitted", "never created"),
    ]
    assert [r.n for r in store.batches.rows(limit=1)] == [second]
    requests = store.batches.requests(["a"], "u", "m")["a"]
    assert [(r.batch, r.error, r.used is None) for r in requests] == [
        (second, None, True),
        (first, "never created", False),
    ]

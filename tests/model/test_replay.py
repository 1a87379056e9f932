"""Recording real exchanges and replaying them through the real SDK."""

from __future__ import annotations

import asyncio
import json

import pytest

from briefgen.config import Settings
from briefgen.errors import ReplayMissError
from briefgen.extract.extract import extract_article
from briefgen.model.replay import load_recordings, public_url, request_key
from briefgen.pipeline import build_client

from conftest import sample_extraction, settings_for
from fakeserver import Reply, chat_completion


def run_extract(settings, article):
    async def run():
        client = build_client(settings)
        try:
            return await extract_article(article, client)
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_record_then_replay_gives_the_same_result_offline(server, article, tmp_path):
    server.queue(
        Reply(body=chat_completion(sample_extraction().model_dump_json(), model="served-model"))
    )
    recorded = run_extract(settings_for(server, record=tmp_path), article)

    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    exchange = json.loads(files[0].read_text())
    assert exchange["source"] == "recorded"
    assert exchange["model"] == "served-model"
    assert exchange["server"] == server.url
    assert exchange["request"]["body"] == server.requests[0]
    assert exchange["key"] == request_key(server.requests[0])

    replayed = run_extract(Settings(replay=tmp_path), article)
    assert replayed == recorded
    assert len(server.requests) == 1  # replay never reached the server


def test_recordings_never_hold_the_key_or_any_header(server, article, tmp_path):
    server.queue(Reply(body=chat_completion(sample_extraction().model_dump_json())))
    run_extract(settings_for(server, record=tmp_path), article)
    assert server.headers[0]["authorization"] == "Bearer sk-test-not-a-real-key"
    stored = "".join(p.read_text() for p in tmp_path.glob("*.json"))
    assert "sk-test-not-a-real-key" not in stored
    assert "authorization" not in stored.lower()


def test_a_changed_prompt_finds_no_recording_and_says_what_changed(server, article, tmp_path):
    server.queue(Reply(body=chat_completion(sample_extraction().model_dump_json())))
    run_extract(settings_for(server, record=tmp_path), article)
    path = next(tmp_path.glob("*.json"))
    exchange = json.loads(path.read_text())
    exchange["request"]["body"]["messages"][0]["content"] = "an older system prompt"
    path.write_text(json.dumps(exchange))

    with pytest.raises(ReplayMissError, match=r"same article but differs in messages \(the prompt"):
        run_extract(Settings(replay=tmp_path), article)


def test_an_unknown_article_names_itself(tmp_path, article):
    with pytest.raises(ReplayMissError, match="no recording for the article beginning"):
        run_extract(Settings(replay=tmp_path), article)


def test_missing_or_broken_recordings_are_clear_errors(tmp_path):
    with pytest.raises(ReplayMissError, match="replay directory not found"):
        load_recordings(tmp_path / "nope")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ReplayMissError, match="unreadable recording"):
        load_recordings(tmp_path)


def test_public_url_strips_credentials_and_query():
    assert (
        public_url("https://user:pw@example.com:8443/v1?key=abc#x") == "https://example.com:8443/v1"
    )

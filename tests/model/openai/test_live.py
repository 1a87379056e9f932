"""The model client through the real openai SDK against a loopback server."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest

from briefgen.errors import ArticleError, ModelSetupError, ServerUnreachable
from briefgen.model.client import CallStats
from briefgen.model.openai.live import OpenAIClient
from briefgen.model.structured import Mode, read
from briefgen.schemas import Extraction

from conftest import sample_extraction, settings_for
from fakeserver import Reply, chat_completion, error_body

MESSAGES = [{"role": "user", "content": "extract"}]


def complete(server, **overrides):
    """One call through the real SDK, and its answer judged as extract judges it."""
    stats = CallStats()

    async def run():
        client = OpenAIClient(settings_for(server, **overrides))
        try:
            return await client.complete(MESSAGES, Extraction, stats)
        finally:
            await client.aclose()

    completion = asyncio.run(run())
    answer = read(completion, Extraction)
    return SimpleNamespace(
        value=answer.value,
        error=answer.error,
        refused=answer.refused,
        raw=completion.raw,
        model=completion.model,
        finish_reason=completion.finish_reason,
        stats=stats,
    )


def test_valid_answer_is_parsed_with_usage_and_server_model(server):
    answer = sample_extraction()
    server.queue(Reply(body=chat_completion(answer.model_dump_json(), model="served-model")))
    result = complete(server)
    assert result.value == answer
    assert result.error is None
    assert (result.stats.usage.input_tokens, result.stats.usage.output_tokens) == (100, 20)
    assert result.model == "served-model"
    assert result.stats.attempts == 1


def test_request_asks_for_strict_json_schema_and_sends_no_sdk_retries(server):
    server.queue(Reply(body=chat_completion(sample_extraction().model_dump_json())))
    complete(server, model="my-model")
    body = server.requests[0]
    assert body["model"] == "my-model"
    assert body["messages"] == MESSAGES
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    actor = fmt["json_schema"]["schema"]["$defs"]["Actor"]
    assert set(actor["required"]) == set(actor["properties"])
    assert actor["additionalProperties"] is False
    assert server.headers[0]["x-stainless-retry-count"] == "0"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"actors": [', "not valid JSON"),
        (json.dumps({"actors": []}), "motives: Field required"),
        ("I cannot help with that.", "not valid JSON"),
    ],
)
def test_invalid_output_comes_back_as_an_error_not_an_exception(server, content, expected):
    server.queue(Reply(body=chat_completion(content)))
    result = complete(server)
    assert result.value is None
    assert expected in result.error
    assert result.raw == content
    assert len(server.requests) == 1  # invalid output is the caller's re-ask, not a retry


def test_refusal_is_reported_and_not_retried(server):
    server.queue(Reply(body=chat_completion(None, refusal="I can't help with that.")))
    result = complete(server)
    assert result.refused
    assert "refused" in result.error
    assert len(server.requests) == 1


def test_content_filter_counts_as_refusal(server):
    server.queue(Reply(body=chat_completion("", finish_reason="content_filter")))
    assert complete(server).refused


def test_a_truncated_answer_comes_back_as_cut_off_for_the_caller_to_handle(server):
    server.default = Reply(body=chat_completion('{"actors": [', finish_reason="length"))
    result = complete(server)
    assert (result.value, result.finish_reason) == (None, "length")
    assert "cut off" in result.error
    assert len(server.requests) == 1  # asking again with a larger budget is extract's job


def test_server_errors_are_retried_then_succeed(server):
    server.queue(
        Reply(503, error_body("overloaded")),
        Reply(500, error_body("oops")),
        Reply(body=chat_completion(sample_extraction().model_dump_json())),
    )
    result = complete(server, retries=3)
    assert result.value == sample_extraction()
    assert result.stats.attempts == 3
    assert len(server.requests) == 3


def test_retries_are_bounded_and_end_in_an_article_error(server):
    server.default = Reply(502, error_body("bad gateway"))
    with pytest.raises(ArticleError, match=r"HTTP 502.*after 3 attempt"):
        complete(server, retries=2)
    assert len(server.requests) == 3


def test_rate_limit_is_retried(server):
    server.queue(
        Reply(429, error_body("slow down"), {"retry-after": "0"}),
        Reply(body=chat_completion(sample_extraction().model_dump_json())),
    )
    assert complete(server).stats.attempts == 2


@pytest.mark.parametrize("body", ["<html>busy</html>", ["not", "an", "object"]])
def test_an_answer_that_is_not_a_chat_completion_fails_the_article(server, body):
    server.queue(Reply(200, body))
    with pytest.raises(ArticleError, match="HTTP 200: the answer is not a chat completion"):
        complete(server)
    assert len(server.requests) == 1


def test_the_body_sent_is_request_body_exactly(server):
    server.queue(Reply(body=chat_completion(sample_extraction().model_dump_json())))
    settings = settings_for(server, model="m", temperature=0.2)
    complete(server, model="m", temperature=0.2)
    client = OpenAIClient(settings)
    built = client.request_body(MESSAGES, Extraction, Mode.STRICT, None)
    assert server.requests[0] == built
    assert list(built)[:2] == ["model", "messages"] and built["temperature"] == 0.2
    with_budget = client.request_body(MESSAGES, Extraction, Mode.PROMPT, 900)
    assert with_budget["max_tokens"] == 900 and "response_format" not in with_budget
    assert "JSON Schema" in with_budget["messages"][0]["content"]  # spelled out in the prompt
    asyncio.run(client.aclose())


def test_bad_request_fails_the_article_without_retry(server):
    server.queue(Reply(400, error_body("context length exceeded")))
    with pytest.raises(ArticleError, match="context length exceeded"):
        complete(server)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [401, 403])
def test_bad_credentials_stop_the_run_without_printing_the_key(server, status):
    server.queue(Reply(status, error_body("Incorrect API key provided: sk-test-not-a-real-key")))
    with pytest.raises(ModelSetupError) as caught:
        complete(server)
    assert "sk-test-not-a-real-key" not in str(caught.value)
    assert "refused the credentials" in str(caught.value)
    assert len(server.requests) == 1


def test_unknown_model_stops_the_run(server):
    server.queue(Reply(404, error_body("The model `nope` does not exist")))
    with pytest.raises(ModelSetupError, match="model 'nope' not found"):
        complete(server, model="nope")


def test_connection_refused_is_retried_then_fails_the_article_naming_server_and_cause():
    from briefgen.config import Settings

    settings = Settings(base_url="http://127.0.0.1:9/v1", api_key="sk-test", retries=1, backoff=0)

    async def run():
        client = OpenAIClient(settings)
        try:
            return await client.complete(MESSAGES, Extraction, CallStats())
        finally:
            await client.aclose()

    with pytest.raises(ServerUnreachable) as raised:
        asyncio.run(run())
    assert str(raised.value) == (
        "the model server at http://127.0.0.1:9/v1/ cannot be reached: connection refused "
        "(2 attempts)"
    )
    assert isinstance(raised.value, ArticleError)  # this article fails; the run goes on


def test_missing_key_without_base_url_is_a_setup_error(monkeypatch):
    from briefgen.config import Settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelSetupError, match="OPENAI_API_KEY"):
        OpenAIClient(Settings())


def test_a_batch_request_to_a_server_nobody_answers_at_is_a_batch_error_naming_it():
    import socket

    from briefgen.config import Settings
    from briefgen.errors import BatchError
    from briefgen.model.openai.batch import OpenAIBatches

    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    settings = Settings(base_url=url, api_key="sk-test", retries=1, backoff=0)

    async def run():
        client = OpenAIClient(settings)
        try:
            return await OpenAIBatches(client).upload(b"{}", "requests.jsonl")
        finally:
            await client.aclose()

    with pytest.raises(BatchError) as raised:  # exit 2, as before the server could be down
        asyncio.run(run())
    assert str(raised.value) == (
        f"uploading a batch file failed: the model server at {url}/ cannot be reached: "
        "connection refused (2 attempts)"
    )

"""The fault matrix: every fault a model server can throw, through the real openai SDK.

Each test drives the real SDK (and, where the row is about the run, the real CLI) against the
loopback FakeServer and asserts what happened on the wire: how many requests arrived, what they
carried, and when (the server's own `time.monotonic()` timestamps, so waits are measured, not
slept). Waits are kept to tenths of a second; Settings(backoff=0) unless the backoff is the
point.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time

import pytest

from briefgen.config import Settings
from briefgen.errors import NothingProduced
from briefgen.extract.extract import extract_all, extract_article, output_budget
from briefgen.model.client import CallStats
from briefgen.model.limits import RateGate
from briefgen.model.openai.live import OpenAIClient
from briefgen.model.structured import Mode, strict_json_schema
from briefgen.pipeline import make_brief
from briefgen.schemas import ArticleExtraction, ArticleFailure, Extraction
from briefgen.store import Store

from conftest import SAMPLE_TEXT, TEST_KEY, article_id, invoke, sample_extraction, settings_for
from fakeserver import FakeServer, Reply, chat_completion, error_body

KEY = TEST_KEY
INVENTED = "Kim said he loves Moscow"  # a quote that is not in SAMPLE_TEXT


# --- helpers ---------------------------------------------------------------------------------


def good(usage: tuple[int, int] = (100, 20)) -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json(), usage=usage))


def answer(content: str | None, **kwargs: object) -> Reply:
    return Reply(body=chat_completion(content, **kwargs))


def with_invented_quote() -> Reply:
    extraction = sample_extraction()
    invented = extraction.actors[0].model_copy(update={"quote": INVENTED})
    changed = extraction.model_copy(update={"actors": [invented, extraction.actors[1]]})
    return Reply(body=chat_completion(changed.model_dump_json()))


def extract_one(settings: Settings, article, **client_options):
    """One article through OpenAIClient + extract_article, as the pipeline runs it."""

    async def run():
        client = OpenAIClient(settings, **client_options)
        try:
            return await extract_article(article, client, settings)
        finally:
            await client.aclose()

    return asyncio.run(run())


def shape(body: dict) -> str:
    """The structured-output mode a request was sent in, read off the wire."""
    if "guided_json" in body:
        assert body["structured_outputs"] == {"json": body["guided_json"]}
        return Mode.GUIDED.value
    if "tools" in body:
        assert body["tool_choice"]["function"]["name"] == "Extraction"
        return Mode.TOOLS.value
    fmt = body.get("response_format")
    if fmt is None:
        return Mode.PROMPT.value
    if fmt["type"] == "json_object":
        return (Mode.JSON_OBJECT_SCHEMA if "schema" in fmt else Mode.JSON_OBJECT).value
    assert fmt["type"] == "json_schema"
    return (Mode.STRICT if fmt["json_schema"]["strict"] else Mode.SCHEMA).value


def schema_in_prompt(body: dict) -> bool:
    return "matches this JSON Schema" in body["messages"][0]["content"]


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def article_of(body: dict) -> str:
    """The id of the article a request is about (the fenced metadata's id)."""
    return article_id(body)


@pytest.fixture
def folder(tmp_path):
    """Three articles, read in the order a, b, c."""
    path = tmp_path / "articles"
    path.mkdir()
    for name, title in (("a", "Kim to meet Putin"), ("b", "Second report"), ("c", "Third")):
        (path / f"{name}.txt").write_text(f"{title}\n{SAMPLE_TEXT}")
    return path


# --- 429 -------------------------------------------------------------------------------------


@pytest.mark.slow  # waits what the server asks, on the real clock
@pytest.mark.parametrize("header", [{"retry-after": "0.3"}, {"retry-after-ms": "300"}])
def test_429_waits_what_the_server_asks_then_retries(server, article, header):
    server.queue(Reply(429, error_body("Rate limit reached"), header), good())
    result = extract_one(settings_for(server), article)
    assert isinstance(result, ArticleExtraction)
    assert result.attempts == 2
    (waited,) = gaps(server.times)
    assert 0.3 <= waited < 0.3 + 0.3  # its own Retry-After, then at once


def test_429_wait_is_capped_by_max_wait(server, article):
    server.queue(Reply(429, error_body("Rate limit reached"), {"retry-after": "30"}), good())
    result = extract_one(settings_for(server, max_wait=0.2), article)
    assert isinstance(result, ArticleExtraction)
    (waited,) = gaps(server.times)
    assert 0.2 <= waited < 0.2 + 0.3


def test_429_pause_never_outlives_the_run_deadline(server, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    server.default = Reply(429, error_body("Rate limit reached"), {"retry-after": "5"})
    started = time.monotonic()
    with pytest.raises(NothingProduced) as raised:
        make_brief([source], settings_for(server, deadline=0.3))
    brief = raised.value.brief
    assert time.monotonic() - started < 1.5  # not the 5 s the server asked for
    assert brief.sources[0].failed == "run deadline of 0.3 s reached before this article finished"
    assert len(server.requests) == 1


@pytest.mark.slow
def test_a_429_holds_only_the_worker_that_got_it(server, article):
    """Two workers, three articles. w0's first request gets 429 Retry-After 1: w0 waits that
    long before its retry, while the other worker finishes w1 and starts w2 without waiting
    for w0's pause (the gate only spaces new requests, here at 10/s and more)."""

    def reply(body: dict) -> Reply:
        if article_of(body) == "w0" and sum(article_of(b) == "w0" for b in server.requests) == 1:
            return Reply(429, error_body("Rate limit reached"), {"retry-after": "1"})
        return good()

    server.default = reply
    articles = [article.model_copy(update={"id": f"w{i}"}) for i in range(3)]
    settings = settings_for(server, concurrency=2, retries=3)
    gate = RateGate(window=0.1)

    async def run():
        client = OpenAIClient(settings, gate=gate)
        try:
            return await extract_all(articles, client, settings)
        finally:
            await client.aclose()

    results = asyncio.run(run())
    assert [type(r) for r in results] == [ArticleExtraction] * 3
    assert [r.attempts for r in results] == [2, 1, 1]
    arrived = [(article_of(b), t) for b, t in zip(server.requests, server.times, strict=True)]
    (first, retry) = [t for name, t in arrived if name == "w0"]
    (other,) = [t for name, t in arrived if name == "w2"]
    assert retry - first >= 1.0  # w0 honoured its own Retry-After
    assert other < retry  # and w2 did not wait for it
    assert gate.cuts == 1


# --- 5xx and transport faults -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Reply(500, error_body("internal error")),
        Reply(502, error_body("bad gateway")),
        Reply(503, error_body("overloaded")),
        Reply(504, error_body("gateway timeout")),
        Reply(429, error_body("Rate limit reached"), {"retry-after": "0"}),
        Reply(drop=True),
        pytest.param(  # slower than Settings.timeout: each attempt waits it out
            Reply(delay=1.0, body=chat_completion("{}")), marks=pytest.mark.slow
        ),
    ],
    ids=["500", "502", "503", "504", "429", "dropped", "read-timeout"],
)
def test_transient_faults_are_retried_and_bounded(server, article, fault):
    server.default = fault
    settings = settings_for(server, retries=2, timeout=0.2)
    result = extract_one(settings, article)
    assert isinstance(result, ArticleFailure)
    assert len(server.requests) == 3  # Settings.retries + 1, never more
    assert result.attempts == 3
    assert result.reason.endswith("after 3 attempt(s)")
    assert result.reasks == 0  # transport faults do not spend the re-ask budget
    if fault.status >= 500 and not fault.drop and not fault.delay:
        assert result.reason.startswith(f"HTTP {fault.status}: ")


@pytest.mark.parametrize(
    "fault",
    [
        Reply(503, error_body("overloaded")),
        Reply(drop=True),
        pytest.param(Reply(delay=1.0), marks=pytest.mark.slow),  # waits the timeout out
    ],
    ids=["503", "dropped", "read-timeout"],
)
def test_transient_fault_then_success(server, article, fault):
    server.queue(fault, fault, good())
    result = extract_one(settings_for(server, retries=2, timeout=0.2), article)
    assert isinstance(result, ArticleExtraction)
    assert result.extraction == sample_extraction()
    assert result.attempts == len(server.requests) == 3
    assert result.usage.input_tokens == 100  # only the answered request cost tokens


@pytest.mark.slow  # the back-off's waits, on the real clock
@pytest.mark.parametrize(
    "fault", [Reply(503, error_body("overloaded")), Reply(drop=True)], ids=["503", "dropped"]
)
def test_retries_back_off_exponentially(server, article, fault):
    base = 0.05
    server.default = fault
    extract_one(settings_for(server, retries=3, backoff=base), article)
    assert len(server.requests) == 4
    waits = gaps(server.times)
    for n, waited in enumerate(waits):
        assert waited >= base * 2**n  # base, 2 base, 4 base (+ jitter up to base)
    assert sum(waits) < 7 * base + 3 * base + 0.3


def test_connect_error_is_retried_and_bounded(article):
    with socket.socket() as bound:  # a port that is taken but not listening: refused
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        settings = Settings(
            base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, retries=2, backoff=0
        )
        result = extract_one(settings, article)
    assert isinstance(result, ArticleFailure)
    assert result.attempts == 3
    assert result.reason == (
        f"the model server at http://127.0.0.1:{port}/v1/ cannot be reached: connection refused "
        "(3 attempts)"
    )


# --- unusable content: the re-ask budget, not the transport one ------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"actors": [{"name": "Kim Jong', "the answer is not valid JSON"),
        ("Sure! Here are the actors and claims you asked for.", "the answer is not valid JSON"),
        ("", "the answer is empty"),
    ],
    ids=["truncated", "prose", "empty"],
)
def test_unusable_content_is_reasked_outside_the_transport_budget(server, article, content, error):
    server.queue(answer(content), good())
    result = extract_one(settings_for(server, retries=0, reasks=1), article)
    assert isinstance(result, ArticleExtraction)
    assert (result.attempts, result.reasks) == (2, 1)
    first, reask = server.requests[0]["messages"], server.requests[1]["messages"]
    # The same two messages, the error after the article; the unusable answer is not resent.
    assert len(reask) == 2 and reask[0] == first[0]
    assert reask[1]["content"].startswith(first[1]["content"] + "\n\n")
    assert error in reask[1]["content"]
    assert not content or content not in reask[1]["content"].removeprefix(first[1]["content"])


def test_unusable_content_with_no_reasks_left_fails_the_article(server, article):
    server.default = answer("not json")
    result = extract_one(settings_for(server, retries=3, reasks=0), article)
    assert isinstance(result, ArticleFailure)
    assert result.reason.startswith("the answer is not valid JSON")
    assert len(server.requests) == 1


def test_schema_failure_is_reasked_with_the_validation_error(server, article):
    server.default = answer(json.dumps({"actors": "nobody"}))
    result = extract_one(settings_for(server, reasks=1), article)
    assert isinstance(result, ArticleFailure)
    assert result.reason.startswith("the answer does not match the schema (")
    assert (result.attempts, result.reasks) == (2, 1)
    assert len(server.requests) == 2
    follow_up = server.requests[1]["messages"][-1]["content"]
    assert "actors: Input should be a valid list" in follow_up
    assert "motives: Field required" in follow_up


# --- finish_reason length, refusals ------------------------------------------------------------


def test_every_call_carries_a_budget_sized_from_the_article_and_capped(server, article):
    server.default = good()
    extract_one(settings_for(server), article)
    assert server.requests[0]["max_tokens"] == output_budget(article, Settings())
    assert 512 < server.requests[0]["max_tokens"] < 4096
    del server.requests[:]
    extract_one(settings_for(server, max_output_tokens=300), article)
    assert server.requests[0]["max_tokens"] == 300


def test_a_looping_answer_costs_at_most_twice_the_budget_then_fails_at_the_cap(server, article):
    server.default = answer('{"actors": [{"name": "Kim", "name": "Kim", ', finish_reason="length")
    result = extract_one(settings_for(server, reasks=0, max_output_tokens=1000), article)
    assert isinstance(result, ArticleFailure)
    budget = output_budget(article, Settings(max_output_tokens=1000))
    assert [r["max_tokens"] for r in server.requests] == [budget, min(2 * budget, 1000)]
    assert result.reason == "the answer was cut off at the cap of 1000 tokens"
    assert result.cut_off
    assert server.requests[1]["messages"] == server.requests[0]["messages"]


def test_a_cut_off_answer_completed_with_a_larger_budget_is_used(server, article):
    server.queue(answer('{"actors": [', finish_reason="length", usage=(100, 10)), good())
    result = extract_one(settings_for(server), article)
    assert isinstance(result, ArticleExtraction)
    assert (result.attempts, result.reasks, result.cut_off) == (2, 0, False)
    first = server.requests[0]["max_tokens"]
    assert server.requests[1]["max_tokens"] == min(2 * first, 4096)


def test_sampling_settings_go_to_the_server(server, article):
    server.default = good()
    extract_one(
        settings_for(server, temperature=0.2, frequency_penalty=0.6, repeat_penalty=1.3), article
    )
    body = server.requests[0]
    assert (body["temperature"], body["frequency_penalty"], body["repeat_penalty"]) == (
        0.2,
        0.6,
        1.3,
    )
    del server.requests[:]
    extract_one(settings_for(server), article)
    assert not {"temperature", "frequency_penalty", "repeat_penalty"} & set(server.requests[0])


@pytest.mark.parametrize(
    "reply",
    [
        answer(None, refusal="I can't help with that."),
        answer("", finish_reason="content_filter"),
    ],
    ids=["refusal", "content-filter"],
)
def test_refusal_fails_the_article_after_exactly_one_request(server, article, reply):
    server.default = reply
    result = extract_one(settings_for(server, retries=3, reasks=3), article)
    assert isinstance(result, ArticleFailure)
    assert result.reason.startswith("refused")
    assert (result.attempts, result.reasks) == (1, 0)
    assert len(server.requests) == 1


# --- structured-output ladder ------------------------------------------------------------------

REJECTIONS = {
    Mode.STRICT.value: Reply(
        400,
        error_body(
            "Invalid schema for response_format 'Extraction': strict mode is not "
            "supported by this model"
        ),
    ),
    Mode.SCHEMA.value: Reply(
        422,
        error_body(
            "Invalid parameter: 'response_format' of type 'json_schema' is not "
            "supported with this model."
        ),
    ),
    Mode.JSON_OBJECT_SCHEMA.value: Reply(
        400, error_body("Unrecognized request argument: response_format.schema")
    ),
    Mode.GUIDED.value: Reply(400, error_body("Unrecognized request argument: guided_json")),
    Mode.TOOLS.value: Reply(400, error_body("tool_choice is not supported by this server")),
    Mode.JSON_OBJECT.value: Reply(
        400,
        error_body(
            "Invalid parameter: 'response_format' of type 'json_object' is not "
            "supported with this model."
        ),
    ),
}

# What llama-cpp-python's server answers to response_format json_schema: HTTP 500.
LLAMA_CPP_REJECTION = Reply(
    500,
    {
        "error": {
            "message": "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
            "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
            "'ctx': {'expected': \"'text' or 'json_object'\"}}]",
            "type": "internal_server_error",
            "param": None,
            "code": None,
        }
    },
)


def rejecting(rejects: dict[str, Reply]):
    def reply(body: dict) -> Reply:
        return rejects.get(shape(body)) or good()

    return reply


def test_rejected_modes_step_down_the_ladder_in_order(server, article):
    server.default = rejecting(REJECTIONS)
    result = extract_one(settings_for(server, retries=3), article)
    assert isinstance(result, ArticleExtraction)
    assert [shape(b) for b in server.requests] == [m.value for m in Mode]
    assert [schema_in_prompt(b) for b in server.requests] == [False] * 5 + [True, True]
    assert server.requests[1]["response_format"]["json_schema"]["strict"] is False
    assert result.mode == "prompt"
    assert result.attempts == 7 and result.reasks == 0


def test_llama_cpp_500_rejection_steps_down_and_is_not_retried(server, article):
    server.default = rejecting(
        {Mode.STRICT.value: LLAMA_CPP_REJECTION, Mode.SCHEMA.value: LLAMA_CPP_REJECTION}
    )
    result = extract_one(settings_for(server, retries=3), article)
    assert isinstance(result, ArticleExtraction)
    assert [shape(b) for b in server.requests] == [
        "json_schema_strict",
        "json_schema",
        "json_object_schema",
    ]
    assert result.mode == "json_object_schema"
    sent = server.requests[2]
    held = sent["response_format"]["schema"]
    assert held["$defs"]["Actor"]["properties"]["aliases"]["maxItems"] == 8  # loops stop here
    assert held["properties"]["actors"]["maxItems"] == 8
    assert held["$defs"]["Actor"]["properties"]["quote"]["maxLength"] == 300
    assert (
        held["$defs"]["Actor"]["required"]
        == strict_json_schema(Extraction)["$defs"]["Actor"]["required"]
    )
    assert not schema_in_prompt(sent)  # the server holds it: the prompt stays short


def test_a_rejection_outside_the_openai_error_shape_still_steps_down(server, article):
    """FastAPI's own 422 body: the SDK quotes no message from it, briefgen must read the body."""
    fastapi_422 = Reply(
        422,
        {
            "detail": [
                {
                    "type": "literal_error",
                    "loc": ["body", "response_format", "type"],
                    "msg": "Input should be 'text' or 'json_object'",
                    "input": "json_schema",
                }
            ]
        },
    )
    server.default = rejecting({Mode.STRICT.value: fastapi_422, Mode.SCHEMA.value: fastapi_422})
    result = extract_one(settings_for(server, retries=3), article)
    assert isinstance(result, ArticleExtraction)
    assert [shape(b) for b in server.requests] == [
        "json_schema_strict",
        "json_schema",
        "json_object_schema",
    ]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            Reply(400, {"error": "context window exceeded"}),
            "HTTP 400: context window exceeded after 1 attempt(s)",
        ),
        (
            Reply(400, error_body("context window exceeded")),
            "HTTP 400: context window exceeded after 1 attempt(s)",
        ),
        (Reply(503, "upstream unavailable"), "HTTP 503: upstream unavailable after 2 attempt(s)"),
    ],
    ids=["error-string", "openai-shape", "text-body"],
)
def test_the_failure_reason_quotes_the_server_once(server, article, reply, reason):
    server.default = reply
    result = extract_one(settings_for(server, retries=1), article)
    assert isinstance(result, ArticleFailure)
    assert result.reason == reason


def test_a_server_that_rejects_every_mode_fails_the_article(server, article):
    server.default = Reply(400, error_body("response_format is not supported"))
    result = extract_one(settings_for(server, retries=3), article)
    assert isinstance(result, ArticleFailure)
    assert result.reason.startswith("the server rejects every structured-output mode")
    assert [shape(b) for b in server.requests] == [m.value for m in Mode]


def test_the_mode_that_worked_is_remembered_per_server_and_model(server, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    state = tmp_path / "state"
    server.default = rejecting(
        {Mode.STRICT.value: LLAMA_CPP_REJECTION, Mode.SCHEMA.value: LLAMA_CPP_REJECTION}
    )
    settings = settings_for(server, db=state / "briefgen.db", cache=False)

    first = make_brief([source], settings)
    assert not first.failures
    assert [shape(b) for b in server.requests] == [
        "json_schema_strict",
        "json_schema",
        "json_object_schema",
    ]
    url = server.url + "/"  # as the SDK spells the base URL: with a trailing slash
    assert Store(state / "briefgen.db").modes.recall(url, settings.model) is Mode.JSON_OBJECT_SCHEMA

    del server.requests[:]
    second = make_brief([source], settings)  # a new run, a new client: only the file remembers
    assert not second.failures
    assert [shape(b) for b in server.requests] == ["json_object_schema"]

    del server.requests[:]
    make_brief([source], settings.model_copy(update={"model": "another-model"}))
    assert shape(server.requests[0]) == "json_schema_strict"  # per model

    with FakeServer(server.default) as other:  # per base URL
        make_brief([source], settings.model_copy(update={"base_url": other.url}))
        assert shape(other.requests[0]) == "json_schema_strict"


def test_record_and_replay_start_the_ladder_afresh(server, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    state, recordings = tmp_path / "state", tmp_path / "recordings"
    settings = settings_for(server, db=state / "briefgen.db", cache=False)
    server.default = rejecting(
        {Mode.STRICT.value: LLAMA_CPP_REJECTION, Mode.SCHEMA.value: LLAMA_CPP_REJECTION}
    )
    make_brief([source], settings)  # the store now says json_object_schema for this server
    url = server.url + "/"  # as the SDK spells the base URL: with a trailing slash
    assert Store(state / "briefgen.db").modes.recall(url, settings.model) is Mode.JSON_OBJECT_SCHEMA

    del server.requests[:]
    server.default = good()  # the server learnt strict mode
    recorded = make_brief([source], settings.model_copy(update={"record": recordings}))
    assert [shape(b) for b in server.requests] == ["json_schema_strict"]

    # The recordings hold only the strict exchange: a replay that started from the state file
    # (json_object) would find no recording for its first request.
    replayed = make_brief([source], settings.model_copy(update={"replay": recordings}))
    assert len(server.requests) == 1  # replay never reached the server
    # the same brief; only a replay is not priced (its calls cost nothing)
    assert recorded.quality.cost is not None and replayed.quality.cost is None
    unpriced = recorded.quality.model_copy(update={"cost": None})
    assert replayed.model_copy(update={"changes": None}) == recorded.model_copy(
        update={"changes": None, "quality": unpriced}
    )
    assert replayed.changes is not None and replayed.changes.items == []
    assert (
        Store(state / "briefgen.db").modes.recall(url, settings.model) is Mode.JSON_OBJECT_SCHEMA
    )  # left alone


# --- 401 / 403 / 404: the whole run stops --------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message", "said"),
    [
        (401, f"Incorrect API key provided: {KEY}.", "refused the credentials"),
        (403, f"Project does not have access to this model (key {KEY})", "refused the credentials"),
        (
            404,
            "The model `gpt-4o-mini` does not exist or you do not have access to it.",
            "model 'gpt-4o-mini' not found",
        ),
    ],
)
def test_setup_errors_fail_the_run_fast_through_the_cli(
    runner, server, folder, tmp_path, status, message, said
):
    server.default = Reply(status, error_body(message))
    out = tmp_path / "brief.md"
    result = invoke(
        runner,
        "make",
        folder,
        "--out",
        out,
        "--base-url",
        server.url,
        "--concurrency",
        "1",
        "--retries",
        "3",
        "-q",
    )
    assert result.exit_code == 2
    assert len(server.requests) == 1  # no retry, and no other article tried
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("briefgen: error: ")
    assert said in result.stderr
    assert KEY not in result.stderr + result.stdout
    assert not out.exists()


# --- run deadline and token cap --------------------------------------------------------------


@pytest.mark.slow
def test_run_deadline_stops_new_calls_and_gives_a_partial_brief(runner, server, folder, tmp_path):
    server.default = lambda body: good() if article_of(body) == "a" else Reply(delay=2.0)
    out = tmp_path / "brief.md"
    result = invoke(
        runner,
        "make",
        folder,
        "--out",
        out,
        "--base-url",
        server.url,
        "--concurrency",
        "1",
        "--deadline",
        "0.6",
    )
    assert result.exit_code == 3
    reason = "run deadline of 0.6 s reached before this article finished"
    assert f"partial: [2] b failed: {reason}" in result.stderr
    assert f"partial: [3] c failed: {reason}" in result.stderr
    # b's call started and was cut at the deadline (its timeout is the time left); c never started
    assert [article_of(b) for b in server.requests] == ["a", "b"]
    assert f"**Failed:** [2] b: {reason}" in out.read_text()


def test_run_deadline_with_nothing_finished_exits_1(runner, server, folder, tmp_path):
    server.default = Reply(delay=2.0)
    out = tmp_path / "brief.md"
    result = invoke(
        runner,
        "make",
        folder,
        "--out",
        out,
        "--base-url",
        server.url,
        "--concurrency",
        "1",
        "--deadline",
        "0.2",
    )
    assert result.exit_code == 1
    assert "run deadline of 0.2 s reached" in result.stderr
    assert "nothing was written" in result.stderr
    # a's call is cut at the deadline and no other starts (a slow machine may not even get a's
    # first request out within 0.2 s: the deadline counts from before the SDK client is built)
    assert [article_of(b) for b in server.requests] in (["a"], [])
    assert not out.exists()


def test_token_cap_stops_new_calls_and_gives_a_partial_brief(runner, server, folder, tmp_path):
    server.default = good(usage=(100, 20))
    out = tmp_path / "brief.md"
    result = invoke(
        runner,
        "make",
        folder,
        "--out",
        out,
        "--base-url",
        server.url,
        "--concurrency",
        "1",
        "--max-tokens-total",
        "150",
    )
    assert result.exit_code == 3
    assert len(server.requests) == 2  # 120 tokens < 150: one more call starts; then none
    assert (
        "partial: [3] c failed: token cap reached (240 of 150 tokens used) before this "
        "article finished"
    ) in result.stderr
    assert "tokens in/out 200/40" in result.stderr


def test_token_cap_reached_mid_article_fails_it_with_the_reason(runner, server, folder):
    server.default = answer("not json", usage=(80, 30))
    result = invoke(
        runner, "make", folder / "a.txt", "--base-url", server.url, "--max-tokens-total", "100"
    )
    assert result.exit_code == 1
    assert "token cap reached (110 of 100 tokens used)" in result.stderr
    assert len(server.requests) == 1  # the re-ask never started


# --- grounding ---------------------------------------------------------------------------------


def test_ungrounded_quote_gets_one_reask_naming_it_then_is_dropped_and_counted(server, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    server.default = with_invented_quote()
    seen = []
    brief = make_brief([source], settings_for(server, reasks=1), on_result=seen.append)
    assert len(server.requests) == 2  # one grounding re-ask, no more
    follow_up = server.requests[1]["messages"][-1]["content"]
    assert f'"quote":"{INVENTED}"}}: quote not in the article' in follow_up
    assert brief.quality.dropped_ungrounded == 1
    (result,) = seen
    assert [(d.kind, d.quote) for d in result.dropped] == [("actors", INVENTED)]
    assert [a.name for a in brief.actors] == ["Vladimir Putin"]
    assert (result.reasks, brief.quality.reasks) == (1, 1)


def test_ungrounded_quote_fixed_on_the_reask_is_kept(server, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    server.queue(with_invented_quote(), good())
    brief = make_brief([source], settings_for(server))
    assert len(server.requests) == 2
    assert brief.quality.dropped_ungrounded == 0
    assert {a.name for a in brief.actors} == {"Kim Jong Un", "Vladimir Putin"}


# --- usage accounting --------------------------------------------------------------------------

USAGE_SCRIPT = (
    # article a: an unusable answer, re-asked, then a good one
    answer("not json", usage=(50, 5)),
    good(usage=(60, 6)),
    # article b: a 429 (no tokens; Retry-After 0, as the CLI has no --backoff), then a good one
    Reply(429, error_body("Rate limit reached"), {"retry-after": "0"}),
    good(usage=(70, 7)),
)


def test_usage_attempts_and_reasks_match_the_wire_per_article_and_per_run(server, folder):
    (folder / "c.txt").unlink()
    server.queue(*USAGE_SCRIPT)
    seen = []
    brief = make_brief([folder], settings_for(server, concurrency=1), on_result=seen.append)
    a, b = sorted(seen, key=lambda r: r.article.id)
    assert (a.attempts, a.reasks, a.usage.input_tokens, a.usage.output_tokens) == (2, 1, 110, 11)
    assert (b.attempts, b.reasks, b.usage.input_tokens, b.usage.output_tokens) == (2, 0, 70, 7)
    by_article = [article_of(body) for body in server.requests]
    assert (by_article.count("a"), by_article.count("b")) == (a.attempts, b.attempts)
    q = brief.quality
    assert (q.attempts, q.reasks) == (len(server.requests), 1) == (4, 1)
    assert (q.usage.input_tokens, q.usage.output_tokens) == (180, 18)


def test_the_cli_summary_line_shows_calls_reasks_and_tokens(runner, server, folder):
    (folder / "c.txt").unlink()
    server.queue(*USAGE_SCRIPT)
    result = invoke(
        runner, "make", folder, "--base-url", server.url, "--concurrency", "1", "--retries", "1"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "run 1 ok: 2 articles, 0 cached, 0 failed, 4 calls, tokens in/out 180/18" in result.stderr
    )
    assert "INFO    extracted a: 2 actors, 2 claims, 0 dropped, 2 calls" in result.stderr


def test_usage_of_a_failed_article_is_still_counted(server, article):
    server.default = answer("not json", usage=(40, 4))
    result = extract_one(settings_for(server, reasks=2), article)
    assert isinstance(result, ArticleFailure)
    assert (result.attempts, result.reasks) == (3, 2)
    assert (result.usage.input_tokens, result.usage.output_tokens) == (120, 12)


def test_call_stats_count_every_request_including_mode_steps(server):
    server.default = rejecting({Mode.STRICT.value: REJECTIONS[Mode.STRICT.value]})
    stats = CallStats()

    async def run():
        client = OpenAIClient(settings_for(server))
        try:
            return await client.complete([{"role": "user", "content": "x"}], Extraction, stats)
        finally:
            await client.aclose()

    asyncio.run(run())
    assert stats.attempts == len(server.requests) == 2
    assert (stats.usage.input_tokens, stats.usage.output_tokens) == (100, 20)  # 400 cost none
    assert stats.mode == Mode.SCHEMA


# --- secrets -------------------------------------------------------------------------------------


def test_the_key_is_never_in_the_brief_stderr_or_recordings(runner, server, folder, tmp_path):
    def reply(body: dict) -> Reply:
        if article_of(body) == "c":
            return answer(None, refusal="I can't help with that.")
        return good()

    server.default = reply
    out, js, recordings = tmp_path / "brief.md", tmp_path / "brief.json", tmp_path / "rec"
    result = invoke(
        runner,
        "make",
        folder,
        "--out",
        out,
        "--json",
        js,
        "--record",
        recordings,
        "--base-url",
        server.url,
    )
    assert result.exit_code == 3
    assert {h["authorization"] for h in server.headers} == {f"Bearer {KEY}"}  # it was sent
    stored = [p.read_text() for p in recordings.glob("*.json")]
    assert len(stored) == 3
    for text in [out.read_text(), js.read_text(), result.stderr, result.stdout, *stored]:
        assert KEY not in text
        assert "authorization" not in text.lower()


def test_a_key_echoed_in_an_error_is_scrubbed_from_brief_and_stderr(
    runner, server, folder, tmp_path
):
    def reply(body: dict) -> Reply:
        if article_of(body) == "b":
            return Reply(400, error_body(f"Invalid request from Bearer {KEY}: bad messages"))
        return good()

    server.default = reply
    out, js = tmp_path / "brief.md", tmp_path / "brief.json"
    result = invoke(runner, "make", folder, "--out", out, "--json", js, "--base-url", server.url)
    assert result.exit_code == 3
    assert "partial: [2] b failed: HTTP 400: Invalid request from [redacted]" in result.stderr
    for text in [out.read_text(), js.read_text(), result.stderr, result.stdout]:
        assert KEY not in text


def test_a_key_echoed_by_the_server_is_not_stored_in_a_recording(runner, server, folder, tmp_path):
    server.default = Reply(400, error_body(f"Invalid request from Bearer {KEY}: bad messages"))
    recordings = tmp_path / "rec"
    result = invoke(
        runner, "make", folder / "a.txt", "--record", recordings, "--base-url", server.url
    )
    assert result.exit_code == 1
    stored = "".join(p.read_text() for p in recordings.glob("*.json"))
    assert stored
    assert KEY not in stored
    assert "[redacted]" in stored


def test_an_exhausted_quota_stops_the_run_instead_of_retrying(runner, server, folder):
    body = {
        "error": {
            "message": "You exceeded your current quota",
            "type": "insufficient_quota",
            "code": "insufficient_quota",
        }
    }
    server.default = Reply(429, body, {"retry-after": "0"})
    result = invoke(runner, "make", folder, "--base-url", server.url, "--concurrency", "1")
    assert result.exit_code == 2
    assert "quota is used up" in result.stderr
    assert len(server.requests) == 1


def test_a_model_that_answers_with_the_prompts_header_words_gets_no_item_through(server, tmp_path):
    """A weak model copies the metadata the prompt puts in the fence (the keys "outlet" and
    "published", the outlet's name, the id) into its answer. None of it is the article's text."""
    source = tmp_path / "a.txt"
    source.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (tmp_path / "manifest.json").write_text(
        '{"articles": {"a.txt": {"outlet": "Daily Planet", "published": "2023-09-05"}}}'
    )
    quote = "officials said on Tuesday"
    header = {
        "actors": [
            {
                "name": name,
                "kind": "organization",
                "role": None,
                "affiliation": None,
                "aliases": [],
                "quote": quote,
            }
            for name in ("Outlet", "Daily Planet", "Article a")
        ],
        "motives": [],
        "asks": [],
        "warnings": [],
        "venues": [{"place": "Published", "within": [], "certainty": "reported", "quote": quote}],
        "dates": [
            {
                "text": "2023-09-05",
                "event": "published",
                "relation": "before",
                "certainty": "confirmed",
                "central": False,
                "quote": quote,
            }
        ],
    }
    server.default = answer(json.dumps(header))
    with pytest.raises(NothingProduced) as raised:
        make_brief([source], settings_for(server))
    (failed,) = raised.value.brief.failures
    assert failed.failed == (
        "no item grounded in the article (5 dropped: name not in the article, "
        "place not in the article, date not in the article)"
    )
    assert len(server.requests) == 2  # one re-ask, naming what is not in the article
    follow_up = server.requests[1]["messages"][-1]["content"]
    assert "- actors {" in follow_up and ": name not in the article: 'Outlet'" in follow_up
    assert "- venues {" in follow_up and ": place not in the article: 'Published'" in follow_up
    assert "Daily Planet" in server.requests[0]["messages"][1]["content"]  # it was in the header


def test_the_tools_step_reads_the_forced_calls_arguments(server, article):
    def tool_call(body: dict) -> Reply:
        assert shape(body) == Mode.TOOLS.value
        reply = chat_completion(None, finish_reason="tool_calls")
        reply["choices"][0]["message"]["tool_calls"] = [
            {
                "id": "call_1",
                "type": "function",
                "function": {
                    "name": "Extraction",
                    "arguments": sample_extraction().model_dump_json(),
                },
            }
        ]
        return Reply(body=reply)

    server.default = tool_call
    result = extract_one(settings_for(server, structured_output="tools"), article)
    assert isinstance(result, ArticleExtraction)
    assert result.extraction == sample_extraction() and result.mode == "tools"
    tool = server.requests[0]["tools"][0]["function"]
    assert tool["parameters"] == strict_json_schema(Extraction)
    assert not schema_in_prompt(server.requests[0])


def test_the_guided_step_sends_vllms_fields_with_the_bounded_schema(server, article):
    server.default = good()
    extract_one(settings_for(server, structured_output="guided_json", max_items=5), article)
    body = server.requests[0]
    assert "response_format" not in body
    assert body["guided_json"]["properties"]["dates"]["maxItems"] == 5
    assert body["structured_outputs"] == {"json": body["guided_json"]}

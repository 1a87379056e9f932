"""Genuine exchanges with a real OpenAI-compatible server, replayed offline.

tests/fixtures/recordings/smollm2-135m holds what `briefgen make --record` saved against
llama-cpp-python's server (0.3.x) running SmolLM2-135M-Instruct (Q4_1 GGUF) on loopback, on a CPU:

    python -m llama_cpp.server --model SmolLM2-135M-Instruct.Q4_1.gguf \
        --model_alias smollm2-135m --host 127.0.0.1 --port 8765 --n_ctx 8192
    briefgen make briefgen/examples/kim-putin-2023-09 --base-url http://127.0.0.1:8765/v1 \
        --model smollm2-135m --record tests/fixtures/recordings/smollm2-135m \
        --out /tmp/smol-brief.md --json /tmp/smol-brief.json --concurrency 1 --timeout 600

(about 7 minutes; move the old files away first, so that none is left over).

With --record and --replay every model call starts the structured-output ladder at the top, so
each article's recording holds every step it took. What happened, for each of the 5 articles, on
the first ask and again on the one re-ask:

- json_schema with `strict: true`, then without it: the server refuses both with HTTP 500 before
  the model runs ("Input should be 'text' or 'json_object'", pydantic's literal_error on
  body.response_format.type);
- json_object: accepted; the model answers JSON of its own shape ("revised", "title", "$defs",
  "article-title"), never the Extraction schema. On two articles (000 and 003) the first answer
  ran on until the 8192-token context was full (finish_reason "length", the model echoing the
  schema), and was asked once more with a larger max_tokens; that answer failed the schema too.

So every article fails with "the answer does not match the schema", nothing is written, exit 1:
32 requests, 20 of them rejected. These tests pin that real behaviour, and that replay gives the
same run at any concurrency (articles finish in a different order; nothing else changes).

A change to the prompts, the schema or the structured-output ladder changes the requests; then
replay stops with "no recording matches this request" and the recordings must be made again
with the commands above.

The live test at the end runs only when BRIEFGEN_LIVE_BASE_URL names such a server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from briefgen import ingest
from briefgen.cli import main
from briefgen.config import Settings
from briefgen.errors import NothingProduced, ReplayMissError
from briefgen.llm import MIN_ENLARGED_TOKENS
from briefgen.pipeline import DEMO_DIR, make_brief
from briefgen.replay import ReplayTransport, load_recordings, request_key
from briefgen.schemas import ArticleFailure, Brief, Extraction
from briefgen.structured import parse_output, rejects_mode

RECORDINGS = Path(__file__).parent / "fixtures" / "recordings" / "smollm2-135m"
MODEL = "smollm2-135m"
N_CTX = 8192  # the server's --n_ctx: a cut-off answer filled it

# What the server said about response_format json_schema, strict or not, in its own words.
REJECTION = (
    "1 validation error:\n"
    "  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}"
)
MISSING = (
    "actors: Field required; motives: Field required; asks: Field required; "
    "warnings: Field required; venues: Field required; dates: Field required"
)


class Outcome(NamedTuple):
    calls: int  # HTTP requests, rejected ones included
    cut_off: bool  # the first answer filled the context and was asked for again
    stray: str  # the key of its own the model put in its last answer

    def reason(self) -> str:
        return (
            f"the answer does not match the schema ({MISSING}; "
            f"{self.stray}: Extra inputs are not permitted)"
        )


# What each article came to, as recorded.
OUTCOMES = {
    "000_deedc7ba026f4e2c": Outcome(7, True, "revised"),
    "001_207eecc2f0b75a67": Outcome(6, False, "title"),
    "002_a068e6ad01634e10": Outcome(6, False, "title"),
    "003_58777fc59fe47373": Outcome(7, True, "$defs"),
    "004_8aa3c28ddd8a7821": Outcome(6, False, "article-title"),
}
LADDER = ["json_schema_strict", "json_schema", "json_object"]  # "prompt" was never reached

RERECORD = (
    "the SmolLM2 recordings no longer match what briefgen sends (prompt, schema or "
    "structured-output ladder changed); record them again as this module's docstring says"
)

KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_*-]{4,}|bearer\s+\S+|authorization|api[_-]?key", re.I)


def recordings() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RECORDINGS.glob("*.json"))]


def answered() -> list[dict]:
    """The exchanges in which the model ran and answered."""
    return [e for e in recordings() if e["response"]["status"] == 200]


def example_ids() -> list[str]:
    return [article.id for article in ingest.load([DEMO_DIR])]


def article_id(exchange: dict) -> str:
    """The article a recorded request was about, from the user prompt ("Article <id>: ...")."""
    user = next(m for m in exchange["request"]["body"]["messages"] if m["role"] == "user")
    found = re.match(r"Article (\S+?):?\s", user["content"])
    assert found, user["content"][:80]
    return found.group(1)


def mode_of(exchange: dict) -> str:
    """The structured-output mode a recorded request asked for."""
    fmt = exchange["request"]["body"].get("response_format")
    if fmt is None:
        return "prompt"
    if fmt["type"] == "json_schema":
        return "json_schema_strict" if fmt["json_schema"].get("strict") else "json_schema"
    return fmt["type"]


def turns(article: str) -> list[list[dict]]:
    """The article's exchanges, one list per time the model was asked (first ask, re-ask), in
    the order sent: the ladder from the top, then a resend with more room if cut off."""
    by_turn: dict[int, list[dict]] = defaultdict(list)
    for exchange in recordings():
        if article_id(exchange) == article:
            by_turn[len(exchange["request"]["body"]["messages"])].append(exchange)
    order = {mode: i for i, mode in enumerate(LADDER)}
    return [
        sorted(by_turn[n], key=lambda e: (order[mode_of(e)], "max_tokens" in e["request"]["body"]))
        for n in sorted(by_turn)
    ]


def content(exchange: dict) -> str:
    return exchange["response"]["body"]["choices"][0]["message"]["content"]


def finish(exchange: dict) -> str:
    return exchange["response"]["body"]["choices"][0]["finish_reason"]


def recorded_usage(exchanges: list[dict]) -> tuple[int, int]:
    usage = [e["response"]["body"]["usage"] for e in exchanges if e["response"]["status"] == 200]
    return sum(u["prompt_tokens"] for u in usage), sum(u["completion_tokens"] for u in usage)


# --- the recordings themselves -----------------------------------------------------------------


def test_recordings_are_genuine_and_labelled_with_the_real_model_and_server():
    found = recordings()
    assert found, f"no recordings in {RECORDINGS}"
    for exchange in found:
        assert exchange["source"] == "recorded"
        assert exchange["model"] == MODEL
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", exchange["server"])
        assert exchange["request"]["body"]["model"] == MODEL
        assert exchange["key"] == request_key(exchange["request"]["body"])
    for exchange in answered():
        assert exchange["response"]["body"]["model"] == MODEL  # as the server named itself
    # Every article of the bundled example was sent, and nothing else.
    assert set(OUTCOMES) == set(example_ids())
    assert Counter(article_id(e) for e in found) == {a: o.calls for a, o in OUTCOMES.items()}
    assert len(load_recordings(RECORDINGS)) == len(found)  # no two files answer the same request


def test_no_recording_holds_a_key_or_a_header():
    for path in RECORDINGS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert not KEY_LIKE.search(text), f"{path.name}: {KEY_LIKE.search(text)}"
        exchange = json.loads(text)
        assert "headers" not in exchange["request"]
        assert "headers" not in exchange["response"]


def test_every_ask_climbed_the_ladder_from_the_top():
    for article, outcome in OUTCOMES.items():
        asked = turns(article)
        assert len(asked) == 2, article  # asked, then re-asked once
        for n, turn in enumerate(asked):
            resent = outcome.cut_off and n == 0
            assert [mode_of(e) for e in turn] == LADDER + ["json_object"] * resent, article
            assert [e["response"]["status"] for e in turn] == [500, 500, 200] + [200] * resent
            # The same conversation each time; below json_schema the schema is in the prompt.
            system = [e["request"]["body"]["messages"][0]["content"] for e in turn]
            assert system[1] == system[0]
            assert all(s.startswith(system[0] + "\n\n") for s in system[2:])
            assert len({json.dumps(e["request"]["body"]["messages"][1:]) for e in turn}) == 1


def test_the_server_rejects_json_schema_strict_or_not_before_the_model_runs():
    rejected = [e for e in recordings() if e["response"]["status"] != 200]
    assert len(rejected) == 2 * 2 * len(OUTCOMES)  # strict and not, on every ask
    assert {mode_of(e) for e in rejected} == {"json_schema_strict", "json_schema"}
    for exchange in rejected:
        assert exchange["response"]["status"] == 500
        body = exchange["response"]["body"]
        assert "choices" not in body and "usage" not in body  # the model never ran
        assert body["error"]["type"] == "internal_server_error"
        message = body["error"]["message"]
        assert message.startswith(REJECTION), message
        assert rejects_mode(500, message)  # briefgen takes it for a rejection of the mode
    # The same words whatever the schema, strict flag or conversation.
    assert len({e["response"]["body"]["error"]["message"] for e in rejected}) == 1
    assert {mode_of(e) for e in answered()} == {"json_object"}


def test_two_answers_filled_the_context_and_were_asked_for_again_with_more_room():
    cut = [e for e in answered() if finish(e) == "length"]
    assert {article_id(e) for e in cut} == {a for a, o in OUTCOMES.items() if o.cut_off}
    for exchange in cut:
        assert exchange["response"]["body"]["usage"]["total_tokens"] == N_CTX
        assert "max_tokens" not in exchange["request"]["body"]
        used = exchange["response"]["body"]["usage"]["completion_tokens"]
        resent = [
            e
            for e in answered()
            if e["request"]["body"]["messages"] == exchange["request"]["body"]["messages"]
            and "max_tokens" in e["request"]["body"]
        ]
        assert len(resent) == 1
        assert resent[0]["request"]["body"]["max_tokens"] == max(2 * used, MIN_ENLARGED_TOKENS)
        assert finish(resent[0]) == "stop"
    assert all(finish(e) == "stop" for e in answered() if "max_tokens" in e["request"]["body"])


def test_no_answer_of_the_model_fits_the_schema():
    assert answered()
    for exchange in answered():
        message = exchange["response"]["body"]["choices"][0]["message"]
        assert not message.get("refusal")
        with pytest.raises(ValidationError):
            Extraction.model_validate_json(message["content"])
    for article, outcome in OUTCOMES.items():
        last = turns(article)[-1][-1]
        assert finish(last) == "stop"
        assert outcome.stray in json.loads(content(last))
        assert parse_output(content(last), Extraction) == (None, outcome.reason())


def test_the_re_ask_hands_back_the_answer_and_what_was_wrong_with_it():
    for article in OUTCOMES:
        first, again = turns(article)
        answer = content(first[-1])  # the last answer of the first ask, resent or not
        _, error = parse_output(answer, Extraction)
        assistant, user = again[0]["request"]["body"]["messages"][-2:]
        assert assistant == {"role": "assistant", "content": answer}
        assert (
            user["role"] == "user"
            and f"Your answer could not be used: {error}" in (user["content"])
        )


# --- replayed through the real pipeline --------------------------------------------------------


@pytest.fixture
def served(monkeypatch) -> Counter:
    """Counts each recording the replay transport answers with, by request key."""
    counts: Counter = Counter()
    answer = ReplayTransport._answer

    def counting(self, request):
        response = answer(self, request)
        counts[request_key(json.loads(request.content))] += 1
        return response

    monkeypatch.setattr(ReplayTransport, "_answer", counting)
    return counts


def replay(**settings) -> tuple[Brief, dict[str, ArticleFailure]]:
    results = []
    try:
        brief = make_brief(
            [DEMO_DIR],
            Settings(model=MODEL, replay=RECORDINGS, **settings),
            on_result=results.append,
        )
    except ReplayMissError as exc:
        pytest.fail(f"{RERECORD}: {exc}")
    except NothingProduced as exc:
        brief = exc.brief
    assert all(isinstance(r, ArticleFailure) for r in results)
    return brief, {r.article.id: r for r in results}


def test_replay_at_the_default_concurrency_fails_every_article_as_recorded(served):
    assert Settings().concurrency > 1  # so this replays several articles at once
    brief, failures = replay()

    assert served == Counter(e["key"] for e in recordings())  # each recording, once
    assert [s.article.id for s in brief.sources] == example_ids()
    assert brief.failures == brief.sources  # nothing was extracted from any article
    assert {s.article.id: s.failed for s in brief.sources} == {
        a: o.reason() for a, o in OUTCOMES.items()
    }
    for article, outcome in OUTCOMES.items():
        failure = failures[article]
        assert failure.reason == outcome.reason()
        assert (failure.attempts, failure.reasks) == (outcome.calls, 1)
        mine = [e for e in recordings() if article_id(e) == article]
        assert (failure.usage.input_tokens, failure.usage.output_tokens) == recorded_usage(mine)
    assert brief.model == MODEL
    assert (brief.actors, brief.asks, brief.warnings, brief.motives) == ([], [], [], [])
    assert brief.venue.values == [] and brief.date.values == [] and brief.timeline == []
    # Every recorded exchange was replayed once, and the tokens are the server's own count.
    assert brief.quality.attempts == len(recordings()) == sum(o.calls for o in OUTCOMES.values())
    assert brief.quality.reasks == len(OUTCOMES)
    usage = brief.quality.usage
    assert (usage.input_tokens, usage.output_tokens) == recorded_usage(recordings())


def test_replay_at_concurrency_4_gives_the_same_result_as_at_1():
    one, one_failures = replay(concurrency=1)
    four, four_failures = replay(concurrency=4)
    assert four.model_dump() == one.model_dump()
    assert four_failures == one_failures


@pytest.mark.parametrize(
    "concurrency", [[], ["--concurrency", "4"], ["--concurrency", "1"]], ids=["default", "4", "1"]
)
def test_replayed_cli_run_exits_1_writes_nothing_and_names_each_failure(
    tmp_path, monkeypatch, concurrency
):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    out, js = tmp_path / "brief.md", tmp_path / "brief.json"
    result = CliRunner().invoke(
        main,
        [
            "make",
            str(DEMO_DIR),
            "--model",
            MODEL,
            "--replay",
            str(RECORDINGS),
            *concurrency,
            "--out",
            str(out),
            "--json",
            str(js),
        ],
        catch_exceptions=False,
    )
    if "no recording matches this request" in result.stderr:
        pytest.fail(f"{RERECORD}: {result.stderr}")
    assert result.exit_code == 1, result.output
    assert not out.exists() and not js.exists()
    lines = result.stderr.rstrip("\n").split("\n")
    assert lines[-1] == (
        "briefgen: error: no article could be extracted (5 failed); nothing was written"
    )
    # One line per article, as each finished: the order may vary with concurrency.
    failed = sorted(line.split(" WARNING ", 1)[1].strip() for line in lines if " WARNING " in line)
    assert failed == [
        f"failed    {article} ({outcome.calls} calls): {outcome.reason()}"
        for article, outcome in sorted(OUTCOMES.items())
    ]
    assert " INFO    run 1 nothing: 5 articles, 0 cached, 5 failed" in lines[-2]


# --- optional: against a live server -----------------------------------------------------------

LIVE_URL = os.environ.get("BRIEFGEN_LIVE_BASE_URL")


@pytest.mark.skipif(not LIVE_URL, reason="set BRIEFGEN_LIVE_BASE_URL to run against a server")
def test_live_server_gives_a_brief_or_a_clean_failure(tmp_path):
    command = shutil.which("briefgen", path=str(Path(sys.executable).parent)) or shutil.which(
        "briefgen"
    )
    if command is None:
        pytest.skip("the briefgen command is not installed")
    article = sorted(DEMO_DIR.glob("001_*.txt"))[0]  # the shortest example article
    out = tmp_path / "brief.md"
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_BASE_URL"}
    model = os.environ.get("BRIEFGEN_LIVE_MODEL", MODEL)
    done = subprocess.run(
        [
            command,
            "make",
            str(article),
            "--base-url",
            LIVE_URL,
            "--model",
            model,
            "--out",
            str(out),
            "--concurrency",
            "1",
            "--timeout",
            "600",
            "--retries",
            "1",
            "--db",
            str(tmp_path / "briefgen.db"),
        ],  # leave the user's store alone
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    assert done.returncode in {0, 1, 3}, done.stderr
    assert "Traceback (most recent call last)" not in done.stderr
    if done.returncode == 0:
        assert out.read_text(encoding="utf-8").startswith("# ")
    elif done.returncode == 1:  # one article: failed, so nothing written (3 needs two or more)
        assert "briefgen: error: no article could be extracted" in done.stderr
        assert not out.exists()

"""How close does briefgen's concurrent extraction come to the ideal? What does a 429 storm cost?

Run:  python bench/concurrency.py             (64 articles, 200 ms latency, C = 1, 8 and 32)
      python bench/concurrency.py --help

The script starts its own OpenAI-compatible server on 127.0.0.1 (a free port). It answers
POST /v1/chat/completions after a fixed latency with a valid chat.completion whose content is an
`Extraction` JSON quoting the article it was asked about, so no grounding re-ask happens. By
default the server runs in a child process, so its threads do not compete with the client's
event loop for the GIL (a real model server is elsewhere too); `--server thread` runs it in this
process instead. Either way it listens on loopback only, stops when the benchmark ends, and
stops by itself after a lifetime cap whatever happens.

It then writes N synthetic articles as .txt files into a temporary folder and runs the real
pipeline, `briefgen.pipeline.amake_brief`, at each concurrency C, timing the whole call
(ingest, client, extraction, merge) and, apart, the model phase (`extract.extract_all`). The
ideal for C is ceil(N/C) x latency: the time the requests alone take when C are always in
flight. Goals, stated at a realistic model latency (1 s and more; below it the figures are
printed for comparison, not judged): wall / ideal <= 1.10 for C > 1, model phase / ideal
<= 1.05, a speed-up over C = 1 of at least 0.9 x C, and model phase <= 1.05 x the baseline.

The 429 storms (goal: model phase / bound <= 1.10). `first`: the server answers the FIRST
request for each article with HTTP 429 and `Retry-After: 1`; later requests for that article
succeed. `twice`: its first two (429, 429, ok). `window`: every request that
reaches the server in the first Retry-After seconds after the run's first request gets 429 (an
account-wide limit). 429s come back after --reject-latency (default: the same latency).

The baseline (`--baseline`, on by default): the same requests sent by a hand-written loop, a
plain `openai.AsyncOpenAI` (its own pool and network backend) and an `asyncio.Semaphore(C)`,
each article's prompt rendered, sent with `chat.completions.create` and its answer validated as
an `Extraction`, at each C of the normal run. briefgen's model phase is printed beside it and
as a ratio: what briefgen's own machinery (ladder, retries, limits, grounding, results, the run
log) costs over the least any client could do with the SDK.

Finally it times, without the network, the CPU that briefgen and the SDK spend per article:
the event loop does that work one article at a time, so it bounds what concurrency can gain.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import re
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# --- the synthetic news ----------------------------------------------------------------------

PEOPLE = [
    ("Anna Berg", "Berg", "President", "Norland"),
    ("Tomas Vale", "Vale", "Prime Minister", "Ostrava Republic"),
    ("Lena Ortiz", "Ortiz", "Foreign Minister", "Calder"),
    ("Ivo Marsh", "Marsh", "Chancellor", "Westmark"),
    ("Ruth Okafor", "Okafor", "President", "Senna"),
    ("Pavel Dorn", "Dorn", "Defence Minister", "Ostrava Republic"),
    ("Mira Castell", "Castell", "Prime Minister", "Lusia"),
    ("Jonas Petrak", "Petrak", "Trade Minister", "Norland"),
    ("Sofia Lind", "Lind", "President", "Arvel"),
    ("Karim Haddad", "Haddad", "Foreign Minister", "Qasra"),
]
PLACES = ["Vladivostok", "Geneva", "Helsinki", "Singapore", "Nairobi"]
ASKS = ["artillery shells", "grain shipments", "satellite technology", "debt relief", "fuel"]
MOTIVES = ["closer trade ties", "a security guarantee", "access to the port", "new investment"]
WARNINGS = ["new sanctions", "a naval blockade", "an arms embargo", "retaliatory tariffs"]
MONTHS = ["March", "April", "May", "June", "September", "October"]
FILLER = (
    "Analysts in the region said the talks had been prepared for months by officials on both "
    "sides, and that the agenda was kept secret until the last moment. Markets reacted calmly. "
    "Diplomats described the atmosphere as businesslike, and several delegations are expected to "
    "issue statements once the meeting ends. Opposition figures in both countries criticised "
    "the lack of transparency and asked parliament to review any agreement that is signed. "
)


def facts(i: int) -> dict[str, Any]:
    """The article's facts, and the sentences that carry them: both the article writer and the
    server's answer come from here, so every quote the server returns is in the article."""
    a = PEOPLE[i % len(PEOPLE)]
    b = PEOPLE[(i * 3 + 1) % len(PEOPLE)]
    if a == b:
        b = PEOPLE[(i + 1) % len(PEOPLE)]
    place = PLACES[i % len(PLACES)]
    day = f"{MONTHS[i % len(MONTHS)]} {1 + i % 27}"
    ask, motive, warning = ASKS[i % len(ASKS)], MOTIVES[i % len(MOTIVES)], WARNINGS[i % 4]
    return {
        "a": a,
        "b": b,
        "place": place,
        "day": day,
        "ask": ask,
        "motive": motive,
        "warning": warning,
        "meet": f"{a[2]} {a[0]} will meet {b[2]} {b[0]} in {place} on {day}, officials said.",
        "want": f"{a[1]} is seeking {motive} with {b[3]}, according to people familiar with it.",
        "asked": f"{a[1]} asked {b[1]} for {ask} during a call last week.",
        "warned": f"{b[1]} warned {a[1]} that {warning} would follow any breach of the deal.",
    }


def article_text(i: int) -> str:
    f = facts(i)
    title = f"{f['a'][1]} and {f['b'][1]} to meet in {f['place']} (report {i})"
    body = [f["meet"], FILLER, f["want"], f["asked"], FILLER, f["warned"], FILLER]
    return title + "\n\n" + "\n\n".join(body) + "\n"


def extraction_data(i: int) -> dict[str, Any]:
    """What a careful model would extract from article i, every quote copied from it."""
    f = facts(i)
    a, b = f["a"], f["b"]

    def actor(p: tuple[str, str, str, str], quote: str) -> dict[str, Any]:
        return {
            "name": p[0],
            "kind": "person",
            "role": p[2],
            "affiliation": p[3],
            "aliases": [p[1]],
            "quote": quote,
        }

    data = {
        "actors": [actor(a, f["meet"]), actor(b, f["meet"])],
        "motives": [
            {"actor": a[0], "motive": f["motive"], "certainty": "reported", "quote": f["want"]}
        ],
        "asks": [
            {
                "asker": a[0],
                "asked": b[0],
                "ask": f["ask"],
                "certainty": "reported",
                "quote": f["asked"],
            }
        ],
        "warnings": [
            {
                "warner": b[0],
                "warned": a[0],
                "warning": f["warning"],
                "certainty": "confirmed",
                "quote": f["warned"],
            }
        ],
        "venues": [{"place": f["place"], "certainty": "planned", "quote": f["meet"]}],
        "dates": [
            {
                "text": f"on {f['day']}",
                "event": f"meeting of {a[1]} and {b[1]}",
                "relation": "after",
                "certainty": "confirmed",
                "central": True,
                "quote": f["meet"],
            }
        ],
    }
    return data


def fit_to_schema(data: Any, node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """`data` reshaped to a JSON Schema that may have moved on since this script was written:
    fields the schema no longer has are dropped, required fields it gained are filled with a
    neutral value (null where allowed, else the first enum value, false, 0, "" or [])."""
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b.get("type") != "null"]
        if data is None or not branches:
            return data
        return fit_to_schema(data, branches[0], defs)
    if isinstance(data, dict) and "properties" in node:
        props = node["properties"]
        fitted = {k: fit_to_schema(v, props[k], defs) for k, v in data.items() if k in props}
        for key in node.get("required", []):
            if key not in fitted:
                fitted[key] = neutral_value(props[key], defs)
        return fitted
    if isinstance(data, list) and "items" in node:
        return [fit_to_schema(item, node["items"], defs) for item in data]
    return data


def neutral_value(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    if "default" in node:
        return node["default"]
    if "anyOf" in node:
        if any(b.get("type") == "null" for b in node["anyOf"]):
            return None
        return neutral_value(node["anyOf"][0], defs)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return fit_to_schema({}, node, defs)
    return {"boolean": False, "integer": 0, "number": 0, "string": "", "array": []}.get(kind)


def answers_for(count: int) -> dict[str, str]:
    """Article id -> the JSON the server answers with, fitted to today's `Extraction`."""
    from briefgen.schemas import Extraction

    schema = Extraction.model_json_schema()
    defs = schema.get("$defs", {})
    return {
        f"art-{i:03d}": json.dumps(fit_to_schema(extraction_data(i), schema, defs))
        for i in range(count)
    }


def chat_completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "bench-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": 900, "completion_tokens": 250, "total_tokens": 1150},
    }


# --- the server ------------------------------------------------------------------------------

# Storms in which each article's first k requests get 429: "first" is 429,ok; "twice" 429,429,ok.
REJECTED_FIRST = {"first": 1, "twice": 2}

_ARTICLE_ID = re.compile(r"Article (art-\d+)")


class BenchState:
    """What the server does and what it saw; guarded by one lock."""

    def __init__(self, latency: float):
        self.lock = threading.Lock()
        self.latency = latency
        self.storm = "off"  # "off" | "first" | "twice" | "window"
        self.retry_after = 1.0
        self.reject_latency = 0.0
        self.answers: dict[str, str] = {}
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.rate_limited = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.seen: dict[str, int] = {}  # requests seen per article
        self.window_ends: float | None = None
        self.arrivals: list[float] = []

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "rate_limited": self.rate_limited,
                "peak_in_flight": self.peak_in_flight,
                "arrivals": list(self.arrivals),
            }

    def admit(self, key: str) -> bool:
        """Count a request; False if it gets a 429."""
        with self.lock:
            self.requests += 1
            now = time.monotonic()
            self.arrivals.append(now)
            limited = False
            if self.storm in REJECTED_FIRST:
                limited = self.seen.get(key, 0) < REJECTED_FIRST[self.storm]
                self.seen[key] = self.seen.get(key, 0) + 1
            elif self.storm == "window":
                if self.window_ends is None:
                    self.window_ends = now + self.retry_after
                limited = now < self.window_ends
            if limited:
                self.rate_limited += 1
            else:
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return not limited

    def done(self) -> None:
        with self.lock:
            self.in_flight -= 1


def make_server(state: BenchState) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the SDK's pool reuses connections
        disable_nagle_algorithm = True  # headers and body go out without a delayed-ACK stall
        timeout = 60  # an idle keep-alive connection is closed after this

        def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            if self.path == "/stats":
                self._reply(200, state.stats())
            else:
                self._reply(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.path == "/control":
                settings = json.loads(body)
                with state.lock:
                    state.storm = settings.get("storm", state.storm)
                    state.latency = settings.get("latency", state.latency)
                    state.retry_after = settings.get("retry_after", state.retry_after)
                    state.reject_latency = settings.get("reject_latency", state.reject_latency)
                    state.answers = settings.get("answers", state.answers)
                    state.reset()
                self._reply(200, {"ok": True})
                return
            if not self.path.endswith("/chat/completions"):
                self._reply(404, {"error": {"message": f"no route {self.path}"}})
                return
            request = json.loads(body)
            user = next((m["content"] for m in request["messages"] if m["role"] == "user"), "")
            found = _ARTICLE_ID.search(user)
            if found is None or found.group(1) not in state.answers:
                self._reply(400, {"error": {"message": "no known article id in the prompt"}})
                return
            key = hashlib.sha256(user.encode()).hexdigest()
            if not state.admit(key):
                time.sleep(state.reject_latency)
                message = {"error": {"message": "Rate limit reached", "type": "rate_limit"}}
                self._reply(429, message, {"retry-after": f"{state.retry_after:g}"})
                return
            try:
                time.sleep(state.latency)
                self._reply(200, chat_completion(state.answers[found.group(1)]))
            finally:
                state.done()

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024  # the default backlog of 5 stalls a burst of connects
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hung up is normal; no traceback on stderr

    return Server(("127.0.0.1", 0), Handler)


def _serve_in_child(latency: float, lifetime: float, conn: Any) -> None:
    """Child process: serve until told to stop, the parent dies, or `lifetime` runs out."""
    server = make_server(BenchState(latency))
    conn.send(server.server_address[1])
    parent = os.getppid()
    ends = time.monotonic() + lifetime
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        while time.monotonic() < ends and os.getppid() == parent:
            if conn.poll(0.2):
                break
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def bench_server(latency: float, where: str, lifetime: float) -> Iterator[str]:
    """The server's base URL (http://127.0.0.1:PORT/v1) for the duration of the block."""
    if where == "thread":
        server = make_server(BenchState(latency))
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        watchdog = threading.Timer(lifetime, server.shutdown)
        watchdog.daemon = True
        watchdog.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/v1"
        finally:
            watchdog.cancel()
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        return
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(
        target=_serve_in_child, args=(latency, lifetime, child_end), daemon=True
    )
    process.start()
    try:
        if not parent_end.poll(30):
            raise RuntimeError("the benchmark server did not start")
        yield f"http://127.0.0.1:{parent_end.recv()}/v1"
    finally:
        with contextlib.suppress(OSError):
            parent_end.send("stop")
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)


def control(url: str, **settings: Any) -> None:
    root = url.removesuffix("/v1")
    request = urllib.request.Request(
        f"{root}/control",
        data=json.dumps(settings).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def server_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url.removesuffix('/v1')}/stats", timeout=10) as response:
        return json.loads(response.read())


# --- running the pipeline --------------------------------------------------------------------


@dataclass
class Run:
    concurrency: int
    wall: float  # the whole amake_brief call: ingest, client, extraction, merge
    model: float  # the model phase alone: extract.extract_all, first request to last answer
    model_cpu: float  # CPU this process used in the model phase
    cpu: float  # CPU this process used meanwhile (the client; the server too with --server thread)
    failures: int
    requests: int
    rate_limited: int
    peak_in_flight: int
    pauses: int  # silences of at least half a Retry-After between requests reaching the server


_STORE: list[Path] = []


def bench_db() -> Path:
    """A store of the benchmark's own, so the user's cache is neither read nor filled."""
    if not _STORE:
        _STORE.append(Path(tempfile.mkdtemp(prefix="briefgen-bench-")) / "briefgen.db")
    return _STORE[0]


def settings_for(url: str, concurrency: int, cache: bool = False) -> Any:
    """Extraction is what is measured here: the cache is off unless asked for."""
    from briefgen.config import Settings

    return Settings(
        model="bench-model",
        base_url=url,
        api_key="sk-bench",  # type: ignore[arg-type]
        concurrency=concurrency,
        backoff=0.05,
        max_wait=10.0,
        retries=3,
        timeout=30.0,
        deadline=300.0,  # bounded whatever happens
        db=bench_db(),
        cache=cache,
    )


@contextlib.contextmanager
def timed_model_phase() -> Iterator[list[float]]:
    """Times `extract.extract_all`, the model phase (ingest, building the client, the cache,
    the merge and the writes are outside it), for the duration of the block."""
    from briefgen.extract import extract

    spans: list[float] = []  # wall, then CPU, of each call
    original = extract.extract_all

    async def timed(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return await original(*args, **kwargs)
        finally:
            spans.extend((time.perf_counter() - start, time.process_time() - cpu))

    extract.extract_all = timed  # type: ignore[assignment]
    try:
        yield spans
    finally:
        extract.extract_all = original  # type: ignore[assignment]


def run_once(url: str, folder: Path, concurrency: int, silence: float = math.inf) -> Run:
    from briefgen.pipeline import amake_brief

    settings = settings_for(url, concurrency)
    cpu = time.process_time()
    start = time.perf_counter()
    with timed_model_phase() as spans:
        brief = asyncio.run(amake_brief([folder], settings))
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    stats = server_stats(url)
    arrivals = sorted(stats["arrivals"])
    pauses = sum(b - a >= silence for a, b in itertools.pairwise(arrivals))
    return Run(
        concurrency=concurrency,
        wall=wall,
        model=sum(spans[::2]),
        model_cpu=sum(spans[1::2]),
        cpu=cpu,
        failures=len(brief.failures),
        requests=stats["requests"],
        rate_limited=stats["rate_limited"],
        peak_in_flight=stats["peak_in_flight"],
        pauses=pauses,
    )


def measure(
    url: str, folder: Path, concurrency: int, repeat: int, silence: float = math.inf, **mode: Any
) -> Run:
    """The run with the median model phase of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        control(url, **mode)
        runs.append(run_once(url, folder, concurrency, silence))
    runs.sort(key=lambda r: r.model)
    return runs[len(runs) // 2]


def baseline_once(url: str, folder: Path, concurrency: int) -> float:
    """Seconds a plain `AsyncOpenAI` + semaphore loop takes to send every article's request
    (prompt rendered, `chat.completions.create`, answer validated): the least a client does."""
    import openai

    from briefgen.extract.extract import messages_for, output_budget
    from briefgen.ingest import inputs
    from briefgen.model.structured import LADDER, request_body
    from briefgen.schemas import Extraction

    settings = settings_for(url, concurrency)
    articles = inputs.load([folder])
    response_format = request_body(LADDER[0], Extraction)["response_format"]

    async def run() -> float:
        sdk = openai.AsyncOpenAI(api_key="sk-bench", base_url=url, max_retries=0, timeout=30.0)
        gate = asyncio.Semaphore(concurrency)

        async def one(article: Any) -> Extraction:
            async with gate:
                answer = await sdk.chat.completions.create(
                    model=settings.model,
                    messages=messages_for(article),  # type: ignore[arg-type]
                    max_tokens=output_budget(article, settings),
                    response_format=response_format,
                )
            return Extraction.model_validate_json(answer.choices[0].message.content or "")

        try:
            start = time.perf_counter()
            await asyncio.gather(*(one(a) for a in articles))
            return time.perf_counter() - start
        finally:
            await sdk.close()

    return asyncio.run(run())


def write_articles(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"art-{i:03d}.txt").write_text(article_text(i), encoding="utf-8")


def check_answers(folder: Path, answers: dict[str, str]) -> None:
    """Fail fast if an answer would not validate or would trigger a grounding re-ask."""
    from pydantic import ValidationError

    from briefgen.extract.grounding import ground
    from briefgen.ingest import inputs
    from briefgen.schemas import Extraction

    articles = inputs.load([folder])
    if {a.id for a in articles} != set(answers):
        raise SystemExit("bench bug: the articles read are not the articles written")
    for article in articles:
        try:
            value = Extraction.model_validate_json(answers[article.id])
        except ValidationError as exc:
            raise SystemExit(
                f"bench: the canned answer no longer fits briefgen.schemas.Extraction; "
                f"update extraction_data():\n{exc}"
            ) from None
        if ground(value, article.text)[1]:
            raise SystemExit(f"bench bug: ungrounded quotes in the answer for {article.id}")


# --- where the time goes ---------------------------------------------------------------------


def cpu_profile(folder: Path, answers_by_id: dict[str, str]) -> list[tuple[str, float]]:
    """Milliseconds of CPU per article (or per run) for each stage briefgen runs around the
    HTTP call, measured without the network: the event loop runs these one at a time."""
    import httpx2
    import openai

    from briefgen import merge, prompts
    from briefgen.config import Settings
    from briefgen.extract.extract import messages_for, reference
    from briefgen.extract.grounding import ground
    from briefgen.ingest import inputs
    from briefgen.merge.independence import fingerprint
    from briefgen.model.openai.live import OpenAIClient
    from briefgen.model.structured import LADDER, parse_output, request_body
    from briefgen.schemas import ArticleExtraction, Extraction, Usage

    articles = inputs.load([folder])
    answers = [answers_by_id[a.id] for a in articles]
    raw = [json.dumps(chat_completion(text)) for text in answers]

    def per_item(fn: Any, items: list[Any], rounds: int = 3) -> float:
        best = math.inf
        for _ in range(rounds):
            t = time.perf_counter()
            for item in items:
                fn(item)
            best = min(best, time.perf_counter() - t)
        return 1000 * best / len(items)

    def per_call(fn: Any, rounds: int = 3) -> float:
        best = math.inf
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return 1000 * best

    mode = LADDER[0]
    settings = Settings(model="m", base_url="http://127.0.0.1:9/v1", api_key="sk-bench")  # type: ignore[arg-type]
    body = raw[0].encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    def mock() -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(handler))

    client = OpenAIClient(settings, mock())
    msgs = messages_for(articles[0])
    rows = [
        ("inputs.load (whole run)", per_call(lambda: inputs.load([folder]))),
        ("prompts: messages_for", per_item(messages_for, articles)),
        (
            "llm: OpenAIClient.request_body",
            per_item(lambda a: client.request_body(msgs, Extraction, mode, 900), articles),
        ),
        (
            "prompts.prompt_version (file reads + sha256)",
            per_item(lambda _: prompts.prompt_version(), articles),
        ),
    ]

    # One call's HTTP work, over a mock transport (no pool, no socket): the SDK's typed
    # create(), as briefgen sent before, against its post() with the body built above.
    async def sdk_calls(n: int, typed: bool) -> float:
        sdk = openai.AsyncOpenAI(
            api_key="sk-bench", base_url=settings.base_url, max_retries=0, http_client=mock()
        )
        held = request_body(mode, Extraction)
        ready = client.request_body(msgs, Extraction, mode, 900)

        async def one() -> Any:
            if typed:
                return await sdk.chat.completions.create(
                    model="m", messages=msgs, max_tokens=900, extra_body=held
                )
            return await client._post(ready, 30.0)

        await one()
        t = time.perf_counter()
        for _ in range(n):
            await one()
        elapsed = time.perf_counter() - t
        await sdk.close()
        return 1000 * elapsed / n

    n = max(32, len(articles))
    rows.append(("openai SDK: chat.completions.create() (before)", asyncio.run(sdk_calls(n, True))))
    rows.append(("llm: the SDK's post() with the body (now)", asyncio.run(sdk_calls(n, False))))
    rows.append(
        (
            "structured: parse_output (json + pydantic)",
            per_item(lambda text: parse_output(text, Extraction), answers),
        )
    )
    values = [Extraction.model_validate_json(text) for text in answers]
    pairs = list(zip(values, articles, strict=True))
    rows.append(("grounding.ground", per_item(lambda p: ground(p[0], p[1].text), pairs)))
    rows.append(("independence.fingerprint", per_item(lambda a: fingerprint(a.text), articles)))
    results = [
        ArticleExtraction(
            article=reference(a),
            extraction=v,
            model="bench-model",
            prompt_version=prompts.prompt_version(),
            usage=Usage(input_tokens=900, output_tokens=250),
        )
        for v, a in pairs
    ]
    rows.append(("merge.merge (whole run)", per_call(lambda: merge.merge(results))))
    return rows


# --- the report ------------------------------------------------------------------------------


# The overhead goals hold at a realistic model latency: answers that take a second or more.
REALISTIC = 1.0
BASELINE_GOAL = 1.05  # briefgen's model phase / the plain AsyncOpenAI + semaphore loop


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def normal_table(
    url: str, folder: Path, n: int, latency: float, args: Any, runs: dict[int, Run]
) -> int:
    """Print the table, keeping each level's run in `runs`; return how many goals were missed."""
    print()
    print("Normal run: every request answered after the latency")
    model_goal = args.model_goal or 1.05
    judged = latency >= REALISTIC or args.model_goal is not None

    def verdict(ok: bool) -> str:
        return ("MET" if ok else "MISSED") if judged else "-"

    print(
        f"{'C':>3} {'wall s':>7} {'ideal s':>7} {'ratio':>6} {'goal':>6} {'model s':>7} "
        f"{'ratio':>6} {'goal':>6} {'speed-up':>8} {'0.9xC':>6} {'goal':>6} {'cpu ms/art':>10} "
        f"{'model':>5} {'busy':>5} {'peak':>4} {'reqs':>4} {'fail':>4}"
    )
    base: Run | None = None
    missed = 0
    for c in args.concurrency:
        run = measure(url, folder, c, args.repeat, storm="off", latency=latency)
        runs[c] = run
        ideal = math.ceil(n / c) * latency
        ratio = run.wall / ideal if ideal else math.inf
        if c == 1:
            base = run
        speedup = base.wall / run.wall if base else None
        model_ratio = run.model / ideal if ideal else math.inf
        ratio_goal = "-" if c == 1 else verdict(ratio <= 1.10)
        model_verdict = "-" if c == 1 else verdict(model_ratio <= model_goal)
        speed_goal = "-" if c == 1 or speedup is None else verdict(speedup >= 0.9 * c)
        missed += (ratio_goal == "MISSED") + (speed_goal == "MISSED")
        missed += model_verdict == "MISSED"
        print(
            f"{c:>3} {run.wall:>7.3f} {ideal:>7.3f} {ratio:>6.3f} {ratio_goal:>6} "
            f"{run.model:>7.3f} {model_ratio:>6.3f} {model_verdict:>6} "
            f"{(f'{speedup:.2f}x' if speedup else '-'):>8} {0.9 * c:>6.1f} {speed_goal:>6} "
            f"{1000 * run.cpu / n:>10.2f} {1000 * run.model_cpu / n:>5.2f} "
            f"{run.cpu / run.wall:>5.0%} {run.peak_in_flight:>4} "
            f"{run.requests:>4} {run.failures:>4}"
        )
    print(
        "  wall: the whole amake_brief call (ingest, client, extraction, merge), of the run "
        f"with the median\n  model phase of {args.repeat}\n  model: the model phase alone "
        "(extract.extract_all: no ingest, "
        "client build or merge)\n"
        "  ideal: ceil(N/C) x latency; goals: wall ratio <= 1.10, model ratio <= "
        f"{model_goal:g}, speed-up over C=1 >= 0.9 x C\n"
        "  cpu ms/art: CPU this process spent per article (model: in the model phase); busy: "
        "that CPU / wall,\n  how much of the run the event loop was computing rather than "
        "waiting; peak: most requests\n  the server held at once"
    )
    if base is None and any(c > 1 for c in args.concurrency):
        print("  (no C=1 run, so no speed-up)")
    if not judged:
        print(f"  (goals are judged at {REALISTIC:g} s latency and more: not at this one)")
    return missed


def baseline_table(
    url: str, folder: Path, n: int, latency: float, args: Any, runs: dict[int, Run]
) -> int:
    """Print the plain AsyncOpenAI + semaphore loop beside briefgen's model phase; return how
    many goals were missed."""
    print()
    print("Baseline: a plain AsyncOpenAI + asyncio.Semaphore(C) loop, the same requests")
    print(
        f"{'C':>3} {'ideal s':>7} {'base s':>7} {'ratio':>6} {'model s':>7} {'ratio':>6} "
        f"{'model/base':>10} {'goal':>6}"
    )
    missed = 0
    for c in args.concurrency:
        control(url, storm="off", latency=latency)
        times = sorted(baseline_once(url, folder, c) for _ in range(args.repeat))
        base = times[len(times) // 2]
        ideal = math.ceil(n / c) * latency
        model = runs[c].model if c in runs else math.nan
        goal = verdict(model / base <= BASELINE_GOAL) if latency >= REALISTIC else "-"
        missed += goal == "MISSED"
        print(
            f"{c:>3} {ideal:>7.3f} {base:>7.3f} {base / ideal:>6.3f} {model:>7.3f} "
            f"{model / ideal:>6.3f} {model / base:>10.3f} {goal:>6}"
        )
    print(
        f"  base: the loop's wall time (median of {args.repeat}; prompt rendering, requests "
        "and validation,\n  no ingest); model: briefgen's model phase from the normal run; "
        "model/base: what\n  briefgen's ladder, retries, limits, grounding and run log cost "
        "over the plain loop;\n  goal (at 1 s latency and more): <= "
        f"{BASELINE_GOAL:g}"
    )
    return missed


def storm_table(url: str, folder: Path, n: int, latency: float, args: Any, storm: str) -> int:
    """Print the table; return how many goals were missed."""
    ra, rl = args.retry_after, args.reject_latency
    print()
    if storm in REJECTED_FIRST:
        k = REJECTED_FIRST[storm]
        script = ",".join(["429"] * k + ["ok"])
        print(
            f"429 storm: each article's requests go {script}, Retry-After: {ra:g} "
            f"(429s answered after {rl * 1000:.0f} ms)"
        )
        print(
            f"  bound: ceil(N/C) x ({k} x (429 latency + Retry-After) + latency): each article "
            "meets its\n  own 429s whatever the client does; a worker that waits only for its "
            "own Retry-After\n  reaches it, a pause shared by all adds the others' waits to it."
        )
    else:
        print(
            f"429 storm: every request reaching the server in the first {ra:g} s after the "
            f"first one gets 429\n  (an account-wide limit; 429s answered after {rl * 1000:.0f} ms)"
        )
        print("  bound: 429 latency + Retry-After + ceil(N/C) x latency: one shared pause")
    print(
        f"{'C':>3} {'wall s':>7} {'bound s':>7} {'ratio':>6} {'model s':>7} {'ratio':>6} "
        f"{'goal':>6} {'reqs':>4} {'429s':>4} {'pauses':>6} {'fail':>4}"
    )
    missed = 0
    for c in args.storm_concurrency:
        run = measure(
            url,
            folder,
            c,
            args.repeat,
            silence=ra / 2,
            storm=storm,
            latency=latency,
            retry_after=ra,
            reject_latency=rl,
        )
        waves = math.ceil(n / c)
        if storm in REJECTED_FIRST:
            bound = waves * (REJECTED_FIRST[storm] * (rl + ra) + latency)
        else:
            bound = rl + ra + waves * latency
        goal = verdict(run.model / bound <= 1.10)
        missed += goal == "MISSED"
        print(
            f"{c:>3} {run.wall:>7.3f} {bound:>7.3f} {run.wall / bound:>6.3f} {run.model:>7.3f} "
            f"{run.model / bound:>6.3f} {goal:>6} {run.requests:>4} {run.rate_limited:>4} "
            f"{run.pauses:>6} {run.failures:>4}"
        )
    print(
        "  model: the model phase alone; goal: its ratio to the bound <= 1.10. pauses: "
        "silences of at\n  least Retry-After/2 between requests reaching the server, when no "
        "worker was sending"
    )
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=64, help="N synthetic articles")
    parser.add_argument(
        "--latency", type=float, default=0.2, help="seconds the server takes per answer"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[1, 8, 32],
        help="concurrency levels; C=1 is the speed-up baseline",
    )
    parser.add_argument(
        "--storm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the 429 storm",
    )
    parser.add_argument(
        "--storm-mode",
        choices=["first", "twice", "window", "all"],
        default="all",
        help="first: each article's first request gets 429; twice: its first two (429,429,ok); "
        "window: every request in the first "
        "Retry-After seconds of the run gets 429",
    )
    parser.add_argument(
        "--storm-concurrency",
        type=int,
        nargs="+",
        default=[8, 32],
        help="concurrency levels for the storm",
    )
    parser.add_argument("--retry-after", type=float, default=1.0, help="seconds, in the 429s")
    parser.add_argument(
        "--reject-latency",
        type=float,
        default=None,
        help="seconds before a 429 is answered (default: --latency); a real API answers a "
        "429 within a network round trip",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per level; median kept")
    parser.add_argument(
        "--model-goal",
        type=float,
        default=None,
        help="goal for the model phase / ideal (default: 1.05, judged at 1 s latency and "
        "more; given, it is judged at any latency)",
    )
    parser.add_argument(
        "--server",
        choices=["process", "thread"],
        default="process",
        help="run the server in a child process or in a thread of this one",
    )
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time a plain AsyncOpenAI + semaphore loop at each concurrency level",
    )
    parser.add_argument("--server-lifetime", type=float, default=900.0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the CPU briefgen and the SDK spend per article, network aside",
    )
    args = parser.parse_args(argv)
    n, latency = args.articles, args.latency
    if args.reject_latency is None:
        args.reject_latency = latency
    if n < 1 or args.repeat < 1 or min(args.concurrency + args.storm_concurrency) < 1:
        parser.error("--articles, --repeat and concurrency levels must be >= 1")
    if min(latency, args.reject_latency, args.retry_after) < 0:
        parser.error("latencies and --retry-after must be >= 0")

    print(
        f"briefgen concurrency benchmark: N={n} articles, latency {latency * 1000:.0f} ms, "
        f"server in a {args.server}, {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp,
        bench_server(latency, args.server, args.server_lifetime) as url,
    ):
        folder = Path(tmp)
        write_articles(folder, n)
        answers = answers_for(n)
        check_answers(folder, answers)
        control(url, answers=answers)
        # Warm-up: first-call costs (the SDK's lazy imports, pydantic and template builds) are
        # paid once per process, not per run; keep them out of the figures.
        control(url, storm="off", latency=0.0)
        run_once(url, folder, min(8, n))

        runs: dict[int, Run] = {}
        missed = normal_table(url, folder, n, latency, args, runs)
        if args.baseline:
            control(url, storm="off", latency=0.0)  # warm-up: the typed SDK path's first call
            baseline_once(url, folder, min(8, n))
            missed += baseline_table(url, folder, n, latency, args, runs)
        if args.storm:
            modes = ["first", "twice", "window"] if args.storm_mode == "all" else [args.storm_mode]
            for storm in modes:
                missed += storm_table(url, folder, n, latency, args, storm)
        if args.profile:
            print()
            print("CPU per article, network aside (best of 3; the event loop runs these in turn)")
            try:
                rows = cpu_profile(folder, answers)
            except Exception as exc:  # briefgen is moving; the profile must not sink the run
                print(f"  skipped: {type(exc).__name__}: {exc}")
                rows = []
            for name, ms in rows:
                print(f"  {name:<56} {ms:>7.2f} ms")
    print()
    print(f"done in {time.perf_counter() - started:.1f} s: ", end="")
    print("all goals met" if not missed else f"{missed} goal(s) missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

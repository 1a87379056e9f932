"""Every read ends (issue 22): a server trickling its headers or body, FIFOs and devices,
endless stdin, JSON nested 100,000 deep or with a 5,000-digit number, links out of a folder,
and SIGTERM while a read blocks. Each test reproduces the attack and asserts the bounded
outcome: time, memory, exit code, a one-line failure naming the source."""

from __future__ import annotations

import ast
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.ingest.article import InputOptions
from briefgen.ingest.inputs import MAX_JSON_DEPTH, read
from briefgen.ingest.web import read_url
from briefgen.schemas import Article, Unreadable

from conftest import SAMPLE_TEXT, TEST_KEY, invoke, sample_extraction
from fakeserver import Reply, chat_completion

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"


class Trickle:
    """A server on 127.0.0.1 that sends its headers (`part="headers"`) or its body one byte
    every `gap` seconds: each read gets a byte long before any per-read timeout."""

    def __init__(self, part: str, gap: float = 0.05):
        self.part, self.gap = part, gap
        self.requests = 0
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/story"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                data = HEAD if self.part == "headers" else b"x" * 100_000
                if self.part != "headers":
                    conn.sendall(HEAD)
                for byte in data:  # bounded: at most 100,000 bytes, and stopped with the test
                    if self._stop.wait(self.gap):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up: what the tests want

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
        self._thread.join(timeout=5)


@pytest.fixture(params=["headers", "body"])
def trickle(request, monkeypatch) -> Iterator[Trickle]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = Trickle(request.param)
    yield server
    server.close()


# --- a fetch has one budget -------------------------------------------------------------------


def test_a_server_trickling_headers_or_body_is_cut_off_at_the_fetch_timeout(trickle):
    # Before: the per-read timeout restarted on every byte, and the total was checked only
    # between 64 KiB chunks: 100,000 bytes at 20 a second would have taken over an hour.
    started = time.monotonic()
    (failure,) = read_url(trickle.url, InputOptions(fetch_timeout=0.5))
    took = time.monotonic() - started
    assert isinstance(failure, Unreadable)
    assert failure.reason == f"{trickle.url}: timed out after 0.5 s"
    assert failure.transient
    assert 0.5 <= took < 1.5, took


def test_the_run_deadline_bounds_a_fetch_and_the_fetches_after_it(trickle):
    options = InputOptions(fetch_timeout=30, ends=time.monotonic() + 0.5, run_deadline=7)
    started = time.monotonic()
    first, second = read([trickle.url, trickle.url + "?again"], options=options)
    assert time.monotonic() - started < 1.5
    assert isinstance(first, Unreadable) and isinstance(second, Unreadable)
    assert first.reason.endswith(": the run deadline of 7 s was reached while fetching it")
    assert second.reason.endswith(": the run deadline of 7 s was reached before it was fetched")
    assert trickle.requests == 1  # the second was not even asked


def answer() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def test_make_with_a_trickling_url_ends_within_fetch_timeout_with_one_failure_line(
    runner, server, trickle, tmp_path
):
    server.default = answer()
    good = tmp_path / "good.txt"
    good.write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    out = tmp_path / "brief.md"
    started = time.monotonic()
    args = ["make", good, trickle.url, "--fetch-timeout", "0.5", "--base-url", server.url]
    result = invoke(runner, *args, "--out", out)
    # Loose: the first run in a process imports a lot. Without the budget: over an hour.
    assert time.monotonic() - started < 15
    assert result.exit_code == 3, result.output
    reason = f"{trickle.url}: timed out after 0.5 s"
    assert f"failed    127.0.0.1-story (0 calls): {reason}" in result.stderr  # as it happens
    assert f"partial: [2] 127.0.0.1-story failed: {reason}" in result.stderr  # in the summary
    assert "Traceback" not in result.stderr


# --- only regular files and stdin, capped as read ------------------------------------------------


@pytest.mark.parametrize(
    ("device", "kind"),
    [("/dev/zero", "a character device"), ("/dev/urandom", "a character device")],
)
def test_a_device_is_refused_without_reading_it(device, kind):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    started = time.monotonic()
    (failure,) = read([device])
    assert time.monotonic() - started < 1
    assert isinstance(failure, Unreadable)
    name = Path(device).name
    assert failure.reason == f"{name}: {kind}, not a file; briefgen reads files and stdin only"


def test_a_fifo_given_or_in_a_folder_is_refused_without_opening_it(tmp_path):
    # Opening a FIFO blocks until a writer comes: before, the run hung there for good.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    os.mkfifo(inbox / "pipe.txt")
    started = time.monotonic()
    found = read([inbox, inbox / "pipe.txt"])
    assert time.monotonic() - started < 1
    reasons = [item.reason for item in found if isinstance(item, Unreadable)]
    refused = "pipe.txt: a FIFO (named pipe), not a file; briefgen reads files and stdin only"
    assert reasons == [refused, refused]
    assert [item.id for item in found if isinstance(item, Article)] == ["a"]


def test_a_feed_file_that_is_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "news.rss")
    (failure,) = read([tmp_path / "news.rss"])
    assert isinstance(failure, Unreadable)
    assert failure.reason == (
        "news.rss: a FIFO (named pipe), not a file; briefgen reads files and stdin only"
    )


def test_endless_stdin_is_capped_while_reading():
    started = time.monotonic()
    with open("/dev/zero") as endless:  # text mode over bytes, as sys.stdin is
        (failure,) = read(["-"], stdin=endless, options=InputOptions(max_bytes=100_000))
    assert time.monotonic() - started < 1
    assert isinstance(failure, Unreadable)
    assert failure.reason == "-: more than the 100,000 bytes a run reads per file (max_input_bytes)"


def test_stdin_under_the_cap_is_an_article_decoded_as_a_file_is(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(("Réunion à Vladivostok\n" + SAMPLE_TEXT).encode("cp1252"))
    with path.open() as stdin:
        (article,) = read(["-"], stdin=stdin)
    assert isinstance(article, Article)
    assert article.title == "Réunion à Vladivostok"


def test_a_file_that_reports_no_size_is_still_capped(tmp_path):
    # /proc files say 0 bytes: the cap counts what is read, not what the file reports.
    proc = Path("/proc/self/maps")
    if not proc.exists():
        pytest.skip("no /proc here")
    (found,) = read([proc], options=InputOptions(max_bytes=1000))
    assert isinstance(found, Unreadable)
    assert found.reason == "maps: more than the 1,000 bytes a run reads per file (max_input_bytes)"


PEAK = """
import resource, subprocess, sys
stdin = open(sys.argv[1], "rb") if sys.argv[1] != "-" else None
done = subprocess.run(sys.argv[2:], stdin=stdin, capture_output=True, text=True, timeout=60)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak, repr(done.stderr))
"""


def _peak(stdin: str, *args: str, env: dict[str, str]) -> tuple[int, int, str]:
    """Exit code, peak resident KB and stderr of `briefgen ARGS`, measured in a process of its
    own (RUSAGE_CHILDREN of this test process holds every earlier test's children too)."""
    command = [sys.executable, "-c", PEAK, stdin, sys.executable, "-m", "briefgen", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
    code, peak, stderr = done.stdout.split(" ", 2)
    return int(code), int(peak), ast.literal_eval(stderr)


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_devices_fifos_and_endless_stdin_stay_small_and_fast(tmp_path):
    """Before: `make /dev/zero` and `make - < /dev/zero` grew to 2.7 GB and died with a
    MemoryError traceback; a FIFO blocked for good."""
    env = {**os.environ, "BRIEFGEN_DB": str(tmp_path / "job.db"), "OPENAI_API_KEY": TEST_KEY}
    os.mkfifo(tmp_path / "pipe.txt")
    started = time.monotonic()
    code, peak, stderr = _peak("-", "make", "/dev/zero", "/dev/urandom", str(tmp_path / "pipe.txt"),
                               env=env)  # fmt: skip
    assert code == 1 and "Traceback" not in stderr
    assert peak < 250_000, peak  # KB: the interpreter and its libraries, no file in memory
    for line in ("zero: a character device", "urandom: a character device", "pipe.txt: a FIFO"):
        assert line in stderr
    code, peak, stderr = _peak("/dev/zero", "make", "-", env=env)
    assert code == 1 and "Traceback" not in stderr
    assert peak < 250_000, peak
    assert "-: more than the 5,000,000 bytes a run reads per file" in stderr
    assert time.monotonic() - started < 30


# --- signals ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_one_signal_ends_a_run_blocked_on_a_slow_source_with_exit_130(trickle, tmp_path, sig):
    """Before: the SIGTERM handler raised SIGINT, which asyncio only acts on when the blocked
    read returns; the first SIGTERM was lost and a run could hang for the fetch's length."""
    if trickle.part != "body":
        pytest.skip("one trickle is enough here")
    env = {**os.environ, "BRIEFGEN_DB": str(tmp_path / "job.db"), "OPENAI_API_KEY": TEST_KEY}
    command = [sys.executable, "-m", "briefgen", "make", trickle.url, "--fetch-timeout", "120"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "b.md")], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while trickle.requests == 0:  # the fetch is under way: the read blocks
            assert time.monotonic() < deadline, "never fetched"
            time.sleep(0.05)
        time.sleep(0.3)
        signalled = time.monotonic()
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=10)
        took = time.monotonic() - signalled
    finally:
        process.kill()
    assert process.returncode == 130
    assert took < 2, took
    what = "terminated (SIGTERM)" if sig == signal.SIGTERM else "interrupted"
    assert stderr.splitlines()[-1].startswith(f"briefgen: error: {what}; nothing was written")
    assert "Traceback" not in stderr
    assert not (tmp_path / "b.md").exists()


# --- JSON with limits --------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def _good(folder: Path) -> None:
    (folder / "a.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)


def test_json_nested_100000_deep_is_one_failure_and_the_folder_goes_on(tmp_path):
    # Before: a RecursionError traceback, and no brief for the whole run.
    _good(tmp_path)
    (tmp_path / "deep.json").write_text(DEEP)
    found = read([tmp_path])
    assert [type(x).__name__ for x in found] == ["Article", "Unreadable"]
    assert found[1].reason == (
        f"deep.json: JSON past briefgen's limits: nested deeper than {MAX_JSON_DEPTH} levels"
    )


def test_json_just_past_the_depth_limit_is_refused_and_at_it_read(tmp_path):
    def nested(levels: int) -> dict[str, object]:
        value: object = "x"
        for _ in range(levels - 1):
            value = {"k": value}
        return {"text": "Kim to meet Putin\n" + SAMPLE_TEXT, "extra": value}

    (tmp_path / "ok.json").write_text(json.dumps(nested(MAX_JSON_DEPTH)))
    (tmp_path / "deep.json").write_text(json.dumps(nested(MAX_JSON_DEPTH + 1)))
    ok, deep = read([tmp_path / "ok.json", tmp_path / "deep.json"])
    assert isinstance(deep, Unreadable) and "nested deeper than" in deep.reason
    # At the limit the JSON is read; the record itself is judged as any other (extra fields).
    assert "JSON past" not in getattr(ok, "reason", "")


def test_a_5000_digit_number_and_a_deep_line_fail_only_their_records(tmp_path):
    # Before: a ValueError traceback (Python's int-string limit).
    lines = [
        json.dumps({"id": "a", "text": "Kim to meet Putin\n" + SAMPLE_TEXT}),
        '{"id": "b", "text": "x", "n": 1' + "0" * 5000 + "}",
        '{"id": "c", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "d", "text": "x", "n": 1.' + "5" * 5000 + "}",
    ]
    (tmp_path / "wire.jsonl").write_text("\n".join(lines))
    found = read([tmp_path / "wire.jsonl"])
    assert [type(x).__name__ for x in found] == ["Article", *["Unreadable"] * 3]
    assert [x.reason for x in found[1:]] == [
        "wire.jsonl:2: JSON past briefgen's limits: a number of 5,001 characters (at most 100)",
        f"wire.jsonl:3: JSON past briefgen's limits: nested deeper than {MAX_JSON_DEPTH} levels",
        "wire.jsonl:4: JSON past briefgen's limits: a number of 5,002 characters (at most 100)",
    ]


def test_a_deep_manifest_fails_its_folders_files_with_the_reason_and_other_sources_go_on(
    tmp_path,
):
    inbox, other = tmp_path / "inbox", tmp_path / "other"
    inbox.mkdir()
    other.mkdir()
    _good(inbox)
    (inbox / "manifest.json").write_text('{"articles": {}, "about": ' + DEEP + "}")
    (other / "b.txt").write_text("Second report\n" + SAMPLE_TEXT + " More.")
    failure, article = read([inbox, other])
    assert isinstance(failure, Unreadable) and isinstance(article, Article)
    assert failure.reason == (
        f"manifest.json: not a valid manifest (nested deeper than {MAX_JSON_DEPTH} levels)"
    )


def test_make_with_a_deep_json_in_the_folder_writes_a_partial_brief(runner, server, tmp_path):
    server.default = answer()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _good(inbox)
    (inbox / "deep.json").write_text(DEEP)
    (inbox / "big.json").write_text('{"text": "x", "n": 1' + "0" * 5000 + "}")
    out = tmp_path / "brief.json"
    result = invoke(runner, "make", inbox, "--base-url", server.url, "--json", out, "-q")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.stderr
    failures = [s["failed"] for s in json.loads(out.read_text())["sources"] if s.get("failed")]
    assert sorted(failures) == [
        "big.json: JSON past briefgen's limits: a number of 5,001 characters (at most 100)",
        f"deep.json: JSON past briefgen's limits: nested deeper than {MAX_JSON_DEPTH} levels",
    ]


# --- links out of a folder, and reasons without local paths ------------------------------------


def _linked(tmp_path: Path) -> tuple[Path, Path]:
    inbox, secret = tmp_path / "inbox", tmp_path / "elsewhere" / "secret.txt"
    (inbox / "sub").mkdir(parents=True)
    secret.parent.mkdir()
    secret.write_text("Secret memo\n" + SAMPLE_TEXT + " The secret part.")
    _good(inbox)
    (inbox / "sub" / "inner.txt").write_text("Inner report\n" + SAMPLE_TEXT + " Inner.")
    (inbox / "out.txt").symlink_to(secret)  # leads out of the folder
    (inbox / "in.txt").symlink_to(inbox / "sub" / "inner.txt")  # stays inside it
    return inbox, secret


def test_a_link_out_of_a_folder_is_refused_and_one_inside_it_read(tmp_path):
    inbox, _ = _linked(tmp_path)
    found = {item.id: item for item in read([inbox])}
    assert isinstance(found["in"], Article) and isinstance(found["a"], Article)
    refused = found["out"]
    assert isinstance(refused, Unreadable)
    assert refused.reason == (
        "out.txt: a link that leads outside its folder; not read (follow_symlinks is off)"
    )
    assert "secret part" not in str(found)


def test_a_glob_refuses_links_out_of_its_folder_too(tmp_path):
    inbox, _ = _linked(tmp_path)
    found = {item.id: item for item in read([str(inbox / "*.txt")])}
    assert isinstance(found["out"], Unreadable) and isinstance(found["in"], Article)


def test_follow_symlinks_reads_them(tmp_path):
    inbox, _ = _linked(tmp_path)
    found = {item.id: item for item in read([inbox], options=InputOptions(follow_symlinks=True))}
    assert isinstance(found["out"], Article)
    assert "secret part" in found["out"].text


def test_the_brief_names_no_local_absolute_path(runner, server, tmp_path):
    server.default = answer()
    inbox, _ = _linked(tmp_path)
    (inbox / "bad.jsonl").write_text("{broken\n")
    (inbox / "empty.txt").write_text("\n")
    out, md = tmp_path / "brief.json", tmp_path / "brief.md"
    result = invoke(
        runner, "make", inbox.resolve(), "--base-url", server.url, "--json", out, "--out", md
    )
    assert result.exit_code == 3, result.output
    for path in (out, md):
        assert str(tmp_path) not in path.read_text(), path
    assert "secret part" not in out.read_text()
    failures = [s["failed"] for s in json.loads(out.read_text())["sources"] if s.get("failed")]
    assert "bad.jsonl:1: not JSON (Expecting property name enclosed in double quotes)" in failures
    assert "empty.txt: no article text" in failures

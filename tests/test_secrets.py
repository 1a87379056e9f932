"""No secret anywhere briefgen writes or shows (issue 22): the key, whatever its shape, echoed
back by a server; credentials in the base URL; tokens in a source's query string. Each case
runs the CLI end to end against loopback servers and then reads every exit point: stderr and
stdout of `make`, `config`, `runs`, `runs show`, `runs --json`, `status`; the brief's files
(md, json, html); the recordings; the store file's bytes; a hook's environment."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.redact import scrub

from conftest import SAMPLE_TEXT, article_id, invoke, sample_extraction
from fakeserver import FakeServer, Reply, chat_completion, error_body
from website import Page, Site

# Each form a key takes, none of them sk--shaped but the first two.
KEYS = {
    "sk": "sk-" + "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9b" * 2,
    "sk-proj": "sk-proj-" + "Zx8Cv6Bn4Mq2We0Rt8Yu6Io4Pa2Sd" * 2,
    "azure-32-hex": "3f6c0e1b9a8d47c2b5e0f1a2c3d4e5f6",
    "groq-gsk": "gsk_" + "Qw7Er5Ty3Ui1Op9As7Df5Gh3Jk1Lz8Xc6Vb4",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJicmllZmdlbi10ZXN0In0"
    ".Tm90QVJlYWxTaWduYXR1cmVfanVzdF9hX3Rlc3Q",
    "no-shape": "correct-horse-battery-staple-42",
}


def good() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def store_bytes(db: Path) -> bytes:
    """The store as it lies on disk (the file and its WAL), and the briefs it keeps
    compressed, decompressed."""
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    import sqlite3

    with sqlite3.connect(db) as con:
        briefs = [zlib.decompress(b) for (b,) in con.execute("SELECT brief FROM runs") if b]
    return raw + b"".join(briefs)


def everything(db: Path, tmp_path: Path, *results: object) -> list[tuple[str, bytes]]:
    """Every place a secret could land, by name."""
    found: list[tuple[str, bytes]] = [("store", store_bytes(db))]
    for result in results:
        found.append(("stderr", result.stderr.encode()))  # type: ignore[attr-defined]
        found.append(("stdout", result.stdout.encode()))  # type: ignore[attr-defined]
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and "store" not in path.parts:
            found.append((str(path.relative_to(tmp_path)), path.read_bytes()))
    return found


def assert_nowhere(secret: str, places: list[tuple[str, bytes]]) -> None:
    leaked = [name for name, data in places if secret.encode() in data]
    assert not leaked, f"{secret!r} found in {leaked}"


def the_commands(runner: CliRunner) -> list[object]:
    return [
        invoke(runner, "config"),
        invoke(runner, "runs"),
        invoke(runner, "runs", "--json"),
        invoke(runner, "runs", "show", "1"),
        invoke(runner, "runs", "show", "1", "--json"),
        invoke(runner, "status"),
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "articles"
    path.mkdir()
    (path / "a.txt").write_text("Kim to meet Putin\n" + SAMPLE_TEXT)
    (path / "b.txt").write_text("Second report\n" + SAMPLE_TEXT + " More.")
    return path


@pytest.mark.parametrize("form", list(KEYS))
def test_a_key_of_any_form_echoed_by_the_server_is_nowhere(
    form, runner, monkeypatch, server, folder, tmp_path, db
):
    key = KEYS[form]
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv(
        "BRIEFGEN_ON_PARTIAL", f"env | grep ^BRIEFGEN_RUN_ > {tmp_path / 'hook.env'}"
    )
    echoed = f"Incorrect API key provided: {key}. Sent: Authorization: Bearer {key}"

    def reply(body: dict) -> Reply:
        return Reply(400, error_body(echoed)) if article_id(body) == "b" else good()

    server.default = reply
    out = tmp_path / "out"
    out.mkdir()
    made = invoke(
        runner, "make", folder, "--base-url", server.url, "--out", out / "brief.md",
        "--json", out / "brief.json", "--html", out / "brief.html",
        "--record", tmp_path / "recordings",
    )  # fmt: skip
    assert made.exit_code == 3, made.stderr
    assert {h["authorization"] for h in server.headers} == {f"Bearer {key}"}  # it was sent
    assert "b failed: HTTP 400: Incorrect API key provided: [redacted]" in made.stderr
    assert (tmp_path / "hook.env").is_file()
    assert list((tmp_path / "recordings").glob("*.json"))
    assert_nowhere(key, everything(db, tmp_path, made, *the_commands(runner)))


def test_a_key_refused_and_echoed_stops_the_run_without_leaking(
    runner, monkeypatch, server, folder, tmp_path, db
):
    key = KEYS["azure-32-hex"]
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv(
        "BRIEFGEN_ON_FAILURE", f"env | grep ^BRIEFGEN_RUN_ > {tmp_path / 'hook.env'}"
    )
    server.default = Reply(401, error_body(f"Incorrect API key provided: {key}", "invalid_api_key"))
    made = invoke(runner, "make", folder, "--base-url", server.url, "--log-format", "json")
    assert made.exit_code == 2
    assert "refused the credentials (HTTP 401: Incorrect API key provided: [redacted])" in (
        made.stderr
    )
    assert "BRIEFGEN_RUN_ERROR" in (tmp_path / "hook.env").read_text()
    assert_nowhere(key, everything(db, tmp_path, made, *the_commands(runner)))


@pytest.mark.parametrize("how", ["option", "OPENAI_BASE_URL"])
def test_credentials_in_the_base_url_are_nowhere(how, runner, monkeypatch, folder, tmp_path, db):
    """The model is not there (404): the error names the server, without its credentials."""
    with FakeServer(Reply(404, error_body("The model does not exist", "model_not_found"))) as fake:
        url = fake.url.replace("http://", "http://briefgen:hunter2-s3cret@")
        given = ["--base-url", url] if how == "option" else []
        if how == "OPENAI_BASE_URL":
            monkeypatch.setenv("OPENAI_BASE_URL", url)
        made = invoke(runner, "make", folder, *given)
        shown = invoke(runner, "config", *given)
    assert made.exit_code == 2
    plain = fake.url.removeprefix("http://")
    assert f"not found at http://redacted@{plain}/" in made.stderr
    assert "base_url" in shown.stdout and f"http://redacted@{plain}" in shown.stdout
    places = everything(db, tmp_path, made, shown, *the_commands(runner))
    assert_nowhere("hunter2-s3cret", places)
    assert_nowhere("briefgen:hunter2", places)


def test_tokens_in_a_pages_and_a_feed_items_url_are_redacted_in_the_brief(
    runner, server, tmp_path, db
):
    """A page named on the command line and a feed entry carry their tokens in the query: both
    are read, and shown with the values redacted (the names and the rest of the URL kept)."""
    site = Site()
    page = "/story.html?id=7&api_key=PAGESECRET1&token=PAGESECRET2"
    site.pages[page] = Page(
        f"<html><head><title>Kim to meet Putin</title></head><body><article><h1>Kim to meet "
        f"Putin</h1>{''.join(f'<p>{p}</p>' for p in SAMPLE_TEXT.split(chr(10)) if p)}"
        f"</article></body></html>"
    )
    feed = tmp_path / "wire.rss"
    item = "https://news.example/item/9?access_token=FEEDSECRET3&amp;Signature=FEEDSECRET4"
    long_text = (SAMPLE_TEXT + " ") * 3
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Second report</title><link>{item}</link>"
        f"<description>{long_text}</description></item></channel></rss>"
    )
    server.default = good()
    out = tmp_path / "out"
    out.mkdir()
    try:
        made = invoke(
            runner, "make", site.url(page), feed, "--base-url", server.url,
            "--out", out / "brief.md", "--json", out / "brief.json", "--html", out / "brief.html",
        )  # fmt: skip
    finally:
        site.close()
    assert made.exit_code == 0, made.stderr
    assert site.paths() == [page]  # fetched with its token
    md = (out / "brief.md").read_text()
    assert "?id=7&api_key=[redacted]&token=[redacted]" in md
    assert "item/9?access_token=[redacted]&Signature=[redacted]" in md
    sources = json.loads((out / "brief.json").read_text())["sources"]
    assert len(sources) == 2 and all("[redacted]" in s["article"]["source"] for s in sources)
    places = everything(db, tmp_path, made, *the_commands(runner))
    for secret in ("PAGESECRET1", "PAGESECRET2", "FEEDSECRET3", "FEEDSECRET4"):
        assert_nowhere(secret, [(n, d) for n, d in places if n != "wire.rss"])


def test_an_id_with_newlines_forges_no_log_line(runner, server, tmp_path):
    records = tmp_path / "in.jsonl"
    forged = "a1\n2026-01-01T00:00:00Z ERROR   forged line\r\x1b[2Kx"
    records.write_text(json.dumps({"id": forged, "title": "Kim", "text": SAMPLE_TEXT}) + "\n")
    server.default = good()
    made = invoke(runner, "make", records, "--base-url", server.url, "--json", tmp_path / "b.json")
    assert made.exit_code == 0, made.stderr
    lines = made.stderr.splitlines()
    assert not [line for line in lines if line.startswith("2026-01-01")]  # no forged line
    assert "\x1b" not in made.stderr and "\r" not in made.stderr
    (source,) = json.loads((tmp_path / "b.json").read_text())["sources"]
    assert source["article"]["id"] == "a1 2026-01-01T00:00:00Z ERROR forged line [2Kx"


def test_scrub_is_the_same_function_everywhere_and_idempotent():
    text = "http://u:p4ssw0rd@h/v1?key=abc&x=1 Bearer abc.DEF-12345 sk-proj-abcdefgh"
    once = scrub(text)
    assert once == "http://redacted@h/v1?key=[redacted]&x=1 [redacted] [redacted]"
    assert scrub(once) == once

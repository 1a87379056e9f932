"""Reading URLs and feeds (briefgen.fetch) against a small web server on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from briefgen.ingest.article import InputOptions
from briefgen.ingest.web import read_feed_file, read_url, slug
from briefgen.schemas import Article, Unreadable

from conftest import SAMPLE_TEXT, invoke, sample_extraction
from fakeserver import Reply, chat_completion
from website import Page

MORE = (
    "Analysts expect the talks to last two days. Neither government has published an agenda, "
    "and officials in Seoul said they were watching closely for any sign of a weapons deal. "
)
LONG = SAMPLE_TEXT + "\n\n" + MORE * 3  # over 500 characters: a feed entry carrying its article


def html_page(
    title: str = "Kim to meet Putin",
    text: str = SAMPLE_TEXT,
    outlet: str = "Daily Planet",
    published: str = "2023-09-05T10:00:00Z",
    head: str = "",
) -> str:
    return f"""<!doctype html><html><head>{head}<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1><p>{text}</p><p>{MORE}</p></article>
<footer>Copyright {outlet}</footer></body></html>"""


def only(found: list[Article | Unreadable]) -> Any:
    assert len(found) == 1, found
    return found[0]


FAST = InputOptions(fetch_timeout=5)
# A feed file is content, not a host the user named: its links to this loopback test site are
# refused unless private hosts are allowed (docs/inputs.md#private-host-policy).
LOOPBACK = InputOptions(fetch_timeout=5, allow_private_hosts=True)


# --- pages -----------------------------------------------------------------------------------


def test_a_page_becomes_an_article_with_the_pages_metadata(site):
    site.pages["/world/kim-putin.html"] = Page(html_page())
    url = site.url("/world/kim-putin.html")
    article = only(read_url(url, FAST))
    assert isinstance(article, Article), article
    assert (article.title, article.outlet) == ("Kim to meet Putin", "Daily Planet")
    assert article.published == date(2023, 9, 5)
    assert article.source == url
    assert article.id == "127.0.0.1-kim-putin"
    assert SAMPLE_TEXT in article.text
    assert "Copyright" not in article.text
    (_, headers), *_ = site.requests
    assert headers["User-Agent"].startswith("briefgen/")


def test_a_redirect_is_followed_and_the_source_is_the_final_url(site):
    site.pages["/story"] = Page(html_page(head='<link rel="canonical" href="https://x.test/c">'))
    site.pages["/short/1"] = Page(status=301, headers={"Location": "/story"})
    article = only(read_url(site.url("/short/1"), FAST))
    assert isinstance(article, Article), article
    assert article.source == site.url("/story")
    assert article.id == "127.0.0.1-1"  # from the URL given: stable whatever it redirects to
    assert site.paths() == ["/short/1", "/story"]


def test_endless_redirects_stop(site):
    site.pages["/loop"] = Page(status=302, headers={"Location": "/loop"})
    failure = only(read_url(site.url("/loop"), FAST))
    assert failure.reason == f"{site.url('/loop')}: more than 5 redirects"
    assert len(site.requests) == 6


def test_http_404_is_one_unreadable(site):
    url = site.url("/gone.html")
    failure = only(read_url(url, FAST))
    assert failure == Unreadable(
        id="127.0.0.1-gone", source=url, reason=f"{url}: HTTP 404 Not Found"
    )


def test_a_refused_connection_is_one_unreadable():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a"
    failure = only(read_url(url, FAST))
    assert isinstance(failure, Unreadable)
    assert failure.reason.startswith(f"{url}: cannot connect")
    assert failure.transient  # the network's trouble: a later run may read it


@pytest.mark.parametrize(("status", "transient"), [(503, True), (429, True), (410, False)])
def test_server_errors_are_transient_and_a_page_that_is_gone_is_not(site, status, transient):
    site.pages["/a"] = Page("busy", status, "text/plain")
    failure = only(read_url(site.url("/a"), FAST))
    assert isinstance(failure, Unreadable)
    assert f"HTTP {status}" in failure.reason
    assert failure.transient is transient


def test_a_slow_server_times_out(site):
    site.pages["/slow"] = Page(html_page(), delay=2)
    url = site.url("/slow")
    started = time.monotonic()
    failure = only(read_url(url, InputOptions(fetch_timeout=0.3)))
    assert time.monotonic() - started < 1.5
    assert failure.reason == f"{url}: timed out after 0.3 s"
    assert failure.transient


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "streamed"])
def test_a_body_over_max_bytes_is_too_large(site, length):
    site.pages["/big"] = Page(SAMPLE_TEXT * 100, content_type="text/plain", length=length)
    url = site.url("/big")
    failure = only(read_url(url, InputOptions(max_bytes=1000, fetch_timeout=5)))
    assert failure.reason == f"{url}: the response is larger than 1000 bytes"


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf"])
def test_an_image_or_a_pdf_is_unsupported(site, content_type):
    site.pages["/file"] = Page(b"\x89PNG\r\n\x1a\n" + bytes(100), content_type=content_type)
    failure = only(read_url(site.url("/file"), FAST))
    assert failure.reason == f"{site.url('/file')}: unsupported content type {content_type}"


def test_plain_text_is_an_article_and_an_empty_page_a_failure(site):
    site.pages["/note.txt"] = Page("Kim to meet Putin\n" + SAMPLE_TEXT, content_type="text/plain")
    site.pages["/empty"] = Page(
        '<html><head><title>Photo</title></head><body><img src="a.png"></body></html>'
    )
    article, failure = [*read_url(site.url("/note.txt"), FAST), *read_url(site.url("/empty"), FAST)]
    assert isinstance(article, Article)
    assert (article.title, article.text) == (
        "Kim to meet Putin",
        "Kim to meet Putin\n" + SAMPLE_TEXT,
    )
    assert failure.reason == f"{site.url('/empty')}: no article text found in the HTML"


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("text/html; charset=iso-8859-1", ""),
        ("text/html", '<meta charset="iso-8859-1">'),
        ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=latin1">'),
    ],
    ids=["header", "meta", "http-equiv"],
)
def test_a_latin1_page_is_decoded_by_its_declared_charset(site, monkeypatch, content_type, head):
    def no_guessing(data: bytes) -> Any:
        raise AssertionError("a declared charset is not guessed")

    monkeypatch.setattr("charset_normalizer.from_bytes", no_guessing)
    # Browsers read "iso-8859-1" as windows-1252, whose 0x92 is a typographic apostrophe.
    text = SAMPLE_TEXT + " Les élèves de Vladivostok ont été renvoyés chez eux, dit l’école."
    body = html_page("Réunion à Vladivostok", text, head=head).encode("cp1252")
    site.pages["/fr"] = Page(body, content_type=content_type)
    article = only(read_url(site.url("/fr"), FAST))
    assert isinstance(article, Article), article
    assert article.title == "Réunion à Vladivostok"
    assert "Les élèves de Vladivostok ont été renvoyés chez eux, dit l’école." in article.text


def test_an_undeclared_charset_is_utf8_when_valid_else_guessed(site):
    text = "Les élèves de Vladivostok ont été renvoyés chez eux, disent les professeurs. " * 3
    site.pages["/utf8"] = Page(text.encode(), content_type="text/plain")
    site.pages["/latin1"] = Page(text.encode("latin-1"), content_type="text/plain")
    utf8, guessed = [only(read_url(site.url(path), FAST)) for path in ("/utf8", "/latin1")]
    assert utf8.text == text.strip()
    assert guessed.text == text.strip()  # a guess, and the Western one (not "élčves")


# --- feeds -----------------------------------------------------------------------------------


def rss(*items: str, title: str = "Daily Planet: World") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>https://planet.test/</link>{''.join(items)}</channel></rss>"
    )


def item(
    title: str,
    link: str,
    published: str | None = "Tue, 05 Sep 2023 08:00:00 GMT",
    full: str | None = None,
    author: str | None = None,
) -> str:
    parts = [f"<title>{title}</title>", f"<link>{link}</link>"]
    if published:
        parts.append(f"<pubDate>{published}</pubDate>")
    if author:
        parts.append(f"<dc:creator>{author}</dc:creator>")
    parts.append("<description>A short teaser.</description>")
    if full:
        paragraphs = "".join(f"<p>{p}</p>" for p in full.split("\n\n"))
        parts.append(f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>")
    return f"<item>{''.join(parts)}</item>"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_rss_file_reads_full_entries_and_fetches_link_only_ones(site, tmp_path):
    site.pages["/world/third"] = Page(html_page("The page's own title"))
    feed = write(
        tmp_path / "world.rss",
        rss(
            item("Kim to meet Putin", site.url("/world/first"), full=LONG, author="Jane Roe"),
            item("Second report", site.url("/world/second"), full=LONG, published=None),
            item("Third report", site.url("/world/third"), "Wed, 06 Sep 2023 23:30:00 -0500"),
        ),
    )
    found = read_feed_file(feed, LOOPBACK)
    assert all(isinstance(a, Article) for a in found), found
    assert [(a.id, a.title, a.published) for a in found] == [
        ("127.0.0.1-first", "Kim to meet Putin", date(2023, 9, 5)),
        ("127.0.0.1-second", "Second report", None),
        ("127.0.0.1-third", "Third report", date(2023, 9, 6)),  # the feed's title wins
    ]
    assert [a.source for a in found] == [
        site.url(f"/world/{n}") for n in ("first", "second", "third")
    ]
    assert {a.outlet for a in found} == {"Daily Planet: World"}
    assert found[0].author == "Jane Roe"
    assert found[0].text.startswith(SAMPLE_TEXT + "\n\nAnalysts expect")
    assert all(SAMPLE_TEXT in a.text for a in found)
    assert site.paths() == ["/world/third"]  # full entries are not fetched


@pytest.mark.parametrize("content_type", ["application/atom+xml", "text/plain"])
def test_an_atom_feed_by_url(site, content_type):
    entries = "".join(
        f"""<entry><title>Report {n}</title><link href="{site.url(f"/a/{n}")}"/>
        <id>urn:report:{n}</id><updated>2023-09-0{n}T10:00:00Z</updated>
        <author><name>Reporter {n}</name></author>
        <content type="html">&lt;p&gt;{LONG}&lt;/p&gt;</content></entry>"""
        for n in (1, 2)
    )
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Planet Atom</title><id>urn:planet</id><updated>2023-09-02T10:00:00Z</updated>"
        f"{entries}</feed>"
    )
    site.pages["/atom"] = Page(atom, content_type=content_type)
    found = read_url(site.url("/atom"), FAST)
    assert [(type(a).__name__, a.title, a.published, a.author) for a in found] == [
        ("Article", "Report 1", date(2023, 9, 1), "Reporter 1"),
        ("Article", "Report 2", date(2023, 9, 2), "Reporter 2"),
    ]
    assert [a.source for a in found] == [site.url("/a/1"), site.url("/a/2")]
    assert {a.outlet for a in found} == {"Planet Atom"}
    assert site.paths() == ["/atom"]


def test_max_age_skips_old_entries_and_says_how_many(site, tmp_path, caplog):
    now = datetime.now(UTC)
    feed = write(
        tmp_path / "feed.xml",
        rss(
            item(
                "Fresh", "https://planet.test/fresh", format_datetime(now - timedelta(days=1)), LONG
            ),
            item("Old", "https://planet.test/old", format_datetime(now - timedelta(days=30)), LONG),
            item("Undated", "https://planet.test/undated", None, LONG),
        ),
    )
    with caplog.at_level(logging.INFO, logger="briefgen"):
        found = read_feed_file(feed, InputOptions(max_age_days=7))
    assert [a.title for a in found] == ["Fresh", "Undated"]
    (record,) = [r for r in caplog.records if getattr(r, "briefgen", {}).get("event")]
    assert record.briefgen == {
        "event": "input_skipped",
        "source": str(feed),
        "skipped": 1,
        "max_age": 7,
    }
    assert record.getMessage() == f"{feed}: skipped 1 entry older than 7 days"
    assert [a.title for a in read_feed_file(feed, InputOptions())] == ["Fresh", "Old", "Undated"]


def test_an_entry_whose_link_fails_is_one_unreadable_and_the_others_come(site, tmp_path):
    site.pages["/b"] = Page(html_page())
    feed = write(
        tmp_path / "feed.xml",
        rss(
            item("A", site.url("/a"), full=LONG),
            item("Gone", site.url("/gone")),
            item("B", site.url("/b")),
        ),
    )
    found = read_feed_file(feed, LOOPBACK)
    assert [type(a).__name__ for a in found] == ["Article", "Unreadable", "Article"]
    assert found[1] == Unreadable(  # gone, not unreachable: no stand-in for it
        id="127.0.0.1-gone",
        source=site.url("/gone"),
        reason=f"{site.url('/gone')}: HTTP 404 Not Found",
        via=str(feed),
    )
    assert {a.via for a in found} == {str(feed)}  # each entry says which feed listed it


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("this is not a feed <", "not a feed ("),
        (rss(), "a feed with no entries"),
    ],
    ids=["not-xml", "no-entries"],
)
def test_a_feed_file_that_gives_nothing_is_one_unreadable(tmp_path, text, reason):
    feed = write(tmp_path / "news.xml", text)
    failure = only(read_feed_file(feed, FAST))
    assert isinstance(failure, Unreadable)
    assert failure.id == "news"
    assert failure.reason.startswith(f"{feed}: {reason}")


def test_a_feed_served_as_xml_with_no_entries_is_one_unreadable(site):
    site.pages["/feed"] = Page(rss(), content_type="application/rss+xml")
    failure = only(read_url(site.url("/feed"), FAST))
    assert failure.reason == f"{site.url('/feed')}: a feed with no entries"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/world/2023/09/kim-putin.html", "example.com-kim-putin"),
        ("https://example.com/", "example.com"),
        ("https://news.example.com/a/Kim%20Putin%3F/", "news.example.com-kim-putin"),
        ("https://example.com/" + "x" * 200, "example.com-" + "x" * 48),
        ("http://[::1/a", "a"),  # not a URL: an id all the same
    ],
)
def test_slug(url, expected):
    assert slug(url) == expected


# --- the command line ------------------------------------------------------------------------


def answer() -> Reply:
    return Reply(body=chat_completion(sample_extraction().model_dump_json()))


def test_make_with_a_url_that_404s_among_good_ones_exits_3_and_names_it(
    runner, server, site, tmp_path
):
    server.default = answer()
    site.pages["/one"] = Page(html_page("Kim to meet Putin"))
    site.pages["/two"] = Page(html_page("Second report"))
    urls = [site.url("/one"), site.url("/missing"), site.url("/two")]
    result = invoke(runner, "make", *urls, "--base-url", server.url, "--out", tmp_path / "b.md")
    assert result.exit_code == 3, result.output
    assert f"failed: {site.url('/missing')}: HTTP 404 Not Found" in result.stderr
    assert len(server.requests) == 2  # only the good ones went to the model


def test_make_with_a_url_and_a_feed_file_lists_the_urls_as_sources(runner, server, site, tmp_path):
    server.default = answer()
    site.pages["/world/kim-putin"] = Page(html_page())
    site.pages["/world/linked"] = Page(html_page("Linked report"))
    feed = write(
        tmp_path / "feed.xml",
        rss(
            item("From the feed", "https://planet.test/world/in-feed", full=LONG),
            item("Linked report", site.url("/world/linked")),
        ),
    )
    page = site.url("/world/kim-putin")
    result = invoke(
        runner, "make", page, feed, "--base-url", server.url, "-q", "--allow-private-hosts"
    )
    assert result.exit_code == 0, result.output
    sources = result.stdout.split("## Sources", 1)[1]
    assert f"(`{page}`)" in sources
    assert "(`https://planet.test/world/in-feed`)" in sources
    assert f"(`{site.url('/world/linked')}`)" in sources
    assert len(server.requests) == 3


def test_make_names_each_bad_url_and_reads_a_feed_by_url(runner, server, site, tmp_path):
    """Every kind of bad URL through the command line, beside a good page and a feed by URL:
    each bad one is one named failure, the good ones make the brief (exit 3)."""
    server.default = answer()
    site.pages["/good"] = Page(html_page("Kim to meet Putin"))
    site.pages["/slow"] = Page(html_page(), delay=5)
    site.pages["/big"] = Page(SAMPLE_TEXT * 400, content_type="text/plain")
    site.pages["/photo"] = Page(b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png")
    site.pages["/feed"] = Page(
        rss(item("From the feed", "https://planet.test/world/in-feed", full=LONG)),
        content_type="application/rss+xml",
    )
    urls = [site.url(p) for p in ("/good", "/missing", "/slow", "/big", "/photo", "/feed")]
    result = invoke(
        runner,
        "make",
        *urls,
        "--base-url",
        server.url,
        "--fetch-timeout",
        "0.5",
        "--max-input-bytes",
        "20000",
        "--out",
        tmp_path / "b.md",
    )
    assert result.exit_code == 3, result.output
    for line in (
        f"{site.url('/missing')}: HTTP 404 Not Found",
        f"{site.url('/slow')}: timed out after 0.5 s",
        f"{site.url('/big')}: the response is larger than 20000 bytes",
        f"{site.url('/photo')}: unsupported content type image/png",
    ):
        assert line in result.stderr
    assert len(server.requests) == 2  # the page and the feed's entry
    sources = (tmp_path / "b.md").read_text().split("## Sources", 1)[1]
    assert f"(`{site.url('/good')}`)" in sources
    assert "(`https://planet.test/world/in-feed`)" in sources


def test_utf8_served_as_utf16_is_read_as_utf8_and_the_report_says_so(
    runner, server, site, tmp_path
):
    """Before: the page read as CJK ideographs, the model paid to read mojibake, exit 0 and no
    word of it. Now the declaration is set aside, the text is right, and the report says so."""
    body = html_page().encode()
    body += b" " * (len(body) % 2)  # an even length: the misdeclared page that decodes at all
    site.pages["/a"] = Page(body, content_type="text/html; charset=utf-16")
    article = only(read_url(site.url("/a"), FAST))
    assert isinstance(article, Article), article
    assert SAMPLE_TEXT in article.text
    assert article.title == "Kim to meet Putin"
    (note,) = [r.reason for r in article.removed if "charset" in r.reason]
    assert note.startswith("declared charset utf-16 set aside (") and "read as utf-8" in note
    server.default = answer()
    result = invoke(runner, "make", site.url("/a"), "--base-url", server.url, "-q")
    assert result.exit_code == 0, result.output
    (request,) = server.requests
    assert "Kim Jong Un will meet" in str(request)  # the model read the article, not mojibake

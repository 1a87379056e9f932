"""Reading articles from the web: a page's URL, or an RSS/Atom feed (by URL or as a file).

A URL is fetched with httpx2: at most `MAX_REDIRECTS` redirects, `fetch_timeout` seconds in all
for connecting, the headers and the body (deadline.py holds every network operation to what is
left; never past the run's `deadline`), a User-Agent naming briefgen, and the body streamed and
abandoned once past `max_bytes`. What comes back
decides what it is:

- a feed (Content-Type rss/atom/xml, or a body that starts like XML and parses as a feed with
  entries): each entry is an article. One that carries its full text (content:encoded, Atom
  content or a long description: more than `FULL_TEXT` characters once the HTML is stripped)
  is read from the feed; any other is fetched from its link. The entry's title, date and
  author and the feed's title (as outlet) win over what the page says. With `max_age_days`,
  entries older than that are skipped (one info line says how many); undated ones are kept.
- HTML: the main text and the page's metadata (title, author, date, site name) by
  trafilatura, as for .html files;
- plain text: as a .txt file.

The text is decoded with the charset the response declares, else the one the HTML <meta> or
the XML declaration names, else UTF-8 when it is valid, else charset-normalizer's guess.
An article's `source` is its final URL (after redirects) and its `id` a short slug of the URL
(host and last path part). Every failure (timeout, refused connection, HTTP 4xx/5xx, too
large, an image or a PDF, no text in the page, a feed that does not parse or has no entries,
one entry's link) is one `Unreadable` whose reason names the URL or file, never an exception.

Where fetches may lead (hosts.py): the URL the user named, and links and redirects to its own
origin, wherever they point; any other feed link or redirect hop is refused on a private,
loopback, link-local, multicast or reserved address unless `allow_private_hosts`. A feed is read
up to `max_feed_items` entries (a warning counts the rest); their links are fetched
`LINK_WORKERS` at a time, `PER_HOST` at a time from one host, and come back in feed order.

Limits: no cookies, no JavaScript, no paywalls; robots.txt is not consulted (briefgen reads
the URLs it is given, like a browser).
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefgen.errors import InputError
from briefgen.ingest import bounded, hosts
from briefgen.ingest.article import InputOptions, build_article, from_html
from briefgen.ingest.encoding import decode as decode_bytes
from briefgen.ingest.encoding import decoding_note
from briefgen.ingest.metadata import SourceMeta, parse_published
from briefgen.schemas import Article, Unreadable

log = logging.getLogger("briefgen")
MAX_REDIRECTS = 5
LINK_WORKERS = 8  # a feed's links fetched at once
PER_HOST = 2  # of those, at once from one host
FULL_TEXT = 500  # characters of text: a feed entry with more carries the article itself
_CHUNK = 64 * 1024


def read_url(url: str, options: InputOptions) -> list[Article | Unreadable]:
    """The article at `url`, or each entry of the feed there; failures as `Unreadable`. The user
    named `url`: it is fetched wherever it points, and so are links and redirects to its own
    origin; any other link or redirect is kept off private hosts (hosts.py)."""
    named = hosts.origin(url)
    with _Fetcher(options, trusted=[named] if named else []) as fetcher:
        return fetcher.url(url)


def read_feed_file(path: Path, options: InputOptions) -> list[Article | Unreadable]:
    """Each entry of the RSS/Atom feed in `path` (link-only entries are fetched)."""
    source = str(path)
    try:
        data = bounded.read_file(path, options.max_bytes, source)
    except InputError as exc:
        return [_unreadable(path.stem, source, str(exc).removeprefix(f"{source}: "))]
    with _Fetcher(options) as fetcher:
        return fetcher.feed(data, {}, source, path.stem)


def slug(url: str) -> str:
    """A short, stable id from a URL: its host and last path part, in [a-z0-9.-]."""
    try:
        parts = urlsplit(url)
        host, path = (parts.hostname or "").removeprefix("www."), unquote(parts.path)
    except ValueError:  # "http://[::1": not a URL, but still an id
        host, path = "", url
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:s?html?|php\d?|aspx?|jsp|cgi)$", "", last, flags=re.IGNORECASE)
    text = re.sub(r"[^a-z0-9.]+", "-", f"{host}-{last}".lower()).strip("-.")
    return text[:60].rstrip("-.") or "url"


def _unreadable(id_: str, source: str, detail: str, *, transient: bool = False) -> Unreadable:
    line = detail.strip().splitlines()[0] if detail.strip() else "unreadable"
    return Unreadable(id=id_, source=source, reason=f"{source}: {line}", transient=transient)


class _Unreachable(InputError):
    """The server could not be reached or failed (no connection, a timeout, HTTP 5xx or 429):
    not the page's fault, and a later run may read it."""


# --- fetching --------------------------------------------------------------------------------


@dataclass
class _Response:
    url: str  # the final one, after redirects
    content_type: str  # "text/html", lower case, no parameters; "" when not given
    charset: str | None
    headers: dict[str, str]
    data: bytes


class _Fetcher:
    """One HTTP client for a URL and the links of its feed's entries. `trusted`: the origins
    the user named, which links and redirects may reach even on a private host."""

    def __init__(self, options: InputOptions, trusted: Iterable[hosts.Origin] = ()):
        self.options = options
        self.trusted = list(trusted)
        self._client: Any = None
        self._opening = threading.Lock()

    def __enter__(self) -> _Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def _get(self, url: str) -> _Response:
        import httpx2

        from briefgen.ingest import deadline

        with self._opening:  # a feed's links are fetched from several threads
            if self._client is None:
                # Every request and each redirect hop checked (hosts.py), over a transport
                # that holds each fetch to its time budget (deadline.py).
                guard = hosts.GuardedTransport(
                    self.trusted,
                    allow_private=self.options.allow_private_hosts,
                    inner=deadline.Transport(),
                )
                self._client = httpx2.Client(
                    timeout=httpx2.Timeout(self.options.fetch_timeout),
                    follow_redirects=True,
                    max_redirects=MAX_REDIRECTS,
                    headers={"User-Agent": _user_agent(), "Accept": "*/*"},
                    transport=guard,
                )
        limit, budget = self.options.max_bytes, self.options.fetch_timeout
        timed_out = f"timed out after {budget:g} s"
        ends = self.options.ends
        if ends is not None and (left := ends - time.monotonic()) < budget:
            # The run's deadline comes first: it bounds the fetch.
            timed_out = f"the run deadline of {self.options.run_deadline:g} s was reached"
            if left <= 0:
                raise _Unreachable(f"{timed_out} before it was fetched")
            budget, timed_out = left, f"{timed_out} while fetching it"
        too_large = f"the response is larger than {limit} bytes"
        try:
            with deadline.within(budget), self._client.stream("GET", url) as response:
                if not response.is_success:
                    status = f"HTTP {response.status_code} {response.reason_phrase}"
                    code = response.status_code
                    raise (_Unreachable if code >= 500 or code == 429 else InputError)(
                        status.strip()
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise InputError(too_large)
                chunks, size = [], 0
                for chunk in response.iter_bytes(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise InputError(too_large)
                    chunks.append(chunk)
                ctype = response.headers.get("content-type", "")
                return _Response(
                    url=str(response.url),
                    content_type=ctype.split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    headers={"content-type": ctype, "content-location": str(response.url)},
                    data=b"".join(chunks),
                )
        except httpx2.TimeoutException:
            raise _Unreachable(timed_out) from None
        except httpx2.TooManyRedirects:
            raise InputError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx2.ConnectError as exc:
            raise _Unreachable(f"cannot connect ({exc})") from None
        except (httpx2.InvalidURL, httpx2.UnsupportedProtocol) as exc:
            raise InputError(f"not a URL briefgen can fetch ({exc})") from None
        except httpx2.TransportError as exc:  # the connection broke: the network's trouble
            raise _Unreachable(f"{type(exc).__name__} ({exc})") from None
        except httpx2.HTTPError as exc:
            raise InputError(f"{type(exc).__name__} ({exc})") from None

    def url(
        self, url: str, metas: tuple[SourceMeta, ...] = (), *, feed_ok: bool = True
    ) -> list[Article | Unreadable]:
        """The article or feed at `url`; metadata in `metas` wins over the page's."""
        id_ = slug(url)
        try:
            got = self._get(url)
            if _is_feed(got):
                if not feed_ok:
                    raise InputError("a feed, not an article page")
                return self.feed(got.data, got.headers, url, id_)
            return [_article(got, id_, metas)]
        except InputError as exc:
            return [_unreadable(id_, url, str(exc), transient=isinstance(exc, _Unreachable))]
        except Exception as exc:  # never an exception out of reading one source
            log.debug("fetching %s failed", url, exc_info=True)
            return [_unreadable(id_, url, f"{type(exc).__name__}: {exc}")]

    def feed(
        self, data: bytes, headers: dict[str, str], source: str, feed_id: str
    ) -> list[Article | Unreadable]:
        """Each entry of the feed in `data`, read from the feed or fetched from its link."""
        import feedparser

        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
        if not parsed.entries:
            problem = parsed.get("bozo_exception")
            why = f"not a feed ({problem})" if problem else "a feed with no entries"
            return [_unreadable(feed_id, source, why)]
        outlet = parsed.feed.get("title") or None
        entries = list(enumerate(parsed.entries, 1))
        if self.options.max_age_days is not None:
            since = datetime.now(UTC) - timedelta(days=self.options.max_age_days)
            kept = [(n, e) for n, e in entries if (when := _when(e)) is None or when >= since]
            if skipped := len(entries) - len(kept):
                log.info(
                    "%s: skipped %d entr%s older than %g days",
                    source,
                    skipped,
                    "y" if skipped == 1 else "ies",
                    self.options.max_age_days,
                    extra={
                        "briefgen": {
                            "event": "input_skipped",
                            "source": source,
                            "skipped": skipped,
                            "max_age": self.options.max_age_days,
                        }
                    },
                )
            entries = kept
        if (over := len(entries) - self.options.max_feed_items) > 0:
            entries = entries[: self.options.max_feed_items]
            log.warning(
                "%s: read the first %d entries, skipped %d more (max_feed_items)",
                source,
                self.options.max_feed_items,
                over,
                extra={
                    "briefgen": {
                        "event": "feed_capped",
                        "source": source,
                        "skipped": over,
                        "max_feed_items": self.options.max_feed_items,
                    }
                },
            )
        found = [item for items in self._each(entries, source, feed_id, outlet) for item in items]
        # Each entry says which feed listed it: when the feed cannot be reached, the run
        # knows which of the last brief's sources were its entries.
        return [item.model_copy(update={"via": source}) for item in found]

    def _each(
        self, entries: list[tuple[int, Any]], source: str, feed_id: str, outlet: str | None
    ) -> list[list[Article | Unreadable]]:
        """Each entry's articles, in order. Links are fetched at most `LINK_WORKERS` at once and
        `PER_HOST` at once from one host; an interrupt stops the rest from starting."""
        from concurrent.futures import ThreadPoolExecutor

        per_host: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(PER_HOST)
        )
        lock = threading.Lock()

        def fetch(link: str, meta: SourceMeta) -> list[Article | Unreadable]:
            with lock:
                gate = per_host[(hosts.origin(link) or ("", 0))[0]]
            with gate:
                return self.url(link, (meta,), feed_ok=False)

        pool = ThreadPoolExecutor(max_workers=LINK_WORKERS, thread_name_prefix="briefgen-link")
        try:
            pending = [
                pool.submit(fetch, *todo) if isinstance(todo, tuple) else todo
                for number, entry in entries
                for todo in [self._entry(entry, number, source, feed_id, outlet)]
            ]
            done = [one.result() if not isinstance(one, list) else one for one in pending]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return done

    def _entry(
        self, entry: Any, number: int, source: str, feed_id: str, outlet: str | None
    ) -> list[Article | Unreadable] | tuple[str, SourceMeta]:
        """The entry's article read from the feed, or (its link, its metadata) to fetch."""
        link = entry.get("link") or None
        meta = SourceMeta(
            title=entry.get("title") or None,
            outlet=outlet,
            author=entry.get("author") or None,
            published=_published(entry),
        )
        text = _full_text(entry)
        if link and len(text) <= FULL_TEXT:
            return (link, meta)
        # An entry without a link is known by its id (RSS guid, Atom id), else its place.
        where = link or f"{source}#{entry.get('id') or number}"
        id_ = slug(link) if link else f"{feed_id}-{number}"
        try:
            return [build_article(text, where, id_, meta).model_copy(update={"source": where})]
        except InputError:
            return [_unreadable(id_, where, "no article text in the feed entry, and no link")]


def _user_agent() -> str:
    from briefgen.version import version

    return f"briefgen/{version()} (news brief generator)"


# --- what came back --------------------------------------------------------------------------

_XML_START = (b"<?xml", b"<rss", b"<feed", b"<rdf")


def _start(data: bytes) -> bytes:
    return data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _is_feed(got: _Response) -> bool:
    declared = "html" not in got.content_type and any(
        kind in got.content_type for kind in ("rss", "atom", "xml")
    )
    if declared:
        return True
    if not _start(got.data).startswith(_XML_START):
        return False
    import feedparser  # sniffed: a feed served as text/plain, text/html or nothing

    return bool(feedparser.parse(io.BytesIO(got.data)).entries)


def _article(got: _Response, id_: str, metas: tuple[SourceMeta, ...]) -> Article:
    ctype, start = got.content_type, _start(got.data)
    is_html = "html" in ctype or (
        ctype in ("", "application/octet-stream") and start.startswith((b"<!doctype", b"<html"))
    )
    if not is_html and ctype and not ctype.startswith("text/"):
        raise InputError(f"unsupported content type {ctype}")
    decoded = decode_bytes(got.data, got.charset, sniff=is_html)
    if decoded is None:
        raise InputError("not text in any encoding briefgen knows")
    text, note = decoded.text, decoding_note(decoded)
    try:
        if is_html:
            article = from_html(text, got.url, id_, *metas, report=note)
        else:
            article = build_article(text, got.url, id_, *metas, report=note)
    except InputError as exc:
        raise InputError(str(exc).removeprefix(f"{got.url}: ")) from None
    return article.model_copy(update={"source": got.url})


def decode(data: bytes, declared: str | None = None, *, sniff: bool = True) -> str:
    """Text of `data` by briefgen's decoding rules (encoding.py), the header's charset first."""
    decoded = decode_bytes(data, declared, sniff=sniff)
    if decoded is None:
        raise InputError("not text in any encoding briefgen knows")
    return decoded.text


# --- feed entries ----------------------------------------------------------------------------

_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr section article header "
    "footer figure figcaption hr dd dt".split()
)


def _full_text(entry: Any) -> str:
    """The longest text the entry carries (content:encoded, Atom content or description)."""
    texts = []
    for part in (*entry.get("content", []), entry.get("summary_detail") or {}):
        value = part.get("value") or ""
        texts.append(_html_text(value) if "html" in part.get("type", "html") else value.strip())
    return max(texts, key=len, default="")


def _html_text(fragment: str) -> str:
    """Paragraphs of an HTML fragment as text, one blank line between blocks."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment
    for node in root.xpath("//script|//style"):
        node.drop_tree()
    for node in root.iter():
        node.text = re.sub(r"\s+", " ", node.text) if node.text else node.text
        node.tail = re.sub(r"\s+", " ", node.tail) if node.tail else node.tail
        if isinstance(node.tag, str) and node.tag.lower() in _BLOCKS:
            node.tail = "\n\n" + (node.tail or "")
    lines = (line.strip() for line in root.text_content().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _published(entry: Any) -> date | None:
    for key in ("published", "updated"):
        if value := parse_published(entry.get(key))[0]:
            return value
    when = _when(entry)
    return when.date() if when else None


def _when(entry: Any) -> datetime | None:
    """When the entry was published (or updated), in UTC; None when it does not say."""
    for key in ("published_parsed", "updated_parsed"):
        if parsed := entry.get(key):
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    for key in ("published", "updated"):
        if value := parse_published(entry.get(key))[0]:
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None

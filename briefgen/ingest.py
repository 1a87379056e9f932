"""Reading sources into `Article`s: files, folders, stdin, JSON/JSONL, HTML; then cleaning.

Cleaning removes the noise real article text carries (bylines, subscription ads, photo credits,
links to other stories, leftovers of an LLM rewrite that refused) and records every removal, so
nothing disappears silently. The model sees, and evidence quotes are checked against, the cleaned
text.
"""

from __future__ import annotations

import glob
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from briefgen.errors import InputError, validation_summary
from briefgen.schemas import Article, Removed, Strict

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
MANIFEST = "manifest.json"


class SourceMeta(Strict):
    """What a manifest, a JSON record or HTML metadata may say about an article."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None


class JsonArticle(SourceMeta):
    text: str


class Manifest(Strict):
    about: str | None = None
    articles: dict[str, SourceMeta]


# --- cleaning --------------------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_BYLINE = re.compile(
    # A line ending like a sentence ("By Tuesday, Kim had left.") is article text, not a byline.
    r"^(?:Written by|By)\s+(?![^\n]*[a-z]{3}[.!?][\"”’']?\s*$)"
    rf"(?P<author>[^\n]{{2,60}}?)"
    rf"(?:\s+on\s+(?P<date>(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}))?\s*$",
)
_REFUSAL = re.compile(
    r"^[\"“”'\s]*(?:I cannot (?:reword|rephrase|rewrite|fulfil|comply|help)|I can[’']t (?:reword|"
    r"rephrase|rewrite|help)|I[’']m sorry, but|As an AI(?: language model)?)\b",
    re.IGNORECASE,
)
_PHOTO = re.compile(
    r"^(?:(?:AP|AFP|Getty|Reuters|EPA|Shutterstock)(?: Images| Photo)?|\d{4} photo of .{0,120}|"
    r"(?:Photo|Image|File photo|Pictured)\s*[:|].{0,160})$",
    re.IGNORECASE,
)
_RELATED = re.compile(r"^(?:You can also read|Also read|Read more|Related|See also)\s*:", re.I)
_SUBSCRIBE = re.compile(
    r"^(?:Subscribe to|Subscribe now|Sign up for|Support our journalism)\b", re.I
)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_BLANKS = re.compile(r"\n{3,}")


def _line_noise(line: str) -> str | None:
    """The reason a single line is noise, or None when it is article text."""
    if _REFUSAL.match(line) and len(line) < 200:
        return "model refusal remnant"
    if (byline := _BYLINE.match(line)) and byline["author"][0].isupper():
        return "byline"  # a name starts with a capital: "By the end of May, ..." is text
    if _PHOTO.match(line):
        return "photo caption or credit"
    if _RELATED.match(line):
        return "link to another story"
    return None


def clean(text: str) -> tuple[str, list[Removed], SourceMeta]:
    """Cleaned text, what was removed and why, and metadata found on the way (bylines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_EMPHASIS.sub(r"\1", _MD_LINK.sub(r"\1", text))
    lines = text.split("\n")
    removed: list[Removed] = []
    found = SourceMeta()

    # A subscription pitch runs to the end; cut it only in the last third so a story that
    # mentions subscribing early on keeps its text.
    for i, line in enumerate(lines):
        if _SUBSCRIBE.match(line.strip()) and i >= len(lines) * 2 // 3:
            tail = "\n".join(x for x in lines[i:] if x.strip())
            removed.append(Removed(reason="subscription advertisement", text=tail))
            lines = lines[:i]
            break

    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        reason = _line_noise(stripped) if stripped else None
        if reason is None:
            kept.append(line.rstrip())
            continue
        if reason == "byline" and found.author is None:
            match = _BYLINE.match(stripped)
            assert match is not None
            found = SourceMeta(author=match["author"], published=_parse_date(match["date"]))
        removed.append(Removed(reason=reason, text=stripped))
    cleaned = _BLANKS.sub("\n\n", "\n".join(kept)).strip()
    return cleaned, removed, found


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return None


def guess_title(text: str) -> str | None:
    """The first line, when it reads like a headline: short and followed by more text."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 10 <= len(first) <= 150:
        return first
    return None


# --- reading ---------------------------------------------------------------------------------


def build_article(text: str, source: str, fallback_id: str, *metas: SourceMeta) -> Article:
    """An Article from raw text; earlier metadata wins over later (manifest > file > byline)."""
    cleaned, removed, found = clean(text)
    if not cleaned:
        raise InputError(f"{source}: no article text")
    fields: dict[str, Any] = {}
    for meta in (*metas, found):
        for key, value in meta.model_dump(exclude_none=True).items():
            fields.setdefault(key, value)
    return Article(
        id=fields.get("id") or fallback_id,
        text=cleaned,
        title=fields.get("title") or guess_title(cleaned),
        outlet=fields.get("outlet"),
        author=fields.get("author"),
        published=fields.get("published"),
        source=fields.get("url") or source,
        removed=removed,
    )


def _manifest_for(folder: Path, cache: dict[Path, Manifest | None]) -> Manifest | None:
    if folder not in cache:
        path = folder / MANIFEST
        try:
            cache[folder] = (
                Manifest.model_validate_json(path.read_bytes()) if path.is_file() else None
            )
        except (OSError, ValidationError) as exc:
            raise InputError(f"{path}: not a valid manifest ({_first_error(exc)})") from None
    return cache[folder]


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return validation_summary(exc)
    return str(exc).splitlines()[0]


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(f"{path}: not text in any encoding briefgen knows") from None
        return str(best)


def _from_html(html: str, source: str, fallback_id: str, *metas: SourceMeta) -> Article:
    import trafilatura  # heavy; only HTML input pays for it

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not getattr(doc, "text", None):
        raise InputError(f"{source}: no article text found in the HTML")
    page = SourceMeta(
        title=doc.title,
        outlet=doc.sitename,
        author=doc.author,
        published=_iso_date(doc.date),
        url=doc.url,
    )
    return build_article(doc.text, source, fallback_id, *metas, page)


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _from_records(
    records: Iterable[tuple[str, Any]], fallback_id: str, manifest: SourceMeta
) -> Iterator[Article]:
    for where, record in records:
        try:
            item = JsonArticle.model_validate(record)
        except ValidationError as exc:
            raise InputError(f"{where}: {_first_error(exc)}") from None
        meta = SourceMeta(**item.model_dump(exclude={"text"}))
        fid = f"{fallback_id}-{where.rsplit(':', 1)[-1]}"
        yield build_article(item.text, where, fid, manifest, meta)


def _read_file(path: Path, manifests: dict[Path, Manifest | None]) -> list[Article]:
    manifest = _manifest_for(path.parent, manifests)
    meta = manifest.articles.get(path.name, SourceMeta()) if manifest else SourceMeta()
    suffix = path.suffix.lower()
    text = _read_text(path)
    if suffix == ".jsonl":
        records = []
        # Split on newlines only: str.splitlines() also breaks at U+2028, NEL and form feeds,
        # which JSON allows raw inside strings.
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    records.append((f"{path}:{number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
        return _some(list(_from_records(records, path.stem, meta)), path)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        items = data if isinstance(data, list) else [data]
        numbered = ((f"{path}:{i}", r) for i, r in enumerate(items, 1))
        return _some(list(_from_records(numbered, path.stem, meta)), path)
    if suffix in HTML_SUFFIXES:
        return [_from_html(text, str(path), path.stem, meta)]
    return [build_article(text, str(path), path.stem, meta)]


def _some(articles: list[Article], path: Path) -> list[Article]:
    if not articles:
        raise InputError(f"{path}: no articles in it")
    return articles


def _expand(source: str | Path) -> list[Path]:
    path = Path(source)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and not p.name.startswith(".")
            and p.name != MANIFEST
            and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl"}
        )
        if not files:
            raise InputError(f"{path}: no article files (.txt, .md, .html, .json, .jsonl)")
        return files
    if not path.exists() and any(c in str(source) for c in "*?["):
        matches = sorted(
            Path(p) for p in glob.glob(str(path.expanduser()), recursive=True) if Path(p).is_file()
        )
        if not matches:
            raise InputError(f"{source}: no file matches")
        return matches
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def load(sources: Sequence[str | Path], stdin: IO[str] | None = None) -> list[Article]:
    """Read every source in order; '-' reads one article from stdin. Ids are made unique."""
    if not sources:
        raise InputError("no articles given")
    manifests: dict[Path, Manifest | None] = {}
    articles: list[Article] = []
    for source in sources:
        if str(source) == "-":
            text = (stdin or sys.stdin).read()
            articles.append(build_article(text, "-", "stdin"))
            continue
        for path in _expand(source):
            articles.extend(_read_file(path, manifests))
    return _unique_ids(articles)


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Later duplicates get "-2", "-3", ...; never an id that another article already carries."""
    given = {article.id for article in articles}
    used: set[str] = set()
    result = []
    for article in articles:
        new_id, count = article.id, 1
        while new_id in used or (count > 1 and new_id in given):
            count += 1
            new_id = f"{article.id}-{count}"
        used.add(new_id)
        result.append(article if count == 1 else article.model_copy(update={"id": new_id}))
    return result

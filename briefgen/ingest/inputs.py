"""Reading sources into `Article`s: files, folders, globs, stdin, JSON/JSONL, HTML.

Each text is cleaned (cleaning.py) on its way in; what a manifest, a record or a page says about
the article (metadata.py) is attached to it.

Every read is bounded (bounded.py): only regular files and stdin are read, at most
`max_input_bytes` each, counted as they are read; a FIFO, a device or a socket is a failure,
never opened. JSON is parsed with limits (`MAX_JSON_DEPTH` levels, numbers of at most
`MAX_NUMBER_CHARS` characters): a file or record past them is a failure with its reason. A link
in a folder (or matched by a glob) that leads outside it is not followed unless
`follow_symlinks`. Failures name files as the brief shows them (`shown`), never by a local
absolute path.
"""

from __future__ import annotations

import glob
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from pydantic import Field, ValidationError

from briefgen.errors import InputError, StrictFailure, validation_summary
from briefgen.ingest import bounded
from briefgen.ingest.article import InputOptions, build_article, from_html
from briefgen.ingest.encoding import Decoded, decode, decoding_note
from briefgen.ingest.metadata import SourceMeta, parse_published
from briefgen.redact import clean_id, oneline, scrub
from briefgen.schemas import Article, Strict, Unreadable

log = logging.getLogger("briefgen")
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml", ".feed"})
MANIFEST = "manifest.json"
MAX_JSON_DEPTH = 64  # levels of nesting in a JSON file, a JSONL line or a manifest
MAX_NUMBER_CHARS = 100  # characters of one number in JSON


class EmptySource(InputError):
    """A folder with no article files, or a glob that matches none: an error when every source
    is empty, a warning when others gave articles (today's inbox may just be empty)."""

    def __init__(self, source: str, why: str):
        super().__init__(f"{source}: {why}")
        self.source = source


class JsonArticle(SourceMeta):
    text: str


class Manifest(Strict):
    about: str | None = None
    articles: dict[str, SourceMeta]
    bad: dict[str, str] = Field(default_factory=dict)  # file name -> why its entry is not valid


# --- reading ---------------------------------------------------------------------------------


def _manifest_for(
    folder: Path, cache: dict[Path, Manifest | None], options: InputOptions
) -> Manifest | None:
    """The folder's manifest. A manifest that is not one (not JSON, no `articles`, a link out
    of the folder) makes every file of the folder unreadable; one bad entry makes only its own
    file unreadable."""
    if folder not in cache:
        path = folder / MANIFEST
        try:
            if not path.is_file():
                cache[folder] = None
                return None
            if not options.follow_symlinks and _leads_out(path, folder):
                raise ValueError(_LINK_OUT)
            data = loads_json(bounded.read_file(path, options.max_bytes, str(path)))
            entries = data.get("articles") if isinstance(data, dict) else None
            if not isinstance(entries, dict):
                raise ValueError("it needs an 'articles' object, by file name")
            good: dict[str, SourceMeta] = {}
            bad: dict[str, str] = {}
            for name, entry in entries.items():
                try:
                    good[name] = SourceMeta.model_validate(entry)
                except ValidationError as exc:
                    bad[name] = f"{path}: the entry for {name} is not valid ({_first_error(exc)})"
            cache[folder] = Manifest(
                about=data.get("about") if isinstance(data.get("about"), str) else None,
                articles=good,
                bad=bad,
            )
        except (OSError, ValueError, InputError) as exc:
            why = str(exc).removeprefix(f"{path}: ") if isinstance(exc, InputError) else None
            why = why or _first_error(exc)
            raise InputError(f"{path}: not a valid manifest ({why})") from None
    return cache[folder]


_LINK_OUT = "a link that leads outside its folder; not read (follow_symlinks is off)"


def _leads_out(path: Path, folder: Path) -> bool:
    """Whether `path`, a link, resolves to a place outside `folder`."""
    if not path.is_symlink():
        return False
    target, base = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([target, base]) != base


class JsonLimit(ValueError):
    """JSON past briefgen's limits: too deep, or a number too long."""


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise JsonLimit(f"a number of {len(text):,} characters (at most {MAX_NUMBER_CHARS})")
        return kind(text)

    return parse


def loads_json(text: str | bytes) -> Any:
    """`json.loads` within briefgen's limits (`MAX_JSON_DEPTH`, `MAX_NUMBER_CHARS`): past them
    a `JsonLimit`; not JSON, a `json.JSONDecodeError` (both are ValueErrors)."""
    deep = JsonLimit(f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(text, parse_int=_number(int), parse_float=_number(float))
    except RecursionError:  # the decoder's own guard, far past the limit
        raise deep from None
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            if level > MAX_JSON_DEPTH:
                raise deep
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return data


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg})"
    return f"JSON past briefgen's limits: {exc}"


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return validation_summary(exc)
    return str(exc).splitlines()[0]


def _read_decoded(path: Path, max_bytes: int) -> Decoded:
    data = bounded.read_file(path, max_bytes, str(path))
    decoded = decode(data)
    if decoded is None:
        raise InputError(f"{path}: not text in any encoding briefgen knows")
    return decoded


def _from_records(
    records: Iterable[tuple[str, Any]], fallback_id: str, manifest: SourceMeta
) -> Iterator[Article | Unreadable]:
    for where, record in records:
        fid = f"{fallback_id}-{where.rsplit(':', 1)[-1]}"
        try:
            if isinstance(record, Unreadable):
                yield record
                continue
            if isinstance(record, dict) and parse_published(record.get("published"))[1]:
                log.warning(
                    "%s: published %r is not a date; relative dates in it cannot be resolved",
                    where,
                    record["published"],
                    extra={"briefgen": {"event": "input_warning", "source": where}},
                )
            item = JsonArticle.model_validate(record)
            meta = SourceMeta(**item.model_dump(exclude={"text"}))
            yield build_article(item.text, where, fid, manifest, meta)
        except ValidationError as exc:
            yield Unreadable(id=fid, source=where, reason=f"{where}: {_first_error(exc)}")
        except InputError as exc:
            yield Unreadable(id=fid, source=where, reason=str(exc))


def _read_file(
    path: Path, manifests: dict[Path, Manifest | None], options: InputOptions
) -> list[Article | Unreadable]:
    manifest = _manifest_for(path.parent, manifests, options)
    if manifest is not None and path.name in manifest.bad:
        raise InputError(manifest.bad[path.name])
    meta = manifest.articles.get(path.name, SourceMeta()) if manifest else SourceMeta()
    suffix = path.suffix.lower()
    decoded = _read_decoded(path, options.max_bytes)
    text, note = decoded.text, decoding_note(decoded)
    if suffix == ".jsonl":
        records: list[tuple[str, Any]] = []
        # Split on newlines only: str.splitlines() also breaks at U+2028, NEL and form feeds,
        # which JSON allows raw inside strings.
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                where = f"{path}:{number}"
                try:
                    records.append((where, loads_json(line)))
                except ValueError as exc:
                    reason = f"{where}: {_json_error(exc)}"
                    bad = Unreadable(id=f"{path.stem}-{number}", source=where, reason=reason)
                    records.append((where, bad))
        return _some(list(_from_records(records, path.stem, meta)), path)
    if suffix == ".json":
        try:
            data = loads_json(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        except ValueError as exc:
            raise InputError(f"{path}: {_json_error(exc)}") from None
        items = data if isinstance(data, list) else [data]
        numbered = ((f"{path}:{i}", r) for i, r in enumerate(items, 1))
        return _some(list(_from_records(numbered, path.stem, meta)), path)
    if suffix in HTML_SUFFIXES:
        return [from_html(text, str(path), path.stem, meta, report=note)]
    return [build_article(text, str(path), path.stem, meta, report=note)]


def _some(articles: list[Article | Unreadable], path: Path) -> list[Article | Unreadable]:
    if not articles:
        raise InputError(f"{path}: no articles in it")
    return articles


def _expand(source: str | Path, follow_symlinks: bool = False) -> list[Path | Unreadable]:
    """The files of a source: itself, a folder's article files, a glob's matches. Anything
    there that is not a folder is listed (a FIFO or a device is refused when read, and so
    named); a link in the folder that leads out of it is an `Unreadable` unless
    `follow_symlinks`."""
    path = Path(source)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if not p.name.startswith(".")
            and p.name != MANIFEST
            and p.suffix.lower()
            in TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | {".json", ".jsonl"}
            and not p.is_dir()
        )
        if not files:
            raise EmptySource(
                str(path), "no article files (.txt, .md, .html, .json, .jsonl, feeds)"
            )
        return _links_kept(files, path, follow_symlinks)
    if not path.exists() and any(c in str(source) for c in "*?["):
        pattern = str(path.expanduser())
        matches = sorted(
            Path(p) for p in glob.glob(pattern, recursive=True) if not Path(p).is_dir()
        )
        if not matches:
            raise EmptySource(str(source), "no file matches")
        base = Path(*[part for part in itertools.takewhile(_plain, Path(pattern).parts)] or ".")
        return _links_kept(matches, base, follow_symlinks)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def _plain(part: str) -> bool:
    return not any(c in part for c in "*?[")


def _links_kept(paths: list[Path], folder: Path, follow: bool) -> list[Path | Unreadable]:
    kept: list[Path | Unreadable] = []
    for path in paths:
        if not follow and _leads_out(path, folder):
            reason = f"{path}: {_LINK_OUT}"
            kept.append(Unreadable(id=path.stem, source=str(path), reason=reason))
        else:
            kept.append(path)
    return kept


def read(
    sources: Sequence[str | Path],
    stdin: IO[str] | None = None,
    *,
    strict: bool = False,
    options: InputOptions | None = None,
) -> list[Article | Unreadable]:
    """Every source in order, as articles, and as `Unreadable` where a file or a record could
    not be read (no text, not decodable, a malformed record); '-' reads one article from stdin.
    A source that does not exist is an `InputError` whatever `strict` says; so is an empty
    folder or a glob that matches nothing (`EmptySource`) when no other source gave anything,
    and a warning when one did. With `strict`, anything unreadable is a `StrictFailure`. Ids
    are made unique."""
    if not sources:
        raise InputError("no articles given")
    manifests: dict[Path, Manifest | None] = {}
    found: list[Article | Unreadable] = []
    empty: list[EmptySource] = []
    options = options or InputOptions()
    for source in sources:
        if "://" in str(source):
            from briefgen.ingest import web  # httpx2, trafilatura, feedparser: only for URLs

            found.extend(web.read_url(str(source), options))
            continue
        if str(source) == "-":
            found.extend(_read_stdin(stdin or sys.stdin, options.max_bytes))
            continue
        try:
            paths = _expand(source, options.follow_symlinks)
        except EmptySource as exc:
            empty.append(exc)
            continue
        for path in paths:
            if isinstance(path, Unreadable):
                found.append(path)
                continue
            if path.suffix.lower() in FEED_SUFFIXES:
                from briefgen.ingest import web

                found.extend(web.read_feed_file(path, options))
                continue
            found.extend(
                _guarded(str(path), path.stem, partial(_read_file, path, manifests, options))
            )
    if empty and not found:
        raise empty[0]
    for nothing in empty:
        log.warning(
            "%s; skipped, the other sources gave %d article(s)",
            nothing,
            sum(isinstance(item, Article) for item in found),
            extra={"briefgen": {"event": "input_warning", "source": nothing.source}},
        )
    if strict:
        for item in found:
            if isinstance(item, Unreadable):
                reason = shown_in(item.reason, item.source)
                raise StrictFailure(f"{reason} (strict: nothing was asked or written)")
    return _unique_ids([_shown(item) for item in _once(found)])


def shown(source: str) -> str:
    """A source as a brief may show it: a URL as it is; a local file relative to the folder the
    run started in when it is below it, else by its name; never a local absolute path."""
    if "://" in source:
        return scrub(source)  # no user:password@, no ?token=...: a brief is shared
    if source == "-":
        return source
    path, line = source, ""
    if re.search(r":\d+$", source):  # a record of a .json or .jsonl file
        path, _, number = source.rpartition(":")
        line = f":{number}"
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        relative = ".."
    return (os.path.basename(path) if relative.startswith("..") else relative) + line


def _shown(item: Article | Unreadable) -> Article | Unreadable:
    # An id, a source and a reason are one line with no secret in it: they are logged, stored
    # and shown (a feed's item link may carry any character).
    update: dict[str, Any] = {"source": oneline(shown(item.source)), "id": clean_id(item.id)}
    if item.via is not None:
        update["via"] = oneline(shown(item.via))
    if isinstance(item, Article):
        update["also"] = [oneline(shown(x)) for x in item.also]
    else:
        update["reason"] = oneline(scrub(shown_in(item.reason, item.source)))
    return item.model_copy(update=update)


def shown_in(reason: str, source: str) -> str:
    """`reason` with the local path of `source` (and of its folder, which names its manifest)
    as `shown` gives them: a failure never carries a local absolute path."""
    if "://" in source or source == "-":
        return reason
    path = re.sub(r"(?::\d+|#.*)$", "", source)
    folder = os.path.dirname(path)
    reason = reason.replace(path, shown(path))
    if folder and folder != ".":  # its manifest, shown as a file of the folder would be
        prefix = os.path.dirname(shown(os.path.join(folder, "x")))
        reason = reason.replace(folder + os.sep, prefix + os.sep if prefix else "")
    return reason


def _same_place(source: str) -> str:
    if "://" in source or source == "-":
        return source
    path, colon, record = source.partition(":") if ":" in Path(source).name else (source, "", "")
    return os.path.realpath(path) + colon + record


def _once(found: list[Article | Unreadable]) -> list[Article | Unreadable]:
    """The same text (after cleaning) from two sources is one article, read once: the first,
    with the others in `also`."""
    first: dict[str, int] = {}
    kept: list[Article | Unreadable] = []
    for item in found:
        if isinstance(item, Article):
            if item.text in first:
                earlier = kept[first[item.text]]
                assert isinstance(earlier, Article)
                same = {_same_place(earlier.source), *map(_same_place, earlier.also)}
                if _same_place(item.source) not in same:
                    also = [*earlier.also, item.source]
                    kept[first[item.text]] = earlier.model_copy(update={"also": also})
                continue
            first[item.text] = len(kept)
        kept.append(item)
    return kept


def _read_stdin(stdin: IO[str], max_bytes: int) -> list[Article | Unreadable]:
    """One article from stdin, at most `max_bytes` of it, decoded as a file is."""

    def reading() -> list[Article | Unreadable]:
        data = bounded.read_stream(stdin, max_bytes, "-")
        if isinstance(data, str):  # a text stream without bytes under it (a StringIO)
            return [build_article(data, "-", "stdin")]
        decoded = decode(data)
        if decoded is None:
            raise InputError("-: not text in any encoding briefgen knows")
        return [build_article(decoded.text, "-", "stdin", report=decoding_note(decoded))]

    return _guarded("-", "stdin", reading)


def _guarded(
    source: str, fallback_id: str, reading: Callable[[], list[Article | Unreadable]]
) -> list[Article | Unreadable]:
    try:
        return reading()
    except InputError as exc:
        return [Unreadable(id=fallback_id, source=source, reason=str(exc))]
    except Exception as exc:  # never an exception out of reading one source
        log.debug("reading %s failed", source, exc_info=True)
        detail = (str(exc).strip().splitlines() or [""])[0]
        reason = f"{source}: {type(exc).__name__}" + (f": {detail}" if detail else "")
        return [Unreadable(id=fallback_id, source=source, reason=reason)]


def load(sources: Sequence[str | Path], stdin: IO[str] | None = None) -> list[Article]:
    """The articles of `sources`; anything unreadable is an `InputError`."""
    items = read(sources, stdin)
    for item in items:
        if isinstance(item, Unreadable):
            raise InputError(item.reason)
    return [a for a in items if isinstance(a, Article)]


def _unique_ids(articles: list[Article | Unreadable]) -> list[Article | Unreadable]:
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

"""Evidence check: every extracted item must be in the article it came from, not only its quote.

- every item's quote must appear in the article;
- an actor's name or one of its aliases must appear in it (aliases that do not are removed,
  and so is an alias that is another actor's name in the same answer: "Kim Jong-un" listed
  as an actor and as an alias of "Vladimir Putin" names two people, not one),
  and a weekday or a month name alone is no actor ("Wednesday", "mercoledì": what a weak model
  sends), nor a relaying word or a point of the compass ("Secondo", "Nord": `NO_ACTOR_WORDS`),
  nor a common word the article does not write as a name, a sentence or the page's furniture
  ("They", "Putin said", "Read more": `briefgen.text.actor_guards`);
- a venue's place must appear in it (a wider place in `within` that does not is removed), as
  whole words or inflected: in an inflected language the article declines the name the model
  gives in its dictionary form ("Анкоридж" in "В Анкоридже", "Москва" in "в Москве"), so each
  word of a place in a non-Latin script, of four letters or more, also matches an article word
  that starts with it (less a final vowel, for a name of five letters or more) and goes on for
  at most three letters. A Latin-script word is matched whole: "Niger" is not in "Nigeria";
- a date's expression must appear in it;
- a word of the prompt's own header ("Article", "Outlet", "Published", ...) is never a name,
  a place or a date, even where the article uses the word.

Quotes are compared forgiving what copying through a model changes without changing the words:
curly vs straight quote marks, dash styles, runs of white space, letter case and an ellipsis at
either end. Names, places and dates are compared as whole words, punctuation aside ("Kim
Jong-un" is "Kim Jong Un", "Mr. Kim" is "Mr Kim"; "Kim" is not found in "Kimberley"). Only a
place is matched inflected; a quote, a name or a date never is.

The text compared with is the article's text only: the header the prompt puts above it (id,
title line, outlet, date) and the fences around it are not the article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from briefgen.schemas import ITEM_KINDS, Dropped, Extraction
from briefgen.text.actor_guards import why_not_an_actor
from briefgen.text.dates import is_calendar_word
from briefgen.text.fold import fold
from briefgen.text.words import NO_ACTOR_WORDS

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u200b": "",
    }
)
_EDGES = re.compile(r"^(?:\.\.\.|\u2026|[\s\"'])+|(?:\.\.\.|\u2026|[\s\"'])+$")


def normalize(text: str) -> str:
    """Quote marks and dashes made plain, each run of white space one space, none at either end,
    case folded. `str.split` breaks on exactly the characters `\\s` matches (both ask
    `Py_UNICODE_ISSPACE`), and is three times quicker than the regular expression on an
    article."""
    return " ".join(text.translate(_TRANSLATE).split()).casefold()


def is_grounded(quote: str, normalized_text: str) -> bool:
    needle = _EDGES.sub("", normalize(quote))
    return bool(needle) and needle in normalized_text


# The labels of the prompt's header (prompts/extract.user.j2) and its fence.
PROMPT_WORDS = frozenset({"article", "outlet", "published", "title", "author", "source"})
QUOTE_MISSING = "quote not in the article"
_NON_WORD = re.compile(r"[\W_]+")


def words(text: str) -> str:
    """` word word `: normalized, punctuation as spaces, padded for whole-word search."""
    return f" {_NON_WORD.sub(' ', normalize(text)).strip()} "


def _words_of_long(normalized: str) -> str:
    """`_NON_WORD.sub(" ", normalized).strip()` for a whole article, twice as quick: `[\\W_]` is
    exactly the characters that are not `str.isalnum()` (checked over every code point), so
    the ones the text holds become spaces and `split` joins each run into one."""
    spaces = {ord(c): " " for c in set(normalized) if not c.isalnum()}
    return " ".join(normalized.translate(spaces).split())


def occurs(term: str | None, article_words: str) -> bool:
    """True when `term` stands in the article as whole words and is not a word of the prompt."""
    needle = words(term or "")
    return needle.strip() not in PROMPT_WORDS and needle != "  " and needle in article_words


# What an inflected ending can add to a place's word, and the vowels a declension replaces.
_ENDING = r"[^\W\d_]{0,3}"
_VOWELS = frozenset("aeiouyаеёиоуыэюяàáâäèéêëìíîïòóôöùúûü")
STEM_MIN = 4  # shorter words ("US", "Ufa") are matched whole


def _latin(word: str) -> bool:
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in word)


def _stem_pattern(word: str) -> str:
    # Latin-script names are matched whole: "Niger" is not in "Nigeria", "Paris" not in "parish".
    if len(word) < STEM_MIN or not word.isalpha() or _latin(word):
        return re.escape(word)
    stem = word[:-1] if len(word) > STEM_MIN and word[-1] in _VOWELS else word
    return re.escape(stem) + _ENDING


def occurs_inflected(term: str | None, article_words: str) -> bool:
    """`occurs`, or each word of `term` in a non-Latin script stands in the article in an
    inflected form, in order: "Анкоридж" in "в анкоридже", "Москва" in "в москве". For places
    only; a Latin-script word is matched whole ("Niger" is not in "Nigeria")."""
    if occurs(term, article_words):
        return True
    needle = words(term or "").split()
    if not needle or " ".join(needle) in PROMPT_WORDS:
        return False
    pattern = " " + " ".join(_stem_pattern(w) for w in needle) + " "
    return re.search(pattern, article_words) is not None


def _check(
    kind: str, item: Any, article_words: str, text: str = "", names: frozenset[str] = frozenset()
) -> tuple[Any | None, str | None]:
    """The item as kept (maybe with invented parts removed), or None and why it is dropped.
    `text` is the article as written, for whether it writes a common word as a name; `names`
    the answer's actors' names (as `words`), which no other actor's alias may be."""
    if kind == "actors":
        if is_calendar_word(item.name):
            return None, f"not a name: {item.name!r} is a weekday or a month"
        if fold(item.name) in NO_ACTOR_WORDS:
            return None, f"not a name: {item.name!r} is a common word"
        if why := why_not_an_actor(item.name, text):
            return None, f"not a name: {item.name!r} {why}"
        others = names - {words(item.name)}
        aliases = [
            a
            for a in item.aliases
            if occurs(a, article_words) and not is_calendar_word(a) and words(a) not in others
        ]
        if not occurs(item.name, article_words) and not aliases:
            return None, f"name not in the article: {item.name!r}"
        return item.model_copy(update={"aliases": aliases}), None
    if kind == "venues":
        if not occurs_inflected(item.place, article_words):
            return None, f"place not in the article: {item.place!r}"
        within = [w for w in item.within if occurs_inflected(w, article_words)]
        if within != item.within:  # a wider place the article does not name is not evidence
            return item.model_copy(update={"within": within}), None
    if kind == "dates" and not occurs(item.text, article_words):
        return None, f"date not in the article: {item.text!r}"
    return item, None


@dataclass(frozen=True)
class Checked:
    """One item of an answer as grounding found it: kept (maybe trimmed) or dropped, and why."""

    kind: str
    item: Any  # as the model wrote it
    kept: Any | None  # as kept, or None when dropped
    dropped: Dropped | None = None


def check(extraction: Extraction, text: str) -> list[Checked]:
    """Every item of `extraction`, in order, checked against `text`."""
    haystack = normalize(text)
    article_words = f" {_words_of_long(haystack)} "  # words(text), normalized once
    names = frozenset(words(actor.name) for actor in extraction.actors)
    checked: list[Checked] = []
    for kind in ITEM_KINDS:
        for item in getattr(extraction, kind):
            if not is_grounded(item.quote, haystack):
                drop = Dropped(kind=kind, quote=item.quote, reason=QUOTE_MISSING)
                checked.append(Checked(kind, item, None, drop))
                continue
            kept, reason = _check(kind, item, article_words, text, names)
            if kept is None:
                drop = Dropped(kind=kind, quote=item.quote, reason=reason or "")
                checked.append(Checked(kind, item, None, drop))
            else:
                checked.append(Checked(kind, item, kept))
    return checked


def kept(checked: list[Checked]) -> tuple[Extraction, list[Dropped]]:
    """The grounded items as an Extraction, and the drops."""
    lists: dict[str, list] = {kind: [] for kind in ITEM_KINDS}
    for one in checked:
        if one.kept is not None:
            lists[one.kind].append(one.kept)
    return Extraction(**lists), [one.dropped for one in checked if one.dropped is not None]


def ground(extraction: Extraction, text: str) -> tuple[Extraction, list[Dropped]]:
    """Keep the items grounded in `text`; return the rest as `Dropped`, each with its reason."""
    return kept(check(extraction, text))


def mend(
    first: list[Checked], corrections: Extraction, text: str
) -> tuple[Extraction, list[Dropped]]:
    """The first answer with its dropped items replaced by the grounded corrections.

    Per kind, in order: each dropped item's place takes the next grounded correction that is not
    already a kept item (a model that answers with its whole answer again adds nothing twice);
    corrections left over come after. A dropped item no grounded correction replaces stays
    dropped, counted once: as the correction that was tried and failed, else as it was."""
    fixes = check(corrections, text)
    lists: dict[str, list] = {kind: [] for kind in ITEM_KINDS}
    dropped: list[Dropped] = []
    for kind in ITEM_KINDS:
        mine = [one for one in first if one.kind == kind]
        known = [one.kept for one in mine if one.kept is not None]
        fresh: list[Any] = []
        for one in fixes:
            if one.kind == kind and one.kept is not None and one.kept not in known + fresh:
                fresh.append(one.kept)
        failed = [one.dropped for one in fixes if one.kind == kind and one.dropped is not None]
        unfilled: list[Dropped] = []
        for one in mine:
            if one.kept is not None:
                lists[kind].append(one.kept)
            elif fresh:
                lists[kind].append(fresh.pop(0))
            elif one.dropped is not None:
                unfilled.append(one.dropped)
        lists[kind].extend(fresh)
        dropped.extend(failed + unfilled[len(failed) :])
    return Extraction(**lists), dropped

"""Briefs built to break a renderer: hostile strings, a crowd, nothing at all, several stories.

Every builder returns a valid `Brief` (built field by field, not through merge, so each string
lands exactly where it is meant to), for the HTML and Markdown renderers' tests:

- `hostile_brief()`: every string a model or an article gives — names, roles, claims, quotes,
  titles, outlets, places, events, failure reasons, flags, the model's name — is markup that
  would run or fetch if it were not escaped (`EVIL`), a 10,000-character unbroken string
  (`long_word`), or right-to-left text with bidirectional overrides (`ARABIC`, `HEBREW`,
  `OVERRIDE`); the sources' URLs are `javascript:` and worse. `hostile_texts()` lists the
  strings a page of it must show as literal text.
- `crowd_brief()`: 200 actors, 300 asks and warnings, a timeline of 150 events.
- `empty_brief()`: no actor, claim, place, date or event; every source failed but one.
- `stories_brief()`: three stories (ids of the later ones prefixed) and "What changed".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from briefgen.merge import merge
from briefgen.merge.changes import diff
from briefgen.schemas import (
    Brief,
    BriefActor,
    BriefQuality,
    Change,
    Changes,
    Claim,
    DatedEvent,
    OtherDate,
    Quote,
    Slot,
    SlotValue,
    Source,
    Story,
)

from test_stories import mixed

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '"><img src=x onerror="window.__pwned=1">'
CLOSERS = "</textarea></style></script></title>"
TEMPLATE = "{{ 7*7 }} {% raw %}${7*7}"
ATTRIBUTE = "' onmouseover='window.__pwned=1' x='"
ENTITIES = "&lt;b&gt; &amp;amp; &#x3C;"
LINK = '<a href="javascript:window.__pwned=1">click</a>'
SVG = '<svg onload="window.__pwned=1"><a xlink:href="javascript:window.__pwned=1">x</a></svg>'
# All of them at once: the suffix of every hostile string.
EVIL = " ".join((SCRIPT, IMG, CLOSERS, TEMPLATE, ATTRIBUTE, ENTITIES, LINK, SVG))
JS_URL = "javascript:window.__pwned=1"

# Right-to-left text, some of it wrapped in overrides (U+202E RLO, U+202B RLE, U+202C PDF)
# and isolates (U+2067 RLI, U+2069 PDI) that would display what follows reversed.
ARABIC = "\u202eفلاديمير بوتين يلتقي كيم جونغ أون"
HEBREW = "\u202bקים ג׳ונג און נפגש עם פוטין\u202c"
OVERRIDE = "Kim \u202egnoJ\u202c Un \u2067מוסקבה\u2069 said"

# Characters a page may drop or insert without changing what it says: control characters,
# bidirectional overrides and isolates, zero-width spaces and soft hyphens (break hints).
_INVISIBLE = re.compile("[\x00-\x1f\x7f\u200b\u00ad\u202a-\u202e\u2066-\u2069]")

DAY = date(2023, 9, 5)
WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"


def hostile(label: str) -> str:
    """A string that says where it belongs (`label`), then every payload in EVIL. (No ": "
    after the label: "What changed" reads a text's "Kind: detail" as a label and its detail.)"""
    return f"{label} » {EVIL}"


def long_word(label: str) -> str:
    """A 10,000-character string without a space or hyphen, that must wrap, not overflow."""
    head = label.replace(" ", "_") + "_"
    return head + (WORD * (10_000 // len(WORD) + 1))[: 10_000 - len(head)]


def visible_text(value: str) -> str:
    """`value` as a page shows it: one line, without characters that do not show (_INVISIBLE)."""
    return _INVISIBLE.sub("", " ".join(value.split()))


def quote(source: int, words: str, certainty: str | None = "reported") -> Quote:
    return Quote(source=source, quote=words, certainty=certainty)  # type: ignore[arg-type]


def actor(name: str, sources: list[int], kind: str = "person", **extra: object) -> BriefActor:
    values: dict[str, object] = {
        "name": name,
        "kind": kind,
        "names": [name],
        "roles": [],
        "sources": sources,
        "quotes": [quote(n, name, None) for n in sources],
    }
    values.update(extra)
    return BriefActor.model_validate(values)


def claim(who: str, whom: str | None, what: str, quotes: list[Quote], **extra: object) -> Claim:
    """A claim cited by its quotes' sources (or by `sources=`, for one cited without a quote)."""
    sources = sorted({q.source for q in quotes})
    values: dict[str, object] = {
        "who": who,
        "claimants": [who],
        "whom": whom,
        "what": what,
        "certainty": "reported",
        "sources": sources,
        "independent": len(sources),
        "quotes": quotes,
    }
    values.update(extra)
    return Claim.model_validate(values)


def answer(value: str | None, quotes: list[Quote], reported: date = DAY, **extra: object):
    """One answer of a Where or When, cited by its quotes' sources."""
    sources = sorted({q.source for q in quotes})
    values: dict[str, object] = {
        "value": value,
        "as_written": [value] if value else [],
        "certainty": "confirmed",
        "sources": sources,
        "independent": len(sources),
        "reported": reported,
        "quotes": quotes,
    }
    values.update(extra)
    return SlotValue.model_validate(values)


def event(when: str | None, what: str, quotes: list[Quote], **extra: object) -> DatedEvent:
    values: dict[str, object] = {
        "date": when,
        "as_written": [what],
        "event": what,
        "sources": sorted({q.source for q in quotes}),
        "quotes": quotes,
    }
    values.update(extra)
    return DatedEvent.model_validate(values)


def source(n: int, published: date | None = DAY, **article: object) -> Source:
    """Source n (an article `a<n>`, a file) with `article`'s fields, and Source's own
    (`failed`, `kept`, `copy_of`, ...) given among them; `id` is the article's."""
    own = {k: article.pop(k) for k in list(article) if k in Source.model_fields and k != "id"}
    fields: dict[str, object] = {"id": f"a{n}", "source": f"a{n}.txt", "published": published}
    fields.update(article)
    return Source.model_validate({"n": n, "article": fields, "kept": 1, **own})


def empty_slot() -> Slot:
    return Slot(values=[], disputed=False)


# --- hostile strings everywhere ---------------------------------------------------------------

_LATER = date(2023, 9, 12)


def hostile_brief() -> Brief:
    """Every string hostile; every place a string goes (see the module's docstring)."""
    kim, putin, crowd, country = hostile("actor 1"), ARABIC, long_word("actor 3"), OVERRIDE
    sources = [
        source(
            1,
            id=hostile("id 1"),
            title=hostile("title 1"),
            outlet=hostile("outlet 1"),
            source=JS_URL,
            also=[f"data:text/html,{SCRIPT}", "vbscript:msgbox(1)"],
            kept=6,
        ),
        source(
            2,
            _LATER,
            title=long_word("title 2"),
            outlet=ARABIC,
            source='https://example.com/news?q="><script>window.__pwned=1</script>',
            kept=5,
            dropped=2,
        ),
        source(
            3,
            _LATER,
            title=HEBREW,
            title_guessed=True,
            outlet=OVERRIDE,
            source="https://example.com/copy",
            copy_of=1,
            kept=4,
        ),
        source(4, None, id=hostile("id 4"), source=JS_URL, failed=hostile("failure 4"), kept=0),
        source(
            5,
            title=hostile("title 5"),
            source="file:///etc/passwd",
            flags=[hostile("flag 5")],
            kept=0,
        ),
    ]
    actors = [
        actor(
            kim,
            [1, 2],
            names=[kim, hostile("alias 1")],
            roles=[hostile("role 1"), HEBREW],
            quotes=[quote(1, hostile("actor quote 1")), quote(2, long_word("actor quote 2"))],
        ),
        actor(putin, [2, 3], roles=[long_word("role 2")]),
        actor(crowd, [1], kind="organization"),
        actor(country, [3], kind="country"),
    ]
    asks = [
        claim(
            kim,
            putin,
            hostile("ask 1"),
            [
                quote(1, hostile("ask quote 1")),
                quote(2, ARABIC),
                quote(3, hostile("ask quote 3")),
            ],
            claimants=[kim, hostile("claimant 1")],
            independent=2,
        ),
        claim(putin, kim, long_word("ask 2"), [quote(2, long_word("ask quote 2"))]),
    ]
    warnings = [
        # cited without a quote: its citation points at the source's row
        claim(crowd, kim, hostile("warning 1"), [], sources=[1], independent=1),
        claim(country, None, HEBREW, [quote(3, HEBREW), quote(1, OVERRIDE)]),
    ]
    motives = [
        claim(kim, None, hostile("motive 1"), [quote(2, hostile("motive quote 2"))]),
    ]
    venue = Slot(
        values=[
            answer(
                hostile("venue 1"),
                [quote(1, hostile("venue quote 1"))],
                as_written=[hostile("venue 1"), hostile("venue as written 1")],
                contains=[hostile("venue contains 1")],
                wider=[hostile("venue wider 1"), ARABIC],
                certainty="reported",
            ),
            answer(long_word("venue 2"), [quote(2, hostile("venue quote 2"))], _LATER),
            answer(
                hostile("venue 3"),
                [quote(3, hostile("venue quote 3"))],
                certainty="speculated",
                superseded_by=hostile("venue 1"),
            ),
        ],
        disputed=True,
    )
    when = Slot(
        values=[
            answer(
                "2023-09-13",
                [quote(1, hostile("date quote 1"))],
                as_written=[hostile("date as written 1")],
            ),
            answer(None, [quote(2, OVERRIDE)], as_written=[hostile("date unresolved 2")]),
        ],
        disputed=False,
    )
    timeline = [
        event(
            "2023-09-05",
            hostile("event 1"),
            [quote(1, hostile("event quote 1"))],
            as_written=[hostile("event as written 1")],
        ),
        event("2023-09-10/2023-09-13", long_word("event 2"), [quote(1, ARABIC), quote(2, EVIL)]),
        event(
            "2023-09-12",
            HEBREW,
            [quote(2, hostile("event quote 3"))],
            disputed=[
                OtherDate(date="2023-09-11", sources=[3]),
                OtherDate(date="2023-09-14", sources=[1]),
            ],
        ),
        event("2023-09", OVERRIDE, [quote(3, OVERRIDE)]),
        event(None, hostile("event 5"), [quote(2, hostile("event quote 5"))]),
    ]
    changes = Changes(
        since=hostile("since"),
        items=[
            Change(kind="actor", change="new", text=hostile("change 1"), sources=[1]),
            Change(kind="ask", change="dropped", text=long_word("change 2"), previous_sources=[2]),
            Change(kind="venue", change="disputed", text=f"Where: {ARABIC}", sources=[1, 2]),
        ],
    )
    return Brief(
        title=hostile("brief title"),
        model=hostile("model"),
        prompt_version=hostile("prompt version"),
        sources=sources,
        actors=actors,
        asks=asks,
        warnings=warnings,
        motives=motives,
        venue=venue,
        date=when,
        timeline=timeline,
        quality=BriefQuality(
            dropped_ungrounded=2, dropped_reasons={hostile("drop reason"): 2}, attempts=5
        ),
        partial=True,
        changes=changes,
    )


def hostile_texts() -> list[str]:
    """The strings of `hostile_brief()` that its page must show as literal text: the ones the
    Markdown brief states (tests/test_browser.py checks that it does)."""
    labels = [
        "brief title", "model", "prompt version", "title 1", "outlet 1", "id 4", "failure 4",
        "title 5", "flag 5", "drop reason", "actor 1", "alias 1", "role 1", "ask 1", "claimant 1",
        "ask quote 1", "ask quote 3", "warning 1", "motive 1", "motive quote 2", "venue 1",
        "venue as written 1", "venue contains 1", "venue wider 1", "venue quote 1", "venue 3",
        "venue quote 2", "venue quote 3", "date as written 1", "date unresolved 2", "event 1",
        "event as written 1", "event quote 3", "event 5", "change 1", "since",
    ]  # fmt: skip
    longs = ["title 2", "actor 3", "role 2", "ask 2", "ask quote 2", "venue 2", "event 2"]
    return [
        *map(hostile, labels),
        *map(long_word, longs),
        ARABIC,
        HEBREW,
        OVERRIDE,
        JS_URL,
    ]


# --- 200 actors -------------------------------------------------------------------------------

CROWD = 200
SOURCES = 40


def crowd_brief() -> Brief:
    """200 actors (people, organisations, countries), 150 asks and 150 warnings between them,
    40 sources, a disputed Where with five answers and a timeline of 150 events over two years:
    30 disputed (60 other dates), 20 spanning days, 10 undated."""
    kinds = ("person", "organization", "country")
    names = [
        f"{['Minister', 'Agency', 'Republic'][k % 3]} {k} of the Extraordinarily Long Name"
        + (" Commission for Affairs" * (k % 4))
        for k in range(CROWD)
    ]
    actors = [
        actor(
            name,
            [k % SOURCES + 1, (k * 7) % SOURCES + 1] if k % 7 else [k % SOURCES + 1],
            kind=kinds[k % 3],
            roles=[f"role {k}"] * (k % 2),
        )
        for k, name in enumerate(names)
    ]

    def between(k: int, word: str) -> Claim:
        who, whom = names[(k * 3) % CROWD], names[(k * 11 + 1) % CROWD]
        cites = [k % SOURCES + 1, (k + 13) % SOURCES + 1]
        return claim(
            who,
            whom if k % 5 else None,
            f"{word} {k}: to stop doing what it was doing and do something else instead",
            [quote(n, f"{word} {k} as source {n} put it, at some length") for n in cites],
        )

    start = date(2022, 1, 1)
    timeline = []
    for k in range(150):
        day = start + timedelta(days=k * 5)
        when: str | None = day.isoformat()
        if k % 15 == 0:
            when = None
        elif k % 7 == 0:
            when = f"{day.isoformat()}/{(day + timedelta(days=3)).isoformat()}"
        others = (
            [OtherDate(date=(day + timedelta(days=d)).isoformat(), sources=[2]) for d in (1, 2)]
            if k % 5 == 1
            else []
        )
        timeline.append(
            event(
                when, f"event {k} happens", [quote(k % SOURCES + 1, f"event {k}")], disputed=others
            )
        )
    venue = Slot(
        values=[
            answer(f"Place {k}", [quote(k + 1, f"in Place {k}")], DAY + timedelta(days=k))
            for k in range(5)
        ],
        disputed=True,
    )
    return Brief(
        title="A crowd: 200 actors, 300 claims",
        model="m",
        prompt_version="v",
        sources=[
            source(n, DAY + timedelta(days=n % 9), title=f"Article {n}", outlet=f"Outlet {n % 6}")
            for n in range(1, SOURCES + 1)
        ],
        actors=actors,
        asks=[between(k, "ask") for k in range(150)],
        warnings=[between(k + 150, "warning") for k in range(150)],
        motives=[],
        venue=venue,
        date=Slot(values=[answer("2023-09-13", [quote(1, "on 13 September")])], disputed=False),
        timeline=timeline,
        quality=BriefQuality(attempts=SOURCES),
    )


# --- nothing ----------------------------------------------------------------------------------


def empty_brief() -> Brief:
    """No actor, claim, place, date or event; two of the three sources failed."""
    return Brief(
        title="Nothing could be read",
        model="m",
        prompt_version="v",
        sources=[
            source(1, title="The one article read", kept=0),
            source(2, None, failed="refused by the content filter", kept=0),
            source(3, None, failed="HTTP 404 from https://example.com/gone", kept=0),
        ],
        actors=[],
        asks=[],
        warnings=[],
        motives=[],
        venue=empty_slot(),
        date=empty_slot(),
        timeline=[],
        quality=BriefQuality(attempts=3),
        partial=True,
    )


# --- several stories and what changed ---------------------------------------------------------


def stories_brief() -> Brief:
    """The merged Kim–Putin and Croydon stories (tests/test_stories.py's feed), a third story
    added by hand with a disputed event, and "What changed" since a brief of fewer articles."""
    brief = merge(mixed())
    previous = merge(mixed()[:4])
    n = len(brief.sources) + 1
    third = Story(
        title="A third story: the harbour strike",
        sources=[n],
        actors=[actor("Dock Workers' Union", [n], kind="organization"), actor("Ana Lima", [n])],
        asks=[
            claim(
                "Dock Workers' Union",
                "Port Authority",
                "a 9% pay rise",
                [quote(n, "the union wants nine percent")],
            )
        ],
        warnings=[],
        motives=[],
        venue=Slot(values=[answer("Santos", [quote(n, "in Santos")])], disputed=False),
        date=empty_slot(),
        timeline=[
            event(
                "2023-10-02",
                "the strike begins",
                [quote(n, "the strike began on Monday")],
                disputed=[OtherDate(date="2023-10-03", sources=[n])],
            ),
            event("2023-10-02/2023-10-06", "the port is shut", [quote(n, "shut all week")]),
        ],
    )
    changes = diff(previous, brief, since="the brief of 2023-09-12")
    changes.items += [
        Change(
            kind="venue", change="disputed", text="Where: Vladivostok vs Vostochny", sources=[3]
        ),
        Change(kind="ask", change="dropped", text="an old ask", previous_sources=[2]),
        Change(kind="date", change="settled", text="When: 2023-09-13", sources=[5, 7]),
    ]
    return brief.model_copy(
        update={
            "sources": [*brief.sources, source(n, date(2023, 10, 3), title="Harbour strike")],
            "stories": [*brief.stories, third],
            "grouping": [*brief.grouping, [n]],
            "changes": changes,
        }
    )

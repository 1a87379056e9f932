"""Where an article got each item from: the source it relays, named in its own words. Pure.

An article that writes "The New York Times reported", "according to the Kremlin", "nach
Kremlangaben", "як повідомив Кремль" or "told Fox News" relays an item from that source; a wire
story ("ANCHORAGE (Reuters) -", "/ТАСС/", "(avec AFP)") relays all of its items from the wire.
Two articles relaying one source are one origin, not two confirmations.

`origins(text, items)` gives each item its origin's label, or None when the article reports it
itself. For each item the sentence(s) holding its quote are read:

- a news outlet or agency (`SOURCES`, or a capitalised name ending in an outlet word: "The
  Washington Times", "Yonhap News Agency") next to a relaying word (reported, said, according
  to, citing, per, laut, zufolge, selon, d'après, secondo, según, по данным, сообщил, повідомив,
  за даними, ...) is the origin; with an interview word ("told Fox News", "in an interview with",
  "в інтерв'ю Fox News") the origin is "<outlet> interview";
- a body that issues readouts (the Kremlin, the White House, the Pentagon, ...) next to a
  relaying word ("according to the Kremlin", "Kremlangaben", "як повідомив Кремль") is the origin,
  unless it is the item's own claimant: a body that says something itself is no relay;
- a person is never a relay: "X said" reports X's own words, and several outlets reporting
  what X said at one press appearance are several reports;
- "the report", "the same report" point back to the last outlet named before; "reportedly"
  to the outlet named nearest in the same paragraph;
- otherwise the article's wire credit, if any; otherwise None (the article's own story).

Of several relays in one sentence an interview goes first, then a body, then the outlet named
last ("Reuters reported, citing ..., according to an Interfax report": Interfax).

Names are compared in Latin letters, folded (`names.latin`, `fold`): Кремль, Kreml and Kremlin
are one body; an inflected or compound form matches by its start ("Кремля", "Kremlangaben").
`origin_key(label)` is the one identity of an origin across articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from briefgen.text.fold import fold
from briefgen.text.names import latin

# label, kind, names as written (any script; matched folded, in Latin letters, by their start)
_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Reuters", "wire", ("Reuters", "Рейтер")),
    ("AP", "wire", ("AP", "Associated Press", "Ассошиэйтед Пресс")),
    ("AFP", "wire", ("AFP", "Agence France-Presse", "Франс Пресс")),
    ("dpa", "wire", ("dpa", "Deutsche Presse-Agentur")),
    ("TASS", "wire", ("TASS", "ТАСС")),
    ("RIA Novosti", "wire", ("RIA", "RIA Novosti", "РИА Новости", "РИА")),
    ("Interfax", "wire", ("Interfax", "Интерфакс", "Інтерфакс")),
    ("Xinhua", "wire", ("Xinhua", "Синьхуа")),
    ("Yonhap", "wire", ("Yonhap",)),
    ("KCNA", "wire", ("KCNA", "Korean Central News Agency")),
    ("ANSA", "wire", ("ANSA",)),
    ("EFE", "wire", ("EFE",)),
    ("Kyodo", "wire", ("Kyodo",)),
    ("Ukrinform", "wire", ("Ukrinform", "Укрінформ", "Укрinform")),
    ("UNIAN", "wire", ("UNIAN", "УНІАН", "УНИАН")),
    ("Bloomberg", "outlet", ("Bloomberg", "Блумберг")),
    ("The New York Times", "outlet", ("New York Times", "NYT", "NY Times", "Нью-Йорк таймс")),
    ("The Washington Post", "outlet", ("Washington Post", "Вашингтон пост")),
    ("The Wall Street Journal", "outlet", ("Wall Street Journal", "WSJ")),
    ("The Washington Times", "outlet", ("Washington Times",)),
    ("Financial Times", "outlet", ("Financial Times",)),
    ("The Guardian", "outlet", ("Guardian",)),
    ("Fox News", "outlet", ("Fox News", "Fox")),
    ("CNN", "outlet", ("CNN",)),
    ("BBC", "outlet", ("BBC", "Би-би-си")),
    ("NBC News", "outlet", ("NBC",)),
    ("CBS News", "outlet", ("CBS",)),
    ("ABC News", "outlet", ("ABC News",)),
    ("Al Jazeera", "outlet", ("Al Jazeera", "Аль-Джазира")),
    ("Axios", "outlet", ("Axios",)),
    ("Politico", "outlet", ("Politico",)),
    ("Kommersant", "outlet", ("Kommersant", "Коммерсант")),
    ("Izvestia", "outlet", ("Izvestia", "Известия")),
    ("the Kremlin", "body", ("Kremlin", "Kreml", "Кремль", "Cremlino", "Kremlino")),
    (
        "the White House",
        "body",
        ("White House", "Weißes Haus", "Weißen Haus", "Maison Blanche", "Casa Bianca"),
    ),
    ("the White House", "body", ("Casa Blanca", "Белый дом", "Белого дома", "Білий дім")),
    ("the White House", "body", ("Білого дому",)),
    ("the Pentagon", "body", ("Pentagon", "Pentagone", "Пентагон")),
    ("the State Department", "body", ("State Department", "Госдеп", "Госдепартамент")),
    ("the Élysée", "body", ("Élysée", "Elysee")),
    ("Downing Street", "body", ("Downing Street",)),
)

# Words that say an item is relayed (folded, in Latin letters; a text word matches by its start):
# reporting verbs and prepositions of attribution in the wire languages.
_RELAYING = """report reported reports reporting said says stated states wrote writes told
according citing cited cites quoted quoting per announced confirmed readout statement posited
indicated learned laut zufolge angaben berichtet berichtete meldet meldete mitteilung teilte
erklarte sagte selon apres rapporte indique annonce declare affirme secondo riferisce riporta
riportato dichiarato segun informo informa dijo declaro soglasno dannym danimi soobshch peredaet
pishet zayavi povidom zaiavi zaiav pishe skazal skazav""".split()
_INTERVIEW = "interview interviews intervista entrevista entretien interv".split()
# An unnamed reference back to a report named before, and a hint that the next named one is meant.
_THE_REPORT = re.compile(
    r"\b(?:the|this|that)\s+(?:same\s+|latest\s+|new\s+|original\s+)?report\b", re.IGNORECASE
)
_REPORTEDLY = re.compile(
    r"\breportedly\b|\bberichten zufolge\b|\bangeblich\b|\bselon des informations\b|"
    r"\bsecondo indiscrezioni\b|\bsegún informes\b|\bпо сообщениям\b|\bза повідомленнями\b",
    re.IGNORECASE,
)
# A capitalised name ending in a word only outlets' names end in: "The Washington Times".
_OUTLET_NAME = re.compile(
    r"\b((?:[A-Z][\w.&'-]*\s+){1,4}(?:Times|Post|Journal|Herald|Gazette|Tribune|Telegraph|"
    r"News Agency|Press Agency|Zeitung|Gazeta|Monde|Figaro|Corriere|Pravda|Chronicle))\b"
)
_WIRE_CREDIT = re.compile(r"[(/]\s*(?:(?:avec|with|mit|con|с|з)\s+)?([^()/\n]{2,30}?)\s*[)/]")
WINDOW = 6  # words between a name and the relaying word that makes it a relay
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u00bb\u2019)]*\s+")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[^\W\d_]\.)+$|(?:^|\s)(?:mr|mrs|ms|dr|st|gen|sen|rep)\.$")


@dataclass(frozen=True)
class Found:
    label: str
    kind: str  # wire, outlet, body, interview
    at: int  # word position in the sentence


@cache
def _table() -> list[tuple[tuple[str, ...], str, str]]:
    """(folded words of a name, label, kind), longest names first."""
    rows = {
        (tuple(fold(latin(name)).split()), label, kind)
        for label, kind, names in _TABLE
        for name in (label, *names)
    }
    return sorted(rows, key=lambda r: (-len(r[0]), r))


def origin_key(label: str) -> str:
    """One origin's identity across articles, languages and scripts."""
    words = fold(latin(label)).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _matches(word: str, name: str) -> bool:
    """A text word is a name's word, or an inflected or compound form of one (by its start, for
    names of five letters or more: "ansa" is not in "Ansage")."""
    return word == name or (len(name) >= 5 and word.startswith(name))


def _known(words: Sequence[str]) -> list[Found]:
    found: list[Found] = []
    taken: set[int] = set()
    for names, label, kind in _table():
        n = len(names)
        for i in range(len(words) - n + 1):
            if any(i + k in taken for k in range(n)):
                continue
            if all(_matches(words[i + k], names[k]) for k in range(n)):
                found.append(Found(label, kind, i))
                taken.update(range(i, i + n))
    return found


def _near(words: Sequence[str], at: int, stems: Sequence[str]) -> bool:
    lo, hi = max(0, at - WINDOW), min(len(words), at + WINDOW + 1)
    return any(w.startswith(s) for w in words[lo:hi] for s in stems)


def _is_relaying(word: str) -> bool:
    return any(word.startswith(s) for s in _RELAYING) or any(word.startswith(s) for s in _INTERVIEW)


def relays_in(sentence: str, claimant: str | None = None) -> list[Found]:
    """The relays a sentence names, as `origins` reads them (interviews as such); a body that is
    `claimant` is left out."""
    words = fold(latin(sentence)).split()
    found = _known(words)
    known = {f.label for f in found}
    for m in _OUTLET_NAME.finditer(sentence):
        name = re.sub(r"^(?:The|A|An)\s+", "", m.group(1).strip())
        if not any(
            origin_key(name) in origin_key(k) or origin_key(k) in origin_key(name) for k in known
        ):
            at = len(fold(latin(sentence[: m.start()])).split())
            found.append(Found(name, "outlet", at))
    mine = origin_key(claimant) if claimant else None
    relays: list[Found] = []
    for f in found:
        end = f.at + len(f.label.split())
        compound = any("angaben" in w for w in words[f.at : end + 1])
        if not (compound or any(_is_relaying(w) for w in _window(words, f.at))):
            continue
        if f.kind == "body" and mine and (mine == origin_key(f.label) or mine in _aliases(f.label)):
            continue
        if f.kind in ("wire", "outlet") and (_near(words, f.at, _INTERVIEW) or _told(words, f.at)):
            relays.append(Found(f"{f.label} interview", "interview", f.at))
        else:
            relays.append(f)
    return relays


_TOLD = frozenset({"told", "tells", "telling", "speaking", "spoke", "talking"})


def _told(words: Sequence[str], at: int) -> bool:
    """ "told Fox News", "speaking to the BBC": the outlet is who was told, in an interview."""
    before = [w for w in words[max(0, at - 3) : at] if w not in ("to", "the", "with")]
    return bool(before) and before[-1] in _TOLD


def _window(words: Sequence[str], at: int) -> Sequence[str]:
    return words[max(0, at - WINDOW) : at + WINDOW + 1]


@cache
def _aliases(label: str) -> frozenset[str]:
    return frozenset(" ".join(names) for names, lab, _ in _table() if lab == label)


_RANK = {"interview": 0, "body": 1, "outlet": 2, "wire": 2}


def _pick(relays: Sequence[Found]) -> Found | None:
    if not relays:
        return None
    return min(relays, key=lambda f: (_RANK[f.kind], -f.at))


def wire_credit(text: str) -> str | None:
    """The wire an article is credited to in its first lines: "(Reuters) -", "/ТАСС/",
    "(avec AFP)"."""
    head = "\n".join(text.splitlines()[:6])[:600]
    for m in _WIRE_CREDIT.finditer(head):
        for f in _known(fold(latin(m.group(1))).split()):
            if f.kind == "wire":
                return f.label
    return None


@dataclass(frozen=True)
class _Sentence:
    raw: str
    paragraph: int
    start: int  # offset in its paragraph (white space runs as one space)
    end: int


# Quote marks and dashes made plain, one character for one: offsets stay those of the text.
_PLAIN = str.maketrans(
    {c: "'" for c in "\u2018\u2019\u201b\u2032`"}
    | {c: '"' for c in "\u201c\u201d\u201f\u2033\u00ab\u00bb"}
    | {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
    | {"\u00a0": " "}
)
_EDGES = re.compile(r"^(?:\.\.\.|\u2026|[\s\"'])+|(?:\.\.\.|\u2026|[\s\"'])+$")


def _plain(text: str) -> str:
    return text.translate(_PLAIN).lower()


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _split(paragraph: str, p: int) -> list[_Sentence]:
    found: list[_Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[start : m.start() + 1].lower()):
            continue
        found.append(_Sentence(paragraph[start : m.start() + 1], p, start, m.start() + 1))
        start = m.end()
    if start < len(paragraph):
        found.append(_Sentence(paragraph[start:], p, start, len(paragraph)))
    return found


def origins(
    text: str, items: Mapping[str, Sequence[tuple[str, str | None]]]
) -> dict[str, list[str | None]]:
    """For each kind of `items` ((quote, claimant or None) per item), each item's origin label,
    aligned with them; None where the article reports the item itself."""
    paragraphs = _paragraphs(text)
    plain = [_plain(p) for p in paragraphs]
    sentences = [s for p, paragraph in enumerate(paragraphs) for s in _split(paragraph, p)]
    named = [_pick([r for r in relays_in(s.raw) if r.kind != "body"]) for s in sentences]
    wire = wire_credit(text)
    found: dict[str, list[str | None]] = {}
    for kind, kind_items in items.items():
        labels: list[str | None] = []
        for quote, claimant in kind_items:
            held = _holding(quote, plain, sentences)
            relay = _pick([r for k in held for r in relays_in(sentences[k].raw, claimant)])
            if relay is None and held:
                relay = _pointed(held, sentences, named)
            labels.append(relay.label if relay else wire)
        found[kind] = labels
    return found


def _holding(quote: str, plain: Sequence[str], sentences: Sequence[_Sentence]) -> list[int]:
    """The sentences (indexes) the quote's first occurrence lies in; none when it is not found."""
    needle = _EDGES.sub("", _plain(" ".join(quote.split())))
    if not needle:
        return []
    for p, paragraph in enumerate(plain):
        at = paragraph.find(needle)
        if at >= 0:
            end = at + len(needle)
            return [
                k
                for k, s in enumerate(sentences)
                if s.paragraph == p and s.start < end and at < s.end
            ]
    return []


def _pointed(
    held: Sequence[int], sentences: Sequence[_Sentence], named: Sequence[Found | None]
) -> Found | None:
    """An unnamed reference's outlet: "the report" -> the last named before; "reportedly" -> the
    nearest named in the same paragraph, before first."""
    first, last = held[0], held[-1]
    words = " ".join(sentences[k].raw for k in held)
    if _THE_REPORT.search(words):
        for k in range(first, -1, -1):
            if named[k] is not None:
                return named[k]
    if _REPORTEDLY.search(words):
        paragraph = sentences[first].paragraph
        before = [k for k in range(first - 1, -1, -1) if sentences[k].paragraph == paragraph]
        after = [k for k in range(last + 1, len(sentences)) if sentences[k].paragraph == paragraph]
        for k in (*before, *after):
            if named[k] is not None:
                return named[k]
    return None

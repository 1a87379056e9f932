"""People's names as news writes them: a name split from what describes it, and its key. Pure.

A person's name comes with titles, offices, ages and descriptions ("FBI Director James B.
Comey", "Five-year-old Zhao Zicong", "Britain's Prince Harry"): `parse_person` splits them from
the name (nameparser for titles, first, middle and last names and suffixes), and the name's
folded tokens make its key. `person_key` is the one identity of a written person's name in
briefgen: actors are resolved by it, the timeline keys people by it, story evidence reads it.

- the key keeps middle initials and suffixes ('George H. W. Bush' -> 'georgehwbush'): two
  different initials are two people; `PersonName.reduced` is the key without them
  ('georgebush'), for a caller that lets an initial be optional;
- hyphens join rather than split ('Jong-un' -> 'jongun', 'Thomas-Greenfield' one surname);
- a lone name keeps its key ('Mr. Thomas-Greenfield' -> 'thomasgreenfield'); `PersonName.full`
  tells whether it is a full name;
- each word is spelt one way whatever the language or script (`name_variant`): transliterated
  to Latin ('Владимир Путин' -> 'vladimirputin'), with the patterns by which German, French and
  English transliterate one Slavic name ('Wladimir' / 'Vladimir', 'Lawrow' / 'Lavrov',
  'Uschakow' / 'Ushakov', 'Selenskyj' / 'Zelenskyy' / 'Zelensky') and a small table of exonyms
  ('Poutine' -> 'putin', briefgen/data/name_variants.tsv). The patterns are narrow on purpose:
  'Vladimir' and 'Volodymyr' stay two names, as do 'Kim Jong Nam' and 'Kim Yong Nam'.

`is_name_like` tells a name ('Mr. Kim', 'Red Bull boss Christian Horner') from a description
('the leader', 'two people', 'South Korean analysts').
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources

from anyascii import anyascii
from nameparser import HumanName, Lexicon
from nameparser.config import Constants

from briefgen.text.fold import fold, plain

# Offices and descriptions that may follow other words: in "FBI Director James Comey" or "Red
# Bull boss Christian Horner" the name is what follows the last of them, and what precedes it
# describes the office. None of these is a given name (so not "sir", "pastor", "son").
OFFICES = frozenset(
    """mr mrs ms miss mx dr madam comrade president premier chairman chairwoman general admiral
    secretary minister ambassador senator spokesman spokeswoman spokesperson leader supreme
    former deputy prime foreign defense defence state national security council adviser
    advisor coordinator director boss chief head ceo executive chancellor governor mayor
    commissioner commander lieutenant colonel sergeant officer detective inspector prosecutor
    attorney lawyer envoy official aide founder owner dictator monarch ruler vice acting interim
    incoming outgoing late ex manager coach trainer principal driver pilot player striker
    midfielder defender goalkeeper quarterback pitcher captain champion analyst expert economist
    researcher scientist professor lecturer journalist reporter correspondent editor columnist
    commentator author writer novelist actor actress singer rapper musician candidate nominee
    challenger incumbent lawmaker legislator congressman congresswoman diplomat negotiator
    activist campaigner protester militant gunman soldier suspect victim survivor witness
    resident student teacher doctor nurse surgeon firefighter policeman policewoman worker
    wife husband widow widower daughter grandson granddaughter teammate rival staff affairs
    interior finance economy trade health education energy transport environment treasury
    homeland""".split()
)
_ELECT = frozenset({"elect", "designate"})  # "President-elect", "minister-designate"
_AGE = re.compile(r"^[\w-]+-(?:year|month|week|day)s?-old$", re.IGNORECASE)  # "63-year-old"
# Nationalities before a name: "Brazilian Felipe Massa". Not those that are given names too
# (Roman, Christian, German, French, Dane, Scot).
NATIONALITIES = frozenset(
    """american british briton russian chinese korean japanese ukrainian israeli palestinian
    iranian iraqi syrian turkish saudi egyptian afghan pakistani indian australian canadian
    italian spanish dutch belgian swedish norwegian danish finnish polish czech hungarian
    austrian swiss greek portuguese brazilian argentine argentinian chilean colombian
    venezuelan peruvian mexican cuban nigerian kenyan ethiopian african vietnamese thai
    filipino indonesian malaysian taiwanese belarusian armenian kazakh serbian croatian romanian
    bulgarian lebanese qatari emirati yemeni libyan sudanese somali scottish irish moroccan
    algerian tunisian nepali bangladeshi mongolian soviet european asian arab kurdish""".split()
)
# After one of these, a lone word is a surname ("President Obama", "Mr. Kim", "Dr. Fauci");
# after any other title it is a given name and the title stays in the name ("King Charles",
# "Sir Keir", "Prince Harry", "Pastor Maldonado", "Rock Hudson").
SURNAME_TITLES = (
    OFFICES
    | NATIONALITIES
    | frozenset(
        """mister madame mme mlle monsieur herr frau doctor prof sen rep representative gov gen
        adm col lt sgt capt cmdr maj cpl pvt det insp supt hon honorable honourable rev reverend
        judge justice ayatollah rabbi imam cardinal bishop archbishop us uk un eu of the""".split()
    )
)
MALE = frozenset("mr mister monsieur herr sir lord king prince señor signor".split())
FEMALE = frozenset(
    "mrs ms miss madam madame mme mlle frau lady dame queen princess señora signora".split()
)
_GENDERS = (("m", MALE), ("f", FEMALE))
_COURTESY = frozenset(
    "mr mrs ms miss mx mister madam madame mme mlle monsieur herr frau sir dame".split()
)
# Words that make a text a description rather than a name ("North Korean leader", "two people").
ROLE_WORDS = frozenset(
    """leader president minister spokesman spokeswoman spokesperson official officials adviser
    advisor ambassador secretary chairman premier administration government regime delegation
    analysts analyst envoy coordinator head chief people person persons man men woman women
    boy boys girl girls child children kid kids baby family driver drivers passenger
    passengers resident residents witness witnesses victim victims suspect suspects police
    officer officers authorities crowd fans protesters students workers staff crew members
    experts observers sources one two three four five six seven eight nine ten dozens
    hundreds thousands several""".split()
)
_CONNECTORS = frozenset(
    """of the and for on in at de del della di da das do dos du van von der den la le al el bin
    ibn bint abu y e und""".split()
)
ARTICLES = frozenset({"a", "an", "the"})
_POSSESSIVE = re.compile(r"['’]s\b")
_ROMAN = re.compile(r"^[ivx]+$")


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """One word folded for a vocabulary test, its pieces joined: 'Sen.' -> 'sen', 'U.S.' ->
    'us', 'Jong-un' -> 'jongun'."""
    return "".join(fold(word).split())


def _is_cut(word: str, first: bool) -> bool:
    """An office, age or description a name may follow."""
    if _AGE.match(word):
        return True
    folded = plain(word).casefold().strip(".,;:")
    head, _, tail = folded.partition("-")
    if tail and (tail in _ELECT or head == "ex"):  # "President-elect", "ex-minister"
        folded = head if tail in _ELECT else tail
    folded = word_key(folded)
    if folded in {"judge", "justice"}:  # "Justice Smith" may be a given name; "Chief Justice"
        return not first
    return folded in OFFICES or (folded in NATIONALITIES and not first)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or not word[:1].isalpha() or word_key(word) in _CONNECTORS


@dataclass(frozen=True)
class PersonName:
    """A person's name split from what describes them: 'FBI Director James Comey' ->
    role 'FBI Director', bare 'James Comey', tokens ('james', 'comey')."""

    role: str  # the stripped title, office, age or description, as written ("" if none)
    bare: str  # the name without them, as written
    tokens: tuple[str, ...]  # folded; hyphens join ("jongun"); dotted initials split
    suffix: str = ""  # "jr", "iii"
    gender: str = ""  # "m" or "f" when a title says so ("Mr.", "Mrs."), else ""
    titled: bool = False  # the title is part of the name: "King Charles", "Sir Keir"
    across: str = ""  # the key across East Slavic forms, if it differs from `key` (`across_key`)

    @cached_property
    def key(self) -> str:
        return "".join(self.tokens) + self.suffix

    @cached_property
    def across_key(self) -> str:
        """The key of a full name whatever East Slavic language wrote it: its given name as the
        Russian form of one name ('Volodymyr', 'Володимир', 'Uladzimir' -> 'vladimir'; 'Serhiy',
        'Сергій' -> 'sergey'), its surname with the Ukrainian and Belarusian letters read as their
        Russian counterparts ('Пєсков' -> 'Песков', 'Шмигаль' -> 'Шмыгаль'). 'Володимир Путін' and
        'Vladimir Putin' -> 'vladimirputin'; 'Владимир Зеленский' and 'Volodymyr Zelenskiy' ->
        'vladimirzelenski'. A lone given name, or a name that keeps its title, has only its key:
        'Volodymyr' alone is not 'Vladimir'."""
        return self.across or self.key

    @cached_property
    def full(self) -> bool:
        return len(self.tokens) >= 2

    @cached_property
    def initials(self) -> tuple[str, ...]:
        """Middle initials: ('h', 'w') for George H. W. Bush."""
        return tuple(t for t in self.tokens[1:-1] if len(t) == 1)

    @cached_property
    def reduced(self) -> str:
        """The key without its middle initials and suffix: 'georgebush'."""
        middle = [t for t in self.tokens[1:-1] if len(t) > 1]
        return "".join([*self.tokens[:1], *middle, *self.tokens[-1:]]) if self.tokens else ""

    @cached_property
    def owns(self) -> tuple[str, ...]:
        """Lone words this full name can be called by: its first token (a family name first, as
        in 'Kim Jong Un') and its surname however spaced ('Tanaka Ivanova' owns 'ivanova' and
        'tanakaivanova'). A name that keeps its title owns its last word ('King Charles' owns
        'charles', so that a lone 'Charles' with a 'Charles Leclerc' named too is ambiguous)."""
        if not self.full:
            return ()
        if self.titled:
            return self.tokens[-1:]
        parts = self.tokens
        return (parts[0], *("".join(parts[k:]) for k in range(1, len(parts))))


@lru_cache(maxsize=1)
def _constants() -> Constants:
    """nameparser's vocabulary with the offices and nationalities news puts before a name."""
    constants = Constants()
    constants.titles.add(*(OFFICES | NATIONALITIES))
    return constants


# nameparser's vocabulary, all of it: a name using none of these words parses plainly.
_LEXICON_FIELDS = """titles given_name_titles suffix_acronyms suffix_words suffix_acronyms_ambiguous
    particles particles_ambiguous conjunctions conjunctions_ambiguous bound_given_names
    maiden_markers surnames honorific_tails after_given_titles""".split()
_PLAIN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*[^\W\d_]$")  # letters, hyphens, apostrophes


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    lexicon = Lexicon.default()
    words = {w for field in _LEXICON_FIELDS for w in getattr(lexicon, field)}
    return frozenset(words | OFFICES | NATIONALITIES)


Split = tuple[list[str], list[str], list[str], list[str], list[str]]


def _human_split(text: str) -> Split:
    """(titles, first, middle, last, suffixes) as nameparser parses them."""
    human = HumanName(text, constants=_constants())
    return (
        human.title_list,
        human.first_list,
        human.middle_list,
        human.last_list,
        human.suffix_list,
    )


def _plain_word(word: str) -> bool:
    if not _PLAIN.match(word) or not word[0].isupper() or word[1:].isupper():
        return False
    vocabulary = _vocabulary()
    parts = word.casefold().replace("'", "-").split("-")
    return not any(w in vocabulary for w in (word_key(word), *parts, *(p + "-" for p in parts)))


@lru_cache(maxsize=1 << 16)
def _split(text: str) -> Split:
    """nameparser's parse, without nameparser when the name is one to four capitalised words it
    has no special word for (most names): first, middle and last in that order, as nameparser
    would split them (tests/test_actors.py checks that they agree). nameparser is slow."""
    words = text.split()
    if 1 <= len(words) <= 4 and all(map(_plain_word, words)):
        return [], words[:1], words[1:-1], words[1:][-1:], []
    return _human_split(text)


# The variant patterns of one Slavic name in Latin letters, as `name_variant` applies them.
# German writes "w" for the "v" of English and French ("Wladimir", "Lawrow", "Medwedew"): a
# word takes "v" for each "w" only when it looks transliterated so (it begins "wl", "wj" or
# "wo...myr"/"wo...mir", or ends "ow", "ew", "owa", "ewa", "owitsch", "ewitsch"), never "Weil",
# "Walz" or "Witkoff".
_GERMAN_W = re.compile(r"^w[lj]|^w\w*m[iy]r$|[oe]w(?:a|itsch|na)?$")
# The endings transliteration varies, after a consonant: "Dmitriy", "Dmitrii", "Dmitrij",
# "Dmitry", "Dmitri" -> "dmitri"; "Zelenskyy", "Zelenskiy", "Selenskyj", "Zelensky" -> "...ski";
# after a vowel: "Sergej", "Sergei" -> "sergey" ("Comey" keeps its "y"). Between a vowel and a
# consonant "y" is "i" ("Shoygu" -> "shoigu", "Nikolay" / "Nikolai").
_ENDINGS = (
    (re.compile(r"(?<=[^aeiouy])(?:iy|ij|yj|yy|yi|ii|y)$"), "i"),
    (re.compile(r"(?<=\w\w\w[aeo])[ij]$"), "y"),
)
_VOWEL_Y = re.compile(r"(?<=[aeiou])y(?=[^aeiouy])")
_MIN_ENDING_WORD = 5  # "Tony", "Mary", "Amy", "iii" keep their endings


@cache
def _variants() -> dict[tuple[str, str], str]:
    """(kind, written) -> usual, from briefgen/data/name_variants.tsv."""
    text = resources.files("briefgen").joinpath("data/name_variants.tsv").read_text("utf-8")
    found: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            kind, written, usual = line.split("\t")
            found[(kind, written)] = usual
    return found


def latin(text: str) -> str:
    """Text in Latin letters, other scripts transliterated by anyascii ('Путин' -> 'Putin',
    'Игорь' -> "Igor'", '金正恩' -> 'JinZhengEn'); ASCII text as it is. Before folding: a fold
    drops the breve of 'й' that transliteration reads."""
    return text if text.isascii() else anyascii(text)


@lru_cache(maxsize=1 << 16)
def name_variant(word: str) -> str:
    """One folded Latin word of a person's name, spelt one way whatever language wrote it:
    "tsch" -> "ch" and "sch" -> "sh" ('uschakow' -> 'ushakov', 'schoigu' -> 'shoigu'); German
    "w" for "v" in a word that looks transliterated so ('wladimir', 'lawrow'); the endings
    transliteration varies, after a consonant, in a word of five letters or more ('zelenskyy',
    'zelenskiy', 'zelensky' -> 'zelenski'; 'dmitriy', 'dmitry' -> 'dmitri'; 'sergej', 'sergei'
    -> 'sergey'; 'shoygu' -> 'shoigu'); an exonym's usual form, read before the patterns and
    after them ('poutine' -> 'putin', 'selenski' -> 'zelenski')."""
    table = _variants()
    word = table.get(("person", word), word)
    if "sch" in word:
        word = word.replace("tsch", "ch").replace("sch", "sh")
    if "w" in word and _GERMAN_W.search(word):
        word = word.replace("w", "v")
    if len(word) >= _MIN_ENDING_WORD:
        for pattern, ending in _ENDINGS:
            word = pattern.sub(ending, word)
        word = _VOWEL_Y.sub("i", word)
    return table.get(("person", word), word)


def given_form(word: str) -> str:
    """A given name's word (as `name_variant` spells it) as the Russian form of the one name it
    is a Russian, Ukrainian or Belarusian form of ('volodymyr', 'uladzimir' -> 'vladimir'), or
    as it is (briefgen/data/name_variants.tsv, kind "given")."""
    return _variants().get(("given", word), word)


# Letters of Ukrainian and Belarusian that stand where Russian writes another in one surname
# ('Путін' / 'Путин', 'Пєсков' / 'Песков', 'Шмигаль' / 'Шмыгаль', 'Зеленський' / 'Зеленский'):
# each vowel is read as the one letter both may write it with, the soft and hard signs and the
# apostrophe are dropped. For surnames compared across East Slavic forms only.
_EAST_SLAVIC = str.maketrans(
    {
        **dict.fromkeys("іїиы", "и"),
        **dict.fromkeys("ІЇИЫ", "И"),
        **dict.fromkeys("єеэё", "е"),
        **dict.fromkeys("ЄЕЭЁ", "Е"),
        "ґ": "г",
        "Ґ": "Г",
        **dict.fromkeys("ьъ'’ʼ", ""),
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _across(first: list[str], middle: list[str], last: list[str], key: str) -> str:
    """`PersonName.across_key` of a name split so, when it differs from its key."""
    if not first or not last:
        return ""
    given = _tokens(first)
    if len(given) != 1:
        return ""
    surname = [w.translate(_EAST_SLAVIC) if _CYRILLIC.search(w) else w for w in last]
    across = "".join([given_form(given[0]), *_tokens(middle), "".join(_tokens(surname))])
    return across if across != key else ""


def body_variant(name: str) -> str:
    """An organisation's name folded in Latin letters, its usual form if it has another
    ('OTAN', 'НАТО' -> 'nato')."""
    key = fold(latin(name))
    return _variants().get(("body", key), key)


def _tokens(pieces: Iterable[str], variant: bool = True) -> list[str]:
    """The folded Latin words of a name, each spelt one way (`name_variant`) unless `variant`
    is false (a suffix: 'iii')."""
    found = []
    for piece in pieces:
        for part in piece.split():
            part = latin(part)
            if re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?", part):  # "H.W." -> h, w
                found += [c for c in word_key(part)]
            elif folded := word_key(part):
                found.append(name_variant(folded) if variant else folded)
    return found


@lru_cache(maxsize=1 << 16)  # names repeat across articles: parse each once
def parse_person(name: str) -> PersonName:
    """Split a person's name from its titles, offices, ages and descriptors.

    Whatever precedes the last office word describes the office ('North Korean Supreme Leader
    Kim Jong-un', 'Red Bull boss Christian Horner'), as does a possessive ('Britain's Prince
    Harry') or an age ('Five-year-old Zhao Zicong'); a comma sets off a description ('Robert
    Huxley, 63'). The rest goes to nameparser for titles, first, middle and last names and
    suffixes. Hyphens join rather than split ('Jong-un' -> 'jongun', 'Thomas-Greenfield' one
    surname)."""
    text = " ".join(unicodedata.normalize("NFKC", name).replace("’", "'").split())
    tail = ""
    if "," in text:
        head, after = (p.strip() for p in text.split(",", 1))
        last_first = (
            len(head.split()) == 1
            and all(  # "Comey, James B." keeps its comma
                _capitalised(w) and not _is_cut(w, False) and not w[:1].isdigit()
                for w in after.split()
            )
        )
        if not last_first:
            text, tail = head, after
    words = text.split()
    while words and word_key(words[0]) in ARTICLES:
        words = words[1:]
    cut = -1
    for i, word in enumerate(words[:-1]):
        if _is_cut(word, i == 0) or _POSSESSIVE.search(word):
            cut = i
    described, rest = words[: cut + 1], [_POSSESSIVE.sub("", w) for w in words[cut + 1 :]]
    title_list, first_list, middle_list, last_list, suffix_list = _split(" ".join(rest))
    titles = [w for t in title_list for w in t.split()]
    last = ["".join(_tokens(last_list))] if last_list else []
    pieces = [*_tokens(first_list), *_tokens(middle_list), *last]
    if pieces and first_list and word_key(first_list[0]) in _CONNECTORS:
        pieces = ["".join(pieces)]  # "van Gogh" alone is one surname
    suffix = "".join(_tokens(suffix_list, variant=False))
    titled = (
        bool(titles) and len(pieces) == 1 and any(word_key(t) not in SURNAME_TITLES for t in titles)
    )
    if titled or not pieces:  # "King Charles", or a title alone: the words are the name
        pieces = [*_tokens(titles), *pieces]
        titled = True
        bare_words = rest
    else:
        bare_words = [*first_list, *middle_list, *last_list, *suffix_list]
    if suffix and len(pieces) == 1 and _ROMAN.match(suffix):  # "Elizabeth II" is not "Elizabeth"
        pieces, suffix = [*pieces, suffix], ""
    role_words = [*described, *([] if titled else titles)]
    genders = {g for w in (*described, *titles) for g, words in _GENDERS if word_key(w) in words}
    role = " ".join(w for w in role_words if word_key(w) not in _COURTESY)
    across = ""
    if (
        not titled
        and len(pieces) >= 2
        and first_list
        and word_key(first_list[0]) not in _CONNECTORS
    ):
        across = _across(first_list, middle_list, last_list, "".join(pieces))
    return PersonName(
        role=", ".join(p for p in (role, tail) if p),
        bare=" ".join(bare_words),
        tokens=tuple(pieces),
        suffix=suffix,
        gender=genders.pop() if len(genders) == 1 else "",
        titled=titled,
        across=across + suffix if across else "",
    )


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
def person_tokens(name: str) -> tuple[str, ...]:
    """A person's name as tokens, titles dropped: 'Russian President Vladimir Putin' ->
    ('vladimir', 'putin')."""
    return parse_person(name).tokens


def person_key(name: str) -> str:
    """The name with spacing folded away: 'Kim Jong-un' and 'Kim Jong Un' -> 'kimjongun'."""
    return parse_person(name).key


def is_full_name(name: str) -> bool:
    return parse_person(name).full


@lru_cache(maxsize=1 << 16)  # names repeat across articles: fold each once
def is_name_like(alias: str) -> bool:
    """True for names ('Mr. Kim', 'President Obama', 'Red Bull boss Christian Horner', 'the
    Kremlin'), false for descriptions ('the leader', 'North Korean leader', 'tram driver', 'two
    people', 'South Korean analysts')."""
    words = alias.split()
    while words and word_key(words[0]) in ARTICLES:
        words = words[1:]
    if not words or not any(w[:1].isalpha() or w[:1].isdigit() for w in words):
        return False
    if all(map(_capitalised, words)) and not any(fold(w) in ROLE_WORDS for w in words):
        return True
    parsed = parse_person(alias)  # a name after what describes it
    bare = parsed.bare.split()
    return (
        bool(parsed.role)
        and not parsed.titled
        and bool(bare)
        and all(map(_capitalised, bare))
        and not any(fold(w) in ROLE_WORDS for w in bare)
    )

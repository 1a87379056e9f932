"""When two short texts say the same thing: weighted overlap of their content words. Pure.

Lexical ratios fail both ways on claims: "stop arms talks and keep promises not to sell weapons"
vs "cease arms negotiations and keep commitments not to sell arms" score low, while "North Korean
artillery shells" vs "North Korean labor" score high on the shared country name. So words are
normalised before they are compared, and weighted by how rare they are among the texts being
compared (inverse document frequency): the words that carry the substance decide.

Normalisation, in order (each step a general rule of English news copy, not of one story):

- *phrases*: fixed multi-word expressions become one word ("take part in" = "join", "step
  down" = "resign", "military equipment" = "weapons");
- *forms*: dotted acronyms lose their dots ("U.S." = "US"), British spellings become American
  ("programme", "defence", "-ise"), irregular forms their base ("sold" = "sell", "deeper" =
  "deep"), then every word is stemmed (Snowball: "negotiations" = "negotiating");
- *synonyms*: a table of words news copy uses interchangeably (`SYNONYMS`: "talks" =
  "negotiations", "shells" = "ammunition", "ties" = "relations"), matched by word and by stem.

Beside the words, a text has *names* (`name_phrases`: runs of capitalised words, "UN Security
Council", "North Korea"; a nationality adjective or a capital is its country, "Russian" and
"Moscow" = "Russia"), a *negation* (not, no, never, without) and *opposites* (`ANTONYMS`:
"raise" / "cut", "impose" / "lift"). `vetoes` turns them into reasons two texts cannot say the
same thing, whatever their overlap; `Similarity.same` applies them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from itertools import combinations

from briefgen.merge.grouping import UnionFind
from briefgen.text import lexicon
from briefgen.text.fold import fold
from briefgen.text.stems import stem
from briefgen.text.words import STOP_WORDS

NEGATIONS = frozenset({"not", "no", "never", "nor", "without"})

# Words news copy uses interchangeably for the same thing. Each group folds to its first word;
# a word is matched as written and by its stem, so inflections fold with it ("negotiating").
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("weapon", "weaponry", "arms", "armament"),
    ("ammunition", "ammo", "munition", "shell"),
    ("talks", "negotiation", "negotiate", "discussion", "dialogue", "dialog"),
    ("deal", "agreement", "pact", "accord"),
    ("stop", "cease", "halt", "end", "suspend", "pause"),
    ("aid", "assistance", "assist", "support", "help", "relief", "backing"),
    ("ties", "relations", "relationship", "link", "cooperation", "cooperate", "partnership"),
    (
        "increase",
        "strengthen",
        "bolster",
        "deepen",
        "deep",
        "strong",
        "closer",
        "enhance",
        "reinforce",
        "tighten",
        "intensify",
        "boost",
        "expand",
        "raise",
        "hike",
        "grow",
        "rise",
    ),
    ("reduce", "cut", "lower", "curb", "decrease", "slash", "trim", "limit", "ease", "tame"),
    ("deplete", "diminish", "dwindle", "shrink", "decline", "exhaust"),
    ("obtain", "acquire", "procure", "get", "gain", "receive", "buy", "purchase"),
    ("seek", "pursue"),
    ("replenish", "restock", "refill", "resupply"),
    ("supply", "provide", "send", "deliver", "give", "transfer", "furnish"),
    ("technology", "technical", "tech", "technological"),
    ("consequence", "repercussion", "ramification"),
    ("breach", "violate", "violation", "contravene", "flout", "infringe"),
    ("drill", "exercise", "maneuver", "manoeuvre"),
    ("join", "partake", "participate"),
    ("warn", "caution", "advise"),
    ("promise", "commitment", "commit", "pledge", "vow", "assurance"),
    ("war", "conflict", "fighting", "hostilities"),
    ("arsenal", "stockpile", "reserve", "inventory"),
    ("need", "demand", "want", "require", "desire", "wish"),
    ("ceasefire", "truce", "armistice"),
    ("hostage", "captive", "abductee"),
    ("prisoner", "detainee", "inmate"),
    ("troop", "soldier", "servicemen"),
    ("kill", "slay", "slain"),
    ("investigation", "investigate", "probe", "inquiry", "enquiry"),
    ("resign", "resignation", "quit"),
    ("election", "ballot"),
    ("country", "nation"),
    ("outbreak", "epidemic"),
    ("neighbor", "nearby", "adjacent"),
    ("border", "frontier"),
    ("money", "fund", "funding", "financing", "financial", "finance", "cash"),
    ("economy", "economic"),
    ("worker", "laborer", "labor", "workforce"),
    ("sanction", "penalty", "embargo"),
    ("accuse", "blame"),
    ("ban", "prohibit", "outlaw", "forbid"),
    ("allow", "permit", "let", "authorize"),
    ("oppose", "reject", "refuse", "resist"),
    ("accept", "approve", "endorse", "ratify"),
    ("condemn", "denounce", "criticize", "decry"),
    ("withdraw", "withdrawal", "retreat", "pullout"),
    ("start", "begin", "launch", "initiate", "commence"),
    ("resume", "restart"),
    ("retaliation", "retaliate", "revenge", "reprisal", "avenge", "vengeance", "retribution"),
    ("win", "clinch"),
    ("lift", "remove", "scrap", "repeal", "rescind", "revoke"),
    ("impose", "introduce", "slap", "levy"),
    ("dissuade", "deter", "discourage"),
    ("advantage", "benefit"),
    ("significance", "importance"),
    ("capability", "capacity"),
    ("dependence", "reliance", "dependency", "depend", "rely"),
    ("advanced", "sophisticated"),
    ("new", "fresh"),
    ("nuclear", "atomic"),
    ("visit", "trip"),
    ("protest", "demonstration"),
    ("protester", "demonstrator"),
    ("severe", "serious"),
    ("production", "output"),
    ("vehicle", "car", "automobile"),
    ("immediately", "immediate"),
)
# Kinds of a general thing (each group: the general word, then its kinds). In claims a text
# naming a kind also names the general word: "North Korean ammunition" is "weapons from North
# Korea" too, while two different kinds still differ ("drones" / "shells" for the front).
KINDS: tuple[tuple[str, ...], ...] = (("weapon", "ammunition"),)
# Words whose regular inflections would be wrong or ambiguous: matched as written.
EXACT_SYNONYMS: dict[str, str] = {
    "secure": "obtain",
    "secures": "obtain",
    "secured": "obtain",
    "securing": "obtain",
}
# Fixed expressions, matched on word boundaries before words are split ("-" may be a space).
PHRASES: tuple[tuple[str, str], ...] = (
    ("take part in", "join"),
    ("taking part in", "join"),
    ("took part in", "join"),
    ("takes part in", "join"),
    ("step down", "resign"),
    ("stepped down", "resign"),
    ("stepping down", "resign"),
    ("stand down", "resign"),
    ("pull out", "withdraw"),
    ("pulled out", "withdraw"),
    ("pull back", "withdraw"),
    ("pulled back", "withdraw"),
    ("pull its troops back", "withdraw troops"),
    ("step up", "increase"),
    ("stepped up", "increase"),
    ("ramp up", "increase"),
    ("scale back", "reduce"),
    ("scaled back", "reduce"),
    ("rein in", "reduce"),
    ("run low", "deplete"),
    ("running low", "deplete"),
    ("run out", "deplete"),
    ("running out", "deplete"),
    ("top up", "replenish"),
    ("look for", "seek"),
    ("search for", "seek"),
    ("searching for", "seek"),
    ("return to", "resume"),
    ("lay off", "layoff"),
    ("laying off", "layoff"),
    ("laid off", "layoff"),
    ("job cuts", "layoff"),
    ("cease fire", "ceasefire"),
    ("war games", "drill"),
    ("military equipment", "weapon"),
    ("military hardware", "weapon"),
    ("know how", "technology"),
    ("pave the way for", ""),
    ("paving the way for", ""),
    ("paved the way for", ""),
    ("in exchange for", "exchange"),
    ("in return for", "exchange"),
    ("come forward", "contact"),
    ("came forward", "contact"),
    ("coming forward", "contact"),
    ("get in touch with", "contact"),
    ("at once", "immediately"),
    ("right away", "immediately"),
)
# Irregular forms to their base: past tenses and participles, plurals, comparatives.
LEMMAS: dict[str, str] = {
    **dict.fromkeys(("sold", "sale", "sales"), "sell"),
    **dict.fromkeys(("bought",), "buy"),
    **dict.fromkeys(("sent",), "send"),
    **dict.fromkeys(("held",), "hold"),
    **dict.fromkeys(("met",), "meet"),
    **dict.fromkeys(("gave", "given"), "give"),
    **dict.fromkeys(("took", "taken"), "take"),
    **dict.fromkeys(("made",), "make"),
    **dict.fromkeys(("brought",), "bring"),
    **dict.fromkeys(("sought",), "seek"),
    **dict.fromkeys(("fought",), "fight"),
    **dict.fromkeys(("won",), "win"),
    **dict.fromkeys(("lost",), "lose"),
    **dict.fromkeys(("led",), "lead"),
    **dict.fromkeys(("struck", "stricken"), "strike"),
    **dict.fromkeys(("told",), "tell"),
    **dict.fromkeys(("said",), "say"),
    **dict.fromkeys(("began", "begun"), "begin"),
    **dict.fromkeys(("built",), "build"),
    **dict.fromkeys(("spent",), "spend"),
    **dict.fromkeys(("paid",), "pay"),
    **dict.fromkeys(("kept",), "keep"),
    **dict.fromkeys(("went", "gone"), "go"),
    **dict.fromkeys(("came",), "come"),
    **dict.fromkeys(("saw", "seen"), "see"),
    **dict.fromkeys(("knew", "known"), "know"),
    **dict.fromkeys(("thought",), "think"),
    **dict.fromkeys(("found",), "find"),
    **dict.fromkeys(("became",), "become"),
    **dict.fromkeys(("ran",), "run"),
    **dict.fromkeys(("wrote", "written"), "write"),
    **dict.fromkeys(("chose", "chosen"), "choose"),
    **dict.fromkeys(("rose", "risen"), "rise"),
    **dict.fromkeys(("fell", "fallen"), "fall"),
    **dict.fromkeys(("broke", "broken"), "break"),
    **dict.fromkeys(("spoke", "spoken"), "speak"),
    **dict.fromkeys(("stole", "stolen"), "steal"),
    **dict.fromkeys(("froze", "frozen"), "freeze"),
    **dict.fromkeys(("shot",), "shoot"),
    **dict.fromkeys(("meant",), "mean"),
    **dict.fromkeys(("dealt",), "deal"),
    **dict.fromkeys(("fled",), "flee"),
    **dict.fromkeys(("withdrew", "withdrawn"), "withdraw"),
    **dict.fromkeys(("forbade", "forbidden"), "forbid"),
    **dict.fromkeys(("drew", "drawn"), "draw"),
    **dict.fromkeys(("grew", "grown"), "grow"),
    **dict.fromkeys(("threw", "thrown"), "throw"),
    **dict.fromkeys(("flew", "flown"), "fly"),
    **dict.fromkeys(("caught",), "catch"),
    **dict.fromkeys(("taught",), "teach"),
    **dict.fromkeys(("stood",), "stand"),
    **dict.fromkeys(("understood",), "understand"),
    **dict.fromkeys(("got", "gotten"), "get"),
    **dict.fromkeys(("heard",), "hear"),
    **dict.fromkeys(("laid",), "lay"),
    **dict.fromkeys(("fed",), "feed"),
    **dict.fromkeys(("children",), "child"),
    **dict.fromkeys(("men",), "man"),
    **dict.fromkeys(("women",), "woman"),
    **dict.fromkeys(("crises",), "crisis"),
    **dict.fromkeys(("analyses",), "analysis"),
    **dict.fromkeys(("deeper", "deepest"), "deep"),
    **dict.fromkeys(("stronger", "strongest"), "strong"),
    **dict.fromkeys(("closest",), "closer"),
    **dict.fromkeys(("higher", "highest"), "high"),
    **dict.fromkeys(("greater", "greatest"), "great"),
    **dict.fromkeys(("larger", "largest"), "large"),
    **dict.fromkeys(("bigger", "biggest"), "big"),
    **dict.fromkeys(("better", "best"), "good"),
    **dict.fromkeys(("worse", "worst"), "bad"),
    **dict.fromkeys(("wider", "widest"), "wide"),
    **dict.fromkeys(("broader", "broadest"), "broad"),
    **dict.fromkeys(("tougher", "toughest"), "tough"),
    **dict.fromkeys(("harsher", "harshest"), "harsh"),
    **dict.fromkeys(("cheaper", "cheapest"), "cheap"),
    **dict.fromkeys(("fewer", "fewest"), "few"),
}
# British spellings by word start (inflections follow: "neighbouring"), then a suffix rule.
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("programme", "program"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("licence", "license"),
    ("labour", "labor"),
    ("favour", "favor"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
    ("behaviour", "behavior"),
    ("colour", "color"),
    ("harbour", "harbor"),
    ("rumour", "rumor"),
    ("armour", "armor"),
    ("endeavour", "endeavor"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("analyse", "analyze"),
    ("paralyse", "paralyze"),
    ("catalogue", "catalog"),
)
_BRITISH_ISE = re.compile(r"(?<=.{3})is(e|ed|es|ing|ation|ations)$")
# Opposites: two texts that differ by a pair of these do not say the same thing.
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "reduce"),
    ("impose", "lift"),
    ("ban", "allow"),
    ("oppose", "aid"),
    ("oppose", "accept"),
    ("start", "stop"),
    ("resume", "stop"),
    ("obtain", "sell"),
    ("win", "lose"),
    ("join", "leave"),
    ("open", "close"),
    ("hire", "layoff"),
    ("withdraw", "deploy"),
    ("accept", "refuse"),
    ("release", "arrest"),
    ("release", "detain"),
    ("acquit", "convict"),
)
_WORD = re.compile(r"[a-z0-9]+")
_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
_APOSTROPHE = re.compile(r"['’]s\b|['’]")
NAME_WEIGHT = 0.2


def _phrase_pattern() -> re.Pattern[str]:
    ordered = sorted(PHRASES, key=lambda p: -len(p[0]))
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p, _ in ordered)
    return re.compile(rf"\b(?:{alternatives})\b")


_PHRASE = _phrase_pattern()
_PHRASE_OF = {" ".join(p.split()): w for p, w in PHRASES}


def _spelling(word: str) -> str:
    for british, american in SPELLINGS:
        if word.startswith(british):
            return american + word[len(british) :]
    return _BRITISH_ISE.sub(r"iz\1", word) if len(word) >= 6 else word


def inflections(word: str) -> set[str]:
    """A word with its regular inflections (plural, past, participle, third person): 'stop' ->
    'stops', 'stopped', 'stopping'; 'supply' -> 'supplies', 'supplied'. Some are not words;
    they match nothing."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and word[-2:-1] not in set("aeiou"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if re.fullmatch(r".*[^aeiou][aeiou][bdgklmnprt]", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def _synonym_table() -> dict[str, str]:
    """Every table word and its inflections -> its group's compared form."""
    table: dict[str, str] = {}
    for group in SYNONYMS:
        canonical = stem(group[0])
        for word in group:
            for form in inflections(word):
                table.setdefault(form, canonical)
    table.update({w: stem(c) for w, c in EXACT_SYNONYMS.items()})
    return table


_SYNONYM_OF = _synonym_table()


@lru_cache(maxsize=1 << 16)  # bounded: a scheduled job merges day after day in one process
def canonical(word: str) -> str:
    """One casefolded word in its compared form: base form, synonym, American spelling, stem."""
    word = LEMMAS.get(word, word)
    american = _spelling(word)
    found = _SYNONYM_OF.get(word) or _SYNONYM_OF.get(american)
    return found or stem(american)


# Compared form of a kind -> compared form of its general word.
_KIND_OF: dict[str, str] = {
    canonical(kind): canonical(group[0]) for group in KINDS for kind in group[1:]
}


def with_kinds(words: frozenset[str]) -> frozenset[str]:
    """Compared words with the general word of every kind among them added."""
    general = {_KIND_OF[w] for w in words if w in _KIND_OF}
    return words | general if general else words


def matched(a: frozenset[str], b: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Two texts' compared words, each with the general words the other uses and it names a
    kind of ("ammunition" / "weapons": both have "weapon"). A general word the other lacks is
    not added, so a kind costs nothing against a text about something else."""
    more_a = {_KIND_OF[w] for w in a if w in _KIND_OF} & b - a
    more_b = {_KIND_OF[w] for w in b if w in _KIND_OF} & a - b
    return (a | more_a if more_a else a), (b | more_b if more_b else b)


_DASHES = re.compile(r"[\s-]+")


def _phrase_word(match: re.Match[str]) -> str:
    return f" {_PHRASE_OF[' '.join(_DASHES.split(match[0]))]} "


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    """Casefolded words with phrases replaced, acronyms undotted, possessives dropped."""
    text = text.casefold().replace("n't", " not")
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _APOSTROPHE.sub(" ", text)
    text = _PHRASE.sub(_phrase_word, text)
    return tuple(_WORD.findall(text))


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    return frozenset(canonical(w) for w in _tokens(text) if w not in STOP_WORDS)


@lru_cache(maxsize=1 << 16)
def negated(text: str) -> bool:
    return any(w in NEGATIONS for w in _tokens(text))


_OPPOSITE: dict[str, frozenset[str]] = {}
for _a, _b in ANTONYMS:
    _ca, _cb = canonical(_a), canonical(_b)
    _OPPOSITE[_ca] = _OPPOSITE.get(_ca, frozenset()) | {_cb}
    _OPPOSITE[_cb] = _OPPOSITE.get(_cb, frozenset()) | {_ca}


def opposed(a: str, b: str) -> bool:
    """A word only one text has is the opposite of a word only the other has."""
    wa, wb = content_words(a), content_words(b)
    only_b = wb - wa
    return any(_OPPOSITE.get(w, frozenset()) & only_b for w in wa - wb)


# --- names -----------------------------------------------------------------------------------

# A hyphenated suffix that makes a name an adjective: "Iran-backed", "U.S.-made".
_NAME_SUFFIXES = frozenset(
    """backed led made based owned linked style era born controlled allied aligned funded
    brokered sponsored supported run held bound""".split()
)
_NAME_JOINERS = frozenset({"of", "the", "for", "de", "al"})
# Words, and the punctuation that ends a name ("North Korea, China"; "Russia–North Korea").
_RAW_TOKEN = re.compile(r"[^\W_][\w.'’-]*|[^\w\s.'’-]")
# The role a name plays, by the preposition before it: two names in one role are alternatives.
_ROLES: dict[str, str] = {
    **dict.fromkeys("in at inside near across throughout within around".split(), "in"),
    **dict.fromkeys("to for into toward towards".split(), "to"),
    **dict.fromkeys("from out".split(), "from"),
    **dict.fromkeys("on against over".split(), "on"),
    **dict.fromkeys("with between alongside among".split(), "with"),
}
_BEFORE_NAME = frozenset("the a an its their his her our".split())
# The kinds of country name a name in a claim may be, most trusted first: "Moscow" is Russia.
_COUNTRY_KINDS = (lexicon.NAME, lexicon.CAPITAL, lexicon.PART, lexicon.DEMONYM)
_ENDINGS = frozenset({"n", "an", "ian", "i", "ese"})  # of a nationality: "Russia" + "n"


@lru_cache(maxsize=1 << 16)
def country_of(name: str) -> str | None:
    """The country a name means: its name, alias, capital or nationality ("Russian", "North
    Korean" by the country name with an ending added), or None."""
    folded = fold(name)
    if (key := lexicon.country(folded, _COUNTRY_KINDS)) is not None:
        return lexicon.name(key)
    words = folded.split()
    for cut in (1, 2, 3):  # "Russian" -> "Russia", "Iranian" -> "Iran", "Korean" -> "Korea"
        if words and len(words[-1]) - cut >= 4 and words[-1][-cut:] in _ENDINGS:
            base = " ".join([*words[:-1], words[-1][:-cut]])
            if (key := lexicon.country(base, _COUNTRY_KINDS)) is not None:
                return lexicon.name(key)
    return None


@lru_cache(maxsize=1 << 16)
def names_in(text: str) -> tuple[tuple[str, str | None], ...]:
    """Runs of capitalised words as written, each with its role (the preposition class before
    it, or None): 'a ceasefire in Gaza' -> (('Gaza', 'in'),). A lone capitalised first word
    counts only when it is all capitals or a country ('Russia wants'), so a sentence's first
    word ('Stop arms talks') is not a name."""
    tokens: list[str] = []
    for raw in _RAW_TOKEN.findall(text.replace("’", "'")):
        raw = re.sub(r"'s?$", "", raw)
        raw = raw if re.fullmatch(r"(?:[A-Za-z]\.){2,}", raw) else raw.rstrip(".")
        head, _, tail = raw.rpartition("-")
        if head and tail.casefold() in _NAME_SUFFIXES:
            raw = head
        if raw:
            tokens.append(raw)
    spans: list[tuple[int, int]] = []
    start = None
    for i, token in enumerate([*tokens, ""]):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token[:1].isupper() and token[:1].isalpha():
            start = i if start is None else start
        elif start is not None and token.casefold() in _NAME_JOINERS and following[:1].isupper():
            continue
        elif start is not None:
            spans.append((start, i))
            start = None
    found: dict[str, str | None] = {}
    for begin, end in spans:
        phrase = " ".join(tokens[begin:end])
        if begin == 0 and end == 1 and not (phrase.isupper() or country_of(phrase)):
            continue
        k = begin - 1
        while k >= 0 and tokens[k].casefold() in _BEFORE_NAME:
            k -= 1
        role = _ROLES.get(tokens[k].casefold()) if k >= 0 else None
        found.setdefault(phrase, role)
    return tuple(found.items())


def proper_part(name: str) -> str:
    """The capitalised words of a name, as written: "the North Korean leader" -> "North
    Korean", "the president-elect" -> ""."""
    return " ".join(w for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def name_phrases(text: str) -> tuple[str, ...]:
    """The names of `names_in`, without their roles."""
    return tuple(name for name, _ in names_in(text))


def names_match(a: str, b: str) -> bool:
    """Two folded names are one when equal or one's words are all in the other's ("kim jong"
    and "kim jong un"); "north korea" and "south korea" are not."""
    wa, wb = set(a.split()), set(b.split())
    return a == b or wa <= wb or wb <= wa


Named = tuple[str, str | None]  # a folded name and its role


def names_conflict(a: Iterable[Named], b: Iterable[Named]) -> bool:
    """Each text uses a name the other lacks, in the same role ('a ceasefire in Gaza' / 'in
    Lebanon'; a name without a role conflicts in any role). Names in different roles are not
    alternatives: 'ammunition from North Korea' / 'arms for the war in Ukraine'."""
    la, lb = list(a), list(b)
    only_a = [r for x, r in la if not any(names_match(x, y) for y, _ in lb)]
    only_b = [r for y, r in lb if not any(names_match(x, y) for x, _ in la)]
    return any(ra is None or rb is None or ra == rb for ra in only_a for rb in only_b)


# --- similarity ------------------------------------------------------------------------------

# Words that say a claim is wanted, sought or in need ("obtain", "seek", "want"): the kind of
# claim already says so, and the substance is what follows. They weigh nothing in a claim.
FRAMING_WORDS = frozenset(canonical(w) for w in ("obtain", "seek", "need"))


class Similarity:
    """Compares texts drawn from one collection, weighting words by rarity in it.

    `prior` pads the collection with that many empty texts when rarity is counted, so that in a
    small collection (two articles) a word two texts share still weighs nearly as much as one
    only one uses. `framing` words weigh nothing. With `text_names`, the words of every name
    phrase the texts contain count for little, like the words of `names`.
    """

    def __init__(
        self,
        texts: Iterable[str],
        threshold: float = 0.5,
        names: Iterable[str] = (),
        *,
        prior: int = 0,
        framing: frozenset[str] = frozenset(),
        text_names: bool = False,
        kinds: bool = False,
    ):
        texts = list(texts)
        self.kinds = kinds
        # each distinct text read once: claims repeat across articles
        distinct = Counter(texts)
        self.frequency: Counter[str] = Counter()
        for text, count in distinct.items():
            for word in content_words(text):
                self.frequency[word] += count
        self.size = (len(texts) + prior) or 1
        self.threshold = threshold
        self.framing = framing
        # Words that name the parties ("North Korea", "Putin") say who, not what: who is
        # compared on its own, so here they count for little.
        # A description among them ("the driver", "protesters", "the president-elect") is
        # ordinary words: only the capitalised words of a name name someone.
        named = [*map(proper_part, names)]
        if text_names:
            named += [p for t in distinct for p in name_phrases(t)]
        self.names = frozenset(word for name in named for word in content_words(name))
        self._not_substance = self.names | framing
        self._weights: dict[str, float] = {}
        self._substance: dict[str, frozenset[str]] = {}

    @classmethod
    def for_claims(cls, texts: Iterable[str], names: Iterable[str] = ()) -> Similarity:
        """The settings claims are compared with (see claims.py)."""
        return cls(texts, 0.5, names, prior=8, framing=FRAMING_WORDS, text_names=True, kinds=True)

    def words(self, a: str, b: str) -> tuple[frozenset[str], frozenset[str]]:
        """The compared words of two texts: their content words, `matched` when `kinds` is
        set (a kind meets its general word)."""
        wa, wb = content_words(a), content_words(b)
        return matched(wa, wb) if self.kinds else (wa, wb)

    def weight(self, word: str) -> float:
        if word not in self._weights:
            if word in self.framing:
                self._weights[word] = 0.0
            else:
                idf = math.log((self.size + 1) / (self.frequency.get(word, 0) + 0.5))
                self._weights[word] = idf * NAME_WEIGHT if word in self.names else idf
        return self._weights[word]

    def substance(self, text: str) -> frozenset[str]:
        """The content words that are neither names nor framing (one set per distinct text)."""
        if text not in self._substance:
            self._substance[text] = content_words(text) - self._not_substance
        return self._substance[text]

    def score(self, a: str, b: str) -> float:
        """Weighted Dice: twice the weight of the shared words over both texts' weight, 0..1.

        Dice rather than overlap-with-the-smaller: a short vague text ("get help with space
        programs") must not match every longer one that happens to contain its words.
        """
        wa, wb = self.words(a, b)
        if not wa or not wb:
            return 1.0 if wa == wb else 0.0
        total = sum(map(self.weight, wa)) + sum(map(self.weight, wb))
        return 2 * sum(map(self.weight, wa & wb)) / total if total else 0.0

    def overlaps(self, a: str, b: str, threshold: float | None = None) -> bool:
        """Enough shared words (two, or all of a one-word text) and a score at the threshold."""
        wa, wb = self.words(a, b)
        shared = wa & wb
        needed = min(2, len(content_words(a)), len(content_words(b)))
        limit = self.threshold if threshold is None else threshold
        return len(shared) >= needed and self.score(a, b) >= limit

    def same(self, a: str, b: str) -> bool:
        return self.overlaps(a, b)


def vetoes(a: str, b: str, substance_a: frozenset[str], substance_b: frozenset[str]) -> str | None:
    """Why two texts cannot say the same thing however much they share, or None:

    - *negation*: one is negated and the other not ("sell arms" / "not sell arms");
    - *opposites*: a word only one has is the opposite of a word only the other has ("raise" /
      "cut interest rates");
    - *substitution*: they share at least two words of substance and differ in exactly one on
      each side, in the same place among the shared words ("new sanctions on oil exports" /
      "new sanctions on gas exports"): the one slot that differs is what each says — unless
      one word is a kind of the other (`KINDS`: "ammunition" / "weapons").
    """
    if negated(a) != negated(b):
        return "negation"
    if opposed(a, b):
        return "opposites"
    shared = substance_a & substance_b
    only_a, only_b = substance_a - shared, substance_b - shared
    if len(shared) >= 2 and len(only_a) == 1 == len(only_b):
        (x,), (y,) = only_a, only_b
        kinds = _KIND_OF.get(x) == y or _KIND_OF.get(y) == x  # "ammunition" is "weapons"
        if not kinds and _slot(a, x, shared) == _slot(b, y, shared):
            return "substitution"
    return None


def _slot(text: str, word: str, shared: frozenset[str]) -> tuple[str | None, str | None]:
    """The shared words just before and after `word` in `text` (None at either end)."""
    order = [w for w in _sequence(text) if w == word or w in shared]
    at = order.index(word)
    return (order[at - 1] if at else None, order[at + 1] if at + 1 < len(order) else None)


@lru_cache(maxsize=1 << 16)
def _sequence(text: str) -> tuple[str, ...]:
    return tuple(canonical(w) for w in _tokens(text) if w not in STOP_WORDS)


# A word used by more distinct texts than this proposes no candidate pairs: too common to mean
# much, and pairs through it would make folding quadratic.
COMMON_WORD_LIMIT = 64


def candidate_pairs(texts: Sequence[str]) -> set[tuple[int, int]]:
    """Index pairs of texts that share a word used by at most COMMON_WORD_LIMIT of them."""
    return candidate_pairs_of([content_words(t) for t in texts])


def candidate_pairs_of(bags: Sequence[Iterable[Hashable]]) -> set[tuple[int, int]]:
    """Index pairs of bags that share a member at most COMMON_WORD_LIMIT bags hold."""
    index: dict[Hashable, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for word in bag:
            index[word].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) <= COMMON_WORD_LIMIT:
            pairs.update(combinations(members, 2))
    return pairs


def group_similar(
    texts: Sequence[str],
    similarity: Similarity,
    keys: Sequence[Hashable] | None = None,
) -> list[list[int]]:
    """Indexes of `texts` grouped by `similarity.same`, transitively, in any input order.

    Texts with the same content words (and the same key) are one unit and join without being
    compared; units are compared in pairs that share a not-too-common word. At scale most
    repeats are word-for-word, so units stay few and the cost near-linear. A key of None is
    compatible with every key; two different keys never join.
    """
    keys = keys if keys is not None else [None] * len(texts)
    units: dict[tuple[frozenset[str], Hashable], list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        units[(content_words(text), keys[i])].append(i)
    unit_list = sorted(units.values(), key=lambda members: sorted(texts[i] for i in members))
    sets = UnionFind(len(unit_list))
    firsts = [members[0] for members in unit_list]
    for a, b in candidate_pairs([texts[i] for i in firsts]):
        ka, kb = keys[firsts[a]], keys[firsts[b]]
        if (ka is None or kb is None or ka == kb) and similarity.same(
            texts[firsts[a]], texts[firsts[b]]
        ):
            sets.union(a, b)
    return [[i for u in group for i in unit_list[u]] for group in sets.groups()]

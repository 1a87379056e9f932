"""When two short claims say the same thing: weighted overlap of their content words. Pure.

Lexical ratios fail both ways on claims: "stop arms talks and keep promises not to sell weapons"
vs "cease arms negotiations and keep commitments not to sell arms" score low, while "North Korean
artillery shells" vs "North Korean labor" score high on the shared country name. So words are
stemmed (Snowball), folded through a small table of news-wire synonyms ("talks" = "negotiations",
"shells" = "ammunition"), and weighted by how rare they are among the texts being compared
(inverse document frequency): the words that carry the substance decide.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from itertools import combinations

import snowballstemmer

from briefgen.grouping import UnionFind

STOP_WORDS = frozenset(
    """a an the of to for and or in on with from its it their his her by as at be is are was were
    that this these those any some more most also plus perhaps possibly may might could would
    will should than into about over after before between through against has have had not
    own other others such both all""".split()
)

# Words news copy uses interchangeably for the same thing. Each group folds to its first word.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("weapon", "weaponry", "arms", "armament", "armaments"),
    ("ammunition", "ammo", "munition", "munitions", "shell", "shells"),
    ("talks", "negotiation", "negotiations", "discussion", "discussions"),
    ("deal", "deals", "agreement", "agreements", "pact"),
    ("stop", "cease", "halt", "end"),
    ("aid", "assistance", "support", "help"),
    ("ties", "relations", "relationship", "relationships"),
    ("strengthen", "bolster", "deepen", "boost", "enhance", "expand"),
    ("obtain", "secure", "acquire", "procure", "get", "gain"),
    ("replenish", "restock", "refill"),
    ("supply", "supplies", "supplying", "provide", "providing", "send", "sending", "deliver"),
    ("technology", "technologies", "technical", "tech"),
    ("consequence", "consequences", "repercussion", "repercussions"),
    ("breach", "violate", "violation"),
    ("drill", "drills", "exercise", "exercises", "maneuvers", "manoeuvres"),
    ("join", "partake", "participate"),
    ("warn", "caution", "advise"),
    ("promise", "promises", "commitment", "commitments", "pledge", "pledges"),
    ("war", "conflict", "fighting"),
    ("arsenal", "stockpile", "stockpiles", "reserves"),
    ("need", "needs", "demand", "want"),
)
_WORD = re.compile(r"[a-z0-9]+")
NAME_WEIGHT = 0.2
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)  # bounded: a scheduled job merges day after day in one process
def _canonical(word: str) -> str:
    for group in SYNONYMS:
        if word in group:
            return _STEMMER.stemWord(group[0])
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    words = _WORD.findall(text.casefold().replace("’", "'"))
    return frozenset(_canonical(w) for w in words if w not in STOP_WORDS)


class Similarity:
    """Compares texts drawn from one collection, weighting words by rarity in it."""

    def __init__(self, texts: Iterable[str], threshold: float = 0.5, names: Iterable[str] = ()):
        bags = [content_words(t) for t in texts]
        self.frequency = Counter(word for bag in bags for word in bag)
        self.size = len(bags) or 1
        self.threshold = threshold
        # Words that name the parties ("North Korea", "Putin") say who, not what: who is
        # compared on its own, so here they count for little.
        self.names = frozenset(word for name in names for word in content_words(name))
        self._weights: dict[str, float] = {}

    def weight(self, word: str) -> float:
        if word not in self._weights:
            idf = math.log((self.size + 1) / (self.frequency.get(word, 0) + 0.5))
            self._weights[word] = idf * NAME_WEIGHT if word in self.names else idf
        return self._weights[word]

    def score(self, a: str, b: str) -> float:
        """Weighted Dice: twice the weight of the shared words over both texts' weight, 0..1.

        Dice rather than overlap-with-the-smaller: a short vague text ("get help with space
        programs") must not match every longer one that happens to contain its words.
        """
        wa, wb = content_words(a), content_words(b)
        if not wa or not wb:
            return 1.0 if wa == wb else 0.0
        total = sum(map(self.weight, wa)) + sum(map(self.weight, wb))
        return 2 * sum(map(self.weight, wa & wb)) / total if total else 0.0

    def same(self, a: str, b: str) -> bool:
        shared = content_words(a) & content_words(b)
        needed = min(2, len(content_words(a)), len(content_words(b)))
        return len(shared) >= needed and self.score(a, b) >= self.threshold


# A word used by more distinct texts than this proposes no candidate pairs: too common to mean
# much, and pairs through it would make folding quadratic.
COMMON_WORD_LIMIT = 64


def candidate_pairs(texts: Sequence[str]) -> set[tuple[int, int]]:
    """Index pairs of texts that share a word used by at most COMMON_WORD_LIMIT of them."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        for word in content_words(text):
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

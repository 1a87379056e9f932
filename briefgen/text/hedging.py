"""What a sentence says of its own truth: a counterfactual ("the war would not have broken
out") states what did not happen, and a reported statement credits someone ("according to
Kirby", "The New York Times reported"). Pure.

Both are deliberately narrow: a false counterfactual would hide a real event, and a false
claimant would credit someone with what they did not say. English and German counterfactuals
only: the French and Italian conditionals ("aurait déployé") also mark ordinary reported news.
"""

from __future__ import annotations

import re

# Past participles that do not end in -ed or -en.
_IRREGULAR = """been had gone done made seen come become begun broken broke taken given known won
    lost met held led left fought brought built sent spent found kept felt run hit put set cut paid
    sold told thought bought caught taught fallen risen grown thrown drawn flown shown struck stood
    understood""".split()
_PARTICIPLE = r"(?:\w+ed|\w+en|" + "|".join(_IRREGULAR) + r")"
_COUNTERFACTUAL = (
    # "would not have broken out", "could've been avoided", "might never have happened"
    re.compile(
        r"\b(?:would|could|might|should)(?:\s+(?:not|never)|n['’]t)?\s+have\s+(?:\w+ly\s+)?"
        + _PARTICIPLE
        + r"\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:would|could|might|should)['’]ve\s+" + _PARTICIPLE + r"\b", re.IGNORECASE),
    # "had it not been for", "if Russia had not invaded", "if they hadn't met"
    re.compile(r"\bhad\s+(?:it|they|he|she|we|I)\s+not\b", re.IGNORECASE),
    re.compile(r"\bif\b[^.;]{0,80}?\bhad(?:\s+not|n['’]t|\s+never)\b", re.IGNORECASE),
    # German Konjunktiv II with a participle: "wäre nicht ausgebrochen", "hätte verhindert"
    re.compile(r"\b(?:wäre|wären|hätte|hätten)\b[^.;]{0,60}?\b(?:\w*ge\w+(?:t|en)|\w+iert)\b"),
)


# Every pattern above needs one of these words: a text without any (most) is read once, not
# five times (the timeline asks of every date mention of every article).
_SCREEN = re.compile(r"would|could|might|should|had|wäre|wären|hätte|hätten", re.IGNORECASE)


def counterfactual(text: str) -> bool:
    """True when `text` states what would, could, might or should have happened."""
    return _SCREEN.search(text) is not None and any(p.search(text) for p in _COUNTERFACTUAL)


# A name: capitalised words, "The New York Times", "U.S. officials" (an initial article kept).
_NAME = r"(?:(?:the|The|an?|An?)\s+)?(?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w.'’-]*"
_SAID = (
    r"(?:said|says|claimed|claims|alleged|alleges|asserted|asserts|stated|states|told|reported"
    r"|reports|insisted|insists|accused|accuses|revealed|reveals|believes|believed)"
)
_CLAIMANT = (
    re.compile(r"\b[Aa]ccording\s+to\s+(?P<who>" + _NAME + r"(?:\s+(?:report|reports|sources))?)"),
    re.compile(r"\b[Pp]er\s+(?P<who>" + _NAME + r")"),
    re.compile(r"(?P<who>" + _NAME + r")\s+" + _SAID + r"\b"),
    re.compile(r"\b" + _SAID + r"\s+(?P<who>" + _NAME + r")(?=\s*[,.;:]|\s*$)"),
    re.compile(r"\b[Cc]iting\s+(?P<who>" + _NAME + r")"),
)
_CLAIMANT_POSSESSIVE = re.compile(r"['’]s?$")
# Capitalised words that begin a sentence or name a time, not a claimant.
_NOT_NAMES = frozenset(
    """it this that these those there he she they we i you his her their its our on in at
    by during earlier later last next monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december""".split()
)


def claimant(quote: str) -> str | None:
    """Who `quote` credits with what it says, as written, or None."""
    for pattern in _CLAIMANT:
        for m in pattern.finditer(quote):
            who = _CLAIMANT_POSSESSIVE.sub("", m["who"].strip(" ,.;:"))
            words = who.split()
            named = [w for w in words if w[:1].isupper() and w.casefold() not in _NOT_NAMES]
            if not named or (len(words) == 1 and words[0].casefold() in _NOT_NAMES):
                continue
            # "On September 4, The New York Times" starts at the name, not the sentence
            while words and words[0].casefold() in _NOT_NAMES:
                words = words[1:]
            if words:
                return " ".join(words)
    return None

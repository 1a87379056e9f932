"""Text that talks to the model instead of reporting news: prompt injection, role tags.

This flag is not the defence. The defence is that article text and metadata are data: the
prompt puts the article's id, title, outlet and date as one escaped JSON line inside the fence,
and its text after it (prompts.fence keeps the text from closing the fence), and tells the model
to ignore instructions inside it; then every item the model returns must be grounded in the
article as written (extract/grounding.py). The flag is a second look for the reader: an article
that carries such instructions anyway, in its text or its metadata, is flagged here; the brief
lists the flag, and the merge keeps that article's items out of the brief, so they cannot join
or outvote another article's.

Text is normalised before matching (`normalise`): NFKC (fullwidth `＜｜im_start｜＞` is
`<|im_start|>`), zero-width characters, soft hyphens and bidi controls removed (a word split by
one is one word), accents dropped, case folded. The phrasings are English's and the common ones
of Spanish, French, German, Portuguese, Italian, Russian, Chinese, Japanese and Arabic.
"""

from __future__ import annotations

import re
import unicodedata

_INSTRUCTIONS = "instructions to the model"
_ROLE_TAGS = "chat role tags"

_PATTERNS = (
    # English
    (
        r"\b(?:ignore|disregard|forget|override|skip)\s+(?:(?:all|any|every|of|the|your|my|these|"
        r"those)\s+)*(?:previous|prior|above|earlier|preceding|foregoing|former|past|original)\s+"
        r"(?:instructions?|prompts?|directions|directives|rules|messages|context|commands|"
        r"guidelines|orders)\b",
        _INSTRUCTIONS,
    ),
    (
        r"\b(?:ignore|disregard|forget)\s+(?:all|any|your|the)\s+(?:instructions|rules|"
        r"guidelines)\b",
        _INSTRUCTIONS,
    ),
    (
        r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:(?:written|said|stated"
        r"|you\s+were\s+told)\s+)?(?:above|so\s+far|previously|until\s+now|up\s+to\s+here"
        r"|before(?=\s*(?:[.!:;]|$)))",
        _INSTRUCTIONS,
    ),
    (r"(?:^|[.!?:]\s+)you\s+are\s+now\s+(?:a|an|in)\b(?!\s+position)", _INSTRUCTIONS),
    (r"\b(?:new|updated|real)\s+(?:system\s+)?instructions?\s*:", _INSTRUCTIONS),
    (
        r"\b(?:reveal|print|repeat|show|output)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+)?prompt\b",
        _INSTRUCTIONS,
    ),
    # Spanish, Portuguese, Italian
    (
        r"\b(?:ignora|ignore|ignoren|olvida|olvide|descarta|esqueca|esquece|dimentica)\s+"
        r"(?:(?:todas|todos|tutte|tutto|todo|las|los|as|os|le|tus|suas|sus|lo|o)\s+)*"
        r"(?:instrucciones|instrucoes|istruzioni|indicaciones|ordenes|regras|reglas|regole)\s+"
        r"(?:anteriores|previas|precedentes|precedenti|previe|de\s+arriba)\b",
        _INSTRUCTIONS,
    ),
    (
        r"\b(?:ignora|olvida|esqueca|dimentica)\s+(?:todo|tudo|tutto)\s+(?:lo\s+|o\s+|quello\s+)?"
        r"(?:anterior|que\s+precede|di\s+prima|sopra|acima)\b",
        _INSTRUCTIONS,
    ),
    (
        r"\bnuevas\s+instrucciones\s*:|\bnovas\s+instrucoes\s*:|\bnuove\s+istruzioni\s*:",
        _INSTRUCTIONS,
    ),
    # French
    (
        r"\b(?:ignore[zs]?|oublie[zs]?)\s+(?:(?:toutes|tous|les|tes|vos|des)\s+)*"
        r"(?:instructions|consignes|regles|directives)\s+(?:precedentes|anterieures|ci-dessus)\b",
        _INSTRUCTIONS,
    ),
    (r"\b(?:ignore[zs]?|oublie[zs]?)\s+tout\s+ce\s+qui\s+precede\b", _INSTRUCTIONS),
    (r"\bnouvelles\s+instructions\s*:", _INSTRUCTIONS),
    # German
    (
        r"\b(?:ignoriere|ignorieren\s+sie|ignoriert|vergiss|vergessen\s+sie)\s+"
        r"(?:(?:alle|die|deine|ihre|samtliche)\s+)*(?:vorherigen|bisherigen|obigen|vorigen|"
        r"vorangegangenen|fruheren)\s+(?:anweisungen|instruktionen|befehle|regeln)\b",
        _INSTRUCTIONS,
    ),
    (r"\bneue\s+anweisungen\s*:", _INSTRUCTIONS),
    # Russian
    (
        r"(?:игнорируй|игнорируйте|забудь|забудьте|не\s+обращай\s+внимания\s+на)\s+"
        r"(?:все\s+)?(?:предыдущие|прежние|вышеуказанные)\s+(?:инструкции|указания|команды)",
        _INSTRUCTIONS,
    ),
    # Chinese, Japanese
    (
        r"(?:忽略|无视|忽视|忘记|忘掉)(?:掉)?(?:之前|以上|上面|先前|前面|上述|所有)(?:的)?"
        r"(?:所有|全部)?(?:的)?(?:指令|指示|说明|提示|规则)",
        _INSTRUCTIONS,
    ),
    (
        r"(?:以前|前|上記|これまで)の(?:すべての|全ての)?(?:指示|命令|指令)を(?:すべて|全て)?無視",
        _INSTRUCTIONS,
    ),
    # Arabic
    (r"تجاهل\s+(?:جميع\s+|كل\s+)?(?:التعليمات|الأوامر)\s+السابقة", _INSTRUCTIONS),
    # Role tags of chat templates: ChatML, Llama 2 and 3, Gemma, Phi
    (
        r"<\|?(?:im_start|im_end|system|assistant|user|endoftext|start_header_id|end_header_id|"
        r"eot_id|begin_of_text)\|?>|\[/?inst\]|<</?sys>>|<(?:start|end)_of_turn>",
        _ROLE_TAGS,
    ),
    (r"(?m)^\s*(?:###\s*)?(?:system|assistant)\s*:\s*\S", _ROLE_TAGS),
)

# Removed before matching: zero-width characters, the word joiner, the soft hyphen, the BOM,
# the Mongolian vowel separator, and bidi marks, embeddings, overrides and isolates.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
        "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff",
    )
)


def _unaccented(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """`text` as the patterns see it: NFKC, invisible characters out, accents off, case folded."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return unicodedata.normalize("NFC", _unaccented(text)).casefold()


# The patterns are written with accents (й, ё) where the language has them: folded the same way.
_COMPILED = tuple(
    (re.compile(unicodedata.normalize("NFC", _unaccented(pattern)), re.IGNORECASE), flag)
    for pattern, flag in _PATTERNS
)


def flags(text: str, *metadata: str | None) -> list[str]:
    """What in `text`, or in the article's metadata (title, outlet, id), addresses a model
    rather than a reader (empty for ordinary news)."""
    found: dict[str, None] = {}
    for part in (text, *metadata):
        if not part:
            continue
        folded = normalise(part)
        found.update((flag, None) for pattern, flag in _COMPILED if pattern.search(folded))
    return list(found)

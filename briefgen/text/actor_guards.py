"""What a weak model sends as an actor that is no actor: a common word, a sentence, the page's
furniture. Pure (package data only).

`why_not_an_actor(name, text)` says why a name is none, or returns None. Each guard errs
towards keeping a name: a wrong drop loses a person, a kept junk name only adds a line.

- A common word: every word of the name is a stop word of one of the supported languages
  (the `stop-words` package's lists for en, de, fr, it, es, pt, ru, uk: "He", "They",
  "According to", "Selon", "Secondo"). The lists hold words that are names too ("May", "Bill",
  "Young", "Ali", "Don"), so such a name is kept when the article writes it as a name: with a
  capital inside a sentence ("Theresa May", "said Bill"), not only at a sentence's start where
  every word has one. An acronym in capitals is kept ("US", "WHO", "IT").
- A sentence: a name that ends a sentence (".", "!", "?", "…" after three words or more, not
  an abbreviation: "Smith Jr.", "U.S.", "Acme Inc." are names), that is longer than any name
  (more than MAX_NAME_WORDS words), or that holds a verb of saying in one of the supported
  languages ("Putin said", "Песков заявил"). Long names with small words stay names:
  "Democratic People's Republic of Korea", "Office of the United Nations High Commissioner
  for Human Rights", "Joint Base Elmendorf-Richardson".
- The page's furniture: its labels and links ("Live updates", "Read more", "Lire aussi",
  "Читайте также", "Advertisement"), a news section's name alone ("News", "Nachrichten",
  "Новости") and a breadcrumb of sections ("News / World", "Home > Politik"). A section that
  may be an actor ("World", "Europe") is one only inside a breadcrumb.
"""

from __future__ import annotations

import re
from functools import cache

from stop_words import get_stop_words

from briefgen.text.fold import fold

STOP_WORD_LANGUAGES = ("en", "de", "fr", "it", "es", "pt", "ru", "uk")
MAX_NAME_WORDS = 12  # "Office of the United Nations High Commissioner for Human Rights": 10

COMMON_WORD = "is a common word"
SENTENCE = "reads as a sentence"
FURNITURE = "is the page's furniture"

# Verbs of saying as news writes them after a speaker, in the supported languages: a name never
# holds one ("Putin said", "Peskow sagte", "Песков заявил").
SAYING = frozenset(
    fold(w)
    for w in """said says told tells announced stated declared warned added noted claimed insisted
    sagte sagten sagt erklärte erklärt betonte warnte teilte
    déclaré affirmé affirme annoncé indiqué estimé
    detto dichiarato affermato annunciato
    dijo afirmó declaró aseguró señaló anunció
    disse afirmou declarou anunciou
    сказал сказала сказали заявил заявила заявили сообщил сообщила сообщили отметил отметила
    подчеркнул подчеркнула
    сказав заявив повідомив повідомила повідомили зазначив зазначила наголосив наголосила""".split()
)
# Labels and links a news page carries, in the supported languages (folded).
FURNITURE_PHRASES = frozenset(
    fold(p)
    for p in """live|live updates|live blog|live news|breaking news|breaking|latest news|latest|
    top stories|as it happened|read more|read also|also read|read next|see also|related|
    related articles|related stories|most read|more on this story|subscribe|sign up|newsletter|
    advertisement|sponsored|share|share this article|comments|skip to content|home|homepage|
    news|weiterlesen|mehr zum thema|lesen sie auch|auch interessant|anzeige|werbung|liveticker|
    eilmeldung|nachrichten|lire aussi|a lire aussi|lire la suite|en direct|publicite|
    abonnez-vous|actualites|leggi anche|pubblicita|in diretta|ultime notizie|notizie|leer mas|
    lea tambien|en directo|en vivo|publicidad|ultimas noticias|noticias|leia tambem|
    publicidade|noticias|читайте также|реклама|подписывайтесь|новости|главное|
    прямая трансляция|онлайн|читайте також|новини|головне|підписуйтесь|
    пряма трансляція""".replace("\n", "").split("|")
)
# Section names a breadcrumb is made of ("News / World"); some are actors alone ("Europe").
SECTIONS = FURNITURE_PHRASES | frozenset(
    fold(p)
    for p in """world|europe|asia|africa|americas|middle east|politics|business|sport|
    sports|opinion|culture|tech|technology|science|health|economy|international|politik|
    ausland|welt|wirtschaft|monde|politique|economie|esteri|mondo|politica|economia|mundo|
    internacional|мир|в мире|политика|экономика|світ|у світі|політика|економіка""".replace(
        "\n", ""
    ).split("|")
)
_CRUMB = re.compile(r"\s*(?:/|>|»|›|\|)\s*")
_END = re.compile(r"[.!?…]+[\"'”»)]*$")
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]\.)+$|^[A-Z][a-z]{0,3}\.$")  # "U.S.", "Jr.", "Inc."
# What may stand before a word that begins a sentence: the text's start, a sentence's end, a
# line break, an opening quote or a dash.
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n\"“”«»„'‘’(\[–—-])\s*$")


@cache
def stop_words() -> frozenset[str]:
    """The stop words of STOP_WORD_LANGUAGES, folded."""
    return frozenset(fold(w) for lang in STOP_WORD_LANGUAGES for w in get_stop_words(lang))


def _written_as_a_name(name: str, text: str) -> bool:
    """The article writes `name` with its capitals where a sentence does not begin."""
    for found in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
        if not _SENTENCE_START.search(text[max(0, found.start() - 3) : found.start()]):
            return True
    return False


def is_common_word(name: str, text: str) -> bool:
    """Every word of `name` is a stop word, and the article does not write it as a name."""
    words = fold(name).split()
    if not words or not all(w in stop_words() for w in words):
        return False
    bare = re.sub(r"[^\w]", "", name)
    if len(bare) >= 2 and bare.isupper():
        return False  # an acronym: "US", "WHO"
    return not (name[:1].isupper() and _written_as_a_name(name.strip(), text))


def is_sentence_like(name: str) -> bool:
    """A clause, not a name: it ends a sentence, is longer than a name or holds a verb of
    saying."""
    words = name.split()
    if len(words) > MAX_NAME_WORDS:
        return True
    if len(words) >= 2 and any(fold(w) in SAYING for w in words):
        return True
    stripped = name.strip()
    if len(words) >= 3 and _END.search(stripped):
        last = words[-1].rstrip("\"'”»)")
        return not (last.endswith(".") and _ABBREVIATION.match(last))
    return False


def is_furniture(name: str) -> bool:
    """A page's label or link, a news section's name, or a breadcrumb of sections."""
    plain = fold(name.strip(" ,.:;"))
    if plain in FURNITURE_PHRASES:
        return True
    parts = [fold(p) for p in _CRUMB.split(name.strip()) if p.strip()]
    return len(parts) > 1 and all(p in SECTIONS for p in parts)


def why_not_an_actor(name: str, text: str) -> str | None:
    """Why `name`, sent as an actor of the article `text`, is no actor; None when it may be."""
    if is_furniture(name):
        return FURNITURE
    if is_sentence_like(name):
        return SENTENCE
    if is_common_word(name, text):
        return COMMON_WORD
    return None

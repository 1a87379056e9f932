"""Cleaning article text: removing the noise real article text carries (bylines, subscription
ads, photo credits, links to other stories, leftovers of an LLM rewrite that refused, and the
furniture a scraped page leaves in its text: video-player and ad labels, image credits and
captions, newsletter sign-ups, share buttons, cookie banners, datelines and timestamps,
"Source: … Editor: …" trailers, an outlet's self-promotion), and recording every removal, so
nothing disappears silently. The model sees, and evidence quotes are checked against, the
cleaned text.

Two passes. A line that is noise as a whole goes (the line rules). In what stays, furniture is
found wherever it stands, also inside a long line (a scraped page often gives a whole article
on one line): known phrases, anchored to phrase boundaries, never inside quotation marks. A
phrase that could also be the start of a sentence ("Getty Images", "Replay", a date) goes only
where it stands alone: after a sentence end, a line start or other furniture, and followed by
the end, a new phrase or more furniture, not by ", the photo agency," or a verb. Where the end
of a caption or headline is not clear, only its label goes. The characters of what stays are
unchanged; where something was cut out of a line, the spaces around the cut become one.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from briefgen.ingest.metadata import SourceMeta
from briefgen.schemas import Removed

# --- cleaning whole lines --------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_BYLINE = re.compile(
    # A line ending like a sentence ("By Tuesday, Kim had left.") is article text, not a byline.
    r"^(?:Written by|By)\s+(?![^\n]*[a-z]{3}[.!?][\"”’']?\s*$)"
    rf"(?P<author>[^\n]{{2,60}}?)"
    rf"(?:\s+on\s+(?P<date>(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}))?\s*$",
)
_REFUSAL = re.compile(
    r"^[\"“”'\s]*(?:I cannot (?:reword|rephrase|rewrite|fulfil|comply|help)|I can[’']t (?:reword|"
    r"rephrase|rewrite|help)|I[’']m sorry, but|As an AI(?: language model)?)\b",
    re.IGNORECASE,
)
_PHOTO = re.compile(
    r"^(?:(?:AP|AFP|Getty|Reuters|EPA|Shutterstock)(?: Images| Photo)?|\d{4} photo of .{0,120}|"
    r"(?:Photo|Image|File photo|Pictured)\s*[:|].{0,160})$",
    re.IGNORECASE,
)
_RELATED = re.compile(r"^(?:You can also read|Also read|Read more|Related|See also)\s*:", re.I)
_SUBSCRIBE = re.compile(
    r"^(?:Subscribe to|Subscribe now|Sign up for|Support our journalism)\b", re.I
)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_BLANKS = re.compile(r"\n{3,}")
_PITCH_HEADING = 300
_LINK_LINE = 200

REFUSAL = "model refusal remnant"
BYLINE = "byline"
PHOTO = "photo caption or credit"
RELATED = "link to another story"
SUBSCRIPTION = "subscription advertisement"
VIDEO = "video or ad furniture"
NEWSLETTER = "newsletter or subscription prompt"
SHARE = "share buttons"
COOKIES = "cookie notice"
DATELINE = "dateline or timestamp"
TRAILER = "source and editor trailer"
PROMOTION = "outlet self-promotion"
COUNTER = "view, share or comment counter, or reading time"


def _line_noise(line: str) -> str | None:
    """The reason a single line is noise, or None when it is article text."""
    if _REFUSAL.match(line) and len(line) < 200 and not _more_after_first(line):
        return REFUSAL
    if (byline := _BYLINE.match(line)) and _names(byline["author"]):
        return BYLINE
    if _PHOTO.match(line):
        return PHOTO
    if _RELATED.match(line) and len(line) <= _LINK_LINE and not _more_after_first(line):
        return RELATED  # a longer line may be a whole story after the link: see _furniture
    return None


def _names(author: str) -> bool:
    """Whether a byline's author reads like names: it starts with a capital ("By the end of
    May, ..." is text) and holds no sentence end ("By Tuesday, Kim had left. Skip Ad")."""
    return author[0].isupper() and not re.search(r"[.!?]\s", author)


def _more_after_first(line: str) -> bool:
    """Whether more text follows the line's first sentence (or its opening quotation): a story
    scraped onto one line may begin with a refusal remnant, which then goes alone."""
    if line[:1] in '“"':
        close = line.find("”" if line[0] == "“" else '"', 1)
        end = None if close == -1 else close + 1
    else:
        end = _sentence_end(line, 0, len(line))
    return end is not None and len(line[end:].split()) >= 3


# --- furniture anywhere in a line --------------------------------------------------------------

# Words that begin a sentence and seldom stand inside a caption or a name: where one follows a
# word that is not a preposition or the like, a new sentence has probably begun.
_STARTERS = frozenset(
    "The A An He She It They We His Her Their Its This These Those There But However Meanwhile "
    "According Officials".split()
)
# Words after which a capitalised word continues the phrase ("in Vladivostok", "said The").
_FUNCTION = frozenset(
    "a an the and or but nor of in on at to for from with by as via into onto over under about "
    "after before than that which who whose when where while is are was were be been being has "
    "have had will would can could may might must shall should said says told our your my its "
    "their his her this these those near between among against during amid without within".split()
)
# A full stop after these is not a sentence end: a name follows. (After "U.S." or "Sept." it
# may be; taking it for one keeps a cut short, which is the safe side.)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen lt col sgt capt cmdr adm rep sen gov pres prof rev".split()
)
_STARTER_WORDS = "|".join(sorted(_STARTERS))
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)
# Lowercase words a name follows ("leader Kim Jong Un", "spokesman Dmitry Peskov").
_LEADS_TO_NAME = frozenset(
    "leader president minister spokesman spokeswoman spokesperson secretary chancellor king "
    "queen premier general envoy ambassador chairman adviser director counterpart official "
    "officials prince princess senator governor mayor commander chief head".split()
)

_MONTH = rf"(?:{_MONTHS}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![\w])"
_WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?)(?![\w])"
)
_DAY_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})(?!\d)"
)
_ZONE = r"(?:ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST|KST|JST|MSK|HKT|IST)"
_TIME = rf"\d{{1,2}}[:.]\d{{2}}(?:\s*(?:[ap]\.m\.|[AaPp][Mm]\b))?(?:\s+{_ZONE}\b)?"
_STAMP_DATE = rf"(?:{_WEEKDAY},?\s+)?{_DAY_DATE}"
_STAMP_JOIN = r"(?:\s*[,|/]\s*|\s+(?:at\s+)?|\s+[-–—]\s+)"
# A time and a date, either way round ("10:07 AM ET, Tue September 12, 2023"); never two dates.
_STAMP = rf"(?:{_TIME}(?:{_STAMP_JOIN}{_STAMP_DATE})?|{_STAMP_DATE}(?:{_STAMP_JOIN}{_TIME})?)"
_AGENCY = (
    r"(?:Getty Images|Getty|REUTERS|Reuters|AFP|AP|EPA-EFE|EPA|SPUTNIK|Sputnik|KCNA|YONHAP|"
    r"Yonhap|XINHUA|Xinhua|TASS|POOL|Pool|Anadolu|Bloomberg|Shutterstock|Alamy|NurPhoto|"
    r"PA Images|PA|dpa|UPI|KREMLIN|Kremlin)(?![\w])"
)
_NAME_WORD = (
    rf"(?!(?:{_STARTER_WORDS}|Updated|Published|Posted|Last|First|For|Image|Photo)\b)"
    r"[A-Z](?:[\w’'-]|\.(?=\w))*"  # a full stop inside ("D.C"), never at the end ("Tuesday.")
)
_CREDIT = (
    # "AFP/Getty Images", "SPUTNIK/VIA REUTERS", "Mikhail Klimentyev/Sputnik",
    # "REUTERS/Kim Hong-Ji", "AP Photo/Lee Jin-man", "AFP via Getty Images", "Getty Images".
    rf"(?:(?:{_NAME_WORD}\s+)?{_NAME_WORD}\s*/\s*(?:VIA\s+|via\s+)?{_AGENCY}"
    rf"|{_AGENCY}(?:\s+Photo)?\s*/\s*(?:VIA\s+|via\s+)?"
    rf"(?:{_AGENCY}|{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
    rf"|(?:{_NAME_WORD}\s+)?{_AGENCY}\s+VIA\s+{_AGENCY}"
    rf"|(?:AP|AFP|EPA|Reuters|REUTERS|Xinhua|Yonhap)\s+Photo(?![\w])|{_AGENCY})"
)
_SOCIAL = r"(?:Twitter|Facebook|Instagram|Telegram|YouTube|LinkedIn|TikTok|WhatsApp|Gab|VK|X)"
_BUTTON = (
    r"(?:Share|Tweet|Email|E-mail|Print|Facebook|Twitter|WhatsApp|Pinterest|LinkedIn|Reddit|"
    r"Messenger|Copy link|Copy Link|Comments?)"
)

# Labels of a page's stamp, in the languages briefgen reads.
_STAMP_LABEL = (
    r"Last updated|Updated|Published|Posted|First published|Last modified|Edited|"
    r"Zuletzt aktualisiert|Aktualisiert(?:\s+am)?|Veröffentlicht(?:\s+am)?|Stand|"
    r"Mis à jour(?:\s+le)?|Publié(?:\s+le)?|Modifié(?:\s+le)?|Actualizado(?:\s+el)?|"
    r"Publicado(?:\s+el)?|Aggiornato(?:\s+(?:il|alle))?|Pubblicato(?:\s+il)?|"
    r"Обновлено|Опубликовано|Оновлено|Опубліковано"
)
_FEW = r"\d+|an?|one|a few|einer?|einem|wenigen|une?|quelques|una?|unos|unas|un|pochi"
# "2 hours ago", "vor 3 Stunden", "il y a 2 heures", "hace 2 horas", "2 ore fa", "2 часа назад"
_RELATIVE = (
    rf"(?:{_FEW})\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
    r"\s+ago|just now|moments ago|"
    rf"vor\s+(?:{_FEW})\s+(?:Sekunden?|Minuten?|Stunden?|Tag(?:en)?|Wochen?|Monat(?:en)?|Jahr(?:en)?)|"
    rf"il y a\s+(?:{_FEW})\s+(?:secondes?|minutes?|min|heures?|h|jours?|semaines?|mois|ans?)|"
    rf"hace\s+(?:{_FEW})\s+(?:segundos?|minutos?|horas?|días?|semanas?|meses?|años?)|"
    r"\d+\s+(?:secondi|minuti|or[ae]|giorni|settimane|mesi)\s+fa|"
    r"\d+\s+(?:секунд[уы]?|минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юиь]|месяц(?:а|ев)?)"
    r"\s+назад|"
    r"\d+\s+(?:секунд[уи]?|хвилин[уи]?|годин[уи]?|дн(?:і|ів)|день|тижн(?:і|ів)|місяц(?:і|ів))"
    r"\s+тому"
)
# "15.08.2025, 10:07 Uhr", "15/08/2025 à 10h07", "10:07 Uhr", "06:50 GMT"
_NUMERIC_STAMP = (
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:,?\s*(?:à\s*|um\s*|в\s*|о\s*)?\d{1,2}[:.h]\d{2}"
    r"(?:\s*Uhr)?)?|\d{1,2}[:.h]\d{2}\s*(?:Uhr|GMT|UTC|MSK|CET|CEST)"
)
_COUNT = r"(?:\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[.,]\d)?\s?[KkMm]?(?![\w]))"
_COUNTED = (
    r"views|shares|comments|reads|likes|Aufrufe|Kommentare|vues|commentaires|partages|"
    r"visualizaciones|comentarios|visualizzazioni|commenti|просмотр(?:а|ов)?|"
    r"комментари(?:й|я|ев)|переглядів|перегляди|коментар(?:і|ів)"
)
_READING = (
    r"\d+\s*(?:-\s*)?(?:min(?:ute)?s?\.?)\s+read(?![\w])|"
    r"(?:Reading time|Read time|Lesezeit|Lesedauer|Temps de lecture|Tiempo de lectura|"
    r"Tempo di lettura|Время чтения|Час читання)\s*:?\s*(?:ca\.\s*)?\d+\s*"
    r"(?:minutes?|mins?|Minuten|min|minutos|minuti|минут[ыа]?|мин|хвилин[иа]?|хв)(?![\w])\.?"
)


@dataclass(frozen=True)
class _Rule:
    """A kind of furniture. `pattern` finds it (or the label that begins it); the rest says
    where it may stand and how far it reaches."""

    reason: str
    pattern: re.Pattern[str]
    starts: bool = False  # must begin a phrase: line start, sentence end, other furniture
    ends: bool = False  # must be followed by a phrase boundary, not ", the agency" or a verb
    tail: str = ""  # "": the match; "heading", "credit" or "sentence": the label and what follows
    cap: int = 0  # how far a tail may reach, in characters
    back: int = 0  # "sentence": how far back the sentence may begin before the match
    needs: re.Pattern[str] | None = None  # "sentence": the sentence must also say this
    marker_alone: bool = True  # tail unclear: the label alone goes (else nothing)
    titles: bool = False  # "heading": a Title Case headline running into text is unclear
    not_before: re.Pattern[str] | None = None  # not furniture when followed by this
    shrinks: bool = False  # a shorter match may stand where the longest does not (dates)


def _rule(reason: str, pattern: str, flags: int = 0, **kw: Any) -> _Rule:
    return _Rule(reason, re.compile(pattern, flags), **kw)


def _exact(reason: str, *phrases: str, **kw: Any) -> _Rule:
    """Known phrases, literally (a phrase given as r"..." may carry a little regex)."""
    alternatives = "|".join(phrases)
    return _rule(reason, rf"(?<![\w])(?:{alternatives})(?![\w])", **kw)


_RULES: tuple[_Rule, ...] = (
    # --- video players and ads
    _exact(
        VIDEO,
        r"Skip Ad",
        r"Skip in Skip",
        r"Ad Loading(?:\.\.\.|…)?",
        r"(?:x )?Embed x Share(?: x (?:Embed|Share))*",
        r"x Embed",
        r"x Share",
        r"Play slideshow(?: \d+ of \d+)?",
        r"Cancel Play",
        r"Replay Video",
        r"Media playback is unsupported on your device",
        r"Your browser does not support (?:the video tag|HTML5 video|video)\.?",
        r"Sorry, the video player failed to load\.?(?: ?\(Error Code: \d+\))?",
        r"A link has been posted to your Facebook feed\.",
        r"Continue reading the main story",
        r"Story continues below(?: this)? advertisement",
        r"Article continues below(?: this)? (?:advertisement|ad)",
        r"Advertisement - (?:story|article) continues below",
        r"Scroll to continue with content",
        r"Show Thumbnails",
        r"Show Captions",
        r"Last Slide Next Slide",
        r"Ad Feedback",
        ends=True,
    ),
    _exact(
        VIDEO,
        r"Autoplay",
        r"Replay",
        r"Advertisement",
        r"ADVERTISEMENT",
        r"Next Slide",
        r"Previous Slide",
        r"Watch Video",
        r"Watch the video",
        r"Now Playing",
        r"Up Next",
        r"Fullscreen",
        r"Video Unavailable",
        r"Loading video",
        r"Posted!",
        starts=True,
        ends=True,
    ),
    # --- image credits and captions
    _exact(PHOTO, r"Image copyright", r"Image source,?", r"Picture copyright", tail="credit"),
    # A caption without a full stop runs into the text that follows, whose full stop (or the
    # next furniture) is then far: only a near end counts.
    _exact(PHOTO, r"Image caption,?", r"Media caption,?", tail="heading", cap=100),
    _rule(
        PHOTO,
        r"\((?:Photos?|Image|Images|Pictures?|Photograph|Photo credit|Credit|Video)\s*:\s*"
        r"[^()\n]{1,120}\)",
    ),
    _rule(
        PHOTO,  # "(AP Photo/Ahn Young-joon, File)", "(AFP/Getty Images)"; not "(Reuters)"
        rf"\((?:{_AGENCY}\s+(?:Photo|Images)(?:\s*/\s*[^()\n]{{1,80}})?|{_AGENCY}\s*/\s*"
        r"[^()\n]{1,80}|[^()\n]{1,60}?(?:/|\s+via\s+|\s+VIA\s+)\s*"
        rf"{_AGENCY}(?:\s+Photo)?)(?:,\s*File)?\)",
    ),
    _exact(PHOTO, r"Buy Photo"),
    _rule(
        PHOTO,
        r"(?<![\w])(?:Photo|Photograph|Picture|Image|Credit|Photo credit)s?(?::| by)\s+",
        starts=True,
        tail="credit",
        marker_alone=False,
    ),
    _rule(
        PHOTO,  # a credit with a slash or VIA is never prose
        rf"(?<![\w])(?:{_NAME_WORD}\s+)?{_NAME_WORD}\s*/\s*(?:VIA\s+|via\s+)?{_AGENCY}"
        rf"|(?<![\w]){_AGENCY}(?:\s+Photo)?\s*/\s*(?:VIA\s+|via\s+)?"
        rf"(?:{_AGENCY}|{_NAME_WORD}(?:\s+{_NAME_WORD})?)(?![\w])"
        rf"|(?<![\w])(?:{_NAME_WORD}\s+)?{_AGENCY}\s+VIA\s+{_AGENCY}",
    ),
    _rule(
        PHOTO,
        rf"(?<![\w])(?:{_NAME_WORD}\s+)?{_AGENCY}\s+via\s+{_AGENCY}",
        starts=True,
        ends=True,
    ),
    _exact(
        PHOTO,
        r"Getty Images",
        r"AP Images",
        r"AP Photo",
        r"AFP Photo",
        r"Reuters Photo",
        r"EPA Photo",
        starts=True,
        ends=True,
        # "Getty Images Chief Executive Craig Peters said ..." names the company.
        not_before=re.compile(
            r"(?:Chief|CEO|President|Chairman|Director|Executive|Editor|Inc|Ltd|Group|Holdings|"
            r"Co|Corp|Spokes\w*)\b"
        ),
    ),
    # --- newsletters and subscriptions
    _exact(
        NEWSLETTER,
        r"Get (?:daily|weekly) (?:updates|news)(?: directly)? (?:to|in) your inbox",
        r"Subscribe Thank you for subscribing!?",
        r"Thank you for subscribing!?",
        r"We have more newsletters(?: Show me)?",
        r"See our privacy notice",
        r"Invalid Email",
        r"Invalid email address",
        r"Something went wrong, please try again later\.?",
        r"Sign up (?:for|to) (?:our|the) (?:free |daily |weekly )?newsletters?",
        r"Enter your email address",
        ends=True,
    ),
    _exact(NEWSLETTER, r"Get daily updates", r"Subscribe", r"Sign Up", starts=True, ends=True),
    # --- share buttons and links to other stories
    _rule(SHARE, r"(?<![\w])Read or Share this story:(?:\s*https?://\S+)?"),
    _exact(
        SHARE,
        rf"Share this (?:article|story|page|post)(?: (?:on|via) {_SOCIAL})?",
        rf"Share (?:on|via) (?:{_SOCIAL}|Email|E-mail|Messenger|Pinterest|Reddit)",
        rf"Click to share on {_SOCIAL}(?: \(Opens in new window\))?",
        ends=True,
    ),
    _exact(SHARE, rf"{_BUTTON}(?: {_BUTTON})+", starts=True, ends=True, shrinks=True),
    _rule(
        RELATED,
        r"(?<![\w])(?:READ MORE|Read more|Read More|READ ALSO|Read also|Read next|READ NEXT|"
        r"You can also read|Also read|ALSO READ|See also|Related|RELATED|MORE|Recommended)"
        r"\s*:",
        starts=True,
        tail="heading",
        cap=120,
        titles=True,
    ),
    _exact(
        RELATED,
        r"Related Articles",
        r"Related Stories",
        r"Related Coverage",
        r"Most Read",
        r"Trending Now",
        r"Recommended for you",
        starts=True,
        ends=True,
    ),
    # --- cookie banners
    _rule(
        COOKIES,
        r"(?<![\w])(?:We use cookies|We and our partners use cookies|This (?:web)?site uses "
        r"cookies|By (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:web)?site|"
        r"We also share information about your use of our site)(?![\w])",
        starts=True,
        tail="sentence",
        cap=250,
        marker_alone=False,
    ),
    _exact(
        COOKIES,
        r"Accept (?:all|All) (?:cookies|Cookies)",
        r"Accept (?:cookies|Cookies)",
        r"Reject (?:all|All)(?: (?:cookies|Cookies))?",
        r"(?:Cookie|Cookies) (?:settings|Settings|Policy|policy|preferences|Preferences)",
        r"Manage (?:cookies|Cookies|preferences|Preferences)",
        starts=True,
        ends=True,
    ),
    # --- bylines, datelines, timestamps (repeated bylines: see _repeats)
    _rule(
        DATELINE,
        r"(?<![\w])(?:Last updated|Updated|Published|Posted|First published|Last modified)"
        rf"(?:\s+on)?\s*:?\s*{_STAMP}",
        ends=True,
        shrinks=True,
    ),
    # A stamp that changes on every visit ("Updated 2 hours ago", "vor 3 Stunden", "il y a 2
    # heures", "2 часа назад") and a stamp in brackets ("(Last updated: 06:50 GMT)") go whole:
    # left in, they make an unchanged article look new to the cache on every run.
    _rule(
        DATELINE,
        rf"\(\s*(?:{_STAMP_LABEL})\s*:?\s*[^()\n]{{1,60}}\)",
        re.I,
    ),
    _rule(
        DATELINE,
        rf"(?<![\w])(?:(?:{_STAMP_LABEL})\s*:?\s*)?(?:{_RELATIVE})(?:\.(?=\s|$))?",
        re.I,
        starts=True,
        ends=True,
    ),
    _rule(
        DATELINE,
        rf"(?<![\w])(?:{_STAMP_LABEL})\s*:?\s*(?:{_NUMERIC_STAMP})(?:\.(?=\s|$))?",
        re.I,
        ends=True,
    ),
    # --- counters and reading times: "Views: 1,204", "1.377 Aufrufe", "5 min read"
    _rule(
        COUNTER,
        rf"(?<![\w])(?:{_COUNTED})\s*:\s*{_COUNT}(?![\w])"
        rf"|(?<![\w]){_COUNT}\s+(?:{_COUNTED})(?![\w])"
        rf"|(?<![\w])(?:{_READING})",
        re.I,
        starts=True,
        ends=True,
    ),
    _rule(
        # "Tue, March 22, 2016", "September 5, 2023 10:07 AM": a slideshow's or a page's
        # timestamp. A date alone ("September 10, 2023 Kim leaves Pyongyang") may head an entry
        # of a timeline, twice the same date for two events: it stays.
        DATELINE,
        rf"(?<![\w])(?:{_WEEKDAY},?\s+{_DAY_DATE}(?:(?:,\s*|\s+(?:at\s+)?){_TIME})?|"
        rf"{_DAY_DATE}(?:,\s*|\s+(?:at\s+)?){_TIME})",
        starts=True,
        ends=True,
        shrinks=True,
    ),
    _rule(
        DATELINE,  # "SEOUL (Reuters) -", "WASHINGTON, D.C. (AP) —", "(CNN)"
        r"(?:(?<![\w])[A-Z]{2,}(?:[-’'][A-Z]+)*(?:\s+[A-Z]{2,}(?:[-’'][A-Z]+)*){0,2}(?:,\s+[A-Z][\w.]+"
        rf"(?:\s+[A-Z][\w.]+)?)?(?:,\s+{_MONTH}\s+\d{{1,2}})?\s+)?"
        r"\((?:Reuters|AP|AFP|CNN|UPI|Xinhua|Yonhap|Sputnik|TASS|dpa|Bloomberg|KCNA)\)"
        r"(?:\s*[-–—]+\s*)?",
        starts=True,
    ),
    # --- "Source: Xinhua Editor: Li Yan"
    _rule(
        TRAILER,
        r"(?<![\w])\(?Source\s*:\s*[^():\n]{1,60}?\)?\s*(?:Editor|Editors|Responsible editor|"
        rf"Edited by)\s*:?\s*(?:{_NAME_WORD}|[\u4e00-\u9fff]+)(?:\s+(?:{_NAME_WORD}|"
        r"[\u4e00-\u9fff]+))?",  # a name of one or two words: a third may begin the text
    ),
    _rule(
        TRAILER,
        r"(?<![\w])(?:Source|Editor|Responsible editor)\s*:\s*[^.:\n]{1,40}$",
        starts=True,
    ),
    # --- an outlet's self-promotion
    _rule(
        PROMOTION,
        r"(?<![\w])is the place for(?![\w])",
        tail="sentence",
        back=120,
        cap=200,
        needs=re.compile(
            r"\b(?:news|analysis|coverage|updates|stories|opinion|commentary|information|you|"
            r"your|latest)\b",
            re.I,
        ),
        marker_alone=False,
    ),
    _rule(
        PROMOTION,
        r"(?<![\w])(?:become our patron|become a patron|support us on Patreon)(?![\w])",
        tail="sentence",
        back=150,
        cap=100,
        marker_alone=False,
    ),
    _rule(
        PROMOTION,
        r"(?<![\w])support us(?![\w])",
        tail="sentence",
        back=100,
        cap=100,
        needs=re.compile(r"patron|Patreon|donat|PayPal|our work|our journalism", re.I),
        marker_alone=False,
    ),
    _rule(
        PROMOTION,
        rf"(?<![\w])(?:Follow|Like|Join) us on {_SOCIAL}(?:(?:,| and| &) {_SOCIAL})*"
        r"(?:\s+@\w+)?(?![\w])",
        tail="sentence",
        cap=80,
    ),
    # --- an LLM rewrite that refused, inside a line: only its unmistakable forms
    _rule(
        REFUSAL,
        r"[“\"](?:I cannot|I can[’']t|I can not|I am unable to|I[’']m unable to) "
        r"(?:reword|rephrase|rewrite|paraphrase)[^“”\"\n]{0,60}[”\"]",
        re.I,
        starts=True,
        ends=True,
    ),
    _rule(
        REFUSAL,
        r"(?<![\w])(?:(?:I cannot|I can[’']t|I can not|I am unable to|I[’']m unable to|"
        r"I[’']m sorry, but I (?:cannot|can[’']t)) (?:reword|rephrase|rewrite|paraphrase|fulfil|"
        r"fulfill|comply with)|As an AI language model)(?![\w])",
        starts=True,
        tail="sentence",
        cap=200,
        marker_alone=False,
    ),
)

_WRITTEN_BY = re.compile(
    rf"(?<![\w])Written by\s+(?P<author>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})\s+on\s+"
    rf"(?P<date>(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}})(?!\d)"
)
_STAMPED_BYLINE = re.compile(
    # "By Jane Roe, CNN Updated 10:07 AM ET, Tue September 5, 2023": a byline before a stamp.
    rf"(?<![\w])By\s+(?!{_WEEKDAY}|{_MONTH})(?P<author>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|and))"
    rf"{{0,4}})(?:(?:\s*[,|]\s*|\s+[Ff]or\s+){_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})?"
    rf"(?=\s*[|,]?\s*(?:(?:Last updated|Updated|Published|Posted)\b|{_STAMP}))"
)
_BYLINE_RULES = (
    _Rule(BYLINE, _WRITTEN_BY),
    _Rule(BYLINE, _STAMPED_BYLINE),
)

_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|admitted|added|reported|reports|wrote|claimed|announced|"
    r"according to|quoted)\b"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s|$)")
_PHRASE_END_BEFORE = re.compile(r"(?:[.!?…:|•·]|[.!?…][\"”’')\]]+)$")
_STARTER_AHEAD = re.compile(rf"\s+(?=(?:{_STARTER_WORDS})\b)")
_CAPITAL_AHEAD = re.compile(r"\s+(?=[A-Z0-9“\"])")
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_TOKEN = re.compile(r"\S+")
_NEAR_STOP = 60
_NOT_AFTER = ",;:'’([{&-–—/"
_SEPARATORS = " \t|•·/–—-"
_NO_SPACE = ("", ".", ",", ";", ":", "!", "?", ")", "”", "’")
_CREDIT_AT = re.compile(_CREDIT)


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    reason: str
    author: str | None = None
    published: str | None = None


def _quoted(line: str) -> list[tuple[int, int]]:
    """(open, close) of each quotation: curly quotes pair, straight ones alternate; one that
    does not close within 600 characters reaches that far (or to the line's end)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(line):
        mark = line[i]
        if mark in '“"':
            close = line.find("”" if mark == "“" else '"', i + 1)
            if close == -1 or close - i > 600:
                close = min(len(line), i + 600)
            spans.append((i, close))
            i = close + 1
        else:
            i += 1
    return spans


def _sentence_end(line: str, i: int, limit: int) -> int | None:
    """The end of the first sentence ending in line[i:limit], past abbreviations."""
    for m in _SENTENCE_END.finditer(line, i):
        if m.end() > limit:
            return None
        if m.group()[0] == "." and _abbreviation(line, m.start()):
            continue
        return m.end()
    return None


def _abbreviation(line: str, dot: int) -> bool:
    return _last_word(line, dot).lstrip('(“"').lower() in _ABBREVIATIONS


# Helpers that look at a line near a position, never slicing it to the end: a whole story on
# one line may run to megabytes.
_SPACES = re.compile(r"\s*")


def _skip(line: str, i: int) -> int:
    """The position of the first non-space at or after i."""
    match = _SPACES.match(line, i)
    return match.end() if match else i


def _back(line: str, i: int) -> int:
    """The position just after the last non-space before i."""
    while i > 0 and line[i - 1].isspace():
        i -= 1
    return i


def _last_word(line: str, i: int) -> str:
    """The word that ends before i (spaces aside)."""
    end = start = _back(line, i)
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:end]


def _new_sentence(line: str, i: int, limit: int, *, caption: bool = False) -> int | None:
    """Where a new sentence probably begins in line[i:limit]: a starter word ("The", "He") or
    a capitalised word, a number or a quote after a word that does not lead into it ("on
    Wednesday North Korea's ..."; not "in Vladivostok", "leader Kim"). In a `caption`, which is
    written in sentence case, a starter word begins a sentence whatever comes before it."""
    found = None
    for m in _STARTER_AHEAD.finditer(line, i, limit):
        before = _word_before(line, m.start())
        if before not in _FUNCTION or (caption and before not in ("the", "a", "an")):
            found = m.start()
            break
    for m in _CAPITAL_AHEAD.finditer(line, i, found or limit):
        word = _last_word(line, m.start()).strip(",;:")
        lowered = word.lower()
        if lowered in _FUNCTION or lowered in _LEADS_TO_NAME:
            continue
        if word[:1].isupper() and line[m.end()].isalpha() and lowered not in _CALENDAR:
            continue  # "Kim Jong Un", "Vladimir Putin": a name goes on ("Wednesday North" not)
        return m.start()
    return found


def _word_before(line: str, i: int) -> str:
    return _last_word(line, i).strip(",;:").lower()


class _Line:
    """One line, its quotations, the candidate furniture in it, and the cuts made so far."""

    def __init__(self, line: str, rules: tuple[_Rule, ...]):
        self.line = line
        self.quotes = _quoted(line)
        found = [
            (m.start(), -m.end(), n, m)
            for n, r in enumerate(rules)
            for m in r.pattern.finditer(line)
        ]
        found.sort(key=lambda x: (x[0], x[1], x[2]))
        self.candidates = [(rules[n], m) for _, _, n, m in found]
        self.starts = sorted({m.start() for _, m in self.candidates})
        self.others = {
            reason: sorted({m.start() for r, m in self.candidates if r.reason != reason})
            for reason in {r.reason for r, _ in self.candidates}
        }
        self.cuts: list[_Cut] = []

    @property
    def last_end(self) -> int:
        return self.cuts[-1].end if self.cuts else 0

    def next_marker(self, i: int, unlike: str | None = None) -> int:
        """Where the next candidate furniture after i starts (or the line's end); with
        `unlike`, the next of another kind."""
        starts = self.starts if unlike is None else self.others[unlike]
        k = bisect_right(starts, i)
        return starts[k] if k < len(starts) else len(self.line)

    def starts_phrase(self, i: int) -> bool:
        before = _back(self.line, i)
        if before == 0 or (self.cuts and before <= self.last_end):
            return True
        return bool(_PHRASE_END_BEFORE.search(self.line, max(0, before - 8), before))

    def ends_phrase(self, i: int) -> bool:
        line = self.line
        ahead = _skip(line, i)
        if ahead == len(line):
            return True
        if self.next_marker(i) == ahead:
            return True  # more furniture follows
        if ahead == i and line[i].isalnum() and line[i - 1].isalnum():
            return False
        return not (line[ahead].islower() or line[ahead] in _NOT_AFTER)

    def cut(self, rule: _Rule, m: re.Match[str]) -> _Cut | None:
        """The cut this match makes, or None when it is not furniture where it stands."""
        if m.start() < self.last_end:
            return None
        start, end = m.start(), m.end()
        if rule.tail == "heading":
            heading = self._heading_end(rule, end)
            if heading is None:
                return None
            end = heading
        elif rule.tail == "credit":
            found = self._credit_end(end)
            if found is None and not rule.marker_alone:
                return None
            end = found or end
        elif rule.tail == "sentence":
            span = self._sentence(rule, m)
            if span is None:
                return None
            start, end = span
        if rule.starts and not self.starts_phrase(start):
            return None
        if rule.ends and not self.ends_phrase(end):
            if not rule.shrinks:
                return None
            # "Updated 10:07 AM ET, Tue September 12, 2023 March 22, 2016 was ...": a shorter
            # match may end where the longest one does not.
            shorter = [
                e
                for e in range(end - 1, start, -1)
                if self.line[e].isspace()
                and not self.line[e - 1].isspace()
                and rule.pattern.fullmatch(self.line, start, e)
                and self.ends_phrase(e)
            ]
            if not shorter:
                return None
            end = shorter[0]
        if rule.not_before and rule.not_before.match(self.line, _skip(self.line, end)):
            return None
        for o, c in self.quotes:
            if (start <= o < end) != (start <= c < end) or o < start < c:
                return None  # it would cut into a quotation, or it is quoted
        author = published = None
        if rule.reason == BYLINE:
            author = m.groupdict().get("author")
            published = m.groupdict().get("date")
        return _Cut(start, end, rule.reason, author, published)

    def _heading_end(self, rule: _Rule, i: int) -> int | None:
        """A caption or a headline after its label runs to a sentence end, more furniture, a new
        sentence or the line's end; where that is not clear, the label goes alone."""
        line = self.line
        first = _TOKEN.search(line, i)
        if first is None:
            return i
        if first.group()[0].islower():
            return None  # "Image caption contests are popular": text, not a caption
        limit = min(len(line), i + rule.cap)
        ends = [
            self.next_marker(i) if self.next_marker(i) <= limit else None,
            _new_sentence(line, first.end(), limit, caption=not rule.titles),
            len(line) if len(line) <= limit else None,
        ]
        found = [e for e in ends if e is not None]
        # A full stop ends a caption only near its label: one without a full stop runs into
        # the text after it, and that text's full stop is not the caption's end.
        stop = _sentence_end(line, i, len(line))
        if stop is not None and (not found or stop < min(found)):
            found = [stop] if stop - i <= _NEAR_STOP else []
        if not found:
            return i
        end = _back(line, min(found))
        if rule.titles:
            words = [w for w in _WORD.findall(line[i:end]) if w.lower() not in _FUNCTION]
            lead = words[:3]
            if lead and all(w[0].isupper() for w in lead) and any(w[0].islower() for w in words):
                return i  # a Title Case headline that runs into text: where it ends is unclear
        return end

    def _credit_end(self, i: int) -> int | None:
        """A credit after its label: a known agency ("Getty Images", "AFP/Getty Images"), or
        capitalised words up to more furniture or the line's end, near."""
        line = self.line
        credit = _CREDIT_AT.match(line, _skip(line, i))
        if credit:
            return credit.end()
        stop = min(self.next_marker(i), len(line))
        if stop - i > 60:
            return None
        words = line[i:stop].split()
        if words and all(w[0].isupper() or w[0].isdigit() or w in ("via", "/", "&") for w in words):
            return _back(line, stop)
        return None

    def _sentence(self, rule: _Rule, m: re.Match[str]) -> tuple[int, int] | None:
        """The whole sentence around the match, when it is near and clearly bounded."""
        line = self.line
        start = m.start()
        if rule.back:
            floor = max(self.last_end, m.start() - rule.back)
            ends = _sentence_ends(line, floor, m.start())
            if ends:
                start = ends[-1]
            elif floor in (0, self.last_end):
                start = floor
            else:
                return None
            start = _skip(line, start)
        after = line[_skip(line, m.end()) : _skip(line, m.end()) + 1]
        if not after or after.isupper() or after.isdigit() or after in '“"':
            end = m.end()  # a new phrase begins at once: the marker is the whole of it
        else:
            limit = min(len(line), m.end() + rule.cap)
            marker = self.next_marker(m.end(), unlike=rule.reason)
            candidates = [
                _sentence_end(line, m.end(), limit),
                marker if marker <= limit else None,
                _new_sentence(line, m.end(), limit),
                len(line) if len(line) <= limit else None,
            ]
            found = [e for e in candidates if e is not None]
            if not found:
                if not rule.marker_alone:
                    return None
                end = m.end()
            else:
                end = _back(line, min(found))
        if rule.needs and not rule.needs.search(line, start, end):
            return None
        if _REPORTING.search(line, start, end):
            return None  # "We use cookies, the company admitted": reporting, not a banner
        return start, end


def _sentence_ends(line: str, i: int, limit: int) -> list[int]:
    """Every possible sentence end in line[i:limit], after abbreviations too: looking back for
    where a sentence starts, the nearest one is the safe side."""
    return [m.end() for m in _SENTENCE_END.finditer(line, i, limit)]


def _screen(rules: tuple[_Rule, ...]) -> re.Pattern[str]:
    """One pattern that finds anything any of `rules` would: a line it finds nothing in has no
    furniture, and most lines of news have none (measured: the rules one by one were 70% of
    reading 100 cached articles)."""
    scoped = []
    for rule in rules:
        flags = "i" if rule.pattern.flags & re.IGNORECASE else ""
        scoped.append(
            f"(?{flags}:{rule.pattern.pattern})" if flags else f"(?:{rule.pattern.pattern})"
        )
    return re.compile("|".join(scoped))


_SCREEN = _screen(_RULES)


def _furniture(line: str, rules: tuple[_Rule, ...]) -> list[_Cut]:
    """The furniture in one line, left to right, adjacent cuts of one kind as one."""
    state = _Line(line, rules)
    queue = [(m.start(), -m.end(), n, m) for n, (_, m) in enumerate(state.candidates)]
    while queue:
        _, _, n, m = heapq.heappop(queue)
        rule = state.candidates[n][0]
        found = state.cut(rule, m)
        if found is not None:
            state.cuts.append(found)
            continue
        # Matches do not overlap, so one that is not furniture may hide one inside it that is:
        # "… agency KCNA. SEOUL (Reuters) -" read "KCNA. SEOUL (Reuters) -", which does not
        # begin a phrase; "Skip Ad SPUTNIK/VIA REUTERS" read "Ad SPUTNIK/VIA REUTERS".
        later = _next_word(line, m.start())
        while later < m.end():
            again = rule.pattern.match(line, later)
            if again is not None:
                state.candidates.append((rule, again))
                entry = (again.start(), -again.end(), len(state.candidates) - 1, again)
                heapq.heappush(queue, entry)
                break
            later = _next_word(line, later)
    merged: list[_Cut] = []
    for found in state.cuts:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.reason == found.reason
            and not line[last.end : found.start].strip(_SEPARATORS)
            and found.reason != BYLINE
        ):
            merged[-1] = _Cut(last.start, found.end, last.reason)
        else:
            merged.append(found)
    return merged


def _next_word(line: str, i: int) -> int:
    """Where the word after the one at i starts."""
    while i < len(line) and not line[i].isspace():
        i += 1
    return _skip(line, i)


def _without(line: str, cuts: list[_Cut]) -> str:
    """The line with the cuts taken out; the spaces around each cut become one."""
    parts: list[str] = []  # only the last one may end in spaces

    def trim() -> bool:  # drop the spaces the kept text ends in; whether there were any
        trimmed = False
        while parts:
            last = parts[-1].rstrip(" \t")
            trimmed = trimmed or last != parts[-1]
            if last:
                parts[-1] = last
                break
            parts.pop()
        return trimmed

    pos = 0
    for n, found in enumerate(cuts):
        between = line[pos : found.start]
        if n and not between.strip(_SEPARATORS):
            between = ""  # "Published: … | Updated: …": the bar goes with what it separated
        parts.append(between)
        pos = found.end
        while pos < len(line) and line[pos] in " \t":
            pos += 1
        spaced = trim() or pos != found.end
        if parts and spaced and line[pos : pos + 1] not in _NO_SPACE:
            parts.append(" ")
    parts.append(line[pos:])
    return "".join(parts)


def _repeats(lines: list[str]) -> tuple[_Rule, ...]:
    """Rules for what this text repeats: a byline again inside the text ("By Jane Roe" where
    Jane Roe signed the article)."""
    rules = list(_BYLINE_RULES)
    authors = {
        m["author"] for x in lines if (m := _BYLINE.match(x.strip())) and _names(m["author"])
    }
    for author in sorted(authors, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w])By\s+{re.escape(author)}(?![\w])")
        rules.append(_Rule(BYLINE, pattern, starts=True, ends=True))
    return tuple(rules)


# --- clean() ---------------------------------------------------------------------------------


def clean(text: str) -> tuple[str, list[Removed], SourceMeta]:
    """Cleaned text, what was removed and why, and metadata found on the way (bylines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_EMPHASIS.sub(r"\1", _MD_LINK.sub(r"\1", text))
    lines = text.split("\n")
    removed: list[Removed] = []
    found = SourceMeta()

    # A subscription pitch runs to the end; cut it only in the last third so a story that
    # mentions subscribing early on keeps its text, never at the first line, and only from a
    # line short enough to be the pitch's heading: a whole story scraped onto one line may
    # begin with a sign-up (the furniture pass takes that out).
    for i, line in enumerate(lines):
        if (
            _SUBSCRIBE.match(line.strip())
            and i >= max(1, len(lines) * 2 // 3)
            and len(line.strip()) <= _PITCH_HEADING
        ):
            pitch = Removed(reason=SUBSCRIPTION, text="\n".join(x for x in lines[i:] if x.strip()))
            lines = lines[:i]
            break
    else:
        pitch = None

    rules = _RULES + _repeats(lines)

    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        reason = _line_noise(stripped) if stripped else None
        if reason == BYLINE and found.author is None:
            match = _BYLINE.match(stripped)
            assert match is not None
            found = SourceMeta(author=match["author"], published=_parse_date(match["date"]))
        if reason is not None:
            removed.append(Removed(reason=reason, text=stripped))
            continue
        might = stripped and (
            _SCREEN.search(line) or any(r.pattern.search(line) for r in rules[len(_RULES) :])
        )
        cuts = _furniture(line, rules) if might else []
        for c in cuts:
            removed.append(Removed(reason=c.reason, text=line[c.start : c.end].strip()))
            if c.author and found.author is None:
                found = SourceMeta(author=c.author, published=_parse_date(c.published))
        rest = _without(line, cuts).rstrip()
        if cuts and not rest.strip():
            continue  # nothing but furniture: the line goes as a whole
        kept.append(rest)
    if pitch is not None:
        removed.append(pitch)  # the report goes in the text's order
    cleaned = _BLANKS.sub("\n\n", "\n".join(kept)).strip()
    return cleaned, removed, found


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return None


# Titles a page gives that name a section or a format, not the story.
_FURNITURE_TITLES = frozenset(
    {
        "live", "live updates", "live blog", "live news", "breaking news", "breaking",
        "latest news", "latest", "news", "home", "homepage", "top stories", "as it happened",
        "world", "world news", "untitled", "article",
    }
)  # fmt: skip
_CRUMB = re.compile(r"\s+(?:/|>|»|›|\|)\s+")


def is_furniture_title(title: str) -> bool:
    """True when a title is the page's furniture, not the story's headline: a section or format
    name ("Live updates,", "Breaking news") or a breadcrumb of short sections ("News / World",
    "Home > World > Asia"). A headline with its outlet ("Kim to meet Putin | Reuters") is not."""
    plain = " ".join(re.sub(r"[^\w\s/>»›|]", " ", title.casefold()).split())
    if plain in _FURNITURE_TITLES:
        return True
    parts = _CRUMB.split(plain)
    return len(parts) > 1 and all(
        len(part.split()) <= 2 and (part in _FURNITURE_TITLES or len(part.split()) == 1)
        for part in parts
    )


def guess_title(text: str) -> str | None:
    """The first line, when it reads like a headline: short and followed by more text."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 10 <= len(first) <= 150:
        return first
    return None

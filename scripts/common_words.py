"""Write briefgen/data/common_words.txt and common_stems.txt from wordfreq's word lists.

    python scripts/common_words.py        (needs `pip install wordfreq`; run when the lists or
                                           COMMON_ZIPF / LANGUAGES in briefgen/stories.py change)

Story grouping counts a shared word as evidence only when it is not common in any of the wire
languages. The words come from wordfreq (https://github.com/rspeer/wordfreq), whose word lists
are CC BY-SA 4.0: at Zipf frequency COMMON_ZIPF and up, in English, Italian, French, Spanish,
German, Portuguese and Russian. briefgen reads the two files, not wordfreq itself: the package
is a 56 MB install and takes about a second per process to load its lists, for what is a fixed
set of some 46,000 words (330 KB) once made.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from wordfreq import get_frequency_dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefgen.text.stems import stem  # noqa: E402
from briefgen.text.words import COMMON_ZIPF, LANGUAGES  # noqa: E402

HEADER = (
    "# Words of Zipf frequency {zipf} and up in any of {langs}, from wordfreq {version}'s lists\n"
    "# (CC BY-SA 4.0, https://github.com/rspeer/wordfreq). Made by scripts/common_words.py.\n"
)


def main() -> int:
    floor = 10 ** (COMMON_ZIPF - 9)
    words = sorted(
        {
            word
            for language in LANGUAGES
            for word, frequency in get_frequency_dict(language, "small").items()
            if frequency >= floor
        }
    )
    english = get_frequency_dict("en", "small")
    stems = sorted({stem(w) for w, frequency in english.items() if frequency >= floor})
    head = HEADER.format(zipf=COMMON_ZIPF, langs=", ".join(LANGUAGES), version=version("wordfreq"))
    data = ROOT / "briefgen" / "data"
    (data / "common_words.txt").write_text(head + "\n".join(words) + "\n", encoding="utf-8")
    stems_head = head.replace("Words of", "English stems of the words of", 1)
    (data / "common_stems.txt").write_text(stems_head + "\n".join(stems) + "\n", encoding="utf-8")
    print(f"{len(words)} words, {len(stems)} stems")
    return 0


if __name__ == "__main__":
    sys.exit(main())

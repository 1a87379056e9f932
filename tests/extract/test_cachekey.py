"""The cache key: what changes an answer is in it, what does not is not."""

from __future__ import annotations

import pytest

from briefgen.config import Settings
from briefgen.extract import cachekey
from briefgen.schemas import Article


def key(article: Article, settings: Settings, url: str = "http://x/v1/", prompt: str = "p1"):
    return cachekey.key(cachekey.content_hash(article), settings, url, prompt, settings.model)


def test_what_the_prompt_shows_of_an_article_is_in_the_key(article):
    settings = Settings()
    base = key(article, settings)
    for change in (
        {"text": article.text + " More."},
        {"title": "Other"},
        {"outlet": "AP"},
        {"published": None},
        {"author": "A. Writer"},
    ):
        assert key(article.model_copy(update=change), settings) != base, change
    for same in ({"id": "renamed"}, {"source": "/elsewhere/sample.txt"}):
        assert key(article.model_copy(update=same), settings) == base, same


def test_model_server_prompt_and_answer_settings_are_in_the_key(article):
    settings = Settings()
    base = key(article, settings)
    assert key(article, settings.model_copy(update={"model": "other"})) != base
    assert key(article, settings, url="http://y/v1/") != base
    assert key(article, settings, prompt="p2") != base
    assert key(article, settings.model_copy(update={"reasks": 3})) != base
    assert key(article, settings.model_copy(update={"grounding_reask": False})) != base
    # How the run is carried out does not change what an answer holds.
    for same in ({"concurrency": 32}, {"timeout": 5.0}, {"retries": 0}, {"deadline": 60.0}):
        assert key(article, settings.model_copy(update=same)) == base, same


@pytest.mark.parametrize(
    ("base_url", "env"),
    [
        ("http://127.0.0.1:8080/v1", None),
        ("http://127.0.0.1:8080/v1/", None),
        (None, "http://10.0.0.1:9000/v1"),
        (None, None),
    ],
)
def test_the_server_url_is_the_one_the_sdk_uses(monkeypatch, base_url, env):
    import openai

    if env:
        monkeypatch.setenv("OPENAI_BASE_URL", env)
    sdk = openai.AsyncOpenAI(api_key="sk-test", base_url=base_url)
    assert cachekey.server_url(Settings(base_url=base_url)) == str(sdk.base_url)

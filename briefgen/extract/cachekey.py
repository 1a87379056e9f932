"""What makes two extractions the same: the cache key.

An extraction is reused only when nothing that could change the model's answer has changed:

    the article as the prompt shows it (text, title, outlet, author, publication date)
  + the prompt version (every template's bytes)  + the schema version (the JSON Schema sent)
  + the rules version (grounding and date resolution, raised by hand when they change)
  + the model  + the server (its base URL, as the backend names it)  + the settings that shape
    the answer (re-asks, the grounding re-ask)

The article's id and path are not in the key: a renamed or moved file is still the same article.
Only validated, grounded extractions are stored; a failure is asked again on the next run.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from briefgen.config import Settings
from briefgen.schemas import Article, Extraction


def _digest(data: object) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def content_hash(article: Article) -> str:
    return _digest(article.model_dump(include={"text", "title", "outlet", "author", "published"}))


@cache
def schema_version() -> str:
    from briefgen.model.structured import strict_json_schema

    return _digest(strict_json_schema(Extraction))[:16]


def server_url(settings: Settings) -> str:
    """The server the configured backend's answers come from, as the backend says it (for the
    openai backend: the base URL as the SDK will use it), without building a client: that
    costs an import of an SDK and a TLS context, and a rerun that is all cache hits needs
    neither."""
    from briefgen.model import registry

    return registry.server_url(settings)


def answer_settings(settings: Settings) -> dict[str, object]:
    """The settings, beyond model and server, that change what an extraction holds."""
    return {
        "reasks": settings.reasks,
        "grounding_reask": settings.grounding_reask,
        "max_output_tokens": settings.max_output_tokens,
        "context_tokens": settings.context_tokens,
        "max_items": settings.max_items,
        "temperature": settings.temperature,
        "frequency_penalty": settings.frequency_penalty,
        "repeat_penalty": settings.repeat_penalty,
    }


# What briefgen does with an answer before it is cached: grounding and date resolution. Raise it
# when either changes, so cached extractions are made again under the new rules.
# 4: weekday and month names are no actors; places grounded inflected; parts joined by one fold.
RULES_VERSION = "4"


def key(
    article_hash: str, settings: Settings, base_url: str, prompt_version: str, model: str
) -> str:
    """`model` and `base_url` are those of the client that answers, which a library caller's
    own client may set apart from the settings."""
    return _digest(
        {
            "article": article_hash,
            "prompt": prompt_version,
            "schema": schema_version(),
            "rules": RULES_VERSION,
            "model": model,
            "base_url": base_url,
            **answer_settings(settings),
        }
    )

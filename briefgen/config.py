"""Settings for a run: one object, built once at the edge (CLI or caller), passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from briefgen.schemas import Strict

DEFAULT_MODEL = "gpt-4o-mini"
StructuredOutput = Literal["auto", "json_schema_strict", "json_schema", "json_object", "prompt"]


class Settings(Strict):
    model: str = DEFAULT_MODEL
    base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint; None means the SDK's own default "
        "(OPENAI_BASE_URL, then api.openai.com).",
    )
    api_key: SecretStr | None = Field(
        default=None, description="None means the SDK reads OPENAI_API_KEY."
    )
    concurrency: int = Field(default=4, ge=1, le=256)
    timeout: float = Field(default=120.0, gt=0, description="Seconds per HTTP request.")
    retries: int = Field(
        default=3, ge=0, le=20, description="Transport retries per call (network, 429, 5xx)."
    )
    backoff: float = Field(default=1.0, ge=0, description="First retry wait in seconds.")
    max_wait: float = Field(
        default=60.0, ge=0, description="Cap on one wait, Retry-After included, in seconds."
    )
    reasks: int = Field(default=1, ge=0, le=5, description="Re-asks after unusable output.")
    grounding_reask: bool = Field(
        default=True, description="Re-ask once, naming them, when quotes are not in the article."
    )
    structured_output: StructuredOutput = Field(
        default="auto",
        description="Where to start the structured-output ladder; 'auto' starts where the last "
        "run against this server and model succeeded, else at json_schema_strict.",
    )
    article_deadline: float | None = Field(
        default=None, gt=0, description="Seconds one article may take, all calls included."
    )
    deadline: float | None = Field(
        default=None, gt=0, description="Seconds the whole run may take."
    )
    max_tokens_total: int | None = Field(
        default=None, gt=0, description="Token cap (input + output) for the whole run."
    )
    state_dir: Path | None = Field(
        default=None, description="Where to remember what worked per server; None: nowhere."
    )
    replay: Path | None = Field(default=None, description="Answer from recordings here.")
    record: Path | None = Field(default=None, description="Save each exchange here.")

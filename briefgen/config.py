"""Settings for a run: one object, built once at the edge (CLI or caller), passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from briefgen.schemas import Strict

DEFAULT_MODEL = "gpt-4o-mini"


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
    retries: int = Field(default=3, ge=0, le=20, description="Transport retries per call.")
    backoff: float = Field(default=1.0, ge=0, description="First retry wait in seconds.")
    reasks: int = Field(default=1, ge=0, le=5, description="Re-asks after invalid output.")
    replay: Path | None = Field(default=None, description="Answer from recordings here.")
    record: Path | None = Field(default=None, description="Save each exchange here.")

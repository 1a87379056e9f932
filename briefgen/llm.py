"""The model interface, and its one implementation over the openai SDK.

This is the only module that imports openai. Everything above it talks to `Client`: give it
messages and a pydantic schema, get back a `Completion` that holds either the validated value or
the reason there is none. Faults are classified once, here:

- transient (connection, timeout, 429, 5xx): retried by tenacity with backoff. The SDK's own
  retries are switched off so the two loops never multiply attempts unnoticed;
- invalid output (not JSON, fails the schema, truncated): returned as `Completion.error` for
  the caller to re-ask;
- refused (refusal text or content filter): returned with `refused=True`, never retried;
- setup (401, 403, 404): `ModelSetupError`, which stops the whole run;
- anything else the server rejects (e.g. 400): `ArticleError` for this article only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypedDict, TypeVar

import httpx2
import openai
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from briefgen.config import Settings
from briefgen.errors import ArticleError, ModelSetupError
from briefgen.schemas import Usage

T = TypeVar("T", bound=BaseModel)


class Message(TypedDict):
    role: str
    content: str


@dataclass(frozen=True)
class Completion(Generic[T]):
    value: T | None
    raw: str
    error: str | None = None
    refused: bool = False
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    model: str | None = None  # as the server names itself, which may differ from the request


class Client(Protocol):
    model: str

    async def complete(self, messages: list[Message], schema: type[T]) -> Completion[T]: ...

    async def aclose(self) -> None: ...


# --- pure: schema to request, response text to value ------------------------------------------


def strict_json_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the form strict structured outputs accept.

    Strict mode wants every property required and no defaults; optional fields are already
    spelled as `X | None`, so marking all required loses nothing.
    """

    def tighten(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("default", None)
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            for child in node.values():
                tighten(child)
        elif isinstance(node, list):
            for child in node:
                tighten(child)

    result = schema.model_json_schema()
    tighten(result)
    return result


def response_format(schema: type[BaseModel]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": schema.__name__,
            "schema": strict_json_schema(schema),
            "strict": True,
        },
    }


_FENCED_JSON = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_output(text: str, schema: type[T]) -> tuple[T | None, str | None]:
    """Validate the model's text against the schema: (value, None) or (None, reason)."""
    fenced = _FENCED_JSON.search(text)
    candidate = fenced.group(1) if fenced else text
    try:
        data = json.loads(candidate)
    except json.JSONDecodeError as exc:
        return None, f"the answer is not valid JSON ({exc.msg} at char {exc.pos})"
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'top level'}: {err['msg']}"
            for err in exc.errors()[:8]
        )
        return None, f"the answer does not match the schema ({problems})"


_SECRET = re.compile(r"(sk-[A-Za-z0-9_*-]{4,}|Bearer\s+\S+)")


def scrub(text: str) -> str:
    """Remove anything that looks like a key from text that may reach a log or the brief."""
    return _SECRET.sub("[redacted]", text)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code == 429 or exc.status_code >= 500
    )


def _describe(exc: openai.APIError) -> str:
    status = getattr(exc, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    return scrub(prefix + (exc.message or type(exc).__name__))


# --- the openai implementation ---------------------------------------------------------------


class OpenAIClient:
    """Client over `openai.AsyncOpenAI`, for OpenAI and any OpenAI-compatible server."""

    def __init__(self, settings: Settings, http_client: httpx2.AsyncClient | None = None):
        self.model = settings.model
        self._settings = settings
        key = settings.api_key.get_secret_value() if settings.api_key else None
        try:
            self._sdk = self._make_sdk(key, settings, http_client)
        except openai.OpenAIError:  # no key given and none in OPENAI_API_KEY
            if settings.base_url is None:
                raise ModelSetupError(
                    "no API key: set OPENAI_API_KEY, or give --base-url for a local server "
                    "that needs none, or --replay DIR to answer from recordings"
                ) from None
            # Local OpenAI-compatible servers (llama.cpp, vLLM, Ollama) ignore the key.
            self._sdk = self._make_sdk("no-key", settings, http_client)

    @staticmethod
    def _make_sdk(
        key: str | None, settings: Settings, http_client: httpx2.AsyncClient | None
    ) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
        )

    @property
    def base_url(self) -> str:
        return str(self._sdk.base_url)

    async def aclose(self) -> None:
        await self._sdk.close()

    async def complete(self, messages: list[Message], schema: type[T]) -> Completion[T]:
        attempts = 0
        retrying = AsyncRetrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self._settings.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self._settings.backoff, jitter=self._settings.backoff, max=60
            ),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = await self._sdk.chat.completions.create(
                        model=self.model,
                        messages=messages,  # type: ignore[arg-type]
                        response_format=response_format(schema),  # type: ignore[arg-type]
                    )
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ModelSetupError(
                f"the model server at {self.base_url} refused the credentials ({_describe(exc)})"
            ) from None
        except openai.NotFoundError as exc:
            raise ModelSetupError(
                f"model {self.model!r} not found at {self.base_url} ({_describe(exc)})"
            ) from None
        except openai.APIError as exc:
            raise ArticleError(f"{_describe(exc)} after {attempts} attempt(s)") from None
        return self._to_completion(response, schema, attempts)

    @staticmethod
    def _to_completion(response: Any, schema: type[T], attempts: int) -> Completion[T]:
        model = getattr(response, "model", None)
        usage = Usage(
            input_tokens=getattr(response.usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(response.usage, "completion_tokens", 0) or 0,
        )
        if not response.choices:
            return Completion(
                None, "", "the server returned no choices", False, usage, attempts, model
            )
        choice = response.choices[0]
        raw = choice.message.content or ""
        refusal = getattr(choice.message, "refusal", None)
        if refusal or choice.finish_reason == "content_filter":
            reason = f"refused: {refusal}" if refusal else "refused by the content filter"
            return Completion(None, raw, reason, True, usage, attempts, model)
        if choice.finish_reason == "length":
            return Completion(
                None,
                raw,
                "the answer was cut off (finish_reason=length)",
                False,
                usage,
                attempts,
                model,
            )
        value, error = parse_output(raw, schema)
        return Completion(value, raw, error, False, usage, attempts, model)

"""Structured output, kept apart from the retry loop: schema -> request, answer -> value. Pure.

Servers differ in how they take a schema, so there is a ladder of modes, firmest first. Each
step is one a real server documents; a server that rejects a step's request (HTTP 400/422/500
naming the parameter) is asked again one step down, and the step that worked is remembered per
server and model (ladder.py):

1. `json_schema_strict`: `response_format` json_schema with `strict: true` (OpenAI);
2. `json_schema`: the same without `strict` (vLLM, Ollama >= 0.5, llama.cpp's llama-server);
3. `json_object_schema`: `response_format: {"type": "json_object", "schema": ...}`, which
   llama-cpp-python's server turns into a grammar that constrains decoding;
4. `guided_json`: vLLM's own parameters, `guided_json` (up to 0.11) and
   `structured_outputs: {"json": ...}` (0.12 and later), sent together in the body;
5. `tools`: one function whose parameters are the schema, and `tool_choice` forcing it; the
   answer is the call's arguments;
6. `json_object`: `response_format` json_object, with the schema spelled out in the prompt;
7. `prompt`: no `response_format` at all; the schema in the prompt, the JSON dug out of the text.

What each step adds to an OpenAI-compatible request, and which error responses mean "one step
down", are the backend's (`model/openai/modes.py`); here are the steps, the schema as a server is
given it (strict, compact, bounded), the schema spelled into the prompt for the steps whose
server does not hold it, and the answer read back: whatever the server promises, the answer is
validated here with pydantic (`read`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from briefgen import prompts
from briefgen.errors import validation_summary
from briefgen.model.client import Completion, Message

T = TypeVar("T", bound=BaseModel)


class Mode(StrEnum):
    STRICT = "json_schema_strict"
    SCHEMA = "json_schema"
    JSON_OBJECT_SCHEMA = "json_object_schema"
    GUIDED = "guided_json"
    TOOLS = "tools"
    JSON_OBJECT = "json_object"
    PROMPT = "prompt"


LADDER: tuple[Mode, ...] = tuple(Mode)
# Modes in which the server holds the schema; the others spell it out in the prompt.
SERVER_HELD = frozenset(
    {Mode.STRICT, Mode.SCHEMA, Mode.JSON_OBJECT_SCHEMA, Mode.GUIDED, Mode.TOOLS}
)


def next_mode(mode: Mode) -> Mode | None:
    """The step below `mode`, or None at the bottom."""
    index = LADDER.index(mode)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


@cache  # built once per schema: pydantic's schema generation costs milliseconds per call
def strict_json_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the form strict structured outputs accept, and compact: it is
    sent with every request. Shared: do not mutate the result.

    Strict mode wants every property required, no defaults and `additionalProperties: false`
    on every object; optional fields are already spelled as `X | None`, so marking all required
    loses nothing. Compact: no `title` (pydantic gives every property one, its name again), and
    a subschema that several properties of the same name repeat (a description, an enum) is
    said once, in `$defs` under that name, and referenced (`compact`).
    """

    def tighten(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("default", None)
            if isinstance(node.get("title"), str):
                node.pop("title")
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
    return compact(_nullable_as_type_list(result))


def _nullable_as_type_list(node: Any) -> Any:
    """`{"anyOf": [{"type": T}, {"type": "null"}]}` as `{"type": [T, "null"]}`: the same in
    JSON Schema, shorter, and the form OpenAI's strict mode documents for an optional value."""
    if isinstance(node, list):
        return [_nullable_as_type_list(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable_as_type_list(value) for key, value in node.items()}
    branches = out.get("anyOf")
    if (
        isinstance(branches, list)
        and len(branches) == 2
        and branches[1] == {"type": "null"}
        and set(branches[0]) == {"type"}
        and isinstance(branches[0]["type"], str)
    ):
        del out["anyOf"]
        out["type"] = [branches[0]["type"], "null"]
    return out


def _dumped(node: Any) -> str:
    return json.dumps(node, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compact(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with each subschema that two or more properties of one name share moved to
    `$defs` (named after the property, capitalised) and referenced, where the reference is
    shorter than what it replaces. Objects stay where they are; a name `$defs` already has is
    left alone. `$ref` with nothing beside it is valid in OpenAI's strict mode and in the
    grammar converters of llama.cpp and vLLM."""
    defs: dict[str, Any] = dict(schema.get("$defs", {}))
    seen: dict[tuple[str, str], int] = {}

    def count(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and "$ref" not in sub and "properties" not in sub:
                    key = (name, _dumped(sub))
                    seen[key] = seen.get(key, 0) + 1
            for child in node.values():
                count(child)
        elif isinstance(node, list):
            for child in node:
                count(child)

    count(schema)
    hoisted: dict[tuple[str, str], str] = {}
    for (name, dumped), times in seen.items():
        ref = f"#/$defs/{name[:1].upper()}{name[1:]}"
        target = ref.rsplit("/", 1)[-1]
        if times < 2 or target in defs or len(dumped) <= len(ref) + 10:
            continue
        defs[target] = json.loads(dumped)
        hoisted[(name, dumped)] = ref
    if not hoisted:
        return schema

    def replace(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: replace(value) for key, value in node.items()}
            if isinstance(node.get("properties"), dict):
                out["properties"] = {
                    name: {"$ref": hoisted[(name, _dumped(sub))]}
                    if isinstance(sub, dict) and (name, _dumped(sub)) in hoisted
                    else replace(sub)
                    for name, sub in node["properties"].items()
                }
            return out
        if isinstance(node, list):
            return [replace(item) for item in node]
        return node

    result = replace({key: value for key, value in schema.items() if key != "$defs"})
    return {"$defs": {name: replace(sub) for name, sub in sorted(defs.items())}, **result}


# Grammar-constrained decoders (llama.cpp, vLLM) turn these bounds into the grammar, so a model
# that loops on one item, or one string, is stopped by the schema before the token budget.
GRAMMAR_MAX_LENGTH = 300


@cache
def bounded_json_schema(schema: type[BaseModel], max_items: int = 8) -> dict[str, Any]:
    """The strict schema with every list (`max_items`) and string bounded, for servers that
    decode under a grammar. Not for OpenAI's strict mode, which has rejected these keywords.
    Shared: do not mutate."""

    def bound(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: bound(value) for key, value in node.items()}
            if node.get("type") == "array":
                node["maxItems"] = max_items
            if node.get("type") == "string" and "enum" not in node:
                node["maxLength"] = GRAMMAR_MAX_LENGTH
            if node.get("type") == ["string", "null"] and "enum" not in node:
                # Grammar converters (llama-cpp-python) drop bounds beside a type list.
                del node["type"]
                node["anyOf"] = [
                    {"type": "string", "maxLength": GRAMMAR_MAX_LENGTH},
                    {"type": "null"},
                ]
            return node
        if isinstance(node, list):
            return [bound(item) for item in node]
        return node

    return bound(strict_json_schema(schema))


def request_messages(mode: Mode, messages: list[Message], schema: type[BaseModel]) -> list[Message]:
    """Messages as sent in `mode`: where the server does not hold the schema, the prompt does."""
    if mode in SERVER_HELD:
        return messages
    spelled = _spelled_schema(schema)
    if messages and messages[0]["role"] == "system":
        first: Message = {"role": "system", "content": f"{messages[0]['content']}\n\n{spelled}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": spelled}, *messages]


@cache
def _spelled_schema(schema: type[BaseModel]) -> str:
    return prompts.render(
        "schema.system", schema=json.dumps(strict_json_schema(schema), ensure_ascii=False)
    )


_FENCED_JSON = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def _json_candidates(text: str) -> list[str]:
    """The whole text, then a fenced block, then the outermost {...}: models wrap JSON in prose."""
    candidates = [text]
    if fenced := _FENCED_JSON.search(text):
        candidates.append(fenced.group(1))
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    return candidates


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A completion judged against the schema: the value, or why there is none."""

    value: T | None
    error: str | None = None
    refused: bool = False  # a refusal or the content filter: neither re-asked nor retried


def read(completion: Completion, schema: type[T]) -> Answer[T]:
    """What the model's answer is worth: refused, cut off, not JSON, not the schema, or a value."""
    if completion.refusal or completion.finish_reason == "content_filter":
        reason = (
            f"refused: {completion.refusal}"
            if completion.refusal
            else "refused by the content filter"
        )
        return Answer(None, reason, refused=True)
    if completion.finish_reason == "length":
        return Answer(None, "the answer was cut off (finish_reason=length)")
    value, error = parse_output(completion.raw, schema)
    return Answer(value, error)


def parse_output(text: str, schema: type[T]) -> tuple[T | None, str | None]:
    """Validate the model's text against the schema: (value, None) or (None, reason)."""
    if not text.strip():
        return None, "the answer is empty"
    data: Any = None
    error = ""
    for candidate in _json_candidates(text):  # the whole text comes first
        try:
            data = json.loads(candidate)
            break
        except json.JSONDecodeError as exc:
            message = exc.msg.removesuffix(" at")  # "Invalid control character at"
            error = error or f"the answer is not valid JSON ({message} at char {exc.pos})"
    else:
        return None, error
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        problems = validation_summary(exc, limit=8)
        return None, f"the answer does not match the schema ({problems})"

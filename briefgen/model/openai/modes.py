"""What each structured-output step (`structured.Mode`) is in an OpenAI-compatible chat
completions request, and which error responses mean the server cannot do a step. Pure.

The steps are the ladder's (structured.py); how a server is asked for each, and how it says
no, is the dialect of OpenAI-compatible servers (OpenAI, vLLM, Ollama, llama.cpp's servers).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from briefgen.model.structured import Mode, bounded_json_schema, strict_json_schema


def request_body(mode: Mode, schema: type[BaseModel], max_items: int = 8) -> dict[str, Any]:
    """What `mode` adds to the request body beside the messages (response_format, tools or a
    server's own parameters). Shared pieces: do not mutate."""
    if mode in (Mode.STRICT, Mode.SCHEMA):
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": schema.__name__,
                    "schema": strict_json_schema(schema),
                    "strict": mode is Mode.STRICT,
                },
            }
        }
    if mode is Mode.JSON_OBJECT_SCHEMA:
        held = bounded_json_schema(schema, max_items)
        return {"response_format": {"type": "json_object", "schema": held}}
    if mode is Mode.GUIDED:
        held = bounded_json_schema(schema, max_items)
        return {"guided_json": held, "structured_outputs": {"json": held}}
    if mode is Mode.TOOLS:
        return {
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": schema.__name__,
                        "description": "Record the facts found in the article.",
                        "parameters": strict_json_schema(schema),
                    },
                }
            ],
            "tool_choice": {"type": "function", "function": {"name": schema.__name__}},
        }
    if mode is Mode.JSON_OBJECT:
        return {"response_format": {"type": "json_object"}}
    return {}


# What servers say when they cannot do a response_format: OpenAI ("Invalid parameter:
# 'response_format' of type 'json_schema' is not supported with this model"), vLLM, and
# llama-cpp-python (HTTP 500: "response_format.type: Input should be 'text' or 'json_object'").
_REJECTION = re.compile(
    r"response_format|json_schema|json_object|structured.output|strict mode|guided_json|"
    r"tool_choice|tools? (?:are|is) not supported|"
    r"schema.{0,40}(?:not supported|unsupported|invalid)",
    re.IGNORECASE,
)
REJECTION_STATUSES = frozenset({400, 422, 500, 501})


def rejects_mode(status: int, message: str) -> bool:
    """True when an error response says the server cannot do the structured-output mode."""
    return status in REJECTION_STATUSES and bool(_REJECTION.search(message))

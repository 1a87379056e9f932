"""Structured output: the schema as a server is given it, and the answer read back. Pure."""

from __future__ import annotations

import json

from briefgen.model.openai.modes import request_body
from briefgen.model.structured import (
    Mode,
    bounded_json_schema,
    compact,
    parse_output,
    strict_json_schema,
)
from briefgen.schemas import Extraction, corrections

from conftest import sample_extraction


def test_strict_schema_has_no_defaults_and_every_object_closed():
    def walk(node):
        if isinstance(node, dict):
            assert "default" not in node
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert set(node["required"]) == set(node["properties"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(strict_json_schema(Extraction))
    fmt = request_body(Mode.STRICT, Extraction)["response_format"]
    assert fmt["json_schema"]["name"] == "Extraction"


def test_the_schema_sent_is_compact_and_says_nothing_twice():
    schema = strict_json_schema(Extraction)
    text = json.dumps(schema)
    assert '"title"' not in text and '"description"' not in text
    # The certainty enum, on five item kinds, is one shared definition.
    assert schema["$defs"]["Certainty"] == {
        "enum": ["confirmed", "planned", "reported", "speculated"],
        "type": "string",
    }
    assert text.count('"speculated"') == 1
    assert schema["$defs"]["Ask"]["properties"]["certainty"] == {"$ref": "#/$defs/Certainty"}
    assert schema["$defs"]["Actor"]["properties"]["role"] == {"type": ["string", "null"]}
    assert len(json.dumps(schema, separators=(",", ":"))) < 2500  # 5,754 before issue 12


def test_compact_hoists_only_what_properties_of_one_name_repeat():
    description = {"type": "string", "description": "A long explanation, said once."}
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"note": description, "x": {"type": "string"}}},
            "b": {"type": "object", "properties": {"note": description, "x": {"type": "string"}}},
            "c": {"type": "object", "properties": {"other": description}},
        },
    }
    out = compact(schema)
    assert out["$defs"] == {"Note": description}
    assert out["properties"]["a"]["properties"] == {
        "note": {"$ref": "#/$defs/Note"},
        "x": {"type": "string"},  # shorter than a reference: left where it is
    }
    assert out["properties"]["c"]["properties"]["other"] == description  # another name


def test_the_grammar_schema_bounds_optional_strings_in_a_form_converters_keep():
    role = bounded_json_schema(Extraction)["$defs"]["Actor"]["properties"]["role"]
    assert role == {"anyOf": [{"type": "string", "maxLength": 300}, {"type": "null"}]}


def test_a_corrections_schema_holds_only_the_lists_asked_for():
    schema = strict_json_schema(corrections(("actors", "dates")))
    assert schema["required"] == ["actors", "dates"]
    assert schema["additionalProperties"] is False
    assert set(schema["$defs"]) == {"Actor", "DateMention"}
    assert (
        request_body(Mode.STRICT, corrections(("actors",)))["response_format"]["json_schema"][
            "name"
        ]
        == "Corrections"
    )


def test_json_in_a_markdown_fence_is_accepted():
    text = "Here it is:\n```json\n" + sample_extraction().model_dump_json() + "\n```"
    value, error = parse_output(text, Extraction)
    assert error is None
    assert value == sample_extraction()

"""The brief's JSON is for programs too: every field described, the schema's version in it."""

from __future__ import annotations

import json

from briefgen.pipeline import demo_settings, make_brief
from briefgen.schemas import BRIEF_SCHEMA_VERSION, Brief


def undescribed(schema: dict) -> list[str]:
    missing = []
    for name, node in [("Brief", schema), *schema.get("$defs", {}).items()]:
        for field, spec in node.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{name}.{field}")
    return missing


def test_every_field_of_the_brief_is_described():
    assert undescribed(Brief.model_json_schema()) == []


def test_the_brief_says_its_schema_version_and_reads_back(tmp_path):
    brief = make_brief(None, demo_settings(db=tmp_path / "b.db"))
    data = json.loads(brief.model_dump_json())
    assert data["schema_version"] == BRIEF_SCHEMA_VERSION
    assert Brief.model_validate(data) == brief

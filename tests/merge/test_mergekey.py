"""What a merge depends on: the code version covers every subpackage, not only merge/."""

from __future__ import annotations

from briefgen.merge import mergekey


def test_the_code_version_covers_every_subpackage_and_the_data():
    names = {name for name, _ in mergekey.code_files()}
    for module in ("text/dates.py", "merge/brief.py", "extract/grounding.py", "schemas.py"):
        assert module in names
    assert "data/admin1.tsv" in names

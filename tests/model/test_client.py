"""The model interface and the parts above it import no SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.parametrize(
    "module",
    [
        "briefgen.model.client",
        "briefgen.extract.extract",
        "briefgen.model.structured",
        "briefgen.model.ladder",
        "briefgen.model.retrying",
        "briefgen.model.registry",
        "briefgen.model.openai",
        "briefgen.merge.brief",
        "briefgen.render",
        "briefgen.merge.changes",
        "briefgen.pipeline",
        "briefgen",
    ],
)
def test_importing_loads_no_sdk(module):
    code = f"import sys, {module}; print('openai' in sys.modules, 'httpx2' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "False"], (module, done.stdout)

"""Turn hand-written model answers into replayable HTTP recordings.

    python scripts/record_handwritten.py scripts/handwritten/kim-putin-2023-09 \
        briefgen/examples/kim-putin-2023-09 briefgen/examples/kim-putin-2023-09/recordings

For every article in EXAMPLE_DIR with an answer file ANSWERS_DIR/<article id>.json, runs
briefgen's real extraction through the real openai SDK; a capturing transport answers the request
with the hand-written JSON and stores the exchange, labelled "source": "hand-written". Run it
again after a prompt or schema change: the request bodies (and so the keys) follow the code.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import httpx2

from briefgen.config import Settings
from briefgen.extract.extract import extract_all
from briefgen.ingest import inputs
from briefgen.model.openai.live import OpenAIClient
from briefgen.model.replay import completion, recording, write_recording
from briefgen.schemas import Extraction

# The fenced data starts with the article's metadata, one line of JSON (prompts.metadata).
METADATA = re.compile(r"^<article>\n(\{.*\})$", re.MULTILINE)


def main(answers_dir: Path, example_dir: Path, out_dir: Path) -> int:
    articles = [a for a in inputs.load([example_dir]) if (answers_dir / f"{a.id}.json").is_file()]
    answers = {
        a.id: Extraction.model_validate_json((answers_dir / f"{a.id}.json").read_text())
        for a in articles
    }
    if out_dir.exists():
        shutil.rmtree(out_dir)

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        article_id = json.loads(METADATA.search(user).group(1))["id"]  # type: ignore[union-attr]
        response = completion(answers[article_id].model_dump_json(), f"handwritten-{article_id}")
        write_recording(
            out_dir,
            recording(
                body,
                200,
                response,
                source="hand-written",
                note=f"Answer for article {article_id} written by a briefgen developer as a "
                "careful model would answer; no model produced it. Token usage is unknown.",
            ),
        )
        return httpx2.Response(200, json=response, request=request)

    client = OpenAIClient(
        Settings(api_key="sk-fake-handwritten"),  # type: ignore[arg-type]
        httpx2.AsyncClient(transport=httpx2.MockTransport(answer)),
    )
    results = asyncio.run(extract_all(articles, client, Settings(concurrency=1)))
    for result in results:
        print(result.article.id, type(result).__name__, getattr(result, "dropped", ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*(Path(arg) for arg in sys.argv[1:])))

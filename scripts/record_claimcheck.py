"""Turn hand-written claim-check answers into replayable HTTP recordings.

    python scripts/record_claimcheck.py scripts/handwritten/claimcheck/kim-putin-2023-09.json \
        briefgen/examples/kim-putin-2023-09 tests/fixtures/claimcheck/kim-putin-2023-09

Replays the example's extractions from its recordings (EXAMPLE_DIR/recordings), lists the
near-miss claim pairs as a run with --claim-check would (merge.claim_candidates), and runs the
real claim check through the real openai SDK; a capturing transport answers each request with
the hand-written answer for that pair and stores the exchange, labelled "source": "hand-written".
A pair without an answer in the file is an error. Run it again after a change to the claimcheck
prompts or the candidate rule: the request bodies (and so the keys) follow the code.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import httpx2

from briefgen import merge
from briefgen.config import Settings
from briefgen.extract import claimcheck
from briefgen.extract.extract import extract_all
from briefgen.ingest import inputs
from briefgen.model.ladder import NoMemory
from briefgen.model.openai.live import OpenAIClient
from briefgen.model.replay import (
    ReplayTransport,
    completion,
    recording,
    request_key,
    write_recording,
)


def main(answers_path: Path, example_dir: Path, out_dir: Path) -> int:
    settings = Settings(api_key="sk-fake-handwritten", concurrency=1)  # type: ignore[arg-type]
    answers = json.loads(answers_path.read_text(encoding="utf-8"))["answers"]
    by_key = {
        claimcheck.answer_key(row["kind"], row["first"], row["second"]): row for row in answers
    }
    replayed = OpenAIClient(
        settings,
        httpx2.AsyncClient(transport=ReplayTransport(example_dir / "recordings")),
        modes=NoMemory(),
    )
    results = asyncio.run(extract_all(inputs.load([example_dir]), replayed, settings))
    candidates = merge.claim_candidates(results)
    unanswered = [c for c in candidates if c.key not in by_key]
    if unanswered:
        sys.exit(f"{len(unanswered)} pairs have no hand-written answer, e.g. {unanswered[0]}")
    by_prompt = {claimcheck.messages_for(c)[1]["content"]: by_key[c.key] for c in candidates}
    if out_dir.exists():
        shutil.rmtree(out_dir)

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        row = by_prompt[user]
        response = completion(
            json.dumps({"same": row["same"], "reason": row["reason"]}),
            f"handwritten-claimcheck-{request_key(body)[:12]}",
        )
        write_recording(
            out_dir,
            recording(
                body,
                200,
                response,
                source="hand-written",
                note="Claim-check answer written by a briefgen developer as a careful model "
                f"would answer ({answers_path.name}); no model produced it. Token usage is "
                "unknown.",
            ),
        )
        return httpx2.Response(200, json=response, request=request)

    client = OpenAIClient(
        settings, httpx2.AsyncClient(transport=httpx2.MockTransport(answer)), modes=NoMemory()
    )
    decisions = asyncio.run(
        claimcheck.check(
            candidates, lambda: client, model=client.model, server="hand-written", settings=settings
        )
    )
    same = sum(d.same for d in decisions.values())
    print(f"{len(decisions)} pairs recorded in {out_dir}, {same} judged the same")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*(Path(arg) for arg in sys.argv[1:])))

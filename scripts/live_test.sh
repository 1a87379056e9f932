#!/usr/bin/env bash
# The opt-in live test against a real model: SmolLM2-135M under llama-cpp-python's server on
# 127.0.0.1, started and stopped by scripts/local_server.py (bounded to 30 minutes).
# Installs the `local` and `test` extras first if llama-cpp-python or pytest is missing (the
# first is a source build, ~10 min; pip reuses it from its cache after that).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python -c "import llama_cpp, pytest" 2>/dev/null; then
    CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}" \
        pip install -e '.[local,test]'
fi
exec python scripts/local_server.py --port 8765 --lifetime 1800 -- \
    env BRIEFGEN_LIVE_BASE_URL=http://127.0.0.1:8765/v1 \
    python -m pytest -q -s -p no:cacheprovider tests/test_real_recordings.py -k live

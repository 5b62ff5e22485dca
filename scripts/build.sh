#!/usr/bin/env bash
# Installs the dependencies and builds everything into ./build (2 parallel jobs).
# Warnings are errors, as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGN_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build -j2

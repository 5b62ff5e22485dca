#!/usr/bin/env bash
# README command 1: installs, builds, creates the embedded default in ./var (a SoftHSM2
# token, the SQLite certificate database, the demo CA hierarchy) and lists it.
# Safe to run again: what exists is kept and nothing is issued twice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
certs-test/make-test-pki var --build build
echo
build/service/signctl/signctl --data var ca show
echo
build/service/signctl/signctl --data var cert list

#!/usr/bin/env bash
# README command 1: installs, builds, creates the embedded default in ./var (a SoftHSM2
# token, the SQLite certificate database, the demo CA hierarchy), lists it, and starts
# signd --demo in the background on https://127.0.0.1:8443 (log: var/signd.log).
# Safe to run again: what exists is kept, nothing is issued twice, and a signd already
# running is left alone. Stop it with: kill "$(cat var/signd.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
certs-test/make-test-pki var --build build
echo
build/service/signctl/signctl --data var ca show
echo
build/service/signctl/signctl --data var cert list
echo

if [[ -f var/signd.pid ]] && kill -0 "$(cat var/signd.pid)" 2>/dev/null; then
  echo "signd is already running (pid $(cat var/signd.pid))"
else
  nohup build/service/signd/signd --demo >>var/signd.log 2>&1 &
  echo $! >var/signd.pid
  for _ in $(seq 1 100); do
    curl --silent --fail --cacert var/certs/root-ca.pem https://localhost:8443/healthz >/dev/null 2>&1 && break
    kill -0 "$(cat var/signd.pid)" 2>/dev/null || { echo "signd did not start; see var/signd.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "signd started in the background (pid $(cat var/signd.pid)); its log is var/signd.log"
fi
echo "\$ curl --cacert var/certs/root-ca.pem https://localhost:8443/healthz"
curl --silent --show-error --cacert var/certs/root-ca.pem https://localhost:8443/healthz
echo
echo "Stop it with: kill \"\$(cat var/signd.pid)\""

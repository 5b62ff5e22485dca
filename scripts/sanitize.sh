#!/usr/bin/env bash
# Builds the tests with AddressSanitizer and UndefinedBehaviorSanitizer in their own folder
# (build-asan/) and runs them; any finding fails the run.
#
#   scripts/sanitize.sh                        libsign, hsm and URL suites and the fuzz replays
#   scripts/sanitize.sh store_tests signing_tests   the named CTest programs (built first)
#   scripts/sanitize.sh all                    the whole suite (long: every program is rebuilt)
#
# CC/CXX choose the compiler (default gcc). Suppressions live in tests/sanitizer/, one commented
# entry per third-party finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SIGN_SANITIZE_BUILD:-$root/build-asan}
jobs=${SIGN_JOBS:-2}

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DSIGN_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi

if [ $# -eq 0 ]; then
    set -- url_tests hsm_tests x509_tests cms_tests xades_tests pades_tests fuzzers
fi
if [ "$1" = all ]; then
    nice -n 5 cmake --build "$build" -j "$jobs"
    regex=.
else
    nice -n 5 cmake --build "$build" -j "$jobs" --target "$@"
    regex=""
    for name in "$@"; do
        if [ "$name" = fuzzers ]; then name='fuzz_replay_.*'; fi
        regex="$regex${regex:+|}^$name\$"
    done
fi

supp=$root/tests/sanitizer
# halt_on_error with -fno-sanitize-recover: the first finding ends the program with an error, so
# the test fails. Leaks count too, minus the suppressed ones of the PKCS#11 stack.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp
cd "$build"
ctest -R "$regex" --output-on-failure --timeout 1800

#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz for a while each, built with clang and
# AddressSanitizer + UndefinedBehaviorSanitizer in their own folder (build-fuzz/).
#
#   scripts/fuzz.sh                  every harness, 60 s each
#   scripts/fuzz.sh url 300          one harness, 300 s
#   scripts/fuzz.sh all 10           every harness, 10 s each
#
# New interesting inputs go to build-fuzz/fuzz-corpus/<harness>/ (the seeds in the tree are only
# read); a crash is written to build-fuzz/fuzz-artifacts/<harness>/ and makes the script fail.
# Add a minimised crashing input to tests/fuzz/regressions/<harness>/ with the fix, so the normal
# suite replays it (ctest -L fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SIGN_FUZZ_BUILD:-$root/build-fuzz}
harness=${1:-all}
seconds=${2:-60}
jobs=${SIGN_JOBS:-2}

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DSIGN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi

if [ "$harness" = all ]; then
    # Every harness this build has (clang cannot build the PDF one: see libsign/CMakeLists.txt).
    available=$(cmake --build "$build" --target help | sed -n 's/^\.\.\. \(.*\)_fuzz$/\1/p')
    names=""
    for file in "$root"/tests/fuzz/*_fuzz.cpp; do
        name=$(basename "$file" _fuzz.cpp)
        if printf '%s\n' $available | grep -qx "$name"; then names="$names $name"; else echo "fuzz.sh: $name is not built here" >&2; fi
    done
else
    [ -f "$root/tests/fuzz/${harness}_fuzz.cpp" ] || { echo "fuzz.sh: no harness '$harness' in tests/fuzz" >&2; exit 2; }
    names=$harness
fi

targets=$(for name in $names; do printf '%s_fuzz ' "$name"; done)
# shellcheck disable=SC2086
nice -n 5 cmake --build "$build" -j "$jobs" --target $targets

# Findings stop the run; leaks count (the parsers must free what they allocate).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=""
for name in $names; do
    corpus=$build/fuzz-corpus/$name
    artifacts=$build/fuzz-artifacts/$name/
    mkdir -p "$corpus" "$artifacts"
    echo "== $name: $seconds s"
    if ! "$build/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$root/tests/fuzz/corpus/$name" \
        2>"$build/fuzz-$name.log"; then
        failed="$failed $name"
        grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$build/fuzz-$name.log" | head -20 || true
    fi
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$build/fuzz-$name.log" | tr '\n' ' ' || true
    echo
done
if [ -n "$failed" ]; then
    echo "fuzz.sh: findings in:$failed (inputs in $build/fuzz-artifacts/, logs in $build/fuzz-*.log)" >&2
    exit 1
fi
echo "fuzz.sh: no findings"

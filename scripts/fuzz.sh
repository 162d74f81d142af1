#!/usr/bin/env bash
# Runs each Jazzer fuzz target in fuzzing mode for a time box, one after the other.
#
#   scripts/fuzz.sh [seconds-per-target] [[module:]TestClass...]
#
# A target is a test class of tern-core, or module:TestClass for another module, optionally #method for a
# class with several targets (tern-dtls:RecordFilterFuzzTest#inspect).
#
# A plain `mvn verify` only replays the committed inputs; this is the coverage-guided search.
# Jazzer keeps the inputs it generates in tern-core/.cifuzz-corpus/<class>/<method>/ (ignored by git,
# reused by the next run) and writes a crashing input (crash-<sha1>) into the test's inputs directory,
# src/test/resources/dev/tern/coap/fuzz/<Class>Inputs/<method>/, so that it is replayed from then on;
# any left in the module directory are moved there too. Commit them with the fix.
# The time box goes to libFuzzer as -max_total_time through Jazzer's jazzer.internal.arg.N JUnit
# configuration parameters (read from system properties); it overrides @FuzzTest(maxDuration).
set -euo pipefail

seconds="${1:-120}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(DecodeFuzzTest ExtendedTokenFuzzTest UriFuzzTest LinkFormatFuzzTest OptionValidatorFuzzTest BlockwiseFuzzTest
             'tern-dtls:RecordFilterFuzzTest#inspect' 'tern-dtls:RecordFilterFuzzTest#serverFront' 'tern-dtls:QuickPskFuzzTest#inPlaceHandshake'
             'tern-cluster:ForwardFrameFuzzTest')
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mvn -B -q -o test-compile -pl tern-core,tern-dtls,tern-cluster -am
failed=()
for target in "${targets[@]}"; do
    name="${target##*:}"
    mod=tern-core
    [ "$name" != "$target" ] && mod="${target%%:*}"
    t="$name"                 # Class or Class#method (a class with several targets: one per run)
    class="${t%%#*}"
    log="${t/\#/_}"
    module="$root/$mod"
    package=$(grep -rl --include="$class.java" "class $class" "$module/src/test/java" | head -n 1 | xargs dirname)
    inputs="$module/src/test/resources/${package#"$module/src/test/java/"}"
    logs="$module/target/fuzz-logs"
    mkdir -p "$logs"
    echo "== $mod $t: ${seconds}s"
    start=$(date +%s)
    # the module's dependencies come from the reactor (-am), their tests are not run
    if JAZZER_FUZZ=1 mvn -B -o -pl "$mod" -am test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
            -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
            > "$logs/$log.log" 2>&1; then
        status=ok
    else
        status=FINDING
        failed+=("$t")
    fi
    # a crash written to the module directory (no inputs directory found) goes to the corpus
    method_dir=$(find "$inputs/${class}Inputs" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    for f in "$module"/crash-* "$module"/timeout-* "$module"/slow-unit-*; do
        [ -e "$f" ] || continue
        mv -v "$f" "${method_dir:-$inputs/${class}Inputs}/"
    done
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$logs/$log.log" | tail -n 1 || true)
    corpus=$(find "$module"/.cifuzz-corpus/*."$class" -type f 2>/dev/null | wc -l)
    echo "   $status after $(( $(date +%s) - start ))s; ${runs:-no summary}; generated corpus $corpus; log $logs/$log.log"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "findings in: ${failed[*]} (reproducers are in $inputs/<Class>Inputs/<method>/)"
    exit 1
fi

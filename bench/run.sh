#!/usr/bin/env bash
# Runs the shared CoAP benchmark harness (../shared/bench, see its README) with Tern's server next to
# the reference servers, in one run, so that the numbers compare like for like.
#
#   bench/run.sh [run.sh options...]
#
# Defaults: pinned mode (server on CPU 0, load on CPU 1), configurations lat,thr128,c1000, 3 rounds,
# and the servers raw-java, libcoap, cf-tuned plus "tern" (`bin/tern serve`, with the launcher's JVM
# options; it execs java, so the harness measures the JVM's own PID). Any option
# given is passed on to the harness and overrides these (e.g. --rounds 1 --configs thr128).
# The harness is copied to a writable directory first (shared/ may be read-only) and built there.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${TERN_BENCH_DIR:-$repo/../shared/bench}"
work="${TERN_BENCH_WORK:-/tmp/tern-bench}"
jar="$repo/tern-cli/target/tern.jar"

[ -d "$shared" ] || { echo "bench: no harness at $shared (set TERN_BENCH_DIR)" >&2; exit 1; }
[ -f "$jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)
if [ ! -x "$work/build/coap-load" ]; then
    mkdir -p "$work"
    cp -r "$shared/." "$work/"
    (cd "$work" && bash build.sh)
fi
cd "$work"
exec ./run.sh --mode pinned --configs lat,thr128,c1000 --rounds 3 --duration 10 --warmup 4 \
    --servers raw-java,libcoap,cf-tuned \
    --server "tern|/hello|Hello World!|$repo/bin/tern serve --port {PORT} --bind {HOST}" "$@"

#!/usr/bin/env bash
# Wall time of `bin/tern get coap://127.0.0.1:PORT/hello` against a local `bin/tern serve`, JVM
# start included: with the class data sharing archive (the default) and without (TERN_CDS=0),
# interleaved, N runs each (default 21); prints the median and the 90th percentile of each and
# their ratio. Build first: mvn -B -q -DskipTests package.
#
#   bench/cli-start.sh [N]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs=${1:-21}
port=${CLI_START_PORT:-5783}
tern="$repo/bin/tern"
"$tern" serve --bind 127.0.0.1 --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
uri="coap://127.0.0.1:$port/hello"
for _ in $(seq 1 50); do # until the server answers (and the archive exists after this first run)
    if "$tern" get "$uri" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
"$tern" get "$uri" >/dev/null

ms() { # wall milliseconds of one run of "$@"
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
cds=() plain=()
for _ in $(seq 1 "$runs"); do
    cds+=("$(ms "$tern" get "$uri")")
    plain+=("$(ms env TERN_CDS=0 "$tern" get "$uri")")
done
stats() { # median and p90 of the arguments
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; print m, p}'
}
read -r cm cp < <(stats "${cds[@]}")
read -r pm pp < <(stats "${plain[@]}")
echo "bin/tern get, $runs runs each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "with CDS archive : median ${cm} ms, p90 ${cp} ms"
echo "TERN_CDS=0       : median ${pm} ms, p90 ${pp} ms"
awk -v a="$cm" -v b="$pm" 'BEGIN {printf "ratio (CDS / no CDS, medians): %.2f\n", a / b}'

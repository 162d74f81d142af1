#!/usr/bin/env bash
# The robustness check by hand, scripted: starts `bin/tern serve` on 127.0.0.1, floods it ROUNDS
# times (default 6) with scripts/flood.py (100 000 random datagrams from 1000 source ports each),
# keeps calling `bin/tern get coap://127.0.0.1:PORT/hello` during every flood, and prints per round
# how many gets succeeded and failed and the server's resident memory (VmRSS). Build first:
# mvn -B -q -DskipTests package.
#
#   scripts/flood-watch.sh [ROUNDS] [PORT]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rounds=${1:-6}
port=${2:-5690}
cd "$repo"
bin/tern serve --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    if bin/tern get "coap://127.0.0.1:$port/hello" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
pid=$launcher # bin/tern execs java for serve
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
echo "before: RSS $(rss)"
for round in $(seq 1 "$rounds"); do
    python3 scripts/flood.py --port "$port" --count 100000 --ports 1000 --seed "$round" >/tmp/flood-watch.$$.log &
    flood=$!
    ok=0 failed=0
    while kill -0 "$flood" 2>/dev/null; do
        if timeout 10 bin/tern get "coap://127.0.0.1:$port/hello" >/dev/null 2>&1; then
            ok=$((ok + 1))
        else
            failed=$((failed + 1))
        fi
    done
    wait "$flood"
    echo "round $round: $(tail -1 /tmp/flood-watch.$$.log | sed 's/;.*//'); gets ok $ok, failed $failed; RSS $(rss)"
done
rm -f /tmp/flood-watch.$$.log

#!/usr/bin/env bash
# coap+tcp (RFC 8323) comparison in one run (BENCHMARKS.md, "CoAP over TCP"): libcoap 4.3.1's
# coap-server-notls, Tern (default handler executor), Tern with handlers inline, and Californium
# 3.14's TcpServerConnector, each in its own process pinned to CPU 1; the one load generator
# (tern-bench's TcpLoad: CONNS connections x DEPTH pipelined GET /, 136-byte answers) on CPU 0.
# After one unreported warm-up pass, rounds alternate the servers; the table gives req/s per round,
# the load average before each round, and the median of the per-round ratios. Then memory per idle
# connection at IDLE connections (TcpLoad idle), Tern against Californium and against a bare JDK NIO
# accept-and-read loop (BareNioServer, the JDK's own floor): heap used after a full GC, and RSS.
#
#   bench/tcp.sh [ROUNDS=5] [SECONDS=6] [IDLE=10000]      env: CONNS=100 DEPTH=16 PORT=5780
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"
seconds="${2:-6}"
idle="${3:-10000}"
conns="${CONNS:-100}"
depth="${DEPTH:-16}"
base="${PORT:-5780}"
jar="$repo/tern-bench/target/tern-bench.jar"
jvm=(java -Xms256m -Xmx1g -XX:+UseG1GC)
[ -f "$jar" ] || (cd "$repo" && mvn -B -q -o -DskipTests package -pl tern-bench -am -Pbench)
command -v coap-server-notls >/dev/null || { echo "tcp.sh: coap-server-notls (libcoap) not on PATH" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME PORT CMD...: the server pinned to CPU 1; waits until its port accepts
start() {
    local port="$2"; shift 2
    taskset -c 1 "$@" >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.2
    done
    echo "tcp.sh: nothing listens on $port" >&2; exit 1
}
load() { taskset -c 0 "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.TcpLoad load 127.0.0.1 "$1" "$conns" "$depth" "$seconds" 2>/dev/null; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

names=(libcoap tern tern-inline californium)
start libcoap $base coap-server-notls -A 127.0.0.1 -p $base
start tern $((base + 1)) "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.TcpLoad serve $((base + 1))
start tern-inline $((base + 2)) "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.TcpLoad serve $((base + 2)) inline
start californium $((base + 3)) "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.CfTcpServer $((base + 3))

echo "coap+tcp, $conns connections x $depth pipelined GET /, ${seconds} s per run after 2 s warm-up; servers on CPU 1, load on CPU 0"
echo
echo "| Round | load avg | libcoap | Tern | Tern inline | Californium | Tern/libcoap | Tern/Cf | inline/libcoap | inline/Cf |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for i in 0 1 2 3; do load $((base + i)) >/dev/null; done # warm-up pass (JIT), not reported
ratios=$(mktemp)
notes=""
for r in $(seq "$rounds"); do
    la=$(loadavg)
    declare -A rate=()
    for i in 0 1 2 3; do
        line=$(load $((base + i)) | tail -1)
        rate[$i]=$(sed -n 's/.*depth [0-9]*: \([0-9]*\) req\/s.*/\1/p' <<<"$line")
        e=$(sed -n 's/.* \([0-9]*\) error responses, \([0-9]*\) connections failed.*/\1 \2/p' <<<"$line")
        [ "$e" = "0 0" ] || notes+="round $r ${names[$i]}: errors/failed connections $e"$'\n'
    done
    row=$(awk -v l="${rate[0]}" -v t="${rate[1]}" -v i="${rate[2]}" -v c="${rate[3]}" \
        'BEGIN { printf "%.2f %.2f %.2f %.2f", t / l, t / c, i / l, i / c }')
    echo "$row" >>"$ratios"
    read -r a b c d <<<"$row"
    echo "| $r | $la | ${rate[0]} | ${rate[1]} | ${rate[2]} | ${rate[3]} | $a | $b | $c | $d |"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "| median | | | | | | $(cut -d' ' -f1 "$ratios" | median) | $(cut -d' ' -f2 "$ratios" | median) | $(cut -d' ' -f3 "$ratios" | median) | $(cut -d' ' -f4 "$ratios" | median) |"
[ -z "$notes" ] || printf '\n%s' "$notes"
cleanup
pids=()

[ "$idle" -gt 0 ] || exit 0
echo
echo "Memory at $idle idle connections (each sent a CSM), heap used after a full GC and RSS:"
echo
echo "| Server | heap before | heap with connections | per connection | RSS before | RSS with | RSS per connection | load avg |"
echo "|---|---|---|---|---|---|---|---|"
heap() { jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
for s in tern californium jdk-nio; do
    port=$((base + 10))
    case "$s" in
        tern) start tern $port "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.TcpLoad serve $port ;;
        californium) start californium $port "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.CfTcpServer $port ;;
        *) start jdk-nio $port "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.BareNioServer $port ;;
    esac
    server=${pids[-1]}
    sleep 3
    h0=$(heap "$server"); r0=$(rss "$server")
    out=$(mktemp)
    taskset -c 0 "${jvm[@]}" -cp "$jar" dev.tern.coap.bench.TcpLoad idle 127.0.0.1 $port "$idle" >"$out" 2>&1 &
    client=$!
    pids+=($client)
    for _ in $(seq 300); do grep -q "idle connections open" "$out" && break; sleep 0.5; done
    grep -q "idle connections open" "$out" || { echo "tcp.sh: $s: idle connections not open: $(tail -2 "$out")" >&2; }
    sleep 5
    h1=$(heap "$server"); r1=$(rss "$server")
    awk -v s="$s" -v h0="$h0" -v h1="$h1" -v r0="$r0" -v r1="$r1" -v n="$idle" -v la="$(loadavg)" 'BEGIN {
        printf "| %s | %d KiB | %d KiB | %.0f B | %d MiB | %d MiB | %.0f B | %s |\n",
            s, h0, h1, (h1 - h0) * 1024 / n, r0 / 1024, r1 / 1024, (r1 - r0) * 1024 / n, la }'
    kill "$client" "$server" 2>/dev/null || true
    wait "$client" "$server" 2>/dev/null || true
    rm -f "$out"
done

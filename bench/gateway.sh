#!/usr/bin/env bash
# HTTP->CoAP gateways: Tern's HttpGateway against Californium proxy2 3.9.1 (RFC 8075), each gateway
# alone in its own JVM pinned to CPU 1; the load and the CoAP origin (bench/coap-origin.c, the load
# in the same C thread) pinned to CPU 0; keep-alive HTTP/1.1 connections without pipelining,
# alternating rounds, medians.
# Prints a Markdown table: req/s, the gateway process's CPU per request, the ratios, how busy CPU 0
# (the load's) was in each phase, the load average.
# Needs gcc; --load wrk runs wrk (apt-get install wrk) beside the origin instead, --load java the
# earliest load: a Java selector thread and Tern CoAP origins in one JVM on CPU 0.
#
#   bench/gateway.sh [--rounds 5] [--seconds 5] [--warmup 5] [--connections 32]
#                    [--gateway-jvm "-Xms256m -Xmx256m"] [--tern-jvm ...] [--cf-jvm ...] [--no-pin] [--threads]
#                    [--tern-base-cp OTHER/tern-bench/target/tern-bench.jar]  (that build's Tern too, before/after)
#                    [--tern-base-jvm "..."]  (its JVM options, default --tern-jvm's; -Dtern.bench.ioThreads=N)
#                    [--load c|wrk|java]  (default c)
#                    [--origins 1]  (--load java: CoAP origins per phase, 50 000 requests each at most: 4 for full-length phases)
#
# Builds tern-bench with -Pbench first (offline when the dependencies are cached); set
# GATEWAY_BENCH_NO_BUILD=1 to use the jar as it is.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/tern-bench/target/tern-bench.jar"
if [ "${GATEWAY_BENCH_NO_BUILD:-0}" != 1 ]; then
    (cd "$repo" && { mvn -B -q -o -Pbench package -pl tern-bench -am -DskipTests \
        || mvn -B -q -Pbench package -pl tern-bench -am -DskipTests; })
fi
origin="$repo/tern-bench/target/coap-origin"
if [[ " $* " == *" --load wrk "* ]]; then
    command -v wrk >/dev/null || { echo "gateway.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }
fi
if [[ " $* " != *" --load java "* ]]; then
    gcc -O2 -Wall -Wextra -o "$origin" "$repo/bench/coap-origin.c"
fi
pin=(taskset -c 0)
for a in "$@"; do [ "$a" = --no-pin ] && pin=(); done
if [ ${#pin[@]} -gt 0 ]; then
    command -v taskset >/dev/null || { echo "gateway.sh: taskset not found (util-linux); use --no-pin" >&2; exit 1; }
fi
exec "${pin[@]}" java -Xms512m -Xmx512m -cp "$jar" dev.tern.coap.bench.HttpGatewayBench run --origin-bin "$origin" "$@"

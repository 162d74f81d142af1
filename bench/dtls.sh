#!/usr/bin/env bash
# The coaps:// benchmark: Tern (Dtls.server) against Californium/Scandium 3.14, PSK with
# TLS_PSK_WITH_AES_128_CCM_8, GET /hello, the same load generator for both (tern-bench's DtlsLoad),
# server and load in separate JVMs pinned to CPU 0 and CPU 1, interleaved rounds.
#
#   bench/dtls.sh [DtlsBench run options...]
#
# Defaults: --servers tern,scandium --modes rps,hs --rounds 3 --warmup 5 --duration 10
#           --sessions 50 --window 8 --concurrency 32 --server-jvm "-Xms1g -Xmx1g"
# Other options: --no-pin, --out DIR, --tern-jvm "...", --scandium-jvm "...", --load-jvm "...",
#           --cf-receiver-threads N --cf-connector-threads N --cf-protocol-threads N,
#           --close-notify, --quiet-pct 30 --quiet-wait 20 (see tern-bench/README.md).
# Builds tern-bench with -Pbench first (offline when the dependencies are cached); set
# DTLS_BENCH_NO_BUILD=1 to use the jar as it is.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/tern-bench/target/tern-bench.jar"
if [ "${DTLS_BENCH_NO_BUILD:-0}" != 1 ]; then
    (cd "$repo" && { mvn -B -q -o -Pbench package -pl tern-bench -am -DskipTests \
        || mvn -B -q -Pbench package -pl tern-bench -am -DskipTests; })
fi
command -v taskset >/dev/null || { echo "dtls.sh: taskset not found (util-linux); use --no-pin" >&2; exit 1; }
exec java -cp "$jar" dev.tern.coap.bench.DtlsBench run "$@"

#!/usr/bin/env bash
# A Tern cluster on this machine, on loopback: redis-server, N nodes (bin/tern serve --cluster, demo
# credentials --dtls --psk-identity dev1 --psk-key secret) and nginx (stream module, UDP) in front,
# all on free ports. `up` prints the balancer's ports as `coap=PORT coaps=PORT` and returns; `down`
# stops everything it started (pid files in the run directory). Needs redis-server, nginx and its
# stream module (Debian: redis-server nginx libnginx-mod-stream). Build first: mvn -B -q -DskipTests package.
#
#   scripts/cluster.sh up [N]     (default 3)
#   scripts/cluster.sh down
#   TERN_CLUSTER_DIR=DIR          run directory (default ${TMPDIR:-/tmp}/tern-cluster-$UID)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
run="${TERN_CLUSTER_DIR:-${TMPDIR:-/tmp}/tern-cluster-$(id -u)}"
module="${TERN_NGINX_STREAM_MODULE:-/usr/lib/nginx/modules/ngx_stream_module.so}"

free_port() { # $1: tcp or udp
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1]=='tcp' else socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}

wait_for() { # $1: file, $2: pattern; prints the first match
    for _ in $(seq 1 600); do
        if [ -f "$1" ] && grep -q "$2" "$1"; then grep -o "$2" "$1" | head -1; return 0; fi
        sleep 0.1
    done
    echo "cluster.sh: timed out waiting for '$2' in $1" >&2
    cat "$1" >&2 || true
    return 1
}

down() {
    [ -d "$run" ] || { echo "cluster.sh: nothing running ($run)"; return 0; }
    for pidfile in "$run"/nginx.pid "$run"/node-*.pid "$run"/redis.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$pidfile"
    done
    echo "cluster.sh: stopped ($run)"
}

up() {
    local n=${1:-3}
    for bin in redis-server nginx python3; do
        command -v "$bin" >/dev/null || { echo "cluster.sh: $bin is not installed" >&2; exit 1; }
    done
    [ -f "$module" ] || { echo "cluster.sh: no nginx stream module at $module (apt install libnginx-mod-stream)" >&2; exit 1; }
    [ -f "$repo/tern-cli/target/tern.jar" ] || [ -f "$repo/lib/tern.jar" ] || {
        echo "cluster.sh: build first: mvn -B -q -DskipTests package" >&2; exit 1; }
    if [ -f "$run/redis.pid" ] && kill -0 "$(cat "$run/redis.pid")" 2>/dev/null; then
        echo "cluster.sh: already up ($run); scripts/cluster.sh down first" >&2; exit 1
    fi
    mkdir -p "$run"
    chmod 700 "$run"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/0x/' > "$run/cluster.secret"
    chmod 600 "$run/cluster.secret"

    local redis_port; redis_port=$(free_port tcp)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/redis.log"
    for _ in $(seq 1 50); do [ -f "$run/redis.pid" ] && break; sleep 0.1; done

    local coap_up="" coaps_up=""
    for i in $(seq 1 "$n"); do # started together: each JVM takes a few seconds
        nohup "$repo/bin/tern" serve --bind 127.0.0.1 -p 0 --dtls --dtls-port 0 --psk-identity dev1 \
            --psk-key secret --cluster "redis://127.0.0.1:$redis_port" --cluster-secret "@$run/cluster.secret" \
            >"$run/node-$i.log" 2>&1 &
        echo $! > "$run/node-$i.pid"
    done
    for i in $(seq 1 "$n"); do
        local coap coaps
        coap=$(wait_for "$run/node-$i.log" 'coap://127.0.0.1:[0-9]*' | sed 's/.*://')
        coaps=$(wait_for "$run/node-$i.log" 'coaps://127.0.0.1:[0-9]*' | sed 's/.*://')
        coap_up+="        server 127.0.0.1:$coap max_fails=1 fail_timeout=30s;"$'\n'
        coaps_up+="        server 127.0.0.1:$coaps max_fails=1 fail_timeout=30s;"$'\n'
    done

    local coap_port coaps_port
    coap_port=$(free_port udp)
    coaps_port=$(free_port udp)
    python3 - "$repo/deploy/nginx-coap.conf" "$run/nginx.conf" <<PY
import sys
s = open(sys.argv[1]).read()
for k, v in {"__STREAM_MODULE__": "$module", "__RUN_DIR__": "$run", "__BIND__": "127.0.0.1",
             "__COAP_PORT__": "$coap_port", "__COAPS_PORT__": "$coaps_port",
             "__COAP_UPSTREAMS__": """${coap_up%$'\n'}""", "__COAPS_UPSTREAMS__": """${coaps_up%$'\n'}"""}.items():
    s = s.replace(k, v)
open(sys.argv[2], "w").write(s)
PY
    nginx -p "$run" -e "$run/nginx-error.log" -c "$run/nginx.conf"
    for _ in $(seq 1 50); do [ -f "$run/nginx.pid" ] && break; sleep 0.1; done
    echo "coap=$coap_port coaps=$coaps_port"
}

case "${1:-}" in
    up) up "${2:-3}" ;;
    down) down ;;
    *) echo "usage: scripts/cluster.sh up [N] | down" >&2; exit 2 ;;
esac

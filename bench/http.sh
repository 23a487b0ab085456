#!/usr/bin/env bash
# HTTP gateway benchmark: 1 KiB POST sends (`POST /v1/topics/{topic}/messages`, raw body) over 50 keep-alive
# connections with wrk, against nginx answering the same POST with a fixed 200 in the same run; then HTTP pop of 32
# plus one batch ack per pop (`tern bench pop`) draining what was sent.
#
#   bench/http.sh               needs wrk and nginx (apt-get install -y wrk nginx-light) and a release build
#   env: TERN=path/to/tern  SECONDS_PER_CASE=10  WRK_THREADS=2  CONNECTIONS=50  DIR=$TMPDIR/tern-bench-http
#
# Targets: sends >= 40,000 req/s and >= 55 % of nginx; pop of 32 + batch ack >= 50,000 msg/s.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SECONDS_PER_CASE=${SECONDS_PER_CASE:-10}
WRK_THREADS=${WRK_THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
DIR=${DIR:-${TMPDIR:-/tmp}/tern-bench-http}
mkdir -p "$DIR"
NGINX_PID=
cleanup() {
    stop_tern
    if [ -n "$NGINX_PID" ]; then kill -TERM "$NGINX_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
machine

wrk_rps() { awk '/^Requests\/sec/ {printf "%d", $2}'; }

# nginx: one worker per core (worker_processes auto, Debian's default; NGINX_WORKERS overrides), fixed 200 for any POST.
NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$DIR/nginx"
cat >"$DIR/nginx/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-auto};
daemon off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx/body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_body_buffer_size 16k;
        location / { return 200 '{"status":"SEND_OK"}'; }
    }
}
CONF
nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" &
NGINX_PID=$!
sleep 0.5

echo "== nginx fixed 200, 1 KiB POST, $CONNECTIONS connections"
echo "\$ wrk -t$WRK_THREADS -c$CONNECTIONS -d${SECONDS_PER_CASE}s -s bench/http-post.lua http://127.0.0.1:$NGINX_PORT/v1/topics/T/messages"
out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_CASE}s" --latency -s bench/http-post.lua \
    "http://127.0.0.1:$NGINX_PORT/v1/topics/T/messages")
echo "$out" | grep -E 'Requests/sec|Latency|99%|errors'
NGINX_RPS=$(echo "$out" | wrk_rps)
kill -TERM "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=

start_tern "$DIR/store"
echo "tern ready after ${READY_MS} ms: namesrv=$NAMESRV http=$HTTP"
"$TERN" admin topic create --namesrv "$NAMESRV" --topic HttpBench --queues 8 >/dev/null
echo "== tern gateway sends, 1 KiB POST, $CONNECTIONS connections"
echo "\$ wrk -t$WRK_THREADS -c$CONNECTIONS -d${SECONDS_PER_CASE}s -s bench/http-post.lua http://$HTTP/v1/topics/HttpBench/messages"
out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_CASE}s" --latency -s bench/http-post.lua \
    "http://$HTTP/v1/topics/HttpBench/messages")
echo "$out" | grep -E 'Requests/sec|Latency|99%|errors'
TERN_RPS=$(echo "$out" | wrk_rps)
echo "gateway sends: $TERN_RPS req/s = $(awk -v t="$TERN_RPS" -v n="$NGINX_RPS" 'BEGIN {printf "%.0f", 100*t/n}') %" \
    "of nginx ($NGINX_RPS req/s)"

echo "== HTTP pop of 32 + batch ack, draining what the send case stored"
echo "\$ tern bench pop --http $HTTP --topic HttpBench --max-count 32 --connections 8"
"$TERN" bench pop --http "$HTTP" --topic HttpBench --group HttpBenchPop --max-count 32 --connections 8 \
    --seconds "$((SECONDS_PER_CASE * 2))" | grep -E '^(pop|\[summary\])'
stop_tern
rm -rf "$DIR"; rm -f "$DIR"/*.conf

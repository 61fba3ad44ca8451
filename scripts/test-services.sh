#!/usr/bin/env bash
# Services the test suite needs, brought up for one run of scripts/test.sh (sourced by it).
#
# Redis (the background-worker and shared-cache tests): the tests read its address from
# QORGAN_TEST_REDIS (host:port, default 127.0.0.1:6379). When nothing answers there, a
# throw-away redis-server is started for this run on a free loopback port, without
# persistence, in a temporary folder, and stopped when the run ends, tests failed or not.
# Debian's redis-server is installed when it is missing (as root; otherwise one line says
# what to install). PostgreSQL stays optional: the suite runs on it when DATABASE_URL is set.

_qorgan_services_dir=""
_qorgan_redis_pid=""

qorgan_stop_services() {
  if [ -n "$_qorgan_redis_pid" ] && kill -0 "$_qorgan_redis_pid" 2>/dev/null; then
    kill "$_qorgan_redis_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$_qorgan_redis_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$_qorgan_redis_pid" 2>/dev/null || true
    echo "== test Redis (pid $_qorgan_redis_pid) stopped"
  fi
  _qorgan_redis_pid=""
  [ -n "$_qorgan_services_dir" ] && rm -rf "$_qorgan_services_dir"
  _qorgan_services_dir=""
}

_qorgan_redis_answers() {  # host port
  "$python_bin" - "$1" "$2" <<'PY'
import socket, sys
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

qorgan_ensure_redis() {
  local address="${QORGAN_TEST_REDIS:-127.0.0.1:6379}"
  local host="${address%:*}" port="${address##*:}"
  if _qorgan_redis_answers "$host" "$port"; then
    echo "== Redis answers at $address"
    export QORGAN_TEST_REDIS="$address"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "No Redis answers at $address and redis-server is missing. Install it as root: apt-get install redis-server" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # Debian's package may start a system service on 6379; this run uses its own instance.
  fi
  port="$("$python_bin" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  _qorgan_services_dir="$(mktemp -d -t qorgan-test-services.XXXXXX)"
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$_qorgan_services_dir" --daemonize no \
    --logfile "$_qorgan_services_dir/redis.log" &
  _qorgan_redis_pid=$!
  for _ in $(seq 1 50); do
    _qorgan_redis_answers 127.0.0.1 "$port" && break
    sleep 0.1
  done
  if ! _qorgan_redis_answers 127.0.0.1 "$port"; then
    echo "The test Redis did not start on 127.0.0.1:$port:" >&2
    cat "$_qorgan_services_dir/redis.log" >&2 || true
    return 1
  fi
  export QORGAN_TEST_REDIS="127.0.0.1:$port"
  echo "== test Redis started on $QORGAN_TEST_REDIS (pid $_qorgan_redis_pid, no persistence)"
}

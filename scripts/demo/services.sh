#!/usr/bin/env bash
# The three servers the demo runs, each with a pid file under target/demo/, so that Ctrl-C, the
# end of a --ci run and `make demo-stop` (another shell, later) stop exactly them:
#   target/demo/sandbox.pid        the Shopcaisse sandbox (its own process group)
#   target/demo/site.pid           php -S and its workers (its own process group)
#   target/demo/wp/mariadb/mysqld.pid  MariaDB (scripts/wp/lib.sh's pid file)
# Sourced by scripts/demo.sh after scripts/wp/lib.sh and scripts/wp/site.sh.

DEMO_SANDBOX_PID=$DEMO_DIR/sandbox.pid
DEMO_SITE_PID=$DEMO_DIR/site.pid
SANDBOX_BIN=$PWD/target/sandbox/release/shopcaisse-sandbox

# Whether the pid file names a live process whose command line holds $2 (a pid reused by
# another program since is not ours to stop).
demo_alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# Stops the pid in $1 and the process group it heads (TERM, then KILL after 5 s), and forgets it.
demo_stop_group() {
  local file=$1 command=$2 pid
  if demo_alive "$file" "$command"; then
    pid=$(cat "$file")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# The sandbox with its demo shop, on a free loopback port; sets SANDBOX_URL.
demo_start_sandbox() {
  local out=$DEMO_DIR/sandbox.out
  : > "$out"
  setsid "$SANDBOX_BIN" --port 0 --fixture fixtures/demo-catalog.json >"$out" 2>&1 </dev/null &
  echo $! > "$DEMO_SANDBOX_PID"
  for _ in $(seq 1 100); do
    grep -q '^listening on http://' "$out" && break
    demo_alive "$DEMO_SANDBOX_PID" shopcaisse-sandbox || break
    sleep 0.05
  done
  SANDBOX_URL=$(sed -n 's#^listening on \(http://127\.0\.0\.1:[0-9]*\).*#\1#p' "$out" | head -n1)
  if [ -z "$SANDBOX_URL" ]; then
    echo "The sandbox did not start; its output:" >&2
    cat "$out" >&2
    return 1
  fi
}

# php -S on PORT (scripts/wp/site.sh), its pid kept for demo-stop.
demo_serve_site() {
  site_serve "$1"
  echo "$SITE_SERVER_PID" > "$DEMO_SITE_PID"
}

# Everything a demo started, this run's or an earlier one's.
demo_stop_all() {
  demo_stop_group "$DEMO_SITE_PID" php
  SITE_SERVER_PID=
  demo_stop_group "$DEMO_SANDBOX_PID" shopcaisse-sandbox
  db_stop
}

# Whether the demo's servers are all still up.
demo_running() {
  demo_alive "$DEMO_SITE_PID" php && demo_alive "$DEMO_SANDBOX_PID" shopcaisse-sandbox \
    && [ -f "$DB_DIR/mysqld.pid" ] && kill -0 "$(cat "$DB_DIR/mysqld.pid")" 2>/dev/null
}

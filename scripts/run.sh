#!/usr/bin/env bash
# `make run`: the server, and beside it the REST gateway (build/gateway) when HERALD_GATEWAY
# is 1, true or yes. The gateway calls the server's HERALD_LISTEN unless
# HERALD_GATEWAY_TARGET says otherwise and listens on HERALD_GATEWAY_LISTEN
# (127.0.0.1:8080). Ctrl-C or SIGTERM stops both.
set -uo pipefail
PY=${PY:-.venv/bin/python}
case "${HERALD_GATEWAY:-}" in
  1 | true | yes) ;;
  *) exec "$PY" -m herald serve ;;
esac
export HERALD_GATEWAY_TARGET=${HERALD_GATEWAY_TARGET:-${HERALD_LISTEN:-127.0.0.1:50051}}
"$PY" -m herald serve &
server=$!
build/gateway &
gateway=$!
stop() { kill -TERM "$server" "$gateway" 2>/dev/null; }
trap stop INT TERM
wait "$server"
status=$?
# `wait` returns early when a trapped signal arrives: wait for the server itself.
while kill -0 "$server" 2>/dev/null; do wait "$server"; status=$?; done
kill -TERM "$gateway" 2>/dev/null
wait "$gateway" 2>/dev/null
exit "$status"

#!/usr/bin/env bash
# adapt's serve() against raw node:http, @hono/node-server, fastify and express, in one run of the
# shared harness (wrk, server pinned to CPU 0, load to CPU 1; median of interleaved rounds).
#   bench/node-server.sh                 ROUNDS=5 DURATION=5 by default; both overridable
#   SERVERS="raw hono" bench/node-server.sh   narrow the peers
# Peers come from PEERS_DIR (/tmp/bench-peers); see the harness README for installing them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HARNESS=${HARNESS:-$here/../../shared/bench/node-server.sh}
[ -x "$HARNESS" ] || HARNESS=/work/shared/bench/node-server.sh
if [ ! -x "$HARNESS" ]; then echo "bench: the shared harness node-server.sh was not found; set HARNESS=/path/to/node-server.sh" >&2; exit 1; fi
(cd "$here/.." && npx tsc -b packages/node)
export ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-5}
exec "$HARNESS" adapt="$here/ours-node.mjs" "$@"

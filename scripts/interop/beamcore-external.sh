#!/usr/bin/env bash
# EXTERNAL_CMD for ../shared/interop/run_leanspec_nodes.sh: runs beamcore-node as the
# external node the INTEROP_* variables describe (see that harness's README and
# examples/external_leanspec.sh), on the host, reading the network's files from the
# chroot's network directory. Logs go to the harness's run directory.
#   BEAMCORE_VERBOSE=1     debug logs
#   BEAMCORE_EXTRA_ARGS    more beamcore-node options (word-split)
#   BEAMCORE_BOOT_MODE=enr  name the bootnodes by their ENR (from network.json), not multiaddr
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
args=(--genesis "$INTEROP_GENESIS" --listen "$INTEROP_LISTEN" --node-id "$INTEROP_NODE_ID"
      --node-key "$INTEROP_IDENTITY_KEY_FILE" --api-port "$INTEROP_API_PORT" --api-host "$INTEROP_HOST"
      --data-dir "$INTEROP_RUN_DIR/${INTEROP_NODE_ID}-db" --no-color)
[ -n "$INTEROP_VALIDATOR_INDICES" ] && args+=(--validator-keys "$INTEROP_VALIDATOR_KEYS")
[ "$INTEROP_IS_AGGREGATOR" = 1 ] && args+=(--is-aggregator)
for b in $INTEROP_BOOTNODES; do
  if [ "${BEAMCORE_BOOT_MODE:-multiaddr}" = enr ]; then
    b="$(python3 -c 'import json, sys
nodes = json.load(open(sys.argv[1]))["nodes"]
print(next(n["enr"] for n in nodes if n["multiaddr"] == sys.argv[2]))' "$INTEROP_NETWORK_JSON" "$b")"
  fi
  args+=(--bootnode "$b")
done
[ "${BEAMCORE_VERBOSE:-0}" = 1 ] && args+=(--log-level debug)
# Extra options (word-split), e.g. the negative control of scripts/interop/run-mixed.
# shellcheck disable=SC2206
[ -n "${BEAMCORE_EXTRA_ARGS:-}" ] && args+=($BEAMCORE_EXTRA_ARGS)
exec node "$root/examples/beamcore-node/bin/beamcore-node" "${args[@]}"

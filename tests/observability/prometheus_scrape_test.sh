#!/usr/bin/env bash
# Debian's Prometheus scrapes a running devnet (realtime mode, 4 nodes, HTTP on) and
# every query of the Grafana dashboard (observability/grafana/beamcore.json) must
# return data from every node; a query on a metric nobody exports must fail the
# checker (so a passing run means something).
#   prometheus_scrape_test.sh <beamcore-devnet> <source dir>
set -euo pipefail
devnet="$1"
src="$2"
prometheus="$(command -v prometheus || true)"
if [ -z "${prometheus}" ]; then
  echo "FAILED: no prometheus binary (scripts/setup-deps installs Debian's prometheus)" >&2
  exit 1
fi
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "${p}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "${work}"
}
trap cleanup EXIT

# Ports from the process id, away from the defaults (another devnet may be running).
base=$((20000 + ($$ % 2000) * 8))
prom_port=$((base + 6))
targets=""
for i in 0 1 2 3; do targets="${targets:+${targets}, }'127.0.0.1:$((base + i))'"; done
sed -e "s/scrape_interval: 5s/scrape_interval: 1s/" -e "s/evaluation_interval: 5s/evaluation_interval: 1s/" \
    -e "s/- targets: .*/- targets: [${targets}]/" "${src}/observability/prometheus.yml" > "${work}/prometheus.yml"

"${devnet}" --mode realtime --nodes 4 --validators 8 --slots 30 --http --http-port "${base}" \
  --data-dir "${work}/devnet" --quiet > "${work}/devnet.log" 2>&1 &
pids+=($!)
"${prometheus}" --config.file="${work}/prometheus.yml" --storage.tsdb.path="${work}/tsdb" \
  --web.listen-address="127.0.0.1:${prom_port}" > "${work}/prometheus.log" 2>&1 &
pids+=($!)

# 12 slots of 4 s: blocks, votes, finalizations and a minute of rate() windows filled.
sleep 50
instances="127.0.0.1:${base},127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2)),127.0.0.1:$((base + 3))"
url="http://127.0.0.1:${prom_port}"
if ! /usr/bin/python3 "${src}/observability/check_dashboard.py" --prometheus "${url}" --instances "${instances}"; then
  echo "--- prometheus log"; tail -20 "${work}/prometheus.log"; echo "--- devnet log"; tail -20 "${work}/devnet.log"
  echo "FAILED: a dashboard query has no data from every node"
  exit 1
fi
if /usr/bin/python3 "${src}/observability/check_dashboard.py" --prometheus "${url}" --instances "${instances}" \
     --extra-expr lean_metric_nobody_exports > "${work}/negative.log"; then
  cat "${work}/negative.log"
  echo "FAILED: the checker passed a query on a metric nobody exports"
  exit 1
fi
grep -q "FAIL extra: lean_metric_nobody_exports" "${work}/negative.log"
echo "OK: every dashboard query returned data from all 4 nodes; a missing metric fails the check"

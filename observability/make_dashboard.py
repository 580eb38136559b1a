#!/usr/bin/env python3
"""Writes observability/grafana/beamcore.json, the Grafana dashboard of a libbeamcore
network, from the panel list below (one place for the queries: check_dashboard.py
reads the JSON this writes).

Every query is per node (`instance`): the scrape test asserts each one returns data
from every node of a running devnet.

    observability/make_dashboard.py   # rewrites observability/grafana/beamcore.json
"""

import json
import os

# (title, unit, [(legend, PromQL)]). leanMetrics names (leanSpec node/metrics) where
# they exist; beamcore_lock_* are this library's lock wait/hold histograms.
PANELS = [
    ("Head slot", "none", [("{{instance}}", "lean_head_slot")]),
    ("Latest justified slot", "none", [("{{instance}}", "lean_latest_justified_slot")]),
    ("Latest finalized slot", "none", [("{{instance}}", "lean_latest_finalized_slot")]),
    ("Finality lag (head - finalized)", "none",
     [("{{instance}}", "lean_head_slot - lean_latest_finalized_slot")]),
    ("Connected peers", "none", [("{{instance}}", "lean_connected_peers")]),
    ("Attestation validation time p95", "s",
     [("{{instance}}", "histogram_quantile(0.95, sum by (instance, le) "
                       "(rate(lean_attestation_validation_time_seconds_bucket[1m])))")]),
    ("State transition time p95", "s",
     [("{{instance}}", "histogram_quantile(0.95, sum by (instance, le) "
                       "(rate(lean_state_transition_time_seconds_bucket[1m])))")]),
    ("Fork-choice block processing time p95", "s",
     [("{{instance}}", "histogram_quantile(0.95, sum by (instance, le) "
                       "(rate(lean_fork_choice_block_processing_time_seconds_bucket[1m])))")]),
    ("Vote arrival to fork choice p99", "s",
     [("{{instance}} {{kind}}", "histogram_quantile(0.99, sum by (instance, kind, le) "
                                "(rate(lean_vote_arrival_to_fork_choice_seconds_bucket[1m])))")]),
    ("Gossip attestations (valid / invalid per second)", "ops",
     [("{{instance}} valid {{source}}", "sum by (instance, source) (rate(lean_attestations_valid_total[1m]))"),
      ("{{instance}} invalid {{source}}", "sum by (instance, source) (rate(lean_attestations_invalid_total[1m]))")]),
    ("Blocks imported per second", "ops", [("{{instance}}", "rate(lean_blocks_imported_total[1m])")]),
    ("Reorgs (last 5 minutes)", "none", [("{{instance}}", "increase(lean_fork_choice_reorgs_total[5m])")]),
    ("Chain queue depth", "none", [("{{instance}} {{queue}}", "lean_chain_queue_depth")]),
    ("Chain queue drops per second", "ops",
     [("{{instance}} {{queue}}", "rate(lean_chain_queue_dropped_total[1m])")]),
    ("Verification pool queue depth", "none", [("{{instance}}", "lean_verify_pool_queue_depth")]),
    ("Lock wait p99 by lock", "s",
     [("{{instance}} {{lock}}", "histogram_quantile(0.99, sum by (instance, lock, le) "
                                "(rate(beamcore_lock_wait_seconds_bucket[1m])))")]),
    ("Lock hold p99 by lock", "s",
     [("{{instance}} {{lock}}", "histogram_quantile(0.99, sum by (instance, lock, le) "
                                "(rate(beamcore_lock_hold_seconds_bucket[1m])))")]),
]


def dashboard():
    panels = []
    for i, (title, unit, targets) in enumerate(PANELS):
        panels.append({
            "id": i + 1,
            "type": "timeseries",
            "title": title,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
            "targets": [{"refId": chr(ord("A") + j), "expr": expr, "legendFormat": legend,
                         "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                        for j, (legend, expr) in enumerate(targets)],
        })
    return {
        "title": "libbeamcore (lean consensus)",
        "uid": "beamcore-lean",
        "schemaVersion": 38,
        "version": 1,
        "editable": True,
        "time": {"from": "now-30m", "to": "now"},
        "refresh": "10s",
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus",
                                 "label": "Prometheus"}]},
        "panels": panels,
    }


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grafana", "beamcore.json")
    with open(out, "w") as f:
        json.dump(dashboard(), f, indent=2)
        f.write("\n")
    print(f"wrote {out}: {len(PANELS)} panels")

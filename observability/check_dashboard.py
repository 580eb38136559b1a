#!/usr/bin/env python3
"""Asks a running Prometheus every query of the Grafana dashboard and fails unless each
returns a sample from every expected node.

    check_dashboard.py --prometheus http://127.0.0.1:9090 --instances 127.0.0.1:5052,... \\
        [--dashboard observability/grafana/beamcore.json] [--extra-expr EXPR ...]

A histogram quantile may be NaN for a node with no observation in the window; every
other sample must be a number. --extra-expr adds queries (the scrape test uses it to
show that a panel on a metric nobody exports fails). Exit status 0 when every query
passed, 1 otherwise, with one line per query.
"""

import argparse
import json
import math
import os
import sys
import urllib.parse
import urllib.request


def queries(dashboard_path):
    with open(dashboard_path) as f:
        dashboard = json.load(f)
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


def ask(prometheus, expr):
    url = prometheus.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"query failed: {body}")
    return body["data"]["result"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--instances", required=True, help="comma list of the scrape targets that must answer")
    parser.add_argument("--dashboard", default=os.path.join(here, "grafana", "beamcore.json"))
    parser.add_argument("--extra-expr", action="append", default=[])
    args = parser.parse_args()
    expected = set(args.instances.split(","))
    checks = list(queries(args.dashboard)) + [("extra", e) for e in args.extra_expr]
    failed = 0
    for title, expr in checks:
        try:
            result = ask(args.prometheus, expr)
        except Exception as e:  # noqa: BLE001 - reported per query
            print(f"FAIL {title}: {expr}: {e}")
            failed += 1
            continue
        seen, bad = set(), []
        for series in result:
            instance = series["metric"].get("instance", "")
            value = float(series["value"][1])
            if math.isnan(value) and "histogram_quantile" not in expr:
                bad.append(instance)
            seen.add(instance)
        missing = sorted(expected - seen)
        if missing or bad:
            print(f"FAIL {title}: {expr}: no data from {missing}" + (f", NaN from {bad}" if bad else ""))
            failed += 1
        else:
            print(f"ok   {title}: {len(result)} series from {len(seen)} nodes")
    print(f"{len(checks) - failed} of {len(checks)} queries returned data from every node")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

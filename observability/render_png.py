#!/usr/bin/env python3
"""Renders the Grafana dashboard's panels as PNG plots from a running Prometheus (Grafana
is not in Debian's archive; this draws the same queries with matplotlib, Debian's
python3-matplotlib). One image, a grid of panels, each query's series per node.

    render_png.py --prometheus http://127.0.0.1:9090 --minutes 3 --out dashboard.png
"""

import argparse
import json
import math
import os
import time
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def query_range(prometheus, expr, start, end, step):
    url = prometheus.rstrip("/") + "/api/v1/query_range?" + urllib.parse.urlencode(
        {"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.load(response)["data"]["result"]


def legend(template, metric):
    out = template
    for key, value in metric.items():
        out = out.replace("{{" + key + "}}", value)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--dashboard", default=os.path.join(here, "grafana", "beamcore.json"))
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.dashboard) as f:
        panels = json.load(f)["panels"]
    end = time.time()
    start = end - args.minutes * 60
    columns = 3
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6 * columns, 3.2 * rows))
    for ax, panel in zip(axes.flat, panels):
        for target in panel["targets"]:
            for series in query_range(args.prometheus, target["expr"], start, end, 2):
                xs = [float(t) - start for t, _ in series["values"]]
                ys = [float(v) for _, v in series["values"]]
                ax.plot(xs, ys, linewidth=1, label=legend(target.get("legendFormat", ""), series["metric"]))
        ax.set_title(panel["title"], fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("seconds", fontsize=7)
        if len(ax.get_lines()) <= 8:
            ax.legend(fontsize=6, loc="upper left")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle("libbeamcore devnet (4 nodes, realtime) — the Grafana dashboard's queries, from Prometheus", fontsize=11)
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""Benchmark: octilinear layout of all 30 ReasonMap networks against a plain spring layout.

The baseline, measured in the same run, is `networkx.spring_layout(seed=0)` of the same track graph
with straight edges, scaled so its median edge length is 1 (our grid unit is the minimum station
gap, so spacing compares). Crossings are counted by the same function for both, and both are drawn
by the same renderer at the same scale to count label overlaps (the label placer's own figures).

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_layout.py [--cities a,b] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.network.model import Network
from curation.synth.geometry import Edge, Layout, Point, track_edges
from curation.synth.layout import layout_network
from curation.synth.layout_metrics import (
    bbox_size,
    bends,
    edge_crossings,
    median_edge_length,
    min_spacing,
    octilinear_share,
)
from curation.synth.render import RenderOptions, render_map


def figures(positions: dict[str, Point], edges: dict[Edge, tuple[Point, ...]], seconds: float) -> dict[str, Any]:
    """One layout's geometric metrics (`with_labels` adds the label placer's)."""
    spacing = min_spacing(positions)
    median = median_edge_length(edges) if edges else 1.0
    width, height = bbox_size(positions, edges) if edges else (0.0, 0.0)
    return {
        "seconds": seconds,
        "crossings": edge_crossings(edges),
        "bends": bends(edges),
        "min_spacing": spacing,
        "spacing_ratio": spacing / median,
        "octilinear": octilinear_share(edges),
        "bbox": (width, height),
    }


def with_labels(metrics: dict[str, Any], network: Network, layout: Layout) -> dict[str, Any]:
    """Add what the label placer makes of the layout: labels over a label or marker, labels over anything."""
    stats = render_map(network, layout, "bench.png", RenderOptions(scale=0.5, languages=LANGUAGES)).stats
    return {**metrics, "label_overlaps": int(stats["label_overlaps"]), "labels_unplaced": int(stats["labels_unplaced"]),
            "labels": int(stats["labels"])}


LANGUAGES = ("zh", "en")  # a label per name the station has, in either script


def ours(network: Network, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    layout = layout_network(network, seed=seed)
    return with_labels(figures(layout.positions, layout.edges, time.perf_counter() - start), network, layout)


def spring(network: Network) -> dict[str, Any]:
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(sorted(network.stations))
    graph.add_edges_from(track_edges(network))
    raw = nx.spring_layout(graph, seed=0)
    seconds = time.perf_counter() - start
    lengths = sorted(float(((raw[a] - raw[b]) ** 2).sum() ** 0.5) for a, b in graph.edges)
    scale = 1.0 / lengths[len(lengths) // 2] if lengths and lengths[len(lengths) // 2] > 0 else 1.0
    positions = {s: (float(p[0]) * scale, float(p[1]) * scale) for s, p in raw.items()}
    edges = {edge: (positions[edge[0]], positions[edge[1]]) for edge in track_edges(network)}
    return with_labels(figures(positions, edges, seconds), network, Layout(positions, edges))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="", help="comma-separated slugs (default: every real city)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    if not (root / "stations").is_dir():
        print(f"no station lists under {root}; set MAPCURATE_DATA", file=sys.stderr)
        return 2
    wanted = [s for s in args.cities.split(",") if s]
    cities = [c for c in map(load_city, wanted or city_slugs()) if not c.synthetic]
    rows = []
    header = (f"{'city':12s} {'stn':>4s} {'edges':>5s} | {'ours s':>7s} {'cross':>5s} {'bends':>5s} {'space':>5s} "
              f"{'sp/med':>6s} {'octi':>5s} {'bbox':>9s} {'lab×':>4s} | {'spring s':>8s} {'cross':>5s} {'sp/med':>6s} "
              f"{'octi':>5s} {'lab×':>4s}")
    print(header)
    print("-" * len(header))
    for city in cities:
        network = build_network(city, root).network
        metrics = {"city": city.slug, "stations": len(network.stations), "edges": len(track_edges(network)),
                   "ours": ours(network, args.seed), "spring": spring(network)}
        rows.append(metrics)
        o, b = metrics["ours"], metrics["spring"]
        print(f"{city.slug:12s} {metrics['stations']:4d} {metrics['edges']:5d} | {o['seconds']:7.2f} "
              f"{o['crossings']:5d} {o['bends']:5d} {o['min_spacing']:5.2f} {o['spacing_ratio']:6.2f} "
              f"{o['octilinear']:5.2f} {o['bbox'][0]:4.0f}x{o['bbox'][1]:<4.0f} {o['label_overlaps']:4d} | "
              f"{b['seconds']:8.2f} {b['crossings']:5d} {b['spacing_ratio']:6.3f} {b['octilinear']:5.2f} "
              f"{b['label_overlaps']:4d}", flush=True)
    total = {k: sum(r[k]["seconds"] for r in rows) for k in ("ours", "spring")}
    cross = {k: sum(r[k]["crossings"] for r in rows) for k in ("ours", "spring")}
    slowest = max(rows, key=lambda r: r["ours"]["seconds"])
    worst = max(rows, key=lambda r: r["ours"]["crossings"])
    print(f"\ncities: {len(rows)}; time ours {total['ours']:.1f} s (slowest {slowest['city']} "
          f"{slowest['ours']['seconds']:.1f} s), spring {total['spring']:.1f} s")
    print(f"crossings ours {cross['ours']} vs spring {cross['spring']} "
          f"(ratio {cross['ours'] / max(1, cross['spring']):.3f}); most crossings: {worst['city']} "
          f"{worst['ours']['crossings']}")
    print(f"min spacing / median edge: ours ≥ {min(r['ours']['spacing_ratio'] for r in rows):.2f}, "
          f"spring ≥ {min(r['spring']['spacing_ratio'] for r in rows):.3f}; octilinear segments: ours "
          f"{min(r['ours']['octilinear'] for r in rows):.2f} (worst city), spring "
          f"{max(r['spring']['octilinear'] for r in rows):.2f} (best city)")
    labels = {k: sum(r[k]["label_overlaps"] for r in rows) for k in ("ours", "spring")}
    count = sum(r["ours"]["labels"] for r in rows)
    print(f"labels over another label or a marker (lab×): ours {labels['ours']} vs spring {labels['spring']} of "
          f"{count} labels; over anything, a line included: ours {sum(r['ours']['labels_unplaced'] for r in rows)} "
          f"vs spring {sum(r['spring']['labels_unplaced'] for r in rows)} (same label placer, same scale)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: build all 30 ReasonMap networks (import + checks + validation) against a bare baseline.

The baseline, measured in the same run, only reads each station list and adds one networkx edge
per consecutive pair: the least any importer must do. The ratio shows what curation costs.

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_build_graph.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from itertools import pairwise
from pathlib import Path

import networkx as nx

from curation.cities import city_slugs, load_city
from curation.network.build import build_network


def baseline(paths: list[Path]) -> int:
    edges = 0
    for path in paths:
        graph = nx.MultiGraph()
        for line, stations in json.loads(path.read_text(encoding="utf-8")).items():
            for a, b in pairwise(stations):
                graph.add_edge(a, b, key=line)
        edges += graph.number_of_edges()
    return edges


def curated(cities, root: Path) -> int:
    return sum(build_network(city, root).network.to_networkx().number_of_edges() for city in cities)


def timed(func, *args, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(*args)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def peak_mib(func, *args) -> float:
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    if not (root / "stations").is_dir():
        print(f"no station lists under {root}; set MAPCURATE_DATA", file=sys.stderr)
        return 2
    cities = [c for c in map(load_city, city_slugs()) if not c.synthetic]
    paths = [c.source_path("stations", root) for c in cities]
    base_median, base_min = timed(baseline, paths, repeat=args.repeat)
    cur_median, cur_min = timed(curated, cities, root, repeat=args.repeat)
    print(f"cities: {len(cities)}, station entries: "
          f"{sum(len(v) for p in paths for v in json.loads(p.read_text(encoding='utf-8')).values())}")
    print(f"baseline (read + networkx edges): median {base_median * 1e3:8.1f} ms, min {base_min * 1e3:8.1f} ms, "
          f"peak {peak_mib(baseline, paths):6.1f} MiB")
    print(f"mapcurate build_network (all):    median {cur_median * 1e3:8.1f} ms, min {cur_min * 1e3:8.1f} ms, "
          f"peak {peak_mib(curated, cities, root):6.1f} MiB")
    print(f"ratio curated / baseline (median): {cur_median / base_median:.1f}x; "
          f"per city {cur_median / len(cities) * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the default question set for all 30 cities, and the router's all-pairs time.

Prints (1) the time to generate the default set from built networks, and (2) for New York and
Shanghai, the time to compute every optimal route between all station pairs next to a naive
baseline measured in the same run: networkx single-source Dijkstra on the plain station graph
(shortest paths by stops only, one path per pair, no transfers, no alternatives).

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_questions.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import networkx as nx

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.questions.generator import generate_city
from curation.routing import Router


def seconds(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def main() -> int:
    root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    if not (root / "stations").is_dir():
        print(f"no station lists under {root}; set MAPCURATE_DATA", file=sys.stderr)
        return 2
    cities = {s: load_city(s) for s in city_slugs() if s != "demo"}
    networks = {s: build_network(city, root).network for s, city in cities.items()}
    skips = {s: city.question_skips.get("skip", []) for s, city in cities.items()}
    took, results = seconds(lambda: [generate_city(net, seed=0, skip=skips[s]) for s, net in networks.items()])
    rows = sum(len(r.questions) for r in results)
    pairs = sum(r.produced.get("planning", 0) for r in results)
    print(f"default question set, 30 cities: {took:.2f} s, {rows} questions ({pairs} route pairs, "
          f"{rows - 2 * pairs} detail)")
    for city in ("new_york", "shanghai"):
        net = networks[city]
        router = Router(net)
        ours, counted = seconds(lambda net=net, router=router: sum(
            sum(len(r) for r in router.routes_from(s).values()) for s in sorted(net.stations)))
        graph = nx.Graph(net.to_networkx())
        naive, _ = seconds(lambda graph=graph: [nx.single_source_dijkstra_path(graph, s) for s in graph])
        n = len(net.stations)
        print(f"{city}: {n} stations, {n * (n - 1)} ordered pairs; all optimal routes ({counted}) in "
              f"{ours:.2f} s; networkx Dijkstra paths (one per pair, stops only) {naive:.2f} s; "
              f"ratio {ours / naive:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

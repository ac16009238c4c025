"""Benchmark: map difficulty of the 30 ReasonMap cities against the benchmark's known labels.

Prints, city by city, the lines, the stations served by two or more lines, the interchanges (stations
where lines meet, `curation.questions.difficulty`), the level under the previous rule (stations served
by two or more lines: easy ≤ 6, hard ≥ 25 with ≥ 5 lines — the baseline), the level now, and the
benchmark's label where it is known; then the split per level and the agreement of both rules.

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_difficulty.py
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.network.model import Network
from curation.questions.difficulty import BENCHMARK_MAP_LABELS, MAP_LEVELS, interchange_stations, map_level


def previous_level(network: Network) -> int:
    """The rule before interchanges: every station served by two or more lines counted."""
    multi, lines = len(network.transfer_stations), len(network.lines)
    return 0 if multi <= 6 else 2 if multi >= 25 and lines >= 5 else 1


def rows(data_root: Path) -> list[tuple[str, int, int, int, str, str, str]]:
    """(city, lines, multi-line stations, interchanges, previous level, level, benchmark label or '')."""
    out = []
    for slug in city_slugs():
        if slug == "demo":
            continue
        net = build_network(load_city(slug), data_root).network
        out.append((slug, len(net.lines), len(net.transfer_stations), len(interchange_stations(net)),
                    MAP_LEVELS[previous_level(net)], MAP_LEVELS[map_level(net)], BENCHMARK_MAP_LABELS.get(slug, "")))
    return out


def main() -> int:
    data = os.environ.get("MAPCURATE_DATA")
    if not data:
        print("set MAPCURATE_DATA to the data root", file=sys.stderr)
        return 2
    table = rows(Path(data))
    print(f"{'city':<12} {'lines':>5} {'2+ lines':>8} {'interch.':>8}  {'previous':<8} {'now':<8} benchmark")
    for city, lines, multi, inter, old, new, label in table:
        marks = f"{label:<7} {'✓' if old == label else '✗'} {'✓' if new == label else '✗'}" if label else ""
        print(f"{city:<12} {lines:>5} {multi:>8} {inter:>8}  {old:<8} {new:<8} {marks}")
    known = [r for r in table if r[6]]
    for name, col in (("previous", 4), ("now", 5)):
        split = Counter(r[col] for r in table)
        agree = sum(r[col] == r[6] for r in known)
        print(f"{name:<8}: easy/middle/hard = {split['easy']}/{split['middle']}/{split['hard']}, "
              f"agrees with {agree} of {len(known)} benchmark labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())

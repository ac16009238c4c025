"""Procedural networks: the layout's invariants, checked with shapely over many seeds and specs."""

from __future__ import annotations

import re
import time
from itertools import combinations, pairwise

import networkx as nx
import numpy as np
import pytest
from shapely import LineString, MultiPoint, Point, STRtree

from curation.errors import MapcurateError
from curation.network.validate import validate_network
from curation.synth.geometry import track_edges
from curation.synth.procedural import PALETTE, NetworkSpec, count_crossings, generate_network

SPECS = {
    "default": (NetworkSpec(), range(200)),
    "rich": (NetworkSpec(lines=8, loops=1, branches=2, shared_track=2), range(40)),
    "zh": (NetworkSpec(lines=6, stations_per_line=(6, 12), loops=2, shared_track=1, language="zh"), range(30)),
    "counted": (NetworkSpec(lines=6, branches=1, shared_track=1, interchanges=9), range(30)),
    "small": (NetworkSpec(lines=2, stations_per_line=(3, 5)), range(30)),
}
CASES = [(name, seed) for name, (_, seeds) in SPECS.items() for seed in seeds]


def _shared_runs(network) -> int:
    """Line pairs where one rides two consecutive track edges of the other."""
    edge_sets = {lid: {frozenset(e) for e in line.edges()} for lid, line in network.lines.items()}
    count = 0
    for a, b in combinations(sorted(network.lines), 2):
        rides = [v + v[:2] if network.lines[a].loop else v for v in network.lines[a].variants]
        if any(frozenset((x, y)) in edge_sets[b] and frozenset((y, z)) in edge_sets[b]
               for ride in rides for x, y, z in zip(ride, ride[1:], ride[2:], strict=False)):
            count += 1
    return count


def check_layout(network, layout) -> int:
    """Assert every geometric invariant; return the crossings counted with shapely."""
    positions = layout.positions
    assert sorted(positions) == sorted(network.stations)
    assert sorted(layout.edges) == track_edges(network)
    coords = np.array([positions[s] for s in sorted(positions)])
    gaps = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)) + np.eye(len(coords)) * 99
    assert gaps.min() >= 1.0 - 1e-9
    lines, owners = [], []
    for (a, b), course in sorted(layout.edges.items()):
        assert course[0] == positions[a] and course[-1] == positions[b]
        for (px, py), (qx, qy) in pairwise(course):
            dx, dy = qx - px, qy - py
            assert (dx, dy) != (0, 0) and (dx == 0 or dy == 0 or abs(dx) == abs(dy)), f"not octilinear: {course}"
        lines.append(LineString(course))
        owners.append((a, b))
    ids = sorted(positions)
    points = [Point(positions[s]) for s in ids]
    station_tree = STRtree(points)
    for line, (a, b) in zip(lines, owners, strict=True):
        for i in station_tree.query(line, predicate="dwithin", distance=0.5):
            assert ids[i] in (a, b), f"course {a}-{b} passes {ids[i]}"
    crossings = 0
    course_tree = STRtree(lines)
    for i, j in zip(*course_tree.query(lines, predicate="intersects"), strict=True):
        if i >= j:
            continue
        meet = lines[i].intersection(lines[j])
        parts = list(meet.geoms) if hasattr(meet, "geoms") else [meet]
        assert all(p.geom_type == "Point" for p in parts), f"{owners[i]} overlaps {owners[j]}"
        shared = set(owners[i]) & set(owners[j])
        for p in parts:
            if any(p.distance(Point(positions[s])) < 1e-9 for s in shared):
                continue
            assert station_tree.query(p, predicate="dwithin", distance=0.5).size == 0
            vertices = MultiPoint(list(lines[i].coords) + list(lines[j].coords))
            assert p.distance(vertices) > 1e-9, "courses touch at a vertex instead of crossing"
            crossings += 1
    return crossings


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_invariants(name: str, seed: int) -> None:
    spec, _ = SPECS[name]
    network, layout = generate_network(seed, spec)
    assert check_layout(network, layout) == count_crossings(layout)
    assert layout.bounds()[:2] == (0.0, 0.0)
    errors = [f for f in validate_network(network) if f.severity == "error"]
    assert errors == []
    assert nx.is_connected(network.to_networkx())
    lo, hi = spec.stations_per_line
    served: dict[str, set[str]] = {}
    for line in network.lines.values():
        assert all(lo <= len(v) <= hi for v in line.variants)
        for sid in line.station_ids:
            served.setdefault(sid, set()).add(line.id)
        others = {s for other in network.lines.values() if other.id != line.id for s in other.station_ids}
        assert len(network.lines) == 1 or set(line.station_ids) & others, f"{line.id} meets no other line"
    for sid, station in network.stations.items():
        assert sorted(served[sid]) == station.lines
        assert station.marked_transfer == (len(served[sid]) >= 2)
    assert sum(line.loop for line in network.lines.values()) == spec.loops
    assert sum(line.is_branched for line in network.lines.values()) == spec.branches
    for line in network.lines.values():
        if line.is_branched:
            trunk, branch = line.variants
            fork = next(i for i, (a, b) in enumerate(zip(trunk, branch, strict=False)) if a != b) - 1
            assert fork >= 1 and trunk[: fork + 1] == branch[: fork + 1]
            assert not set(trunk[fork + 1:]) & set(branch[fork + 1:])
    assert _shared_runs(network) >= spec.shared_track
    if spec.interchanges is not None:
        assert len(network.transfer_stations) == spec.interchanges
    colours = [line.color for line in network.lines.values()]
    assert len(set(colours)) == len(colours) and set(colours) <= {c for _, c in PALETTE}
    station_names = [n for s in network.stations.values() for n in s.names.values()]
    assert len(set(station_names)) == len(station_names)
    assert all(set(s.names) == {spec.language} for s in network.stations.values())
    line_names = [line.names["en"] for line in network.lines.values()]
    assert len(set(line_names)) == len(line_names)
    if spec.language == "zh":
        assert all(re.fullmatch(r"\d+号线", line.names["zh"]) for line in network.lines.values())
        assert network.languages == ["zh", "en"]


@pytest.mark.parametrize("name", ["default", "rich", "zh"])
def test_deterministic_per_seed(name: str) -> None:
    spec, _ = SPECS[name]
    first, second = generate_network(7, spec), generate_network(7, spec)
    assert first[0].to_dict() == second[0].to_dict()
    assert first[1] == second[1]
    assert generate_network(8, spec)[0].to_dict() != first[0].to_dict()


def test_default_spec_has_few_crossings() -> None:
    counts = [count_crossings(generate_network(seed, NetworkSpec())[1]) for seed in range(50)]
    assert sum(counts) / len(counts) < 3


def test_large_network_is_fast() -> None:
    spec = NetworkSpec(lines=12, stations_per_line=(25, 27), loops=1, branches=2, shared_track=2)
    start = time.perf_counter()
    network, layout = generate_network(3, spec)
    elapsed = time.perf_counter() - start
    assert len(network.stations) >= 280
    check_layout(network, layout)
    assert elapsed < 3.0  # about 0.2 s on one idle core; generous for a shared CI machine


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"loops": 6}, "loops"),
    ({"lines": 0}, "lines"),
    ({"lines": 40}, "lines"),
    ({"branches": 5, "loops": 1}, "branches"),
    ({"shared_track": 5}, "shared_track"),
    ({"stations_per_line": (9, 4)}, "stations_per_line"),
    ({"stations_per_line": (2, 8)}, "stations_per_line"),
    ({"stations_per_line": [8, 16]}, "stations_per_line"),
    ({"stations_per_line": (3, 4), "loops": 1}, "stations_per_line"),
    ({"language": "fr"}, "language"),
    ({"interchanges": -1}, "interchanges"),
])
def test_invalid_spec_is_refused(kwargs: dict, field: str) -> None:
    with pytest.raises(MapcurateError, match=f"`{field}` must be"):
        NetworkSpec(**kwargs)


@pytest.mark.parametrize("interchanges", [2, 40])
def test_impossible_interchange_count_is_refused(interchanges: int) -> None:
    with pytest.raises(MapcurateError, match=r"`interchanges` must be at (least|most)"):
        generate_network(0, NetworkSpec(lines=5, interchanges=interchanges))


def _two_line_layout(course_b):
    """Line `a` runs s1 (0, 2) → s2 (6, 2); line `b` runs s3 → s4 along `course_b`."""
    from curation.network.model import Line, Network, Station
    from curation.synth.geometry import Layout

    stations = {sid: Station(id=sid, names={"en": sid}, lines=[lid])
                for sid, lid in (("s1", "a"), ("s2", "a"), ("s3", "b"), ("s4", "b"))}
    network = Network(city="t", country="t", city_names={"en": "T"}, languages=["en"], stations=stations,
                      lines={"a": Line(id="a", names={"en": "A"}, variants=[["s1", "s2"]]),
                             "b": Line(id="b", names={"en": "B"}, variants=[["s3", "s4"]])})
    positions = {"s1": (0.0, 2.0), "s2": (6.0, 2.0), "s3": course_b[0], "s4": course_b[-1]}
    return network, Layout(positions=positions, edges={("s1", "s2"): ((0.0, 2.0), (6.0, 2.0)),
                                                       ("s3", "s4"): tuple(course_b)})


def test_checker_accepts_a_clean_crossing_and_rejects_broken_layouts() -> None:
    network, layout = _two_line_layout([(3.0, 0.0), (3.0, 4.0)])
    assert check_layout(network, layout) == count_crossings(layout) == 1
    network, layout = _two_line_layout([(2.0, 0.0), (2.0, 1.0)])
    assert check_layout(network, layout) == count_crossings(layout) == 0  # stops 1 unit short of line a
    broken = {
        "overlaps": [(1.0, 4.0), (3.0, 2.0), (4.0, 2.0), (6.0, 4.0)],
        "passes": [(6.0, 0.0), (6.0, 4.0)],
        "not octilinear": [(2.0, 0.0), (3.0, 4.0)],
        "touch": [(1.0, 0.0), (3.0, 2.0), (5.0, 0.0)],
    }
    for message, course in broken.items():
        network, layout = _two_line_layout(course)
        with pytest.raises(AssertionError, match=message):
            check_layout(network, layout)


def test_line_colours_are_spread_apart():
    """Eight lines never get two of the palette's look-alikes (violet/indigo, sky/cyan: < 50 apart in RGB)."""
    from curation.synth.procedural import distinct_colours

    def rgb(colour: str) -> np.ndarray:
        return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)

    closest = min(float(np.linalg.norm(rgb(a) - rgb(b)))
                  for seed in range(20)
                  for a, b in combinations([line.color for line in generate_network(
                      seed, NetworkSpec(lines=8, stations_per_line=(6, 10)))[0].lines.values()], 2))
    assert closest > 60
    assert distinct_colours([("A", "#000000"), ("B", "#010101"), ("C", "#FFFFFF")], 2) == [("A", "#000000"),
                                                                                           ("C", "#FFFFFF")]

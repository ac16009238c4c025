"""The octilinear layout: octilinear courses, station spacing, every track edge, no course over a station."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from curation.cities import load_city
from curation.network.build import build_network
from curation.network.model import Line, Network, Station
from curation.synth.geometry import Layout, track_edges
from curation.synth.layout import layout_network

REPRESENTATIVE = ["sydney", "miami", "budapest", "lisboa", "singapore", "hangzhou", "xian", "beijing"]


def make_network(lines: dict[str, list[list[str]]], loops: tuple[str, ...] = ()) -> Network:
    served: dict[str, list[str]] = {}
    for line_id, variants in lines.items():
        for station in dict.fromkeys(s for v in variants for s in v):
            served.setdefault(station, []).append(line_id)
    stations = {s: Station(id=s, names={"en": s}, lines=ls) for s, ls in sorted(served.items())}
    built = {
        line_id: Line(id=line_id, names={"en": line_id}, variants=variants, loop=line_id in loops)
        for line_id, variants in lines.items()
    }
    return Network(city="test", country="test", city_names={"en": "Test"}, languages=["en"],
                   stations=stations, lines=built)


def loop_network() -> Network:
    return make_network({"ring": [[f"r{i:02d}" for i in range(12)]]}, loops=("ring",))


def y_branch_network() -> Network:
    trunk = ["a1", "a2", "a3", "fork"]
    return make_network({"y": [[*trunk, "b1", "b2", "b3"], [*trunk, "c1", "c2", "c3", "c4"]]})


def shared_track_network() -> Network:
    return make_network({
        "red": [["r1", "r2", "s1", "s2", "s3", "r3", "r4"]],
        "blue": [["b1", "s1", "s2", "s3", "b2", "b3"]],
    })


def grid_network() -> Network:
    """Two horizontal and two vertical lines crossing at four interchanges."""
    return make_network({
        "h1": [["h1a", "x11", "h1b", "x12", "h1c"]],
        "h2": [["h2a", "x21", "h2b", "x22", "h2c"]],
        "v1": [["v1a", "x11", "v1b", "x21", "v1c"]],
        "v2": [["v2a", "x12", "v2b", "x22", "v2c"]],
    })


def demo_network() -> Network:
    return build_network(load_city("demo"), Path("/nonexistent")).network


def assert_valid(network: Network, layout: Layout) -> None:
    """Every requirement the layout promises, checked from the raw coordinates."""
    assert sorted(layout.positions) == sorted(network.stations)
    points = np.array([layout.positions[s] for s in sorted(layout.positions)], dtype=float)
    assert np.all(points == np.round(points)), "stations sit on grid nodes"
    if len(points) > 1:
        gaps = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
        np.fill_diagonal(gaps, np.inf)
        assert gaps.min() >= 1.0 - 1e-9, f"two stations {gaps.min():.3f} apart"
    assert sorted(layout.edges) == track_edges(network)
    ids = sorted(layout.positions)
    for (a, b), course in layout.edges.items():
        assert len(course) >= 2
        assert course[0] == layout.positions[a] and course[-1] == layout.positions[b], (a, b)
        for (x0, y0), (x1, y1) in pairwise(course):
            dx, dy = abs(x1 - x0), abs(y1 - y0)
            assert dx + dy > 0, f"zero-length segment on {a}–{b}"
            assert dx == 0 or dy == 0 or dx == dy, f"{a}–{b} has a segment at a non-octilinear angle"
        others = np.array([i for i, s in enumerate(ids) if s not in (a, b)], dtype=int)
        if others.size:
            assert _min_distance(points[others], np.array(course, dtype=float)) > 0.5 - 1e-9, (
                f"{a}–{b} passes over a station it does not serve")


def _min_distance(stations: np.ndarray, course: np.ndarray) -> float:
    """The smallest distance from any of `stations` to the polyline `course`."""
    start, end = course[:-1], course[1:]
    seg = end - start
    length2 = (seg**2).sum(axis=1)
    rel = stations[:, None, :] - start[None, :, :]
    t = np.clip((rel * seg[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    nearest = start[None] + t[:, :, None] * seg[None]
    return float(np.sqrt(((stations[:, None, :] - nearest) ** 2).sum(axis=2)).min())


SMALL = {
    "demo": demo_network,
    "loop": loop_network,
    "y_branch": y_branch_network,
    "shared_track": shared_track_network,
    "grid": grid_network,
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_networks_are_valid_and_deterministic(name: str) -> None:
    network = SMALL[name]()
    layout = layout_network(network)
    assert_valid(network, layout)
    assert layout_network(network) == layout
    other = layout_network(network, seed=7)
    assert_valid(network, other)
    assert layout_network(network, seed=7) == other


def test_loop_looks_like_a_loop() -> None:
    layout = layout_network(loop_network())
    points = np.array(list(layout.positions.values()))
    width, height = points.max(axis=0) - points.min(axis=0)
    assert min(width, height) >= 2, "a ring of 12 stations encloses an area, not a line"


def test_y_branch_has_three_arms() -> None:
    network = y_branch_network()
    layout = layout_network(network)
    fork = np.array(layout.positions["fork"])
    ends = [np.array(layout.positions[s]) - fork for s in ("a1", "b3", "c4")]
    angles = sorted(np.degrees(np.arctan2(v[1], v[0])) % 360 for v in ends)
    gaps = np.diff([*angles, angles[0] + 360])
    assert gaps.min() >= 30, f"the three arms leave the fork in distinct directions, got {angles}"


def test_shared_track_is_one_course() -> None:
    network = shared_track_network()
    layout = layout_network(network)
    assert ("s1", "s2") in layout.edges and ("s2", "s3") in layout.edges
    assert len(layout.edges) == len(track_edges(network))


def test_single_station_network() -> None:
    network = make_network({"tiny": [["only"]]})
    layout = layout_network(network)
    assert layout.positions == {"only": (0.0, 0.0)} or len(layout.positions) == 1
    assert layout.edges == {}


@pytest.mark.parametrize("slug", REPRESENTATIVE)
def test_real_networks_are_valid(slug: str, data_root: Path) -> None:
    network = build_network(load_city(slug), data_root).network
    layout = layout_network(network)
    assert_valid(network, layout)
    assert layout_network(network) == layout


def test_release_undoes_commit() -> None:
    from curation.synth.layout_route import Grid

    grid = Grid(bounds=(0, 0, 6, 6))
    first = [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2)]
    crossing = [(2, 0), (2, 1), (2, 2), (2, 3), (2, 4)]
    grid.commit(first)
    before = (dict(grid.edge_use), dict(grid.node_use), dict(grid.bent), dict(grid.diagonals))
    grid.commit(crossing)
    assert grid.node_use[(2, 2)] == 2 and (2, 2) in grid.bent
    grid.release(crossing)
    assert (grid.edge_use, grid.node_use, grid.bent, grid.diagonals) == before
    grid.release(first)
    assert not (grid.edge_use or grid.node_use or grid.bent or grid.diagonals)

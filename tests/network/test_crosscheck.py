"""Cross-checking an annotated network against the station list: a perfect annotation of the demo city
gives no finding; each perturbation gives exactly the finding it should."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from curation.annotations.io import write_annotation
from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.cities import load_city
from curation.cli import app
from curation.network.annotations import import_annotation
from curation.network.build import build_network
from curation.network.crosscheck import crosscheck, ride_key
from curation.resources import cities_dir
from tests.conftest import build

UNIT = 100  # px per grid step
# The demo city on an octilinear grid (x right, y down): Red along y = 4; Blue a ring of 45° and
# vertical sides; Green from the west through Market to Fork Junction, then one arm south-east
# to Seaview and one south to Summit; Harbour north from Harbor, east, and down to Stadium.
GRID = {
    "Airport": (0, 4), "Harbor": (2, 4), "Central": (4, 4), "Museum": (6, 4), "University": (8, 4),
    "Northgate": (10, 4), "Market": (4, 2), "Riverside": (6, 0), "Stadium": (8, 2), "Old Town": (6, 6),
    "Westfield": (0, 2), "Park Lane": (1, 2), "Fork Junction": (5, 2), "Eastport": (6, 3), "Seaview": (9, 6),
    "Hillcrest": (5, 3), "Summit": (5, 7), "Docks": (2, -2), "Fairground": (10, 2),
}
INTERCHANGES = {"Central", "Market", "Stadium", "University", "Harbor"}
RIDES = {  # trace id → (printed name, polylines as station names or grid bends)
    "red": ("Red Line", [["Airport", "Harbor", "Central", "Museum", "University", "Northgate"]]),
    "blue": ("Blue Line", [["Central", "Market", "Riverside", "Stadium", "University", "Old Town", "Central"]]),
    "green": ("Green Line", [["Westfield", "Park Lane", "Market", "Fork Junction", "Eastport", "Seaview"],
                             ["Westfield", "Park Lane", "Market", "Fork Junction", "Hillcrest", "Summit"]]),
    "harbour": ("Harbour Line", [["Harbor", "Docks", (8, -2), "Stadium", "Fairground"]]),
}
PROV = Provenance("synthetic", tool="test")


def px(point: tuple[float, float]) -> tuple[float, float]:
    return ((point[0] + 1) * UNIT, (point[1] + 3) * UNIT)


def demo_annotation(grid: dict[str, tuple[float, float]] | None = None, rides: dict | None = None,
                    labels: dict[str, str] | None = None) -> Annotation:
    """A hand-made annotation of the demo city: one polyline per variant, the loop closed, markers.

    Marks stand at `grid`'s positions; the traces always run through `GRID`'s (so moving a mark
    takes it off its line, or swaps two stops).
    """
    grid, rides, labels = grid or GRID, rides or RIDES, labels or {}
    marks = []
    for name, point in grid.items():
        x, y = px(point)
        r = 8 if name in INTERCHANGES else 5
        marks.append(StationMark(
            id="s-" + name.lower().replace(" ", "-"), pos=(x, y), provenance=PROV,
            kind="interchange" if name in INTERCHANGES else "station",
            marker=Marker("circle", (x - r, y - r, x + r, y + r)),
            labels={"en": Label(labels.get(name, f"{name} Station"))}))
    traces = [LineTrace(id=tid, names={"en": printed}, provenance=PROV,
                        polylines=tuple(tuple(px(GRID[p]) if isinstance(p, str) else px(p) for p in polyline)
                                        for polyline in polylines))
              for tid, (printed, polylines) in rides.items()]
    return Annotation(ImageRef("demo.png", "0" * 64, 1200, 1100), tuple(marks), tuple(traces))


@pytest.fixture(scope="module")
def listed():
    return build_network(load_city("demo"), Path("/nonexistent")).network


def check(listed, annotation: Annotation):
    """Import `annotation` for the demo city: (network, import findings, cross-check findings)."""
    network, findings = import_annotation(load_city("demo"), annotation)
    return network, findings, crosscheck(network, listed)


def test_grid_is_clear_each_station_is_on_its_own_lines_only(listed):
    network, findings, _ = check(listed, demo_annotation())
    assert findings == []
    assert {sid: s.lines for sid, s in network.stations.items()} == {sid: s.lines for sid, s in listed.stations.items()}


def test_a_perfect_annotation_gives_the_same_network_and_no_finding(listed):
    network, findings, cross = check(listed, demo_annotation())
    assert findings == [] and cross == []
    assert sorted(network.stations) == sorted(listed.stations)
    assert sorted(network.lines) == sorted(listed.lines)
    for sid, station in listed.stations.items():
        ours = network.stations[sid]
        assert (ours.names, ours.lines, ours.is_transfer, ours.marked_transfer) == \
            (station.names, station.lines, station.is_transfer, station.marked_transfer)
        assert ours.pos == px(GRID[station.names["en"].removesuffix(" Station")])
    for lid, line in listed.lines.items():
        ours = network.lines[lid]
        assert (ours.names, sorted(set(ours.aliases)), ours.color, ours.loop, ours.source_name) == \
            (line.names, sorted(set(line.aliases)), line.color, line.loop, line.source_name)
        assert sorted(ride_key(v, ours.loop) for v in ours.variants) == sorted(ride_key(v, line.loop)
                                                                            for v in line.variants)
        assert len(ours.geometry) == len(RIDES[lid.removesuffix("-line")][1])


def test_a_perfect_annotation_beside_the_station_list_builds_without_findings(scratch_cities):
    folder = scratch_cities("demo2", (cities_dir() / "demo" / "city.toml").read_text(encoding="utf-8")
                            + '[sources.annotation]\nembedded = "annotation.json"\n')
    (folder / "stations.json").write_bytes((cities_dir() / "demo" / "stations.json").read_bytes())
    write_annotation(folder / "annotation.json", demo_annotation())
    result = build("demo2")
    assert result.ok and result.report.findings == []
    assert result.network.stations["central"].pos == px(GRID["Central"])


def moved(**changes):
    return {**GRID, **changes}


def without(rides: dict, trace_id: str) -> dict:
    return {k: v for k, v in rides.items() if k != trace_id}


def reversed_ride(trace_id: str, rotate: int = 0) -> dict:
    printed, [polyline] = RIDES[trace_id]
    ride = polyline[::-1]
    if rotate:  # a loop started elsewhere: drop the closing repeat, rotate, close again
        ride = ride[:-1][rotate:] + ride[:-1][:rotate]
        ride = [*ride, ride[0]]
    return {**RIDES, trace_id: (printed, [ride])}


def dropped_station(name: str) -> dict:
    return {k: v for k, v in GRID.items() if k != name}


PERTURBATIONS = [
    # id, annotation, expected (code, line, station) of the cross-check, import finding codes
    ("reverse a ride", demo_annotation(rides=reversed_ride("red")), [], []),
    ("reverse and rotate the loop", demo_annotation(rides=reversed_ride("blue", rotate=2)), [], []),
    ("drop a station", demo_annotation(grid=dropped_station("Museum")),
     [("annotation-station-missing", None, "Museum Station")], []),
    ("swap two stops", demo_annotation(grid=moved(Eastport=GRID["Seaview"], Seaview=GRID["Eastport"])),
     [("annotation-order-differs", "Line 3", None)], []),
    ("rename one", demo_annotation(labels={"Museum": "Musuem Station"}),
     [("annotation-name-differs", None, "Musuem Station")], []),
    ("drop a line", demo_annotation(rides=without(RIDES, "harbour")),
     [("annotation-line-missing", "Line 4", None)], ["annotation-station-unserved"] * 2),
    ("add a station", demo_annotation(grid=moved(Lighthouse=(9, 4))),
     [("annotation-station-extra", None, "Lighthouse Station")], []),
    ("add a line", demo_annotation(rides={**RIDES, "purple": ("Purple Line", [["Northgate", "Fairground"]])}),
     [("annotation-line-extra", "Purple Line", None)], []),
    ("open the loop", demo_annotation(rides={**RIDES, "blue": ("Blue Line", [RIDES["blue"][1][0][:-1]])}),
     [("annotation-loop-differs", "Line 2", None)], []),
    ("a branch sharing the other arm", demo_annotation(rides={**RIDES, "green": ("Green Line", [
        RIDES["green"][1][0], ["Summit", "Hillcrest", "Fork Junction", "Eastport", "Seaview"]])}),
     [("annotation-branch-differs", "Line 3", None)], []),
    ("a stop served by another line", demo_annotation(rides={**RIDES, "red": ("Red Line", [
        ["Airport", "Harbor", "Central", "Museum", "University", (9, 4), (9, 5), (10, 6), "Seaview"]])}),
     [("annotation-line-stops-differ", "Line 1", None)], ["annotation-station-unserved"]),  # Northgate
]


@pytest.mark.parametrize(("annotation", "expected", "import_codes"), [p[1:] for p in PERTURBATIONS],
                         ids=[p[0] for p in PERTURBATIONS])
def test_each_perturbation_gives_exactly_its_finding(listed, annotation, expected, import_codes):
    _, findings, cross = check(listed, annotation)
    assert [(f.code, f.line, f.station) for f in cross] == expected
    assert all(f.severity == "warning" and f.suggestion for f in cross)
    assert [f.code for f in findings] == import_codes


def test_messages_name_what_differs(listed):
    _, _, [order] = check(listed, demo_annotation(grid=moved(Eastport=GRID["Seaview"], Seaview=GRID["Eastport"])))
    assert "Fork Junction Station → Seaview Station → Eastport Station" in order.message
    _, _, [stops] = check(listed, demo_annotation(rides={**RIDES, "red": ("Red Line", [
        ["Airport", "Harbor", "Central", "Museum", "University", (9, 4), (9, 5), (10, 6), "Seaview"]])}))
    assert "does not have it stop at Seaview Station" in stops.message
    assert "does not pass Northgate Station" in stops.message
    _, _, [name] = check(listed, demo_annotation(labels={"Museum": "Musuem Station"}))
    assert "'Musuem Station'" in name.message and "'Museum Station'" in name.message
    assert 'under [corrections] in city.toml add: "Museum Station" = "Musuem Station"' in name.suggestion


def test_matching_by_network_id_then_name_ignores_the_generic_suffix(listed):
    annotation = demo_annotation(labels={"Museum": "Museum", "Docks": "Dockyard"})
    docks = next(m for m in annotation.stations if m.id == "s-docks")
    annotation = replace(annotation, stations=tuple(replace(m, network_id="docks") if m is docks else m
                                                    for m in annotation.stations))
    network, findings, cross = check(listed, annotation)
    assert findings == [] and sorted(network.stations) == sorted(listed.stations)
    assert [(f.code, f.station) for f in cross] == [("annotation-name-differs", "Dockyard")]


def test_cli_builds_an_annotated_city_with_cross_check_warnings(runner, scratch_cities, tmp_path):
    folder = scratch_cities("demo3", (cities_dir() / "demo" / "city.toml").read_text(encoding="utf-8")
                            + '[sources.annotation]\nembedded = "annotation.json"\n')
    (folder / "stations.json").write_bytes((cities_dir() / "demo" / "stations.json").read_bytes())
    write_annotation(folder / "annotation.json", demo_annotation(grid=dropped_station("Museum")))
    result = runner.invoke(app, ["build-graph", "--city", "demo3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "annotation-station-missing" in result.output and (tmp_path / "demo3" / "graph.json").is_file()

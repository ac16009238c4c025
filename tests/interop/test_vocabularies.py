"""`--names map|benchmark` on the embedded demo city (no data root): recorded, refused when mismatched."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.cli import app
from curation.network.model import Line, Network, Station
from curation.questions.records import read_questions
from curation.questions.vocabulary import benchmark_station, city_vocabulary
from tests.interop import benchmark_rule as rule


@pytest.fixture
def demo(runner, tmp_path: Path) -> Path:
    assert runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-questions"]).exit_code == 0
    for names in ("map", "benchmark"):
        result = runner.invoke(app, ["gen-questions", "--city", "demo", "--graphs", str(tmp_path), "--out",
                                     str(tmp_path / names), "--names", names])
        assert result.exit_code == 0, result.output
        assert f"{names} names" in " ".join(result.output.split())
    return tmp_path


def test_names_are_recorded_and_a_station_list_written_from_names_agrees(demo: Path) -> None:
    tables = {n: read_questions(demo / n / "demo" / "questions.parquet").to_pylist() for n in ("map", "benchmark")}
    assert {r["names"] for r in tables["map"]} == {"map"} and {r["names"] for r in tables["benchmark"]} == {"benchmark"}
    # the demo's station list is written from its station names: those agree; its lines are keyed `Line N`
    # while the map labels them by colour
    assert len(tables["benchmark"]) == len(tables["map"])
    pairs = {n: sorted((r["station_1"], r["station_2"]) for r in tables[n] if r["family"] == "planning")
             for n in tables}
    assert pairs["map"] == pairs["benchmark"]
    routes = {n: "\n".join(r["answer_text"] for r in tables[n] if r["family"] == "planning") for n in tables}
    assert "Route Name: Red Line" in routes["map"] and "Route Name: Line 1" not in routes["map"]
    assert "Route Name: Line 1" in routes["benchmark"] and "Route Name: Red Line" not in routes["benchmark"]


def test_export_records_names_and_refuses_another_vocabulary(runner, demo: Path) -> None:
    questions = demo / "benchmark" / "demo" / "questions.parquet"
    out = demo / "exported"
    result = runner.invoke(app, ["export", "--questions", str(questions), "--graphs", str(demo), "--out", str(out),
                                 "--format", "reasonmap", "--figure", "path", "--allow-missing-images"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["names"] == "benchmark" and manifest["options"]["figure"] == "path"
    assert "names: `benchmark`" in (out / "README.md").read_text()
    rows = pq.read_table(out / "reasonmap" / "train.parquet").to_pylist()
    assert rows and all(r["figure"] is None or (out / r["figure"]).is_file() for r in rows)
    assert {r["names"] for r in rows} == {"benchmark"}
    refused = runner.invoke(app, ["export", "--questions", str(questions), "--graphs", str(demo), "--out",
                                  str(demo / "never"), "--names", "map", "--allow-missing-images"])
    assert refused.exit_code == 2 and "use --names benchmark, not map" in refused.stderr
    assert "gen-questions --names map" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert not (demo / "never").exists()
    bad = runner.invoke(app, ["gen-questions", "--city", "demo", "--graphs", str(demo), "--names", "local"])
    assert bad.exit_code == 2 and "--names takes map or benchmark" in bad.stderr


def test_old_questions_without_names_read_as_map(demo: Path, tmp_path: Path) -> None:
    table = pq.read_table(demo / "map" / "demo" / "questions.parquet")
    old = tmp_path / "old.parquet"
    pq.write_table(table.drop_columns(["names"]), old)
    assert set(read_questions(old).column("names").to_pylist()) == {"map"}


def test_benchmark_vocabulary_spells_each_station_one_way() -> None:
    """A station the source spells differently per line takes one spelling everywhere (most lines' spelling;
    a tie: the first line's), in the answers and the metro data, so a ride can hand over there."""
    raw = {"Line 1": ["A站", "西单站（换乘站）", "B站"], "Line 4": ["C站", "西单（换乘站）", "D站"]}
    stations = {sid: Station(id=sid, names={"zh": name}, source_names=sources, lines=lines)
                for sid, name, sources, lines in [
                    ("a", "A站", ["A站"], ["l1"]), ("b", "B站", ["B站"], ["l1"]), ("c", "C站", ["C站"], ["l4"]),
                    ("d", "D站", ["D站"], ["l4"]),
                    ("x", "西单站", ["西单站（换乘站）", "西单（换乘站）"], ["l1", "l4"])]}
    lines = {"l1": Line(id="l1", names={"zh": "1号线", "en": "Line 1"}, variants=[["a", "x", "b"]],
                        source_name="Line 1"),
             "l4": Line(id="l4", names={"zh": "4号线", "en": "Line 4"}, variants=[["c", "x", "d"]],
                        source_name="Line 4")}
    network = Network(city="t", country="china", city_names={}, languages=["zh", "en"], stations=stations,
                      lines=lines)
    vocabulary = city_vocabulary(network, "benchmark", raw)
    assert vocabulary.lines == {"l1": "Line 1", "l4": "Line 4"}
    assert vocabulary.stations["x"] == "西单站"
    assert vocabulary.metro == {"Line 1": ["A站", "西单站", "B站"], "Line 4": ["C站", "西单站", "D站"]}
    shown = city_vocabulary(network, "map")
    assert shown.lines == {"l1": "1号线", "l4": "4号线"} and shown.stations["x"] == "西单站"
    assert benchmark_station("Court St Station(Transfer Station)") == "Court St Station(Transfer Station)"
    assert benchmark_station("57 St-7 Av Station  (Transfer Station)") == "57 St-7 Av Station"


def test_rule_quirks() -> None:
    """The restated rule keeps the evaluator's quirks (they decide what the adapter must write)."""
    metro = {"Line 1": ["A站", "B站"], "Azul": ["Alpha Station", "Beta Station"]}
    ok = rule.parse("Route Name: Line 1\nDeparture Stop: A站\nArrival Stop: B站")
    assert rule.accepted(ok, metro, "A站", "B站")
    assert not rule.accepted(rule.parse("**Route Name:** Line 1\nDeparture Stop: A站\nArrival Stop: B站"), metro,
                             "A站", "B站")
    assert not rule.accepted(rule.parse("Route Name: 1号线\nDeparture Stop: A站\nArrival Stop: B站"), metro,
                             "A站", "B站")
    # outside China the line name never earns its points: the evaluator compares the answer's name with itself
    for name in ("Azul", "Line 4", "A", "North South Line", "Metrorail Green Line", "Red Line"):
        assert rule.clean(rule.derived_route(name, "x")) != rule.clean(name)
    plan = {"route_1": [{"route_name": "Azul", "departure_stop": "Alpha", "arrival_stop": "Beta",
                         "via_stops": [], "num_via_stops": 0}]}
    blocks = rule.parse("Route Name: Azul\nDeparture Stop: Alpha Station\nArrival Stop: Beta Station")
    score = rule.map_score(blocks, plan, country="portugal", city="lisboa", metro=metro, station_1="Alpha Station",
                           station_2="Beta Station")
    assert score.accepted and score.score == 13 and score.route_points == 0  # 1 + 0 + 1 + 1, then + 10
    # a reference departure ending in "Station" makes the short arrival the departure (never matched)
    plan["route_1"][0]["departure_stop"] = "Alpha Station"
    assert rule.map_score(blocks, plan, country="portugal", city="lisboa", metro=metro, station_1="Alpha Station",
                          station_2="Beta Station").score == 12

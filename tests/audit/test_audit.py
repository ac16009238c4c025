"""`mapcurate audit` on benchmark-layout Parquet built from the demo city, clean and with each defect injected."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.audit import audit
from curation.audit.layout import parse_routes
from curation.cli import app
from curation.network.model import Network
from curation.questions.difficulty import QUESTION_LEVELS, question_level
from curation.routing import Router
from tests.audit.benchmark_layout import build_graph, plus_rows, reasonmap_rows, write


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Path]:
    graphs = tmp_path_factory.mktemp("graphs")
    return build_graph("demo", Path("/nonexistent"), graphs), graphs


def _name(network: Network, sid: str) -> str:
    return next(iter(network.stations[sid].names.values()))


def _first(rows: list[dict[str, Any]], test) -> int:
    return next(i for i, r in enumerate(rows) if test(r))


def _plan(row: dict[str, Any]) -> list[dict[str, Any]]:
    return row["routes"]["Route 1"]


def _loop_long_way(network: Network, template: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A row whose only route rides the loop the long way round; the extra stops it takes."""
    line = next(line for line in network.lines.values() if line.loop)
    ride = line.variants[0]
    a, b = ride[0], ride[2]
    long_way = list(reversed(ride[3:]))
    row = copy.deepcopy(template)
    via = [_name(network, s) for s in long_way]
    row.update(station_1=_name(network, a), station_2=_name(network, b), question_transfer_count=0,
               difficulty_question="easy",
               routes={"Route 1": [{"route_name": line.source_name, "departure_stop": _name(network, a),
                                    "arrival_stop": _name(network, b), "via_stops": via,
                                    "num_via_stops": len(long_way)}], "Route 2": None, "Route 3": None})
    return row, len(long_way) - 1


def _inject(network: Network, clean: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, set[str]]]:
    """(row, the defect class injected, the other classes it may bring along)."""
    rows = copy.deepcopy(clean)
    injected: list[tuple[dict[str, Any], str, set[str]]] = []
    one_leg = [i for i, r in enumerate(rows) if len(_plan(r)) == 1 and _plan(r)[0]["num_via_stops"] >= 1]
    two_legs = [i for i, r in enumerate(rows) if len(_plan(r)) == 2]

    row = rows[0]
    row["station_1"] = "Nowhere Plaza"
    injected.append((row, "endpoint-unresolved", set()))

    row = rows[one_leg[0]]
    for plan in row["routes"].values():
        if plan:
            plan[0]["route_name"] = "Line 99"
    injected.append((row, "line-unknown", set()))

    row = rows[two_legs[0]]
    line = next(lid for lid, ln in network.lines.items()
                if ln.source_name == _plan(row)[0]["route_name"])
    other = next(_name(network, s) for s in network.lines[line].station_ids
                 if _name(network, s) not in (_plan(row)[0]["departure_stop"], _plan(row)[0]["arrival_stop"]))
    for plan in row["routes"].values():
        if plan:
            plan[0]["arrival_stop"] = other
    injected.append((row, "handover-broken", {"via-stops-wrong", "via-count-wrong"}))

    row = rows[two_legs[1]]
    served = {s for s in network.lines[next(lid for lid, ln in network.lines.items()
                                           if ln.source_name == _plan(row)[1]["route_name"])].station_ids}
    stranger = next(_name(network, s) for s in sorted(network.stations) if s not in served)
    for plan in row["routes"].values():
        if plan:
            plan[1]["departure_stop"] = stranger
    injected.append((row, "station-not-on-line", set()))

    row = rows[one_leg[1]]
    leg = _plan(row)[0]
    middle = leg["via_stops"][0]
    split = [{**leg, "arrival_stop": middle, "via_stops": [], "num_via_stops": 0},
             {**leg, "departure_stop": middle, "via_stops": leg["via_stops"][1:],
              "num_via_stops": leg["num_via_stops"] - 1}]
    row["routes"] = {"Route 1": split, "Route 2": None, "Route 3": None}
    injected.append((row, "route-not-optimal", set()))

    row, _ = _loop_long_way(network, rows[one_leg[2]])
    injected.append((row, "route-not-optimal", set()))

    row = rows[one_leg[3]]
    row["question_transfer_count"] += 1
    injected.append((row, "transfer-count-wrong", set()))

    row = rows[one_leg[4]]
    row["difficulty_question"] = "hard" if row["difficulty_question"] != "hard" else "easy"
    injected.append((row, "difficulty-question-wrong", set()))

    row = rows[one_leg[5]]
    row["difficulty_city"] = "hard" if row["difficulty_city"] != "hard" else "easy"
    injected.append((row, "difficulty-city-differs", set()))

    row = rows[one_leg[6]]
    _plan(row)[0]["via_stops"] = [*_plan(row)[0]["via_stops"][1:], "Nowhere Plaza"]
    injected.append((row, "via-stops-wrong", set()))

    row = rows[one_leg[7]]
    _plan(row)[0]["num_via_stops"] += 2
    injected.append((row, "via-count-wrong", set()))

    row = rows[one_leg[8]]
    row["station_2"] = next(_name(network, s) for s in sorted(network.stations)
                            if _name(network, s) not in (row["station_1"], row["station_2"]))
    injected.append((row, "route-endpoints-wrong", {"transfer-count-wrong", "difficulty-question-wrong"}))

    row = rows[one_leg[9]]
    row["routes"] = {"Route 1": None, "Route 2": None, "Route 3": None}
    injected.append((row, "routes-empty", set()))

    injected.append((_across_fork(network, rows[0]), "ride-crosses-fork", set()))
    return injected


def _across_fork(network: Network, template: dict[str, Any]) -> dict[str, Any]:
    """A row whose route rides from one branch's end to the other's in one section (a change at the fork)."""
    line = next(line for line in network.lines.values() if len(line.variants) == 2)
    a, b = line.variants[0][-1], line.variants[1][-1]
    route = Router(network).routes(a, b)[0]
    via = [s for leg in route.legs for s in (*leg.via, leg.end)][:-1]
    row = copy.deepcopy(template)
    row.update(station_1=_name(network, a), station_2=_name(network, b), question_transfer_count=route.transfers,
               difficulty_question=QUESTION_LEVELS[question_level(route.transfers)],
               routes={"Route 1": [{"route_name": line.source_name, "departure_stop": _name(network, a),
                                    "arrival_stop": _name(network, b), "via_stops": [_name(network, s) for s in via],
                                    "num_via_stops": len(via)}], "Route 2": None, "Route 3": None})
    return row


def _plus_injected(clean: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, set[str]]]:
    rows = copy.deepcopy(clean)
    found = []
    for kind in ("Counting1", "Counting2", "Counting3", "TorF1", "TorF2"):
        row = rows[_first(rows, lambda r, k=kind: r["type"] == k)]
        row["answer"] = (row["answer"] + 1) % 4 if kind == "Counting1" else 1 - row["answer"] if kind.startswith(
            "TorF") else row["answer"] + 1
        found.append((row, "plus-answer-wrong", set()))
    return found


def _audit(rows: list[dict[str, Any]], graphs: Path, tmp: Path, plus: bool = False):
    return audit(questions=write(rows, tmp / "in.parquet"), plus=plus, graphs=graphs, out=tmp / "out")


def test_clean_rows_have_no_defect(demo, tmp_path: Path) -> None:
    network, graphs = demo
    for plus, rows in ((False, reasonmap_rows(network)), (True, plus_rows(network))):
        report = _audit(rows, graphs, tmp_path / str(plus), plus)
        assert report.summary["rows"] == len(rows) > 30
        assert report.summary["rows_with_defects"] == 0, [r for r in report.records if r["defects"]][:3]


def test_every_injected_defect_is_found_and_nothing_else(demo, tmp_path: Path) -> None:
    network, graphs = demo
    clean = reasonmap_rows(network)
    injected = _inject(network, clean)
    report = _audit(clean + [row for row, _, _ in injected], graphs, tmp_path)
    records = report.records
    assert not any(r["defects"] for r in records[:len(clean)])
    for record, (_, kind, allowed) in zip(records[len(clean):], injected, strict=True):
        assert kind in record["classes"], (kind, record)
        assert set(record["classes"]) <= {kind, *allowed}, (kind, record)
    assert report.summary["by_class"] == Counter(k for r in records for k in r["classes"])
    assert report.summary["rows_with_defects"] == len(injected)
    extra = [r for r in records[len(clean):] if "route-not-optimal" in r["classes"]]
    details = [d for r in extra for d in r["defects"] if d["class"] == "route-not-optimal"]
    _, k = _loop_long_way(network, clean[0])
    assert [(d["extra_transfers"], d["extra_stops"]) for d in details] == [(1, 0), (0, k)] and k > 0


def test_every_wrong_plus_answer_is_found(demo, tmp_path: Path) -> None:
    network, graphs = demo
    clean = plus_rows(network)
    injected = _plus_injected(clean)
    report = _audit(clean + [row for row, _, _ in injected], graphs, tmp_path, plus=True)
    flagged = [r for r in report.records if r["defects"]]
    assert [r["row"] for r in flagged] == list(range(len(clean), len(clean) + 5))
    assert sorted(r["type"] for r in flagged) == ["Counting1", "Counting2", "Counting3", "TorF1", "TorF2"]
    assert all(r["classes"] == ["plus-answer-wrong"] for r in flagged)
    assert report.summary["by_class"] == {"plus-answer-wrong": 5}


def test_routes_as_json_text_and_arrow_map_read_the_same() -> None:
    section = {"route_name": "Line 1", "departure_stop": "A", "arrival_stop": "B", "via_stops": "C, D",
               "num_via_stops": "2"}
    as_text = parse_routes(json.dumps({"Route 1": [section]}))
    as_map = parse_routes([("Route 1", [section])])
    assert as_text == as_map and as_text is not None
    assert as_text["Route 1"][0].via_stops == ["C", "D"] and as_text["Route 1"][0].num_via_stops == 2
    assert parse_routes("not json") is None and parse_routes({"Route 1": "x"}) is None


def test_outputs_are_deterministic_and_the_cli_prints_the_table(demo, tmp_path: Path) -> None:
    network, graphs = demo
    clean = reasonmap_rows(network)
    path = write(clean + [row for row, _, _ in _inject(network, clean)], tmp_path / "bench.parquet")
    runner = CliRunner()
    outputs = []
    for run in ("a", "b"):
        result = runner.invoke(app, ["audit", "--questions", str(path), "--graphs", str(graphs),
                                     "--out", str(tmp_path / run)])
        assert result.exit_code == 0, result.output
        assert "route-not-optimal" in result.output and "demo" in result.output
        outputs.append([(tmp_path / run / name).read_bytes() for name in ("rows.jsonl", "summary.json")])
    assert outputs[0] == outputs[1]
    lines = outputs[0][0].decode("utf-8").splitlines()
    assert len(lines) == len(clean) + 14 and json.loads(lines[0])["row"] == 0


def test_bad_input_is_one_line_and_writes_nothing(demo, tmp_path: Path) -> None:
    network, graphs = demo
    rows = reasonmap_rows(network)
    runner = CliRunner()
    cases = [
        ([{k: v for k, v in r.items() if k != "routes"} for r in rows], r"missing columns routes"),
        ([{**r, "city": "atlantis"} for r in rows], r"no graph\.json for 1 city of these rows \(atlantis\)"),
        ([{**r, "city": "../demo"} for r in rows], r"row 0: city '\.\./demo' is not a city slug"),
    ]
    for index, (broken, message) in enumerate(cases):
        path = write(broken, tmp_path / f"bad{index}.parquet")
        result = runner.invoke(app, ["audit", "--questions", str(path), "--graphs", str(graphs),
                                     "--out", str(tmp_path / "out")])
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert re.search(message, lines[0]), lines[0]
        assert not (tmp_path / "out").exists()
    plus_path = write(plus_rows(network), tmp_path / "plus.parquet")
    result = runner.invoke(app, ["audit", "--questions", str(plus_path), "--graphs", str(graphs),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "add --plus" in result.stderr


def test_reference_routes_in_a_map_service_s_words_are_clean(demo, tmp_path: Path) -> None:
    """Route names as the benchmark's reference routes write them (`地铁1号线(A--B)`, `Metro 1 Line`) and stops
    without their `Station` suffix resolve like the map's own names."""
    network, graphs = demo
    rows = reasonmap_rows(network)
    for row in rows:
        for plan in row["routes"].values():
            for number, section in enumerate(plan or []):
                key = section["route_name"].removeprefix("Line ")
                section["route_name"] = f"地铁{key}号线(甲--乙)" if number % 2 else f"Metro {key} Line"
                section["departure_stop"] = section["departure_stop"].removesuffix(" Station")
    report = _audit(rows, graphs, tmp_path)
    assert report.summary["rows_with_defects"] == 0, [r for r in report.records if r["defects"]][:2]

"""`build-graph --positions`: a station proposal's confident positions put into the station list's network,
cross-checked against the lines' order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.cli.application import app
from curation.errors import SourceError
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    rendered = render_synthetic(tmp_path, seed=3, spec=NetworkSpec(lines=2))
    monkeypatch.setenv("MAPCURATE_CITIES", str(tmp_path / "cities"))
    monkeypatch.setenv("MAPCURATE_DATA", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return rendered.written.slug, json.loads(rendered.written.annotation.read_text(encoding="utf-8"))


def build(runner: CliRunner, slug: str, proposal: dict[str, Any]) -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    Path("proposal.json").write_text(json.dumps(proposal), encoding="utf-8")
    result = runner.invoke(app, ["build-graph", "--city", slug, "--positions", "proposal.json", "--out", "out",
                                 "--findings", "all"])
    graph = json.loads((Path("out") / slug / "graph.json").read_text(encoding="utf-8"))
    findings = json.loads((Path("out") / slug / "quality.json").read_text(encoding="utf-8"))["findings"]
    return result, graph, findings


def test_every_confident_position_lands_in_the_graph(city: tuple[str, dict[str, Any]], runner: CliRunner) -> None:
    slug, truth = city
    proposal = {**truth, "lines": []}  # a station proposal: no line traces
    result, graph, findings = build(runner, slug, proposal)
    assert result.exit_code == 0, result.output
    where = {s["network_id"]: s["pos"] for s in truth["stations"]}
    assert {s["id"]: s["pos"] for s in graph["stations"]} == where
    assert graph["image"]["sha256"] == truth["image"]["sha256"]
    assert graph["sources"]["positions"]["sha256"]
    assert not [f for f in findings if f["code"].startswith("position-")]


def test_unsure_wrong_and_unknown_positions_are_left_out(city: tuple[str, dict[str, Any]], runner: CliRunner) -> None:
    slug, truth = city
    stations = [dict(s) for s in truth["stations"]]
    unsure, far = stations[0], stations[1]
    unsure["confidence"] = 0.3
    far["pos"] = [far["pos"][0] + 900 if far["pos"][0] < 800 else far["pos"][0] - 900, far["pos"][1]]
    stations.append({**stations[3], "id": "stranger", "network_id": "no-such-station"})
    result, graph, findings = build(runner, slug, {**truth, "stations": stations, "lines": []})
    assert result.exit_code == 0, result.output
    placed = {s["id"]: s.get("pos") for s in graph["stations"]}
    assert placed[unsure["network_id"]] is None and placed[far["network_id"]] is None
    assert sum(pos is not None for pos in placed.values()) == len(truth["stations"]) - 2
    codes = sorted(f["code"] for f in findings if f["code"].startswith("position-"))
    assert codes == ["position-missing", "position-off-line", "position-unknown-station"]
    off = next(f for f in findings if f["code"] == "position-off-line")
    assert far["network_id"] in off["message"]
    missing = next(f for f in findings if f["code"] == "position-missing")
    assert missing["message"].startswith(f"2 of {len(truth['stations'])} stations")


def test_positions_of_another_image_are_an_error(city: tuple[str, dict[str, Any]], runner: CliRunner) -> None:
    slug, truth = city
    Path("proposal.json").write_text(json.dumps({**truth, "image": {**truth["image"], "sha256": "ab" * 32}}),
                                     encoding="utf-8")
    result = runner.invoke(app, ["build-graph", "--city", slug, "--positions", "proposal.json", "--out", "out"])
    assert result.exit_code == 1 and "annotation-image-mismatch" in result.output
    assert not (Path("out") / slug / "graph.json").exists()


def test_positions_and_annotation_exclude_each_other(city: tuple[str, dict[str, Any]], runner: CliRunner) -> None:
    slug, _ = city
    result = runner.invoke(app, ["build-graph", "--city", slug, "--positions", "a.json", "--annotation", "b.json"])
    assert result.exit_code == 2 and "exclude each other" in result.output
    result = runner.invoke(app, ["build-graph", "--all", "--positions", "a.json"])
    assert result.exit_code == 2 and "--positions builds one city" in result.output


@pytest.mark.parametrize(("station", "says"), [
    ({"pos": [5000.0, -300.0]}, "stations.airport.pos must lie in the 100 × 80 image"),
    ({"pos": [10.0, 10.0], "marker": [12.0, 12.0, 12.0, 12.0]}, "stations.airport.marker must be"),
    ({"pos": [10.0, 10.0], "marker": [14.0, 8.0, 6.0, 12.0]}, "stations.airport.marker must be"),
    ({"pos": [10.0, 10.0], "marker": [-1e12, -1e12, 1e12, 1e12]}, "stations.airport.marker must be"),
    ({"pos": [10.0, 10.0], "label": [20.0, 5.0, 200.0, 15.0]}, "stations.airport.label must be"),
])
def test_a_graph_whose_pixels_are_not_of_its_image_is_refused(tmp_path, station, says):
    from curation.network.build import load_network
    from tests.conftest import build as build_listed

    document = build_listed("demo").network.to_dict()
    document["image"] = {"file_name": "demo.png", "sha256": "0" * 64, "width": 100, "height": 80}
    airport = next(s for s in document["stations"] if s["id"] == "airport")
    airport.update(station)
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SourceError, match=says):
        load_network(path)
    del document["image"]
    path.write_text(json.dumps(document))
    with pytest.raises(SourceError, match="has pixels but the graph names no image"):
        load_network(path)

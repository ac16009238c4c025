"""`mapcurate prelabel` on a rendered synthetic city: the proposal, its summary and its overlay."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from curation.annotations.io import read_annotation
from curation.cli.application import app
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec

pytest.importorskip("rapidocr")


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, dict[str, object]]]:
    rendered = render_synthetic(tmp_path, seed=3, spec=NetworkSpec(lines=2))
    monkeypatch.setenv("MAPCURATE_CITIES", str(tmp_path / "cities"))
    monkeypatch.setenv("MAPCURATE_DATA", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    truth = json.loads(rendered.written.annotation.read_text(encoding="utf-8"))["stations"]
    return rendered.written.slug, {s["network_id"]: s for s in truth}


def test_prelabel_proposes_the_stations(
        city: tuple[str, dict[str, dict[str, object]]], runner: CliRunner) -> None:
    slug, truth = city
    result = runner.invoke(app, ["prelabel", "--city", slug, "--out", "out"])
    assert result.exit_code == 0, result.output
    folder = Path("out") / slug / "prelabel"
    assert "annotation.json, summary.json, overlay.png" in result.output and slug in result.output
    proposal = read_annotation(folder / "annotation.json")
    named = [s for s in proposal.stations if s.network_id is not None]
    assert len(named) / len(truth) >= 0.9
    for station in named:  # each named station is that station, at its marker, of its kind
        expected = truth[station.network_id]  # type: ignore[index]
        assert math.dist(station.pos, expected["pos"]) <= 1.0, station.id  # type: ignore[arg-type]
        assert station.kind == expected["kind"] and station.provenance.source == "prelabel"
        assert 0 < station.confidence <= 1
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["named"] == len(named) and summary["reference_stations"] == len(truth)
    assert sorted(summary["missing"]) == sorted(set(truth) - {s.network_id for s in named})
    with Image.open(folder / "overlay.png") as overlay:
        assert overlay.size == (proposal.image.width, proposal.image.height)
    again = runner.invoke(app, ["prelabel", "--city", slug, "--out", "again"])
    assert again.exit_code == 0
    assert (Path("again") / slug / "prelabel" / "annotation.json").read_bytes() == (folder / "annotation.json"
                                                                                   ).read_bytes()


def test_a_city_without_a_map_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["prelabel", "--city", "demo"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no map image to prelabel" in result.output

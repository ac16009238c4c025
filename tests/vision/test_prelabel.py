"""`mapcurate prelabel` on a rendered synthetic city: the proposal, its summary and its overlay."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from curation.annotations.io import read_annotation
from curation.cli.application import app
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec
from tests.test_images import bomb_png

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
    assert len(named) / len(truth) >= 0.96
    on_line = [s for s in named if s.marker is None]  # no marker found: placed on the line beside its label
    assert len(on_line) <= 2 and all(s.confidence <= 0.5 for s in on_line)
    for station in named:  # each named station is that station, at its marker (or within half one), of its kind
        expected = truth[station.network_id]  # type: ignore[index]
        box = expected["marker"]["box"]  # type: ignore[index]
        tolerance = 2.0 if station.marker is not None else (box[2] - box[0]) / 4
        assert math.dist(station.pos, expected["pos"]) <= tolerance, station.id  # type: ignore[arg-type]
        assert station.provenance.source == "prelabel" and 0 < station.confidence <= 1
    kinds = sum(station.kind == truth[station.network_id]["kind"] for station in named)  # type: ignore[index]
    assert kinds >= len(named) - 1
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


def _break(path: Path, how: str) -> str:
    """Damage the map at `path`; the text its one-line error must hold."""
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return "truncated or corrupt PNG image"
    if how == "corrupt":
        data = bytearray(path.read_bytes())
        data[len(data) // 2:len(data) // 2 + 64] = bytes(64)
        path.write_bytes(bytes(data))
        return "PNG image"
    path.write_bytes(bomb_png())
    return "900,000,000 pixels (30000 × 30000), more than the 300,000,000 allowed"


@pytest.mark.parametrize("how", ["truncated", "corrupt", "bomb"])
def test_a_bad_map_is_one_line_and_writes_nothing(
        city: tuple[str, dict[str, dict[str, object]]], runner: CliRunner, how: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAPCURATE_MAX_IMAGE_PIXELS", raising=False)
    slug, _ = city
    manifest = Path("cities") / slug / "city.toml"
    text = manifest.read_text(encoding="utf-8")
    pinned = re.search(r'\[sources\.map\]\npath = "([^"]+)"\nsha256 = "([0-9a-f]{64})"\n', text)
    assert pinned is not None
    map_path = Path("data") / pinned.group(1)
    message = _break(map_path, how)
    broken = hashlib.sha256(map_path.read_bytes()).hexdigest()  # pinned as broken: the decoder must refuse it
    manifest.write_text(text.replace(pinned.group(2), broken), encoding="utf-8")
    result = runner.invoke(app, ["prelabel", "--city", slug, "--out", "out"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and map_path.name in lines[0], result.output
    assert not Path("out").exists()

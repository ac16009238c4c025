"""`mapcurate render`, `overlay` and `demo` on the command line: the flow, the files, bad maps refused."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from PIL import Image

from curation.cli import app
from tests.test_images import bomb_png


def files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


@pytest.fixture
def rendered(runner, tmp_path, monkeypatch):
    """A small procedural city rendered under tmp/synth, built into tmp/graphs."""
    out = tmp_path / "synth"
    result = runner.invoke(app, ["render", "--seed", "5", "--lines", "4", "--loops", "1", "--branches", "1",
                                 "--scale", "0.6", "--slug", "testburg", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "MAPCURATE_CITIES=" in result.output and "testburg" in result.output
    monkeypatch.setenv("MAPCURATE_CITIES", str(out / "cities"))
    monkeypatch.setenv("MAPCURATE_DATA", str(out / "data"))
    graphs = tmp_path / "graphs"
    result = runner.invoke(app, ["build-graph", "--city", "testburg", "--out", str(graphs)])
    assert result.exit_code == 0, result.output
    return out, graphs


def test_render_build_overlay(runner, rendered):
    out, graphs = rendered
    graph = json.loads((graphs / "testburg" / "graph.json").read_text(encoding="utf-8"))
    assert all("pos" in s for s in graph["stations"]) and all(line["geometry"] for line in graph["lines"])
    png = next((out / "data" / "maps" / "synthetic").glob("testburg-*.png"))
    assert graph["image"]["file_name"] == "testburg.png" and graph["image"]["width"] == Image.open(png).width
    result = runner.invoke(app, ["overlay", "--city", "testburg", "--graphs", str(graphs), "--max-side", "500"])
    assert result.exit_code == 0, result.output
    overlay = Image.open(graphs / "testburg" / "overlay.png")
    assert max(overlay.size[0], overlay.size[1] - 80) <= 500  # the map part, with the findings panel below it
    pixels = np.asarray(overlay.convert("RGB")).reshape(-1, 3)
    green = ((pixels[:, 1] > 140) & (pixels[:, 0] < 60) & (pixels[:, 2] < 150)).sum()
    assert green > 50, "station rings are drawn"


def test_a_flagged_station_is_named_on_the_overlay(runner, rendered):
    out, graphs = rendered
    stations_file = next((out / "data" / "stations").rglob("*.json"))
    listed = json.loads(stations_file.read_text(encoding="utf-8"))
    first_line = sorted(listed)[0]
    listed[first_line] = listed[first_line][:-1]  # the station list now lacks a stop the map shows
    stations_file.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["build-graph", "--city", "testburg", "--out", str(graphs)])
    assert result.exit_code == 0 and "source-changed" in result.output
    quality = json.loads((graphs / "testburg" / "quality.json").read_text(encoding="utf-8"))
    assert "annotation-station-extra" in quality["counts_by_code"]  # on the map, not in the list
    before = np.asarray(Image.open(next((out / "data" / "maps" / "synthetic").glob("testburg-*.png"))).convert("RGB"))
    assert runner.invoke(app, ["overlay", "--city", "testburg", "--graphs", str(graphs)]).exit_code == 0
    pixels = np.asarray(Image.open(graphs / "testburg" / "overlay.png").convert("RGB"))[: before.shape[0]]
    red = ((pixels[..., 0] > 190) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)).sum()
    assert red > 30, "the flagged station's ring and name are red"


BAD_MAPS = {
    "truncated": lambda png: png[: len(png) // 2],
    "bomb": lambda png: bomb_png(),
    "flipped byte": lambda png: png[:200] + bytes([png[200] ^ 0xFF]) + png[201:],
}


def unpin_map(out: Path) -> Path:
    """Make the rendered city's map an embedded, unpinned file (so the image checks, not the pin, must catch it)."""
    manifest = out / "cities" / "testburg" / "city.toml"
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    png = manifest.parent / "map.png"
    png.write_bytes((out / "data" / data["sources"]["map"]["path"]).read_bytes())
    data["sources"]["map"] = {"embedded": "map.png", "license": "CC0-1.0"}
    manifest.write_text(tomli_w.dumps(data), encoding="utf-8")
    return png


PIN_MISMATCH = r"sha256 is [0-9a-f]{64}, not the [0-9a-f]{64} pinned in .*city\.toml"
UNPINNED = {"truncated": "truncated or corrupt PNG", "bomb": r"900,000,000 pixels \(30000 × 30000\), more than",
            "flipped byte": "truncated or corrupt PNG"}


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "unpinned"])
@pytest.mark.parametrize("damage", BAD_MAPS)
@pytest.mark.parametrize("command", ["overlay", "build-graph"])
def test_a_bad_map_is_refused_in_one_line_and_nothing_is_written(runner, rendered, damage, command, pinned):
    """A pinned map is caught by its pin; an unpinned one by the image checks themselves."""
    out, graphs = rendered
    png = next((out / "data" / "maps" / "synthetic").glob("testburg-*.png"))
    if not pinned:
        png = unpin_map(out)
        assert runner.invoke(app, ["build-graph", "--city", "testburg", "--out", str(graphs)]).exit_code == 0
    png.write_bytes(BAD_MAPS[damage](png.read_bytes()))
    before = files_under(graphs)
    args = ["--graphs", str(graphs)] if command == "overlay" else ["--out", str(graphs)]
    result = runner.invoke(app, [command, "--city", "testburg", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and png.name in lines[0] and "Traceback" not in result.output
    assert re.search(PIN_MISMATCH if pinned else UNPINNED[damage], lines[0]), lines[0]
    assert files_under(graphs) == before


def test_overlay_needs_positions_and_a_graph(runner, tmp_path):
    result = runner.invoke(app, ["overlay", "--city", "demo", "--graphs", str(tmp_path)])
    assert result.exit_code == 2 and "run `mapcurate build-graph --city demo` first" in result.stderr
    assert runner.invoke(app, ["build-graph", "--city", "demo", "--out", str(tmp_path)]).exit_code == 0
    result = runner.invoke(app, ["overlay", "--city", "demo", "--graphs", str(tmp_path)])
    assert result.exit_code == 2 and "declares no map image" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--stations-per-line", "many"], "--stations-per-line must be MIN:MAX"),
    (["--rename"], "--rename goes with --city"),
    (["--city", "atlantis"], "unknown city 'atlantis'"),
    (["--loops", "9", "--lines", "2"], "loops"),
])
def test_render_bad_arguments_are_one_line(runner, tmp_path, args, message):
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", "--out", str(out), *args])
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert files_under(out) == {}


def test_render_never_overwrites_a_city_it_did_not_write(runner, tmp_path):
    manifest = tmp_path / "cities" / "mine" / "city.toml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('country = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["render", "--slug", "mine", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "did not render" in result.stderr
    assert manifest.read_text(encoding="utf-8") == 'country = "x"\n'


def test_the_demo_draws_exports_scores_and_overlays(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "gold answers: 100.0% accurate" in result.output
    demo = tmp_path / "demo"
    for path in ("map/data/maps/demo/demo-*.png", "map/data/annotations/demo/demo-*.json", "overlay.png",
                 "graph.json", "export/data/train.parquet", "export/maps.parquet"):
        assert len([p for p in demo.glob(path) if p.is_file()]) == 1, path
    graph = json.loads((demo / "graph.json").read_text(encoding="utf-8"))
    assert all("pos" in s for s in graph["stations"])


def test_render_never_replaces_another_rendered_city_of_the_same_slug(runner, tmp_path):
    first = ["render", "--seed", "5", "--scale", "0.5", "--slug", "twin", "--out", str(tmp_path)]
    assert runner.invoke(app, first).exit_code == 0
    before = files_under(tmp_path)
    again = runner.invoke(app, first)  # the same map again: replaced by identical files
    assert again.exit_code == 0 and files_under(tmp_path) == before
    other = runner.invoke(app, ["render", "--seed", "6", "--scale", "0.5", "--slug", "twin", "--out", str(tmp_path)])
    assert other.exit_code == 2 and "another rendered city is here (kind synthetic, seed 5)" in other.stderr
    assert files_under(tmp_path) == before


def test_a_render_that_fails_while_writing_leaves_the_old_city_or_nothing(runner, tmp_path, monkeypatch):
    import curation.atomic as atomic

    real_replace = atomic.os.replace

    def failing_replace(source, target):
        if str(target).endswith(".png"):
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    out = tmp_path / "out"
    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    result = runner.invoke(app, ["render", "--seed", "5", "--scale", "0.5", "--out", str(out)])
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert files_under(out) == {}
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    command = ["render", "--seed", "5", "--scale", "0.5", "--slug", "keep", "--out", str(out)]
    assert runner.invoke(app, command).exit_code == 0
    before = files_under(out)
    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    result = runner.invoke(app, [*command, "--scale", "0.7"])  # the same map, redrawn larger: fails midway
    assert result.exit_code == 2 and files_under(out) == before
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert runner.invoke(app, [*command, "--scale", "0.7"]).exit_code == 0  # and when it succeeds, only the new
    after = files_under(out)
    old_map = next(p for p in before if p.suffix == ".png")
    assert len(after) == 4 and old_map not in after  # the same station list, a new map and annotation


def test_export_refuses_questions_asked_of_an_earlier_drawing(runner, rendered, tmp_path):
    out, graphs = rendered
    assert runner.invoke(app, ["gen-questions", "--city", "testburg", "--graphs", str(graphs)]).exit_code == 0
    (out / "cities" / "testburg" / "city.toml").unlink()  # draw another map under the same name
    redraw = ["render", "--seed", "8", "--lines", "3", "--scale", "0.6", "--slug", "testburg", "--out", str(out)]
    assert runner.invoke(app, redraw).exit_code == 0
    target = tmp_path / "export"
    result = runner.invoke(app, ["export", "--questions", str(graphs / "testburg" / "questions.parquet"),
                                 "--graphs", str(graphs), "--out", str(target)])
    assert result.exit_code == 2 and "asked of a network drawn on another image" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_all_includes_rendered_cities_and_says_when_there_is_none(runner, rendered, tmp_path, monkeypatch):
    result = runner.invoke(app, ["build-graph", "--all", "--out", str(tmp_path / "all")])
    assert result.exit_code == 0 and (tmp_path / "all" / "testburg" / "graph.json").is_file()
    only_demo = tmp_path / "only-demo"
    (only_demo / "demo").mkdir(parents=True)
    (only_demo / "demo" / "city.toml").write_text(
        (Path(__file__).parents[1] / "cities" / "demo" / "city.toml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("MAPCURATE_CITIES", str(only_demo))
    result = runner.invoke(app, ["build-graph", "--all", "--out", str(tmp_path / "none")])
    assert result.exit_code == 2 and "--all found no city" in result.stderr


def test_export_and_overlay_refuse_a_graph_older_than_its_annotation(runner, rendered, tmp_path):
    """The same image, but the annotation edited after the graph was built: the graph is stale."""
    out, graphs = rendered
    assert runner.invoke(app, ["gen-questions", "--city", "testburg", "--graphs", str(graphs)]).exit_code == 0
    annotation = next((out / "data" / "annotations").rglob("*.json"))
    document = json.loads(annotation.read_text(encoding="utf-8"))
    document["stations"][0]["labels"]["en"]["text"] = "Totally Different"
    annotation.write_text(json.dumps(document), encoding="utf-8")
    manifest = out / "cities" / "testburg" / "city.toml"
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    data["sources"]["annotation"]["sha256"] = hashlib.sha256(annotation.read_bytes()).hexdigest()
    manifest.write_text(tomli_w.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["export", "--questions", str(graphs / "testburg" / "questions.parquet"),
                                 "--graphs", str(graphs), "--out", str(tmp_path / "export")])
    assert result.exit_code == 2 and "testburg's annotation changed since this graph was built" in result.stderr
    result = runner.invoke(app, ["overlay", "--city", "testburg", "--graphs", str(graphs)])
    assert result.exit_code == 2 and "changed since this graph was built" in result.stderr
    assert not (tmp_path / "export").exists() and not (graphs / "testburg" / "overlay.png").exists()



def test_a_map_too_small_to_show_its_network_is_refused(runner, tmp_path):
    out = tmp_path / "tiny"
    result = runner.invoke(app, ["render", "--seed", "7", "--lines", "6", "--loops", "1", "--branches", "1",
                                 "--shared-track", "1", "--megapixels", "0.01", "--out", str(out)])
    assert result.exit_code == 2 and "at this size the drawing does not show the network" in result.stderr
    assert files_under(out) == {}

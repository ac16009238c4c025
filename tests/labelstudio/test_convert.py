"""Labeling configs, tiles and the annotation ↔ Label Studio conversion, without a server.

A pushed prediction that an annotator accepts unchanged is what comes back in the export, so the
round trip `to_labelstudio` → export tasks → `from_labelstudio` must give back the annotation: the same
stations (positions within 1e-3 px), names, kinds and line rides, for a whole map and for a tiled one.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from curation.annotations.io import read_annotation
from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Provenance, StationMark
from curation.cities import load_city
from curation.images import load_image
from curation.labelstudio.config import ProjectSchema, ResultError, check_results, line_labels
from curation.labelstudio.convert import from_labelstudio, sessions, to_labelstudio
from curation.labelstudio.tiles import Tile, cut_tiles, plan_tiles
from curation.network.annotations import import_annotation
from curation.network.build import build_network
from curation.synth.make import render_synthetic
from curation.synth.procedural import NetworkSpec
from curation.synth.render import RenderOptions
from tests.test_images import GOOD_PNGS, png_bytes

LabelInterface = pytest.importorskip("label_studio_sdk.label_interface").LabelInterface


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Annotation, ProjectSchema]:
    out = tmp_path_factory.mktemp("synth")
    result = render_synthetic(out, seed=5, spec=NetworkSpec(lines=4, branches=1, loops=1), options=RenderOptions())
    annotation = read_annotation(result.written.annotation)
    city = load_city(result.written.slug, out / "cities")
    schema = ProjectSchema.of_network(build_network(city, out / "data").network)
    return city, annotation, schema


def export_of(annotation: Annotation, tiles: tuple[Tile, ...], schema: ProjectSchema) -> list[dict[str, Any]]:
    """The export Label Studio gives when an annotator submits every prediction unchanged."""
    image = annotation.image
    return [{
        "id": i + 1,
        "data": {"image": f"/data/upload/1/tile-{i}.png", "mapcurate": {
            "key": tile.key(image), "tile": tile.to_dict(),
            "image": {"file_name": image.file_name, "sha256": image.sha256, "width": image.width,
                      "height": image.height}}},
        "annotations": [{"id": 10 + i, "completed_by": {"id": 1, "email": "ann@example.com"},
                         "was_cancelled": False, "updated_at": "2026-12-02T10:00:00Z",
                         "result": to_labelstudio(annotation, tile, schema)}],
    } for i, tile in enumerate(tiles)]


def rides(city: Any, annotation: Annotation) -> dict[str, list[list[str]]]:
    network, _ = import_annotation(city, annotation)
    return {line_id: line.variants for line_id, line in network.lines.items()}


def assert_same_stations(pulled: Annotation, truth: Annotation) -> None:
    by_name = {s.labels["en"].text: s for s in truth.stations}
    assert sorted(s.labels["en"].text for s in pulled.stations) == sorted(by_name)
    for station in pulled.stations:
        original = by_name[station.labels["en"].text]
        assert math.dist(station.pos, original.pos) < 1e-3
        assert station.kind == original.kind
        assert station.provenance.source == "labelstudio" and station.provenance.annotator == "ann@example.com"


def test_config_is_deterministic_and_parses(rendered: tuple[Any, Annotation, ProjectSchema]) -> None:
    _, _, schema = rendered
    config = schema.config()
    assert config == ProjectSchema.from_dict(schema.to_dict()).config()
    interface = LabelInterface(config)
    assert {c.name for c in interface.controls} >= {"station", "line", "name_en"}
    line_control = interface.get_control("line")
    assert sorted(line_control.labels) == sorted(x.value for x in schema.lines)


def test_line_labels_are_unique() -> None:
    labels = line_labels([("a", {"en": "Red"}, None), ("b", {"en": "Red"}, "#000000"), ("c", {}, None)])
    assert [x.value for x in labels] == ["Red (a)", "Red (b)", "c"]
    assert labels[1].color == "#000000" and labels[0].color.startswith("#")


def test_results_are_checked_against_the_config(rendered: tuple[Any, Annotation, ProjectSchema]) -> None:
    _, annotation, schema = rendered
    whole = plan_tiles(annotation.image.width, annotation.image.height)[0]
    results = to_labelstudio(annotation, whole, schema)
    check_results(schema.config(), results, "task 1")
    broken = [dict(r) for r in results]
    line = next(r for r in broken if r["type"] == "vectorlabels")
    line["value"] = {**line["value"], "vectorlabels": ["No Such Line"]}
    point = next(r for r in broken if r["type"] == "keypointlabels")
    point["value"] = {**point["value"], "x": 180.0}
    with pytest.raises(ResultError, match=r"task 7: 2 result problems.*'line'") as caught:
        check_results(schema.config(), broken, "task 7")
    assert isinstance(caught.value, ValueError)


def test_cores_partition_the_map() -> None:
    tiles = plan_tiles(5000, 3000, max_pixels=1, size=2048, overlap=256)
    assert len(tiles) == 6
    for x, y in [(0, 0), (1800, 10), (1919.5, 2999), (4999.9, 1500), (2500, 1500)]:
        owners = [t for t in tiles if t.core[0] <= x < t.core[2] or (x == 5000 and t.core[2] == 5000)]
        owners = [t for t in owners if t.core[1] <= y < t.core[3]]
        assert len(owners) == 1
        assert owners[0].x0 <= x <= owners[0].x0 + owners[0].width
    assert all(t.width == 2048 and t.height == 2048 for t in tiles)


def test_small_maps_are_one_task_and_crowded_tiles_shrink() -> None:
    assert plan_tiles(1000, 800) == (Tile(0, 0, 1000, 800, (0, 0, 1000, 800)),)
    crowd = [(10.0 + i % 50, 10.0 + i // 50) for i in range(400)]
    tiles = plan_tiles(6000, 6000, crowd, max_stations=100)
    assert max(sum(1 for p in crowd if t.x0 <= p[0] <= t.x0 + t.width and t.y0 <= p[1] <= t.y0 + t.height)
               for t in tiles) <= 400  # at the floor size the crowd may still share one tile
    assert min(t.width for t in tiles) < 4096


@pytest.mark.parametrize(("name", "row"), [(c[0], c[1]) for c in GOOD_PNGS], ids=[c[0] for c in GOOD_PNGS])
def test_tiles_cut_from_the_map_in_its_own_mode_equal_tiles_cut_from_rgb(tmp_path: Path, name: str,
                                                                         row: Image.Image) -> None:
    """Push cuts tiles from the decoded map in its own mode (a palette map at 1 byte a pixel) and normalises each:
    the same PNG bytes as cutting the RGB map, in every mode PNG holds, transparency included."""
    path = tmp_path / "map.png"
    path.write_bytes(png_bytes(row.resize((row.width * 23, 41), Image.Resampling.NEAREST)))
    tiles = plan_tiles(row.width * 23, 41, max_pixels=1, size=16, overlap=4)
    assert len(tiles) > 4
    native = load_image(path, rgb=False)
    assert native.mode == Image.open(path).mode
    assert list(cut_tiles(native, tiles)) == list(cut_tiles(load_image(path), tiles))
    assert {Image.open(io.BytesIO(png)).mode for _, png in cut_tiles(native, tiles, workers=1)} == {"RGB"}


def test_whole_map_round_trip(rendered: tuple[Any, Annotation, ProjectSchema]) -> None:
    city, annotation, schema = rendered
    tiles = plan_tiles(annotation.image.width, annotation.image.height)
    tasks = export_of(annotation, tiles, schema)
    pulled = from_labelstudio(sessions(tasks, annotation.image, {}), schema, annotation.image)
    assert_same_stations(pulled, annotation)
    assert rides(city, pulled) == rides(city, annotation)


def test_tiled_round_trip_merges_seam_stations(rendered: tuple[Any, Annotation, ProjectSchema]) -> None:
    city, annotation, schema = rendered
    image = annotation.image
    tiles = plan_tiles(image.width, image.height, max_pixels=1, size=640, overlap=160)
    assert len(tiles) >= 6
    seen = {s.id: sum(1 for t in tiles if t.x0 <= s.pos[0] <= t.x0 + t.width and t.y0 <= s.pos[1] <= t.y0 + t.height)
            for s in annotation.stations}
    assert max(seen.values()) >= 2  # some stations are in two or four tiles
    pulled = from_labelstudio(sessions(export_of(annotation, tiles, schema), image, {}), schema, image)
    assert_same_stations(pulled, annotation)
    assert rides(city, pulled) == rides(city, annotation)


def test_a_station_exactly_on_a_core_edge_appears_once() -> None:
    tiles = plan_tiles(2000, 1000, max_pixels=1, size=1200, overlap=400)
    edge = tiles[0].core[2]
    image_ref = ImageRef("m.png", "a" * 64, 2000, 1000)
    truth = Provenance("synthetic")
    annotation = Annotation(image=image_ref, stations=(
        StationMark("seam", (float(edge), 500.0), truth, labels={"en": Label("Seam")}),
        StationMark("west", (300.0, 500.0), truth, labels={"en": Label("West")}),
        StationMark("east", (1700.0, 500.0), truth, labels={"en": Label("East")}),
    ), lines=(LineTrace("l1", {"en": "L1"}, (((300.0, 500.0), (float(edge), 500.0), (1700.0, 500.0)),), truth),))
    schema = ProjectSchema(("en",), line_labels([("l1", {"en": "L1"}, None)]))
    pulled = from_labelstudio(sessions(export_of(annotation, tiles, schema), image_ref, {}), schema, image_ref)
    assert sorted(s.labels["en"].text for s in pulled.stations) == ["East", "Seam", "West"]
    assert len(pulled.lines) == 1 and len(pulled.lines[0].polylines) == 1  # the pieces were joined at the seam
    ends = pulled.lines[0].polylines[0]
    assert ends[0] == (300.0, 500.0) and ends[-1] == (1700.0, 500.0)


def test_an_export_of_another_map_or_without_tiles_is_refused(rendered: tuple[Any, Annotation, ProjectSchema]
                                                               ) -> None:
    _, annotation, schema = rendered
    tasks = export_of(annotation, plan_tiles(annotation.image.width, annotation.image.height), schema)
    tasks[0]["data"]["mapcurate"]["image"]["sha256"] = "b" * 64
    with pytest.raises(ResultError, match="task 1 is of another map"):
        sessions(tasks, annotation.image, {})
    del tasks[0]["data"]["mapcurate"]
    with pytest.raises(ResultError, match="task 1 has no mapcurate tile data"):
        sessions(tasks, annotation.image, {})


def test_label_of_an_unknown_line_is_refused(rendered: tuple[Any, Annotation, ProjectSchema]) -> None:
    _, annotation, schema = rendered
    tasks = export_of(annotation, plan_tiles(annotation.image.width, annotation.image.height), schema)
    line = next(r for r in tasks[0]["annotations"][0]["result"] if r["type"] == "vectorlabels")
    line["value"]["vectorlabels"] = ["Line 99"]
    with pytest.raises(ResultError, match="line label 'Line 99' is not a line of the project"):
        from_labelstudio(sessions(tasks, annotation.image, {}), schema, annotation.image)

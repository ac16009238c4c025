"""Exports carry each map's kind and, for an annotated map, its station positions in that image's pixels."""

from __future__ import annotations

import hashlib
import io
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from curation.annotations.io import read_annotation, write_annotation
from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.errors import UnknownCityError
from curation.exports.export import ExportOptions, run_export
from tests.exports.conftest import MAP_SIZES
from tests.exports.test_export import export, files_of

SYNTH = Provenance("synthetic", tool="test")
RENDERED = '[rendered]\nkind = "rerendered"\ngenerator = "mapcurate-synth/1"\nseed = 3\nderived_from = "demo"\n'


def alpha_annotation(map_png, sha256: str | None = None) -> Annotation:
    """Stations and both drawn diagonals of alpha's 320 × 240 map (see `draw_map`)."""
    width, height = MAP_SIZES["alpha"]
    digest = sha256 or hashlib.sha256(map_png.read_bytes()).hexdigest()
    return Annotation(
        image=ImageRef("map.png", digest, width, height),
        stations=(
            StationMark(id="centre", pos=(160, 120), provenance=SYNTH, kind="interchange",
                        marker=Marker("ring", (152, 112, 168, 128)),
                        labels={"en": Label("Centre", (170, 104, 230, 118))}),
            StationMark(id="north-west", pos=(10.5, 10.5), provenance=SYNTH, marker=Marker("circle", (6, 6, 15, 15)),
                        labels={"en": Label("North West")}),
            StationMark(id="south-east", pos=(310, 230), provenance=SYNTH),
        ),
        lines=(
            LineTrace(id="red", names={"en": "Red Line"}, color="#D7263D", provenance=SYNTH,
                      polylines=(((10, 10), (160, 120), (310, 230)),)),
            LineTrace(id="blue", names={"en": "Blue Line"}, color="#1B4F9C", provenance=SYNTH,
                      polylines=(((10, 230), (310, 10)),)),
        ),
    )


def declare_annotation(folder, pin: str | None = None) -> None:
    manifest = folder / "city.toml"
    extra = f'sha256 = "{pin}"\n' if pin else ""
    text = manifest.read_text(encoding="utf-8").replace(
        "[sources.stations]", f'[sources.annotation]\nembedded = "annotation.json"\n{extra}\n[sources.stations]')
    manifest.write_text(text, encoding="utf-8")


@pytest.fixture
def annotated(make_cities, asked):
    """After graphs and questions were made from the station lists: alpha gains a pinned annotation of its map,
    beta becomes a rerendered map of demo."""
    alpha = make_cities / "alpha"
    write_annotation(alpha / "annotation.json", alpha_annotation(alpha / "map.png"))
    declare_annotation(alpha, pin=hashlib.sha256((alpha / "annotation.json").read_bytes()).hexdigest())
    beta = make_cities / "beta" / "city.toml"
    beta.write_text(beta.read_text(encoding="utf-8") + "\n" + RENDERED, encoding="utf-8")
    return asked


def maps_of(out) -> dict[str, dict]:
    return {m["city"]: m for m in pq.read_table(out / "maps.parquet").to_pylist()}


def test_maps_carry_kind_and_the_annotation_of_their_image(runner, annotated, make_cities, tmp_path):
    out = tmp_path / "export"
    result = export(runner, annotated, out, "--test-cities", "beta", "--allow-missing-images")
    assert result.exit_code == 0, result.output
    schema = pq.read_schema(out / "maps.parquet")
    assert schema.field("kind").type == pa.string() and not schema.field("kind").nullable
    assert schema.field("annotation").type == pa.string() and schema.field("annotation").nullable
    assert schema.field("derived_from").type == pa.string()
    maps = maps_of(out)
    alpha, beta = maps["alpha"], maps["beta"]
    assert (alpha["kind"], alpha["derived_from"]) == ("real", None)
    assert (beta["kind"], beta["derived_from"], beta["annotation"]) == ("rerendered", "demo", None)
    stored = read_annotation(make_cities / "alpha" / "annotation.json")
    assert alpha["annotation"] == json.dumps(stored.to_dict(), ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":"))
    document = json.loads(alpha["annotation"])
    assert document["image"]["sha256"] == alpha["sha256"] == hashlib.sha256(alpha["image"]["bytes"]).hexdigest()
    assert {s["id"]: s["pos"] for s in document["stations"]}["centre"] == [160.0, 120.0]

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {m["city"]: m for m in manifest["maps"]}
    assert (entries["alpha"]["kind"], entries["alpha"]["positions"]) == ("real", True)
    assert (entries["beta"]["kind"], entries["beta"]["positions"], entries["beta"]["derived_from"]) == \
        ("rerendered", False, "demo")
    questions = {split: pq.read_table(out / "questions" / f"{split}.parquet", columns=["city"]).column("city")
                 .to_pylist() for split in ("train", "test")}
    cities = questions["train"] + questions["test"]
    assert manifest["kinds"] == {
        "real": {"cities": 2, "maps": 1, "maps_with_positions": 1,
                 "questions": cities.count("alpha") + cities.count("gamma")},
        "rerendered": {"cities": 1, "maps": 1, "maps_with_positions": 0, "questions": cities.count("beta")},
    }
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"| real | 2 | 1 | 1 | {cities.count('alpha') + cities.count('gamma')} |" in card
    assert f"| rerendered | 1 | 1 | 0 | {cities.count('beta')} |" in card
    assert "origin is the top-left corner of the top-left pixel" in card and "`renamed`" in card
    assert "MAX_IMAGE_PIXELS = None" not in card


def test_the_same_annotated_export_twice_is_the_same_bytes(runner, annotated, tmp_path):
    for name in ("one", "two"):
        assert export(runner, annotated, tmp_path / name, "--allow-missing-images").exit_code == 0
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_max_pixels_rescales_the_positions_to_the_stored_image(runner, annotated, make_cities, tmp_path):
    out = tmp_path / "small"
    result = export(runner, annotated, out, "--max-pixels", "10000", "--allow-missing-images")
    assert result.exit_code == 0, result.output
    alpha = maps_of(out)["alpha"]
    data = alpha["image"]["bytes"]
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    assert size == (alpha["width"], alpha["height"]) and size[0] * size[1] <= 10000 and size != MAP_SIZES["alpha"]
    moved = Annotation.from_dict(json.loads(alpha["annotation"]))
    assert moved.image == ImageRef("alpha.png", hashlib.sha256(data).hexdigest(), *size)
    assert alpha["sha256"] == moved.image.sha256
    fx, fy = size[0] / MAP_SIZES["alpha"][0], size[1] / MAP_SIZES["alpha"][1]
    original = read_annotation(make_cities / "alpha" / "annotation.json")
    for station in original.stations:
        assert moved.station(station.id).pos == (pytest.approx(station.pos[0] * fx), pytest.approx(station.pos[1] * fy))
    centre, red = moved.station("centre"), next(line for line in moved.lines if line.id == "red")
    assert centre.marker.box == tuple(pytest.approx(v) for v in (152 * fx, 112 * fy, 168 * fx, 128 * fy))
    assert red.polylines[0][-1] == (pytest.approx(310 * fx), pytest.approx(230 * fy))


def assert_one_line_and_nothing_written(result, out, tmp_path, *parts):
    assert result.exit_code == 2, result.output
    assert re.fullmatch(r"error: [^\n]+\n", result.stderr), result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
    assert not out.exists() and not list(tmp_path.glob(f".{out.name}*"))


def test_an_annotation_of_another_image_is_refused(runner, make_cities, asked, tmp_path):
    alpha = make_cities / "alpha"
    write_annotation(alpha / "annotation.json", alpha_annotation(alpha / "map.png", sha256="ab" * 32))
    declare_annotation(alpha)
    out = tmp_path / "never"
    result = export(runner, asked, out, "--allow-missing-images")
    assert_one_line_and_nothing_written(result, out, tmp_path, "positions are pixels of another image",
                                        str(alpha / "annotation.json"), str(alpha / "map.png"), "ab" * 32)


def test_a_changed_pinned_annotation_is_refused(runner, make_cities, annotated, tmp_path):
    path = make_cities / "alpha" / "annotation.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["stations"][0]["confidence"] = 0.5
    path.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "never"
    result = export(runner, annotated, out, "--allow-missing-images")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    assert_one_line_and_nothing_written(result, out, tmp_path, str(path), f"sha256 is {actual}, not the", "pinned")


def test_run_export_reads_cities_from_another_folder(make_cities, asked, tmp_path, monkeypatch):
    empty = tmp_path / "no-cities"
    empty.mkdir()
    monkeypatch.setenv("MAPCURATE_CITIES", str(empty))
    options = ExportOptions(name="elsewhere", test_cities=["beta"], allow_missing_images=True)
    with pytest.raises(UnknownCityError):
        run_export(asked, tmp_path / "x", asked, tmp_path, options)
    document = run_export(asked, tmp_path / "y", asked, tmp_path, options, cities_root=make_cities)
    assert [m["city"] for m in document["maps"]] == ["alpha", "beta"]
    assert document["kinds"]["real"]["cities"] == 3

"""Views (crops, scaled maps, circled stations) rendered by the export from the native map, stored once by hash."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import re
import struct
import warnings

import datasets
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from curation.exports.views import HALO, draw_marks, render, render_group, ring_width
from curation.questions.records import SCHEMA, load_questions
from curation.questions.views import MARK_COLOR, Mark, View
from tests.exports.conftest import MAP_SIZES
from tests.exports.test_export import ALL_FORMATS, export, files_of
from tests.test_images import _resealed, noisy_rgb, png_bytes

MAGENTA = (255, 0, 255)
ALPHA = MAP_SIZES["alpha"]
CROP = View(ALPHA, (100, 60, 228, 156), (128, 96), (Mark((160, 120), 20),))
SCALED = View(ALPHA, (0, 0, *ALPHA), (160, 120), (Mark((160, 120), 40), Mark((60, 60), 30)))
ZOOMED = View(ALPHA, (40, 30, 120, 90), (160, 120))
WHOLE = View(ALPHA, (0, 0, *ALPHA), ALPHA)
UNSEEN = View(ALPHA, ZOOMED.window, ZOOMED.size, (Mark((5, 5), 5),))
"""Another view than ZOOMED whose ring falls outside it: the same pixels, so the same image."""
BETA_CROP = View(MAP_SIZES["beta"], (20, 40, 120, 140), (100, 100), (Mark((70, 90), 12),))


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB"
        return np.asarray(image).copy()


def ring_distance(view: View, shape: tuple[int, ...]) -> np.ndarray:
    """Each shown pixel centre's distance (shown pixels) from the nearest ring's stroke centre line."""
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]] + 0.5
    distance = np.full(shape[:2], np.inf)
    for mark in view.marks:
        (x, y), radius = view.to_shown(mark.center), mark.radius * view.scale
        distance = np.minimum(distance, np.abs(np.hypot(xs - x, ys - y) - radius))
    return distance


def away_from_rings(view: View, shape: tuple[int, ...]) -> np.ndarray:
    widest = max((ring_width(m.radius * view.scale) for m in view.marks), default=0)
    return ring_distance(view, shape) > widest / 2 + HALO + 1.5


def png_chunks(data: bytes) -> list[bytes]:
    kinds, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at:at + 4])[0]
        kinds.append(data[at + 4:at + 8])
        at += 12 + length
    return kinds


# rendering, without an export


def test_a_view_renders_at_its_size_with_magenta_rings_on_a_white_halo():
    white = Image.new("RGB", ALPHA, (40, 40, 40))  # a dark map: the halo must show
    shown = pixels(render(white, SCALED))
    assert shown.shape == (120, 160, 3)
    for mark in SCALED.marks:
        (x, y), radius = SCALED.to_shown(mark.center), mark.radius * SCALED.scale
        assert tuple(shown[round(y), math.floor(x + radius)]) == MAGENTA  # on the stroke
        assert tuple(shown[round(y), math.floor(x - radius)]) == MAGENTA
        assert tuple(shown[math.floor(y + radius), round(x)]) == MAGENTA
        across = [tuple(p) for p in shown[round(y), round(x):]]
        stroke = [i for i, p in enumerate(across) if p == MAGENTA]
        assert len(stroke) == ring_width(radius) and stroke == list(range(stroke[0], stroke[-1] + 1))
        assert across[stroke[0] - 1] == across[stroke[-1] + 1] == (255, 255, 255)  # the halo, both sides
        assert tuple(shown[round(y), round(x)]) == (40, 40, 40)  # the circled station stays visible
    magenta = np.all(shown == MAGENTA, axis=2)
    near = ring_distance(SCALED, shown.shape) <= max(ring_width(m.radius * SCALED.scale) for m in SCALED.marks)
    assert magenta.sum() > 100 and not (magenta & ~near).any()
    assert MARK_COLOR.upper() == "#FF00FF"


def test_ring_width_grows_with_the_shown_radius():
    assert (ring_width(4), ring_width(8), ring_width(20), ring_width(100)) == (2, 2, 5, 25)


def test_a_ring_is_centred_where_the_view_shows_its_station():
    view = View((400, 300), (100, 50, 300, 200), (100, 75), (Mark((180, 110), 30),))
    shown = pixels(render(Image.new("RGB", (400, 300), "white"), view))
    ys, xs = np.nonzero(np.all(shown == MAGENTA, axis=2))
    centre = (xs.mean() + 0.5, ys.mean() + 0.5)
    assert centre == (pytest.approx(40, abs=0.5), pytest.approx(30, abs=0.5))  # (180 - 100) / 2, (110 - 50) / 2
    x0, y0, x1, y1 = view.window  # and back to the map: p · (window size / view size) + (x0, y0)
    back = (centre[0] * (x1 - x0) / view.size[0] + x0, centre[1] * (y1 - y0) / view.size[1] + y0)
    assert back == (pytest.approx(180, abs=1), pytest.approx(110, abs=1))


def test_rendering_twice_gives_the_same_bytes_and_no_metadata():
    image = noisy_rgb(*ALPHA)
    image.info["icc_profile"] = b"not a real profile"
    first, second = render(image, CROP), render(image.copy(), CROP)
    assert first == second
    assert png_chunks(first)[0] == b"IHDR" and set(png_chunks(first)) == {b"IHDR", b"IDAT", b"IEND"}
    assert image.info["icc_profile"] == b"not a real profile", "the decoded map is never changed"


def test_a_crop_keeps_the_maps_pixels_away_from_its_rings():
    image = noisy_rgb(*ALPHA)
    shown = pixels(render(image, CROP))
    x0, y0, x1, y1 = CROP.window
    native = np.asarray(image)[y0:y1, x0:x1]
    away = away_from_rings(CROP, shown.shape)
    assert shown.shape == native.shape and away.sum() > 0.8 * away.size
    assert (shown[away] == native[away]).all()
    assert not (shown[~away] == native[~away]).all(), "the ring is drawn"


def test_a_scaled_view_is_the_lanczos_resize_of_its_window_whatever_the_maps_mode():
    palette = noisy_rgb(*ALPHA).quantize(64)
    rgb = palette.convert("RGB")
    expected = np.asarray(rgb.resize(ZOOMED.size, Image.Resampling.LANCZOS, box=ZOOMED.window))
    assert (pixels(render(rgb, ZOOMED)) == expected).all()
    assert render(palette, ZOOMED) == render(rgb, ZOOMED)
    assert render(palette, SCALED) == render(rgb, SCALED)


def test_views_of_one_window_share_a_base_and_each_get_their_own_rings():
    image = noisy_rgb(*ALPHA)
    views = [SCALED, View(ALPHA, SCALED.window, SCALED.size, (Mark((250, 50), 25),)),
             View(ALPHA, SCALED.window, SCALED.size)]
    assert render_group(image, views) == [render(image, v) for v in views]
    assert len(set(render_group(image, views))) == 3


def test_draw_marks_draws_only_inside_the_image():
    image = Image.new("RGB", (50, 40), "white")
    draw_marks(image, View((50, 40), (0, 0, 50, 40), (50, 40), (Mark((0, 0), 10), Mark((50, 40), 5))))
    assert tuple(image.getpixel((10, 0))) == MAGENTA and image.size == (50, 40)


# the export


def with_views(graphs, folder):
    """The questions of `asked`, nine of them showing hand-made views; returns (folder, id → view)."""
    rows = load_questions(graphs)
    torf = {city: [r for r in rows if r["city"] == city and r["family"] == "torf1"] for city in ("alpha", "beta",
                                                                                                 "gamma")}
    chosen = {torf["alpha"][0]["id"]: CROP, torf["alpha"][1]["id"]: CROP, torf["alpha"][2]["id"]: SCALED,
              torf["alpha"][3]["id"]: WHOLE, torf["alpha"][4]["id"]: ZOOMED,
              torf["alpha"][5]["id"]: UNSEEN, torf["alpha"][6]["id"]: CROP,
              torf["beta"][0]["id"]: BETA_CROP, torf["gamma"][0]["id"]: BETA_CROP}
    for row in rows:
        if row["id"] in chosen:
            row["view"] = chosen[row["id"]].to_json()
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), folder / "questions.parquet")
    return folder, chosen


@pytest.fixture
def viewed(runner, make_cities, asked, tmp_path):
    """An export (hf layout, every format) of questions some of which show views; alpha's map is noise."""
    (make_cities / "alpha" / "map.png").write_bytes(png_bytes(noisy_rgb(*ALPHA)))
    questions, chosen = with_views(asked, tmp_path / "q")
    out = tmp_path / "export"
    app, args = app_args(questions, asked, out, "--test-cities", "beta", "--layout", "hf", "--format", ALL_FORMATS)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out, chosen


def app_args(questions, graphs, out, *extra):
    from curation.cli import app

    return app, ["export", "--questions", str(questions), "--graphs", str(graphs), "--out", str(out), "--name",
                 "metro", "--allow-missing-images", *extra]


def question_rows(out) -> dict[str, dict]:
    return {r["id"]: r for split in ("train", "test")
            for r in pq.read_table(out / "questions" / f"{split}.parquet").to_pylist()}


def image_rows(out) -> dict[str, dict]:
    return {m["map_id"]: m for m in pq.read_table(out / "maps.parquet").to_pylist()}


def test_views_are_rows_of_maps_parquet_stored_once(viewed, make_cities):
    out, chosen = viewed
    images, questions = image_rows(out), question_rows(out)
    maps = {m["city"]: m for m in images.values() if m["view_of"] is None}
    views = {m["map_id"]: m for m in images.values() if m["view_of"] is not None}
    assert sorted(maps) == ["alpha", "beta"] and all(m["view"] is None for m in maps.values())
    assert len(views) == 4  # CROP (three rows), SCALED, ZOOMED (and UNSEEN), BETA_CROP; WHOLE is the map
    map_png = Image.open(make_cities / "alpha" / "map.png").convert("RGB")
    for qid, view in chosen.items():
        row = questions[qid]
        if row["city"] == "gamma":
            assert (row["map_id"], row["image_id"]) == (None, None)
            continue
        image = images[row["image_id"]]
        if view.is_whole_map:
            assert row["image_id"] == row["map_id"] == maps["alpha"]["map_id"]
            continue
        assert image["view_of"] == row["map_id"] == maps[row["city"]]["map_id"]
        assert View.from_dict(json.loads(image["view"])) == (ZOOMED if view == UNSEEN else view)
        data = image["image"]["bytes"]
        digest = hashlib.sha256(data).hexdigest()
        assert image["sha256"] == digest and image["map_id"] == f"{row['city']}-{digest[:8]}"
        assert image["image"]["path"] == f"{image['map_id']}.png" and image["annotation"] is None
        assert (image["width"], image["height"]) == view.size == Image.open(io.BytesIO(data)).size
        assert (image["original_width"], image["original_height"]) == MAP_SIZES[row["city"]]
        for key in ("kind", "derived_from", "license", "upstream", "city", "country"):
            assert image[key] == maps[row["city"]][key]
        if row["city"] == "alpha":
            assert data == render(map_png, view), "rendered from the exported city's own map"
    assert len({questions[q]["image_id"] for q, v in chosen.items() if v == CROP}) == 1
    assert len({questions[q]["image_id"] for q, v in chosen.items() if v in (ZOOMED, UNSEEN)}) == 1
    for qid, row in questions.items():
        if qid not in chosen:
            assert row["image_id"] == row["map_id"] and row["view"] is None


def test_a_crop_in_the_export_keeps_the_maps_pixels(viewed, make_cities):
    out, chosen = viewed
    qid = next(q for q, v in chosen.items() if v == CROP)
    shown = pixels(image_rows(out)[question_rows(out)[qid]["image_id"]]["image"]["bytes"])
    x0, y0, x1, y1 = CROP.window
    with Image.open(make_cities / "alpha" / "map.png") as source:
        native = np.asarray(source.convert("RGB"))[y0:y1, x0:x1]
    away = away_from_rings(CROP, shown.shape)
    assert (shown[away] == native[away]).all() and np.all(shown == MAGENTA, axis=2).sum() > 50


def view_bytes(out) -> dict[str, bytes]:
    """Question id → the bytes of the image the canonical tables say it shows."""
    images = image_rows(out)
    return {qid: images[r["image_id"]]["image"]["bytes"] for qid, r in question_rows(out).items() if r["image_id"]}


def test_every_adapter_shows_each_row_its_view(viewed, tmp_path):
    out, chosen = viewed
    expected = view_bytes(out)
    qids = [q for q in chosen if q in expected]
    assert len(qids) == 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hf = datasets.load_dataset("parquet", data_files={s: str(out / "data" / f"{s}.parquet") for s in
                                                          ("train", "test")}, cache_dir=str(tmp_path / "cache"))
    for split in ("train", "test"):
        rows = hf[split].cast_column("image", datasets.Image(decode=False))
        for row in rows:
            assert (row["image"] or {}).get("bytes") == expected.get(row["id"]), row["id"]

    for split in ("train", "test"):
        for record in json.loads((out / "sharegpt" / f"{split}.json").read_text(encoding="utf-8")):
            [path] = record["images"]
            assert (out / path).read_bytes() == expected[record["id"]]
        verl = pq.read_table(out / "verl" / f"{split}.parquet").to_pylist()
        assert {r["extra_info"]["id"] for r in verl} >= {q for q in qids if question_rows(out)[q]["split"] == split}
        for row in verl:
            assert row["images"][0]["bytes"] == expected[row["extra_info"]["id"]]
            assert row["extra_info"]["image_id"] == question_rows(out)[row["extra_info"]["id"]]["image_id"]
        for row in pq.read_table(out / "easyr1" / f"{split}.parquet").to_pylist():
            assert row["images"][0]["bytes"] == expected[row["id"]]
        table = pd.read_csv(out / "vlmevalkit" / f"metro_{split}.tsv", sep="\t", dtype=str)
        by_index = dict(zip(table["index"], table["image"], strict=True))
        for _, row in table.iterrows():
            image = row["image"] if len(row["image"]) > 64 else by_index[row["image"]]
            assert len(by_index[row["image"]] if len(row["image"]) <= 64 else image) > 64
            assert base64.b64decode(image) == expected[row["id"]]
        assert (table["image"].str.len() > 64).sum() == len({expected[i] for i in table["id"]})

    maps = {m["city"]: m["image"]["bytes"] for m in image_rows(out).values() if m["view_of"] is None}
    plus = pq.read_table(out / "reasonmap_plus" / "train.parquet").to_pylist()
    figures = {base64.b64decode(r["figure"]) for r in plus if r["city"] == "alpha"}
    assert figures == {maps["alpha"]}, "the benchmark's layout shows the full map"


def test_manifest_and_card_count_the_views(viewed):
    out, _ = viewed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [m["city"] for m in manifest["maps"]] == ["alpha", "beta"]
    assert {m["city"]: m["views"] for m in manifest["maps"]} == {"alpha": 3, "beta": 1}
    assert manifest["views"] == {"images": 4, "crops": 3, "scaled": 2, "marked": 3, "questions": 8}
    assert manifest["kinds"]["real"]["maps"] == 2
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Views and coordinates" in card and "| 4 | 3 | 2 | 3 | 8 |" in card
    assert "p · (window size / view size) + (x0, y0)" in card and "origin at the top-left corner" in card
    assert "`norm1000`" in card and "magenta" in card and "by content hash" in card
    assert re.search(r"\| train \| 2 \| \d+ \| 1 \| 3 \|", card)
    assert re.search(r"\| test \| 1 \| \d+ \| 1 \| 1 \|", card)


def test_the_same_views_export_twice_to_the_same_bytes(runner, viewed, asked, tmp_path):
    out, _ = viewed
    again = tmp_path / "again"
    app, args = app_args(tmp_path / "q", asked, again, "--test-cities", "beta", "--layout", "hf", "--format",
                         ALL_FORMATS)
    assert runner.invoke(app, args).exit_code == 0
    assert files_of(again) == files_of(out)


def test_max_pixels_never_resizes_a_view(runner, viewed, asked, make_cities, tmp_path):
    out, chosen = viewed
    small = tmp_path / "small"
    app, args = app_args(tmp_path / "q", asked, small, "--test-cities", "beta", "--max-pixels", "10000")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    before, after = view_bytes(out), view_bytes(small)
    questions = question_rows(small)
    whole = next(q for q, v in chosen.items() if v == WHOLE)
    native = (make_cities / "alpha" / "map.png").read_bytes()
    for qid, view in chosen.items():
        if qid in before and view != WHOLE:
            assert after[qid] == before[qid]
    row = image_rows(small)[questions[whole]["image_id"]]
    assert after[whole] == native and row["view_of"] == questions[whole]["map_id"] != row["map_id"]
    assert (row["width"], row["height"]) == ALPHA and row["map_id"] == f"alpha-{hashlib.sha256(native).hexdigest()[:8]}"
    resized = image_rows(small)[questions[whole]["map_id"]]
    assert resized["width"] * resized["height"] <= 10000


def assert_one_line_nothing_written(result, out, message):
    assert result.exit_code == 2, result.output
    assert re.fullmatch(r"error: [^\n]+\n", result.stderr) and message in result.stderr, result.stderr
    assert not out.exists() and not list(out.parent.glob(f".{out.name}*"))


def test_a_corrupt_map_behind_valid_chunks_fails_while_rendering_views(runner, make_cities, asked, tmp_path):
    path = make_cities / "alpha" / "map.png"
    path.write_bytes(_resealed(png_bytes(noisy_rgb(*ALPHA))))  # passes verify; only decoding its pixels fails
    questions, _ = with_views(asked, tmp_path / "q")
    out = tmp_path / "never"
    app, args = app_args(questions, asked, out)
    assert_one_line_nothing_written(runner.invoke(app, args), out, f"{path}: truncated or corrupt PNG image")
    app, args = app_args(asked, asked, tmp_path / "fine")  # without views its pixels are never decoded
    assert runner.invoke(app, args).exit_code == 0


def test_a_view_of_another_map_size_is_refused(runner, make_cities, asked, tmp_path):
    questions, _ = with_views(asked, tmp_path / "q")
    table = pq.read_table(questions / "questions.parquet").to_pylist()
    wrong = View((640, 480), (0, 0, 100, 100), (100, 100)).to_json()
    for row in table:
        if row["view"] == CROP.to_json():
            row["view"] = wrong
    pq.write_table(pa.Table.from_pylist(table, schema=SCHEMA), questions / "questions.parquet")
    out = tmp_path / "never"
    app, args = app_args(questions, asked, out)
    assert_one_line_nothing_written(runner.invoke(app, args), out,
                                    "alpha's questions show views of a 640 × 480 map, but the map is 320 × 240")


@pytest.mark.parametrize("text", ['{"window": [0, 0, 10, 10]}', "not json\nat all",
                                  '{"map_size": [320, 240], "window": [0, 0, 10, 10], "size": [10, 10], '
                                  '"marks": [{"center": [5, 5], "radius": 0}]}'])
def test_a_malformed_view_is_one_line(runner, asked, tmp_path, text):
    questions, chosen = with_views(asked, tmp_path / "q")
    table = pq.read_table(questions / "questions.parquet").to_pylist()
    qid = next(iter(chosen))
    for row in table:
        if row["id"] == qid:
            row["view"] = text
    pq.write_table(pa.Table.from_pylist(table, schema=SCHEMA), questions / "questions.parquet")
    out = tmp_path / "never"
    app, args = app_args(questions, asked, out)
    assert_one_line_nothing_written(runner.invoke(app, args), out, f"question {qid} has a malformed view")


def test_an_export_without_views_is_unchanged(runner, asked, tmp_path):
    out = tmp_path / "plain"
    assert export(runner, asked, out, "--allow-missing-images", "--test-cities", "beta", "--format",
                  ALL_FORMATS).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["views"] == {"images": 0, "crops": 0, "scaled": 0, "marked": 0, "questions": 0}
    assert all(m["view_of"] is None for m in image_rows(out).values())
    assert all(r["image_id"] == r["map_id"] for r in question_rows(out).values())

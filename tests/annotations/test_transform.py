"""`rescaled` and `cropped`: an annotation moved onto a resized copy or a crop of its image."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from shapely.geometry import LineString, Point, box

from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.annotations.transform import cropped, rescaled
from curation.errors import MapcurateError
from curation.images import tiles

SHA = "0123456789abcdef" * 4
OTHER = "fedcba9876543210" * 4
IMAGE = ImageRef("map.png", SHA, 400, 300)
MANUAL = Provenance("manual")


def sample() -> Annotation:
    return Annotation(
        image=IMAGE,
        stations=(
            StationMark(id="a", pos=(100, 100), provenance=MANUAL, marker=Marker("circle", (95, 95, 105, 105)),
                        labels={"en": Label("Alpha", box=(106, 90, 150, 100)), "zh": Label("甲")}),
            StationMark(id="b", pos=(300.5, 200.25), provenance=Provenance("synthetic", tool="t"),
                        kind="interchange", marker=Marker("ring", (290, 190, 311, 211)),
                        labels={"en": Label("Bee", box=(250, 212, 300, 224))}, network_id="bee", confidence=0.5),
            StationMark(id="corner", pos=(400, 300), provenance=MANUAL),
        ),
        lines=(
            LineTrace(id="l1", names={"en": "Line 1"}, color="#D7263D", provenance=MANUAL, network_id="line-1",
                      polylines=(((0, 0), (100, 100), (300.5, 200.25)), ((300.5, 200.25), (400, 300)))),
            LineTrace(id="l2", names={"en": "Line 2"}, provenance=MANUAL,
                      polylines=(((20, 280), (380, 280)),)),
        ),
    )


def coordinates(annotation: Annotation) -> list[tuple[str, float, float]]:
    """Every (where, x, y) in the document, in a fixed order."""
    out = []
    for s in sorted(annotation.stations, key=lambda s: s.id):
        out.append((f"{s.id}.pos", *s.pos))
        if s.marker is not None:
            out += [(f"{s.id}.marker0", *s.marker.box[:2]), (f"{s.id}.marker1", *s.marker.box[2:])]
        for lang, label in sorted(s.labels.items()):
            if label.box is not None:
                out += [(f"{s.id}.{lang}0", *label.box[:2]), (f"{s.id}.{lang}1", *label.box[2:])]
    for line in sorted(annotation.lines, key=lambda x: x.id):
        out += [(f"{line.id}[{i}][{j}]", *p)
                for i, polyline in enumerate(line.polylines) for j, p in enumerate(polyline)]
    return out


@pytest.mark.parametrize(("width", "height"), [(200, 150), (100, 300), (401, 299), (7, 5)])
def test_rescaled_scales_every_coordinate_by_the_size_ratio(width, height):
    original = sample()
    image = ImageRef("small.png", OTHER, width, height)
    moved = rescaled(original, image)
    assert moved.image == image
    before, after = coordinates(original), coordinates(moved)
    assert [w for w, _, _ in before] == [w for w, _, _ in after]
    for (_, x, y), (_, x2, y2) in zip(before, after, strict=True):
        assert x2 == pytest.approx(x * width / 400, abs=1e-9) and y2 == pytest.approx(y * height / 300, abs=1e-9)
    assert moved.station("corner").pos == (width, height), "the far corner maps exactly onto the new corner"


def test_rescaled_keeps_everything_but_coordinates():
    original, moved = sample(), rescaled(sample(), ImageRef("s.png", OTHER, 200, 150))
    for s in original.stations:
        m = moved.station(s.id)
        assert (m.kind, m.provenance, m.network_id, m.confidence) == (s.kind, s.provenance, s.network_id, s.confidence)
        assert {k: v.text for k, v in m.labels.items()} == {k: v.text for k, v in s.labels.items()}
        assert (m.marker is None) == (s.marker is None) and (s.marker is None or m.marker.shape == s.marker.shape)
    assert [(x.id, x.names, x.color, len(x.polylines)) for x in moved.lines] == \
        [(x.id, x.names, x.color, len(x.polylines)) for x in original.lines]
    assert original.image == IMAGE and original.station("a").pos == (100, 100), "the input is left alone"


def test_rescaled_there_and_back_is_the_identity():
    back = rescaled(rescaled(sample(), ImageRef("s.png", OTHER, 123, 77)), IMAGE)
    for (w, x, y), (_, x2, y2) in zip(coordinates(sample()), coordinates(back), strict=True):
        assert (x2, y2) == (pytest.approx(x, abs=1e-9), pytest.approx(y, abs=1e-9)), w


@settings(max_examples=150, deadline=None)
@given(width=st.integers(1, 5000), height=st.integers(1, 5000), new_w=st.integers(1, 5000), new_h=st.integers(1, 5000),
       fx=st.floats(0, 1), fy=st.floats(0, 1))
def test_rescaled_points_never_leave_the_new_image(width, height, new_w, new_h, fx, fy):
    corner_x, corner_y = min(fx * width, width), min(fy * height, height)
    annotation = Annotation(image=ImageRef("m.png", SHA, width, height), stations=(
        StationMark(id="p", pos=(corner_x, corner_y), provenance=MANUAL),
        StationMark(id="edge", pos=(width, height), provenance=MANUAL)))
    moved = rescaled(annotation, ImageRef("n.png", OTHER, new_w, new_h))  # validation would refuse a point outside
    assert moved.station("edge").pos == (new_w, new_h)
    x, y = moved.station("p").pos
    assert math.isclose(x, corner_x * new_w / width, abs_tol=1e-9) and 0 <= x <= new_w
    assert math.isclose(y, corner_y * new_h / height, abs_tol=1e-9) and 0 <= y <= new_h


def crop_ref(x0, y0, x1, y1) -> ImageRef:
    return ImageRef("crop.png", OTHER, x1 - x0, y1 - y0)


def test_cropped_keeps_stations_inside_and_offsets_them():
    out = cropped(sample(), (50, 60, 320, 210), crop_ref(50, 60, 320, 210))
    assert sorted(s.id for s in out.stations) == ["a", "b"]
    assert out.station("a").pos == (50, 40) and out.station("b").pos == (250.5, 140.25)
    assert out.station("a").marker.box == (45, 35, 55, 45)
    assert out.station("b").marker.box == (240, 130, 261, 150), "a marker box is clipped to the crop"
    assert out.station("b").labels["en"].box is None and out.station("b").labels["en"].text == "Bee", \
        "a label wholly outside keeps its text without a box"
    assert out.station("a").labels["en"].box == (56, 30, 100, 40)
    assert out.station("b").network_id == "bee" and out.station("b").kind == "interchange"


def test_cropped_clips_polylines_and_drops_lines_outside():
    out = cropped(sample(), (50, 60, 320, 210), crop_ref(50, 60, 320, 210))
    assert [x.id for x in out.lines] == ["l1"], "l2 runs at y = 280, outside the crop"
    first, second = out.lines[0].polylines
    # (0,0)→(100,100) enters at (60,60); the vertices (100,100) and (300.5,200.25) are inside; the second
    # polyline, heading (99.5, 99.75), leaves through the bottom edge y = 210 before reaching x = 320
    assert first == ((10, 0), (50, 40), (250.5, 140.25))
    exit_x = 300.5 + (210 - 200.25) * 99.5 / 99.75
    assert len(second) == 2 and second[0] == (250.5, 140.25)
    assert second[1] == (pytest.approx(exit_x - 50, abs=1e-9), pytest.approx(150, abs=1e-9))


def test_a_polyline_that_leaves_and_comes_back_becomes_two_in_riding_order():
    line = LineTrace(id="zig", names={"en": "Zig"}, provenance=MANUAL,
                     polylines=(((390, 100), (250, 100), (250, 20), (150, 20), (150, 100), (10, 100)),))
    annotation = Annotation(image=IMAGE, lines=(line,))
    out = cropped(annotation, (100, 50, 300, 150), crop_ref(100, 50, 300, 150))
    first, second = out.lines[0].polylines
    assert first == ((200, 50), (150, 50), (150, 0)), "right to left, as the line rides, up to where it leaves"
    assert second == ((50, 0), (50, 50), (0, 50))


def test_tiles_with_cropped_cover_every_station():
    annotation = sample()
    image = Image.new("RGB", (IMAGE.width, IMAGE.height))
    seen: dict[str, list[tuple[float, float]]] = {}
    for x0, y0, tile in tiles(image, 160, overlap=20):
        out = cropped(annotation, (x0, y0, x0 + tile.width, y0 + tile.height), crop_ref(0, 0, tile.width, tile.height))
        for s in out.stations:
            seen.setdefault(s.id, []).append((s.pos[0] + x0, s.pos[1] + y0))
            assert 0 <= s.pos[0] <= tile.width and 0 <= s.pos[1] <= tile.height
    assert sorted(seen) == sorted(s.id for s in annotation.stations)
    for sid, places in seen.items():
        assert set(places) == {tuple(annotation.station(sid).pos)}


@settings(max_examples=120, deadline=None)
@given(ys=st.lists(st.floats(0, 300), min_size=2, max_size=12), crop=st.tuples(
    st.integers(0, 399), st.integers(0, 299), st.integers(1, 400), st.integers(1, 300)))
def test_clipping_keeps_exactly_the_inside_part_in_riding_order(ys, crop):
    x0, y0, w, h = crop[0], crop[1], max(1, min(crop[2], 400 - crop[0])), max(1, min(crop[3], 300 - crop[1]))
    xs = [i * 400 / (len(ys) - 1) for i in range(len(ys))]  # x strictly increasing: riding order is left to right
    points = tuple(zip(xs, ys, strict=True))
    annotation = Annotation(image=IMAGE, lines=(LineTrace(id="l", names={"en": "L"}, provenance=MANUAL,
                                                          polylines=(points,)),))
    out = cropped(annotation, (x0, y0, x0 + w, y0 + h), crop_ref(x0, y0, x0 + w, y0 + h))
    inside = LineString(points).intersection(box(x0, y0, x0 + w, y0 + h)).length
    pieces = out.lines[0].polylines if out.lines else ()
    assert sum(LineString(p).length for p in pieces) == pytest.approx(inside, abs=1e-6)
    original = LineString(points)
    last_x = -1.0
    for piece in pieces:
        for px, py in piece:
            assert original.distance(Point(px + x0, py + y0)) < 1e-6
            assert px + x0 >= last_x - 1e-9, "points follow the line's riding order"
            last_x = px + x0


@pytest.mark.parametrize(("crop", "image", "message"), [
    ((0, 0, 500, 100), crop_ref(0, 0, 500, 100), "0 ≤ x0 < x1 ≤ 400"),
    ((10, 10, 10, 50), crop_ref(0, 0, 1, 40), "0 ≤ x0 < x1 ≤ 400"),
    ((0.5, 0, 10, 10), crop_ref(0, 0, 10, 10), "whole pixels"),
    ((0, 0, 100, 100), crop_ref(0, 0, 50, 100), "must be 100 × 100 pixels"),
])
def test_bad_crops_are_one_line(crop, image, message):
    with pytest.raises(MapcurateError) as info:
        cropped(sample(), crop, image)
    assert message in str(info.value) and "\n" not in str(info.value)

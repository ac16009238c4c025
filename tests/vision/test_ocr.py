"""Map labels read with RapidOCR, tile by tile, on a synthetic map whose labels and their boxes are known."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from curation.errors import MapcurateError
from curation.vision.match import NameMatcher
from curation.vision.ocr import OcrOptions, TextBox, read_text, reads_as_marker
from tests.vision.conftest import Synthetic

pytest.importorskip("rapidocr")


def squeeze(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


@pytest.fixture(scope="module")
def tiled(small_synthetic: Synthetic) -> tuple[TextBox, ...]:
    """Tiles much smaller than the map, so many labels cross a seam."""
    return read_text(small_synthetic.image, OcrOptions(tile_size=900, overlap=300))


def test_labels_are_read_where_they_are_printed(small_synthetic: Synthetic, tiled: tuple[TextBox, ...]) -> None:
    names = {squeeze(s["labels"]["en"]["text"]): s["labels"]["en"]["box"] for s in small_synthetic.stations}
    read = {squeeze(t.text): t for t in tiled}
    found = [name for name in names if name in read]
    assert len(found) / len(names) >= 0.8, sorted(set(names) - set(read))
    for name in found:
        x0, y0, x1, y1 = names[name]
        cx, cy = read[name].centre
        assert x0 - 3 <= cx <= x1 + 3 and y0 - 3 <= cy <= y1 + 3, (name, read[name].box, names[name])


def test_a_label_on_a_seam_is_read_once(tiled: tuple[TextBox, ...]) -> None:
    texts = [squeeze(t.text) for t in tiled]
    assert len(texts) == len(set(texts)), sorted(t for t in texts if texts.count(t) > 1)
    assert not any(re.fullmatch(r"[o0]+", t) for t in texts)  # rings are markers, not names


@pytest.mark.parametrize(("text", "marker"), [
    ("O", True), ("oo", True), ("③③③", True), ("④ ⑤", True), ("Ⓐ", True), ("8 8 8 8 8 8 8", True), ("Q Q Q", True),
    ("111", False), ("174 St2⑤", False), ("A", False), ("4 56", False), ("2 2", False), ("103 St", False),
    ("Oslo", False)])
def test_rings_and_circled_bullets_read_as_markers(text: str, marker: bool) -> None:
    """New York's bullets along a diagonal line come back as "③③③" or "8 8 8 8 8 8 8" with a box over the line."""
    assert reads_as_marker(text) is marker


def test_reading_is_deterministic(small_synthetic: Synthetic, tiled: tuple[TextBox, ...]) -> None:
    assert read_text(small_synthetic.image, OcrOptions(tile_size=900, overlap=300)) == tiled


def test_a_blank_map_has_no_text() -> None:
    assert read_text(Image.new("RGB", (400, 300), (246, 244, 239))) == ()


@pytest.mark.parametrize(("options", "message"), [
    ({"tile_size": 2500}, "tile_size must be in (0, 2000] (RapidOCR shrinks larger inputs), but got 2500"),
    ({"overlap": 1600}, "overlap must be at least 0 and less than tile_size, but got 1600"),
    ({"min_score": 2}, "min_score must be in [0, 1], but got 2"),
])
def test_bad_options_say_what_is_wrong(options: dict[str, float], message: str) -> None:
    with pytest.raises(MapcurateError, match=re.escape(message)):
        OcrOptions(**options)  # type: ignore[arg-type]


def test_only_rgb_images_are_read() -> None:
    with pytest.raises(MapcurateError, match=r"read_text needs an 8-bit RGB image, but got mode L"):
        read_text(Image.new("L", (10, 10)))


def test_read_labels_match_the_station_list(small_synthetic: Synthetic, tiled: tuple[TextBox, ...]) -> None:
    """Read texts matched to the network find nearly every station, and never a wrong one."""
    matcher = NameMatcher.of_network(small_synthetic.network)
    truth = {s["network_id"]: s["labels"]["en"]["box"] for s in small_synthetic.stations}
    matches = [(t, matcher.match(t.text)) for t in tiled]
    found = {m.station_id: t for t, m in matches if m is not None}
    assert len(found) / len(truth) >= 0.95, sorted(set(truth) - set(found))
    for station_id, text in found.items():  # the text matched to a station is that station's label
        x0, y0, x1, y1 = truth[station_id]
        assert x0 - 3 <= text.centre[0] <= x1 + 3 and y0 - 3 <= text.centre[1] <= y1 + 3, station_id

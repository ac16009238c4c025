"""Station markers on synthetic maps, where every marker's position and kind is known exactly."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from curation.errors import MapcurateError
from curation.vision import markers
from curation.vision.colours import MapColour, hex_to_lab, near_colours
from curation.vision.markers import MarkerCandidate, MarkerOptions, detect_markers, station_radius
from tests.vision.conftest import Synthetic


def scores(found: tuple[MarkerCandidate, ...], stations: list[dict[str, Any]], within: float = 3.0
           ) -> tuple[float, float, np.ndarray, list[bool]]:
    """Recall, precision, each found station's error and whether its kind is right."""
    truth = np.array([s["pos"] for s in stations])
    centres = np.array([(m.x, m.y) for m in found]).reshape(-1, 2)
    distance = np.hypot(*(truth[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    hit = distance.min(1) <= within
    kinds = [found[int(j)].kind == s["kind"] for s, j, h in zip(stations, distance.argmin(1), hit, strict=True) if h]
    return float(hit.mean()), float((distance.min(0) <= within).mean()), distance.min(1)[hit], kinds


def test_markers_are_found_where_the_map_draws_them(synthetic: Synthetic) -> None:
    image, stations = synthetic.image, synthetic.stations
    found = detect_markers(image)
    recall, precision, errors, kinds = scores(found, stations)
    assert recall >= 0.97 and precision >= 0.97, (recall, precision)
    radius = station_radius(found)
    assert radius is not None
    assert float(np.median(errors)) <= 0.5 and float(errors.max()) <= radius / 2
    assert sum(kinds) / len(kinds) >= 0.95


def test_the_checks_are_what_keep_letters_out(synthetic: Synthetic) -> None:
    """Without the flat-fill and line-contact checks, round letters of the labels come back as markers."""
    image, stations = synthetic.image, synthetic.stations
    unchecked = detect_markers(image, MarkerOptions(max_fill_std=1e9, min_contact=0.0))
    assert scores(unchecked, stations)[1] < 0.9


def test_tiles_and_seams_change_nothing(synthetic: Synthetic) -> None:
    image = synthetic.image
    whole = detect_markers(image, MarkerOptions(tile_size=max(image.size) + 1))
    calls: list[tuple[int, int]] = []
    tiled = detect_markers(image, MarkerOptions(tile_size=400), on_tile=lambda done, total: calls.append((done, total)))
    assert len(calls) > 9 and calls[-1][0] == calls[-1][1] == len(calls)
    assert [(m.x, m.y, m.kind) for m in tiled] == [(m.x, m.y, m.kind) for m in whole]
    assert detect_markers(image, MarkerOptions(tile_size=400)) == tiled  # deterministic


def test_an_empty_map_has_no_markers() -> None:
    assert detect_markers(Image.new("RGB", (300, 200), (246, 244, 239))) == ()
    assert station_radius(()) is None


@pytest.mark.parametrize(("options", "message"), [
    ({"min_radius": 9, "max_radius": 4}, "min_radius and max_radius must satisfy"),
    ({"tile_size": 100}, "tile_size must exceed the overlap 6 × max_radius = 144, but got 100"),
    ({"votes": 0}, "votes must be at least 1, but got 0"),
    ({"min_contact": 1.5}, "min_contact must be in [0, 1], but got 1.5"),
])
def test_bad_options_say_what_is_wrong(options: dict[str, Any], message: str) -> None:
    with pytest.raises(MapcurateError, match=re.escape(message)):
        MarkerOptions(**options)


def test_only_rgb_images_are_read() -> None:
    with pytest.raises(MapcurateError, match=r"needs an 8-bit RGB image .* but got mode P"):
        detect_markers(Image.new("P", (10, 10)))



def grey_line_map() -> Image.Image:
    """Washington's Silver Line in small: rings on a grey (#A1A3A0) line and on a red one, and by the grey line an
    icon in the line's grey holding a small ring (its parking "P" passes the marker checks the same way)."""
    image = Image.new("RGB", (420, 260), "white")
    draw = ImageDraw.Draw(image)
    draw.line((10, 60, 410, 60), fill=(161, 163, 160), width=16)
    draw.line((10, 200, 410, 200), fill=(230, 28, 51), width=16)
    for x in (80, 200, 320):
        for y in (60, 200):
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill="white", outline=(35, 31, 32), width=4)
    draw.rounded_rectangle((136, 116, 164, 144), radius=6, fill=(150, 150, 150))
    draw.ellipse((141, 121, 159, 139), fill="white", outline=(35, 31, 32), width=3)
    return image


def test_markers_on_a_grey_line_are_found_with_its_pixels_and_its_small_icons_are_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image = grey_line_map()
    grey = partial(near_colours, colours=(MapColour(hex_to_lab("#A1A3A0"), 1.0),))

    def centres(found: tuple[MarkerCandidate, ...]) -> list[tuple[int, int]]:
        return sorted((round(m.x), round(m.y)) for m in found)

    assert centres(detect_markers(image)) == [(80, 200), (200, 200), (320, 200)]  # the grey line has no contact
    rings = [(x, y) for x in (80, 200, 320) for y in (60, 200)]
    assert centres(detect_markers(image, line_pixels=grey)) == rings
    monkeypatch.setattr(markers, "GREY_SIZE", 0.0)  # the size rule is what keeps the icon out
    assert centres(detect_markers(image, line_pixels=grey)) == sorted([*rings, (150, 130)])

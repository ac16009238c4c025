"""Line colours on synthetic maps: each line found in the map's colours, and the lines through each marker."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image, ImageDraw

from curation.errors import MapcurateError
from curation.synth.render import line_colors
from curation.vision.colours import (
    ColourOptions,
    delta_e,
    dominant_colours,
    hex_to_lab,
    is_grey,
    lab_to_hex,
    line_mask,
    marker_lines,
    match_lines,
    to_lab,
)
from curation.vision.markers import MarkerCandidate
from tests.vision.conftest import Synthetic


def manifest_colours(synthetic: Synthetic) -> dict[str, str]:
    return {line: "#{:02X}{:02X}{:02X}".format(*rgb) for line, rgb in line_colors(synthetic.network).items()}


def test_every_line_is_matched_to_the_colour_it_is_drawn_in(synthetic: Synthetic) -> None:
    colours = dominant_colours(synthetic.image)
    assert colours == dominant_colours(synthetic.image)  # deterministic
    assert abs(sum(c.share for c in colours) - 1) < 0.1
    expected = manifest_colours(synthetic)
    matched = match_lines(colours, expected)
    assert sorted(matched) == sorted(expected)
    assert all(delta_e(matched[line].lab, hex_to_lab(color)) <= 2.0 for line, color in expected.items())
    assert len({matched[line] for line in matched}) == len(expected)  # the palette's colours stay apart


def test_the_lines_through_each_marker_are_its_lines(synthetic: Synthetic) -> None:
    network = synthetic.network
    matched = match_lines(dominant_colours(synthetic.image), manifest_colours(synthetic))
    markers = [MarkerCandidate(s["pos"][0], s["pos"][1], (s["marker"]["box"][2] - s["marker"]["box"][0]) / 2,
                               255.0, 1.0) for s in synthetic.stations]
    truth = [tuple(sorted(line for line in network.lines if s["network_id"] in network.lines[line].station_ids))
             for s in synthetic.stations]
    found = marker_lines(synthetic.image, markers, matched)
    assert sum(f == t for f, t in zip(found, truth, strict=True)) / len(truth) >= 0.98
    assert any(len(t) > 1 for t in truth)  # interchanges are among them


def test_the_line_mask_is_every_pixel_within_near_of_a_line_colour(synthetic: Synthetic) -> None:
    colours = list(match_lines(dominant_colours(synthetic.image), manifest_colours(synthetic)).values())
    options = ColourOptions(tile_size=97)  # many tiles, whose distinct colours differ
    mask = line_mask(synthetic.image, colours, options)
    lab = to_lab(np.asarray(synthetic.image.convert("RGB")))
    near = np.stack([np.linalg.norm(lab - np.array(c.lab), axis=2) for c in colours]).min(axis=0)
    assert np.array_equal(mask, near <= options.near)
    assert 0.01 < mask.mean() < 0.5  # the lines, not the paper
    assert not line_mask(synthetic.image, []).any()


def test_a_map_without_colour_has_none() -> None:
    grey = Image.new("RGB", (500, 300), (240, 240, 240))
    assert dominant_colours(grey) == ()
    assert match_lines((), {"red": "#FF0000"}) == {}


def test_a_grey_line_is_matched_among_the_map_greys() -> None:
    """Washington's Silver Line: its manifest grey (#919D9D) printed as #A1A3A0, beside a fuller light grey of
    other rail lines, black text and a red line."""
    image = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 20, 599, 80), fill=(196, 204, 196))  # light grey, the fullest grey on the map
    draw.rectangle((0, 120, 599, 150), fill=(161, 163, 160))
    draw.rectangle((0, 200, 599, 230), fill=(230, 28, 51))
    draw.text((20, 250), "Wiehle-Reston East " * 4, fill=(35, 31, 32))
    manifest = {"silver": "#919D9D", "red": "#BF0D3E"}
    assert is_grey("#919D9D") and not is_grey("#BF0D3E")
    saturated = dominant_colours(image)
    greys = dominant_colours(image, grey=True)
    assert sorted(match_lines(saturated, manifest)) == ["red"]  # no saturated colour is near a grey
    matched = match_lines(saturated, manifest, greys=greys)
    assert delta_e(matched["silver"].lab, hex_to_lab("#A1A3A0")) < 2  # the nearest grey, not the fullest
    assert delta_e(matched["red"].lab, hex_to_lab("#E61C33")) < 2
    with pytest.raises(MapcurateError, match="a colour must be #RRGGBB"):
        is_grey("silver")


def test_colours_round_trip_through_lab() -> None:
    for color in ("#BF0D3E", "#009CDE", "#FFD100", "#000000", "#FFFFFF"):
        back = lab_to_hex(hex_to_lab(color))
        assert delta_e(hex_to_lab(back), hex_to_lab(color)) < 1.5, (color, back)


@pytest.mark.parametrize("bad", ["red", "#12345", "#GGGGGG"])
def test_a_bad_colour_is_named(bad: str) -> None:
    with pytest.raises(MapcurateError, match=re.escape(f"a colour must be #RRGGBB, but got {bad!r}")):
        hex_to_lab(bad)


def test_bad_options_are_all_named() -> None:
    with pytest.raises(MapcurateError) as caught:
        ColourOptions(merge=0, min_touch=2)
    assert "merge must be positive, but got 0" in str(caught.value)
    assert "min_touch must be in [0, 1], but got 2" in str(caught.value)

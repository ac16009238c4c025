"""Labels associated with markers: a round letter inside a label is not the label's marker."""

from __future__ import annotations

import numpy as np

from curation.vision.associate import associate, outside_text
from curation.vision.markers import MarkerCandidate
from curation.vision.match import NameMatch
from curation.vision.ocr import TextBox
from curation.vision.snap import LineSnapper


def text(label: str, x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(label, 0.99, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def marker(x: float, y: float) -> MarkerCandidate:
    return MarkerCandidate(x, y, 6.0, 250.0, 0.5)


def test_a_round_letter_inside_a_label_is_dropped_and_the_marker_beside_it_taken() -> None:
    label = text("City Centre", 100, 100, 260, 130)
    letter, station, edge = marker(110, 115), marker(180, 150), marker(180, 127)  # 'C'; 20 px under; at the rim
    assert outside_text([letter, station, edge], [label]) == [station, edge]
    found = associate([letter, station], [(label, NameMatch("city-centre", 100.0, "City Centre"))], radius=6.0)
    assert [(p.station_id, p.marker) for p in found.placed] == [("city-centre", station)]
    assert found.unnamed == ()


def test_texts_that_match_nothing_also_rule_out_the_markers_inside_them() -> None:
    logo = text("ADCB", 0, 0, 80, 30)
    assert outside_text([marker(40, 15)], [logo]) == []
    assert outside_text([marker(40, 15)], []) == [marker(40, 15)]


def test_a_station_also_named_in_an_index_is_placed_on_the_line_beside_its_label() -> None:
    mask = np.zeros((300, 600), dtype=bool)
    mask[197:204, 300:] = True  # a line on the right half only; the index sits on the left, far from it
    grey = np.where(mask, 90, 255).astype(np.uint8)
    match = NameMatch("abu-hail", 100.0, "Abu Hail")
    index, label = text("Abu Hail", 10, 10, 90, 30), text("Abu Hail", 400, 160, 480, 185)
    found = associate([], [(index, match), (label, match)], radius=6.0, snapper=LineSnapper(mask, grey, 6.0))
    assert [(p.station_id, p.on) for p in found.placed] == [("abu-hail", "line")]
    assert abs(found.placed[0].marker.y - 200.5) <= 1 and 390 <= found.placed[0].marker.x <= 490

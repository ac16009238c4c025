"""Labels associated with markers and lines: a station also named in an index table is placed by its label."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from curation.vision.associate import associate
from curation.vision.markers import MarkerCandidate
from curation.vision.match import NameMatch
from curation.vision.ocr import TextBox
from curation.vision.snap import LineSnapper


def text(label: str, x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(label, 0.99, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def marker(x: float, y: float) -> MarkerCandidate:
    return MarkerCandidate(x, y, 6.0, 250.0, 0.5)


def test_a_station_also_named_in_an_index_is_placed_on_the_line_beside_its_label() -> None:
    mask = np.zeros((300, 600), dtype=bool)
    mask[197:204, 300:] = True  # a line on the right half only; the index sits on the left, far from it
    grey = np.where(mask, 90, 255).astype(np.uint8)
    match = NameMatch("abu-hail", 100.0, "Abu Hail")
    index, label = text("Abu Hail", 10, 10, 90, 30), text("Abu Hail", 400, 160, 480, 185)
    found = associate([], [(index, match), (label, match)], radius=6.0, snapper=LineSnapper(mask, grey, 6.0))
    assert [(p.station_id, p.on) for p in found.placed] == [("abu-hail", "line")]
    assert abs(found.placed[0].marker.y - 200.5) <= 1 and 390 <= found.placed[0].marker.x <= 490


def test_a_label_whose_nearest_circle_is_taken_is_placed_on_the_line_beside_it() -> None:
    mask = np.zeros((200, 300), dtype=bool)
    mask[97:104, :] = True  # a line through y = 100, a ring on it at x = 210: station A's marker
    grey = np.where(mask, 90, 255).astype(np.uint8)
    cv2.circle(grey, (210, 100), 9, 0, 2)
    cv2.circle(grey, (210, 100), 7, 255, -1)
    a, b = NameMatch("a", 100.0, "A"), NameMatch("b", 100.0, "B")
    labels = [(text("A", 150, 106, 206, 124), a), (text("B", 215, 70, 300, 88), b)]
    snapper = LineSnapper(mask, grey, 8.0)
    assert snapper.place(labels[1][0].box) == pytest.approx((210.5, 100.5), abs=1.5)  # B's nearest circle is A's
    found = associate([MarkerCandidate(210.5, 100.5, 8.0, 250.0, 0.5)], labels, radius=8.0, snapper=snapper)
    assert [(p.station_id, p.on) for p in found.placed] == [("a", "marker"), ("b", "line")]
    assert found.placed[1].marker.x == pytest.approx(257.5, abs=2) and not found.unplaced

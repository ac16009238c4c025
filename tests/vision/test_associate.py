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


def rotated(label: str, start: tuple[float, float], length: float, height: float, degrees: float) -> TextBox:
    """A text `length` long and `height` high, read from `start` (its top-left corner) at `degrees`."""
    cos, sin = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    x, y = start
    corners = [(x + u * cos - v * sin, y + u * sin + v * cos) for u, v in ((0, 0), (length, 0), (length, height),
                                                                            (0, height))]
    return TextBox(label, 0.99, tuple((float(a), float(b)) for a, b in corners))  # type: ignore[arg-type]


def test_a_rotated_label_takes_the_marker_in_line_with_it_not_its_neighbours() -> None:
    """Washington's Orange Line: names set at -45° below the line, each ending 5 radii short of its marker, the
    neighbour's marker nearer to its upright box and to its side (the old nearest-box rule placed each name one
    station west)."""
    r = 10.0
    markers = [marker(100.0 + 90 * i, 100.0) for i in range(3)]
    labels = []
    for i, name in enumerate("ABC"):  # each label's end 50 px (5 radii) from its marker, along the -45° axis
        end = np.array([100.0 + 90 * i, 100.0]) - 50 * np.array([np.cos(np.radians(45)), -np.sin(np.radians(45))])
        start = end - 120 * np.array([np.cos(np.radians(45)), -np.sin(np.radians(45))])
        labels.append((rotated(name, (float(start[0]), float(start[1] - 12)), 120, 24, -45),
                       NameMatch(name.lower(), 100.0, name)))
    found = associate(markers, labels, radius=r)
    assert [(p.station_id, p.marker.x) for p in found.placed] == [("a", 100.0), ("b", 190.0), ("c", 280.0)]


def test_a_round_letter_inside_a_label_is_not_its_marker() -> None:
    """McPherson Sq: the "c" of its own name passes the marker checks; the ring left of the name is its marker."""
    label = (text("McPherson", 200, 90, 400, 130), NameMatch("mcpherson", 100.0, "McPherson"))
    letter, ring = MarkerCandidate(228.0, 112.0, 6.0, 255.0, 0.3), MarkerCandidate(180.0, 110.0, 8.0, 255.0, 0.5)
    found = associate([letter, ring], [label], radius=8.0)
    assert [(p.station_id, p.marker) for p in found.placed] == [("mcpherson", ring)]
    assert found.unnamed == (letter,)
    read_in = MarkerCandidate(206.0, 110.0, 8.0, 255.0, 0.5)  # a full-size ring OCR took into the label
    assert [p.marker for p in associate([read_in], [label], radius=8.0).placed] == [read_in]

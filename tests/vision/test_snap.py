"""Labels without a marker placed on the line beside them: on the line's middle, at a ring drawn there, or not at
all when no line is near (a legend or a title)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from curation.errors import MapcurateError
from curation.vision.snap import LineSnapper, without_text


def drawn(ring: bool) -> tuple[np.ndarray, np.ndarray]:
    """A 300 × 200 map: a horizontal line 7 px thick through y = 100 (rows 97–103), a ring on it at x = 210."""
    mask = np.zeros((200, 300), dtype=bool)
    mask[97:104, :] = True
    grey = np.full((200, 300), 255, dtype=np.uint8)
    grey[mask] = 90
    if ring:
        cv2.circle(grey, (210, 100), 9, 0, 2)
        cv2.circle(grey, (210, 100), 7, 255, -1)
    return mask, grey


def test_a_label_is_placed_on_the_middle_of_the_line_below_it() -> None:
    mask, grey = drawn(ring=False)
    x, y = LineSnapper(mask, grey, radius=8.0).place((120, 70, 180, 88))  # type: ignore[misc]
    assert abs(y - 100.5) <= 0.5 and 110 <= x <= 190


def test_a_ring_beside_the_label_is_where_the_station_is() -> None:
    mask, grey = drawn(ring=True)
    point = LineSnapper(mask, grey, radius=8.0).place((200, 70, 260, 88))
    assert point is not None and np.hypot(point[0] - 210.5, point[1] - 100.5) <= 1.5


def test_a_label_with_no_line_in_reach_is_not_placed() -> None:
    mask, grey = drawn(ring=False)
    assert LineSnapper(mask, grey, radius=8.0).place((120, 10, 180, 28)) is None  # 69 px away, reach 32


def test_labels_set_a_label_height_from_the_line_are_reached_by_their_height() -> None:
    mask, grey = drawn(ring=False)
    label = (120, 30, 180, 58)  # 39 px above the line, 28 px tall; 4 radii of 3 px reach 12
    assert LineSnapper(mask, grey, radius=3.0).place(label) is None
    point = LineSnapper(mask, grey, radius=3.0, text_height=28.0).place(label)  # 1.5 heights: 42 px
    assert point is not None and abs(point[1] - 100.5) <= 0.5
    assert LineSnapper(mask, grey, radius=8.0, reach=10).place((120, 10, 180, 28)) is not None


def test_mismatched_inputs_are_refused() -> None:
    mask, grey = drawn(ring=False)
    with pytest.raises(MapcurateError, match="one shape"):
        LineSnapper(mask, grey[:10], radius=8.0)
    with pytest.raises(MapcurateError, match="must be positive"):
        LineSnapper(mask, grey, radius=0.0)


def test_coloured_text_is_not_taken_for_the_line() -> None:
    mask, grey = drawn(ring=False)
    label = (120, 50, 180, 70)  # 27 px above the line
    mask[52:68, 125:175] = True  # the label's own strokes in a line colour
    assert LineSnapper(mask.copy(), grey, radius=8.0, text_height=20.0).place(label)[1] < 70  # type: ignore[index]
    corners = ((120, 50), (180, 50), (180, 70), (120, 70))
    point = LineSnapper(without_text(mask, [corners]), grey, radius=8.0, text_height=20.0).place(label)
    assert point is not None and abs(point[1] - 100.5) <= 0.5


def test_a_diagonal_text_clears_its_own_band_not_its_upright_box() -> None:
    """New York's bullets read as "8 8 8" at 45° beside the 2/5 line: their upright box covers the line."""
    mask = np.ones((100, 100), dtype=bool)
    cleared = without_text(mask, [((10, 0), (100, 90), (90, 100), (0, 10))])  # a band 14 px wide along y = x
    assert not cleared[50, 50] and not cleared[5, 5] and not cleared[95, 95]
    assert cleared[80, 20] and cleared[20, 80]  # inside the upright box, outside the band
    assert cleared.sum() == pytest.approx(100 * 100 - 100 * 14.14 - 2 * 50, rel=0.1)


def test_a_round_letter_of_the_label_is_not_taken_for_its_marker() -> None:
    """New York's "Montrose Av" under the L: the "o" of the label is the nearest circle to the line beside it."""
    mask = np.zeros((200, 300), dtype=bool)
    mask[97:104, :] = True  # a line through y = 100
    grey = np.where(mask, 90, 255).astype(np.uint8)
    cv2.circle(grey, (200, 132), 7, 0, 2)  # the label's "o", 32 px below the line
    label = (150, 118, 260, 146)
    x, y = LineSnapper(mask, grey, 8.0).place(label)  # type: ignore[misc]
    assert abs(y - 100.5) <= 1 and 150 <= x <= 260


def test_a_label_beside_a_line_is_placed_level_with_it() -> None:
    mask = np.zeros((200, 300), dtype=bool)
    mask[:, 147:154] = True  # a vertical line through x = 150
    grey = np.where(mask, 90, 255).astype(np.uint8)
    x, y = LineSnapper(mask, grey, radius=8.0).place((80, 100, 140, 128))  # type: ignore[misc]
    assert abs(x - 150.5) <= 0.5 and abs(y - 114) <= 1  # not at the top of the label's reach

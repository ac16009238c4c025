"""Texts joined into labels: broken lines and split words joined when the whole names a station, nothing else."""

from __future__ import annotations

import pytest

from curation.vision.labels import join_labels
from curation.vision.match import NameMatcher
from curation.vision.ocr import TextBox

MATCHER = NameMatcher({"little-india": ["Little India"], "farrer-park": ["Farrer Park"], "bugis": ["Bugis"],
                       "rochor": ["Rochor"], "changzhou": ["常州火车站", "Changzhou Railway Station"],
                       "farragut-north": ["Farragut North"], "farragut-west": ["Farragut West"]})


def text(value: str, x: float, y: float, width: float, height: float = 20.0, score: float = 0.9) -> TextBox:
    return TextBox(value, score, ((x, y), (x + width, y), (x + width, y + height), (x, y + height)))


def joined(*texts: TextBox) -> list[tuple[str, str | None]]:
    return [(t.text, m.station_id if m else None) for t, m in join_labels(texts, MATCHER)]


def test_a_name_broken_over_two_lines_is_one_label() -> None:
    result = join_labels([text("Little", 100, 100, 60), text("India", 100, 124, 55)], MATCHER)
    assert [(t.text, m.station_id if m else None) for t, m in result] == [("Little India", "little-india")]
    assert result[0][0].box == (100, 100, 160, 144)


def test_words_split_by_a_marker_are_one_label() -> None:
    assert joined(text("Farrer", 100, 100, 60), text("Park", 180, 101, 45)) == [("Farrer Park", "farrer-park")]


def test_an_ambiguous_first_line_is_decided_by_the_second() -> None:
    assert joined(text("Farragut", 0, 0, 80), text("North", 0, 23, 50)) == [("Farragut North", "farragut-north")]


def test_two_stations_stacked_stay_two() -> None:
    assert joined(text("Bugis", 0, 0, 50), text("Rochor", 0, 24, 60)) == [("Bugis", "bugis"), ("Rochor", "rochor")]


def test_a_chinese_name_over_its_romanisation_is_not_joined() -> None:
    stacked = joined(text("常州火车站", 0, 0, 120, 30), text("CHANGZHOU RAILWAY STATION", 0, 34, 200, 18))
    assert stacked == [("常州火车站", "changzhou"), ("CHANGZHOU RAILWAY STATION", "changzhou")]


def test_texts_far_apart_or_of_other_sizes_are_not_joined() -> None:
    assert joined(text("Little", 0, 0, 60), text("India", 0, 60, 55)) == [("Little", None), ("India", None)]
    assert joined(text("Little", 0, 0, 60), text("India", 0, 24, 55, 60)) == [("Little", None), ("India", None)]
    assert joined(text("Farrer", 0, 0, 60), text("Park", 200, 0, 45)) == [("Farrer", None), ("Park", None)]


def test_a_rotated_label_is_joined_in_its_own_frame_only() -> None:
    tilted = TextBox("Little", 0.9, ((0, 40), (40, 0), (54, 14), (14, 54)))  # up to the right, 45°
    assert joined(tilted, text("India", 0, 58, 55)) == [("Little", None), ("India", None)]  # a level line
    under = TextBox("India", 0.9, ((17, 57), (54, 20), (68, 34), (31, 71)))  # its next line, across the direction
    beside = TextBox("India", 0.9, ((60, -20), (97, -57), (111, -43), (74, -6)))  # its next word, along it
    for other in (under, beside):
        result = join_labels([tilted, other], MATCHER)
        assert [(t.text, m.station_id if m else None) for t, m in result] == [("Little India", "little-india")]
    far = TextBox("India", 0.9, ((45, 85), (82, 48), (96, 62), (59, 99)))  # two lines further down
    assert joined(tilted, far) == [("Little", None), ("India", None)]
    joined_box = join_labels([tilted, under], MATCHER)[0][0]
    assert joined_box.quad[0] == pytest.approx((0, 40)) and joined_box.quad[2] == pytest.approx((71, 31))

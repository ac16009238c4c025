"""Read texts joined into labels: a name broken over two lines, or split by a marker, read as one.

OCR returns one box per line of text, so "Little" above "India" are two texts and neither names a station.
Two texts are joined when they sit like the lines of one label — one under the other (a vertical gap of at
most `LINE_GAP` text heights, overlapping horizontally), or side by side on one line (a gap of at most
`WORD_GAP` heights) — and the joined text matches a station at least as well as either part does. Pairs are
joined best match first, each text once; a second pass joins a third line. A rotated label (Kuala Lumpur and
Washington set names along diagonal lines) is joined the same way in its own frame: two texts whose directions
differ by at most `ANGLE` degrees, measured along and across that direction. Vertical text is never joined.

A Chinese name stacked over its romanisation is not joined: each part names the station on its own, and
`associate` takes all the texts matched to one station together.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import shapely

from curation.vision.match import NameMatch, NameMatcher
from curation.vision.ocr import TextBox

LINE_GAP = 0.6
WORD_GAP = 1.5
HEIGHT_RATIO = 1.8
"""the most two lines of one label differ in text height."""
SLACK = 0.3
"""how far (in text heights) two lines of one label may overlap where a gap is expected."""
PASSES = 2
ANGLE = 10.0
"""degrees: the most the directions of two lines of one label differ (within the old upright tolerance, ~5.7°,
a text counts as level)."""

Matched = tuple[TextBox, NameMatch | None]


def join_labels(texts: Sequence[TextBox], matcher: NameMatcher) -> list[Matched]:
    """Each text (or joined label) with the station it matches, or None; in the order of `texts`."""
    matched: list[Matched] = [(text, matcher.match(text.text)) for text in texts]
    for _ in range(PASSES):
        joined = _join_once(matched, matcher)
        if joined is None:
            break
        matched = joined
    return matched


def _join_once(matched: list[Matched], matcher: NameMatcher) -> list[Matched] | None:
    upright = [i for i, (text, _) in enumerate(matched) if not text.vertical]
    offers: list[tuple[float, int, int, TextBox, NameMatch]] = []
    for first, second in _neighbours([matched[k][0] for k in upright]):
        i, j = upright[first], upright[second]
        if _adjacent(matched[i][0], matched[j][0]):
            text = _joined(matched[i][0], matched[j][0])
            found = matcher.match(text.text)
            best_part = max((m.score for _, m in (matched[i], matched[j]) if m is not None), default=0.0)
            if found is not None and found.score >= best_part:
                offers.append((found.score, i, j, text, found))
    if not offers:
        return None
    offers.sort(key=lambda o: (-o[0], o[1], o[2]))
    used: set[int] = set()
    replaced: dict[int, Matched] = {}
    for _, i, j, text, found in offers:
        if i in used or j in used:
            continue
        used |= {i, j}
        replaced[min(i, j)] = (text, found)
    return [replaced.get(k, item) for k, item in enumerate(matched) if k not in used or k in replaced]


def _neighbours(texts: Sequence[TextBox]) -> Iterator[tuple[int, int]]:
    """Every ordered pair `(i, j)`, i ≠ j, that may be `_adjacent`: `texts[j]`'s box meets the region around
    `texts[i]`'s where the next line or word can start (a spatial index, not every pair)."""
    boxes = [text.box for text in texts]
    if not boxes:
        return
    tree = shapely.STRtree([shapely.box(*b) for b in boxes])
    reach = []
    for x0, y0, x1, y1 in boxes:
        most = HEIGHT_RATIO * (y1 - y0)  # the tallest the other text may be
        reach.append(shapely.box(x0 - SLACK * most, y0 - SLACK * most, x1 + WORD_GAP * most, y1 + LINE_GAP * most))
    first, second = tree.query(reach)
    for i, j in sorted(zip(first.tolist(), second.tolist(), strict=True)):
        if i != j:
            yield i, j


def _adjacent(first: TextBox, second: TextBox) -> bool:
    """`second` is the next line under `first`, or the next word right of it, in `first`'s frame (module doc)."""
    angle = first.angle
    turn = (second.angle - angle + 180.0) % 360.0 - 180.0
    if abs(turn) > ANGLE:
        return False
    a, b = first.in_frame(angle), second.in_frame(angle)
    heights = a[3] - a[1], b[3] - b[1]
    height = max(heights)
    if height > HEIGHT_RATIO * min(heights):
        return False
    overlap_x = min(a[2], b[2]) - max(a[0], b[0])
    overlap_y = min(a[3], b[3]) - max(a[1], b[1])
    below = (-SLACK * height <= b[1] - a[3] <= LINE_GAP * height
             and overlap_x > 0.3 * min(a[2] - a[0], b[2] - b[0]))
    beside = -SLACK * height <= b[0] - a[2] <= WORD_GAP * height and overlap_y > 0.5 * min(heights)
    return bool(below or beside)


def _joined(first: TextBox, second: TextBox) -> TextBox:
    """One text over both boxes, in `first`'s frame (a level box for level texts)."""
    angle = first.angle
    a, b = first.in_frame(angle), second.in_frame(angle)
    u0, v0, u1, v1 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    c = [(float(u * cos - v * sin), float(u * sin + v * cos)) for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))]
    return TextBox(f"{first.text} {second.text}", min(first.score, second.score), (c[0], c[1], c[2], c[3]))

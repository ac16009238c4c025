"""Read a point or a box on the shown image as VLMs write them, in the question's convention.

A point: `(412, 230)`, `[412, 230]`, `412, 230`, `x=412, y=230`, `{"point_2d": [412, 230]}`; a box:
`[400, 218, 424, 242]`, `(400, 218), (424, 242)`, `[[400, 218], [424, 242]]`, `{"bbox_2d": [...]}`.
Numbers may be decimals or negative. The last bracketed group of a text is its answer (JSON's labels
and prose may follow it); only without one, the last bare group (`412, 230`), and only in a text that
is the answer itself (`bare=True`: a box, an answer tag, a short reply), since prose has number pairs
("lines 1, 2"). A box's corners may come in either order.

A point question takes a box's centre; a box question does not take a point (no box is readable, so
the answer is a parse error).
"""

from __future__ import annotations

import re

from curation.coordinates import Box, Point, box_from_coords, from_coords

# At most seven digits before the point and six after: longer runs are no coordinates (and values stay finite).
_NUM = r"(?<![A-Za-z0-9_.])-?\d{1,7}(?:\.\d{1,6})?(?![A-Za-z0-9_]|\.\d)"
_SEP = r"\s*[,，]\s*"
_OPEN, _CLOSE = r"[(\[（]\s*", r"\s*[)\]）]"
_PAIR = rf"({_NUM}){_SEP}({_NUM})"
_QUAD = rf"({_NUM}){_SEP}({_NUM}){_SEP}({_NUM}){_SEP}({_NUM})"
_CORNERS = rf"{_OPEN}{_PAIR}{_CLOSE}\s*(?:[,，]\s*)?{_OPEN}{_PAIR}{_CLOSE}"  # one way to match spaces: linear
_LABELLED = rf"""(?<![A-Za-z])["']?x["']?\s*[:=]\s*({_NUM})\s*(?:[,，;]\s*)?["']?y["']?\s*[:=]\s*({_NUM})"""
_BRACKETED = re.compile(rf"{_CORNERS}|{_OPEN}{_QUAD}{_CLOSE}|{_OPEN}{_PAIR}{_CLOSE}|{_LABELLED}", re.IGNORECASE)
_BARE = re.compile(rf"(?<![\d,，])(?<![,，]\s)(?:{_QUAD}|{_PAIR})(?!\s*[,，]\s*-?\d)")  # not part of a longer run


def numbers(text: str, bare: bool) -> tuple[float, ...] | None:
    """The last coordinate group of `text`: 2 numbers (a point) or 4 (a box), or None."""
    found = _last(_BRACKETED, text) or (_last(_BARE, text) if bare else None)
    return None if found is None else tuple(float(v) for v in found)


def _last(pattern: re.Pattern[str], text: str) -> list[str] | None:
    match = None
    for match in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return None if match is None else [g for g in match.groups() if g is not None]


def read_point(text: str, size: tuple[int, int], coords: str, bare: bool) -> Point | None:
    """The point `text` gives (a box's centre), in pixels of an image of `size`; None when it gives none."""
    found = numbers(text, bare)
    if found is None:
        return None
    if len(found) == 4:
        found = ((found[0] + found[2]) / 2, (found[1] + found[3]) / 2)
    return from_coords((found[0], found[1]), size, coords)


def read_box(text: str, size: tuple[int, int], coords: str, bare: bool) -> Box | None:
    """The box `text` gives, corners ordered, in pixels of an image of `size`; None when it gives none (or a point)."""
    found = numbers(text, bare)
    if found is None or len(found) != 4:
        return None
    x0, y0, x1, y1 = box_from_coords((found[0], found[1], found[2], found[3]), size, coords)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

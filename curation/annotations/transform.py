"""An annotation moved onto another image: a resized copy (`rescaled`) or a crop / tile (`cropped`).

Both are pure: they return a new, validated `Annotation` and leave the input alone.

Coordinates are pixel corners (x right, y down, origin at the top-left corner of the top-left pixel; a
point lies in [0, W] × [0, H]). A resize maps the image's edges onto the new edges, so scaling is exact
and needs no half-pixel shift: x' = x · W'/W, y' = y · H'/H (the pixel-centre convention would need
x' = (x + ½) · W'/W − ½). Each coordinate is computed as `x * W' / W` — the product first — so that
x = W gives exactly W' and no point leaves the new image through rounding. A crop at (x0, y0) maps
x to x − x0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

import shapely
from shapely.geometry import LineString

from curation.annotations.model import Annotation, Box, ImageRef, Label, LineTrace, Marker, Point, StationMark
from curation.errors import MapcurateError


def rescaled(annotation: Annotation, image: ImageRef) -> Annotation:
    """`annotation` on `image`, a resized copy of its image: every pos, box and polyline point scaled."""
    old_w, old_h = annotation.image.width, annotation.image.height
    new_w, new_h = image.width, image.height

    def point(p: Point) -> Point:
        return (p[0] * new_w / old_w, p[1] * new_h / old_h)

    def box(b: Box) -> Box:
        return (*point((b[0], b[1])), *point((b[2], b[3])))

    stations = tuple(replace(
        s, pos=point(s.pos), marker=None if s.marker is None else replace(s.marker, box=box(s.marker.box)),
        labels={lang: replace(label, box=None if label.box is None else box(label.box))
                for lang, label in s.labels.items()},
    ) for s in annotation.stations)
    lines = tuple(replace(line, polylines=tuple(tuple(point(p) for p in polyline) for polyline in line.polylines))
                  for line in annotation.lines)
    return Annotation(image=image, stations=stations, lines=lines)


def cropped(annotation: Annotation, box: Sequence[int], image: ImageRef) -> Annotation:
    """`annotation` on `image`, the crop `box` = (x0, y0, x1, y1) (whole pixels) of its image.

    Stations whose `pos` lies inside the box (edges included) are kept, moved by (−x0, −y0); their
    marker and label boxes are clipped to the crop (a marker wholly outside is dropped, a label wholly
    outside keeps its text without a box). Polylines are clipped with shapely, segment by segment so
    that riding order is kept: a polyline that leaves and re-enters the crop becomes several polylines;
    a line with nothing inside is dropped. `image` must be `box`'s size.
    """
    x0, y0, x1, y1 = _crop_box(box, annotation.image)
    if (image.width, image.height) != (x1 - x0, y1 - y0):
        raise MapcurateError(f"the crop's image must be {x1 - x0} × {y1 - y0} pixels like the box {list(box)}, "
                             f"but got {image.width} × {image.height}")
    width, height = x1 - x0, y1 - y0

    def moved(p: Point) -> Point:  # clamped: a clipped coordinate may overshoot an edge by a rounding error
        return (min(max(p[0] - x0, 0.0), float(width)), min(max(p[1] - y0, 0.0), float(height)))

    def clipped(b: Box) -> Box | None:
        if b[2] < x0 or b[0] > x1 or b[3] < y0 or b[1] > y1:
            return None
        return (*moved((b[0], b[1])), *moved((b[2], b[3])))

    stations: list[StationMark] = []
    for s in annotation.stations:
        if not (x0 <= s.pos[0] <= x1 and y0 <= s.pos[1] <= y1):
            continue
        marker_box = None if s.marker is None else clipped(s.marker.box)
        marker = None if s.marker is None or marker_box is None else Marker(s.marker.shape, marker_box)
        labels = {lang: Label(label.text, None if label.box is None else clipped(label.box))
                  for lang, label in s.labels.items()}
        stations.append(replace(s, pos=moved(s.pos), marker=marker, labels=labels))
    lines: list[LineTrace] = []
    for line in annotation.lines:
        pieces = [tuple(moved(p) for p in piece) for polyline in line.polylines
                  for piece in clip_polyline(polyline, (x0, y0, x1, y1))]
        if pieces:
            lines.append(replace(line, polylines=tuple(pieces)))
    return Annotation(image=image, stations=tuple(stations), lines=tuple(lines))


def _crop_box(box: Sequence[int], image: ImageRef) -> tuple[int, int, int, int]:
    values = tuple(box)
    if len(values) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values) \
            or not (0 <= values[0] < values[2] <= image.width and 0 <= values[1] < values[3] <= image.height):
        raise MapcurateError(f"the crop box must be whole pixels (x0, y0, x1, y1) with 0 ≤ x0 < x1 ≤ {image.width} "
                             f"and 0 ≤ y0 < y1 ≤ {image.height}, but got {list(values)}")
    return values[0], values[1], values[2], values[3]


def clip_polyline(polyline: Sequence[Point], box: tuple[int, int, int, int]) -> list[list[Point]]:
    """The parts of `polyline` inside `box`, in riding order, each of at least two distinct points.

    A vertex inside the box is kept exactly; shapely computes where a segment crosses the box's edge.
    """
    x0, y0, x1, y1 = box

    def inside(p: Point) -> bool:
        return x0 <= p[0] <= x1 and y0 <= p[1] <= y1

    pairs = [(a, b) for a, b in pairwise(polyline) if a != b]
    if not pairs:
        return []
    clipped = shapely.intersection([LineString(pair) for pair in pairs], shapely.box(*box))
    pieces: list[list[Point]] = []
    open_piece = False  # the last piece ends at the current segment's first vertex, inside the box
    for (a, b), part in zip(pairs, clipped, strict=True):
        if not isinstance(part, LineString) or part.is_empty or part.length == 0:
            open_piece = False
            continue
        start, end = _oriented(part, a, b)
        start, end = (a if inside(a) else start), (b if inside(b) else end)
        if open_piece:
            pieces[-1].append(end)
        else:
            pieces.append([start, end])
        open_piece = inside(b)
    return pieces


def _oriented(part: LineString, a: Point, b: Point) -> tuple[Point, Point]:
    """The clipped segment's ends, in the direction from `a` to `b`."""
    (px, py), (qx, qy) = part.coords[0], part.coords[-1]
    forward = (qx - px) * (b[0] - a[0]) + (qy - py) * (b[1] - a[1]) >= 0
    return ((px, py), (qx, qy)) if forward else ((qx, qy), (px, py))

"""What a perception question shows: its map, a window of it, scaled, with stations circled — as a spec.

A `View` is recorded with the question (the record's `view`, canonical JSON) and rendered by the export
(`curation.exports.views`), which stores each rendered image once, by content hash. Coordinates follow
the project's convention (x right, y down, origin at the top-left pixel's outer corner):

- `window` is the part of the map shown, `[x0, y0, x1, y1]` in whole map pixels (the whole map when
  not cropped), cut at native resolution;
- `size` is the shown image's `[width, height]`: the window scaled to it (a view of a map larger than
  `MAX_VIEW_PIXELS` is scaled down, aspect kept);
- `marks` are rings drawn on the shown image, each around a point of the map with a radius in map
  pixels, in a colour of `RING_COLOURS` (the one farthest from the map's line colours, named in the
  question).

A map point p is `to_shown(p)` = ((x − x0) · w / (x1 − x0), (y − y0) · h / (y1 − y0)) in the shown image:
answers are read, and gold answers given, in those pixels (or in 0–1000 of its width and height).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from curation.atomic import canonical_json

Point = tuple[float, float]
Box = tuple[float, float, float, float]

MAX_VIEW_PIXELS = 16384 * 28 * 28
"""A view is at most this many pixels (Qwen2.5-VL's default `max_pixels`): larger maps are shown scaled down."""
RING_COLOURS = {"magenta": "#FF00FF", "cyan": "#00E5FF", "lime": "#76FF03"}
"""The colours a ring may be drawn in, by the name questions use; a map's rings take the one farthest from its
lines' colours (`ring_colour`)."""
MARK_COLOR = RING_COLOURS["magenta"]
"""The ring colour of a map whose line colours are unknown."""


@dataclass(frozen=True)
class Mark:
    """A ring drawn around `center` (map pixels) with `radius` (map pixels), in `color` (`#RRGGBB`)."""

    center: Point
    radius: float
    color: str = MARK_COLOR

    def to_dict(self) -> dict[str, Any]:
        return {"center": [float(self.center[0]), float(self.center[1])], "radius": float(self.radius),
                "color": self.color}


@dataclass(frozen=True)
class View:
    """A map shown whole or cropped, possibly scaled, possibly marked (see the module docstring)."""

    map_size: tuple[int, int]
    window: tuple[int, int, int, int]
    size: tuple[int, int]
    marks: tuple[Mark, ...] = ()

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def of(cls, map_size: tuple[int, int], window: tuple[int, int, int, int] | None = None,
           marks: tuple[Mark, ...] = (), max_pixels: int = MAX_VIEW_PIXELS) -> View:
        """The view of `window` (default the whole map), scaled down to at most `max_pixels`."""
        window = window or (0, 0, map_size[0], map_size[1])
        w, h = window[2] - window[0], window[3] - window[1]
        scale = min(1.0, math.sqrt(max_pixels / (w * h)))
        size = (max(1, math.floor(w * scale)), max(1, math.floor(h * scale)))
        return cls(map_size=map_size, window=window, size=size, marks=marks)

    @property
    def is_whole_map(self) -> bool:
        """The map itself: not cropped, not scaled, nothing drawn."""
        return (not self.marks and self.window == (0, 0, *self.map_size) and self.size == self.map_size)

    @property
    def scale(self) -> float:
        """Shown pixels per map pixel (the same along both axes, up to rounding to whole pixels)."""
        return self.size[0] / (self.window[2] - self.window[0])

    def to_shown(self, point: Point) -> Point:
        x0, y0, x1, y1 = self.window
        return ((point[0] - x0) * self.size[0] / (x1 - x0), (point[1] - y0) * self.size[1] / (y1 - y0))

    def box_to_shown(self, box: Box) -> Box:
        return (*self.to_shown((box[0], box[1])), *self.to_shown((box[2], box[3])))

    def contains(self, point: Point, margin: float = 0.0) -> bool:
        """Whether `point` (map pixels) lies in the window, at least `margin` map pixels inside its edges."""
        x0, y0, x1, y1 = self.window
        return x0 + margin <= point[0] <= x1 - margin and y0 + margin <= point[1] <= y1 - margin

    def to_dict(self) -> dict[str, Any]:
        return {"map_size": list(self.map_size), "window": list(self.window), "size": list(self.size),
                "marks": [m.to_dict() for m in self.marks]}

    def to_json(self) -> str:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> View:
        """A view from its JSON form; a `ValueError` (or `KeyError`, `TypeError`) when it is not one."""
        w, h = _whole(data["map_size"], 2, "map_size")
        x0, y0, x1, y1 = _whole(data["window"], 4, "window")
        sw, sh = _whole(data["size"], 2, "size")
        marks = tuple(Mark((float(m["center"][0]), float(m["center"][1])), float(m["radius"]),
                           str(m.get("color", MARK_COLOR))) for m in data.get("marks", []))
        return cls(map_size=(w, h), window=(x0, y0, x1, y1), size=(sw, sh), marks=marks)


_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def _whole(values: Any, count: int, name: str) -> list[int]:
    if not (isinstance(values, list) and len(values) == count
            and all(isinstance(v, int) and not isinstance(v, bool) for v in values)):
        raise ValueError(f"{name} must be {count} whole numbers, but got {values!r}")
    return values


def _problems(view: View) -> list[str]:
    """What makes `view` no view of its map (every problem found)."""
    x0, y0, x1, y1 = view.window
    width, height = view.map_size
    (w, h), problems = view.size, []
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        return [f"window must lie inside the {width} × {height} map, but got {list(view.window)}"]
    if not (w >= 1 and h >= 1) or w * h > MAX_VIEW_PIXELS:
        problems.append(f"size must be at least 1 × 1 and at most {MAX_VIEW_PIXELS} pixels, but got "
                        f"{list(view.size)}")
    elif abs(w / (x1 - x0) - h / (y1 - y0)) > 1 / min(w, h):
        problems.append(f"size must keep the window's aspect, but got {list(view.size)} for "
                        f"{x1 - x0} × {y1 - y0}")
    for i, mark in enumerate(view.marks):
        (cx, cy), radius = mark.center, mark.radius
        if not (0 <= cx <= width and 0 <= cy <= height and 0 < radius <= max(width, height)):
            problems.append(f"marks.{i} must be centred on the map with a radius of at most its size, but got "
                            f"{mark.to_dict()}")
        if not _HEX.fullmatch(mark.color):
            problems.append(f"marks.{i}.color must be #RRGGBB, but got {mark.color!r}")
    return problems


def window_around(center: Point, side: float, map_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A square window of about `side` map pixels centred on `center`, moved (not shrunk) to stay inside the map;
    a map smaller than `side` gives all of that dimension."""
    bounds = []
    for c, extent in zip(center, map_size, strict=True):
        length = min(extent, max(1, round(side)))
        start = min(max(0, round(c - length / 2)), extent - length)
        bounds.append((start, start + length))
    (x0, x1), (y0, y1) = bounds
    return (x0, y0, x1, y1)


def ring_colour(line_colours: list[str]) -> tuple[str, str]:
    """(name, `#RRGGBB`) of the ring colour farthest (in RGB) from every one of `line_colours` (magenta first
    among equals, and when none is known)."""
    known = [_rgb(c) for c in line_colours if c]
    if not known:
        return "magenta", MARK_COLOR
    return max(RING_COLOURS.items(), key=lambda item: min(math.dist(_rgb(item[1]), c) for c in known))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

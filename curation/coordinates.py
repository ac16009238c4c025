"""The coordinate conventions of answers that are points or boxes on an image.

- `pixels`: pixels of the image the question shows, x to the right and y down from its top-left corner
  (what Qwen2.5-VL writes, of the image as it was given);
- `norm1000`: 0–1000 of that image's width and height, (0, 0) its top-left corner and (1000, 1000) its
  bottom-right (what Qwen2-VL and Qwen3-VL write).

A question states its convention in its text and records it in its answer (`coords`); gold answers are
written in it, rounded to whole units, and answers are read in it. Library coordinates are always pixels.
"""

from __future__ import annotations

from typing import Literal

Coords = Literal["pixels", "norm1000"]
COORDS: tuple[Coords, ...] = ("pixels", "norm1000")
NORM = 1000

Point = tuple[float, float]
Box = tuple[float, float, float, float]


def to_coords(point: Point, size: tuple[int, int], coords: str) -> Point:
    """A point in pixels of an image of `size`, in convention `coords`."""
    if coords == "norm1000":
        return (point[0] * NORM / size[0], point[1] * NORM / size[1])
    return point


def from_coords(point: Point, size: tuple[int, int], coords: str) -> Point:
    """A point given in convention `coords`, in pixels of an image of `size`."""
    if coords == "norm1000":
        return (point[0] * size[0] / NORM, point[1] * size[1] / NORM)
    return point


def box_from_coords(box: Box, size: tuple[int, int], coords: str) -> Box:
    return (*from_coords((box[0], box[1]), size, coords), *from_coords((box[2], box[3]), size, coords))


def format_point(point: Point, size: tuple[int, int], coords: str) -> str:
    """`(x, y)` in whole units of `coords`."""
    x, y = to_coords(point, size, coords)
    return f"({round(x)}, {round(y)})"


def format_box(box: Box, size: tuple[int, int], coords: str) -> str:
    """`[x1, y1, x2, y2]` in whole units of `coords`."""
    x0, y0 = to_coords((box[0], box[1]), size, coords)
    x1, y1 = to_coords((box[2], box[3]), size, coords)
    return f"[{round(x0)}, {round(y0)}, {round(x1)}, {round(y1)}]"

"""Text on a map image, read tile by tile with RapidOCR (PP-OCR models bundled in its wheel, no download).

RapidOCR shrinks any input to 2,000 px on its long side, which makes a map's labels unreadable, so the map is cut
into `tile_size` tiles (below that limit) overlapping by `overlap` px. A text box touching a tile's inner edge may
be cut there; it is dropped, since a label shorter than the overlap lies whole in a neighbouring tile. The same
text seen whole in two tiles is kept once (the higher score). Rotated and vertical labels come back with their
four corners. A station ring read as a lone "O" (or "0", "o") is dropped: it is a marker, not a name; so is a text
of circled characters only or one character three times or more apart (New York's route bullets read as "③③③" or
"8 8 8 8" along a diagonal line, whose band would hide the line from `snap`). A tile with almost no ink (fewer
than `min_ink` pixels far from its median colour) holds no text and is not read at all.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from curation.annotations.model import Box, Point
from curation.errors import MapcurateError
from curation.extras import require
from curation.images import tile_starts, tiles
from curation.vision.spatial import keep_first

_RING = re.compile(r"^(?:[O0o〇○◯]+|[\u2460-\u24FF\u2776-\u2793\u3251-\u325F\u32B1-\u32BF\s]+)$")
"""a ring read as letters, or markers read as circled characters (Unicode's enclosed alphanumerics)."""
_RUN = re.compile(r"^(\S)(?:\s+\1){2,}$")
"""one character three times or more, apart: a row of bullets ("8 8 8 8"; "111" is a number)."""
INK = 40


@dataclass(frozen=True)
class OcrOptions:
    """The knobs of `read_text`, in full-image pixels."""

    tile_size: int = 1600
    overlap: int = 400
    min_score: float = 0.5
    edge: int = 2
    """px from a tile's inner edge within which a text box counts as cut."""
    min_ink: int = 40
    """pixels at least `INK` levels (in some channel) from the tile's median colour a tile needs to be read."""

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.tile_size <= 2000:
            problems.append(f"tile_size must be in (0, 2000] (RapidOCR shrinks larger inputs), but got "
                            f"{self.tile_size}")
        if not 0 <= self.overlap < self.tile_size:
            problems.append(f"overlap must be at least 0 and less than tile_size, but got {self.overlap}")
        if not 0 <= self.min_score <= 1:
            problems.append(f"min_score must be in [0, 1], but got {self.min_score}")
        if problems:
            raise MapcurateError("; ".join(problems))


def along_across(x: float, y: float, angle: float) -> Point:
    """A point's coordinates along (`u`) and across (`v`) the direction `angle` (degrees)."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return (x * cos + y * sin, -x * sin + y * cos)


@dataclass(frozen=True)
class TextBox:
    """One line of text as read: its string, the recogniser's score and the four corners in full-image pixels."""

    text: str
    score: float
    quad: tuple[Point, Point, Point, Point]

    @property
    def box(self) -> Box:
        xs, ys = [p[0] for p in self.quad], [p[1] for p in self.quad]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def centre(self) -> Point:
        x0, y0, x1, y1 = self.box
        return ((x0 + x1) / 2, (y0 + y1) / 2)

    @property
    def angle(self) -> float:
        """The text's direction in degrees (0: level, which a top edge within a tenth of the width counts as)."""
        (x0, y0), (x1, y1) = self.quad[0], self.quad[1]
        if abs(y1 - y0) <= 0.1 * max(1.0, abs(x1 - x0)) and x1 >= x0:
            return 0.0
        return math.degrees(math.atan2(y1 - y0, x1 - x0))

    def in_frame(self, angle: float) -> Box:
        """The text's box along (`u`) and across (`v`) the direction `angle` (degrees): (u0, v0, u1, v1)."""
        if angle == 0.0:
            return self.box
        us, vs = zip(*(along_across(x, y, angle) for x, y in self.quad), strict=True)
        return (min(us), min(vs), max(us), max(vs))

    @property
    def vertical(self) -> bool:
        x0, y0, x1, y1 = self.box
        return (y1 - y0) >= 1.5 * (x1 - x0) and len(self.text) > 1


@functools.lru_cache(maxsize=1)
def engine() -> Any:
    """The RapidOCR engine, loaded once per process; pass `use_det`, `use_cls`, `use_rec` on every call."""
    rapidocr = require("rapidocr", "prelabel", "reading map labels (OCR)")
    require("onnxruntime", "prelabel", "reading map labels (OCR)")
    return rapidocr.RapidOCR(params={"Global.log_level": "error"})


def read_text(image: Image.Image, options: OcrOptions | None = None,
              on_tile: Callable[[int, int], None] | None = None) -> tuple[TextBox, ...]:
    """Every line of text on the RGB `image` scoring at least `min_score`, top to bottom, left to right."""
    options = options or OcrOptions()
    if image.mode != "RGB":
        raise MapcurateError(f"read_text needs an 8-bit RGB image, but got mode {image.mode}")
    ocr = engine()
    total = len(tile_starts(image.width, options.tile_size, options.overlap)) * len(
        tile_starts(image.height, options.tile_size, options.overlap))
    found: list[TextBox] = []
    for done, (x0, y0, tile) in enumerate(tiles(image, options.tile_size, options.overlap), start=1):
        rgb = np.asarray(tile)
        result = None  # a tile without ink is not read
        if _inked(rgb, options.min_ink):  # the flags each time: RapidOCR keeps the last call's
            result = ocr(np.ascontiguousarray(rgb[..., ::-1]), use_det=True, use_cls=True, use_rec=True)
        if result is not None and result.boxes is not None:
            for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
                if float(score) < options.min_score or not str(text).strip() or reads_as_marker(str(text)):
                    continue
                if _cut(quad, x0, y0, tile.size, image.size, options.edge):
                    continue
                corners = tuple((float(x) + x0, float(y) + y0) for x, y in quad)
                found.append(TextBox(str(text).strip(), round(float(score), 6), corners))  # type: ignore[arg-type]
        tile.close()
        if on_tile:
            on_tile(done, total)
    return tuple(sorted(_suppress(found), key=lambda t: (t.box[1], t.box[0], t.text)))


def reads_as_marker(text: str) -> bool:
    """Whether a read text is markers, not a name: a ring read as "O", circled characters only, or one character
    run three times or more (module doc)."""
    return bool(_RING.match(text.strip()) or _RUN.match(text.strip()))


def _inked(rgb: np.ndarray[Any, Any], min_ink: int) -> bool:
    """Whether at least `min_ink` pixels differ from the tile's median colour by `INK` in some channel."""
    sample = rgb.reshape(-1, 3)
    background = np.median(sample, axis=0).astype(np.int16)
    return int((np.abs(sample.astype(np.int16) - background).max(axis=1) >= INK).sum()) >= min_ink


def box_heights(crops: list[Image.Image]) -> list[float]:
    """The short side of every text box the detector finds in the RGB `crops` (no recognition)."""
    ocr = engine()
    heights = []
    for crop in crops:
        result = ocr(np.ascontiguousarray(np.asarray(crop)[..., ::-1]), use_det=True, use_cls=False,
                        use_rec=False)
        for quad in (result.boxes if result.boxes is not None else []):
            corners = np.asarray(quad, dtype=np.float64)
            sides = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[1])
            heights.append(float(min(sides)))
    return heights


def _cut(quad: Any, x0: int, y0: int, size: tuple[int, int], image: tuple[int, int], edge: int) -> bool:
    """Whether the box touches an edge of the tile that is not an edge of the map."""
    xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
    return ((min(xs) <= edge and x0 > 0) or (min(ys) <= edge and y0 > 0)
            or (max(xs) >= size[0] - edge and x0 + size[0] < image[0])
            or (max(ys) >= size[1] - edge and y0 + size[1] < image[1]))


def _suppress(found: list[TextBox]) -> list[TextBox]:
    """The same text read in two overlapping tiles, kept once: the higher score wins."""
    ordered = sorted(found, key=lambda t: (-t.score, t.box, t.text))
    boxes = [text.box for text in ordered]
    return [ordered[i] for i in keep_first(boxes, lambda i, j: _iou(boxes[i], boxes[j]) >= 0.5)]


def _iou(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

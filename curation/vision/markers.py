"""Station markers on a map image: round symbols found tile by tile, checked, and sized per map.

Candidates come from OpenCV's Hough circle transform on each tile's grey image. Letters such as "o", "e" and
"d" are round too, so each candidate is checked where a marker differs from text: its inside is one flat fill
(`max_fill_std`), and a line passes through it — saturated pixels in the band just outside its rim
(`min_contact`; lines too grey for the saturation cut are added by `line_pixels`). A marker seen in two
overlapping tiles is kept once (the candidate with the most line contact wins); tiles overlap by
`6 × max_radius`, so every marker lies whole, with the band around it, in one tile.

A grey line's colour is also its icons' (Washington's parking "P" in a rounded square): a marker that passes
only by its contact with a grey line must be at least `GREY_SIZE` of the median radius of the markers on coloured
lines.

The map's station radius is the median radius of the checked markers; a marker clearly larger than it
(`interchange_ratio`) is proposed as an interchange.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from curation.annotations.model import Box, Marker
from curation.errors import MapcurateError
from curation.images import tile_starts, tiles
from curation.vision.spatial import keep_first

BAND = (1.3, 2.2)
"""the ring around a marker, in its radii from the centre, where the lines through it show."""


def band_around(x: float, y: float, radius: float, size: tuple[int, int]
                ) -> tuple[tuple[int, int, int, int], npt.NDArray[np.float64]]:
    """The pixel window (x0, y0, x1, y1) holding a marker's `BAND` and each pixel's distance from its centre."""
    reach = BAND[1] * radius + 1
    box = (max(0, int(x - reach)), max(0, int(y - reach)), min(size[0], int(x + reach) + 1),
           min(size[1], int(y + reach) + 1))
    gy, gx = np.mgrid[box[1]:box[3], box[0]:box[2]]
    distance: npt.NDArray[np.float64] = np.hypot(gx + 0.5 - x, gy + 0.5 - y)
    return box, distance


@dataclass(frozen=True)
class MarkerOptions:
    """The knobs of `detect_markers`, in full-image pixels unless said otherwise."""

    min_radius: int = 3
    max_radius: int = 24
    tile_size: int = 2048
    edge_threshold: int = 100
    """Canny's upper threshold inside the Hough transform (the lower is half of it)."""
    votes: int = 20
    """accumulator votes a circle needs (lower finds more, and more letters)."""
    max_fill_std: float = 25.0
    """grey-level spread allowed inside the marker (text inside a round letter spreads far more)."""
    min_contact: float = 0.1
    """share of saturated pixels in the `BAND` around the rim: a line passes through."""
    saturation: int = 90
    """HSV saturation (0–255) from which a pixel counts as line colour."""
    interchange_ratio: float = 1.2

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.min_radius <= self.max_radius:
            problems.append(f"min_radius and max_radius must satisfy 1 <= min_radius <= max_radius, but got "
                            f"{self.min_radius} and {self.max_radius}")
        if self.tile_size <= self.overlap:
            problems.append(f"tile_size must exceed the overlap 6 × max_radius = {self.overlap}, but got "
                            f"{self.tile_size}")
        for name in ("edge_threshold", "votes", "saturation"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1, but got {getattr(self, name)}")
        if not 0 <= self.min_contact <= 1:
            problems.append(f"min_contact must be in [0, 1], but got {self.min_contact}")
        if problems:
            raise MapcurateError("; ".join(problems))

    @property
    def overlap(self) -> int:
        return 6 * self.max_radius


@dataclass(frozen=True)
class MarkerCandidate:
    """A checked round marker: centre and radius in full-image pixels, its fill and line contact."""

    x: float
    y: float
    radius: float
    fill: float
    """mean grey level inside (0 black – 255 white)."""
    contact: float
    """share of line-coloured pixels in the band around the rim (0–1): the confidence."""
    kind: str = "station"

    @property
    def box(self) -> Box:
        r = self.radius
        return (self.x - r, self.y - r, self.x + r, self.y + r)

    def to_marker(self) -> Marker:
        return Marker("circle", self.box)


GREY_SIZE = 0.8
"""least radius of a marker on a grey line, in the median radius of the markers on coloured lines (Washington's
Silver Line stations are as large as the others, its parking icons' round corners 0.55 of them)."""

LinePixels = Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.bool_]]
"""Given a tile's (H, W, 3) RGB pixels, where they show a line besides the saturated ones (its grey lines')."""


def detect_markers(image: Image.Image, options: MarkerOptions | None = None,
                   on_tile: Callable[[int, int], None] | None = None, line_pixels: LinePixels | None = None
                   ) -> tuple[MarkerCandidate, ...]:
    """Every station marker found on the RGB `image`, sorted top to bottom, left to right.

    `on_tile(done, total)` is called after each tile (for a progress bar); `line_pixels` marks the pixels of
    lines too grey to count as saturated (`colours.near_colours` of the map's grey lines). Deterministic: the
    same image and options give the same candidates.
    """
    options = options or MarkerOptions()
    if image.mode != "RGB":
        raise MapcurateError(f"detect_markers needs an 8-bit RGB image (images.load_image), but got mode "
                             f"{image.mode}")
    total = len(tile_starts(image.width, options.tile_size, options.overlap)) * len(
        tile_starts(image.height, options.tile_size, options.overlap))
    found: list[tuple[MarkerCandidate, bool]] = []
    for done, (x0, y0, tile) in enumerate(tiles(image, options.tile_size, options.overlap), start=1):
        found.extend(_tile_markers(np.asarray(tile), x0, y0, (image.width, image.height), options, line_pixels))
        tile.close()
        if on_tile:
            on_tile(done, total)
    kept = _suppress(_sized_on_grey(found))
    return _kinds(kept, options)


def _tile_markers(rgb: npt.NDArray[np.uint8], x0: int, y0: int, size: tuple[int, int],
                  options: MarkerOptions, line_pixels: LinePixels | None = None
                  ) -> list[tuple[MarkerCandidate, bool]]:
    """The tile's checked markers, each with whether it passed only by its contact with a grey line."""
    grey: npt.NDArray[np.uint8] = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    saturated = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 1] >= options.saturation
    grey_lines = line_pixels(rgb) if line_pixels is not None else None
    circles = cv2.HoughCircles(grey, cv2.HOUGH_GRADIENT, dp=1, minDist=options.min_radius * 2,
                               param1=options.edge_threshold, param2=options.votes,
                               minRadius=options.min_radius, maxRadius=options.max_radius)
    if circles is None:
        return []
    height, width = grey.shape
    out = []
    for hx, hy, r in circles[0].astype(float):
        cx, cy = hx + 0.5, hy + 0.5  # Hough counts pixel centres from 0; here a pixel's centre is at +0.5
        reach = 3 * r  # the window the checks look at must lie in this tile, unless the map ends there
        if ((cx - reach < 0 < x0) or (cy - reach < 0 < y0) or (cx + reach > width and x0 + width < size[0])
                or (cy + reach > height and y0 + height < size[1])):
            continue
        checked = _check(grey, saturated, grey_lines, cx, cy, r, options)
        if checked is not None:
            fill, contact, on_grey = checked
            out.append((MarkerCandidate(x0 + cx, y0 + cy, r, fill, contact), on_grey))
    return out


def _check(grey: npt.NDArray[np.uint8], saturated: npt.NDArray[np.bool_], grey_lines: npt.NDArray[np.bool_] | None,
           cx: float, cy: float, r: float, options: MarkerOptions) -> tuple[float, float, bool] | None:
    """(fill, contact, on grey) when the circle looks like a marker: a flat inside and a line through it,
    saturated or grey; on grey when the saturated pixels alone would not reach `min_contact`."""
    (xa, ya, xb, yb), distance = band_around(cx, cy, r, (grey.shape[1], grey.shape[0]))
    inside = grey[ya:yb, xa:xb][distance < 0.5 * r]
    ring = (distance > BAND[0] * r) & (distance < BAND[1] * r)
    band = saturated[ya:yb, xa:xb][ring]
    if inside.size == 0 or band.size == 0 or float(inside.std()) > options.max_fill_std:
        return None
    coloured = float(band.mean())
    contact = coloured if grey_lines is None else float((band | grey_lines[ya:yb, xa:xb][ring]).mean())
    if contact < options.min_contact:
        return None
    return float(inside.mean()), round(contact, 6), coloured < options.min_contact


def _sized_on_grey(found: list[tuple[MarkerCandidate, bool]]) -> list[MarkerCandidate]:
    """The candidates, less those only a grey line holds that are smaller than `GREY_SIZE` of the others."""
    coloured = [c.radius for c, on_grey in found if not on_grey]
    least = GREY_SIZE * float(np.median(coloured)) if coloured else 0.0
    return [c for c, on_grey in found if not on_grey or c.radius >= least]


def _suppress(found: list[MarkerCandidate]) -> list[MarkerCandidate]:
    """One candidate per marker: the most line contact first, then any overlapping its disc is dropped."""
    order = sorted(found, key=lambda c: (-c.contact, c.y, c.x, c.radius))

    def overlap(i: int, j: int) -> bool:
        a, b = order[i], order[j]
        return bool(np.hypot(a.x - b.x, a.y - b.y) <= max(a.radius, b.radius))

    return [order[i] for i in keep_first([c.box for c in order], overlap)]  # overlapping discs' boxes meet


def _kinds(kept: list[MarkerCandidate], options: MarkerOptions) -> tuple[MarkerCandidate, ...]:
    """Interchanges proposed by size against the map's median marker radius; sorted by position."""
    if not kept:
        return ()
    typical = float(np.median([c.radius for c in kept]))
    marked = [MarkerCandidate(c.x, c.y, c.radius, c.fill, c.contact,
                              "interchange" if c.radius > options.interchange_ratio * typical else "station")
              for c in kept]
    return tuple(sorted(marked, key=lambda c: (c.y, c.x)))


def station_radius(markers: tuple[MarkerCandidate, ...]) -> float | None:
    """The map's typical marker radius (the median of its plain stations), None without markers."""
    plain = [m.radius for m in markers if m.kind == "station"] or [m.radius for m in markers]
    return float(np.median(plain)) if plain else None

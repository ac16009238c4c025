"""The scale a map is read at: its labels brought to the height the OCR models read best.

Real maps print their labels anywhere from ~10 px to over 100 px tall (Kuala Lumpur's 278-MP map). The text
detector finds labels best, and fastest, when their boxes are `BAND` pixels tall, so the map's typical box height
is measured first — text detection only, on windows spread over the map at native resolution — and a map outside
the band is rescaled to bring it to `TARGET`. Markers, colours and text are then all found on the
rescaled map (positions are given back in full-image pixels): KL is read at 0.3 ×, 23 MP instead of 278.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from curation.errors import MapcurateError
from curation.vision.ocr import box_heights

BAND = (16.0, 44.0)
"""detected text-box heights (px, the detector's box with its margin) read as they are."""
TARGET = 32.0
"""the box height a map outside `BAND` is rescaled to."""
LIMITS = (0.2, 2.0)
"""the smallest and largest scale used."""
BAND_ROWS = 512
"""output rows rescaled at a time (each from its source rows and the `LANCZOS_LOBES` beyond: no seams)."""
LANCZOS_LOBES = 3
"""Pillow's Lanczos filter support, in output pixels: it reads this many, times the scale-down, either side."""


@dataclass(frozen=True)
class ReadingScale:
    """The scale a map is read at and the measurement behind it."""

    scale: float
    text_height: float | None
    """median detected box height at native resolution (None: no text found in the samples)."""
    boxes: int


def sample_windows(pixels: npt.NDArray[np.uint8], grid: int = 3, window: int = 1024) -> list[Image.Image]:
    """Crops of `window` px centred in each cell of a `grid` × `grid` division of the map's RGB `pixels` (spread
    over the map, so that neither a legend nor a title decides), skipping those with almost no dark pixels."""
    if grid < 1 or window < 64:
        raise MapcurateError(f"grid must be at least 1 and window at least 64, but got {grid} and {window}")
    height, width = pixels.shape[:2]
    crops = []
    for row in range(grid):
        for column in range(grid):
            cx, cy = width * (2 * column + 1) // (2 * grid), height * (2 * row + 1) // (2 * grid)
            crop = Image.fromarray(pixels[max(0, cy - window // 2):min(height, cy + window // 2),
                                          max(0, cx - window // 2):min(width, cx + window // 2)])
            if int((np.asarray(crop.convert("L")) < 128).sum()) >= 100:
                crops.append(crop)
            else:
                crop.close()
    return crops


def reading_scale(crops: list[Image.Image]) -> ReadingScale:
    """The scale that brings the label height measured in `crops` (`sample_windows`) into `BAND` (module doc)."""
    heights = box_heights(crops)
    if not heights:
        return ReadingScale(1.0, None, 0)
    height = float(np.median(heights))
    scale = 1.0 if BAND[0] <= height <= BAND[1] else min(LIMITS[1], max(LIMITS[0], TARGET / height))
    return ReadingScale(round(scale, 4), round(height, 2), len(heights))


def rescale(pixels: npt.NDArray[np.uint8], scale: float) -> Image.Image:
    """The map's RGB `pixels` resized by `scale` (Lanczos), band by band: each band resized from only the source rows
    it reads, so no full-size Pillow copy (4 bytes a pixel) is made beside the array (3 bytes) — except at scale 1,
    where the result is that copy."""
    if scale == 1.0:
        return Image.fromarray(pixels)
    if not LIMITS[0] <= scale <= LIMITS[1]:
        raise MapcurateError(f"scale must be in [{LIMITS[0]}, {LIMITS[1]}], but got {scale}")
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    step = height / size[1]  # source rows per output row
    reach = math.ceil(LANCZOS_LOBES * max(1.0, step)) + 2  # source rows the filter reads beyond a band's box
    out = Image.new("RGB", size)
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(size[1], top + BAND_ROWS)
        first, last = max(0, math.floor(top * step) - reach), min(height, math.ceil(bottom * step) + reach)
        source = Image.fromarray(pixels[first:last])
        band = source.resize((size[0], bottom - top), Image.Resampling.LANCZOS,
                             box=(0, top * step - first, width, bottom * step - first))
        out.paste(band, (0, top))
        source.close()
        band.close()
    return out

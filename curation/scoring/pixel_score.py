"""How close a point or box answer is to the gold, as a correctness test and a dense score in [0, 1].

- A point at distance d from the gold point is correct iff d ≤ r, the marker's radius (it lies on the
  station's marker); its dense score is 1 there and exp(−(d − r) / (FALLOFF · r)) beyond: 0.61 one
  radius off the marker's edge, 0.37 two, 0.22 three, 0.08 five.
- The radius counts as at least `rounding(size, coords)`, the farthest a point written in whole units
  of the convention lies from the point meant (half a unit's diagonal), so that the gold point as the
  question asks for it — rounded — is always on the marker, however small the marker is shown.
- A box is correct iff its IoU with the gold box is at least IOU_CORRECT; its dense score is
  min(1, IoU / IOU_CORRECT), so every box short of the threshold is worth in proportion to its overlap.
"""

from __future__ import annotations

import math

from curation.coordinates import NORM, Box

FALLOFF = 2.0
IOU_CORRECT = 0.5


def rounding(size: tuple[int, int], coords: str) -> float:
    """Half the diagonal of one whole unit of `coords` on an image of `size`, in its pixels."""
    if coords == "norm1000":
        return math.hypot(size[0], size[1]) / (2 * NORM)
    return math.sqrt(2) / 2


def point_dense(d: float, radius: float) -> float:
    """1 within `radius`, then falling off by e every FALLOFF radii."""
    if radius <= 0:
        raise ValueError(f"radius must be positive, but got {radius}")
    return 1.0 if d <= radius else math.exp(-(d - radius) / (FALLOFF * radius))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes with ordered corners (two equal empty boxes: 1)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, width) * max(0.0, height)
    union = _area(a) + _area(b) - inter
    if union <= 0:
        return 1.0 if tuple(a) == tuple(b) else 0.0
    return inter / union


def box_dense(overlap: float) -> float:
    return min(1.0, overlap / IOU_CORRECT)


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])

"""A named label with no marker found beside it, placed on the line it labels.

Not every map draws round markers: Oslo marks stations with ticks on the line, Miami with double rings, Nanning
with arrow icons. When a label names a station but no checked marker lies within reach, the station is
placed on the line nearest the label — the nearest pixel of a matched line colour within `reach` station radii
of the label's box — moved to the middle of the line there (the mean of the line pixels within a radius of
it), and then to the centre of a circle drawn there if the Hough transform finds one close by (a ring the marker
checks turned down; OpenCV's `HOUGH_GRADIENT_ALT`, which centres a ring cut by a line exactly). Such a placement
is less sure than a marker's (`prelabel` gives it half the confidence).
A label with no line near it (a legend, an index table, a title) stays unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from curation.annotations.model import Box
from curation.errors import MapcurateError


@dataclass(frozen=True)
class LineSnapper:
    """Places points on the lines of one map: its line-colour mask and grey image, at its station radius."""

    mask: npt.NDArray[np.bool_]
    grey: npt.NDArray[np.uint8]
    radius: float
    reach: float = 4.0

    def __post_init__(self) -> None:
        if self.mask.shape != self.grey.shape:
            raise MapcurateError(f"mask and grey image must have one shape, but got {self.mask.shape} and "
                                 f"{self.grey.shape}")
        if self.radius <= 0 or self.reach <= 0:
            raise MapcurateError(f"radius and reach must be positive, but got {self.radius} and {self.reach}")

    def place(self, box: Box) -> tuple[float, float] | None:
        """The point on the nearest line to the label `box` (module doc), or None when no line is in reach."""
        height, width = self.mask.shape
        pad = self.reach * self.radius
        x0, y0 = max(0, int(box[0] - pad)), max(0, int(box[1] - pad))
        x1, y1 = min(width, int(box[2] + pad) + 1), min(height, int(box[3] + pad) + 1)
        ys, xs = np.nonzero(self.mask[y0:y1, x0:x1])
        if not len(xs):
            return None
        px, py = xs + x0 + 0.5, ys + y0 + 0.5
        dx = np.maximum(np.maximum(box[0] - px, 0), px - box[2])
        dy = np.maximum(np.maximum(box[1] - py, 0), py - box[3])
        distance = np.hypot(dx, dy)
        nearest = int(np.lexsort((px, py, distance))[0])
        if distance[nearest] > pad:
            return None
        x, y = float(px[nearest]), float(py[nearest])
        around = np.hypot(px - x, py - y) <= 1.5 * self.radius
        x, y = float(px[around].mean()), float(py[around].mean())
        return self._circle_near(x, y) or (round(x, 3), round(y, 3))

    def _circle_near(self, x: float, y: float) -> tuple[float, float] | None:
        r = self.radius
        reach = int(4 * r) + 2
        x0, y0 = max(0, int(x) - reach), max(0, int(y) - reach)
        crop = np.ascontiguousarray(self.grey[y0:int(y) + reach + 1, x0:int(x) + reach + 1])
        if min(crop.shape) < 8:
            return None
        circles = cv2.HoughCircles(crop, cv2.HOUGH_GRADIENT_ALT, dp=1, minDist=max(2.0, r), param1=150, param2=0.7,
                                   minRadius=max(2, int(0.6 * r)), maxRadius=max(3, int(2.5 * r) + 1))
        if circles is None:
            return None
        centres = [(float(cx) + 0.5 + x0, float(cy) + 0.5 + y0) for cx, cy, _ in circles[0]]
        best = min(centres, key=lambda c: (np.hypot(c[0] - x, c[1] - y), c))
        return (round(best[0], 3), round(best[1], 3)) if np.hypot(best[0] - x, best[1] - y) <= 1.5 * r else None

"""A named label with no marker found beside it, placed on the line it labels.

Not every map draws round markers: Oslo marks stations with ticks on the line, Miami with double rings, Nanning
with arrow icons. When a label names a station but no checked marker lies within reach, the station is placed on
the line nearest the label — the nearest pixel of a matched line colour within `reach` station radii or
`TEXT_REACH` label heights (whichever is further: Dubai sets its labels a label's height from small ticks) of the
label's box, of equally near ones the nearest its centre — moved to the middle of the line there (up the distance
to the line's edge, then the mean of the line pixels within a radius), and then to the centre of a circle drawn
there if the Hough transform finds one close by with a line running by it (a ring the marker checks turned down;
OpenCV's `HOUGH_GRADIENT_ALT`, which centres a ring cut by a line exactly; a round letter of the label is no
marker). Such a placement is less sure than a marker's (`prelabel` gives it half the confidence). A label with no
line near it (a legend, an index table, a title) stays unplaced; pixels inside read texts never count as line
(`without_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from curation.annotations.model import Box, Point
from curation.errors import MapcurateError
from curation.vision.markers import BAND

TEXT_REACH = 1.5
"""label heights (the detector's box height) from a label's box to its line, at most."""
SHIFTS = 8
"""steps, a disc each, up the distance to a line's edge towards its middle, at most."""


def without_text(mask: npt.NDArray[np.bool_], quads: Iterable[Sequence[Point]]) -> npt.NDArray[np.bool_]:
    """`mask` cleared inside every text's four corners (in place): coloured text (Dubai's navy labels) is not a
    line, and a diagonal text clears its own band only (its upright box may cover the line it labels)."""
    for quad in quads:
        corners = np.array([[x - 0.5, y - 0.5] for x, y in quad]) * 16  # pixel centres, 4 fractional bits
        cv2.fillPoly(mask.view(np.uint8), [np.rint(corners).astype(np.int32)], 0, shift=4)
    return mask


@dataclass(frozen=True)
class LineSnapper:
    """Places points on the lines of one map: its line-colour mask and grey image, at its station radius."""

    mask: npt.NDArray[np.bool_]
    grey: npt.NDArray[np.uint8]
    radius: float
    reach: float = 4.0
    text_height: float = 0.0
    """the map's label height (px of `mask`), 0 when unknown."""

    def __post_init__(self) -> None:
        if self.mask.shape != self.grey.shape:
            raise MapcurateError(f"mask and grey image must have one shape, but got {self.mask.shape} and "
                                 f"{self.grey.shape}")
        if self.radius <= 0 or self.reach <= 0 or self.text_height < 0:
            raise MapcurateError(f"radius and reach must be positive and text_height at least 0, but got "
                                 f"{self.radius}, {self.reach} and {self.text_height}")

    def place(self, box: Box, circles: bool = True) -> tuple[float, float] | None:
        """The point on the nearest line to the label `box` (module doc), or None when no line is in reach;
        `circles=False`: the line's middle, not moved to a circle (the circle found was another station's)."""
        height, width = self.mask.shape
        pad = max(self.reach * self.radius, TEXT_REACH * self.text_height)
        crop = pad + 4 * self.radius + 2  # the whole width of a line met at the edge of reach
        x0, y0 = max(0, int(box[0] - crop)), max(0, int(box[1] - crop))
        x1, y1 = min(width, int(box[2] + crop) + 1), min(height, int(box[3] + crop) + 1)
        ys, xs = np.nonzero(self.mask[y0:y1, x0:x1])
        if not len(xs):
            return None
        px, py = xs + x0 + 0.5, ys + y0 + 0.5
        dx = np.maximum(np.maximum(box[0] - px, 0), px - box[2])
        dy = np.maximum(np.maximum(box[1] - py, 0), py - box[3])
        distance = np.hypot(dx, dy)
        level = np.hypot(px - (box[0] + box[2]) / 2, py - (box[1] + box[3]) / 2)  # of equals, the one level with it
        nearest = int(np.lexsort((px, py, level, distance))[0])
        if distance[nearest] > pad:
            return None
        x, y = self._ridge(self.mask[y0:y1, x0:x1], int(xs[nearest]), int(ys[nearest]), x0, y0)
        around = np.hypot(px - x, py - y) <= 1.5 * self.radius
        x, y = float(px[around].mean()), float(py[around].mean())
        along = (box[2] - box[0]) / 2 if dx[nearest] == 0 else (box[3] - box[1]) / 2 if dy[nearest] == 0 else 0.0
        return (self._circle_near(x, y, along) if circles else None) or (round(x, 3), round(y, 3))

    def _on_line(self, x: float, y: float) -> bool:
        """Whether a line pixel lies within `BAND`'s outer radius of (`x`, `y`): a marker sits on its line, a round
        letter of the label beside it does not (New York's "Montrose Av" under the L)."""
        reach = BAND[1] * self.radius
        x0, y0 = max(0, int(x - reach)), max(0, int(y - reach))
        ys, xs = np.nonzero(self.mask[y0:int(y + reach) + 1, x0:int(x + reach) + 1])
        return bool(len(xs)) and bool((np.hypot(xs + x0 + 0.5 - x, ys + y0 + 0.5 - y) <= reach).any())

    def _ridge(self, crop: npt.NDArray[np.bool_], x: int, y: int, x0: int, y0: int) -> tuple[float, float]:
        """From the line pixel (`x`, `y`) of `crop` (at `x0`, `y0`), up the distance to the line's edge, a disc at a
        time (`SHIFTS` at most), to the line's middle: pixel centres in image coordinates."""
        depth = cv2.distanceTransform(crop.astype(np.uint8), cv2.DIST_L2, 3)
        step = max(1, int(1.5 * self.radius))
        for _ in range(SHIFTS):
            ya, xa = max(0, y - step), max(0, x - step)
            window = depth[ya:y + step + 1, xa:x + step + 1]
            if window.max() <= depth[y, x]:
                break
            wy, wx = np.nonzero(window == window.max())
            best = int(np.lexsort((wx, wy, np.hypot(wx + xa - x, wy + ya - y)))[0])  # the nearest deepest pixel
            x, y = int(wx[best]) + xa, int(wy[best]) + ya
        return x + x0 + 0.5, y + y0 + 0.5

    def _circle_near(self, x: float, y: float, along: float) -> tuple[float, float] | None:
        """The centre of the circle nearest (`x`, `y`) within 1.5 radii and `along` more (the label runs that far
        either side along the line: its marker may be at either end) that a line runs by (`_on_line`)."""
        r = self.radius
        accept = 1.5 * r + along
        reach = int(accept + 2.5 * r) + 2
        x0, y0 = max(0, int(x) - reach), max(0, int(y) - reach)
        crop = np.ascontiguousarray(self.grey[y0:int(y) + reach + 1, x0:int(x) + reach + 1])
        if min(crop.shape) < 8:
            return None
        circles = cv2.HoughCircles(crop, cv2.HOUGH_GRADIENT_ALT, dp=1, minDist=max(2.0, r), param1=150, param2=0.7,
                                   minRadius=max(2, int(0.6 * r)), maxRadius=max(3, int(2.5 * r) + 1))
        if circles is None:
            return None
        centres = [(float(cx) + 0.5 + x0, float(cy) + 0.5 + y0) for cx, cy, _ in circles[0]]
        centres = [c for c in centres if self._on_line(*c)]
        if not centres:
            return None
        best = min(centres, key=lambda c: (np.hypot(c[0] - x, c[1] - y), c))
        return (round(best[0], 3), round(best[1], 3)) if np.hypot(best[0] - x, best[1] - y) <= accept else None

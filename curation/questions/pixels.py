"""Where a city's stations are on its map: what the perception families ask about.

Only stations whose `pos` the graph has are located — on drawn maps every station; on maps whose positions
are a proposal (`build-graph --positions`: `prelabel`'s, put in with enough confidence by
`curation.network.positions`) only the stations it placed on a detected marker outside their own label's
box, since one placed on the line beside its label may be a marker's spacing off, and a "marker" inside the
label is one of its round letters (Washington's Reston Town Center on the "C" of "Center"). A station's
marker radius is half the larger side of its marker box; a station without one takes the median of
the map's marker radii (`FALLBACK_RADIUS_SHARE` of the median distance to the nearest station on a map
with none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from curation.network.model import Network

Point = tuple[float, float]
Box = tuple[float, float, float, float]
FALLBACK_RADIUS_SHARE = 0.15
MIN_LOCATED = 3
"""A map with fewer located stations gets no perception questions."""


@dataclass(frozen=True)
class PixelMap:
    """The located stations of one map: positions, marker radii and boxes, label boxes."""

    size: tuple[int, int]
    pos: dict[str, Point]
    markers: dict[str, Box]
    labels: dict[str, Box]
    line_colours: list[str] = field(default_factory=list)
    """The colours of the map's lines, where known (`#RRGGBB`)."""

    @classmethod
    def of(cls, network: Network) -> PixelMap | None:
        """The network's located stations, or None when it has no image or too few positions."""
        image = network.image
        proposed = "positions" in network.sources
        placed = {sid: s for sid, s in sorted(network.stations.items())
                  if s.pos is not None and (not proposed or _on_own_marker(s.marker, s.label))}
        if image is None or len(placed) < MIN_LOCATED:
            return None
        return cls(size=(int(image["width"]), int(image["height"])),
                   pos={sid: s.pos for sid, s in placed.items() if s.pos is not None},
                   markers={sid: s.marker for sid, s in placed.items() if s.marker is not None},
                   labels={sid: s.label for sid, s in placed.items() if s.label is not None},
                   line_colours=sorted({line.color for line in network.lines.values() if line.color}))

    @cached_property
    def located(self) -> list[str]:
        return sorted(self.pos)

    @cached_property
    def _points(self) -> npt.NDArray[np.float64]:
        return np.array([self.pos[sid] for sid in self.located], dtype=float)

    @cached_property
    def _nearest(self) -> dict[str, float]:
        points = self._points
        distances = np.hypot(points[:, None, 0] - points[None, :, 0], points[:, None, 1] - points[None, :, 1])
        np.fill_diagonal(distances, np.inf)
        return {sid: float(d) for sid, d in zip(self.located, distances.min(axis=1), strict=True)}

    @cached_property
    def median_radius(self) -> float:
        radii = [max(b[2] - b[0], b[3] - b[1]) / 2 for b in self.markers.values()]
        if radii:
            return float(np.median(radii))
        return max(1.0, FALLBACK_RADIUS_SHARE * float(np.median(list(self._nearest.values()))))

    def radius(self, sid: str) -> float:
        box = self.markers.get(sid)
        return max(box[2] - box[0], box[3] - box[1]) / 2 if box is not None else self.median_radius

    def marker_box(self, sid: str) -> Box:
        """The marker's box, or a square of the station's radius around its position."""
        box = self.markers.get(sid)
        if box is not None:
            return box
        (x, y), r = self.pos[sid], self.radius(sid)
        return (x - r, y - r, x + r, y + r)

    def nearest(self, sid: str) -> float:
        """Distance in map pixels from the station to the nearest other located station."""
        return self._nearest[sid]

    def stations_in(self, window: Box, exclude: str | None = None) -> list[str]:
        """Located stations inside `window` (map pixels)."""
        x0, y0, x1, y1 = window
        return [sid for sid in self.located if sid != exclude
                and x0 <= self.pos[sid][0] <= x1 and y0 <= self.pos[sid][1] <= y1]

    def labels_near(self, sid: str, reach: float) -> int:
        """Other stations' labels (their positions, where no label box is known) within `reach` map pixels of
        the station."""
        x, y = self.pos[sid]
        count = 0
        for other in self.located:
            if other == sid:
                continue
            box = self.labels.get(other)
            if box is None:
                near = math.dist((x, y), self.pos[other]) <= reach
            else:
                dx = max(box[0] - x, 0.0, x - box[2])
                dy = max(box[1] - y, 0.0, y - box[3])
                near = math.hypot(dx, dy) <= reach
            count += near
        return count


def _on_own_marker(marker: Box | None, label: Box | None) -> bool:
    """Whether a proposed station sits on a detected marker that is not inside its own label's box."""
    if marker is None:
        return False
    if label is None:
        return True
    x, y = (marker[0] + marker[2]) / 2, (marker[1] + marker[3]) / 2
    return not (label[0] <= x <= label[2] and label[1] <= y <= label[3])

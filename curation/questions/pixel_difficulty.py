"""Difficulty of a perception question, measured on the image it shows around its target station.

Each measure scores 0, 1 or 2 points; the question's level is the mean over the measures that apply:
at most `EASY_MEAN` easy, at most `MEDIUM_MEAN` medium, hard above.

| measure | what it is | 0 points | 1 point | 2 points |
|---|---|---|---|---|
| `marker_share` | the marker's shown radius / the shown image's longer side | ≥ 1/150 | ≥ 1/400 | smaller |
| `labels_near` | other stations' labels within `LABEL_REACH` marker radii of the target | ≤ 2 | ≤ 5 | more |
| `nearest_radii` | distance to the nearest other station, in marker radii | ≥ 8 | ≥ 4 | nearer |
| `crop_radii` (crops) | the crop's longer side, in marker radii | ≤ 40 | ≤ 80 | larger |
| `lines_in_view` (crops) | lines with a station in the crop | 1 | 2 | 3 or more |

A small marker on a large image, a crowd of labels, a near neighbour, a wide crop and several lines are
what make a station hard to find or to read; the measures and their points are recorded with the
question's answer (`pixels`), so a curriculum can sort by any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.network.model import Network
from curation.questions.pixels import PixelMap
from curation.questions.views import View

LABEL_REACH = 6.0
EASY_MEAN, MEDIUM_MEAN = 0.5, 1.0
_THRESHOLDS: dict[str, tuple[float, float, bool]] = {  # (0-point bound, 1-point bound, larger is easier)
    "marker_share": (1 / 150, 1 / 400, True),
    "labels_near": (2, 5, False),
    "nearest_radii": (8, 4, True),
    "crop_radii": (40, 80, False),
    "lines_in_view": (1, 2, False),
}


@dataclass(frozen=True)
class PixelDifficulty:
    """The measures, their points and the level (0 easy, 1 medium, 2 hard)."""

    measures: dict[str, float]
    points: dict[str, int]
    level: int

    def to_dict(self) -> dict[str, object]:
        return {"measures": {k: round(v, 6) for k, v in sorted(self.measures.items())},
                "points": dict(sorted(self.points.items())), "level": self.level}


def points(measure: str, value: float) -> int:
    first, second, larger_easier = _THRESHOLDS[measure]
    if larger_easier:
        return 0 if value >= first else 1 if value >= second else 2
    return 0 if value <= first else 1 if value <= second else 2


def pixel_difficulty(pixels: PixelMap, sid: str, view: View, network: Network | None = None) -> PixelDifficulty:
    """The difficulty of finding or reading station `sid` in `view` (crop measures when the view is a crop
    of the map and `network` is given, to count its lines)."""
    radius = pixels.radius(sid)
    measures = {
        "marker_share": radius * view.scale / max(view.size),
        "labels_near": float(pixels.labels_near(sid, LABEL_REACH * radius)),
        "nearest_radii": pixels.nearest(sid) / radius,
    }
    if network is not None and view.window != (0, 0, *view.map_size):
        x0, y0, x1, y1 = view.window
        inside = pixels.stations_in((x0, y0, x1, y1))
        measures["crop_radii"] = max(x1 - x0, y1 - y0) / radius
        measures["lines_in_view"] = float(len({lid for s in inside for lid in network.stations[s].lines}))
    scored = {name: points(name, value) for name, value in measures.items()}
    mean = sum(scored.values()) / len(scored)
    level = 0 if mean <= EASY_MEAN else 1 if mean <= MEDIUM_MEAN else 2
    return PixelDifficulty(measures=measures, points=scored, level=level)

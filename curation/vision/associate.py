"""Labels associated with markers: each station named by the map's text placed at the marker its label sits by.

Every read text matched to a station proposes that station at each marker whose centre lies within `reach`
station radii of the text's box (the gap between a marker and its label). A rotated label (at least `ROTATED`
degrees from level) radiates from its station, as Washington's and New York's diagonal names do: it proposes only
markers in line with it — within a radius of the band its text fills — up to `ROTATED_REACH` radii beyond either
end (its upright box would take in its neighbours' markers). A marker inside a label and smaller than `LETTER`
station radii is one of its round letters.
Pairs are taken nearest first; a marker takes one station and a station one marker, so two markers never share a
name and a name is never used twice. All texts matched to one station (a Chinese label stacked over its
romanisation) go with it. A station whose label has no free marker near it is placed on the line beside the label
instead (`snapper`, see `curation.vision.snap`; of its texts the best one with a line in reach), unless another
station already sits there (if the point was moved to a circle another station took, the line's middle beside
the label is tried). A marker no label claims stays an unnamed proposal; a matched text placed neither way is
listed (a legend or index entry, a title).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from curation.errors import MapcurateError
from curation.vision.markers import MarkerCandidate
from curation.vision.match import NameMatch
from curation.vision.ocr import TextBox, along_across
from curation.vision.snap import LineSnapper

REACH = 4.0
"""station radii from a marker's centre to its label's box, at most (synthetic maps: ~2.5)."""
LETTER = 0.85
"""station radii below which a marker inside its label is a round letter of it (Washington's "c" of McPherson:
0.5–0.8; a station ring OCR read into the label is full size)."""
ROTATED = 20.0
"""degrees from level from which a label is rotated (OCR tilts level text by a few degrees)."""
ROTATED_REACH = 7.5
"""station radii from a marker's centre to the end of a rotated label in line with it, at most (Washington's
diagonal names end 4.5–6.5 radii from their markers)."""


@dataclass(frozen=True)
class Placed:
    """A station placed at a marker, with the texts that named it and its best match."""

    station_id: str
    marker: MarkerCandidate
    texts: tuple[TextBox, ...]
    match: NameMatch
    gap: float
    """distance from the marker's centre to the nearest label box, in station radii."""
    on: str = "marker"
    """"marker" (a checked marker) or "line" (placed on the line beside its label: no marker was found)."""


@dataclass(frozen=True)
class Association:
    """The outcome: placed stations, unnamed markers, and matched texts that found no marker."""

    placed: tuple[Placed, ...]
    unnamed: tuple[MarkerCandidate, ...]
    unplaced: tuple[tuple[TextBox, NameMatch], ...] = field(default_factory=tuple)


def box_distance(box: tuple[float, float, float, float], x: float, y: float) -> float:
    """Distance from a point to a box (0 inside it)."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return float((dx * dx + dy * dy) ** 0.5)


def label_gap(text: TextBox, marker: MarkerCandidate, radius: float, reach: float = REACH) -> float | None:
    """The gap, in station radii, from a text to a marker that may be its station's, else None (a round letter
    inside the text, farther than `reach`, or than `ROTATED_REACH` along a rotated label, or beside one)."""
    x, y, angle = marker.x, marker.y, text.angle
    u0, v0, u1, v1 = text.in_frame(angle)
    u, v = along_across(x, y, angle)
    if u0 < u < u1 and v0 < v < v1 and marker.radius < LETTER * radius:
        return None
    if not ROTATED <= abs(angle) <= 180 - ROTATED:
        gap = box_distance(text.box, x, y) / radius
        return gap if gap <= reach else None
    if max(v0 - v, v - v1) > radius:  # beside the label, not in line with it
        return None
    gap = max(u0 - u, 0.0, u - u1) / radius
    return gap if gap <= ROTATED_REACH else None


def associate(markers: Sequence[MarkerCandidate], texts: Sequence[tuple[TextBox, NameMatch | None]],
              radius: float, reach: float = REACH, snapper: LineSnapper | None = None) -> Association:
    """Place each matched station at the nearest free marker within `reach` × `radius` of its label (`label_gap`),
    else on the line beside it (with a `snapper`)."""
    if radius <= 0 or reach <= 0:
        raise MapcurateError(f"radius and reach must be positive, but got {radius} and {reach}")
    by_station: dict[str, list[tuple[TextBox, NameMatch]]] = defaultdict(list)
    for text, found in texts:
        if found is not None:
            by_station[found.station_id].append((text, found))
    pairs = []
    for station_id, named in by_station.items():
        for index, marker in enumerate(markers):
            gaps = [g for text, _ in named if (g := label_gap(text, marker, radius, reach)) is not None]
            if gaps:
                pairs.append((min(gaps), station_id, index))
    pairs.sort()
    taken: set[int] = set()
    placed: dict[str, Placed] = {}
    for gap, station_id, index in pairs:
        if index in taken or station_id in placed:
            continue
        taken.add(index)
        named = sorted(by_station[station_id], key=lambda item: (-item[1].score, item[0].box))
        placed[station_id] = Placed(station_id, markers[index], tuple(t for t, _ in named), named[0][1],
                                    round(gap, 3))
    if snapper is not None:
        for station_id in sorted(set(by_station) - set(placed)):
            named = sorted(by_station[station_id], key=lambda item: (-item[1].score, item[0].box))
            for text, found in named:  # the best text with a line in reach: an index entry has none
                point = snapper.place(text.box)
                if point is None:
                    continue
                if _taken(point, placed.values(), radius):  # a neighbour's circle: the line beside the label
                    point = snapper.place(text.box, circles=False) or point
                if not _taken(point, placed.values(), radius):
                    marker = MarkerCandidate(point[0], point[1], radius, 0.0, 0.0)
                    gap = box_distance(text.box, *point) / radius
                    placed[station_id] = Placed(station_id, marker, tuple(t for t, _ in named), found, round(gap, 3),
                                                "line")
                break
    unplaced = tuple((text, found) for station_id, named in sorted(by_station.items()) if station_id not in placed
                     for text, found in named)
    unnamed = tuple(m for i, m in enumerate(markers) if i not in taken)
    return Association(tuple(sorted(placed.values(), key=lambda p: p.station_id)), unnamed, unplaced)


def _taken(point: tuple[float, float], placed: Iterable[Placed], radius: float) -> bool:
    """Another station already sits within two radii of `point`."""
    return any(np.hypot(point[0] - p.marker.x, point[1] - p.marker.y) < 2 * radius for p in placed)

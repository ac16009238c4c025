"""Views the perception families show: the whole map with stations circled, or a crop around a station."""

from __future__ import annotations

import math
from dataclasses import replace

from curation.questions.pixels import PixelMap
from curation.questions.views import Mark, View, ring_colour, window_around

RING_RADII = 2.2
"""A ring's radius, in the station's marker radii: clear of the marker, inside its neighbours' reach."""
MIN_RING_PX = 12.0
"""A ring is at least this many pixels across in the shown image, however far the map is scaled down."""
MIN_CROP_PX = 256
CROP_RADII = 16.0
"""A crop's side is at least this many marker radii (and `MIN_CROP_PX`), before its zoom."""
CROP_ZOOMS = (1.0, 2.0, 3.5)
"""How much wider than the least a crop is cut: wider crops hold more lines and labels (distractors)."""
MAX_CROP_SHARE = 0.6
"""A crop is at most this share of the map's shorter side: wider, it would be the map."""


def whole_map(pixels: PixelMap, circled: tuple[str, ...] = ()) -> View:
    """The whole map (scaled down to at most `MAX_VIEW_PIXELS`) with `circled` stations ringed."""
    view = View.of(pixels.size)
    return replace(view, marks=tuple(ring(pixels, sid, view.scale) for sid in circled))


def crop_around(pixels: PixelMap, sid: str, side: float, circled: tuple[str, ...] = ()) -> View:
    """A window of about `side` map pixels centred on station `sid` (moved to stay inside the map)."""
    view = View.of(pixels.size, window_around(pixels.pos[sid], side, pixels.size))
    return replace(view, marks=tuple(ring(pixels, s, view.scale) for s in circled))


def ring_name(pixels: PixelMap) -> str:
    """The name of the colour the map's rings are drawn in, as questions say it."""
    return ring_colour(pixels.line_colours)[0]


def crop_side(pixels: PixelMap, sid: str, zoom: float, needed: float = 0.0) -> float:
    """The side of a crop around `sid`: the least (`MIN_CROP_PX`, `CROP_RADII` radii, `needed`) times `zoom`,
    at most `MAX_CROP_SHARE` of the map's shorter side."""
    return min(max(MIN_CROP_PX, CROP_RADII * pixels.radius(sid), needed) * zoom, max_crop_side(pixels))


def max_crop_side(pixels: PixelMap) -> float:
    return MAX_CROP_SHARE * min(pixels.size)


def ring(pixels: PixelMap, sid: str, scale: float) -> Mark:
    radius = max(RING_RADII * pixels.radius(sid), MIN_RING_PX / 2 / scale)
    return Mark(center=pixels.pos[sid], radius=round(radius, 2), color=ring_colour(pixels.line_colours)[1])


def alone_in_ring(pixels: PixelMap, sid: str, scale: float) -> bool:
    """Whether no other located station lies inside the ring around `sid`: the ring names one station."""
    return pixels.nearest(sid) > ring(pixels, sid, scale).radius


def apart(pixels: PixelMap, a: str, b: str, scale: float) -> bool:
    """Whether two stations' rings, drawn at `scale`, would not overlap (each is told from the other)."""
    return math.dist(pixels.pos[a], pixels.pos[b]) > ring(pixels, a, scale).radius + ring(pixels, b, scale).radius

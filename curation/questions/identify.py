"""Identify (perception): the map with stations circled — "Which station is circled?", and with two circled
on one line, "Which line runs between them?" / "How many stops are there between them?".

The marks are rings drawn on a copy of the map (`curation.questions.marking`); only located
stations with no other station inside their ring are circled, two circled stations are far enough apart for
their rings not to touch, and a pair
shares exactly one line (so "the line between them" has one answer) with an unambiguous ride along it.
Difficulty comes from the pixels: a pair takes its harder station's.
"""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage, sample
from curation.questions.context import CityContext
from curation.questions.marking import alone_in_ring, apart, ring_name, whole_map
from curation.questions.pixel_difficulty import PixelDifficulty, pixel_difficulty
from curation.questions.pixels import PixelMap
from curation.questions.rides import Ride, sample_rides
from curation.questions.templates import IDENTIFY_LINE, IDENTIFY_STATION, IDENTIFY_STOPS, boxed
from curation.questions.views import View

STAGE = Stage.JUDGEMENT
PER_MAP = 9
KIND = "station"
MAX_BETWEEN = 6
"""Two circled stations have at most this many stops between them."""


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    pixels = ctx.pixels
    if pixels is None:
        return []
    singles, lines = count - 2 * (count // 3), count // 3
    scale = whole_map(pixels).scale
    alone = {sid for sid in pixels.located if alone_in_ring(pixels, sid, scale)}
    drafts = [_station(ctx, pixels, sid) for sid in sample(rng, sorted(alone), singles)]
    rides = sample_rides(ctx, rng, 2 * lines, lambda ride: _pair(ctx, pixels, ride, alone, scale))
    drafts += [_line(ctx, pixels, ride) for ride in rides[:lines]]
    drafts += [_stops(ctx, pixels, ride) for ride in rides[lines:]]
    return drafts


def _station(ctx: CityContext, pixels: PixelMap, sid: str) -> Draft:
    view = whole_map(pixels, (sid,))
    difficulty = pixel_difficulty(pixels, sid, view)
    name = ctx.station_name(sid)
    return Draft(type="Identify", template="identify_station", question=IDENTIFY_STATION.format(ring=ring_name(pixels)),
                 answer={"value": sid, "name": name, "line": None, "pixels": difficulty.to_dict()},
                 answer_text=boxed(name), station_1=sid, kind="station", level=difficulty.level, view=view)


def _pair(ctx: CityContext, pixels: PixelMap, ride: Ride, alone: set[str], scale: float) -> bool:
    """Whether the ride's two ends can be circled together: each `alone` in its ring, the rings apart at `scale`."""
    a, b = ride.start, ride.end
    stations = ctx.network.stations
    return (a < b and a in alone and b in alone and len(ride.between) <= MAX_BETWEEN
            and len(set(stations[a].lines) & set(stations[b].lines)) == 1 and apart(pixels, a, b, scale)
            and b not in ctx.walk_partners.get(a, ()))


def _line(ctx: CityContext, pixels: PixelMap, ride: Ride) -> Draft:
    circled = (ride.start, ride.end)
    view = whole_map(pixels, circled)
    difficulty = _hardest(pixels, view, circled)
    name = ctx.line_name(ride.line)
    return Draft(type="Identify", template="identify_line", question=IDENTIFY_LINE.format(ring=ring_name(pixels)),
                 answer={"value": ride.line, "name": name, "stations": list(circled), "pixels": difficulty.to_dict()},
                 answer_text=boxed(name), station_1=ride.start, station_2=ride.end, kind="line",
                 level=difficulty.level, view=view)


def _stops(ctx: CityContext, pixels: PixelMap, ride: Ride) -> Draft:
    circled = (ride.start, ride.end)
    view = whole_map(pixels, circled)
    difficulty = _hardest(pixels, view, circled)
    count = len(ride.between)
    return Draft(type="Identify", template="identify_stops", question=IDENTIFY_STOPS.format(ring=ring_name(pixels)),
                 answer={"value": count, "line": ride.line, "stations": list(circled), "pixels": difficulty.to_dict()},
                 answer_text=boxed(count), station_1=ride.start, station_2=ride.end, kind="integer",
                 level=difficulty.level, view=view)


def _hardest(pixels: PixelMap, view: View, circled: tuple[str, ...]) -> PixelDifficulty:
    """The difficulty of the harder circled station to read."""
    both = [pixel_difficulty(pixels, sid, view) for sid in circled]
    return max(both, key=lambda d: (d.level, sum(d.points.values())))

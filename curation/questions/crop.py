"""Crops (perception, local): a window of the map around one station, cut at native resolution —
"Which lines pass through the circled station?" and "On line X from A towards B, which station comes next?".

A crop shows no legend, so each question gives the colours of the lines it shows ("Blue Line (blue), Red
Line (red)": the lines of the stations inside it and of the asked station); a crop whose lines lack a
colour word (`curation.questions.line_color.colour_name`), or share one, is not asked.
A crop is at least `MIN_CROP_PX` and `CROP_RADII` marker radii wide, times a seeded zoom
(`CROP_ZOOMS`): the wider crops hold more lines and labels, the distractors that make them hard, and
the pixel difficulty measures them (`curation.questions.pixel_difficulty`, crop measures included). The
view records the crop's window, so every answer maps back to the full map. A next-stop crop is wide
enough to show the next stop, `NEXT_STOP_MARGIN` radii inside its edge, and is asked only when such a
crop is no wider than a crop may be (`curation.questions.marking.MAX_CROP_SHARE` of the map's shorter side).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from curation.questions.base import Draft, Stage, spread
from curation.questions.context import CityContext
from curation.questions.line_color import colour_name
from curation.questions.marking import CROP_ZOOMS, alone_in_ring, crop_around, crop_side, max_crop_side, ring_name
from curation.questions.pixel_difficulty import pixel_difficulty
from curation.questions.pixels import PixelMap
from curation.questions.rides import Ride, sample_rides
from curation.questions.templates import CROP_LINES, CROP_NEXT_STOP, boxed
from curation.questions.views import View

STAGE = Stage.CROP
PER_MAP = 10
KIND = "lines"
NEXT_STOP_MARGIN = 3.0


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    pixels = ctx.pixels
    if pixels is None:
        return []
    lines, next_stops = count - count // 2, count // 2
    drafts = _lines(ctx, pixels, rng, lines)
    rides = sample_rides(ctx, rng, 2 * next_stops, lambda ride: _shows_next(pixels, ride))
    asked = (_next_stop(ctx, pixels, ride, rng.choice(CROP_ZOOMS)) for ride in rides)
    drafts += [draft for draft in asked if draft is not None][:next_stops]
    return drafts


def colour_key(ctx: CityContext, view: View, asked: tuple[str, ...]) -> str | None:
    """"Blue Line (blue), Red Line (red)" for the lines the crop shows, or None when one has no colour word of
    its own among them."""
    inside = [sid for sid, s in ctx.network.stations.items() if s.pos is not None and view.contains(s.pos)]
    lines = sorted({lid for sid in (*inside, *asked) for lid in ctx.network.stations[sid].lines}, key=ctx.line_name)
    colours = [ctx.network.lines[lid].color for lid in lines]
    words = [colour_name(c) if c else None for c in colours]
    if None in words or len(set(words)) < len(words):
        return None
    return ", ".join(f"{ctx.line_name(lid)} ({word})" for lid, word in zip(lines, words, strict=True))


def _lines(ctx: CityContext, pixels: PixelMap, rng: random.Random, count: int) -> list[Draft]:
    """Stations drawn in turn across line counts, so one-line stations do not dominate."""
    by_count: dict[int, list[str]] = defaultdict(list)
    for sid in pixels.located:
        by_count[len(ctx.network.stations[sid].lines)].append(sid)
    drafts: list[Draft] = []
    for sid in spread(rng, [by_count[n] for n in sorted(by_count)], len(pixels.located)):
        if len(drafts) == count:
            break
        view = crop_around(pixels, sid, crop_side(pixels, sid, rng.choice(CROP_ZOOMS)), (sid,))
        key = colour_key(ctx, view, (sid,))
        if key is None or not alone_in_ring(pixels, sid, view.scale):
            continue
        difficulty = pixel_difficulty(pixels, sid, view, ctx.network)
        lines = sorted(ctx.network.stations[sid].lines, key=ctx.line_name)
        names = [ctx.line_name(lid) for lid in lines]
        drafts.append(Draft(
            type="CropLines", template="crop_lines", question=CROP_LINES.format(key=key, ring=ring_name(pixels)),
            answer={"value": sorted(lines), "names": names, "pixels": difficulty.to_dict()},
            answer_text=boxed(", ".join(names)), station_1=sid, kind="lines", level=difficulty.level, view=view))
    return drafts


def _needed(pixels: PixelMap, ride: Ride) -> float:
    """The side a crop centred on the ride's start needs to show its next stop."""
    reach = math.dist(pixels.pos[ride.start], pixels.pos[ride.next_stop])
    return 2 * (reach + NEXT_STOP_MARGIN * pixels.radius(ride.next_stop))


def _shows_next(pixels: PixelMap, ride: Ride) -> bool:
    if ride.start not in pixels.pos or ride.next_stop not in pixels.pos or not ride.between:
        return False
    return _needed(pixels, ride) <= max_crop_side(pixels)


def _next_stop(ctx: CityContext, pixels: PixelMap, ride: Ride, zoom: float) -> Draft | None:
    view = crop_around(pixels, ride.start, crop_side(pixels, ride.start, zoom, _needed(pixels, ride)))
    key = colour_key(ctx, view, (ride.start, ride.next_stop))
    if key is None:
        return None
    difficulty = pixel_difficulty(pixels, ride.next_stop, view, ctx.network)
    name = ctx.station_name(ride.next_stop)
    return Draft(
        type="CropNextStop", template="crop_next_stop",
        question=CROP_NEXT_STOP.format(a=ctx.station_name(ride.start), key=key, line=ctx.line_phrase(ride.line),
                                       b=ctx.station_name(ride.end)),
        answer={"value": ride.next_stop, "name": name, "line": ride.line, "pixels": difficulty.to_dict()},
        answer_text=boxed(name), station_1=ride.start, station_2=ride.end, kind="station", level=difficulty.level,
        view=view)

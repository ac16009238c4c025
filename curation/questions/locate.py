"""Locate (perception): "Point to 〈station〉 on this map" — answered with a point, or with the marker's box.

Asked only of located stations (`curation.questions.pixels`), on the whole map (scaled down when larger
than `MAX_VIEW_PIXELS`). Each question states its coordinate convention (`curation.coordinates`, seeded:
pixels or 0–1000) and records it; the gold point is the station's `pos`, the gold box its marker's box.
A box question is asked only of a station with a marker box at least `MIN_BOX_UNITS` wide in its
convention, so that a gold box written in whole units still overlaps the true one well (IoU ≥ 0.67).
Difficulty comes from the pixels (`curation.questions.pixel_difficulty`).
"""

from __future__ import annotations

import random

from curation.coordinates import COORDS, Box, format_box, format_point, to_coords
from curation.questions.base import Draft, Stage, sample
from curation.questions.context import CityContext
from curation.questions.marking import whole_map
from curation.questions.pixel_difficulty import pixel_difficulty
from curation.questions.templates import COORDS_TEXT, LOCATE_BOX, LOCATE_POINT, boxed

STAGE = Stage.JUDGEMENT
PER_MAP = 10
KIND = "point"
BOX_SHARE = 0.3
"""The share of questions that ask for the marker's box, where the station has one."""
MIN_BOX_UNITS = 10


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    pixels = ctx.pixels
    if pixels is None:
        return []
    view = whole_map(pixels)
    drafts = []
    for sid in sample(rng, pixels.located, count):
        coords = COORDS[rng.random() < 0.5]
        box = pixels.marker_box(sid)
        shown_box = view.box_to_shown(box)
        as_box = (rng.random() < BOX_SHARE and sid in pixels.markers
                  and _units(shown_box, view.size, coords) >= MIN_BOX_UNITS)
        name = ctx.station_name(sid)
        difficulty = pixel_difficulty(pixels, sid, view)
        answer = {"value": sid, "name": name, "point": list(pixels.pos[sid]), "box": list(box),
                  "radius": pixels.radius(sid), "coords": coords, "pixels": difficulty.to_dict()}
        if as_box:
            question, text, kind = LOCATE_BOX, format_box(shown_box, view.size, coords), "box"
        else:
            text = format_point(view.to_shown(pixels.pos[sid]), view.size, coords)
            question, kind = LOCATE_POINT, "point"
        drafts.append(Draft(
            type="Locate", template=f"locate_{kind}", question=question.format(a=name, coords=COORDS_TEXT[coords]),
            answer=answer, answer_text=boxed(text), station_1=sid, kind=kind,
            level=difficulty.level, view=view))
    return drafts


def _units(box: Box, size: tuple[int, int], coords: str) -> float:
    """The box's smaller side in units of `coords`."""
    x0, y0 = to_coords((box[0], box[1]), size, coords)
    x1, y1 = to_coords((box[2], box[3]), size, coords)
    return min(x1 - x0, y1 - y0)

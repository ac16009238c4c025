"""LineColor (new): which line is drawn in a given colour? Only for lines whose colour is known,
clearly one hue (not between two names), unique on the map, and not already in the line's name
(no "which line is green? the Green Line")."""

from __future__ import annotations

import colorsys
import random
from collections import Counter

from curation.network.model import Line
from curation.questions.base import Draft, Stage, sample
from curation.questions.context import CityContext
from curation.questions.templates import LINE_COLOR, boxed

STAGE = Stage.COUNTING
PER_MAP = 5
KIND = "line"

# Hue bands in degrees (start, end, name); hues within MARGIN of a band edge are ambiguous.
HUE_BANDS = ((0, 12, "red"), (12, 42, "orange"), (42, 70, "yellow"), (70, 165, "green"), (165, 190, None),
             (190, 255, "blue"), (255, 300, "purple"), (300, 345, "pink"), (345, 360, "red"))
MARGIN = 3
COLOUR_WORDS = {"red": ("red", "vermelha", "rossa", "红"), "orange": ("orange", "laranja", "橙"),
                "yellow": ("yellow", "amarela", "gialla", "黄"), "green": ("green", "verde", "绿"),
                "blue": ("blue", "azul", "blu", "蓝"), "purple": ("purple", "violet", "紫"),
                "pink": ("pink", "rosa", "粉"), "brown": ("brown", "marrom", "棕"), "grey": ("grey", "gray", "silver")}


def colour_name(hex_colour: str) -> str | None:
    """A plain colour word for `#RRGGBB`, or None when the colour sits between two words."""
    r, g, b = (int(hex_colour[i: i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.2:
        return "grey" if 0.3 < lightness < 0.8 else None
    degrees = hue * 360
    for start, end, name in HUE_BANDS:
        if start <= degrees < end:
            near_edge = min(degrees - start, end - degrees) < MARGIN and (start, end) not in ((0, 12), (345, 360))
            if name == "orange" and lightness < 0.42:
                return "brown"
            return None if near_edge else name
    return None


def _named_after(line: Line, colour: str) -> bool:
    texts = " ".join([*line.names.values(), *line.aliases]).casefold()
    return any(word in texts for word in COLOUR_WORDS.get(colour, (colour,)))


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    named = {lid: colour_name(line.color) for lid, line in ctx.network.lines.items() if line.color}
    uses = Counter(name for name in named.values() if name)
    asked = sorted(lid for lid, name in named.items()
                   if name and uses[name] == 1 and not _named_after(ctx.network.lines[lid], name))
    return [
        Draft(type="LineColor", template="line_color", question=LINE_COLOR.format(color=named[lid]),
              answer={"value": lid, "name": ctx.line_name(lid), "color": ctx.network.lines[lid].color,
                      "color_name": named[lid]},
              answer_text=boxed(ctx.line_name(lid)))
        for lid in sample(rng, asked, count)
    ]

"""LineColor (new): which line is drawn in a given colour? Only for lines whose colour is known
and whose colour name is unique on the map (New York's three red lines are not asked)."""

from __future__ import annotations

import random
from collections import Counter

from curation.questions.base import Draft, sample
from curation.questions.context import CityContext
from curation.questions.templates import LINE_COLOR, boxed

# Named colours as transit maps use them; a line's hex colour takes the nearest name.
PALETTE = {
    "red": (220, 30, 45), "orange": (245, 140, 20), "yellow": (250, 205, 25), "green": (0, 150, 70),
    "light green": (140, 200, 60), "teal": (0, 160, 160), "blue": (0, 90, 180), "light blue": (100, 180, 230),
    "purple": (130, 50, 150), "pink": (235, 110, 170), "brown": (140, 90, 40), "grey": (150, 150, 150),
}


def colour_name(hex_colour: str) -> str:
    """The palette name nearest to `#RRGGBB` (squared distance in RGB)."""
    rgb = tuple(int(hex_colour[i: i + 2], 16) for i in (1, 3, 5))
    return min(PALETTE, key=lambda name: sum((a - b) ** 2 for a, b in zip(PALETTE[name], rgb, strict=True)))


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    named = {lid: colour_name(line.color) for lid, line in ctx.network.lines.items() if line.color}
    uses = Counter(named.values())
    unique = sorted(lid for lid, name in named.items() if uses[name] == 1)
    return [
        Draft(type="LineColor", template="line_color", question=LINE_COLOR.format(color=named[lid]),
              answer={"value": lid, "name": ctx.line_name(lid), "color": ctx.network.lines[lid].color,
                      "color_name": named[lid]},
              answer_text=boxed(ctx.line_name(lid)))
        for lid in sample(rng, unique, count)
    ]

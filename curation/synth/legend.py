"""The map's legend: each line's colour beside its name, in rows under the drawing (as printed maps have).

Without it a drawn map names no line anywhere, and every question that asks for a line by name — a route's
`Route Name`, "Which line runs between them?" — could only be guessed from colours. Entries follow the
drawing order of the lines, each a short stroke in the line's colour and width and its name in the first
printed language the line has a name in; rows wrap at the drawing's width.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from curation.network.model import Line, Network
from curation.synth.fonts import label_font
from curation.synth.strokes import ordered_lines
from curation.synth.style import RGB, Style
from curation.synth.text import LabelBlock, TextLine, draw_block

SWATCH_EMS = 2.5
"""A swatch is this many font sizes long."""
GAP_EMS = 0.5
"""Space between a swatch and its name."""
SPACING_EMS = 1.5
"""Space after an entry, before the next in the row."""
LEADING_EMS = 0.6
"""Space between rows."""


@dataclass(frozen=True)
class LegendEntry:
    line_id: str
    color: RGB
    block: LabelBlock
    left: float
    top: float
    """The entry's top-left corner, from the legend's."""


@dataclass(frozen=True)
class Legend:
    entries: tuple[LegendEntry, ...]
    width: float
    height: float
    row_height: float


def line_label(line: Line, languages: tuple[str, ...]) -> tuple[str, str]:
    """(language, name) printed for `line`: the first requested language it has a name in, else its first name."""
    for lang in languages:
        if line.names.get(lang, "").strip():
            return lang, line.names[lang].strip()
    lang, name = next(iter(line.names.items()), ("und", line.id))
    return lang, name.strip() or line.id


def layout_legend(network: Network, colors: dict[str, RGB], style: Style, languages: tuple[str, ...],
                  max_width: float, font_dir: str | None = None) -> Legend:
    """The entries placed in rows no wider than `max_width` (one entry at least per row)."""
    em = style.font_px
    swatch = SWATCH_EMS * em + GAP_EMS * em
    row_height = max(em * 1.2, style.line_width)
    entries, x, y, width = [], 0.0, 0.0, 0.0
    for line_id in ordered_lines(network):
        lang, text = line_label(network.lines[line_id], languages)
        font = label_font(text, em, font_dir)
        bbox = tuple(int(v) for v in font.getbbox(text))
        block = LabelBlock(line_id, (TextLine(lang, text, font, (bbox[0], bbox[1], bbox[2], bbox[3])),), 1)
        entry_width = swatch + block.size[0]
        if x > 0 and x + entry_width > max_width:
            x, y = 0.0, y + row_height + LEADING_EMS * em
        entries.append(LegendEntry(line_id, colors[line_id], block, x, y))
        width = max(width, x + entry_width)
        x += entry_width + SPACING_EMS * em
    return Legend(tuple(entries), width, (y + row_height) if entries else 0.0, row_height)


def draw_legend(canvas: npt.NDArray[np.uint8], legend: Legend, style: Style, left: int, top: int) -> None:
    """Draw `legend` with its top-left corner at (`left`, `top`) canvas pixels."""
    em, row_height = style.font_px, legend.row_height
    for entry in legend.entries:
        x, y = left + entry.left, top + entry.top
        middle = round(y + row_height / 2)
        cv2.line(canvas, (round(x), middle), (round(x + SWATCH_EMS * em), middle), entry.color,
                 int(style.line_width), cv2.LINE_AA)
        text_top = y + (row_height - entry.block.size[1]) / 2
        draw_block(canvas, entry.block, (x + (SWATCH_EMS + GAP_EMS) * em, text_top, 0.0, 0.0), 1, 0, 0)

"""Station label blocks: one line of text per printed language, measured, then blended into the canvas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from curation.network.model import Network, Station
from curation.synth.fonts import label_font
from curation.synth.style import INK, Style

Box = tuple[float, float, float, float]


@dataclass(frozen=True, eq=False)
class TextLine:
    lang: str
    text: str
    font: ImageFont.FreeTypeFont
    bbox: tuple[int, int, int, int]  # ink box relative to the drawing origin (Pillow's getbbox)

    @property
    def width(self) -> int:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> int:
        return self.bbox[3] - self.bbox[1]


@dataclass(frozen=True, eq=False)
class LabelBlock:
    """A station's label: its text lines stacked top to bottom with `spacing` px between them."""

    station_id: str
    lines: tuple[TextLine, ...]
    spacing: int

    @property
    def size(self) -> tuple[int, int]:
        return (max(t.width for t in self.lines),
                sum(t.height for t in self.lines) + self.spacing * (len(self.lines) - 1))


def printed_names(station: Station, languages: tuple[str, ...], network_languages: list[str]) -> list[tuple[str, str]]:
    """(language, text) to print: the requested languages the station has a name in, else its first name."""
    names = [(lang, station.names[lang].strip()) for lang in languages if station.names.get(lang, "").strip()]
    if names:
        return names
    for lang in [*network_languages, *sorted(station.names)]:
        if station.names.get(lang, "").strip():
            return [(lang, station.names[lang].strip())]
    return []


def label_blocks(network: Network, languages: tuple[str, ...], style: Style,
                 font_dir: str | None = None) -> dict[str, LabelBlock]:
    """Every station's label block (stations without any name get none)."""
    blocks = {}
    for sid in sorted(network.stations):
        names = printed_names(network.stations[sid], languages, network.languages)
        lines = []
        for i, (lang, text) in enumerate(names):
            font = label_font(text, style.font_px if i == 0 else style.second_font_px, font_dir)
            x0, y0, x1, y1 = (int(v) for v in font.getbbox(text))
            lines.append(TextLine(lang, text, font, (x0, y0, x1, y1)))
        if lines:
            blocks[sid] = LabelBlock(sid, tuple(lines), max(1, round(0.25 * style.second_font_px)))
    return blocks


def draw_block(canvas: npt.NDArray[np.uint8], block: LabelBlock, box: Box, align: int, dx: int,
               dy: int) -> dict[str, Box]:
    """Blend the block's text into `canvas` with its box's corner at (box + (dx, dy)) rounded to whole pixels;
    `align` < 0 right-aligns, 0 centres, > 0 left-aligns the lines. Returns each language's exact ink box."""
    width, _ = block.size
    left, top = round(box[0] + dx), round(box[1] + dy)
    out = {}
    for line in block.lines:
        pad = 0 if align > 0 else width - line.width if align < 0 else (width - line.width) // 2
        x0, y0 = left + pad, top
        mask_image = Image.new("L", (max(line.width, 1), max(line.height, 1)), 0)
        ImageDraw.Draw(mask_image).text((-line.bbox[0], -line.bbox[1]), line.text, font=line.font, fill=255)
        mask = np.asarray(mask_image, dtype=np.uint16)
        h = min(mask.shape[0], canvas.shape[0] - y0)
        w = min(mask.shape[1], canvas.shape[1] - x0)
        mask = mask[:h, :w]
        region = canvas[y0:y0 + h, x0:x0 + w]
        ink = np.array(INK, dtype=np.uint16)
        blended = (region.astype(np.uint16) * (255 - mask[..., None]) + ink * mask[..., None] + 127) // 255
        region[:] = blended.astype(np.uint8)
        rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        if len(rows):
            out[line.lang] = (float(x0 + cols[0]), float(y0 + rows[0]), float(x0 + cols[-1] + 1),
                              float(y0 + rows[-1] + 1))
        else:
            out[line.lang] = (float(x0), float(y0), float(x0 + w), float(y0 + h))
        top += line.height + block.spacing
    return out

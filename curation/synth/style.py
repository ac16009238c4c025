"""Sizes and colours of a synthetic metro map, all proportional to one scale factor."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

BASE_UNIT_PX = 48.0  # one layout grid unit (the minimum station spacing) at scale 1

BACKGROUND: RGB = (0xF6, 0xF4, 0xEF)  # off-white paper, distinct from the white marker fill
MARKER_FILL: RGB = (0xFF, 0xFF, 0xFF)
MARKER_DARK: RGB = (0x22, 0x22, 0x22)  # interchange outline
INK: RGB = (0x1A, 0x1A, 0x1A)  # label text

# Used in order for lines that have no colour of their own: saturated, distinct from one another and from the paper.
PALETTE = ("#E3002B", "#0072BC", "#00A650", "#F39800", "#8E44AD", "#00A0B0", "#A0522D", "#E4007F",
           "#7FB800", "#1F3A93", "#C9A100", "#6D6E71")


@dataclass(frozen=True)
class Style:
    """Every drawing size in pixels for one scale."""

    scale: float
    unit: float  # px per grid unit
    line_width: float  # stroke width of one line
    line_gap: float  # paper showing between parallel strokes
    station_radius: float  # outer radius of a plain station circle (outline included)
    station_outline: float
    interchange_radius: float  # outer radius of an interchange circle / capsule end
    interchange_outline: float
    font_px: int  # size of a single-language label
    second_font_px: int  # size of the lower language of a stacked label
    label_gap: float  # distance from a marker to its label
    margin: float  # empty paper around the drawing

    @property
    def stroke_spacing(self) -> float:
        """Centre-to-centre distance of two parallel strokes."""
        return self.line_width + self.line_gap


def style_for(scale: float) -> Style:
    """The style at `scale` (1 = a 48 px grid unit)."""
    return Style(
        scale=scale, unit=BASE_UNIT_PX * scale, line_width=float(max(1, round(6 * scale))), line_gap=1.5 * scale,
        station_radius=6.5 * scale, station_outline=2.2 * scale,
        interchange_radius=8.5 * scale, interchange_outline=2.6 * scale,
        font_px=max(6, round(14 * scale)), second_font_px=max(5, round(10.5 * scale)),
        label_gap=3.0 * scale, margin=BASE_UNIT_PX * scale,
    )


def hex_rgb(color: str) -> RGB:
    """'#RRGGBB' → (r, g, b)."""
    value = int(color.lstrip("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of ids: `line-2` before `line-10`."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in text.split("-"))

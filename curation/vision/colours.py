"""Line colours on a map image: its dominant saturated colours, matched to the network's lines, and which lines
pass through each station marker.

Colours are compared in CIELAB (ΔE 1976, the Euclidean distance; ~2.3 is a just-noticeable difference), since a
printed line rarely has the exact colour its line's manifest gives. Dominant colours come from a histogram of
the map's saturated pixels (`saturation`, sampled every `stride` pixels, tile by tile so no second full-size copy
exists): the fullest bins first, each bin within `merge` of a kept colour merged into it, colours holding at
least `min_share` of the saturated pixels kept. A network line takes the nearest map colour within `match`;
several lines may take one colour (New York's A, C and E are one blue).

A line whose manifest colour is itself below the saturation cut (`is_grey`: Washington's Silver Line, New York's
L) is matched instead among the map's dominant grey colours: unsaturated pixels between `min_value` and
`max_grey_value` (paper and black text left out), merged the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from curation.errors import MapcurateError
from curation.images import tiles
from curation.vision.markers import BAND, MarkerCandidate, band_around

Lab = tuple[float, float, float]


@dataclass(frozen=True)
class ColourOptions:
    """The knobs of the colour steps (ΔE in CIELAB units)."""

    saturation: int = 90
    """HSV saturation (0–255) from which a pixel counts as line colour."""
    min_value: int = 50
    """HSV value (0–255) below which a pixel is too dark to have a colour (text, outlines)."""
    max_grey_value: int = 235
    """HSV value (0–255) above which an unsaturated pixel is paper, not a grey line."""
    bin_size: float = 4.0
    merge: float = 14.0
    min_share: float = 0.003
    match: float = 30.0
    near: float = 16.0
    """ΔE within which a pixel beside a marker counts as a matched line's colour."""
    min_touch: float = 0.03
    """share of the band around a marker in a line's colour for the line to pass through it."""
    stride: int = 2
    tile_size: int = 2048

    def __post_init__(self) -> None:
        problems = [f"{name} must be positive, but got {getattr(self, name)}"
                    for name in ("bin_size", "merge", "match", "near", "stride", "tile_size")
                    if not getattr(self, name) > 0]
        problems += [f"{name} must be in [0, 1], but got {getattr(self, name)}"
                     for name in ("min_share", "min_touch") if not 0 <= getattr(self, name) <= 1]
        if problems:
            raise MapcurateError("; ".join(problems))


@dataclass(frozen=True)
class MapColour:
    """A colour printed on the map: its CIELAB value, hex and share of the map's saturated pixels."""

    lab: Lab
    share: float

    @property
    def hex(self) -> str:
        return lab_to_hex(self.lab)


def to_lab(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """CIELAB (L 0–100, a and b about ±128) of an (…, 3) array of 8-bit sRGB pixels."""
    if rgb.size == 0:
        return np.zeros((*rgb.shape[:-1], 3))
    flat = np.ascontiguousarray(rgb.reshape(-1, 1, 3), dtype=np.uint8)
    lab = cv2.cvtColor(flat, cv2.COLOR_RGB2LAB).reshape(*rgb.shape[:-1], 3).astype(np.float64)
    lab[..., 0] *= 100 / 255
    lab[..., 1:] -= 128
    return lab


def _hex_rgb(color: str) -> npt.NDArray[np.uint8]:
    """A #RRGGBB colour as a (1, 3) array of 8-bit sRGB."""
    if len(color) != 7 or color[0] != "#":
        raise MapcurateError(f"a colour must be #RRGGBB, but got {color!r}")
    try:
        return np.array([[int(color[i:i + 2], 16) for i in (1, 3, 5)]], dtype=np.uint8)
    except ValueError:
        raise MapcurateError(f"a colour must be #RRGGBB, but got {color!r}") from None


def hex_to_lab(color: str) -> Lab:
    lab = to_lab(_hex_rgb(color))[0]
    return float(lab[0]), float(lab[1]), float(lab[2])


def lab_to_hex(lab: Lab) -> str:
    pixel = np.array([[[lab[0] * 255 / 100, lab[1] + 128, lab[2] + 128]]], dtype=np.float64)
    rgb = cv2.cvtColor(np.clip(np.rint(pixel), 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)[0, 0]
    return "#" + "".join(f"{int(v):02X}" for v in rgb)


def delta_e(a: Lab, b: Lab) -> float:
    return float(np.hypot(np.hypot(a[0] - b[0], a[1] - b[1]), a[2] - b[2]))


def is_grey(color: str, options: ColourOptions | None = None) -> bool:
    """Whether a manifest's #RRGGBB is below the saturation cut, so its line is looked for among the greys."""
    options = options or ColourOptions()
    return bool(cv2.cvtColor(_hex_rgb(color)[None], cv2.COLOR_RGB2HSV)[0, 0, 1] < options.saturation)


def _coloured(rgb: npt.NDArray[np.uint8], options: ColourOptions, grey: bool) -> npt.NDArray[np.bool_]:
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)
    if grey:
        mask: npt.NDArray[np.bool_] = ((hsv[..., 1] < options.saturation) & (hsv[..., 2] >= options.min_value)
                                       & (hsv[..., 2] <= options.max_grey_value))
    else:
        mask = (hsv[..., 1] >= options.saturation) & (hsv[..., 2] >= options.min_value)
    return mask


def dominant_colours(image: Image.Image, options: ColourOptions | None = None, *, grey: bool = False
                     ) -> tuple[MapColour, ...]:
    """The map's line-like colours, the most common first (see the module doc); with `grey`, its dominant greys.
    Deterministic."""
    options = options or ColourOptions()
    if image.mode != "RGB":
        raise MapcurateError(f"dominant_colours needs an 8-bit RGB image, but got mode {image.mode}")
    counts: dict[tuple[int, int, int], int] = {}
    sums: dict[tuple[int, int, int], npt.NDArray[np.float64]] = {}
    for _, _, tile in tiles(image, options.tile_size):
        rgb = np.asarray(tile)[::options.stride, ::options.stride]
        tile.close()
        lab = to_lab(rgb[_coloured(rgb, options, grey)])
        if not len(lab):
            continue
        keys, inverse, number = np.unique(np.floor(lab / options.bin_size).astype(np.int64), axis=0,
                                          return_inverse=True, return_counts=True)
        totals = np.zeros((len(keys), 3))
        np.add.at(totals, inverse.reshape(-1), lab)
        for key, n, total in zip(map(tuple, keys.tolist()), number.tolist(), totals, strict=True):
            counts[key] = counts.get(key, 0) + n
            sums[key] = sums.get(key, np.zeros(3)) + total
    everything = sum(counts.values())
    if not everything:
        return ()
    kept: list[tuple[npt.NDArray[np.float64], int]] = []  # (sum of Lab, count) per colour
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        mean = sums[key] / counts[key]
        for i, (total, n) in enumerate(kept):
            if np.linalg.norm(total / n - mean) <= options.merge:
                kept[i] = (total + sums[key], n + counts[key])
                break
        else:
            kept.append((sums[key].copy(), counts[key]))
    colours = [MapColour(_lab(total / n), n / everything) for total, n in kept if n / everything >= options.min_share]
    return tuple(sorted(colours, key=lambda c: (-c.share, c.lab)))


def _lab(values: npt.NDArray[np.float64]) -> Lab:
    return round(float(values[0]), 3), round(float(values[1]), 3), round(float(values[2]), 3)


def match_lines(colours: Iterable[MapColour], line_colours: Mapping[str, str],
                options: ColourOptions | None = None, *, greys: Iterable[MapColour] = ()) -> dict[str, MapColour]:
    """Each network line (id → its manifest's #RRGGBB) with the nearest map colour within `match` ΔE: among
    `colours`, or among `greys` (`dominant_colours(grey=True)`) for a line whose manifest colour `is_grey`."""
    options = options or ColourOptions()
    found, grey_found = list(colours), list(greys)
    matched = {}
    for line_id, color in sorted(line_colours.items()):
        target = hex_to_lab(color)
        among = grey_found if is_grey(color, options) else found
        best = min(among, key=lambda c: (delta_e(c.lab, target), c.lab), default=None)
        if best is not None and delta_e(best.lab, target) <= options.match:
            matched[line_id] = best
    return matched


def marker_lines(image: Image.Image, markers: Iterable[MarkerCandidate], lines: Mapping[str, MapColour],
                 options: ColourOptions | None = None) -> list[tuple[str, ...]]:
    """For each marker, the lines whose colour fills at least `min_touch` of the `BAND` around its rim."""
    options = options or ColourOptions()
    ids = sorted(lines)
    targets = np.array([lines[i].lab for i in ids]).reshape(-1, 3)
    out: list[tuple[str, ...]] = []
    for marker in markers:
        box, distance = band_around(marker.x, marker.y, marker.radius, image.size)
        rgb = np.asarray(image.crop(box))
        band = (distance > BAND[0] * marker.radius) & (distance < BAND[1] * marker.radius)
        if not band.any() or not ids:
            out.append(())
            continue
        lab = to_lab(rgb[band])
        near = np.linalg.norm(lab[:, None, :] - targets[None, :, :], axis=2) <= options.near
        share = near.mean(axis=0)
        out.append(tuple(i for i, s in zip(ids, share, strict=True) if s >= options.min_touch))
    return out


LINE_SHARE = 0.01
"""share of the saturated pixels from which a dominant colour is taken for a line's (most lines hold 5–30 %)."""
LINE_CHROMA = 20.0
"""CIELAB chroma from which a dominant colour is taken for a line's (dark brown text on a JPEG is not a line)."""


def line_colours(colours: Iterable[MapColour], matched: Mapping[str, MapColour]) -> tuple[MapColour, ...]:
    """The colours lines are drawn in: the matched lines' and every dominant colour holding `LINE_SHARE` (most
    manifests give no line colours, and a printed colour can be far from its manifest's) and `LINE_CHROMA`."""
    taken = (c for c in colours if c.share >= LINE_SHARE and float(np.hypot(c.lab[1], c.lab[2])) >= LINE_CHROMA)
    return tuple(sorted({*matched.values(), *taken},
                        key=lambda c: (-c.share, c.lab)))


def line_mask(image: Image.Image, colours: Iterable[MapColour], options: ColourOptions | None = None
              ) -> npt.NDArray[np.bool_]:
    """Where `image` shows one of `colours` (within `near` ΔE of it), computed tile by tile (`near_colours`)."""
    options = options or ColourOptions()
    mask = np.zeros((image.height, image.width), dtype=bool)
    colours = tuple(colours)
    if not colours:
        return mask
    for x0, y0, tile in tiles(image, options.tile_size):
        mask[y0:y0 + tile.height, x0:x0 + tile.width] = near_colours(np.asarray(tile), colours, options)
        tile.close()
    return mask


def near_colours(rgb: npt.NDArray[np.uint8], colours: Iterable[MapColour], options: ColourOptions | None = None
                 ) -> npt.NDArray[np.bool_]:
    """Where the (H, W, 3) `rgb` shows one of `colours` (within `near` ΔE of it).

    An image holds far fewer distinct colours than pixels: each distinct 24-bit colour is compared once and the
    answer looked up per pixel."""
    options = options or ColourOptions()
    targets = np.array(sorted({c.lab for c in colours})).reshape(-1, 3)
    wide = rgb.astype(np.uint32)
    codes = (wide[..., 0] << 16) | (wide[..., 1] << 8) | wide[..., 2]
    if not len(targets):
        return np.zeros(codes.shape, dtype=bool)
    seen = np.zeros(1 << 24, dtype=bool)
    seen[codes] = True
    distinct = np.flatnonzero(seen)
    lab = to_lab(np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=-1).astype(np.uint8))
    near = np.zeros(len(distinct), dtype=bool)
    for target in targets:
        near |= np.linalg.norm(lab - target, axis=1) <= options.near
    seen[distinct] = near  # reused as the answer per distinct colour
    answer: npt.NDArray[np.bool_] = seen[codes]
    return answer

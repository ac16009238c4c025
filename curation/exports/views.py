"""Rendering the views questions show (`curation.questions.views.View`), each stored once by content hash.

A view is cut from the NATIVE map, whatever `--max-pixels` did to the stored map: the gold answers of
pixel questions are in the view's own size (`view.size`), so views are never resized by the export.
Each city's map is decoded once and all its views are rendered from that one decoded image; views
sharing a window and size share one resized base, which each view's rings are drawn on a copy of.

- the window is cut at native resolution and resized to `size` (Lanczos) when the sizes differ;
- each mark is a ring in its colour (`Mark.color`: magenta, cyan or lime) centred on `view.to_shown(center)`,
  its stroke centred on the radius `radius · view.scale` (shown pixels), `max(2, round(RING_WIDTH · radius))`
  pixels wide, over a white halo `HALO` pixels wider on each side, so it reads on dark and light maps alike;
- the image is PNG without metadata (no text chunks, no timestamps, no ICC profile): the same view of the
  same map always gives the same bytes.

A view image's id is `<city>-<first 8 hex of its PNG's sha256>` (the map scheme), so identical views are
stored once. A whole-map view (`view.is_whole_map`) is the map itself: the map's own row when the export
stores the map at native size, else a row holding the native file's bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from curation.errors import SourceError
from curation.exports.maps import MapImage, NativeMap
from curation.images import normalise
from curation.questions.views import View

RING_WIDTH = 0.25
"""A ring's stroke, as a share of its shown radius (at least 2 pixels)."""
HALO = 1
"""White pixels on each side of a ring's stroke."""
HALO_COLOR = "#FFFFFF"
REDUCING_GAP = 3.0
"""As `curation.images.downsize`: a large reduction first shrinks by a whole factor (box filter)."""
LANCZOS_REACH = 4
"""Map pixels (times the reduction) a Lanczos resize reads beyond its box: its support of 3, and a margin."""
Window = tuple[int, int, int, int]
Size = tuple[int, int]


def parse_view(text: str, question: str, path: Path | None = None) -> View:
    """A question row's `view` JSON as a `View`; a `SourceError` naming the question (and its file) when it is
    not one."""
    try:
        return View.from_dict(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        detail = " ".join(f"{exc} in {text[:80]}".split())
        raise SourceError(f"question {question} has a malformed view ({detail})", path) from exc


def ring_width(shown_radius: float) -> int:
    return max(2, round(RING_WIDTH * shown_radius))


def draw_marks(image: Image.Image, view: View) -> None:
    """Draw `view`'s rings on `image` (the shown image, `view.size`)."""
    draw = ImageDraw.Draw(image)
    for mark in view.marks:
        (x, y), radius = view.to_shown(mark.center), mark.radius * view.scale
        width = ring_width(radius)
        for extra, colour in ((HALO, HALO_COLOR), (0, mark.color)):
            outer = radius + width / 2 + extra
            draw.ellipse((x - outer, y - outer, x + outer, y + outer), outline=colour, width=width + 2 * extra)


def base_image(decoded: Image.Image, window: Window, size: Size) -> Image.Image:
    """The window of the decoded map as 8-bit RGB, resized to `size` (Lanczos) when it is another size.

    The resize reads the map's pixels just outside the window too (Lanczos' reach), as resizing the whole map
    with that box would. An RGB map is resized straight from the decoded image; another mode is cut first
    (the window and that reach) and normalised per piece (`curation.images.decode_image`), so a palette map
    is never held as full-size RGB for a crop, and gives the same pixels as its RGB twin.
    """
    x0, y0, x1, y1 = window
    same_size = (x1 - x0, y1 - y0) == size
    plain = decoded.mode == "RGB" and "transparency" not in decoded.info
    if plain:
        return decoded.crop(window) if same_size else _resized(decoded, window, size)
    if same_size:
        return normalise(decoded.crop(window))
    pad = math.ceil(LANCZOS_REACH * max(1.0, (x1 - x0) / size[0], (y1 - y0) / size[1])) + 2
    outer = (max(0, x0 - pad), max(0, y0 - pad), min(decoded.width, x1 + pad), min(decoded.height, y1 + pad))
    piece = normalise(decoded if outer == (0, 0, *decoded.size) else decoded.crop(outer))
    try:
        return _resized(piece, (x0 - outer[0], y0 - outer[1], x1 - outer[0], y1 - outer[1]), size)
    finally:
        if piece is not decoded:
            piece.close()


def _resized(image: Image.Image, box: Window, size: Size) -> Image.Image:
    return image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes without metadata (`image.info` is cleared): the same pixels always give the same bytes."""
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def render(decoded: Image.Image, view: View) -> bytes:
    """The PNG of `view` cut from `decoded` (the native map)."""
    return _marked(base_image(decoded, view.window, view.size), view)


def _marked(image: Image.Image, view: View) -> bytes:
    """`image` (the view's window at its size, owned here) with the view's rings, as PNG."""
    try:
        draw_marks(image, view)
        return encode_png(image)
    finally:
        image.close()


def render_group(decoded: Image.Image, views: list[View]) -> list[bytes]:
    """PNGs of views sharing one window and size: the resized window is made once, each view drawn on a copy."""
    base = base_image(decoded, views[0].window, views[0].size)
    return [_marked(base if i == len(views) - 1 else base.copy(), view) for i, view in enumerate(views)]


def view_row(map_row: MapImage, view: View, data: bytes) -> MapImage:
    """The `maps.parquet` row of a rendered view of `map_row`."""
    digest = hashlib.sha256(data).hexdigest()
    view_id = f"{map_row.city}-{digest[:8]}"
    return replace(map_row, map_id=view_id, file_name=f"{view_id}.png", data=data, width=view.size[0],
                   height=view.size[1], sha256=digest, source_sha256=map_row.source_sha256, annotation=None,
                   view_of=map_row.map_id, view=view.to_json())


def whole_map_row(native: NativeMap, map_row: MapImage, view: View) -> MapImage:
    """A whole-map view: the map's own row at native size, else the native file's bytes in a row of their own."""
    if (map_row.width, map_row.height) == native.size:
        return map_row
    view_id = f"{map_row.city}-{native.info.sha256[:8]}"
    return replace(map_row, map_id=view_id, file_name=f"{view_id}.png", data=native.data, width=native.size[0],
                   height=native.size[1], sha256=native.info.sha256, annotation=None, view_of=map_row.map_id,
                   view=view.to_json())


def render_views(native: NativeMap, map_row: MapImage, views: Iterable[tuple[str, View]]) -> dict[str, MapImage]:
    """Each view's row (keyed by the view JSON it was asked with), rendered from the one decoded native map.

    Views of another map size than the native map's are refused: their questions were asked of another image.
    """
    wanted = dict(sorted(views, key=lambda item: item[0]))
    for view in wanted.values():
        if view.map_size != native.size:
            raise SourceError(f"{native.city.slug}'s questions show views of a {view.map_size[0]} × "
                              f"{view.map_size[1]} map, but the map is {native.size[0]} × {native.size[1]}: "
                              f"regenerate the questions", native.path)
    rows = {text: whole_map_row(native, map_row, view) for text, view in wanted.items() if view.is_whole_map}
    groups: dict[tuple[Window, Size], list[tuple[str, View]]] = {}
    for text, view in wanted.items():
        if not view.is_whole_map:
            groups.setdefault((view.window, view.size), []).append((text, view))
    for _, members in sorted(groups.items()):
        rendered = render_group(native.decoded(), [view for _, view in members])
        rows.update((text, view_row(map_row, view, data)) for (text, view), data in zip(members, rendered, strict=True))
    return rows

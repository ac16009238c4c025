"""Render a laid-out network to a PNG and its exact annotation.

Lines and markers are drawn with OpenCV (antialiased, 1/16 px precision) into one uint8 RGB canvas;
labels are drawn with FreeType (Pillow) as masks alpha-blended into it. Everything is computed in
"world" pixels first (layout × grid unit), labels are placed, and the image is then sized around
all of it with a margin, so every label lies inside the image, and a legend (`curation.synth.legend`:
each line's colour and name) below it.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt
import shapely
from PIL import Image

from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.errors import MapcurateError
from curation.network.model import Network
from curation.synth.geometry import Layout
from curation.synth.labels import DIRECTIONS, LabelSpec, Placement, ambiguous_labels, place_labels
from curation.synth.legend import draw_legend, layout_legend
from curation.synth.strokes import (
    SUBPIXEL,
    MarkerShape,
    Stroke,
    build_markers,
    build_strokes,
    line_joins,
    line_polylines,
    ordered_lines,
    serving_lines,
)
from curation.synth.style import BACKGROUND, MARKER_FILL, PALETTE, RGB, Style, hex_rgb, style_for
from curation.synth.text import Box, LabelBlock, draw_block, label_blocks

TOOL = "mapcurate-synth/1"
PNG_COMPRESS_LEVEL = 6
MAX_PIXELS = 200_000_000


class RenderError(MapcurateError):
    """Render options or inputs that cannot make an image."""


@dataclass(frozen=True)
class RenderOptions:
    scale: float = 1.0  # multiplies every size: the grid unit is 48 × scale px
    megapixels: float | None = None  # if set, the scale is picked so the image has about this many pixels
    languages: tuple[str, ...] = ("en",)  # labels printed per station, stacked top to bottom
    label_seed: int = 0
    font_dir: str | None = None  # search only this folder for the CJK font (default: installed packages)


@dataclass(frozen=True)
class RenderedMap:
    png: bytes
    annotation: Annotation
    stats: dict[str, int | float] = field(default_factory=dict)


@dataclass
class _Scene:
    style: Style
    colors: dict[str, RGB]
    strokes: dict[tuple[tuple[str, str], str], Stroke]
    polylines: dict[str, list[tuple[tuple[float, float], ...]]]
    markers: dict[str, MarkerShape]
    blocks: dict[str, LabelBlock]
    placement: Placement
    bounds: tuple[float, float, float, float]


def render_map(network: Network, layout: Layout, file_name: str, options: RenderOptions = RenderOptions()
               ) -> RenderedMap:
    """Draw `network` at `layout`; the annotation gives every marker, label box and traced line exactly."""
    _check(network, layout, options)
    scale = options.scale
    if options.megapixels is not None:
        x0, y0, x1, y1 = _compose(network, layout, style_for(1.0), options).bounds
        margin = style_for(1.0).margin
        scale = math.sqrt(options.megapixels * 1e6 / ((x1 - x0 + 2 * margin) * (y1 - y0 + 2 * margin)))
    scene = _compose(network, layout, style_for(scale), options)
    x0, y0, x1, y1 = scene.bounds
    margin = scene.style.margin
    dx, dy = math.floor(margin - x0), math.floor(margin - y0)  # whole pixels keep the 1/16 px grid
    legend = layout_legend(network, scene.colors, scene.style, options.languages, x1 - x0, options.font_dir)
    legend_top = math.ceil(y1 + dy + margin)
    width = math.ceil(max(x1 + dx, dx + x0 + legend.width) + margin)
    height = math.ceil(legend_top + legend.height + margin)
    if width * height > MAX_PIXELS:
        raise RenderError(f"the image must have at most {MAX_PIXELS} pixels, but got {width} × {height}")
    canvas = np.empty((height, width, 3), dtype=np.uint8)
    canvas[:] = BACKGROUND
    _draw_strokes(canvas, network, scene, dx, dy)
    label_boxes = {}
    for placed in scene.placement.labels:
        align = DIRECTIONS[placed.direction.rstrip("+")][0]
        label_boxes[placed.key] = draw_block(canvas, scene.blocks[placed.key], placed.box, align, dx, dy)
    for sid in sorted(scene.markers):
        _draw_marker(canvas, scene.markers[sid], dx, dy)
    draw_legend(canvas, legend, scene.style, math.floor(x0 + dx), legend_top)
    image = Image.fromarray(canvas, mode="RGB")
    del canvas
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    del image
    png = buffer.getvalue()
    ref = ImageRef(file_name=file_name, sha256=hashlib.sha256(png).hexdigest(), width=width, height=height)
    annotation = _annotation(network, scene, ref, label_boxes, dx, dy)
    stats: dict[str, int | float] = dict(scene.placement.stats())
    stats.update(width=width, height=height, scale=round(scale, 6), stations=len(network.stations),
                 lines=len(network.lines), marker_crossings=_marker_crossings(network, scene),
                 labels_ambiguous=_ambiguous(annotation))
    return RenderedMap(png=png, annotation=annotation, stats=stats)


def _check(network: Network, layout: Layout, options: RenderOptions) -> None:
    if not (math.isfinite(options.scale) and 0.05 <= options.scale <= 50):
        raise RenderError(f"scale must be a number from 0.05 to 50, but got {options.scale!r}")
    if options.megapixels is not None and not (math.isfinite(options.megapixels) and
                                               0.01 <= options.megapixels <= MAX_PIXELS / 1e6):
        raise RenderError(f"megapixels must be from 0.01 to {MAX_PIXELS / 1e6:g}, but got {options.megapixels!r}")
    if not options.languages:
        raise RenderError("languages must name at least one language, but got none")
    missing = sorted(set(network.stations) - set(layout.positions))
    if missing:
        raise RenderError(f"the layout must place every station, but got no position for {', '.join(missing[:5])}")
    edges = sorted({tuple(sorted(e)) for line in network.lines.values() for e in line.edges()})
    unlaid = [f"{a}–{b}" for a, b in edges if (a, b) not in layout.edges]
    if unlaid:
        raise RenderError(f"the layout must give every track edge a course, but got none for {', '.join(unlaid[:5])}")


def _ambiguous(annotation: Annotation) -> int:
    """Labels nearer another station's marker than their own (see `labels.ambiguous_labels`)."""
    marks = [(m, m.marker) for m in annotation.stations if m.marker is not None]
    labels = []
    for mark, marker in marks:
        boxes = [label.box for label in mark.labels.values() if label.box is not None]
        if boxes:  # stacked labels of one station read as one block
            block = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                     max(b[3] for b in boxes))
            labels.append((block, marker.box))
    return ambiguous_labels(labels, [marker.box for _, marker in marks])


def line_colors(network: Network) -> dict[str, RGB]:
    """Each line's colour; lines without one take the palette's colours in line order."""
    colors, spare = {}, 0
    for line_id in ordered_lines(network):
        color = network.lines[line_id].color
        if color:
            colors[line_id] = hex_rgb(color)
        else:
            colors[line_id] = hex_rgb(PALETTE[spare % len(PALETTE)])
            spare += 1
    return colors


def _compose(network: Network, layout: Layout, style: Style, options: RenderOptions) -> _Scene:
    """Every shape in world pixels, labels placed, and the bounds of all of it."""
    colors = line_colors(network)
    strokes = build_strokes(network, layout, style)
    polylines = line_polylines(network, strokes)
    markers = build_markers(network, layout, strokes, style, colors)
    blocks = label_blocks(network, options.languages, style, options.font_dir)
    specs = [LabelSpec(sid, markers[sid].box, block.size) for sid, block in sorted(blocks.items())]
    placement = place_labels(specs, [markers[s].box for s in sorted(markers)], [s.points for s in strokes.values()],
                             style.line_width / 2 + style.label_gap / 2, style.label_gap, seed=options.label_seed,
                             clearance=0.7 * style.font_px)
    half = style.line_width / 2 + 1
    boxes = [m.box for m in markers.values()] + [p.box for p in placement.labels]
    boxes += [(x - half, y - half, x + half, y + half) for s in strokes.values() for x, y in s.points]
    bounds = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return _Scene(style, colors, strokes, polylines, markers, blocks, placement, bounds)


def _cv_points(points: tuple[tuple[float, float], ...] | list[tuple[float, float]], dx: int,
               dy: int) -> npt.NDArray[np.int32]:
    """Annotation pixels (origin at the top-left pixel's outer corner) → OpenCV fixed point (pixel centres)."""
    return np.array([[round((x + dx - 0.5) * SUBPIXEL), round((y + dy - 0.5) * SUBPIXEL)] for x, y in points],
                    dtype=np.int32)


def _draw_strokes(canvas: npt.NDArray[np.uint8], network: Network, scene: _Scene, dx: int, dy: int) -> None:
    """Each line's strokes, edge by edge, with the short joins between parallel offsets at stations."""
    width = int(scene.style.line_width)
    joins = line_joins(network, scene.strokes)
    for line_id in ordered_lines(network):
        paths = [s.points for (_, lid), s in sorted(scene.strokes.items()) if lid == line_id] + joins[line_id]
        cv2.polylines(canvas, [_cv_points(p, dx, dy) for p in paths], False, scene.colors[line_id], width,
                      cv2.LINE_AA, 4)


def _draw_marker(canvas: npt.NDArray[np.uint8], marker: MarkerShape, dx: int, dy: int) -> None:
    """The rounded hull of the marker's core: the outline colour, then the white fill inside it."""
    core = _cv_points(marker.core, dx, dy)
    for color, radius in ((marker.outline_color, marker.radius), (MARKER_FILL, marker.radius - marker.outline)):
        if len(core) == 1:
            centre = (int(core[0][0]), int(core[0][1]))
            cv2.circle(canvas, centre, round(radius * SUBPIXEL), color, -1, cv2.LINE_AA, 4)
            continue
        if len(core) > 2:
            cv2.fillConvexPoly(canvas, core, color, cv2.LINE_AA, 4)
        cv2.polylines(canvas, [core], True, color, max(1, round(2 * radius)), cv2.LINE_AA, 4)


def _annotation(network: Network, scene: _Scene, image: ImageRef, label_boxes: dict[str, dict[str, Box]],
                dx: int, dy: int) -> Annotation:
    provenance = Provenance(source="synthetic", tool=TOOL)
    stations = []
    for sid in sorted(network.stations):
        marker = scene.markers[sid]
        x0, y0, x1, y1 = marker.box
        box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        cx, cy = marker.centre
        texts = {line.lang: line.text for line in scene.blocks[sid].lines} if sid in scene.blocks else {}
        labels = {lang: Label(text, label_boxes[sid][lang]) for lang, text in texts.items()}
        stations.append(StationMark(id=sid, pos=(cx + dx, cy + dy), provenance=provenance, kind=marker.kind,
                                    marker=Marker(marker.shape, box), labels=labels, network_id=sid))
    lines = []
    for line_id in ordered_lines(network):
        polylines = tuple(tuple((x + dx, y + dy) for x, y in p) for p in scene.polylines[line_id])
        if not polylines:
            continue
        line = network.lines[line_id]
        r, g, b = scene.colors[line_id]
        lines.append(LineTrace(id=line_id, names=dict(line.names), polylines=polylines, provenance=provenance,
                               color=f"#{r:02X}{g:02X}{b:02X}", network_id=line_id))
    return Annotation(image=image, stations=tuple(stations), lines=tuple(lines))


def _marker_crossings(network: Network, scene: _Scene) -> int:
    """Markers that a stroke of a line not serving the station crosses (a layout fault, counted)."""
    served = serving_lines(network)
    keys = sorted(scene.strokes)
    if not keys or not scene.markers:
        return 0
    tree = shapely.STRtree([shapely.LineString(scene.strokes[k].points).buffer(scene.style.line_width / 2)
                            for k in keys])
    sids = sorted(scene.markers)
    mi, si = tree.query([shapely.box(*scene.markers[s].box) for s in sids], predicate="intersects")
    return len({sids[m] for m, k in zip(mi.tolist(), si.tolist(), strict=True) if keys[k][1] not in served[sids[m]]})

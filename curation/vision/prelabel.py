"""`mapcurate prelabel`: a city's map read into a proposed annotation — markers, names, kinds — for review.

The map file is read once through the safe image reader. Its label height is measured on a few windows and the map
rescaled to the scale its labels read best at (`curation.vision.scale`; decoded at 3 bytes a pixel,
`images.decode_pixels`, once for the measurement and once to rescale, never two copies at once), then processed
tile by tile: line colours matched to the network's (`colours`, its grey lines among the map's greys), markers
found (on grey lines too), text read, broken labels joined (`labels`) and matched to the city's station list (a
name several stations share told apart by the lines beside it, `namesakes`), the labels associated with the
markers or, without one, the line beside them (`associate`, `snap`), and each placed station's lines read from the
colours around it. Positions are given back in full-image pixels. Written, each atomically, to
`<out>/<city>/prelabel/`:

- `annotation.json` — the shared annotation format (stations only, no line traces yet), provenance `prelabel`,
  for `mapcurate annotate push --annotation` to send as predictions and `mapcurate build-graph --positions` to
  take positions from; a confidence per station: a named station's is its match score (0–1) times twice its
  marker's line contact, capped at 1 (on the line without a marker: times `ON_LINE_CONFIDENCE`); an unnamed
  marker's is half its contact;
- `summary.json` — counts, the station-list stations not found, matched texts that found no marker, and the
  texts that matched no station;
- `overlay.png` — the map as read (shrunk to at most `OVERLAY_PIXELS`): stations named at a marker in green,
  named on a line in blue, unnamed markers in orange.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from curation.annotations.io import write_annotation
from curation.annotations.model import Annotation, Box, ImageRef, Label, Marker, Provenance, StationMark
from curation.atomic import write_bytes_atomic, write_json_atomic
from curation.cities import City
from curation.errors import SourceError
from curation.images import decode_image, decode_pixels, downsize, map_source
from curation.names import has_cjk
from curation.network.build import build_network
from curation.network.model import Network
from curation.vision.associate import Association, associate
from curation.vision.colours import (
    dominant_colours,
    is_grey,
    line_colours,
    line_mask,
    marker_lines,
    match_lines,
    near_colours,
)
from curation.vision.labels import join_labels
from curation.vision.markers import MarkerOptions, detect_markers, station_radius
from curation.vision.match import NameMatcher
from curation.vision.namesakes import Lines, tell_apart
from curation.vision.ocr import OcrOptions, read_text
from curation.vision.scale import reading_scale, rescale, sample_windows
from curation.vision.snap import LineSnapper, without_text

TOOL = "mapcurate-vision (OpenCV markers, RapidOCR)"
DEFAULT_RADIUS = 8.0
"""the station radius (full-image px) assumed on a map where no marker is found."""
ON_LINE_CONFIDENCE = 0.5
"""how sure a station placed on the line beside its label is, against 1 for a marker with a line through it."""
OVERLAY_PIXELS = 16_000_000


@dataclass(frozen=True)
class PrelabelReport:
    """What a prelabel run found and where it wrote it."""

    city: str
    markers: int
    texts: int
    named: int
    unnamed: int
    reference: int
    """stations in the city's station list."""
    missing: list[str]
    folder: Path
    scale: float = 1.0
    """the scale the map was read at (`curation.vision.scale`)."""
    on_marker: int = 0
    """named stations placed at a marker (the others on the line beside their label)."""

    @property
    def recall(self) -> float:
        return self.named / self.reference if self.reference else 0.0


def prelabel_folder(city: City, out: Path) -> Path:
    return out / city.slug / "prelabel"


def prelabel(city: City, data_root: Path, *, out: Path = Path("exports"),
             markers: MarkerOptions | None = None, ocr: OcrOptions | None = None,
             on_step: Callable[[str, int, int], None] | None = None) -> PrelabelReport:
    """Read `city`'s map into a proposed annotation and write it with its summary and overlay (module doc)."""
    pinned = map_source(city, data_root)
    if pinned is None:
        raise SourceError(f"city {city.slug!r} has no map image to prelabel (no [sources.map])", city.manifest_path)
    info, content = pinned.read()  # read and pin-checked once; decoded from these bytes
    network = build_network(city, data_root).network
    ref = ImageRef(pinned.path.name, info.sha256, info.width, info.height)
    pixels = decode_pixels(content, pinned.path)  # 3 bytes a pixel
    samples = sample_windows(pixels)
    del pixels  # the text detector's first run (its largest memory) never sits beside a full-size copy
    measured = reading_scale(samples)
    if measured.scale == 1.0:  # read as it is: Pillow's own copy
        work = decode_image(content, pinned.path)
    else:
        pixels = decode_pixels(content, pinned.path)
        work = rescale(pixels, measured.scale)
        del pixels

    def step(name: str) -> Callable[[int, int], None] | None:
        return (lambda done, total: on_step(name, done, total)) if on_step else None

    manifest = {k: v.color for k, v in network.lines.items() if v.color}
    grey = {k for k, color in manifest.items() if is_grey(color)}
    dominant = dominant_colours(work)
    colours = match_lines(dominant, manifest, greys=dominant_colours(work, grey=True) if grey else ())
    grey_lines = tuple(colours[k] for k in sorted(grey & colours.keys()))
    found = detect_markers(work, markers, on_tile=step("markers"),
                           line_pixels=partial(near_colours, colours=grey_lines) if grey_lines else None)
    texts = read_text(work, ocr, on_tile=step("text"))
    matcher = NameMatcher.of_network(network)
    radius = station_radius(found) or DEFAULT_RADIUS * measured.scale
    matched = tell_apart(join_labels(texts, matcher), matcher, Lines.of_network(network, colours), work)
    lines_drawn = without_text(line_mask(work, line_colours(dominant, colours)), (t.quad for t in texts))
    snapper = LineSnapper(lines_drawn, np.asarray(work.convert("L")), radius,
                          text_height=(measured.text_height or 0.0) * measured.scale)
    association = associate(found, matched, radius, snapper=snapper)
    lines = marker_lines(work, [p.marker for p in association.placed], colours)
    to_full = Rescaled(1 / measured.scale)
    annotation = _annotation(ref, network, association, lines, city.station_language, to_full)
    overlay = _overlay(work, association, (info.width, info.height))  # all computed before the first file is written
    work.close()
    folder = prelabel_folder(city, out)
    write_annotation(folder / "annotation.json", annotation)
    placed = {p.station_id for p in association.placed}
    on_marker = sum(p.on == "marker" for p in association.placed)
    missing = sorted(set(network.stations) - placed)
    write_json_atomic(folder / "summary.json", {
        "city": city.slug, "image": ref.to_dict(),
        "reading_scale": {"scale": measured.scale, "text_height": measured.text_height, "boxes": measured.boxes},
        "markers": len(found), "station_radius": round(to_full.length(radius), 3),
        "texts": len(texts), "named": len(placed),
        "named_on_marker": on_marker, "named_on_line": len(placed) - on_marker,
        "unnamed": len(association.unnamed),
        "reference_stations": len(network.stations), "missing": missing,
        "unplaced_texts": [{"text": t.text, "station": m.station_id, "box": list(to_full.box(t.box))}
                           for t, m in association.unplaced],
        "unmatched_texts": [{"text": t.text, "box": list(to_full.box(t.box))} for t, m in matched if m is None],
        "line_colours": {k: v.hex for k, v in sorted(colours.items())},
    })
    write_bytes_atomic(folder / "overlay.png", overlay)
    return PrelabelReport(city.slug, len(found), len(texts), len(placed), len(association.unnamed),
                          len(network.stations), missing, folder, measured.scale, on_marker)


@dataclass(frozen=True)
class Rescaled:
    """Lengths and points from the scale the map was read at back to full-image pixels."""

    factor: float

    def length(self, value: float) -> float:
        return value * self.factor

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (round(x * self.factor, 3), round(y * self.factor, 3))

    def box(self, box: Box) -> Box:
        return (*self.point(box[0], box[1]), *self.point(box[2], box[3]))

    def marker(self, marker: Marker | None) -> Marker | None:
        return None if marker is None else Marker(marker.shape, self.box(marker.box))


def _annotation(image: ImageRef, network: Network, association: Association, lines: list[tuple[str, ...]],
                latin: str, to_full: Rescaled) -> Annotation:
    provenance = Provenance("prelabel", tool=TOOL)
    stations = []
    for placed, on_lines in zip(association.placed, lines, strict=True):
        labels: dict[str, Label] = {}
        for text in placed.texts:
            labels.setdefault("zh" if has_cjk(text.text) else (latin if latin != "zh" else "en"),
                              Label(text.text, to_full.box(text.box)))
        station = network.stations[placed.station_id]
        kind = "interchange" if len(station.lines) > 1 or len(on_lines) > 1 else placed.marker.kind
        sure = min(1.0, 2 * placed.marker.contact) if placed.on == "marker" else ON_LINE_CONFIDENCE
        confidence = round(min(1.0, placed.match.score / 100 * sure), 3)
        marker = placed.marker.to_marker() if placed.on == "marker" else None
        stations.append(StationMark(placed.station_id, to_full.point(placed.marker.x, placed.marker.y), provenance,
                                    kind, to_full.marker(marker), labels, placed.station_id, confidence))
    for i, found in enumerate(association.unnamed):
        stations.append(StationMark(f"marker-{i:04d}", to_full.point(found.x, found.y), provenance, found.kind,
                                    to_full.marker(found.to_marker()),
                                    confidence=round(min(1.0, found.contact) / 2, 3)))
    return Annotation(image, tuple(stations))


def _overlay(image: Image.Image, association: Association, full: tuple[int, int]) -> bytes:
    """Drawn on the map as read (its last use) when it is no larger than the full-size map and `OVERLAY_PIXELS`,
    else on a shrunk copy."""
    small = downsize(image, min(OVERLAY_PIXELS, full[0] * full[1]))
    scale = small.width / image.width
    draw = ImageDraw.Draw(small)
    width = max(2, round(3 * scale * 2))
    for colour, found in (((0, 170, 60), [p.marker for p in association.placed if p.on == "marker"]),
                          ((0, 110, 255), [p.marker for p in association.placed if p.on == "line"]),
                          ((255, 140, 0), list(association.unnamed))):
        for m in found:
            r = (m.radius + 4) * scale + 2
            draw.ellipse((m.x * scale - r, m.y * scale - r, m.x * scale + r, m.y * scale + r), outline=colour,
                         width=width)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()

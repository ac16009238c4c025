"""`mapcurate prelabel`: a city's map read into a proposed annotation — markers, names, kinds — for review.

The map is read once through the safe image reader and processed tile by tile (markers, colours, text), so the
largest map holds one full-size copy. Its markers are found, its text read and matched to the city's station
list, the labels associated with the markers (`associate`), and each placed station's lines read from the
colours around its marker. Written, each atomically, to `<out>/<city>/prelabel/`:

- `annotation.json` — the shared annotation format (stations only, no line traces yet), provenance `prelabel`,
  for `mapcurate annotate push --annotation` to send as predictions; a confidence per station: a
  named station's is its match score (0–1) times twice its marker's line contact, capped at 1; an unnamed
  marker's is half its contact;
- `summary.json` — counts, the station-list stations not found, matched texts that found no marker, and the
  texts that matched no station;
- `overlay.png` — the map (shrunk to at most `OVERLAY_PIXELS`) with named markers in green, unnamed in orange.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from curation.annotations.io import write_annotation
from curation.annotations.model import Annotation, ImageRef, Label, Provenance, StationMark
from curation.atomic import write_bytes_atomic, write_json_atomic
from curation.cities import City
from curation.errors import SourceError
from curation.images import decode_image, downsize, map_source
from curation.names import has_cjk
from curation.network.build import build_network
from curation.network.model import Network
from curation.vision.associate import Association, associate
from curation.vision.colours import dominant_colours, marker_lines, match_lines
from curation.vision.markers import MarkerCandidate, MarkerOptions, detect_markers, station_radius
from curation.vision.match import NameMatcher
from curation.vision.ocr import OcrOptions, read_text

TOOL = "mapcurate-vision (OpenCV markers, RapidOCR)"
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
    image = decode_image(content, pinned.path)
    ref = ImageRef(pinned.path.name, info.sha256, info.width, info.height)

    def step(name: str) -> Callable[[int, int], None] | None:
        return (lambda done, total: on_step(name, done, total)) if on_step else None

    found = detect_markers(image, markers, on_tile=step("markers"))
    texts = read_text(image, ocr, on_tile=step("text"))
    matcher = NameMatcher.of_network(network)
    matched = [(text, matcher.match(text.text)) for text in texts]
    radius = station_radius(found) or 8.0
    association = associate(found, matched, radius)
    colours = match_lines(dominant_colours(image), {k: v.color for k, v in network.lines.items() if v.color})
    lines = marker_lines(image, [p.marker for p in association.placed], colours)
    annotation = _annotation(ref, network, association, lines, city.station_language)
    overlay = _overlay(image, association)  # everything computed before the first file is written
    image.close()
    folder = prelabel_folder(city, out)
    write_annotation(folder / "annotation.json", annotation)
    placed = {p.station_id for p in association.placed}
    missing = sorted(set(network.stations) - placed)
    write_json_atomic(folder / "summary.json", {
        "city": city.slug, "image": ref.to_dict(), "markers": len(found), "station_radius": round(radius, 3),
        "texts": len(texts), "named": len(placed), "unnamed": len(association.unnamed),
        "reference_stations": len(network.stations), "missing": missing,
        "unplaced_texts": [{"text": t.text, "station": m.station_id, "box": list(t.box)}
                           for t, m in association.unplaced],
        "unmatched_texts": [{"text": t.text, "box": list(t.box)} for t, m in matched if m is None],
        "line_colours": {k: v.hex for k, v in sorted(colours.items())},
    })
    write_bytes_atomic(folder / "overlay.png", overlay)
    return PrelabelReport(city.slug, len(found), len(texts), len(placed), len(association.unnamed),
                          len(network.stations), missing, folder)


def _annotation(image: ImageRef, network: Network, association: Association, lines: list[tuple[str, ...]],
                latin: str) -> Annotation:
    provenance = Provenance("prelabel", tool=TOOL)
    stations = []
    for placed, on_lines in zip(association.placed, lines, strict=True):
        labels: dict[str, Label] = {}
        for text in placed.texts:
            labels.setdefault("zh" if has_cjk(text.text) else (latin if latin != "zh" else "en"),
                              Label(text.text, text.box))
        station = network.stations[placed.station_id]
        kind = "interchange" if len(station.lines) > 1 or len(on_lines) > 1 else placed.marker.kind
        confidence = round(min(1.0, placed.match.score / 100 * min(1.0, 2 * placed.marker.contact)), 3)
        stations.append(StationMark(placed.station_id, _pos(placed.marker), provenance, kind,
                                    placed.marker.to_marker(), labels, placed.station_id, confidence))
    for i, marker in enumerate(association.unnamed):
        stations.append(StationMark(f"marker-{i:04d}", _pos(marker), provenance, marker.kind, marker.to_marker(),
                                    confidence=round(min(1.0, marker.contact) / 2, 3)))
    return Annotation(image, tuple(stations))


def _pos(marker: MarkerCandidate) -> tuple[float, float]:
    return (round(marker.x, 3), round(marker.y, 3))


def _overlay(image: Image.Image, association: Association) -> bytes:
    """Drawn on the map itself when it is small enough (its last use), else on a shrunk copy."""
    small = downsize(image, OVERLAY_PIXELS)
    scale = small.width / image.width
    draw = ImageDraw.Draw(small)
    width = max(2, round(3 * scale * 2))
    for colour, found in (((0, 170, 60), [p.marker for p in association.placed]),
                          ((255, 140, 0), list(association.unnamed))):
        for m in found:
            r = (m.radius + 4) * scale + 2
            draw.ellipse((m.x * scale - r, m.y * scale - r, m.x * scale + r, m.y * scale + r), outline=colour,
                         width=width)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()

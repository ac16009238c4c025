"""Review overlays: a city's network (stations, names, lines, findings) drawn over its map, downscaled.

The map is faded so the network stands out: each line's traced geometry in its colour, each station
as a ring (green; red, with its name in the network, where the quality report has a warning or an
error about it), and a panel listing the findings by code. Positions come from `graph.json` (`pos`,
line `geometry`), which holds full-image pixels of the image it names; an overlay refuses a map that
is not that image.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from curation.atomic import write_bytes_atomic
from curation.cities import City
from curation.errors import MapcurateError, OutputError, SourceError
from curation.images import decode_image, map_source
from curation.network.build import QUALITY_FILE, check_fresh, load_network
from curation.network.model import Network
from curation.synth.fonts import label_font
from curation.synth.style import hex_rgb

OVERLAY_FILE = "overlay.png"
DEFAULT_MAX_SIDE = 2048
_OK, _FLAGGED, _INK, _PANEL = (27, 158, 119), (215, 25, 28), (20, 20, 20), (255, 255, 255)
_SEVERITY_COLOR = {"error": _FLAGGED, "warning": (230, 120, 0), "info": (110, 110, 110)}


def overlay_image(image: Image.Image, network: Network, findings: list[dict[str, Any]]) -> Image.Image:
    """Draw `network` over `image` (already at its display size; positions are scaled to it)."""
    if network.image is None or not any(s.pos for s in network.stations.values()):
        raise MapcurateError(f"{network.city}'s graph.json has no station positions to draw; build it from an "
                             "annotation (mapcurate render, or an annotation source in city.toml)")
    width, height = network.image["width"], network.image["height"]
    outside = sorted(sid for sid, s in network.stations.items()
                     if s.pos is not None and not (0 <= s.pos[0] <= width and 0 <= s.pos[1] <= height))
    outside += sorted(line.id for line in network.lines.values()
                      if any(not (0 <= x <= width and 0 <= y <= height) for p in line.geometry for x, y in p))
    if outside:
        raise MapcurateError(f"{network.city}'s graph.json puts {', '.join(outside[:5])} outside its "
                             f"{width} × {height} image; rebuild it from the annotation")
    sx, sy = image.width / width, image.height / height
    canvas = (np.asarray(image.convert("RGB"), dtype=np.float32) * 0.4 + 255 * 0.6).astype(np.uint8)
    unit = max(2, round(max(image.size) / 700))
    for line in sorted(network.lines.values(), key=lambda x: x.id):
        color = hex_rgb(line.color or "#444444")
        for polyline in line.geometry:
            points = np.array([[x * sx * 16, y * sy * 16] for x, y in polyline], dtype=np.int32)
            cv2.polylines(canvas, [points], False, color, unit, cv2.LINE_AA, shift=4)
    flagged = _flagged_stations(network, findings)
    for sid, station in sorted(network.stations.items()):
        if station.pos is None:
            continue
        centre = (round(station.pos[0] * sx * 16), round(station.pos[1] * sy * 16))
        color = _FLAGGED if sid in flagged else _OK
        cv2.circle(canvas, centre, (unit * 2 + 1) * 16, (255, 255, 255), -1, cv2.LINE_AA, shift=4)
        cv2.circle(canvas, centre, (unit * 2 + 1) * 16, color, max(1, unit // 2 + 1), cv2.LINE_AA, shift=4)
    out = Image.fromarray(canvas)
    draw = ImageDraw.Draw(out)
    size = max(13, unit * 6)
    ring = unit * 2 + 1
    taken = [(s.pos[0] * sx - ring, s.pos[1] * sy - ring, s.pos[0] * sx + ring, s.pos[1] * sy + ring)
             for s in network.stations.values() if s.pos is not None]  # names keep clear of every ring
    for sid in sorted(flagged):
        station = network.stations[sid]
        if station.pos is None:
            continue
        name = next(iter(station.names.values()))
        font = label_font(name, size)
        box = _free_box(draw, name, font, (station.pos[0] * sx, station.pos[1] * sy), unit * 3, taken)
        taken.append(box)
        draw.rectangle(box, fill=(255, 255, 255), outline=_FLAGGED)
        left, top, _, _ = draw.textbbox((0, 0), name, font=font)
        draw.text((box[0] + 2 - left, box[1] + 1 - top), name, font=font, fill=_FLAGGED)
    return _with_panel(out, network, findings, flagged, max(14, out.width // 90))


def _free_box(draw: ImageDraw.ImageDraw, text: str, font: Any, at: tuple[float, float], gap: float,
              taken: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """A box for `text` right of, left of, above or below `at` (the first that overlaps no box in `taken`)."""
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    w, h = x1 - x0 + 4, y1 - y0 + 2
    x, y = at
    tries = [(x + gap, y - h / 2), (x - gap - w, y - h / 2)]
    for step in (1, 2, 3):
        tries += [(x - w / 2, y - gap - step * h), (x - w / 2, y + gap + (step - 1) * h)]
    boxes = [(bx, by, bx + w, by + h) for bx, by in tries]
    free = [b for b in boxes if not any(b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3] for t in taken)]
    return (free or boxes)[0]


def _flagged_stations(network: Network, findings: list[dict[str, Any]]) -> set[str]:
    """Station ids that a warning or an error is about (findings name stations as the curators write them)."""
    by_name: dict[str, set[str]] = {}
    for sid, station in network.stations.items():
        for name in (*station.names.values(), sid, *station.source_names):
            by_name.setdefault(name, set()).add(sid)
            if station.disambiguation:
                by_name.setdefault(f"{name} ({station.disambiguation})", set()).add(sid)
    flagged: set[str] = set()
    for finding in findings:
        if finding.get("severity") in ("error", "warning") and finding.get("station"):
            flagged |= by_name.get(finding["station"], set())
    return flagged


def _with_panel(image: Image.Image, network: Network, findings: list[dict[str, Any]], flagged: set[str],
                size: int) -> Image.Image:
    """A strip below the map: what is drawn, and the findings per code."""
    counts = Counter((f["severity"], f["code"]) for f in findings if f.get("severity") != "info")
    rows: list[tuple[str, tuple[int, int, int]]] = [
        (f"{network.city}: {len(network.stations)} stations, {len(network.lines)} lines; green ring: no finding, "
         f"red ring and name: a warning or an error about it ({len(flagged)} stations)", _INK)]
    if not counts:
        rows.append(("no warnings or errors in quality.json", _OK))
    for (severity, code), n in sorted(counts.items(), key=lambda kv: (kv[0][0] != "error", kv[0][1])):
        rows.append((f"{severity}  {code}  × {n}", _SEVERITY_COLOR[severity]))
    step = round(size * 1.6)
    panel = Image.new("RGB", (image.width, image.height + step * len(rows) + size), _PANEL)
    panel.paste(image, (0, 0))
    draw = ImageDraw.Draw(panel)
    for i, (text, color) in enumerate(rows):
        draw.text((size, image.height + size // 2 + i * step), text, font=label_font(text, size), fill=color)
    return panel


def write_overlay(city: City, data_root: Path, graphs: Path, out: Path | None = None,
                  max_side: int = DEFAULT_MAX_SIDE) -> Path:
    """Draw `city`'s `graphs/<city>/graph.json` and its findings over the city's map; write `overlay.png`."""
    if max_side < 64:
        raise MapcurateError(f"--max-side must be at least 64 pixels, but got {max_side}")
    folder = graphs / city.slug
    network = load_network(folder / "graph.json") if (folder / "graph.json").is_file() else None
    if network is None:
        raise SourceError(f"no graph.json: run `mapcurate build-graph --city {city.slug}` first", folder)
    check_fresh(city, data_root, network.sources, folder / "graph.json")
    findings = _findings(folder / QUALITY_FILE)
    source = map_source(city, data_root)
    if source is None:
        raise SourceError(f"city {city.slug!r} declares no map image to draw on", city.manifest_path)
    info, data = source.read()
    if network.image is not None and info.sha256 != network.image.get("sha256"):
        raise SourceError(f"the positions in graph.json are pixels of image {network.image.get('sha256', '?')[:12]}…, "
                          f"not of this map ({info.sha256[:12]}…); rebuild the graph", source.path)
    scale = min(1.0, max_side / max(info.width, info.height))
    image = decode_image(data, source.path, max_pixels=max(1, int(info.width * info.height * scale * scale)))
    drawn = overlay_image(image, network, findings)
    target = (out or folder) / OVERLAY_FILE
    buffer = _png(drawn)
    try:
        write_bytes_atomic(target, buffer)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", target) from exc
    return target


def _findings(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["findings"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"not a readable quality.json: {exc}", path) from exc


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()

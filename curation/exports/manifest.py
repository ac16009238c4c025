"""`manifest.json`: what an export holds and how it was made, with the sha256 of every file.

No timestamps: the same inputs give the same manifest, byte for byte. The cities of each split
are listed, with the check that no city is in two splits. Each map lists its `kind` and whether it
has station positions (`positions`: its row's `annotation` is set); `kinds` counts cities, maps and
questions per kind (a city's kind is its map's, also when the image is missing). Each map also counts
the view images made of it (`views`), and `views` sums them up: images (each stored once), crops (a
window of the map), scaled (another size than their window), marked (rings drawn) and the questions that
show a view.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curation.cities import City
from curation.exports.canonical import CanonicalExport
from curation.exports.maps import PIL_DEFAULT_MAX_PIXELS
from curation.questions.views import View

if TYPE_CHECKING:
    from curation.exports.export import ExportOptions

MANIFEST_FILE = "manifest.json"
FORMAT = "mapcurate-export/1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    """A file's sha256 and size, as the manifest lists it."""
    return {"sha256": _sha256(path), "bytes": path.stat().st_size}


def manifest(root: Path, export: CanonicalExport, cities: dict[str, City], splits: dict[str, str],
             missing_images: list[str], options: ExportOptions) -> dict[str, Any]:
    """The manifest of the export being written under `root` (every file there but the manifest)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    rows = [r for split_rows in export.questions.values() for r in split_rows]
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for split, split_rows in sorted(export.questions.items()):
        by_type: dict[str, Counter[str]] = {}
        for row in split_rows:
            by_type.setdefault(row["type"], Counter())[row["difficulty_question"]] += 1
        counts[split] = {t: dict(sorted(c.items())) for t, c in sorted(by_type.items())}
    split_cities = {split: sorted(c for c, s in splits.items() if s == split) for split in sorted(set(splits.values()))}
    seen = [c for members in split_cities.values() for c in members]
    views_of = Counter(m["view_of"] for m in export.view_rows().values())
    return {
        "format": FORMAT,
        "name": options.name,
        "questions": len(rows),
        "counts": counts,
        "splits": {"cities": split_cities, "city_disjoint": len(seen) == len(set(seen)),
                   "rule": _split_rule(options)},
        "maps": [{"map_id": m["map_id"], "city": m["city"], "sha256": m["sha256"], "width": m["width"],
                  "height": m["height"], "original_width": m["original_width"],
                  "original_height": m["original_height"], "recommended_max_pixels": m["recommended_max_pixels"],
                  "pil_default": pil_default(m["width"], m["height"]), "kind": m["kind"],
                  "derived_from": m["derived_from"], "positions": m["annotation"] is not None,
                  "views": views_of[m["map_id"]]}
                 for m in sorted(export.map_rows().values(), key=lambda m: m["map_id"])],
        "views": view_counts(export),
        "kinds": kind_counts(export, cities),
        "missing_images": {"cities": missing_images, "questions": sum(1 for r in rows if r["map_id"] is None),
                           "allowed": options.allow_missing_images},
        "options": {"layout": options.layout, "formats": sorted(options.formats), "seed": options.seed,
                    "max_pixels": options.max_pixels, "curriculum": options.curriculum, "names": options.names,
                    "figure": options.figure},
        "generator_versions": sorted({r["generator_version"] for r in rows}),
        "question_seeds": sorted({r["seed"] for r in rows}),
        "sources": {slug: {kind: {"path": s.path or s.embedded, "license": s.license, "upstream": s.upstream,
                                  "sha256": s.sha256}
                           for kind, s in sorted(city.sources.items())}
                    for slug, city in sorted(cities.items())},
        "files": {str(p.relative_to(root)): file_entry(p) for p in files},
    }


def kind_counts(export: CanonicalExport, cities: dict[str, City]) -> dict[str, dict[str, int]]:
    """Per map kind: its cities, maps, maps with station positions, and questions."""
    counts: dict[str, Counter[str]] = {}
    for city in cities.values():
        counts.setdefault(city.map_kind, Counter())["cities"] += 1
    for m in export.map_rows().values():
        counts.setdefault(m["kind"], Counter())["maps"] += 1
        counts[m["kind"]]["maps_with_positions"] += m["annotation"] is not None
    for rows in export.questions.values():
        for row in rows:
            counts.setdefault(cities[row["city"]].map_kind, Counter())["questions"] += 1
    keys = ("cities", "maps", "maps_with_positions", "questions")
    return {kind: {key: c[key] for key in keys} for kind, c in sorted(counts.items())}


def view_counts(export: CanonicalExport) -> dict[str, int]:
    """The view images (each stored once) by what they do to their map, and the questions that show a view."""
    counts: Counter[str] = Counter()
    for m in export.view_rows().values():
        view = View.from_dict(json.loads(m["view"]))
        counts["images"] += 1
        counts["crops"] += view.window != (0, 0, *view.map_size)
        counts["scaled"] += (view.window[2] - view.window[0], view.window[3] - view.window[1]) != view.size
        counts["marked"] += bool(view.marks)
    counts["questions"] = sum(1 for rows in export.questions.values() for r in rows
                              if r["view"] is not None and r["image_id"] is not None)
    return {key: counts[key] for key in ("images", "crops", "scaled", "marked", "questions")}


def pil_default(width: int, height: int) -> str:
    """How Pillow's default decompression-bomb guard treats an image: ok, warning, or error."""
    pixels = width * height
    return "error" if pixels > 2 * PIL_DEFAULT_MAX_PIXELS else "warning" if pixels > PIL_DEFAULT_MAX_PIXELS else "ok"


def _split_rule(options: ExportOptions) -> str:
    if options.test_fraction is not None:
        return f"test: {options.test_fraction:g} of the cities, drawn with seed {options.seed}"
    if options.test_cities is not None:
        return "test: the cities named by --test-cities"
    return "test: the ReasonMap benchmark's 11 test cities"

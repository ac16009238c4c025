"""The canonical export: `maps.parquet` (each map once) and `questions/<split>.parquet`.

Question rows are the question records (`schemas/question.schema.json`) plus `split`, `map_id`
(null when the city's map is missing and that was allowed), `image_id` (the image the row shows: its
`map_id` when its `view` is null, else the id of its rendered view; null without a map) and `ground_truth`
(the scorer's and reward functions' self-contained JSON, `schemas/ground_truth.schema.json`).

`maps.parquet` holds every image once: the maps, and the views questions show (`curation.exports.views`).
Map rows carry the map's `kind` (real, synthetic, rerendered, renamed), `derived_from` (the real city a
drawn map was made from) and `annotation`: the annotation document of exactly that row's image as
canonical JSON text (station positions in its full-image pixels), or null; their `view_of` and `view`
are null. A view row's `view_of` is the map id it was made from and `view` its `View` as canonical JSON;
its kind, derived_from, license and upstream are its map's, `width`/`height` the view's size,
`original_width`/`original_height` the native map's, and `annotation` null. Everything else (the `hf`
layout, the adapters) is computed from these two tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.atomic import canonical_json
from curation.errors import SourceError
from curation.exports.maps import MapImage
from curation.exports.parquet_io import IMAGE_TYPE, write_parquet
from curation.questions.records import SCHEMA, sort_key_of_row

MAPS_FILE = "maps.parquet"
QUESTIONS_DIR = "questions"
MAPS_SCHEMA = pa.schema([
    pa.field("map_id", pa.string(), nullable=False),
    pa.field("city", pa.string(), nullable=False),
    pa.field("country", pa.string(), nullable=False),
    pa.field("image", IMAGE_TYPE),
    pa.field("width", pa.int32(), nullable=False),
    pa.field("height", pa.int32(), nullable=False),
    pa.field("original_width", pa.int32(), nullable=False),
    pa.field("original_height", pa.int32(), nullable=False),
    pa.field("sha256", pa.string(), nullable=False),
    pa.field("recommended_max_pixels", pa.int64(), nullable=False),
    pa.field("license", pa.string()),
    pa.field("upstream", pa.string()),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("derived_from", pa.string()),
    pa.field("annotation", pa.string()),
    pa.field("view_of", pa.string()),
    pa.field("view", pa.string()),
])
QUESTION_SCHEMA = pa.schema([*SCHEMA, pa.field("split", pa.string(), nullable=False), pa.field("map_id", pa.string()),
                             pa.field("image_id", pa.string()), pa.field("ground_truth", pa.string(), nullable=False)])


def maps_table(maps: list[MapImage]) -> pa.Table:
    rows = [{"map_id": m.map_id, "city": m.city, "country": m.country, "image": {"bytes": m.data, "path": m.file_name},
             "width": m.width, "height": m.height, "original_width": m.original_width,
             "original_height": m.original_height, "sha256": m.sha256,
             "recommended_max_pixels": m.recommended_max_pixels, "license": m.license, "upstream": m.upstream,
             "kind": m.kind, "derived_from": m.derived_from,
             "annotation": None if m.annotation is None else canonical_json(m.annotation.to_dict()),
             "view_of": m.view_of, "view": m.view}
            for m in sorted(maps, key=lambda m: m.map_id)]
    return pa.Table.from_pylist(rows, schema=MAPS_SCHEMA)


def write_canonical(out: Path, maps: list[MapImage], rows_by_split: dict[str, list[dict[str, Any]]]) -> list[Path]:
    """Write `maps.parquet` and one questions file per split; the paths written."""
    written = [out / MAPS_FILE]
    write_parquet(out / MAPS_FILE, maps_table(maps), images=["image"])
    for split, rows in sorted(rows_by_split.items()):
        path = out / QUESTIONS_DIR / f"{split}.parquet"
        write_parquet(path, pa.Table.from_pylist(sorted(rows, key=sort_key_of_row), schema=QUESTION_SCHEMA))
        written.append(path)
    return written


@dataclass
class CanonicalExport:
    """A canonical export read back: what every adapter starts from."""

    root: Path
    questions: dict[str, list[dict[str, Any]]]
    maps: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, root: Path) -> CanonicalExport:
        try:
            maps = {row["map_id"]: row for row in pq.read_table(root / MAPS_FILE).to_pylist()}
            questions = {p.stem: pq.read_table(p).to_pylist() for p in sorted((root / QUESTIONS_DIR).glob("*.parquet"))}
        except (OSError, pa.ArrowInvalid) as exc:
            raise SourceError(f"not a canonical mapcurate export: {exc}", root) from exc
        for row in (r for rows in questions.values() for r in rows):  # written before views: the row shows its map
            row.setdefault("image_id", row.get("map_id"))
        return cls(root=root, questions=questions, maps=maps)

    def images(self) -> dict[str, tuple[bytes, str]]:
        """Image id (a map's or a view's) → (image bytes, file name)."""
        return {map_id: (m["image"]["bytes"], m["image"]["path"]) for map_id, m in self.maps.items()}

    def map_rows(self) -> dict[str, dict[str, Any]]:
        """The maps themselves (not their views), by map id."""
        return {map_id: m for map_id, m in self.maps.items() if m.get("view_of") is None}

    def view_rows(self) -> dict[str, dict[str, Any]]:
        """The view images, by image id."""
        return {map_id: m for map_id, m in self.maps.items() if m.get("view_of") is not None}

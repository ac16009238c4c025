"""The audit's outputs: one JSON line per row, and a summary by defect class and city."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from curation.atomic import write_json_atomic, write_jsonl_atomic
from curation.audit.defects import CLASSES, Defect

ROWS_FILE = "rows.jsonl"
SUMMARY_FILE = "summary.json"


def row_record(index: int, row: dict[str, Any], defects: list[Defect]) -> dict[str, Any]:
    """What the JSON line of one row says: where it is, and each defect with its details."""
    record: dict[str, Any] = {"row": index, "city": row["city"]}
    if "type" in row:
        record["type"] = row["type"]
    record["station_1"], record["station_2"] = row.get("station_1"), row.get("station_2")
    record["classes"] = sorted({d.kind for d in defects})
    record["defects"] = [d.to_dict() for d in defects]
    return record


def summarise(records: list[dict[str, Any]], source: Path, layout: str) -> dict[str, Any]:
    """Rows per defect class, overall and by city (a row counts once per class it has)."""
    by_class: Counter[str] = Counter()
    by_city: dict[str, Counter[str]] = {}
    rows_by_city: Counter[str] = Counter()
    for record in records:
        rows_by_city[record["city"]] += 1
        city = by_city.setdefault(record["city"], Counter())
        for kind in record["classes"]:
            by_class[kind] += 1
            city[kind] += 1
    flawed = sum(1 for r in records if r["classes"])
    return {
        "source": source.name, "layout": layout, "rows": len(records), "rows_with_defects": flawed,
        "clean_rows": len(records) - flawed,
        "by_class": {k: by_class[k] for k in CLASSES if by_class[k]},
        "by_city": {c: {"rows": rows_by_city[c], **{k: by_city[c][k] for k in CLASSES if by_city[c][k]}}
                    for c in sorted(by_city)},
        "classes": {k: CLASSES[k] for k in CLASSES if by_class[k]},
    }


def write_outputs(records: list[dict[str, Any]], summary: dict[str, Any], out: Path) -> list[Path]:
    """`rows.jsonl` and `summary.json` in `out`, each written atomically (the summary last)."""
    write_jsonl_atomic(out / ROWS_FILE, records)
    write_json_atomic(out / SUMMARY_FILE, summary)
    return [out / ROWS_FILE, out / SUMMARY_FILE]

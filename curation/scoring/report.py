"""Aggregate per-question scores: Σ w·x / Σ w overall and by type, family, difficulty pair and city.

`w` is the question's ReasonMap weight (1 + 0.5·q + 0.5·m; detail questions by map only).
Route-only figures (map score as a fraction of the question's maximum, optimal, direction, via)
are averaged over the route questions of the group and are `None` when it has none. Likewise
`distance_radii` (how far a point answer lies from the gold point, in marker radii) over the point
questions whose answer gives a point, and `iou` over the box questions (an answer that gives no
box counts as IoU 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

GROUPINGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "type": lambda r: r["type"],
    "family": lambda r: r["family"],
    "difficulty": lambda r: f"{r['difficulty_question']}/{r['difficulty_map']}",
    "city": lambda r: r["city"],
}


def _weighted(rows: list[dict[str, Any]], value: Callable[[dict[str, Any]], float]) -> float | None:
    total = sum(r["weight"] for r in rows)
    return round(sum(r["weight"] * value(r) for r in rows) / total, 6) if total else None


def group_stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of one group of scored questions."""
    routes = [r for r in rows if r["family"] == "planning"]
    long_routes = [r for r in routes if r["via_ok"] is not None]
    points = [r for r in rows if r["distance_radii"] is not None]
    boxes = [r for r in rows if r["iou"] is not None]
    return {
        "questions": len(rows),
        "weighted_accuracy": _weighted(rows, lambda r: r["correct"]),
        "accuracy": round(sum(r["correct"] for r in rows) / len(rows), 6) if rows else None,
        "format": _weighted(rows, lambda r: r["format"]),
        "reward": round(sum(r["reward"] for r in rows) / len(rows), 6) if rows else None,
        "reward_fraction": _weighted(rows, lambda r: r["reward"] / r["reward_max"] if r["reward_max"] else 0.0),
        "map_score": _weighted(routes, lambda r: r["map_score"] / r["map_score_max"]),
        "optimal": _weighted(routes, lambda r: float(bool(r["optimal_stops"]))),
        "direction_ok": _weighted(routes, lambda r: float(bool(r["direction_ok"]))),
        "via_ok": _weighted(long_routes, lambda r: float(bool(r["via_ok"]))),
        "distance_radii": _weighted(points, lambda r: r["distance_radii"]),
        "iou": _weighted(boxes, lambda r: r["iou"]),
    }


def aggregate(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Overall figures and one table per grouping, keys sorted."""
    rows = list(results)
    report: dict[str, Any] = {"overall": group_stats(rows)}
    for name, key in GROUPINGS.items():
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        report[f"by_{name}"] = {k: group_stats(groups[k]) for k in sorted(groups)}
    return report

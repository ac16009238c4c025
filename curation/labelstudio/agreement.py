"""Agreement between two annotators' annotations of one map image: stations, names, kinds, line membership.

- **Stations** are matched one-to-one within `threshold` px (default `default_threshold`: the larger of
  `MIN_THRESHOLD` px and `RADIUS_FACTOR` × the median marker radius of both documents, `DEFAULT_RADIUS`
  when no station has a marker). Candidate pairs come from a shapely `STRtree`; each connected component
  of the candidate graph is solved exactly — most matches first, then the least total distance — by a
  dynamic programme over the component's B side (`EXACT_LIMIT` stations at most; a larger component,
  which needs a threshold wider than the station spacing, falls back to greedy by distance). Ties go to
  the smaller ids, so the result is deterministic. scipy is not needed: components are tiny.
- **Precision / recall / F1** are of B against A: precision = matched / |B|, recall = matched / |A|
  (1.0 when the denominator is 0).
- **Names** per language over matched pairs where either side has a label in it: equal when their
  `curation.names.match_key` (NFKC — which includes NFC — case folding, spacing) are equal.
- **Kinds** (station / interchange) over matched pairs.
- **Line membership**: a station is on a line when one of the line's polylines passes within the
  station's tolerance — the rule `curation.network.annotations` builds networks with (marker radius +
  `SLACK`, else the median radius or `DEFAULT_RADIUS`). Lines are keyed by the `match_key` of their
  English name (else their first name by language), as Label Studio labels name them. Agreement is the
  mean Jaccard index of the two line sets over matched stations (1.0 for two empty sets).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import shapely
from rich.table import Table

from curation.annotations.model import Annotation, LineTrace, StationMark
from curation.errors import MapcurateError
from curation.names import match_key
from curation.network.annotations import DEFAULT_RADIUS, _tolerances

MIN_THRESHOLD = 6.0
"""px: the smallest default matching distance."""
RADIUS_FACTOR = 1.5
"""The default matching distance in median marker radii."""
EXACT_LIMIT = 12
"""Largest B side of a candidate component matched exactly (2^n states); larger ones are matched greedily."""
_DIGITS = 6


class AgreementError(MapcurateError, ValueError):
    """Two annotations cannot be compared (they are of different images, or the threshold is invalid)."""


@dataclass(frozen=True)
class NameDisagreement:
    """A matched pair whose names differ in one language (None: that side has no label in it)."""

    a_id: str
    b_id: str
    lang: str
    a_text: str | None
    b_text: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"a_id": self.a_id, "b_id": self.b_id, "lang": self.lang, "a_text": self.a_text,
                "b_text": self.b_text}


@dataclass(frozen=True)
class KindDisagreement:
    """A matched pair one annotator marked a station and the other an interchange."""

    a_id: str
    b_id: str
    a_kind: str
    b_kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"a_id": self.a_id, "b_id": self.b_id, "a_kind": self.a_kind, "b_kind": self.b_kind}


@dataclass(frozen=True)
class LineSetDisagreement:
    """A matched pair whose sets of lines (keys) differ."""

    a_id: str
    b_id: str
    a_lines: tuple[str, ...]
    b_lines: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"a_id": self.a_id, "b_id": self.b_id, "a_lines": list(self.a_lines), "b_lines": list(self.b_lines)}


@dataclass(frozen=True)
class LineCount:
    """How many stations are on one line in A, in B, and (matched pairs) in both."""

    line: str
    in_a: int
    in_b: int
    in_both: int

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "in_a": self.in_a, "in_b": self.in_b, "in_both": self.in_both}


@dataclass(frozen=True)
class NameCount:
    """Matched pairs compared in one language, and how many of them agree."""

    lang: str
    compared: int
    agreed: int

    @property
    def rate(self) -> float:
        return self.agreed / self.compared if self.compared else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "compared": self.compared, "agreed": self.agreed, "rate": _round(self.rate)}


@dataclass(frozen=True)
class Agreement:
    """Everything `compare` found; `to_dict` is its JSON form."""

    annotator_a: str
    annotator_b: str
    image_sha256: str
    threshold: float
    stations_a: int
    stations_b: int
    pairs: tuple[tuple[str, str, float], ...]  # (A id, B id, distance px), by A id
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    names: tuple[NameCount, ...]
    name_disagreements: tuple[NameDisagreement, ...]
    kind_disagreements: tuple[KindDisagreement, ...]
    line_jaccard: float
    line_disagreements: tuple[LineSetDisagreement, ...]
    lines: tuple[LineCount, ...]

    @property
    def matched(self) -> int:
        return len(self.pairs)

    @property
    def precision(self) -> float:
        return self.matched / self.stations_b if self.stations_b else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.stations_a if self.stations_a else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mean_distance(self) -> float | None:
        return statistics.fmean(d for _, _, d in self.pairs) if self.pairs else None

    @property
    def max_distance(self) -> float | None:
        return max(d for _, _, d in self.pairs) if self.pairs else None

    @property
    def kind_rate(self) -> float:
        return 1 - len(self.kind_disagreements) / self.matched if self.matched else 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, sorted, floats rounded to 6 digits: equal agreements give identical JSON."""
        return {
            "annotators": {"a": self.annotator_a, "b": self.annotator_b},
            "image_sha256": self.image_sha256,
            "threshold": _round(self.threshold),
            "stations": {
                "a": self.stations_a, "b": self.stations_b, "matched": self.matched,
                "only_in_a": list(self.only_in_a), "only_in_b": list(self.only_in_b),
                "precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1),
                "mean_distance": _round(self.mean_distance), "max_distance": _round(self.max_distance),
                "pairs": [{"a": a, "b": b, "distance": _round(d)} for a, b, d in self.pairs],
            },
            "names": {"languages": [n.to_dict() for n in self.names],
                      "disagreements": [d.to_dict() for d in self.name_disagreements]},
            "kinds": {"rate": _round(self.kind_rate), "disagreements": [d.to_dict() for d in self.kind_disagreements]},
            "lines": {"jaccard": _round(self.line_jaccard), "stations_differing": len(self.line_disagreements),
                      "per_line": [c.to_dict() for c in self.lines],
                      "disagreements": [d.to_dict() for d in self.line_disagreements]},
        }


def default_threshold(a: Annotation, b: Annotation) -> float:
    """max(`MIN_THRESHOLD`, `RADIUS_FACTOR` × the median marker radius of both documents)."""
    radii = [m.marker.radius for m in (*a.stations, *b.stations) if m.marker is not None]
    return max(MIN_THRESHOLD, RADIUS_FACTOR * (statistics.median(radii) if radii else DEFAULT_RADIUS))


def compare(a: Annotation, b: Annotation, *, threshold: float | None = None,
            annotators: tuple[str, str] | None = None) -> Agreement:
    """Compare annotator B's annotation with annotator A's, both of one image.

    `annotators` names them; by default each is named by its stations' and lines' `provenance.annotator`.
    """
    ia, ib = a.image, b.image
    if (ia.sha256, ia.width, ia.height) != (ib.sha256, ib.width, ib.height):
        raise AgreementError(f"the two annotations are of different images: {ia.file_name} (sha256 {ia.sha256}, "
                             f"{ia.width} × {ia.height}) and {ib.file_name} (sha256 {ib.sha256}, "
                             f"{ib.width} × {ib.height})")
    limit = default_threshold(a, b) if threshold is None else float(threshold)
    if not limit > 0 or limit == float("inf"):
        raise AgreementError(f"the matching threshold must be a positive number of px, but got {threshold!r}")
    names = annotators or (_annotator(a, "A"), _annotator(b, "B"))
    marks_a = {m.id: m for m in a.stations}
    marks_b = {m.id: m for m in b.stations}
    pairs = match_stations(a.stations, b.stations, limit)
    only_a = tuple(sorted(set(marks_a) - {p[0] for p in pairs}))
    only_b = tuple(sorted(set(marks_b) - {p[1] for p in pairs}))
    matched = [(marks_a[x], marks_b[y]) for x, y, _ in pairs]
    counts, name_diffs = _names(matched)
    kind_diffs = tuple(KindDisagreement(x.id, y.id, x.kind, y.kind) for x, y in matched if x.kind != y.kind)
    on_a, on_b = station_lines(a), station_lines(b)
    jaccards = [_jaccard(on_a[x.id], on_b[y.id]) for x, y in matched]
    line_diffs = tuple(LineSetDisagreement(x.id, y.id, tuple(sorted(on_a[x.id])), tuple(sorted(on_b[y.id])))
                       for x, y in matched if on_a[x.id] != on_b[y.id])
    keys = sorted(set().union(*on_a.values(), *on_b.values()))
    per_line = tuple(LineCount(key, sum(key in s for s in on_a.values()), sum(key in s for s in on_b.values()),
                               sum(key in on_a[x.id] and key in on_b[y.id] for x, y in matched)) for key in keys)
    return Agreement(
        annotator_a=names[0], annotator_b=names[1], image_sha256=ia.sha256, threshold=limit,
        stations_a=len(marks_a), stations_b=len(marks_b), pairs=pairs, only_in_a=only_a, only_in_b=only_b,
        names=counts, name_disagreements=name_diffs, kind_disagreements=kind_diffs,
        line_jaccard=statistics.fmean(jaccards) if jaccards else 1.0, line_disagreements=line_diffs,
        lines=per_line)


def match_stations(a: Sequence[StationMark], b: Sequence[StationMark],
                   threshold: float) -> tuple[tuple[str, str, float], ...]:
    """One-to-one pairs (A id, B id, distance) within `threshold`: most pairs, then least total distance."""
    if not a or not b:
        return ()
    pa = np.array([m.pos for m in a], dtype=float).reshape(-1, 2)
    pb = np.array([m.pos for m in b], dtype=float).reshape(-1, 2)
    tree = shapely.STRtree(cast(npt.NDArray[np.object_], shapely.points(pb)))
    ia, ib = tree.query(shapely.points(pa), predicate="dwithin", distance=threshold)
    dist = np.hypot(*(pa[ia] - pb[ib]).T)
    edges = sorted(zip(ia.tolist(), ib.tolist(), dist.tolist(), strict=True),
                   key=lambda e: (e[2], a[e[0]].id, b[e[1]].id))
    found: list[tuple[str, str, float]] = []
    for component in _components(edges):
        chosen = _exact(component) if len({j for _, j, _ in component}) <= EXACT_LIMIT else _greedy(component)
        found.extend((a[i].id, b[j].id, d) for i, j, d in chosen)
    return tuple(sorted(found))


def station_lines(annotation: Annotation) -> dict[str, frozenset[str]]:
    """Mark id → the keys of the lines one of whose polylines passes within the mark's tolerance."""
    tolerance = _tolerances(annotation)
    marks = annotation.stations
    out: dict[str, set[str]] = {m.id: set() for m in marks}
    if not marks:
        return {}
    points = shapely.points(np.array([m.pos for m in marks], dtype=float).reshape(-1, 2))
    tols = np.array([tolerance[m.id] for m in marks], dtype=float)
    for trace in annotation.lines:
        key = line_key(trace)
        for polyline in trace.polylines:
            coords = [p for i, p in enumerate(polyline) if i == 0 or p != polyline[i - 1]]
            if len(coords) < 2:
                continue
            near = np.nonzero(shapely.distance(shapely.linestrings(coords), points) <= tols)[0]
            for k in near.tolist():
                out[marks[k].id].add(key)
    return {mark_id: frozenset(keys) for mark_id, keys in out.items()}


def line_key(trace: LineTrace) -> str:
    """The `match_key` of the line's English name, else of its first name by language."""
    name = trace.names.get("en") or sorted(trace.names.items())[0][1]
    return match_key(name)


def agreement_tables(agreement: Agreement) -> list[Table]:
    """A summary table and a disagreements table, for the CLI."""
    g = agreement
    summary = Table(title=f"Agreement of {g.annotator_b} (B) with {g.annotator_a} (A)")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    rows = [
        ("threshold", f"{g.threshold:.2f} px"),
        ("stations A / B", f"{g.stations_a} / {g.stations_b}"),
        ("matched", str(g.matched)),
        ("only in A / only in B", f"{len(g.only_in_a)} / {len(g.only_in_b)}"),
        ("precision / recall / F1", f"{g.precision:.3f} / {g.recall:.3f} / {g.f1:.3f}"),
        ("distance mean / max", "—" if g.mean_distance is None or g.max_distance is None
         else f"{g.mean_distance:.2f} / {g.max_distance:.2f} px"),
        *((f"names ({n.lang})", f"{n.agreed}/{n.compared} ({n.rate:.3f})") for n in g.names),
        ("kinds", f"{g.matched - len(g.kind_disagreements)}/{g.matched} ({g.kind_rate:.3f})"),
        ("lines: mean Jaccard", f"{g.line_jaccard:.3f}"),
        ("lines: stations differing", str(len(g.line_disagreements))),
        *((f"line {c.line}: A / B / both", f"{c.in_a} / {c.in_b} / {c.in_both}") for c in g.lines),
    ]
    for row in rows:
        summary.add_row(*row)
    details = Table(title="Disagreements")
    for column in ("what", "A", "B", "detail"):
        details.add_column(column)
    for mark_id in g.only_in_a:
        details.add_row("station only in A", mark_id, "", "")
    for mark_id in g.only_in_b:
        details.add_row("station only in B", "", mark_id, "")
    for n in g.name_disagreements:
        details.add_row(f"name ({n.lang})", n.a_id, n.b_id, f"{n.a_text!r} ≠ {n.b_text!r}")
    for k in g.kind_disagreements:
        details.add_row("kind", k.a_id, k.b_id, f"{k.a_kind} ≠ {k.b_kind}")
    for s in g.line_disagreements:
        details.add_row("lines", s.a_id, s.b_id, f"{', '.join(s.a_lines) or '—'} ≠ {', '.join(s.b_lines) or '—'}")
    return [summary, details]


# Helpers -------------------------------------------------------------------------------------------

_Edge = tuple[int, int, float]


def _components(edges: list[_Edge]) -> list[list[_Edge]]:
    """The candidate edges grouped by connected component (union-find), in a stable order."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j, _ in edges:
        ra, rb = root(("a", i)), root(("b", j))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[tuple[str, int], list[_Edge]] = {}
    for edge in edges:
        groups.setdefault(root(("a", edge[0])), []).append(edge)
    return [groups[key] for key in sorted(groups)]


def _exact(edges: list[_Edge]) -> list[_Edge]:
    """Most pairs, then least total distance, over one component (dynamic programme over used B sides)."""
    rows = sorted({i for i, _, _ in edges})
    cols = sorted({j for _, j, _ in edges})
    bit = {j: 1 << k for k, j in enumerate(cols)}
    options = {i: [e for e in edges if e[0] == i] for i in rows}  # already by distance, then ids
    # state: used-B mask → (pairs, -total distance, chosen edges); keep the best per mask
    states: dict[int, tuple[int, float, tuple[_Edge, ...]]] = {0: (0, 0.0, ())}
    for i in rows:
        nxt = dict(states)
        for mask, (count, neg, chosen) in states.items():
            for edge in options[i]:
                if mask & bit[edge[1]]:
                    continue
                new = (count + 1, neg - edge[2], (*chosen, edge))
                key = mask | bit[edge[1]]
                if key not in nxt or new[:2] > nxt[key][:2]:
                    nxt[key] = new
        states = nxt
    best = max(states.values(), key=lambda s: (s[0], round(s[1], 9)))
    # among equal scores `max` keeps the first state met, which depends only on the sorted input
    return list(best[2])


def _greedy(edges: list[_Edge]) -> list[_Edge]:
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for i, j, d in edges:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j, d))
    return chosen


def _names(matched: list[tuple[StationMark, StationMark]]) -> tuple[tuple[NameCount, ...],
                                                                    tuple[NameDisagreement, ...]]:
    compared: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    diffs = []
    for x, y in matched:
        for lang in sorted(set(x.labels) | set(y.labels)):
            ta = x.labels[lang].text if lang in x.labels else None
            tb = y.labels[lang].text if lang in y.labels else None
            compared[lang] += 1
            if ta is not None and tb is not None and match_key(ta) == match_key(tb):
                agreed[lang] += 1
            else:
                diffs.append(NameDisagreement(x.id, y.id, lang, ta, tb))
    counts = tuple(NameCount(lang, compared[lang], agreed[lang]) for lang in sorted(compared))
    return counts, tuple(sorted(diffs, key=lambda d: (d.a_id, d.lang)))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x | y else 1.0


def _annotator(annotation: Annotation, fallback: str) -> str:
    items: Iterable[StationMark | LineTrace] = (*annotation.stations, *annotation.lines)
    who = sorted({item.provenance.annotator for item in items if item.provenance.annotator})
    return ", ".join(who) or fallback


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), _DIGITS)

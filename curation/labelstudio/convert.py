"""Annotations to and from Label Studio results: pure functions, one tile (task) at a time.

`to_labelstudio(annotation, tile, schema)` gives the results of one task: the annotation cut to the tile
(`curation.annotations.transform.cropped`), in percent of the tile (x = 100·px / width). A station is a
`keypointlabels` result (its kind as the label, its marker's radius as the point's width — Label Studio's
frontend silently drops a keypoint without one) plus one
`textarea` result per named language with the *same id*; a line is one `vectorlabels` result per polyline
piece, its vertices chained by `prevPointId`.

`from_labelstudio(tasks, schema, image)` turns a project's full JSON export back into one `Annotation` in
full-image pixels: percent and tile offsets undone; of a station seen in two overlapping tiles the copy
whose tile core holds it is kept (`MERGE_DISTANCE`); line traces are cut at core edges and the pieces that
meet there joined; names by language, kind, annotator and time from each task's chosen annotation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from curation.annotations.model import (
    Annotation,
    AnnotationError,
    ImageRef,
    Label,
    LineTrace,
    Marker,
    Point,
    Provenance,
    StationMark,
)
from curation.annotations.transform import clip_polyline, cropped
from curation.labelstudio.config import IMAGE, LINE, NAME_PREFIX, STATION, ProjectSchema, ResultError, name_control
from curation.labelstudio.tiles import Tile
from curation.names import slugify
from curation.network.annotations import DEFAULT_RADIUS

TOOL = "label-studio"
MERGE_DISTANCE = 6.0
"""px: two tiles' keypoints this close (or within the station's marker radius) are one station."""
JOIN_DISTANCE = 12.0
"""px: two traced pieces of a line whose ends are this close on the same core edge are one trace."""


def to_labelstudio(annotation: Annotation, tile: Tile, schema: ProjectSchema) -> list[dict[str, Any]]:
    """The results of `annotation` on `tile`, for a prediction (stations first, then lines; deterministic)."""
    local = _on_tile(annotation, tile)
    w, h = tile.width, tile.height
    common = {"to_name": IMAGE, "original_width": w, "original_height": h, "image_rotation": 0}
    results: list[dict[str, Any]] = []
    for station in sorted(local.stations, key=lambda s: s.id):
        # the frontend drops a keypoint without a width (silently): a station without a marker gets the default
        radius = station.marker.radius if station.marker is not None else DEFAULT_RADIUS
        geometry = {"x": _pct(station.pos[0], w), "y": _pct(station.pos[1], h), "width": _pct(radius, w)}
        region = f"s-{station.id}"
        results.append({"id": region, "type": "keypointlabels", "from_name": STATION, **common,
                        "value": {**geometry, "keypointlabels": [station.kind]}})
        for lang in schema.languages:
            if lang in station.labels:
                results.append({"id": region, "type": "textarea", "from_name": name_control(lang), **common,
                                "value": {**geometry, "text": [station.labels[lang].text]}})
    for line in sorted(local.lines, key=lambda x: x.id):
        label = schema.label_of(line.network_id or line.id)
        if label is None:
            raise ResultError(f"line {line.id!r} of the annotation is not a line of the project "
                              f"({', '.join(x.line_id for x in schema.lines) or 'none'})")
        for k, polyline in enumerate(line.polylines):
            region = f"l-{line.id}-{k}"
            vertices: list[dict[str, Any]] = []
            for j, (x, y) in enumerate(polyline):
                vertex: dict[str, Any] = {"id": f"{region}-{j}", "x": _pct(x, w), "y": _pct(y, h)}
                if j:
                    vertex["prevPointId"] = f"{region}-{j - 1}"
                vertices.append(vertex)
            results.append({"id": region, "type": "vectorlabels", "from_name": LINE, **common,
                            "value": {"vertices": vertices, "closed": False, "vectorlabels": [label.value]}})
    return results


def _on_tile(annotation: Annotation, tile: Tile) -> Annotation:
    if (tile.x0, tile.y0, tile.width, tile.height) == (0, 0, annotation.image.width, annotation.image.height):
        return annotation
    ref = ImageRef("tile.png", "0" * 64, tile.width, tile.height)
    return cropped(annotation, tile.box, ref)


def _pct(value: float, size: int) -> float:
    return 100.0 * value / size


@dataclass(frozen=True)
class Session:
    """One annotator's finished annotation of one task, as the export holds it."""

    task_id: int
    tile: Tile
    results: tuple[dict[str, Any], ...]
    annotator: str
    time: str | None


def sessions(tasks: Sequence[Mapping[str, Any]], image: ImageRef, users: Mapping[int, str],
             annotator: str | None = None) -> list[Session]:
    """Each task's chosen annotation: the latest one not cancelled (of `annotator` when given).

    A task of another map than `image`, a task without its tile, or results whose size is not the tile's raise
    a `ResultError` naming the task.
    """
    chosen: list[Session] = []
    for task in sorted(tasks, key=lambda t: int(t.get("id", 0))):
        task_id = int(task.get("id", 0))
        where = f"task {task_id}"
        meta = (task.get("data") or {}).get("mapcurate")
        if not isinstance(meta, Mapping):
            raise ResultError(f"{where} has no mapcurate tile data: it was not pushed by `mapcurate annotate push`")
        if meta.get("image", {}).get("sha256") != image.sha256:
            raise ResultError(f"{where} is of another map (sha256 {meta.get('image', {}).get('sha256')!r}, "
                              f"not {image.sha256})")
        tile = Tile.from_dict(meta.get("tile"), where)
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")
                and (annotator is None or _who(a, users) == annotator)]
        if not done:
            continue
        latest = max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), int(a.get("id", 0))))
        results = tuple(latest.get("result") or [])
        for r in results:
            size = (r.get("original_width"), r.get("original_height"))
            if size != (None, None) and size != (tile.width, tile.height):
                raise ResultError(f"{where}: a result is on a {size[0]} × {size[1]} image, but the task's tile is "
                                  f"{tile.width} × {tile.height}")
        chosen.append(Session(task_id, tile, results, _who(latest, users),
                              latest.get("updated_at") or latest.get("created_at")))
    return chosen


def annotators(tasks: Sequence[Mapping[str, Any]], users: Mapping[int, str]) -> list[str]:
    """Everyone who finished an annotation in `tasks`, sorted."""
    return sorted({_who(a, users) for t in tasks for a in t.get("annotations") or [] if not a.get("was_cancelled")})


def _who(annotation: Mapping[str, Any], users: Mapping[int, str]) -> str:
    by = annotation.get("completed_by")
    if isinstance(by, Mapping):
        return str(by.get("email") or f"user-{by.get('id')}")
    if isinstance(by, int) and not isinstance(by, bool):
        return users.get(by, f"user-{by}")
    return "unknown"


@dataclass
class _Candidate:
    region: str
    pos: Point
    kind: str
    radius: float | None
    names: dict[str, str]
    owned: bool
    task: int
    provenance: Provenance


def from_labelstudio(chosen: Sequence[Session], schema: ProjectSchema, image: ImageRef) -> Annotation:
    """One `Annotation` of `image` from every task's chosen annotation (see the module docstring)."""
    candidates: list[_Candidate] = []
    pieces: dict[str, list[tuple[list[Point], int]]] = defaultdict(list)
    line_provenance: dict[str, Provenance] = {}
    for session in chosen:
        provenance = Provenance("labelstudio", annotator=session.annotator, tool=TOOL, time=session.time)
        stations, lines = _read_task(session, schema)
        for region, (pos, kind, radius, names) in stations.items():
            candidates.append(_Candidate(region, pos, kind, radius, names, session.tile.in_core(pos),
                                         session.task_id, provenance))
        for line_id, polyline in lines:
            for piece in _clipped_to(polyline, session.tile, image):
                pieces[line_id].append((piece, session.task_id))
                line_provenance.setdefault(line_id, provenance)
    marks = _marks(_merge(candidates), schema)
    traces = []
    for label in schema.lines:
        joined = _join(pieces.get(label.line_id, []), _cuts([s.tile for s in chosen], image))
        if joined:
            provenance = line_provenance[label.line_id]
            traces.append(LineTrace(id=label.line_id, names=label.names or {schema.languages[0]: label.value},
                                    polylines=tuple(tuple(p) for p in joined), provenance=provenance,
                                    color=label.color, network_id=label.line_id))
    try:
        return Annotation(image=image, stations=tuple(marks), lines=tuple(traces))
    except AnnotationError as exc:
        raise ResultError(f"the pulled annotation is invalid: {exc}") from None


_StationRead = tuple[Point, str, float | None, dict[str, str]]


def _read_task(session: Session, schema: ProjectSchema
               ) -> tuple[dict[str, _StationRead], list[tuple[str, list[Point]]]]:
    """A task's keypoints (by region id, with their names) and line polylines, in full-image pixels."""
    tile = session.tile
    where = f"task {session.task_id}"

    def full(value: Mapping[str, Any]) -> Point:
        try:
            x, y = float(value["x"]), float(value["y"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultError(f"{where}: a point must have numeric x and y, but got {dict(value)!r}") from exc
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ResultError(f"{where}: a point must have finite x and y, but got {dict(value)!r}")
        # rounded to 1/10,000 px: percent round trips leave float noise (71.99999999999999) in the last digits
        return (round(tile.x0 + x * tile.width / 100.0, 4), round(tile.y0 + y * tile.height / 100.0, 4))

    points: dict[str, tuple[Point, str, float | None]] = {}
    names: dict[str, dict[str, str]] = defaultdict(dict)
    lines: list[tuple[str, list[Point]]] = []
    for r in session.results:
        kind, value, region = r.get("type"), r.get("value") or {}, str(r.get("id"))
        if kind == "keypointlabels" and r.get("from_name") == STATION:
            label = (value.get("keypointlabels") or ["station"])[0]
            width = value.get("width")
            radius = round(float(width) * tile.width / 100.0, 4) \
                if isinstance(width, int | float) and not isinstance(width, bool) and width > 0 else None
            points[region] = (full(value), label, radius)
        elif kind == "textarea" and str(r.get("from_name", "")).startswith(NAME_PREFIX):
            text = " ".join(str(t) for t in value.get("text") or []).strip()
            if text:
                names[region][str(r["from_name"])[len(NAME_PREFIX):]] = text
        elif kind == "vectorlabels" and r.get("from_name") == LINE:
            shown = (value.get("vectorlabels") or [None])[0]
            line = schema.line_of(str(shown))
            if line is None:
                raise ResultError(f"{where}: line label {shown!r} is not a line of the project")
            lines.append((line.line_id, [full(v) for v in _ordered(value.get("vertices") or [], where)]))
    orphans = sorted(set(names) - set(points))
    if orphans:
        raise ResultError(f"{where}: names without a station keypoint (region {', '.join(orphans[:3])})")
    return {region: (pos, kind, radius, names.get(region, {})) for region, (pos, kind, radius) in points.items()}, lines


def _ordered(vertices: Sequence[Mapping[str, Any]], where: str) -> list[Mapping[str, Any]]:
    """Vertices in path order: Label Studio chains them by `prevPointId`; without it, list order."""
    if not any(v.get("prevPointId") for v in vertices):
        return list(vertices)
    by_prev = {v.get("prevPointId"): v for v in vertices if v.get("prevPointId")}
    start = [v for v in vertices if not v.get("prevPointId")]
    if len(start) != 1 or len(by_prev) != len(vertices) - 1:
        raise ResultError(f"{where}: a traced line's vertices must form one chain (prevPointId), but they do not")
    path = [start[0]]
    while len(path) < len(vertices):
        nxt = by_prev.get(path[-1].get("id"))
        if nxt is None:
            raise ResultError(f"{where}: a traced line's vertices must form one chain (prevPointId), but they do not")
        path.append(nxt)
    return path


def _clipped_to(polyline: list[Point], tile: Tile, image: ImageRef) -> list[list[Point]]:
    """The part of a traced polyline inside its tile's core (a whole-map task keeps it as traced)."""
    if tile.core == (0, 0, image.width, image.height):
        return [polyline] if len(polyline) >= 2 else []
    return clip_polyline(polyline, tile.core)


def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
    """One candidate per station: a copy from its owning core first; copies of other tasks close to it dropped,
    their names filling in languages it lacks."""
    kept: list[_Candidate] = []
    order = sorted(candidates, key=lambda c: (not c.owned, c.task, c.pos[1], c.pos[0], c.region))
    for c in order:
        twin = next((k for k in kept if k.task != c.task and math.dist(k.pos, c.pos)
                     <= max(MERGE_DISTANCE, k.radius or 0.0, c.radius or 0.0)), None)
        if twin is None:
            kept.append(c)
        else:
            for lang, text in c.names.items():
                twin.names.setdefault(lang, text)
    return kept


def _marks(stations: list[_Candidate], schema: ProjectSchema) -> list[StationMark]:
    """Station marks with ids from their first language's name (`-2`, `-3` … for repeats), else their position."""
    used: set[str] = set()
    marks = []
    for c in sorted(stations, key=lambda c: (c.pos[1], c.pos[0], c.region)):
        name = next((c.names[lang] for lang in schema.languages if lang in c.names), None)
        base = (slugify(name) if name else "") or f"station-{round(c.pos[0])}-{round(c.pos[1])}"
        mark_id, n = base, 1
        while mark_id in used:
            n += 1
            mark_id = f"{base}-{n}"
        used.add(mark_id)
        marker = None
        if c.radius is not None:
            x, y = c.pos
            marker = Marker("unknown", (x - c.radius, y - c.radius, x + c.radius, y + c.radius))
        marks.append(StationMark(id=mark_id, pos=c.pos, provenance=c.provenance, kind=c.kind, marker=marker,
                                 labels={lang: Label(text) for lang, text in sorted(c.names.items())}))
    return marks


_Cuts = tuple[frozenset[float], frozenset[float]]


def _cuts(tiles: Sequence[Tile], image: ImageRef) -> _Cuts:
    """The x and y of the core edges inside the map: where a traced line was cut, and only there joined."""
    xs = {float(v) for t in tiles for v in (t.core[0], t.core[2]) if 0 < v < image.width}
    ys = {float(v) for t in tiles for v in (t.core[1], t.core[3]) if 0 < v < image.height}
    return frozenset(xs), frozenset(ys)


def _join(pieces: list[tuple[list[Point], int]], cuts: _Cuts) -> list[list[Point]]:
    """Pieces of one line joined where the end of one meets the start (or end) of a piece *of another task* on a
    core edge, within `JOIN_DISTANCE`: two variants sharing a trunk end at the same seam point in one tile, and
    must not be joined to each other there."""
    remaining = [(list(p), task) for p, task in pieces if len(p) >= 2]
    joined: list[list[Point]] = []
    while remaining:
        path, first_task = remaining.pop(0)
        head_task = tail_task = first_task
        grown = True
        while grown:
            grown = False
            for i, (other, task) in enumerate(remaining):
                if task != tail_task and _meet(path[-1], other[0], cuts):
                    path += other[1:] if path[-1] == other[0] else other
                    tail_task = task
                elif task != tail_task and _meet(path[-1], other[-1], cuts):
                    rev = other[::-1]
                    path += rev[1:] if path[-1] == rev[0] else rev
                    tail_task = task
                elif task != head_task and _meet(path[0], other[-1], cuts):
                    path[:0] = other[:-1] if path[0] == other[-1] else other
                    head_task = task
                elif task != head_task and _meet(path[0], other[0], cuts):
                    rev = other[::-1]
                    path[:0] = rev[:-1] if path[0] == rev[-1] else rev
                    head_task = task
                else:
                    continue
                remaining.pop(i)
                grown = True
                break
        joined.append(path)
    return joined


def _meet(a: Point, b: Point, cuts: _Cuts) -> bool:
    return math.dist(a, b) <= JOIN_DISTANCE and _on_cut(a, cuts) and _on_cut(b, cuts)


def _on_cut(p: Point, cuts: _Cuts) -> bool:
    return any(abs(p[0] - x) < 1e-6 for x in cuts[0]) or any(abs(p[1] - y) < 1e-6 for y in cuts[1])

"""A city's annotation session in Label Studio: `push` its map and pre-annotations, `pull` what curators made.

`push` is idempotent: the project is found by the id remembered in `<out>/<city>/labelstudio/project.json`
(or, when that file is missing, by its title), tasks by the tile key in their uploaded file's name, and
predictions by `model_version`; a rerun — after a server killed mid-push, say — adds only what is missing.

Pre-annotations (predictions) come from the city's annotation file when it has one (a synthetic map's
truth, a prelabel run), else from the positions its built network knows, else there are none.

`pull` writes the project's full JSON export (`export.json`, kept raw) and the annotation made from it
(`annotation.json`), each atomically, into `<out>/<city>/labelstudio/`; `mapcurate build-graph --city X
--annotation <that file>` builds the network from it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.annotations.io import load_annotation
from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Provenance, StationMark
from curation.atomic import canonical_json, write_json_atomic
from curation.cities import City
from curation.errors import LabelStudioError, MapcurateError, SourceError
from curation.images import PinnedImage, decode_image, map_source
from curation.labelstudio.client import Client
from curation.labelstudio.config import ProjectSchema, check_results
from curation.labelstudio.convert import annotators, from_labelstudio, sessions, to_labelstudio
from curation.labelstudio.tiles import MAX_TASK_PIXELS, TILE_SIZE, Tile, cut_tiles, plan_tiles
from curation.network.build import build_network
from curation.network.model import Network
from curation.text import decode_text, parse_json

FOLDER = "labelstudio"
RECORD = "project.json"
EXPORT = "export.json"
ANNOTATION = "annotation.json"
RECORD_FORMAT = "mapcurate-labelstudio/1"
_UPLOAD = re.compile(r"^(?:[0-9a-f]{8}-)?(?P<name>.+)$")


@dataclass
class PushReport:
    """What a push found and did."""

    city: str
    url: str
    project_id: int
    project_created: bool
    tiles: int
    tasks_created: int
    predictions_created: int
    predictions_source: str | None
    model_version: str | None
    stations: int
    record: Path


@dataclass
class PullReport:
    """What a pull read and wrote."""

    city: str
    project_id: int
    tasks: int
    annotated: int
    annotators: list[str]
    stations: int
    lines: int
    export_path: Path
    annotation_path: Path
    unannotated: list[int] = field(default_factory=list)


def session_folder(city: City, out: Path) -> Path:
    """Where a city's session files live: `<out>/<city>/labelstudio/`."""
    return out / city.slug / FOLDER


def project_title(city: City) -> str:
    return f"mapcurate: {city.slug}"


def push(city: City, data_root: Path, *, url: str, token: str, out: Path = Path("exports"),
         max_task_pixels: int = MAX_TASK_PIXELS, tile_size: int = TILE_SIZE,
         on_step: Callable[[str, int, int], None] | None = None) -> PushReport:
    """Create or update `city`'s project on the server at `url` and upload what it lacks (see the module doc)."""
    pinned = map_source(city, data_root)
    if pinned is None:
        raise SourceError(f"city {city.slug!r} has no map image to annotate (no [sources.map])", city.manifest_path)
    info, content = pinned.read()
    network = build_network(city, data_root).network
    schema = ProjectSchema.of_network(network)
    predicted, source = predictions_of(city, data_root, network,
                                       ImageRef(pinned.path.name, info.sha256, info.width, info.height))
    image = predicted.image if predicted is not None else ImageRef(pinned.path.name, info.sha256, info.width,
                                                                     info.height)
    model_version = None if predicted is None else f"{source}-{_digest(predicted.to_dict())[:12]}"
    if predicted is not None:
        _check_lines(predicted, schema, city)
    tiles = plan_tiles(image.width, image.height, [s.pos for s in predicted.stations] if predicted else (),
                       max_pixels=max_task_pixels, size=tile_size)
    folder = session_folder(city, out)
    record = read_record(folder)
    with Client(url, token) as client:
        client.check()
        project_id, created = _project(client, city, schema, record)
        write_record(folder, city, client.url, project_id, schema, image)
        tasks = _tasks_by_key(client, project_id)
        tasks_created = predictions_created = 0
        missing = [t for t in tiles if t.key(image) not in tasks]
        if missing:
            tasks_created = _upload(client, project_id, pinned, content, image, missing, on_step)
            tasks = _tasks_by_key(client, project_id)
        for tile in tiles:
            _ensure_data(client, tasks[tile.key(image)], tile, image)
        if predicted is not None and model_version is not None:
            config = schema.config()
            for i, tile in enumerate(tiles):
                task = tasks[tile.key(image)]
                if tile in missing or not any(p.get("model_version") == model_version
                                              for p in client.predictions(int(task["id"]))):  # new: none yet
                    results = to_labelstudio(predicted, tile, schema)
                    check_results(config, results, f"the prediction for task {task['id']}")
                    client.create_prediction(int(task["id"]), results, model_version)
                    predictions_created += 1
                if on_step:
                    on_step("predictions", i + 1, len(tiles))
    return PushReport(city.slug, client.url, project_id, created, len(tiles), tasks_created, predictions_created,
                      source if predicted is not None else None, model_version,
                      len(predicted.stations) if predicted else 0, folder / RECORD)


def predictions_of(city: City, data_root: Path, network: Network, image: ImageRef
                   ) -> tuple[Annotation | None, str | None]:
    """The pre-annotation of `city`'s map and where it comes from: `annotation`, `network` or none."""
    if "annotation" in city.sources and city.has_source("annotation", data_root):
        annotation, _ = load_annotation(city.source_path("annotation", data_root))
        if annotation.image.sha256 != image.sha256:
            raise SourceError(f"the annotation is of image {annotation.image.sha256[:12]}…, not of the city's map "
                              f"{image.file_name} ({image.sha256[:12]}…)", city.source_path("annotation", data_root))
        return annotation, "annotation"
    placed = {sid: s for sid, s in network.stations.items() if s.pos is not None}
    if not placed:
        return None, None
    provenance = Provenance("manual", tool="mapcurate graph.json positions")
    stations = tuple(StationMark(
        id=sid, pos=s.pos, provenance=provenance, kind="interchange" if len(s.lines) > 1 else "station",
        labels={lang: Label(name) for lang, name in s.names.items()}, network_id=sid)
        for sid, s in sorted(placed.items()) if s.pos is not None)
    lines = []
    for line in sorted(network.lines.values(), key=lambda x: x.id):
        rides = tuple(tuple(p for p in (placed[sid].pos for sid in ride if sid in placed) if p is not None)
                      for ride in line.variants)
        rides = tuple(r for r in rides if len(r) >= 2)
        if rides:
            lines.append(LineTrace(id=line.id, names=line.names or {"en": line.id}, polylines=rides,
                                   provenance=provenance, color=line.color, network_id=line.id))
    return Annotation(image=image, stations=stations, lines=tuple(lines)), "network"


def _check_lines(annotation: Annotation, schema: ProjectSchema, city: City) -> None:
    unknown = sorted(x.id for x in annotation.lines if schema.label_of(x.network_id or x.id) is None)
    if unknown:
        raise MapcurateError(f"{city.slug}: the pre-annotation traces lines its network does not have: "
                             f"{', '.join(unknown[:5])}")


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _project(client: Client, city: City, schema: ProjectSchema, record: dict[str, Any]) -> tuple[int, bool]:
    """The city's project on this server (remembered, else found by title, else created), its config current."""
    config = schema.config()
    known = record.get("projects", {}).get(client.url)
    project = client.project(int(known["id"])) if isinstance(known, dict) and "id" in known else None
    if project is None:
        same = sorted((p for p in client.projects() if p.get("title") == project_title(city)), key=lambda p: p["id"])
        project = same[0] if same else None
    if project is None:
        return int(client.create_project(project_title(city), config)["id"]), True
    if project.get("label_config") != config:
        client.update_project(int(project["id"]), label_config=config)
    return int(project["id"]), False


def _tasks_by_key(client: Client, project_id: int) -> dict[str, dict[str, Any]]:
    """The project's tasks by tile key: from their mapcurate data, else from their uploaded file's name."""
    found: dict[str, dict[str, Any]] = {}
    for task in sorted(client.tasks(project_id), key=lambda t: int(t["id"])):
        meta = (task.get("data") or {}).get("mapcurate") or {}
        key = meta.get("key") if isinstance(meta, dict) else None
        if key is None:
            name = str((task.get("data") or {}).get("image", "")).rsplit("/", 1)[-1]
            match = _UPLOAD.match(name)
            key = _key_of_file(match.group("name")) if match else None
        if key is not None:
            found.setdefault(key, task)
    return found


def _file_name(image: ImageRef, tile: Tile) -> str:
    return f"{tile.key(image)}.png"


def _key_of_file(name: str) -> str | None:
    return name[:-4] if name.endswith(".png") else None


def _upload(client: Client, project_id: int, pinned: PinnedImage, content: bytes, image: ImageRef,
            tiles: list[Tile], on_step: Callable[[str, int, int], None] | None) -> int:
    """Upload the tiles that have no task yet (the map file itself when it is one tile)."""
    whole = len(tiles) == 1 and (tiles[0].width, tiles[0].height) == (image.width, image.height)
    pieces = iter([(tiles[0], content)]) if whole else cut_tiles(decode_image(content, pinned.path, rgb=False), tiles)
    for i, (tile, png) in enumerate(pieces):
        client.upload(project_id, _file_name(image, tile), png)
        if on_step:
            on_step("upload", i + 1, len(tiles))
    return len(tiles)


def _ensure_data(client: Client, task: dict[str, Any], tile: Tile, image: ImageRef) -> None:
    """Give the task its mapcurate data (tile, map) if it lacks it: the upload and this are two requests."""
    meta = {"key": tile.key(image), "tile": tile.to_dict(),
            "image": {"file_name": image.file_name, "sha256": image.sha256, "width": image.width,
                      "height": image.height}}
    data = dict(task.get("data") or {})
    if data.get("mapcurate") != meta:
        client.update_task(int(task["id"]), {**data, "mapcurate": meta})


def pull(city: City, *, url: str, token: str, out: Path = Path("exports"), annotator: str | None = None
         ) -> PullReport:
    """Export `city`'s project in full and write `export.json` and `annotation.json` (see the module doc)."""
    folder = session_folder(city, out)
    record = read_record(folder)
    with Client(url, token) as client:
        client.check()
        known = record.get("projects", {}).get(client.url)
        project = client.project(int(known["id"])) if isinstance(known, dict) else None
        if project is None:
            raise LabelStudioError(f"{city.slug} has no project on {client.url}: run `mapcurate annotate push "
                                   f"--city {city.slug}` first")
        project_id = int(project["id"])
        tasks = client.export(project_id)
        users = client.users()
    schema = ProjectSchema.from_dict(record["schema"])
    image = ImageRef(**record["image"])
    chosen = sessions(tasks, image, users, annotator)
    for session in chosen:
        check_results(str(project.get("label_config", schema.config())), session.results,
                      f"the annotation of task {session.task_id}")
    if not chosen:
        who = f" by {annotator}" if annotator else ""
        raise LabelStudioError(f"project {project_id} on {client.url} has no finished annotation{who} yet")
    annotation = from_labelstudio(chosen, schema, image)
    export_path, annotation_path = folder / EXPORT, folder / ANNOTATION
    write_json_atomic(export_path, tasks)
    write_json_atomic(annotation_path, annotation.to_dict())
    done = {s.task_id for s in chosen}
    return PullReport(city.slug, project_id, len(tasks), len(chosen), sorted({s.annotator for s in chosen}),
                      len(annotation.stations), len(annotation.lines), export_path, annotation_path,
                      sorted(int(t["id"]) for t in tasks if int(t["id"]) not in done))


def session_annotations(city: City, out: Path = Path("exports"), names: tuple[str, str] | None = None
                        ) -> tuple[Annotation, Annotation]:
    """Two annotators' annotations of the city's map, from the export the last pull kept."""
    folder = session_folder(city, out)
    record = read_record(folder)
    path = folder / EXPORT
    if not path.is_file():
        raise SourceError(f"no Label Studio export of {city.slug}: run `mapcurate annotate pull --city {city.slug}` "
                          "first", path)
    tasks = parse_json(decode_text(path.read_bytes(), path), path)
    if not isinstance(tasks, list):
        raise SourceError("the export must be a JSON list of tasks", path)
    schema, image = ProjectSchema.from_dict(record["schema"]), ImageRef(**record["image"])
    found = annotators(tasks, {})
    pair = names or (tuple(found[:2]) if len(found) >= 2 else None)
    if pair is None or len(pair) != 2:
        raise SourceError(f"the export has {len(found)} annotator{'s' * (len(found) != 1)} "
                          f"({', '.join(found) or 'none'}); agreement needs two", path)
    missing = [n for n in pair if n not in found]
    if missing:
        raise SourceError(f"no annotation by {', '.join(missing)} in the export (annotators: "
                          f"{', '.join(found) or 'none'})", path)
    first, second = (from_labelstudio(sessions(tasks, image, {}, who), schema, image) for who in pair)
    return first, second


def read_record(folder: Path) -> dict[str, Any]:
    """The session record (`project.json`), or an empty one when there is none yet."""
    path = folder / RECORD
    if not path.is_file():
        return {}
    data = parse_json(decode_text(path.read_bytes(), path), path)
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise SourceError(f"not a mapcurate Label Studio record (format {RECORD_FORMAT!r})", path)
    return data


def write_record(folder: Path, city: City, url: str, project_id: int, schema: ProjectSchema, image: ImageRef
                 ) -> None:
    """Remember the project's id on this server, its schema and its map (never the token)."""
    record = read_record(folder)
    projects = dict(record.get("projects", {}))
    projects[url] = {"id": project_id, "title": project_title(city)}
    write_json_atomic(folder / RECORD, {"format": RECORD_FORMAT, "city": city.slug, "projects": projects,
                                        "schema": schema.to_dict(), "image": image.to_dict()})

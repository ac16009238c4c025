"""`mapcurate export`: questions + maps → a canonical export, optional layouts and adapters, manifest, card.

The export is built in a temporary folder beside `out` and moved into place only when complete, so
a failure leaves nothing half-written (and an earlier export at `out` untouched). Maps are read one city
at a time; the views its questions show are rendered from that city's one decoded map
(`curation.exports.views`) before the next city's map is read.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.atomic import current_umask, exchange_paths, write_bytes_atomic, write_json_atomic
from curation.cities import City, load_city
from curation.errors import MapcurateError, OutputError, SourceError
from curation.exports import adapters
from curation.exports.canonical import CanonicalExport, write_canonical
from curation.exports.card import dataset_card
from curation.exports.manifest import FORMAT as EXPORT_FORMAT
from curation.exports.manifest import MANIFEST_FILE, file_entry, manifest
from curation.exports.maps import MapImage, map_image, read_native
from curation.exports.splits import assign_splits
from curation.exports.views import parse_view, render_views
from curation.images import map_source
from curation.network.build import GRAPH_FILE, check_fresh, city_station_list, load_network
from curation.questions.records import load_questions
from curation.questions.views import View
from curation.questions.vocabulary import check_names, city_vocabulary
from curation.scoring.ground_truth import GroundTruth, dumps
from curation.scoring.run import ground_truths

FORMATS: dict[str, Callable[..., list[Path]]] = {
    "reasonmap": adapters.reasonmap, "sharegpt": adapters.sharegpt, "verl": adapters.verl, "easyr1": adapters.easyr1,
    "vlmevalkit": adapters.vlmevalkit,
}
LAYOUTS = ("canonical", "hf")
CARD_FILE = "README.md"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class ExportOptions:
    """What `mapcurate export` was asked for (recorded in the manifest)."""

    name: str
    layout: str = "canonical"
    formats: list[str] = field(default_factory=list)
    test_cities: list[str] | None = None
    test_fraction: float | None = None
    seed: int = 0
    max_pixels: int | None = None
    allow_missing_images: bool = False
    curriculum: bool = False
    names: str | None = None
    """The questions' name vocabulary (`map` / `benchmark`); None: whatever they were generated with."""
    figure: str = "base64"
    """How the `reasonmap` adapter stores each map: `base64` (as the benchmark ships it) or `path`."""


def run_export(questions: Path, out: Path, graphs: Path, data_root: Path, options: ExportOptions,
               progress: Callable[[str], None] = lambda _: None, *, cities_root: Path | None = None) -> dict[str, Any]:
    """Write the export; returns its manifest. Cities are read from `cities_root` (default: the cities folder)."""
    unknown = sorted(set(options.formats) - set(FORMATS))
    if unknown:
        raise MapcurateError(f"unknown --format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    if options.layout not in LAYOUTS:
        raise MapcurateError(f"unknown --layout {options.layout}; choose from {', '.join(LAYOUTS)}")
    if not _NAME.fullmatch(options.name):
        raise MapcurateError(f"--name names files: letters, digits, '.', '_', '-', but got {options.name!r}")
    options.formats = list(dict.fromkeys(options.formats))
    out = out.resolve()
    _check_target(out)
    if options.figure not in adapters.FIGURES:
        raise MapcurateError(f"unknown --figure {options.figure}; choose from {', '.join(adapters.FIGURES)}")
    rows = load_questions(questions)
    if not rows:
        raise SourceError("no questions to export", questions)
    options.names = _vocabulary(rows, options.names, questions)
    cities = {slug: load_city(slug, cities_root) for slug in sorted({r["city"] for r in rows})}
    progress("maps")
    maps, image_ids, missing = _maps(cities, data_root, options, graphs, _views(rows, questions), progress)
    derived = {slug: c.rendered["derived_from"] for slug, c in cities.items() if c.rendered.get("derived_from")}
    splits = assign_splits(list(cities), test_cities=options.test_cities, test_fraction=options.test_fraction,
                           derived_from=derived,
                           seed=options.seed)
    progress("ground truths")
    truths = ground_truths(rows, graphs, questions)
    map_of_city = {m.city: m.map_id for m in maps if m.view_of is None}
    by_split: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        split, city = splits[row["city"]], row["city"]
        image_id = map_of_city.get(city) if row["view"] is None else image_ids.get(city, {}).get(row["view"])
        by_split.setdefault(split, []).append({**row, "split": split, "map_id": map_of_city.get(city),
                                               "image_id": image_id, "ground_truth": _text(truths[row["id"]])})
    staging = _staging(out)
    try:
        progress("canonical tables")
        write_canonical(staging, maps, by_split)
        export = CanonicalExport.read(staging)
        order = _curriculum(options.seed) if options.curriculum else (lambda rows: rows)
        if options.layout == "hf":
            progress("hf layout")
            adapters.hf(export, staging, order, options.name)
        for name in options.formats:
            progress(name)
            extra: dict[str, Any] = {}
            if name == "reasonmap":
                extra = {"metro": _metro(cities, graphs, data_root, options.names), "figure": options.figure}
            FORMATS[name](export, staging, order, options.name, **extra)
        document = manifest(staging, export, cities, splits, missing, options)
        card = staging / CARD_FILE
        write_bytes_atomic(card, dataset_card(export, document, options).encode("utf-8"))
        document["files"] = dict(sorted({**document["files"], CARD_FILE: file_entry(card)}.items()))
        write_json_atomic(staging / MANIFEST_FILE, document)
        _swap_into_place(staging, out)
    except OSError as exc:  # a full disk, a vanished folder: one line, and the staging folder goes
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the export: {exc.strerror or exc}", out) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return document


def _vocabulary(rows: list[dict[str, Any]], asked: str | None, questions: Path) -> str:
    """The questions' one name vocabulary; an export cannot rename what question texts and gold answers say."""
    found = sorted({str(row["names"]) for row in rows})
    if len(found) > 1:
        raise SourceError(f"these questions mix name vocabularies ({', '.join(found)}): export each on its own",
                          questions)
    if asked is not None:
        check_names(asked)
        if asked != found[0]:
            raise SourceError(f"these questions use --names {found[0]}, not {asked}: the names are inside question "
                              f"texts and gold answers, so regenerate them with `mapcurate gen-questions --names "
                              f"{asked}` and export those", questions)
    return found[0]


def _metro(cities: dict[str, City], graphs: Path, data_root: Path,
           names: str | None) -> dict[str, dict[str, list[str]]]:
    """Each city's metro data (line → stations) in vocabulary `names`: the `reasonmap` adapter's `json`."""
    vocabulary = check_names(names or "map")
    metro = {}
    for slug, city in cities.items():
        network = load_network(graphs / slug / GRAPH_FILE)
        raw = city_station_list(city, data_root)
        metro[slug] = city_vocabulary(network, vocabulary, raw).metro
    return metro


def _text(truth: GroundTruth | str) -> str:
    """A ground truth as JSON text (a re-exported row already carries it as text)."""
    return truth if isinstance(truth, str) else dumps(truth)


def _check_target(out: Path) -> None:
    """`out` may be new, empty, or an earlier export — never another folder, whose files would be lost."""
    if out.exists() and not out.is_dir():
        raise OutputError("exists and is not a folder", out)
    if out.is_dir() and any(out.iterdir()):
        try:
            earlier = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8")).get("format") == EXPORT_FORMAT
        except (OSError, ValueError, AttributeError):
            earlier = False
        if not earlier:
            raise OutputError("is a folder with other files in it; an export only replaces an earlier export", out)


def _views(rows: list[dict[str, Any]], questions: Path) -> dict[str, dict[str, View]]:
    """City → the views its questions show (view JSON → `View`)."""
    views: dict[str, dict[str, View]] = {}
    for row in rows:
        text = row["view"]
        if text is not None and text not in views.get(row["city"], {}):
            views.setdefault(row["city"], {})[text] = parse_view(text, row["id"], questions)
    return views


def _maps(cities: dict[str, City], data_root: Path, options: ExportOptions, graphs: Path,
          views: dict[str, dict[str, View]], progress: Callable[[str], None],
          ) -> tuple[list[MapImage], dict[str, dict[str, str]], list[str]]:
    """The maps and view images (each id once), each city's view JSON → image id, and the cities without a map.

    One city at a time: its map is read, checked against its graph, stored, and its views rendered from it.
    """
    _check_map_files(cities, data_root, options, _absent(cities, data_root))
    images: dict[str, MapImage] = {}
    image_ids: dict[str, dict[str, str]] = {}
    missing = []
    for slug, city in cities.items():
        native = read_native(city, data_root)
        if native is None:
            missing.append(slug)
            continue
        try:
            image = map_image(native, options.max_pixels)
            _check_graph_is_of_this_map(image, city, graphs, data_root)
            if views.get(slug):
                progress(f"views of {slug}")
            rendered = render_views(native, image, views.get(slug, {}).items())
        finally:
            native.close()
        for row in (image, *rendered.values()):
            images.setdefault(row.map_id, row)
        image_ids[slug] = {text: row.map_id for text, row in rendered.items()}
    _check_map_files(cities, data_root, options, missing)
    return list(images.values()), image_ids, missing


def _absent(cities: dict[str, City], data_root: Path) -> list[str]:
    """The cities that declare no map, or whose map file is not there."""
    absent = []
    for slug, city in cities.items():
        source = map_source(city, data_root)
        if source is None or not source.path.is_file():
            absent.append(slug)
    return absent


def _check_map_files(cities: dict[str, City], data_root: Path, options: ExportOptions, missing: list[str]) -> None:
    external = [c for c in cities.values() if c.sources.get("map") is not None and c.sources["map"].path is not None]
    if external and not data_root.is_dir():
        raise SourceError("data root does not exist (set --data-root or MAPCURATE_DATA)", data_root)
    if missing and not options.allow_missing_images:
        raise SourceError(f"no map image for {len(missing)} of {len(cities)} cities ({', '.join(missing)}): "
                          "fetch them (`mapcurate fetch-sources`) or pass --allow-missing-images", data_root)


def _check_graph_is_of_this_map(image_row: MapImage, city: City, graphs: Path, data_root: Path) -> None:
    """A graph built from an annotation names its image and sources: the map exported must be that image,
    and the sources unchanged since. Otherwise the questions (asked of that graph) describe another map."""
    slug = image_row.city
    path = graphs / slug / GRAPH_FILE
    if not path.is_file():
        return
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        image, recorded = document.get("image"), document.get("sources") or {}
    except (OSError, ValueError, AttributeError, RecursionError):
        return  # the ground truths read it again and report what is wrong with it
    if isinstance(recorded, dict):
        check_fresh(city, data_root, recorded, path, then=" and regenerate the questions")
    if isinstance(image, dict) and image.get("sha256") != image_row.source_sha256:
        raise SourceError(f"{slug}'s questions were asked of a network drawn on another image (graph.json names "
                          f"{str(image.get('sha256'))[:12]}…, the map is {image_row.source_sha256[:12]}…): "
                          f"rebuild the graph and regenerate the questions", path)


def _curriculum(seed: int) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Stage by stage (judgement → counting → along a line → routes), shuffled within a stage with `seed`."""
    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ordered = []
        for stage in sorted({r["stage"] for r in rows}):
            group = sorted((r for r in rows if r["stage"] == stage), key=lambda r: r["id"])
            random.Random(f"{seed}:{stage}").shuffle(group)
            ordered += group
        return ordered
    return order


def _staging(out: Path) -> Path:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", out) from exc


def _swap_into_place(staging: Path, out: Path) -> None:
    staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; exports are meant to be shared
    if out.is_dir() and exchange_paths(staging, out):  # one step: killed anywhere, `out` is the old or the new
        shutil.rmtree(staging, ignore_errors=True)  # now the earlier export
        return
    old = out.with_name(f".{out.name}.old") if out.exists() else None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

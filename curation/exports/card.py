"""The export's `README.md`: a Hugging Face dataset card (YAML header with configs, features, splits)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from curation.exports.canonical import MAPS_FILE, MAPS_SCHEMA, QUESTION_SCHEMA, CanonicalExport
from curation.exports.parquet_io import IMAGE_TYPE, hf_features

if TYPE_CHECKING:
    from curation.exports.export import ExportOptions


def _q(text: str) -> str:
    """A YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _features_yaml(features: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for name, feature in features.items():
        dtype = "image" if feature.get("_type") == "Image" else feature["dtype"]
        lines += [f"{indent}- name: {_q(name)}", f"{indent}  dtype: {dtype}"]
    return lines


def _bytes(manifest: dict[str, Any], path: str) -> int:
    return int(manifest["files"].get(path, {}).get("bytes", 0))


def dataset_card(export: CanonicalExport, manifest: dict[str, Any], options: ExportOptions) -> str:
    splits = sorted(export.questions)
    question_features = hf_features(QUESTION_SCHEMA)
    configs: list[tuple[str, dict[str, str], dict[str, Any]]] = []
    if options.layout == "hf":
        image_features = {**question_features, "image": {"_type": "Image"}}
        configs.append(("default", {s: f"data/{s}.parquet" for s in splits}, image_features))
        configs.append(("questions", {s: f"questions/{s}.parquet" for s in splits}, question_features))
    else:
        configs.append(("default", {s: f"questions/{s}.parquet" for s in splits}, question_features))
    header = ["---", f"pretty_name: {_q(options.name)}", "license: mit",
              "task_categories:", "- visual-question-answering", "language:", "- en", "- zh", "configs:"]
    for name, files, _ in configs:
        header += [f"- config_name: {name}", "  data_files:"]
        header += [line for split, path in files.items() for line in (f"  - split: {split}", f"    path: {path}")]
    header += ["- config_name: maps", "  data_files:", "  - split: train", f"    path: {MAPS_FILE}", "dataset_info:"]
    for name, files, features in configs:
        header += [f"- config_name: {name}", "  features:", *_features_yaml(features, "  "), "  splits:"]
        header += [line for split in splits
                   for line in (f"  - name: {split}", f"    num_bytes: {_bytes(manifest, files[split])}",
                                f"    num_examples: {len(export.questions[split])}")]
    maps_features = hf_features(MAPS_SCHEMA, images=[f.name for f in MAPS_SCHEMA if f.type == IMAGE_TYPE])
    header += ["- config_name: maps", "  features:", *_features_yaml(maps_features, "  "), "  splits:",
               "  - name: train", f"    num_bytes: {_bytes(manifest, MAPS_FILE)}",
               f"    num_examples: {len(export.maps)}", "---", ""]
    return "\n".join(header + _body(export, manifest, options)) + "\n"


def _kinds_section() -> list[str]:
    return [
        "## Map kinds and station positions", "",
        "Each map's `kind` says where its image comes from:", "",
        "- `real`: a published metro map (from ReasonMap / RewardMap or another source);",
        "- `synthetic`: a procedural network that mapcurate laid out and drew;",
        "- `rerendered`: a real city's network (`derived_from`) laid out and drawn by mapcurate;",
        "- `renamed`: the same, with every station and line renamed.", "",
        "`annotation` is null, or the annotation document of that row's image as JSON text "
        "(format `mapcurate-annotation/1`): every drawn station's position, marker and label boxes, and each "
        "line's polylines. Its `image` names the row's image by sha256, width and height; a map downsized by "
        "the export carries its annotation rescaled to the stored image. Coordinates are full-image pixels of "
        "that row's image: x grows right, y grows down, and the origin is the top-left corner of the top-left "
        "pixel, so a point lies in [0, width] × [0, height] and the centre of pixel (i, j) is (i + 0.5, j + 0.5).",
        "",
    ]


def _views_section(manifest: dict[str, Any]) -> list[str]:
    views = manifest["views"]
    return [
        "## Views and coordinates", "",
        "A perception question (`view` not null) shows a view of its map rather than the map: a window of the map "
        "cut at native resolution (`window`, `[x0, y0, x1, y1]` in map pixels), scaled to `size` (`[w, h]`, "
        "Lanczos) and with stations circled by rings over a thin white halo, in magenta (`#FF00FF`), cyan "
        "(`#00E5FF`) or lime (`#76FF03`): per map the one farthest from its lines' colours, named in the "
        "question. Each view "
        "is rendered from the native map — `--max-pixels` never resizes a view, since gold answers are in its "
        "pixels — and stored once in `maps.parquet` by content hash: id `<city>-<first 8 hex of the PNG's "
        "sha256>`, `view_of` the map it was cut from, `view` its spec as JSON (`map_size`, `window`, `size`, "
        "`marks` with `center` and `radius` in map pixels and `color`; a ring's stroke is centred on that "
        "radius). Identical views are one image. A view of the whole map at its own size without rings is the "
        "map: its own row, or with `--max-pixels` the native file in a row of its own. A question row's "
        "`image_id` is the image it shows: its `map_id` when `view` is null, else its view's id.", "",
        "Coordinates are full-image pixels: origin at the top-left corner of the top-left pixel, x to the right, "
        "y down. Point and box answers are in the SHOWN image, in the convention the question states (its "
        "answer's `coords`): `pixels` of the shown image (what Qwen2.5-VL writes), or `norm1000`, 0–1000 of its "
        "width and height (Qwen2-VL, Qwen3-VL). A crop keeps its window, so a point p of the shown image is "
        "the map point p · (window size / view size) + (x0, y0); a map point q is shown at "
        "(q − (x0, y0)) · (view size / window size).", "",
        "| view images | crops | scaled | marked | questions showing a view |", "|---|---|---|---|---|",
        f"| {views['images']} | {views['crops']} | {views['scaled']} | {views['marked']} | {views['questions']} |",
        "",
    ]


def _body(export: CanonicalExport, manifest: dict[str, Any], options: ExportOptions) -> list[str]:
    cities = manifest["splits"]["cities"]
    lines = [
        f"# {options.name}", "",
        "Questions about metro maps for vision-language models — ReasonMap-style route planning (short and "
        "long), ReasonMap-Plus detail questions and more — with gold answers computed from curated networks "
        "(every optimal route), difficulty labels and weights. Made by "
        "mapcurate from the ReasonMap / RewardMap station lists and maps.", "",
        "## Statistics", "", "| split | cities | questions | maps | view images |", "|---|---|---|---|---|",
    ]
    views = export.view_rows()
    for split, rows in sorted(export.questions.items()):
        maps = len({r["map_id"] for r in rows if r["map_id"]})
        shown = len({r["image_id"] for r in rows if r["image_id"] in views})
        lines.append(f"| {split} | {len(cities.get(split, []))} | {len(rows)} | {maps} | {shown} |")
    lines += ["", "| split | type | easy | medium | hard |", "|---|---|---|---|---|"]
    for split, by_type in manifest["counts"].items():
        for kind, levels in by_type.items():
            lines.append(f"| {split} | {kind} | {levels.get('easy', 0)} | {levels.get('medium', 0)} | "
                         f"{levels.get('hard', 0)} |")
    lines += ["", "| map kind | cities | maps | maps with station positions | questions |", "|---|---|---|---|---|"]
    for kind, n in manifest["kinds"].items():
        lines.append(f"| {kind} | {n['cities']} | {n['maps']} | {n['maps_with_positions']} | {n['questions']} |")
    missing = manifest["missing_images"]
    lines += [
        "", "## Splits", "",
        f"City-disjoint ({manifest['splits']['rule']}); no city is in two splits.", "",
        *(f"- **{split}**: {', '.join(members)}" for split, members in cities.items()), "",
        "## Files", "",
        f"- `{MAPS_FILE}`: one row per image — each map (the image file's bytes: the original file, or a PNG "
        "downsized by `--max-pixels`) and each view a question shows — as a `datasets` Image, its size, "
        "sha256, a recommended `max_pixels` for Qwen-VL-style processors, its `kind`, `derived_from`, "
        "`annotation`, `view_of` and `view` (see below).",
        "- `questions/<split>.parquet`: the question records with `map_id`, `image_id` (the image the question "
        "shows) and `ground_truth` (the JSON the mapcurate scorer and reward functions take).",
    ]
    if options.layout == "hf":
        lines.append("- `data/<split>.parquet`: the questions with the image they show in each row (stored once per "
                     "row group): `datasets.load_dataset(\"parquet\", data_files=…)` decodes it. Large exports "
                     "are best loaded with `streaming=True`, as `datasets` caches images once per row.")
    if "reasonmap" in options.formats:
        lines.append("- `reasonmap/<split>.parquet`: the ReasonMap benchmark's layout (`country`, `city`, `json`, "
                     "`question_short`, `question_long`, `station_1`, `station_2`, `figure` as "
                     f"{'base64 PNG' if options.figure == 'base64' else 'a path under images/'}, `routes` — every "
                     "optimal route as `route_1`, … → sections with `route_name`, `departure_stop`, `arrival_stop`, "
                     "`via_stops`, `num_via_stops` —, `difficulty_*`, `city_*_count`, `question_transfer_count`); "
                     "`reasonmap_plus/<split>.parquet` the ReasonMap-Plus layout (`type`, `question`, `answer`, …).")
    lines += [f"- adapters: {', '.join(sorted(options.formats))}" if options.formats else "",
              f"- names: `{options.names or 'map'}` — "
              + ("the ReasonMap benchmark's own line keys and station strings (its evaluator's vocabulary)"
                 if options.names == "benchmark" else "line and station names as the map prints them"),
              "- `manifest.json`: counts, options, sources and the sha256 of every file.", ""]
    too_big = [m["city"] for m in manifest["maps"] if m["pil_default"] != "ok"]
    if too_big:
        lines += [f"Maps past Pillow's default decompression-bomb limit ({', '.join(too_big)}; see `pil_default` in "
                  "`manifest.json`) need that limit raised to a bound before decoding — keep the guard on, e.g. "
                  "`PIL.Image.MAX_IMAGE_PIXELS = 300_000_000` — or an export made with `--max-pixels`.", ""]
    if missing["cities"]:
        lines += [f"Cities without a map image ({', '.join(missing['cities'])}): their {missing['questions']} "
                  "questions carry no image.", ""]
    lines += _kinds_section()
    lines += _views_section(manifest)
    lines += [
        "## How it was made", "",
        "Station lists (or annotations of the map) become validated networks (stable ids, loops, branches, "
        "transfers, a data-quality report); "
        "a seeded generator draws questions per map (route pairs at easy:medium:hard = 20:15:5 by transfers), "
        "and gold answers are computed from the network: all optimal routes (fewest transfers, then fewest "
        f"stops). Generator: {', '.join(manifest['generator_versions'])}; question seeds "
        f"{', '.join(map(str, manifest['question_seeds']))}; export seed {options.seed}.", "",
        "## Licences", "",
        "Station lists and maps come from the ReasonMap and RewardMap projects (MIT); each source's upstream and "
        "licence is in `manifest.json` under `sources`.", "",
    ]
    return lines

"""Adapters: each a pure function from a canonical export to the files one consumer reads.

- `hf`: `data/<split>.parquet`, every row carrying its image as a `datasets` Image (stored once per
  row group, see `parquet_io`), for `datasets.load_dataset("parquet", data_files=…)`;
- `reasonmap`: the benchmark's own layout, which its evaluator reads unchanged — `reasonmap/<split>.parquet`
  (one row per station pair: `json`, `question_short`/`_long`, `figure` as base64, `routes` as its
  reference-route mapping …) and `reasonmap_plus/<split>.parquet` (the detail types the benchmark asks,
  Counting1-3 and TorF1-2, `answer` as its integer; mapcurate's own families are in the other formats);
- `sharegpt`: LLaMA-Factory `sharegpt/<split>.json` and `dataset_info.json` (one `<image>` per image);
- `verl` / `easyr1`: RL Parquet whose reward columns carry the full ground truth;
- `vlmevalkit`: one TSV per split, each image's base64 once, later rows naming that row's index.

Every format but `reasonmap` shows each row its `image_id`: the map, or the view the question shows (a crop,
a scaled map, stations circled; `curation.exports.views`). The benchmark's own families show no view, so
`reasonmap` carries the full maps.

`order` gives the row order of the training formats (curriculum or not); the others keep the
canonical order. Questions whose city has no map image (exported with `--allow-missing-images`)
stay in the canonical tables, `hf` and `reasonmap`, but not in the formats that train or evaluate
a model on the image (sharegpt, verl, easyr1, vlmevalkit): asked about a map it cannot see, a
model can only guess.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from curation.atomic import write_bytes_atomic
from curation.exports.canonical import QUESTION_SCHEMA, CanonicalExport
from curation.exports.parquet_io import write_parquet, write_with_images
from curation.names import PARENTHETICAL
from curation.questions.generator import FAMILIES

IMAGES_DIR = "images"
IMAGE_TOKEN = "<image>"
Order = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _by_image(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["image_id"] or "", r["id"]))


def _with_images(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["image_id"] is not None]


def _image_path(export: CanonicalExport, row: dict[str, Any]) -> str | None:
    return f"{IMAGES_DIR}/{export.maps[row['image_id']]['image']['path']}" if row["image_id"] else None


def write_images(export: CanonicalExport, out: Path, maps_only: bool = False) -> list[Path]:
    """Each image once as a file, for the formats that name image files: `images/<city>.png` for a map,
    `images/<image id>.png` for a view (`maps_only`: the maps alone)."""
    rows = export.map_rows() if maps_only else export.maps
    paths = []
    for row in sorted(rows.values(), key=lambda m: str(m["image"]["path"])):
        path = out / IMAGES_DIR / row["image"]["path"]
        write_bytes_atomic(path, row["image"]["bytes"])
        paths.append(path)
    return paths


def hf(export: CanonicalExport, out: Path, order: Order, name: str) -> list[Path]:
    """The question rows grouped by image (so each row group stores its image once), each with its image."""
    paths = []
    images = export.images()
    for split, rows in export.questions.items():
        rows = _by_image(rows)
        table = pa.Table.from_pylist(rows, schema=QUESTION_SCHEMA)
        path = out / "data" / f"{split}.parquet"
        write_with_images(path, table, [r["image_id"] for r in rows], images)
        paths.append(path)
    return paths


def _plain_answer(row: dict[str, Any]) -> str:
    text: str = row["answer_text"]
    return text[len("\\boxed{"):-1] if text.startswith("\\boxed{") and text.endswith("}") else text


_PLUS_INTEGER = {"counting2", "counting3", "min_transfers"}
_PLUS_YES_NO = {"torf1", "torf2", "adjacent"}


def _plus_answer(row: dict[str, Any]) -> int | None:
    """The benchmark's integer answer: the count, 1/0 for yes/no, the option's position for a letter."""
    answer = json.loads(row["answer"])
    if row["family"] in _PLUS_INTEGER:
        return int(answer["value"])
    if row["family"] in _PLUS_YES_NO:
        return 1 if answer["value"] == "yes" else 0
    if row["family"] == "counting1":
        return "ABCD".index(answer["letter"])
    return None


SECTION_TYPE = pa.struct([("route_name", pa.string()), ("departure_stop", pa.string()), ("arrival_stop", pa.string()),
                          ("via_stops", pa.list_(pa.string())), ("num_via_stops", pa.int32())])
_REASONMAP_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("country", pa.string()), ("city", pa.string()), ("json", pa.string()), ("question_short", pa.string()),
    ("question_long", pa.string()), ("station_1", pa.string()), ("station_2", pa.string()), ("figure", pa.string()),
    ("difficulty_city", pa.string()), ("difficulty_question", pa.string()), ("city_line_count", pa.int32()),
    ("city_transfer_count", pa.int32()), ("question_transfer_count", pa.int32()),
    ("id", pa.string()), ("long_form", pa.string()), ("answer_short", pa.string()), ("answer_long", pa.string()),
    ("route_count", pa.int32()), ("weight", pa.float64()), ("names", pa.string()), ("map_id", pa.string()),
    ("split", pa.string()),
]
_PLUS_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("country", pa.string()), ("city", pa.string()), ("type", pa.string()), ("question", pa.string()),
    ("answer", pa.int32()), ("station_1", pa.string()), ("station_2", pa.string()), ("figure", pa.string()),
    ("json", pa.string()), ("difficulty_city", pa.string()), ("city_line_count", pa.int32()),
    ("city_transfer_count", pa.int32()), ("question_transfer_count", pa.int32()),
    ("id", pa.string()), ("family", pa.string()), ("answer_text", pa.string()), ("weight", pa.float64()),
    ("names", pa.string()), ("map_id", pa.string()), ("split", pa.string()),
]
PLUS_SCHEMA = pa.schema(_PLUS_COLUMNS)
FIGURES = ("base64", "path")


def reasonmap_schema(plans: int) -> pa.Schema:
    """The `reasonmap` table's schema: `routes` a struct of `route_1` … `route_<plans>`, each a list of sections."""
    routes = pa.struct([(f"route_{i}", pa.list_(SECTION_TYPE)) for i in range(1, plans + 1)])
    return pa.schema([*_REASONMAP_COLUMNS[:8], ("routes", routes), *_REASONMAP_COLUMNS[8:]])


def _reference_stop(name: str, country: str) -> str:
    """A stop as the benchmark's reference routes (a map service's) name it: no parentheticals and no
    generic suffix (`站` / ` Station`), which its evaluator appends before comparing."""
    plain = PARENTHETICAL.sub("", name).strip() or name
    suffix = "站" if country == "china" else " Station"
    return plain[: -len(suffix)] if plain.endswith(suffix) and len(plain) > len(suffix) else plain


def _plan(route: dict[str, Any], country: str) -> list[dict[str, Any]]:
    return [{"route_name": leg["line_name"], "departure_stop": _reference_stop(leg["from_name"], country),
             "arrival_stop": _reference_stop(leg["to_name"], country), "via_stops": list(leg["via_names"]),
             "num_via_stops": len(leg["via_names"])} for leg in route["legs"]]


def _routes(short: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Every optimal route (the gold first) as the benchmark's reference plans."""
    routes = [json.loads(short["answer"]), *json.loads(short["alternatives"])]
    return [_plan(route, short["country"]) for route in routes]


def _figures(export: CanonicalExport, figure: str) -> dict[str, str]:
    """Each map's `figure` cell, computed once per map: its PNG as base64, or (`path`) its image file."""
    if figure == "path":
        return {mid: f"{IMAGES_DIR}/{m['image']['path']}" for mid, m in export.map_rows().items()}
    return {mid: base64.b64encode(m["image"]["bytes"]).decode("ascii") for mid, m in export.map_rows().items()}


def reasonmap(export: CanonicalExport, out: Path, order: Order, name: str, *,
              metro: dict[str, dict[str, list[str]]] | None = None, figure: str = "base64") -> list[Path]:
    """`reasonmap/<split>.parquet` and `reasonmap_plus/<split>.parquet` in the benchmark's own layout.

    `metro`: each city's metro data (line → stations) in the questions' vocabulary, the `json` column;
    `figure`: `base64` (the PNG's bytes, as the benchmark ships it) or `path` (`images/<file>`, written).
    `routes` maps `route_1` … to every optimal route; a row with fewer routes than the file's most
    repeats its own (the best score over them is unchanged) and `route_count` says how many are distinct.
    """
    paths = write_images(export, out, maps_only=True) if figure == "path" else []
    figures = _figures(export, figure)
    metro_text = {city: json.dumps(data, ensure_ascii=False) for city, data in (metro or {}).items()}
    for split, rows in export.questions.items():
        pairs: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
        for row in rows:
            if row["family"] == "planning":
                form = "short" if row["template"] == "planning_short" else "long"
                pairs.setdefault((row["city"], row["station_1_id"], row["station_2_id"]), {})[form] = row
        planning = []
        for _, forms in sorted(pairs.items()):
            short, long_ = forms.get("short"), forms.get("long")
            if short is None or long_ is None:  # a questions file filtered to one form
                continue
            plans = _routes(short)
            planning.append((plans, {
                "country": short["country"], "city": short["city"], "json": metro_text.get(short["city"]),
                "question_short": short["question"], "question_long": long_["question"],
                "station_1": short["station_1"], "station_2": short["station_2"],
                "figure": figures.get(short["map_id"] or ""),
                "difficulty_city": short["difficulty_map"], "difficulty_question": short["difficulty_question"],
                "city_line_count": short["city_line_count"], "city_transfer_count": short["city_transfer_count"],
                "question_transfer_count": short["question_transfer_count"], "id": short["id"],
                "long_form": long_["template"].removeprefix("planning_long_"), "answer_short": short["answer_text"],
                "answer_long": long_["answer_text"], "route_count": len(plans), "weight": short["weight"],
                "names": short["names"], "map_id": short["map_id"], "split": split,
            }))
        width = max((len(plans) for plans, _ in planning), default=1)
        table = [{**data, "routes": {f"route_{i + 1}": plans[i % len(plans)] for i in range(width)}}
                 for plans, data in planning]
        plus = [{"country": r["country"], "city": r["city"], "type": r["type"], "question": r["question"],
                 "answer": _plus_answer(r), "station_1": r["station_1"], "station_2": r["station_2"],
                 "figure": figures.get(r["map_id"] or ""), "json": metro_text.get(r["city"]),
                 "difficulty_city": r["difficulty_map"], "city_line_count": r["city_line_count"],
                 "city_transfer_count": r["city_transfer_count"], "question_transfer_count": None, "id": r["id"],
                 "family": r["family"], "answer_text": _plain_answer(r), "weight": r["weight"], "names": r["names"],
                 "map_id": r["map_id"], "split": split}
                for r in rows if r["family"] != "planning" and FAMILIES[r["family"]].benchmark]
        for folder, data, schema in (("reasonmap", table, reasonmap_schema(width)),
                                     ("reasonmap_plus", plus, PLUS_SCHEMA)):
            path = out / folder / f"{split}.parquet"
            write_parquet(path, pa.Table.from_pylist(data, schema=schema))
            paths.append(path)
    return paths


def _prompt(export: CanonicalExport, row: dict[str, Any]) -> str:
    question: str = row["question"]
    return (IMAGE_TOKEN if row["image_id"] else "") + question


def sharegpt(export: CanonicalExport, out: Path, order: Order, name: str) -> list[Path]:
    paths = write_images(export, out)
    info = {}
    for split, rows in export.questions.items():
        records = [{"id": r["id"],
                    "conversations": [{"from": "human", "value": _prompt(export, r)},
                                      {"from": "gpt", "value": r["answer_text"]}],
                    "images": [p for p in [_image_path(export, r)] if p]} for r in order(_with_images(rows))]
        path = out / "sharegpt" / f"{split}.json"
        write_bytes_atomic(path, (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        paths.append(path)
        info[f"{name}_{split}"] = {"file_name": f"sharegpt/{split}.json", "formatting": "sharegpt",
                                   "columns": {"messages": "conversations", "images": "images"},
                                   "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                                            "assistant_tag": "gpt"}}
    path = out / "dataset_info.json"
    write_bytes_atomic(path, (json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return [*paths, path]


_EXTRA_KEYS = ("id", "city", "family", "type", "template", "difficulty_question", "difficulty_map", "stage", "weight",
               "reward_weight", "map_id", "image_id")
_EXTRA_INFO = pa.struct([("split", pa.string()), ("index", pa.int64()),
                         *((k, QUESTION_SCHEMA.field(k).type) for k in _EXTRA_KEYS)])
_VERL_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("data_source", pa.string()),
    ("prompt", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
    ("ability", pa.string()),
    ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
    ("extra_info", _EXTRA_INFO),
]
VERL_SCHEMA = pa.schema(_VERL_COLUMNS)
_EASYR1_COLUMNS: list[tuple[str, pa.DataType]] = [("problem", pa.string()), ("answer", pa.string()),
                                                  ("id", pa.string()), ("type", pa.string()), ("stage", pa.int8())]
EASYR1_SCHEMA = pa.schema(_EASYR1_COLUMNS)


def verl(export: CanonicalExport, out: Path, order: Order, name: str) -> list[Path]:
    paths = []
    for split, rows in export.questions.items():
        rows = order(_with_images(rows))
        data = [{"data_source": "mapcurate", "prompt": [{"role": "user", "content": _prompt(export, r)}],
                 "ability": r["family"], "reward_model": {"style": "rule", "ground_truth": r["ground_truth"]},
                 "extra_info": {"split": split, "index": i, **{k: r[k] for k in _EXTRA_KEYS}}}
                for i, r in enumerate(rows)]
        path = out / "verl" / f"{split}.parquet"
        write_with_images(path, pa.Table.from_pylist(data, schema=VERL_SCHEMA), [r["image_id"] for r in rows],
                          export.images(), column="images", as_list=True, hf=False)
        paths.append(path)
    return paths


def easyr1(export: CanonicalExport, out: Path, order: Order, name: str) -> list[Path]:
    paths = []
    for split, rows in export.questions.items():
        rows = order(_with_images(rows))
        data = [{"problem": _prompt(export, r), "answer": r["ground_truth"], "id": r["id"], "type": r["type"],
                 "stage": r["stage"]} for r in rows]
        path = out / "easyr1" / f"{split}.parquet"
        write_with_images(path, pa.Table.from_pylist(data, schema=EASYR1_SCHEMA), [r["image_id"] for r in rows],
                          export.images(), column="images", as_list=True, hf=False)
        paths.append(path)
    return paths


TSV_COLUMNS = ("index", "image", "question", "answer", "category", "l2-category", "split", "city", "id")


def vlmevalkit(export: CanonicalExport, out: Path, order: Order, name: str) -> list[Path]:
    """One TSV per split: an image's base64 on the first row that shows it, that row's index on the later ones.

    `answer` is the gold answer text (one optimal route); `id` joins the row to its ground truth,
    with which `mapcurate score` accepts every optimal route.
    """
    paths = []
    for split, rows in sorted(export.questions.items()):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")  # quotes multi-line cells (pandas reads them)
        writer.writerow(TSV_COLUMNS)
        first_row: dict[str, int] = {}
        for index, row in enumerate(_by_image(_with_images(rows))):
            image_id = row["image_id"]
            if image_id in first_row:
                image = str(first_row[image_id])
            else:
                first_row[image_id] = index
                image = base64.b64encode(export.maps[image_id]["image"]["bytes"]).decode("ascii")
            writer.writerow((index, image, row["question"], _plain_answer(row), row["type"],
                             row["difficulty_question"], split, row["city"], row["id"]))
        path = out / "vlmevalkit" / f"{name}_{split}.tsv"
        write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))
        paths.append(path)
    return paths

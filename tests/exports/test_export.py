"""`mapcurate export` on synthetic cities with generated maps: tables, layouts, adapters, splits, determinism."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import warnings

import datasets
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from curation.cli import app
from curation.scoring.trainers import compute_score, compute_score_batch
from tests.exports.conftest import MAP_SIZES

ALL_FORMATS = "reasonmap,sharegpt,verl,easyr1,vlmevalkit"


def export(runner, asked, out, *extra):
    args = ["export", "--questions", str(asked), "--graphs", str(asked), "--out", str(out), "--name", "metro", *extra]
    return runner.invoke(app, args)


@pytest.fixture
def full(runner, asked, tmp_path):
    """alpha and beta (gamma has no map: allowed), beta as the test city, hf layout and every adapter."""
    out = tmp_path / "export"
    result = export(runner, asked, out, "--test-cities", "beta", "--layout", "hf", "--format", ALL_FORMATS,
                    "--allow-missing-images")
    assert result.exit_code == 0, result.output
    return out


def files_of(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_canonical_tables_read_with_pyarrow_and_pandas(full, make_cities):
    maps = pq.read_table(full / "maps.parquet").to_pylist()
    assert [m["city"] for m in maps] == ["alpha", "beta"]
    for m in maps:
        source = (make_cities / m["city"] / "map.png").read_bytes()
        assert m["image"]["bytes"] == source and m["sha256"] == hashlib.sha256(source).hexdigest()
        assert (m["width"], m["height"]) == MAP_SIZES[m["city"]]
        assert m["map_id"] == f"{m['city']}-{m['sha256'][:8]}" and m["recommended_max_pixels"] > 0
    train = pd.read_parquet(full / "questions" / "train.parquet")
    test = pd.read_parquet(full / "questions" / "test.parquet")
    assert set(train["city"]) == {"alpha", "gamma"} and set(test["city"]) == {"beta"}
    assert set(train["city"]).isdisjoint(test["city"])
    assert train.loc[train["city"] == "gamma", "map_id"].isna().all()
    assert (train.loc[train["city"] == "alpha", "map_id"] == maps[0]["map_id"]).all()
    manifest = json.loads((full / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["splits"]["cities"] == {"test": ["beta"], "train": ["alpha", "gamma"]}
    assert manifest["splits"]["city_disjoint"] is True
    assert manifest["missing_images"] == {"allowed": True, "cities": ["gamma"],
                                          "questions": int((train["city"] == "gamma").sum())}
    assert sum(sum(levels.values()) for split in manifest["counts"].values() for levels in split.values()) == \
        len(train) + len(test)
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((full / name).read_bytes()).hexdigest() == entry["sha256"]


def test_hf_layout_loads_with_datasets_and_decodes_images(full, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = datasets.load_dataset("parquet", data_files={"train": str(full / "data" / "train.parquet")},
                                   split="train", cache_dir=str(tmp_path / "hf-cache"))
    assert isinstance(ds.features["image"], datasets.Image) and "ground_truth" in ds.features
    cities = ds["city"]
    assert ds[cities.index("alpha")]["image"].size == MAP_SIZES["alpha"]
    assert ds[cities.index("gamma")]["image"] is None
    # each map once per file: the file is about one image plus the question text, not one image per row
    alpha_rows = cities.count("alpha")
    image = (full / "images" / "alpha.png").stat().st_size
    assert alpha_rows > 50 and (full / "data" / "train.parquet").stat().st_size < image * 3 + 200_000


def test_dataset_card_has_a_valid_yaml_header(full):
    text = (full / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---\n")[1])
    configs = {c["config_name"]: c for c in header["configs"]}
    assert {"default", "questions", "maps"} <= set(configs)
    assert {f["path"] for f in configs["default"]["data_files"]} == {"data/train.parquet", "data/test.parquet"}
    default = next(i for i in header["dataset_info"] if i["config_name"] == "default")
    assert {"name": "image", "dtype": "image"} in default["features"]
    sizes = {s["name"]: s["num_bytes"] for s in default["splits"]}
    assert sizes == {s: (full / "data" / f"{s}.parquet").stat().st_size for s in ("train", "test")}
    assert "| test | 1 |" in text and "City-disjoint" in text


def test_sharegpt_images_match_image_tokens(full):
    info = json.loads((full / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"metro_train", "metro_test"}
    for entry in info.values():
        records = json.loads((full / entry["file_name"]).read_text(encoding="utf-8"))
        assert records and entry["formatting"] == "sharegpt"
        for record in records:
            human, gpt = record["conversations"]
            assert human["value"].count("<image>") == len(record["images"]) and gpt["from"] == "gpt"
            assert all((full / image).is_file() for image in record["images"])


def test_verl_rows_carry_the_whole_ground_truth(full):
    table = pq.read_table(full / "verl" / "test.parquet")
    assert table.column_names == ["data_source", "prompt", "ability", "reward_model", "extra_info", "images"]
    canonical = {r["id"]: r for r in pq.read_table(full / "questions" / "test.parquet").to_pylist()}
    for row in table.to_pylist():
        question = canonical[row["extra_info"]["id"]]
        assert row["reward_model"]["style"] == "rule" and row["data_source"] == "mapcurate"
        assert len(row["images"]) == 1 and row["images"][0]["bytes"][:8] == b"\x89PNG\r\n\x1a\n"
        assert row["prompt"][0]["content"] == "<image>" + question["question"]
        scored = compute_score(row["data_source"], question["answer_text"], row["reward_model"]["ground_truth"])
        assert scored["accuracy"] == 1.0 and scored["format"] == 1.0


def test_easyr1_rows_score_with_the_batch_reward(full):
    rows = pq.read_table(full / "easyr1" / "train.parquet").to_pylist()
    canonical = {r["id"]: r for r in pq.read_table(full / "questions" / "train.parquet").to_pylist()}
    scores = compute_score_batch([{"response": canonical[r["id"]]["answer_text"], "ground_truth": r["answer"]}
                                  for r in rows])
    assert all(s["accuracy"] == 1.0 for s in scores)
    assert {len(r["images"]) for r in rows} == {1} and all(r["problem"].startswith("<image>") for r in rows)
    train = pq.read_table(full / "questions" / "train.parquet", columns=["city"]).column("city").to_pylist()
    assert len(rows) == train.count("alpha"), "questions without a map stay out of the training formats"


def test_vlmevalkit_tsv_per_split_stores_each_image_once(full):
    assert sorted(p.name for p in (full / "vlmevalkit").iterdir()) == ["metro_test.tsv", "metro_train.tsv"]
    table = pd.read_csv(full / "vlmevalkit" / "metro_train.tsv", sep="\t", dtype=str)
    assert list(table.columns[:6]) == ["index", "image", "question", "answer", "category", "l2-category"]
    assert set(table["city"]) == {"alpha"} and set(table["split"]) == {"train"}
    full_images = table[table["image"].str.len() > 64]
    assert len(full_images) == 1
    by_index = dict(zip(table["index"], table["image"], strict=True))
    assert all(len(by_index[image]) > 64 for image in table["image"] if len(image) <= 64)
    assert base64.b64decode(full_images["image"].iloc[0]) == (full / "images" / "alpha.png").read_bytes()
    assert table["question"].str.contains("\n").any(), "multi-line questions survive the TSV"


def test_reasonmap_columns(full):
    planning = pq.read_table(full / "reasonmap" / "train.parquet").to_pylist()
    plus = pq.read_table(full / "reasonmap_plus" / "train.parquet").to_pylist()
    assert planning and {"station_1", "station_2", "question_short", "question_long", "routes", "difficulty_city",
                         "difficulty_question", "city_line_count"} <= set(planning[0])
    assert all(r["question_short"] != r["question_long"] for r in planning)
    alpha = {r["figure"] for r in plus if r["city"] == "alpha"}  # base64 PNG, as the benchmark ships it
    assert len(alpha) == 1 and base64.b64decode(alpha.pop()) == (full / "images" / "alpha.png").read_bytes()
    torf = [r for r in plus if r["type"] == "TorF1"]
    assert {r["answer"] for r in torf} == {0, 1}
    assert all(r["answer"] == "ABCD".index(r["answer_text"]) for r in plus if r["type"] == "Counting1")


def test_same_inputs_same_bytes(runner, asked, tmp_path, full):
    again = tmp_path / "again"
    result = export(runner, asked, again, "--test-cities", "beta", "--layout", "hf", "--format", ALL_FORMATS,
                    "--allow-missing-images")
    assert result.exit_code == 0
    assert files_of(again) == files_of(full)


def test_missing_images_fail_and_write_nothing(runner, asked, tmp_path):
    out = tmp_path / "never"
    result = export(runner, asked, out)
    assert result.exit_code == 2
    assert "no map image for 1 of 3 cities (gamma)" in result.stderr and "--allow-missing-images" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".never*"))


def test_a_failed_export_leaves_the_earlier_one(runner, asked, tmp_path, full):
    before = files_of(full)
    result = export(runner, asked, full, "--format", "nope", "--allow-missing-images")
    assert result.exit_code == 2 and "unknown --format nope" in result.stderr
    assert files_of(full) == before


def test_max_pixels_downsizes_and_records(runner, asked, tmp_path):
    out = tmp_path / "small"
    assert export(runner, asked, out, "--max-pixels", "10000", "--allow-missing-images").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["max_pixels"] == 10000
    for m in manifest["maps"]:
        assert m["width"] * m["height"] <= 10000
        assert (m["original_width"], m["original_height"]) == MAP_SIZES[m["city"]]


def test_test_fraction_is_seeded_and_disjoint(runner, asked, tmp_path):
    splits = []
    for seed in ("1", "1", "2", "3", "4"):
        out = tmp_path / f"f{len(splits)}"
        assert export(runner, asked, out, "--test-fraction", "0.34", "--seed", seed, "--allow-missing-images",
                      ).exit_code == 0
        cities = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["splits"]["cities"]
        assert len(cities["test"]) == 1 and not set(cities["test"]) & set(cities["train"])
        splits.append(cities["test"])
    assert splits[0] == splits[1] and len({tuple(s) for s in splits}) > 1
    bad = export(runner, asked, tmp_path / "bad", "--test-fraction", "1.5", "--allow-missing-images")
    assert bad.exit_code == 2 and "--test-fraction must be between 0 and 1" in bad.stderr


def test_curriculum_orders_training_rows_by_stage(runner, asked, tmp_path):
    orders = []
    for name, seed in (("c1", "5"), ("c2", "5"), ("c3", "6")):
        out = tmp_path / name
        assert export(runner, asked, out, "--format", "verl", "--curriculum", "--seed", seed,
                      "--allow-missing-images").exit_code == 0
        rows = pq.read_table(out / "verl" / "train.parquet", columns=["extra_info"]).to_pylist()
        stages = [r["extra_info"]["stage"] for r in rows]
        assert stages == sorted(stages) and len(set(stages)) == 4
        orders.append([r["extra_info"]["id"] for r in rows])
    assert orders[0] == orders[1] and orders[0] != orders[2]


@pytest.mark.parametrize(("args", "message"), [
    (["--layout", "flat"], "unknown --layout flat"),
    (["--test-cities", "atlantis"], "--test-cities names cities without questions: atlantis"),
])
def test_bad_options_are_one_line(runner, asked, tmp_path, args, message):
    result = export(runner, asked, tmp_path / "x", "--allow-missing-images", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert re.fullmatch(r"error: [^\n]+\n", result.stderr)


def test_score_reads_an_export_without_graphs(runner, full, tmp_path):
    rows = pq.read_table(full / "questions" / "test.parquet").to_pylist()
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps({"id": r["id"], "response": r["answer_text"]}) + "\n" for r in rows),
                           encoding="utf-8")
    result = runner.invoke(app, ["score", "--questions", str(full), "--predictions", str(predictions),
                                 "--graphs", str(tmp_path / "no-graphs"), "--out", str(tmp_path / "scored")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "scored" / "report.json").read_text(encoding="utf-8"))
    assert report["scored"] == len(rows) and report["overall"]["weighted_accuracy"] == 1.0
    assert report["missing"] == sum(1 for _ in pq.read_table(full / "questions" / "train.parquet").to_pylist())


def test_an_export_never_replaces_a_folder_that_is_not_an_export(runner, asked, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep", encoding="utf-8")
    result = export(runner, asked, folder, "--allow-missing-images")
    assert result.exit_code == 2 and "is a folder with other files in it" in result.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep" and len(list(folder.iterdir())) == 1


def test_an_export_re_exports_with_its_ground_truths(runner, asked, tmp_path, full):
    out = tmp_path / "again"
    result = runner.invoke(app, ["export", "--questions", str(full / "questions"), "--graphs", str(tmp_path / "none"),
                                 "--out", str(out), "--allow-missing-images", "--test-cities", "beta"])
    assert result.exit_code == 0, result.output
    for split in ("train", "test"):
        before = pq.read_table(full / "questions" / f"{split}.parquet", columns=["id", "ground_truth"]).to_pylist()
        after = pq.read_table(out / "questions" / f"{split}.parquet", columns=["id", "ground_truth"]).to_pylist()
        assert before == after


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "../evil"], "--name names files"),
    (["--test-fraction", "0.99"], "leaves no city for train"),
])
def test_more_bad_options(runner, asked, tmp_path, args, message):
    result = export(runner, asked, tmp_path / "x", "--allow-missing-images", *args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "x").exists()


def test_score_one_split_of_an_export(runner, full, tmp_path):
    rows = pq.read_table(full / "questions" / "test.parquet").to_pylist()
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps({"id": r["id"], "response": "x"}) + "\n" for r in rows[:3]),
                           encoding="utf-8")
    result = runner.invoke(app, ["score", "--questions", str(full), "--predictions", str(predictions), "--split",
                                 "test", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "s" / "report.json").read_text(encoding="utf-8"))
    assert (report["questions"], report["scored"]) == (len(rows), 3)
    bad = runner.invoke(app, ["score", "--questions", str(full), "--predictions", str(predictions), "--split", "dev"])
    assert bad.exit_code == 2 and "no questions in split 'dev' (splits here: test, train)" in bad.stderr


def test_predictions_for_the_whole_export_score_one_split(runner, full, tmp_path):
    """A model's predictions usually cover every question: --split scores its part and says what it ignored."""
    test_rows = pq.read_table(full / "questions" / "test.parquet").to_pylist()
    train_rows = pq.read_table(full / "questions" / "train.parquet").to_pylist()
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps({"id": r["id"], "response": r["answer_text"]}) + "\n"
                                   for r in test_rows + train_rows), encoding="utf-8")
    result = runner.invoke(app, ["score", "--questions", str(full), "--predictions", str(predictions), "--split",
                                 "test", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "s" / "report.json").read_text(encoding="utf-8"))
    assert (report["questions"], report["scored"], report["missing"]) == (len(test_rows), len(test_rows), 0)
    assert report["overall"]["accuracy"] == 1.0
    assert f"ignored {len(train_rows)} predictions for questions outside split 'test'" in result.output

"""The `mapcurate` command line: the demo, build-graph on good and bad input, cities."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from curation.cli import app
from tests.conftest import embedded_manifest


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_demo_builds_the_embedded_city(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "demo" in result.output and "quality.json for 1 city" in result.output
    graph = json.loads((tmp_path / "demo" / "graph.json").read_text())
    assert {line["id"] for line in graph["lines"]} == {"red-line", "blue-line", "green-line", "harbour-line"}


def test_build_graph_with_errors_exits_1_and_writes_only_the_report(runner, scratch_cities, tmp_path):
    scratch_cities("repeat", embedded_manifest(), {"L": ["A", "B", "C", "B", "D"]})
    out = tmp_path / "out"
    result = runner.invoke(app, ["build-graph", "--city", "repeat", "--out", str(out)])
    assert result.exit_code == 1
    assert "station-repeated" in result.output and "only quality.json written for repeat" in result.output
    assert files_under(out) == [out / "repeat" / "quality.json"]


def test_a_failed_rebuild_removes_the_stale_graph(runner, scratch_cities, tmp_path):
    folder = scratch_cities("flaky", embedded_manifest(), {"L": ["A", "B", "C"]})
    out = tmp_path / "out"
    assert runner.invoke(app, ["build-graph", "--city", "flaky", "--out", str(out)]).exit_code == 0
    assert (out / "flaky" / "graph.json").is_file()
    (folder / "stations.json").write_text(json.dumps({"L": ["A", "B", "A", "C"]}), encoding="utf-8")
    assert runner.invoke(app, ["build-graph", "--city", "flaky", "--out", str(out)]).exit_code == 1
    assert files_under(out) == [out / "flaky" / "quality.json"]


def test_unwritable_output_is_one_line_and_writes_nothing(runner, scratch_cities, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["demo", "--out", str(blocker)])
    assert result.exit_code == 2 and "file: is a file, but the output folder must be created here" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    for slug in ("first", "second", "third"):
        scratch_cities(slug, embedded_manifest(), {"L": ["A", "B"]})
    out = tmp_path / "out"
    (out / "second" / "graph.json").mkdir(parents=True)
    result = runner.invoke(app, ["build-graph", "--all", "--out", str(out)])
    assert result.exit_code == 2 and "graph.json: is a folder" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["second"], "no other city folder is created"
    assert files_under(out) == []


def test_paths_with_brackets_are_printed_as_they_are(runner, tmp_path):
    root = tmp_path / "d[x]"
    result = runner.invoke(app, ["build-graph", "--city", "miami", "--data-root", str(root)])
    assert f"{root}/stations/america/miami.json" in result.stderr


def test_suggestions_with_brackets_are_printed_as_they_are(runner, scratch_cities, tmp_path):
    scratch_cities("repeat", embedded_manifest(), {"L": ["A", "B", "A", "C"]})
    result = runner.invoke(app, ["build-graph", "--city", "repeat", "--out", str(tmp_path / "o")])
    assert "split same-named stations with [[station_splits]]" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--city", "../../etc"], "city must be a slug"),
        (["--city", "atlantis"], "unknown city 'atlantis'"),
        ([], "give exactly one of --city SLUG or --all"),
        (["--city", "hangzhou", "--data-root", "/nonexistent"], "hangzhou.json: stations source not found"),
    ],
)
def test_bad_arguments_give_one_line_and_write_nothing(runner, tmp_path, args, expected):
    result = runner.invoke(app, ["build-graph", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert files_under(tmp_path / "out") == []


def test_malformed_sources_and_manifests_write_nothing(runner, scratch_cities, tmp_path):
    broken = scratch_cities("badjson", embedded_manifest(), None)
    (broken / "stations.json").write_text('{"L": ["A", "B"', encoding="utf-8")
    scratch_cities("badshape", embedded_manifest(), {"L": "A, B"})
    scratch_cities("badtoml", "country = = 1\n", None)
    for slug, message in (("badjson", "stations.json: not valid JSON"),
                          ("badshape", "line 'L' must be a list"),
                          ("badtoml", "city.toml: not valid TOML")):
        result = runner.invoke(app, ["build-graph", "--city", slug, "--out", str(tmp_path / "out")])
        assert result.exit_code == 2, (slug, result.output)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert files_under(tmp_path / "out") == []


def test_all_fails_before_writing_when_one_city_is_bad(runner, scratch_cities, tmp_path):
    scratch_cities("good", embedded_manifest(), {"L": ["A", "B", "C"]})
    scratch_cities("nosource", embedded_manifest(), None)
    result = runner.invoke(app, ["build-graph", "--all", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "nosource" in result.stderr
    assert files_under(tmp_path / "out") == []


def test_build_graph_all_on_the_real_data(runner, data_root, tmp_path):
    result = runner.invoke(app, ["build-graph", "--all", "--data-root", str(data_root), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*/graph.json"))) == 30
    assert not (tmp_path / "demo").exists()
    assert "hangzhou" in result.output and "quality.json for 30 cities" in result.output


def test_skip_missing_builds_the_cities_that_are_present(runner, data_root, tmp_path):
    partial = tmp_path / "data"
    (partial / "stations/america").mkdir(parents=True)
    (partial / "stations/america/miami.json").write_bytes((data_root / "stations/america/miami.json").read_bytes())
    args = ["build-graph", "--all", "--data-root", str(partial), "--out", str(tmp_path / "out")]
    assert runner.invoke(app, args).exit_code == 2
    result = runner.invoke(app, [*args, "--skip-missing"])
    assert result.exit_code == 0, result.output
    assert [p.parent.name for p in (tmp_path / "out").glob("*/graph.json")] == ["miami"]
    assert "skipped (no station list" in result.output


def test_build_graph_city_uses_the_data_root_env(runner, data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("MAPCURATE_DATA", str(data_root))
    result = runner.invoke(app, ["build-graph", "--city", "hangzhou", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "hangzhou" / "graph.json").is_file()


def test_cities_lists_sources_and_overrides(runner, tmp_path):
    result = runner.invoke(app, ["cities", "--data-root", str(tmp_path / "empty")])
    assert result.exit_code == 0
    assert "new_york" in result.output and "missing" in result.output and "embedded" in result.output
    assert "splits" in result.output


def test_console_script_runs_the_demo(tmp_path):
    """The installed `mapcurate` entry point, as a newcomer runs it (in a fresh working folder)."""
    script = Path(sys.executable).parent / "mapcurate"
    done = subprocess.run([str(script), "demo"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "exports" / "demo" / "graph.json").is_file()
    module = subprocess.run([sys.executable, "-m", "curation", "--version"], capture_output=True, text=True)
    assert module.stdout.startswith("mapcurate ")


def test_an_edited_station_list_is_reported_against_the_pinned_checksum(runner, data_root, tmp_path):
    copy = tmp_path / "data" / "stations" / "america"
    copy.mkdir(parents=True)
    original = (data_root / "stations/america/miami.json").read_text(encoding="utf-8")
    (copy / "miami.json").write_text(original.replace("Palmetto Station", "Palmetto"), encoding="utf-8")
    result = runner.invoke(app, ["build-graph", "--city", "miami", "--data-root", str(tmp_path / "data"),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 0 and "source-changed" in result.output


def test_empty_selections_are_errors_not_successes(runner, tmp_path, monkeypatch):
    args = ["build-graph", "--all", "--skip-missing", "--data-root", str(tmp_path / "none"), "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "no city has its station list here" in result.stderr
    monkeypatch.setenv("MAPCURATE_CITIES", str(tmp_path / "missing"))
    result = runner.invoke(app, ["build-graph", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "MAPCURATE_CITIES names no folder" in result.stderr
    demo = runner.invoke(app, ["demo", "--out", str(tmp_path / "out")])
    assert demo.exit_code == 0, "the demo needs nothing outside the project"


def test_cities_exits_2_when_a_manifest_is_bad(runner, scratch_cities):
    scratch_cities("broken", "country = [\n")
    (Path(scratch_cities("empty", "")).parent / "empty" / "city.toml").unlink()
    result = runner.invoke(app, ["cities"])
    assert result.exit_code == 2 and "bad manifest" in result.output
    assert "broken/city.toml: not valid TOML" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = runner.invoke(app, ["build-graph", "--city", "empty"])
    assert missing.exit_code == 2 and "city folder has no city.toml" in missing.stderr

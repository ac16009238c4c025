"""The `reasonmap` export adapter's files are in the benchmark's layout: the audit reads them and finds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.cli import app

PLUS = "planning,counting1,counting2,counting3,torf1,torf2"


def _run(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"mapcurate {' '.join(args)}: {result.output}{result.stderr}"


def _export_and_audit(tmp: Path, city: str, names: str) -> list[dict]:
    runner = CliRunner()
    graphs = tmp / "graphs"
    _run(runner, "build-graph", "--city", city, "--out", str(graphs))
    _run(runner, "gen-questions", "--city", city, "--graphs", str(graphs), "--out", str(tmp / "q"),
         "--names", names, "--families", PLUS)
    _run(runner, "export", "--questions", str(tmp / "q" / city / "questions.parquet"), "--graphs", str(graphs),
         "--out", str(tmp / "export"), "--format", "reasonmap", "--figure", "path", "--allow-missing-images",
         "--test-cities", city, "--names", names)
    routes = pq.read_schema(tmp / "export" / "reasonmap" / "test.parquet").field("routes").type
    assert pa.types.is_struct(routes) or pa.types.is_map(routes), routes  # a mapping of plans, not text
    summaries = []
    for folder, extra in (("reasonmap", []), ("reasonmap_plus", ["--plus"])):
        out = tmp / f"audit-{folder}"
        _run(runner, "audit", "--questions", str(tmp / "export" / folder / "test.parquet"), *extra,
             "--graphs", str(graphs), "--out", str(out))
        summaries.append(json.loads((out / "summary.json").read_text(encoding="utf-8")))
    return summaries


@pytest.mark.parametrize("names", ["map", "benchmark"])
def test_the_demo_export_audits_clean(tmp_path: Path, names: str) -> None:
    for summary in _export_and_audit(tmp_path, "demo", names):
        assert summary["rows"] > 30 and summary["rows_with_defects"] == 0, summary


def test_a_real_city_s_benchmark_export_audits_clean(data_root: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPCURATE_DATA", str(data_root))
    for summary in _export_and_audit(tmp_path, "hangzhou", "benchmark"):
        assert summary["rows"] > 30 and summary["rows_with_defects"] == 0, summary


def test_new_york_benchmark_routes_miss_only_the_walkways(data_root: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """In the benchmark's vocabulary a route cannot walk (its rule hands over only between equal names), so New
    York's benchmark export routes around its walkways; audited against the curated map, exactly those rows
    take a transfer or stops the map does not need, and nothing else is wrong."""
    monkeypatch.setenv("MAPCURATE_DATA", str(data_root))
    routes, plus = _export_and_audit(tmp_path, "new_york", "benchmark")
    assert plus["rows"] > 30 and plus["rows_with_defects"] == 0, plus
    found = {k: v for k, v in routes["by_city"]["new_york"].items() if k != "rows"}
    assert found.get("route-not-optimal", 0) > 0, routes
    assert set(found) <= {"route-not-optimal", "transfer-count-wrong", "difficulty-question-wrong"}, found

"""`mapcurate gen-questions` and the demo's questions."""

import pyarrow.parquet as pq
import pytest

from curation.cli import app


def test_demo_builds_and_asks(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "demo" / "questions.parquet")
    assert table.num_rows > 50 and "Questions" in result.output
    assert "Route Name:" in result.output, "the demo shows a sample question with its gold answer"
    assert "gold answer                       yes     20 / 20" in result.output, "and scores it"


def test_gen_questions_for_one_city(runner, tmp_path):
    assert runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-questions"]).exit_code == 0
    out = tmp_path / "q" / "demo" / "questions.parquet"
    args = ["gen-questions", "--city", "demo", "--graphs", str(tmp_path), "--out", str(tmp_path / "q"), "--seed", "5",
            "--families", "planning,torf1", "--per-map", "planning=6", "--quota", "2:2:2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    families = set(pq.read_table(out).column("family").to_pylist())
    assert families == {"planning", "torf1"}
    assert pq.read_table(out).num_rows == 12 + pq.read_table(out).column("family").to_pylist().count("torf1")


@pytest.mark.parametrize(("args", "message"), [
    (["--quota", "20-15-5"], "quota must be easy:medium:hard"),
    (["--per-map", "planing=3"], "--per-map takes FAMILY=N"),
    (["--families", "planning,riddles"], "unknown question families: riddles"),
])
def test_bad_options_are_one_line(runner, tmp_path, args, message):
    assert runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-questions"]).exit_code == 0
    result = runner.invoke(app, ["gen-questions", "--city", "demo", "--graphs", str(tmp_path), *args])
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_graph_says_how_to_build_it(runner, tmp_path):
    result = runner.invoke(app, ["gen-questions", "--city", "hangzhou", "--graphs", str(tmp_path)])
    assert result.exit_code == 2 and "run `mapcurate build-graph --city hangzhou" in result.stderr
    assert not any(tmp_path.iterdir())


def test_gen_questions_all_on_the_real_data(runner, data_root, tmp_path):
    assert runner.invoke(app, ["build-graph", "--all", "--data-root", str(data_root), "--out", str(tmp_path),
                               "--findings", "none"]).exit_code == 0
    result = runner.invoke(app, ["gen-questions", "--all", "--graphs", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "questions.parquet")
    assert len(set(table.column("city").to_pylist())) == 30
    assert "planning quota" in result.output and "sydney" in result.output


def test_same_seed_same_bytes_whatever_the_hash_seed(tmp_path):
    """Python's string hashing changes per process: outputs must not depend on it."""
    import os
    import subprocess
    import sys

    digests = set()
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        for args in (["demo", "--out", str(out)],):
            done = subprocess.run([sys.executable, "-m", "curation", *args], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        digests.add(((out / "demo" / "graph.json").read_bytes(), (out / "demo" / "questions.parquet").read_bytes()))
    assert len(digests) == 1


def test_corrupt_graphs_and_unwritable_output_are_one_line(runner, tmp_path):
    assert runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-questions"]).exit_code == 0
    graph = tmp_path / "demo" / "graph.json"
    original = graph.read_text(encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    for out, message in ((tmp_path / "notes.txt", "not a file"), (tmp_path / "q.parquet", "not a file"),
                         (tmp_path / "notes.txt" / "sub", "cannot write")):
        result = runner.invoke(app, ["gen-questions", "--city", "demo", "--graphs", str(tmp_path), "--out", str(out)])
        assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine" and not (tmp_path / "q.parquet").exists()
    for broken, message in ((original.replace('"lines": [', '"lines": [], "x": [', 1), "not a valid graph.json"),
                            (original.replace('"central"', '"nowhere"', 1), "not a valid graph.json")):
        graph.write_text(broken, encoding="utf-8")
        result = runner.invoke(app, ["gen-questions", "--city", "demo", "--graphs", str(tmp_path)])
        assert result.exit_code == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1

"""The newcomer's findings that are not broken files: each one a row, run in the fault workspace."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from tests.faults.workspace import COMMANDS, PLAIN, Workspace, invoke, snapshot

HELP_COMMANDS = ["demo", "cities", "build-graph", "fetch-sources", "gen-questions", "score", "export", "render",
                 "overlay", "audit"]


@pytest.mark.parametrize("command", HELP_COMMANDS)
def test_help_shows_an_example_and_flags_without_a_value(ws: Workspace, command: str) -> None:
    result = invoke(ws, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"{command} --help has no example"
    flags = [line for line in result.output.splitlines() if "<bool>" in line and "--help" not in line]
    assert not flags, f"{command} --help shows a value for a flag: {flags}"


def test_a_flag_given_a_value_is_refused(ws: Workspace) -> None:
    before = snapshot(ws.root)
    done = subprocess.run([sys.executable, "-m", "curation", "build-graph", "--all", "true", "--out", "out"],
                          cwd=ws.root, env={**os.environ, **ws.env}, capture_output=True, text=True)
    assert done.returncode == 2 and "unexpected extra argument" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(ws.root) == before


def test_score_writes_under_exports_by_default(ws: Workspace) -> None:
    args = [a for a in COMMANDS["score"] if a not in ("--out", "out/scores")]
    result = invoke(ws, args)
    assert result.exit_code == 0, result.output + result.stderr
    assert (ws.root / "exports" / "scores" / "preds" / "report.json").is_file()
    assert not list(ws.root.glob("*.score"))


def test_predictions_for_every_split_score_one(ws: Workspace) -> None:
    result = invoke(ws, ["score", "--questions", "out/export", "--predictions", "preds.jsonl", "--split", "test",
                         "--out", "out/test-scores"])
    assert result.exit_code == 0, result.output + result.stderr
    report = json.loads((ws.out / "test-scores" / "report.json").read_text(encoding="utf-8"))
    test_rows = pq.read_table(ws.out / "export" / "questions" / "test.parquet").num_rows
    assert (report["questions"], report["scored"], report["overall"]["accuracy"]) == (test_rows, test_rows, 1.0)
    assert re.search(r"ignored \d+ predictions for questions outside split 'test'", result.output)


def test_gen_questions_out_is_a_folder_like_every_out(ws: Workspace) -> None:
    result = invoke(ws, ["gen-questions", "--city", PLAIN, "--graphs", "out", "--out", "elsewhere"])
    assert result.exit_code == 0, result.output + result.stderr
    assert (ws.root / "elsewhere" / PLAIN / "questions.parquet").is_file()


@pytest.mark.parametrize("delay", [0.02, 0.3])
def test_ctrl_c_while_starting_ends_quietly(ws: Workspace, delay: float) -> None:
    """An interrupt while the libraries load (before any command runs) is exit 130 and no traceback.

    The interrupt is sent `delay` s after the `curation` package has loaded (`-X importtime` says when): earlier,
    it lands in the interpreter's own start-up, before any mapcurate code can catch it.
    """
    import signal
    import time

    before = snapshot(ws.root)
    child = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "curation", *COMMANDS["build-all"]],
                             cwd=ws.root, env={**os.environ, **ws.env}, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if line.rstrip().endswith("| curation"):
            break
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, rest = child.communicate(timeout=60)
    stderr = "".join(seen) + rest
    # 130: interrupted; 0: it finished first
    assert child.returncode in (130, 0), stderr
    assert "Traceback" not in stderr
    if child.returncode != 0:
        assert snapshot(ws.root) == before

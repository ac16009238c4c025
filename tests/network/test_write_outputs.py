"""build-graph's two outputs: interrupted at any step, a folder never pairs a fresh report with a stale graph."""

from __future__ import annotations

import json

import pytest

import curation.network.build as build_module
from curation.network.build import GRAPH_FILE, QUALITY_FILE, write_outputs
from tests.conftest import build, embedded_manifest


def test_a_graph_that_cannot_be_moved_in_leaves_no_stale_graph(scratch_cities, tmp_path, monkeypatch):
    folder = scratch_cities("flaky", embedded_manifest(), {"L": ["A", "B", "C"]})
    out = tmp_path / "out"
    write_outputs(build("flaky"), out)
    old_graph = (out / GRAPH_FILE).read_bytes()
    (folder / "stations.json").write_text(json.dumps({"L": ["A", "B", "C", "D"]}), encoding="utf-8")
    real_replace = build_module.os.replace

    def dies_before_the_graph(source, target):
        if str(target).endswith(GRAPH_FILE):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(build_module.os, "replace", dies_before_the_graph)
    with pytest.raises(build_module.OutputError):
        write_outputs(build("flaky"), out)
    report = json.loads((out / QUALITY_FILE).read_text(encoding="utf-8"))
    assert report["city"] == "flaky"
    assert not (out / GRAPH_FILE).exists(), "the earlier graph must not stay beside the new report"
    assert sorted(p.name for p in out.iterdir()) == [QUALITY_FILE], "no staged file is left behind"
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    write_outputs(build("flaky"), out)
    assert (out / GRAPH_FILE).read_bytes() != old_graph and b'"d"' in (out / GRAPH_FILE).read_bytes()

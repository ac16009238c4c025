"""A prelabel proposal pushed with `annotate push --annotation`: its stations become the task's predictions."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from curation.annotations.io import read_annotation
from curation.cities import load_city
from curation.labelstudio.client import Client
from curation.labelstudio.server import RunningServer
from curation.labelstudio.session import read_record, session_folder
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec
from curation.vision.prelabel import prelabel

pytest.importorskip("rapidocr")


def test_a_prelabel_proposal_is_pushed_as_predictions(label_studio: RunningServer, tmp_path: Path) -> None:
    rendered = render_synthetic(tmp_path, seed=3, spec=NetworkSpec(lines=2))
    city = load_city(rendered.written.slug, tmp_path / "cities")
    report = prelabel(city, tmp_path / "data", out=tmp_path / "out")
    proposal = read_annotation(report.folder / "annotation.json")
    env = {**os.environ, "MAPCURATE_CITIES": str(tmp_path / "cities"), "MAPCURATE_DATA": str(tmp_path / "data"),
           "LABEL_STUDIO_URL": label_studio.url, "LABEL_STUDIO_API_KEY": label_studio.token}
    done = subprocess.run([sys.executable, "-m", "curation", "annotate", "push", "--city", city.slug, "--out",
                           str(tmp_path / "out"), "--annotation", str(report.folder / "annotation.json")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "from the city's annotation" in said and f"{len(proposal.stations)} stations" in said, said
    version = re.search(r"\((annotation-[0-9a-f]{12}),", said)
    assert version is not None, said
    project_id = int(read_record(session_folder(city, tmp_path / "out"))["projects"][label_studio.url]["id"])
    with Client(label_studio.url, label_studio.token) as client:
        [task] = client.tasks(project_id)
        # the session's other tests may have pushed this city's truth to the same project: one more version
        [prediction] = [p for p in client.predictions(int(task["id"])) if p["model_version"] == version.group(1)]
    keypoints = [r for r in prediction["result"] if r["type"] == "keypointlabels"]
    assert len(keypoints) == len(proposal.stations)

"""A complete, small mapcurate workspace to break: two rendered cities, their graphs, questions, an export,
gold predictions and their scores, a mirror of the data root.

- `faultville`: a rendered city built from its exact annotation (map, annotation and station list pinned).
- `plainville`: the same network as a plain ReasonMap city: a station list pinned with an upstream URL, a map
  with a URL and no pin (as most real maps are), no annotation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import tomli_w
from click.testing import Result
from typer.testing import CliRunner

from curation.cli import app

ANNOTATED, PLAIN = "faultville", "plainville"
UPSTREAM = "https://example.org/plainville"
FOLDER = "folder"  # a folder's entry in a `snapshot`

# Every command, as a user would type it in the workspace (outputs overwrite the existing ones); the workspace
# is built with the same command lines.
COMMANDS: dict[str, list[str]] = {
    "cities": ["cities"],
    "build-annotated": ["build-graph", "--city", ANNOTATED, "--out", "out"],
    "build-plain": ["build-graph", "--city", PLAIN, "--out", "out"],
    "build-all": ["build-graph", "--all", "--out", "out"],
    "gen-questions": ["gen-questions", "--all", "--graphs", "out", "--per-map", "planning=6"],
    "export": ["export", "--questions", "out/questions.parquet", "--graphs", "out", "--out", "out/export",
               "--layout", "hf", "--test-cities", PLAIN],
    "score": ["score", "--questions", "out/questions.parquet", "--predictions", "preds.jsonl", "--graphs", "out",
              "--out", "out/scores"],
    "overlay-annotated": ["overlay", "--city", ANNOTATED, "--graphs", "out"],
    "overlay-plain": ["overlay", "--city", PLAIN, "--graphs", "out"],
    "render-city": ["render", "--city", PLAIN, "--graphs", "out", "--out", "rerendered"],
    "fetch": ["fetch-sources", "--city", PLAIN, "--mirror", "mirror", "--force"],
    "audit": ["audit", "--questions", "bench.parquet", "--graphs", "out", "--out", "out/audit"],
    "audit-plus": ["audit", "--questions", "bench.parquet", "--plus", "--graphs", "out", "--out", "out/audit"],
}


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace; commands run with `root` as the working directory."""

    root: Path

    @property
    def cities(self) -> Path:
        return self.root / "synth" / "cities"

    @property
    def data(self) -> Path:
        return self.root / "synth" / "data"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def mirror(self) -> Path:
        return self.root / "mirror"

    @property
    def env(self) -> dict[str, str]:
        return {"MAPCURATE_CITIES": str(self.cities), "MAPCURATE_DATA": str(self.data)}

    def manifest(self, slug: str) -> Path:
        return self.cities / slug / "city.toml"

    def source(self, slug: str, kind: str) -> Path:
        """The file of `slug`'s source `kind` under the data root."""
        spec = tomllib.loads(self.manifest(slug).read_text(encoding="utf-8"))["sources"][kind]
        return self.data / spec["path"]

    def graph(self, slug: str) -> Path:
        return self.out / slug / "graph.json"

    @property
    def questions(self) -> Path:
        return self.out / "questions.parquet"

    @property
    def predictions(self) -> Path:
        return self.root / "preds.jsonl"


def invoke(ws: Workspace, args: Sequence[str]) -> Result:
    """Run `mapcurate ARGS` in-process in the workspace (cwd and environment), stderr kept apart."""
    with contextlib.chdir(ws.root):
        return CliRunner().invoke(app, list(args), env=ws.env)


def _ok(ws: Workspace, *args: str) -> None:
    result = invoke(ws, args)
    assert result.exit_code == 0, f"mapcurate {' '.join(args)}: {result.output}{result.stderr}"


def _plain_city(ws: Workspace) -> None:
    """`plainville`: faultville's station list and map, declared as a ReasonMap city would be."""
    spec = tomllib.loads(ws.manifest(ANNOTATED).read_text(encoding="utf-8"))
    stations = ws.data / "stations" / "test" / f"{PLAIN}.json"
    image = ws.data / "maps" / "test" / f"{PLAIN}.png"
    for source, target in ((ws.source(ANNOTATED, "stations"), stations), (ws.source(ANNOTATED, "map"), image)):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    spec.pop("rendered", None)
    spec.pop("synthetic", None)
    spec["country"] = "test"
    spec["names"] = {"en": "Plainville"}
    spec["sources"] = {
        "stations": {"path": f"stations/test/{PLAIN}.json", "url": f"{UPSTREAM}/stations.json",
                     "sha256": hashlib.sha256(stations.read_bytes()).hexdigest(), "license": "CC0-1.0",
                     "upstream": UPSTREAM},
        "map": {"path": f"maps/test/{PLAIN}.png", "url": f"{UPSTREAM}/map.png", "license": "CC0-1.0",
                "upstream": UPSTREAM},
    }
    folder = ws.cities / PLAIN
    folder.mkdir(parents=True)
    (folder / "city.toml").write_bytes(tomli_w.dumps(spec).encode("utf-8"))


def build_workspace(root: Path) -> Workspace:
    """Render, build, ask, export and score: every output a command can be asked to overwrite exists."""
    ws = Workspace(root)
    root.mkdir(parents=True, exist_ok=True)
    _ok(ws, "render", "--seed", "7", "--lines", "3", "--slug", ANNOTATED, "--out", "synth")
    _plain_city(ws)
    shutil.copytree(ws.data, ws.mirror)
    for command in ("build-all", "gen-questions", "export"):
        _ok(ws, *COMMANDS[command])
    rows = pq.read_table(ws.questions).to_pylist()
    ws.predictions.write_text("".join(json.dumps({"id": r["id"], "response": r["answer_text"]}, ensure_ascii=False)
                                      + "\n" for r in rows), encoding="utf-8")
    for command in ("score", "overlay-annotated"):
        _ok(ws, *COMMANDS[command])
    return ws


def copy_workspace(pristine: Workspace, root: Path) -> Workspace:
    shutil.copytree(pristine.root, root, symlinks=True)
    return Workspace(root)


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file (and the target of every link) under `root`, by relative path."""
    state = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            state[key] = f"-> {path.readlink()}"
        elif path.is_file():
            state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():  # an empty folder a failed command left behind is a change too
            state[key] = FOLDER
    return state

"""The generated labeling config works in Label Studio's UI, which its server never checks.

Headless Debian Chromium logs in, opens a task holding a prediction of a synthetic city's stations, names and
lines, and the test checks that the image, every keypoint, every name and every traced line were built by the
frontend and drawn on its Konva stage, with no JavaScript error. A screenshot is kept as a test artifact.
Without Chromium (or Playwright) the tests skip, unless MAPCURATE_REQUIRE_BROWSER=1 (CI) makes them fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from curation.annotations.io import read_annotation
from curation.cities import City, load_city
from curation.labelstudio.client import Client
from curation.labelstudio.config import ProjectSchema
from curation.labelstudio.convert import to_labelstudio
from curation.labelstudio.session import push
from curation.labelstudio.tiles import plan_tiles
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec
from tests.labelstudio import browser


@dataclass(frozen=True)
class Login:
    url: str
    token: str
    username: str
    password: str


def _need_browser() -> None:
    problem = None
    if browser.chromium_path() is None:
        problem = f"no Chromium at {browser.CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install playwright)"
    if problem is None:
        return
    if browser.browser_required():
        pytest.fail(f"{problem}, and {browser.REQUIRE_ENV}=1 requires the browser tests")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    _need_browser()
    with browser.chromium() as launched:
        yield launched


@pytest.fixture
def context(chrome: Any) -> Iterator[Any]:
    """A browser context of the test's own (no cookies: it logs in)."""
    ctx = chrome.new_context(viewport=browser.VIEWPORT)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def server(label_studio: Any) -> Login:
    """The session's server (tests/labelstudio/conftest.py) and the login of its test user."""
    _need_browser()
    from tests.labelstudio import conftest

    return Login(label_studio.url, label_studio.token, getattr(label_studio, "username", conftest.TEST_USERNAME),
                 getattr(label_studio, "password", conftest.TEST_PASSWORD))


@dataclass(frozen=True)
class Synthetic:
    """A two-line synthetic city: its manifest, data root, project schema, annotation (the truth) and map."""

    city: City
    data_root: Path
    schema: ProjectSchema
    annotation: dict[str, Any]
    annotation_path: Path
    image: Path

    @property
    def size(self) -> tuple[int, int]:
        return self.annotation["image"]["width"], self.annotation["image"]["height"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    root = tmp_path_factory.mktemp("synth")
    rendered = render_synthetic(root, seed=3, spec=NetworkSpec(lines=2))
    annotation = json.loads(rendered.written.annotation.read_text(encoding="utf-8"))
    return Synthetic(load_city(rendered.written.slug, root / "cities"), root / "data",
                     ProjectSchema.of_network(rendered.network), annotation, rendered.written.annotation,
                     rendered.written.map)


def _look(context: Any, server: Login, pushed: browser.Pushed, name: str) -> browser.TaskView:
    shot = browser.artifacts_dir() / f"{name}.png"
    regions = len({r["id"] for r in pushed.results})
    view = browser.open_task(context, server.url, server.username, server.password, pushed.project, pushed.task,
                             regions, shot)
    print(f"screenshot: {shot}")
    for line in view.ignored:
        print(f"ignored (harmless): {line}")
    return view


def test_pushed_task_renders(context: Any, server: Login, synthetic: Synthetic, tmp_path: Path) -> None:
    """`annotate push` of a synthetic city, opened as a curator would: every predicted region is drawn."""
    report = push(synthetic.city, synthetic.data_root, url=server.url, token=server.token, out=tmp_path)
    assert report.tiles == 1 and report.predictions_created == 1
    with Client(server.url, server.token) as client:
        [task] = client.tasks(report.project_id)
        [prediction] = client.predictions(int(task["id"]))
    results = prediction["result"]
    pushed = browser.Pushed(project=report.project_id, task=int(task["id"]), results=results)
    view = _look(context, server, pushed, "labelstudio_task")
    assert view.errors() == []
    assert browser.render_problems(results, view, synthetic.size) == []
    kinds = [r["type"] for r in view.regions]
    assert kinds.count("keypointregion") == len(synthetic.annotation["stations"])
    assert kinds.count("vectorregion") == len(synthetic.annotation["lines"]) == 2
    assert view.screenshot is not None and view.screenshot.stat().st_size > 10_000


def test_broken_result_is_caught(context: Any, server: Login, synthetic: Synthetic) -> None:
    """A keypoint without `width` is stored by the server and silently dropped by the frontend: the check sees it."""
    truth = read_annotation(synthetic.annotation_path)
    [whole] = plan_tiles(truth.image.width, truth.image.height)
    broken = to_labelstudio(truth, whole, synthetic.schema)
    for result in broken:
        if result["type"] in ("keypointlabels", "textarea"):
            result["value"].pop("width")
    pushed = browser.push_task(server.url, server.token, "browser test, no width", synthetic.schema.config(),
                               synthetic.image, broken)
    view = _look(context, server, pushed, "labelstudio_task_broken")
    problems = browser.render_problems(broken, view, synthetic.size)
    keypoints = [r["id"] for r in broken if r["type"] == "keypointlabels"]
    assert len(keypoints) == len(synthetic.annotation["stations"])
    for rid in keypoints:
        assert any(p.startswith((f"keypoint {rid}:", f"keypointlabels {rid}: no region")) for p in problems), rid
    assert not any(p.startswith("line ") for p in problems), problems

"""Drive headless Chromium (Debian's, through Playwright) over a Label Studio task, and check what it renders.

Label Studio's server stores any result without checking it, and its frontend drops a result it cannot read
without a JavaScript error (a keypoint without `width` simply does not appear), so the check here compares
what the frontend built — its annotation store and its Konva stage — with the results that were sent.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = "/usr/bin/chromium"
REQUIRE_ENV = "MAPCURATE_REQUIRE_BROWSER"
ARTIFACTS_ENV = "MAPCURATE_TEST_ARTIFACTS"
# Without the background-networking flags Chromium's own connections are refused by the closed network, many at
# a time; --no-sandbox because tests run as root.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")
VIEWPORT = {"width": 1600, "height": 1100}

# Console errors that say nothing about the labeling config or the results, each with why it is harmless.
HARMLESS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Failed to load resource: net::ERR_(FAILED|NAME_NOT_RESOLVED)"),
     "an outside address (Sentry, Google Tag Manager, labelstud.io tracking): the test blocks every request "
     "that does not go to the local server, and this network reaches none of them anyway"),
    (re.compile(r"violates the following report-only Content Security Policy"),
     "a report-only CSP notice (the login page frames labelstud.io): the policy is not enforced"),
    (re.compile(r"^Failed to load resource: the server responded with a status of 404 \(Not Found\)$"),
     "only for <server>/heidi-tips: the open-source server has no tips endpoint that its frontend asks for"),
)

_STORE_JS = """() => {
  const store = window.Htx && window.Htx.annotationStore;
  const annotation = store && store.selected;
  if (!annotation) return null;
  return annotation.regions.map(r => ({
    id: r.cleanId || String(r.id).split('#')[0],
    type: r.type,
    labels: r.labeling ? r.labeling.selectedLabels.map(l => l.value) : [],
    x: typeof r.x === 'number' ? r.x : null,
    y: typeof r.y === 'number' ? r.y : null,
    vertices: r.vertices ? r.vertices.map(v => [v.x, v.y]) : null,
    texts: Object.fromEntries((r.results || []).filter(x => x.type === 'textarea')
                              .map(x => [x.from_name.name, x.value.text ? Array.from(x.value.text) : []])),
  }));
}"""

_STAGE_JS = """() => {
  const stage = window.Konva && window.Konva.stages[0];
  if (!stage) return null;
  const images = stage.find('Image').map(n => n.image()).filter(i => i && i.complete);
  const ids = name => name.split(' ')[0].split('#')[0];
  return {
    image: images.length ? [images[0].naturalWidth, images[0].naturalHeight] : null,
    circles: stage.find('Circle').filter(n => n.name().includes('#') && n.isVisible()).map(n => ids(n.name())),
    paths: stage.find('Group').filter(n => n.name().includes('#') && n.findOne('Path') && n.isVisible())
                .map(n => ids(n.name())),
  };
}"""


def chromium_path() -> Path | None:
    """Debian's Chromium, when it is installed."""
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).is_file() else None)
    return Path(found) if found else None


def browser_required() -> bool:
    """Whether a missing browser fails the test instead of skipping it (CI sets MAPCURATE_REQUIRE_BROWSER=1)."""
    return os.environ.get(REQUIRE_ENV, "") == "1"


def artifacts_dir() -> Path:
    """Where screenshots go: `$MAPCURATE_TEST_ARTIFACTS`, else `tests/artifacts/`."""
    value = os.environ.get(ARTIFACTS_ENV)
    folder = Path(value) if value else Path(__file__).resolve().parents[1] / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class TaskView:
    """What the browser saw of one task: errors, the regions the frontend built, its Konva stage, a screenshot."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    stage: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None

    def errors(self) -> list[str]:
        """Every JavaScript error and every console error not known to be harmless."""
        return [f"page error: {e}" for e in self.page_errors] + [f"console error: {e}" for e in self.console_errors]


def _outside(address: str, server: str) -> bool:
    """An http(s) address off the server (blob: and data: URLs are the page's own: the image is shown as a blob)."""
    return address.startswith(("http:", "https:")) and not address.startswith(f"{server}/")


def _harmless(text: str, location: str, server: str) -> bool:
    for pattern, _why in HARMLESS:
        if pattern.search(text):
            if "404" in pattern.pattern:
                return location == f"{server}/heidi-tips"
            return True
    return False


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (a new empty profile of its own); closed on exit.

    Open one `new_context(viewport=VIEWPORT)` per test: contexts share no cookies, so each one logs in.
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield chrome
        finally:
            chrome.close()


def open_task(context: Any, url: str, username: str, password: str, project: int, task: int, regions: int,
              screenshot: Path, timeout: float = 60.0, settle: float = 15.0) -> TaskView:
    """Log in, open the task in the project's data manager, wait until its regions are built, and look.

    It selects the task's prediction, waits up to `settle` seconds for `regions` regions in the store and as many
    on the Konva stage (the frontend builds them after the image), then looks whether or not they all came: fewer
    is what the check finds.

    Requests to anything but the server are refused at once (this network reaches nothing else). The screenshot
    is taken with the first line region selected, so the traced line shows on top of the map's own.
    """
    view = TaskView()
    page = context.new_page()  # a fresh context: the login form is shown, not skipped
    page.set_default_timeout(timeout * 1000)
    page.route(lambda address: _outside(address, url), lambda route: route.abort())
    page.on("pageerror", lambda error: view.page_errors.append(str(error)))

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        location = str(message.location.get("url", ""))
        line = f"{message.text} ({location})"
        (view.ignored if _harmless(message.text, location, url) else view.console_errors).append(line)

    page.on("console", on_console)
    page.goto(f"{url}/user/login")
    page.fill("input[name=email]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")  # a failed login stays on /user/login
    # Open the task the way a curator does: the project's task table, then a click on the task's row. Opening
    # `data?task=<id>` directly races the table's first load, and when the table wins, the labeling store is given
    # the table's copy of the task, which carries no predictions: the task opens empty.
    page.goto(f"{url}/projects/{project}/data")
    page.locator("[class*='table__row-wrapper']").get_by_text(str(task), exact=True).first.click()  # the ID cell
    page.wait_for_function(
        "() => window.Htx && window.Htx.annotationStore.predictions.length && window.Konva"
        " && window.Konva.stages.length"
        " && window.Konva.stages[0].find('Image').some(n => n.image() && n.image().complete)")
    # Look at the prediction itself, which is what was sent, not the annotation the data manager drafts from it.
    page.evaluate("""() => { const store = window.Htx.annotationStore;
                             store.selectPrediction(store.predictions[0].id); }""")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with suppress(PlaywrightTimeout):
        page.wait_for_function(f"""() => {{ const s = ({_STAGE_JS})();
            return window.Htx.annotationStore.selected.regions.length >= {regions}
                   && s.circles.length + s.paths.length >= {regions}; }}""", timeout=settle * 1000)
    page.wait_for_load_state("networkidle")
    view.regions = page.evaluate(_STORE_JS) or []
    view.stage = page.evaluate(_STAGE_JS) or {}
    page.evaluate("""() => { const a = window.Htx.annotationStore.selected;
                             const line = a.regions.find(r => r.type === 'vectorregion');
                             if (line) a.selectArea(line); }""")
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot))
    view.screenshot = screenshot
    page.close()
    return view


def _close(a: float | None, b: float, tolerance: float = 1e-6) -> bool:  # percent or pixels: both far above
    return a is not None and abs(a - b) <= tolerance


def render_problems(results: Sequence[dict[str, Any]], view: TaskView,
                    image_size: tuple[int, int]) -> list[str]:
    """Every way the rendered task differs from `results`: missing or misplaced regions, labels, names, image."""
    problems = []
    if view.stage.get("image") != list(image_size):
        problems.append(f"the image is not drawn at {image_size[0]}×{image_size[1]}: {view.stage.get('image')}")
    by_id = {r["id"]: r for r in view.regions}
    circles, paths = set(view.stage.get("circles", [])), set(view.stage.get("paths", []))
    for result in results:
        value, rid = result["value"], result["id"]
        region = by_id.get(rid)
        if region is None:
            problems.append(f"{result['type']} {rid}: no region")
            continue
        if result["type"] == "keypointlabels":
            if region["type"] != "keypointregion" or not (_close(region["x"], value["x"])
                                                          and _close(region["y"], value["y"])):
                problems.append(f"keypoint {rid}: rendered as {region['type'] or 'nothing'} at "
                                f"({region['x']}, {region['y']}), sent ({value['x']}, {value['y']})")
            if region["labels"] != value["keypointlabels"]:
                problems.append(f"keypoint {rid}: labels {region['labels']}, sent {value['keypointlabels']}")
            if rid not in circles:
                problems.append(f"keypoint {rid}: no visible circle on the Konva stage")
        elif result["type"] == "textarea":
            if region["texts"].get(result["from_name"]) != value["text"]:
                problems.append(f"name {result['from_name']} of {rid}: {region['texts'].get(result['from_name'])}, "
                                f"sent {value['text']}")
        elif result["type"] == "vectorlabels":
            # the frontend keeps a vector's vertices in image pixels, not percent
            sent = [(v["x"] * image_size[0] / 100, v["y"] * image_size[1] / 100) for v in value["vertices"]]
            shown = region["vertices"] or []
            if region["type"] != "vectorregion" or len(shown) != len(sent) or not all(
                    _close(a[0], b[0]) and _close(a[1], b[1]) for a, b in zip(shown, sent, strict=False)):
                problems.append(f"line {rid}: rendered vertices {shown}, sent {sent}")
            if region["labels"] != value["vectorlabels"]:
                problems.append(f"line {rid}: labels {region['labels']}, sent {value['vectorlabels']}")
            if rid not in paths:
                problems.append(f"line {rid}: no visible path on the Konva stage")
    return problems


@dataclass(frozen=True)
class Pushed:
    """A project with one task holding a prediction."""

    project: int
    task: int
    results: list[dict[str, Any]]


def push_task(url: str, token: str, title: str, config: str, image: Path, results: list[dict[str, Any]],
              model_version: str = "browser-test") -> Pushed:
    """Create a project with `config`, upload `image` as its one task, and add `results` as its prediction.

    Plain HTTP, so a test can send results `curation.labelstudio.session.push` never would (broken ones).
    """
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60) as client:
        created = client.post("/api/projects", json={"title": title, "label_config": config})
        created.raise_for_status()
        project = int(created.json()["id"])
        with image.open("rb") as handle:
            client.post(f"/api/projects/{project}/import",
                        files={"file": (image.name, handle, "image/png")}).raise_for_status()
        tasks = client.get("/api/tasks", params={"project": project}).json()["tasks"]
        task = int(tasks[0]["id"])
        client.post("/api/predictions", json={"task": task, "result": results,
                                              "model_version": model_version}).raise_for_status()
    return Pushed(project=project, task=task, results=results)

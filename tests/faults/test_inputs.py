"""Bad input, command by command: each row breaks one input of a complete workspace and runs one command.

A rejected input must give exit code 2 and exactly one line on stderr, `error: <file>: <problem>`, naming the
broken file (or the option) — never a traceback — and leave every file of the workspace as it was: the old
outputs complete, nothing new, no temporary file. A tolerated input (a UTF-8 byte-order mark) must give the
same outputs as the clean file.
"""

from __future__ import annotations

import json
import re
import shutil
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.faults.workspace import ANNOTATED, COMMANDS, PLAIN, Workspace, invoke, snapshot
from tests.test_images import bomb_png

Fault = Callable[[Workspace], Path | str]


@dataclass(frozen=True)
class Case:
    """One input fault and the commands that read that input."""

    name: str
    fault: Fault  # breaks the workspace; returns the file (or text) the message must name
    commands: tuple[str, ...]
    message: str  # a regular expression the error line must match


# --- how inputs get broken ------------------------------------------------------------------------------


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> Path:
    path.write_bytes(change(path.read_bytes()))
    return path


def _edit_json(path: Path, change: Callable[[object], object]) -> Path:
    path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False),
                    encoding="utf-8")
    return path


def _manifest_text(ws: Workspace, slug: str, change: Callable[[str], str]) -> Path:
    path = ws.manifest(slug)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _truncate(path: Path) -> Path:
    return _rewrite(path, lambda b: b[: len(b) // 2])


def _zero(path: Path) -> Path:
    return _rewrite(path, lambda b: b"")


def _flip_idat(path: Path) -> Path:
    """Flip bytes inside the first IDAT chunk's data (its CRC no longer matches)."""
    def change(data: bytes) -> bytes:
        at = data.index(b"IDAT") + 4 + 16
        return data[:at] + bytes(b ^ 0xFF for b in data[at:at + 8]) + data[at + 8:]
    return _rewrite(path, change)


def _bomb(path: Path) -> Path:
    """A valid PNG of ~100 KB that decodes to 30,000 × 30,000 pixels."""
    path.write_bytes(bomb_png())
    return path


def _not_an_image(path: Path) -> Path:
    path.write_text("<html>404 Not Found</html>\n", encoding="utf-8")
    return path


def _repainted(path: Path) -> Path:
    """A valid PNG of the same size with other pixels: what a pinned map that was replaced looks like."""
    with Image.open(path) as image:
        size = image.size
    Image.new("RGB", size, "#336699").save(path, format="PNG")
    return path


def _bom(path: Path) -> Path:
    return _rewrite(path, lambda b: b"\xef\xbb\xbf" + b)


def _latin1(path: Path) -> Path:
    """Non-UTF-8 bytes in the middle of an otherwise valid file (a Latin-1 editor's 'é')."""
    def change(data: bytes) -> bytes:
        at = data.index(b'"', 1) + 1
        return data[:at] + b"\xe9" + data[at:]
    return _rewrite(path, change)


def _link_outside(ws: Workspace, path: Path) -> Path:
    """Replace `path` by a symlink to an identical copy outside the data root."""
    outside = ws.root / "elsewhere" / path.name
    outside.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, outside)
    path.unlink()
    path.symlink_to(outside)
    return path


def _duplicate_line(path: Path) -> Path:
    """The station list's first line listed twice (JSON objects may not repeat a key here)."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    first = next(iter(data))
    body = json.dumps({first: data[first]}, ensure_ascii=False)[1:-1]
    path.write_text("{" + body + ", " + text.strip()[1:], encoding="utf-8")
    return path


def _edit_raw_station(ws: Workspace, literal: str) -> Path:
    """The first station of the first line replaced by a JSON string literal, written as it is."""
    path = _stations(ws)
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(data))
    marker = json.dumps(data[first][0], ensure_ascii=False)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(marker, literal, 1), encoding="utf-8")
    return path


def _stations(ws: Workspace) -> Path:
    return ws.source(PLAIN, "stations")


def _annotation(ws: Workspace) -> Path:
    return ws.source(ANNOTATED, "annotation")


def _predictions_lines(ws: Workspace, change: Callable[[list[str]], list[str]]) -> Path:
    lines = ws.predictions.read_text(encoding="utf-8").splitlines()
    ws.predictions.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
    return ws.predictions


def _first_prediction(ws: Workspace, response: object) -> Path:
    def change(lines: list[str]) -> list[str]:
        item = json.loads(lines[0])
        return [json.dumps({"id": item["id"], "response": response}), *lines[1:]]
    return _predictions_lines(ws, change)


def _graph_with(ws: Workspace, change: Callable[[str], str]) -> Path:
    path = ws.graph(PLAIN)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _parquet_columns(ws: Workspace, drop: str) -> Path:
    import pyarrow.parquet as pq

    table = pq.read_table(ws.questions)
    pq.write_table(table.drop_columns([drop]), ws.questions)
    return ws.questions


def _parquet_retyped(ws: Workspace, column: str) -> Path:
    """`column` written as text instead of its number type."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(ws.questions)
    index = table.schema.get_field_index(column)
    as_text = pa.array([str(v) for v in table.column(column).to_pylist()], type=pa.string())
    pq.write_table(table.set_column(index, pa.field(column, pa.string()), as_text), ws.questions)
    return ws.questions


def _annotated_graph_pos(ws: Workspace, pos: list[float]) -> Path:
    """The annotated city's graph with its first station moved to `pos`."""
    def change(document: object) -> object:
        assert isinstance(document, dict)
        document["stations"][0]["pos"] = pos
        return document
    return _edit_json(ws.graph(ANNOTATED), change)


def _perception_row(ws: Workspace, column: str, change: Callable[[str], str | None]) -> Path:
    """The questions table with `column` of its first locate question changed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(ws.questions)
    rows = table.to_pylist()
    first = next(i for i, r in enumerate(rows) if r["family"] == "locate")
    rows[first][column] = change(rows[first][column])
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), ws.questions)
    return ws.questions


def _change_pinned_stations(ws: Workspace) -> Path:
    """Edit the pinned station list after its graph was built: drop the last station of the first line."""
    return _edit_json(_stations(ws), lambda d: {k: (v[:-1] if i == 0 else v) for i, (k, v) in
                                                enumerate(d.items())})


def _bench(ws: Workspace, plus: bool, change: Callable[[dict], dict] = lambda r: r) -> Path:
    """plainville's questions in the benchmark's published layout (ReasonMap or ReasonMap-Plus), each row changed."""
    from curation.network.build import load_network
    from tests.audit.benchmark_layout import plus_rows, reasonmap_rows, write

    network = load_network(ws.graph(PLAIN))
    rows = plus_rows(network) if plus else reasonmap_rows(network)
    return write([change(dict(r)) for r in rows], ws.root / "bench.parquet")


def _mirror(ws: Workspace, kind: str) -> Path:
    target = ws.source(PLAIN, kind)
    return ws.mirror / target.relative_to(ws.data)


IMAGE_READERS = ("export",)  # of plainville's map; faultville's map is also read by its build and overlay
PINNED_IMAGE_READERS = ("export", "build-annotated", "overlay-annotated")
STATION_READERS = ("build-plain", "build-all")
MANIFEST_READERS = ("cities", "build-plain", "build-all", "gen-questions", "export", "render-city")
GRAPH_READERS = ("gen-questions", "export", "render-city")

CASES = [
    # Map images (plainville's is unpinned: only decoding can tell; faultville's is pinned).
    Case("map-truncated", lambda ws: _truncate(ws.source(PLAIN, "map")), IMAGE_READERS, r"truncated or corrupt"),
    Case("map-corrupt", lambda ws: _flip_idat(ws.source(PLAIN, "map")), IMAGE_READERS, r"corrupt"),
    Case("map-zero-bytes", lambda ws: _zero(ws.source(PLAIN, "map")), IMAGE_READERS, r"empty|not a (PNG|supported)"),
    Case("map-bomb", lambda ws: _bomb(ws.source(PLAIN, "map")), IMAGE_READERS,
         r"900,000,000 pixels .* more than the 300,000,000 allowed"),
    Case("map-not-an-image", lambda ws: _not_an_image(ws.source(PLAIN, "map")), IMAGE_READERS,
         r"not an image: no format Pillow reads matches its 27 bytes"),
    Case("map-pinned-changed", lambda ws: _repainted(ws.source(ANNOTATED, "map")),
         PINNED_IMAGE_READERS, r"sha256 is [0-9a-f]{64}, not the [0-9a-f]{64} pinned in"),
    Case("map-link-outside", lambda ws: _link_outside(ws, ws.source(PLAIN, "map")), IMAGE_READERS,
         r"map source is a link to .*, outside the data root"),
    Case("pinned-map-link-outside", lambda ws: _link_outside(ws, ws.source(ANNOTATED, "map")), PINNED_IMAGE_READERS,
         r"map source is a link to .*, outside the data root"),
    # Station lists.
    Case("stations-malformed", lambda ws: _rewrite(_stations(ws), lambda b: b[:-2]), STATION_READERS,
         r"not valid JSON"),
    Case("stations-zero-bytes", lambda ws: _zero(_stations(ws)), STATION_READERS, r"not valid JSON"),
    Case("stations-a-list", lambda ws: _edit_json(_stations(ws), lambda d: list(d)), STATION_READERS,
         r"object|mapping|line name"),
    Case("stations-number-for-a-line", lambda ws: _edit_json(_stations(ws), lambda d: {**d, "Line 9": 42}),
         STATION_READERS, r"Line 9"),
    Case("stations-not-utf8", lambda ws: _latin1(_stations(ws)), STATION_READERS, r"not UTF-8 text: byte 0xe9"),
    Case("stations-duplicate-line", lambda ws: _duplicate_line(_stations(ws)), STATION_READERS,
         r"is listed more than once"),
    Case("stations-nested-deep", lambda ws: _stations(ws).write_text('{"Line 1": ' + "[" * 200_000 + "]" * 200_000
                                                                       + "}", encoding="utf-8") and _stations(ws),
         STATION_READERS, r"nested too deeply"),
    Case("stations-lone-surrogate", lambda ws: _edit_raw_station(ws, '"\\ud800"'), STATION_READERS,
         r"station name .* must be printable text without control, bidi-override or lone surrogate"),
    Case("stations-invisible-name", lambda ws: _edit_raw_station(ws, '"\\u200b\\u0301"'), STATION_READERS,
         r"has no visible character"),
    Case("stations-control-character", lambda ws: _edit_raw_station(ws, '"A\\u0000B"'), STATION_READERS,
         r"must be printable text"),
    Case("stations-huge-name", lambda ws: _edit_raw_station(ws, '"' + "x" * 100_000 + '"'), STATION_READERS,
         r"is longer than 200 characters"),
    Case("stations-link-outside", lambda ws: _link_outside(ws, _stations(ws)), STATION_READERS,
         r"stations source is a link to .*, outside the data root"),
    # Annotations.
    Case("annotation-malformed", lambda ws: _rewrite(_annotation(ws), lambda b: b[:-3]), ("build-annotated",),
         r"not valid JSON"),
    Case("annotation-not-utf8", lambda ws: _latin1(_annotation(ws)), ("build-annotated",), r"not UTF-8 text"),
    Case("annotation-duplicate-key",
         lambda ws: _rewrite(_annotation(ws), lambda b: b.replace(b"{", b'{"stations": [], ', 1)), ("build-annotated",),
         r"key 'stations' appears more than once"),
    Case("annotation-wrong-type", lambda ws: _edit_json(_annotation(ws), lambda d: {**d, "stations": "all"}),
         ("build-annotated",), r"stations"),
    Case("annotation-station-off-image", lambda ws: _edit_json(_annotation(ws), lambda d: {
        **d, "stations": [{**d["stations"][0], "pos": [1e6, 5]}, *d["stations"][1:]]}),
        ("build-annotated",), r"stations\[0\]\.pos must lie inside the"),
    Case("annotation-link-outside", lambda ws: _link_outside(ws, _annotation(ws)), ("build-annotated",),
         r"annotation source is a link to .*, outside the data root"),
    # City manifests.
    Case("manifest-malformed", lambda ws: _manifest_text(ws, PLAIN, lambda t: t + "\n[sources\n"),
         MANIFEST_READERS, r"not valid TOML"),
    Case("manifest-wrong-type", lambda ws: _manifest_text(ws, PLAIN, lambda t: t.replace(
        'station_language = "en"', "station_language = 3")), MANIFEST_READERS, r"station_language: 3 is not"),
    Case("manifest-not-utf8", lambda ws: _latin1(ws.manifest(PLAIN)), MANIFEST_READERS, r"not UTF-8 text"),
    Case("manifest-duplicate-key", lambda ws: _manifest_text(ws, PLAIN, lambda t: 'country = "x"\n' + t),
         MANIFEST_READERS, r"not valid TOML"),
    Case("manifest-source-escapes", lambda ws: _manifest_text(ws, PLAIN, lambda t: t.replace(
        'path = "stations/test/', 'path = "../../stations/test/')), MANIFEST_READERS, r"sources\.stations\.path"),
    Case("manifest-incomplete-source", lambda ws: _manifest_text(ws, PLAIN, lambda t: re.sub(
        r'upstream = "[^"]+"\n', "", t, count=1)), MANIFEST_READERS,
         r"needs one of these sets of keys: path, url, license, upstream .*; it has"),
    # Graphs (outputs of build-graph that later commands read).
    Case("graph-malformed", lambda ws: _graph_with(ws, lambda t: t[: len(t) // 2]), GRAPH_READERS,
         r"graph\.json"),
    Case("graph-zero-bytes", lambda ws: _graph_with(ws, lambda t: ""), GRAPH_READERS, r"graph\.json"),
    Case("graph-wrong-type", lambda ws: _graph_with(ws, lambda t: t.replace('"lines": [', '"lines": 3, "x": [', 1)),
         GRAPH_READERS, r"not a valid graph\.json"),
    Case("graph-nan", lambda ws: _graph_with(ws, lambda t: t.replace('"format_version": 1', '"format_version": NaN')),
         GRAPH_READERS, r"graph\.json"),
    Case("graph-deep", lambda ws: _graph_with(ws, lambda t: '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
         GRAPH_READERS, r"graph\.json"),
    Case("graph-stale", lambda ws: _change_pinned_stations(ws) and ws.graph(PLAIN), ("gen-questions", "export"),
         r"plainville's station list changed since this graph was built: run `mapcurate build-graph --city "
         r"plainville` again"),
    Case("graph-pixels-off-image", lambda ws: _annotated_graph_pos(ws, [1e9, -5.0]), ("gen-questions", "export"),
         r"graph\.json: not a valid graph\.json: stations\.\S+\.pos must lie in the \d+ × \d+ image"),
    # Questions tables.
    Case("questions-view-huge", lambda ws: _perception_row(ws, "view", lambda v: v and v.replace(
        '"size":[', '"size":[100000,100000],"_":[', 1)), ("export",), r"questions\.parquet: question \w+ has a "
         r"malformed view \(size must be"),
    Case("questions-answer-without-point", lambda ws: _perception_row(ws, "answer", lambda a: a and a.replace(
        '"point":', '"spot":', 1)), ("export", "score"), r"questions\.parquet: question \w+ cannot be scored: "
         r"its answer has no 'point'"),
    Case("questions-truncated", lambda ws: _truncate(ws.questions), ("export", "score"), r"questions\.parquet"),
    Case("questions-not-parquet", lambda ws: _not_an_image(ws.questions), ("export", "score"),
         r"questions\.parquet"),
    Case("questions-wrong-type", lambda ws: _parquet_retyped(ws, "weight"), ("export", "score"),
         r"questions\.parquet.*weight"),
    Case("questions-missing-column", lambda ws: _parquet_columns(ws, "answer"), ("export", "score"),
         r"questions\.parquet.*answer"),
    # Predictions.
    Case("predictions-malformed", lambda ws: _predictions_lines(ws, lambda ls: [*ls, "{oops"]), ("score",),
         r"preds\.jsonl:\d+: not a JSON line"),
    Case("predictions-number", lambda ws: _first_prediction(ws, 42), ("score",),
         r'preds\.jsonl:1: "response" must be .* but got int'),
    Case("predictions-null", lambda ws: _first_prediction(ws, None), ("score",),
         r'preds\.jsonl:1: "response" must be .* but got null'),
    Case("predictions-not-utf8", lambda ws: _latin1(ws.predictions), ("score",), r"preds\.jsonl: not UTF-8 text"),
    Case("predictions-nested-deep", lambda ws: _predictions_lines(ws, lambda ls: ["[" * 100_000, *ls]), ("score",),
         r"preds\.jsonl:1: not a JSON line \(nested too deeply\)"),
    Case("predictions-duplicate-key", lambda ws: _predictions_lines(
        ws, lambda ls: [ls[0].replace('{"id"', '{"response": "A", "id"', 1), *ls[1:]]), ("score",),
         r"preds\.jsonl:1: not a JSON line \(key 'response' appears more than once"),
    Case("predictions-duplicate", lambda ws: _predictions_lines(ws, lambda ls: [*ls, ls[0]]), ("score",),
         r"second prediction for question"),
    Case("predictions-unknown-id", lambda ws: _predictions_lines(
        ws, lambda ls: [*ls, json.dumps({"id": "0000000000000000", "response": "x"})]), ("score",),
         r"1 prediction\(s\) for question ids not in the questions"),
    # Benchmark Parquet read by audit.
    Case("bench-truncated", lambda ws: _truncate(_bench(ws, False)), ("audit",), r"not a readable Parquet"),
    Case("bench-not-parquet", lambda ws: _not_an_image(_bench(ws, True)), ("audit-plus",), r"not a readable Parquet"),
    Case("bench-missing-column", lambda ws: _bench(ws, False, lambda r: {k: v for k, v in r.items() if k != "routes"}),
         ("audit",), r"not a ReasonMap Parquet: missing columns routes"),
    Case("bench-plus-missing-column", lambda ws: _bench(ws, True, lambda r: {k: v for k, v in r.items()
                                                                             if k != "answer"}),
         ("audit-plus",), r"not a ReasonMap-Plus Parquet: missing columns answer"),
    Case("bench-unknown-city", lambda ws: _bench(ws, False, lambda r: {**r, "city": "atlantis"}) and "atlantis",
         ("audit",), r"no graph\.json for 1 city of these rows"),
    Case("bench-city-escapes", lambda ws: _bench(ws, True, lambda r: {**r, "city": "../plainville"}),
         ("audit-plus",), r"row 0: city '\.\./plainville' is not a city slug"),
    # Sources fetched from a mirror.
    Case("fetch-truncated-pinned", lambda ws: _truncate(_mirror(ws, "stations")), ("fetch",),
         r"sha256 mismatch"),
    Case("fetch-not-an-image", lambda ws: _not_an_image(_mirror(ws, "map")), ("fetch",),
         r"downloaded file is not a PNG image"),
    Case("fetch-absent", lambda ws: _mirror(ws, "map").unlink() or "mirror", ("fetch",), r"not in the mirror"),
]

# Names that could reach the file system: refused before anything is opened.
BAD_NAMES = [
    ("build-graph --city ../x", ["build-graph", "--city", "../x", "--out", "out"], r"--city|city must be a slug"),
    ("gen-questions --city a/b", ["gen-questions", "--city", "a/b", "--graphs", "out"], r"city must be a slug"),
    ("overlay --city /etc", ["overlay", "--city", "/etc", "--graphs", "out"], r"city must be a slug"),
    ("render --slug a/b", ["render", "--seed", "3", "--slug", "a/b", "--out", "synth"], r"slug"),
    ("render --slug ''", ["render", "--seed", "3", "--slug", "", "--out", "synth"], r"slug"),
    ("export --name ../x", [*COMMANDS["export"][:-2], "--name", "../x"], r"--name names files"),
    ("gen-questions --out a file", [*COMMANDS["gen-questions"], "--out", "preds.jsonl"], r"not a file"),
]

# Input that is unusual but valid: accepted, with the same outputs as the clean input.
TOLERATED = [
    ("stations-bom", lambda ws: _bom(_stations(ws)), "build-plain", ["out/plainville/graph.json"]),
    ("annotation-bom", lambda ws: _bom(_annotation(ws)), "build-annotated", ["out/faultville/graph.json"]),
    ("manifest-bom", lambda ws: _bom(ws.manifest(PLAIN)), "build-plain", ["out/plainville/graph.json"]),
    ("predictions-bom", lambda ws: _bom(ws.predictions), "score", ["out/scores/report.json"]),
]


def _rows() -> list[tuple[Case, str]]:
    return [(case, command) for case in CASES for command in case.commands]


def assert_rejected(result, before: dict[str, str], ws: Workspace, message: str, names: str | None) -> None:
    """Exit 2, one `error:` line matching `message` and naming `names`, no traceback, nothing changed."""
    stderr = result.stderr.strip()
    assert result.exit_code == 2, f"exit {result.exit_code}: {result.output}{stderr}"
    assert isinstance(result.exception, SystemExit), f"uncaught {result.exception!r}"
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert re.search(message, lines[0]), f"{lines[0]!r} does not match {message!r}"
    if names is not None:
        assert names in lines[0], f"{lines[0]!r} does not name {names}"
    after = snapshot(ws.root)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the failed command changed {changed}"


@pytest.mark.parametrize(("case", "command"), _rows(), ids=[f"{c.name}-x-{cmd}" for c, cmd in _rows()])
def test_bad_input_is_one_line_and_changes_nothing(ws: Workspace, case: Case, command: str) -> None:
    broken = case.fault(ws)
    before = snapshot(ws.root)
    result = invoke(ws, COMMANDS[command])
    named = broken.name if isinstance(broken, Path) else broken
    assert_rejected(result, before, ws, case.message, named)


@pytest.mark.parametrize(("args", "message"), [(a, m) for _, a, m in BAD_NAMES], ids=[n for n, _, _ in BAD_NAMES])
def test_names_that_would_leave_their_folder_are_refused(ws: Workspace, args: list[str], message: str) -> None:
    before = snapshot(ws.root)
    assert_rejected(invoke(ws, args), before, ws, message, None)


@pytest.mark.parametrize(("fault", "command", "outputs"), [(f, c, o) for _, f, c, o in TOLERATED],
                         ids=[n for n, _, _, _ in TOLERATED])
def test_a_byte_order_mark_changes_nothing(ws: Workspace, fault: Fault, command: str, outputs: list[str]) -> None:
    clean = {name: (ws.root / name).read_bytes() for name in outputs}
    fault(ws)
    result = invoke(ws, COMMANDS[command])
    assert result.exit_code == 0, result.output + result.stderr
    for name in outputs:
        if name.endswith("graph.json"):  # it records the source's sha256, which the mark changes
            new, old = json.loads((ws.root / name).read_bytes()), json.loads(clean[name])
            new.pop("sources"), old.pop("sources")
            assert new == old, name
        else:
            assert (ws.root / name).read_bytes() == clean[name], name


def test_a_failed_rebuild_does_not_let_the_old_graph_through(ws: Workspace) -> None:
    """build-graph refuses a malformed station list and keeps the earlier graph (exit 2, nothing written); the
    commands that read that graph then refuse it as stale instead of asking questions of the old network."""
    stations = _change_pinned_stations(ws)  # valid, but not what the graph was built from
    edited = stations.read_bytes()
    stations.write_bytes(edited + b"}")
    before = snapshot(ws.root)
    assert_rejected(invoke(ws, COMMANDS["build-plain"]), before, ws, r"not valid JSON", stations.name)
    stations.write_bytes(edited)
    for command in ("gen-questions", "export"):
        before = snapshot(ws.root)
        assert_rejected(invoke(ws, COMMANDS[command]), before, ws, r"changed since this graph was built", "graph.json")


def test_network_errors_replace_the_graph_by_a_report(ws: Workspace) -> None:
    """Exit 1 is not bad input: the report says what is wrong and the earlier graph goes, so nothing reads it."""
    _edit_json(_stations(ws), lambda d: {**d, "Ghost Line": ["Ghost A", "Ghost B", "Ghost C", "Ghost A", "Ghost D"]})
    result = invoke(ws, COMMANDS["build-plain"])
    assert result.exit_code == 1, result.output + result.stderr
    assert not ws.graph(PLAIN).exists()
    report = json.loads((ws.out / PLAIN / "quality.json").read_text(encoding="utf-8"))
    assert any(f["severity"] == "error" for f in report["findings"])
    assert invoke(ws, COMMANDS["gen-questions"]).exit_code == 2


class _CutOffServer(socketserver.TCPServer):
    """An HTTP server on 127.0.0.1 that promises 100,000 bytes of PNG and sends 5,008, then hangs up."""

    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CutOffHandler)


class _CutOffHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.rfile.readline()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: image/png\r\n\r\n"
                         + b"\x89PNG\r\n\x1a\n" + b"x" * 5000)


def test_a_download_cut_off_midway_leaves_the_old_file(ws: Workspace) -> None:
    server = _CutOffServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        before = snapshot(ws.root)
        mirror = f"http://127.0.0.1:{server.server_address[1]}"
        result = invoke(ws, ["fetch-sources", "--city", PLAIN, "--mirror", mirror, "--only", "map", "--force"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 2, result.output
    assert f"{PLAIN}.png: download of {mirror}/maps/test/{PLAIN}.png ended after 5,008 of its 100,000 bytes" \
        in result.stderr
    assert snapshot(ws.root) == before


@pytest.mark.parametrize("command", STATION_READERS)
def test_an_unreadable_input_is_one_line(ws: Workspace, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system refusing to read a source (permissions; root cannot be refused, so the refusal is injected at
    the read) is reported as that file and the system's reason, exit 2."""
    stations = _stations(ws).resolve()
    real = Path.read_bytes

    def refusing(self: Path) -> bytes:
        if self.resolve() == stations:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    before = snapshot(ws.root)
    monkeypatch.setattr(Path, "read_bytes", refusing)
    result = invoke(ws, COMMANDS[command])
    monkeypatch.undo()
    assert_rejected(result, before, ws, r"cannot use this file: Permission denied", stations.name)

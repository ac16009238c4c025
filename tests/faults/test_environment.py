"""Environment faults, command by command, as real subprocesses: an output the user cannot write (as a
non-root user), a full disk (a file-size limit), SIGKILL at seeded random points, two runs at once.

After each fault every output is the old complete version or the new complete one (the bytes of a clean
run of the same command), never a mix or a fragment; a failure is one line `error: <path>: ...` naming
the file, with no traceback; and a normal rerun succeeds.
"""

from __future__ import annotations

import functools
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.workspace import ANNOTATED, FOLDER, PLAIN, Workspace, copy_workspace, snapshot

NOBODY = 65534
KILLS = int(os.environ.get("MAPCURATE_FAULT_KILLS", "5"))  # kill points per writer
WORKERS = min(2, os.cpu_count() or 1)  # commands run side by side where timing does not matter
ERROR_LINE = re.compile(r"error: (?P<path>[^:]+): \S.*")
State = dict[str, str]


@dataclass(frozen=True)
class Command:
    """One writer: its argv, the outputs it writes (units that must be old or new as a whole), how to prepare
    the workspace so that its new output differs from the old one."""

    name: str
    argv: tuple[str, ...]
    units: tuple[tuple[str, ...], ...]  # each unit: paths (files or folders) relative to the workspace root
    prepare: Callable[[Workspace], None] = lambda ws: None
    per_file: bool = False  # each file of the units is a unit of its own
    also_valid: Callable[[State, State, State], bool] = lambda state, old, new: False
    variant: tuple[str, ...] | None = None  # other argv writing the same outputs differently (two runs at once)
    orphans: bool = False  # files of an earlier output may stay behind, unreferenced (content-named data files)
    error_lines: int = 1  # at most this many `error:` lines (fetch-sources reports each failed file)

    def __str__(self) -> str:
        return self.name


def _rename_cities(ws: Workspace) -> None:
    """Edit both manifests' display names, so that a rebuild writes different graphs."""
    for slug in (ANNOTATED, PLAIN):
        path = ws.manifest(slug)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'(?m)^en = "(.*)"$', r'en = "\1 Rebuilt"', text, count=1), encoding="utf-8")


def _edit_local_sources(ws: Workspace) -> None:
    """Local edits of plainville's sources, which `fetch-sources --force` replaces by the mirror's copies."""
    for kind in ("stations", "map"):
        with ws.source(PLAIN, kind).open("ab") as handle:
            handle.write(b"\n")


def _graph_removed(state: State, old: State, new: State) -> bool:
    """`write_outputs` removes the earlier graph before it writes the report: no graph beside either report."""
    graphs = [p for p in state if p.endswith("/graph.json")]
    reports = {p: h for p, h in state.items() if p.endswith("/quality.json")}
    return not graphs and any(reports == {p: h for p, h in s.items() if p.endswith("/quality.json")}
                              for s in (old, new))


def _rendered_city(state: State, old: State, new: State) -> bool:
    """A rendered city: its manifest old or new with every file it pins present and intact; left-over data files
    of the other rendering (named by their content, so never confused) are harmless."""
    manifest = f"synth/cities/{ANNOTATED}/city.toml"
    chosen = next((s for s in (old, new) if state.get(manifest) == s.get(manifest)), None)
    if chosen is None:
        return False
    pinned = {p: h for p, h in chosen.items() if p != manifest}
    return all(state.get(p) == h for p, h in pinned.items()) and all(
        h in (old.get(p), new.get(p)) or _content_named(p, h) for p, h in state.items())


def _content_named(path: str, digest: str) -> bool:
    """A data file of a rendering, named by its content (`<slug>-<sha8>.<ext>`): another run's left-over."""
    name = path.rsplit("/", 1)[-1]
    return path.startswith("synth/data/") and name.rsplit(".", 1)[0].endswith(f"-{digest[:8]}")


GRAPHS = tuple((f"out/{slug}/graph.json", f"out/{slug}/quality.json") for slug in (ANNOTATED, PLAIN))
EXPORT = ("export", "--questions", "out/questions.parquet", "--graphs", "out", "--out", "out/export", "--layout", "hf")
RENDER = ("render", "--seed", "7", "--lines", "3", "--slug", ANNOTATED, "--out", "synth", "--megapixels")
QUESTIONS = ("gen-questions", "--all", "--graphs", "out", "--per-map", "planning=6", "--seed")
RENDERED = (f"synth/cities/{ANNOTATED}",
            *(f"synth/data/{kind}/synthetic" for kind in ("stations", "maps", "annotations")))

COMMANDS = {c.name: c for c in (
    Command("build-graph", ("build-graph", "--all", "--out", "out"), GRAPHS, _rename_cities,
            also_valid=_graph_removed),
    Command("gen-questions", (*QUESTIONS, "1"), (("out/questions.parquet",),), variant=(*QUESTIONS, "2")),
    Command("export", (*EXPORT, "--test-cities", ANNOTATED), (("out/export",),),
            variant=(*EXPORT, "--test-cities", PLAIN, "--format", "sharegpt")),
    Command("score", ("score", "--questions", "out/questions.parquet", "--predictions", "preds.jsonl",
                      "--graphs", "out", "--out", "out/scores", "--alpha", "0.25"),
            (("out/scores/scores.jsonl", "out/scores/report.json"),)),
    Command("render", (*RENDER, "0.5"), (RENDERED,), also_valid=_rendered_city, orphans=True,
            variant=(*RENDER, "0.7")),
    Command("overlay", ("overlay", "--city", ANNOTATED, "--graphs", "out", "--max-side", "500"),
            (("out/faultville/overlay.png",),)),
    Command("demo", ("demo", "--out", "out/demo"), (("out/demo",),), per_file=True),
    Command("fetch-sources", ("fetch-sources", "--all", "--force", "--mirror", "mirror"), (("synth/data",),),
            _edit_local_sources, per_file=True, error_lines=2),
)}
KILLED = ("build-graph", "gen-questions", "export", "render", "fetch-sources", "overlay")
TWICE = ("build-graph", "gen-questions", "export", "render")


# --- running -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def _env(ws: Workspace) -> dict[str, str]:
    return {**os.environ, **ws.env, "HOME": str(ws.root)}


def run(ws: Workspace, argv: tuple[str, ...], prefix: tuple[str, ...] = (),
        preexec: Callable[[], None] | None = None) -> Run:
    done = subprocess.run([*prefix, sys.executable, "-m", "curation", *argv], cwd=ws.root, env=_env(ws),
                          capture_output=True, text=True, preexec_fn=preexec, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(ws: Workspace, result: Run, command: Command) -> None:
    """Exit 2 and one line `error: <path>: ...` (per failed file) naming a file of the workspace, no traceback."""
    assert result.code == 2, f"{command}: exit {result.code}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= command.error_lines, result.stderr
    for line in lines:
        match = ERROR_LINE.fullmatch(line)
        assert match, f"{command}: not an `error: <path>: ...` line: {line!r}"
        named = (ws.root / match["path"]).resolve()
        assert named.is_relative_to(ws.root.resolve()), f"{command}: names {named}, outside the workspace"
        assert not is_temp(named.name), f"{command}: names its scratch file, not the output: {line!r}"


# --- states --------------------------------------------------------------------------------------------------

def is_temp(rel: str) -> bool:
    """A writer's scratch file or folder (`.graph.json.x1y2.tmp`, `.plainville.png.x1y2.part`, `.export.old`)."""
    return any(part.startswith(".") and part.endswith((".tmp", ".part", ".old")) for part in rel.split("/"))


def _inside(rel: str, paths: tuple[str, ...]) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in paths)


def units(command: Command, *states: State) -> list[tuple[str, ...]]:
    if not command.per_file:
        return list(command.units)
    every = sum(command.units, ())
    return [(rel,) for rel in sorted({r for s in states for r, h in s.items()
                                      if _inside(r, every) and not is_temp(r) and h != FOLDER})]


def part(state: State, unit: tuple[str, ...]) -> State:
    return {rel: h for rel, h in state.items() if _inside(rel, unit) and not is_temp(rel)}


def check_state(command: Command, state: State, old: State, new: State, temp_allowed: bool) -> None:
    """Every unit old or new (or a state its writer documents as safe); nothing else changed."""
    every = sum(command.units, ())
    for unit in units(command, state, old, new):
        now, before, after = part(state, unit), part(old, unit), part(new, unit)
        assert now in (before, after) or command.also_valid(now, before, after), (
            f"{command}: {unit} is neither the old nor the new output:\n"
            + "\n".join(f"  {rel}: {'old' if h == before.get(rel) else 'new' if h == after.get(rel) else 'OTHER'}"
                        for rel, h in sorted(now.items()))
            + "".join(f"\n  {rel}: missing" for rel in sorted((set(before) | set(after)) - set(now))))
    outside = {r: h for r, h in state.items() if not _inside(r, every) and not is_temp(r)}
    assert outside == {r: h for r, h in old.items() if not _inside(r, every) and not is_temp(r)}, (
        f"{command}: changed files it does not own")
    leftovers = sorted(r for r in set(state) - set(old) if is_temp(r))
    assert temp_allowed or not leftovers, f"{command}: left temporary files: {leftovers}"


# --- fixtures ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clean:
    """A clean run of a command on a prepared copy of the pristine workspace."""

    state: State
    sizes: dict[str, int]
    writing: float  # seconds from the first change in an output folder to the last


CleanRuns = Callable[..., Clean]


@pytest.fixture(scope="session")
def clean(pristine: Workspace, tmp_path_factory: pytest.TempPathFactory) -> CleanRuns:
    """`clean(command, which="argv")`: the state after a clean run of `command.argv` (or `.variant`)."""

    def one(command: Command, which: str) -> Clean:
        ws = prepared(pristine, tmp_path_factory.mktemp(f"clean-{command}") / "ws", command)
        process = spawn(ws, getattr(command, which))
        folders = watched(ws, command)
        started = first_write(process, folders)
        writing = last_write(process, folders) - started
        _, stderr = process.communicate()
        assert process.returncode == 0, f"{command}: {stderr}"
        sizes = {str(p.relative_to(ws.root)): p.stat().st_size for p in ws.root.rglob("*") if p.is_file()}
        return Clean(snapshot(ws.root), sizes, writing)

    runs: dict[tuple[str, str], Clean] = {}

    def once(command: Command, which: str = "argv") -> Clean:
        if not runs:  # all of them at once, two at a time
            every = [(c, w) for c in COMMANDS.values() for w in ("argv", "variant") if getattr(c, w)]
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                runs.update(zip([(c.name, w) for c, w in every], pool.map(lambda cw: one(*cw), every), strict=True))
        return runs[command.name, which]

    return once


def watched(ws: Workspace, command: Command) -> list[Path]:
    """The folders whose entries change when the command starts writing (a folder's mtime moves then)."""
    folders = set()
    for rel in sum(command.units, ()):
        path = ws.root / rel
        folders.add(next(p for p in (path.parent, *path.parents) if p.exists()))
        folders.update(Path(f) for f, _, _ in os.walk(path))
    return sorted(folders)


def _mtimes(folders: list[Path]) -> list[int]:
    return [f.stat().st_mtime_ns if f.exists() else -1 for f in folders]


def first_write(process: subprocess.Popen[str], folders: list[Path]) -> float:
    """Wait until the command creates, renames or removes an entry in an output folder (or exits): that moment."""
    before = _mtimes(folders)
    while process.poll() is None and _mtimes(folders) == before:
        time.sleep(0.001)
    return time.perf_counter()


def last_write(process: subprocess.Popen[str], folders: list[Path]) -> float:
    """Follow the output folders until the command exits: the moment of the last change seen."""
    seen, at = _mtimes(folders), time.perf_counter()
    while process.poll() is None:
        if (now := _mtimes(folders)) != seen:
            seen, at = now, time.perf_counter()
        time.sleep(0.001)
    return at if _mtimes(folders) == seen else time.perf_counter()


def prepared(pristine: Workspace, root: Path, command: Command) -> Workspace:
    ws = copy_workspace(pristine, root)
    command.prepare(ws)
    return ws


@functools.cache
def nobody_prefix() -> tuple[str, ...] | str:
    """How to run a command as uid/gid 65534, or why it cannot be done. Plain `setpriv` when nobody can run this
    interpreter; else (an interpreter under root's 0700 home) with CAP_DAC_READ_SEARCH alone, which lets
    nobody read and traverse everything but write nothing it does not own."""
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    base = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    read_all = ("--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
    probe = ("-c", "import curation, typer")
    for prefix in (base, base + read_all):
        done = subprocess.run([*prefix, "--", sys.executable, *probe], cwd="/", capture_output=True, text=True)
        if done.returncode == 0:
            return (*prefix, "--")
    return f"uid {NOBODY} cannot run {sys.executable} and import curation, even with CAP_DAC_READ_SEARCH: " + (
        done.stderr.strip().splitlines() or ["?"])[-1]


@dataclass(frozen=True)
class Faulted:
    """One command run under a fault: the workspace, its state before and after, the run."""

    ws: Workspace
    before: State
    result: Run
    after: State


def side_by_side(job: Callable[[Command], Faulted]) -> dict[str, Faulted | Exception]:
    """`job` for every command, two at a time (each test then checks its own command's outcome)."""

    def guarded(command: Command) -> Faulted | Exception:
        try:
            return job(command)
        except Exception as exc:  # reported by that command's test
            return exc

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(COMMANDS, pool.map(guarded, COMMANDS.values()), strict=True))


def outcome(runs: dict[str, Faulted | Exception], command: Command) -> Faulted:
    done = runs[command.name]
    if isinstance(done, Exception):
        raise done
    return done


# --- 1. unwritable output --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def unwritable(pristine: Workspace) -> Iterator[dict[str, Faulted | Exception]]:
    """Every command run in a workspace its user cannot write: as root, the workspace (root-owned, folders 0755)
    run as nobody; as another user, the workspace's folders made 0555."""
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        how = nobody_prefix()
        if isinstance(how, str):
            pytest.skip(how)
        prefix = how
    holder = Path(tempfile.mkdtemp(prefix="mapcurate-faults-"))  # others may traverse it (pytest's is 0700)
    holder.chmod(0o755)

    def job(command: Command) -> Faulted:
        ws = prepared(pristine, holder / command.name, command)
        for folder, _, _ in os.walk(ws.root):
            if prefix:
                assert os.stat(folder).st_uid == 0 and not os.stat(folder).st_mode & 0o022, folder
            else:
                os.chmod(folder, 0o555)
        before = snapshot(ws.root)
        result = run(ws, command.argv, prefix)
        return Faulted(ws, before, result, snapshot(ws.root))

    try:
        yield side_by_side(job)
    finally:
        for folder, _, _ in os.walk(holder):
            os.chmod(folder, 0o755)
        shutil.rmtree(holder)


@pytest.mark.parametrize("command", [COMMANDS[n] for n in COMMANDS], ids=str)
def test_unwritable_output(command: Command, unwritable: dict[str, Faulted | Exception]) -> None:
    """One line naming the file or folder, exit 2, and nothing changed (not even a temporary file)."""
    done = outcome(unwritable, command)
    assert_one_line_error(done.ws, done.result, command)
    assert done.after == done.before, f"{command}: changed the workspace"


# --- 2. full disk ----------------------------------------------------------------------------------------------

def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.fixture(scope="session")
def full_disk(pristine: Workspace, clean: CleanRuns, tmp_path_factory: pytest.TempPathFactory) -> dict[
        str, Faulted | Exception]:
    """Every command run with files limited to half the size of its biggest output (in a clean run)."""

    def job(command: Command) -> Faulted:
        ws = prepared(pristine, tmp_path_factory.mktemp(f"full-{command}") / "ws", command)
        every = sum(command.units, ())
        biggest = max(size for rel, size in clean(command).sizes.items() if _inside(rel, every) and not is_temp(rel))
        before = snapshot(ws.root)
        result = run(ws, command.argv, preexec=_file_size_limit(biggest // 2))
        return Faulted(ws, before, result, snapshot(ws.root))

    clean(COMMANDS["build-graph"])  # the clean runs first, side by side too
    return side_by_side(job)


@pytest.mark.parametrize("command", [COMMANDS[n] for n in COMMANDS], ids=str)
def test_full_disk(command: Command, full_disk: dict[str, Faulted | Exception], clean: CleanRuns) -> None:
    """The biggest output fails: one line, exit 2, every output old or new (complete), no temporary file left."""
    done = outcome(full_disk, command)
    assert_one_line_error(done.ws, done.result, command)
    check_state(command, done.after, done.before, clean(command).state, temp_allowed=False)


# --- 3. SIGKILL at random points -------------------------------------------------------------------------------

def kill_points(seed: int, end: float, count: int) -> list[float]:
    """`count` delays spread over [0, end]: one drawn uniformly from each of `count` equal slices."""
    rng, width = random.Random(seed), end / count
    return [width * (i + rng.random()) for i in range(count)]


def check_new(command: Command, state: State, new: State) -> None:
    """After a successful rerun every unit is the new output (a rendered city may keep orphaned data files)."""
    for unit in units(command, state, new):
        now, after = part(state, unit), part(new, unit)
        if command.orphans:
            now = {rel: h for rel, h in now.items() if rel in after}
        assert now == after, f"{command}: {unit} is not the new output after a successful rerun"


def spawn(ws: Workspace, argv: tuple[str, ...]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "curation", *argv], cwd=ws.root, env=_env(ws), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


KILL_SEEDS = {name: 1100 + i for i, name in enumerate(KILLED)}


@pytest.mark.parametrize("command,seed", [(COMMANDS[n], KILL_SEEDS[n]) for n in KILLED],
                         ids=[f"{n}-seed{KILL_SEEDS[n]}" for n in KILLED])
def test_sigkill(command: Command, seed: int, pristine: Workspace, clean: CleanRuns, tmp_path: Path) -> None:
    """SIGKILL at seeded points of the writing phase (from the first change in an output folder to the last one in
    a clean run, +50%), two runs at a time. Whatever is left is old or new, and a rerun (wherever the kill left
    anything behind) ends with the new output."""
    new = clean(command)
    points = kill_points(seed, max(new.writing, 0.005) * 1.5, KILLS)

    def kill_at(i: int, delay: float) -> str:
        ws = prepared(pristine, tmp_path / f"kill{i}", command)
        old = snapshot(ws.root)
        process = spawn(ws, command.argv)
        time.sleep(max(0.0, first_write(process, watched(ws, command)) + delay - time.perf_counter()))
        process.kill()
        process.communicate()
        state = snapshot(ws.root)
        where = f"{command} killed {delay:.3f}s into writing (seed {seed}, exit {process.returncode})"
        try:
            check_state(command, state, old, new.state, temp_allowed=True)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        if state in (old, new.state):
            return "untouched" if state == old else "finished"
        rerun = run(ws, command.argv)
        assert rerun.code == 0, f"{where}, the rerun failed: {rerun.stderr}"
        check_new(command, snapshot(ws.root), new.state)
        return "partial, rerun"

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(kill_at, range(len(points)), points))
    print(f"{command} seed {seed}: {', '.join(f'{d:.3f}s {o}' for d, o in zip(points, outcomes, strict=True))}")


# --- 4. two runs at once ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [COMMANDS[n] for n in TWICE], ids=str)
def test_two_runs_at_once(command: Command, ws: Workspace, clean: CleanRuns) -> None:
    """Both succeed, or one stops with a one-line error; what is left is one run's complete output."""
    command.prepare(ws)
    old = snapshot(ws.root)
    which = ("argv", "variant" if command.variant else "argv")
    processes = [spawn(ws, getattr(command, w)) for w in which]
    outputs = [p.communicate(timeout=120) for p in processes]
    results = [Run(p.returncode, *out) for p, out in zip(processes, outputs, strict=True)]
    for result in results:
        if result.code != 0:
            assert_one_line_error(ws, result, command)
    assert any(r.code == 0 for r in results), [r.stderr for r in results]
    state = snapshot(ws.root)
    mixed = []
    for w, result in zip(which, results, strict=True):
        if result.code == 0:
            try:
                check_state(command, state, old, clean(command, w).state, temp_allowed=False)
                check_new(command, state, clean(command, w).state)
                return
            except AssertionError as exc:
                mixed.append(str(exc))
    raise AssertionError(f"{command}: the result is no one successful run's complete output: {mixed}")

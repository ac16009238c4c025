"""A local Label Studio server: its own pinned venv, a migrated template data dir, start and stop.

The server is installed into `<home>/venv` (never the project's venv: it pins Django, pyarrow and
pytz), a template data dir is migrated once into `<home>/template` with no user in it, and each
session's data dir is a copy of it. `start_server` runs it bound to 127.0.0.1 in a clean
environment with a temporary HOME; the user and API token are created from the credentials at the
first start of a fresh copy.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO

from rich.console import Console

from curation.errors import LabelStudioError

LABEL_STUDIO_VERSION = "1.23.2"
HOME_ENV = "MAPCURATE_LABEL_STUDIO_HOME"
DATABASE = "label_studio.sqlite3"
_INSTALLED_MARKER = ".mapcurate-installed"
_STARTED_RE = re.compile(r"Starting development server at http://([\d.]+):(\d+)/")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+")
_TOKEN_RE = re.compile(r"[0-9A-Za-z]{6,40}")
_PASSWORD_LENGTH = (8, 128)  # Label Studio's AUTH_PASSWORD_MIN_LENGTH / MAX_LENGTH


def default_home() -> Path:
    """`$MAPCURATE_LABEL_STUDIO_HOME`, else `$XDG_CACHE_HOME` (or `~/.cache`)`/mapcurate/label-studio-<pin>`."""
    if value := os.environ.get(HOME_ENV):
        return Path(value).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mapcurate" / f"label-studio-{LABEL_STUDIO_VERSION}"


def new_token() -> str:
    """A fresh API token shaped like Label Studio's own legacy tokens (40 hex digits)."""
    return secrets.token_hex(20)


def validate_credentials(username: str, password: str, token: str) -> None:
    """Raise `LabelStudioError` unless Label Studio would accept these as its first user and legacy token.

    It logs users in by e-mail, refuses passwords outside 8–128 characters in its forms, and silently
    replaces a token of 5 characters or fewer with a random one (its token column holds 40)."""
    if not _EMAIL_RE.fullmatch(username):
        raise LabelStudioError(f"user name {username!r} is not an e-mail address (Label Studio logs in by e-mail)")
    low, high = _PASSWORD_LENGTH
    if not low <= len(password) <= high:
        raise LabelStudioError(f"the password must be {low}–{high} characters long, not {len(password)}")
    if not _TOKEN_RE.fullmatch(token):
        raise LabelStudioError("the API token must be 6–40 letters or digits (e.g. 40 hex digits)")


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold an exclusive lock on `home`, so two processes never install or migrate at once."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _status(progress: bool, message: str) -> AbstractContextManager[object]:
    return Console(stderr=True).status(message) if progress else nullcontext()


def _run(command: list[str], what: str, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    result = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise LabelStudioError(f"{what} failed (exit code {result.returncode}): {_gist(result.stdout + result.stderr)}")


def _gist(log: str, lines: int = 3) -> str:
    """One line from a log: the exception that ended its last traceback, else its last few lines."""
    if (start := log.rfind("Traceback (most recent call last):")) >= 0:
        unindented = [line for line in log[start:].splitlines()[1:] if line.strip() and not line[0].isspace()]
        if unindented:
            return unindented[-1].strip()
    kept = [line.strip() for line in log.splitlines() if line.strip()]
    return " | ".join(kept[-lines:]) or "no output"


def ensure_server(home: Path | None = None, *, progress: bool = True) -> Path:
    """The `label-studio` executable of the pinned server, installed into `<home>/venv` on first use.

    A completion marker is written last: a venv without it (an install that was killed) is removed
    and made again."""
    home = default_home() if home is None else home
    venv = home / "venv"
    executable = venv / "bin" / "label-studio"
    marker = venv / _INSTALLED_MARKER
    if marker.is_file():
        return executable
    with _locked(home):
        if marker.is_file():
            return executable
        shutil.rmtree(venv, ignore_errors=True)
        message = f"Installing Label Studio {LABEL_STUDIO_VERSION} into {venv} (once, ≈2 min)…"
        with _status(progress, message):
            _run([sys.executable, "-m", "venv", str(venv)], f"creating the venv {venv}")
            _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                  f"label-studio=={LABEL_STUDIO_VERSION}"], f"pip install label-studio=={LABEL_STUDIO_VERSION}")
        if not executable.is_file():
            raise LabelStudioError("the install made no label-studio executable", executable)
        marker.write_text(f"label-studio=={LABEL_STUDIO_VERSION}\n", encoding="utf-8")
    return executable


def _clean_env(executable: Path, home_dir: Path) -> dict[str, str]:
    """The only variables the server sees (it reads unprefixed HOST, PORT, DEBUG… from its environment).

    Its crash reports (Sentry, with personal data), usage analytics and update check are turned off."""
    return {
        "PATH": f"{executable.parent}:/usr/bin:/bin",
        "HOME": str(home_dir),
        "PYTHONUNBUFFERED": "1",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
    }


def ensure_template(home: Path | None = None, *, progress: bool = True) -> Path:
    """`<home>/template`: a fully migrated data dir with no user, no organization and no secret key in it.

    Made once (`label-studio version` applies the migrations and exits without creating a user);
    its `.env` (the generated Django SECRET_KEY, which also signs tokens) is removed, so every copy
    makes its own."""
    home = default_home() if home is None else home
    template = home / "template"
    if template.is_dir():
        return template
    executable = ensure_server(home, progress=progress)
    with _locked(home):
        if template.is_dir():
            return template
        for stale in home.glob(".template.*"):
            shutil.rmtree(stale, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="home.", dir=home) as scratch_home:
            work = Path(tempfile.mkdtemp(prefix=".template.", dir=home))
            with _status(progress, f"Migrating a template Label Studio data dir in {template} (once, ≈45 s)…"):
                _run([str(executable), "version", "--data-dir", str(work)], "migrating the template data dir",
                     env=_clean_env(executable, Path(scratch_home)), cwd=Path(scratch_home))
        (work / ".env").unlink(missing_ok=True)
        if _count_users(work / DATABASE) != 0:
            raise LabelStudioError("the migrated template has a user in it", work / DATABASE)
        work.rename(template)
    return template


def _count_users(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM htx_user").fetchone()
    return int(count)


def new_data_dir(target: Path, home: Path | None = None, *, progress: bool = True) -> None:
    """Make `target` (absent or an empty folder) a fresh copy of the migrated template, atomically."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise LabelStudioError("is not an empty folder: a new Label Studio data dir needs one", target)
    template = ensure_template(home, progress=progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        shutil.copytree(template, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".env"))
        os.replace(work, target)  # replaces an empty folder in one step
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningServer:
    """A started Label Studio server; `stop()` (or leaving the `with` block) ends its process group."""

    url: str
    port: int
    data_dir: Path
    log_path: Path
    token: str
    process: subprocess.Popen[bytes] = field(repr=False)
    _home_dir: Path = field(repr=False)
    _log: IO[bytes] = field(repr=False)
    _log_start: int = field(default=0, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def read_log(self) -> str:
        """What this run of the server has logged so far (the log file is appended to by every start)."""
        with open(self.log_path, "rb") as handle:
            handle.seek(self._log_start)
            return handle.read().decode("utf-8", errors="replace")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the process group, SIGKILL it if it is still running after `grace` seconds."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        self._signal(signal.SIGKILL)  # anything it left behind in its group
        self._cleanup()

    def kill(self) -> None:
        """SIGKILL the process group at once (a crash, for tests)."""
        self._signal(signal.SIGKILL)
        self.process.wait()
        self._cleanup()

    def _signal(self, number: signal.Signals) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, number)

    def _cleanup(self) -> None:
        self._log.close()
        shutil.rmtree(self._home_dir, ignore_errors=True)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def _get(url: str, token: str | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""


def start_server(data_dir: Path, *, port: int | None = None, username: str, password: str, token: str,
                 home: Path | None = None, log_path: Path | None = None, timeout: float = 120.0) -> RunningServer:
    """Start Label Studio on `data_dir`, bound to 127.0.0.1, and return once its API answers the token.

    The credentials create the user and token at the first start of a fresh data dir; a data dir
    made with other credentials is refused. The log goes to `log_path` (default
    `<data_dir>/server.log`, appended to)."""
    validate_credentials(username, password, token)
    if not (data_dir / DATABASE).is_file():
        raise LabelStudioError(f"is not a Label Studio data dir (no {DATABASE}; make one with new_data_dir)",
                               data_dir)
    executable = ensure_server(home, progress=False)
    port = free_port() if port is None else port
    log_path = data_dir / "server.log" if log_path is None else log_path
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")  # noqa: SIM115 (closed by RunningServer)
    log_start = log.tell()  # before the server shares the file offset
    home_dir = Path(tempfile.mkdtemp(prefix="mapcurate-label-studio-home."))
    env = _clean_env(executable, home_dir) | {
        "LABEL_STUDIO_USERNAME": username,
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": token,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
    }
    command = [str(executable), "start", "--internal-host", "127.0.0.1", "--port", str(port), "--no-browser",
               "--data-dir", str(data_dir.resolve())]
    process = subprocess.Popen(command, env=env, cwd=home_dir, stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    server = RunningServer(url=f"http://127.0.0.1:{port}", port=port, data_dir=data_dir, log_path=log_path,
                           token=token, process=process, _home_dir=home_dir, _log=log, _log_start=log_start)
    try:
        _wait_until_ready(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    bound = False
    while time.monotonic() < deadline:
        text = server.read_log()
        if server.process.poll() is not None:
            raise LabelStudioError(f"the server on port {server.port} exited during start "
                                   f"(exit code {server.process.returncode}): {_gist(server.read_log())}",
                                   server.log_path)
        if not bound and (match := _STARTED_RE.search(text)):
            host, actual = match.group(1), int(match.group(2))
            if (host, actual) != ("127.0.0.1", server.port):
                raise LabelStudioError(f"port {server.port} is busy (Label Studio moved to {host}:{actual}); "
                                       "stop what uses it or pick another port")
            bound = True
        if bound:
            try:
                status, body = _get(f"{server.url}/api/version", timeout=2.0)
            except OSError:
                status, body = 0, b""
            if status == 200:
                _check_version(body, server)
                _check_token(server)
                return
        time.sleep(0.2)
    raise LabelStudioError(f"the server on port {server.port} did not answer within {timeout:g} s: "
                           f"{_gist(server.read_log())}",
                           server.log_path)


def _check_version(body: bytes, server: RunningServer) -> None:
    release = json.loads(body).get("release")
    if release != LABEL_STUDIO_VERSION:
        raise LabelStudioError(f"the server on port {server.port} is Label Studio {release}, "
                               f"not {LABEL_STUDIO_VERSION}")


def _check_token(server: RunningServer) -> None:
    status, _ = _get(f"{server.url}/api/current-user/whoami", server.token)
    if status != 200:
        raise LabelStudioError(f"the API token is refused (HTTP {status}): the data dir was made with other "
                               "credentials", server.data_dir)


def serve(data_dir: Path, *, port: int | None, username: str, password: str, token: str | None,
          home: Path | None = None, out: Callable[[str], None] = print) -> None:
    """Run a server for a curator until Ctrl-C or SIGTERM (`mapcurate annotate serve`).

    Installs the server and makes `data_dir` from the template when they are new. The password is
    never printed; the token only when it is None and so generated here (printed once)."""
    token_generated = token is None
    token = new_token() if token is None else token
    validate_credentials(username, password, token)
    ensure_server(home)
    if not (data_dir / DATABASE).is_file():
        new_data_dir(data_dir, home)

    def on_sigterm(number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with start_server(data_dir, port=port, username=username, password=password, token=token,
                          home=home) as server:
            out(f"Label Studio {LABEL_STUDIO_VERSION} is running at {server.url}/ (data dir {data_dir})")
            out(f"Log in as {username} with the password you set (LABEL_STUDIO_PASSWORD).")
            out(f"For push and pull: export LABEL_STUDIO_URL={server.url}")
            if token_generated:
                out(f"                   export LABEL_STUDIO_API_KEY={token}   (generated now; shown once)")
            else:
                out("                   and LABEL_STUDIO_API_KEY set to the API token you gave it.")
            out("Ctrl-C stops it.")
            code = server.process.wait()
            raise LabelStudioError(f"the server stopped by itself (exit code {code}): "
                                   f"{_gist(server.read_log())}", server.log_path)
    except KeyboardInterrupt:
        out("Label Studio stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)

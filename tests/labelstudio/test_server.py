"""The local Label Studio server: pinned version, loopback only, clear errors, durable data, token auth."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from label_studio_sdk import LabelStudio

from curation.labelstudio.server import (
    DATABASE,
    LABEL_STUDIO_VERSION,
    LabelStudioError,
    RunningServer,
    free_port,
    new_data_dir,
    new_token,
    start_server,
    validate_credentials,
)
from tests.labelstudio.conftest import TEST_PASSWORD, TEST_TOKEN, TEST_USERNAME


def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_answers_with_the_pinned_release(label_studio: RunningServer) -> None:
    status, body = get(f"{label_studio.url}/api/version")
    assert status == 200
    assert json.loads(body)["release"] == LABEL_STUDIO_VERSION == "1.23.2"
    assert label_studio.url == f"http://127.0.0.1:{label_studio.port}"


def test_listens_on_loopback_only(label_studio: RunningServer) -> None:
    assert listening_addresses(label_studio.port) == ["0100007F"]  # 127.0.0.1, not 0.0.0.0 nor ::


def test_token_works_and_a_wrong_one_is_refused(label_studio: RunningServer, ls_client: LabelStudio) -> None:
    assert ls_client.users.whoami().email == TEST_USERNAME
    assert get(f"{label_studio.url}/api/projects", label_studio.token)[0] == 200
    assert get(f"{label_studio.url}/api/projects", new_token())[0] == 401
    assert get(f"{label_studio.url}/api/projects")[0] == 401


def test_template_has_no_user_and_copies_get_their_own_secret(label_studio_template: Path, tmp_path: Path,
                                                              label_studio: RunningServer) -> None:
    with sqlite3.connect(f"file:{label_studio_template / DATABASE}?mode=ro", uri=True) as connection:
        assert connection.execute("SELECT COUNT(*) FROM htx_user").fetchone() == (0,)
    assert not (label_studio_template / ".env").exists()
    assert (label_studio.data_dir / ".env").read_text().count("SECRET_KEY=") == 1  # made at its first start
    with pytest.raises(LabelStudioError, match="is not an empty folder"):
        new_data_dir(label_studio.data_dir, progress=False)
    (tmp_path / "empty").mkdir()
    new_data_dir(tmp_path / "empty", progress=False)
    assert (tmp_path / "empty" / DATABASE).is_file()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]  # no temporary copy left


@pytest.mark.parametrize(("username", "password", "token", "problem"), [
    ("curator", TEST_PASSWORD, TEST_TOKEN, "not an e-mail"),
    (TEST_USERNAME, "short", TEST_TOKEN, "8–128 characters"),
    (TEST_USERNAME, TEST_PASSWORD, "abc", "6–40 letters or digits"),
    (TEST_USERNAME, TEST_PASSWORD, TEST_TOKEN + "0", "6–40 letters or digits"),
    (TEST_USERNAME, TEST_PASSWORD, "token with spaces", "6–40 letters or digits"),
])
def test_unusable_credentials_are_refused(username: str, password: str, token: str, problem: str) -> None:
    with pytest.raises(LabelStudioError, match=problem):
        validate_credentials(username, password, token)
    validate_credentials(TEST_USERNAME, TEST_PASSWORD, new_token())


def test_a_busy_port_is_one_clear_error(tmp_path: Path, label_studio_template: Path) -> None:
    new_data_dir(tmp_path / "data", progress=False)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        with pytest.raises(LabelStudioError, match=rf"^port {busy} is busy \(Label Studio moved to 127\.0\.0\.1:"):
            start_server(tmp_path / "data", port=busy, username=TEST_USERNAME, password=TEST_PASSWORD,
                         token=TEST_TOKEN)
    assert listening_addresses(busy + 1) == []  # the server it started elsewhere is gone


def test_a_server_dying_at_start_is_one_clear_error(tmp_path: Path, label_studio_template: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DATABASE).write_bytes(b"not a database" * 100)
    problem = r"exited during start \(exit code 1\): django\.db\.utils\.DatabaseError: file is not a database$"
    with pytest.raises(LabelStudioError, match=problem):
        start_server(tmp_path / "data", username=TEST_USERNAME, password=TEST_PASSWORD, token=TEST_TOKEN)


def test_sigkill_then_restart_keeps_the_data(tmp_path: Path, label_studio_template: Path) -> None:
    data_dir = tmp_path / "data"
    new_data_dir(data_dir, progress=False)
    started = time.monotonic()
    server = start_server(data_dir, username=TEST_USERNAME, password=TEST_PASSWORD, token=TEST_TOKEN)
    print(f"start of a fresh template copy: {time.monotonic() - started:.1f} s")
    try:
        project = LabelStudio(base_url=server.url, api_key=server.token).projects.create(title="survives kill -9")
    finally:
        server.kill()
    assert server.process.returncode == -9
    port = free_port()
    with pytest.raises(LabelStudioError, match=r"API token is refused .*made with other credentials"):
        start_server(data_dir, port=port, username=TEST_USERNAME, password=TEST_PASSWORD, token=new_token())
    started = time.monotonic()
    with start_server(data_dir, port=port, username=TEST_USERNAME, password=TEST_PASSWORD,
                      token=TEST_TOKEN) as again:
        print(f"restart on the same data dir: {time.monotonic() - started:.1f} s")
        assert again.port == port
        client = LabelStudio(base_url=again.url, api_key=again.token)
        assert [(p.id, p.title) for p in client.projects.list()] == [(project.id, "survives kill -9")]
    assert again.process.returncode is not None
    assert listening_addresses(port) == []  # stopped: nothing listens on its port any more


def test_serve_prints_the_login_and_stops_cleanly_on_sigterm(tmp_path: Path, label_studio_template: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    program = ("import sys; from pathlib import Path; from curation.labelstudio.server import serve; "
               "serve(Path(sys.argv[1]), port=None, username=sys.argv[2], password=sys.argv[3], token=sys.argv[4], "
               "out=lambda line: print(line, flush=True))")
    process = subprocess.Popen([sys.executable, "-c", program, str(data_dir), TEST_USERNAME, TEST_PASSWORD,
                                TEST_TOKEN], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C stops it."):
                break
        url = next(line.split("=", 1)[1] for line in lines if "export LABEL_STUDIO_URL=" in line)
        assert get(f"{url}/api/version")[0] == 200
        assert get(f"{url}/api/projects", TEST_TOKEN)[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    output = "\n".join(lines) + "\n" + rest
    assert process.returncode == 0, output
    assert TEST_USERNAME in output and TEST_PASSWORD not in output and TEST_TOKEN not in output
    assert output.rstrip().endswith("Label Studio stopped.")
    assert (data_dir / DATABASE).is_file()
    assert listening_addresses(int(url.rsplit(":", 1)[1])) == []

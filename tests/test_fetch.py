"""`mapcurate fetch-sources` against a real HTTP server on 127.0.0.1 serving a copy of the data root."""

import functools
import hashlib
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from curation.cities import load_city
from curation.cli import app
from curation.errors import FetchError
from curation.fetch import fetch_city


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def mirror(data_root, tmp_path):
    """Serve a temporary copy of Miami's sources (station list and map) over HTTP."""
    served = tmp_path / "served"
    for rel in ("stations/america/miami.json", "maps/america/miami.png"):
        (served / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(data_root / rel, served / rel)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_downloads_and_verifies_both_sources(runner, mirror, tmp_path):
    served, url = mirror
    root = tmp_path / "root"
    result = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", str(root), "--mirror", url])
    assert result.exit_code == 0, result.output
    for rel in ("stations/america/miami.json", "maps/america/miami.png"):
        assert (root / rel).read_bytes() == (served / rel).read_bytes()
    assert result.output.count("downloaded") == 2
    again = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", str(root), "--mirror", url])
    assert again.output.count("present") == 2


def test_checksum_mismatch_keeps_nothing(mirror, tmp_path):
    served, url = mirror
    (served / "maps/america/miami.png").write_bytes(b"not the map")
    root = tmp_path / "root"
    with pytest.raises(FetchError, match="sha256 mismatch"):
        fetch_city(load_city("miami"), root, kinds=("map",), mirror=url)
    assert not any(p.is_file() for p in root.rglob("*"))


def test_missing_file_and_unreachable_server_are_one_line_errors(runner, mirror, tmp_path):
    _, url = mirror
    root = str(tmp_path / "root")
    missing = runner.invoke(app, ["fetch-sources", "--city", "oslo", "--data-root", root, "--mirror", url])
    assert missing.exit_code == 2 and "HTTP 404" in missing.stderr
    offline = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", root,
                                  "--mirror", "http://127.0.0.1:9"])
    lines = offline.stderr.strip().splitlines()
    assert offline.exit_code == 2 and len(lines) == 2  # one line per source that failed
    assert "miami.json: cannot download http://127.0.0.1:9/stations/america/miami.json" in lines[0]
    assert "miami.png: cannot download" in lines[1]
    bad = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", root, "--mirror", "127.0.0.1:8"])
    assert bad.exit_code == 2 and "--mirror must be an http(s):// or file:// URL" in bad.stderr
    assert not any(Path(root).rglob("*")), "failed downloads leave neither files nor empty folders"


def test_mirror_may_be_a_folder_and_one_failure_does_not_stop_the_rest(runner, mirror, tmp_path):
    served, _ = mirror
    (served / "stations/america/miami.json").unlink()
    root = tmp_path / "root"
    result = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", str(root),
                                 "--mirror", str(served)])
    assert result.exit_code == 2 and "miami.json" in result.stderr
    assert (root / "maps/america/miami.png").read_bytes() == (served / "maps/america/miami.png").read_bytes()


def test_pinned_checksums_match_the_shared_data(data_root):
    city = load_city("miami")
    for kind in ("stations", "map"):
        source = city.sources[kind]
        assert hashlib.sha256((data_root / source.path).read_bytes()).hexdigest() == source.sha256


def test_fetch_without_the_shared_data(runner, scratch_cities, tmp_path):
    """A city whose upstream is a local server: pinned sources verify, unpinned ones say so."""
    served = tmp_path / "served" / "stations"
    served.mkdir(parents=True)
    payload = b'{"L": ["A", "B"]}'
    (served / "t.json").write_bytes(payload)
    (served / "u.json").write_bytes(payload)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        sha = hashlib.sha256(payload).hexdigest()
        manifest = (
            'country = "test"\nlanguages = ["en"]\nstation_language = "en"\n[names]\nen = "T"\n'
            f'[sources.stations]\npath = "stations/t.json"\nurl = "{base}/stations/t.json"\nsha256 = "{sha}"\n'
            'license = "MIT"\nupstream = "local"\n'
            f'[sources.map]\npath = "stations/u.json"\nurl = "{base}/stations/u.json"\nlicense = "MIT"\n'
            'upstream = "local"\n'
        )
        scratch_cities("local", manifest)
        root = tmp_path / "root"
        result = runner.invoke(app, ["fetch-sources", "--city", "local", "--data-root", str(root)])
        assert result.exit_code == 0, result.output
        assert (root / "stations/t.json").read_bytes() == payload
        assert "downloaded" in result.output and "unverified (no pinned sha256)" in result.output
        (served / "u.png").write_bytes(b"not a png")
        (served / "u.json").unlink()
        scratch_cities("local", manifest.replace("stations/u.json", "stations/u.png"))
        result = runner.invoke(app, ["fetch-sources", "--city", "local", "--data-root", str(root), "--only", "map"])
        assert result.exit_code == 2 and "u.png: downloaded file is not a PNG image" in result.stderr
        assert not (root / "stations/u.png").exists()
    finally:
        server.shutdown()
        server.server_close()


def test_a_locally_edited_pinned_file_is_kept_unless_forced(runner, mirror, tmp_path):
    served, url = mirror
    root = tmp_path / "root"
    args = ["fetch-sources", "--city", "miami", "--data-root", str(root), "--mirror", url, "--only", "stations"]
    assert runner.invoke(app, args).exit_code == 0
    edited = root / "stations/america/miami.json"
    edited.write_text('{"L": ["A", "B"]}', encoding="utf-8")
    kept = runner.invoke(app, args)
    assert kept.exit_code == 0 and "modified" in kept.output
    assert edited.read_text(encoding="utf-8") == '{"L": ["A", "B"]}'
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert edited.read_bytes() == (served / "stations/america/miami.json").read_bytes()


def test_a_data_root_that_is_a_file_is_one_line(runner, mirror, tmp_path):
    _, url = mirror
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = runner.invoke(app, ["fetch-sources", "--city", "miami", "--data-root", str(blocker), "--mirror", url])
    assert result.exit_code == 2
    assert all(line.startswith("error: ") for line in result.stderr.strip().splitlines())


def test_an_unpinned_download_is_checked_as_build_graph_reads_it(tmp_path):
    """A station list with a byte-order mark is JSON to build-graph, so to fetch-sources too; broken JSON is not."""
    from curation.errors import FetchError
    from curation.fetch import _check_content

    downloaded, target = tmp_path / "part", tmp_path / "stations.json"
    downloaded.write_bytes(b'\xef\xbb\xbf{"Line 1": ["A", "B"]}')
    _check_content(downloaded, target)
    downloaded.write_bytes(b'{"Line 1": ["A", "B"]')
    with pytest.raises(FetchError, match="downloaded file is not valid JSON"):
        _check_content(downloaded, target)

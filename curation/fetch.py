"""Download a city's upstream sources into the data root, verified by sha256."""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from curation.atomic import current_umask
from curation.cities import City, Source
from curation.errors import FetchError, MapcurateError
from curation.images import inspect_image
from curation.text import decode_text, parse_json

CHUNK = 1 << 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FetchResult:
    """What happened to one source: `downloaded`, `present`, `unverified` (no pinned sha256), `modified`
    (present but not the pinned version; kept unless `force`) or `failed`."""

    city: str
    kind: str
    path: Path
    status: str
    sha256: str = ""
    error: FetchError | None = None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def mirror_base(mirror: str) -> str:
    """`--mirror` as a URL base: http(s) and file URLs as given, an existing folder as a file URL."""
    if mirror.startswith(("http://", "https://", "file://")):
        return mirror.rstrip("/")
    folder = Path(mirror).expanduser()
    if mirror and folder.is_dir():
        return folder.resolve().as_uri()
    raise FetchError(f"--mirror must be an http(s):// or file:// URL or an existing folder, but got {mirror!r}")


def source_url(source: Source, mirror: str | None) -> str:
    """The upstream URL, or the same relative path under `mirror` (a copy of a data root)."""
    if mirror:
        return f"{mirror_base(mirror)}/{source.path}"
    assert source.url is not None
    return source.url


def fetch_city(city: City, data_root: Path, *, kinds: tuple[str, ...] = ("stations", "map"),
               mirror: str | None = None, force: bool = False, timeout: float = 60.0,
               progress: Progress | None = None, keep_going: bool = False) -> list[FetchResult]:
    """Fetch the sources of `city` named in `kinds` that are not present and verified yet.

    A failure raises `FetchError`, or with `keep_going` is returned as a `failed` result so the
    other sources are still fetched. Nothing is left behind by a failed download.
    """
    results = []
    for kind in kinds:
        source = city.sources.get(kind)
        if source is None or source.embedded is not None or source.url is None:
            continue  # embedded, or made locally (a rendered city): nothing upstream to fetch, mirror or not
        target = source.resolve(city.folder, data_root)
        try:
            try:
                results.append(_fetch_source(city.slug, source, target, mirror, force, timeout, progress))
            except OSError as exc:
                raise FetchError(f"cannot write: {exc.strerror or exc}", exc.filename or target) from exc
        except FetchError as exc:
            if not keep_going:
                raise
            results.append(FetchResult(city.slug, kind, target, "failed", error=exc))
    return results


def _fetch_source(slug: str, source: Source, target: Path, mirror: str | None, force: bool,
                  timeout: float, progress: Progress | None) -> FetchResult:
    if target.exists() and not target.is_file():
        raise FetchError("is not a file; move it away to fetch this source", target)
    if target.is_file() and not force:
        actual = sha256_of(target)
        if source.sha256 is None or actual == source.sha256:
            return FetchResult(slug, source.kind, target, "present", actual)
        return FetchResult(slug, source.kind, target, "modified", actual)  # a local edit is kept
    actual = _download(source_url(source, mirror), target, source.sha256, timeout, progress)
    return FetchResult(slug, source.kind, target, "downloaded" if source.sha256 else "unverified", actual)


def _download(url: str, target: Path, expected: str | None, timeout: float, progress: Progress | None) -> str:
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:  # named as the file that could not be written, never the scratch file
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            actual = _copy_from(url, out, timeout, progress, target)
        if expected is not None and actual != expected:
            raise FetchError(f"sha256 mismatch for {url}: expected {expected}, got {actual}", target)
        _check_content(tmp, target)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; a data root is meant to be shared
        os.replace(tmp, target)
        return actual
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        for folder in created:  # deepest first: only the folders this download made, if still empty
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if isinstance(exc, OSError) and exc.filename in (None, tmp_name):  # a full disk: the file that did not fit
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise


def _copy_from(url: str, out: BinaryIO, timeout: float, progress: Progress | None, target: Path) -> str:
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            for block in iter(lambda: response.read(CHUNK), b""):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
        if total is not None and done != total:
            raise FetchError(f"download of {url} ended after {done:,} of its {total:,} bytes; try again", target)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"download failed: HTTP {exc.code} {exc.reason} for {url}", target) from exc
    except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if url.startswith("file://"):
            raise FetchError(f"not in the mirror: {url} ({reason})", target) from exc
        raise FetchError(f"cannot download {url} ({reason}); check the connection, or pass --mirror with "
                         "a copy of the data root", target) from exc
    return digest.hexdigest()


def _check_content(downloaded: Path, target: Path) -> None:
    """Without a pinned sha256, at least check that a map is a PNG and a station list is JSON."""
    if target.suffix == ".png":
        with downloaded.open("rb") as handle:
            if handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
                raise FetchError("downloaded file is not a PNG image", target)
        try:  # every chunk to IEND, and the pixel bound: a cut-off or hostile file never becomes a source
            inspect_image(downloaded)
        except MapcurateError as exc:
            raise FetchError(f"downloaded file is not a usable PNG image: {exc.message}", target) from exc
    elif target.suffix == ".json":
        try:  # read as build-graph reads it (a byte-order mark allowed)
            parse_json(decode_text(downloaded.read_bytes(), target), target)
        except MapcurateError as exc:
            raise FetchError(f"downloaded file is not valid JSON: {exc.message}", target) from exc

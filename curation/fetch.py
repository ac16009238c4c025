"""Download a city's upstream sources into the data root, verified by sha256."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curation.cities import City, Source
from curation.errors import FetchError

CHUNK = 1 << 20
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FetchResult:
    """What happened to one source: `downloaded`, `present` or `unverified` (no pinned sha256)."""

    city: str
    kind: str
    path: Path
    status: str
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def source_url(source: Source, mirror: str | None) -> str:
    """The upstream URL, or the same relative path under `mirror` (a copy of a data root)."""
    if mirror:
        return f"{mirror.rstrip('/')}/{source.path}"
    assert source.url is not None
    return source.url


def fetch_city(city: City, data_root: Path, *, kinds: tuple[str, ...] = ("stations", "map"),
               mirror: str | None = None, force: bool = False, timeout: float = 60.0,
               progress: Progress | None = None) -> list[FetchResult]:
    """Fetch the sources of `city` named in `kinds` that are not present and verified yet."""
    results = []
    for kind in kinds:
        source = city.sources.get(kind)
        if source is None or source.embedded is not None:
            continue
        target = source.resolve(city.folder, data_root)
        if target.is_file() and not force:
            actual = sha256_of(target)
            if source.sha256 is None or actual == source.sha256:
                results.append(FetchResult(city.slug, kind, target, "present", actual))
                continue
        actual = _download(source_url(source, mirror), target, source.sha256, timeout, progress)
        status = "downloaded" if source.sha256 else "unverified"
        results.append(FetchResult(city.slug, kind, target, status, actual))
    return results


def _download(url: str, target: Path, expected: str | None, timeout: float,
              progress: Progress | None) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            for block in iter(lambda: response.read(CHUNK), b""):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
        actual = digest.hexdigest()
        if expected is not None and actual != expected:
            raise FetchError(f"sha256 mismatch for {url}: expected {expected}, got {actual}", target)
        os.replace(tmp, target)
        return actual
    except urllib.error.HTTPError as exc:
        raise FetchError(f"download failed: HTTP {exc.code} {exc.reason} for {url}", target) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"cannot reach {url} ({reason}); check the connection or pass --mirror with a copy "
            "of the data root", target) from exc
    finally:
        tmp.unlink(missing_ok=True)

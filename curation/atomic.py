"""Atomic file writes: a reader never sees a half-written file."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def canonical_json(value: Any) -> str:
    """Compact, sorted, UTF-8 JSON text: the same value always gives the same string."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def unique_keys(describe: str = "key {key!r} appears more than once in one object") -> Callable[
        [list[tuple[str, Any]]], dict[str, Any]]:
    """A `json.loads` `object_pairs_hook` that raises `ValueError(describe)` for a repeated key."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(describe.format(key=key))
            seen.add(key)
        return dict(pairs)

    return hook


def dumps_canonical_json(obj: Any) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write `obj` as canonical JSON, atomically."""
    write_bytes_atomic(path, dumps_canonical_json(obj))

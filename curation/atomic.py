"""Atomic file writes: a reader never sees a half-written file."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    An `OSError` names `path` (or the folder that could not be made), never the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):  # a full disk: the file that did not fit
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux `renameat2(RENAME_EXCHANGE)`), so a reader of `b` sees the old
    or the new one, never neither. False where the system or filesystem cannot (nothing is changed then)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


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


def write_jsonl_atomic(path: Path, records: Iterable[Any]) -> None:
    """One compact, key-sorted JSON line per record (UTF-8), written atomically."""
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    write_bytes_atomic(path, lines.encode("utf-8"))


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write `obj` as canonical JSON, atomically."""
    write_bytes_atomic(path, dumps_canonical_json(obj))

"""The text files people edit (manifests, station lists, annotations, predictions): decoding, JSON, names."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curation.errors import SourceError

# Control characters, bidi overrides and isolates, and lone surrogates (which JSON's \ud800 escapes can carry
# and no UTF-8 file can hold): none belongs in a name printed on a map.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_NAME_LENGTH = 200


def decode_text(content: bytes, path: Path | str) -> str:
    """UTF-8 text, a leading byte-order mark (as Windows editors write it) dropped.

    Anything else that is not UTF-8 raises `SourceError` naming the file and the first bad byte.
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text: byte 0x{content[exc.start]:02x} at offset {exc.start} ({exc.reason})",
                          path) from exc


def parse_json(text: str, path: Path | str,
               object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """`json.loads`, every failure a `SourceError` naming `path`: bad syntax, nesting too deep for the parser, a
    hook's `ValueError` (a repeated key)."""
    try:
        data = json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc}", path) from exc
    except RecursionError as exc:
        raise SourceError("not valid JSON here: nested too deeply", path) from exc
    except ValueError as exc:
        raise SourceError(str(exc), path) from exc
    return data


def name_problem(name: object) -> str | None:
    """Why `name` cannot be a station or line name (empty, unprintable, invisible, too long), else None."""
    if not isinstance(name, str) or not name.strip():
        return "must be non-empty text"
    if _UNPRINTABLE.search(name):
        return "must be printable text without control, bidi-override or lone surrogate characters"
    if not any(unicodedata.category(c)[0] in "LNPS" for c in name):
        return "has no visible character"
    if len(name) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters"
    return None

"""Decoding the text files people edit (manifests, station lists, annotations, predictions)."""

from __future__ import annotations

from pathlib import Path

from curation.errors import SourceError


def decode_text(content: bytes, path: Path | str) -> str:
    """UTF-8 text, a leading byte-order mark (as Windows editors write it) dropped.

    Anything else that is not UTF-8 raises `SourceError` naming the file and the first bad byte.
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text: byte 0x{content[exc.start]:02x} at offset {exc.start} ({exc.reason})",
                          path) from exc

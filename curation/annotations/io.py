"""Reading and writing annotation files: JSON, validated on read, written atomically and deterministically."""

from __future__ import annotations

import hashlib
from pathlib import Path

from curation.annotations.model import Annotation
from curation.atomic import unique_keys, write_json_atomic
from curation.errors import SourceError
from curation.text import decode_text, parse_json


def read_annotation(path: Path) -> Annotation:
    """Load an annotation file; a malformed or invalid one raises a one-line error naming it."""
    return load_annotation(path)[0]


def load_annotation(path: Path) -> tuple[Annotation, str]:
    """The annotation in `path` and the sha256 of its bytes, read once."""
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError("annotation file not found", path) from exc
    except OSError as exc:
        raise SourceError(f"cannot read the annotation: {exc.strerror or exc}", path) from exc
    data = parse_json(decode_text(content, path), path, object_pairs_hook=unique_keys())
    return Annotation.from_dict(data, path), hashlib.sha256(content).hexdigest()


def write_annotation(path: Path, annotation: Annotation) -> None:
    """Write `annotation` as canonical JSON (sorted keys, stations and lines by id) via a temp file + rename."""
    write_json_atomic(path, annotation.to_dict())


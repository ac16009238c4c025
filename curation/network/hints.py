"""How findings point at the city manifest: TOML-quoted keys and paste-ready lines."""

from __future__ import annotations

import json


def toml_str(text: str) -> str:
    """`text` as a TOML basic string (JSON string escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def manifest_ref(table: str, key: str | None = None, field: str | None = None) -> str:
    """Where an override lives, e.g. `corrections."UAE Exchange Staton"` or `lines."Line 6".note`."""
    parts = [table] + ([toml_str(key)] if key is not None else []) + ([field] if field else [])
    return ".".join(parts)


def add_correction(wrong: str, right: str) -> str:
    """A paste-ready instruction for a correction."""
    return f"under [corrections] in city.toml add: {toml_str(wrong)} = {toml_str(right)}"

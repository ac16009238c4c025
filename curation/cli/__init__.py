"""The `mapcurate` command line."""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console-script entry point: Ctrl-C, even while the libraries load, ends quietly with exit code 130."""
    try:
        _typer_app()()
    except KeyboardInterrupt:
        sys.exit(130)


def _typer_app() -> Any:
    """The typer application, imported on first use (so that `main` can catch an interrupt during the imports)."""
    from curation.cli.application import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _typer_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]

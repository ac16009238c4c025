"""The `mapcurate` command line."""

from __future__ import annotations

import signal
import sys
from typing import Any


def main() -> None:
    """Console-script entry point: Ctrl-C, even while the libraries load, ends quietly with exit code 130.

    Once the command has ended, Ctrl-C is ignored: Python restores the default handler while it shuts down, and an
    interrupt then would kill the finished process (exit -2) instead of letting it exit with its own code.
    """
    try:
        _typer_app()()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _typer_app() -> Any:
    """The typer application, imported on first use (so that `main` can catch an interrupt during the imports)."""
    from curation.cli.application import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _typer_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]

"""Shared pieces of the CLI: consoles, common options, turning failures into one line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn

from curation.cities import City, city_slugs, load_city
from curation.errors import MapcurateError
from curation.resources import cities_dir, default_data_root

# Not a terminal (CI logs, pipes): wide enough for the summary tables instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 132)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 400)
P = ParamSpec("P")
R = TypeVar("R")

def flag(*names: str, help: str) -> Any:
    """A typer option for an on/off switch: shown without a value in `--help` (typer would print `<bool>`,
    which reads as if `--all true` were accepted)."""
    return typer.Option(*names, help=help, metavar="")


DataRootOption = Annotated[
    Path | None,
    typer.Option("--data-root", help="Folder holding stations/ and maps/ "
                 "(default: $MAPCURATE_DATA, else ~/.local/share/mapcurate/data)."),
]
OutOption = Annotated[
    Path, typer.Option("--out", help="Output root; each city's files go to <out>/<city>/.")
]
CityOption = Annotated[str | None, typer.Option("--city", help="City slug, e.g. hangzhou.")]
AnnotationOption = Annotated[Path | None, typer.Option(
    "--annotation", help="With --city: use this annotation file (e.g. one `mapcurate annotate pull` or "
    "`mapcurate prelabel` wrote) instead of the manifest's.", dir_okay=False)]
AllOption = Annotated[bool, flag(
    "--all", help="Every city of the manifests folder but the embedded demo (rendered cities included).")]


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Report a `MapcurateError` as `error: <file>: <problem>` on stderr and exit with code 2.

    So is an `OSError` that names a file the system refused (a file that cannot be read, a folder that cannot
    be written) wherever a command meets it; one that names no file is a bug and keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except MapcurateError as exc:
            print_error(exc)
            raise typer.Exit(2) from None
        except OSError as exc:
            if exc.filename is None:
                raise
            print_error(MapcurateError(f"cannot use this file: {exc.strerror or exc}", exc.filename))
            raise typer.Exit(2) from None

    return wrapper


def print_error(exc: MapcurateError) -> None:
    """One line on stderr: `error: <file>: <problem>`, printed literally."""
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)


def progress_bar(*columns: ProgressColumn, show: bool = True) -> Progress:
    """A transient rich progress bar, shown only on a terminal."""
    return Progress(TextColumn("{task.description}"), BarColumn(), *columns, console=console, transient=True,
                    disable=not (show and console.is_terminal))


def data_root_or_default(data_root: Path | None) -> Path:
    return data_root if data_root is not None else default_data_root()


def selected_cities(city: str | None, all_cities: bool) -> list[City]:
    """The city named by `--city`, or with `--all` every city but the embedded (unrendered synthetic) demo."""
    if city is not None and not all_cities:
        return [load_city(city)]
    if city is None and all_cities:
        chosen = [c for c in map(load_city, city_slugs()) if not c.synthetic or c.rendered]
        if not chosen:
            raise MapcurateError("--all found no city: the manifests folder holds only the embedded demo "
                                 "(use --city demo)", cities_dir())
        return chosen
    raise MapcurateError("give exactly one of --city SLUG or --all")

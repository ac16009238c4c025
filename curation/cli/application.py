"""The typer application: one command per function, grouped by concern."""

from __future__ import annotations

import typer

from curation import __version__
from curation.cli import annotate, audit, demo, export, network, prelabel, questions, render, score, sources

app = typer.Typer(
    name="mapcurate",
    help="Turn metro maps into training and evaluation data for vision-language models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    epilog="Environment: MAPCURATE_DATA is the data root (stations/, maps/); MAPCURATE_CITIES a folder of "
    "city manifests to use instead of the project's cities/.",
)
app.command("demo")(demo.demo)
app.command("cities")(network.cities)
app.command("build-graph")(network.build_graph)
app.command("fetch-sources")(sources.fetch_sources)
app.command("gen-questions")(questions.gen_questions)
app.command("score")(score.score)
app.command("export")(export.export)
app.command("render")(render.render)
app.command("overlay")(render.overlay)
app.command("audit")(audit.audit)
app.command("prelabel")(prelabel.prelabel)
annotate.app.command("serve")(annotate.serve)
annotate.app.command("push")(annotate.push)
annotate.app.command("pull")(annotate.pull)
annotate.app.command("agreement")(annotate.agreement)
app.add_typer(annotate.app, name="annotate")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mapcurate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """mapcurate: curated metro networks, questions with gold answers, exports and scoring."""

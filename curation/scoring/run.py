"""Score a predictions file against a questions table: inputs, ground truths, outputs.

Questions come from a questions Parquet (`mapcurate gen-questions`) or a folder of such files
(one per split, say). A `ground_truth` column, where a file has one, is used as it is; otherwise
each city's lexicon is built from `<graphs>/<city>/graph.json`. Predictions are JSON lines
`{"id": <question id>, "response": <the model's full text>}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.atomic import unique_keys, write_json_atomic, write_jsonl_atomic
from curation.errors import OutputError, SourceError
from curation.network.build import GRAPH_FILE, load_network, require_graphs
from curation.scoring.ground_truth import NEEDS_LEXICON, GroundTruth, answer_kind, check, ground_truth
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.reward import RewardConfig
from curation.scoring.scorer import score
from curation.text import decode_text

SCORES_FILE = "scores.jsonl"
REPORT_FILE = "report.json"


def ground_truths(rows: list[dict[str, Any]], graphs: Path,
                  questions: Path | None = None) -> dict[str, GroundTruth | str]:
    """Ground truth per question id: the row's own (checked), or built with the city's lexicon where its kind needs
    one. A question that cannot be scored is a `SourceError` naming `questions` (the file or folder the rows are
    from), and the graph when its lexicon is what is wrong."""
    built = [row for row in rows if not row.get("ground_truth")]
    needs = {row["id"]: _kind(row, questions) in NEEDS_LEXICON for row in built}
    cities = sorted({row["city"] for row in built if needs[row["id"]]})
    require_graphs(cities, graphs, "these questions")
    lexicons = {city: lexicon_from_network(load_network(graphs / city / GRAPH_FILE)) for city in cities}
    truths: dict[str, GroundTruth | str] = {}
    for row in rows:
        if row.get("ground_truth"):
            try:
                check(row["ground_truth"])
            except ValueError as exc:
                raise SourceError(f"question {row['id']} carries a ground_truth that cannot be scored: {exc}",
                                  questions) from exc
            truths[row["id"]] = row["ground_truth"]
            continue
        city = row["city"]
        try:
            truths[row["id"]] = ground_truth(row, lexicons.get(city) if needs[row["id"]] else None)
        except KeyError as exc:
            raise SourceError(f"question {row['id']} cannot be scored: its answer has no {exc}", questions) from exc
        except ValueError as exc:
            lexicon = "lexicon" in str(exc)
            raise SourceError(f"question {row['id']} cannot be scored: {exc}"
                              + (f" (the lexicon is built from {graphs / city / GRAPH_FILE})" if lexicon else ""),
                              questions) from exc
    return truths


def _kind(row: dict[str, Any], questions: Path | None) -> str:
    try:
        return answer_kind(row)
    except ValueError as exc:
        raise SourceError(f"question {row['id']} cannot be scored: {exc}", questions) from exc


def read_predictions(path: Path, known: set[str]) -> dict[str, str]:
    """Responses by question id; malformed lines, a response that is not a string (`null` and numbers
    alike: write `""` for a model that gave no answer), duplicate or unknown ids are errors."""
    try:
        lines = decode_text(path.read_bytes(), path).splitlines()
    except OSError as exc:
        raise SourceError(f"cannot read predictions: {getattr(exc, 'strerror', None) or exc}", path) from exc
    responses: dict[str, str] = {}
    unknown: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line, object_pairs_hook=unique_keys())
        except json.JSONDecodeError as exc:
            raise SourceError(f"not a JSON line ({exc.msg})", where) from exc
        except RecursionError as exc:
            raise SourceError("not a JSON line (nested too deeply)", where) from exc
        except ValueError as exc:  # a repeated key
            raise SourceError(f"not a JSON line ({exc})", where) from exc
        if not (isinstance(item, dict) and isinstance(item.get("id"), str) and "response" in item):
            raise SourceError('expected {"id": "<question id>", "response": "<text>"}', where)
        if not isinstance(item["response"], str):
            got = "null" if item["response"] is None else type(item["response"]).__name__
            raise SourceError(f'"response" must be the model\'s text, a string (write "" for no answer), but got '
                              f"{got}", where)
        if item["id"] in responses:
            raise SourceError(f"second prediction for question {item['id']}", where)
        if item["id"] not in known:
            unknown.append(item["id"])
        responses[item["id"]] = item["response"]
    if unknown:
        shown = ", ".join(unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise SourceError(f"{len(unknown)} prediction(s) for question ids not in the questions: {shown}", path)
    return responses


@dataclass
class ScoreRun:
    """Everything `mapcurate score` computed."""

    results: list[dict[str, Any]]
    missing: list[str]
    questions: int


def score_all(question_ids: list[str], truths: Mapping[str, GroundTruth | str], responses: dict[str, str],
              config: RewardConfig, advance: Callable[[], None] = lambda: None) -> ScoreRun:
    """Score every question that has a prediction, in question-id order; list the others."""
    results, missing = [], []
    for qid in sorted(question_ids):
        if qid in responses:
            results.append(score(truths[qid], responses[qid], config))
        else:
            missing.append(qid)
        advance()
    return ScoreRun(results=results, missing=missing, questions=len(question_ids))


def write_outputs(run: ScoreRun, report: dict[str, Any], out: Path) -> None:
    """`scores.jsonl` (one line per scored question) and `report.json`, each written atomically."""
    try:
        write_jsonl_atomic(out / SCORES_FILE, run.results)
        write_json_atomic(out / REPORT_FILE, report)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", out) from exc


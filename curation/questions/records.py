"""The question record: one row of the questions Parquet (`schemas/question.schema.json`)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation import __version__
from curation.atomic import write_bytes_atomic
from curation.errors import OutputError, SourceError

GENERATOR_VERSION = f"mapcurate-{__version__}/questions-2"


@dataclass(frozen=True)
class Question:
    """A question with its gold answer and labels. JSON columns hold canonical JSON text."""

    id: str
    city: str
    country: str
    family: str
    type: str
    template: str
    question: str
    answer: str
    answer_text: str
    alternatives: str
    station_1_id: str | None
    station_1: str | None
    station_2_id: str | None
    station_2: str | None
    difficulty_question: str
    difficulty_map: str
    weight: float
    reward_weight: float
    city_line_count: int
    city_transfer_count: int
    question_transfer_count: int | None
    stage: int
    seed: int
    generator_version: str
    names: str = "map"
    """The name vocabulary of the texts and answers: `map` or `benchmark` (`curation.questions.vocabulary`)."""
    answer_kind: str = ""
    """How the answer is read and scored (`curation.scoring.ground_truth.Kind`), as the family module says."""
    view: str | None = None
    """What the question shows when it is not the whole map: a `curation.questions.views.View` as canonical JSON."""


_FIELDS: list[pa.Field[Any]] = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("city", pa.string(), nullable=False),
    pa.field("country", pa.string(), nullable=False),
    pa.field("family", pa.string(), nullable=False),
    pa.field("type", pa.string(), nullable=False),
    pa.field("template", pa.string(), nullable=False),
    pa.field("question", pa.string(), nullable=False),
    pa.field("answer", pa.string(), nullable=False),
    pa.field("answer_text", pa.string(), nullable=False),
    pa.field("alternatives", pa.string(), nullable=False),
    pa.field("station_1_id", pa.string()),
    pa.field("station_1", pa.string()),
    pa.field("station_2_id", pa.string()),
    pa.field("station_2", pa.string()),
    pa.field("difficulty_question", pa.string(), nullable=False),
    pa.field("difficulty_map", pa.string(), nullable=False),
    pa.field("weight", pa.float64(), nullable=False),
    pa.field("reward_weight", pa.float64(), nullable=False),
    pa.field("city_line_count", pa.int32(), nullable=False),
    pa.field("city_transfer_count", pa.int32(), nullable=False),
    pa.field("question_transfer_count", pa.int32()),
    pa.field("stage", pa.int8(), nullable=False),
    pa.field("seed", pa.int64(), nullable=False),
    pa.field("generator_version", pa.string(), nullable=False),
    pa.field("names", pa.string(), nullable=False),
    pa.field("answer_kind", pa.string(), nullable=False),
    pa.field("view", pa.string()),
]
SCHEMA = pa.schema(_FIELDS)
assert [f.name for f in SCHEMA] == [f.name for f in fields(Question)]


def question_id(city: str, family: str, template: str, question: str, answer_text: str,
                view: str | None = None) -> str:
    """Stable id: a hash of what the question says, shows (its view, if not the whole map) and expects."""
    parts = (city, family, template, question, answer_text) + ((view,) if view is not None else ())
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return digest.hexdigest()[:16]


def sort_key(question: Question) -> tuple[Any, ...]:
    return (question.city, question.stage, question.family, question.template, question.id)


def sort_key_of_row(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """`sort_key` of a question row read back as a dict."""
    return (row["city"], row["stage"], row["family"], row["template"], row["id"])


def to_table(questions: list[Question]) -> pa.Table:
    """Rows in a stable order, with the fixed schema."""
    rows = [asdict(q) for q in sorted(questions, key=sort_key)]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_questions(questions: list[Question], path: Path) -> None:
    """Write the questions Parquet atomically; the same questions give the same bytes."""
    buffer = io.BytesIO()
    pq.write_table(to_table(questions), buffer, compression="zstd", use_dictionary=True,
                   write_statistics=False, store_schema=True)
    try:
        write_bytes_atomic(path, buffer.getvalue())
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from exc


def read_questions(path: Path) -> pa.Table:
    """Read a questions Parquet written by `write_questions`."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise SourceError(f"not a readable questions Parquet: {exc}", path) from exc
    if "names" not in table.column_names:  # written before vocabularies existed: the map's names
        table = table.append_column(SCHEMA.field("names"), pa.array(["map"] * table.num_rows, pa.string()))
    if "answer_kind" not in table.column_names and "family" in table.column_names:  # before perception questions
        table = _with_answer_kinds(table, path)
    if "view" not in table.column_names:
        table = table.append_column(SCHEMA.field("view"), pa.nulls(table.num_rows, pa.string()))
    missing = [name for name in SCHEMA.names if name not in table.column_names]
    if missing:
        raise SourceError(f"not a questions Parquet: missing columns {', '.join(missing)}", path)
    retyped = [f"{field.name} is {table.schema.field(field.name).type}, not {field.type}" for field in SCHEMA
               if not _same_type(table.schema.field(field.name).type, field.type)]
    if retyped:
        raise SourceError(f"not a questions Parquet: column {'; column '.join(retyped)}", path)
    return table


def _with_answer_kinds(table: pa.Table, path: Path) -> pa.Table:
    """A file written before records named their answer kind: each family had one, which its module names."""
    from curation.questions.generator import FAMILIES  # the generator imports this module

    families = [str(f) for f in table.column("family").to_pylist()]
    unknown = sorted({f for f in families if f not in FAMILIES})
    if unknown:
        raise SourceError(f"not a questions Parquet: unknown families {', '.join(unknown)}", path)
    kinds = pa.array([FAMILIES[f].kind for f in families], pa.string())
    return table.append_column(SCHEMA.field("answer_kind"), kinds)


def _same_type(found: pa.DataType, expected: pa.DataType) -> bool:
    """Equal, or the same values in another string layout (large or view strings, as other writers use)."""
    strings = (pa.types.is_string(found) or pa.types.is_large_string(found) or pa.types.is_string_view(found))
    return found == expected or (pa.types.is_string(expected) and strings)


def question_files(path: Path) -> list[Path]:
    """The Parquet files behind `--questions`: the file itself, an export's `questions/*.parquet`, or
    every `*.parquet` below a folder."""
    if path.is_file():
        return [path]
    if path.is_dir():
        folder = path / "questions" if (path / "questions").is_dir() else path
        files = sorted(p for p in folder.rglob("*.parquet") if p.name != "maps.parquet")
        if files:
            return files
        raise SourceError("no question Parquet files in this folder", path)
    raise SourceError("no such file or folder", path)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Question rows from every file, each once (by id)."""
    rows: dict[str, dict[str, Any]] = {}
    for file in question_files(path):
        for row in read_questions(file).to_pylist():
            rows.setdefault(row["id"], row)
    return [rows[k] for k in sorted(rows)]

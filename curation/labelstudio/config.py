"""The labeling config of a city's Label Studio project, and the check of results against it.

One project per city. Its config has:

- `Image` **map** (`$image`): the task's map or tile;
- `KeyPointLabels` **station** with the labels `station` and `interchange` (the annotation's `kind`);
- one per-region `TextArea` **name_<lang>** for each of the city's languages (the station's printed name);
- `VectorLabels` **line** (open polylines, `closable="false"`) with one label per line of the city: its
  name in the city's first language, drawn in its colour.

Label Studio's server stores any result without checking it against the config, so every result is checked
here (with the SDK's `LabelInterface`) before it is sent and after it is pulled: `check_results`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from curation.errors import LabelStudioError
from curation.extras import require
from curation.network.model import Network
from curation.synth.procedural_spec import PALETTE

IMAGE = "map"
STATION = "station"
LINE = "line"
NAME_PREFIX = "name_"
KINDS = ("station", "interchange")
KIND_COLORS = {"station": "#1F77B4", "interchange": "#D62728"}


class ResultError(LabelStudioError, ValueError):
    """Results do not fit the project's labeling config; the message lists every problem."""


@dataclass(frozen=True)
class LineLabel:
    """A line as the config offers it: the label value shown (and stored in results), the line's id, names, colour."""

    value: str
    line_id: str
    names: dict[str, str]
    color: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "line_id": self.line_id, "names": dict(sorted(self.names.items())),
                "color": self.color}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineLabel:
        return cls(value=data["value"], line_id=data["line_id"], names=dict(data["names"]), color=data["color"])


@dataclass(frozen=True)
class ProjectSchema:
    """What a city's project labels: its languages and lines. The config XML is a pure function of it."""

    languages: tuple[str, ...]
    lines: tuple[LineLabel, ...]

    @classmethod
    def of_network(cls, network: Network) -> ProjectSchema:
        """The schema of a built network: its languages, its lines in id order (value: the first language's name)."""
        lines = sorted(network.lines.values(), key=lambda line: line.id)
        return cls(languages=tuple(network.languages) or ("en",),
                   lines=line_labels((line.id, line.names, line.color) for line in lines))

    def config(self) -> str:
        """The labeling config XML."""
        return labeling_config(self)

    def line_of(self, value: str) -> LineLabel | None:
        """The line whose label value is `value`."""
        return next((line for line in self.lines if line.value == value), None)

    def label_of(self, line_id: str) -> LineLabel | None:
        """The label of the line with this id."""
        return next((line for line in self.lines if line.line_id == line_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"languages": list(self.languages), "lines": [line.to_dict() for line in self.lines]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProjectSchema:
        return cls(languages=tuple(data["languages"]), lines=tuple(LineLabel.from_dict(x) for x in data["lines"]))


def line_labels(lines: Iterable[tuple[str, dict[str, str], str | None]]) -> tuple[LineLabel, ...]:
    """Labels for (id, names, colour) lines: the first name as shown; a name two lines share gets the id added.

    A line without a colour takes one of the synthetic palette's, in order, so the config is deterministic.
    """
    items = list(lines)
    shown = [next(iter(names.values()), line_id) if names else line_id for line_id, names, _ in items]
    labels = []
    for i, (line_id, names, color) in enumerate(items):
        value = shown[i] if shown.count(shown[i]) == 1 else f"{shown[i]} ({line_id})"
        labels.append(LineLabel(value=value, line_id=line_id, names=dict(names),
                                color=color or PALETTE[i % len(PALETTE)][1]))
    return tuple(labels)


def name_control(language: str) -> str:
    """The per-region TextArea of a station's name in `language`."""
    return f"{NAME_PREFIX}{language}"


def labeling_config(schema: ProjectSchema) -> str:
    """The config XML of `schema` (deterministic: the same schema gives the same bytes)."""
    kinds = "\n".join(f"    <Label value={quoteattr(k)} background={quoteattr(KIND_COLORS[k])}/>" for k in KINDS)
    lines = "\n".join(f"    <Label value={quoteattr(line.value)} background={quoteattr(line.color)}/>"
                      for line in schema.lines)
    names = "\n".join(
        f"    <Header value={quoteattr(f'Name ({lang})')} size=\"6\"/>\n"
        f"    <TextArea name={quoteattr(name_control(lang))} toName=\"{IMAGE}\" perRegion=\"true\" editable=\"true\" "
        f"maxSubmissions=\"1\" rows=\"1\" placeholder={quoteattr(f'station name ({lang})')}/>"
        for lang in schema.languages)
    line_block = (f"  <VectorLabels name=\"{LINE}\" toName=\"{IMAGE}\" closable=\"false\" strokeWidth=\"3\" "
                  f"pointSize=\"small\">\n{lines}\n  </VectorLabels>\n") if schema.lines else ""
    return (
        "<View>\n"
        f"  <Image name=\"{IMAGE}\" value=\"$image\" zoom=\"true\" zoomControl=\"true\" rotateControl=\"false\"/>\n"
        f"  <KeyPointLabels name=\"{STATION}\" toName=\"{IMAGE}\" strokeWidth=\"2\">\n{kinds}\n  </KeyPointLabels>\n"
        f"{line_block}"
        f"  <View visibleWhen=\"region-selected\" whenTagName=\"{STATION}\">\n{names}\n  </View>\n"
        "</View>\n"
    )


def check_results(config: str, results: Sequence[dict[str, Any]], where: str) -> None:
    """Raise one `ResultError` listing every result that does not fit `config` (the SDK's `LabelInterface`).

    `where` names the results in the message (a task, an annotation).
    """
    sdk = require("label_studio_sdk.label_interface", "annotate", "checking Label Studio results")
    interface = sdk.LabelInterface(config)
    errors = interface.validate_prediction({"result": list(results)}, return_errors=True)
    if errors is True or errors == []:
        return
    problems = [str(e) for e in errors] if isinstance(errors, list) else ["the results do not fit the config"]
    shown = "; ".join(problems[:5]) + (f"; … {len(problems) - 5} more" if len(problems) > 5 else "")
    raise ResultError(f"{where}: {len(problems)} result problem{'s' * (len(problems) != 1)}: {shown}")

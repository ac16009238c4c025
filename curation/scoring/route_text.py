"""Read route blocks (`Route Name:` / `Departure Stop:` / `Arrival Stop:` / via) from free text.

Tolerated: markdown (bold, italics, bullets, headings, code fences, tables' pipes), numbered
blocks (`1.`, `Step 2:`, `Leg 3 -`), blocks on one line (`Route Name: 1, Departure Stop: …`),
`--` / blank-line / numbered separators, English and Chinese field labels, full-width colons,
and prose before or after. Fields are found by their labels; a block starts at each route name
(or when a field repeats). Values run to the end of their line or to the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROUTE, DEPARTURE, ARRIVAL, VIA_COUNT, VIA_LIST = "route", "departure", "arrival", "via_count", "via_list"

# (kind, labels that may follow any white space, labels that must start a line or follow a separator)
_LABELS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (VIA_COUNT, ("number of via stops", "number of via stations", "number of intermediate stops", "via stop count",
                 "via stops count", "途经站数", "途径站数", "经停站数", "途经站点数", "途经站数量"),
     ("number of stops", "stops")),
    (VIA_LIST, ("via stops", "via stations", "intermediate stops", "途经站点", "途经站", "途径站", "经停站"), ("via",)),
    (ROUTE, ("route name", "line name", "路线名称", "线路名称", "乘坐线路"), ("route", "line", "线路", "路线")),
    (DEPARTURE, ("departure stop", "departure station", "boarding stop", "出发站", "起点站", "上车站"),
     ("departure", "from", "出发")),
    (ARRIVAL, ("arrival stop", "arrival station", "alighting stop", "到达站", "下车站", "终点站"),
     ("arrival", "to", "到达")),
)
_LABEL_KIND = {label: (kind, strong) for kind, strong_labels, weak_labels in _LABELS
               for strong, labels in ((True, strong_labels), (False, weak_labels)) for label in labels}
_LONGEST_WORDS = max(len(label.split()) for label in _LABEL_KIND)
_LONGEST_CJK = max(len(label) for label in _LABEL_KIND if not label.isascii())
_COLON = re.compile(r"[:：]")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
# What may stand between a short label and the start of its line or the previous separator.
_LEAD = re.compile(r"[ \t]*(?:[-*+•·>]+[ \t]*|\(?\d+[.)、][ \t]*|(?:step|block|leg|ride|第)\s*\d+\s*[:.)、-]?[ \t]*)*",
                   re.IGNORECASE)
_LEAD_MAX = 40
_LINE_LEAD = " \t-*+•·>"
_SEPARATORS = re.compile(r"[\n,;|，；。]")
_MARKUP = re.compile(r"\*\*|__|`+|^#+[ \t]*|^[ \t]*>[ \t]?", re.MULTILINE)
_MARKUP_HINT = re.compile(r"[*_`#>]")
_TABLE_PIPES = re.compile(r"[ \t]*\|[ \t]*")
_TAIL_SEPARATORS = " \t,;|，；。-—="


@dataclass(slots=True)
class RouteBlock:
    """One ride as written: raw field values (None when the field is absent)."""

    route: str | None = None
    departure: str | None = None
    arrival: str | None = None
    via_count: str | None = None
    via_list: str | None = None
    order: list[str] = field(default_factory=list)

    def has(self, kind: str) -> bool:
        return getattr(self, kind) is not None


def read_blocks(text: str) -> list[RouteBlock]:
    """Route blocks in the order written; empty when no labelled field is found."""
    text = text.replace("\r\n", "\n")
    if _MARKUP_HINT.search(text):
        text = _MARKUP.sub("", text)
    if "|" in text:
        text = _TABLE_PIPES.sub(" | ", text)
    fields = _fields(text)
    blocks: list[RouteBlock] = []
    for n, (kind, _, value_start) in enumerate(fields):
        end = fields[n + 1][1] if n + 1 < len(fields) else len(text)
        value = _value(text[value_start:end], kind)
        if not blocks or (kind == ROUTE and blocks[-1].order) or blocks[-1].has(kind):
            blocks.append(RouteBlock())
        block = blocks[-1]
        setattr(block, kind, value)
        block.order.append(kind)
    return blocks


def _fields(text: str) -> list[tuple[str, int, int]]:
    """(kind, label start, value start) of every field, in order.

    Fast path: a line with one colon whose head is a label (`Route Name: 2`). Other lines are
    searched colon by colon.
    """
    fields: list[tuple[str, int, int]] = []
    start = 0
    for line in text.split("\n"):
        colon = line.find(":")
        if colon < 0:
            colon = line.find("：")
        if colon >= 0:
            entry = _LABEL_KIND.get(line[:colon].strip(_LINE_LEAD).lower())
            if entry is not None and ":" not in line[colon + 1:] and "：" not in line[colon + 1:]:
                fields.append((entry[0], start, start + colon + 1))
            else:
                found = (_field_before(text, start + m.start()) for m in _COLON.finditer(line))
                fields += [f for f in found if f is not None]
        start += len(line) + 1
    return fields


def _field_before(text: str, colon: int) -> tuple[str, int, int] | None:
    """(kind, label start, value start) when the text before `colon` ends with a field label.

    A label counts when it is a word of its own; a short one (`line:`, `to:`) must also start its
    line or follow a separator, bullets and numbering aside. A parenthetical may stand between the
    label and its colon (`Route Name (line):`).
    """
    head = text[max(0, colon - 60):colon].rstrip(" \t")
    if head.endswith(")") and "(" in head:
        head = head[:head.rindex("(")].rstrip(" \t")
    low = head.lower()
    label = _label_at_end(low)
    if label is None:
        return None
    kind, strong = _LABEL_KIND[label]
    start = colon - (len(text[max(0, colon - 60):colon]) - len(head)) - len(label)
    if start and text[start - 1].isalnum() and text[start].isascii():
        return None
    if not strong and not _leads_a_field(text, start):
        return None
    return kind, start, colon + 1


def _label_at_end(low: str) -> str | None:
    cjk = _CJK_TAIL.search(low[-_LONGEST_CJK:]) if low and not low[-1].isascii() else None
    if cjk:
        run = cjk.group(0)
        return next((run[-k:] for k in range(len(run), 1, -1) if run[-k:] in _LABEL_KIND), None)
    words = low.rsplit(None, _LONGEST_WORDS)[-_LONGEST_WORDS:]
    for k in range(len(words), 0, -1):
        candidate = " ".join(words[-k:])
        if candidate in _LABEL_KIND and low.endswith(candidate):
            return candidate
    return None


def _leads_a_field(text: str, start: int) -> bool:
    head = text[max(0, start - _LEAD_MAX):start]
    separators = [m.end() for m in _SEPARATORS.finditer(head)]
    if not separators and start > _LEAD_MAX:
        return False
    return _LEAD.fullmatch(head, separators[-1] if separators else 0) is not None


def _value(raw: str, kind: str) -> str:
    """A field's value: its line (for a via list whose line is empty, the list below it)."""
    lines = raw.split("\n")
    first = lines[0].strip()
    if kind == VIA_LIST and not first:
        items = []
        for line in lines[1:]:
            item = line.strip().lstrip("-*+•·").strip()
            if not item:
                if items:
                    break
                continue
            items.append(item)
        first = ", ".join(items)
    return first.rstrip(_TAIL_SEPARATORS).strip()

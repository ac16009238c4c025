"""Read route blocks (`Route Name:` / `Departure Stop:` / `Arrival Stop:` / via) from free text.

Tolerated: markdown (bold, italics, bullets, headings, code fences, tables whose header names the
fields), numbered
blocks (`1.`, `Step 2:`, `Leg 3 -`), blocks on one line (`Route Name: 1, Departure Stop: …`),
`--` / blank-line / numbered separators, English and Chinese field labels, full-width colons,
and prose before or after. Fields are found by their labels; a block starts at each route name
(or when a field repeats). Values run to the end of their line or to the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

ROUTE, DEPARTURE, ARRIVAL, VIA_COUNT, VIA_LIST = "route", "departure", "arrival", "via_count", "via_list"

# (kind, labels that may follow any white space, labels that must start a line or follow a separator)
_LABELS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (VIA_COUNT, ("number of via stops", "number of via stations", "number of intermediate stops", "via stop count",
                 "via stops count", "via count", "途经站数", "途径站数", "经停站数", "途经站点数", "途经站数量"),
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
_LATIN_TAIL = re.compile(r"[a-z][a-z ]{0,39}$")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
# What may stand between a short label and the start of its line or the previous separator.
# Each repetition starts with its own kind of character, so a long run cannot backtrack exponentially.
_LEAD = re.compile(r"[ \t]*(?:[-*+•·>][ \t]*|\(?\d+[.)、][ \t]*"
                   r"|(?:step|block|leg|ride|第)[ \t]*\d+[ \t]*[:.)、]?[ \t]*)*", re.IGNORECASE)
_SUMMARY_WORDS = ("total", "overall", "in total", "总", "共")
_LEAD_MAX = 40
_LINE_LEAD = " \t-*+•·>"
_SEPARATORS = re.compile(r"[\n,;|，；。]")
# Splits a line into pieces and keeps the separators as pieces of their own (offsets stay exact).
_SEPARATOR_SPANS = re.compile(r"(\s*(?:[,;|，；。]|--+|—)\s*)")
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


def read_blocks(text: str) -> list[RouteBlock]:
    """Route blocks in the order written; empty when no labelled field is found."""
    text = text.replace("\r\n", "\n")
    if _MARKUP_HINT.search(text):
        text = _MARKUP.sub("", text)
    if "|" in text:
        text = _TABLE_PIPES.sub(" | ", text)
    fields = _fields(text)
    blocks: list[RouteBlock] = []
    for n, (kind, _, value_start, cell) in enumerate(fields):
        end = fields[n + 1][1] if n + 1 < len(fields) else len(text)
        value = cell if cell is not None else _value(text[value_start:end], kind)
        if kind == VIA_LIST and value.isdigit():  # `Via: 4` is a count
            kind = VIA_COUNT
        if not blocks or (kind == ROUTE and blocks[-1].order) or getattr(blocks[-1], kind) is not None:
            blocks.append(RouteBlock())
        block = blocks[-1]
        setattr(block, kind, value)
        block.order.append(kind)
    return blocks


Field = tuple[str, int, int, str | None]  # kind, label start, value start, value of a table cell


def _fields(text: str) -> list[Field]:
    """Every field, in order.

    Fast path: a line, or a separator-delimited piece of one (`Route Name: 2, Departure Stop: A`),
    with one colon whose head is a label. A table whose header names the fields gives one block
    per row. Other pieces are searched colon by colon.
    """
    fields: list[Field] = []
    start = 0
    columns: list[str | None] | None = None
    has_pipes = "|" in text
    for line in text.split("\n"):
        if not has_pipes:
            pass
        elif columns is not None:
            if line.strip().startswith("|"):
                fields += _table_row(line, columns, start)
                start += len(line) + 1
                continue
            columns = None
        if has_pipes and line.count("|") >= 2:
            columns = _table_header(line)
            if columns is not None:
                start += len(line) + 1
                continue
        if ":" in line or "：" in line:
            field = _labelled(line, start)
            if field is not None:
                fields.append(field)
            else:
                pieces = _SEPARATOR_SPANS.split(line)
                offset = start
                for piece in pieces:
                    if ":" in piece or "：" in piece:
                        field = _labelled(piece, offset)
                        if field is not None:
                            fields.append(field)
                        else:
                            found = (_field_before(text, offset + m.start()) for m in _COLON.finditer(piece))
                            fields += [f for f in found if f is not None]
                    offset += len(piece)
        start += len(line) + 1
    return fields


def _labelled(piece: str, start: int) -> Field | None:
    """`Route Name: 2` — one colon, a label before it — as a field; else None."""
    found = _label_and_colon(piece)
    return (found[0], start, start + found[1] + 1, None) if found is not None else None


@lru_cache(maxsize=65536)
def _label_and_colon(piece: str) -> tuple[str, int] | None:
    colon = piece.find(":")
    if colon < 0:
        colon = piece.find("：")
    if piece.find(":", colon + 1) >= 0 or piece.find("：", colon + 1) >= 0:
        return None
    entry = _LABEL_KIND.get(piece[:colon].strip(_LINE_LEAD).lower())
    return (entry[0], colon) if entry is not None else None


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table_header(line: str) -> list[str | None] | None:
    """The field of each column when the line is a table header naming a route and a stop."""
    columns = [(_LABEL_KIND.get(cell.lower()) or (None, False))[0] for cell in _cells(line)]
    return columns if ROUTE in columns and (DEPARTURE in columns or ARRIVAL in columns) else None


def _table_row(line: str, columns: list[str | None], start: int) -> list[Field]:
    cells = _cells(line)
    if all(set(cell) <= set(":- ") for cell in cells):  # the |---|---| rule
        return []
    return [(kind, start, start, cell) for kind, cell in zip(columns, cells, strict=False) if kind is not None]


def _field_before(text: str, colon: int) -> Field | None:
    """The field when the text before `colon` ends with a field label.

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
    if low[:len(low) - len(label)].rstrip().endswith(_SUMMARY_WORDS):  # `Total via stops: 9` sums the route
        return None
    if not strong and not _leads_a_field(text, start):
        return None
    return kind, start, colon + 1, None


def _label_at_end(low: str) -> str | None:
    cjk = _CJK_TAIL.search(low[-_LONGEST_CJK:]) if low and not low[-1].isascii() else None
    if cjk:
        run = cjk.group(0)
        return next((run[-k:] for k in range(len(run), 1, -1) if run[-k:] in _LABEL_KIND), None)
    tail = _LATIN_TAIL.search(low)  # `1.route name` → `route name`
    if tail is None:
        return None
    words = tail.group(0).rsplit(None, _LONGEST_WORDS)[-_LONGEST_WORDS:]
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
    first = raw.partition("\n")[0].strip()
    if kind == VIA_LIST and not first:
        items: list[str] = []
        for line in raw.split("\n")[1:]:
            item = line.strip().lstrip("-*+•·").strip()
            if not item:
                if items:
                    break
                continue
            items.append(item)
        first = ", ".join(items)
    return first.rstrip(_TAIL_SEPARATORS).strip()

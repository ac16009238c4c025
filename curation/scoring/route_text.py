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
_LABELS: tuple[tuple[str, str, str], ...] = (
    (VIA_COUNT, r"number of via stops|number of via stations|number of intermediate stops|via stops? count|"
                r"途经站数|途径站数|经停站数|途经站点数|途经站数量", r"number of stops|stops"),
    (VIA_LIST, r"via stops|via stations|intermediate stops|途经站点|途经站|途径站|经停站", r"via"),
    (ROUTE, r"route name|line name|路线名称|线路名称|乘坐线路", r"route|line|线路|路线"),
    (DEPARTURE, r"departure stop|departure station|boarding stop|出发站|起点站|上车站", r"departure|from|出发"),
    (ARRIVAL, r"arrival stop|arrival station|alighting stop|到达站|下车站|终点站", r"arrival|to|到达"),
)
_KIND = {f"{strength}{i}": kind for i, (kind, _, _) in enumerate(_LABELS) for strength in "sw"}
_PREFIX = r"[ \t]*(?:[-*+•·>]+[ \t]*|\(?\d+[.)、][ \t]*|(?:step|block|leg|ride|第)\s*\d+\s*[:.)、-]?[ \t]*)*"
_WEAK = "|".join(f"(?P<w{i}>{weak})" for i, (_, _, weak) in enumerate(_LABELS))
_STRONG = "|".join(f"(?P<s{i}>{strong})" for i, (_, strong, _) in enumerate(_LABELS))
_LABEL = re.compile(
    r"(?:(?:^|(?<=[\n,;|，；。]))" + _PREFIX + r"(?:" + _WEAK + r")|(?:^|(?<=[\s,;|，；。(]))" + _PREFIX
    + r"(?:" + _STRONG + r"))[ \t]*(?:\([^)\n]*\)[ \t]*)?[:：]",
    re.IGNORECASE | re.MULTILINE,
)
_MARKUP = re.compile(r"\*\*|__|`+|^#+[ \t]*|^[ \t]*>[ \t]?", re.MULTILINE)
_TABLE_PIPES = re.compile(r"[ \t]*\|[ \t]*")
_SEPARATOR_TAIL = re.compile(r"[\s,;|，；。]*(?:-{2,}|—+|=+)?[\s,;|，；。]*$")


@dataclass
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
    text = _MARKUP.sub("", text.replace("\r\n", "\n"))
    text = _TABLE_PIPES.sub(" | ", text)
    matches = list(_LABEL.finditer(text))
    blocks: list[RouteBlock] = []
    for n, match in enumerate(matches):
        kind = _KIND[next(k for k, v in match.groupdict().items() if v is not None)]
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = _value(text[match.end():end], kind)
        if not blocks or (kind == ROUTE and blocks[-1].order) or blocks[-1].has(kind):
            blocks.append(RouteBlock())
        block = blocks[-1]
        setattr(block, kind, value)
        block.order.append(kind)
    return blocks


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
    return _SEPARATOR_TAIL.sub("", first).strip()

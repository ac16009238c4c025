"""Find the final answer in a model's full response.

Reasoning blocks (`<think>…</think>`, `◁think▷…◁/think▷`) are dropped — an unclosed one means the
model never answered. The candidates, most explicit first: the last `\\boxed{…}` (braces balanced;
inside the last `<answer>…</answer>` when there is one), that answer tag, the text after the last
"final answer" / "the answer is" / "答案" marker, and the whole remaining text. Readers take the
first candidate they can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_THINK = re.compile(r"<think>.*?</think>|◁think▷.*?◁/think▷", re.DOTALL | re.IGNORECASE)
_THINK_OPEN = re.compile(r"<think>|◁think▷", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>|◁/think▷", re.IGNORECASE)
_ANSWER_TAG = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.DOTALL | re.IGNORECASE)
_MARKER = re.compile(
    r"final answer|the answer is|answer\s*[:：]|最终答案|答案[是为:：]|答案", re.IGNORECASE)
_LATEX_WRAPPERS = re.compile(r"\\(?:text|textbf|mathrm|mathbf|textit|operatorname|mbox)\s*\{([^{}]*)\}")


@dataclass(frozen=True)
class Answer:
    """The answer text and where it came from: answer-tag, boxed, marker, whole, or none."""

    text: str
    source: str


def strip_reasoning(response: str) -> str | None:
    """The response without reasoning blocks; `None` when a reasoning block never ends."""
    if "hink" not in response and "HINK" not in response:
        return response
    text = _THINK.sub("\n", response)
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:  # the opening tag was in the prompt
        text = text[closes[-1].end():]
    if _THINK_OPEN.search(text):
        return None
    return text


def boxed_contents(text: str) -> list[str]:
    """Contents of every `\\boxed{…}` / `\\fbox{…}`, braces balanced; an unclosed one runs to the end."""
    found = []
    start = 0
    while True:
        at = _next_box(text, start)
        if at < 0:
            return found
        open_at = text.index("{", at)
        depth, i = 0, open_at
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        found.append(text[open_at + 1:i])
        start = i + 1


def _next_box(text: str, start: int) -> int:
    positions = [p for p in (text.find("\\boxed{", start), text.find("\\fbox{", start)) if p >= 0]
    return min(positions) if positions else -1


def unlatex(text: str) -> str:
    """`\\text{Yes}` → `Yes`; `\\\\` line breaks → newlines; `\\,`, `$` dropped."""
    previous = None
    while previous != text:
        previous, text = text, _LATEX_WRAPPERS.sub(r"\1", text)
    return text.replace("\\\\", "\n").replace("\\,", " ").replace("\\ ", " ").replace("$", "")


def answer_candidates(response: str) -> list[Answer]:
    """Where the final answer may be, most explicit first; empty when the model never answered."""
    text = strip_reasoning(response)
    if text is None or not text.strip():
        return []
    candidates: list[Answer] = []
    low = text.lower()
    tags = [t for t in _ANSWER_TAG.findall(text) if t.strip()] if "<answer>" in low else []
    scope = tags[-1] if tags else text
    boxes = [b for b in boxed_contents(scope) if b.strip()] if "box" in scope else []
    if boxes:
        candidates.append(Answer(unlatex(boxes[-1]).strip(), "boxed"))
    if tags:
        candidates.append(Answer(tags[-1].strip(), "answer-tag"))
    markers = list(_MARKER.finditer(text)) if "answer" in low or "答案" in text else []
    if markers:
        rest = text[markers[-1].end():].strip(" \t\n:：*#")
        if any(c.isalnum() for c in rest):
            candidates.append(Answer(rest, "marker"))
    candidates.append(Answer(text.strip(), "whole"))
    return candidates

"""Find the final answer in a model's full response.

Reasoning blocks (`<think>…</think>`, `◁think▷…◁/think▷`) are dropped — an unclosed one means the
model never answered. Only the last `MAX_ANSWER_CHARS` characters are read. The candidates, most
explicit first: the last `\\boxed{…}` (braces balanced;
inside the last `<answer>…</answer>` when there is one), that answer tag, the text after the last
"final answer" / "the answer is" / "答案" marker, the whole remaining text, and its first line
(`Yes.` above an explanation). Readers take the first candidate they can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_THINK_TAGS = (("<think>", "</think>"), ("◁think▷", "◁/think▷"))
_MARKER = re.compile(
    r"final answer|the answer is|answer\s*[:：]|最终答案|答案[是为:：]|答案", re.IGNORECASE)
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_LATEX_OPENING = re.compile(r"\\(?:text|textbf|mathrm|mathbf|textit|operatorname|mbox|boxed)\s*\{")
_LATEX_SPACES = re.compile(r"\\(?:quad|qquad|[,;: ])")
# Only the end of a very long response is read: answers come last, and the work stays bounded.
MAX_ANSWER_CHARS = 16_000


@dataclass(frozen=True)
class Answer:
    """The answer text and where it came from: boxed, answer-tag, marker, whole, first-line, or none."""

    text: str
    source: str


def strip_reasoning(response: str) -> str | None:
    """The text after the last reasoning block; `None` when a reasoning block never ends.

    A closing tag without its opening one (the opening was in the prompt) ends the reasoning too.
    """
    if "hink" not in response and "HINK" not in response:
        return response
    low = response.lower()
    text = response
    ends = [(low.rfind(close), close) for _, close in _THINK_TAGS]
    at, close = max(ends)
    if at >= 0:
        text, low = response[at + len(close):], low[at + len(close):]
    if any(opening in low for opening, _ in _THINK_TAGS):
        return None
    return text


def last_boxed(text: str) -> str | None:
    """Content of the last non-empty `\\boxed{…}` / `\\fbox{…}` (braces balanced; unclosed runs to the end)."""
    for match in reversed(list(_BOX.finditer(text))):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            char = text[i]
            depth += (char == "{") - (char == "}")
            i += 1
        content = text[match.end():i - 1 if depth == 0 else i]
        if content.strip():
            return content
    return None


def _last_answer_tag(text: str, low: str) -> str | None:
    at = low.rfind("<answer>")
    if at < 0:
        return None
    end = low.find("</answer>", at)
    content = text[at + len("<answer>"):end if end >= 0 else len(text)]
    return content if content.strip() else None


def unlatex(text: str) -> str:
    """`\\text{Yes}` → `Yes`; `\\\\` line breaks → newlines; `\\,`, `$` and braces dropped (one pass)."""
    text = _LATEX_SPACES.sub(" ", _LATEX_OPENING.sub("", text.replace("\\\\", "\n")))
    return text.replace("{", "").replace("}", "").replace("$", "")


def answer_candidates(response: str) -> list[Answer]:
    """Where the final answer may be, most explicit first; empty when the model never answered."""
    text = strip_reasoning(response)
    if text is None or not text.strip():
        return []
    text = text[-MAX_ANSWER_CHARS:]
    candidates: list[Answer] = []
    low = text.lower()
    tag = _last_answer_tag(text, low)
    tags = [tag] if tag else []
    scope = tag or text
    boxed = last_boxed(scope) if "box" in scope else None
    if boxed is not None:
        candidates.append(Answer(unlatex(boxed).strip(), "boxed"))
    if tags:
        candidates.append(Answer(tags[-1].strip(), "answer-tag"))
    markers = list(_MARKER.finditer(text)) if "answer" in low or "答案" in text else []
    if markers:
        rest = text[markers[-1].end():].strip(" \t\n:：*#")
        if any(c.isalnum() for c in rest):
            candidates.append(Answer(rest, "marker"))
    whole = text.strip()
    candidates.append(Answer(whole, "whole"))
    first_line = whole.split("\n", 1)[0].strip()
    if first_line != whole:
        candidates.append(Answer(first_line, "first-line"))
    return candidates

"""Benchmark: route answers scored per second in one process (target ≥ 20,000/s).

Every route question of the default 30-city set is answered eight ways, as models answer: the
gold text, markdown bold with bullets, one line, inside a reasoning block plus prose, with Chinese
field labels, a wrong line, a wrong arrival, and a missing leg. Printed:

1. `score()` with dict ground truths already seen (what a trainer holding parsed rows does);
2. verl's `compute_score` with JSON-string ground truths as a GRPO trainer calls it: each
   question's string for 8 rollouts, starting with nothing parsed (city lexicons compiled);
3. the same when every call brings a question never seen before (one rollout each, cold);
4. the slowest call among adversarial responses of ~100,000 characters (colon runs, unclosed
   reasoning tags, nested LaTeX, thousands of boxes or list items), next to a normal answer, and the same
   for point and box answers (long runs of spaces between coordinates, thousands of pairs);
5. a baseline in the same run: the benchmark-style strict regex reader (three exact labels per
   block, names compared as strings; no markdown, no aliases, no checks beyond equality).

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_scoring.py
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.questions.generator import generate_city
from curation.questions.records import to_table
from curation.scoring.ground_truth import dumps, ground_truth
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.scorer import clear_caches, score
from curation.scoring.trainers import compute_score

ROLLOUTS = 8
_STRICT = re.compile(r"Route Name: (.*)\nDeparture Stop: (.*)\nArrival Stop: (.*)")


def variants(gold: str) -> list[str]:
    """Eight answers to one route question."""
    blocks = gold.split("\n--\n")
    bold = "\n\n".join(re.sub(r"^([A-Za-z ]+):", r"- **\1:**", b, flags=re.M) for b in blocks)
    one_line = " -- ".join(b.replace("\n", ", ") for b in blocks)
    wrong_arrival = gold.rsplit("Arrival Stop: ", 1)[0] + "Arrival Stop: Nowhere Station"
    zh = gold
    chinese_labels = (("Route Name:", "路线名称："), ("Departure Stop:", "出发站："), ("Arrival Stop:", "到达站："))
    for label, chinese in chinese_labels:
        zh = zh.replace(label, chinese)
    wrong_line = re.sub(r"Route Name: .*", "Route Name: Line 99", gold, count=1)
    missing = blocks[0] if len(blocks) > 1 else gold + "\n--\n" + blocks[0]
    thinking = f"<think>Let me trace the lines on the map carefully.</think>\nHere is the route:\n{gold}\nEnjoy!"
    return [gold, bold, one_line, thinking, zh, wrong_line, wrong_arrival, missing]


def adversarial(gold: str) -> list[tuple[str, str]]:
    """Responses of about 100,000 characters built to make a parser backtrack or loop."""
    return [
        ("colons", ":" * 100_000 + gold),
        ("weak labels", " to:" * 25_000 + "\n" + gold),
        ("unclosed think tags", "<think>" * 14_000 + gold),
        ("nested LaTeX", "\\boxed{" + "\\text{" * 12_000 + gold + "}" * 12_001),
        ("many boxes", "\\boxed{x}" * 11_000 + gold),
        ("long via list", "Via Stops: " + "x, " * 33_000),
        ("dash run before a label", "\n" + "-" * 40 + "x to: y\n" + gold),
        ("many blocks", (gold + "\n--\n") * 300),
    ]


POINT_TRUTH = {"format": "mapcurate-gt/1", "kind": "point", "id": "bench", "city": "bench", "family": "locate",
               "type": "Locate", "template": "locate_point", "difficulty_question": "easy", "difficulty_map": "easy",
               "weight": 1.0, "reward_weight": 1.0, "coords": "pixels", "size": [2000, 1500], "point": [412.0, 230.0],
               "radius": 6.0, "box": [406.0, 224.0, 418.0, 236.0]}


def adversarial_points() -> list[tuple[str, str]]:
    """Point and box answers built to make a coordinate reader backtrack."""
    spaces = " " * 15_000
    return [
        ("spaces after a labelled x", f"\\boxed{{x=1{spaces},}}"),
        ("spaces after a pair", f"\\boxed{{(1, 2){spaces},}}"),
        ("spaces inside corners", f"\\boxed{{(1, 2){spaces},{spaces}(3, 4)}}"),
        ("thousands of pairs", "(1, 2), " * 5_000),
        ("digit run", "1" * 100_000),
        ("open brackets", "(" * 50_000 + "412, 230"),
    ]


def strict_baseline(response: str, gold: str) -> bool:
    """The benchmark-style reader: exact labels, names compared as strings."""
    return _STRICT.findall(response) == _STRICT.findall(gold)


def rate(count: int, func, before=lambda: None, repeats: int = 5) -> float:
    """Items per second of the fastest of `repeats` runs (timeit's rule: slower runs measure the machine's noise)."""
    best = float("inf")
    for _ in range(repeats):
        before()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> int:
    root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    if not (root / "stations").is_dir():
        print(f"no station lists under {root}; set MAPCURATE_DATA", file=sys.stderr)
        return 2
    items: list[tuple[dict, str, str]] = []
    for slug in (s for s in city_slugs() if s != "demo"):
        city = load_city(slug)
        network = build_network(city, root).network
        lexicon = lexicon_from_network(network)
        result = generate_city(network, seed=0, skip=city.question_skips.get("skip", []), families=["planning"])
        for row in to_table(result.questions).to_pylist():
            truth = ground_truth(row, lexicon)
            items += [(truth, response, row["answer_text"]) for response in variants(row["answer_text"])]
    n = len(items)
    for truth, response, _ in items:  # warm the per-lexicon and per-question caches once
        score(truth, response)
    ours = rate(n, lambda: [score(t, r) for t, r, _ in items])
    baseline = rate(n, lambda: [strict_baseline(r, g) for _, r, g in items])
    texts = [dumps(t) for t, _, _ in items[::ROLLOUTS]]
    responses = [r for _, r, _ in items]
    grpo = rate(n, lambda: [compute_score("mapcurate", responses[i], texts[i // ROLLOUTS]) for i in range(n)],
                before=clear_caches)
    cold = rate(len(texts), lambda: [compute_score("mapcurate", responses[i * ROLLOUTS], text)
                                     for i, text in enumerate(texts)], before=clear_caches)
    print(f"{n} route answers ({n // ROLLOUTS} questions x {ROLLOUTS} answer styles), one process, best of 5 runs")
    print(f"score(), dict ground truths seen before:       {ours:>9,.0f} answers/s")
    print(f"compute_score(), JSON text, {ROLLOUTS} rollouts each:   {grpo:>9,.0f} answers/s")
    print(f"compute_score(), JSON text, every call cold:   {cold:>9,.0f} answers/s")
    gold_truth, gold_text, _ = items[0]
    normal = 1 / rate(1, lambda: score(gold_truth, gold_text))
    worst = max((1 / rate(1, lambda r=r: score(gold_truth, r), repeats=1), name) for name, r in adversarial(gold_text))
    print(f"slowest adversarial response:                  {1000 * worst[0]:>9.1f} ms ({worst[1]}; "
          f"a normal answer {1000 * normal:.3f} ms, {worst[0] / normal:,.0f}x)")
    point_normal = 1 / rate(1, lambda: score(POINT_TRUTH, "\\boxed{(412, 230)}"))
    point_worst = max((1 / rate(1, lambda r=r: score(POINT_TRUTH, r), repeats=1), name)
                      for name, r in adversarial_points())
    print(f"slowest adversarial point answer:              {1000 * point_worst[0]:>9.1f} ms ({point_worst[1]}; "
          f"a normal one {1000 * point_normal:.3f} ms)")
    print(f"baseline strict regex reader:                  {baseline:>9,.0f} answers/s "
          f"(ours at {ours / baseline:.3f}x its rate, with name resolution, checks, map score and reward)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

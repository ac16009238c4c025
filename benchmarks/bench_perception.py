"""Benchmark: blind baselines on perception questions beside text questions, on maps with exact positions.

A model-free sanity check. Each baseline answers without looking at the image:
- `centre`: the image's centre (point and box questions only);
- `random station`: a random located station's position (point / box), a random station's or line's name;
- `most common`: each template's most common gold answer on the other maps of this run (the prior a
  blind model can learn from training maps);
- `station list`: what the station list alone answers — the gold answer of every question computable
  without the image (the text families; `crop_next_stop` names its stations), else the most common.
Printed per family beside the gold answers (which must score 100%): accuracy and the mean share of the
gold reward. Locate and Identify should be near zero blind while the text families are answerable.
Also prints the time to generate the perception questions and their view sizes.

Maps: the demo city, procedural cities (`--seeds`), renamed re-renders of real networks (`--renamed`) and
real maps with the positions `prelabel` proposes (`--real`, about a minute per 20 MP; only the stations it
placed on a marker are asked about). The last two need MAPCURATE_DATA.

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_perception.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from curation.cities import load_city, with_positions
from curation.coordinates import format_box, format_point
from curation.network.build import build_cities, build_network
from curation.network.model import Network
from curation.questions.generator import FAMILIES, generate_city
from curation.questions.pixels import PixelMap
from curation.questions.records import to_table
from curation.questions.views import View
from curation.resources import project_cities_dir
from curation.scoring.ground_truth import ground_truth
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.scorer import score
from curation.synth.make import render_city, render_synthetic
from curation.synth.procedural_spec import NetworkSpec
from curation.vision.prelabel import prelabel

PERCEPTION = ("locate", "identify", "crop")
TEXT_ANSWERABLE_TEMPLATES = {"crop_next_stop"}
STRATEGIES = ("gold", "centre", "random station", "most common", "station list")


def rebuilt(folder: Path, slug: str) -> Network:
    return build_cities([load_city(slug, folder / "cities")], folder / "data", folder / "graphs")[0].network


def maps(root: Path, seeds: list[int], renamed: list[str], real: list[str], data_root: Path) -> dict[str, Network]:
    demo = load_city("demo", project_cities_dir())
    drawn = render_city(demo, build_network(demo, demo.folder).network, root / "demo", seed=3)
    networks = {"demo": rebuilt(root / "demo", drawn.written.slug)}
    for seed in seeds:
        folder = root / f"synthetic-{seed}"
        made = render_synthetic(folder, seed=seed, spec=NetworkSpec(lines=6, stations_per_line=(10, 20)))
        networks[f"synthetic-{seed}"] = rebuilt(folder, made.written.slug)
    for slug in renamed:
        city = load_city(slug)
        folder = root / f"renamed-{slug}"
        made = render_city(city, build_network(city, data_root).network, folder, rename=True, seed=3)
        networks[f"renamed {slug}"] = rebuilt(folder, made.written.slug)
    for slug in real:
        city = load_city(slug)
        report = prelabel(city, data_root, out=root / "prelabel")
        proposed = with_positions(city, report.folder / "annotation.json")
        networks[f"real {slug}"] = build_cities([proposed], data_root, root / "graphs")[0].network
    return networks


def priors(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each template's most common gold answer (ties: the smallest text)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[row["template"]][row["answer_text"]] += 1
    return {t: min(c, key=lambda text: (-c[text], text)) for t, c in counts.items()}


def answers(rows: list[dict[str, Any]], network: Network, common: dict[str, str],
            rng: random.Random) -> dict[str, dict[str, str]]:
    """Each strategy's response to each question (absent where a strategy does not apply)."""
    pixels = PixelMap.of(network)
    stations, lines = sorted(network.stations), sorted(network.lines)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        kind, qid = row["answer_kind"], row["id"]
        out["gold"][qid] = row["answer_text"]
        prior = common.get(row["template"], "")
        out["most common"][qid] = prior
        text_answerable = row["family"] not in PERCEPTION or row["template"] in TEXT_ANSWERABLE_TEMPLATES
        out["station list"][qid] = row["answer_text"] if text_answerable else prior
        if kind in ("point", "box") and pixels is not None:
            view = View.from_dict(json.loads(row["view"]))
            coords = json.loads(row["answer"])["coords"]
            centre = (view.size[0] / 2, view.size[1] / 2)
            guess = view.to_shown(pixels.pos[rng.choice(pixels.located)])
            r = pixels.median_radius * view.scale
            for name, at in (("centre", centre), ("random station", guess)):
                out[name][qid] = "\\boxed{" + (format_point(at, view.size, coords) if kind == "point" else format_box(
                    (at[0] - r, at[1] - r, at[0] + r, at[1] + r), view.size, coords)) + "}"
        elif kind == "station":
            out["random station"][qid] = "\\boxed{" + network.stations[rng.choice(stations)].display_name + "}"
        elif kind in ("line", "lines"):
            out["random station"][qid] = "\\boxed{" + next(iter(network.lines[rng.choice(lines)].names.values())) + "}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--renamed", nargs="*", default=["lisboa", "hangzhou"])
    parser.add_argument("--real", nargs="*", default=["washington"])
    parser.add_argument("--data-root", type=Path, default=Path(os.environ.get("MAPCURATE_DATA", "../shared/data")))
    args = parser.parse_args()
    has_data = (args.data_root / "stations").is_dir()
    renamed, real = (args.renamed, args.real) if has_data else ([], [])
    totals: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        networks = maps(Path(tmp), args.seeds, renamed, real, args.data_root)
        print(f"maps: {', '.join(networks)}")
        questions = {name: to_table(generate_city(network, seed=0).questions).to_pylist()
                     for name, network in networks.items()}
        for name, network in networks.items():
            start = time.perf_counter()
            perception = generate_city(network, seed=0, families=list(PERCEPTION)).questions
            took = time.perf_counter() - start
            views = {q.view for q in perception}
            shown = [View.from_dict(json.loads(v)) for v in views if v]
            print(f"{name}: {len(network.stations)} stations, map {network.image['width']} × "
                  f"{network.image['height']} px; {len(perception)} perception questions in {took:.2f} s, "
                  f"{len(views)} distinct views (largest {max(v.size[0] * v.size[1] for v in shown) / 1e6:.2f} MP)")
            rows = questions[name]
            common = priors([r for other, rs in questions.items() if other != name for r in rs])
            lexicon = lexicon_from_network(network)
            responses = answers(rows, network, common, random.Random(f"blind/{name}"))
            for row in rows:
                truth = ground_truth(row, lexicon)
                for strategy in STRATEGIES:
                    response = responses[strategy].get(row["id"])
                    if response is None:
                        continue
                    result = score(truth, response)
                    group = row["template"] if row["family"] in PERCEPTION else row["family"]
                    totals[(group, strategy)].append(
                        (float(result["correct"]), result["reward"] / result["reward_max"]))
    print()
    print("accuracy / share of the gold reward, by family (perception: by template; —: the baseline does not "
          "apply)")
    print(f"{'family':<17}{'stage':>6}{'n':>6}" + "".join(f"{s:>22}" for s in STRATEGIES))
    stage = {t: FAMILIES[f].stage for f in FAMILIES for t in [f]} | {
        t: FAMILIES[t.split("_")[0]].stage for t, _ in totals if t.split("_")[0] in PERCEPTION}
    for group in sorted({g for g, _ in totals}, key=lambda g: (stage[g], g)):
        gold = totals[(group, "gold")]
        cells = []
        for strategy in STRATEGIES:
            values = totals.get((group, strategy))
            if not values:
                cells.append(f"{'—':>22}")
                continue
            accuracy = sum(v[0] for v in values) / len(values)
            share = sum(v[1] for v in values) / len(values)
            cells.append(f"{accuracy:>13.1%} / {share:>5.2f}")
        print(f"{group:<17}{stage[group]:>6}{len(gold):>6}" + "".join(cells))


if __name__ == "__main__":
    main()

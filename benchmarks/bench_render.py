"""Benchmark: rendering synthetic metro maps — maps per second and peak memory at ~4 MP and ~50 MP.

Each case runs in a fresh child process (so its peak RSS is its own): a procedural network is
generated and laid out, then drawn twice — by mapcurate's renderer (antialiased strokes with
parallel offsets, interchange capsules, placed labels, the exact annotation) and by a naive
baseline measured in the same run (Pillow `ImageDraw` lines and circles, no labels, no
annotation, no antialiasing), both encoded to PNG at the same size.

    .venv/bin/python benchmarks/bench_render.py
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time

from PIL import Image, ImageDraw

from curation.synth.procedural import NetworkSpec, generate_network
from curation.synth.render import RenderOptions, render_map

CASES = {"4 MP": (4.0, 4), "50 MP": (50.0, 1)}  # target megapixels, maps drawn
SPEC = NetworkSpec(lines=8, stations_per_line=(10, 18), loops=1, branches=1, shared_track=2)


def naive(network, layout, width: int, height: int) -> bytes:
    """Lines and circles with Pillow at the same scale: the least a map drawer does."""
    x0, y0, x1, y1 = layout.bounds()
    unit = min(width / (x1 - x0 + 4), height / (y1 - y0 + 4))

    def px(point):
        return ((point[0] - x0 + 2) * unit, (point[1] - y0 + 2) * unit)

    image = Image.new("RGB", (width, height), "#F6F4EF")
    draw = ImageDraw.Draw(image)
    for line in network.lines.values():
        for a, b in line.edges():
            draw.line([px(p) for p in layout.course(a, b)], fill=line.color or "#444444", width=max(1, int(unit / 6)))
    r = unit / 5
    for point in layout.positions.values():
        x, y = px(point)
        draw.ellipse((x - r, y - r, x + r, y + r), fill="white", outline="black", width=max(1, int(r / 3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def child(megapixels: float, count: int, which: str, sizes: list[list[int]]) -> None:
    """Draw `count` maps of ~`megapixels` with `which` renderer; print seconds and sizes as JSON."""
    networks = [generate_network(seed, SPEC, city="bench") for seed in range(count)]
    seconds, drawn_sizes = 0.0, []
    for seed, (network, layout) in enumerate(networks):
        start = time.perf_counter()
        if which == "naive":
            naive(network, layout, *sizes[seed])
            drawn_sizes.append(sizes[seed])
        else:
            drawn = render_map(network, layout, "bench.png", RenderOptions(megapixels=megapixels, label_seed=seed))
            drawn_sizes.append([int(drawn.stats["width"]), int(drawn.stats["height"])])
        seconds += time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "count": count, "sizes": drawn_sizes, "peak_mib": peak}))


def run(megapixels: float, count: int, which: str, sizes: list[list[int]] | None = None) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(megapixels), str(count), which,
                           json.dumps(sizes or [])], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"network: {SPEC}")
    print(f"{'case':<7} {'renderer':<10} {'size':>13} {'maps/s':>8} {'s/map':>7} {'peak RSS':>10}")
    for name, (megapixels, count) in CASES.items():
        ours = run(megapixels, count, "mapcurate")
        base = run(megapixels, count, "naive", ours["sizes"])
        for label, figures in (("mapcurate", ours), ("naive", base)):
            rate = figures["count"] / figures["seconds"]
            w, h = figures["sizes"][0]
            print(f"{name:<7} {label:<10} {w:>6} × {h:<6} {rate:>8.2f} {figures['seconds'] / figures['count']:>7.2f} "
                  f"{figures['peak_mib']:>7.0f} MiB")
        print(f"{name:<7} ratio      mapcurate takes {ours['seconds'] / base['seconds']:.1f}× the naive time "
              "(labels placed, antialiasing, offsets, annotation)")
    print("peak RSS: the whole child process (Python, the network, one canvas, the PNG)")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], json.loads(sys.argv[5]))
    else:
        main()

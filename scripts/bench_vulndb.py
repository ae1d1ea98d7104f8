#!/usr/bin/env python3
"""Vulnerability database benchmark: import of a whole OSV snapshot with `estiba db
import` (wall time, database size), then opening the database and matching an
inventory of 2,000 packages (median of 21 runs, in process, after open).

The inventory mixes ecosystems the way an image does: Debian 11 source packages and
PyPI, Go, crates.io, npm and Maven packages, named after packages the advisories
concern (so lookups find candidates and ranges are evaluated), at old versions.

usage: scripts/bench_vulndb.py SNAPSHOT_DIR [--packages N]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = ["almalinux", "alpine", "crates.io", "debian", "ghsa-subset", "go", "pypi", "ubuntu-subset"]


def build(args):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba_vulns", "--example",
                    "bench_match"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)


def inventory(snapshot, n):
    """n packages named after advisories' packages, spread over ecosystems."""
    want = {"Debian:11": 0.3, "PyPI": 0.25, "Go": 0.2, "crates.io": 0.1, "npm": 0.05, "Maven": 0.1}
    names = {e: [] for e in want}
    for path in sorted(glob.glob(os.path.join(snapshot, "**/*.json"), recursive=True)):
        try:
            record = json.load(open(path))
        except ValueError:
            continue
        for affected in record.get("affected") or []:
            package = affected.get("package") or {}
            eco = package.get("ecosystem")
            if eco in names and package.get("name") not in names[eco]:
                names[eco].append(package["name"])
    packages = []
    ecosystems = {"Debian:11": "Debian", "PyPI": "PyPI", "Go": "Go", "crates.io": "crates.io",
                  "npm": "npm", "Maven": "Maven"}
    versions = {"Debian:11": "1.0-1", "PyPI": "1.0.0", "Go": "v0.1.0", "crates.io": "0.1.0",
                "npm": "1.0.0", "Maven": "1.0.0"}
    for eco, share in want.items():
        pool = names[eco] or ["none"]
        for i in range(int(n * share)):
            name = pool[i % len(pool)]
            p = {"name": name, "version": versions[eco], "ecosystem": ecosystems[eco],
                 "purl": f"pkg:generic/{name}", "cataloger": "bench",
                 "found_at": {"path": f"/bench/{eco}/{i}"}}
            if eco == "Debian:11":
                p["source"] = {"name": name, "version": versions[eco]}
            packages.append(p)
    while len(packages) < n:
        packages.append(dict(packages[len(packages) % 100], found_at={"path": f"/bench/extra/{len(packages)}"}))
    return {"distro": {"id": "debian", "version_id": "11"}, "packages": packages}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot")
    parser.add_argument("--packages", type=int, default=2000)
    args = parser.parse_args()
    build(args)
    estiba = os.path.join(ROOT, "target/release/estiba")
    bench = os.path.join(ROOT, "target/release/examples/bench_match")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "osv.sqlite")
        paths = [os.path.join(args.snapshot, f) for f in FOLDERS]
        start = time.perf_counter()
        subprocess.run([estiba, "db", "import", *paths, "--db", db], check=True,
                       stderr=subprocess.DEVNULL)
        took = time.perf_counter() - start
        status = json.loads(subprocess.run([estiba, "db", "status", "--db", db, "-f", "json"],
                                           check=True, capture_output=True).stdout)
        print(f"import: {status['records']} records from {len(paths)} folders in {took:.2f} s; "
              f"database {status['size_bytes'] / 2**20:.1f} MiB")
        inv = os.path.join(tmp, "inventory.json")
        json.dump(inventory(args.snapshot, args.packages), open(inv, "w"))
        out = json.loads(subprocess.run([bench, db, inv], check=True, capture_output=True).stdout)
        print(f"open: {out['open_ms']:.2f} ms (target < 10 ms); match {out['packages']} packages: "
              f"{out['match_ms']:.1f} ms (target < 50 ms), {out['matches']} matches; median of {out['runs']}")


if __name__ == "__main__":
    sys.exit(main())

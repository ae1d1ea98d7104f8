#!/usr/bin/env python3
"""Copies the recorded osv.dev answers and every OSV record that concerns a queried
package from an OSV snapshot into crates/estiba_vulns/tests/data/oracle/, so that the
oracle test runs without the snapshot.

usage: scripts/copy_oracle_subset.py SNAPSHOT_DIR
"""
import json
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/estiba_vulns/tests/data/oracle")
FOLDERS = ["almalinux", "alpine", "crates.io", "debian", "ghsa-subset", "go", "pypi", "ubuntu-subset"]


def key(ecosystem, name):
    base, _, release = ecosystem.partition(":")
    if base == "Ubuntu" and release.endswith(":LTS"):
        release = release[: -len(":LTS")]
    if base == "PyPI":
        name = re.sub(r"[-_.]+", "-", name).lower()
    return base, release, name


def main():
    snapshot = sys.argv[1]
    answers = os.path.join(snapshot, "oracle-data/osv-dev-recorded-answers.json")
    entries = json.load(open(answers))["entries"]
    keys = {
        key(e["query"]["package"]["ecosystem"], e["query"]["package"]["name"])
        for e in entries
        if e["query"].get("package")
    }
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "records"))
    shutil.copy(answers, os.path.join(OUT, "answers.json"))
    copied = 0
    for folder in FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(snapshot, folder)):
            for name in sorted(files):
                if not name.endswith(".json") or name == "PROVENANCE.json":
                    continue
                path = os.path.join(dirpath, name)
                try:
                    record = json.load(open(path))
                except ValueError:
                    continue
                for affected in record.get("affected") or []:
                    package = affected.get("package") or {}
                    if "ecosystem" in package and key(package["ecosystem"], package.get("name", "")) in keys:
                        rel = os.path.relpath(path, snapshot)
                        dest = os.path.join(OUT, "records", rel)
                        os.makedirs(os.path.dirname(dest), exist_ok=True)
                        shutil.copy(path, dest)
                        copied += 1
                        break
    print(f"{len(entries)} recorded answers, {copied} records copied to {OUT}")


if __name__ == "__main__":
    main()

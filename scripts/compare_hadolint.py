#!/usr/bin/env python3
"""Rule-by-rule comparison of estiba and hadolint on the same Dockerfiles.

For every hadolint DL id, counts the files flagged by both tools, by estiba only and by
hadolint only (estiba findings count for a DL id when the rule declares that hadolint
reference), and lists example files for each disagreement so they can be reviewed.

    scripts/compare_hadolint.py [--files N] [--examples K] [--out report.md]
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=0)
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    files = sorted(p for p in (ROOT / "testdata/dockerfiles").iterdir()
                   if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md"))
    if args.files:
        files = files[: args.files]
    names = [str(p) for p in files]

    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)
    bin_dir = subprocess.run([str(ROOT / "scripts/peers.sh")], capture_output=True, text=True,
                             check=True).stdout.strip()

    hadolint = subprocess.run([f"{bin_dir}/hadolint", "--no-fail", "-f", "json", *names],
                              capture_output=True, text=True)
    h_hits = collections.defaultdict(lambda: collections.defaultdict(list))
    for item in json.loads(hadolint.stdout or "[]"):
        h_hits[item["code"]][pathlib.Path(item["file"]).name].append(item["line"])

    estiba = subprocess.run([str(ROOT / "target/release/estiba"), "lint", "--no-config",
                             "--format", "json", *names], capture_output=True, text=True)
    report = json.loads(estiba.stdout)
    e_hits = collections.defaultdict(lambda: collections.defaultdict(list))
    e_rule_counts = collections.Counter()
    for f in report["findings"]:
        if f.get("suppressed"):
            continue
        path = pathlib.Path(f["location"].get("path", "")).name
        line = (f["location"].get("span") or {}).get("start", {}).get("line", 0)
        e_rule_counts[f["rule"]] += 1
        for ref in f.get("references", []):
            if ref["kind"] == "hadolint":
                e_hits[ref["id"]][path].append(line)

    out = []
    out.append(f"files: {len(names)}\n")
    out.append("| DL id | both | only estiba | only hadolint |")
    out.append("|---|---|---|---|")
    details = []
    for code in sorted(set(h_hits) | set(e_hits)):
        h, e = set(h_hits[code]), set(e_hits[code])
        out.append(f"| {code} | {len(h & e)} | {len(e - h)} | {len(h - e)} |")
        for label, only, src in (("only estiba", e - h, e_hits), ("only hadolint", h - e, h_hits)):
            for name in sorted(only)[: args.examples]:
                details.append(f"- {code} {label}: {name} lines {src[code][name][:5]}")
    out.append("\n## Examples of disagreements\n")
    out.extend(details)
    out.append("\n## estiba findings per rule\n")
    for rule, n in sorted(e_rule_counts.items()):
        out.append(f"- {rule}: {n}")
    text = "\n".join(out) + "\n"
    if args.out:
        pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Wall-clock time of `estiba config` against checkov on the shared runtime-config corpus.

Each tool runs once per repetition over the whole corpus in one process. checkov has no
compose front end, so the ratio is taken on the Kubernetes corpus only; estiba on compose
and Kubernetes together is reported for information.

    scripts/bench_config.py [--checkov PATH] [--runs 3] [--checkov-runs 1]

checkov is not a project dependency: pass --checkov, or the script installs it into its
own venv under target/peers-checkov.
"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path("/work/shared/corpus")
VENV = ROOT / "target/peers-checkov"


def checkov_bin(arg):
    if arg:
        return arg
    exe = VENV / "bin/checkov"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin/pip"), "install", "-q", "checkov"], check=True)
    return str(exe)


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        # Exit codes say "findings present" for both tools; only the time matters here.
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkov", default=None)
    ap.add_argument("--estiba", default=str(ROOT / "target/release/estiba"))
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--checkov-runs", type=int, default=1)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    corpus = pathlib.Path(args.corpus)
    k8s, compose = corpus / "k8s", corpus / "compose"

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)
    est = [args.estiba, "config", "-f", "json"]
    ck = [checkov_bin(args.checkov), "--framework", "kubernetes", "-o", "json", "--quiet", "--compact",
          "--skip-download", "-d", str(k8s)]

    est_k8s, est_k8s_all = timed(est + [str(k8s)], args.runs)
    est_both, est_both_all = timed(est + [str(compose), str(k8s)], args.runs)
    ck_k8s, ck_all = timed(ck, args.checkov_runs)

    n_k8s = sum(1 for p in k8s.rglob("*") if p.suffix in (".yaml", ".yml"))
    n_compose = sum(1 for p in compose.rglob("*") if p.suffix in (".yaml", ".yml"))
    print(f"files: k8s {n_k8s}, compose {n_compose}")
    print("| run | median s | runs |")
    print("|---|---|---|")
    print(f"| estiba config k8s | {est_k8s:.3f} | {', '.join(f'{t:.3f}' for t in est_k8s_all)} |")
    print(f"| estiba config compose + k8s | {est_both:.3f} | {', '.join(f'{t:.3f}' for t in est_both_all)} |")
    print(f"| checkov --framework kubernetes k8s | {ck_k8s:.3f} | {', '.join(f'{t:.3f}' for t in ck_all)} |")
    print(f"\ncheckov / estiba on k8s: {ck_k8s / est_k8s:.0f}x")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What `estiba vulns` and cargo audit each report for the same Cargo.lock of old crates, both
reading the same RustSec data: estiba the RustSec OSV export (/work/shared/vulndb/crates.io),
cargo audit the native advisory-db at the same upstream commit
(/work/shared/vulndb/oracle-data/rustsec-advisory-db).

    scripts/compare_cargo_audit.py [--estiba PATH] [--workdir DIR] [--cargo-audit PATH]

The script writes a small Cargo project pinning old releases of well-known crates and resolves
its lockfile with `cargo generate-lockfile` (the rest of the graph resolves to current
releases). cargo audit runs offline (`--no-fetch`, `--db`); without --cargo-audit it is
installed once with `cargo install --locked` under target/peers/cargo-audit.

Compared per (crate, version, RUSTSEC id), split in two: vulnerabilities, and informational
advisories (unmaintained, unsound, notice), which cargo audit reports as warnings. Yanked-crate
warnings have no advisory and are only counted. Every difference is listed with the reason
found in the OSV record: withdrawn, informational kind, or whether its SEMVER ranges contain the
locked version. Run by hand, not in CI.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import estiba_vulns_run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
# estiba reads .estiba-ignore.yaml from its working directory: run it where there is none.
CARGO_AUDIT_VERSION = "0.22.2"

# Old releases with published advisories, plus three crates RustSec lists as unmaintained or
# unsound (atty, ansi_term, serde_cbor).
PINS = {
    "smallvec": "=1.6.0",
    "hyper": '{ version = "=0.14.9", features = ["full"] }',
    "tokio": '{ version = "=1.8.0", features = ["full"] }',
    "time": "=0.1.43",
    "chrono": "=0.4.19",
    "regex": "=1.5.4",
    "openssl": "=0.10.35",
    "ansi_term": "=0.12.1",
    "atty": "=0.2.14",
    "serde_cbor": "=0.11.2",
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def write_project(dest):
    (dest / "src").mkdir(parents=True, exist_ok=True)
    deps = "\n".join(f"{k} = {v if v.startswith('{') else json.dumps(v)}" for k, v in PINS.items())
    manifest = ('[package]\nname = "oldcrates"\nversion = "0.1.0"\nedition = "2018"\n\n'
                f"[dependencies]\n{deps}\n")
    lock = dest / "Cargo.lock"
    path = dest / "Cargo.toml"
    if not path.exists() or path.read_text() != manifest:
        path.write_text(manifest)
        lock.unlink(missing_ok=True)
    (dest / "src/main.rs").write_text("fn main() {}\n")
    if not lock.exists():
        subprocess.run(["cargo", "generate-lockfile", "--manifest-path", str(dest / "Cargo.toml")],
                       check=True)
    return lock


def cargo_audit_binary(arg):
    if arg:
        return arg
    root = ROOT / "target/peers/cargo-audit"
    binary = root / "bin/cargo-audit"
    if not binary.exists():
        log("installing cargo-audit (several minutes)")
        subprocess.run(["cargo", "install", "--locked", "--root", str(root), "cargo-audit",
                        "--version", CARGO_AUDIT_VERSION], check=True)
    return str(binary)


# ---------------------------------------------------------------------------- advisory data

def semver_key(v):
    core, _, pre = v.partition("+")[0].partition("-")
    nums = [int(x) if x.isdigit() else 0 for x in (core.split(".") + ["0", "0"])[:3]]
    # A pre-release sorts before its release; identifiers compare numerically when numeric.
    pre_key = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")] if pre else None
    return (*nums, pre_key is None, pre_key or [])


def semver_affected(events, version):
    v = semver_key(version)
    inside = False
    for ev in sorted(events, key=lambda e: semver_key(next(iter(e.values())))
                     if next(iter(e.values())) != "0" else (-1,)):
        kind, at = next(iter(ev.items()))
        if kind == "introduced" and (at == "0" or v >= semver_key(at)):
            inside = True
        elif kind == "fixed" and v >= semver_key(at):
            inside = False
        elif kind == "last_affected" and v > semver_key(at):
            inside = False
    return inside


def load_osv(vulndb):
    """{RUSTSEC id: {"withdrawn", "informational", "aliases", "affected": {crate: [events]}}}"""
    out = {}
    for path in (vulndb / "crates.io").glob("*.json"):
        rec = json.loads(path.read_text())
        info, affected = None, {}
        for aff in rec.get("affected", []):
            info = info or (aff.get("database_specific") or {}).get("informational")
            events = [ev for r in aff.get("ranges", []) for ev in r.get("events", [])]
            affected.setdefault(aff["package"]["name"], []).append(
                (events, aff.get("versions") or []))
        out[rec["id"]] = {"withdrawn": rec.get("withdrawn"), "informational": info,
                          "aliases": rec.get("aliases", []), "affected": affected}
    return out


def native_ids(db):
    """{RUSTSEC id: path} of the native advisory-db (crates/ and rust/)."""
    ids = {}
    for path in (db / "crates").rglob("RUSTSEC-*.md"):
        ids[path.stem] = path.relative_to(db)
    return ids


# ---------------------------------------------------------------------------- the two tools

def run_cargo_audit(binary, db, lock):
    cmd = [binary, "audit", "--no-fetch", "--stale", "--db", str(db), "--json", "-f", str(lock)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=lock.parent)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        log(f"cargo audit gave no JSON ({proc.returncode}): {proc.stderr.strip()[:2000]}")
        return None
    found, yanked = set(), []
    for item in doc.get("vulnerabilities", {}).get("list", []):
        found.add((item["package"]["name"], item["package"]["version"], item["advisory"]["id"]))
    for kind, items in (doc.get("warnings") or {}).items():
        for item in items:
            pkg = item.get("package", {})
            adv = item.get("advisory")
            if adv:
                found.add((pkg.get("name"), pkg.get("version"), adv["id"]))
            else:
                yanked.append(f"{pkg.get('name')} {pkg.get('version')} ({kind})")
    return found, sorted(yanked)


def estiba_db(estiba, records_dir, workdir):
    return estiba_vulns_run.import_db(estiba, records_dir, workdir / "crates.db")


def run_estiba(estiba, db, target):
    vulns = estiba_vulns_run.vulnerabilities(estiba, db, target)
    if vulns is None:
        return None
    found = set()
    for v in vulns:
        pkg = v.get("package", {})
        for rid in v.get("records", []):
            if rid.startswith("RUSTSEC-"):
                found.add((pkg.get("name"), pkg.get("version"), rid))
    return found


# ---------------------------------------------------------------------------- comparison

def locked_versions(lock):
    text = lock.read_text()
    return {(m.group(1), m.group(2)) for m in
            re.finditer(r'^name = "([^"]+)"\nversion = "([^"]+)"', text, re.M)}


def reason(triple, osv, native, locked):
    name, version, rid = triple
    rec = osv.get(rid)
    if rec is None:
        where = native.get(rid)
        return f"not in the OSV export{' (native: ' + str(where) + ')' if where else ''}"
    if rid not in native:
        return "not in the native advisory-db"
    notes = []
    if rec["withdrawn"]:
        notes.append(f"withdrawn {rec['withdrawn']}")
    if (name, version) not in locked:
        notes.append(f"{name} {version} not in Cargo.lock")
    entries = rec["affected"].get(name)
    if not entries:
        notes.append(f"OSV record does not name {name}")
    else:
        hit = any(version in versions or semver_affected(events, version)
                  for events, versions in entries)
        notes.append(f"OSV ranges {'contain' if hit else 'exclude'} {version}")
    return "; ".join(notes)


def table(title, ours, theirs):
    print(f"\n{title}")
    print(f"  {'found by both':<28}{len(ours & theirs):>6}")
    print(f"  {'only estiba':<28}{len(ours - theirs):>6}")
    print(f"  {'only cargo audit':<28}{len(theirs - ours):>6}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estiba", default=str(ROOT / "target/release/estiba"))
    ap.add_argument("--workdir", type=pathlib.Path,
                    default=pathlib.Path("/tmp/estiba-compare-cargo-audit"))
    ap.add_argument("--vulndb", type=pathlib.Path, default=pathlib.Path("/work/shared/vulndb"))
    ap.add_argument("--cargo-audit", help="cargo-audit binary (default: install under target/peers)")
    args = ap.parse_args()
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if os.sep in args.estiba:
        args.estiba = os.path.abspath(args.estiba)

    project = args.workdir / "project"
    lock = write_project(project)
    locked = locked_versions(lock)
    native_db = args.vulndb / "oracle-data/rustsec-advisory-db"
    osv = load_osv(args.vulndb)
    native = native_ids(native_db)
    toolchain = sum(1 for _ in (native_db / "rust").rglob("*.md"))
    print(f"Cargo.lock: {len(locked)} packages; OSV records: {len(osv)}; native crate "
          f"advisories: {len(native)}, plus {toolchain} for the Rust toolchain (not checked "
          "against a lockfile)")

    audit = run_cargo_audit(cargo_audit_binary(args.cargo_audit), native_db, lock)
    theirs, yanked = audit if audit else (None, [])

    ours = None
    if pathlib.Path(args.estiba).exists():
        db = estiba_db(args.estiba, args.vulndb / "crates.io", args.workdir)
        ours = run_estiba(args.estiba, db, project) if db else None

    def informational(t):
        return bool((osv.get(t[2]) or {}).get("informational"))

    for name, found in (("cargo audit", theirs), ("estiba", ours)):
        if found is None:
            print(f"\n{name} did not run")
    if theirs is not None:
        # Offline, cargo audit cannot read the index, so it reports no yanked crates.
        print(f"\ncargo audit yanked-crate warnings (no advisory, not compared): "
              f"{', '.join(yanked) or 'none'}")
    if theirs is None or ours is None:
        for name, found in (("cargo audit", theirs), ("estiba", ours)):
            for t in sorted(found or []):
                kind = (osv.get(t[2]) or {}).get("informational") or "vulnerability"
                print(f"  {name:<12} {t[0]} {t[1]:<10} {t[2]:<18} {kind}")
        return 0

    vuln_e = {t for t in ours if not informational(t)}
    vuln_r = {t for t in theirs if not informational(t)}
    table("vulnerabilities, (crate, version, RUSTSEC id)", vuln_e, vuln_r)
    table("informational advisories (cargo audit warnings)", ours - vuln_e, theirs - vuln_r)
    table("RUSTSEC ids, all kinds", {t[2] for t in ours}, {t[2] for t in theirs})
    print("\n  found by both:")
    for t in sorted(ours & theirs):
        kind = (osv.get(t[2]) or {}).get("informational") or "vulnerability"
        print(f"    {t[0] + ' ' + t[1]:<22} {t[2]:<18} {kind}")
    diffs = [("only estiba", t) for t in sorted(ours - theirs)] + \
            [("only cargo audit", t) for t in sorted(theirs - ours)]
    if diffs:
        print("\n  differences:")
    for side, t in diffs:
        kind = (osv.get(t[2]) or {}).get("informational") or "vulnerability"
        print(f"    {side:<17} {t[0] + ' ' + t[1]:<22} {t[2]:<18} {kind:<13} "
              f"{reason(t, osv, native, locked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What `estiba vulns` reports for old Python packages, against an independent evaluation of
the same PyPI OSV records (/work/shared/vulndb/pypi) written here with the `packaging` library.

    scripts/compare_pypi.py [--estiba PATH] [--workdir DIR]

Two targets with the same pins: a virtual environment (`pip install`, wheels only except for
PyYAML, whose 5.3.1 has no wheel for current Pythons and builds as pure Python; Pillow is
9.3.0, the oldest release with wheels for Python 3.11), scanned as `dir:SITE_PACKAGES`; and a
directory holding only a requirements.txt with `==` pins, scanned as a source tree. The
environment also holds the pins' dependencies and pip/setuptools; the reference evaluates every
`*.dist-info/METADATA` of site-packages, so those count too.

Reference semantics (OSV): withdrawn records are skipped; an `affected` entry applies to a
distribution when its PEP 503 normalised name matches and the version equals one of `versions`
(PEP 440 equality) or lies in an ECOSYSTEM range, whose events are sorted by version and walked
(`introduced` opens, `fixed` closes at that version, `last_affected` closes after it). GIT
ranges are skipped, as are events whose versions do not parse. Compared per (name, version,
PYSEC id); every difference is listed with the reference's reason. Run by hand, not in CI.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import venv

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import estiba_vulns_run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
# estiba reads .estiba-ignore.yaml from its working directory: run it where there is none.

PINS = ["django==3.2.0", "requests==2.25.0", "urllib3==1.26.4", "jinja2==2.11.2",
        "pyyaml==5.3.1", "pillow==9.3.0", "flask==1.1.2", "werkzeug==1.0.1",
        "cryptography==3.3.1",
        # Records with last_affected events, versions lists or several ranges.
        "pyjwt==1.7.1", "httplib2==0.18.1", "babel==2.8.0", "pygments==2.7.1", "py==1.10.0",
        "rsa==4.0", "ecdsa==0.13", "mistune==0.8.4", "paramiko==2.4.1"]
# Pure Python without a wheel for current interpreters: built from its sdist.
SDIST_OK = {"pyyaml"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ensure_packaging(workdir):
    """Re-run under a private venv that has `packaging` when this interpreter lacks it."""
    try:
        import packaging.version  # noqa: F401
        return
    except ImportError:
        pass
    tools = workdir / "tools"
    python = tools / "bin/python"
    if not python.exists():
        venv.create(tools, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "packaging"], check=True)
    if os.environ.get("COMPARE_PYPI_REEXEC"):
        raise SystemExit("packaging is still missing in the tools venv")
    os.environ["COMPARE_PYPI_REEXEC"] = "1"
    os.execv(str(python), [str(python), *sys.argv])


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def build_targets(workdir):
    env_dir = workdir / "venv"
    python = env_dir / "bin/python"
    marker = env_dir / "pins.txt"
    if not marker.exists() or marker.read_text() != "\n".join(PINS):
        shutil.rmtree(env_dir, ignore_errors=True)
        venv.create(env_dir, with_pip=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        wheels = [p for p in PINS if p.split("==")[0] not in SDIST_OK]
        subprocess.run(pip + ["--only-binary", ":all:"] + wheels, check=True)
        for p in PINS:
            if p.split("==")[0] in SDIST_OK:
                subprocess.run(pip + [p], check=True)
        marker.write_text("\n".join(PINS))
    site = next(env_dir.glob("lib/python*/site-packages"))
    req_dir = workdir / "requirements"
    req_dir.mkdir(parents=True, exist_ok=True)
    (req_dir / "requirements.txt").write_text("\n".join(PINS) + "\n")
    return site, req_dir


def installed_dists(site):
    """{(normalised name, version)} from the dist-info METADATA files."""
    dists = set()
    for meta in site.glob("*.dist-info/METADATA"):
        fields = {}
        for line in meta.read_text(errors="replace").splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
        if "Name" in fields and "Version" in fields:
            dists.add((pep503(fields["Name"]), fields["Version"]))
    return dists


def required(req_dir):
    out = set()
    for line in (req_dir / "requirements.txt").read_text().splitlines():
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep:
            out.add((pep503(name), version.strip()))
    return out


# ---------------------------------------------------------------------------- reference

class Reference:
    def __init__(self, records_dir):
        from packaging.version import InvalidVersion, Version
        self.Version, self.Invalid = Version, InvalidVersion
        self.by_name = {}
        self.withdrawn = {}
        self.records = 0
        for path in records_dir.glob("*.json"):
            rec = json.loads(path.read_text())
            self.records += 1
            for aff in rec.get("affected", []):
                pkg = aff.get("package", {})
                if pkg.get("ecosystem") != "PyPI":
                    continue
                entry = (rec["id"], aff, rec.get("withdrawn"))
                self.by_name.setdefault(pep503(pkg.get("name", "")), []).append(entry)

    def parse(self, v):
        try:
            return self.Version(v)
        except self.Invalid:
            return None

    def in_range(self, events, version):
        """(affected?, note) for one ECOSYSTEM range."""
        parsed, bad = [], []
        for ev in events:
            for kind, at in ev.items():
                if kind == "limit":
                    continue
                pv = self.Version("0") if (kind == "introduced" and at == "0") else self.parse(at)
                if pv is None:
                    bad.append(at)
                else:
                    # At equal versions, apply introduced before fixed, as OSV's walk does.
                    parsed.append((pv, {"introduced": 0, "last_affected": 1, "fixed": 2}[kind], kind))
        affected = False
        for pv, _, kind in sorted(parsed):
            if kind == "introduced" and version >= pv:
                affected = True
            elif kind == "fixed" and version >= pv:
                affected = False
            elif kind == "last_affected" and version > pv:
                affected = False
        return affected, (f"unparsable events {bad}" if bad else "")

    def evaluate(self, name, version_text):
        """{record id: why} of records affecting this distribution, and {record id: why not}
        of records naming it without affecting it."""
        hits, misses = {}, {}
        version = self.parse(version_text)
        for rid, aff, withdrawn in self.by_name.get(name, []):
            if withdrawn:
                misses.setdefault(rid, f"withdrawn {withdrawn}")
                continue
            why = None
            for v in aff.get("versions") or []:
                pv = self.parse(v)
                if v == version_text or (pv is not None and version is not None and pv == version):
                    why = f"listed in versions ({v})"
                    break
            notes = []
            for rng in aff.get("ranges", []):
                if rng.get("type") != "ECOSYSTEM":
                    notes.append(f"{rng.get('type')} range skipped")
                    continue
                if version is None:
                    notes.append("installed version does not parse")
                    continue
                ok, note = self.in_range(rng.get("events", []), version)
                if note:
                    notes.append(note)
                if ok and why is None:
                    why = "in range " + describe(rng.get("events", []))
                elif not ok:
                    notes.append("outside range " + describe(rng.get("events", [])))
            if why:
                hits[rid] = why
                misses.pop(rid, None)
            elif rid not in hits:
                misses[rid] = "; ".join(notes) or "no ECOSYSTEM range or versions entry"
        return hits, misses


def describe(events):
    return ",".join(f"{k}:{v}" for ev in events for k, v in ev.items())


# ---------------------------------------------------------------------------- estiba

def estiba_db(estiba, records_dir, workdir):
    return estiba_vulns_run.import_db(estiba, records_dir, workdir / "pypi.db")


def run_estiba(estiba, db, target):
    vulns = estiba_vulns_run.vulnerabilities(estiba, db, target)
    if vulns is None:
        return None
    found = set()
    for v in vulns:
        pkg = v.get("package", {})
        if pkg.get("ecosystem") != "PyPI":
            continue
        for rid in v.get("records", []):
            found.add((pep503(pkg.get("name", "")), pkg.get("version"), rid))
    return found


# ---------------------------------------------------------------------------- comparison

def compare(label, dists, ref, estiba_found):
    expected, reasons = set(), {}
    for name, version in dists:
        hits, misses = ref.evaluate(name, version)
        for rid, why in hits.items():
            expected.add((name, version, rid))
            reasons[(name, version, rid)] = why
        for rid, why in misses.items():
            reasons[(name, version, rid)] = "reference: not affected: " + why
    print(f"\n=== {label}: {len(dists)} distributions, {len(expected)} (name, version, PYSEC id) "
          f"affected per the reference, {len({t[2] for t in expected})} distinct ids")
    named = [r for t, r in reasons.items() if t not in expected]
    withdrawn = sum(1 for r in named if "withdrawn" in r)
    print(f"  records naming an installed distribution without affecting it: {len(named)} "
          f"({withdrawn} withdrawn)")
    per_pkg = {}
    for name, version, _ in expected:
        per_pkg[(name, version)] = per_pkg.get((name, version), 0) + 1
    print("  " + ", ".join(f"{n} {v}: {c}" for (n, v), c in sorted(per_pkg.items())))
    if estiba_found is None:
        print("  estiba did not run")
        return
    both, only_e, only_r = estiba_found & expected, estiba_found - expected, expected - estiba_found
    print(f"  {'found by both':<28}{len(both):>6}")
    print(f"  {'only estiba':<28}{len(only_e):>6}")
    print(f"  {'only the reference':<28}{len(only_r):>6}")
    inventory = {n: v for n, v in dists}
    if only_e or only_r:
        print("  differences:")
    for t in sorted(only_e):
        why = reasons.get(t)
        if why is None:
            if t[0] not in inventory:
                why = "reference: package not in the inventory"
            elif inventory[t[0]] != t[1]:
                why = f"reference: inventory has {t[0]} {inventory[t[0]]}, not {t[1]}"
            else:
                why = "reference: record does not name this package"
        print(f"    only estiba    {t[0] + ' ' + t[1]:<24} {t[2]:<17} {why}")
    for t in sorted(only_r):
        print(f"    only reference {t[0] + ' ' + t[1]:<24} {t[2]:<17} {reasons.get(t)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estiba", default=str(ROOT / "target/release/estiba"))
    ap.add_argument("--workdir", type=pathlib.Path, default=pathlib.Path("/tmp/estiba-compare-pypi"))
    ap.add_argument("--vulndb", type=pathlib.Path, default=pathlib.Path("/work/shared/vulndb"))
    args = ap.parse_args()
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if os.sep in args.estiba:
        args.estiba = os.path.abspath(args.estiba)
    ensure_packaging(args.workdir)

    site, req_dir = build_targets(args.workdir)
    ref = Reference(args.vulndb / "pypi")
    log(f"{ref.records} PyPI records loaded")
    db = None
    if pathlib.Path(args.estiba).exists():
        db = estiba_db(args.estiba, args.vulndb / "pypi", args.workdir)
    targets = [
        (f"site-packages (dir:{site})", installed_dists(site), f"dir:{site}"),
        (f"requirements.txt ({req_dir})", required(req_dir), str(req_dir)),
    ]
    for label, dists, target in targets:
        found = run_estiba(args.estiba, db, target) if db else None
        compare(label, dists, ref, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What `estiba vulns` and debsecan each report for the same Debian 11 root filesystem when
both read the same advisories: the shared Debian OSV records (DSA/DLA, data up to
2023-04-01) under /work/shared/vulndb/debian.

    scripts/compare_debsecan.py [--estiba PATH] [--workdir DIR] [--age-to DATE|none ...]

The root filesystem is `debootstrap --variant=minbase bullseye`, from the Debian mirror named
in this machine's apt sources, cached as bullseye-minbase.tar in $ESTIBA_ROOTFS_CACHE (or
/tmp/rootfs-cache when that exists). Debian's mirrors keep only the newest bullseye point
release (11.11), which already carries every fix up to 2023-04-01, so that system alone
matches almost nothing. Older binaries are not reachable (the archive's history is not served
by the mirror), so the script also "ages" the installed system: each source package's version
in the dpkg status is set to the newest entry of its own Debian changelog
(/usr/share/doc/PKG/changelog.Debian.gz) dated on or before DATE, default 2021-08-14, the 11.0
release day. Only the status file changes; both tools read that same file.

debsecan reads its data from `--source URL` + suite name: a zlib-compressed text file with a
`VERSION 1` line, then a vulnerability section (`name,flags,description`), a package section
(`package,vuln-index,flags,fixed-version,other-fixed-versions`) and a source-to-binary section,
each closed by an empty line. The script writes that file from the records' Debian:11 entries
(one vulnerability per DSA/DLA, its CVEs in the description) and serves it by `file://`.

Compared per (source package, DSA/DLA) and per (source package, CVE), the CVEs coming from the
records' `upstream` field. Every difference is listed with the installed source version, the
fixing version and dpkg's ordering of the two. Run by hand, not in CI.
"""
import argparse
import collections
import datetime
import email.utils
import gzip
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import estiba_vulns_run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
# estiba reads .estiba-ignore.yaml from its working directory: run it where there is none.
RELEASE = "Debian:11"
SUITE = "bullseye"
DEFAULT_AGE = "2021-08-14"
# The 10.0 release day: buster-era versions, more of them and older, in the bullseye status.
OLDER_AGE = "2019-07-06"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- root filesystem

def apt_mirror():
    """The first plain Debian archive URI of this machine's apt sources (not -security)."""
    uris = []
    files = [pathlib.Path("/etc/apt/sources.list")]
    d = pathlib.Path("/etc/apt/sources.list.d")
    if d.is_dir():
        files += sorted(d.iterdir())
    for f in files:
        if not f.is_file():
            continue
        text = f.read_text(errors="replace")
        if f.suffix == ".list" or f.name == "sources.list":
            for line in text.splitlines():
                parts = line.split("#", 1)[0].split()
                if parts[:1] == ["deb"]:
                    uris += [p for p in parts[1:] if "://" in p][:1]
        elif f.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
                if "deb" in fields.get("Types", "").split() and fields.get("Enabled", "yes") != "no":
                    uris += fields.get("URIs", "").split()
    for uri in uris:
        if uri.rstrip("/").endswith("/debian"):
            return uri
    raise SystemExit("no Debian archive URI in the apt sources; pass --mirror")


def rootfs_tar(args):
    cache = os.environ.get("ESTIBA_ROOTFS_CACHE")
    if not cache and pathlib.Path("/tmp/rootfs-cache").is_dir():
        cache = "/tmp/rootfs-cache"
    cache = pathlib.Path(cache) if cache else args.workdir
    cache.mkdir(parents=True, exist_ok=True)
    extra = sorted(set(args.include.split(","))) if args.include else []
    tag = "-" + hashlib.sha256(",".join(extra).encode()).hexdigest()[:8] if extra else ""
    tar = cache / f"{SUITE}-minbase{tag}.tar"
    if tar.exists():
        return tar
    if not shutil.which("debootstrap"):
        subprocess.run(["apt-get", "install", "-y", "-q", "debootstrap"], check=True)
    mirror = args.mirror or apt_mirror()
    build = args.workdir / "debootstrap"
    shutil.rmtree(build, ignore_errors=True)
    log(f"debootstrap --variant=minbase {SUITE} (a few minutes)")
    include = [f"--include={','.join(extra)}"] if extra else []
    subprocess.run(["debootstrap", "--variant=minbase", *include, SUITE, str(build), mirror],
                   check=True, stdout=subprocess.DEVNULL)
    partial = tar.with_suffix(".tar.partial")
    subprocess.run(["tar", "-C", str(build), "-cf", str(partial), "."], check=True)
    partial.rename(tar)
    shutil.rmtree(build, ignore_errors=True)
    return tar


def extract(tar, dest):
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(dest), "-xf", str(tar)], check=True)


# ---------------------------------------------------------------------------- dpkg status

Stanza = collections.namedtuple("Stanza", "fields order")


def parse_status(text):
    stanzas = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        fields, order, last = {}, [], None
        for line in block.split("\n"):
            if line[:1] in (" ", "\t") and last:
                fields[last] += "\n" + line
                continue
            key, _, value = line.partition(":")
            last = key
            fields[key] = value.strip()
            order.append(key)
        if fields:
            stanzas.append(Stanza(fields, order))
    return stanzas


def write_status(stanzas):
    out = []
    for s in stanzas:
        lines = []
        for key in s.order:
            value = s.fields[key]
            sep = ":" if not value or value.startswith("\n") else ": "
            lines.append(f"{key}{sep}{value}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def installed(stanzas):
    """binary name -> (source name, source version, binary version) of installed packages."""
    result = {}
    for s in stanzas:
        f = s.fields
        if "installed" not in f.get("Status", "").split():
            continue
        m = re.match(r"^(\S+)(?:\s+\((\S+)\))?$", f.get("Source", ""))
        src = m.group(1) if m and m.group(1) else f["Package"]
        srcver = m.group(2) if m and m.group(2) else f["Version"]
        result[f["Package"]] = (src, srcver, f["Version"])
    return result


CHANGELOG_HEAD = re.compile(r"^(\S+) \(([^)\s]+)\) ([^;]+);")
CHANGELOG_TRAILER = re.compile(r"^ -- .*?>  (.+)$")


def changelog_versions(path):
    """[(source, version, distributions, date)] of a Debian changelog, newest first."""
    entries, head = [], None
    try:
        with gzip.open(path, "rt", errors="replace") as f:
            for line in f:
                m = CHANGELOG_HEAD.match(line)
                if m:
                    head = m.groups()
                    continue
                m = CHANGELOG_TRAILER.match(line.rstrip("\n"))
                if m and head:
                    try:
                        when = email.utils.parsedate_to_datetime(m.group(1).strip()).date()
                    except (TypeError, ValueError):
                        when = None
                    entries.append((*head, when))
                    head = None
    except (OSError, EOFError):
        return []
    return entries


def doc_dir(rootfs, package):
    p = rootfs / "usr/share/doc" / package
    for _ in range(5):
        if not p.is_symlink():
            return p
        target = os.readlink(p)
        p = (rootfs / target.lstrip("/")) if target.startswith("/") else (p.parent / target)
    return p


def age(stanzas, rootfs, cutoff):
    """Set every source package to the newest version of its changelog dated on or before
    cutoff. Returns (rewritten stanzas, {source: (from, to)}, [sources left alone])."""
    by_source = collections.defaultdict(list)
    for pkg, (src, srcver, _) in installed(stanzas).items():
        by_source[(src, srcver)].append(pkg)
    target, unchanged = {}, []
    for (src, srcver), pkgs in sorted(by_source.items()):
        chosen = None
        for pkg in sorted(pkgs, key=lambda p: p != src):
            entries = [e for e in changelog_versions(doc_dir(rootfs, pkg) / "changelog.Debian.gz")
                       if e[0] == src]
            if not entries:
                continue
            for _, ver, dists, when in entries:
                if when and when <= cutoff and not re.search(r"experimental|backports", dists):
                    chosen = ver
                    break
            break
        if chosen and chosen != srcver:
            target[(src, srcver)] = chosen
        else:
            unchanged.append(src)
    out = []
    for s in stanzas:
        f = dict(s.fields)
        order = list(s.order)
        info = installed([s]).get(f.get("Package"))
        if info and (info[0], info[1]) in target:
            src, srcver, binver = info
            new = target[(src, srcver)]
            # Binary versions that only add an epoch or a binNMU suffix follow the source.
            m = re.fullmatch(r"(\d+:)?" + re.escape(srcver) + r"(\+b\d+)?", binver)
            if m:
                f["Version"] = (m.group(1) or "") + new if ":" not in new else new
            if f["Version"] != new or f["Package"] != src:
                f["Source"] = src if f["Version"] == new else f"{src} ({new})"
                if "Source" not in order:
                    order.insert(order.index("Version"), "Source")
        out.append(Stanza(f, order))
    changes = {src: (old, new) for (src, old), new in target.items()}
    return out, changes, sorted(set(unchanged))


# ---------------------------------------------------------------------------- advisories

def load_records(vulndb):
    """{record id: {"cves": [...], "fixed": {source: version}, "summary": str}} for Debian:11."""
    records = {}
    for path in sorted((vulndb / "debian").glob("*.json")):
        rec = json.loads(path.read_text())
        fixed = {}
        for aff in rec.get("affected", []):
            pkg = aff.get("package", {})
            if pkg.get("ecosystem") != RELEASE:
                continue
            fix = ""
            for rng in aff.get("ranges", []):
                for ev in rng.get("events", []):
                    fix = ev.get("fixed", fix)
            fixed[pkg["name"]] = fix
        if fixed:
            records[rec["id"]] = {"cves": rec.get("upstream", []), "fixed": fixed,
                                  "summary": rec.get("summary", "")}
    return records


def write_feed(records, feed_dir):
    """debsecan's per-suite data file: one vulnerability per DSA/DLA, fixed in this suite."""
    feed_dir.mkdir(parents=True, exist_ok=True)
    names, lines = [], []
    for index, (rid, rec) in enumerate(sorted(records.items())):
        desc = " ".join(rec["cves"]) or rec["summary"]
        names.append(f"{rid},,{desc.replace(chr(10), ' ')}")
        for src, fix in sorted(rec["fixed"].items()):
            # Flags: source package, no urgency, remote unknown, fix available.
            lines.append(f"{src},{index},S ?{'F' if fix else ' '},{fix},")
    text = "VERSION 1\n" + "\n".join(names) + "\n\n" + "\n".join(lines) + "\n\n\n"
    (feed_dir / SUITE).write_bytes(zlib.compress(text.encode()))
    return feed_dir.resolve().as_uri() + "/"


# ---------------------------------------------------------------------------- the two tools

def run_debsecan(args, feed_url, status):
    cmd = [args.debsecan, "--suite", SUITE, "--source", feed_url, "--status", str(status),
           "--format", "detail", "--config", "/dev/null"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"debsecan failed ({proc.returncode}): {proc.stderr.strip()}")
        return None
    found = set()
    bug = None
    for line in proc.stdout.splitlines():
        if line and not line.startswith(" "):
            bug = line.split()[0]
        m = re.match(r"^\s+\(built from (\S+) (\S+)\)", line)
        if m and bug:
            found.add((m.group(1), bug))
    return found


def estiba_db(args, records_dir):
    return estiba_vulns_run.import_db(args.estiba, records_dir, args.workdir / "debian.db")


def run_estiba(args, db, rootfs):
    vulns = estiba_vulns_run.vulnerabilities(args.estiba, db, f"dir:{rootfs}")
    if vulns is None:
        return None
    found = set()
    for v in vulns:
        pkg = v.get("package", {})
        if not str(pkg.get("ecosystem", "")).startswith("Debian"):
            continue
        src = (pkg.get("matched_as") or pkg.get("name", "")).split()[0]
        for rid in v.get("records", []):
            found.add((src, rid))
    return found


# ---------------------------------------------------------------------------- comparison

def dpkg_compare(a, b):
    """'<', '=' or '>' under dpkg's order, None when dpkg is not there."""
    if not shutil.which("dpkg"):
        return None
    for op, sym in (("lt", "<"), ("eq", "=")):
        if subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0:
            return sym
    return ">"


def reason(pair, side, records, sources):
    src, rid = pair
    rec = records.get(rid)
    if rec is None:
        return f"{rid} has no {RELEASE} entry in the shared records"
    if src not in rec["fixed"]:
        return f"{rid} does not name source {src} for {RELEASE}"
    if src not in sources:
        return f"source {src} is not installed per the dpkg status"
    fix = rec["fixed"][src]
    vers = sorted(sources[src])
    parts = []
    for v in vers:
        cmp = dpkg_compare(v, fix) if fix else "<"
        parts.append(f"installed {src} {v} {cmp or '?'} fixed {fix or '(none)'}")
    text = "; ".join(parts)
    vulnerable = any(p.split()[3] == "<" for p in parts)
    if side == "estiba" and not vulnerable:
        return text + " -> estiba reports a fixed version"
    if side == "reference" and vulnerable:
        return text + " -> estiba misses a vulnerable version"
    return text


def table(title, ours, theirs, ref_name):
    both, only_e, only_r = ours & theirs, ours - theirs, theirs - ours
    print(f"\n{title}")
    print(f"  {'found by both':<28}{len(both):>6}")
    print(f"  {'only estiba':<28}{len(only_e):>6}")
    print(f"  {'only ' + ref_name:<28}{len(only_r):>6}")
    return only_e, only_r


def compare(label, estiba, deb, records, stanzas):
    sources = collections.defaultdict(set)
    for _, (src, srcver, _) in installed(stanzas).items():
        sources[src].add(srcver)
    print(f"\n=== {label}: {len(installed(stanzas))} installed binary packages, "
          f"{len(sources)} source packages")
    if deb is None:
        print("  debsecan did not run")
    if estiba is None:
        print("  estiba did not run")
        if deb is not None:
            print(f"  debsecan: {len(deb)} (source, advisory) pairs, "
                  f"{len(cve_pairs(deb, records))} (source, CVE) pairs")
            for src, rid in sorted(deb):
                print(f"    {src:<22} {rid}")
        return
    if deb is None:
        print(f"  estiba: {len(estiba)} (source, advisory) pairs")
        return
    only_e, only_r = table("(source package, DSA/DLA) pairs", estiba, deb, "debsecan")
    table("(source package, CVE) pairs", cve_pairs(estiba, records), cve_pairs(deb, records),
          "debsecan")
    advisories = lambda s: {r for _, r in s}  # noqa: E731
    table("advisories (DSA/DLA ids)", advisories(estiba), advisories(deb), "debsecan")
    print("\n  found by both:" + ("" if estiba & deb else " none"))
    for src, rid in sorted(estiba & deb):
        fix = records.get(rid, {}).get("fixed", {}).get(src, "")
        print(f"    {src:<20} {rid:<14} installed {'/'.join(sorted(sources[src]))}, fixed {fix}")
    if only_e or only_r:
        print("\n  differences:")
    for side, pairs, who in (("only estiba", only_e, "estiba"),
                             ("only debsecan", only_r, "reference")):
        for pair in sorted(pairs):
            why = reason(pair, who, records, sources)
            print(f"    {side:<14}{pair[0]:<20} {pair[1]:<14} {why}")


def cve_pairs(pairs, records):
    out = set()
    for src, rid in pairs:
        for cve in records.get(rid, {}).get("cves", []) or [rid]:
            out.add((src, cve))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estiba", default=str(ROOT / "target/release/estiba"))
    ap.add_argument("--workdir", type=pathlib.Path, default=pathlib.Path("/tmp/estiba-compare-debsecan"))
    ap.add_argument("--vulndb", type=pathlib.Path, default=pathlib.Path("/work/shared/vulndb"))
    ap.add_argument("--debsecan", default="/usr/bin/debsecan")
    ap.add_argument("--mirror", help="Debian archive URI for debootstrap (default: from apt sources)")
    ap.add_argument("--include", metavar="PKG,...",
                    help="extra packages for debootstrap (a second cached tree), e.g. "
                         "curl,git,python3,libxml2,sqlite3 for more advisories to compare")
    ap.add_argument("--age-to", action="append", metavar="DATE|none",
                    help=f"status variants to compare (repeatable; default: none, {DEFAULT_AGE} "
                         f"and {OLDER_AGE})")
    args = ap.parse_args()
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if os.sep in args.estiba:
        args.estiba = os.path.abspath(args.estiba)
    variants = args.age_to or ["none", DEFAULT_AGE, OLDER_AGE]

    if not pathlib.Path(args.debsecan).exists() and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "debsecan"], check=False)

    records = load_records(args.vulndb)
    feed_url = write_feed(records, args.workdir / "feed")
    log(f"{len(records)} records with {RELEASE} entries; debsecan data at {feed_url}{SUITE}")

    rootfs = args.workdir / "rootfs"
    extract(rootfs_tar(args), rootfs)
    status = rootfs / "var/lib/dpkg/status"
    pristine = parse_status(status.read_text())

    db = estiba_db(args, args.vulndb / "debian") if pathlib.Path(args.estiba).exists() else None
    if db is None:
        log(f"estiba side skipped ({args.estiba})")

    for variant in variants:
        if variant == "none":
            stanzas, label = pristine, f"{SUITE} as installed (newest point release)"
        else:
            cutoff = datetime.date.fromisoformat(variant)
            stanzas, changes, unchanged = age(pristine, rootfs, cutoff)
            label = f"{SUITE} aged to {variant}"
            print(f"\n{label}: {len(changes)} source packages set back, "
                  f"{len(unchanged)} unchanged ({', '.join(unchanged)})")
            for src, (old, new) in sorted(changes.items()):
                print(f"    {src:<22} {old:<28} -> {new}")
        status.write_text(write_status(stanzas))
        deb = run_debsecan(args, feed_url, status) if pathlib.Path(args.debsecan).exists() else None
        estiba = run_estiba(args, db, rootfs) if db else None
        compare(label, estiba, deb, records, stanzas)
    status.write_text(write_status(pristine))
    return 0


if __name__ == "__main__":
    sys.exit(main())

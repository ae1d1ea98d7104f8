"""Running `estiba db import` and `estiba vulns` for the comparison scripts
(compare_cargo_audit.py, compare_pypi.py, compare_debsecan.py)."""
import json
import subprocess
import sys

# estiba runs from / so that no `.estiba-ignore.yaml` of the caller hides a finding.
CWD = "/"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def import_db(estiba, records_dir, db):
    """A fresh database at `db` holding `records_dir`; None (logged) when the import fails."""
    if db.exists():
        db.unlink()
    proc = subprocess.run([str(estiba), "db", "import", str(records_dir), "--db", str(db)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"estiba db import failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")
        return None
    return db


def vulnerabilities(estiba, db, target):
    """The `vulnerabilities` of `estiba vulns TARGET -f json`; None (logged) without JSON."""
    proc = subprocess.run([str(estiba), "vulns", str(target), "--db", str(db), "--format", "json"],
                          capture_output=True, text=True, cwd=CWD)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        log(f"estiba vulns {target} gave no JSON ({proc.returncode}): {proc.stderr.strip()[:2000]}")
        return None
    return doc.get("vulnerabilities", [])

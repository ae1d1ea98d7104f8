#!/usr/bin/env python3
"""Check-by-check comparison of `estiba config` and checkov on Kubernetes manifests.

Runs both tools on one corpus (default: the shared Kubernetes corpus), maps checkov's
CKV_K8S_* ids to estiba's RT rules where both check the same thing, and counts per mapped
pair the resources flagged by both, by estiba only and by checkov only. Every
disagreement gets a class (why the tools differ) and the classes are listed with examples.

Common key: (file name, kind, namespace, name) of the Kubernetes object. checkov reports
one result per object and check (an object fails when any of its containers fails), while
estiba reports each container at its own line; so estiba findings are folded onto the
object whose document holds their line. Objects inside a `kind: List` are keyed by the
item, as checkov does; a missing namespace counts as `default`, as in checkov's ids.

    scripts/compare_checkov.py [--corpus DIR] [--checkov PATH] [--examples K] [--out FILE]

checkov is not a project dependency: pass --checkov, or the script installs it into its
own venv under target/peers-checkov (a large download, once).
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys

try:
    import yaml
except ImportError:  # the checkov venv has it; the script can be run with its python
    sys.exit("compare_checkov.py needs PyYAML (e.g. run it with the checkov venv's python)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = pathlib.Path("/work/shared/corpus/k8s")
VENV = ROOT / "target/peers-checkov"

# checkov id -> (estiba rules counted together, note on what differs).
MAPPING = {
    "CKV_K8S_16": (["RT001"], "privileged: same test on each container (init containers included by both)."),
    "CKV_K8S_17": (["RT012"], "hostPID: checkov judges the pod spec once, estiba each container."),
    "CKV_K8S_18": (["RT013"], "hostIPC: pod-level in checkov, per container in estiba."),
    "CKV_K8S_19": (["RT011"], "hostNetwork: pod-level in checkov, per container in estiba."),
    "CKV_K8S_20": (["RT004"], "allowPrivilegeEscalation must be false; estiba also treats privileged "
                              "and CAP_SYS_ADMIN as forcing it on, checkov only reads the field."),
    "CKV_K8S_22": (["RT010"], "readOnlyRootFilesystem: same field on each container."),
    "CKV_K8S_23": (["RT008", "RT009"], "checkov passes when runAsNonRoot is true or runAsUser > 0 at pod or "
                                       "container level; estiba splits the failures into explicit root "
                                       "(RT008) and no user chosen (RT009). RT039 (non-root UID without "
                                       "runAsNonRoot) is a pass for checkov, so it is not counted."),
    "CKV_K8S_25": (["RT002"], "checkov fails on any capabilities.add; estiba accepts a harmless default "
                              "capability added back after dropping ALL."),
    "CKV_K8S_39": (["RT002:SYS_ADMIN"], "SYS_ADMIN added: the RT002 findings that name it."),
    "CKV_K8S_28": (["RT003"], "checkov passes when NET_RAW alone is dropped; estiba wants ALL dropped."),
    "CKV_K8S_37": (["RT003"], "drop ALL: same test; estiba leaves privileged containers to RT001."),
    "CKV_K8S_26": (["RT036"], "hostPort on any container port."),
    "CKV_K8S_27": (["RT018"], "checkov only knows hostPath /var/run/docker.sock exactly; estiba also "
                              "other runtime sockets and their directories."),
    "CKV_K8S_11": (["RT027"], "resources.limits.cpu on each container."),
    "CKV_K8S_13": (["RT025"], "resources.limits.memory on each container."),
    "CKV_K8S_14": (["RT031"], "no tag or `latest`, digest passes: same test."),
    "CKV_K8S_15": (["RT038"], "effective imagePullPolicy not Always for a tagged image without digest; "
                              "both apply the Kubernetes default for a missing policy."),
    "CKV_K8S_31": (["RT040", "RT005"], "checkov fails any profile type other than RuntimeDefault (Localhost "
                                       "too) and reads only some workload kinds; estiba reports unset "
                                       "(RT040) and Unconfined (RT005) and accepts Localhost."),
    "CKV_K8S_38": (["RT034"], "automountServiceAccountToken: false on the pod; estiba also honours it on "
                              "a ServiceAccount of the same input."),
    "CKV2_K8S_6": (["RT037"], "pod not selected by any NetworkPolicy (graph check in checkov)."),
}
# checkov checks with no estiba counterpart, with the reason (reported as counts only).
UNMAPPED = {
    "CKV_K8S_35": "opposite advice: checkov flags secretKeyRef in env (prefers files); estiba RT030 "
                  "flags literal secret values and accepts secretKeyRef",
    "CKV_K8S_43": "digest required for every image; estiba RT031 only flags untagged/latest",
    "CKV_K8S_40": "runAsUser >= 10000; no estiba rule",
    "CKV_K8S_8": "liveness probe; no estiba rule", "CKV_K8S_9": "readiness probe; no estiba rule",
    "CKV_K8S_10": "CPU request; no estiba rule", "CKV_K8S_12": "memory request; no estiba rule",
    "CKV_K8S_21": "default namespace; no estiba rule",
    "CKV_K8S_29": "pod securityContext present; no estiba rule",
    "CKV_K8S_30": "container securityContext present; no estiba rule",
}


def checkov_bin(arg):
    if arg:
        return arg
    exe = VENV / "bin/checkov"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin/pip"), "install", "-q", "checkov"], check=True)
    return str(exe)


def node_get(node, key):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def scalar(node):
    return node.value if isinstance(node, yaml.ScalarNode) else None


class Doc:
    """One Kubernetes object: its key, lines, data and container line ranges."""

    def __init__(self, path, node, data):
        meta = node_get(node, "metadata")
        self.kind = scalar(node_get(node, "kind")) or "?"
        name = scalar(node_get(meta, "name")) or scalar(node_get(meta, "generateName")) or "?"
        ns = scalar(node_get(meta, "namespace")) or "default"
        self.key = (path.name, self.kind, ns, name)
        self.start = node.start_mark.line + 1
        self.end = node.end_mark.line + 1
        self.data = data if isinstance(data, dict) else {}
        self.containers = []  # (field, container name, start, end)
        self._walk(node)

    def _walk(self, node):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                field = scalar(k)
                if field in ("containers", "initContainers", "ephemeralContainers") and isinstance(
                        v, yaml.SequenceNode):
                    for item in v.value:
                        self.containers.append((field, scalar(node_get(item, "name")) or "?",
                                                item.start_mark.line + 1, item.end_mark.line + 1))
                self._walk(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._walk(item)

    def container_at(self, line):
        hits = [c for c in self.containers if c[2] <= line <= c[3]]
        return min(hits, key=lambda c: c[3] - c[2]) if hits else None

    def pod_spec(self):
        d = self.data
        path = {"Pod": ["spec"], "PodTemplate": ["template", "spec"],
                "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"]}.get(
            self.kind, ["spec", "template", "spec"])
        for p in path:
            d = d.get(p) if isinstance(d, dict) else None
        return d if isinstance(d, dict) else None


def index_file(path):
    """Objects of one file; items of a `kind: List` are objects of their own."""
    docs = []
    try:
        text = path.read_text(errors="replace")
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        datas = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return docs
    for node, data in zip(nodes, datas):
        if node is None:
            continue
        if scalar(node_get(node, "kind")) == "List" and isinstance(node_get(node, "items"), yaml.SequenceNode):
            for inode, idata in zip(node_get(node, "items").value, (data or {}).get("items") or []):
                docs.append(Doc(path, inode, idata))
        else:
            docs.append(Doc(path, node, data))
    return docs


def doc_at(docs, line):
    hits = [d for d in docs if d.start <= line <= d.end]
    return min(hits, key=lambda d: d.end - d.start) if hits else None


def containers_of(spec):
    out = []
    for field in ("containers", "initContainers"):
        for c in (spec or {}).get(field) or []:
            if isinstance(c, dict):
                out.append((field, c))
    return out


def sc(c):
    return c.get("securityContext") if isinstance(c.get("securityContext"), dict) else {}


def classify(check, rules, side, doc, e_items, objects, bad_files, all_docs):
    """Why one object is flagged by one tool only, for the checks where the reason is structural."""
    spec = doc.pod_spec() if doc else None
    if doc is None:
        return "object not found in the YAML index"
    if doc.key[0] in bad_files:
        return "estiba rejects the file (parse error), checkov reads it"
    if side == "only checkov" and not containers_of(spec):
        return "object without containers (a patch or partial object): checkov fails it, estiba has nothing to judge"
    if side == "only checkov" and check in ("CKV_K8S_14", "CKV_K8S_15") and any(
            not c.get("image") for _, c in containers_of(spec)):
        return "container without image (a patch): checkov fails it, estiba does not judge it"
    if side == "only estiba" and doc.key not in objects.get(check, set()):
        return f"checkov does not evaluate kind {doc.kind} for this check"
    fields = {c[0] for _, c, _ in e_items if c} if e_items else set()
    if side == "only estiba" and fields and fields <= {"initContainers", "ephemeralContainers"} and check in (
            "CKV_K8S_31",):
        return "estiba flags an init container; checkov's pod check reads containers only"
    cs = containers_of(spec)
    if doc.kind == "DeploymentConfig" and side == "only checkov":
        return "estiba does not read OpenShift DeploymentConfig objects"
    if side == "only checkov" and check in ("CKV_K8S_28", "CKV_K8S_37", "CKV_K8S_31") and any(
            sc(c).get("privileged") for _, c in cs):
        return "privileged container: estiba reports it under RT001 only"
    if side == "only checkov" and check in ("CKV_K8S_14", "CKV_K8S_15") and any(
            "$" in str(c.get("image", "")) for _, c in cs):
        return "image reference with a ${VAR}/$VAR placeholder: estiba does not judge it"
    if check == "CKV_K8S_25" and side == "only checkov":
        drops_all = all("ALL" in ((sc(c).get("capabilities") or {}).get("drop") or []) for _, c in cs
                        if (sc(c).get("capabilities") or {}).get("add"))
        if drops_all:
            return "capability added back after drop ALL (a default one); estiba accepts it"
    if check == "CKV_K8S_28" and side == "only estiba" and any(
            "NET_RAW" in ((sc(c).get("capabilities") or {}).get("drop") or []) for _, c in cs):
        return "container drops NET_RAW but not ALL (checkov passes, estiba wants ALL)"
    if check == "CKV_K8S_38" and side == "only checkov" and spec is not None:
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        for other in all_docs.values():
            if (other.kind == "ServiceAccount" and other.key[2] == doc.key[2] and other.key[3] == sa
                    and other.data.get("automountServiceAccountToken") is False):
                return (f"ServiceAccount {sa} in namespace {doc.key[2]} (file {other.key[0]}) has "
                        "automountServiceAccountToken: false; estiba honours it across the input")
    return "other (see examples)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--checkov", default=None, help="checkov executable (default: a private venv)")
    ap.add_argument("--estiba", default=str(ROOT / "target/release/estiba"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--examples", type=int, default=4)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    corpus = pathlib.Path(args.corpus)

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "estiba"], cwd=ROOT, check=True)

    est = subprocess.run([args.estiba, "config", str(corpus), "-f", "json"], capture_output=True, text=True)
    report = json.loads(est.stdout)
    # Without --quiet checkov lists passed checks too: needed to tell "passed" from "not evaluated".
    ck = subprocess.run([checkov_bin(args.checkov), "-d", str(corpus), "--framework", "kubernetes",
                         "-o", "json", "--compact", "--skip-download"], capture_output=True, text=True)
    ck_report = json.loads(ck.stdout)
    if isinstance(ck_report, list):
        ck_report = next(r for r in ck_report if r.get("check_type") == "kubernetes")

    bad_files = {pathlib.Path(e.get("input", "")).name for e in report.get("errors", [])}
    index = {}
    for p in sorted(corpus.rglob("*")):
        if p.suffix in (".yaml", ".yml") and p.is_file():
            index[p.name] = index_file(p)
    by_key = {d.key: d for docs in index.values() for d in docs}

    # estiba: rule -> object key -> [(line, container)]
    e_hits = collections.defaultdict(lambda: collections.defaultdict(list))
    unplaced = []
    for f in report["findings"]:
        if f.get("suppressed"):
            continue
        loc = f["location"]
        name = pathlib.Path(loc.get("path", "")).name
        line = (loc.get("span") or {}).get("start", {}).get("line", 0)
        doc = doc_at(index.get(name, []), line)
        if doc is None:
            unplaced.append(f"{f['rule']} {name}:{line}")
            continue
        e_hits[f["rule"]][doc.key].append((line, doc.container_at(line), f.get("message", "")))

    # checkov: check -> failed object keys, check -> evaluated object keys
    def ck_key(item):
        # By line first: checkov names objects without metadata.name after other fields.
        kind, ns, name = (item["resource"].split(".", 2) + ["?", "?"])[:3]
        fname = pathlib.Path(item["file_path"]).name
        start, end = item["file_line_range"]
        doc = doc_at(index.get(fname, []), (start + end) // 2)
        if doc is not None and doc.kind == kind:
            return doc.key
        return (fname, kind, ns, name)

    c_fail = collections.defaultdict(dict)
    c_eval = collections.defaultdict(set)
    results = ck_report["results"]
    for item in results.get("failed_checks", []):
        c_fail[item["check_id"]][ck_key(item)] = item["file_line_range"]
        c_eval[item["check_id"]].add(ck_key(item))
    for item in results.get("passed_checks", []):
        c_eval[item["check_id"]].add(ck_key(item))

    out = [f"corpus: {corpus} — {len(index)} files, {len(by_key)} objects; estiba findings "
           f"{len(report['findings'])} (errors {len(report.get('errors', []))}); checkov failed "
           f"{len(results.get('failed_checks', []))}, passed {len(results.get('passed_checks', []))}\n",
           "Counts are objects (file, kind, namespace, name).\n",
           "| checkov | estiba | both | only estiba | only checkov | note |", "|---|---|---|---|---|---|"]
    classes = collections.defaultdict(lambda: collections.defaultdict(list))
    for check, (rules, note) in MAPPING.items():
        e = {}
        for spec_ in rules:
            # "RULE:WORD" counts only the findings whose message names WORD.
            r, _, word = spec_.partition(":")
            for k, v in e_hits[r].items():
                v = [x for x in v if word in x[2]]
                if v:
                    e.setdefault(k, []).extend(v)
        c = c_fail.get(check, {})
        both, only_e, only_c = set(e) & set(c), set(e) - set(c), set(c) - set(e)
        out.append(f"| {check} | {'+'.join(rules)} | {len(both)} | {len(only_e)} | {len(only_c)} | {note} |")
        for side, keys in (("only estiba", only_e), ("only checkov", only_c)):
            for k in sorted(keys):
                doc = by_key.get(k)
                cls = classify(check, rules, side, doc, e.get(k), c_eval, bad_files, by_key)
                if side == "only estiba":
                    where = ", ".join(f"{ln}{' ' + ct[1] if ct else ''}" for ln, ct, _ in e[k][:3])
                else:
                    where = f"lines {c[k][0]}-{c[k][1]}"
                classes[(check, side)][cls].append(f"{k[0]} {k[1]}/{k[3]} ({where})")

    out.append("\n## Disagreements by class\n")
    for (check, side), by_cls in classes.items():
        for cls, items in sorted(by_cls.items(), key=lambda kv: -len(kv[1])):
            out.append(f"- {check} {side}: {cls} — {len(items)}")
            for it in items[: args.examples]:
                out.append(f"    - {it}")

    out.append("\n## checkov checks with no estiba counterpart (failed objects)\n")
    for check, why in UNMAPPED.items():
        out.append(f"- {check}: {len(c_fail.get(check, {}))} — {why}")
    mapped_rules = {r.partition(":")[0] for rules, _ in MAPPING.values() for r in rules}
    out.append("\n## estiba rules with no checkov counterpart (objects)\n")
    for rule in sorted(set(e_hits) - mapped_rules):
        out.append(f"- {rule}: {len(e_hits[rule])}")
    # Same rule, line and message more than once: a pod-level fact repeated per container.
    same = collections.Counter((f["rule"], pathlib.Path(f["location"].get("path", "")).name,
                                (f["location"].get("span") or {}).get("start", {}).get("line", 0), f["message"])
                               for f in report["findings"])
    repeated = {k: n for k, n in same.items() if n > 1}
    out.append(f"\n## estiba findings repeated at one line with one message: {len(repeated)} places, "
               f"{sum(repeated.values()) - len(repeated)} extra findings\n")
    for (rule, name, line, _), n in sorted(repeated.items(), key=lambda kv: -kv[1])[: args.examples]:
        out.append(f"- {rule} {name}:{line} ×{n}")
    if unplaced:
        out.append(f"\nestiba findings outside any parsed object: {len(unplaced)}: {unplaced[:5]}")
    text = "\n".join(out) + "\n"
    if args.out:
        pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())

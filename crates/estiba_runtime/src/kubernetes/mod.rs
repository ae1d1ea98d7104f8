//! Kubernetes manifests onto the runtime model: every container of every pod-bearing
//! object becomes one [`Workload`], with NetworkPolicies, ServiceAccounts and Namespaces
//! of the same input taken into account.
//!
//! Choices made where the manifest alone does not decide:
//! * `restart`: a bare Pod's `restartPolicy` (default `Always`) is mapped; for
//!   controllers restarting is the controller's business (a Deployment's pods are always
//!   restarted, a Job's per its policy), so their `restartPolicy` is mapped as written and
//!   left at the model's default `No` when absent.
//! * user namespaces: `hostUsers: false` gives the pod its own user namespace
//!   (`Private`); absent or `true` means the host's user namespace (`Host`), which is the
//!   Kubernetes default, so that setting points at the pod when it is absent.
//! * pids: a pod has no pids limit of its own (it is a kubelet setting), so it stays `None`.

mod quantity;

use std::path::Path;

pub use quantity::{parse_cpu, parse_memory};

use crate::model::*;
use crate::yaml::{Limits, LoadNote, Node, YamlError, parse_documents};

/// A loaded manifest stream.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KubernetesManifests {
    pub workloads: Vec<Workload>,
    pub notes: Vec<LoadNote>,
}

/// Why manifests could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KubernetesError {
    #[error("{}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Yaml(#[from] YamlError),
}

/// What a YAML input is, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YamlKind {
    Compose,
    Kubernetes,
    Other,
}

/// Classifies parsed documents: Kubernetes when a document has `apiVersion` and `kind`,
/// compose when one has a top-level `services` mapping, otherwise neither.
pub fn classify(documents: &[Node]) -> YamlKind {
    if documents
        .iter()
        .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some())
    {
        return YamlKind::Kubernetes;
    }
    if documents
        .iter()
        .any(|d| d.get("services").is_some_and(|s| s.is_map() || s.is_null()))
    {
        return YamlKind::Compose;
    }
    YamlKind::Other
}

/// Parses `bytes` and classifies them (see [`classify`]).
pub fn classify_bytes(bytes: &[u8], path: &Path, limits: &Limits) -> Result<YamlKind, YamlError> {
    Ok(classify(&parse_documents(bytes, path, limits)?))
}

/// Loads a manifest file (one or many documents).
pub fn load_file(path: &Path, limits: &Limits) -> Result<KubernetesManifests, KubernetesError> {
    let io = |source| KubernetesError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > limits.max_bytes as u64 {
        return Err(YamlError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            kind: crate::yaml::YamlErrorKind::TooLarge {
                size: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                limit: limits.max_bytes,
            },
        }
        .into());
    }
    let bytes = std::fs::read(path).map_err(io)?;
    from_bytes(&bytes, path, limits)
}

/// Loads manifests from text (stdin, say); `display_name` names it in locations.
pub fn from_str(
    text: &str,
    display_name: &str,
    limits: &Limits,
) -> Result<KubernetesManifests, KubernetesError> {
    from_bytes(text.as_bytes(), Path::new(display_name), limits)
}

fn from_bytes(
    bytes: &[u8],
    path: &Path,
    limits: &Limits,
) -> Result<KubernetesManifests, KubernetesError> {
    let docs = parse_documents(bytes, path, limits)?;
    Ok(from_documents(&docs))
}

/// Collected objects of one input.
#[derive(Default)]
struct Objects<'a> {
    pods: Vec<PodSource<'a>>,
    policies: Vec<Policy>,
    service_accounts: Vec<(Option<String>, String, &'a Node)>,
}

struct PodSource<'a> {
    kind: String,
    name: String,
    namespace: Option<String>,
    /// The pod's metadata (the object's own for a bare Pod, else the template's).
    template_metadata: Option<&'a Node>,
    spec: &'a Node,
    /// A StatefulSet's `volumeClaimTemplates` (volumes the pod spec does not list).
    claim_templates: Option<&'a Node>,
}

struct Policy {
    namespace: Option<String>,
    selector: Selector,
}

#[derive(Default)]
struct Selector {
    labels: Vec<(String, String)>,
    expressions: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn from_node(node: Option<&Node>) -> Self {
        let mut s = Selector::default();
        let Some(node) = node else { return s };
        if let Some(labels) = node.get("matchLabels") {
            s.labels = labels
                .entries()
                .iter()
                .map(|(k, v)| (k.text.clone(), v.text().unwrap_or_default()))
                .collect();
        }
        if let Some(exprs) = node.get("matchExpressions") {
            for e in exprs.items() {
                let key = e.get("key").and_then(Node::text).unwrap_or_default();
                let op = e.get("operator").and_then(Node::text).unwrap_or_default();
                let values = e
                    .get("values")
                    .map(|v| v.items().iter().filter_map(Node::text).collect())
                    .unwrap_or_default();
                s.expressions.push((key, op, values));
            }
        }
        s
    }

    fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
        self.labels.iter().all(|(k, v)| get(k) == Some(v.as_str()))
            && self
                .expressions
                .iter()
                .all(|(k, op, values)| match op.as_str() {
                    "In" => get(k).is_some_and(|v| values.iter().any(|x| x == v)),
                    "NotIn" => get(k).is_none_or(|v| !values.iter().any(|x| x == v)),
                    "Exists" => get(k).is_some(),
                    "DoesNotExist" => get(k).is_none(),
                    _ => false,
                })
    }
}

fn text_at(node: &Node, path: &[&str]) -> Option<String> {
    let mut cur = node;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.text()
}

fn collect<'a>(doc: &'a Node, objects: &mut Objects<'a>, notes: &mut Vec<LoadNote>, depth: usize) {
    if doc.is_null() {
        return;
    }
    let (Some(_), Some(kind)) = (doc.get("apiVersion"), doc.get("kind").and_then(Node::text))
    else {
        notes.push(LoadNote {
            at: Some(doc.location()),
            message: "document skipped: not a Kubernetes object (no apiVersion/kind)".into(),
        });
        return;
    };
    let name = text_at(doc, &["metadata", "name"])
        .or_else(|| text_at(doc, &["metadata", "generateName"]))
        .unwrap_or_else(|| "(unnamed)".into());
    let namespace = text_at(doc, &["metadata", "namespace"]);
    let spec = doc.get("spec");
    let template = |path: &[&str]| -> Option<&'a Node> {
        let mut cur = doc;
        for key in path {
            cur = cur.get(key)?;
        }
        Some(cur)
    };
    let pod = |tpl: Option<&'a Node>| -> Option<(Option<&'a Node>, &'a Node)> {
        let tpl = tpl?;
        Some((tpl.get("metadata"), tpl.get("spec")?))
    };
    let found = match kind.as_str() {
        "List" if depth < 4 => {
            if let Some(items) = doc.get("items") {
                for item in items.items() {
                    collect(item, objects, notes, depth + 1);
                }
            }
            None
        }
        "Pod" => spec.map(|s| (doc.get("metadata"), s)),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        // OpenShift's DeploymentConfig (apps.openshift.io/v1) has the same template.
        | "DeploymentConfig"
        | "Job" => pod(template(&["spec", "template"])),
        "CronJob" => pod(template(&["spec", "jobTemplate", "spec", "template"])),
        "PodTemplate" => pod(doc.get("template")),
        "NetworkPolicy" => {
            objects.policies.push(Policy {
                namespace: namespace.clone(),
                selector: Selector::from_node(spec.and_then(|s| s.get("podSelector"))),
            });
            None
        }
        "ServiceAccount" => {
            if let Some(v) = doc.get("automountServiceAccountToken") {
                objects
                    .service_accounts
                    .push((namespace.clone(), name.clone(), v));
            }
            None
        }
        _ => None,
    };
    if let Some((template_metadata, spec)) = found {
        objects.pods.push(PodSource {
            kind,
            name,
            namespace,
            template_metadata,
            spec,
            claim_templates: doc.get("spec").and_then(|s| s.get("volumeClaimTemplates")),
        });
    }
}

/// Maps already parsed documents (see [`crate::yaml::parse_documents`]).
pub fn from_documents(docs: &[Node]) -> KubernetesManifests {
    let mut objects = Objects::default();
    let mut notes = Vec::new();
    for doc in docs {
        collect(doc, &mut objects, &mut notes, 0);
    }
    let mut workloads = Vec::new();
    for pod in &objects.pods {
        pod_workloads(pod, &objects, &mut workloads, &mut notes);
    }
    KubernetesManifests { workloads, notes }
}

fn set<T>(value: T, node: &Node) -> Setting<T> {
    Setting::set(value, node.location())
}

/// A security-context field, container first, then pod.
fn pick<'a>(container: Option<&'a Node>, pod: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    container
        .and_then(|c| c.get(key))
        .filter(|n| !n.is_null())
        .or_else(|| pod.and_then(|p| p.get(key)).filter(|n| !n.is_null()))
}

fn seccomp(node: &Node) -> Option<Profile> {
    let kind = node.get("type").and_then(Node::text)?;
    Some(match kind.as_str() {
        "Unconfined" => Profile::Unconfined,
        "RuntimeDefault" => Profile::Default,
        "Localhost" => Profile::Custom(
            node.get("localhostProfile")
                .and_then(Node::text)
                .map_or_else(|| "localhost".into(), |p| format!("localhost/{p}")),
        ),
        other => Profile::Custom(other.to_owned()),
    })
}

/// The legacy annotation forms: `unconfined`, `runtime/default`, `docker/default`,
/// `localhost/<profile>`.
fn annotation_profile(text: &str) -> Profile {
    match text {
        "unconfined" => Profile::Unconfined,
        "runtime/default" | "docker/default" => Profile::Default,
        other => Profile::Custom(other.to_owned()),
    }
}

fn pod_workloads(
    pod: &PodSource<'_>,
    objects: &Objects<'_>,
    out: &mut Vec<Workload>,
    notes: &mut Vec<LoadNote>,
) {
    let spec = pod.spec;
    let pod_sc = spec.get("securityContext");
    let labels: Vec<(String, String)> = pod
        .template_metadata
        .and_then(|m| m.get("labels"))
        .map(|l| {
            l.entries()
                .iter()
                .map(|(k, v)| (k.text.clone(), v.text().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let annotations = pod.template_metadata.and_then(|m| m.get("annotations"));
    let selected = if objects.policies.is_empty() {
        None
    } else {
        // An object without a namespace lands in whatever namespace it is applied to, so
        // it is taken to match any namespace.
        Some(objects.policies.iter().any(|p| {
            (p.namespace.is_none() || pod.namespace.is_none() || p.namespace == pod.namespace)
                && p.selector.matches(&labels)
        }))
    };
    let service_account = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .and_then(Node::text);
    let automount = match spec.get("automountServiceAccountToken") {
        Some(v) => set(v.as_bool().unwrap_or(true), v),
        None => {
            let sa_name = service_account.clone().unwrap_or_else(|| "default".into());
            objects
                .service_accounts
                .iter()
                .find(|(ns, name, _)| {
                    *name == sa_name
                        && (ns.is_none() || pod.namespace.is_none() || *ns == pod.namespace)
                })
                .map_or_else(
                    || Setting::default_value(true),
                    |(_, _, v)| set(v.as_bool().unwrap_or(true), v),
                )
        }
    };
    let volumes = spec.get("volumes");

    let groups: [(&str, &str); 3] = [
        ("initContainers", "init container"),
        ("containers", ""),
        ("ephemeralContainers", "ephemeral container"),
    ];
    for (key, label) in groups {
        let Some(list) = spec.get(key) else { continue };
        for c in list.items() {
            let cname = c
                .get("name")
                .and_then(Node::text)
                .unwrap_or_else(|| "(unnamed)".into());
            let display = if label.is_empty() {
                format!("{}/{} › {cname}", pod.kind, pod.name)
            } else {
                format!("{}/{} › {cname} ({label})", pod.kind, pod.name)
            };
            let mut w = Workload::new(SourceKind::Kubernetes, display, c.location());
            container(&mut w, c, &cname, pod, pod_sc, annotations, volumes, notes);
            let csc = c.get("securityContext");
            w.kubernetes = Some(KubernetesSettings {
                kind: pod.kind.clone(),
                pod_at: Some(spec.location()),
                namespace: pod.namespace.clone(),
                pod_labels: labels.clone(),
                run_as_non_root: pick(csc, pod_sc, "runAsNonRoot")
                    .map_or_else(Setting::default, |n| set(n.as_bool(), n)),
                automount_service_account_token: automount.clone(),
                service_account: service_account.clone(),
                image_pull_policy: c
                    .get("imagePullPolicy")
                    .map_or_else(Setting::default, |n| set(n.text(), n)),
                selected_by_network_policy: selected,
                allow_privilege_escalation: csc
                    .and_then(|s| s.get("allowPrivilegeEscalation"))
                    .map_or_else(Setting::default, |n| set(n.as_bool(), n)),
            });
            out.push(w);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn container(
    w: &mut Workload,
    c: &Node,
    cname: &str,
    pod: &PodSource<'_>,
    pod_sc: Option<&Node>,
    annotations: Option<&Node>,
    volumes: Option<&Node>,
    notes: &mut Vec<LoadNote>,
) {
    let spec = pod.spec;
    let csc = c.get("securityContext");
    if let Some(image) = c.get("image") {
        w.image = set(image.text(), image);
    }

    // User: runAsUser/runAsGroup, each from the container or else the pod.
    let uid = pick(csc, pod_sc, "runAsUser");
    let gid = pick(csc, pod_sc, "runAsGroup");
    if let Some(u) = uid {
        let user = match gid.and_then(Node::text) {
            Some(g) => format!("{}:{g}", u.text().unwrap_or_default()),
            None => u.text().unwrap_or_default(),
        };
        w.user = set(Some(user), u);
    } else if let Some(g) = gid {
        // A group without a user keeps the image's user; still worth pointing at.
        notes.push(LoadNote {
            at: Some(g.location()),
            message: format!(
                "container `{cname}`: runAsGroup without runAsUser keeps the image's user"
            ),
        });
    }

    if let Some(p) = csc.and_then(|s| s.get("privileged")) {
        w.privileged = set(p.as_bool().unwrap_or(false), p);
    }
    if let Some(caps) = csc.and_then(|s| s.get("capabilities")) {
        for (key, list) in [("add", &mut w.cap_add), ("drop", &mut w.cap_drop)] {
            if let Some(items) = caps.get(key) {
                for i in items.items() {
                    if let Some(t) = i.text() {
                        list.push(Located {
                            value: crate::compose::normalize_capability(&t),
                            at: i.location(),
                        });
                    }
                }
            }
        }
    }
    // Escalation is allowed unless explicitly false; privileged or CAP_SYS_ADMIN force it.
    if let Some(ape) = csc.and_then(|s| s.get("allowPrivilegeEscalation")) {
        let forced = w.privileged.value
            || w.cap_add
                .iter()
                .any(|c| c.value == "SYS_ADMIN" || c.value == "ALL");
        w.security.no_new_privileges = set(ape.as_bool() == Some(false) && !forced, ape);
    }
    if let Some(p) = pick(csc, pod_sc, "seccompProfile") {
        if let Some(profile) = seccomp(p) {
            w.security.seccomp = set(profile, p);
        }
    } else if let Some(a) = annotations {
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{cname}");
        if let Some(v) = a
            .get(&key)
            .or_else(|| a.get("seccomp.security.alpha.kubernetes.io/pod"))
        {
            w.security.seccomp = set(annotation_profile(&v.text().unwrap_or_default()), v);
        }
    }
    if let Some(p) = pick(csc, pod_sc, "appArmorProfile") {
        if let Some(profile) = seccomp(p) {
            w.security.apparmor = set(profile, p);
        }
    } else if let Some(v) = annotations.and_then(|a| {
        a.get(&format!(
            "container.apparmor.security.beta.kubernetes.io/{cname}"
        ))
    }) {
        w.security.apparmor = set(annotation_profile(&v.text().unwrap_or_default()), v);
    }
    if let Some(se) = pick(csc, pod_sc, "seLinuxOptions") {
        for (k, v) in se.entries() {
            let Some(t) = v.text() else { continue };
            if k.text == "type" && t == "spc_t" {
                w.security.selinux_disabled = set(true, v);
            } else {
                w.security.selinux_labels.push(Located {
                    value: format!("{}:{t}", k.text),
                    at: v.location(),
                });
            }
        }
    }
    if let Some(ro) = csc.and_then(|s| s.get("readOnlyRootFilesystem")) {
        w.read_only_rootfs = set(ro.as_bool().unwrap_or(false), ro);
    }

    for (key, slot) in [
        ("hostNetwork", &mut w.namespaces.network),
        ("hostPID", &mut w.namespaces.pid),
        ("hostIPC", &mut w.namespaces.ipc),
    ] {
        if let Some(v) = spec.get(key) {
            let mode = if v.as_bool() == Some(true) {
                NamespaceMode::Host
            } else {
                NamespaceMode::Private
            };
            *slot = set(mode, v);
        }
    }
    w.namespaces.user = match spec.get("hostUsers") {
        Some(v) if v.as_bool() == Some(false) => set(NamespaceMode::Private, v),
        Some(v) => set(NamespaceMode::Host, v),
        None => Setting::default_value(NamespaceMode::Host),
    };

    mounts(w, c, volumes, pod.claim_templates, notes);

    if let Some(ports) = c.get("ports") {
        for p in ports.items() {
            let Some(container_port) = p
                .get("containerPort")
                .and_then(Node::as_i64)
                .and_then(|n| u16::try_from(n).ok())
            else {
                continue;
            };
            let host_port = p
                .get("hostPort")
                .and_then(Node::as_i64)
                .and_then(|n| u16::try_from(n).ok())
                .filter(|&n| n > 0);
            // Only a hostPort publishes on the node; a containerPort alone is documentation.
            if host_port.is_none() {
                continue;
            }
            let protocol = match p.get("protocol").and_then(Node::text).as_deref() {
                Some("UDP") => Protocol::Udp,
                Some("SCTP") => Protocol::Sctp,
                _ => Protocol::Tcp,
            };
            w.ports.push(Located {
                value: PortBinding {
                    host_ip: p
                        .get("hostIP")
                        .and_then(Node::text)
                        .filter(|t| !t.is_empty()),
                    host_port,
                    host_port_end: host_port,
                    container_port,
                    container_port_end: container_port,
                    protocol,
                },
                at: p.location(),
            });
        }
    }

    if let Some(limits) = c.get("resources").and_then(|r| r.get("limits")) {
        if let Some(m) = limits.get("memory") {
            w.resources.memory = set(m.text().as_deref().and_then(parse_memory), m);
        }
        if let Some(cpu) = limits.get("cpu") {
            w.resources.cpus = set(cpu.text().as_deref().and_then(parse_cpu), cpu);
        }
    }

    let restart = spec.get("restartPolicy");
    match (restart, pod.kind.as_str()) {
        (Some(r), _) => {
            let value = match r.text().as_deref() {
                Some("Always") => RestartPolicy::Always,
                Some("OnFailure") => RestartPolicy::OnFailure(None),
                _ => RestartPolicy::No,
            };
            w.restart = set(value, r);
        }
        (None, "Pod") => w.restart = Setting::default_value(RestartPolicy::Always),
        _ => {}
    }
    if let Some(probe) = c.get("livenessProbe").or_else(|| c.get("readinessProbe")) {
        w.healthcheck = set(Healthcheck::Defined, probe);
    }

    env(w, c);
}

fn env(w: &mut Workload, c: &Node) {
    if let Some(env) = c.get("env") {
        for e in env.items() {
            let Some(name) = e.get("name").and_then(Node::text) else {
                continue;
            };
            let value = if let Some(from) = e.get("valueFrom") {
                let reference = if let Some(r) = from.get("secretKeyRef") {
                    format!(
                        "secret {}/{}",
                        r.get("name").and_then(Node::text).unwrap_or_default(),
                        r.get("key").and_then(Node::text).unwrap_or_default()
                    )
                } else if let Some(r) = from.get("configMapKeyRef") {
                    format!(
                        "configMap {}/{}",
                        r.get("name").and_then(Node::text).unwrap_or_default(),
                        r.get("key").and_then(Node::text).unwrap_or_default()
                    )
                } else if let Some(r) = from.get("fieldRef") {
                    format!(
                        "field {}",
                        r.get("fieldPath").and_then(Node::text).unwrap_or_default()
                    )
                } else if let Some(r) = from.get("resourceFieldRef") {
                    format!(
                        "resource {}",
                        r.get("resource").and_then(Node::text).unwrap_or_default()
                    )
                } else {
                    "valueFrom".to_owned()
                };
                EnvValue::Reference(reference)
            } else {
                EnvValue::Literal(e.get("value").and_then(Node::text).unwrap_or_default())
            };
            w.env.push(Located {
                value: EnvVar { name, value },
                at: e.location(),
            });
        }
    }
    if let Some(from) = c.get("envFrom") {
        for e in from.items() {
            let (what, r) = match (e.get("secretRef"), e.get("configMapRef")) {
                (Some(r), _) => ("secret", r),
                (None, Some(r)) => ("configMap", r),
                _ => continue,
            };
            let source = r.get("name").and_then(Node::text).unwrap_or_default();
            let prefix = e.get("prefix").and_then(Node::text).unwrap_or_default();
            w.env.push(Located {
                value: EnvVar {
                    name: format!("{prefix}*"),
                    value: EnvValue::Reference(format!("envFrom {what} {source}")),
                },
                at: e.location(),
            });
        }
    }
}

fn mounts(
    w: &mut Workload,
    c: &Node,
    volumes: Option<&Node>,
    claim_templates: Option<&Node>,
    notes: &mut Vec<LoadNote>,
) {
    let Some(vm) = c.get("volumeMounts") else {
        return;
    };
    for m in vm.items() {
        let Some(name) = m.get("name").and_then(Node::text) else {
            continue;
        };
        let target = m.get("mountPath").and_then(Node::text).unwrap_or_default();
        let read_only = m.get("readOnly").and_then(Node::as_bool).unwrap_or(false);
        let propagation = match m.get("mountPropagation").and_then(Node::text).as_deref() {
            Some("Bidirectional") => Some("rshared".to_owned()),
            Some("HostToContainer") => Some("rslave".to_owned()),
            _ => None,
        };
        let volume = volumes.and_then(|v| {
            v.items()
                .iter()
                .find(|v| v.get("name").and_then(Node::text).as_deref() == Some(name.as_str()))
        });
        let claimed = claim_templates.is_some_and(|t| {
            t.items()
                .iter()
                .any(|v| text_at(v, &["metadata", "name"]).as_deref() == Some(name.as_str()))
        });
        if volume.is_none() && claimed {
            w.mounts.push(Located {
                value: Mount {
                    kind: MountKind::Volume,
                    source: name.clone(),
                    target,
                    read_only,
                    propagation,
                },
                at: m.location(),
            });
            continue;
        }
        let Some(volume) = volume else {
            notes.push(LoadNote {
                at: Some(m.location()),
                message: format!("volumeMount `{name}` names no volume of the pod"),
            });
            continue;
        };
        let (kind, source) = if let Some(hp) = volume.get("hostPath") {
            (
                MountKind::Bind,
                hp.get("path").and_then(Node::text).unwrap_or_default(),
            )
        } else if let Some(ed) = volume.get("emptyDir") {
            let memory = ed.get("medium").and_then(Node::text).as_deref() == Some("Memory");
            (
                if memory {
                    MountKind::Tmpfs
                } else {
                    MountKind::Volume
                },
                String::new(),
            )
        } else {
            let source = ["persistentVolumeClaim", "configMap", "secret"]
                .iter()
                .find_map(|k| {
                    let v = volume.get(k)?;
                    v.get("claimName")
                        .or_else(|| v.get("name"))
                        .or_else(|| v.get("secretName"))
                        .and_then(Node::text)
                })
                .unwrap_or_else(|| name.clone());
            (MountKind::Volume, source)
        };
        let subpath = m
            .get("subPath")
            .and_then(Node::text)
            .filter(|s| !s.is_empty());
        let source = match (kind, subpath) {
            (MountKind::Bind, Some(sub)) => format!("{}/{sub}", source.trim_end_matches('/')),
            _ => source,
        };
        w.mounts.push(Located {
            value: Mount {
                kind,
                source,
                target,
                read_only,
                propagation,
            },
            at: m.location(),
        });
    }
}

#[cfg(test)]
mod tests;

//! Live containers: the Engine's inspect document (`GET /containers/{id}/json`) mapped
//! onto the model, with the same normalisation as the command-line loader so that one
//! setting written either way gives one value.
//!
//! The engine fills in its defaults, and the document shows the container's config
//! *merged with the image's* (environment, user, health check, the image's `VOLUME`s as
//! anonymous volumes). Decisions:
//! - Values equal to the engine's default are left as defaults (`at: None`): IPC
//!   `private`/`shareable`, network `default`/`bridge`, restart `no`, a PIDs limit of
//!   0 or -1, memory 0.
//! - `CgroupnsMode: host` is what a cgroup v1 host (or `default-cgroupns-mode: host`)
//!   gives every container that did not ask for anything. The document cannot tell the
//!   two apart, so the caller says which applies ([`InspectOptions::cgroupns_host_by_default`]):
//!   when `host` is the daemon's default, the container is recorded as not having asked
//!   for the host's cgroup namespace (the default), which is what a rule about the
//!   container should see; the daemon-wide setting is a daemon finding. Otherwise
//!   `host` is recorded as set.
//! - Given the image's config ([`InspectOptions::image_config`]), what came from the image
//!   is taken out: environment entries identical to the image's, a user equal to the
//!   image's, the image's own health check, anonymous volumes at the image's `VOLUME`
//!   paths. Without it every entry is kept.
//! - A custom seccomp profile is inlined by the CLI as JSON; it is kept as written
//!   (`Profile::Custom` with the JSON text).
//! - `container:NAME` modes show the ID the engine resolved.

use std::collections::HashSet;

use serde_json::Value;

use crate::docker_opts::{
    NsKind, SecurityOpt, clean_path, cpus_from_nanos, cpus_from_quota, host_ip,
    label_disables_selinux, memory_limit, namespace_mode, normalize_capability, parse_security_opt,
    pids_limit, propagation, restart_policy,
};
use crate::model::{
    Device, EnvValue, EnvVar, Healthcheck, Located, Location, Mount, MountKind, NamespaceMode,
    PortBinding, Protocol, RestartPolicy, Setting, SourceKind, Ulimit, Workload,
};

/// What the loader needs beyond the document to tell the container's own settings from
/// the daemon's and the image's.
#[derive(Debug, Clone, Copy, Default)]
pub struct InspectOptions<'a> {
    /// The image's `Config` object, from `GET /images/{name}/json`.
    pub image_config: Option<&'a Value>,
    /// Whether the daemon gives containers the host's cgroup namespace by default
    /// (cgroup v1 hosts; `docker info` reports `CgroupVersion: 1`).
    pub cgroupns_host_by_default: bool,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    #[error("not a container inspect document: {0}")]
    NotAContainer(&'static str),
}

/// Maps an inspect document with default options.
///
/// # Errors
/// The document is not an object with a `HostConfig`.
pub fn load(doc: &Value) -> Result<Workload, InspectError> {
    load_with(doc, &InspectOptions::default())
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    get(v, path).and_then(Value::as_str)
}

fn get<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

fn int_at(v: &Value, path: &[&str]) -> i64 {
    get(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn array_at<'v>(v: &'v Value, path: &[&str]) -> &'v [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Maps an inspect document.
///
/// # Errors
/// The document is not an object with a `HostConfig`.
#[allow(clippy::too_many_lines)] // one block per field of the document
pub fn load_with(doc: &Value, options: &InspectOptions<'_>) -> Result<Workload, InspectError> {
    if !doc.is_object() {
        return Err(InspectError::NotAContainer("not a JSON object"));
    }
    let Some(hc) = doc.get("HostConfig").filter(|h| h.is_object()) else {
        return Err(InspectError::NotAContainer("no HostConfig"));
    };
    let config = doc.get("Config").unwrap_or(&Value::Null);
    let image_config = options.image_config.unwrap_or(&Value::Null);
    let name = str_at(doc, &["Name"])
        .map(|n| n.trim_start_matches('/').to_owned())
        .filter(|n| !n.is_empty())
        .or_else(|| str_at(doc, &["Id"]).map(|id| id.chars().take(12).collect()))
        .unwrap_or_default();
    let loc = |field: &str| Location::Inspect {
        container: name.clone(),
        field: field.to_owned(),
    };
    let mut w = Workload::new(SourceKind::Container, name.clone(), loc(""));

    if let Some(image) = str_at(config, &["Image"]).filter(|i| !i.is_empty()) {
        w.image = Setting::set(Some(image.to_owned()), loc("Config.Image"));
    }
    if let Some(user) = str_at(config, &["User"]).filter(|u| !u.is_empty())
        && str_at(image_config, &["User"]) != Some(user)
    {
        w.user = Setting::set(Some(user.to_owned()), loc("Config.User"));
    }
    let flag = |field: &str| get(hc, &[field]).and_then(Value::as_bool).unwrap_or(false);
    if flag("Privileged") {
        w.privileged = Setting::set(true, loc("HostConfig.Privileged"));
    }
    if flag("ReadonlyRootfs") {
        w.read_only_rootfs = Setting::set(true, loc("HostConfig.ReadonlyRootfs"));
    }
    if flag("PublishAllPorts") {
        w.publish_all_ports = Setting::set(true, loc("HostConfig.PublishAllPorts"));
    }
    for (field, list) in [("CapAdd", &mut w.cap_add), ("CapDrop", &mut w.cap_drop)] {
        for (i, cap) in array_at(hc, &[field]).iter().enumerate() {
            if let Some(cap) = cap.as_str() {
                list.push(Located {
                    value: normalize_capability(cap),
                    at: loc(&format!("HostConfig.{field}[{i}]")),
                });
            }
        }
    }
    for (i, opt) in array_at(hc, &["SecurityOpt"]).iter().enumerate() {
        let at = loc(&format!("HostConfig.SecurityOpt[{i}]"));
        let s = &mut w.security;
        match opt.as_str().map(parse_security_opt) {
            Some(Ok(SecurityOpt::NoNewPrivileges(b))) => {
                s.no_new_privileges = Setting::set(b, at);
            }
            Some(Ok(SecurityOpt::Seccomp(p))) => s.seccomp = Setting::set(p, at),
            Some(Ok(SecurityOpt::AppArmor(p))) => s.apparmor = Setting::set(p, at),
            Some(Ok(SecurityOpt::LabelDisable)) => s.selinux_disabled = Setting::set(true, at),
            Some(Ok(SecurityOpt::Label(l))) => {
                if label_disables_selinux(&l) {
                    s.selinux_disabled = Setting::set(true, at.clone());
                }
                s.selinux_labels.push(Located { value: l, at });
            }
            _ => {}
        }
    }

    // Namespaces.
    let ns_fields = [
        (NsKind::Network, "NetworkMode"),
        (NsKind::Pid, "PidMode"),
        (NsKind::Ipc, "IpcMode"),
        (NsKind::Uts, "UTSMode"),
        (NsKind::User, "UsernsMode"),
        (NsKind::Cgroup, "CgroupnsMode"),
    ];
    for (kind, field) in ns_fields {
        let mode = str_at(hc, &[field]).unwrap_or_default();
        let value =
            namespace_mode(kind, mode).unwrap_or_else(|_| NamespaceMode::Other(mode.into()));
        let daemon_default =
            kind == NsKind::Cgroup && mode == "host" && options.cgroupns_host_by_default;
        let setting = if value == NamespaceMode::Private || daemon_default {
            Setting::default()
        } else {
            Setting::set(value, loc(&format!("HostConfig.{field}")))
        };
        let n = &mut w.namespaces;
        match kind {
            NsKind::Network => n.network = setting,
            NsKind::Pid => n.pid = setting,
            NsKind::Ipc => n.ipc = setting,
            NsKind::Uts => n.uts = setting,
            NsKind::User => n.user = setting,
            NsKind::Cgroup => n.cgroup = setting,
        }
    }
    if let Some(networks) = get(doc, &["NetworkSettings", "Networks"]).and_then(Value::as_object) {
        for net in networks.keys() {
            if !matches!(net.as_str(), "bridge" | "host" | "none" | "default") {
                w.networks.push(Located {
                    value: net.clone(),
                    at: loc(&format!("NetworkSettings.Networks.{net}")),
                });
            }
        }
    }

    // Devices, and CDI devices requested by name.
    for (i, d) in array_at(hc, &["Devices"]).iter().enumerate() {
        let field = |k: &str| str_at(d, &[k]).unwrap_or_default().to_owned();
        w.devices.push(Located {
            value: Device {
                host_path: field("PathOnHost"),
                container_path: field("PathInContainer"),
                permissions: field("CgroupPermissions"),
            },
            at: loc(&format!("HostConfig.Devices[{i}]")),
        });
    }
    for (i, r) in array_at(hc, &["DeviceRequests"]).iter().enumerate() {
        if str_at(r, &["Driver"]) == Some("cdi") {
            for id in array_at(r, &["DeviceIDs"]).iter().filter_map(Value::as_str) {
                w.devices.push(Located {
                    value: Device {
                        host_path: id.to_owned(),
                        container_path: String::new(),
                        permissions: String::new(),
                    },
                    at: loc(&format!("HostConfig.DeviceRequests[{i}]")),
                });
            }
        }
    }

    // Mounts: the effective list, with volume names kept only where the user named them.
    let named_volumes = declared_volume_names(hc);
    let image_volumes: HashSet<&str> = get(image_config, &["Volumes"])
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for (i, m) in array_at(doc, &["Mounts"]).iter().enumerate() {
        let s = |k: &str| str_at(m, &[k]).unwrap_or_default();
        let target = clean_path(s("Destination"));
        let read_only = !get(m, &["RW"]).and_then(Value::as_bool).unwrap_or(true);
        let (kind, source, prop) = match s("Type") {
            "bind" => (
                MountKind::Bind,
                clean_path(s("Source")),
                propagation(s("Propagation")),
            ),
            "volume" => {
                let name = s("Name");
                if named_volumes.contains(name) {
                    (MountKind::Volume, name.to_owned(), None)
                } else if image_volumes.contains(target.as_str()) {
                    continue;
                } else {
                    (MountKind::Volume, String::new(), None)
                }
            }
            "tmpfs" => (MountKind::Tmpfs, String::new(), None),
            _ => (MountKind::Other, s("Source").to_owned(), None),
        };
        w.mounts.push(Located {
            value: Mount {
                kind,
                source,
                target,
                read_only,
                propagation: prop,
            },
            at: loc(&format!("Mounts[{i}]")),
        });
    }
    if let Some(tmpfs) = get(hc, &["Tmpfs"]).and_then(Value::as_object) {
        for (path, opts) in tmpfs {
            let opts = opts.as_str().unwrap_or_default();
            w.mounts.push(Located {
                value: Mount {
                    kind: MountKind::Tmpfs,
                    source: String::new(),
                    target: clean_path(path),
                    read_only: opts.split(',').any(|o| o == "ro"),
                    propagation: None,
                },
                at: loc(&format!("HostConfig.Tmpfs.{path}")),
            });
        }
    }

    w.ports = port_bindings(hc, &loc);

    // Resources.
    let memory = memory_limit(int_at(hc, &["Memory"]));
    if memory.is_some() {
        w.resources.memory = Setting::set(memory, loc("HostConfig.Memory"));
    }
    if let Some(cpus) = cpus_from_nanos(int_at(hc, &["NanoCpus"])) {
        w.resources.cpus = Setting::set(Some(cpus), loc("HostConfig.NanoCpus"));
    } else if let Some(cpus) =
        cpus_from_quota(int_at(hc, &["CpuQuota"]), int_at(hc, &["CpuPeriod"]))
    {
        w.resources.cpus = Setting::set(Some(cpus), loc("HostConfig.CpuQuota"));
    }
    if let Some(pids) = pids_limit(int_at(hc, &["PidsLimit"])) {
        w.resources.pids = Setting::set(Some(pids), loc("HostConfig.PidsLimit"));
    }
    let restart = restart_policy(
        str_at(hc, &["RestartPolicy", "Name"]).unwrap_or_default(),
        int_at(hc, &["RestartPolicy", "MaximumRetryCount"]),
    )
    .unwrap_or_default();
    if restart != RestartPolicy::No {
        w.restart = Setting::set(restart, loc("HostConfig.RestartPolicy"));
    }

    // Health check: the image's own is inherited, not set here.
    let test = |c: &Value| -> Vec<String> {
        array_at(c, &["Healthcheck", "Test"])
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect()
    };
    let container_test = test(config);
    if container_test.first().map(String::as_str) == Some("NONE") {
        w.healthcheck = Setting::set(Healthcheck::Disabled, loc("Config.Healthcheck"));
    } else if !container_test.is_empty() && container_test != test(image_config) {
        w.healthcheck = Setting::set(Healthcheck::Defined, loc("Config.Healthcheck"));
    }

    // Environment: every entry is a literal; the image's own entries are left out.
    let image_env: HashSet<&str> = array_at(image_config, &["Env"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (i, entry) in array_at(config, &["Env"]).iter().enumerate() {
        let Some(entry) = entry.as_str() else {
            continue;
        };
        if image_env.contains(entry) {
            continue;
        }
        if let Some((k, v)) = entry.split_once('=') {
            w.env.push(Located {
                value: EnvVar {
                    name: k.to_owned(),
                    value: EnvValue::Literal(v.to_owned()),
                },
                at: loc(&format!("Config.Env[{i}]")),
            });
        }
    }
    if let Some(sysctls) = get(hc, &["Sysctls"]).and_then(Value::as_object) {
        for (k, v) in sysctls {
            w.sysctls.push(Located {
                value: (k.clone(), v.as_str().unwrap_or_default().to_owned()),
                at: loc(&format!("HostConfig.Sysctls.{k}")),
            });
        }
    }
    for (i, u) in array_at(hc, &["Ulimits"]).iter().enumerate() {
        w.ulimits.push(Located {
            value: Ulimit {
                name: str_at(u, &["Name"]).unwrap_or_default().to_owned(),
                soft: int_at(u, &["Soft"]),
                hard: int_at(u, &["Hard"]),
            },
            at: loc(&format!("HostConfig.Ulimits[{i}]")),
        });
    }
    Ok(w)
}

/// Volume names the user wrote (`-v NAME:/path`, `--mount source=NAME`); any other
/// volume in `Mounts` is anonymous.
fn declared_volume_names(hc: &Value) -> HashSet<&str> {
    let mut names: HashSet<&str> = array_at(hc, &["Binds"])
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|b| b.split(':').next())
        .filter(|s| !s.is_empty() && !s.starts_with('/'))
        .collect();
    names.extend(
        array_at(hc, &["Mounts"])
            .iter()
            .filter(|m| str_at(m, &["Type"]).is_none_or(|t| t == "volume"))
            .filter_map(|m| str_at(m, &["Source"]))
            .filter(|s| !s.is_empty()),
    );
    names
}

/// `HostConfig.PortBindings`, with the CLI's one-binding-per-port expansion of ranges
/// folded back into ranges.
fn port_bindings(hc: &Value, loc: &dyn Fn(&str) -> Location) -> Vec<Located<PortBinding>> {
    let mut out: Vec<Located<PortBinding>> = Vec::new();
    let Some(map) = get(hc, &["PortBindings"]).and_then(Value::as_object) else {
        return out;
    };
    let mut singles = Vec::new();
    for (key, bindings) in map {
        let (port, proto) = key.split_once('/').unwrap_or((key, "tcp"));
        let protocol = match proto {
            "udp" => Protocol::Udp,
            "sctp" => Protocol::Sctp,
            _ => Protocol::Tcp,
        };
        let Ok(container_port) = port.parse::<u16>() else {
            continue;
        };
        for b in bindings.as_array().map_or(&[][..], Vec::as_slice) {
            let host = str_at(b, &["HostPort"]).unwrap_or_default();
            let (start, end) = match host.split_once('-') {
                Some((a, z)) => (a.parse().ok(), z.parse().ok()),
                None => {
                    let p = host.parse::<u16>().ok().filter(|p| *p != 0);
                    (p, p)
                }
            };
            singles.push((
                PortBinding {
                    host_ip: host_ip(str_at(b, &["HostIp"]).unwrap_or_default()),
                    host_port: start,
                    host_port_end: end,
                    container_port,
                    container_port_end: container_port,
                    protocol,
                },
                format!("HostConfig.PortBindings.{key}"),
            ));
        }
    }
    singles.sort_by_key(|(p, _)| {
        (
            p.protocol as u8,
            p.host_ip.clone(),
            p.host_port.is_none(),
            p.container_port,
            p.host_port,
        )
    });
    for (p, field) in singles {
        if let Some(last) = out.last_mut()
            && extends(&last.value, &p)
        {
            last.value.container_port_end = p.container_port;
            last.value.host_port_end = p.host_port_end;
            continue;
        }
        out.push(Located {
            value: p,
            at: loc(&field),
        });
    }
    out
}

/// Whether single-port binding `p` continues range `l` (same address and protocol, next
/// container port, next host port or both ephemeral).
fn extends(l: &PortBinding, p: &PortBinding) -> bool {
    let single = p.host_port == p.host_port_end;
    let hosts_follow = match (l.host_port, l.host_port_end, p.host_port) {
        (None, None, None) => true,
        (Some(start), Some(end), Some(next)) => {
            end.checked_add(1) == Some(next)
                && end.checked_sub(start) == l.container_port_end.checked_sub(l.container_port)
        }
        _ => false,
    };
    single
        && hosts_follow
        && l.protocol == p.protocol
        && l.host_ip == p.host_ip
        && l.container_port_end.checked_add(1) == Some(p.container_port)
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;

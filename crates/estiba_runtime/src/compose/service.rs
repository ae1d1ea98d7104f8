//! One merged compose service onto the runtime model.

use std::collections::HashSet;
use std::path::Path;

use crate::model::*;
use crate::yaml::{Key, LoadNote, Node, Value};

/// What the project says about networks and who else runs, for one service.
pub(crate) struct ProjectContext<'a> {
    pub project: &'a str,
    pub internal_networks: &'a HashSet<String>,
    pub notes: &'a mut Vec<LoadNote>,
}

fn set<T>(value: T, node: &Node) -> Setting<T> {
    Setting::set(value, node.location())
}

fn located<T>(value: T, node: &Node) -> Located<T> {
    Located {
        value,
        at: node.location(),
    }
}

/// A scalar or each item of a sequence of scalars (`cap_add: NET_ADMIN` is tolerated).
fn scalars(node: &Node) -> Vec<(&Node, String)> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|i| Some((i, i.text()?))).collect(),
        _ => node.text().map(|t| vec![(node, t)]).unwrap_or_default(),
    }
}

pub(crate) fn normalize_capability(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map_or(upper.clone(), str::to_owned)
}

pub(crate) fn service_workload(
    name: &str,
    key: &Key,
    service: &Node,
    ctx: &mut ProjectContext<'_>,
) -> Workload {
    let mut w = Workload::new(SourceKind::Compose, name, key.pos.location());
    let mut note = |node: &Node, message: String| {
        ctx.notes.push(LoadNote {
            at: Some(node.location()),
            message,
        });
    };
    for (k, v) in service.entries() {
        match k.text.as_str() {
            "image" => w.image = set(v.text(), v),
            "user" => w.user = set(v.text(), v),
            "privileged" => w.privileged = set(v.as_bool().unwrap_or(false), v),
            "read_only" => w.read_only_rootfs = set(v.as_bool().unwrap_or(false), v),
            "cap_add" => w.cap_add.extend(
                scalars(v)
                    .into_iter()
                    .map(|(n, t)| located(normalize_capability(&t), n)),
            ),
            "cap_drop" => w.cap_drop.extend(
                scalars(v)
                    .into_iter()
                    .map(|(n, t)| located(normalize_capability(&t), n)),
            ),
            "security_opt" => {
                for (n, t) in scalars(v) {
                    security_opt(&mut w.security, n, &t);
                }
            }
            "network_mode" => {
                if let Some(t) = v.text() {
                    w.namespaces.network = set(network_mode(&t), v);
                }
            }
            "pid" => w.namespaces.pid = set(namespace_mode(v.text().as_deref()), v),
            "ipc" => w.namespaces.ipc = set(namespace_mode(v.text().as_deref()), v),
            "uts" => w.namespaces.uts = set(namespace_mode(v.text().as_deref()), v),
            "userns_mode" => w.namespaces.user = set(namespace_mode(v.text().as_deref()), v),
            "cgroup" => w.namespaces.cgroup = set(namespace_mode(v.text().as_deref()), v),
            "devices" => {
                for item in v.items() {
                    match device(item) {
                        Some(d) => w.devices.push(located(d, item)),
                        None => note(item, "device entry not understood".into()),
                    }
                }
            }
            "volumes" => {
                for item in v.items() {
                    match volume(item) {
                        Some(m) => w.mounts.push(located(m, item)),
                        None => note(item, "volume entry not understood".into()),
                    }
                }
            }
            "tmpfs" => {
                for (n, t) in scalars(v) {
                    let target = t.split(':').next().unwrap_or_default().to_owned();
                    w.mounts.push(located(
                        Mount {
                            kind: MountKind::Tmpfs,
                            source: String::new(),
                            target,
                            read_only: false,
                            propagation: None,
                        },
                        n,
                    ));
                }
            }
            "secrets" => {
                for item in v.items() {
                    let source = item
                        .get("source")
                        .and_then(Node::text)
                        .or_else(|| item.text());
                    let Some(source) = source else { continue };
                    let target = item
                        .get("target")
                        .and_then(Node::text)
                        .unwrap_or_else(|| source.clone());
                    let target = if target.starts_with('/') {
                        target
                    } else {
                        format!("/run/secrets/{target}")
                    };
                    w.mounts.push(located(
                        Mount {
                            kind: MountKind::Other,
                            source,
                            target,
                            read_only: true,
                            propagation: None,
                        },
                        item,
                    ));
                }
            }
            "ports" => {
                for item in v.items() {
                    match port(item) {
                        Some(p) => w.ports.push(located(p, item)),
                        None => note(item, "port entry not understood".into()),
                    }
                }
            }
            "mem_limit" => w.resources.memory = set(v.text().as_deref().and_then(parse_bytes), v),
            "cpus" => w.resources.cpus = set(v.as_f64(), v),
            "pids_limit" => w.resources.pids = set(v.as_i64(), v),
            "restart" => {
                if let Some(p) = v.text().as_deref().and_then(restart_policy) {
                    w.restart = set(p, v);
                }
            }
            "healthcheck" => healthcheck(&mut w, v),
            "environment" => environment(&mut w.env, v),
            "env_file" => env_files(&mut w.env, v, &mut note),
            "sysctls" => {
                for (k, value) in v.entries() {
                    w.sysctls.push(Located {
                        value: (k.text.clone(), value.text().unwrap_or_default()),
                        at: k.pos.location(),
                    });
                }
            }
            "ulimits" => {
                for (k, value) in v.entries() {
                    let (soft, hard) = match value.as_i64() {
                        Some(n) => (n, n),
                        None => match (
                            value.get("soft").and_then(Node::as_i64),
                            value.get("hard").and_then(Node::as_i64),
                        ) {
                            (Some(s), Some(h)) => (s, h),
                            (Some(s), None) => (s, s),
                            (None, Some(h)) => (h, h),
                            (None, None) => continue,
                        },
                    };
                    w.ulimits.push(Located {
                        value: Ulimit {
                            name: k.text.clone(),
                            soft,
                            hard,
                        },
                        at: k.pos.location(),
                    });
                }
            }
            "networks" => {
                for (k, _) in v.entries() {
                    w.networks.push(Located {
                        value: k.text.clone(),
                        at: k.pos.location(),
                    });
                }
            }
            _ => {}
        }
    }
    deploy(&mut w, service);

    let mut settings = ComposeSettings {
        project: ctx.project.to_owned(),
        ..ComposeSettings::default()
    };
    let has_mode = service.get("network_mode").is_some();
    settings.on_default_network = !has_mode
        && (service.get("networks").is_none() || w.networks.iter().any(|n| n.value == "default"));
    for n in &w.networks {
        if ctx.internal_networks.contains(&n.value) {
            settings.internal_networks.push(n.value.clone());
        }
    }
    if settings.on_default_network && ctx.internal_networks.contains("default") {
        settings.internal_networks.push("default".into());
        settings.internal_networks.dedup();
    }
    if let Some(deps) = service.get("depends_on") {
        settings
            .talks_to
            .extend(deps.entries().iter().map(|(k, _)| k.text.clone()));
    }
    if let Some(links) = service.get("links") {
        for (_, t) in scalars(links) {
            let target = t.split(':').next().unwrap_or_default().to_owned();
            if !settings.talks_to.contains(&target) {
                settings.talks_to.push(target);
            }
        }
    }
    w.compose = Some(settings);
    w
}

fn deploy(w: &mut Workload, service: &Node) {
    let Some(deploy) = service.get("deploy") else {
        return;
    };
    if let Some(limits) = deploy.get("resources").and_then(|r| r.get("limits")) {
        if let Some(m) = limits.get("memory")
            && w.resources.memory.at.is_none()
        {
            w.resources.memory = set(m.text().as_deref().and_then(parse_bytes), m);
        }
        if let Some(c) = limits.get("cpus")
            && w.resources.cpus.at.is_none()
        {
            w.resources.cpus = set(c.as_f64(), c);
        }
        if let Some(p) = limits.get("pids")
            && w.resources.pids.at.is_none()
        {
            w.resources.pids = set(p.as_i64(), p);
        }
    }
    // `restart:` wins; the swarm-style policy applies when it is absent.
    if let Some(policy) = deploy.get("restart_policy")
        && w.restart.at.is_none()
    {
        let attempts = policy
            .get("max_attempts")
            .and_then(Node::as_i64)
            .and_then(|n| u32::try_from(n).ok());
        let at = policy.get("condition").unwrap_or(policy);
        let value = match at.text().as_deref() {
            Some("none") => RestartPolicy::No,
            Some("on-failure") => RestartPolicy::OnFailure(attempts),
            // `any` is the swarm default when the condition is left out.
            _ => RestartPolicy::Always,
        };
        w.restart = set(value, at);
    }
}

fn healthcheck(w: &mut Workload, v: &Node) {
    if let Some(d) = v.get("disable")
        && d.as_bool() == Some(true)
    {
        w.healthcheck = set(Healthcheck::Disabled, d);
        return;
    }
    if let Some(test) = v.get("test") {
        let first = match &test.value {
            Value::Seq(items) => items.first().and_then(Node::text),
            _ => test.text(),
        };
        let value = if first.as_deref() == Some("NONE") {
            Healthcheck::Disabled
        } else {
            Healthcheck::Defined
        };
        w.healthcheck = set(value, test);
    }
}

fn environment(env: &mut Vec<Located<EnvVar>>, v: &Node) {
    for (k, value) in v.entries() {
        let value = match (&value.raw, value.text()) {
            (Some(raw), _) => EnvValue::Reference(raw.clone()),
            (None, Some(text)) => EnvValue::Literal(text),
            // `environment: [NAME]`: the value comes from the caller's environment.
            (None, None) => EnvValue::Reference(format!("${{{}}}", k.text)),
        };
        env.push(Located {
            value: EnvVar {
                name: k.text.clone(),
                value,
            },
            at: k.pos.location(),
        });
    }
}

/// Env files are references: the names are listed when the file can be read, the
/// values never are (they are often secrets and are not part of the compose file).
fn env_files(env: &mut Vec<Located<EnvVar>>, v: &Node, note: &mut impl FnMut(&Node, String)) {
    let entries: Vec<(&Node, String)> = match &v.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| Some((i, i.text().or_else(|| i.get("path").and_then(Node::text))?)))
            .collect(),
        _ => v.text().map(|t| vec![(v, t)]).unwrap_or_default(),
    };
    for (node, path) in entries {
        let base = node.pos.path.parent().unwrap_or(Path::new(""));
        let full = base.join(&path);
        let names = std::fs::metadata(&full)
            .ok()
            .filter(|m| m.is_file() && m.len() <= 1024 * 1024)
            .and_then(|_| std::fs::read_to_string(&full).ok())
            .map(|text| {
                super::dotenv::parse(&text)
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>()
            });
        match names {
            Some(names) => {
                for name in names {
                    env.push(located(
                        EnvVar {
                            name,
                            value: EnvValue::Reference(format!("env_file {path}")),
                        },
                        node,
                    ));
                }
            }
            None => note(
                node,
                format!("env_file `{path}` not read; its variables are unknown"),
            ),
        }
    }
}

fn security_opt(sec: &mut SecurityOptions, node: &Node, text: &str) {
    let (name, value) = text.split_once([':', '=']).unwrap_or((text, ""));
    match name {
        "no-new-privileges" => {
            sec.no_new_privileges = set(value.is_empty() || value == "true", node)
        }
        "seccomp" => sec.seccomp = set(profile(value), node),
        "apparmor" => sec.apparmor = set(profile(value), node),
        "label" if value == "disable" => sec.selinux_disabled = set(true, node),
        "label" => sec.selinux_labels.push(located(value.to_owned(), node)),
        _ => {}
    }
}

fn profile(value: &str) -> Profile {
    match value {
        "unconfined" => Profile::Unconfined,
        "" | "default" | "docker-default" | "runtime/default" => Profile::Default,
        other => Profile::Custom(other.to_owned()),
    }
}

fn network_mode(text: &str) -> NamespaceMode {
    match text {
        "host" => NamespaceMode::Host,
        "none" => NamespaceMode::None,
        "bridge" | "default" | "" => NamespaceMode::Private,
        other => match other.split_once(':') {
            Some(("service" | "container", target)) => NamespaceMode::Container(target.to_owned()),
            _ => NamespaceMode::Other(other.to_owned()),
        },
    }
}

fn namespace_mode(text: Option<&str>) -> NamespaceMode {
    match text.unwrap_or_default() {
        "host" => NamespaceMode::Host,
        "" | "private" => NamespaceMode::Private,
        other => match other.split_once(':') {
            Some(("service" | "container", target)) => NamespaceMode::Container(target.to_owned()),
            _ => NamespaceMode::Other(other.to_owned()),
        },
    }
}

pub(crate) fn restart_policy(text: &str) -> Option<RestartPolicy> {
    let (name, count) = text.split_once(':').unwrap_or((text, ""));
    Some(match name {
        "no" | "false" | "" => RestartPolicy::No,
        "always" => RestartPolicy::Always,
        "unless-stopped" => RestartPolicy::UnlessStopped,
        "on-failure" => RestartPolicy::OnFailure(count.parse().ok()),
        _ => return None,
    })
}

fn device(node: &Node) -> Option<Device> {
    if node.is_map() {
        let source = node.get("source").and_then(Node::text)?;
        let target = node
            .get("target")
            .and_then(Node::text)
            .unwrap_or_else(|| source.clone());
        let permissions = node
            .get("permissions")
            .and_then(Node::text)
            .unwrap_or_else(|| "rwm".into());
        return Some(Device {
            host_path: source,
            container_path: target,
            permissions,
        });
    }
    let text = node.text()?;
    let mut parts = text.splitn(3, ':');
    let host = parts.next()?.to_owned();
    let container = parts.next().map_or_else(|| host.clone(), str::to_owned);
    let permissions = parts.next().unwrap_or("rwm").to_owned();
    Some(Device {
        host_path: host,
        container_path: container,
        permissions,
    })
}

/// Splits `C:\src:/dst:ro` and `./src:/dst:ro` into their parts, keeping drive letters.
fn split_volume(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let drive = bytes.len() > 2
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && matches!(bytes.get(2), Some(b'\\' | b'/'));
    if drive {
        let rest = text.get(2..).unwrap_or_default();
        let mut parts: Vec<&str> = rest.split(':').collect();
        if let Some(first) = parts.first_mut() {
            *first = text.get(..2 + first.len()).unwrap_or(first);
        }
        parts
    } else {
        text.split(':').collect()
    }
}

/// The container path of a short-syntax volume (the key volumes merge by).
pub(crate) fn short_volume_target(text: &str) -> String {
    let parts = split_volume(text);
    match parts.as_slice() {
        [target] => (*target).to_owned(),
        [_, target, ..] => (*target).to_owned(),
        [] => String::new(),
    }
}

fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~', '\\', '$'])
        || split_volume(source)
            .first()
            .is_some_and(|f| f.len() > 2 && f.as_bytes().get(1) == Some(&b':'))
}

fn propagation_option(option: &str) -> bool {
    matches!(
        option,
        "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
    )
}

pub(crate) fn volume(node: &Node) -> Option<Mount> {
    if node.is_map() {
        let kind = node.get("type").and_then(Node::text);
        let source = node.get("source").and_then(Node::text).unwrap_or_default();
        let target = node.get("target").and_then(Node::text)?;
        let kind = match kind.as_deref() {
            Some("bind") => MountKind::Bind,
            Some("volume") => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some(_) => MountKind::Other,
            None if is_host_path(&source) => MountKind::Bind,
            None => MountKind::Volume,
        };
        let read_only = node
            .get("read_only")
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let propagation = node
            .get("bind")
            .and_then(|b| b.get("propagation"))
            .and_then(Node::text);
        return Some(Mount {
            kind,
            source,
            target,
            read_only,
            propagation,
        });
    }
    let text = node.text()?;
    let parts = split_volume(&text);
    let (source, target, options) = match parts.as_slice() {
        [target] => ("", *target, ""),
        [source, target] => (*source, *target, ""),
        [source, target, options] => (*source, *target, *options),
        _ => return None,
    };
    if target.is_empty() {
        return None;
    }
    let options: Vec<&str> = options.split(',').filter(|o| !o.is_empty()).collect();
    Some(Mount {
        kind: if source.is_empty() {
            MountKind::Volume
        } else if is_host_path(source) {
            MountKind::Bind
        } else {
            MountKind::Volume
        },
        source: source.to_owned(),
        target: target.to_owned(),
        read_only: options.iter().any(|o| matches!(*o, "ro" | "readonly")),
        propagation: options
            .iter()
            .find(|o| propagation_option(o))
            .map(|o| (*o).to_owned()),
    })
}

fn port_range(text: &str) -> Option<(u16, u16)> {
    let text = text.trim();
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let p = text.parse().ok()?;
            Some((p, p))
        }
    }
}

fn protocol(text: &str) -> Option<Protocol> {
    match text.to_ascii_lowercase().as_str() {
        "" | "tcp" => Some(Protocol::Tcp),
        "udp" => Some(Protocol::Udp),
        "sctp" => Some(Protocol::Sctp),
        _ => None,
    }
}

pub(crate) fn port(node: &Node) -> Option<PortBinding> {
    if node.is_map() {
        let (container_port, container_port_end) = port_range(&node.get("target")?.text()?)?;
        let published = node
            .get("published")
            .and_then(Node::text)
            .filter(|t| !t.is_empty());
        let (host_port, host_port_end) = match published {
            Some(p) => {
                let (a, b) = port_range(&p)?;
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let host_ip = node
            .get("host_ip")
            .and_then(Node::text)
            .filter(|t| !t.is_empty());
        let protocol = protocol(
            &node
                .get("protocol")
                .and_then(Node::text)
                .unwrap_or_default(),
        )?;
        return Some(PortBinding {
            host_ip,
            host_port,
            host_port_end,
            container_port,
            container_port_end,
            protocol,
        });
    }
    parse_port(&node.text()?)
}

/// Short port syntax: `80`, `8080:80`, `127.0.0.1:8080:80/udp`, `[::1]::80`, ranges.
pub(crate) fn parse_port(text: &str) -> Option<PortBinding> {
    let (spec, proto) = text.rsplit_once('/').unwrap_or((text, ""));
    let protocol = protocol(proto)?;
    let mut parts = spec.rsplitn(3, ':');
    let container = parts.next()?;
    let host = parts.next();
    let ip = parts.next();
    let (container_port, container_port_end) = port_range(container)?;
    let (host_port, host_port_end) = match host.filter(|h| !h.is_empty()) {
        Some(h) => {
            let (a, b) = port_range(h)?;
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let host_ip = ip
        .map(|ip| ip.trim_start_matches('[').trim_end_matches(']').to_owned())
        .filter(|ip| !ip.is_empty());
    Some(PortBinding {
        host_ip,
        host_port,
        host_port_end,
        container_port,
        container_port_end,
        protocol,
    })
}

/// Docker's byte sizes: `512m`, `1g`, `1gb`, `1.5GiB`, `1048576`; binary multiples.
pub(crate) fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let t = t.strip_suffix('i').unwrap_or(t);
    let (number, mult) = match t.chars().last()? {
        'k' => (t.get(..t.len() - 1)?, 1u64 << 10),
        'm' => (t.get(..t.len() - 1)?, 1 << 20),
        'g' => (t.get(..t.len() - 1)?, 1 << 30),
        't' => (t.get(..t.len() - 1)?, 1 << 40),
        'p' => (t.get(..t.len() - 1)?, 1 << 50),
        _ => (t, 1),
    };
    let number = number.trim();
    if let Ok(n) = number.parse::<u64>() {
        return n.checked_mul(mult);
    }
    let f: f64 = number.parse().ok()?;
    let bytes = f * mult as f64;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (Option<String>, Option<u16>, Option<u16>, u16, u16, Protocol) {
        let b = parse_port(text).unwrap_or_else(|| panic!("{text}"));
        (
            b.host_ip,
            b.host_port,
            b.host_port_end,
            b.container_port,
            b.container_port_end,
            b.protocol,
        )
    }

    #[test]
    fn short_ports() {
        assert_eq!(p("80"), (None, None, None, 80, 80, Protocol::Tcp));
        assert_eq!(
            p("8080:80"),
            (None, Some(8080), Some(8080), 80, 80, Protocol::Tcp)
        );
        assert_eq!(
            p("127.0.0.1:8080:80/udp"),
            (
                Some("127.0.0.1".into()),
                Some(8080),
                Some(8080),
                80,
                80,
                Protocol::Udp
            )
        );
        assert_eq!(
            p("127.0.0.1::80"),
            (Some("127.0.0.1".into()), None, None, 80, 80, Protocol::Tcp)
        );
        assert_eq!(
            p("9090-9091:8080-8081"),
            (None, Some(9090), Some(9091), 8080, 8081, Protocol::Tcp)
        );
        assert_eq!(
            p("3000-3005"),
            (None, None, None, 3000, 3005, Protocol::Tcp)
        );
        assert_eq!(
            p("[::1]:6000:6000"),
            (
                Some("::1".into()),
                Some(6000),
                Some(6000),
                6000,
                6000,
                Protocol::Tcp
            )
        );
        assert_eq!(p("::1:6001:6001/sctp").0, Some("::1".into()));
        assert!(parse_port("80:99999").is_none());
        assert!(parse_port("80/xyz").is_none());
    }

    #[test]
    fn short_volumes() {
        let v = |t: &str| {
            let node = Node::new(
                Value::Str {
                    text: t.into(),
                    quoted: false,
                },
                crate::yaml::Pos {
                    path: std::sync::Arc::from(Path::new("c.yml")),
                    line: 1,
                    column: 1,
                },
            );
            volume(&node).unwrap()
        };
        let m = v("./src:/dst:ro");
        assert_eq!(
            (m.kind, m.source.as_str(), m.target.as_str(), m.read_only),
            (MountKind::Bind, "./src", "/dst", true)
        );
        let m = v("data:/var/lib/data");
        assert_eq!((m.kind, m.source.as_str()), (MountKind::Volume, "data"));
        let m = v("/anon");
        assert_eq!(
            (m.kind, m.source.as_str(), m.target.as_str()),
            (MountKind::Volume, "", "/anon")
        );
        let m = v("/var/run/docker.sock:/var/run/docker.sock:ro,rshared");
        assert_eq!(
            (m.read_only, m.propagation.as_deref()),
            (true, Some("rshared"))
        );
        let m = v("C:\\data:/data");
        assert_eq!(
            (m.kind, m.source.as_str(), m.target.as_str()),
            (MountKind::Bind, "C:\\data", "/data")
        );
        assert_eq!(short_volume_target("./a:/b:ro"), "/b");
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1g"), Some(1 << 30));
        assert_eq!(parse_bytes("1GB"), Some(1 << 30));
        assert_eq!(parse_bytes("1.5GiB"), Some(3 << 29));
        assert_eq!(parse_bytes("1048576"), Some(1 << 20));
        assert_eq!(parse_bytes("100k"), Some(102_400));
        assert_eq!(parse_bytes("lots"), None);
    }

    #[test]
    fn restart_policies() {
        assert_eq!(
            restart_policy("on-failure:3"),
            Some(RestartPolicy::OnFailure(Some(3)))
        );
        assert_eq!(
            restart_policy("unless-stopped"),
            Some(RestartPolicy::UnlessStopped)
        );
        assert_eq!(restart_policy("no"), Some(RestartPolicy::No));
        assert_eq!(restart_policy("sometimes"), None);
    }
}

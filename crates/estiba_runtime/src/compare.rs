//! Comparing workloads from different inputs: the same settings written as a `docker run`
//! line, a compose service, a Kubernetes container or found on a live container must
//! give the same model values. [`comparable`] projects a workload onto what must agree;
//! [`differences`] lists where two workloads do not.
//!
//! Left out of the projection, because they differ by nature of the input:
//! - every location (`at`), the workload's `name` and its `source`;
//! - the order of list entries (a live container's mounts and ports come in the
//!   engine's order);
//! - how published port ranges are grouped (the CLI sends a range as one binding per
//!   port; every range is expanded here);
//! - the target of `container:…` namespace modes (a name on a command line, the
//!   container's ID once the engine has resolved it);
//! - `rprivate` bind propagation, the engine's default, which equals no propagation.

use serde_json::{Map, Value};

use crate::model::{NamespaceMode, Setting, Workload};

/// The workload's settings, stripped of everything that legitimately differs between
/// inputs (see the module documentation), as JSON with lists sorted.
#[must_use]
pub fn comparable(workload: &Workload) -> Value {
    let mut w = workload.clone();
    let mut ports = Vec::new();
    for p in w.ports.drain(..) {
        let span = p
            .value
            .container_port_end
            .saturating_sub(p.value.container_port);
        for i in 0..=span {
            let mut single = p.clone();
            single.value.container_port = p.value.container_port.saturating_add(i);
            single.value.container_port_end = single.value.container_port;
            if span > 0 {
                single.value.host_port = p.value.host_port.map(|h| h.saturating_add(i));
                single.value.host_port_end = single.value.host_port;
            }
            ports.push(single);
        }
    }
    w.ports = ports;
    for m in &mut w.mounts {
        if m.value.propagation.as_deref() == Some("rprivate") {
            m.value.propagation = None;
        }
    }
    let ns = &mut w.namespaces;
    for s in [
        &mut ns.network,
        &mut ns.pid,
        &mut ns.ipc,
        &mut ns.uts,
        &mut ns.user,
        &mut ns.cgroup,
    ] {
        forget_container_target(s);
    }

    let mut v = serde_json::to_value(&w).unwrap_or(Value::Null);
    strip_locations(&mut v);
    if let Value::Object(map) = &mut v {
        map.remove("name");
        map.remove("source");
        sort_lists(map);
    }
    v
}

fn forget_container_target(s: &mut Setting<NamespaceMode>) {
    if let NamespaceMode::Container(target) = &mut s.value {
        target.clear();
    }
}

fn strip_locations(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("at");
            for child in map.values_mut() {
                strip_locations(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_locations),
        _ => {}
    }
}

/// Sorts the list fields (not tuples inside them) by their JSON text.
fn sort_lists(map: &mut Map<String, Value>) {
    for (key, child) in map.iter_mut() {
        match child {
            Value::Array(items) if key != "value" => {
                for item in items.iter_mut() {
                    if let Value::Object(m) = item {
                        sort_lists(m);
                    }
                }
                items.sort_by_cached_key(Value::to_string);
            }
            Value::Object(m) => sort_lists(m),
            _ => {}
        }
    }
}

/// Where two workloads disagree, as `path: left != right` lines; empty when they are
/// equivalent.
#[must_use]
pub fn differences(a: &Workload, b: &Workload) -> Vec<String> {
    let mut out = Vec::new();
    diff("", &comparable(a), &comparable(b), &mut out);
    out
}

/// Whether two workloads hold the same settings (see [`comparable`]).
#[must_use]
pub fn equivalent(a: &Workload, b: &Workload) -> bool {
    comparable(a) == comparable(b)
}

fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let keys: std::collections::BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff(
                    &sub,
                    ma.get(k).unwrap_or(&Value::Null),
                    mb.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(format!("{path}: {a} != {b}")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Located, Location, PortBinding, Protocol, SourceKind};

    fn at(i: usize) -> Location {
        Location::Argument {
            index: i,
            text: String::new(),
            file: None,
            line: None,
        }
    }

    fn port(host: Option<u16>, host_end: Option<u16>, c: u16, c_end: u16) -> PortBinding {
        PortBinding {
            host_ip: None,
            host_port: host,
            host_port_end: host_end,
            container_port: c,
            container_port_end: c_end,
            protocol: Protocol::Tcp,
        }
    }

    #[test]
    fn locations_order_and_ranges_are_ignored() {
        let mut a = Workload::new(SourceKind::DockerRun, "a", at(0));
        let mut b = Workload::new(SourceKind::Container, "b", at(9));
        a.cap_add.push(Located {
            value: "NET_ADMIN".into(),
            at: at(1),
        });
        a.cap_add.push(Located {
            value: "SYS_ADMIN".into(),
            at: at(2),
        });
        b.cap_add.push(Located {
            value: "SYS_ADMIN".into(),
            at: at(3),
        });
        b.cap_add.push(Located {
            value: "NET_ADMIN".into(),
            at: at(4),
        });
        a.ports.push(Located {
            value: port(Some(80), Some(81), 80, 81),
            at: at(5),
        });
        b.ports.push(Located {
            value: port(Some(81), Some(81), 81, 81),
            at: at(6),
        });
        b.ports.push(Located {
            value: port(Some(80), Some(80), 80, 80),
            at: at(7),
        });
        a.privileged = Setting::set(false, at(8));
        assert_eq!(differences(&a, &b), Vec::<String>::new());
        b.privileged = Setting::set(true, at(8));
        assert_eq!(differences(&a, &b), ["privileged.value: false != true"]);
        assert!(!equivalent(&a, &b));
    }
}

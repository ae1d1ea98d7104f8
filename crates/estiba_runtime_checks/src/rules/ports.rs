//! What the port rules share.

use estiba_runtime::{PortBinding, Protocol};

/// `8080:80/tcp`, `127.0.0.1:8000-8002:8000-8002/udp`, `80/tcp` (an ephemeral host port).
pub(super) fn describe(p: &PortBinding) -> String {
    let range = |first: u16, last: Option<u16>| match last {
        Some(last) if last != first => format!("{first}-{last}"),
        _ => first.to_string(),
    };
    let protocol = match p.protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Sctp => "sctp",
    };
    let container = range(p.container_port, Some(p.container_port_end));
    let host = p.host_port.map(|h| range(h, p.host_port_end));
    match (p.host_ip.as_deref(), host) {
        (Some(ip), Some(host)) => format!("{ip}:{host}:{container}/{protocol}"),
        (Some(ip), None) => format!("{ip}::{container}/{protocol}"),
        (None, Some(host)) => format!("{host}:{container}/{protocol}"),
        (None, None) => format!("{container}/{protocol}"),
    }
}

/// Whether the binding listens on every interface of the host.
pub(super) fn on_all_interfaces(p: &PortBinding) -> bool {
    matches!(
        p.host_ip.as_deref(),
        None | Some("0.0.0.0" | "::" | "[::]" | "")
    )
}

/// The host ports of the binding, as a range (`None`: ephemeral).
pub(super) fn host_range(p: &PortBinding) -> Option<(u16, u16)> {
    let first = p.host_port?;
    Some((first, p.host_port_end.unwrap_or(first).max(first)))
}

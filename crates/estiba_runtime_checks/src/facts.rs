//! Tables several rules share: capabilities, host paths, users.

use estiba_runtime::{Mount, MountKind, SourceKind, Workload};

/// The capabilities Docker (and containerd/CRI-O) grant by default; adding one of them
/// changes nothing unless it was dropped first.
pub(crate) const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Capabilities that give a container a way out or power over the host, with why.
pub(crate) const DANGEROUS_CAPABILITIES: &[(&str, &str)] = &[
    ("ALL", "every capability, as good as --privileged"),
    (
        "SYS_ADMIN",
        "mount, namespaces and much of the kernel; a known escape route",
    ),
    ("SYS_MODULE", "loads kernel modules"),
    ("SYS_PTRACE", "traces and injects into other processes"),
    ("SYS_RAWIO", "raw I/O to devices and memory"),
    ("SYS_BOOT", "reboots the host"),
    ("SYS_TIME", "sets the host's clock"),
    (
        "DAC_READ_SEARCH",
        "reads any file by handle (the shocker escape)",
    ),
    (
        "NET_ADMIN",
        "reconfigures networking, firewall rules and interfaces",
    ),
    ("NET_RAW", "crafts raw packets (spoofing, ARP poisoning)"),
    ("BPF", "loads BPF programs into the kernel"),
    ("PERFMON", "kernel performance monitoring"),
    ("SYSLOG", "reads kernel addresses from the kernel log"),
    ("MAC_ADMIN", "reconfigures AppArmor or SELinux"),
    ("MAC_OVERRIDE", "bypasses AppArmor or SELinux"),
    ("LINUX_IMMUTABLE", "changes immutable and append-only files"),
    ("AUDIT_CONTROL", "reconfigures kernel auditing"),
    ("DAC_OVERRIDE", "ignores file permissions"),
];

/// Why `cap` is dangerous, if it is.
pub(crate) fn dangerous(cap: &str) -> Option<&'static str> {
    DANGEROUS_CAPABILITIES
        .iter()
        .find(|(name, _)| *name == cap)
        .map(|(_, why)| *why)
}

/// Container-runtime API sockets: whoever reaches one controls every container on the
/// host, and through a privileged container the host itself.
const RUNTIME_SOCKETS: &[(&str, &str)] = &[
    ("docker.sock", "the Docker daemon"),
    ("containerd.sock", "containerd"),
    ("crio.sock", "CRI-O"),
    ("podman.sock", "Podman"),
    ("dockershim.sock", "dockershim"),
    ("cri-dockerd.sock", "cri-dockerd"),
];

/// Directories that hold those sockets: mounting one mounts the socket.
const SOCKET_DIRS: &[&str] = &[
    "/var/run",
    "/run",
    "/var/run/docker",
    "/run/docker",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/run/podman",
    "/var/run/podman",
];

/// `path` without trailing slashes (`/` stays `/`).
pub(crate) fn clean(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() && path.starts_with('/') {
        "/"
    } else {
        trimmed
    }
}

/// Which runtime's socket a host path is or holds, if any.
pub(crate) fn runtime_socket(host_path: &str) -> Option<&'static str> {
    let path = clean(host_path);
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, what)) = RUNTIME_SOCKETS.iter().find(|(name, _)| *name == file) {
        return Some(what);
    }
    if path.ends_with("/podman/podman.sock") {
        return Some("Podman");
    }
    SOCKET_DIRS
        .contains(&path)
        .then_some("every container runtime socket of the host")
}

/// Host directories whose contents give away the host: its configuration, credentials,
/// kernel interfaces, devices, or the state of its container runtimes.
/// Host directories that expose the host, with everything inside them.
const SENSITIVE_PATHS: &[(&str, &str)] = &[
    ("/", "the host's whole filesystem"),
    ("/etc", "the host's configuration and password files"),
    ("/proc", "the host's processes and kernel settings"),
    ("/sys", "the host's kernel and device settings"),
    ("/boot", "the host's kernel and boot loader"),
    ("/dev", "the host's devices"),
    ("/root", "root's home directory and keys"),
    ("/lib/modules", "the host's kernel modules"),
    ("/var/lib/docker", "every container's and image's files"),
    ("/var/lib/containerd", "every container's and image's files"),
    (
        "/var/lib/kubelet",
        "the kubelet's state and every pod's secrets",
    ),
    ("/etc/kubernetes", "the cluster's credentials"),
    ("/var/lib/etcd", "the cluster's database"),
];

/// Host directories that expose the host only as a whole: applications keep their own
/// data below them (`/usr/share/appdata/…`, `/var/log/app`, `/home/app/data`).
const SENSITIVE_EXACT: &[(&str, &str)] = &[
    ("/usr", "the host's programs"),
    ("/usr/bin", "the host's programs"),
    ("/usr/sbin", "the host's programs"),
    ("/usr/lib", "the host's libraries"),
    ("/usr/local/bin", "the host's programs"),
    ("/bin", "the host's programs"),
    ("/sbin", "the host's programs"),
    ("/lib", "the host's libraries"),
    ("/lib64", "the host's libraries"),
    ("/home", "the users' home directories and keys"),
    ("/var/log", "the host's logs"),
];

/// What a host path exposes, when it is (or is inside) a sensitive directory. Socket
/// paths are left to the socket rule.
pub(crate) fn sensitive_path(host_path: &str) -> Option<&'static str> {
    let path = clean(host_path);
    if !path.starts_with('/') || runtime_socket(path).is_some() {
        return None;
    }
    SENSITIVE_PATHS
        .iter()
        .filter(|(dir, _)| {
            *dir == path
                || (*dir != "/"
                    && path
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
        .chain(SENSITIVE_EXACT.iter().filter(|(dir, _)| *dir == path))
        .map(|(_, what)| *what)
        .next()
}

/// A host-path mount (bind, hostPath).
pub(crate) fn is_host_mount(m: &Mount) -> bool {
    m.kind == MountKind::Bind
}

/// Whether a user setting names root: `root`, `0`, with or without a group.
pub(crate) fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// The input's own word for a thing, so messages speak the user's language.
pub(crate) fn is_kubernetes(w: &Workload) -> bool {
    w.source == SourceKind::Kubernetes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_and_their_directories() {
        assert_eq!(
            runtime_socket("/var/run/docker.sock"),
            Some("the Docker daemon")
        );
        assert_eq!(
            runtime_socket("/run/containerd/containerd.sock"),
            Some("containerd")
        );
        assert_eq!(
            runtime_socket("/run/user/1000/podman/podman.sock"),
            Some("Podman")
        );
        assert!(runtime_socket("/var/run/").is_some());
        assert_eq!(runtime_socket("/var/run/app"), None);
        assert_eq!(runtime_socket("/srv/docker.socket"), None);
    }

    #[test]
    fn sensitive_paths_and_their_children() {
        assert!(sensitive_path("/").is_some());
        assert!(sensitive_path("/etc/").is_some());
        assert!(sensitive_path("/etc/ssl/certs").is_some());
        assert!(sensitive_path("/var/lib/kubelet/pods").is_some());
        assert_eq!(sensitive_path("/etcetera"), None);
        assert_eq!(sensitive_path("/srv/app"), None);
        assert_eq!(sensitive_path("/var/run/docker.sock"), None);
        assert_eq!(sensitive_path("relative"), None);
        // Program and log directories count as a whole, not for the data kept below them.
        assert!(sensitive_path("/usr").is_some());
        assert!(sensitive_path("/var/log/").is_some());
        assert_eq!(sensitive_path("/usr/share/appdata/wireguard/config"), None);
        assert_eq!(sensitive_path("/var/log/myapp"), None);
        assert_eq!(sensitive_path("/home/oracle/oradata"), None);
    }

    #[test]
    fn root_users() {
        for u in ["root", "0", "0:0", "root:wheel", " 0 "] {
            assert!(is_root(u), "{u}");
        }
        for u in ["1000", "app", "1000:0", "00x"] {
            assert!(!is_root(u), "{u}");
        }
    }
}

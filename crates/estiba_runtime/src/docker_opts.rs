//! Docker option semantics shared by the command-line and the inspect loaders, so that the
//! same setting written either way lands on the same model value.

use crate::model::{NamespaceMode, Profile, RestartPolicy};

/// `sys_admin`, `CAP_SYS_ADMIN` and `Sys_Admin` are one capability; the engine itself
/// stores them as `CAP_SYS_ADMIN`. `ALL` stays `ALL`.
pub(crate) fn normalize_capability(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => upper,
    }
}

/// One `--security-opt` entry understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecurityOpt {
    NoNewPrivileges(bool),
    Seccomp(Profile),
    AppArmor(Profile),
    LabelDisable,
    /// A label option other than `disable` (`type:spc_t`, `level:s0:c100`).
    Label(String),
    /// `systempaths=unconfined`, `writable-cgroups=true`: known to the engine, not modelled.
    Ignored,
}

/// Parses one security option the way the engine does: `key=value`, the legacy
/// `key:value`, and a bare `no-new-privileges`. `Err` carries the reason.
pub(crate) fn parse_security_opt(opt: &str) -> Result<SecurityOpt, String> {
    let (key, value) = match opt.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None if opt == "no-new-privileges" => (opt, None),
        None => match opt.split_once(':') {
            Some((k, v)) => (k, Some(v)),
            None => (opt, None),
        },
    };
    if key != "no-new-privileges" && value.is_none_or(str::is_empty) {
        return Err("a value is required (key=value)".to_owned());
    }
    let value = value.unwrap_or_default();
    match key {
        "no-new-privileges" => {
            if value.is_empty() {
                Ok(SecurityOpt::NoNewPrivileges(true))
            } else {
                parse_go_bool(value)
                    .map(SecurityOpt::NoNewPrivileges)
                    .ok_or_else(|| format!("invalid no-new-privileges value {value:?}"))
            }
        }
        "seccomp" => Ok(SecurityOpt::Seccomp(match value {
            "unconfined" => Profile::Unconfined,
            "builtin" => Profile::Default,
            other => Profile::Custom(other.to_owned()),
        })),
        "apparmor" => Ok(SecurityOpt::AppArmor(match value {
            "unconfined" => Profile::Unconfined,
            "docker-default" => Profile::Default,
            other => Profile::Custom(other.to_owned()),
        })),
        "label" => {
            if value == "disable" {
                Ok(SecurityOpt::LabelDisable)
            } else {
                Ok(SecurityOpt::Label(value.to_owned()))
            }
        }
        "systempaths" | "writable-cgroups" => Ok(SecurityOpt::Ignored),
        other => Err(format!("unknown security option {other:?}")),
    }
}

/// Whether an SELinux label option confines nothing: `type:spc_t` is the
/// super-privileged container type, as good as `disable`.
pub(crate) fn label_disables_selinux(label: &str) -> bool {
    label == "type:spc_t"
}

/// strconv.ParseBool.
pub(crate) fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Which namespace flag a mode belongs to; each accepts different modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NsKind {
    Network,
    Pid,
    Ipc,
    Uts,
    User,
    Cgroup,
}

/// Maps a namespace mode as the engine spells it. Docker's `private` and `shareable`
/// IPC modes and the `default`/`bridge` network are the container's own namespace.
/// A user-defined network name is private networking (the name goes to `networks`).
pub(crate) fn namespace_mode(kind: NsKind, mode: &str) -> Result<NamespaceMode, String> {
    let container = |target: &str| {
        if target.is_empty() {
            Err(format!("invalid mode {mode:?}: no container named"))
        } else {
            Ok(NamespaceMode::Container(target.to_owned()))
        }
    };
    match (kind, mode) {
        (_, "host") => Ok(NamespaceMode::Host),
        (NsKind::Network, "none") | (NsKind::Ipc, "none") => Ok(NamespaceMode::None),
        (NsKind::Network | NsKind::Pid | NsKind::Ipc, m) if m.starts_with("container:") => {
            container(m.get("container:".len()..).unwrap_or_default())
        }
        (NsKind::Network, _) => Ok(NamespaceMode::Private),
        (NsKind::Ipc, "" | "private" | "shareable") => Ok(NamespaceMode::Private),
        (NsKind::Pid | NsKind::Uts | NsKind::User, "") => Ok(NamespaceMode::Private),
        (NsKind::User | NsKind::Cgroup, "private") | (NsKind::Cgroup, "") => {
            Ok(NamespaceMode::Private)
        }
        _ => Err(format!("invalid mode {mode:?}")),
    }
}

/// `no`, `always`, `unless-stopped`, `on-failure[:N]`, validated as the engine does.
/// A retry count of 0 is no cap.
pub(crate) fn restart_policy(name: &str, count: i64) -> Result<RestartPolicy, String> {
    if count < 0 {
        return Err("maximum retry count cannot be negative".to_owned());
    }
    let capped = |p: RestartPolicy| {
        if count == 0 {
            Ok(p)
        } else {
            Err(format!(
                "maximum retry count can only be used with 'on-failure', not {name:?}"
            ))
        }
    };
    match name {
        "" | "no" => capped(RestartPolicy::No),
        "always" => capped(RestartPolicy::Always),
        "unless-stopped" => capped(RestartPolicy::UnlessStopped),
        "on-failure" => Ok(RestartPolicy::OnFailure(
            u32::try_from(count).ok().filter(|n| *n > 0),
        )),
        other => Err(format!(
            "unknown policy {other:?}; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
        )),
    }
}

/// Lexical path cleaning as Go's `path.Clean`: the engine cleans mount paths, so
/// `/data/` and `/data` are one target.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Bind propagation as the model keeps it: `rprivate` is the engine's default for binds
/// and is recorded as `None`, so that a written and an implied default compare equal.
pub(crate) fn propagation(p: &str) -> Option<String> {
    let p = p.to_ascii_lowercase();
    (!p.is_empty() && p != "rprivate").then_some(p)
}

/// A host address that means every interface.
pub(crate) fn host_ip(ip: &str) -> Option<String> {
    match ip {
        "" | "0.0.0.0" | "::" => None,
        other => Some(other.to_owned()),
    }
}

/// `--cpus` in nano-CPUs to the model's CPUs; one formula for every loader so that
/// values compare equal bit for bit.
#[allow(clippy::cast_precision_loss)] // nano-CPUs far below 2^53 in practice
pub(crate) fn cpus_from_nanos(nanos: i64) -> Option<f64> {
    (nanos > 0).then(|| nanos as f64 / 1e9)
}

/// CFS quota and period to CPUs; a period of 0 is the kernel default of 100 ms.
pub(crate) fn cpus_from_quota(quota: i64, period: i64) -> Option<f64> {
    if quota <= 0 {
        return None;
    }
    let period = if period > 0 { period } else { 100_000 };
    let nanos = i128::from(quota) * 1_000_000_000 / i128::from(period);
    cpus_from_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
}

/// PIDs limit: 0 and negative values are unlimited.
pub(crate) fn pids_limit(limit: i64) -> Option<i64> {
    (limit > 0).then_some(limit)
}

/// Memory limit: 0 is unlimited.
pub(crate) fn memory_limit(bytes: i64) -> Option<u64> {
    u64::try_from(bytes).ok().filter(|b| *b > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        for (input, want) in [
            ("SYS_ADMIN", "SYS_ADMIN"),
            ("sys_admin", "SYS_ADMIN"),
            ("CAP_SYS_ADMIN", "SYS_ADMIN"),
            ("cap_net_raw", "NET_RAW"),
            ("all", "ALL"),
            ("CAP_", "CAP_"),
        ] {
            assert_eq!(normalize_capability(input), want, "{input}");
        }
    }

    #[test]
    fn security_options() {
        use SecurityOpt as S;
        let ok = [
            ("no-new-privileges", S::NoNewPrivileges(true)),
            ("no-new-privileges:true", S::NoNewPrivileges(true)),
            ("no-new-privileges=false", S::NoNewPrivileges(false)),
            ("no-new-privileges:false", S::NoNewPrivileges(false)),
            ("seccomp=unconfined", S::Seccomp(Profile::Unconfined)),
            ("seccomp:unconfined", S::Seccomp(Profile::Unconfined)),
            ("seccomp=builtin", S::Seccomp(Profile::Default)),
            (
                "seccomp=/p.json",
                S::Seccomp(Profile::Custom("/p.json".into())),
            ),
            ("apparmor=unconfined", S::AppArmor(Profile::Unconfined)),
            (
                "apparmor:my-prof",
                S::AppArmor(Profile::Custom("my-prof".into())),
            ),
            ("apparmor=docker-default", S::AppArmor(Profile::Default)),
            ("label=disable", S::LabelDisable),
            ("label:disable", S::LabelDisable),
            ("label=type:spc_t", S::Label("type:spc_t".into())),
            (
                "label=level:s0:c100,c200",
                S::Label("level:s0:c100,c200".into()),
            ),
            ("systempaths=unconfined", S::Ignored),
        ];
        for (input, want) in ok {
            assert_eq!(parse_security_opt(input), Ok(want), "{input}");
        }
        for bad in [
            "",
            "seccomp",
            "seccomp=",
            "label",
            "no-new-privileges=maybe",
            "foo=bar",
        ] {
            assert!(parse_security_opt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn namespace_modes() {
        use NamespaceMode as M;
        use NsKind as K;
        let cases = [
            (K::Network, "host", Ok(M::Host)),
            (K::Network, "none", Ok(M::None)),
            (K::Network, "bridge", Ok(M::Private)),
            (K::Network, "default", Ok(M::Private)),
            (K::Network, "mynet", Ok(M::Private)),
            (K::Network, "container:web", Ok(M::Container("web".into()))),
            (K::Ipc, "shareable", Ok(M::Private)),
            (K::Ipc, "private", Ok(M::Private)),
            (K::Ipc, "none", Ok(M::None)),
            (K::Pid, "container:db", Ok(M::Container("db".into()))),
            (K::Uts, "host", Ok(M::Host)),
            (K::Cgroup, "private", Ok(M::Private)),
            (K::User, "host", Ok(M::Host)),
        ];
        for (kind, mode, want) in cases {
            assert_eq!(namespace_mode(kind, mode), want, "{kind:?} {mode}");
        }
        for (kind, mode) in [
            (K::Pid, "container:"),
            (K::Pid, "bogus"),
            (K::Uts, "container:x"),
            (K::Cgroup, "none"),
        ] {
            assert!(namespace_mode(kind, mode).is_err(), "{kind:?} {mode}");
        }
    }

    #[test]
    fn paths() {
        for (input, want) in [
            ("/a/b/", "/a/b"),
            ("/a//b/./c/..", "/a/b"),
            ("/../a", "/a"),
            ("a/../..", ".."),
            ("", "."),
            ("/", "/"),
        ] {
            assert_eq!(clean_path(input), want, "{input}");
        }
    }

    #[test]
    fn resources() {
        assert_eq!(cpus_from_quota(50_000, 100_000), Some(0.5));
        assert_eq!(cpus_from_quota(150_000, 0), Some(1.5));
        assert_eq!(cpus_from_quota(0, 100_000), None);
        assert_eq!(cpus_from_quota(i64::MAX, 1).map(|c| c > 0.0), Some(true));
        assert_eq!(pids_limit(-1), None);
        assert_eq!(pids_limit(0), None);
        assert_eq!(memory_limit(0), None);
        assert_eq!(
            restart_policy("on-failure", 0),
            Ok(RestartPolicy::OnFailure(None))
        );
        assert_eq!(
            restart_policy("on-failure", 3),
            Ok(RestartPolicy::OnFailure(Some(3)))
        );
        assert!(restart_policy("always", 3).is_err());
        assert!(restart_policy("sometimes", 0).is_err());
    }
}

//! The registry of runtime rules. Codes are stable and never reused.

mod namespace;
mod ports;

mod apparmor_unconfined;
mod capabilities_not_dropped;
mod capability_added;
mod compose_backend_not_internal;
mod cpu_limit;
mod default_bridge;
mod device_passed_through;
mod env_secret;
mod healthcheck_disabled;
mod host_cgroup_namespace;
mod host_ipc;
mod host_network;
mod host_path_volume;
mod host_pid;
mod host_port;
mod host_user_namespace;
mod host_uts;
mod image_pull_policy;
mod image_tag_mutable;
mod memory_limit;
mod network_policy_missing;
mod no_new_privileges;
mod pids_limit;
mod port_all_interfaces;
mod privileged;
mod privileged_host_port;
mod restart_uncapped;
mod root_user;
mod run_as_non_root;
mod runtime_socket_mounted;
mod seccomp_profile_unset;
mod seccomp_unconfined;
mod selinux_disabled;
mod sensitive_host_path;
mod sensitive_port;
mod service_account_token;
mod shared_propagation;
mod user_not_set;
mod writable_host_mount;
mod writable_root_filesystem;

pub use apparmor_unconfined::ApparmorUnconfined;
pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use capability_added::CapabilityAdded;
pub use compose_backend_not_internal::ComposeBackendNotInternal;
pub use cpu_limit::CpuLimitMissing;
pub use default_bridge::DefaultBridge;
pub use device_passed_through::DevicePassedThrough;
pub use env_secret::EnvSecret;
pub use healthcheck_disabled::HealthcheckDisabled;
pub use host_cgroup_namespace::HostCgroupNamespace;
pub use host_ipc::HostIpc;
pub use host_network::HostNetwork;
pub use host_path_volume::HostPathVolume;
pub use host_pid::HostPid;
pub use host_port::HostPort;
pub use host_user_namespace::HostUserNamespace;
pub use host_uts::HostUts;
pub use image_pull_policy::ImagePullPolicy;
pub use image_tag_mutable::ImageTagMutable;
pub use memory_limit::MemoryLimitMissing;
pub use network_policy_missing::NetworkPolicyMissing;
pub use no_new_privileges::NoNewPrivilegesMissing;
pub use pids_limit::PidsLimitMissing;
pub use port_all_interfaces::PortAllInterfaces;
pub use privileged::Privileged;
pub use privileged_host_port::PrivilegedHostPort;
pub use restart_uncapped::RestartUncapped;
pub use root_user::RootUser;
pub use run_as_non_root::RunAsNonRootMissing;
pub use runtime_socket_mounted::RuntimeSocketMounted;
pub use seccomp_profile_unset::SeccompProfileUnset;
pub use seccomp_unconfined::SeccompUnconfined;
pub use selinux_disabled::SelinuxDisabled;
pub use sensitive_host_path::SensitiveHostPath;
pub use sensitive_port::SensitivePort;
pub use service_account_token::ServiceAccountToken;
pub use shared_propagation::SharedPropagation;
pub use user_not_set::UserNotSet;
pub use writable_host_mount::WritableHostMount;
pub use writable_root_filesystem::WritableRootFilesystem;

use crate::RuntimeCheck;

/// Every runtime rule, in code order.
pub static RULES: &[&dyn RuntimeCheck] = &[
    &Privileged,
    &CapabilityAdded,
    &CapabilitiesNotDropped,
    &NoNewPrivilegesMissing,
    &SeccompUnconfined,
    &ApparmorUnconfined,
    &SelinuxDisabled,
    &RootUser,
    &UserNotSet,
    &WritableRootFilesystem,
    &HostNetwork,
    &HostPid,
    &HostIpc,
    &HostUts,
    &HostUserNamespace,
    &HostCgroupNamespace,
    &DevicePassedThrough,
    &RuntimeSocketMounted,
    &SensitiveHostPath,
    &WritableHostMount,
    &SharedPropagation,
    &PortAllInterfaces,
    &PrivilegedHostPort,
    &SensitivePort,
    &MemoryLimitMissing,
    &PidsLimitMissing,
    &CpuLimitMissing,
    &RestartUncapped,
    &HealthcheckDisabled,
    &EnvSecret,
    &ImageTagMutable,
    &DefaultBridge,
    &ComposeBackendNotInternal,
    &ServiceAccountToken,
    &HostPathVolume,
    &HostPort,
    &NetworkPolicyMissing,
    &ImagePullPolicy,
    &RunAsNonRootMissing,
    &SeccompProfileUnset,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_in_order_and_documented() {
        let metas: Vec<_> = RULES.iter().map(|r| r.meta()).collect();
        for (i, meta) in metas.iter().enumerate() {
            assert_eq!(meta.code, format!("RT{:03}", i + 1), "{}", meta.name);
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
            ] {
                assert!(meta.docs.contains(heading), "{} lacks {heading}", meta.code);
            }
            assert_eq!(
                meta.target,
                estiba_diagnostics::Target::Runtime,
                "{}",
                meta.code
            );
        }
        let mut names: Vec<_> = metas.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), metas.len());
    }
}

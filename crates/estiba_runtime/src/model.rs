//! The normalised runtime model.
//!
//! Every field holds the *effective* setting (what the engine or kubelet would apply,
//! defaults included) plus where it was written, when it was written at all. Rules read
//! the value and point at `at`, or at the workload itself when the setting was left at
//! its default; so "no memory limit" from a compose file points at the service, and
//! `--privileged` points at the flag.

use std::path::PathBuf;

use serde::Serialize;

/// Where a setting (or a whole workload) was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A position in a compose file or Kubernetes manifest (1-based line and column).
    File {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    /// An argument of a `docker run` command line: its index among the arguments after
    /// `docker`, and the argument as written (`--cap-add=SYS_ADMIN`, `-itd`).
    /// `file`/`line` are set when the command line was found inside a script.
    Argument {
        index: usize,
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<PathBuf>,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
    },
    /// A field of a live container's inspect document (`HostConfig.Privileged`).
    Inspect { container: String, field: String },
}

/// A setting's effective value and where it was written (`None`: left at the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    pub value: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
}

impl<T> Setting<T> {
    /// A value left at its default.
    pub fn default_value(value: T) -> Self {
        Self { value, at: None }
    }

    /// A value written at `at`.
    pub fn set(value: T, at: Location) -> Self {
        Self {
            value,
            at: Some(at),
        }
    }
}

impl<T: Default> Default for Setting<T> {
    fn default() -> Self {
        Self::default_value(T::default())
    }
}

/// A list entry and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub value: T,
    pub at: Location,
}

/// Which input a workload came from; some rules apply to one kind only (Kubernetes
/// service-account tokens, compose network isolation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    DockerRun,
    Compose,
    Kubernetes,
    Container,
}

/// One container as it would run (or runs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    pub source: SourceKind,
    /// `web` (compose service), `Deployment/api › app` (Kubernetes object and
    /// container), the container name, or the image of a command line.
    pub name: String,
    /// Where the workload itself is written: the service key, the container entry, the
    /// `run` argument, the live container.
    pub at: Location,
    /// The image reference as written (`nginx`, `nginx:1.27`, `nginx@sha256:…`).
    pub image: Setting<Option<String>>,
    /// `--user`, `user:`, `runAsUser`/`runAsGroup`; `None` means the image's user.
    pub user: Setting<Option<String>>,
    pub privileged: Setting<bool>,
    /// Capabilities added, upper case without the `CAP_` prefix; `ALL` kept as `ALL`.
    pub cap_add: Vec<Located<String>>,
    /// Capabilities dropped, normalised like `cap_add`.
    pub cap_drop: Vec<Located<String>>,
    pub security: SecurityOptions,
    pub read_only_rootfs: Setting<bool>,
    pub namespaces: Namespaces,
    pub devices: Vec<Located<Device>>,
    pub mounts: Vec<Located<Mount>>,
    pub ports: Vec<Located<PortBinding>>,
    /// `-P`/`--publish-all` (`PublishAllPorts`): every port the image exposes is published
    /// on an ephemeral host port of every interface; which ports is only known from the image.
    pub publish_all_ports: Setting<bool>,
    pub resources: Resources,
    pub restart: Setting<RestartPolicy>,
    pub healthcheck: Setting<Healthcheck>,
    pub env: Vec<Located<EnvVar>>,
    pub sysctls: Vec<Located<(String, String)>>,
    pub ulimits: Vec<Located<Ulimit>>,
    /// Networks the container joins by name (compose networks, `--network NAME`); the
    /// namespace mode (host, none, container:…) is in `namespaces.network`.
    pub networks: Vec<Located<String>>,
    /// What only Kubernetes has; `None` for other sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<KubernetesSettings>,
    /// What only compose has; `None` for other sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compose: Option<ComposeSettings>,
}

impl Workload {
    /// An empty workload with every setting at the engine's default.
    pub fn new(source: SourceKind, name: impl Into<String>, at: Location) -> Self {
        Self {
            source,
            name: name.into(),
            at,
            image: Setting::default(),
            user: Setting::default(),
            privileged: Setting::default(),
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security: SecurityOptions::default(),
            read_only_rootfs: Setting::default(),
            namespaces: Namespaces::default(),
            devices: Vec::new(),
            mounts: Vec::new(),
            ports: Vec::new(),
            publish_all_ports: Setting::default(),
            resources: Resources::default(),
            restart: Setting::default(),
            healthcheck: Setting::default(),
            env: Vec::new(),
            sysctls: Vec::new(),
            ulimits: Vec::new(),
            networks: Vec::new(),
            kubernetes: None,
            compose: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SecurityOptions {
    /// `no-new-privileges` (Docker) or `allowPrivilegeEscalation: false` (Kubernetes).
    pub no_new_privileges: Setting<bool>,
    pub seccomp: Setting<Profile>,
    pub apparmor: Setting<Profile>,
    /// SELinux: `label=disable` / `label:disable` (Docker) or a `spc_t` type.
    pub selinux_disabled: Setting<bool>,
    /// Other SELinux label options as written (`user:…`, `type:…`, `level:…`).
    pub selinux_labels: Vec<Located<String>>,
}

/// A seccomp or AppArmor profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Profile {
    /// The engine's default profile (Docker's `docker-default`, `RuntimeDefault`).
    #[default]
    Default,
    Unconfined,
    /// A named or file profile (`localhost/my-profile`, a JSON path).
    Custom(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Namespaces {
    pub network: Setting<NamespaceMode>,
    pub pid: Setting<NamespaceMode>,
    pub ipc: Setting<NamespaceMode>,
    pub uts: Setting<NamespaceMode>,
    /// `--userns host` opts out of a daemon-wide user-namespace remapping.
    pub user: Setting<NamespaceMode>,
    pub cgroup: Setting<NamespaceMode>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "target", rename_all = "snake_case")]
pub enum NamespaceMode {
    /// The container's own namespace (Docker's `private`, bridge networking, Kubernetes'
    /// pod namespace).
    #[default]
    Private,
    /// The host's namespace.
    Host,
    /// No networking at all (`--network none`).
    None,
    /// Shared with another container (`container:NAME`, `service:NAME`).
    Container(String),
    /// Docker's `shareable` IPC mode and other modes kept as written.
    Other(String),
}

/// A device passed through (`--device`, compose `devices`, a hostPath of a device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub host_path: String,
    pub container_path: String,
    /// cgroup permissions (`rwm`).
    pub permissions: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MountKind {
    /// A host path (`-v /src:/dst`, `type: bind`, Kubernetes `hostPath`).
    Bind,
    /// A named or anonymous volume (`-v name:/dst`, `emptyDir`, PVCs).
    Volume,
    Tmpfs,
    /// An npipe, cluster volume, image mount or other kind kept for completeness.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path for binds, volume name for volumes, empty for tmpfs/anonymous volumes.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    /// Bind propagation (`private`, `rprivate`, `shared`, `rshared`, `slave`, `rslave`);
    /// Kubernetes' `Bidirectional` maps to `rshared`, `HostToContainer` to `rslave`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

/// One published port. Ranges are expanded by the loaders only up to the model's needs:
/// a range is kept as `host_port`..=`host_port_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortBinding {
    /// The host address; `None` means every interface (Docker's default `0.0.0.0`/`::`).
    pub host_ip: Option<String>,
    /// `None`: an ephemeral host port chosen by the engine.
    pub host_port: Option<u16>,
    /// Last port of a range; equals `host_port` for a single port.
    pub host_port_end: Option<u16>,
    pub container_port: u16,
    pub container_port_end: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resources {
    /// Bytes; `None` is unlimited.
    pub memory: Setting<Option<u64>>,
    /// CPUs (`--cpus 1.5`, `cpu: 1500m`); `--cpu-shares`/`--cpu-quota` are converted
    /// where they bound usage (quota/period), shares alone do not.
    pub cpus: Setting<Option<f64>>,
    /// `None` or a negative value is unlimited.
    pub pids: Setting<Option<i64>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "max_retries", rename_all = "snake_case")]
pub enum RestartPolicy {
    #[default]
    No,
    Always,
    UnlessStopped,
    /// `on-failure[:N]`; `None` is no cap on retries.
    OnFailure(Option<u32>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Healthcheck {
    /// Not set here: the image's `HEALTHCHECK` applies (or, on Kubernetes, probes).
    #[default]
    Inherited,
    /// Set (`--health-cmd`, compose `healthcheck.test`, a liveness/readiness probe).
    Defined,
    /// Explicitly disabled (`--no-healthcheck`, `disable: true`, `test: ["NONE"]`).
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum EnvValue {
    /// A value written in the file or on the command line.
    Literal(String),
    /// A value taken from elsewhere: the caller's environment (`-e NAME`), an
    /// interpolated `${VAR}`, an env file, a Kubernetes `secretKeyRef`/`configMapKeyRef`
    /// or `fieldRef`; the text says which.
    Reference(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    pub hard: i64,
}

/// Kubernetes settings with no Docker equivalent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KubernetesSettings {
    /// `Deployment`, `Pod`, `CronJob`…
    pub kind: String,
    /// Where the pod spec is written: pod-level findings (the service-account token, a
    /// missing NetworkPolicy) point here, once per pod, not once per container.
    pub pod_at: Option<Location>,
    pub namespace: Option<String>,
    /// The pod template's labels (for NetworkPolicy selection).
    pub pod_labels: Vec<(String, String)>,
    /// `runAsNonRoot` as it applies to this container (container wins over pod).
    pub run_as_non_root: Setting<Option<bool>>,
    /// `automountServiceAccountToken` (pod or service account); `true` by default.
    pub automount_service_account_token: Setting<bool>,
    pub service_account: Option<String>,
    /// `imagePullPolicy` as written (`Always`, `IfNotPresent`, `Never`).
    pub image_pull_policy: Setting<Option<String>>,
    /// Whether a NetworkPolicy in the same input selects this pod; `None` when no
    /// NetworkPolicy objects were given at all (the rule cannot know).
    pub selected_by_network_policy: Option<bool>,
    /// `allowPrivilegeEscalation` as written (the model's `no_new_privileges` holds the
    /// effective value).
    pub allow_privilege_escalation: Setting<Option<bool>>,
}

/// Compose settings with no equivalent elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComposeSettings {
    /// The project the service belongs to (its first compose file): services of other
    /// projects checked in the same run are not its neighbours.
    pub project: String,
    /// The project's networks this service joins that are `internal: true`.
    pub internal_networks: Vec<String>,
    /// Whether the service is on the project's implicit `default` network.
    pub on_default_network: bool,
    /// Services this one names in `depends_on`/`links` (who it talks to).
    pub talks_to: Vec<String>,
}

//! The fixtures under `tests/fixtures/live` were captured from a real Docker Engine
//! (20.10, API 1.41, a cgroup v1 host): each `NAME.args.json` is the command line the
//! container was created with, `NAME.inspect.json` what the engine reports for it, and
//! `busybox.image-config.json` the image's config.

use super::*;
use crate::compare::differences;
use crate::docker_run;
use crate::model::{Healthcheck, Profile};

const IMAGE_CONFIG: &str = include_str!("../tests/fixtures/live/busybox.image-config.json");

fn fixture(name: &str) -> (Vec<String>, Value) {
    let (args, inspect) = match name {
        "equiv" => (
            include_str!("../tests/fixtures/live/equiv.args.json"),
            include_str!("../tests/fixtures/live/equiv.inspect.json"),
        ),
        "rich" => (
            include_str!("../tests/fixtures/live/rich.args.json"),
            include_str!("../tests/fixtures/live/rich.inspect.json"),
        ),
        "quiet" => (
            include_str!("../tests/fixtures/live/quiet.args.json"),
            include_str!("../tests/fixtures/live/quiet.inspect.json"),
        ),
        _ => (
            include_str!("../tests/fixtures/live/shared.args.json"),
            include_str!("../tests/fixtures/live/shared.inspect.json"),
        ),
    };
    (
        serde_json::from_str(args).unwrap_or_default(),
        serde_json::from_str(inspect).unwrap_or_default(),
    )
}

fn live(doc: &Value) -> Workload {
    let image: Value = serde_json::from_str(IMAGE_CONFIG).unwrap_or_default();
    let options = InspectOptions {
        image_config: Some(&image),
        cgroupns_host_by_default: true,
    };
    load_with(doc, &options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn command_line_and_live_container_agree() {
    for name in ["equiv", "rich", "quiet", "shared"] {
        let (args, doc) = fixture(name);
        let run = docker_run::parse(&args).unwrap_or_else(|e| panic!("{name}: {e}"));
        let container = live(&doc);
        assert_eq!(
            differences(&run.workload, &container),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn rich_workload_snapshot() {
    // What every loader must produce for this container, without locations.
    let (args, _) = fixture("rich");
    let run = docker_run::parse(&args).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_json_snapshot!("rich_comparable", crate::compare::comparable(&run.workload));
}

#[test]
fn the_four_way_example() {
    let args: Vec<String> = "run --cap-add SYS_ADMIN --network host \
        -v /var/run/docker.sock:/var/run/docker.sock -p 0.0.0.0:8080:80 busybox"
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let run = docker_run::parse(&args).unwrap_or_else(|e| panic!("{e}"));
    let (_, doc) = fixture("equiv");
    let w = live(&doc);
    assert_eq!(differences(&run.workload, &w), Vec::<String>::new());
    assert_eq!(w.name, "equiv");
    assert_eq!(w.source, SourceKind::Container);
    assert_eq!(w.namespaces.network.value, NamespaceMode::Host);
    assert_eq!(
        w.cap_add[0].at,
        Location::Inspect {
            container: "equiv".into(),
            field: "HostConfig.CapAdd[0]".into()
        }
    );
    assert_eq!(w.mounts.len(), 1, "the image's VOLUME is the image's");
    assert!(w.env.is_empty(), "the image's ENV is the image's");
    assert_eq!(w.user.value, None, "the image's USER is the image's");
    assert_eq!(w.healthcheck.value, Healthcheck::Inherited);
}

#[test]
fn rich_container_fields() {
    let (_, doc) = fixture("rich");
    let w = live(&doc);
    assert_eq!(w.user.value.as_deref(), Some("0:0"));
    assert_eq!(w.cap_drop[0].value, "ALL");
    assert_eq!(w.cap_add[0].value, "NET_BIND_SERVICE");
    assert!(w.security.no_new_privileges.value);
    assert_eq!(w.security.seccomp.value, Profile::Unconfined);
    assert_eq!(w.security.apparmor.value, Profile::Unconfined);
    assert!(w.read_only_rootfs.value);
    assert_eq!(w.namespaces.pid.value, NamespaceMode::Host);
    assert_eq!(w.namespaces.cgroup.value, NamespaceMode::Private);
    assert_eq!(w.resources.memory.value, Some(512 << 20));
    assert_eq!(w.resources.cpus.value, Some(1.5));
    assert_eq!(w.resources.pids.value, Some(100));
    assert_eq!(w.restart.value, RestartPolicy::OnFailure(Some(3)));
    assert_eq!(w.healthcheck.value, Healthcheck::Defined);
    let ports: Vec<(Option<u16>, Option<u16>, u16, u16)> = w
        .ports
        .iter()
        .map(|p| {
            (
                p.value.host_port,
                p.value.host_port_end,
                p.value.container_port,
                p.value.container_port_end,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [(None, None, 80, 80), (Some(8000), Some(8002), 8000, 8002)]
    );
    let mut targets: Vec<(&str, &str)> = w
        .mounts
        .iter()
        .map(|m| (m.value.target.as_str(), m.value.source.as_str()))
        .collect();
    targets.sort_unstable();
    assert_eq!(
        targets,
        [
            ("/anon", ""),
            ("/data", "named"),
            ("/hosttmp", "/tmp"),
            ("/run", "")
        ]
    );
}

#[test]
fn without_the_image_config_everything_is_kept() {
    let (_, doc) = fixture("equiv");
    let w = load(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.env.len(), 2);
    assert_eq!(w.user.value.as_deref(), Some("1000"));
    assert_eq!(w.healthcheck.value, Healthcheck::Defined);
    assert_eq!(w.mounts.len(), 2);
    // On this cgroup v1 host `host` is the daemon's default.
    assert_eq!(w.namespaces.cgroup.value, NamespaceMode::Host);
}

#[test]
fn engine_defaults_and_odd_documents() {
    let doc = serde_json::json!({
        "Name": "/x",
        "Config": {"Image": "nginx", "Healthcheck": {"Test": ["NONE"]}, "Env": ["A=1", "B", 3]},
        "HostConfig": {
            "NetworkMode": "default", "IpcMode": "shareable", "PidsLimit": -1, "Memory": 0,
            "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0},
            "CapAdd": ["cap_sys_ptrace", 7], "SecurityOpt": ["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "bogus"],
            "PortBindings": {
                "80/tcp": [{"HostIp": "::", "HostPort": "0"}],
                "81/tcp": [{"HostIp": "", "HostPort": "9000-9010"}],
                "x/tcp": [{}],
                "82/udp": null
            },
            "CpuQuota": 25000, "CpuPeriod": 0,
            "DeviceRequests": [{"Driver": "cdi", "DeviceIDs": ["example.invalid/gpu=0"]}]
        },
        "NetworkSettings": {"Networks": {"bridge": {}, "backend": {}}}
    });
    let w = load(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.name, "x");
    assert_eq!(w.namespaces.network, Setting::default());
    assert_eq!(w.namespaces.ipc, Setting::default());
    assert_eq!(w.resources.pids, Setting::default());
    assert_eq!(w.resources.cpus.value, Some(0.25));
    assert_eq!(w.restart.value, RestartPolicy::OnFailure(None));
    assert_eq!(w.healthcheck.value, Healthcheck::Disabled);
    assert_eq!(w.env.len(), 1);
    assert_eq!(w.cap_add.len(), 1);
    assert_eq!(w.cap_add[0].value, "SYS_PTRACE");
    assert!(matches!(w.security.seccomp.value, Profile::Custom(_)));
    assert_eq!(w.networks.len(), 1);
    assert_eq!(w.devices[0].value.host_path, "example.invalid/gpu=0");
    assert_eq!(w.ports.len(), 2);
    assert_eq!(w.ports[0].value.host_port_end, Some(9010));
    assert_eq!(w.ports[1].value.host_port, None);
    assert_eq!(w.ports[1].value.host_ip, None);

    for bad in [
        serde_json::json!(null),
        serde_json::json!([]),
        serde_json::json!({"Name": "x"}),
    ] {
        assert!(load(&bad).is_err(), "{bad}");
    }
    // Every field of the wrong type is skipped, never a panic.
    let weird = serde_json::json!({
        "Name": 5, "Config": [], "Mounts": {"a": 1},
        "HostConfig": {"CapAdd": "x", "Devices": [1], "Ulimits": [{}], "Sysctls": {"a": 1},
            "PortBindings": {"80/tcp": [1]}, "Tmpfs": {"/t": 1}, "Memory": -5, "NanoCpus": "x"},
        "NetworkSettings": {"Networks": []}
    });
    assert!(load(&weird).is_ok());
}

//! Validates that the compose and Kubernetes loaders map real files from public
//! repositories and reject hostile YAML with a clear, positioned error.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use estiba_runtime::compose::{self, ComposeError, ComposeOptions};
use estiba_runtime::kubernetes::{self, KubernetesError, YamlKind};
use estiba_runtime::yaml::{Limits, YamlErrorKind};
use estiba_runtime::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn options() -> ComposeOptions {
    ComposeOptions::default()
}

fn compose_yaml_error(name: &str, limits: Limits) -> estiba_runtime::yaml::YamlError {
    let o = ComposeOptions {
        limits,
        ..options()
    };
    match compose::load_files(&[fixture(name)], &o) {
        Err(ComposeError::Yaml(e)) => e,
        other => panic!("{name}: expected a YAML error, got {other:?}"),
    }
}

#[test]
fn hostile_yaml_fails_clearly_and_quickly() {
    let start = Instant::now();
    let e = compose_yaml_error("hostile/billion-laughs.yml", Limits::default());
    assert!(matches!(e.kind, YamlErrorKind::AliasBudget { .. }), "{e}");
    assert!(e.to_string().contains("billion-laughs.yml:"), "{e}");

    let e = compose_yaml_error("hostile/deep-nesting.yml", Limits::default());
    assert!(matches!(e.kind, YamlErrorKind::TooDeep { .. }), "{e}");

    let e = compose_yaml_error("hostile/duplicate-keys.yml", Limits::default());
    assert!(
        matches!(e.kind, YamlErrorKind::DuplicateKey { ref key } if key == "privileged"),
        "{e}"
    );
    assert_eq!((e.line, e.column), (5, 5));

    let e = compose_yaml_error("hostile/not-utf8.yml", Limits::default());
    assert_eq!(
        (e.kind.clone(), e.line, e.column),
        (YamlErrorKind::NotUtf8, 3, 15)
    );

    let small = Limits {
        max_scalar_bytes: 16 * 1024,
        ..Limits::default()
    };
    let e = compose_yaml_error("hostile/huge-scalar.yml", small);
    assert!(matches!(e.kind, YamlErrorKind::ScalarTooLong { .. }), "{e}");
    let tiny = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let e = compose_yaml_error("hostile/huge-scalar.yml", tiny);
    assert!(matches!(e.kind, YamlErrorKind::TooLarge { .. }), "{e}");

    let big = format!(
        "services:\n  web:\n    image: \"{}\"\n",
        "a".repeat(2 * 1024 * 1024)
    );
    let e = compose::from_str(&big, "big.yml", &options()).unwrap_err();
    assert!(
        matches!(e, ComposeError::Yaml(ref y) if matches!(y.kind, YamlErrorKind::ScalarTooLong { .. })),
        "{e}"
    );

    match kubernetes::load_file(
        &fixture("hostile/duplicate-keys-k8s.yaml"),
        &Limits::default(),
    ) {
        Err(KubernetesError::Yaml(e)) => {
            assert!(matches!(e.kind, YamlErrorKind::DuplicateKey { .. }), "{e}");
            assert_eq!(e.line, 10);
        }
        other => panic!("expected a duplicate key, got {other:?}"),
    }
    // Generous: debug builds on a loaded 2-core machine.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn real_compose_files() {
    let p = compose::load_files(
        &[fixture(
            "real/compose--dockersamples__example-voting-app__docker-compose.yml",
        )],
        &options(),
    )
    .unwrap();
    let names: Vec<_> = p.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["vote", "result", "worker", "redis", "db"]);
    let result = &p.workloads[1];
    assert_eq!(result.ports[1].value.host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(result.mounts[0].value.kind, MountKind::Bind);
    let db = &p.workloads[4];
    assert_eq!(db.env[1].value.value, EnvValue::Literal("postgres".into()));
    assert_eq!(db.compose.as_ref().unwrap().talks_to, Vec::<String>::new());
    assert_eq!(
        p.workloads[2].compose.as_ref().unwrap().talks_to,
        ["redis", "db"]
    );

    let mut o = options();
    o.env.insert("VERSION".into(), "v9".into());
    let p = compose::load_files(
        &[fixture(
            "real/compose--netbox-community__netbox-docker__docker-compose.yml",
        )],
        &o,
    )
    .unwrap();
    let netbox = &p.workloads[0];
    assert_eq!(
        netbox.image.value.as_deref(),
        Some("example.invalid/netboxcommunity/netbox:v9")
    );
    for name in [
        "compose--deviantony__docker-elk__docker-compose.yml",
        "compose--docker__awesome-compose__nginx-golang-mysql__compose.yaml",
    ] {
        let p = compose::load_files(&[fixture(&format!("real/{name}"))], &options())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.workloads.is_empty() || !p.skipped.is_empty(), "{name}");
    }
}

#[test]
fn real_kubernetes_manifests() {
    let m = kubernetes::load_file(&fixture("real/k8s--prometheus-operator__kube-prometheus__manifests__nodeExporter-daemonset.yaml"), &Limits::default()).unwrap();
    assert_eq!(m.workloads.len(), 2);
    let exporter = &m.workloads[0];
    assert_eq!(exporter.name, "DaemonSet/node-exporter › node-exporter");
    assert_eq!(exporter.namespaces.network.value, NamespaceMode::Host);
    assert_eq!(exporter.namespaces.pid.value, NamespaceMode::Host);
    assert_eq!(exporter.user.value.as_deref(), Some("65534:65534"));
    assert_eq!(exporter.cap_add[0].value, "SYS_TIME");
    assert!(exporter.security.no_new_privileges.value);
    let root = &exporter.mounts[1].value;
    assert_eq!(
        (
            root.kind,
            root.source.as_str(),
            root.read_only,
            root.propagation.as_deref()
        ),
        (MountKind::Bind, "/", true, Some("rslave"))
    );
    assert_eq!(exporter.resources.memory.value, Some(180 * 1024 * 1024));
    let proxy = &m.workloads[1];
    assert_eq!(proxy.ports[0].value.host_port, Some(9100));
    assert_eq!(proxy.user.value.as_deref(), Some("65532:65532"));
    assert_eq!(
        proxy.env[0].value.value,
        EnvValue::Reference("field status.podIP".into())
    );

    let m = kubernetes::load_file(
        &fixture(
            "real/k8s--stefanprodan__podinfo__deploy__bases__frontend__cronjob-warm-cache.yaml",
        ),
        &Limits::default(),
    )
    .unwrap();
    assert!(
        m.workloads.iter().all(|w| w.name.starts_with("CronJob/")),
        "{:?}",
        m.workloads.iter().map(|w| &w.name).collect::<Vec<_>>()
    );

    for name in [
        "k8s--GoogleCloudPlatform__microservices-demo__kubernetes-manifests__frontend.yaml",
        "k8s--kubernetes__dashboard__hack__test-resources__init-container-error-pod.yaml",
    ] {
        let m = kubernetes::load_file(&fixture(&format!("real/{name}")), &Limits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!m.workloads.is_empty(), "{name}");
    }
}

#[test]
fn classification_by_content() {
    let kind = |name: &str| {
        let bytes = std::fs::read(fixture(name)).unwrap();
        kubernetes::classify_bytes(&bytes, Path::new(name), &Limits::default()).unwrap()
    };
    assert_eq!(
        kind("real/compose--dockersamples__example-voting-app__docker-compose.yml"),
        YamlKind::Compose
    );
    assert_eq!(
        kind(
            "real/k8s--GoogleCloudPlatform__microservices-demo__kubernetes-manifests__frontend.yaml"
        ),
        YamlKind::Kubernetes
    );
}

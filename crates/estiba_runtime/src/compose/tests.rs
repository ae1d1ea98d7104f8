use super::*;
use crate::model::*;

fn opts(env: &[(&str, &str)]) -> ComposeOptions {
    ComposeOptions {
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..ComposeOptions::default()
    }
}

fn load(text: &str, env: &[(&str, &str)]) -> ComposeProject {
    from_str(text, "compose.yml", &opts(env)).unwrap_or_else(|e| panic!("{e}"))
}

fn service<'a>(p: &'a ComposeProject, name: &str) -> &'a Workload {
    p.workloads.iter().find(|w| w.name == name).unwrap()
}

fn line(at: &Option<Location>) -> usize {
    match at {
        Some(Location::File { line, .. }) => *line,
        other => panic!("no file location: {other:?}"),
    }
}

#[test]
fn maps_a_service() {
    let text = r#"
version: "3.8"
services:
  web:
    image: nginx:1.27
    user: "1000:1000"
    privileged: true
    cap_add: [net_admin, CAP_SYS_TIME]
    cap_drop: [ALL]
    security_opt:
      - no-new-privileges:true
      - seccomp=unconfined
      - apparmor:unconfined
      - label:disable
      - label=type:svirt_t
    read_only: true
    network_mode: host
    pid: host
    ipc: shareable
    userns_mode: host
    devices:
      - /dev/fuse
      - source: /dev/sda
        target: /dev/xvda
        permissions: r
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - type: bind
        source: /
        target: /host
        bind:
          propagation: rshared
      - data:/data
    tmpfs: /run
    ports:
      - "127.0.0.1:8080:80/udp"
      - target: 443
        published: "8443"
        host_ip: 0.0.0.0
        protocol: tcp
    mem_limit: 512m
    cpus: 0.5
    pids_limit: 100
    restart: on-failure:5
    healthcheck:
      test: ["CMD", "true"]
    environment:
      PLAIN: value
      FROM_ENV: ${SECRET}
      PASSED:
    env_file: missing.env
    sysctls:
      - net.core.somaxconn=1024
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    secrets: [db_password]
"#;
    let p = load(text, &[("SECRET", "s3cr3t")]);
    let w = service(&p, "web");
    assert_eq!(w.source, SourceKind::Compose);
    assert!(
        matches!(
            &w.at,
            Location::File {
                line: 4,
                column: 3,
                ..
            }
        ),
        "{:?}",
        w.at
    );
    assert_eq!(w.image.value.as_deref(), Some("nginx:1.27"));
    assert_eq!(line(&w.image.at), 5);
    assert_eq!(w.user.value.as_deref(), Some("1000:1000"));
    assert!(w.privileged.value);
    let caps: Vec<_> = w.cap_add.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(caps, ["NET_ADMIN", "SYS_TIME"]);
    assert_eq!(w.cap_drop[0].value, "ALL");
    assert!(w.security.no_new_privileges.value);
    assert_eq!(w.security.seccomp.value, Profile::Unconfined);
    assert_eq!(w.security.apparmor.value, Profile::Unconfined);
    assert!(w.security.selinux_disabled.value);
    assert_eq!(w.security.selinux_labels[0].value, "type:svirt_t");
    assert!(w.read_only_rootfs.value);
    assert_eq!(w.namespaces.network.value, NamespaceMode::Host);
    assert_eq!(w.namespaces.pid.value, NamespaceMode::Host);
    assert_eq!(
        w.namespaces.ipc.value,
        NamespaceMode::Other("shareable".into())
    );
    assert_eq!(w.namespaces.user.value, NamespaceMode::Host);
    assert_eq!(w.devices.len(), 2);
    assert_eq!(w.devices[1].value.permissions, "r");
    assert_eq!(w.mounts.len(), 5, "{:?}", w.mounts);
    assert_eq!(w.mounts[0].value.kind, MountKind::Bind);
    assert!(w.mounts[0].value.read_only);
    assert_eq!(w.mounts[1].value.propagation.as_deref(), Some("rshared"));
    assert_eq!(w.mounts[2].value.kind, MountKind::Volume);
    assert_eq!(w.mounts[3].value.kind, MountKind::Tmpfs);
    assert_eq!(w.mounts[4].value.target, "/run/secrets/db_password");
    assert_eq!(w.ports[0].value.host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(w.ports[0].value.protocol, Protocol::Udp);
    assert_eq!(w.ports[1].value.host_port, Some(8443));
    assert_eq!(w.resources.memory.value, Some(512 << 20));
    assert_eq!(w.resources.cpus.value, Some(0.5));
    assert_eq!(w.resources.pids.value, Some(100));
    assert_eq!(w.restart.value, RestartPolicy::OnFailure(Some(5)));
    assert_eq!(w.healthcheck.value, Healthcheck::Defined);
    let env: Vec<_> = w
        .env
        .iter()
        .map(|e| (e.value.name.as_str(), e.value.value.clone()))
        .collect();
    assert_eq!(
        env,
        [
            ("PLAIN", EnvValue::Literal("value".into())),
            ("FROM_ENV", EnvValue::Reference("${SECRET}".into())),
            ("PASSED", EnvValue::Reference("${PASSED}".into())),
        ]
    );
    assert!(p.notes.iter().any(|n| n.message.contains("missing.env")));
    assert_eq!(
        w.sysctls[0].value,
        ("net.core.somaxconn".into(), "1024".into())
    );
    assert_eq!(w.ulimits[0].value.hard, 2048);
    assert_eq!(w.ulimits[1].value.soft, 512);
    let settings = w.compose.as_ref().unwrap();
    assert!(!settings.on_default_network);
}

#[test]
fn interpolation_keeps_positions_and_fails_clearly() {
    let p = load(
        "services:\n  a:\n    image: \"${REG:-example.invalid}/app:${TAG}\"\n    privileged: ${PRIV}\n",
        &[("TAG", "1.0"), ("PRIV", "true")],
    );
    let w = service(&p, "a");
    assert_eq!(w.image.value.as_deref(), Some("example.invalid/app:1.0"));
    assert_eq!(line(&w.image.at), 3);
    assert!(w.privileged.value);
    let e = from_str(
        "services:\n  a:\n    image: ${IMG:?set IMG}\n",
        "c.yml",
        &opts(&[]),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("c.yml:3:12:") && text.contains("set IMG"),
        "{text}"
    );
}

#[test]
fn profiles_skip_services_visibly() {
    let text = "services:\n  app: {image: a}\n  debug:\n    image: b\n    profiles: [debug]\n";
    let p = load(text, &[]);
    assert_eq!(p.workloads.len(), 1);
    assert_eq!(p.skipped[0].name, "debug");
    let mut o = opts(&[]);
    o.profiles = vec!["debug".into()];
    assert_eq!(from_str(text, "c.yml", &o).unwrap().workloads.len(), 2);
    let p = load(text, &[("COMPOSE_PROFILES", "x,debug")]);
    assert_eq!(p.workloads.len(), 2);
}

#[test]
fn networks_and_links() {
    let text = "services:\n  web:\n    image: a\n    networks: [front, back]\n    depends_on: [db]\n    links: ['cache:redis']\n  db:\n    image: pg\n    networks:\n      back:\n        aliases: [d]\n  solo:\n    image: x\nnetworks:\n  front: {}\n  back:\n    internal: true\n";
    let p = load(text, &[]);
    let web = service(&p, "web").compose.clone().unwrap();
    assert_eq!(web.internal_networks, ["back"]);
    assert!(!web.on_default_network);
    assert_eq!(web.talks_to, ["db", "cache"]);
    let db = service(&p, "db");
    assert_eq!(db.networks[0].value, "back");
    assert!(
        service(&p, "solo")
            .compose
            .as_ref()
            .unwrap()
            .on_default_network
    );
}

#[test]
fn merge_keys_work_for_services() {
    let text = "x-common: &common\n  restart: always\n  cap_drop: [ALL]\nservices:\n  a:\n    <<: *common\n    image: a\n  b:\n    <<: [*common]\n    restart: \"no\"\n";
    let p = load(text, &[]);
    assert_eq!(service(&p, "a").restart.value, RestartPolicy::Always);
    assert_eq!(service(&p, "a").cap_drop[0].value, "ALL");
    assert_eq!(service(&p, "b").restart.value, RestartPolicy::No);
}

#[test]
fn deploy_settings() {
    let text = "services:\n  a:\n    image: a\n    deploy:\n      resources:\n        limits: {memory: 1G, cpus: '1.5', pids: 50}\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n    healthcheck:\n      disable: true\n";
    let w = service(&load(text, &[]), "a").clone();
    assert_eq!(w.resources.memory.value, Some(1 << 30));
    assert_eq!(w.resources.cpus.value, Some(1.5));
    assert_eq!(w.resources.pids.value, Some(50));
    assert_eq!(w.restart.value, RestartPolicy::OnFailure(Some(3)));
    assert_eq!(w.healthcheck.value, Healthcheck::Disabled);
}

#[test]
fn files_extends_include_and_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".env"), "TAG=from-dotenv\nOTHER=x\n").unwrap();
    std::fs::write(
        d.join("base.yml"),
        "services:\n  base:\n    image: base:1\n    cap_drop: [ALL]\n    environment: [A=1]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("inc.yml"),
        "services:\n  cache:\n    image: redis:${TAG}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("compose.yml"),
        "include:\n  - inc.yml\nservices:\n  web:\n    extends:\n      file: base.yml\n      service: base\n    environment:\n      B: 2\n    ports: ['80:80']\n  worker:\n    extends: web\n    command: [work]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("override.yml"),
        "services:\n  web:\n    ports: ['443:443']\n    image: web:2\n",
    )
    .unwrap();
    let o = ComposeOptions {
        env: [("OTHER".to_owned(), "process".to_owned())].into(),
        read_dotenv: true,
        ..ComposeOptions::default()
    };
    let p = load_files(&[d.join("compose.yml"), d.join("override.yml")], &o).unwrap();
    let web = service(&p, "web");
    assert_eq!(web.image.value.as_deref(), Some("web:2"));
    assert!(
        matches!(&web.image.at, Some(Location::File { path, .. }) if path.ends_with("override.yml"))
    );
    assert_eq!(web.cap_drop[0].value, "ALL");
    assert!(
        matches!(&web.cap_drop[0].at, Location::File { path, .. } if path.ends_with("base.yml"))
    );
    assert_eq!(web.env.len(), 2);
    assert_eq!(web.ports.len(), 2);
    let worker = service(&p, "worker");
    assert_eq!(worker.image.value.as_deref(), Some("base:1"));
    assert_eq!(
        service(&p, "cache").image.value.as_deref(),
        Some("redis:from-dotenv")
    );
}

#[test]
fn extends_cycles_and_bad_shapes_are_errors() {
    let e = from_str(
        "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
        "c.yml",
        &opts(&[]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cycle"), "{e}");
    let e = from_str("services:\n  a: [1]\n", "c.yml", &opts(&[])).unwrap_err();
    assert!(e.to_string().contains("must be a mapping"), "{e}");
    let e = from_str("services:\n  a:\n    extends: nope\n", "c.yml", &opts(&[])).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
}

#[test]
fn format_1_files_list_services_at_the_top_level() {
    let project = from_str(
        "web:\n  image: web:1\n  net: host\n  privileged: true\n  links: [db]\ndb:\n  image: postgres:9\n",
        "docker-compose.yml",
        &ComposeOptions::default(),
    )
    .expect("format 1");
    let names: Vec<&str> = project.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["web", "db"]);
    let web = &project.workloads[0];
    assert!(web.privileged.value);
    assert_eq!(web.namespaces.network.value, crate::NamespaceMode::Host);
    // A current-format file with one odd top-level key is not mistaken for format 1.
    let current = from_str(
        "x-common: &c\n  image: a\nservices:\n  a:\n    <<: *c\n",
        "compose.yaml",
        &ComposeOptions::default(),
    )
    .expect("current");
    assert_eq!(current.workloads.len(), 1);
}

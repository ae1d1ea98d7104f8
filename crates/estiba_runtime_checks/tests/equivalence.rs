//! Validates that the same settings give the same findings whichever way they are
//! written: a `docker run` line, a compose service, a Kubernetes Deployment and a live
//! container on a real Docker Engine.
//!
//! The live part creates containers (`docker create`, never started) on the private test
//! daemon that `scripts/services.sh` starts (`ESTIBA_TEST_DOCKER_HOST`), inspects them
//! through the Engine API, and removes them whatever happens. Without the daemon it skips
//! with a message, unless `ESTIBA_REQUIRE_SERVICES=1` says the services must be there.
//! A recorded inspect document of the same "bad" container keeps the live input in the
//! comparison on machines without a daemon.
//!
//! Rules that exist for one kind of input only are left out of the comparison, by these
//! lists; every other rule must agree on code and severity, finding for finding.

use std::collections::BTreeMap;
use std::process::Command;

use estiba_diagnostics::Severity;
use estiba_runtime::compose::{self, ComposeOptions};
use estiba_runtime::inspect::{self, InspectOptions};
use estiba_runtime::yaml::Limits;
use estiba_runtime::{Workload, docker_run, kubernetes};
use estiba_runtime_checks::{Context, check};

/// Kubernetes-only rules: service-account tokens, hostPath volumes, hostPorts,
/// NetworkPolicies, `imagePullPolicy`, `runAsNonRoot`, the seccomp profile field.
const ONLY_KUBERNETES: &[&str] = &[
    "RT034", "RT035", "RT036", "RT037", "RT038", "RT039", "RT040",
];
/// Compose-only: back ends on internal networks.
const ONLY_COMPOSE: &[&str] = &["RT033"];
/// Docker's default bridge exists for `docker run` and live containers only.
const ONLY_DOCKER: &[&str] = &["RT032"];
/// Not judged on Kubernetes, where they are the kubelet's business: PIDs limit, restart
/// policy.
const NOT_KUBERNETES: &[&str] = &["RT026", "RT028"];

type Said = Vec<(String, Severity)>;

fn said(workloads: &[Workload]) -> Said {
    let cx = Context::new(workloads);
    let mut out: Said = check(&cx)
        .into_iter()
        .map(|f| (f.rule, f.severity))
        .collect();
    out.sort();
    out
}

fn without(said: &Said, lists: &[&[&str]]) -> Said {
    said.iter()
        .filter(|(code, _)| !lists.iter().any(|l| l.contains(&code.as_str())))
        .cloned()
        .collect()
}

/// One set of settings in the four forms.
struct Case {
    name: &'static str,
    /// `docker run`/`create` flags (without the image).
    flags: &'static [&'static str],
    /// The compose service's keys, indented for the service.
    compose: &'static str,
    /// The Deployment's pod-spec keys and container keys, indented for their places.
    pod: &'static str,
    container: &'static str,
}

const BAD: Case = Case {
    name: "bad",
    flags: &[
        "--cap-add",
        "SYS_ADMIN",
        "--network",
        "host",
        "-v",
        "/var/run/docker.sock:/var/run/docker.sock",
        "-p",
        "0.0.0.0:8080:80",
    ],
    compose: "    cap_add: [SYS_ADMIN]
    network_mode: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
    ports:
      - \"0.0.0.0:8080:80\"
",
    pod: "      hostNetwork: true
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
",
    container: "          securityContext:
            capabilities:
              add: [SYS_ADMIN]
          ports:
            - containerPort: 80
              hostPort: 8080
              hostIP: 0.0.0.0
          volumeMounts:
            - name: sock
              mountPath: /var/run/docker.sock
",
};

const HARDENED: Case = Case {
    name: "hardened",
    flags: &[
        "--read-only",
        "--cap-drop",
        "ALL",
        "--user",
        "1000",
        "--security-opt",
        "no-new-privileges",
        "--memory",
        "256m",
        "--pids-limit",
        "100",
        "--cpus",
        "0.5",
        "--network",
        "none",
    ],
    compose: "    read_only: true
    cap_drop: [ALL]
    user: \"1000\"
    security_opt: [no-new-privileges:true]
    mem_limit: 256m
    pids_limit: 100
    cpus: 0.5
    network_mode: none
",
    pod: "      automountServiceAccountToken: false
      securityContext:
        seccompProfile:
          type: RuntimeDefault
",
    container: "          imagePullPolicy: Always
          securityContext:
            readOnlyRootFilesystem: true
            runAsUser: 1000
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
          resources:
            limits:
              memory: 256Mi
              cpu: 500m
",
};

impl Case {
    fn run_args(&self, image: &str) -> Vec<String> {
        let mut args = vec!["create".to_owned()];
        args.extend(self.flags.iter().map(|f| (*f).to_owned()));
        args.push(image.to_owned());
        args
    }

    fn as_run_line(&self, image: &str) -> Workload {
        docker_run::parse(&self.run_args(image))
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
            .workload
    }

    fn as_compose(&self, image: &str) -> Workload {
        let text = format!("services:\n  app:\n    image: {image}\n{}", self.compose);
        let mut project = compose::from_str(&text, "compose.yaml", &ComposeOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", self.name));
        assert_eq!(project.workloads.len(), 1, "{}", self.name);
        project.workloads.remove(0)
    }

    fn as_kubernetes(&self, image: &str) -> Workload {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    metadata:\n      labels:\n        app: app\n    spec:\n{}      containers:\n        - name: app\n          image: {image}\n{}",
            self.pod, self.container
        );
        let mut manifests = kubernetes::from_str(&text, "deploy.yaml", &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", self.name));
        assert_eq!(manifests.workloads.len(), 1, "{}", self.name);
        manifests.workloads.remove(0)
    }

    /// Checks that the three file forms agree with `docker` (the run line's findings)
    /// and returns those.
    fn file_forms_agree(&self, image: &str) -> Said {
        let run = said(&[self.as_run_line(image)]);
        let compose = said(&[self.as_compose(image)]);
        let kube = said(&[self.as_kubernetes(image)]);
        assert_eq!(
            without(&compose, &[ONLY_COMPOSE]),
            without(&run, &[ONLY_DOCKER]),
            "{}: compose and docker run disagree",
            self.name
        );
        assert_eq!(
            without(&kube, &[ONLY_KUBERNETES]),
            without(&run, &[ONLY_DOCKER, NOT_KUBERNETES]),
            "{}: Kubernetes and docker run disagree",
            self.name
        );
        run
    }
}

fn codes(said: &Said) -> Vec<&str> {
    said.iter().map(|(c, _)| c.as_str()).collect()
}

/// Validates that the bad settings give the same findings as a run line, a compose
/// service and a Deployment, and that those are the expected ones.
#[test]
fn bad_settings_agree_across_files() {
    let run = BAD.file_forms_agree("estiba-test/planted:1");
    let codes = codes(&run);
    for expected in ["RT002", "RT011", "RT018", "RT022"] {
        assert!(codes.contains(&expected), "{expected} missing: {codes:?}");
    }
}

/// Validates that the hardened settings leave nothing to report in any form.
#[test]
fn hardened_settings_agree_across_files() {
    let run = HARDENED.file_forms_agree("estiba-test/planted:1");
    assert_eq!(run, Said::new(), "a hardened run line still has findings");
    let kube = said(&[HARDENED.as_kubernetes("estiba-test/planted:1")]);
    assert_eq!(
        kube,
        Said::new(),
        "a hardened Deployment still has findings"
    );
}

/// Validates that a recorded inspect document of the bad container (created with the
/// same flags on a cgroup v1 host, image `busybox`) gives the run line's findings.
#[test]
fn recorded_live_container_agrees() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../estiba_runtime/tests/fixtures/live"
    );
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(format!("{dir}/{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let doc = read("equiv.inspect.json");
    let image_config = read("busybox.image-config.json");
    let live = inspect::load_with(
        &doc,
        &InspectOptions {
            image_config: Some(&image_config),
            cgroupns_host_by_default: true,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = BAD.file_forms_agree("busybox");
    assert_eq!(
        said(&[live]),
        run,
        "the recorded container and the run line disagree"
    );
}

fn docker_host() -> Option<String> {
    let host = std::env::var("ESTIBA_TEST_DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty());
    if host.is_none() {
        assert!(
            std::env::var("ESTIBA_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "ESTIBA_TEST_DOCKER_HOST is required (ESTIBA_REQUIRE_SERVICES=1) but not set"
        );
        eprintln!(
            "skipped: ESTIBA_TEST_DOCKER_HOST is not set (run scripts/services.sh start DIR)"
        );
    }
    host
}

/// The image the live containers are created from: built by `scripts/services.sh`.
const LIVE_IMAGE: &str = "estiba-test/planted:1";

fn docker(host: &str, args: &[String]) -> Result<String, String> {
    let out = Command::new("docker")
        .arg("-H")
        .arg(host)
        .args(args)
        .output()
        .map_err(|e| format!("docker: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Removes the containers it names when dropped, also when an assertion fails.
struct Containers<'a> {
    host: &'a str,
    names: Vec<String>,
}

impl Drop for Containers<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = docker(self.host, &["rm".into(), "-f".into(), name.clone()]);
        }
    }
}

/// Validates that live containers created with the same settings on the test daemon
/// give the same findings as their run lines (and so as the compose and Kubernetes
/// forms).
#[test]
fn live_containers_agree() {
    let Some(host) = docker_host() else {
        return;
    };
    let client =
        estiba_engine::Client::for_host(Some(&host), estiba_engine::ClientOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
    let cgroup_v1 = client
        .info()
        .map(|i| i.cgroup_version == "1")
        .unwrap_or(false);
    let image = client
        .inspect_image(LIVE_IMAGE)
        .unwrap_or_else(|e| panic!("{LIVE_IMAGE}: {e}"));
    let mut containers = Containers {
        host: &host,
        names: Vec::new(),
    };
    let mut results = BTreeMap::new();
    for case in [&BAD, &HARDENED] {
        let run = case.file_forms_agree(LIVE_IMAGE);
        let name = format!("estiba-rtc-{}-{}", case.name, std::process::id());
        let mut args = case.run_args(LIVE_IMAGE);
        args.insert(1, "--name".into());
        args.insert(2, name.clone());
        // Registered before creating: a half-made container is removed too.
        containers.names.push(name.clone());
        docker(&host, &args).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let inspected = client
            .inspect_container(&name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let live = inspect::load_with(
            &inspected.raw,
            &InspectOptions {
                image_config: Some(&image.config),
                cgroupns_host_by_default: cgroup_v1,
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        results.insert(case.name, (said(&[live]), run));
    }
    for (name, (live, run)) in &results {
        eprintln!("{name}: {}", codes(live).join(" "));
        assert_eq!(
            live, run,
            "{name}: the live container and its run line disagree"
        );
    }
    drop(containers);
}

//! End-to-end tests of `estiba config`, `estiba run` and `estiba containers`: inputs,
//! locations, exit codes.

use std::process::{Command, Output};

mod common;
use common::{estiba, estiba_stdin};

fn findings(o: &Output) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    json["findings"].as_array().cloned().unwrap_or_default()
}

fn rules(o: &Output) -> Vec<String> {
    let mut rules: Vec<String> = findings(o)
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// Validates that a directory's compose file is merged with its override file and
/// Kubernetes manifests are found by content, with findings pointing at their lines.
#[test]
fn config_reads_directories_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    std::fs::write(
        root.join("app/compose.yaml"),
        "services:\n  web:\n    image: web:1\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/compose.override.yaml"),
        "services:\n  web:\n    privileged: true\n",
    )
    .unwrap();
    // A manifest whose name says nothing.
    std::fs::write(
        root.join("deploy/things.yml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: c:1\n",
    )
    .unwrap();
    std::fs::write(root.join("deploy/ci.yml"), "stages: [build]\n").unwrap();

    let out = estiba(root, &["config", ".", "-f", "json", "--no-config"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = findings(&out);
    let privileged = all
        .iter()
        .find(|f| f["rule"] == "RT001")
        .expect("privileged from the override file");
    assert_eq!(privileged["location"]["path"], "app/compose.override.yaml");
    assert_eq!(privileged["location"]["span"]["start"]["line"], 3);
    let host_network = all
        .iter()
        .find(|f| f["rule"] == "RT011")
        .expect("host network from the manifest");
    assert_eq!(host_network["location"]["path"], "deploy/things.yml");
    // A directory is the whole Kubernetes set: no NetworkPolicy selects the pod.
    assert!(all.iter().any(|f| f["rule"] == "RT037"));
}

/// Validates that standard input is classified by content and that a clean input exits 0.
#[test]
fn config_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let hardened = "services:\n  app:\n    image: app:1\n    read_only: true\n    cap_drop: [ALL]\n    user: \"1000\"\n    security_opt: [no-new-privileges:true]\n    mem_limit: 256m\n    pids_limit: 100\n    cpus: 0.5\n";
    let out = estiba_stdin(
        dir.path(),
        &["config", "-", "-f", "json", "--no-config"],
        hardened,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(findings(&out).is_empty());
    let out = estiba_stdin(dir.path(), &["config", "-", "--no-config"], "just: text\n");
    assert_eq!(out.status.code(), Some(2));
}

/// Validates that profiles are honoured: a service of a disabled profile is not
/// checked.
#[test]
fn config_profiles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  debug:\n    image: d:1\n    privileged: true\n    profiles: [debug]\n",
    )
    .unwrap();
    let off = estiba(
        dir.path(),
        &["config", "compose.yaml", "-f", "json", "--no-config"],
    );
    assert!(!rules(&off).contains(&"RT001".to_owned()));
    let on = estiba(
        dir.path(),
        &[
            "config",
            "compose.yaml",
            "--profile",
            "debug",
            "-f",
            "json",
            "--no-config",
        ],
    );
    assert!(rules(&on).contains(&"RT001".to_owned()));
}

/// Validates that a command line after `--` is checked, with or without `docker`, and
/// that `--ignore` drops a rule.
#[test]
fn run_checks_a_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = estiba(
        dir.path(),
        &[
            "run",
            "-f",
            "json",
            "--no-config",
            "--",
            "docker",
            "run",
            "--privileged",
            "app:1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let all = findings(&out);
    let privileged = all.iter().find(|f| f["rule"] == "RT001").expect("RT001");
    assert_eq!(privileged["location"]["container"], "docker run");
    assert_eq!(privileged["location"]["field"], "argument 1: --privileged");

    let out = estiba(
        dir.path(),
        &[
            "run",
            "-f",
            "json",
            "--no-config",
            "--ignore",
            "RT001",
            "--",
            "run",
            "--privileged",
            "app:1",
        ],
    );
    assert!(!rules(&out).contains(&"RT001".to_owned()));

    let out = estiba(
        dir.path(),
        &["run", "--no-config", "--", "docker", "run", "--bogus", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = estiba(dir.path(), &["run", "--no-config"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Validates that `docker run` lines in scripts are found and point at their lines.
#[test]
fn run_scans_scripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deploy.sh"),
        "#!/bin/sh\nset -e\ndocker run -d \\\n  --pid=host \\\n  app:1\n",
    )
    .unwrap();
    let out = estiba(
        dir.path(),
        &["run", "--file", "deploy.sh", "-f", "json", "--no-config"],
    );
    let all = findings(&out);
    let pid = all.iter().find(|f| f["rule"] == "RT012").expect("RT012");
    assert_eq!(pid["location"]["path"], "deploy.sh");
    assert_eq!(pid["location"]["span"]["start"]["line"], 4);
    assert_eq!(pid["location"]["span"]["start"]["column"], 3);
}

/// Validates `estiba containers` against the private test daemon (skipped without it).
#[test]
fn containers_on_the_test_daemon() {
    let Some(host) = std::env::var("ESTIBA_TEST_DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty())
    else {
        assert!(
            std::env::var("ESTIBA_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "ESTIBA_TEST_DOCKER_HOST is required (ESTIBA_REQUIRE_SERVICES=1) but not set"
        );
        eprintln!(
            "skipped: ESTIBA_TEST_DOCKER_HOST is not set (run scripts/services.sh start DIR)"
        );
        return;
    };
    struct Remove<'a>(&'a str, String);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = Command::new("docker")
                .args(["-H", self.0, "rm", "-f", &self.1])
                .output();
        }
    }
    let name = format!("estiba-cli-{}", std::process::id());
    let _guard = Remove(&host, name.clone());
    let created = Command::new("docker")
        .args(["-H", &host, "create", "--name", &name, "--privileged"])
        .args(["--label", "estiba-test=cli", "estiba-test/planted:1"])
        .output()
        .expect("docker create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let out = estiba(
        dir.path(),
        &[
            "containers",
            "--docker-host",
            &host,
            "--all",
            "--filter",
            &format!("name={name}"),
            "-f",
            "json",
            "--no-config",
        ],
    );
    let all = findings(&out);
    let privileged = all.iter().find(|f| f["rule"] == "RT001").expect("RT001");
    assert_eq!(privileged["location"]["container"], name.as_str());
    assert_eq!(privileged["location"]["field"], "HostConfig.Privileged");
}

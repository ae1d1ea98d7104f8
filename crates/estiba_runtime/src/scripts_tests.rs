use super::*;
use crate::model::{Location, NamespaceMode};

fn found(text: &str) -> ScriptScan {
    scan(Path::new("ci/deploy.sh"), text)
}

/// (line of the `docker` word's first argument, image, privileged) of each command.
fn summary(scan: &ScriptScan) -> Vec<(Option<usize>, Option<String>, bool)> {
    scan.commands
        .iter()
        .map(|c| {
            let line = match &c.workload.at {
                Location::Argument { line, .. } => *line,
                _ => None,
            };
            (line, c.image.clone(), c.workload.privileged.value)
        })
        .collect()
}

#[test]
fn shell_script() {
    let text = "#!/bin/sh\nset -eu\n# docker run --privileged commented\n\
        docker build -t app .\n\
        docker run -d --name web \\\n    --privileged \\\n    -p 80:80 \\\n    app:1 serve\n\
        sudo docker run --rm alpine true && docker create busybox\n\
        sudo -u deploy -E docker container run --network host nginx\n\
        if true; then docker run nginx:2; fi\n\
        FOO=bar /usr/bin/docker run nginx:3 | tee log\n\
        echo docker run not-a-command\n\
        docker ps\n";
    let s = found(text);
    assert_eq!(s.problems, []);
    assert_eq!(
        summary(&s),
        [
            (Some(5), Some("app:1".into()), true),
            (Some(9), Some("alpine".into()), false),
            (Some(9), Some("busybox".into()), false),
            (Some(10), Some("nginx".into()), false),
            (Some(11), Some("nginx:2".into()), false),
            (Some(12), Some("nginx:3".into()), false),
        ]
    );
    let web = &s.commands[0].workload;
    assert_eq!(
        web.privileged.at,
        Some(Location::Argument {
            index: 4,
            text: "--privileged".into(),
            file: Some("ci/deploy.sh".into()),
            line: Some(6),
        })
    );
    match &web.ports[0].at {
        Location::Argument { line, .. } => assert_eq!(*line, Some(7)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.commands[3].workload.namespaces.network.value,
        NamespaceMode::Host
    );
}

#[test]
fn makefile_recipes() {
    let text = "IMAGE ?= app\n\nrun:\n\t@docker run --rm -p 8080:80 $(IMAGE)\n\
        debug:\n\t-docker run --privileged \\\n\t\t-it busybox sh\n\
        \t+docker run --cap-add=SYS_ADMIN app:$(TAG)\n";
    let s = scan(Path::new("Makefile"), text);
    assert_eq!(s.problems, []);
    assert_eq!(
        summary(&s),
        [
            (Some(4), None, false),
            (Some(6), Some("busybox".into()), true),
            (Some(8), None, false),
        ]
    );
    assert_eq!(
        s.commands[0].workload.ports.len(),
        1,
        "what is known is still mapped"
    );
    assert_eq!(s.commands[2].workload.cap_add[0].value, "SYS_ADMIN");
    assert_eq!(s.commands[0].warnings.len(), 1);
}

#[test]
fn ci_yaml() {
    let text = "jobs:\n  test:\n    steps:\n      - run: docker run --rm alpine echo hi\n\
        \x20     - name: integration\n        run: |\n          docker network create ci\n\
        \x20         docker run -d --network ci \\\n            -v /var/run/docker.sock:/var/run/docker.sock \\\n\
        \x20           -e TOKEN=${{ secrets.TOKEN }} redis:7\n\
        script:\n  - docker run --privileged docker:dind\n  - \"docker run -p 5000:5000 registry:2\"\n\
        \x20 - name: Don't panic on apostrophes\n";
    let s = scan(Path::new(".github/workflows/ci.yml"), text);
    assert_eq!(
        summary(&s),
        [
            (Some(4), Some("alpine".into()), false),
            (Some(8), Some("redis:7".into()), false),
            (Some(12), Some("docker:dind".into()), true),
            (Some(13), Some("registry:2".into()), false),
        ]
    );
    let redis = &s.commands[1].workload;
    assert_eq!(redis.networks[0].value, "ci");
    assert_eq!(redis.mounts[0].value.source, "/var/run/docker.sock");
    assert_eq!(redis.env[0].value.name, "TOKEN");
    assert_eq!(s.commands[3].workload.ports[0].value.host_port, Some(5000));
}

#[test]
fn quotes_across_lines_and_unmatched_quotes() {
    let text = "docker run -e 'MOTD=line one\nline two' nginx\n\
        docker run -e \"BROKEN=never closed nginx\n\
        docker run alpine\n";
    let s = found(text);
    // The unmatched quote is reported and its command skipped; the next line is read.
    assert_eq!(
        summary(&s),
        [
            (Some(1), Some("nginx".into()), false),
            (Some(4), Some("alpine".into()), false)
        ]
    );
    assert_eq!(
        s.commands[0].workload.env[0].value.value,
        crate::model::EnvValue::Literal("line one\nline two".into())
    );
    assert_eq!(s.problems.len(), 1);
    assert_eq!(s.problems[0].line, 3);
    assert!(matches!(s.problems[0].error, ScriptError::Split(_)));
}

#[test]
fn rejected_command_lines_are_reported() {
    let s = found("docker run --bogus nginx\ndocker run\ndocker run -p x nginx\n");
    assert!(s.commands.is_empty());
    let lines: Vec<usize> = s.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert_eq!(s.problems[0].error.to_string(), "unknown flag: --bogus");
}

#[test]
fn hostile_text() {
    for text in [
        "",
        "docker",
        "docker \\",
        "docker run \\",
        "\\\n\\\n",
        "docker run '",
        "docker run $(",
        "docker run `",
        "docker run \"$(echo \")\"",
        "docker run -- --",
        "docker run -",
        "\u{0}docker run nginx",
        "docker run nginx\r\ndocker run alpine\r\n",
    ] {
        let _ = found(text);
    }
    let long = "docker run \\\n".to_owned() + &"  -e A=b \\\n".repeat(5_000) + "nginx\n";
    let s = found(&long);
    assert_eq!(s.commands.len(), 1);
    assert_eq!(s.commands[0].workload.env.len(), 5_000);
    let crlf = found("docker run nginx\r\ndocker run alpine\r\n");
    assert_eq!(crlf.commands.len(), 2);
}

use super::*;
use crate::model::{Profile, RestartPolicy};

fn args(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn ok(line: &str) -> RunCommand {
    parse(&args(line)).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn err(line: &str) -> RunError {
    match parse(&args(line)) {
        Ok(c) => panic!("{line}: accepted as {c:?}"),
        Err(e) => e,
    }
}

fn mount(kind: MountKind, source: &str, target: &str, ro: bool, prop: Option<&str>) -> Mount {
    Mount {
        kind,
        source: source.into(),
        target: target.into(),
        read_only: ro,
        propagation: prop.map(str::to_owned),
    }
}

#[test]
fn subcommands_and_image() {
    let cases = [
        ("run nginx", Subcommand::Run, "nginx", &[][..]),
        ("create nginx", Subcommand::Create, "nginx", &[]),
        (
            "container run nginx sh -c x",
            Subcommand::Run,
            "nginx",
            &["sh", "-c", "x"],
        ),
        (
            "container create -t nginx:1",
            Subcommand::Create,
            "nginx:1",
            &[],
        ),
        (
            "-H tcp://h:2375 --context x run alpine",
            Subcommand::Run,
            "alpine",
            &[],
        ),
        (
            "--debug run -- alpine -x",
            Subcommand::Run,
            "alpine",
            &["-x"],
        ),
        (
            "run -it --rm alpine ls -la",
            Subcommand::Run,
            "alpine",
            &["ls", "-la"],
        ),
        (
            "run alpine --privileged",
            Subcommand::Run,
            "alpine",
            &["--privileged"],
        ),
        ("run --rm false", Subcommand::Run, "false", &[]),
    ];
    for (line, sub, image, command) in cases {
        let c = ok(line);
        assert_eq!(c.subcommand, sub, "{line}");
        assert_eq!(c.image.as_deref(), Some(image), "{line}");
        assert_eq!(c.command, command, "{line}");
        assert!(!c.workload.privileged.value, "{line}");
    }
}

#[test]
fn flag_syntaxes() {
    // Each line sets privileged, a port and an env var in some syntax.
    for line in [
        "run --privileged -p 8080:80 -e A=b nginx",
        "run --privileged=true -p=8080:80 -e=A=b nginx",
        "run --privileged=1 -p8080:80 -eA=b nginx",
        "run --privileged --publish=8080:80 --env A=b nginx",
        "run -itdp 8080:80 --privileged --env=A=b nginx",
        "run -itdp8080:80 --privileged=True -e A=b nginx",
    ] {
        let w = ok(line).workload;
        assert!(w.privileged.value, "{line}");
        assert_eq!(w.ports.len(), 1, "{line}");
        assert_eq!(w.ports[0].value.host_port, Some(8080), "{line}");
        assert_eq!(
            w.env[0].value,
            EnvVar {
                name: "A".into(),
                value: EnvValue::Literal("b".into())
            },
            "{line}"
        );
    }
    let w = ok("run --privileged=false --read-only=f -P=true nginx").workload;
    assert!(!w.privileged.value);
    assert!(w.privileged.at.is_some());
    assert!(!w.read_only_rootfs.value);
    assert!(w.publish_all_ports.value);
    // A flag that takes a value takes the next argument whatever it looks like.
    let c = ok("run --name --privileged nginx");
    assert_eq!(c.workload.name, "--privileged");
    assert!(!c.workload.privileged.value);
    // Every irrelevant flag consumes its value.
    let c = ok(
        "run --add-host a:1.2.3.4 --annotation k=v -a stdout --blkio-weight 500 \
        --cgroup-parent p --cidfile /f --cpu-shares 2 -c 3 --cpuset-cpus 0-1 --detach-keys ctrl-x \
        --device-cgroup-rule c --dns 1.1.1.1 --dns-option ndots:2 --dns-opt x --dns-search s \
        --domainname d --entrypoint /e --expose 80 --gpus all --group-add g --health-interval 5s \
        --health-retries 3 --health-start-period 1m --health-timeout 2s --health-start-interval 1s \
        -h host --init --ip 10.0.0.2 --ip6 ::2 --isolation default --kernel-memory 10m \
        -l a=b --label-file f --link x:y --link-local-ip 169.254.0.1 --log-driver none \
        --log-opt a=b --mac-address 02:42:ac:11:00:02 --memory-reservation 1g --memory-swap -1 \
        --memory-swappiness 0 --net-alias x --network-alias y --oom-kill-disable \
        --oom-score-adj -500 --platform linux/amd64 --pull always -q --rm --runtime runc \
        --shm-size 64m --sig-proxy=false --stop-signal SIGTERM --stop-timeout 10 \
        --storage-opt size=1G -t -i --volume-driver local --volumes-from c -w /w \
        --cpu-rt-period 1000 --cpu-rt-runtime 100 --cpu-count 1 --cpu-percent 10 \
        --io-maxbandwidth 1m --io-maxiops 10 --blkio-weight-device /dev/sda:100 \
        --device-read-bps /dev/sda:1mb --device-write-iops /dev/sda:10 --disable-content-trust \
        --cpuset-mems 0 nginx cmd",
    );
    assert_eq!(c.image.as_deref(), Some("nginx"));
    assert_eq!(c.command, ["cmd"]);
}

/// The messages were checked against the Docker CLI (28.2) where the CLI itself rejects
/// the line; the rest (restart counts, security options, mount modes) are the engine's.
#[test]
fn flag_errors() {
    let cases: &[(&str, &str)] = &[
        ("run --bogus nginx", "unknown flag: --bogus"),
        ("run -Z nginx", "unknown shorthand flag: 'Z' in -Z"),
        ("run -itZ nginx", "unknown shorthand flag: 'Z' in -Z"),
        ("run -d= nginx", "unknown shorthand flag: '=' in -="),
        ("run --=x nginx", "bad flag syntax: --=x"),
        ("run --= nginx", "bad flag syntax: --="),
        ("run ---x nginx", "bad flag syntax: ---x"),
        ("run --name", "flag needs an argument: --name"),
        ("run -e", "flag needs an argument: 'e' in -e"),
        ("run -ie", "flag needs an argument: 'e' in -e"),
        ("run", "\"docker run\" requires at least 1 argument"),
        ("create -d nginx", "unknown shorthand flag: 'd' in -d"),
        ("create --sig-proxy nginx", "unknown flag: --sig-proxy"),
        (
            "run --rm=maybe nginx",
            "invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax",
        ),
        (
            "run -m 1x nginx",
            "invalid argument \"1x\" for \"-m, --memory\" flag: invalid suffix: 'x'",
        ),
        (
            "run --cpus 1.0000000001 nginx",
            "invalid argument \"1.0000000001\" for \"--cpus\" flag: value is too precise",
        ),
        (
            "run --pids-limit 99999999999999999999 nginx",
            "invalid argument \"99999999999999999999\" for \"--pids-limit\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
        ),
        (
            "run --blkio-weight 70000 nginx",
            "invalid argument \"70000\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"70000\": value out of range",
        ),
        (
            "run --health-interval 5 nginx",
            "invalid argument \"5\" for \"--health-interval\" flag: time: missing unit in duration \"5\"",
        ),
        (
            "run --no-healthcheck --health-cmd x nginx",
            "--no-healthcheck conflicts with --health-* options",
        ),
        (
            "run --cpus 1 --cpu-quota 1000 nginx",
            "Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set",
        ),
        (
            "run --network host --network n nginx",
            "conflicting options: cannot attach both user-defined and non-user-defined network-modes",
        ),
        (
            "run --network a --network a nginx",
            "network \"a\" is specified multiple times",
        ),
        (
            "run --help",
            "--help asks for the usage text, not a container",
        ),
        (
            "build .",
            "not a `docker run` or `docker create` command line",
        ),
        ("", "not a `docker run` or `docker create` command line"),
        (
            "container ls",
            "not a `docker run` or `docker create` command line",
        ),
        ("run -", "invalid reference format: \"-\""),
    ];
    for (line, want) in cases {
        assert_eq!(err(line).to_string(), *want, "{line}");
    }
    assert_eq!(parse(&[]), Err(RunError::NotARunCommand));
    assert!(matches!(
        parse(&["run".into(), String::new()]),
        Err(RunError::InvalidImage { index: 1, .. })
    ));
    assert!(matches!(
        err("run -p 8080:80 --bogus=1 nginx"),
        RunError::UnknownFlag { index: 3, .. }
    ));
}

#[test]
fn hostile_input_never_panics() {
    let many: Vec<String> = std::iter::once("run".to_owned())
        .chain(std::iter::repeat_n("-itd".to_owned(), 10_000))
        .chain(["nginx".to_owned()])
        .collect();
    assert!(parse(&many).is_ok());
    for line in [
        "run -m 99999999999999999999999999p nginx",
        "run -m 1e400 nginx",
        "run -m -1 nginx",
        "run -m inf nginx",
        "run --cpus 1e99999 nginx",
        "run --cpus 1/0 nginx",
        "run --cpus -1 nginx",
        "run --cpu-quota 0x nginx",
        "run -p :::: nginx",
        "run -p 99999 nginx",
        "run -p 10-1 nginx",
        "run --ulimit nofile=1:2:3 nginx",
        "run --device ::: nginx",
        "run -v :: nginx",
        "run --mount \"type=bind nginx",
        "run --restart on-failure:x nginx",
        "run --sysctl = nginx",
        "run -e = nginx",
        "run --security-opt = nginx",
        "run --ulimit nofile=99999999999999999999 nginx",
    ] {
        assert!(parse(&args(line)).is_err(), "{line}");
    }
    // Multibyte characters in clusters and values.
    assert!(parse(&args("run -é nginx")).is_err());
    assert!(parse(&args("run -eÉ=ü nginx")).is_ok());
}

#[test]
fn capabilities_and_security_options() {
    let w = ok(
        "run --cap-add sys_admin --cap-add=CAP_NET_RAW --cap-drop all \
        --security-opt no-new-privileges --security-opt seccomp:unconfined \
        --security-opt apparmor=unconfined --security-opt label:disable \
        --security-opt label=level:s0 nginx",
    )
    .workload;
    let caps: Vec<&str> = w.cap_add.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(caps, ["SYS_ADMIN", "NET_RAW"]);
    assert_eq!(w.cap_drop[0].value, "ALL");
    assert!(w.security.no_new_privileges.value);
    assert_eq!(w.security.seccomp.value, Profile::Unconfined);
    assert_eq!(w.security.apparmor.value, Profile::Unconfined);
    assert!(w.security.selinux_disabled.value);
    assert_eq!(w.security.selinux_labels[0].value, "level:s0");
    let w = ok(
        "run --security-opt no-new-privileges=false --security-opt seccomp=/p.json \
        --security-opt label=type:spc_t nginx",
    )
    .workload;
    assert!(!w.security.no_new_privileges.value);
    assert_eq!(w.security.seccomp.value, Profile::Custom("/p.json".into()));
    assert!(w.security.selinux_disabled.value);
    for bad in ["seccomp", "bogus=1", "label=", "no-new-privileges=perhaps"] {
        let e = err(&format!("run --security-opt {bad} nginx"));
        assert!(matches!(e, RunError::InvalidValue { .. }), "{bad}: {e}");
    }
}

#[test]
fn locations_point_at_the_flag_argument() {
    let c = ok("run -itp 80:80 --cap-add SYS_ADMIN --privileged nginx");
    let w = &c.workload;
    let loc = |index: usize, text: &str| Location::Argument {
        index,
        text: text.into(),
        file: None,
        line: None,
    };
    assert_eq!(w.ports[0].at, loc(1, "-itp"));
    assert_eq!(w.cap_add[0].at, loc(3, "--cap-add"));
    assert_eq!(w.privileged.at, Some(loc(5, "--privileged")));
    assert_eq!(w.image.at, Some(loc(6, "nginx")));
    assert_eq!(w.at, loc(0, "run"));
    assert_eq!(w.name, "nginx");
    assert_eq!(w.source, SourceKind::DockerRun);
}

#[test]
fn namespaces() {
    use NamespaceMode as M;
    let cases = [
        ("--network host", M::Host, vec![]),
        ("--net=host", M::Host, vec![]),
        ("--network none", M::None, vec![]),
        (
            "--network container:web",
            M::Container("web".into()),
            vec![],
        ),
        ("--network bridge", M::Private, vec![]),
        ("--network backend", M::Private, vec!["backend"]),
        (
            "--network name=backend,alias=api",
            M::Private,
            vec!["backend"],
        ),
        ("--network a --network b", M::Private, vec!["a", "b"]),
    ];
    for (flags, mode, networks) in cases {
        let w = ok(&format!("run {flags} nginx")).workload;
        assert_eq!(w.namespaces.network.value, mode, "{flags}");
        let names: Vec<&str> = w.networks.iter().map(|n| n.value.as_str()).collect();
        assert_eq!(names, networks, "{flags}");
    }
    let w = ok("run --pid host --ipc shareable --uts host --userns host --cgroupns host nginx")
        .workload;
    assert_eq!(w.namespaces.pid.value, M::Host);
    assert_eq!(w.namespaces.ipc.value, M::Private);
    assert_eq!(w.namespaces.uts.value, M::Host);
    assert_eq!(w.namespaces.user.value, M::Host);
    assert_eq!(w.namespaces.cgroup.value, M::Host);
    let w = ok("run --ipc container:db --pid container:db nginx").workload;
    assert_eq!(w.namespaces.ipc.value, M::Container("db".into()));
    assert_eq!(w.namespaces.pid.value, M::Container("db".into()));
    for bad in [
        "--pid bogus",
        "--uts container:x",
        "--cgroupns none",
        "--ipc container:",
    ] {
        assert!(parse(&args(&format!("run {bad} nginx"))).is_err(), "{bad}");
    }
}

#[test]
fn devices() {
    let cases = [
        ("/dev/sda", "/dev/sda", "/dev/sda", "rwm"),
        ("/dev/sda:/dev/xvda", "/dev/sda", "/dev/xvda", "rwm"),
        ("/dev/sda:r", "/dev/sda", "/dev/sda", "r"),
        ("/dev/sda:/dev/xvda:rw", "/dev/sda", "/dev/xvda", "rw"),
        ("/dev/sda/:/dev/xvda/", "/dev/sda/", "/dev/xvda", "rwm"),
        ("example.invalid/gpu=0", "example.invalid/gpu=0", "", ""),
    ];
    for (spec, host, container, perms) in cases {
        let w = ok(&format!("run --device {spec} nginx")).workload;
        assert_eq!(
            w.devices[0].value,
            Device {
                host_path: host.into(),
                container_path: container.into(),
                permissions: perms.into()
            },
            "{spec}"
        );
    }
    for bad in [":/x", "/a:/b:rwx", "/a:/b:c:d", "/a:rel"] {
        assert!(
            parse(&args(&format!("run --device {bad} nginx"))).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn volumes_mounts_and_tmpfs() {
    use MountKind::{Bind, Tmpfs, Volume};
    let cases = [
        (
            "-v /var/run/docker.sock:/var/run/docker.sock",
            mount(
                Bind,
                "/var/run/docker.sock",
                "/var/run/docker.sock",
                false,
                None,
            ),
        ),
        (
            "-v /etc:/host/etc:ro",
            mount(Bind, "/etc", "/host/etc", true, None),
        ),
        ("-v /a/:/b/:rw,z", mount(Bind, "/a", "/b", false, None)),
        (
            "-v /a:/b:Z,ro,rshared",
            mount(Bind, "/a", "/b", true, Some("rshared")),
        ),
        ("-v /a:/b:rprivate", mount(Bind, "/a", "/b", false, None)),
        (
            "-v /a:/b:slave",
            mount(Bind, "/a", "/b", false, Some("slave")),
        ),
        (
            "-v ./data:/data",
            mount(Bind, "./data", "/data", false, None),
        ),
        ("-v data:/data", mount(Volume, "data", "/data", false, None)),
        (
            "-v data:/data:ro,nocopy",
            mount(Volume, "data", "/data", true, None),
        ),
        ("-v /data", mount(Volume, "", "/data", false, None)),
        ("--volume=/data/", mount(Volume, "", "/data", false, None)),
        (
            "--mount type=bind,src=/,dst=/host,readonly",
            mount(Bind, "/", "/host", true, None),
        ),
        (
            "--mount type=bind,source=/a,target=/b,ro=false,bind-propagation=rshared",
            mount(Bind, "/a", "/b", false, Some("rshared")),
        ),
        (
            "--mount type=volume,source=v,destination=/b,readonly=true",
            mount(Volume, "v", "/b", true, None),
        ),
        ("--mount dst=/anon", mount(Volume, "", "/anon", false, None)),
        (
            "--mount \"type=bind,src=/a,dst=/b\"",
            mount(Bind, "/a", "/b", false, None),
        ),
        (
            "--mount type=tmpfs,dst=/t,tmpfs-size=1m",
            mount(Tmpfs, "", "/t", false, None),
        ),
        ("--tmpfs /run", mount(Tmpfs, "", "/run", false, None)),
        (
            "--tmpfs /run:ro,size=64m",
            mount(Tmpfs, "", "/run", true, None),
        ),
    ];
    for (flags, want) in cases {
        let line = format!("run {flags} nginx");
        let w = parse_line(&format!("docker {line}"))
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .workload;
        assert_eq!(w.mounts.len(), 1, "{flags}");
        assert_eq!(w.mounts[0].value, want, "{flags}");
    }
    for bad in [
        "-v /a:/b:rw,ro",
        "-v /a:/b:bogus",
        "-v /a:rel",
        "-v /data:ro",
        "-v /a:/b:c:d",
        "-v /a:/",
        "-v :/b",
        "--mount type=bind,dst=/b",
        "--mount src=/a",
        "--mount type=bogus,dst=/b",
        "--mount type=volume,dst=/b,bind-propagation=shared",
        "--mount type=tmpfs,src=x,dst=/b",
        "--mount type=bind,src=/a,dst=/b,bogus=1",
        "--mount type=bind,src=/a,dst=/b,ro=maybe",
        "--mount type=bind,src=/a,dst=/b,nokey",
        "--tmpfs rel",
    ] {
        assert!(parse(&args(&format!("run {bad} nginx"))).is_err(), "{bad}");
    }
    let w = ok("run --use-api-socket nginx").workload;
    assert_eq!(w.mounts[0].value.source, "/var/run/docker.sock");
}

#[test]
fn ports() {
    let p =
        |ip: Option<&str>, h: Option<u16>, he: Option<u16>, c: u16, ce: u16, proto: Protocol| {
            PortBinding {
                host_ip: ip.map(str::to_owned),
                host_port: h,
                host_port_end: he,
                container_port: c,
                container_port_end: ce,
                protocol: proto,
            }
        };
    use Protocol::{Sctp, Tcp, Udp};
    let cases = [
        ("80", p(None, None, None, 80, 80, Tcp)),
        ("8080:80", p(None, Some(8080), Some(8080), 80, 80, Tcp)),
        (
            "0.0.0.0:8080:80",
            p(None, Some(8080), Some(8080), 80, 80, Tcp),
        ),
        (
            "127.0.0.1:8080:80",
            p(Some("127.0.0.1"), Some(8080), Some(8080), 80, 80, Tcp),
        ),
        (
            "127.0.0.1::80",
            p(Some("127.0.0.1"), None, None, 80, 80, Tcp),
        ),
        (
            "[::1]:80:80",
            p(Some("::1"), Some(80), Some(80), 80, 80, Tcp),
        ),
        ("[::]:80:80", p(None, Some(80), Some(80), 80, 80, Tcp)),
        ("::1:80:80", p(Some("::1"), Some(80), Some(80), 80, 80, Tcp)),
        (
            "8000-8010:8000-8010",
            p(None, Some(8000), Some(8010), 8000, 8010, Tcp),
        ),
        ("8000-8010:80", p(None, Some(8000), Some(8010), 80, 80, Tcp)),
        ("8000-8010", p(None, None, None, 8000, 8010, Tcp)),
        ("53:53/udp", p(None, Some(53), Some(53), 53, 53, Udp)),
        ("53/UDP", p(None, None, None, 53, 53, Udp)),
        ("9/sctp", p(None, None, None, 9, 9, Sctp)),
        ("80/", p(None, None, None, 80, 80, Tcp)),
    ];
    for (spec, want) in cases {
        let w = ok(&format!("run -p {spec} nginx")).workload;
        assert_eq!(w.ports.len(), 1, "{spec}");
        assert_eq!(w.ports[0].value, want, "{spec}");
    }
    for bad in [
        "",
        "x",
        "80/bogus",
        "1.2.3:80:80",
        "8000-8010:8000-8005",
        "65536",
        "80:",
        "[::1:80:80",
        "8000-8002:80-81",
    ] {
        assert!(
            parse(&["run".into(), "-p".into(), bad.into(), "nginx".into()]).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn resources_restart_health() {
    let cases: &[(&str, Option<u64>)] = &[
        ("-m 512m", Some(512 * 1024 * 1024)),
        ("--memory=1g", Some(1 << 30)),
        ("-m 1.5GB", Some(3 << 29)),
        ("-m 100", Some(100)),
        ("-m 100b", Some(100)),
        ("-m 64KiB", Some(64 * 1024)),
        ("-m \"1 k\"", Some(1024)),
        ("-m 0", None),
    ];
    for (flags, want) in cases {
        let c = parse_line(&format!("docker run {flags} nginx"))
            .unwrap_or_else(|e| panic!("{flags}: {e}"));
        assert_eq!(c.workload.resources.memory.value, *want, "{flags}");
    }
    for bad in ["1x", "1kx", "1kbb", "k", "", "-5m", "1..5"] {
        assert!(ram_in_bytes(bad).is_err(), "{bad}");
    }
    let cpus = |flags: &str| {
        ok(&format!("run {flags} nginx"))
            .workload
            .resources
            .cpus
            .value
    };
    assert_eq!(cpus("--cpus 1.5"), Some(1.5));
    assert_eq!(cpus("--cpus=0.25"), Some(0.25));
    assert_eq!(cpus("--cpus 3/2"), Some(1.5));
    assert_eq!(cpus("--cpus 15e-1"), Some(1.5));
    assert_eq!(cpus("--cpus 0"), None);
    assert_eq!(cpus("--cpu-quota 50000 --cpu-period 100000"), Some(0.5));
    assert_eq!(cpus("--cpu-quota 150000"), Some(1.5));
    assert_eq!(cpus("--cpu-shares 512"), None);
    let pids = |flags: &str| {
        ok(&format!("run {flags} nginx"))
            .workload
            .resources
            .pids
            .value
    };
    assert_eq!(pids("--pids-limit 100"), Some(100));
    assert_eq!(pids("--pids-limit=0x10"), Some(16));
    assert_eq!(pids("--pids-limit -1"), None);
    assert_eq!(pids("--pids-limit 0"), None);

    let restart = |flags: &str| ok(&format!("run {flags} nginx")).workload.restart.value;
    assert_eq!(restart(""), RestartPolicy::No);
    assert_eq!(restart("--restart no"), RestartPolicy::No);
    assert_eq!(restart("--restart always"), RestartPolicy::Always);
    assert_eq!(
        restart("--restart unless-stopped"),
        RestartPolicy::UnlessStopped
    );
    assert_eq!(
        restart("--restart on-failure"),
        RestartPolicy::OnFailure(None)
    );
    assert_eq!(
        restart("--restart on-failure:5"),
        RestartPolicy::OnFailure(Some(5))
    );
    for bad in [
        "sometimes",
        "always:3",
        ":3",
        "on-failure:-1",
        "on-failure:x",
    ] {
        assert!(
            parse(&args(&format!("run --restart {bad} nginx"))).is_err(),
            "{bad}"
        );
    }

    let health = |flags: &str| ok(&format!("run {flags} nginx")).workload.healthcheck.value;
    assert_eq!(health(""), Healthcheck::Inherited);
    assert_eq!(health("--health-interval 5s"), Healthcheck::Inherited);
    assert_eq!(health("--health-cmd true"), Healthcheck::Defined);
    assert_eq!(health("--no-healthcheck"), Healthcheck::Disabled);
    assert_eq!(
        health("--no-healthcheck --health-interval 0s"),
        Healthcheck::Disabled
    );
    assert_eq!(
        health("--no-healthcheck=false --health-cmd x"),
        Healthcheck::Defined
    );
}

#[test]
fn env_sysctl_ulimit_user_name() {
    let c = ok(
        "run -e A=1 -e B -e C= --env-file ./prod.env --sysctl net.core.somaxconn=1024 \
        --sysctl net.core.somaxconn=2048 --sysctl kernel.shmmax=1 --ulimit nofile=1024:2048 \
        --ulimit nproc=10 --ulimit nofile=1:2 -u 1000:1000 --name web nginx",
    );
    let w = &c.workload;
    let env: Vec<(&str, &EnvValue)> = w
        .env
        .iter()
        .map(|e| (e.value.name.as_str(), &e.value.value))
        .collect();
    assert_eq!(
        env,
        [
            ("A", &EnvValue::Literal("1".into())),
            ("B", &EnvValue::Reference("$B".into())),
            ("C", &EnvValue::Literal(String::new())),
            ("", &EnvValue::Reference("env file ./prod.env".into())),
        ]
    );
    let sysctls: Vec<&(String, String)> = w.sysctls.iter().map(|s| &s.value).collect();
    assert_eq!(
        sysctls,
        [
            &("net.core.somaxconn".to_owned(), "2048".to_owned()),
            &("kernel.shmmax".to_owned(), "1".to_owned())
        ]
    );
    let ulimits: Vec<(&str, i64, i64)> = w
        .ulimits
        .iter()
        .map(|u| (u.value.name.as_str(), u.value.soft, u.value.hard))
        .collect();
    assert_eq!(ulimits, [("nproc", 10, 10), ("nofile", 1, 2)]);
    assert_eq!(w.user.value.as_deref(), Some("1000:1000"));
    assert_eq!(w.name, "web");
    for bad in [
        "--sysctl kernel.panic=1",
        "--sysctl kernel.domainname=x",
        "--sysctl novalue",
        "--ulimit bogus=1",
        "--ulimit nofile=2:1",
        "--ulimit nofile",
        "-e =x",
        "-a bogus",
    ] {
        assert!(parse(&args(&format!("run {bad} nginx"))).is_err(), "{bad}");
    }
    assert_eq!(
        ok("run --ulimit nofile=10:-1 nginx").workload.ulimits[0]
            .value
            .hard,
        -1
    );
}

#[test]
fn parse_line_splits_like_a_shell() {
    let c = parse_line(
        "docker run --name 'my app' -e \"GREETING=hello world\" \\\n  -p 80:80 nginx sh -c 'echo hi' && echo done",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.workload.name, "my app");
    assert_eq!(c.command, ["sh", "-c", "echo hi"]);
    assert_eq!(
        c.workload.env[0].value.value,
        EnvValue::Literal("hello world".into())
    );
    assert!(matches!(
        parse_line("docker run 'nginx"),
        Err(RunError::Split(_))
    ));
    assert!(matches!(
        parse_line("podman run nginx"),
        Err(RunError::NotARunCommand)
    ));
    assert!(matches!(parse_line(""), Err(RunError::NotARunCommand)));
    assert!(parse_line("/usr/bin/docker run nginx").is_ok());
    // A variable image fails on its own...
    assert!(parse_line("docker run $IMAGE").is_ok());
    // ...and is tolerated as unknown when asked.
    let origin = Origin {
        expansions: vec![false, false, false, true],
        tolerate_variables: true,
        ..Origin::default()
    };
    let c = parse_with(&args("run -p $PORT:80 --privileged $IMAGE"), &origin);
    assert!(c.is_err(), "the port holds a variable but is not marked");
    let origin = Origin {
        expansions: vec![false, false, true, false, true],
        tolerate_variables: true,
        ..Origin::default()
    };
    let c = parse_with(&args("run -p $PORT:80 --privileged $IMAGE"), &origin)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.image, None);
    assert!(c.workload.privileged.value);
    assert!(c.workload.ports.is_empty());
    assert_eq!(c.warnings.len(), 2);
}

#[test]
fn numbers_parse_as_go_does() {
    for (s, want) in [
        ("10", 10),
        ("-10", -10),
        ("0x10", 16),
        ("010", 8),
        ("0o10", 8),
        ("0b11", 3),
        ("1_000", 0),
    ] {
        let got = parse_go_int(s);
        if want == 0 {
            assert!(got.is_err(), "{s}");
        } else {
            assert_eq!(got, Ok(want), "{s}");
        }
    }
    assert_eq!(parse_go_int("0x_1_0"), Ok(16));
    assert!(parse_go_int("").is_err());
    assert!(parse_go_int("-").is_err());
    assert!(parse_go_int("9223372036854775808").is_err());
    assert_eq!(parse_go_int("-9223372036854775808"), Ok(i64::MIN));
    for ok in ["0", "1s", "1.5h", "1h30m", "-1s", "300ms", "2us", "1µs"] {
        assert!(check_duration(ok).is_ok(), "{ok}");
    }
    for bad in ["", "1", "s", "1x", "1..2s", "."] {
        assert!(check_duration(bad).is_err(), "{bad}");
    }
}

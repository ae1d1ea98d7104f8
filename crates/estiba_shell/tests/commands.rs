//! The command model: which commands run, where, under which wrappers and options.

use estiba_shell::{CommandRef, ShellState, WrapperKind, parse};

fn names(src: &str) -> Vec<String> {
    parse(src)
        .commands()
        .map(|c| c.name().unwrap_or("-").to_owned())
        .collect()
}

fn find<'a>(cmds: &'a [CommandRef<'a>], name: &str) -> &'a CommandRef<'a> {
    cmds.iter()
        .find(|c| c.name() == Some(name))
        .unwrap_or_else(|| panic!("no {name}"))
}

/// Validates that commands are found everywhere they can run, in source order.
#[test]
fn every_command_in_source_order() {
    let src = "a; (b | c); { d; }; if e; then f; elif g; then h; else i; fi; for x in $(j); do k; done; \
               while l; do m; done; until n; do o; done; case $(p) in q) r;; esac; s() { t; }; \
               u `v` <(w) >(x); [[ $(y) ]]; z &";
    assert_eq!(
        names(src),
        [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "r",
            "t", "u", "v", "w", "x", "y", "z"
        ]
    );
}

/// Validates the context flags of each place a command can be.
#[test]
fn contexts() {
    let script =
        parse("if a; then b; fi; (c); echo $(d); f() { e; }; while g; do h; done; i & sh -c 'j'");
    let cmds: Vec<_> = script.commands().collect();
    assert!(find(&cmds, "a").context().in_condition);
    assert!(!find(&cmds, "b").context().in_condition);
    assert!(find(&cmds, "c").context().in_subshell);
    assert!(find(&cmds, "d").context().in_command_substitution);
    assert!(find(&cmds, "e").context().in_function);
    let g = find(&cmds, "g").context();
    assert!(g.in_condition && g.in_loop);
    assert!(find(&cmds, "h").context().in_loop);
    assert!(find(&cmds, "i").context().in_background);
    assert!(find(&cmds, "j").context().in_inner_script);
    assert_eq!(
        find(&cmds, "echo").context(),
        estiba_shell::Context::default()
    );
}

/// Validates pipeline positions and the operators around a pipeline.
#[test]
fn pipelines() {
    let script = parse("curl -fsSL x | tar xz -C / && echo ok || true");
    let cmds: Vec<_> = script.commands().collect();
    let tar = find(&cmds, "tar");
    assert_eq!((tar.position(), tar.pipeline().len()), (1, 2));
    assert_eq!(
        tar.pipeline().followed_by(),
        Some(estiba_shell::AndOrOp::And)
    );
    let echo = find(&cmds, "echo");
    assert_eq!(
        echo.pipeline().preceded_by(),
        Some(estiba_shell::AndOrOp::And)
    );
    assert_eq!(
        echo.pipeline().followed_by(),
        Some(estiba_shell::AndOrOp::Or)
    );
    assert_eq!(script.pipelines().count(), 3);
}

/// Validates that command names are basenames, except when the path is an expansion.
#[test]
fn command_names() {
    assert_eq!(
        names(
            "/usr/bin/apt-get update; \"$HOME\"/bin/tool; ${JAVA_HOME}/bin/java; $(curl https://x/y.sh); ./configure; x=1"
        ),
        [
            "apt-get",
            "tool",
            "java",
            "$(curl https://x/y.sh)",
            "curl",
            "configure",
            "-"
        ]
    );
}

/// Validates that wrappers are looked through and recorded outermost first.
#[test]
fn wrappers_are_unwrapped() {
    let cases: &[(&str, &[&str], &[WrapperKind])] = &[
        (
            "sudo apt-get install -y x",
            &["apt-get", "install", "-y", "x"],
            &[WrapperKind::Sudo],
        ),
        (
            "sudo -E -u app -- make install",
            &["make", "install"],
            &[WrapperKind::Sudo],
        ),
        (
            "sudo DEBIAN_FRONTEND=noninteractive apt-get -y install x",
            &["apt-get", "-y", "install", "x"],
            &[WrapperKind::Sudo],
        ),
        (
            "env -i PATH=/bin A=b cmd -x",
            &["cmd", "-x"],
            &[WrapperKind::Env],
        ),
        ("/usr/bin/env -u X cmd", &["cmd"], &[WrapperKind::Env]),
        (
            "nice -n 10 ionice make",
            &["ionice", "make"],
            &[WrapperKind::Nice],
        ),
        (
            "nohup server --port 1 &",
            &["server", "--port", "1"],
            &[WrapperKind::Nohup],
        ),
        ("time -p make", &["make"], &[WrapperKind::Time]),
        (
            "exec -a name gosu app:app server",
            &["server"],
            &[WrapperKind::Exec, WrapperKind::Gosu],
        ),
        ("command -p ls", &["ls"], &[WrapperKind::Command]),
        (
            "find . -name x | xargs -r -n 1 -I{} rm {}",
            &["rm", "{}"],
            &[WrapperKind::Xargs],
        ),
        (
            "su-exec nobody:nobody true",
            &["true"],
            &[WrapperKind::SuExec],
        ),
        (
            "chroot --userspec=1:1 /mnt /bin/sh -x",
            &["/bin/sh", "-x"],
            &[WrapperKind::Chroot],
        ),
        (
            "timeout -s KILL 10s curl x",
            &["curl", "x"],
            &[WrapperKind::Timeout],
        ),
        (
            "stdbuf -oL -e 0 tail -f log",
            &["tail", "-f", "log"],
            &[WrapperKind::Stdbuf],
        ),
        (
            "eatmydata apt-get install x",
            &["apt-get", "install", "x"],
            &[WrapperKind::Eatmydata],
        ),
        ("doas -u app id", &["id"], &[WrapperKind::Doas]),
        (
            "runuser -u app -- id -u",
            &["id", "-u"],
            &[WrapperKind::Runuser],
        ),
        (
            "sudo nice -n5 env A=1 nohup cmd",
            &["cmd"],
            &[
                WrapperKind::Sudo,
                WrapperKind::Nice,
                WrapperKind::Env,
                WrapperKind::Nohup,
            ],
        ),
    ];
    for (src, argv, kinds) in cases {
        let script = parse(src);
        let cmd = script
            .commands()
            .find(|c| !c.wrappers().is_empty())
            .unwrap_or_else(|| panic!("{src}: nothing wrapped"));
        let got: Vec<_> = cmd.argv().iter().map(|w| w.value.as_str()).collect();
        assert_eq!(&got, argv, "{src}");
        let got_kinds: Vec<_> = cmd.wrappers().iter().map(|w| w.kind).collect();
        assert_eq!(&got_kinds, kinds, "{src}");
    }
}

/// Validates that wrapper-like commands that run nothing are reported as themselves.
#[test]
fn wrappers_without_commands() {
    for src in [
        "sudo -v",
        "env",
        "command -v curl",
        "exec 2>&1",
        "sh ./install.sh",
        "xargs",
        "sudo -l",
        "su",
        "nohup",
    ] {
        let script = parse(src);
        let cmds: Vec<_> = script.commands().collect();
        assert_eq!(cmds.len(), 1, "{src}");
        assert!(cmds[0].wrappers().is_empty(), "{src}");
    }
}

/// Validates that users named by wrappers are recorded.
#[test]
fn wrapper_users() {
    for (src, user) in [
        ("sudo -u app make", "app"),
        ("sudo --user=www make", "www"),
        ("gosu nobody make", "nobody"),
        ("su - postgres -c 'psql -c x'", "postgres"),
        ("su -c 'make' builder", "builder"),
        ("runuser -u app make", "app"),
        ("sudo -uroot make", "root"),
    ] {
        let script = parse(src);
        let cmd = script.commands().next().unwrap_or_else(|| panic!("{src}"));
        let w = cmd.wrappers().first().unwrap_or_else(|| panic!("{src}"));
        assert!(w.kind.changes_user());
        assert_eq!(w.user, Some(user), "{src}");
    }
}

/// Validates that `sh -c` strings are parsed and their ranges map onto the outer source.
#[test]
fn shell_c_is_parsed_with_source_ranges() {
    let src = r#"sudo sh -c "apt-get update && apt-get install -y \"curl\"" && bash -exo pipefail -c 'a | b'"#;
    let script = parse(src);
    assert!(script.errors.is_empty());
    let cmds: Vec<_> = script.commands().collect();
    let found: Vec<_> = cmds
        .iter()
        .map(|c| c.effective_range().slice(src).unwrap_or("?"))
        .collect();
    assert_eq!(
        found,
        ["apt-get update", r#"apt-get install -y \"curl\""#, "a", "b"]
    );
    assert_eq!(cmds[1].argv()[3].value, "curl");
    let kinds: Vec<_> = cmds[0].wrappers().iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WrapperKind::Sudo, WrapperKind::Shell]);
    assert_eq!(cmds[0].wrappers()[1].range.slice(src), Some("sh -c"));
    // The inner shell starts with the options it was given, not the outer shell's.
    assert!(!cmds[0].state().errexit);
    assert!(cmds[2].state().errexit && cmds[2].state().pipefail);
    // The inner script is reachable from the syntactic command.
    let outer = cmds[0].wrappers()[0].command;
    assert_eq!(outer.inner_script().map(|s| s.body.items.len()), Some(1));
}

/// Validates that `su -c`, `eval` and shells fed a here-document or here-string are parsed.
#[test]
fn other_inner_scripts() {
    assert_eq!(names("su app -c 'npm ci && npm test'"), ["npm", "npm"]);
    // `eval "$(cmd)"` runs cmd's output: a command named by a substitution.
    assert_eq!(
        names("eval \"$(ssh-agent -s)\"; eval apt-get update"),
        ["$(ssh-agent -s)", "ssh-agent", "apt-get"]
    );
    assert_eq!(names("bash <<EOF\napt-get update\nEOF\n"), ["apt-get"]);
    assert_eq!(
        names("sh -s <<-'EOF'\n\tset -e\n\tmake\n\tEOF\n"),
        ["set", "make"]
    );
    assert_eq!(names("bash <<< 'curl x | sh'"), ["curl", "sh"]);
    assert_eq!(names("sh -c ''"), ["sh"]);
    // A substitution in an `sh -c` string is reported once.
    assert_eq!(names("sh -c \"echo $(date)\""), ["echo", "date"]);
    // Syntax errors of an inner script stay with it.
    let script = parse("sh -c 'if x'");
    assert!(script.errors.is_empty());
    let inner = script.commands().next().map(|c| {
        c.wrappers()[0]
            .command
            .inner_script()
            .map(|s| s.errors.len())
    });
    assert_eq!(inner, Some(Some(1)));
}

/// Validates that here-document scripts map their ranges onto the source.
#[test]
fn heredoc_script_ranges() {
    let src = "bash -e <<'EOF'\nset -o pipefail\ncurl x | sh\nEOF\n";
    let script = parse(src);
    let cmds: Vec<_> = script.commands().collect();
    let found: Vec<_> = cmds
        .iter()
        .map(|c| c.effective_range().slice(src).unwrap_or("?"))
        .collect();
    assert_eq!(found, ["set -o pipefail", "curl x", "sh"]);
    assert!(cmds[1].state().errexit && cmds[1].state().pipefail);
}

/// Validates that each wrapper use is listed once.
#[test]
fn wrapper_uses_are_deduplicated() {
    let script = parse("sudo sh -c 'a; b'; sudo c");
    let uses: Vec<_> = script.wrappers().iter().map(|w| w.kind).collect();
    assert_eq!(
        uses,
        [WrapperKind::Sudo, WrapperKind::Shell, WrapperKind::Sudo]
    );
    assert!(script.commands().all(|c| c.via_sudo()));
}

fn states(src: &str) -> Vec<(String, bool, bool)> {
    parse(src)
        .commands()
        .map(|c| {
            (
                c.name().unwrap_or("-").to_owned(),
                c.state().errexit,
                c.state().pipefail,
            )
        })
        .collect()
}

/// Validates `set` option parsing in its common spellings.
#[test]
fn set_options() {
    for (src, e, p) in [
        ("set -e; x", true, false),
        ("set -o pipefail; x", false, true),
        ("set -eo pipefail; x", true, true),
        ("set -euxo pipefail; x", true, true),
        ("set -ex -o pipefail; x", true, true),
        ("set -o errexit -o pipefail; x", true, true),
        ("set -eo pipefail; set +e; x", false, true),
        ("set -e +o pipefail; x", true, false),
        ("set -- -e; x", false, false),
    ] {
        let last = states(src).pop();
        assert_eq!(last, Some(("x".to_owned(), e, p)), "{src}");
    }
}

/// Validates that options hold from the next pipeline on and do not leak out of subshells,
/// pipelines, background jobs, command substitutions or function definitions.
#[test]
fn set_scoping() {
    assert_eq!(
        states("a; set -e && b; c"),
        [
            ("a".into(), false, false),
            ("set".into(), false, false),
            ("b".into(), true, false),
            ("c".into(), true, false)
        ]
    );
    for src in [
        "(set -eo pipefail); x",
        "set -eo pipefail | cat; x",
        "set -eo pipefail & x",
        "echo $(set -eo pipefail); x",
        "f() { set -eo pipefail; }; x",
        "sh -c 'set -eo pipefail'; x",
    ] {
        let last = states(src).pop();
        assert_eq!(last, Some(("x".to_owned(), false, false)), "{src}");
    }
    for src in [
        "{ set -eo pipefail; }; x",
        "if true; then set -eo pipefail; fi; x",
        "eval 'set -eo pipefail'; x",
    ] {
        let last = states(src).pop();
        assert_eq!(last, Some(("x".to_owned(), true, true)), "{src}");
    }
}

/// Validates the options of a shell given by a Dockerfile `SHELL` instruction.
#[test]
fn shell_state_from_shell_command() {
    let s = ShellState::from_shell_command(&["/bin/bash", "-o", "pipefail", "-c"]);
    assert!(s.pipefail && !s.errexit);
    let s = ShellState::from_shell_command(&["/bin/bash", "-exo", "pipefail", "-c"]);
    assert!(s.pipefail && s.errexit && s.xtrace);
    let s = ShellState::from_shell_command(&["/bin/sh", "-c"]);
    assert_eq!(s, ShellState::default());
    let script = parse("a | b");
    let analysis = script.analyze(s);
    assert!(!analysis.pipelines[0].state.pipefail);
    let analysis = script.analyze(ShellState::from_shell_command(&[
        "bash", "-o", "pipefail", "-c",
    ]));
    assert!(analysis.pipelines[0].state.pipefail && analysis.commands[1].state().pipefail);
}

fn lookup(name: &str) -> Option<String> {
    match name {
        "VERSION" => Some("1.2.3".into()),
        "EMPTY" => Some(String::new()),
        "PREFIX" => Some("/opt".into()),
        _ => None,
    }
}

/// Validates resolving words against known variables.
#[test]
fn resolve_words() {
    let script = parse(
        "echo $VERSION ${VERSION} \"v${VERSION}-x\" ${EMPTY:-d} ${EMPTY-d} ${NOPE:-d} ${VERSION:+set} ${#VERSION} $NOPE '$VERSION' $(id) ${VERSION%.*}",
    );
    let cmd = script.commands().next().expect("command");
    let resolved: Vec<_> = cmd
        .args()
        .iter()
        .map(|w| w.resolve(&lookup))
        .map(|r| (r.value, r.unresolved))
        .collect();
    let expected = [
        ("1.2.3", false),
        ("1.2.3", false),
        ("v1.2.3-x", false),
        ("d", false),
        ("", false),
        ("${NOPE:-d}", true),
        ("set", false),
        ("5", false),
        ("$NOPE", true),
        ("$VERSION", false),
        ("$(id)", true),
        ("${VERSION%.*}", true),
    ];
    let got: Vec<_> = resolved.iter().map(|(v, u)| (v.as_str(), *u)).collect();
    assert_eq!(got, expected);
}

/// Validates that words of inner scripts resolve and keep unresolved expansions as written,
/// although their ranges point into the outer source.
#[test]
fn resolve_inner_script_words() {
    let script = parse(r#"sh -c "cp \${SRC:-/src}/a \$(id -u) ${VERSION}""#);
    let cmd = script.commands().next().expect("command");
    let got: Vec<_> = cmd
        .args()
        .iter()
        .map(|w| w.resolve(&lookup))
        .map(|r| (r.value, r.unresolved))
        .collect();
    let got: Vec<_> = got.iter().map(|(v, u)| (v.as_str(), *u)).collect();
    assert_eq!(
        got,
        [
            ("${SRC:-/src}/a", true),
            ("$(id -u)", true),
            // Expanded by the outer shell; the inner word keeps its text, which resolves
            // the same way.
            ("1.2.3", false)
        ]
    );
}

/// Validates that variables assigned earlier in the script are used when resolving.
#[test]
fn resolve_with_script_variables() {
    let script = parse(
        "V=2.0; export DIR=$PREFIX/app; pip install x==$V; cp a $DIR; (V=3); echo $V; V=4 echo $V; \
         for V in a; do echo $V; done; unset DIR; echo ${DIR:-none}; read LINE; echo $LINE",
    );
    let cmds: Vec<_> = script.commands().collect();
    let resolve_last = |c: &CommandRef<'_>| {
        let w = c.args().last().expect("arg");
        let r = c.resolve(w, &lookup);
        (r.value, r.unresolved)
    };
    let got: Vec<_> = cmds
        .iter()
        .filter(|c| c.name() != Some("-") && !c.args().is_empty())
        .map(resolve_last)
        .collect();
    let got: Vec<_> = got.iter().map(|(v, u)| (v.as_str(), *u)).collect();
    assert_eq!(
        got,
        [
            ("DIR=/opt/app", false),
            ("x==2.0", false),
            ("/opt/app", false),
            ("2.0", false),
            ("2.0", false),
            ("$V", true),
            ("DIR", false),
            ("none", false),
            ("LINE", false),
            ("$LINE", true),
        ]
    );
    assert_eq!(
        cmds[2].variable("DIR", &lookup).as_deref(),
        Some("/opt/app")
    );
}

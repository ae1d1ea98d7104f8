use estiba_diagnostics::declare_rule;
use estiba_shell::{Script, WrapperKind};

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks what the container starts as PID 1: the `Entrypoint` of the image config,
    /// or its `Cmd` when there is no entrypoint. A command of the form
    /// `["/bin/sh", "-c", "…"]` — what a Dockerfile's shell-form `ENTRYPOINT` or `CMD`
    /// produces — is reported: the shell is PID 1 and the program its child.
    ///
    /// Not reported: an entrypoint that is an init (`tini`, `dumb-init`, `catatonit`,
    /// s6-overlay's `/init`), which forwards signals and reaps children, and a script
    /// that hands over to the program with `exec` (as its first or its last command).
    /// Some shells replace themselves with a lone last command, but which ones depends on
    /// the `/bin/sh` of the image; exec form does not.
    ///
    /// ## Why is this bad?
    /// `docker stop` sends `SIGTERM` to PID 1. A shell does not pass it on to its child,
    /// so the program never learns it should stop, and is killed with `SIGKILL` after the
    /// grace period: requests in flight are dropped and nothing is flushed.
    ///
    /// ## Example
    /// An image built with `CMD gunicorn --bind 0.0.0.0:8000 app.wsgi`, whose config says
    /// `"Cmd": ["/bin/sh", "-c", "gunicorn --bind 0.0.0.0:8000 app.wsgi"]`.
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi"]
    /// ```
    pub struct EntrypointShell {
        code: "IM018",
        name: "image-entrypoint-shell",
        title: "The container's main process is a shell that does not forward signals",
        severity: Low,
        practice: P13,
        target: Image,
        references: [],
        fix: None,
        remediation: "Write `ENTRYPOINT`/`CMD` in exec (JSON) form, `exec` the program from the script, or run an init such as `tini` as the entrypoint.",
    }
}

/// Inits that forward signals to their child and reap zombies.
const INITS: &[&str] = &[
    "tini",
    "tini-static",
    "dumb-init",
    "catatonit",
    "docker-init",
];

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The script of `argv` when it is `<shell> [options] -c <script> …`.
fn shell_script(argv: &[String]) -> Option<&str> {
    let (program, rest) = argv.split_first()?;
    if !matches!(
        basename(program),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh"
    ) {
        return None;
    }
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        let cluster = arg.strip_prefix('-')?;
        if cluster.starts_with('-') {
            continue;
        }
        if cluster.contains('c') {
            return args.next().map(String::as_str);
        }
        if cluster.ends_with('o') {
            args.next();
        }
    }
    None
}

/// Whether the shell hands PID 1 over: `exec` as the first command, or as the last
/// top-level one.
fn execs(script: &Script) -> bool {
    let is_exec = |c: &estiba_shell::CommandRef<'_>| {
        c.wrappers()
            .first()
            .is_some_and(|w| w.kind == WrapperKind::Exec)
            && c.pipeline().len() == 1
    };
    let commands: Vec<_> = script.commands().collect();
    let Some(first) = commands.first() else {
        // An empty script: the shell exits at once.
        return true;
    };
    if is_exec(first) {
        return true;
    }
    commands
        .last()
        .is_some_and(|last| last.context().is_top_level() && is_exec(last))
}

impl ImageCheck for EntrypointShell {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let config = &cx.config.config;
        let entrypoint = config.entrypoint.as_deref().unwrap_or_default();
        let (field, argv) = if entrypoint.is_empty() {
            ("Cmd", config.cmd.as_deref().unwrap_or_default())
        } else {
            ("Entrypoint", entrypoint)
        };
        if let Some(first) = argv.first()
            && (INITS.contains(&basename(first)) || first == "/init")
        {
            return;
        }
        let Some(script_text) = shell_script(argv) else {
            return;
        };
        let script = estiba_shell::parse(script_text);
        if execs(&script) {
            return;
        }
        let program = script
            .commands()
            .next()
            .and_then(|c| c.name().map(str::to_owned))
            .map_or_else(String::new, |name| format!(" to `{name}`"));
        let finding = out.report(
            None,
            Some(format!("config.{field}")),
            format!(
                "the container starts `{} -c …` as PID 1: the shell does not forward stop signals{program}",
                argv.first().map_or("sh", String::as_str)
            ),
        );
        let shown: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
        finding.evidence = Some(crate::context::redacted_excerpt(
            &format!("{field}: [{}]", shown.join(", ")),
            200,
        ));
    }
}

#[cfg(test)]
mod tests {
    use estiba_image::ImageConfig;

    use super::EntrypointShell;
    use crate::test_util::run_on_config;

    fn found(entrypoint: &[&str], cmd: &[&str]) -> Vec<String> {
        let mut config = ImageConfig::default();
        let owned =
            |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| (*s).to_owned()).collect());
        config.config.entrypoint = owned(entrypoint);
        config.config.cmd = owned(cmd);
        run_on_config(&EntrypointShell, &config)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn shell_form_is_reported() {
        assert_eq!(
            found(&[], &["/bin/sh", "-c", "httpd -f -p 8080"]),
            [
                "the container starts `/bin/sh -c …` as PID 1: the shell does not forward stop signals to `httpd`"
            ]
        );
        assert_eq!(
            found(
                &[
                    "/bin/bash",
                    "-o",
                    "pipefail",
                    "-c",
                    "cd /app && node server.js"
                ],
                &[]
            )
            .len(),
            1
        );
        assert_eq!(found(&["sh", "-ec", "./start"], &["ignored"]).len(), 1);
    }

    #[test]
    fn exec_forms_and_inits_are_not() {
        let cases: &[(&[&str], &[&str])] = &[
            (&[], &["/bin/sh"]),
            (&[], &["nginx", "-g", "daemon off;"]),
            (&[], &["/bin/sh", "-c", "exec nginx -g 'daemon off;'"]),
            (&[], &["/bin/sh", "-c", "cd /app && exec node server.js"]),
            (
                &["/usr/bin/tini", "--"],
                &["/bin/sh", "-c", "node server.js"],
            ),
            (&["dumb-init"], &["sh", "-c", "node server.js"]),
            (
                &["/docker-entrypoint.sh"],
                &["/bin/sh", "-c", "node server.js"],
            ),
            (&["/bin/sh", "/entrypoint.sh"], &[]),
            (&[], &[]),
        ];
        for (entrypoint, cmd) in cases {
            assert!(found(entrypoint, cmd).is_empty(), "{entrypoint:?} {cmd:?}");
        }
    }
}

//! Recognises package-manager invocations in the command model of a `RUN` script, so that
//! each packages rule only states what it checks.
//!
//! An [`Invocation`] is one effective command (wrappers such as `sudo`, `env` and
//! `sh -c '…'` already looked through by `estiba_shell`) whose program is a package
//! manager, with its arguments resolved against the script's own assignments and the
//! `ARG`/`ENV` values in scope, split into options and operands with the manager's own
//! table of options that take a value.

use estiba_shell::{ArgText, CommandRef, Word, WordPart};

/// The package managers the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    AptGet,
    /// `apt`, the interactive front end.
    Apt,
    Apk,
    /// `pip`, `pip3`, `pip3.11`, or `python -m pip`.
    Pip,
    Npm,
    Pnpm,
    Yarn,
    Gem,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Go,
    Composer,
}

impl Tool {
    /// The program as users write it, for messages.
    pub(crate) fn program(self) -> &'static str {
        match self {
            Tool::AptGet => "apt-get",
            Tool::Apt => "apt",
            Tool::Apk => "apk",
            Tool::Pip => "pip",
            Tool::Npm => "npm",
            Tool::Pnpm => "pnpm",
            Tool::Yarn => "yarn",
            Tool::Gem => "gem",
            Tool::Yum => "yum",
            Tool::Dnf => "dnf",
            Tool::Microdnf => "microdnf",
            Tool::Zypper => "zypper",
            Tool::Go => "go",
            Tool::Composer => "composer",
        }
    }

    /// Options (with dashes) that take the next argument as their value, global and
    /// sub-command options together: the managers accept both before and after the
    /// sub-command, and a value read as an operand would be judged as a package.
    fn takes_value(self) -> &'static [&'static str] {
        match self {
            Tool::AptGet | Tool::Apt => &[
                "-o",
                "--option",
                "-c",
                "--config-file",
                "-t",
                "--target-release",
                "--default-release",
                "-a",
                "--host-architecture",
                "-P",
                "--build-profiles",
            ],
            Tool::Apk => &[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "--arch",
                "--cache-dir",
                "--cache-max-age",
                "--keys-dir",
                "--repositories-file",
                "--timeout",
                "--wait",
                "--from",
            ],
            Tool::Pip => &[
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-e",
                "--editable",
                "-t",
                "--target",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "-b",
                "--build",
                "--src",
                "--root",
                "--prefix",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--no-binary",
                "--only-binary",
                "--upgrade-strategy",
                "--progress-bar",
                "--proxy",
                "--trusted-host",
                "--cache-dir",
                "--log",
                "--log-file",
                "--retries",
                "--timeout",
                "--exists-action",
                "--cert",
                "--client-cert",
                "--python",
                "--global-option",
                "--install-option",
                "-C",
                "--config-settings",
                "--report",
                "--root-user-action",
                "--use-feature",
                "--use-deprecated",
                "--keyring-provider",
                "--group",
            ],
            Tool::Npm | Tool::Pnpm => &[
                "--prefix",
                "--registry",
                "--cache",
                "--loglevel",
                "--omit",
                "--include",
                "-w",
                "--workspace",
                "--userconfig",
                "--globalconfig",
                "--tag",
                "--only",
                "--location",
                "--install-strategy",
                "--before",
                "--fetch-retries",
                "--fetch-timeout",
                "-C",
                "--dir",
                "--filter",
                "--store-dir",
                "--cache-dir",
                "--reporter",
            ],
            Tool::Yarn => &[
                "--cache-folder",
                "--modules-folder",
                "--network-timeout",
                "--mutex",
                "--registry",
                "--cwd",
                "--global-folder",
                "--link-folder",
                "--use-yarnrc",
                "--network-concurrency",
                "--child-concurrency",
            ],
            Tool::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "--platform",
                "-P",
                "--trust-policy",
                "-g",
                "--file",
                "--build-root",
                "--config-file",
                "-p",
                "--http-proxy",
            ],
            Tool::Yum | Tool::Dnf | Tool::Microdnf => &[
                "-c",
                "--config",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
                "--rpmverbosity",
                "-R",
                "--randomwait",
                "--installroot",
                "--enablerepo",
                "--disablerepo",
                "--repo",
                "--repoid",
                "-x",
                "--exclude",
                "--excludepkgs",
                "--color",
                "--releasever",
                "--setopt",
                "--downloaddir",
                "--destdir",
                "--forcearch",
                "--enableplugin",
                "--disableplugin",
                "--repofrompath",
                "--comment",
                "--advisory",
                "--advisories",
                "--bz",
                "--cve",
                "--sec-severity",
                "--secseverity",
                "--platform-id",
            ],
            Tool::Zypper => &[
                "-R",
                "--root",
                "-c",
                "--config",
                "-D",
                "--reposd-dir",
                "-C",
                "--cache-dir",
                "--raw-cache-dir",
                "--solv-cache-dir",
                "--pkg-cache-dir",
                "--userdata",
                "-r",
                "--repo",
                "-t",
                "--type",
                "--from",
            ],
            Tool::Composer => &["-d", "--working-dir"],
            // Go flags are parsed by `split_go_flags`.
            Tool::Go => &[],
        }
    }
}

/// One argument after variable resolution. A word with an unquoted expansion that resolves
/// to several fields (`$PACKAGES` = `curl git`) yields one argument per field, all
/// pointing at the same source word.
#[derive(Clone, Debug)]
pub(crate) struct Arg<'a> {
    pub(crate) word: &'a Word,
    /// The value the program receives (expansions that could not be resolved are kept as
    /// written, with `unresolved` set).
    pub(crate) text: String,
    pub(crate) unresolved: bool,
    /// The text came (at least partly) from a variable.
    pub(crate) from_variable: bool,
}

impl Arg<'_> {
    /// For messages: the value, plus the word it came from when that differs.
    pub(crate) fn describe(&self) -> String {
        if self.from_variable && self.word.raw != self.text {
            format!("`{}` (from `{}`)", self.text, self.word.raw)
        } else {
            format!("`{}`", self.text)
        }
    }
}

impl ArgText for Arg<'_> {
    fn arg_text(&self) -> &str {
        &self.text
    }
}

/// An option as split from the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OptionArg {
    /// With dashes: `-y`, `--no-cache`.
    pub(crate) name: String,
    /// Index into [`Invocation::args`] of the option.
    pub(crate) index: usize,
    /// The value, attached (`--opt=value`, `-ovalue`) or the next argument.
    pub(crate) value: Option<String>,
}

/// One call of a package manager.
#[derive(Clone, Debug)]
pub(crate) struct Invocation<'a> {
    pub(crate) tool: Tool,
    pub(crate) command: CommandRef<'a>,
    /// Index of the command among all commands of the script, in execution order.
    pub(crate) position: usize,
    /// The word naming the program (`pip` for `python3 -m pip`).
    pub(crate) program: &'a Word,
    /// The arguments after the program.
    pub(crate) args: Vec<Arg<'a>>,
    pub(crate) options: Vec<OptionArg>,
    /// Indices into `args` of the operands; the sub-command, if the tool has one, first.
    pub(crate) operands: Vec<usize>,
}

impl<'a> Invocation<'a> {
    /// The sub-command (`install` in `apt-get -y install curl`).
    pub(crate) fn subcommand(&self) -> Option<&str> {
        self.operand(0).map(|a| a.text.as_str())
    }

    pub(crate) fn subcommand_arg(&self) -> Option<&Arg<'a>> {
        self.operand(0)
    }

    /// Whether the sub-command is one of `names`.
    pub(crate) fn is(&self, names: &[&str]) -> bool {
        self.subcommand().is_some_and(|s| names.contains(&s))
    }

    /// The command as a reader names it: the program, the sub-command, and for commands
    /// with a second level (`yum group install`, `yarn global add`, `go mod download`)
    /// that too.
    pub(crate) fn label(&self) -> String {
        let program = self.tool.program();
        let Some(sub) = self.subcommand() else {
            return program.to_owned();
        };
        let nested = matches!(
            sub,
            "group" | "groups" | "module" | "global" | "cache" | "mod" | "store" | "config"
        );
        match self.operand(1).filter(|_| nested) {
            Some(second) => format!("{program} {sub} {}", second.text),
            None => format!("{program} {sub}"),
        }
    }

    /// The `n`th operand, the sub-command being operand 0.
    pub(crate) fn operand(&self, n: usize) -> Option<&Arg<'a>> {
        self.operands.get(n).and_then(|&i| self.args.get(i))
    }

    /// The operands after the first `skip` (1 skips the sub-command).
    pub(crate) fn operands_from(&self, skip: usize) -> impl Iterator<Item = &Arg<'a>> + '_ {
        self.operands
            .iter()
            .skip(skip)
            .filter_map(|&i| self.args.get(i))
    }

    /// Whether any of `names` (with dashes) is given.
    pub(crate) fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()))
    }

    /// Whether any of `names` is given before the sub-command (a global option).
    pub(crate) fn has_global(&self, names: &[&str]) -> bool {
        let end = self.operands.first().copied().unwrap_or(usize::MAX);
        self.options
            .iter()
            .any(|o| o.index < end && names.contains(&o.name.as_str()))
    }

    /// The values given to any of `names`, in order.
    pub(crate) fn values<'s>(&'s self, names: &'s [&'s str]) -> impl Iterator<Item = &'s str> + 's {
        self.options
            .iter()
            .filter(move |o| names.contains(&o.name.as_str()))
            .filter_map(|o| o.value.as_deref())
    }

    /// Whether an argument could not be resolved and may hold options the rule looks for
    /// (`apt-get install $APT_OPTS curl`). Rules asking "is option X missing?" stay quiet
    /// then instead of guessing. A variable counts when its resolved text starts with a
    /// dash or its name says it carries options; `$PACKAGES` is taken to hold packages.
    pub(crate) fn may_hide_options(&self) -> bool {
        self.args.iter().any(|a| {
            a.unresolved
                && (a.text.starts_with('-') || unresolved_names(a.word).any(|n| names_options(&n)))
        })
    }

    /// The value of environment variable `name` for this call: a prefix assignment
    /// (`PIP_NO_CACHE_DIR=1 pip …`), an `env`/`sudo` wrapper's `NAME=value`, a variable
    /// the script exported before, or an `ARG`/`ENV` in scope (`lookup`).
    pub(crate) fn env(&self, name: &str, lookup: Lookup<'_>) -> Option<String> {
        for a in self.command.assignments() {
            if a.name == name
                && let estiba_shell::AssignmentValue::Scalar(w) = &a.value
            {
                let r = self.command.resolve(w, lookup);
                return (!r.unresolved).then_some(r.value);
            }
        }
        for wrapper in self.command.wrappers() {
            for w in wrapper.words {
                if let Some(value) = w.value.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
                    return Some(value.to_owned());
                }
            }
        }
        self.command.variable(name, lookup)
    }

    /// Whether the program is run with `yes |` (or `echo y |`) feeding its prompts.
    pub(crate) fn answered_by_pipe(&self) -> bool {
        let pipeline = self.command.pipeline().pipeline;
        let Some(prev) = self.command.position().checked_sub(1) else {
            return false;
        };
        match pipeline.commands.get(prev) {
            Some(estiba_shell::Command::Simple(c)) => match c.name() {
                Some("yes") => true,
                Some("echo" | "printf") => c
                    .args()
                    .iter()
                    .any(|w| w.value.trim().eq_ignore_ascii_case("y")),
                _ => false,
            },
            _ => false,
        }
    }
}

/// Variable names in a word.
fn unresolved_names(word: &Word) -> impl Iterator<Item = String> + '_ {
    let mut names = Vec::new();
    collect_names(&word.parts, &mut names);
    names.into_iter()
}

fn collect_names(parts: &[WordPart], out: &mut Vec<String>) {
    for part in parts {
        match part {
            WordPart::Parameter(p) => out.push(p.name.clone()),
            WordPart::DoubleQuoted { parts, .. } => collect_names(parts, out),
            _ => {}
        }
    }
}

fn names_options(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["OPT", "FLAG", "ARGS", "PARAM", "SWITCH"]
        .iter()
        .any(|k| upper.contains(k))
}

/// Resolves variables for a command: the script's own assignments first, then `ARG`/`ENV`.
pub(crate) type Lookup<'l> = &'l dyn Fn(&str) -> Option<String>;

/// Recognises `command` as a package-manager call.
pub(crate) fn recognise<'a>(
    command: &CommandRef<'a>,
    position: usize,
    lookup: Lookup<'_>,
) -> Option<Invocation<'a>> {
    let argv = command.argv();
    let first = argv.first()?;
    let name = resolved_name(command, first, lookup)?;
    let (tool, rest) = match name.as_str() {
        "apt-get" => (Tool::AptGet, 1),
        "apt" => (Tool::Apt, 1),
        "apk" => (Tool::Apk, 1),
        "npm" => (Tool::Npm, 1),
        "pnpm" => (Tool::Pnpm, 1),
        "yarn" | "yarnpkg" => (Tool::Yarn, 1),
        "gem" => (Tool::Gem, 1),
        "yum" => (Tool::Yum, 1),
        "dnf" | "dnf-3" | "dnf5" => (Tool::Dnf, 1),
        "microdnf" => (Tool::Microdnf, 1),
        "zypper" => (Tool::Zypper, 1),
        "go" => (Tool::Go, 1),
        "composer" | "composer.phar" => (Tool::Composer, 1),
        "php" => (Tool::Composer, php_composer(argv)?),
        n if is_pip(n) => (Tool::Pip, 1),
        n if is_python(n) => (Tool::Pip, python_m_pip(argv)?),
        _ => return None,
    };
    let program = argv.get(rest - 1)?;
    let args = resolve_args(command, argv.get(rest..).unwrap_or(&[]), lookup);
    let (options, operands) = if tool == Tool::Go {
        split_go_flags(&args)
    } else {
        split_options(&args, tool.takes_value())
    };
    Some(Invocation {
        tool,
        command: command.clone(),
        position,
        program,
        args,
        options,
        operands,
    })
}

/// Every package-manager call of a script, with each command's position in it.
pub(crate) fn invocations<'a>(
    commands: &[CommandRef<'a>],
    lookup: Lookup<'_>,
) -> Vec<Invocation<'a>> {
    commands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| recognise(c, i, lookup))
        .collect()
}

/// The program name with variables resolved (`$PIP install`), reduced to its basename.
fn resolved_name(command: &CommandRef<'_>, word: &Word, lookup: Lookup<'_>) -> Option<String> {
    if !word.has_expansion {
        return command.name().map(str::to_owned);
    }
    let r = command.resolve(word, lookup);
    if r.unresolved {
        return None;
    }
    let first = r.value.split_whitespace().next()?;
    Some(first.rsplit('/').next().unwrap_or(first).to_owned())
}

/// `pip`, `pip3`, `pip3.11`, `pip-3.8`: not `pipx` or `pipenv`, which are other tools.
fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip").is_some_and(|v| {
        v.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
    })
}

fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// For `python [options] -m pip …`, the index of the first pip argument.
fn python_m_pip(argv: &[Word]) -> Option<usize> {
    let mut i = 1;
    while let Some(w) = argv.get(i) {
        let a = w.value.as_str();
        if a == "-m" {
            let module = argv.get(i + 1)?;
            return is_pip(&module.value).then_some(i + 2);
        }
        if let Some(module) = a.strip_prefix("-m") {
            return is_pip(module).then_some(i + 1);
        }
        if !a.starts_with('-') || a == "-c" || a == "-" {
            // A script, `-c code` or standard input: not `-m pip`.
            return None;
        }
        i += if matches!(a, "-W" | "-X") { 2 } else { 1 };
    }
    None
}

/// For `php composer.phar …`, the index of the first composer argument.
fn php_composer(argv: &[Word]) -> Option<usize> {
    argv.iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| !w.value.starts_with('-'))
        .filter(|(_, w)| {
            let base = w.value.rsplit('/').next().unwrap_or(&w.value);
            base == "composer" || base == "composer.phar"
        })
        .map(|(i, _)| i + 1)
}

/// Resolves each word, splitting unquoted expansions into fields as the shell does.
fn resolve_args<'a>(
    command: &CommandRef<'a>,
    words: &'a [Word],
    lookup: Lookup<'_>,
) -> Vec<Arg<'a>> {
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        if !word.has_expansion {
            out.push(Arg {
                word,
                text: word.value.clone(),
                unresolved: false,
                from_variable: false,
            });
            continue;
        }
        let r = command.resolve(word, lookup);
        if r.unresolved || !has_unquoted_expansion(word) {
            out.push(Arg {
                word,
                text: r.value,
                unresolved: r.unresolved,
                from_variable: true,
            });
            continue;
        }
        for field in r.value.split_whitespace() {
            out.push(Arg {
                word,
                text: field.to_owned(),
                unresolved: false,
                from_variable: true,
            });
        }
    }
    out
}

fn has_unquoted_expansion(word: &Word) -> bool {
    word.parts.iter().any(|p| {
        matches!(
            p,
            WordPart::Parameter(_)
                | WordPart::CommandSubstitution { .. }
                | WordPart::Arithmetic { .. }
        )
    })
}

fn split_options(args: &[Arg<'_>], takes_value: &[&str]) -> (Vec<OptionArg>, Vec<usize>) {
    let split = estiba_shell::split_args(args, takes_value);
    let options = split
        .options
        .iter()
        .map(|o| OptionArg {
            name: o.name.clone(),
            index: o.index,
            value: o.value.map(str::to_owned),
        })
        .collect();
    let operands = split.positionals.iter().map(|p| p.index).collect();
    (options, operands)
}

/// Go's flag syntax: one or two dashes, `-name=value` or `-name value` for flags that take
/// a value, no clusters; options may follow the sub-command.
fn split_go_flags(args: &[Arg<'_>]) -> (Vec<OptionArg>, Vec<usize>) {
    const TAKES_VALUE: &[&str] = &[
        "o",
        "p",
        "C",
        "tags",
        "ldflags",
        "gcflags",
        "asmflags",
        "gccgoflags",
        "mod",
        "modfile",
        "pkgdir",
        "toolexec",
        "overlay",
        "pgo",
        "buildmode",
        "compiler",
        "installsuffix",
        "covermode",
        "coverpkg",
        "exec",
        "run",
    ];
    let mut options = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while let Some(arg) = args.get(i) {
        let text = arg.text.as_str();
        if only_operands || !text.starts_with('-') || text == "-" {
            operands.push(i);
            i += 1;
            continue;
        }
        if text == "--" {
            only_operands = true;
            i += 1;
            continue;
        }
        let bare = text.trim_start_matches('-');
        let (name, attached) = match bare.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (bare, None),
        };
        let index = i;
        let value = match attached {
            Some(v) => Some(v),
            None if TAKES_VALUE.contains(&name) => {
                i += 1;
                args.get(i).map(|a| a.text.clone())
            }
            None => None,
        };
        options.push(OptionArg {
            name: format!("-{name}"),
            index,
            value,
        });
        i += 1;
    }
    (options, operands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(script: &str) -> Option<(Tool, Option<String>, Vec<String>)> {
        let parsed = estiba_shell::parse(script);
        let commands: Vec<_> = parsed.commands().collect();
        let lookup = |name: &str| (name == "PKGS").then(|| "curl git".to_owned());
        let inv = invocations(&commands, &lookup).into_iter().next()?;
        let packages = inv.operands_from(1).map(|a| a.text.clone()).collect();
        Some((inv.tool, inv.subcommand().map(str::to_owned), packages))
    }

    #[test]
    fn recognises_wrapped_and_python_pip() {
        let (tool, sub, pkgs) = first("sudo -E python3.11 -m pip install -U flask==3").unwrap();
        assert_eq!((tool, sub.as_deref()), (Tool::Pip, Some("install")));
        assert_eq!(pkgs, ["flask==3"]);
        let (tool, _, pkgs) =
            first("sh -c 'DEBIAN_FRONTEND=noninteractive apt-get -qq -o A=b install x'").unwrap();
        assert_eq!((tool, pkgs), (Tool::AptGet, vec!["x".to_owned()]));
        assert_eq!(
            first("/usr/local/bin/pip3.12 install a").unwrap().0,
            Tool::Pip
        );
        assert!(first("pipx install black").is_none());
        assert!(first("python3 script.py -m pip").is_none());
    }

    #[test]
    fn splits_resolved_variables_into_fields() {
        let (_, _, pkgs) = first("apt-get install -y $PKGS \"$PKGS\"").unwrap();
        assert_eq!(pkgs, ["curl", "git", "curl git"]);
    }

    #[test]
    fn option_values_are_not_operands() {
        let (_, sub, pkgs) = first("apk add --virtual .deps -X http://r gcc").unwrap();
        assert_eq!(
            (sub.as_deref(), pkgs),
            (Some("add"), vec!["gcc".to_owned()])
        );
        let (_, sub, pkgs) =
            first("go install -ldflags '-s -w' -o /bin/x example.com/x@v1").unwrap();
        assert_eq!(
            (sub.as_deref(), pkgs),
            (Some("install"), vec!["example.com/x@v1".to_owned()])
        );
        let (_, sub, pkgs) = first("php /usr/bin/composer.phar install --no-dev").unwrap();
        assert_eq!((sub.as_deref(), pkgs.len()), (Some("install"), 0));
    }
}

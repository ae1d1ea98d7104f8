use estiba_dockerfile::expand::Lookup;
use estiba_dockerfile::{Instruction, Keyword, TextRange};
use estiba_shell::{CommandRef, Word, WordPart};

use super::helpers::{
    CommandText, decorate, noun_of_match, reportable, scan, severity_of, severity_overridden,
};
use crate::checker::{Checker, RunScript, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks `RUN` instructions for literal credentials: passwords given to commands
    /// (`curl -u user:pass`, `mysql -pS3cret`, `docker login -p …`, `sshpass -p`,
    /// `htpasswd -b`, `echo user:pass | chpasswd`, debconf password answers), passwords
    /// and tokens in URLs (`git clone https://user:token@…`), npm, netrc and HTTP
    /// `Authorization` credentials written by the script, known token and key formats
    /// anywhere in the command line or its heredocs, and literal values assigned to
    /// secret-named variables (`export API_KEY=…`).
    ///
    /// Shell form, heredoc scripts, exec form, `ONBUILD RUN` and `RUN`s run by PowerShell
    /// are all checked. A value that is a variable (`curl -u "$USER:$PASS"`) is fine when the
    /// variable comes from a build argument or a secret; when the variable's value is a
    /// literal written in this Dockerfile (an `ARG` default, an `ENV`, an assignment
    /// earlier in the script) under a name that does not say it is a secret, the command
    /// is reported here, since nothing else reports that value. A variable whose own name
    /// and value are reported by `secret-in-env`, `secret-in-arg` or this rule is not
    /// reported a second time.
    ///
    /// ## Why is this bad?
    /// BuildKit records every `RUN` command line in the image history, which
    /// `docker history --no-trunc` shows to anyone who can pull the image, even when a
    /// later step deletes the file the command wrote. The Dockerfile itself, usually in
    /// version control, holds the credential too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache git \
    ///  && git clone https://ci-bot:a-literal-password@git.example.com/app.git /src
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN apk add --no-cache git
    /// RUN --mount=type=secret,id=git_credentials,target=/root/.git-credentials \
    ///     git -c credential.helper=store clone https://git.example.com/app.git /src
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub(crate) struct SecretInRun {
        code: "DF404",
        name: "secret-in-run",
        title: "Literal credential in a `RUN` command",
        severity: High,
        practice: P6,
        references: [cis("4.10")],
        fix: None,
        remediation: "Remove the credential from the Dockerfile, rotate it, and mount it for the one command that needs it with `RUN --mount=type=secret,id=…`.",
    }
}

impl Check for SecretInRun {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for (index, instruction) in cx.instructions() {
            let (run, onbuild) = match instruction.keyword {
                Keyword::Run => (instruction, false),
                Keyword::Onbuild => match instruction.onbuild_trigger() {
                    Some(trigger) if trigger.keyword == Keyword::Run => (trigger, true),
                    _ => continue,
                },
                _ => continue,
            };
            let Some(text) = CommandText::of(run) else {
                continue;
            };
            let keyword = if onbuild { "`ONBUILD RUN`" } else { "`RUN`" };
            // The checker's parse of the same script, for command names and variables; it
            // has none for exec form, PowerShell and non-shell shebang scripts.
            let script = if onbuild { None } else { cx.run_script(index) };
            let mut reported: Vec<TextRange> = Vec::new();
            for m in scan(text.text()) {
                let range = text.file_range(m.range.clone(), run.range);
                if reported.contains(&range) {
                    continue;
                }
                reported.push(range);
                let command = script.and_then(|s| command_at(s, m.range.start));
                let message = match command {
                    Some(name) => {
                        format!("{keyword} command `{name}` contains {}", noun_of_match(&m))
                    }
                    None => format!("{keyword} contains {}", noun_of_match(&m)),
                };
                let finding = out.report(range, message);
                decorate(
                    finding,
                    overridden,
                    severity_of(m.kind, m.confidence),
                    m.kind,
                    &m.redacted,
                );
            }
            if let Some(script) = script.filter(|s| s.text().contains('$')) {
                check_variables(cx, index, run, script, &mut reported, overridden, out);
            }
        }
    }
}

/// The name of the innermost command whose text holds script offset `at`.
fn command_at(script: &RunScript, at: usize) -> Option<String> {
    script
        .script
        .commands()
        .filter(|c| {
            let r = c.range();
            r.start <= at && at < r.end
        })
        .min_by_key(|c| c.range().len())
        .and_then(|c| c.name().map(str::to_owned))
}

/// Credentials that only appear once variables are substituted: `mysql -p"$P"` after
/// `ARG P=<literal>`. Each command whose words use variables is rebuilt from the values
/// the build would see (script assignments first, then `ARG`/`ENV`); words that depend on
/// anything unknown stay as written, so they are never guessed.
fn check_variables(
    cx: &Checker<'_>,
    index: usize,
    run: &Instruction,
    script: &RunScript,
    reported: &mut Vec<TextRange>,
    overridden: bool,
    out: &mut Sink<'_>,
) {
    let scope = cx.semantic.scope(index);
    let lookup = |name: &str| scope.get(name).map(str::to_owned);
    for cmd in script.script.commands() {
        let argv = cmd.argv();
        if !argv.iter().any(|w| w.has_expansion) {
            continue;
        }
        // Each word's range in the rebuilt line, and whether a variable gave it its value.
        let mut line = String::new();
        let mut words: Vec<(std::ops::Range<usize>, &Word, bool)> = Vec::with_capacity(argv.len());
        for word in argv {
            if !line.is_empty() {
                line.push(' ');
            }
            let start = line.len();
            let resolved = word
                .has_expansion
                .then(|| cmd.resolve(word, &lookup))
                .filter(|r| !r.unresolved);
            match &resolved {
                Some(r) => line.push_str(&r.value),
                None => line.push_str(&word.raw),
            }
            words.push((start..line.len(), word, resolved.is_some()));
        }
        for m in scan(&line) {
            let Some((_, word, _)) = words.iter().find(|(r, _, substituted)| {
                *substituted && r.start <= m.range.start && m.range.start < r.end
            }) else {
                continue;
            };
            let secret = line.get(m.range.clone()).unwrap_or("");
            let Some(variable) = literal_source(&cmd, word, secret, &lookup) else {
                continue;
            };
            let range = script.file_range(word.range.into(), run);
            if reported.contains(&range) {
                continue;
            }
            reported.push(range);
            let message = format!(
                "`{}` is given {} through `${variable}`, whose value is written in this Dockerfile",
                cmd.name().unwrap_or("command"),
                noun_of_match(&m)
            );
            let finding = out.report(range, message);
            decorate(
                finding,
                overridden,
                severity_of(m.kind, m.confidence),
                m.kind,
                &m.redacted,
            );
        }
    }
}

/// The variable of `word` whose value holds `secret`, unless that variable is itself
/// reported where it is set (its name and value make a secret by themselves, so
/// `secret-in-env`, `secret-in-arg` or the scan of the script's own assignment has it).
fn literal_source(
    cmd: &CommandRef<'_>,
    word: &Word,
    secret: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut names = Vec::new();
    parameter_names(&word.parts, &mut names);
    names.into_iter().find_map(|name| {
        let value = cmd.variable(&name, lookup)?;
        let holds =
            !value.is_empty() && (value.contains(secret) || secret.contains(value.as_str()));
        if !holds {
            return None;
        }
        let reported = estiba_secrets::judge_assignment(&name, &value)
            .is_some_and(|f| reportable(f.confidence));
        // The first variable holding the secret decides: a reported one ends the search.
        Some((!reported).then_some(name))
    })?
}

fn parameter_names(parts: &[WordPart], out: &mut Vec<String>) {
    for part in parts {
        match part {
            WordPart::Parameter(p) => {
                if !out.contains(&p.name) {
                    out.push(p.name.clone());
                }
                parameter_names(&p.argument, out);
            }
            WordPart::DoubleQuoted { parts, .. } => parameter_names(parts, out),
            _ => {}
        }
    }
}

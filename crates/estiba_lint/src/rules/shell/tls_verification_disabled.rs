use estiba_dockerfile::InstructionKind;
use estiba_shell::{CommandRef, TextRange, Word, WrapperKind, split_args};

use super::helpers::{CURL_OPTIONS_WITH_VALUE, applet, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for downloads and package installs whose TLS certificate or signature check
    /// is switched off, in every stage (what a builder stage downloads ends up in what it
    /// builds):
    /// * `curl -k`/`--insecure`, `wget --no-check-certificate`;
    /// * `pip --trusted-host`, `npm`/`yarn` `strict-ssl false`, `git -c http.sslVerify=false`
    ///   and `git config http.sslVerify false`, `conda config --set ssl_verify false`,
    ///   `composer config disable-tls true`;
    /// * `apk add --allow-untrusted`, `apt-get --allow-unauthenticated`/`--force-yes`/
    ///   `-o Acquire::https::Verify-Peer=false`, `[trusted=yes]` APT sources,
    ///   `yum`/`dnf --nogpgcheck`, `gpgcheck=0` repository files, `rpm --nosignature`/
    ///   `--nodigest`, `zypper --no-gpg-checks`;
    /// * environment that turns checks off, in `ENV`, `ARG` or the script:
    ///   `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`,
    ///   `PIP_TRUSTED_HOST`, `NPM_CONFIG_STRICT_SSL=false`, `GOSUMDB=off`, `GOINSECURE`.
    ///
    /// Not reported: a `[trusted=yes]` source on a local `file:` repository, which holds
    /// packages the build made itself, and `apk index --allow-untrusted`, which indexes
    /// local packages without installing anything.
    ///
    /// ## Why is this bad?
    /// Certificates and package signatures are what tie a download to its publisher.
    /// Without them anyone on the network path — a proxy, a compromised mirror, a hostile
    /// Wi-Fi — can hand the build whatever code they like, and it is installed as root and
    /// shipped. Fix the cause instead: install the CA certificates (`ca-certificates`),
    /// add the company CA to the trust store, or import the repository's signing key.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl \
    ///  && curl -kfsSLo /usr/local/bin/tool https://example.com/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache ca-certificates curl \
    ///  && curl -fsSLo /usr/local/bin/tool https://example.com/tool
    /// ```
    pub(crate) struct TlsVerificationDisabled {
        code: "SH113",
        name: "tls-verification-disabled",
        title: "TLS or signature verification is disabled",
        severity: High,
        practice: P1,
        references: [],
        fix: None,
        remediation: "Keep certificate and signature checks on: install `ca-certificates`, add your CA to the trust store, or import the repository's signing key.",
    }
}

impl Check for TlsVerificationDisabled {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            let mut found: Vec<(TextRange, String)> = Vec::new();
            for cmd in run.commands() {
                check_command(&cmd, &mut found);
                check_environment(&cmd, &mut found);
                check_written_text(&cmd, &mut found);
            }
            found.sort_by_key(|(r, _)| (r.start, r.end));
            found.dedup_by_key(|(r, _)| (r.start, r.end));
            for (range, message) in found {
                out.report(run.file_range(range), message);
            }
        }
        check_instructions(cx, out);
    }
}

fn check_instructions(cx: &Checker<'_>, out: &mut Sink<'_>) {
    for (index, instruction) in cx.instructions() {
        match &instruction.kind {
            InstructionKind::Env(pairs) => {
                for pair in pairs {
                    let value = cx.semantic.expand(index, &pair.value);
                    if let Some(why) = insecure_variable(&pair.key.value, &value.value) {
                        out.report(pair.key.range, format!("`ENV {}`: {why}", pair.key.value));
                    }
                }
            }
            InstructionKind::Arg(decls) => {
                for decl in decls {
                    let Some(default) = &decl.default else {
                        continue;
                    };
                    let value = cx.semantic.expand(index, default);
                    if let Some(why) = insecure_variable(&decl.name.value, &value.value) {
                        out.report(decl.name.range, format!("`ARG {}`: {why}", decl.name.value));
                    }
                }
            }
            _ => {}
        }
    }
}

/// What an environment variable set to `value` turns off, if anything.
fn insecure_variable(name: &str, value: &str) -> Option<&'static str> {
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let off = matches!(value.as_str(), "0" | "false" | "no" | "off");
    match name.to_ascii_uppercase().as_str() {
        // git only checks whether the variable exists.
        "GIT_SSL_NO_VERIFY" => Some("git does not verify TLS certificates"),
        "NODE_TLS_REJECT_UNAUTHORIZED" if value == "0" => {
            Some("Node.js accepts any TLS certificate")
        }
        "PYTHONHTTPSVERIFY" if value == "0" => Some("Python does not verify HTTPS certificates"),
        "PIP_TRUSTED_HOST" if !value.is_empty() => {
            Some("pip does not verify the TLS certificates of these hosts")
        }
        "NPM_CONFIG_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL" | "YARN_STRICT_SSL" if off => {
            Some("the package manager does not verify TLS certificates")
        }
        "GOSUMDB" if value == "off" => {
            Some("Go does not verify modules against the checksum database")
        }
        "GOINSECURE" if !value.is_empty() => {
            Some("Go fetches these modules without TLS verification")
        }
        "GOFLAGS" if value.split_whitespace().any(|f| f == "-insecure") => {
            Some("Go fetches modules without TLS verification")
        }
        _ => None,
    }
}

/// Variables set for a command or by the script: `X=1 cmd`, `X=1`, `export X=1`, `env X=1 cmd`.
fn check_environment(cmd: &CommandRef<'_>, found: &mut Vec<(TextRange, String)>) {
    for a in cmd.assignments() {
        if let estiba_shell::AssignmentValue::Scalar(w) = &a.value
            && let Some(why) = insecure_variable(&a.name, &w.value)
        {
            found.push((a.range, format!("`{}`: {why}", a.name)));
        }
    }
    let mut words: Vec<&Word> = cmd
        .wrappers()
        .iter()
        .filter(|w| w.kind == WrapperKind::Env)
        .flat_map(|w| w.words.iter())
        .collect();
    if matches!(cmd.name(), Some("export" | "declare" | "typeset" | "env")) {
        words.extend(cmd.args());
    }
    for w in words {
        let Some((name, value)) = w.value.split_once('=') else {
            continue;
        };
        if let Some(why) = insecure_variable(name, value) {
            found.push((w.range, format!("`{name}`: {why}")));
        }
    }
}

fn report_options(
    args: &[Word],
    takes_value: &[&str],
    names: &[&str],
    message: &dyn Fn(&str) -> String,
    found: &mut Vec<(TextRange, String)>,
) {
    let split = split_args(args, takes_value);
    for opt in &split.options {
        if names.contains(&opt.name.as_str())
            && let Some(word) = args.get(opt.index)
        {
            found.push((word.range, message(&opt.name)));
        }
    }
}

fn check_command(cmd: &CommandRef<'_>, found: &mut Vec<(TextRange, String)>) {
    let Some((name, args)) = applet(cmd) else {
        return;
    };
    let lowered: Vec<String> = args.iter().map(|w| w.value.to_ascii_lowercase()).collect();
    match name {
        "curl" => report_options(
            args,
            CURL_OPTIONS_WITH_VALUE,
            &["-k", "--insecure", "--proxy-insecure", "--doh-insecure"],
            &|o| format!("`curl {o}` accepts any TLS certificate"),
            found,
        ),
        "wget" => {
            report_options(
                args,
                &["-O", "-o", "-a", "-P", "-e", "--execute"],
                &["--no-check-certificate"],
                &|_| "`wget --no-check-certificate` accepts any TLS certificate".to_owned(),
                found,
            );
            for (w, l) in args.iter().zip(&lowered) {
                if compact(l).contains("check_certificate=off") {
                    found.push((
                        w.range,
                        "`wget` is told not to check TLS certificates".to_owned(),
                    ));
                }
            }
        }
        "aria2c" => {
            for (w, l) in args.iter().zip(&lowered) {
                if l == "--check-certificate=false" {
                    found.push((
                        w.range,
                        "`aria2c --check-certificate=false` accepts any TLS certificate".to_owned(),
                    ));
                }
            }
        }
        "apk" => {
            let takes_value = &[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "-o",
                "--output",
            ];
            // `apk index --allow-untrusted` indexes local packages; it installs nothing.
            let sub = split_args(args, takes_value)
                .positionals
                .first()
                .map(|p| p.value);
            if !matches!(sub, Some("index" | "verify" | "manifest")) {
                report_options(
                    args,
                    takes_value,
                    &["--allow-untrusted"],
                    &|_| {
                        "`apk --allow-untrusted` installs packages without a trusted signature"
                            .to_owned()
                    },
                    found,
                );
            }
        }
        "apt-get" | "apt" | "aptitude" => check_apt(args, &lowered, found),
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" | "yum-config-manager"
        | "dnf-config-manager" => {
            for (w, l) in args.iter().zip(&lowered) {
                if l == "--nogpgcheck" || l == "--no-gpgchecks" {
                    found.push((
                        w.range,
                        format!("`{name} {l}` installs packages without checking their signatures"),
                    ));
                } else if l.starts_with("--setopt")
                    && (disables(l, "gpgcheck") || disables(l, "sslverify"))
                {
                    found.push((
                        w.range,
                        format!("`{name} {}` turns off signature or TLS checks", w.value),
                    ));
                }
            }
        }
        "rpm" => {
            for (w, l) in args.iter().zip(&lowered) {
                if matches!(l.as_str(), "--nosignature" | "--nodigest" | "--nosig") {
                    found.push((
                        w.range,
                        format!("`rpm {l}` installs packages without checking them"),
                    ));
                }
            }
        }
        "zypper" => {
            for (w, l) in args.iter().zip(&lowered) {
                if l == "--no-gpg-checks" {
                    found.push((w.range, "`zypper --no-gpg-checks` installs packages without checking their signatures".to_owned()));
                }
            }
        }
        "git" => check_git(args, &lowered, found),
        "conda" | "mamba" | "micromamba" => {
            if let Some(at) = lowered.iter().position(|l| l == "--set")
                && lowered.get(at + 1).is_some_and(|k| k == "ssl_verify")
                && lowered.get(at + 2).is_some_and(|v| is_false(v))
                && let Some(w) = args.get(at + 1)
            {
                found.push((
                    w.range,
                    format!("`{name} config --set ssl_verify` turns off TLS verification"),
                ));
            }
        }
        "composer" => {
            let positional: Vec<(usize, &String)> = lowered
                .iter()
                .enumerate()
                .filter(|(_, l)| !l.starts_with('-'))
                .collect();
            if let [(_, cfg), (k, key), (_, value), ..] = positional.as_slice()
                && *cfg == "config"
                && ((*key == "disable-tls" && is_true(value))
                    || (*key == "secure-http" && is_false(value)))
                && let Some(w) = args.get(*k)
            {
                found.push((
                    w.range,
                    format!("`composer config {key}` allows downloads without TLS"),
                ));
            }
        }
        _ => {}
    }
    if name.starts_with("pip") || is_python_pip(name, &lowered) {
        check_pip(args, &lowered, found);
    }
    if matches!(name, "npm" | "yarn" | "pnpm") {
        check_npm(name, args, &lowered, found);
    }
}

fn is_python_pip(name: &str, lowered: &[String]) -> bool {
    name.starts_with("python")
        && lowered.first().is_some_and(|a| a == "-m")
        && lowered.get(1).is_some_and(|m| m.starts_with("pip"))
}

fn check_apt(args: &[Word], lowered: &[String], found: &mut Vec<(TextRange, String)>) {
    for (i, (w, l)) in args.iter().zip(lowered).enumerate() {
        if matches!(
            l.as_str(),
            "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes"
        ) {
            found.push((
                w.range,
                format!("`{l}` lets APT install packages it cannot authenticate"),
            ));
            continue;
        }
        // `-o Name=value`, `-oName=value`, `--option=Name=value`.
        let option = if l == "-o" || l == "--option" {
            lowered.get(i + 1).map(|v| (v.as_str(), args.get(i + 1)))
        } else {
            l.strip_prefix("-o")
                .or_else(|| l.strip_prefix("--option="))
                .map(|v| (v, Some(w)))
        };
        let Some((setting, Some(word))) = option else {
            continue;
        };
        let Some((key, value)) = setting.split_once('=') else {
            continue;
        };
        let insecure = (key.ends_with("::verify-peer") || key.ends_with("::verify-host"))
            && is_false(value)
            || matches!(
                key,
                "apt::get::allowunauthenticated"
                    | "acquire::allowinsecurerepositories"
                    | "acquire::allowdowngradetoinsecurerepositories"
            ) && is_true(value);
        if insecure {
            found.push((
                word.range,
                format!(
                    "`{}` turns off APT's certificate or signature checks",
                    word.value
                ),
            ));
        }
    }
}

fn check_git(args: &[Word], lowered: &[String], found: &mut Vec<(TextRange, String)>) {
    let is_ssl_verify = |key: &str| key.starts_with("http.") && key.ends_with(".sslverify");
    for (i, (w, l)) in args.iter().zip(lowered).enumerate() {
        // `git -c http.sslVerify=false clone …`
        if l == "-c"
            && let Some(setting) = lowered.get(i + 1)
            && let Some((key, value)) = setting.split_once('=')
            && is_ssl_verify(key)
            && is_false(value)
        {
            let word = args.get(i + 1).unwrap_or(w);
            found.push((
                word.range,
                "`git -c http.sslVerify=false` accepts any TLS certificate".to_owned(),
            ));
        }
    }
    // `git config [--global] http.sslVerify false`
    let positional: Vec<usize> = (0..lowered.len())
        .filter(|&i| !lowered[i].starts_with('-'))
        .collect();
    if let [c, k, v, ..] = positional.as_slice()
        && lowered[*c] == "config"
        && is_ssl_verify(&lowered[*k])
        && is_false(&lowered[*v])
        && let Some(word) = args.get(*k)
    {
        found.push((
            word.range,
            "`git config http.sslVerify false` accepts any TLS certificate".to_owned(),
        ));
    }
}

fn check_pip(args: &[Word], lowered: &[String], found: &mut Vec<(TextRange, String)>) {
    for (i, (w, l)) in args.iter().zip(lowered).enumerate() {
        if l == "--trusted-host" || l.starts_with("--trusted-host=") {
            found.push((
                w.range,
                "`pip --trusted-host` accepts any TLS certificate from that host".to_owned(),
            ));
        }
        if l == "set"
            && lowered
                .get(i + 1)
                .is_some_and(|k| k.ends_with(".trusted-host"))
            && let Some(word) = args.get(i + 1)
        {
            found.push((
                word.range,
                "`pip config set …trusted-host` accepts any TLS certificate from that host"
                    .to_owned(),
            ));
        }
    }
}

fn check_npm(name: &str, args: &[Word], lowered: &[String], found: &mut Vec<(TextRange, String)>) {
    for (i, (w, l)) in args.iter().zip(lowered).enumerate() {
        let key_value = if let Some(v) = l.strip_prefix("--strict-ssl=") {
            Some(v)
        } else if l == "--strict-ssl" || l == "strict-ssl" || l == "enablestrictssl" {
            lowered.get(i + 1).map(String::as_str)
        } else {
            l.strip_prefix("strict-ssl=")
        };
        if key_value.is_some_and(is_false) {
            found.push((
                w.range,
                format!("`{name}` is told not to verify TLS certificates (`strict-ssl false`)"),
            ));
        }
    }
}

/// Text a command writes into configuration files: `echo`/`printf` arguments, here-documents
/// and here-strings. Catches `[trusted=yes]` APT sources, `gpgcheck=0` repositories,
/// `strict-ssl=false` in `.npmrc`, `sslVerify = false` in `.gitconfig`.
fn check_written_text(cmd: &CommandRef<'_>, found: &mut Vec<(TextRange, String)>) {
    let mut texts: Vec<(&str, TextRange)> = Vec::new();
    if matches!(cmd.name(), Some("echo" | "printf")) {
        texts.extend(cmd.args().iter().map(|w| (w.value.as_str(), w.range)));
    }
    for r in cmd.redirects() {
        if let Some(h) = &r.heredoc {
            texts.push((h.body.as_str(), h.body_range));
        } else if r.op == estiba_shell::RedirectOp::HereString {
            texts.push((r.target.value.as_str(), r.target.range));
        }
    }
    for (text, range) in texts {
        if let Some(why) = insecure_text(text) {
            found.push((range, why.to_owned()));
        }
    }
}

fn insecure_text(text: &str) -> Option<&'static str> {
    let lowered = text.to_ascii_lowercase();
    // A `file:` repository holds packages the build made itself.
    if lowered.contains("deb")
        && compact(&lowered).contains("trusted=yes")
        && !lowered.contains("file:")
        && !lowered.contains("copy:")
    {
        return Some(
            "an APT source marked `[trusted=yes]` is installed from without signature checks",
        );
    }
    for line in lowered.split(['\n', ';']).flat_map(|l| l.split("\\n")) {
        let line = compact(line);
        if line.starts_with("gpgcheck=") && is_false(&line["gpgcheck=".len()..]) {
            return Some(
                "a repository with `gpgcheck=0` is installed from without signature checks",
            );
        }
        if line.starts_with("sslverify=") && is_false(&line["sslverify=".len()..]) {
            return Some("TLS verification is turned off in a configuration file (`sslverify`)");
        }
        if line.starts_with("strict-ssl=") && is_false(&line["strict-ssl=".len()..]) {
            return Some("`strict-ssl=false` turns off TLS verification for npm");
        }
        if line.starts_with("check_certificate=") && is_false(&line["check_certificate=".len()..]) {
            return Some("`check_certificate = off` turns off TLS verification for wget");
        }
    }
    None
}

/// The text without blanks, so `sslVerify = false` and `sslverify=false` read the same.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn disables(setting: &str, key: &str) -> bool {
    let setting = compact(setting);
    setting
        .split_once(&format!("{key}="))
        .is_some_and(|(before, value)| !before.ends_with('_') && is_false(value))
}

fn is_false(value: &str) -> bool {
    matches!(
        value.trim().trim_matches(['"', '\'']),
        "0" | "false" | "no" | "off"
    )
}

fn is_true(value: &str) -> bool {
    matches!(
        value.trim().trim_matches(['"', '\'']),
        "1" | "true" | "yes" | "on"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_text() {
        assert!(insecure_text("deb [trusted=yes] http://repo.example.com/ stable main").is_some());
        assert!(insecure_text("[repo]\nbaseurl=http://x\ngpgcheck=0\n").is_some());
        assert!(insecure_text("[repo]\ngpgcheck=1\nrepo_gpgcheck=0\n").is_none());
        assert!(insecure_text("[http]\n\tsslVerify = false\n").is_some());
        assert!(insecure_text("hello").is_none());
        assert!(insecure_text("deb [ trusted=yes ] file://$tempDir ./").is_none());
    }

    #[test]
    fn variables() {
        assert!(insecure_variable("GIT_SSL_NO_VERIFY", "1").is_some());
        assert!(insecure_variable("NODE_TLS_REJECT_UNAUTHORIZED", "1").is_none());
        assert!(insecure_variable("NODE_TLS_REJECT_UNAUTHORIZED", "0").is_some());
        assert!(insecure_variable("GOSUMDB", "sum.golang.org").is_none());
    }
}

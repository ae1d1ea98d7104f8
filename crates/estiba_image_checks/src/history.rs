//! Reads the build steps an image's history records (`created_by`), in the forms the
//! builders write them:
//!
//! * classic builder: `/bin/sh -c #(nop)  ENV …`, `/bin/sh -c #(nop) ADD file:… in /dst `
//!   for instructions that run nothing, `/bin/sh -c apt-get update` for `RUN`, and
//!   `|2 KEY=value OTHER=value /bin/sh -c make` when build arguments were in scope;
//! * BuildKit: `RUN /bin/sh -c apt-get update # buildkit`, `RUN |1 KEY=value /bin/sh -c …
//!   # buildkit`, `ADD https://… /dst # buildkit`, `ENV …`;
//! * both with the shell `SHELL` set (`/bin/bash -o pipefail -c …`), and exec-form `RUN`
//!   recorded as its arguments joined by spaces.

/// One recorded build step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// A `RUN`: the script a POSIX shell ran, or for exec form the arguments joined by
    /// spaces (read as a one-command script). `None` when a non-POSIX shell ran it
    /// (`cmd /S /C`, PowerShell).
    Run(Option<&'a str>),
    /// An `ADD`: its sources and destination as recorded, flags left out.
    Add {
        sources: Vec<&'a str>,
        dest: &'a str,
        /// The classic builder's form (`ADD <hash> in <dest>`), whose sources are content
        /// hashes rather than what the Dockerfile named.
        classic: bool,
    },
    /// Anything else (`ENV`, `COPY`, `LABEL`, an import, an empty step).
    Other,
}

/// Shells whose `-c` script is POSIX shell.
fn is_posix_shell(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(
        name,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// Where the script starts if `text` begins with a shell invocation (`/bin/sh -c `,
/// `/bin/bash -o pipefail -c `, `busybox sh -c `), with `Some(None)` for a shell
/// that is not POSIX (`cmd /S /C`, `powershell -Command`).
fn after_shell(text: &str) -> Option<Option<usize>> {
    let mut tokens = text.split(' ');
    let program = tokens.next()?;
    let lower = program.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if matches!(
        base,
        "cmd" | "cmd.exe" | "powershell" | "powershell.exe" | "pwsh" | "pwsh.exe"
    ) {
        return Some(None);
    }
    if !is_posix_shell(program) {
        return None;
    }
    let mut at = program.len() + 1;
    let mut expect_value = false;
    if base == "busybox" {
        let applet = tokens.next()?;
        if !is_posix_shell(applet) || applet == "busybox" {
            return None;
        }
        at += applet.len() + 1;
    }
    for token in tokens {
        at += token.len() + 1;
        if expect_value {
            expect_value = false;
            continue;
        }
        // A word that is no option: the shell runs a script file, not `-c`.
        let cluster = token
            .strip_prefix('-')
            .or_else(|| token.strip_prefix('+'))?;
        if cluster.starts_with('-') {
            continue;
        }
        if cluster.contains('c') {
            return Some(Some(at.min(text.len())));
        }
        // `-o pipefail`: the option's value is the next word.
        expect_value = cluster.ends_with('o');
    }
    None
}

/// The script of a `RUN` as recorded after its instruction keyword (BuildKit) or as the
/// whole entry (classic builder): `|N KEY=value …` build arguments, then a shell and
/// `-c`, then the script.
fn run_script(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    if let Some(after_bar) = rest.strip_prefix('|') {
        let digits = after_bar
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after_bar.len());
        let count: usize = after_bar.get(..digits)?.parse().ok()?;
        rest = after_bar.get(digits..)?.trim_start();
        // Values are written unquoted and may hold spaces: skip `count` words, then, if
        // no shell starts there, the first later word that starts one.
        let mut words_skipped = 0;
        let mut at = 0;
        while words_skipped < count {
            match rest.get(at..).and_then(|r| r.find(' ')) {
                Some(space) => at += space + 1,
                None => return None,
            }
            words_skipped += 1;
        }
        let mut start = at;
        loop {
            let candidate = rest.get(start..)?;
            if after_shell(candidate).is_some() {
                rest = candidate;
                break;
            }
            match candidate.find(' ') {
                Some(space) => start += space + 1,
                None => {
                    rest = rest.get(at..)?;
                    break;
                }
            }
        }
    }
    match after_shell(rest) {
        Some(Some(script)) => rest.get(script..),
        Some(None) => None,
        None => Some(rest),
    }
}

/// Reads one `created_by`.
pub(crate) fn parse(created_by: &str) -> Step<'_> {
    let text = created_by.trim();
    let (text, buildkit) = match text.strip_suffix("# buildkit") {
        Some(stripped) => (stripped.trim_end(), true),
        None => (text, false),
    };
    // The classic builder's record of an instruction that runs nothing.
    if let Some(nop) = text.find("#(nop) ") {
        let before = text.get(..nop).unwrap_or("").trim_end();
        // Only right after the shell's `-c`: a script may print `#(nop) ` itself.
        if before.is_empty() || after_shell(before) == Some(Some(before.len())) {
            let instruction = text.get(nop + "#(nop) ".len()..).unwrap_or("").trim();
            return instruction_step(instruction, true);
        }
    }
    let (keyword, rest) = text.split_once(' ').unwrap_or((text, ""));
    if keyword == "RUN" && (buildkit || rest.starts_with('|') || after_shell(rest).is_some()) {
        return Step::Run(run_script(rest));
    }
    if buildkit || is_keyword(keyword) {
        return instruction_step(text, false);
    }
    // The classic builder records `RUN` as the command it ran.
    if text.is_empty() {
        return Step::Other;
    }
    Step::Run(run_script(text))
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "ADD"
            | "ARG"
            | "CMD"
            | "COPY"
            | "ENTRYPOINT"
            | "ENV"
            | "EXPOSE"
            | "HEALTHCHECK"
            | "LABEL"
            | "MAINTAINER"
            | "ONBUILD"
            | "SHELL"
            | "STOPSIGNAL"
            | "USER"
            | "VOLUME"
            | "WORKDIR"
    )
}

/// `ADD …` and the rest, as written after `#(nop)` or by BuildKit.
fn instruction_step(instruction: &str, classic: bool) -> Step<'_> {
    let Some(rest) = instruction.strip_prefix("ADD ") else {
        return Step::Other;
    };
    let words: Vec<&str> = rest
        .split(' ')
        .filter(|w| !w.is_empty() && !w.starts_with("--"))
        .collect();
    if classic {
        // `ADD <hash> in <dest> `: the destination may hold spaces.
        if let Some(in_at) = words.iter().position(|w| *w == "in") {
            let dest = rest
                .find(" in ")
                .and_then(|i| rest.get(i + 4..))
                .unwrap_or("")
                .trim();
            return Step::Add {
                sources: words[..in_at].to_vec(),
                dest,
                classic,
            };
        }
    }
    match words.split_last() {
        Some((dest, sources)) if !sources.is_empty() => Step::Add {
            sources: sources.to_vec(),
            dest,
            classic,
        },
        _ => Step::Other,
    }
}

/// What an `ADD` source fetches from the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Remote {
    /// An `http(s)://` download.
    Url,
    /// A git repository (`https://…/repo.git#ref`, `git@host:org/repo`).
    Git,
    /// A download the classic builder recorded only by the hash of its content: it
    /// prefixes the hashes of build-context files with `file:`, `dir:` or `multi:`, and
    /// writes a download's hash bare.
    UnnamedDownload,
}

/// Whether the `ADD` source `source` (as recorded) came from the network.
pub(crate) fn remote(source: &str, classic: bool) -> Option<Remote> {
    let lower = source.to_ascii_lowercase();
    let git_path = lower
        .split(['#', '?'])
        .next()
        .is_some_and(|s| s.trim_end_matches('/').ends_with(".git"));
    if lower.starts_with("git://")
        || lower.starts_with("ssh://")
        || (lower.starts_with("git@") && lower.contains(':'))
        || ((lower.starts_with("http://") || lower.starts_with("https://")) && git_path)
    {
        return Some(Remote::Git);
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(Remote::Url);
    }
    let bare_hash = source.len() == 64 && source.bytes().all(|b| b.is_ascii_hexdigit());
    (classic && bare_hash).then_some(Remote::UnnamedDownload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_builder() {
        assert_eq!(
            parse("/bin/sh -c #(nop) ADD file:94b4662772 in /root/.ssh/id_rsa "),
            Step::Add {
                sources: vec!["file:94b4662772"],
                dest: "/root/.ssh/id_rsa",
                classic: true
            }
        );
        assert_eq!(parse("/bin/sh -c #(nop)  ENV A=b"), Step::Other);
        assert_eq!(
            parse("/bin/sh -c echo '#(nop) ADD x in /y'"),
            Step::Run(Some("echo '#(nop) ADD x in /y'"))
        );
        assert_eq!(
            parse("/bin/sh -c apt-get update && curl -s x | sh"),
            Step::Run(Some("apt-get update && curl -s x | sh"))
        );
        assert_eq!(
            parse("|1 GITHUB_TOKEN=ghp_x /bin/sh -c rm /root/.ssh/id_rsa"),
            Step::Run(Some("rm /root/.ssh/id_rsa"))
        );
        // Exec form: the arguments joined.
        assert_eq!(
            parse("/bin/busybox --install -s /bin"),
            Step::Run(Some("/bin/busybox --install -s /bin"))
        );
        assert_eq!(
            parse("/bin/bash -o pipefail -c #(nop) COPY dir:ab in /app "),
            Step::Other
        );
    }

    #[test]
    fn buildkit() {
        assert_eq!(
            parse("RUN /bin/sh -c wget -qO- http://x/i | sh # buildkit"),
            Step::Run(Some("wget -qO- http://x/i | sh"))
        );
        assert_eq!(
            parse("RUN |2 A=1 B=two words /bin/bash -o pipefail -c make # buildkit"),
            Step::Run(Some("make"))
        );
        assert_eq!(
            parse("RUN |1 A=1 sh -ec make all # buildkit"),
            Step::Run(Some("make all"))
        );
        assert_eq!(
            parse("ADD --chown=1:1 https://example.com/t.tgz /opt/ # buildkit"),
            Step::Add {
                sources: vec!["https://example.com/t.tgz"],
                dest: "/opt/",
                classic: false
            }
        );
        assert_eq!(parse("RUN cmd /S /C dir # buildkit"), Step::Run(None));
        assert_eq!(parse("ENV PATH=/usr/bin"), Step::Other);
        assert_eq!(parse("WORKDIR /app"), Step::Other);
        assert_eq!(parse(""), Step::Other);
    }

    #[test]
    fn remote_sources() {
        assert_eq!(
            remote("https://example.com/a.tgz", false),
            Some(Remote::Url)
        );
        assert_eq!(
            remote("https://example.com/org/repo.git#v1", false),
            Some(Remote::Git)
        );
        assert_eq!(remote("git@example.com:org/repo", false), Some(Remote::Git));
        let hash = "94b46627720d95f0b4a8f320f973336b97efb8776828623a0e0858692e7f6090";
        assert_eq!(remote(hash, true), Some(Remote::UnnamedDownload));
        assert_eq!(remote(hash, false), None);
        assert_eq!(remote(&format!("file:{hash}"), true), None);
        assert_eq!(remote("app.tar.gz", false), None);
    }
}

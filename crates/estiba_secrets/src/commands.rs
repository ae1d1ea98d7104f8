//! Passwords in command lines that no `--password=` pattern catches: a command's own
//! short flag (`mysql -pSECRET`, `docker login -p SECRET`, `curl -u user:SECRET`,
//! `sshpass -p SECRET`, `redis-cli -a SECRET`, `htpasswd -b file user SECRET`), account
//! passwords piped to `chpasswd`, debconf preseeds (`…/root_password password SECRET`),
//! and netrc entries (`machine HOST login USER password SECRET`).
//!
//! `--password=…`, `--password …` and `NAME=…` are handled by the assignment detector;
//! `--password-stdin` reads from standard input and is fine.

use crate::engine::{Candidate, Priority, State};
use crate::kinds::{self, SecretKind};
use crate::util::{command_end, run_len, unquote_range, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// MySQL/MariaDB clients: `-p<password>`, attached only (`-p` alone prompts).
    Mysql,
    /// MongoDB tools: `-p <password>`.
    Mongo,
    /// `redis-cli -a <password>`.
    RedisCli,
    /// `sqlcmd -P <password>`.
    Sqlcmd,
    /// `sshpass -p <password>`.
    Sshpass,
    /// `docker|podman|… login -p <password>`.
    Login,
    /// `curl -u user:<password>`.
    Curl,
    /// `htpasswd -b[…] [file] user <password>`.
    Htpasswd,
}

pub(crate) const TRIGGERS: &[(&str, Command)] = &[
    ("mysql", Command::Mysql),
    ("mariadb", Command::Mysql),
    ("mongo", Command::Mongo),
    ("redis-cli", Command::RedisCli),
    ("sqlcmd", Command::Sqlcmd),
    ("sshpass", Command::Sshpass),
    ("login", Command::Login),
    ("curl", Command::Curl),
    ("htpasswd", Command::Htpasswd),
];

const MYSQL_TOOLS: &[&str] = &[
    "mariadb",
    "mariadb-admin",
    "mariadb-check",
    "mariadb-dump",
    "mariadb-import",
    "mariadb-show",
    "mariadb-slap",
    "mysql",
    "mysqladmin",
    "mysqlcheck",
    "mysqldump",
    "mysqlimport",
    "mysqlpump",
    "mysqlsh",
    "mysqlshow",
    "mysqlslap",
];
const MONGO_TOOLS: &[&str] = &[
    "mongo",
    "mongodump",
    "mongoexport",
    "mongofiles",
    "mongoimport",
    "mongorestore",
    "mongosh",
    "mongostat",
    "mongotop",
];
/// Tools with a `login` subcommand taking `-p`.
const LOGIN_TOOLS: &[&str] = &[
    "apptainer",
    "buildah",
    "crane",
    "docker",
    "helm",
    "nerdctl",
    "oras",
    "podman",
    "regctl",
    "singularity",
    "skopeo",
];

const MAX_COMMAND: usize = 2048;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The whole word around a keyword hit, if the hit starts a word (after a separator
/// or a path's `/`).
fn word_at(hay: &[u8], s: usize) -> Option<(usize, usize)> {
    if s > 0 && (is_word_byte(hay[s - 1]) || hay[s - 1] == b'.') {
        return None;
    }
    Some((s, s + run_len(hay, s, 64, is_word_byte)))
}

/// The word before position `s` (within 128 bytes) and where it starts.
fn previous_word(hay: &[u8], s: usize) -> (usize, &[u8]) {
    let from = s.saturating_sub(128);
    let trimmed = hay[from..s].trim_ascii_end();
    let start = trimmed
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || *b == b'/')
        .map_or(0, |p| p + 1);
    (from + start, &trimmed[start..])
}

/// Words that run the command after them (`sudo mysql …`, `RUN mysql …`).
const WRAPPERS: &[&str] = &[
    "!", "--", "RUN", "command", "do", "else", "env", "exec", "gosu", "nohup", "su-exec", "sudo",
    "then", "time", "xargs",
];

/// Whether the word starting at `ws` is in command position: first in its simple
/// command, possibly after a path (`/usr/bin/mysql`), wrappers, `VAR=value`s and flags,
/// or anywhere after an `exec` (`docker exec -it db mysql …`). `find /etc/mysql -print0`
/// and `service mysql start` are not MySQL clients being run.
fn in_command_position(hay: &[u8], ws: usize) -> bool {
    let from = ws.saturating_sub(128);
    let sep = |b: u8| matches!(b, b';' | b'&' | b'|' | b'(' | b'`' | b'"' | b'\'' | b'{');
    let tok_start = hay[from..ws]
        .iter()
        .rposition(|&b| b.is_ascii_whitespace() || sep(b))
        .map_or(from, |p| from + p + 1);
    let prefix = &hay[tok_start..ws];
    if !(prefix.is_empty() || prefix.ends_with(b"/")) {
        return false;
    }
    // Walk the tokens before the command word right to left, stopping at the start of
    // the simple command. A few other words are allowed only if an `exec` precedes
    // them; past that many the word is an argument (and the walk stays short).
    let mut others = 0;
    let mut i = tok_start;
    loop {
        while i > from && matches!(hay[i - 1], b' ' | b'\t' | b'\r' | b'\\') {
            i -= 1;
        }
        if i == from {
            return others == 0;
        }
        let b = hay[i - 1];
        let escaped = (i >= 2 && hay[i - 2] == b'\\')
            || (i >= 3 && hay[i - 2] == b'\r' && hay[i - 3] == b'\\');
        if sep(b) || (b == b'\n' && !escaped) {
            return others == 0;
        }
        if b == b'\n' {
            i -= 1;
            continue;
        }
        let end = i;
        while i > from && !(hay[i - 1].is_ascii_whitespace() || sep(hay[i - 1])) {
            i -= 1;
        }
        let t = &hay[i..end];
        if t == b"exec" {
            return true;
        }
        let allowed =
            t.starts_with(b"-") || t.contains(&b'=') || WRAPPERS.iter().any(|w| t == w.as_bytes());
        if !allowed {
            others += 1;
            if others > 3 {
                return false;
            }
        }
    }
}

pub(crate) fn check_command(
    hay: &[u8],
    s: usize,
    e: usize,
    cmd: Command,
    state: &mut State,
    out: &mut Vec<Candidate>,
) {
    if s < state.command_done {
        return;
    }
    let Some((ws, we)) = word_at(hay, s) else {
        return;
    };
    let word = &hay[ws..we];
    let is = |list: &[&str]| list.iter().any(|w| word == w.as_bytes());
    let ok = match cmd {
        Command::Mysql => is(MYSQL_TOOLS),
        Command::Mongo => is(MONGO_TOOLS),
        Command::Login => {
            let (at, mut prev) = previous_word(hay, ws);
            if prev == b"registry" || prev == b"auth" {
                prev = previous_word(hay, at).1;
            }
            word == b"login" && LOGIN_TOOLS.iter().any(|t| prev == t.as_bytes())
        }
        _ => we == e,
    } && (cmd == Command::Login || in_command_position(hay, ws));
    if !ok {
        return;
    }
    let end = command_end(hay, we, MAX_COMMAND);
    state.command_done = end;
    let args = words(hay, we, end);
    let arg = |i: usize| args.get(i).map(|&(a, b)| unquote_range(hay, a, b));
    let mut push = |range: (usize, usize), context: SecretKind| {
        if let Some((kind, conf)) = crate::assign::judge_secret(&hay[range.0..range.1], context) {
            out.push(Candidate::new(
                kind,
                conf,
                range.0..range.1,
                Priority::Context,
            ));
        }
    };
    // An attached short-flag value: `-pSECRET`, `-p'SECRET'`.
    let attached = |(a, b): (usize, usize), flag: &[u8]| -> Option<(usize, usize)> {
        (hay[a..b].starts_with(flag) && b - a > flag.len())
            .then(|| unquote_range(hay, a + flag.len(), b))
    };
    // A separate value: `-p SECRET` (not another option).
    let separate = |i: usize| arg(i + 1).filter(|&(a, b)| b > a && hay[a] != b'-');

    match cmd {
        Command::Htpasswd => {
            let flags: Vec<&[u8]> = args
                .iter()
                .map(|&(a, b)| &hay[a..b])
                .take_while(|w| w.starts_with(b"-"))
                .collect();
            let batch = flags
                .iter()
                .any(|f| !f.starts_with(b"--") && f.contains(&b'b'));
            let to_stdout = flags
                .iter()
                .any(|f| !f.starts_with(b"--") && f.contains(&b'n'));
            let index = flags.len() + if to_stdout { 1 } else { 2 };
            if let (true, Some(r)) = (batch, arg(index)) {
                push(r, kinds::CLI_PASSWORD);
            }
        }
        _ => {
            for (i, &(a, b)) in args.iter().enumerate() {
                let w = &hay[a..b];
                let found = match cmd {
                    Command::Mysql => attached((a, b), b"-p").filter(|_| !w.starts_with(b"--")),
                    Command::Mongo => (w == b"-p").then(|| separate(i)).flatten(),
                    Command::RedisCli => (w == b"-a").then(|| separate(i)).flatten(),
                    Command::Sqlcmd => (w == b"-P").then(|| separate(i)).flatten(),
                    Command::Sshpass | Command::Login => {
                        if w == b"-p" {
                            separate(i)
                        } else {
                            attached((a, b), b"-p").filter(|_| !w.starts_with(b"--"))
                        }
                    }
                    Command::Curl => curl_user(hay, &args, i, &arg),
                    Command::Htpasswd => None,
                };
                if let Some(r) = found {
                    push(r, kinds::CLI_PASSWORD);
                }
            }
        }
    }
}

/// `-u user:pass`, `-uuser:pass`, `--user user:pass`, `--user=user:pass`,
/// `--proxy-user …`, `-U …`: the password after the first colon (none: curl prompts).
fn curl_user(
    hay: &[u8],
    args: &[(usize, usize)],
    i: usize,
    arg: &dyn Fn(usize) -> Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    let (a, b) = args[i];
    let w = &hay[a..b];
    let value = if matches!(w, b"-u" | b"-U" | b"--user" | b"--proxy-user") {
        arg(i + 1)?
    } else if let Some(p) = [&b"--user="[..], b"--proxy-user="]
        .iter()
        .find(|p| w.starts_with(p))
    {
        unquote_range(hay, a + p.len(), b)
    } else if (w.starts_with(b"-u") || w.starts_with(b"-U")) && !w.starts_with(b"--") && w.len() > 2
    {
        unquote_range(hay, a + 2, b)
    } else {
        return None;
    };
    let colon = hay[value.0..value.1].iter().position(|&c| c == b':')?;
    let pass = (value.0 + colon + 1, value.1);
    (pass.1 > pass.0).then_some(pass)
}

/// `echo 'user:password' | chpasswd` (and `printf`): the password, unless `-e`
/// says it is already hashed.
pub(crate) fn check_chpasswd(
    hay: &[u8],
    s: usize,
    e: usize,
    state: &mut State,
) -> Option<Candidate> {
    let (ws, we) = word_at(hay, s)?;
    if we != e {
        return None;
    }
    // Look back no further than the previous chpasswd: each byte is read once.
    let floor = state.chpasswd_done.max(ws.saturating_sub(512));
    state.chpasswd_done = we;
    // The pipe right before chpasswd, then the echo/printf that feeds it.
    let line_start = hay[floor..ws]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(floor, |p| floor + p + 1);
    let pipe = hay[line_start..ws]
        .iter()
        .rposition(|&b| b == b'|')
        .map(|p| line_start + p)?;
    let seg_start = hay[line_start..pipe]
        .iter()
        .rposition(|&b| matches!(b, b';' | b'&' | b'|'))
        .map_or(line_start, |p| line_start + p + 1);
    let ws_list = words(hay, seg_start, pipe);
    let mut it = ws_list
        .iter()
        .map(|&(a, b)| (a, b))
        .skip_while(|&(a, b)| !matches!(&hay[a..b], b"echo" | b"printf"));
    it.next()?;
    let (a, b) = it.find(|&(a, _)| hay[a] != b'-')?;
    let after_end = command_end(hay, we, 256);
    let after = words(hay, we, after_end);
    if after
        .iter()
        .any(|&(a, b)| matches!(&hay[a..b], b"-e" | b"--encrypted"))
    {
        return None;
    }
    let (a, b) = unquote_range(hay, a, b);
    let pair = &hay[a..b];
    let colon = pair.iter().position(|&c| c == b':')?;
    let pass_start = a + colon + 1;
    // Several users (`a:x\nb:y`): the first password is enough to report.
    let pass_len = hay[pass_start..b]
        .windows(2)
        .position(|w| w == b"\\n")
        .unwrap_or(b - pass_start);
    let range = pass_start..pass_start + pass_len;
    let (kind, conf) = crate::assign::judge_secret(&hay[range.clone()], kinds::CHPASSWD_PASSWORD)?;
    Some(Candidate::new(kind, conf, range, Priority::Context))
}

/// `mysql-server mysql-server/root_password password SECRET | debconf-set-selections`:
/// the question is a `package/…password` template, the next word its answer.
pub(crate) fn check_debconf(hay: &[u8], s: usize, e: usize) -> Option<Candidate> {
    let floor = s.saturating_sub(256);
    let token_start = hay[floor..s]
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\''))
        .map_or(floor, |p| floor + p + 1);
    if !hay[token_start..s].contains(&b'/')
        || !matches!(hay.get(s.wrapping_sub(1)), Some(b'_' | b'/'))
    {
        return None;
    }
    let mut vs = e + run_len(hay, e, 8, |b| b == b' ' || b == b'\t');
    if matches!(hay.get(vs), Some(b'"' | b'\'')) {
        vs += 1;
    }
    let n = run_len(hay, vs, 512, |b| {
        !(b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'|' | b';' | b'&'))
    });
    if n == 0 || n > 512 {
        return None;
    }
    let (kind, conf) = crate::assign::judge_secret(&hay[vs..vs + n], kinds::DEBCONF_PASSWORD)?;
    Some(Candidate::new(kind, conf, vs..vs + n, Priority::Context))
}

/// `machine HOST [login USER] [account A] [port P] password SECRET`, on one line or
/// several (bounded).
pub(crate) fn check_netrc(
    hay: &[u8],
    s: usize,
    e: usize,
    state: &mut State,
    out: &mut Vec<Candidate>,
) {
    if s < state.netrc_done || word_at(hay, s).is_none_or(|(_, we)| we != e) {
        return;
    }
    let end = hay.len().min(e + 512);
    state.netrc_done = end;
    let toks = words(hay, e, end);
    if toks.len() < 3 {
        return;
    }
    let tok = |i: usize| toks.get(i).map(|&(a, b)| &hay[a..b]);
    // toks[0] is the host; a keyword must follow it, or this is prose about machines.
    if !matches!(tok(1), Some(b"login" | b"account" | b"password" | b"port")) {
        return;
    }
    // toks[0] is the host.
    let mut i = 1;
    while i + 1 < toks.len() {
        match tok(i) {
            Some(b"login" | b"account" | b"port") => i += 2,
            Some(b"password") => {
                let (a, b) = unquote_range(hay, toks[i + 1].0, toks[i + 1].1);
                // In `echo "machine … password X" > f` the closing quote ends the value.
                let b = a + hay[a..b]
                    .iter()
                    .position(|&c| matches!(c, b'"' | b'\'' | b'\\'))
                    .unwrap_or(b - a);
                if let Some((kind, conf)) =
                    crate::assign::judge_secret(&hay[a..b], kinds::NETRC_PASSWORD)
                {
                    out.push(Candidate::new(kind, conf, a..b, Priority::Context));
                }
                return;
            }
            _ => return,
        }
    }
}

/// In a netrc file every `password <value>` pair counts, including after `default`.
pub(crate) fn check_netrc_file(hay: &[u8], out: &mut Vec<Candidate>) {
    let finder = memchr::memmem::Finder::new(b"password");
    for p in finder.find_iter(hay) {
        let bounded = (p == 0 || hay[p - 1].is_ascii_whitespace())
            && hay.get(p + 8).is_some_and(u8::is_ascii_whitespace);
        if !bounded {
            continue;
        }
        let vs = p + 8 + run_len(hay, p + 8, 64, |b| b.is_ascii_whitespace());
        let n = run_len(hay, vs, 1024, |b| !b.is_ascii_whitespace()).min(1024);
        if n == 0 {
            continue;
        }
        let (a, b) = unquote_range(hay, vs, vs + n);
        if let Some((kind, conf)) = crate::assign::judge_secret(&hay[a..b], kinds::NETRC_PASSWORD) {
            out.push(Candidate::new(kind, conf, a..b, Priority::Context));
        }
    }
}

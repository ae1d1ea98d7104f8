//! The scanning engine: one Aho-Corasick pass over the input finds every trigger (a
//! token prefix or a keyword), each trigger runs its bounded matcher, and overlapping
//! candidates are resolved so that each secret is reported once, by its most specific
//! detector.
//!
//! Cost is linear in the input: the automaton reads each byte once, every matcher reads
//! a bounded window, and matchers whose windows could overlap keep a high-water mark
//! (or a [`Cursor`]) so that no region is re-read per trigger.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::commands::{self, Command};
use crate::kinds::SecretKind;
use crate::util::Cursor;
use crate::{Confidence, SecretMatch, assign, formats, keys, redact, url};

/// How specific the evidence is. Lower wins when candidates overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Priority {
    /// The value itself has a known format (a token prefix, a key block).
    Format,
    /// A password in a recognised syntactic slot: URL userinfo, a command's password
    /// flag, netrc, debconf, chpasswd, npmrc.
    Context,
    /// A literal under a sensitive name.
    Name,
}

#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) kind: SecretKind,
    pub(crate) confidence: Confidence,
    pub(crate) range: Range<usize>,
    pub(crate) priority: Priority,
    /// Breaks ties between same-range, same-priority candidates; lower wins (a GCP key
    /// file's key is reported as that, not as a bare private key).
    pub(crate) rank: u8,
}

impl Candidate {
    pub(crate) fn new(
        kind: SecretKind,
        confidence: Confidence,
        range: Range<usize>,
        priority: Priority,
    ) -> Self {
        Self {
            kind,
            confidence,
            range,
            priority,
            rank: 1,
        }
    }
}

/// What kind of input is being scanned, beyond free text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// A configuration file: `key: value`, `key = value`, `"key": "value"` and
    /// `<key>value</key>` assignments count, not only `key=value`.
    pub(crate) config: bool,
    /// A netrc file: `password <value>` tokens count without a `machine` before them.
    pub(crate) netrc: bool,
}

#[derive(Debug, Clone, Copy)]
enum Trigger {
    Token(usize),
    Sk,
    SendGrid,
    Jwt,
    SlackWebhook,
    AwsSecretKeyword,
    Azure,
    Twilio,
    Heroku,
    DockerAuth,
    AuthHeader { authorization: bool },
    PrivateKey,
    GcpKey,
    Url,
    Assignment,
    Command(Command),
    Chpasswd,
    Debconf,
    Netrc,
}

struct Automaton {
    ac: AhoCorasick,
    triggers: Vec<Trigger>,
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut triggers = Vec::new();
    let mut add = |p: &'static str, t: Trigger| {
        patterns.push(p);
        triggers.push(t);
    };
    for (i, spec) in formats::TOKEN_SPECS.iter().enumerate() {
        add(spec.prefix, Trigger::Token(i));
    }
    add("sk-", Trigger::Sk);
    add("SG.", Trigger::SendGrid);
    add("eyJ", Trigger::Jwt);
    add("hooks.slack.com/", Trigger::SlackWebhook);
    for kw in [
        "secret_access_key",
        "secretaccesskey",
        "secret-access-key",
        "aws_secret_key",
    ] {
        add(kw, Trigger::AwsSecretKeyword);
    }
    add("AccountKey=", Trigger::Azure);
    add("SharedAccessKey=", Trigger::Azure);
    add("twilio", Trigger::Twilio);
    add("heroku", Trigger::Heroku);
    add("\"auth\"", Trigger::DockerAuth);
    add(
        "authorization",
        Trigger::AuthHeader {
            authorization: true,
        },
    );
    for h in ["private-token", "x-api-key", "x-auth-token"] {
        add(
            h,
            Trigger::AuthHeader {
                authorization: false,
            },
        );
    }
    add("-----BEGIN ", Trigger::PrivateKey);
    add("---- BEGIN SSH2", Trigger::PrivateKey);
    add("PuTTY-User-Key-File-", Trigger::PrivateKey);
    add("\"private_key\"", Trigger::GcpKey);
    add("://", Trigger::Url);
    for kw in assign::KEYWORDS {
        add(kw, Trigger::Assignment);
    }
    for (word, cmd) in commands::TRIGGERS {
        add(word, Trigger::Command(*cmd));
    }
    add("chpasswd", Trigger::Chpasswd);
    add("password password", Trigger::Debconf);
    add("password_again password", Trigger::Debconf);
    add("machine", Trigger::Netrc);
    // Token prefixes are case-sensitive, keywords are not: matching everything
    // case-insensitively keeps one automaton, and each matcher re-checks case itself.
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .unwrap_or_else(|e| unreachable!("static patterns always build: {e}"));
    Automaton { ac, triggers }
});

/// Per-scan memory that keeps matchers linear.
pub(crate) struct State {
    pub(crate) end_marker: Cursor,
    pub(crate) ssh2_end_marker: Cursor,
    pub(crate) putty_private: Cursor,
    pub(crate) assignment_done: usize,
    pub(crate) command_done: usize,
    pub(crate) netrc_done: usize,
    pub(crate) chpasswd_done: usize,
    twilio_done: usize,
    heroku_done: usize,
}

impl State {
    fn new() -> Self {
        Self {
            end_marker: Cursor::new(b"-----END "),
            ssh2_end_marker: Cursor::new(b"---- END SSH2"),
            putty_private: Cursor::new(b"Private-Lines:"),
            assignment_done: 0,
            command_done: 0,
            netrc_done: 0,
            chpasswd_done: 0,
            twilio_done: 0,
            heroku_done: 0,
        }
    }
}

/// Runs every detector over `hay` and returns the resolved candidates, sorted by start.
pub(crate) fn scan(hay: &[u8], opts: Options) -> Vec<Candidate> {
    let auto = &*AUTOMATON;
    let mut state = State::new();
    let mut out: Vec<Candidate> = Vec::new();
    for m in auto.ac.find_overlapping_iter(hay) {
        let (s, e) = (m.start(), m.end());
        let pushed = match auto.triggers[m.pattern().as_usize()] {
            Trigger::Token(i) => {
                let c = formats::check_token(hay, s, &formats::TOKEN_SPECS[i]);
                if let Some(c) = c
                    .as_ref()
                    .filter(|c| c.kind == crate::kinds::AWS_ACCESS_KEY_ID)
                {
                    out.extend(formats::check_aws_secret_after_id(hay, c.range.end));
                }
                c
            }
            Trigger::Sk => formats::check_sk(hay, s),
            Trigger::SendGrid => formats::check_sendgrid(hay, s),
            Trigger::Jwt => formats::check_jwt(hay, s),
            Trigger::SlackWebhook => formats::check_slack_webhook(hay, s),
            Trigger::AwsSecretKeyword => formats::check_aws_secret_context(hay, e),
            Trigger::Azure => formats::check_azure(hay, s, e - s),
            Trigger::Twilio => {
                formats::check_vendor_window(hay, s, true, &mut state.twilio_done, &mut out);
                None
            }
            Trigger::Heroku => {
                formats::check_vendor_window(hay, s, false, &mut state.heroku_done, &mut out);
                None
            }
            Trigger::DockerAuth => formats::check_docker_auth(hay, e),
            Trigger::AuthHeader { authorization } => {
                formats::check_auth_header(hay, e, authorization)
            }
            Trigger::PrivateKey => keys::check_private_key(hay, s, &mut state),
            Trigger::GcpKey => keys::check_gcp_key(hay, e, &mut state),
            Trigger::Url => url::check_url(hay, s),
            Trigger::Assignment => {
                assign::check_assignment(hay, s, e, opts, &mut state, &mut out);
                None
            }
            Trigger::Command(cmd) => {
                commands::check_command(hay, s, e, cmd, &mut state, &mut out);
                None
            }
            Trigger::Chpasswd => commands::check_chpasswd(hay, s, e, &mut state),
            Trigger::Debconf => commands::check_debconf(hay, s, e),
            Trigger::Netrc => {
                commands::check_netrc(hay, s, e, &mut state, &mut out);
                None
            }
        };
        out.extend(pushed);
    }
    if opts.netrc {
        commands::check_netrc_file(hay, &mut out);
    }
    resolve(out)
}

/// Keeps one candidate per secret: a lower [`Priority`] beats any overlapping higher
/// one, and within a priority a candidate contained in an accepted one is dropped
/// (a longer match, or the same range with a better rank, wins).
pub(crate) fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        (
            a.priority,
            a.range.start,
            std::cmp::Reverse(a.range.end),
            a.rank,
        )
            .cmp(&(
                b.priority,
                b.range.start,
                std::cmp::Reverse(b.range.end),
                b.rank,
            ))
    });
    // Merged ranges of everything accepted at a better priority, sorted and disjoint.
    let mut blocked: Vec<Range<usize>> = Vec::new();
    let mut accepted: Vec<Candidate> = Vec::new();
    let mut i = 0;
    while i < cands.len() {
        let prio = cands[i].priority;
        let mut this_level: Vec<Candidate> = Vec::new();
        let mut max_end = 0usize;
        while i < cands.len() && cands[i].priority == prio {
            let c = &cands[i];
            i += 1;
            if c.range.is_empty() || overlaps(&blocked, &c.range) {
                continue;
            }
            if !this_level.is_empty() && c.range.end <= max_end {
                continue;
            }
            max_end = max_end.max(c.range.end);
            this_level.push(c.clone());
        }
        blocked = merge(blocked, this_level.iter().map(|c| c.range.clone()));
        accepted.extend(this_level);
    }
    accepted.sort_by_key(|c| (c.range.start, c.range.end));
    accepted
}

fn overlaps(blocked: &[Range<usize>], r: &Range<usize>) -> bool {
    let idx = blocked.partition_point(|b| b.end <= r.start);
    blocked.get(idx).is_some_and(|b| b.start < r.end)
}

fn merge(
    mut ranges: Vec<Range<usize>>,
    more: impl Iterator<Item = Range<usize>>,
) -> Vec<Range<usize>> {
    ranges.extend(more);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

pub(crate) fn finalize(hay: &[u8], cands: Vec<Candidate>) -> Vec<SecretMatch> {
    cands
        .into_iter()
        .map(|c| SecretMatch {
            kind: c.kind.id,
            description: c.kind.description,
            confidence: c.confidence,
            redacted: redact::redact(&hay[c.range.clone()]),
            range: c.range,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds;

    fn c(r: Range<usize>, p: Priority) -> Candidate {
        Candidate::new(kinds::JWT, Confidence::High, r, p)
    }

    #[test]
    fn better_priority_blocks_overlaps_and_containment_dedupes() {
        let out = resolve(vec![
            c(5..10, Priority::Name),
            c(0..20, Priority::Format),
            c(2..8, Priority::Format),
            c(30..40, Priority::Context),
            c(35..38, Priority::Context),
            c(39..45, Priority::Name),
            c(50..60, Priority::Name),
        ]);
        let ranges: Vec<_> = out.iter().map(|c| c.range.clone()).collect();
        assert_eq!(ranges, vec![0..20, 30..40, 50..60]);
    }
}

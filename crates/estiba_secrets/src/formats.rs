//! Known token formats, recognised by their value alone (a fixed prefix, an alphabet
//! and a length), plus the few formats that need a little context (AWS secret keys,
//! Twilio and Heroku keys, Azure keys, Docker config `auth`, HTTP auth headers).
//!
//! Patterns here are written from the issuers' published token formats. Each matcher
//! starts at a trigger found by the engine's single multi-pattern pass and reads a
//! bounded number of bytes, so the cost per trigger is constant.

use crate::engine::{Candidate, Priority};
use crate::kinds::{self, SecretKind};
use crate::util::{b64_decode, before_is, is_alnum, is_b64, is_b64url, is_hex, run_len, shannon};
use crate::{Confidence, value};

fn alnum(b: u8) -> bool {
    is_alnum(b)
}
fn alnum_us(b: u8) -> bool {
    is_alnum(b) || b == b'_'
}
fn b64url_dot(b: u8) -> bool {
    is_b64url(b) || b == b'.'
}
fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}
fn lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}
fn alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}
fn slack_body(b: u8) -> bool {
    is_alnum(b) || b == b'-'
}

/// A token recognised by prefix, body alphabet and body length.
pub(crate) struct TokenSpec {
    pub(crate) prefix: &'static str,
    kind: SecretKind,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
    confidence: Confidence,
    /// Extra check on the whole token (prefix included).
    check: Option<fn(&[u8]) -> bool>,
}

const fn spec(
    prefix: &'static str,
    kind: SecretKind,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
    confidence: Confidence,
) -> TokenSpec {
    TokenSpec {
        prefix,
        kind,
        body,
        min,
        max,
        confidence,
        check: None,
    }
}

fn has_digit(t: &[u8]) -> bool {
    t.iter().any(u8::is_ascii_digit)
}

use Confidence::{High, Low, Medium};

pub(crate) static TOKEN_SPECS: &[TokenSpec] = &[
    // AWS key ids are 20 characters: a 4-letter type prefix and 16 base32 characters.
    // Only long-term (AKIA) and temporary (ASIA) access keys are credentials; other
    // prefixes (AIDA users, AROA roles) are public identifiers.
    spec("AKIA", kinds::AWS_ACCESS_KEY_ID, upper_alnum, 16, 16, High),
    spec("ASIA", kinds::AWS_ACCESS_KEY_ID, upper_alnum, 16, 16, High),
    // GitHub: 36 base62 characters after the prefix today; GitHub reserves the right to
    // grow them, so longer bodies are accepted.
    spec("ghp_", kinds::GITHUB_TOKEN, alnum, 36, 251, High),
    spec("gho_", kinds::GITHUB_TOKEN, alnum, 36, 251, High),
    spec("ghu_", kinds::GITHUB_TOKEN, alnum, 36, 251, High),
    spec("ghs_", kinds::GITHUB_TOKEN, alnum, 36, 251, High),
    spec("ghr_", kinds::GITHUB_TOKEN, alnum, 36, 251, High),
    spec("github_pat_", kinds::GITHUB_TOKEN, alnum_us, 70, 251, High),
    // GitLab: 20 characters in the classic format, longer (with dots) in the routable one.
    spec("glpat-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("gldt-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glptt-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glft-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glimt-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glagent-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("gloas-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glcbt-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glsoat-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec("glffct-", kinds::GITLAB_TOKEN, b64url_dot, 20, 300, High),
    spec(
        "glrt-",
        kinds::GITLAB_RUNNER_TOKEN,
        b64url_dot,
        20,
        300,
        High,
    ),
    spec(
        "GR1348941",
        kinds::GITLAB_RUNNER_TOKEN,
        is_b64url,
        20,
        64,
        High,
    ),
    // Slack: `xox?-` then dash-separated numeric ids and a random part.
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxb-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxp-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxa-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxr-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxs-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xoxe-", kinds::SLACK_TOKEN, slack_body, 20, 255, High)
    },
    TokenSpec {
        check: Some(has_digit),
        ..spec("xapp-", kinds::SLACK_TOKEN, slack_body, 30, 255, High)
    },
    // Stripe: live secret and restricted keys; test-mode keys reach no money, so they
    // are reported at low confidence. Publishable `pk_` keys are public by design.
    spec("sk_live_", kinds::STRIPE_SECRET_KEY, alnum, 20, 247, High),
    spec("rk_live_", kinds::STRIPE_SECRET_KEY, alnum, 20, 247, High),
    spec("sk_test_", kinds::STRIPE_TEST_KEY, alnum, 20, 247, Low),
    spec("rk_test_", kinds::STRIPE_TEST_KEY, alnum, 20, 247, Low),
    spec("AIza", kinds::GOOGLE_API_KEY, is_b64url, 35, 35, High),
    spec("npm_", kinds::NPM_TOKEN, alnum, 36, 36, High),
    // PyPI tokens are macaroons whose base64 starts by encoding the issuer's domain.
    spec(
        "pypi-AgEIcHlwaS5vcmc",
        kinds::PYPI_TOKEN,
        is_b64url,
        50,
        1000,
        High,
    ),
    spec(
        "pypi-AgENdGVzdC5weXBpLm9yZw",
        kinds::PYPI_TOKEN,
        is_b64url,
        50,
        1000,
        Medium,
    ),
    spec(
        "dckr_pat_",
        kinds::DOCKERHUB_TOKEN,
        is_b64url,
        20,
        100,
        High,
    ),
    spec(
        "dckr_oat_",
        kinds::DOCKERHUB_TOKEN,
        is_b64url,
        20,
        100,
        High,
    ),
    spec("hvs.", kinds::VAULT_TOKEN, is_b64url, 24, 200, High),
    spec("hvb.", kinds::VAULT_TOKEN, is_b64url, 24, 400, High),
    spec("dapi", kinds::DATABRICKS_TOKEN, lower_hex, 32, 32, High),
    spec("shpat_", kinds::SHOPIFY_TOKEN, is_hex, 32, 32, High),
    spec("shpca_", kinds::SHOPIFY_TOKEN, is_hex, 32, 32, High),
    spec("shppa_", kinds::SHOPIFY_TOKEN, is_hex, 32, 32, High),
    spec("shpss_", kinds::SHOPIFY_TOKEN, is_hex, 32, 32, High),
    // Mailgun's legacy keys: `key-` and 32 hex digits. The prefix is generic, so the
    // exact length is what identifies them; medium confidence.
    spec("key-", kinds::MAILGUN_API_KEY, lower_hex, 32, 32, Medium),
    spec("HRKU-", kinds::HEROKU_API_KEY, is_b64url, 40, 100, High),
    spec("hf_", kinds::HUGGINGFACE_TOKEN, alpha, 34, 34, High),
];

/// Whether a token's random part is a placeholder: the documentation's `EXAMPLE` keys,
/// `xxxx` runs, or too little entropy to be generated (`AAAA…`).
fn placeholder_body(body: &[u8]) -> bool {
    let lower = body.to_ascii_lowercase();
    let has = |n: &[u8]| memchr::memmem::find(&lower, n).is_some();
    has(b"example") || has(b"xxxx") || has(b"0000000") || shannon(body) < 2.5
}

pub(crate) fn check_token(hay: &[u8], start: usize, spec: &TokenSpec) -> Option<Candidate> {
    let prefix = spec.prefix.as_bytes();
    // A token starts a word: a prefix inside a longer base64url run (or right after
    // another token's `-`/`_`) is a coincidence, and rejecting it here also keeps
    // repeated prefixes from each re-reading the same run.
    if !hay.get(start..)?.starts_with(prefix) || before_is(hay, start, is_b64url) {
        return None;
    }
    let body_start = start + prefix.len();
    let n = run_len(hay, body_start, spec.max, spec.body);
    if n < spec.min || n > spec.max {
        return None;
    }
    let mut end = body_start + n;
    // Databricks tokens may carry a `-<digit>` workspace suffix.
    if spec.prefix == "dapi"
        && hay.get(end) == Some(&b'-')
        && hay.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        end += 2;
    }
    if spec.check.is_some_and(|c| !c(&hay[start..end])) {
        return None;
    }
    let confidence = if placeholder_body(&hay[body_start..body_start + n]) {
        Low
    } else {
        spec.confidence
    };
    Some(Candidate::new(
        spec.kind,
        confidence,
        start..end,
        Priority::Format,
    ))
}

/// `sk-…`: Anthropic (`sk-ant-`), OpenAI project/service/admin keys, and OpenAI's
/// legacy 48-character keys (which carry the base64 of "OpenAI" in the middle).
pub(crate) fn check_sk(hay: &[u8], start: usize) -> Option<Candidate> {
    let rest = hay.get(start..)?;
    if !rest.starts_with(b"sk-") || before_is(hay, start, is_b64url) {
        return None;
    }
    let body = run_len(hay, start + 3, 400, is_b64url);
    let end = start + 3 + body;
    if body > 400 {
        return None;
    }
    let token = &hay[start..end];
    let conf = |c| {
        if placeholder_body(&token[3..]) {
            Low
        } else {
            c
        }
    };
    if token.starts_with(b"sk-ant-") {
        return (body >= 60).then(|| {
            Candidate::new(
                kinds::ANTHROPIC_API_KEY,
                conf(High),
                start..end,
                Priority::Format,
            )
        });
    }
    let named = [&b"sk-proj-"[..], b"sk-svcacct-", b"sk-admin-"]
        .iter()
        .any(|p| token.starts_with(p));
    if named && body >= 40 {
        return Some(Candidate::new(
            kinds::OPENAI_API_KEY,
            conf(High),
            start..end,
            Priority::Format,
        ));
    }
    if body == 48 && token[3..].iter().all(|&b| is_alnum(b)) {
        let marked = memchr::memmem::find(token, b"T3BlbkFJ").is_some();
        return Some(Candidate::new(
            kinds::OPENAI_API_KEY,
            conf(if marked { High } else { Medium }),
            start..end,
            Priority::Format,
        ));
    }
    None
}

/// SendGrid: `SG.` + 22 + `.` + 43 base64url characters.
pub(crate) fn check_sendgrid(hay: &[u8], start: usize) -> Option<Candidate> {
    if !hay.get(start..)?.starts_with(b"SG.") || before_is(hay, start, is_b64url) {
        return None;
    }
    let a = run_len(hay, start + 3, 22, is_b64url);
    if a != 22 || hay.get(start + 25) != Some(&b'.') {
        return None;
    }
    let b = run_len(hay, start + 26, 43, is_b64url);
    (b == 43).then(|| {
        Candidate::new(
            kinds::SENDGRID_API_KEY,
            High,
            start..start + 69,
            Priority::Format,
        )
    })
}

/// JWT: three base64url segments, the header being JSON (`eyJ` is `{"`) with an `alg`
/// or `typ`. Medium confidence: many JWTs in images are expired samples or test vectors.
/// Longest JWT segment considered; real tokens are far shorter.
const MAX_JWT_SEGMENT: usize = 8192;

pub(crate) fn check_jwt(hay: &[u8], start: usize) -> Option<Candidate> {
    if !hay.get(start..)?.starts_with(b"eyJ")
        || before_is(hay, start, |b| is_b64url(b) || b == b'.')
    {
        return None;
    }
    let h = run_len(hay, start, MAX_JWT_SEGMENT, is_b64url);
    let p_start = start + h + 1;
    if !(10..=MAX_JWT_SEGMENT).contains(&h) || hay.get(start + h) != Some(&b'.') {
        return None;
    }
    let p = run_len(hay, p_start, MAX_JWT_SEGMENT, is_b64url);
    let s_start = p_start + p + 1;
    if !(10..=MAX_JWT_SEGMENT).contains(&p) || hay.get(p_start + p) != Some(&b'.') {
        return None;
    }
    let s = run_len(hay, s_start, MAX_JWT_SEGMENT, is_b64url);
    if !(16..=MAX_JWT_SEGMENT).contains(&s) {
        return None;
    }
    let header = b64_decode(&hay[start..start + h])?;
    let json_like = memchr::memmem::find(&header, b"\"alg\"").is_some()
        || memchr::memmem::find(&header, b"\"typ\"").is_some();
    json_like.then(|| Candidate::new(kinds::JWT, Medium, start..s_start + s, Priority::Format))
}

/// `https://hooks.slack.com/services/T…/B…/<secret>` (and workflow/trigger URLs).
pub(crate) fn check_slack_webhook(hay: &[u8], start: usize) -> Option<Candidate> {
    let rest = hay.get(start..)?;
    let path_start = [
        "hooks.slack.com/services/",
        "hooks.slack.com/workflows/",
        "hooks.slack.com/triggers/",
    ]
    .iter()
    .find(|p| rest.starts_with(p.as_bytes()))
    .map(|p| start + p.len())?;
    let n = run_len(hay, path_start, 200, |b| is_alnum(b) || b == b'/');
    let path = &hay[path_start..path_start + n];
    let segments = path.split(|&b| b == b'/').filter(|s| !s.is_empty()).count();
    let last = path.rsplit(|&b| b == b'/').next().unwrap_or_default();
    (segments >= 3 && last.len() >= 16).then(|| {
        let conf = if placeholder_body(last) { Low } else { High };
        Candidate::new(
            kinds::SLACK_WEBHOOK,
            conf,
            start..path_start + n,
            Priority::Format,
        )
    })
}

/// A 40-character AWS secret access key at `pos`: base64 alphabet, bounded on both
/// sides, and mixed-case as generated keys are (a lowercase SHA-1 is not one).
fn aws_secret_at(hay: &[u8], pos: usize) -> Option<std::ops::Range<usize>> {
    if before_is(hay, pos, |b| is_b64(b) || b == b'=') {
        return None;
    }
    let n = run_len(hay, pos, 40, is_b64);
    if n != 40 || hay.get(pos + 40) == Some(&b'=') {
        return None;
    }
    let s = &hay[pos..pos + 40];
    let mixed = s.iter().any(u8::is_ascii_lowercase)
        && s.iter().any(u8::is_ascii_uppercase)
        && s.iter()
            .any(|b| b.is_ascii_digit() || *b == b'/' || *b == b'+');
    mixed.then_some(pos..pos + 40)
}

fn aws_secret_candidate(hay: &[u8], range: std::ops::Range<usize>) -> Candidate {
    let conf = if placeholder_body(&hay[range.clone()]) {
        Low
    } else {
        High
    };
    Candidate::new(kinds::AWS_SECRET_ACCESS_KEY, conf, range, Priority::Format)
}

/// `aws_secret_access_key = …`, `AWS_SECRET_ACCESS_KEY: "…"`, `SecretAccessKey` in
/// JSON, `--aws-secret-access-key …`: the keyword, then a separator, then the key.
pub(crate) fn check_aws_secret_context(hay: &[u8], kw_end: usize) -> Option<Candidate> {
    let mut i = kw_end + run_len(hay, kw_end, 32, |b| is_alnum(b) || b == b'_' || b == b'-');
    let skip = run_len(hay, i, 8, |b| {
        matches!(b, b' ' | b'\t' | b'"' | b'\'' | b'=' | b':' | b'>' | b',')
    });
    if skip == 0 || skip > 8 {
        return None;
    }
    i += skip;
    aws_secret_at(hay, i).map(|r| aws_secret_candidate(hay, r))
}

/// The secret right after an access key id (`AKIA…:secret`, CSV credential files).
pub(crate) fn check_aws_secret_after_id(hay: &[u8], id_end: usize) -> Option<Candidate> {
    let skip = run_len(hay, id_end, 16, |b| {
        matches!(
            b,
            b' ' | b'\t' | b',' | b':' | b';' | b'=' | b'|' | b'"' | b'\''
        )
    });
    if skip == 0 || skip > 16 {
        return None;
    }
    aws_secret_at(hay, id_end + skip).map(|r| aws_secret_candidate(hay, r))
}

/// `AccountKey=<88 base64>` (storage) and `SharedAccessKey=<44 base64>` (Service Bus,
/// Event Hubs, IoT Hub) inside Azure connection strings.
pub(crate) fn check_azure(hay: &[u8], kw_start: usize, kw_len: usize) -> Option<Candidate> {
    let kw = &hay[kw_start..kw_start + kw_len];
    let (kind, min) = if kw.eq_ignore_ascii_case(b"AccountKey=") {
        (kinds::AZURE_STORAGE_KEY, 80)
    } else {
        (kinds::AZURE_SHARED_ACCESS_KEY, 40)
    };
    let start = kw_start + kw_len;
    let n = run_len(hay, start, 200, is_b64);
    let pad = run_len(hay, start + n, 2, |b| b == b'=');
    if n < min || n > 200 {
        return None;
    }
    let range = start..start + n + pad.min(2);
    let conf = if placeholder_body(&hay[range.clone()]) {
        Low
    } else {
        High
    };
    Some(Candidate::new(kind, conf, range, Priority::Format))
}

/// Looks for a Twilio API key (`SK` + 32 hex) or a UUID (Heroku's classic API key) in a
/// window around a vendor keyword. `done` is the window high-water mark: a byte is
/// examined for one vendor at most once however many keywords surround it.
pub(crate) fn check_vendor_window(
    hay: &[u8],
    kw_start: usize,
    twilio: bool,
    done: &mut usize,
    out: &mut Vec<Candidate>,
) {
    let from = kw_start.saturating_sub(200).max(*done);
    let to = hay.len().min(kw_start + 300);
    if from >= to {
        return;
    }
    *done = to;
    let mut i = from;
    while i < to {
        let found = if twilio {
            twilio_key_at(hay, i)
        } else {
            uuid_at(hay, i)
        };
        if let Some(end) = found {
            let kind = if twilio {
                kinds::TWILIO_API_KEY
            } else {
                kinds::HEROKU_API_KEY
            };
            let conf = if placeholder_body(&hay[i..end]) {
                Low
            } else {
                Medium
            };
            out.push(Candidate::new(kind, conf, i..end, Priority::Format));
            i = end;
        } else {
            i += 1;
        }
    }
}

fn twilio_key_at(hay: &[u8], i: usize) -> Option<usize> {
    if !hay.get(i..)?.starts_with(b"SK") || before_is(hay, i, is_alnum) {
        return None;
    }
    let n = run_len(hay, i + 2, 32, is_hex);
    (n == 32).then_some(i + 34)
}

fn uuid_at(hay: &[u8], i: usize) -> Option<usize> {
    if before_is(hay, i, |b| is_hex(b) || b == b'-') {
        return None;
    }
    let mut pos = i;
    for (k, len) in [8usize, 4, 4, 4, 12].into_iter().enumerate() {
        if run_len(hay, pos, len, is_hex) != len {
            return None;
        }
        pos += len;
        if k < 4 {
            if hay.get(pos) != Some(&b'-') {
                return None;
            }
            pos += 1;
        }
    }
    (!hay.get(pos).is_some_and(|&b| is_hex(b) || b == b'-')).then_some(pos)
}

/// Docker's `config.json`: `"auth": "<base64 of user:password>"`.
pub(crate) fn check_docker_auth(hay: &[u8], kw_end: usize) -> Option<Candidate> {
    let mut i = kw_end + run_len(hay, kw_end, 16, |b| b == b' ' || b == b'\t');
    if hay.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    i += run_len(hay, i, 16, |b| b == b' ' || b == b'\t');
    if hay.get(i) != Some(&b'"') {
        return None;
    }
    let start = i + 1;
    let n = run_len(hay, start, 2048, |b| is_b64(b) || b == b'=');
    if !(8..=2048).contains(&n) || hay.get(start + n) != Some(&b'"') {
        return None;
    }
    let decoded = b64_decode(&hay[start..start + n])?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    let (user, pass) = (&decoded[..colon], &decoded[colon + 1..]);
    if user.is_empty() || pass.is_empty() || !decoded.iter().all(u8::is_ascii_graphic) {
        return None;
    }
    let verdict = crate::assign::judge_secret(pass, kinds::DOCKER_CONFIG_AUTH)?;
    Some(Candidate::new(
        verdict.0,
        verdict.1,
        start..start + n,
        Priority::Format,
    ))
}

/// `Authorization: Bearer …`, `Authorization: Basic <base64>`, `Private-Token: …`,
/// `X-API-Key: …`: credentials in HTTP headers, typically in curl/wget command lines.
pub(crate) fn check_auth_header(
    hay: &[u8],
    kw_end: usize,
    is_authorization: bool,
) -> Option<Candidate> {
    let mut i = kw_end + run_len(hay, kw_end, 4, |b| b == b'"' || b == b'\'');
    if hay.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    i += run_len(hay, i, 8, |b| b == b' ' || b == b'\t');
    let mut basic = false;
    if is_authorization {
        let scheme_len = run_len(hay, i, 16, alpha);
        let scheme = &hay[i..i + scheme_len.min(16)];
        basic = scheme.eq_ignore_ascii_case(b"basic");
        let known = basic
            || scheme.eq_ignore_ascii_case(b"bearer")
            || scheme.eq_ignore_ascii_case(b"token");
        if !known || hay.get(i + scheme_len) != Some(&b' ') {
            return None;
        }
        i += scheme_len + 1;
        i += run_len(hay, i, 8, |b| b == b' ');
    }
    let n = run_len(hay, i, 4096, |b| {
        b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\' | b';')
    });
    if n == 0 || n > 4096 {
        return None;
    }
    let cred = &hay[i..i + n];
    let secret: Vec<u8> = if basic {
        match b64_decode(cred) {
            Some(d) if d.contains(&b':') => d[d.iter().position(|&b| b == b':')? + 1..].to_vec(),
            // Not base64 user:pass: a reference or a placeholder, judged as is.
            _ => cred.to_vec(),
        }
    } else {
        cred.to_vec()
    };
    if matches!(value::shape(&secret), value::Shape::Literal) && secret.len() < 8 {
        return None;
    }
    let verdict = crate::assign::judge_secret(&secret, kinds::HTTP_AUTH_HEADER)?;
    // Context, not format: a known token inside the header is reported as that token.
    Some(Candidate::new(
        verdict.0,
        verdict.1,
        i..i + n,
        Priority::Context,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_is_distinct() {
        let mut p: Vec<&str> = TOKEN_SPECS.iter().map(|s| s.prefix).collect();
        p.sort_unstable();
        let before = p.len();
        p.dedup();
        assert_eq!(before, p.len());
    }

    #[test]
    fn uuid_shape() {
        assert_eq!(
            uuid_at(b"01234567-89ab-cdef-0123-456789abcdef", 0),
            Some(36)
        );
        assert_eq!(uuid_at(b"01234567-89ab-cdef-0123-456789abcdefa", 0), None);
        assert_eq!(uuid_at(b"01234567-89ab-cdef-0123", 0), None);
    }
}

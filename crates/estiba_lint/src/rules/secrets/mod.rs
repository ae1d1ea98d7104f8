//! Rules that keep secrets out of images (practice P6): secret values in `ENV`, `ARG`,
//! `LABEL` and `RUN`, credential files copied in, and build arguments used for secrets.
//! Every rule asks the one secret detector, `estiba_secrets`, and reports only its
//! redacted form.

mod arg_used_for_secret;
mod helpers;
mod secret_file_copied;
mod secret_in_arg;
mod secret_in_container_command;
mod secret_in_copied_heredoc;
mod secret_in_env;
mod secret_in_label;
mod secret_in_run;

pub(crate) use arg_used_for_secret::ArgUsedForSecret;
pub(crate) use secret_file_copied::SecretFileCopied;
pub(crate) use secret_in_arg::SecretInArg;
pub(crate) use secret_in_container_command::SecretInContainerCommand;
pub(crate) use secret_in_copied_heredoc::SecretInCopiedHeredoc;
pub(crate) use secret_in_env::SecretInEnv;
pub(crate) use secret_in_label::SecretInLabel;
pub(crate) use secret_in_run::SecretInRun;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &SecretInEnv,
    &SecretInArg,
    &SecretInLabel,
    &SecretInRun,
    &SecretFileCopied,
    &ArgUsedForSecret,
    &SecretInContainerCommand,
    &SecretInCopiedHeredoc,
];

#[cfg(test)]
mod corpus;

#[cfg(test)]
mod tests {
    use estiba_diagnostics::Severity;
    use test_case::test_case;

    use crate::Settings;
    use crate::test_util::{lint_text, test_rule, test_rule_with};

    #[test_case("DF401", "DF401.Dockerfile")]
    #[test_case("DF402", "DF402.Dockerfile")]
    #[test_case("DF403", "DF403.Dockerfile")]
    #[test_case("DF404", "DF404.Dockerfile")]
    #[test_case("DF405", "DF405.Dockerfile")]
    #[test_case("DF406", "DF406.Dockerfile")]
    #[test_case("DF407", "DF407.Dockerfile")]
    #[test_case("DF408", "DF408.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "secrets", fixture);
        insta::assert_snapshot!(code, snapshot);
    }

    /// Key files in the build context are judged by what they hold.
    #[test]
    fn key_files_in_context() {
        let snapshot = test_rule("DF405", "secrets", "DF405-context/Dockerfile");
        insta::assert_snapshot!("DF405_context", snapshot);
    }

    /// A severity configured for a rule wins over the severities it computes per finding.
    #[test]
    fn configured_severity_wins() {
        let settings = Settings {
            severity_overrides: [("DL3064".to_owned(), Severity::Low)].into(),
            ..Settings::default()
        };
        let snapshot = test_rule_with("DF401", "secrets", "DF401.Dockerfile", settings);
        insta::assert_snapshot!("DF401_severity_override", snapshot);
    }

    /// A deterministic string over `alphabet` that looks random to the detector. Tokens are
    /// built at run time so that the repository holds nothing a secret scanner would flag.
    fn random(alphabet: &str, len: usize, seed: u64) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let i = usize::try_from(x % chars.len() as u64).unwrap_or(0);
                chars.get(i).copied().unwrap_or('x')
            })
            .collect()
    }

    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    fn github_token(seed: u64) -> String {
        format!("{}{}", "ghp_", random(ALNUM, 36, seed))
    }

    fn private_key_block() -> String {
        let body: Vec<String> = (0..6).map(|i| random(ALNUM, 64, 100 + i)).collect();
        format!(
            "-----BEGIN {kind}-----\n{}\n-----END {kind}-----",
            body.join("\n"),
            kind = "OPENSSH PRIVATE KEY"
        )
    }

    /// Findings of `code` on `dockerfile`, checked for leaks: neither the message nor the
    /// evidence may contain `secret`.
    fn findings(code: &str, dockerfile: &str, secret: &str) -> Vec<(Severity, String, String)> {
        lint_text(code, dockerfile)
            .into_iter()
            .map(|f| {
                let evidence = f.evidence.clone().unwrap_or_default();
                assert!(
                    !f.message.contains(secret),
                    "{code} leaks the secret in its message: {}",
                    f.message
                );
                assert!(
                    !evidence.contains(secret),
                    "{code} leaks the secret in its evidence: {evidence}"
                );
                (f.severity, f.message, evidence)
            })
            .collect()
    }

    /// Validates that a live token format is critical wherever it is written, and that no
    /// report repeats it.
    #[test_case("DF401", "ENV GH_AUTH=TOKEN"; "env")]
    #[test_case("DF402", "ARG UPLOAD=TOKEN"; "arg")]
    #[test_case("DF403", "LABEL com.example.note=\"TOKEN\""; "label")]
    #[test_case("DF404", "RUN git clone https://x-access:TOKEN@github.com/org/app.git /src"; "run url")]
    #[test_case("DF404", "RUN [\"gh\", \"auth\", \"--with-token\", \"TOKEN\"]"; "run exec form")]
    #[test_case("DF407", "CMD [\"worker\", \"--github\", \"TOKEN\"]"; "cmd")]
    #[test_case("DF408", "COPY <<EOF /app/config.yaml\ngithub: TOKEN\nEOF"; "copy heredoc")]
    fn live_token_is_critical(code: &str, line: &str) {
        let token = github_token(7);
        let dockerfile = format!("FROM alpine:3.20\n{}\n", line.replace("TOKEN", &token));
        let got = findings(code, &dockerfile, &token);
        assert_eq!(got.len(), 1, "{code}: {got:?}");
        let (severity, _, evidence) = &got[0];
        assert_eq!(*severity, Severity::Critical, "{code}: {got:?}");
        assert_eq!(evidence, "github-token: ghp_…(40 chars)");
    }

    /// Validates that an ENV copying an ARG whose default is a live token is critical too.
    #[test]
    fn env_copying_an_arg_token() {
        let token = github_token(8);
        let dockerfile = format!("FROM alpine:3.20\nARG T={token}\nENV GH=$T\n");
        let got = findings("DF401", &dockerfile, &token);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, Severity::Critical);
        assert!(got[0].1.contains("through `$T`"), "{got:?}");
    }

    /// Validates that a private key block in a `RUN` heredoc is critical and redacted.
    #[test]
    fn private_key_in_run_heredoc() {
        let key = private_key_block();
        let dockerfile = format!(
            "FROM alpine:3.20\nRUN <<EOF\ncat > /root/.ssh/id_ed25519 <<'KEY'\n{key}\nKEY\nEOF\n"
        );
        let got = findings("DF404", &dockerfile, &key);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, Severity::Critical);
        assert!(got[0].2.starts_with("private-key: "), "{got:?}");
    }

    /// Validates that nothing in the secret rules panics or reports on hostile input.
    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "FROM a\nENV",
            "FROM a\nENV =x",
            "FROM a\nARG =",
            "ENV A=${",
            "FROM a\nCOPY",
            "FROM a\nCOPY <<EOF\n",
            "FROM a\nRUN <<-EOF\n\t\tpassword=\nEOF",
            "FROM a\nLABEL \"\"=\"\"",
            "FROM a\nONBUILD",
            "FROM a\nHEALTHCHECK CMD",
            "FROM a\nRUN [\"\"]",
            "FROM a\nRUN curl -u :",
            "FROM a\nENV \u{e9}\u{e9}=\u{1F600}\u{1F600}",
        ] {
            for code in [
                "DF401", "DF402", "DF403", "DF404", "DF405", "DF406", "DF407", "DF408",
            ] {
                let _ = lint_text(code, text);
            }
        }
    }
}

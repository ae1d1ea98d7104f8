use super::helpers::shipped_labels;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::instructions::helpers::Model;

declare_rule! {
    /// ## What it does
    /// Checks the keys of the final image's labels against Docker's label key
    /// conventions.
    ///
    /// ## Why is this bad?
    /// Docker asks label keys to start with a lower-case letter, end with a lower-case
    /// letter or digit, and use only lower-case letters, digits, `.` and `-` (as in
    /// hadolint, `_` inside a key is accepted), without `..` or `--`; tools that query
    /// labels rely on it. The namespaces `com.docker.*`,
    /// `io.docker.*` and `org.dockerproject.*` are reserved for Docker itself (except the
    /// `com.docker.extension.*` and `com.docker.desktop.extension.*` keys Docker
    /// documents for Docker Desktop extensions). Keys are best namespaced in reverse DNS
    /// form, like `org.opencontainers.image.source`.
    ///
    /// Labels of stages that do not end up in the final image are not checked, nor are
    /// keys built from variables whose value the Dockerfile does not show.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Version=1.0 com.docker.owner=web
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version=1.0 com.example.owner=web
    /// ```
    pub(crate) struct LabelKeyInvalid {
        code: "DF201",
        name: "label-key-invalid",
        title: "Label key does not follow Docker's key format",
        severity: Info,
        practice: P13,
        references: [hadolint("DL3048")],
        fix: None,
        remediation: "Use lower-case reverse-DNS label keys (`com.example.team`) outside Docker's reserved namespaces.",
    }
}

/// Why `key` is not a valid label key, if it is not.
pub(crate) fn key_problem(key: &str) -> Option<String> {
    let reserved = ["com.docker.", "io.docker.", "org.dockerproject."];
    let documented = ["com.docker.extension.", "com.docker.desktop.extension."];
    if let Some(ns) = reserved.iter().find(|ns| key.starts_with(*ns))
        && !documented.iter().any(|d| key.starts_with(d))
    {
        return Some(format!("the `{ns}*` namespace is reserved for Docker"));
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')))
    {
        return Some(if bad.is_ascii_uppercase() {
            "it has upper-case letters".to_owned()
        } else {
            format!("{bad:?} is not allowed (only `a-z`, `0-9`, `.`, `-` and `_`)")
        });
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lower-case letter".to_owned());
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("it must end with a lower-case letter or digit".to_owned());
    }
    if key.contains("..") || key.contains("--") {
        return Some("it has consecutive separators".to_owned());
    }
    None
}

impl Check for LabelKeyInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for entry in shipped_labels(cx, &model) {
            let Some(key) = &entry.key else { continue };
            if let Some(problem) = key_problem(key) {
                out.report(
                    entry.pair.key.range,
                    format!("label key `{key}` is invalid: {problem}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key_problem("org.opencontainers.image.source"), None);
        assert_eq!(key_problem("maintainer"), None);
        assert_eq!(key_problem("com.docker.extension.publisher-url"), None);
        assert!(key_problem("com.docker.owner").is_some());
        assert!(key_problem("Version").is_some());
        assert_eq!(key_problem("build_id"), None);
        assert!(key_problem("_a").is_some());
        assert!(key_problem("a_").is_some());
        assert!(key_problem("a/b").is_some());
        assert!(key_problem("1abc").is_some());
        assert!(key_problem("abc.").is_some());
        assert!(key_problem("a..b").is_some());
        assert!(key_problem("a--b").is_some());
        assert!(key_problem("").is_some());
    }
}

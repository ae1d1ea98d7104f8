//! Validates `judge_assignment` and `sensitive_name` together on the ENV/ARG/LABEL
//! values that Dockerfiles, compose files and manifests actually contain.

mod common;

use common::{HEX, alnum, fake};
use estiba_secrets::Confidence::{High, Low, Medium};
use estiba_secrets::{Basis, Confidence, NameCategory, judge_assignment, sensitive_name};

fn verdict(name: &str, value: &str) -> Option<(&'static str, Confidence, String)> {
    judge_assignment(name, value).map(|f| (f.kind, f.confidence, value[f.range].to_owned()))
}

#[test]
fn known_format_wins_whatever_the_name() {
    let t = format!("ghp_{}", fake(&alnum(), 36, 1));
    let f = judge_assignment("BUILD_NUMBER", &t).unwrap();
    assert_eq!(
        (f.kind, f.confidence, f.basis),
        ("github-token", High, Basis::Value)
    );
    let pw = fake(&alnum(), 20, 2);
    let url = format!("postgres://app:{pw}@db/app");
    assert_eq!(
        verdict("DATABASE_URL", &url),
        Some(("url-credentials", High, pw.clone()))
    );
    let opts = format!("-Xmx1g -Djavax.net.ssl.keyStorePassword={pw} -Dfile.encoding=UTF-8");
    assert_eq!(
        verdict("JAVA_OPTS", &opts),
        Some(("cli-password", High, pw))
    );
}

#[test]
fn aws_secret_key_is_recognised_by_its_name() {
    let secret = format!(
        "{}/{}+{}",
        fake(&alnum(), 20, 3),
        fake(&alnum(), 10, 4),
        fake(&alnum(), 8, 5)
    );
    assert_eq!(
        verdict("AWS_SECRET_ACCESS_KEY", &secret),
        Some(("aws-secret-access-key", High, secret.clone()))
    );
    assert_eq!(
        verdict("aws_secret_access_key", &format!("\"{secret}\"")),
        Some(("aws-secret-access-key", High, secret))
    );
}

#[test]
fn literal_values_under_sensitive_names() {
    let random = fake(&alnum(), 24, 6);
    assert_eq!(
        verdict("MYSQL_ROOT_PASSWORD", &random),
        Some(("secret-assignment", High, random.clone()))
    );
    assert_eq!(
        verdict("MYSQL_ROOT_PASSWORD", "Summer-Breeze-42"),
        Some(("secret-assignment", Medium, "Summer-Breeze-42".into()))
    );
    assert_eq!(
        verdict("LICENSE_KEY", "lgNvGyhnUKpa5PJ"),
        Some(("secret-assignment", Medium, "lgNvGyhnUKpa5PJ".into()))
    );
    // Quotes are not part of the secret.
    assert_eq!(
        verdict("API_TOKEN", &format!("'{random}'")),
        Some(("secret-assignment", High, random.clone()))
    );
    let f = judge_assignment("CLIENT_SECRET", &random).unwrap();
    assert!(matches!(f.basis, Basis::Name(h) if h.category == NameCategory::Secret));
    assert!(!f.redacted.contains(&random[..8]));
}

#[test]
fn weak_defaults_and_placeholders() {
    for v in [
        "changeme", "password", "admin", "root", "Passw0rd", "admin123", "123456", "secret",
    ] {
        assert_eq!(
            verdict("POSTGRES_PASSWORD", v),
            Some(("weak-default-credential", Medium, v.into())),
            "{v}"
        );
    }
    for v in [
        "<your-token>",
        "REPLACE_ME",
        "your_api_key_here",
        "dummy",
        "changeit",
        "FAKE_TO_GENERATE_WARNING_OUTPUT",
    ] {
        assert_eq!(
            verdict("API_KEY", v),
            Some(("placeholder-credential", Low, v.into())),
            "{v}"
        );
    }
}

#[test]
fn references_and_defaults() {
    assert_eq!(verdict("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}"), None);
    assert_eq!(verdict("POSTGRES_PASSWORD", "$POSTGRES_PASSWORD"), None);
    assert_eq!(verdict("DB_PASSWORD", "${DB_PASSWORD:-}"), None);
    assert_eq!(verdict("DB_PASSWORD", "${DB_PASSWORD:?required}"), None);
    assert_eq!(verdict("DB_PASSWORD", "$(cat /run/secrets/db)"), None);
    assert_eq!(verdict("DB_PASSWORD", "{{ .Values.db.password }}"), None);
    assert_eq!(
        verdict("DB_PASSWORD", "${DB_PASSWORD:-changeme}"),
        Some(("weak-default-credential", Medium, "changeme".into()))
    );
    let random = fake(&alnum(), 22, 7);
    assert_eq!(
        verdict("DB_PASSWORD", &format!("${{DB_PASSWORD:-{random}}}")),
        Some(("secret-assignment", High, random.clone()))
    );
    assert_eq!(
        verdict(
            "DB_PASSWORD",
            &format!("${{DB_PASSWORD:-${{OTHER:-{random}}}}}")
        ),
        Some(("secret-assignment", High, random))
    );
}

#[test]
fn values_that_are_never_secrets() {
    let sha256 = fake(HEX, 64, 8);
    let fpr = fake("0123456789ABCDEF", 40, 9);
    let grouped: String = fpr
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    for (name, value) in [
        ("POSTGRES_PASSWORD", ""),
        ("POSTGRES_PASSWORD", "/run/secrets/postgres_password"),
        (
            "GOOGLE_APPLICATION_CREDENTIALS",
            "/var/secrets/google/key.json",
        ),
        ("SSL_KEY", "server.key"),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
        ("MYSQL_RANDOM_ROOT_PASSWORD", "true"),
        ("TOKEN_TTL", "3600"),
        ("PASSWORD", "42"),
        ("SECRET", "1.2.3"),
        ("API_TOKEN", fpr.as_str()),
        ("GPG_KEYS", grouped.as_str()),
        ("GPG_KEY", fpr.as_str()),
        ("SIGNING_KEY", fpr.as_str()),
        ("NODE_SHA256", sha256.as_str()),
        ("DATABASE_URL", "postgres://db:5432/app"),
        ("TOKEN_URL", "https://auth.example.com/token"),
        ("REDIS_PASSWORD", "********"),
        ("STRIPE_KEY", "main"),
        ("BASIC_AUTH", "enabled"),
        ("PWD", "/app"),
        ("RUBY_VERSION", "3.3.1"),
        ("PASSWORD_MIN_LENGTH", "12"),
    ] {
        assert_eq!(verdict(name, value), None, "{name}={value}");
    }
}

/// 40 hex digits is the length of a SHA-1 and of a GPG fingerprint, and official images
/// put fingerprints under many `*_KEY` names; other digest lengths under a name that
/// means "secret" are how generated keys (`openssl rand -hex 32`) look.
#[test]
fn hex_under_secret_names() {
    let hex64 = fake(HEX, 64, 10);
    assert_eq!(
        verdict("SECRET_KEY", &hex64),
        Some(("secret-assignment", Medium, hex64.clone()))
    );
    assert_eq!(
        verdict("ENCRYPTION_KEY", &hex64),
        Some(("secret-assignment", Medium, hex64.clone()))
    );
    assert_eq!(verdict("SECRET_KEY", &fake(HEX, 40, 11)), None);
    // Ambiguous names need a random-looking non-digest value.
    assert_eq!(verdict("STRIPE_KEY", &hex64), None);
    let random = fake(&alnum(), 32, 12);
    assert_eq!(
        verdict("STRIPE_KEY", &random),
        Some(("secret-assignment", Medium, random))
    );
    assert_eq!(
        verdict("BASIC_AUTH", "admin:Summer-Breeze-42"),
        Some(("secret-assignment", Medium, "admin:Summer-Breeze-42".into()))
    );
}

#[test]
fn names_only() {
    assert_eq!(sensitive_name("PWD"), None);
    assert_eq!(
        sensitive_name("POSTGRES_PASSWORD").map(|h| h.category),
        Some(NameCategory::Password)
    );
    assert_eq!(sensitive_name("GPG_KEYS"), None);
}

//! Whether a variable, argument, label or config key *name* says it holds a secret.
//!
//! Names are split into words (`_`, `-`, `.`, other punctuation and camelCase
//! boundaries), then judged in three steps:
//!
//! 1. A last word that describes *where a secret lives or what it checks* vetoes the
//!    name: `*_FILE`, `*_PATH`, `*_URL`, `*_VERSION`, `*_SHA256`, `*_FINGERPRINT`,
//!    `*_USER`, `*_ENABLED`, `*_LENGTH`, `*_TIMEOUT`, `*_HEADER`, `*_ID`, and label
//!    text such as `*_DESCRIPTION` … — so
//!    `POSTGRES_PASSWORD_FILE`, `TOKEN_URL` and `PASSWORD_MIN_LENGTH` are not secrets.
//!    Database URLs and DSNs are the exception: they are returned with
//!    [`ValueRule::EmbeddedCredentials`], flagged only when the value carries a password.
//! 2. A sensitive word anywhere gives the category: password words (`PASSWORD`,
//!    `PASSWD`, `PASSPHRASE`, `PASS`, `PWD`), `SECRET`, `TOKEN`, `API_KEY`, `ACCESS_KEY`,
//!    `PRIVATE_KEY`, `CREDENTIALS`, a qualified `*_KEY`, and a trailing `AUTH`.
//! 3. Public-material markers veto the weaker categories: `GPG`/`PGP` keys, `PUBLIC`
//!    keys, keyservers, keyrings and release/signing keys are what official images use to
//!    *verify* downloads (`GPG_KEYS`, `SWIFT_SIGNING_KEY`) and are never secrets.
//!
//! The shell's own `PWD` and `OLDPWD` are the working directory, not a password.

/// What a sensitive name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NameHint {
    /// What kind of secret the name announces.
    pub category: NameCategory,
    /// How much of the value's shape is needed before it is reported.
    pub rule: ValueRule,
}

/// The kind of secret a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameCategory {
    /// `PASSWORD`, `PASSWD`, `PASSPHRASE`, `PASS`, `PWD`, keytool's `storepass`…
    Password,
    /// `SECRET`, `CLIENT_SECRET`, `SECRET_KEY_BASE`…
    Secret,
    /// `TOKEN`, `GITHUB_TOKEN`, `_authToken`…
    Token,
    /// `API_KEY`, `APIKEY`.
    ApiKey,
    /// `ACCESS_KEY`.
    AccessKey,
    /// `PRIVATE_KEY`, `SSH_KEY`, `TLS_KEY`.
    PrivateKey,
    /// Another `*_KEY`: strongly qualified (`ENCRYPTION_KEY`, `LICENSE_KEY`, `APP_KEY`) or
    /// not (`STRIPE_KEY`, plain `KEY`).
    Key,
    /// `CREDENTIALS`, `CREDS`.
    Credentials,
    /// A trailing `AUTH` or `AUTHORIZATION` (`BASIC_AUTH`, npm's `_auth`).
    Auth,
    /// `DATABASE_URL`, `*_DSN`, `CONNECTION_STRING`: may embed a password.
    ConnectionString,
}

/// How much the value must show before a sensitive name makes it a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueRule {
    /// The name alone says "secret": any literal value is reported (after excluding
    /// references, paths, booleans, numbers, versions, fingerprints…).
    AnyLiteral,
    /// The name is ambiguous (`STRIPE_KEY`, `AUTH`): only a value that looks like a
    /// credential — random-looking, or `user:password` — is reported.
    CredentialShaped,
    /// Only a password embedded in the value (URL userinfo, `Password=` in a
    /// connection string) is reported; the value detectors find it.
    EmbeddedCredentials,
}

/// Last words that describe a secret's location, format, policy or checksum rather
/// than being the secret. Kept sorted for binary search (a test checks).
const DESCRIPTORS: &[&str] = &[
    "ADDR",
    "ADDRESS",
    "AGE",
    "AGENT",
    "ALG",
    "ALGO",
    "ALGORITHM",
    "ALLOWED",
    "ARN",
    "ASC",
    "ATTEMPTS",
    "AUDIENCE",
    "BACKEND",
    "BITS",
    "BRANCH",
    "BUCKET",
    "CHARSET",
    "CHECK",
    "CHECKSUM",
    "CHECKSUMS",
    "CMD",
    "COMMAND",
    "COMMENT",
    "COMPLEXITY",
    "COOKIE",
    "COST",
    "COUNT",
    "DELAY",
    "DESCRIPTION",
    "DIGEST",
    "DIR",
    "DIRECTORY",
    "DIRS",
    "DISABLE",
    "DISABLED",
    "DOC",
    "DOCS",
    "DOCUMENTATION",
    "DOMAIN",
    "DRIVER",
    "DURATION",
    "EMAIL",
    "ENABLE",
    "ENABLED",
    "ENCODING",
    "ENDPOINT",
    "ENGINE",
    "ENV",
    "EXAMPLE",
    "EXPIRATION",
    "EXPIRES",
    "EXPIRY",
    "FIELD",
    "FILE",
    "FILENAME",
    "FILES",
    "FINGERPRINT",
    "FINGERPRINTS",
    "FOLDER",
    "FORMAT",
    "GROUP",
    "HASH",
    "HEADER",
    "HELP",
    "HELPER",
    "HINT",
    "HOST",
    "HOSTNAME",
    "ID",
    "IDS",
    "IMAGE",
    "INFO",
    "INTERVAL",
    "ISSUER",
    "ITERATIONS",
    "KEYRING",
    "KEYSERVER",
    "KIND",
    "LABEL",
    "LEN",
    "LENGTH",
    "LEVEL",
    "LIFETIME",
    "LIMIT",
    "LOCATION",
    "LOG",
    "LOGIN",
    "MANAGER",
    "MAX",
    "MD5",
    "MESSAGE",
    "METHOD",
    "MIN",
    "MODE",
    "MODULE",
    "MOUNT",
    "MSG",
    "NAME",
    "NAMES",
    "NAMESPACE",
    "NOTE",
    "NOTES",
    "OPTIONAL",
    "OWNER",
    "PARAM",
    "PARAMETER",
    "PATH",
    "PATHS",
    "PATTERN",
    "PERIOD",
    "PLUGIN",
    "POLICY",
    "PORT",
    "PREFIX",
    "PROMPT",
    "PROVIDER",
    "REALM",
    "REF",
    "REFS",
    "REGEX",
    "REGION",
    "REPO",
    "REPOSITORY",
    "REQUIRED",
    "RESET",
    "RETRIES",
    "ROLE",
    "ROTATION",
    "ROUNDS",
    "SCHEME",
    "SCOPE",
    "SCOPES",
    "SCRIPT",
    "SERVER",
    "SHA",
    "SHA1",
    "SHA224",
    "SHA256",
    "SHA256SUM",
    "SHA256SUMS",
    "SHA384",
    "SHA512",
    "SIG",
    "SIGNATURE",
    "SIZE",
    "SOCK",
    "SOCKET",
    "STDIN",
    "STORE",
    "STRENGTH",
    "SUFFIX",
    "SUM",
    "SUMMARY",
    "SUMS",
    "TAG",
    "TENANT",
    "TEXT",
    "TIMEOUT",
    "TITLE",
    "TTL",
    "TYPE",
    "URI",
    "URIS",
    "URL",
    "URLS",
    "USER",
    "USERNAME",
    "USERS",
    "VAR",
    "VERIFICATION",
    "VERIFY",
    "VERSION",
    "VERSIONS",
    "VOLUME",
];

/// Qualifiers that make `<Q>_KEY` a secret on its own.
const STRONG_KEY_QUALIFIERS: &[&str] = &[
    "ACCOUNT",
    "APP",
    "APPLICATION",
    "AUTH",
    "CIPHER",
    "CLIENT",
    "CRYPT",
    "CRYPTO",
    "DECRYPTION",
    "DEPLOY",
    "ENC",
    "ENCRYPT",
    "ENCRYPTION",
    "HMAC",
    "JWT",
    "LICENSE",
    "MASTER",
    "SERVICE",
    "SESSION",
    "SHARED",
    "STORAGE",
    "SUBSCRIPTION",
    "WEBHOOK",
];

/// Qualifiers that make `<Q>_KEY` public or non-credential material: keys that verify
/// downloads, and database/cache keys.
const PUBLIC_KEY_QUALIFIERS: &[&str] = &[
    "APT",
    "ARCHIVE",
    "CACHE",
    "DISTRO",
    "FOREIGN",
    "GPG",
    "GNUPG",
    "HOST",
    "MAP",
    "PARTITION",
    "PGP",
    "PRIMARY",
    "PUB",
    "PUBLIC",
    "RELEASE",
    "REPO",
    "ROUTING",
    "RPM",
    "SHARD",
    "SIGNING",
    "SORT",
    "TRUST",
    "TRUSTED",
    "VERIFICATION",
    "VERIFY",
    "YUM",
];

/// Database-ish words that make `<W>_URL`/`<W>_URI` a connection string.
const DB_WORDS: &[&str] = &[
    "AMQP",
    "BROKER",
    "CASSANDRA",
    "CLICKHOUSE",
    "COUCHDB",
    "DATABASE",
    "DB",
    "ELASTICSEARCH",
    "JDBC",
    "LDAP",
    "MARIADB",
    "MONGO",
    "MONGODB",
    "MQ",
    "MSSQL",
    "MYSQL",
    "NEO4J",
    "ORACLE",
    "PG",
    "POSTGRES",
    "POSTGRESQL",
    "RABBITMQ",
    "REDIS",
    "SMTP",
    "SQL",
    "SQLALCHEMY",
];

/// Whole words that are passwords although they hide it (tool flags and config keys).
const PASSWORD_WORDS: &[&str] = &[
    "DESTKEYPASS",
    "DESTSTOREPASS",
    "KEYPASS",
    "MASTERAUTH",
    "PASS",
    "PASSIN",
    "PASSOUT",
    "PW",
    "PWD",
    "REQUIREPASS",
    "SRCKEYPASS",
    "SRCSTOREPASS",
    "STOREPASS",
];

/// Classifies a variable, argument, label or config key name; `None` if the name does
/// not announce a secret. See the module documentation for the rules.
#[must_use]
pub fn sensitive_name(name: &str) -> Option<NameHint> {
    const KEY: &[&str] = &["KEY", "KEYS"];

    let trimmed = name.trim().trim_start_matches('-');
    if trimmed.eq_ignore_ascii_case("PWD") || trimmed.eq_ignore_ascii_case("OLDPWD") {
        return None;
    }
    let words = split_words(trimmed);
    let last = words.last()?.as_str();

    if let Some(hint) = connection_string(&words) {
        return Some(hint);
    }
    // Vault's AppRole SecretID is a secret although it ends in ID.
    if last == "ID" && words.len() >= 2 && words[words.len() - 2] == "SECRET" {
        return Some(hint(NameCategory::Secret, ValueRule::AnyLiteral));
    }
    if DESCRIPTORS.binary_search(&last).is_ok() {
        return None;
    }

    let any = |f: &dyn Fn(&str) -> bool| words.iter().any(|w| f(w));
    let adjacent = |a: &[&str], b: &[&str]| {
        words
            .windows(2)
            .any(|p| a.contains(&p[0].as_str()) && b.contains(&p[1].as_str()))
    };

    if adjacent(&["PRIVATE", "PRIV", "SSH", "TLS", "SSL"], KEY)
        || any(&|w| w == "PRIVATEKEY" || w == "PRIVKEY")
    {
        return Some(hint(NameCategory::PrivateKey, ValueRule::AnyLiteral));
    }
    if any(&is_password_word) {
        return Some(hint(NameCategory::Password, ValueRule::AnyLiteral));
    }
    if any(&|w| w.contains("SECRET") && !w.contains("SECRETARY")) {
        return Some(hint(NameCategory::Secret, ValueRule::AnyLiteral));
    }

    // Below, a name about public material is not a secret: `PUBLIC_API_KEY` is meant to be
    // shipped to browsers, `GPG_KEY` is a fingerprint.
    let public = any(&|w| matches!(w, "PUBLIC" | "PUB" | "PUBKEY"));
    if public {
        return None;
    }
    if any(&|w| w == "TOKEN" || w == "TOKENS" || (w.len() > 5 && w.ends_with("TOKEN"))) {
        return Some(hint(NameCategory::Token, ValueRule::AnyLiteral));
    }
    if adjacent(&["API"], KEY) || any(&|w| w.ends_with("APIKEY") || w.ends_with("APIKEYS")) {
        return Some(hint(NameCategory::ApiKey, ValueRule::AnyLiteral));
    }
    if adjacent(&["ACCESS"], KEY) || any(&|w| w == "ACCESSKEY") {
        return Some(hint(NameCategory::AccessKey, ValueRule::AnyLiteral));
    }
    if any(&|w| matches!(w, "CREDENTIAL" | "CREDENTIALS" | "CREDS" | "CRED")) {
        return Some(hint(NameCategory::Credentials, ValueRule::AnyLiteral));
    }
    if let Some(rule) = key_rule(&words) {
        return Some(hint(NameCategory::Key, rule));
    }
    if matches!(last, "AUTH" | "AUTHORIZATION" | "BASICAUTH" | "HTTPAUTH") {
        return Some(hint(NameCategory::Auth, ValueRule::CredentialShaped));
    }
    None
}

fn hint(category: NameCategory, rule: ValueRule) -> NameHint {
    NameHint { category, rule }
}

fn is_password_word(w: &str) -> bool {
    (w.contains("PASSWORD") && !w.contains("PASSWORDLESS"))
        || w.contains("PASSWD")
        || w.contains("PASSPHRASE")
        || (w.len() > 3 && w.ends_with("PWD"))
        || PASSWORD_WORDS.contains(&w)
}

/// `DATABASE_URL`, `REDIS_URI`, `SENTRY_DSN`, `CONNECTION_STRING`…
fn connection_string(words: &[String]) -> Option<NameHint> {
    let last = words.last()?.as_str();
    let found = match last {
        "DSN" | "CONNSTR" | "CONNECTIONSTRING" | "CONNSTRING" => true,
        "STRING" | "STR" => {
            words.len() >= 2 && matches!(words[words.len() - 2].as_str(), "CONNECTION" | "CONN")
        }
        "URL" | "URI" => words[..words.len() - 1]
            .iter()
            .any(|w| DB_WORDS.contains(&w.as_str())),
        _ => false,
    };
    found.then_some(hint(
        NameCategory::ConnectionString,
        ValueRule::EmbeddedCredentials,
    ))
}

/// `<Q>_KEY` or `<Q>KEY`: strong, ambiguous, or (for public material) not a secret.
fn key_rule(words: &[String]) -> Option<ValueRule> {
    let verification = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "GPG" | "PGP" | "GNUPG" | "GPGKEY" | "GPGKEYS" | "KEYSERVER" | "KEYRING" | "KEYID"
        )
    });
    if verification {
        return None;
    }
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        let qualifier = if w == "KEY" || w == "KEYS" {
            if i == 0 {
                Some("")
            } else {
                Some(words[i - 1].as_str())
            }
        } else {
            w.strip_suffix("KEYS")
                .or_else(|| w.strip_suffix("KEY"))
                .filter(|q| STRONG_KEY_QUALIFIERS.contains(q))
        };
        let Some(q) = qualifier else { continue };
        if PUBLIC_KEY_QUALIFIERS.contains(&q) {
            return None;
        }
        let rule = if STRONG_KEY_QUALIFIERS.contains(&q) {
            ValueRule::AnyLiteral
        } else {
            ValueRule::CredentialShaped
        };
        if found.is_none() || rule == ValueRule::AnyLiteral {
            found = Some(rule);
        }
    }
    found
}

/// Upper-cased words of a name: split on anything not alphanumeric and on camelCase
/// boundaries (`dbPassword` → `DB PASSWORD`, `APIKey` → `API KEY`).
pub(crate) fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_for_lookup() {
        assert!(
            DESCRIPTORS.windows(2).all(|w| w[0] < w[1]),
            "DESCRIPTORS must stay sorted"
        );
    }

    #[test]
    fn splits_snake_kebab_dotted_and_camel_case() {
        assert_eq!(
            split_words("MYSQL_ROOT_PASSWORD"),
            ["MYSQL", "ROOT", "PASSWORD"]
        );
        assert_eq!(
            split_words("spring.datasource.password"),
            ["SPRING", "DATASOURCE", "PASSWORD"]
        );
        assert_eq!(split_words("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(split_words("APIKey"), ["API", "KEY"]);
        assert_eq!(split_words("_authToken"), ["AUTH", "TOKEN"]);
        assert_eq!(split_words("x-api-key"), ["X", "API", "KEY"]);
    }

    fn cat(name: &str) -> Option<NameCategory> {
        sensitive_name(name).map(|h| h.category)
    }

    #[test]
    fn sensitive_names() {
        use NameCategory::*;
        let table: &[(&str, NameCategory)] = &[
            ("PASSWORD", Password),
            ("MYSQL_ROOT_PASSWORD", Password),
            ("POSTGRES_PASSWORD", Password),
            ("DB_PASS", Password),
            ("DB_PWD", Password),
            ("ORACLE_PWD", Password),
            ("dbPassword", Password),
            ("spring.datasource.password", Password),
            ("GPG_PASSPHRASE", Password),
            ("storepass", Password),
            ("passout", Password),
            ("SECRET", Secret),
            ("CLIENT_SECRET", Secret),
            ("SECRET_KEY_BASE", Secret),
            ("AWS_SECRET_ACCESS_KEY", Secret),
            ("VAULT_SECRET_ID", Secret),
            ("TOKEN", Token),
            ("GITHUB_TOKEN", Token),
            ("NPMTOKEN", Token),
            ("_authToken", Token),
            ("JDK8_TOKEN", Token),
            ("API_KEY", ApiKey),
            ("APIKEY", ApiKey),
            ("x-api-key", ApiKey),
            ("DD_API_KEY", ApiKey),
            ("MINIO_ACCESS_KEY", AccessKey),
            ("PRIVATE_KEY", PrivateKey),
            ("SSH_PRIVATE_KEY", PrivateKey),
            ("GPG_PRIVATE_KEY", PrivateKey),
            ("SSH_KEY", PrivateKey),
            ("CREDENTIALS", Credentials),
            ("REGISTRY_CREDS", Credentials),
            ("ENCRYPTION_KEY", Key),
            ("LICENSE_KEY", Key),
            ("APP_KEY", Key),
            ("STRIPE_KEY", Key),
            ("KEY", Key),
            ("BASIC_AUTH", Auth),
            ("_auth", Auth),
            ("DATABASE_URL", ConnectionString),
            ("SQLALCHEMY_DATABASE_URI", ConnectionString),
            ("SENTRY_DSN", ConnectionString),
            ("CONNECTION_STRING", ConnectionString),
        ];
        for (name, want) in table {
            assert_eq!(cat(name), Some(*want), "{name}");
        }
    }

    #[test]
    fn strong_and_ambiguous_keys() {
        assert_eq!(
            sensitive_name("ENCRYPTION_KEY").map(|h| h.rule),
            Some(ValueRule::AnyLiteral)
        );
        assert_eq!(
            sensitive_name("STRIPE_KEY").map(|h| h.rule),
            Some(ValueRule::CredentialShaped)
        );
        assert_eq!(
            sensitive_name("BASIC_AUTH").map(|h| h.rule),
            Some(ValueRule::CredentialShaped)
        );
    }

    #[test]
    fn names_that_only_describe_a_secret_are_not_sensitive() {
        for name in [
            "PWD",
            "OLDPWD",
            "POSTGRES_PASSWORD_FILE",
            "MYSQL_ROOT_PASSWORD_FILE",
            "PWD_FILE",
            "DECRYPT_PWD_FILE",
            "SECRETS_DIR",
            "TOKEN_PATH",
            "TOKEN_URL",
            "DOWNLOAD_URL",
            "PASSWORD_MIN_LENGTH",
            "PASSWORD_HASH",
            "TOKEN_TIMEOUT",
            "AUTH_HEADER",
            "AUTH_TYPE",
            "POSTGRES_HOST_AUTH_METHOD",
            "SECRET_NAME",
            "API_KEY_ENABLED",
            "DB_USER",
            "TOKEN_USERNAME",
            "AWS_ACCESS_KEY_ID",
            "KMS_KEY_ID",
            "RABBITMQ_PGP_KEY_ID",
            "OPENSSL_PGP_KEY_IDS",
            "NODE_VERSION",
            "PYTHON_SHA256",
            "GOSU_SHA512",
            "TINI_CHECKSUM",
            "GPG_KEY",
            "GPG_KEYS",
            "JETTY_GPG_KEYS",
            "PYTHON_GPG_KEY",
            "GPG_COUCH_KEY",
            "WORDPRESS_CLI_GPG_KEY",
            "SWIFT_SIGNING_KEY",
            "GHC_RELEASE_KEY",
            "CABAL_INSTALL_RELEASE_KEY",
            "KEYSERVER",
            "PGP_KEYSERVER",
            "APT_KEYRING",
            "SIGNING_KEY_FINGERPRINT",
            "PUBLIC_KEY",
            "SSH_PUBLIC_KEY",
            "NEXT_PUBLIC_TOKEN",
            "KEY_DIR",
            "TOKENIZERS_PARALLELISM",
            "AUTHORS",
            "org.opencontainers.image.authors",
            "AUTH_SERVER",
            "KEEPASSXC_VERSION",
            "BYPASS",
            "PASSWORDLESS",
            "MONKEY",
            "HOSTNAME",
            "PROXY_URL",
            "SECRETARY",
        ] {
            assert_eq!(sensitive_name(name), None, "{name}");
        }
    }
}

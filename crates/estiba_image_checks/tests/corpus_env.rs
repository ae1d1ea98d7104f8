//! The environment-secret rule on real images' environments: every `ENV` of the real
//! Dockerfiles in `testdata/dockerfiles` (written by others; see its MANIFEST.tsv),
//! expanded as the build expands it, put into an image config and checked as the
//! built image would be. Official images set checksums, GPG key fingerprints, versions
//! and URLs there — none of it is a secret, so none may be reported.

use std::collections::BTreeMap;
use std::path::Path;

use estiba_dockerfile::InstructionKind;
use estiba_dockerfile::expand::expand_lenient;
use estiba_image::ImageConfig;
use estiba_image_checks::ImageSettings;
use estiba_image_checks::rules::EnvSecret;

/// Source repositories of Docker Official Images present in the corpus.
const OFFICIAL_SOURCES: &[&str] = &[
    "docker-library/",
    "31z4/zookeeper-docker",
    "Kong/docker-kong",
    "MariaDB/mariadb-docker",
    "Perl/docker-perl",
    "Quantisan/docker-clojure",
    "adoptium/containers",
    "carlossg/docker-maven",
    "corretto/corretto-docker",
    "erlang/docker-erlang-otp",
    "fluent/fluentd-docker-image",
    "haskell/docker-haskell",
    "keeganwitt/docker-gradle",
    "nextcloud/docker",
    "nginxinc/docker-nginx",
    "nodejs/docker-node",
    "rust-lang/docker-rust",
    "traefik/traefik-library-image",
];

/// `KEY=value` lines of every stage's environment, as the build would set them.
fn environment(text: &str) -> Vec<String> {
    let dockerfile = estiba_dockerfile::parse(text);
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut lines = Vec::new();
    for instruction in &dockerfile.instructions {
        match &instruction.kind {
            // A new stage starts from its base image's environment, unknown here.
            InstructionKind::From { .. } => env.clear(),
            InstructionKind::Env(pairs) => {
                for pair in pairs {
                    let value = expand_lenient(pair.value.as_str(), &env, dockerfile.escape).value;
                    env.insert(pair.key.as_str().to_owned(), value.clone());
                    lines.push(format!("{}={value}", pair.key.as_str()));
                }
            }
            _ => {}
        }
    }
    lines
}

#[test]
fn official_image_environments_hold_no_secrets() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let settings = ImageSettings {
        today: "2026-12-05".to_owned(),
        max_age_days: 90,
    };
    let (mut files, mut values, mut reported) = (0, 0, Vec::new());
    for row in manifest.lines().skip(1) {
        let mut fields = row.split('\t');
        let (Some(file), Some(repo)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !OFFICIAL_SOURCES.iter().any(|s| repo.starts_with(s)) {
            continue;
        }
        let bytes = std::fs::read(corpus.join(file)).expect(file);
        let env = environment(&String::from_utf8_lossy(&bytes));
        files += 1;
        values += env.len();
        let mut config = ImageConfig::default();
        config.config.env = env;
        for finding in estiba_image_checks::check_config(&EnvSecret, &config, &settings) {
            reported.push(format!("{file}: {}", finding.message));
        }
    }
    eprintln!("{files} official-image Dockerfiles, {values} ENV values checked");
    // The same path reports a token set the same way (built from pieces: no literal
    // token in the source tree).
    let token = format!("ghp_{}", "Zq7vK2mP9xR4tL8wN3bH6jD1fS5gA0cE2yU7");
    let mut config = ImageConfig::default();
    config.config.env = environment(&format!(
        "FROM scratch\nARG V=1\nENV GH_TOKEN=\"{token}\" VERSION=$V\n"
    ));
    assert_eq!(
        estiba_image_checks::check_config(&EnvSecret, &config, &settings).len(),
        1,
        "{:?}",
        config.config.env
    );
    assert!(
        files > 400 && values > 2000,
        "{files} files, {values} values"
    );
    assert!(reported.is_empty(), "{reported:#?}");
}

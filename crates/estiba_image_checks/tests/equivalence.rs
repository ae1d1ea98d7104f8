//! The same image must give the same findings whichever way it is read: `docker save`,
//! an OCI layout, an OCI archive, a registry (gzip and zstd layers), the Docker Engine,
//! and a second scan answered from the layer cache. The images, the registry and the
//! engine are the real ones `scripts/services.sh` starts and builds; the test skips with
//! a message without them (CI always has them).

use std::path::PathBuf;

use estiba_diagnostics::{Finding, Location};
use estiba_image::{LayerCache, OpenOptions, open_str};
use estiba_image_checks::{ImageSettings, scan};

/// What a finding says about the image, without the name the source gave it.
type Said = (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn said(findings: Vec<Finding>) -> Vec<Said> {
    let mut said: Vec<Said> = findings
        .into_iter()
        .map(|f| {
            let (layer, path) = match f.location {
                Location::Image { layer, path, .. } => (layer, path),
                other => panic!("{}: not an image location: {other:?}", f.rule),
            };
            (f.rule, layer, path, f.message, f.evidence)
        })
        .collect();
    said.sort();
    said
}

fn findings_of(source: &str, options: &OpenOptions, cache: Option<&LayerCache>) -> Vec<Said> {
    let image = open_str(source, options).unwrap_or_else(|e| panic!("{source}: {e}"));
    let settings = ImageSettings {
        today: "2026-12-05".to_owned(),
        max_age_days: 100_000,
    };
    let scanned = scan(image.as_ref(), source, &options.limits, &settings, cache)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    if cache.is_some() {
        let cached = scanned.walk.layers.iter().filter(|l| l.from_cache).count();
        eprintln!(
            "{source}: {cached} of {} layers from the cache",
            scanned.walk.layers.len()
        );
    }
    said(scanned.findings)
}

struct Services {
    images: PathBuf,
    registry: String,
    docker_host: String,
}

fn services() -> Option<Services> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        var("ESTIBA_TEST_IMAGES"),
        var("ESTIBA_TEST_REGISTRY"),
        var("ESTIBA_TEST_DOCKER_HOST"),
    ) {
        (Some(images), Some(registry), Some(docker_host)) => Some(Services {
            images: PathBuf::from(images),
            registry,
            docker_host,
        }),
        _ => {
            eprintln!(
                "skipped: ESTIBA_TEST_IMAGES, ESTIBA_TEST_REGISTRY and ESTIBA_TEST_DOCKER_HOST \
                 are needed (run scripts/services.sh start DIR)"
            );
            None
        }
    }
}

/// Validates that every source of the planted and the Debian image gives identical
/// findings (rule, layer, path, message, evidence), and that a scan answered from the
/// layer cache does too.
#[test]
fn every_source_gives_the_same_findings() {
    let Some(services) = services() else {
        return;
    };
    let options = OpenOptions {
        docker_host: Some(services.docker_host.clone()),
        ..OpenOptions::default()
    };
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = LayerCache::new(cache_dir.path(), 1 << 30).unwrap();
    for (name, tag, zstd_tag) in [("planted", "1", "zstd"), ("debian", "12", "zstd")] {
        let file = |suffix: &str| services.images.join(format!("{name}{suffix}"));
        let reference = format!("estiba-test/{name}:{tag}");
        let sources = [
            format!("docker-archive:{}", file(".docker.tar").display()),
            format!("oci:{}", file(".oci").display()),
            format!("oci-archive:{}", file(".oci.tar").display()),
            format!("registry:{}/{reference}", services.registry),
            format!("{}/estiba-test/{name}:{zstd_tag}", services.registry),
            format!("docker-daemon:{reference}"),
        ];
        let expected = findings_of(&sources[0], &options, None);
        assert!(
            expected.len() >= 3,
            "{}: only {} findings",
            sources[0],
            expected.len()
        );
        for source in &sources[1..] {
            let got = findings_of(source, &options, None);
            assert!(
                got == expected,
                "{source} differs from {}:\n{got:#?}\n{expected:#?}",
                sources[0]
            );
        }
        // Filled by the first scan, answered by the second; both must agree with the rest.
        for round in ["filling", "cached"] {
            let got = findings_of(&sources[0], &options, Some(&cache));
            assert!(got == expected, "{round} scan differs");
        }
        // The registry's zstd layers share diff_ids with the archive's: the cache serves them.
        let got = findings_of(&sources[4], &options, Some(&cache));
        assert!(got == expected, "cached registry scan differs");
    }
}

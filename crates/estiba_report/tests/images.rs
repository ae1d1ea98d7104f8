//! The image summaries a report carries for image scans: the header of the `text`
//! format and the `images` array of the JSON report, and the other formats still valid
//! when a report has them.

mod fixture;

use std::path::Path;

use estiba_report::{DistroSummary, Format, ImageSummary, LayerSize, Report, WastedPath};
use fixture::{JUNIT_SCHEMA, RULES, TOOL_NAME, TOOL_VERSION, fixture, options, xmllint};
use serde_json::Value;

fn summaries() -> Vec<ImageSummary> {
    vec![
        ImageSummary {
            reference: "docker-archive:app.tar".into(),
            digest: Some(
                "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
            ),
            platform: Some("linux/amd64".into()),
            distro: Some(DistroSummary {
                id: "debian".into(),
                version_id: Some("12".into()),
                name: "Debian GNU/Linux 12 (bookworm)".into(),
                distroless: false,
            }),
            size_bytes: 80 * 1024 * 1024,
            file_bytes: 60 * 1024 * 1024,
            wasted_bytes: 6 * 1024 * 1024,
            layers: 3,
            created: Some("2026-11-01T10:00:00Z".into()),
            age_days: Some(34),
            layer_sizes: vec![
                LayerSize {
                    diff_id: Some("sha256:aa".into()),
                    size_bytes: 70 * 1024 * 1024,
                    wasted_bytes: 6 * 1024 * 1024,
                    created_by: Some("/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ".into()),
                },
                LayerSize {
                    diff_id: Some("sha256:bb".into()),
                    size_bytes: 10 * 1024 * 1024,
                    wasted_bytes: 0,
                    created_by: Some("RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit".into()),
                },
            ],
            largest_wasted: vec![WastedPath {
                path: "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4".into(),
                size_bytes: 6 * 1024 * 1024,
                layer: 0,
                hidden_by: 1,
            }],
        },
        // A `dir:` root: no manifest, no platform, no distribution, no date.
        ImageSummary {
            reference: "dir:rootfs".into(),
            layers: 1,
            ..ImageSummary::default()
        },
    ]
}

fn render(format: Format, images: &[ImageSummary]) -> String {
    let fixture = fixture();
    let lookup = |path: &str| fixture.sources.get(path);
    let mut report = Report::new(&fixture.findings, &RULES, TOOL_NAME, TOOL_VERSION);
    report.sources = &lookup;
    report.targets = &fixture.targets;
    report.errors = &fixture.errors;
    report.images = images;
    let mut out = Vec::new();
    estiba_report::emit(format, &report, &options(), &mut out).expect("writing to a Vec");
    String::from_utf8(out).expect("UTF-8")
}

fn schema(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("reading schema");
    jsonschema::options()
        .build(&serde_json::from_str(&text).expect("schema is JSON"))
        .expect("schema compiles")
}

/// Validates that the JSON report lists each scanned image with what the text header
/// shows, and still matches its schema.
#[test]
fn json_images() {
    let output = render(Format::Json, &summaries());
    let document: Value = serde_json::from_str(&output).expect("JSON");
    let validator = schema("schema/estiba-report-v1.schema.json");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let first = &document["images"][0];
    assert_eq!(first["reference"], "docker-archive:app.tar");
    assert_eq!(first["distro"]["id"], "debian");
    assert_eq!(first["distro"]["version_id"], "12");
    assert_eq!(first["layers"], 3);
    assert_eq!(first["age_days"], 34);
    assert_eq!(first["layer_sizes"][1]["size_bytes"], 10 * 1024 * 1024);
    assert_eq!(first["largest_wasted"][0]["hidden_by"], 1);
    assert!(document["images"][1].get("distro").is_none());
    // Reports of other targets have no `images` at all.
    let lint: Value = serde_json::from_str(&render(Format::Json, &[])).expect("JSON");
    assert!(lint.get("images").is_none());
}

/// Validates that the text format prints each image's header above the findings.
#[test]
fn text_header() {
    let output = render(Format::Text, &summaries());
    let expected = "image     docker-archive:app.tar\n\
                    digest    sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n\
                    platform  linux/amd64\n\
                    distro    Debian GNU/Linux 12 (bookworm)\n\
                    created   2026-11-01T10:00:00Z (34 days ago)\n\
                    layers    3 (80.0 MiB uncompressed)\n\
                    wasted    6.0 MiB (90% efficiency)\n\
                    \x20   0       70.0 MiB  wasted     6.0 MiB  /bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc345…\n\
                    \x20   1       10.0 MiB  wasted     0.0 MiB  RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit\n\
                    \x20 hidden      6.0 MiB  /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4 (layer 0, hidden by layer 1)\n\n\
                    image     dir:rootfs\n\
                    digest    -\n\
                    platform  -\n\
                    distro    -\n\
                    created   -\n\
                    layers    1 (0.0 MiB uncompressed)\n\
                    wasted    0.0 MiB (100% efficiency)\n\n";
    assert!(output.starts_with(expected), "{output}");
    assert!(
        output[expected.len()..].starts_with("Dockerfile:"),
        "{output}"
    );
}

/// Validates that SARIF and JUnit output stay valid when the report carries images.
#[test]
fn other_formats_stay_valid() {
    let sarif: Value =
        serde_json::from_str(&render(Format::Sarif, &summaries())).expect("SARIF is JSON");
    let validator = schema("tests/schemas/sarif-schema-2.1.0.json");
    assert!(validator.is_valid(&sarif));
    let junit = render(Format::Junit, &summaries());
    match xmllint(Some(JUNIT_SCHEMA), &junit) {
        Some(result) => result.expect("JUnit matches its schema"),
        None => eprintln!("skipped the JUnit schema check: xmllint is not installed"),
    }
}

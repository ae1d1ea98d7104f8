//! The image half of the rule catalogue: rules that judge an image's config, its build
//! history and the files of its layers, all from one [`ImageContext`] built by a single
//! walk of the image (see `estiba_image`).
//!
//! Each rule is one file in `rules/` with its declaration (code, severity, practice,
//! references, docs) and its check, registered in [`rules::RULES`].

mod context;
mod files;
pub mod rules;

pub use context::{ImageContext, ImageSettings};
pub use files::{AccountFiles, FileSecret, SecretFiles, is_secret_prone};

use estiba_diagnostics::{Declared, Finding, Location, RuleMeta, assign_fingerprints};
use estiba_image::{ImageSource, Limits, WalkReport};

/// One image, checked: what the walk saw and what the rules found.
pub struct ImageScan {
    pub walk: WalkReport,
    pub findings: Vec<Finding>,
}

/// Walks `image` once with the visitors the rules need, then runs every image rule.
/// `reference` is how findings name the image.
///
/// # Errors
/// When the image cannot be read or fails verification; no partial findings then, since
/// visitors may have seen content of a layer that turned out not to match its digest.
pub fn scan(
    image: &dyn ImageSource,
    reference: &str,
    limits: &Limits,
    settings: &ImageSettings,
) -> Result<ImageScan, estiba_image::Error> {
    let mut secret_files = SecretFiles::default();
    let mut accounts = AccountFiles::default();
    let walk = estiba_image::walk(image, limits, &mut [&mut secret_files, &mut accounts])?;
    // A database deleted by a later layer is not in the image's filesystem.
    fn shipped<'a>(
        walk: &WalkReport,
        file: &'a Option<(usize, Vec<u8>)>,
        path: &str,
    ) -> Option<(usize, &'a [u8])> {
        file.as_ref()
            .filter(|(layer, _)| {
                walk.fs
                    .get(path)
                    .is_some_and(|n| n.provenance.last_layer() == *layer)
            })
            .map(|(layer, bytes)| (*layer, bytes.as_slice()))
    }
    let cx = ImageContext {
        reference,
        config: &image.config().config,
        walk: &walk,
        file_secrets: &secret_files.found,
        passwd: shipped(&walk, &accounts.passwd, "/etc/passwd"),
        shadow: shipped(&walk, &accounts.shadow, "/etc/shadow"),
        settings,
    };
    let findings = check(&cx);
    Ok(ImageScan { walk, findings })
}

/// The logic half of an image rule: look at the image through `cx` and report into `out`.
pub trait ImageCheck: Declared + Sync + Send {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>);
}

/// Where an image rule reports: fills in the rule's catalogue data on every finding.
pub struct Reporter<'a> {
    meta: &'static RuleMeta,
    image: &'a str,
    findings: &'a mut Vec<Finding>,
}

impl Reporter<'_> {
    /// A finding about the image as a whole, a layer (by index) and/or a path in it.
    pub fn report(
        &mut self,
        layer: Option<String>,
        path: Option<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let location = Location::Image {
            image: self.image.to_owned(),
            layer,
            path,
        };
        self.findings
            .push(Finding::new(self.meta, location, message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Every image rule of the catalogue.
#[must_use]
pub fn catalogue() -> Vec<&'static RuleMeta> {
    rules::RULES.iter().map(|r| r.meta()).collect()
}

/// Runs every image rule over `cx`; findings come back sorted and fingerprinted.
#[must_use]
pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::RULES {
        let mut out = Reporter {
            meta: rule.meta(),
            image: cx.reference,
            findings: &mut findings,
        };
        rule.check(cx, &mut out);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    assign_fingerprints(&mut findings, None);
    findings
}

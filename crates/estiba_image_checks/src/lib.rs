//! The image half of the rule catalogue: rules that judge an image's config, its build
//! history and the files of its layers, all from one [`ImageContext`] built by a single
//! walk of the image (see `estiba_image`).
//!
//! Each rule is one file in `rules/` with its declaration (code, severity, practice,
//! references, docs) and its check, registered in [`rules::RULES`].

mod context;
mod distro;
mod files;
mod history;
pub mod rules;
#[cfg(test)]
mod test_util;

pub use context::{ImageContext, ImageSettings};
pub use distro::{Distro, ReleaseFiles};
pub use files::{AccountFiles, FileSecret, SecretFiles, is_secret_prone};

use estiba_diagnostics::{Declared, Finding, Location, RuleMeta, assign_fingerprints};
use estiba_image::{FileAnalyzer, ImageConfig, ImageSource, LayerCache, Limits, WalkReport};

/// One image, checked: what the walk saw and what the rules found.
pub struct ImageScan {
    pub walk: WalkReport,
    /// The distribution the image is built on, when it can be told.
    pub distro: Option<Distro>,
    pub findings: Vec<Finding>,
}

/// Where [`scan_with`]'s extra analyzers start in the walk's analyzer list.
pub const EXTRA_ANALYZERS_FROM: usize = 3;

/// Walks `image` once with the analyzers the rules need (through `cache` when given),
/// then runs every image rule. `reference` is how findings name the image.
///
/// # Errors
/// When the image cannot be read or fails verification; no partial findings then, since
/// analyzers may have seen content of a layer that turned out not to match its digest.
pub fn scan(
    image: &dyn ImageSource,
    reference: &str,
    limits: &Limits,
    settings: &ImageSettings,
    cache: Option<&LayerCache>,
) -> Result<ImageScan, estiba_image::Error> {
    scan_with(image, reference, limits, settings, cache, &[])
}

/// [`scan`], with `extra` analyzers carried by the same walk (the package catalogers,
/// so that the image is read once); their observations are in the returned walk from
/// position [`EXTRA_ANALYZERS_FROM`] of its analyzer list on.
///
/// # Errors
/// As [`scan`].
pub fn scan_with(
    image: &dyn ImageSource,
    reference: &str,
    limits: &Limits,
    settings: &ImageSettings,
    cache: Option<&LayerCache>,
    extra: &[&dyn FileAnalyzer],
) -> Result<ImageScan, estiba_image::Error> {
    // Positions in the analyzer list, which is also the cache key's order.
    const SECRETS: usize = 0;
    const ACCOUNTS: usize = 1;
    const RELEASES: usize = 2;
    let mut analyzers: Vec<&dyn FileAnalyzer> = vec![&SecretFiles, &AccountFiles, &ReleaseFiles];
    debug_assert_eq!(analyzers.len(), EXTRA_ANALYZERS_FROM);
    analyzers.extend_from_slice(extra);
    let walk = match cache {
        Some(cache) => estiba_image::walk_cached(image, limits, &analyzers, cache)?,
        None => estiba_image::walk(image, limits, &analyzers)?,
    };
    let file_secrets = SecretFiles::collect(&walk, SECRETS);
    let distro = ReleaseFiles::identify(&walk, RELEASES);
    let cx = ImageContext {
        reference,
        config: &image.config().config,
        walk: &walk,
        file_secrets: &file_secrets,
        passwd: AccountFiles::shipped(&walk, ACCOUNTS, "/etc/passwd"),
        shadow: AccountFiles::shipped(&walk, ACCOUNTS, "/etc/shadow"),
        distro: distro.as_ref(),
        settings,
    };
    let findings = check(&cx);
    Ok(ImageScan {
        walk,
        distro,
        findings,
    })
}

/// Whole days from the image's build date (`created` in its config) to `today`
/// (`YYYY-MM-DD`); `None` when either is missing or unreadable, or the build date is
/// the epoch that reproducible builds record.
#[must_use]
pub fn image_age_days(config: &estiba_image::ImageConfig, today: &str) -> Option<i64> {
    rules::age_days(config.created.as_deref()?, today)
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

/// The findings of one rule on an image known only by its config (an empty
/// filesystem): for rules that judge the config, and for checking them on configs
/// that were never built.
#[must_use]
pub fn check_config(
    rule: &dyn ImageCheck,
    config: &ImageConfig,
    settings: &ImageSettings,
) -> Vec<Finding> {
    let walk = WalkReport {
        fs: estiba_image::FsIndex::new(),
        layers: Vec::new(),
        observations: Vec::new(),
    };
    let cx = ImageContext {
        reference: "config",
        config,
        walk: &walk,
        file_secrets: &[],
        passwd: None,
        shadow: None,
        distro: None,
        settings,
    };
    let mut findings = Vec::new();
    let mut out = Reporter {
        meta: rule.meta(),
        image: cx.reference,
        findings: &mut findings,
    };
    rule.check(&cx, &mut out);
    findings
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

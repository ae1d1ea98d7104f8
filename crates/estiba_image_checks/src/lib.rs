//! The image half of the rule catalogue: rules that judge an image's config, its build
//! history and the files of its layers, all from one [`ImageContext`] built by a single
//! walk of the image (see `estiba_image`).
//!
//! Each rule is one file in `rules/` with its declaration (code, severity, practice,
//! references, docs) and its check, registered in [`rules::RULES`].

mod context;
pub mod rules;

pub use context::ImageContext;

use estiba_diagnostics::{Declared, Finding, Location, RuleMeta, assign_fingerprints};

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

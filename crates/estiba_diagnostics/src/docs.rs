//! Rule documentation generated from the declarations: `estiba rule CODE` prints
//! [`rule_page`], and `docs/rules/` holds the same pages plus [`index`]. A test fails
//! when the committed files are stale.

use std::fmt::Write;

use crate::{ReferenceKind, RuleMeta};

/// The full Markdown page of one rule.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# {} `{}`\n", meta.code, meta.name);
    let _ = writeln!(page, "**{}**\n", meta.title);
    let _ = writeln!(
        page,
        "| severity | practice | fix | status |\n|---|---|---|---|\n| {} | {} ({}) | {} | {} |\n",
        meta.severity,
        meta.practice,
        meta.practice.title(),
        match meta.fix {
            crate::FixAvailability::None => "none",
            crate::FixAvailability::Sometimes => "sometimes",
            crate::FixAvailability::Always => "always",
        },
        match meta.lifecycle {
            crate::Lifecycle::Preview => "preview",
            crate::Lifecycle::Stable => "stable",
            crate::Lifecycle::Deprecated => "deprecated",
            crate::Lifecycle::Removed => "removed",
        }
    );
    page.push_str(meta.markdown().trim_end());
    page.push_str("\n\n## Remediation\n");
    let _ = writeln!(page, "{}", meta.remediation);
    if !meta.references.is_empty() {
        page.push_str("\n## Same check elsewhere\n");
        for reference in meta.references {
            match reference.url_for() {
                Some(url) if reference.kind != ReferenceKind::Url => {
                    let _ = writeln!(
                        page,
                        "- {}: [{}]({url})",
                        reference.kind.label(),
                        reference.id
                    );
                }
                Some(url) => {
                    let _ = writeln!(page, "- <{url}>");
                }
                None => {
                    let _ = writeln!(page, "- {}: {}", reference.kind.label(), reference.id);
                }
            }
        }
    }
    page
}

/// The catalogue table, `docs/rules/README.md`.
pub fn index(catalogue: &[&RuleMeta]) -> String {
    let mut page = String::from(
        "# Rule catalogue\n\nGenerated from the rule declarations (`crates/estiba_lint/src/rules/` for Dockerfiles, \
         `crates/estiba_image_checks/src/rules/` for images); do not edit by hand. `estiba rule CODE` prints the same pages.\n\n\
         | code | name | severity | practice | title | hadolint |\n|---|---|---|---|---|---|\n",
    );
    for meta in catalogue {
        let hadolint: Vec<&str> = meta.hadolint_ids().collect();
        let _ = writeln!(
            page,
            "| [{code}]({code}.md) | `{}` | {} | {} | {} | {} |",
            meta.name,
            meta.severity,
            meta.practice,
            meta.title.replace('|', "\\|"),
            hadolint.join(", "),
            code = meta.code,
        );
    }
    page
}

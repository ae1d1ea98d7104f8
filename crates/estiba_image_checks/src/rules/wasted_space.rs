use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Measures the bytes the image ships but nobody can use: file versions that a later
    /// layer overwrote or deleted (dive's "wasted space"). Reported when they reach 20 MiB
    /// or 10% of the image's file bytes (and at least 1 MiB), with the largest of them.
    ///
    /// ## Why is this bad?
    /// Deleting a file in a later layer does not make the image smaller: every pull still
    /// downloads the layer that holds it. Caches cleaned in a separate `RUN`, archives
    /// unpacked then removed, and files rewritten by `chmod`/`chown` in their own layer
    /// are the usual causes.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y build-essential
    /// RUN rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y build-essential \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct WastedSpace {
        code: "IM011",
        name: "image-wasted-space",
        title: "Layers ship files that later layers hide",
        severity: Low,
        practice: P2,
        target: Image,
        references: [],
        fix: None,
        remediation: "Create and remove temporary files in the same `RUN`, set modes with `COPY --chmod`/`--chown`, or use a multi-stage build.",
    }
}

const MIB: u64 = 1024 * 1024;

impl ImageCheck for WastedSpace {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let wasted = cx.walk.wasted_bytes();
        let total: u64 = cx.walk.layers.iter().map(|l| l.file_bytes).sum();
        if wasted < MIB || (wasted < 20 * MIB && wasted.saturating_mul(10) < total) {
            return;
        }
        let mut largest: Vec<_> = cx
            .walk
            .fs
            .shadowed()
            .iter()
            .filter(|s| s.size > 0)
            .collect();
        largest.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
        let examples: Vec<String> = largest
            .iter()
            .take(5)
            .map(|s| {
                format!(
                    "{} ({}, layer {}, {} by layer {})",
                    s.path,
                    human(s.size),
                    s.layer,
                    s.reason,
                    s.by_layer
                )
            })
            .collect();
        let finding = out.report(
            None,
            None,
            format!(
                "{} of the image's {} of files are overwritten or deleted by later layers ({:.0}% efficiency)",
                human(wasted),
                human(total),
                efficiency(wasted, total) * 100.0
            ),
        );
        finding.evidence = Some(format!("largest: {}", examples.join("; ")));
    }
}

/// The share of shipped file bytes that are visible in the final filesystem.
#[allow(clippy::cast_precision_loss)] // a percentage
pub(crate) fn efficiency(wasted: u64, total: u64) -> f64 {
    if total == 0 {
        return 1.0;
    }
    1.0 - wasted as f64 / total as f64
}

#[allow(clippy::cast_precision_loss)] // sizes shown to one decimal place
pub(crate) fn human(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

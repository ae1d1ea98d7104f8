use estiba_dockerfile::Flag;

use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM --platform=` with a constant value such as `linux/amd64`.
    /// A value built from variables — `$BUILDPLATFORM`, `$TARGETPLATFORM`,
    /// `linux/$TARGETARCH` or an `ARG` of your own — is not flagged: it follows the
    /// platform the build asks for.
    ///
    /// Like BuildKit's own `FromPlatformFlagConstDisallowed` check, a constant platform is
    /// accepted when the stage name contains its OS or architecture (`AS build-arm64`),
    /// since such a stage is deliberately platform-specific. hadolint's DL3029 flags every
    /// value except the two predefined platform ARGs.
    ///
    /// ## Why is this bad?
    /// A constant platform ties the stage to one architecture. Building the image for
    /// another platform (`docker buildx build --platform linux/arm64`) still pulls the
    /// `linux/amd64` base, so the result either runs under emulation or ships binaries for
    /// the wrong architecture under the right label.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.24 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.24 AS build
    /// ```
    pub(crate) struct FromPlatformFlag {
        code: "DF005",
        name: "from-platform-flag",
        title: "`FROM --platform` with a constant value",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3029")],
        fix: None,
        remediation: "Drop `--platform`, or use `$BUILDPLATFORM` for build stages that cross-compile.",
    }
}

impl Check for FromPlatformFlag {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for stage in &model.stages {
            let Some((flag, value)) = platform_flag(&stage.from.flags) else {
                continue;
            };
            let expanded = model.expand_global(value);
            if !expanded.matched.is_empty()
                || !expanded.unresolved.is_empty()
                || expanded.error.is_some()
            {
                continue;
            }
            let platform = expanded.value.trim();
            if platform.is_empty() || named_for(stage.name.as_deref(), platform) {
                continue;
            }
            out.report(
                flag.range,
                format!("`--platform={platform}` fixes this stage to one platform, whatever platform the build targets"),
            );
        }
    }
}

fn platform_flag(flags: &[Flag]) -> Option<(&Flag, &str)> {
    flags
        .iter()
        .rev()
        .find(|f| f.name == "platform")
        .and_then(|f| f.value.as_deref().map(|v| (f, v)))
}

/// Whether the stage name mentions the OS or architecture of `platform`, with
/// architecture aliases normalised as BuildKit's platform parser does.
fn named_for(stage: Option<&str>, platform: &str) -> bool {
    let Some(stage) = stage else { return false };
    let platform = platform.to_ascii_lowercase();
    platform.split('/').take(2).any(|part| {
        let part = match part {
            "x86_64" | "x86-64" => "amd64",
            "aarch64" => "arm64",
            "i386" | "i686" => "386",
            "armhf" | "armel" => "arm",
            other => other,
        };
        !part.is_empty() && stage.contains(part)
    })
}

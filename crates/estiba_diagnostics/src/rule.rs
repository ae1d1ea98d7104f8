use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::{Practice, Severity};

/// Which catalogue a reference id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    /// hadolint rule id (`DL3008`); also used to honour `# hadolint ignore=` pragmas.
    Hadolint,
    /// Trivy / Aqua AVD misconfiguration id (`AVD-DS-0002`).
    Trivy,
    /// Dockle check id (`CIS-DI-0001`, `DKL-DI-0005`).
    Dockle,
    /// CIS Docker Benchmark section (`4.1`).
    CisDocker,
    /// Kubernetes Pod Security Standards level (`baseline`, `restricted`).
    PodSecurity,
    /// A vulnerability or advisory id (CVE, GHSA, OSV id).
    Advisory,
    /// A documentation URL.
    Url,
}

impl ReferenceKind {
    pub const fn label(self) -> &'static str {
        match self {
            ReferenceKind::Hadolint => "hadolint",
            ReferenceKind::Trivy => "Trivy",
            ReferenceKind::Dockle => "Dockle",
            ReferenceKind::CisDocker => "CIS Docker Benchmark",
            ReferenceKind::PodSecurity => "Pod Security Standards",
            ReferenceKind::Advisory => "advisory",
            ReferenceKind::Url => "see",
        }
    }
}

/// An id in another catalogue that means the same thing as an estiba rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub id: Cow<'static, str>,
}

impl Reference {
    pub const fn hadolint(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::Hadolint,
            id: Cow::Borrowed(id),
        }
    }
    pub const fn trivy(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::Trivy,
            id: Cow::Borrowed(id),
        }
    }
    pub const fn dockle(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::Dockle,
            id: Cow::Borrowed(id),
        }
    }
    pub const fn cis(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::CisDocker,
            id: Cow::Borrowed(id),
        }
    }
    pub const fn pod_security(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::PodSecurity,
            id: Cow::Borrowed(id),
        }
    }
    pub const fn url(id: &'static str) -> Self {
        Reference {
            kind: ReferenceKind::Url,
            id: Cow::Borrowed(id),
        }
    }

    /// A link a reader can follow, where the catalogue has stable URLs.
    pub fn url_for(&self) -> Option<String> {
        match self.kind {
            ReferenceKind::Hadolint => Some(format!(
                "https://github.com/hadolint/hadolint/wiki/{}",
                self.id
            )),
            ReferenceKind::Trivy => Some(format!(
                "https://avd.aquasec.com/misconfig/{}",
                self.id.to_ascii_lowercase()
            )),
            ReferenceKind::Url => Some(self.id.to_string()),
            _ => None,
        }
    }
}

/// What kind of artifact a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Dockerfile,
    Image,
    Runtime,
    Host,
    Vulnerability,
    Tool,
}

/// A rule's place in its lifecycle; codes are never reused, only removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    Preview,
    Stable,
    Deprecated,
    Removed,
}

/// Whether a rule can offer a machine-applicable edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// The declaration of one catalogue rule. Everything a report or the docs need about
/// a rule comes from here; `docs` is the rule's Markdown documentation with the
/// fixed headings `## What it does`, `## Why is this bad?`, `## Example`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub practice: Practice,
    pub target: Target,
    pub lifecycle: Lifecycle,
    pub fix: FixAvailability,
    pub references: &'static [Reference],
    pub remediation: &'static str,
    pub docs: &'static str,
}

impl RuleMeta {
    /// The `## Why is this bad?` section of the docs, as plain text.
    pub fn rationale(&self) -> String {
        self.section("Why is this bad?")
    }

    /// The `## What it does` section of the docs.
    pub fn summary(&self) -> String {
        self.section("What it does")
    }

    /// The rule's Markdown documentation. Declarations keep doc-comment text as
    /// written (`/// text` gives " text"), so one leading space per line is dropped.
    pub fn markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    fn section(&self, heading: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for line in self.markdown().lines() {
            if let Some(h) = line.strip_prefix("## ") {
                inside = h.trim() == heading;
                continue;
            }
            if inside {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.trim().to_owned()
    }

    pub fn hadolint_ids(&self) -> impl Iterator<Item = &str> {
        self.references
            .iter()
            .filter(|r| r.kind == ReferenceKind::Hadolint)
            .map(|r| r.id.as_ref())
    }

    pub fn help_uri(&self) -> String {
        format!("https://estiba.invalid/rules/{}", self.code)
    }

    /// True when `id` names this rule: its code, its kebab-case name, or one of its
    /// hadolint aliases (case-insensitive).
    pub fn matches_id(&self, id: &str) -> bool {
        let id = id.trim();
        self.code.eq_ignore_ascii_case(id)
            || self.name.eq_ignore_ascii_case(id)
            || self.hadolint_ids().any(|h| h.eq_ignore_ascii_case(id))
    }
}

/// The declaration half of a catalogue rule, generated by [`declare_rule!`]; each
/// analyzer crate pairs it with its own check trait.
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// Declare a catalogue rule: a unit struct with its [`RuleMeta`].
///
/// The doc comment *is* the rule's documentation and must use the headings
/// `## What it does`, `## Why is this bad?`, `## Example` (with `Use instead:`), and may
/// add `## Options` and `## References`. `references` takes `hadolint("DL3008")`,
/// `trivy("AVD-DS-0029")`, `dockle("CIS-DI-0001")`, `cis("4.1")` or `url("https://…")`.
/// `target` defaults to `Dockerfile`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            title: $title:literal,
            severity: $severity:ident,
            practice: $practice:ident,
            $(target: $target:ident,)?
            references: [$($ref_kind:ident($ref_id:literal)),* $(,)?],
            fix: $fix:ident,
            remediation: $remediation:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::Declared for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                static META: $crate::RuleMeta = $crate::RuleMeta {
                    code: $code,
                    name: $rule_name,
                    title: $title,
                    severity: $crate::Severity::$severity,
                    practice: $crate::Practice::$practice,
                    target: $crate::__rule_target!($($target)?),
                    lifecycle: $crate::Lifecycle::Stable,
                    fix: $crate::FixAvailability::$fix,
                    references: &[$($crate::Reference::$ref_kind($ref_id)),*],
                    remediation: $remediation,
                    docs: concat!($($doc, "\n"),*),
                };
                &META
            }
        }
    };
}

/// The `target` of [`declare_rule!`]: `Dockerfile` unless one is given.
#[doc(hidden)]
#[macro_export]
macro_rules! __rule_target {
    () => {
        $crate::Target::Dockerfile
    };
    ($target:ident) => {
        $crate::Target::$target
    };
}

//! OpenVEX documents (<https://github.com/openvex/spec>): parsed leniently, and asked
//! whether a vulnerability in a product has been declared not affecting, fixed, under
//! investigation or affected.
//!
//! Both the v0.2.0 shape (vulnerability and product objects) and the older 0.0.x one
//! (plain strings, statement-level `subcomponents`) are read. Unknown fields are
//! ignored; a statement without a vulnerability, products or a known status, or with a
//! timestamp that is not RFC 3339, is an error, since silently dropping it could leave
//! a finding the author meant to suppress, or suppress one they did not.

use std::fmt;

use serde_json::Value;

use crate::purl::ProductId;
use crate::time::Timestamp;

/// VEX files are small; this bounds memory on a wrong or hostile input.
pub const MAX_VEX_BYTES: usize = 16 * 1024 * 1024;

/// What a statement says about a vulnerability in its products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl VexStatus {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "not_affected" => Self::NotAffected,
            "affected" => Self::Affected,
            "fixed" => Self::Fixed,
            "under_investigation" => Self::UnderInvestigation,
            _ => return None,
        })
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAffected => "not_affected",
            Self::Affected => "affected",
            Self::Fixed => "fixed",
            Self::UnderInvestigation => "under_investigation",
        }
    }
}

impl fmt::Display for VexStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a product is not affected, from the specification's fixed list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Justification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
    /// A value outside the list, kept verbatim rather than rejecting the statement.
    Other(String),
}

impl Justification {
    fn parse(s: &str) -> Self {
        match s {
            "component_not_present" => Self::ComponentNotPresent,
            "vulnerable_code_not_present" => Self::VulnerableCodeNotPresent,
            "vulnerable_code_not_in_execute_path" => Self::VulnerableCodeNotInExecutePath,
            "vulnerable_code_cannot_be_controlled_by_adversary" => {
                Self::VulnerableCodeCannotBeControlledByAdversary
            }
            "inline_mitigations_already_exist" => Self::InlineMitigationsAlreadyExist,
            other => Self::Other(other.to_owned()),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::ComponentNotPresent => "component_not_present",
            Self::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Self::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Self::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Self::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
            Self::Other(s) => s,
        }
    }
}

/// What a decision does to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VexEffect {
    /// `not_affected` or `fixed`: the finding is suppressed (still listed as such).
    Suppress,
    /// `under_investigation`: the finding stays, with the statement attached.
    Annotate,
    /// `affected`: the finding stays; the statement confirms it.
    Keep,
}

/// The statement that decides a vulnerability's status for a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexDecision {
    pub status: VexStatus,
    /// The statement's vulnerability name (for 0.2.0 its `name`, else its `@id`).
    pub vulnerability: String,
    pub justification: Option<Justification>,
    pub impact_statement: Option<String>,
    pub action_statement: Option<String>,
    pub status_notes: Option<String>,
    /// The statement's timestamp, or its document's when it has none.
    pub timestamp: Option<Timestamp>,
    /// `@id` of the document the statement came from.
    pub document_id: Option<String>,
    /// Position of the statement among all statements loaded, for diagnostics.
    pub statement: usize,
}

impl VexDecision {
    #[must_use]
    pub fn effect(&self) -> VexEffect {
        match self.status {
            VexStatus::NotAffected | VexStatus::Fixed => VexEffect::Suppress,
            VexStatus::UnderInvestigation => VexEffect::Annotate,
            VexStatus::Affected => VexEffect::Keep,
        }
    }

    #[must_use]
    pub fn suppresses(&self) -> bool {
        self.effect() == VexEffect::Suppress
    }
}

/// Why a VEX document was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VexError {
    #[error("VEX document is {len} bytes, more than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("VEX document is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("VEX document is not an object with a `statements` array")]
    NotADocument,
    #[error("VEX document timestamp: {0}")]
    DocumentTimestamp(crate::time::TimeError),
    #[error("VEX statement {index}: {problem}")]
    Statement { index: usize, problem: String },
}

#[derive(Debug, Clone)]
struct Product {
    ids: Vec<ProductId>,
    subcomponents: Vec<ProductId>,
}

#[derive(Debug, Clone)]
struct Statement {
    vuln_name: String,
    vuln_ids: Vec<String>,
    products: Vec<Product>,
    status: VexStatus,
    justification: Option<Justification>,
    impact_statement: Option<String>,
    action_statement: Option<String>,
    status_notes: Option<String>,
    timestamp: Option<Timestamp>,
    document_id: Option<String>,
}

/// Statements from one or more VEX documents, in load order.
#[derive(Debug, Clone, Default)]
pub struct Vex {
    statements: Vec<Statement>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn timestamp(v: Option<&Value>) -> Result<Option<Timestamp>, crate::time::TimeError> {
    text(v).map(|s| s.parse()).transpose()
}

impl Vex {
    /// An empty set: every question answers `None`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one document.
    ///
    /// # Errors
    /// See [`VexError`].
    pub fn parse(bytes: &[u8]) -> Result<Self, VexError> {
        let mut vex = Self::new();
        vex.add_document(bytes)?;
        Ok(vex)
    }

    /// Adds a further document's statements after those already loaded, so that on
    /// equal timestamps a later document's statement wins. On error nothing is added.
    ///
    /// # Errors
    /// See [`VexError`].
    pub fn add_document(&mut self, bytes: &[u8]) -> Result<(), VexError> {
        if bytes.len() > MAX_VEX_BYTES {
            return Err(VexError::TooLarge {
                len: bytes.len(),
                limit: MAX_VEX_BYTES,
            });
        }
        let doc: Value = serde_json::from_slice(bytes)?;
        let statements = doc
            .get("statements")
            .and_then(Value::as_array)
            .ok_or(VexError::NotADocument)?;
        let document_id = text(doc.get("@id"));
        // `last_updated` is when the document last changed; statements without their
        // own timestamp are as new as the document's original `timestamp`.
        let doc_time = timestamp(doc.get("timestamp")).map_err(VexError::DocumentTimestamp)?;
        let base = self.statements.len();
        let mut parsed = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let statement =
                parse_statement(s, doc_time, document_id.as_ref()).map_err(|problem| {
                    VexError::Statement {
                        index: base + i,
                        problem,
                    }
                })?;
            parsed.push(statement);
        }
        self.statements.extend(parsed);
        Ok(())
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The deciding statement for a vulnerability, known by any of `vuln_ids` (its ID
    /// and aliases), in a product known by any of `products` (the package's purl, the
    /// image's reference, digest or `pkg:oci` purl).
    ///
    /// Among the statements that apply, the latest by timestamp wins, and on equal or
    /// missing timestamps the one loaded last (OpenVEX: newer statements supersede
    /// older ones); a statement without any timestamp is older than one with.
    /// A product entry with subcomponents applies only when both the product and one
    /// of its subcomponents are among `products`: "CVE-x does not affect package P
    /// inside image I" must not suppress CVE-x elsewhere in I, nor in P elsewhere.
    #[must_use]
    pub fn status_for(&self, vuln_ids: &[&str], products: &[&str]) -> Option<VexDecision> {
        let candidates: Vec<ProductId> = products.iter().map(|p| ProductId::parse(p)).collect();
        let covered =
            |ids: &[ProductId]| ids.iter().any(|id| candidates.iter().any(|c| id.covers(c)));
        let (index, s) = self
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.vuln_ids
                    .iter()
                    .any(|id| vuln_ids.iter().any(|q| id.eq_ignore_ascii_case(q.trim())))
            })
            .filter(|(_, s)| {
                s.products.iter().any(|p| {
                    covered(&p.ids) && (p.subcomponents.is_empty() || covered(&p.subcomponents))
                })
            })
            .max_by_key(|(i, s)| (s.timestamp, *i))?;
        Some(VexDecision {
            status: s.status,
            vulnerability: s.vuln_name.clone(),
            justification: s.justification.clone(),
            impact_statement: s.impact_statement.clone(),
            action_statement: s.action_statement.clone(),
            status_notes: s.status_notes.clone(),
            timestamp: s.timestamp,
            document_id: s.document_id.clone(),
            statement: index,
        })
    }
}

fn parse_statement(
    s: &Value,
    doc_time: Option<Timestamp>,
    document_id: Option<&String>,
) -> Result<Statement, String> {
    if !s.is_object() {
        return Err("not an object".to_owned());
    }
    let (vuln_name, vuln_ids) = match s.get("vulnerability") {
        Some(Value::String(id)) if !id.trim().is_empty() => {
            (id.trim().to_owned(), vec![id.trim().to_owned()])
        }
        Some(v @ Value::Object(_)) => {
            let name = text(v.get("name"));
            let iri = text(v.get("@id"));
            let mut ids: Vec<String> = name.iter().chain(iri.iter()).cloned().collect();
            // An `@id` is an IRI such as an advisory URL; its last segment is often
            // the identifier itself.
            if let Some(tail) = iri.as_deref().and_then(|i| i.rsplit('/').next())
                && !tail.is_empty()
                && iri.as_deref() != Some(tail)
            {
                ids.push(tail.to_owned());
            }
            if let Some(aliases) = v.get("aliases").and_then(Value::as_array) {
                ids.extend(aliases.iter().filter_map(|a| text(Some(a))));
            }
            let Some(display) = name.or(iri) else {
                return Err("vulnerability has neither `name` nor `@id`".to_owned());
            };
            (display, ids)
        }
        _ => return Err("missing or empty `vulnerability`".to_owned()),
    };
    let status_text = text(s.get("status")).ok_or("missing `status`")?;
    let status = VexStatus::parse(&status_text).ok_or_else(|| {
        format!(
            "unknown status {:?}",
            status_text.chars().take(40).collect::<String>()
        )
    })?;

    // 0.0.x put subcomponents beside the products they belong to.
    let legacy_subs = id_list(s.get("subcomponents"));
    let mut products = Vec::new();
    for p in s
        .get("products")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match p {
            Value::String(id) => products.push(Product {
                ids: vec![ProductId::parse(id)],
                subcomponents: legacy_subs.clone(),
            }),
            Value::Object(_) => {
                let mut ids: Vec<ProductId> = text(p.get("@id"))
                    .iter()
                    .map(|i| ProductId::parse(i))
                    .collect();
                // Of the identifiers only the purl is compared: CPEs name products too
                // loosely to decide a package-level status.
                if let Some(purl) = p.get("identifiers").and_then(|i| text(i.get("purl"))) {
                    ids.push(ProductId::parse(&purl));
                }
                if ids.is_empty() {
                    return Err("a product has neither `@id` nor an `identifiers.purl`".to_owned());
                }
                let mut subcomponents = id_list(p.get("subcomponents"));
                subcomponents.extend(legacy_subs.iter().cloned());
                products.push(Product { ids, subcomponents });
            }
            _ => return Err("a product is neither a string nor an object".to_owned()),
        }
    }
    if products.is_empty() {
        return Err("no `products`".to_owned());
    }
    let timestamp = timestamp(s.get("timestamp"))
        .map_err(|e| e.to_string())?
        .or(doc_time);
    Ok(Statement {
        vuln_name,
        vuln_ids,
        products,
        status,
        justification: text(s.get("justification")).map(|j| Justification::parse(&j)),
        impact_statement: text(s.get("impact_statement")),
        action_statement: text(s.get("action_statement")),
        status_notes: text(s.get("status_notes")),
        timestamp,
        document_id: document_id.cloned(),
    })
}

fn id_list(v: Option<&Value>) -> Vec<ProductId> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| match c {
            Value::String(s) => Some(s.clone()),
            Value::Object(_) => text(c.get("@id"))
                .or_else(|| c.get("identifiers").and_then(|i| text(i.get("purl")))),
            _ => None,
        })
        .map(|s| ProductId::parse(&s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: &str = "registry.example.invalid/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn doc(statements: &str) -> Vex {
        let text = format!(
            r#"{{
              "@context": "https://openvex.dev/ns/v0.2.0",
              "@id": "https://example.invalid/vex/doc-1",
              "author": "Security Team",
              "timestamp": "2024-01-10T10:00:00Z",
              "version": 1,
              "statements": [{statements}]
            }}"#
        );
        Vex::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn v020_statement_suppresses_matching_package() {
        let vex = doc(r#"{
              "vulnerability": {"@id": "https://nvd.example.invalid/vuln/detail/CVE-2023-1234",
                                "name": "CVE-2023-1234", "aliases": ["GHSA-aaaa-bbbb-cccc"]},
              "products": [{"@id": "pkg:golang/example.invalid/lib", "identifiers": {"purl": "pkg:golang/example.invalid/lib"}}],
              "status": "not_affected",
              "justification": "vulnerable_code_not_in_execute_path",
              "impact_statement": "The vulnerable function is never called.",
              "some_future_field": {"x": 1}
            }"#);
        let pkg = "pkg:golang/example.invalid/lib@v1.4.2";
        let d = vex.status_for(&["CVE-2023-1234"], &[pkg]).unwrap();
        assert_eq!(d.status, VexStatus::NotAffected);
        assert!(d.suppresses());
        assert_eq!(
            d.justification,
            Some(Justification::VulnerableCodeNotInExecutePath)
        );
        assert_eq!(d.vulnerability, "CVE-2023-1234");
        assert_eq!(
            d.document_id.as_deref(),
            Some("https://example.invalid/vex/doc-1")
        );
        assert_eq!(d.timestamp, Some("2024-01-10T10:00:00Z".parse().unwrap()));
        // Known by an alias, or lowercased.
        assert!(vex.status_for(&["GHSA-aaaa-bbbb-cccc"], &[pkg]).is_some());
        assert!(vex.status_for(&["cve-2023-1234"], &[pkg]).is_some());
        assert!(vex.status_for(&["CVE-2023-9999"], &[pkg]).is_none());
        let by_identifier = doc(r#"{"vulnerability": {"name": "CVE-2023-5"},
                "products": [{"identifiers": {"purl": "pkg:cargo/smallvec", "cpe23": "cpe:2.3:a:x:smallvec:*:*:*:*:*:*:*:*"}}],
                "status": "fixed"}"#);
        assert!(
            by_identifier
                .status_for(&["CVE-2023-5"], &["pkg:cargo/smallvec@1.13.2"])
                .is_some()
        );
        assert!(
            vex.status_for(&["CVE-2023-1234"], &["pkg:golang/example.invalid/other@v1"])
                .is_none()
        );
    }

    #[test]
    fn latest_statement_wins_then_document_order() {
        let vex = doc(r#"
            {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "pkg:deb/debian/curl"}],
             "status": "under_investigation", "timestamp": "2024-02-01T00:00:00Z"},
            {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "pkg:deb/debian/curl"}],
             "status": "affected", "action_statement": "Upgrade", "timestamp": "2024-03-01T00:00:00Z"},
            {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "pkg:deb/debian/curl"}],
             "status": "fixed", "timestamp": "2024-02-15T00:00:00+01:00"},
            {"vulnerability": {"name": "CVE-2024-0002"}, "products": [{"@id": "pkg:deb/debian/curl"}],
             "status": "fixed"},
            {"vulnerability": {"name": "CVE-2024-0002"}, "products": [{"@id": "pkg:deb/debian/curl"}],
             "status": "under_investigation"}
            "#);
        let curl = ["pkg:deb/debian/curl@7.88.1-10?arch=amd64"];
        let d = vex.status_for(&["CVE-2024-0001"], &curl).unwrap();
        assert_eq!(
            (d.status, d.effect()),
            (VexStatus::Affected, VexEffect::Keep)
        );
        assert_eq!(d.action_statement.as_deref(), Some("Upgrade"));
        assert_eq!(d.statement, 1);
        // Same (document) timestamp: the later statement wins.
        let d = vex.status_for(&["CVE-2024-0002"], &curl).unwrap();
        assert_eq!(
            (d.status, d.effect()),
            (VexStatus::UnderInvestigation, VexEffect::Annotate)
        );
    }

    #[test]
    fn later_documents_supersede_on_equal_time() {
        let mut vex = Vex::new();
        let one = r#"{"statements": [{"vulnerability": "CVE-2022-1", "products": ["pkg:npm/lodash"], "status": "affected"}]}"#;
        let two = r#"{"statements": [{"vulnerability": "CVE-2022-1", "products": ["pkg:npm/lodash@4.17.21"], "status": "fixed"}]}"#;
        vex.add_document(one.as_bytes()).unwrap();
        vex.add_document(two.as_bytes()).unwrap();
        assert_eq!(vex.len(), 2);
        let d = vex
            .status_for(&["CVE-2022-1"], &["pkg:npm/lodash@4.17.21"])
            .unwrap();
        assert_eq!(d.status, VexStatus::Fixed);
        let d = vex
            .status_for(&["CVE-2022-1"], &["pkg:npm/lodash@4.17.20"])
            .unwrap();
        assert_eq!(d.status, VexStatus::Affected);
        // A timestamped statement is newer than one without any.
        vex.add_document(
            br#"{"statements": [{"vulnerability": "CVE-2022-1", "products": ["pkg:npm/lodash"], "status": "not_affected", "timestamp": "2020-01-01T00:00:00Z"}]}"#,
        )
        .unwrap();
        vex.add_document(one.as_bytes()).unwrap();
        let d = vex
            .status_for(&["CVE-2022-1"], &["pkg:npm/lodash@4.17.20"])
            .unwrap();
        assert_eq!(d.status, VexStatus::NotAffected);
    }

    #[test]
    fn legacy_000_shape() {
        let legacy = br#"{
          "@context": "https://openvex.dev/ns",
          "@id": "https://example.invalid/vex/legacy",
          "author": "Someone",
          "role": "Document Creator",
          "timestamp": "2023-01-08T18:02:03.647787998-06:00",
          "version": "1",
          "statements": [{
            "vulnerability": "CVE-2014-123456",
            "products": ["pkg:oci/app@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
            "subcomponents": ["pkg:apk/alpine/busybox"],
            "status": "not_affected",
            "justification": "inline_mitigations_already_exist",
            "status_notes": "Mitigated by configuration"
          }]
        }"#;
        let vex = Vex::parse(legacy).unwrap();
        let busybox = "pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64";
        let d = vex
            .status_for(&["CVE-2014-123456"], &[IMAGE, busybox])
            .unwrap();
        assert!(d.suppresses());
        assert_eq!(
            d.status_notes.as_deref(),
            Some("Mitigated by configuration")
        );
        // The subcomponent alone, or the image without it, is not enough.
        assert!(vex.status_for(&["CVE-2014-123456"], &[busybox]).is_none());
        assert!(
            vex.status_for(&["CVE-2014-123456"], &[IMAGE, "pkg:apk/alpine/zlib@1.3"])
                .is_none()
        );
    }

    #[test]
    fn image_products_and_subcomponents() {
        let vex = doc(r#"
            {"vulnerability": {"name": "CVE-2024-1000"},
             "products": [{"@id": "pkg:oci/app?repository_url=registry.example.invalid/team/app",
                           "subcomponents": [{"@id": "pkg:pypi/requests"}]}],
             "status": "not_affected", "justification": "vulnerable_code_not_present"},
            {"vulnerability": {"name": "CVE-2024-2000"},
             "products": [{"@id": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}],
             "status": "fixed"}
            "#);
        let d = vex
            .status_for(&["CVE-2024-1000"], &[IMAGE, "pkg:pypi/Requests@2.31.0"])
            .unwrap();
        assert!(d.suppresses());
        assert!(
            vex.status_for(
                &["CVE-2024-1000"],
                &[
                    "other.example.invalid/team/app:1",
                    "pkg:pypi/requests@2.31.0"
                ]
            )
            .is_none()
        );
        // A statement about the whole image applies to every package in it.
        let d = vex
            .status_for(&["CVE-2024-2000"], &[IMAGE, "pkg:deb/debian/zlib@1"])
            .unwrap();
        assert_eq!(d.status, VexStatus::Fixed);
        let other_digest = "registry.example.invalid/team/app@sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert!(
            vex.status_for(&["CVE-2024-2000"], &[other_digest])
                .is_none()
        );
    }

    #[test]
    fn garbage_is_rejected_with_a_reason() {
        let cases: [(&[u8], &str); 9] = [
            (b"not json", "JSON"),
            (b"[]", "statements"),
            (br#"{"statements": {}}"#, "statements"),
            (br#"{"statements": [1]}"#, "statement 0"),
            (br#"{"statements": [{"products": ["pkg:npm/a"], "status": "fixed"}]}"#, "vulnerability"),
            (br#"{"statements": [{"vulnerability": "CVE-1", "products": ["pkg:npm/a"], "status": "maybe"}]}"#, "unknown status"),
            (br#"{"statements": [{"vulnerability": "CVE-1", "products": [], "status": "fixed"}]}"#, "products"),
            (br#"{"statements": [{"vulnerability": "CVE-1", "products": ["pkg:npm/a"], "status": "fixed", "timestamp": "yesterday"}]}"#, "timestamp"),
            (br#"{"timestamp": "2024-13-01T00:00:00Z", "statements": []}"#, "timestamp"),
        ];
        for (input, needle) in cases {
            let err = Vex::parse(input).unwrap_err().to_string();
            assert!(err.contains(needle), "{err:?} lacks {needle:?}");
        }
        let big = vec![b' '; MAX_VEX_BYTES + 1];
        assert!(matches!(Vex::parse(&big), Err(VexError::TooLarge { .. })));
        // A failing document adds nothing.
        let mut vex = Vex::new();
        assert!(vex.add_document(br#"{"statements": [{"vulnerability": "CVE-1", "products": ["pkg:npm/a"], "status": "fixed"}, 3]}"#).is_err());
        assert!(vex.is_empty());
    }
}

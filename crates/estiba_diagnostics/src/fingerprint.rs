use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::{Finding, SourceFile};

/// Give every finding a fingerprint that survives edits which only move lines.
///
/// The hash covers the rule, the subject (file, image or container) and the
/// *content* of the lines the finding points at with whitespace removed — not the
/// line number. Identical findings on identical text are told apart by their order
/// of appearance, so two `RUN apt-get install foo` lines keep distinct fingerprints.
/// `source` is the file the findings' spans refer to, when there is one.
pub fn assign_fingerprints(findings: &mut [Finding], source: Option<&SourceFile>) {
    let mut seen: HashMap<[u8; 32], u32> = HashMap::new();
    for finding in findings.iter_mut() {
        let mut hasher = Sha256::new();
        hasher.update(finding.rule.as_bytes());
        hasher.update([0]);
        hasher.update(finding.location.subject().as_bytes());
        hasher.update([0]);
        match (finding.location.span(), source) {
            (Some(span), Some(source)) => {
                for line in span.start.line..=span.end.line {
                    let text = source.line_text(line);
                    for chunk in text.split_whitespace() {
                        hasher.update(chunk.as_bytes());
                    }
                    hasher.update([b'\n']);
                }
            }
            _ => {
                if let crate::Location::Image { layer, path, .. } = &finding.location {
                    hasher.update(layer.as_deref().unwrap_or("").as_bytes());
                    hasher.update(path.as_deref().unwrap_or("").as_bytes());
                }
                if let crate::Location::Container { field, .. } = &finding.location {
                    hasher.update(field.as_deref().unwrap_or("").as_bytes());
                }
                hasher.update(finding.message.as_bytes());
            }
        }
        let base: [u8; 32] = hasher.finalize().into();
        let occurrence = seen.entry(base).or_insert(0);
        let mut hasher = Sha256::new();
        hasher.update(base);
        hasher.update(occurrence.to_le_bytes());
        *occurrence += 1;
        let digest = hasher.finalize();
        finding.fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Severity};

    fn finding(rule: &str, source: &SourceFile, line: u32) -> Finding {
        let range = source.lines_range(line, line);
        Finding {
            rule: rule.into(),
            name: "x".into(),
            title: "x".into(),
            severity: Severity::Low,
            practice: None,
            location: Location::file(source.path(), Some(source.span(range.start, range.end))),
            message: "m".into(),
            evidence: None,
            remediation: None,
            references: vec![],
            fix: None,
            fingerprint: String::new(),
            suppressed: None,
        }
    }

    #[test]
    fn fingerprints_survive_line_shifts() {
        let before = SourceFile::new("Dockerfile", "FROM a\nRUN apt-get install x\n");
        let after = SourceFile::new("Dockerfile", "FROM a\n\n# note\nRUN  apt-get install x\n");
        let mut a = vec![finding("DF001", &before, 2)];
        let mut b = vec![finding("DF001", &after, 4)];
        assign_fingerprints(&mut a, Some(&before));
        assign_fingerprints(&mut b, Some(&after));
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
    }

    #[test]
    fn repeated_identical_findings_get_distinct_fingerprints() {
        let source = SourceFile::new("Dockerfile", "RUN x\nRUN x\n");
        let mut f = vec![finding("DF001", &source, 1), finding("DF001", &source, 2)];
        assign_fingerprints(&mut f, Some(&source));
        assert_ne!(f[0].fingerprint, f[1].fingerprint);
    }
}

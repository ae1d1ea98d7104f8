//! CVSS base scores from vector strings, and one qualitative severity scale that both
//! scores and databases' own severity labels map onto.
//!
//! Scoring is delegated to the `cvss` crate, which implements the v3.0 and v3.1 base
//! equations with each version's rounding, and v4.0 with the specification's macrovector
//! lookup table and interpolation. This module adds what a scanner needs around it:
//! tolerant recognition of how advisories spell vectors, checks the crate leaves to the
//! caller (every base metric present in v3), and one error type.

use std::fmt;
use std::str::FromStr;

/// Vectors longer than this are not CVSS: the longest legal v4.0 vector, with every
/// optional metric, is under 300 bytes.
const MAX_VECTOR_LEN: usize = 512;

/// The CVSS version a vector was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CvssVersion {
    V2,
    V3_0,
    V3_1,
    V4_0,
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V2 => "2.0",
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
            Self::V4_0 => "4.0",
        })
    }
}

/// A vector's base score (0.0–10.0, one decimal) and the version that produced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvssScore {
    pub version: CvssVersion,
    pub base_score: f32,
}

impl CvssScore {
    /// The qualitative rating of the base score.
    ///
    /// v2 has only Low/Medium/High (its guide puts 0.0–3.9 in Low); v3 and v4 share the
    /// five-step scale of the v3.1 specification, section 5.
    #[must_use]
    pub fn severity(&self) -> Severity {
        match self.version {
            CvssVersion::V2 if self.base_score < 4.0 => Severity::Low,
            CvssVersion::V2 if self.base_score < 7.0 => Severity::Medium,
            CvssVersion::V2 => Severity::High,
            _ => Severity::from_score(self.base_score),
        }
    }
}

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// Empty, or longer than any real vector.
    #[error("CVSS vector is empty or too long ({len} bytes)")]
    Length { len: usize },
    /// A `CVSS:x.y/` prefix naming a version that has no scoring here.
    #[error("unsupported CVSS version {version:?}")]
    UnsupportedVersion { version: String },
    /// A base metric every vector of this version must carry is absent.
    #[error("CVSS {version} vector lacks the base metric {metric}")]
    MissingMetric {
        version: CvssVersion,
        metric: &'static str,
    },
    /// Any other syntax or value error, as the scoring library reports it.
    #[error("invalid CVSS {version} vector: {message}")]
    Invalid {
        version: CvssVersion,
        message: String,
    },
}

const V3_BASE: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// Scores a vector of any supported version.
///
/// Accepted spellings: `CVSS:3.0/…`, `CVSS:3.1/…`, `CVSS:4.0/…`, and v2 vectors with or
/// without NVD's parentheses or a `CVSS:2.0/` prefix (neither is in the v2 guide, both
/// occur in feeds). Surrounding whitespace is ignored.
///
/// # Errors
/// A [`CvssError`] for anything that is not a complete vector of a supported version.
pub fn score_vector(vector: &str) -> Result<CvssScore, CvssError> {
    let v = vector.trim();
    if v.is_empty() || v.len() > MAX_VECTOR_LEN {
        return Err(CvssError::Length { len: v.len() });
    }
    if let Some(rest) = v.strip_prefix("CVSS:") {
        let (version, body) = rest.split_once('/').unwrap_or((rest, ""));
        return match version {
            "3.0" => score_v3(v, CvssVersion::V3_0),
            "3.1" => score_v3(v, CvssVersion::V3_1),
            "4.0" => score_v4(v),
            "2.0" | "2" => score_v2(body),
            other => Err(CvssError::UnsupportedVersion {
                version: other.chars().take(16).collect(),
            }),
        };
    }
    let v2 = v
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(v);
    score_v2(v2)
}

fn invalid(version: CvssVersion, err: &cvss::Error) -> CvssError {
    CvssError::Invalid {
        version,
        message: err.to_string(),
    }
}

fn score_v3(v: &str, version: CvssVersion) -> Result<CvssScore, CvssError> {
    let vector = cvss::v3::Vector::from_str(v).map_err(|e| invalid(version, &e))?;
    // The library scores an absent base metric as 0 instead of rejecting the vector.
    let present: Vec<String> = v
        .split('/')
        .skip(1)
        .filter_map(|c| c.split_once(':'))
        .map(|(k, _)| k.to_ascii_uppercase())
        .collect();
    if let Some(metric) = V3_BASE.iter().find(|m| !present.iter().any(|p| p == *m)) {
        return Err(CvssError::MissingMetric { version, metric });
    }
    Ok(CvssScore {
        version,
        base_score: to_f32(vector.base_score().value()),
    })
}

fn score_v4(v: &str) -> Result<CvssScore, CvssError> {
    let vector = cvss::v4::Vector::from_str(v).map_err(|e| invalid(CvssVersion::V4_0, &e))?;
    // v4 has no separate base score: "CVSS-B" is the score of a vector without threat
    // or environmental metrics, which is what nearly every advisory publishes. A vector
    // that carries them yields CVSS-BT/BE/BTE, still the score its author intended.
    Ok(CvssScore {
        version: CvssVersion::V4_0,
        base_score: to_f32(vector.score().value()),
    })
}

fn score_v2(v: &str) -> Result<CvssScore, CvssError> {
    let vector = cvss::v2::Vector::from_str(v).map_err(|e| invalid(CvssVersion::V2, &e))?;
    Ok(CvssScore {
        version: CvssVersion::V2,
        base_score: to_f32(vector.score().value()),
    })
}

// Scores are multiples of 0.1 in 0..=10; rounding to tenths removes f64 noise before
// narrowing so that 9.8 compares equal to 9.8_f32.
#[allow(clippy::cast_possible_truncation)]
fn to_f32(score: f64) -> f32 {
    ((score.clamp(0.0, 10.0) * 10.0).round() / 10.0) as f32
}

/// The qualitative scale of CVSS v3.1 section 5, shared by scores and database labels.
///
/// Ordered from least to most severe, so `max()` picks the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

/// A severity label that no known database uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity label {0:?}")]
pub struct UnknownSeverity(String);

impl Severity {
    /// The rating of a v3/v4 base score: 0.0 None, 0.1–3.9 Low, 4.0–6.9 Medium,
    /// 7.0–8.9 High, 9.0–10.0 Critical.
    #[must_use]
    pub fn from_score(score: f32) -> Self {
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::None
        }
    }

    /// Maps a database's own severity label (case-insensitive) onto the scale.
    ///
    /// Covers GitHub's (`LOW`/`MODERATE`/`HIGH`/`CRITICAL`), Red Hat and its rebuilds'
    /// (`Low`/`Moderate`/`Important`/`Critical`), Ubuntu's priorities (`negligible` …
    /// `critical`) and Debian's urgencies (`unimportant`, `low`, `medium`, `high`).
    /// Ubuntu's `negligible` and Debian's `unimportant` become Low, not None: the
    /// distribution still ships the flaw, it only judges it not worth a fix, and a
    /// finding at the bottom of the list is more honest than no finding.
    /// Labels that state no judgement (`unknown`, `not yet assigned`, `untriaged`)
    /// return `None`, as do labels not listed here.
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        let l = label.trim().to_ascii_lowercase();
        // Debian's tracker appends "**" to urgencies it guessed.
        let l = l.trim_end_matches('*').trim();
        Some(match l {
            "none" => Self::None,
            "negligible" | "unimportant" | "low" => Self::Low,
            "medium" | "moderate" => Self::Medium,
            "high" | "important" => Self::High,
            "critical" => Self::Critical,
            _ => return None,
        })
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_label(s).ok_or_else(|| UnknownSeverity(s.chars().take(64).collect()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(v: &str) -> f32 {
        score_vector(v)
            .unwrap_or_else(|e| panic!("{v}: {e}"))
            .base_score
    }

    #[test]
    fn v31_published_scores() {
        for (v, s) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            // Log4Shell as published by its CNA.
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            // Temporal metrics do not change the base score.
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:R",
                9.8,
            ),
        ] {
            assert_eq!(score(v), s, "{v}");
        }
    }

    #[test]
    fn v30_uses_its_own_rounding() {
        // 3.0 rounds up with a plain ceiling, 3.1 with Appendix A's Roundup. No base vector
        // scores differently under the two (they part only in environmental scores), so
        // these check that 3.0 vectors are accepted and scored, and keep their version.
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"), 9.6);
        let s = score_vector("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N").unwrap();
        assert_eq!((s.version, s.base_score), (CvssVersion::V3_0, 5.5));
    }

    #[test]
    fn v40_spec_examples() {
        for (v, s) in [
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                10.0,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                0.0,
            ),
            (
                "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                8.5,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                8.7,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N",
                8.7,
            ),
            // Threat metric E:P lowers the score (CVSS-BT).
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P",
                7.7,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
                5.3,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
                5.1,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.2,
            ),
            (
                "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:A/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N",
                4.3,
            ),
            (
                "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
                1.0,
            ),
        ] {
            assert_eq!(score(v), s, "{v}");
        }
    }

    #[test]
    fn v2_vectors_in_their_spellings() {
        for v in [
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "(AV:N/AC:L/Au:N/C:P/I:P/A:P)",
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        ] {
            let s = score_vector(v).unwrap();
            assert_eq!((s.version, s.base_score), (CvssVersion::V2, 7.5), "{v}");
            assert_eq!(s.severity(), Severity::High);
        }
        assert_eq!(score("AV:N/AC:L/Au:N/C:C/I:C/A:C"), 10.0);
        assert_eq!(score("AV:N/AC:M/Au:N/C:N/I:P/A:N"), 4.3);
        assert_eq!(score("AV:L/AC:L/Au:N/C:N/I:N/A:N"), 0.0);
        // A v2 0.0 is still Low on the v2 scale.
        assert_eq!(
            score_vector("AV:L/AC:L/Au:N/C:N/I:N/A:N")
                .unwrap()
                .severity(),
            Severity::Low
        );
    }

    #[test]
    fn malformed_vectors_are_typed_errors() {
        let cases = [
            "",
            "   ",
            "medium",
            "CVSS:3.1",
            "CVSS:3.1/",
            "CVSS:3.1/AV:N",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
            "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:5.0/AV:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Q",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Z",
            "AV:N/AC:L/Au:N/C:P/I:P",
            "AV:N/AC:L/Au:N/C:P/I:P/A:X",
            "(AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H",
            "CVSS:/AV:N",
            ":::///",
        ];
        for v in cases {
            assert!(score_vector(v).is_err(), "{v:?} should fail");
        }
        let long = format!("CVSS:3.1/{}", "AV:N/".repeat(200));
        assert!(matches!(score_vector(&long), Err(CvssError::Length { .. })));
        assert!(matches!(
            score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            Err(CvssError::MissingMetric { metric: "A", .. })
        ));
    }

    #[test]
    fn mangled_vectors_never_panic() {
        let seeds = [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MAV:P",
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        ];
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            for i in 0..chars.len() {
                let mut cut = chars.clone();
                cut.remove(i);
                let _ = score_vector(&cut.iter().collect::<String>());
                for c in ['/', ':', 'X', '0', 'é'] {
                    let mut swapped = chars.clone();
                    swapped[i] = c;
                    let _ = score_vector(&swapped.iter().collect::<String>());
                }
                let _ = score_vector(&chars[..i].iter().collect::<String>());
            }
        }
    }

    #[test]
    fn severity_scale() {
        assert_eq!(Severity::from_score(0.0), Severity::None);
        assert_eq!(Severity::from_score(0.1), Severity::Low);
        assert_eq!(Severity::from_score(3.9), Severity::Low);
        assert_eq!(Severity::from_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_score(7.0), Severity::High);
        assert_eq!(Severity::from_score(8.9), Severity::High);
        assert_eq!(Severity::from_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_score(10.0), Severity::Critical);
        assert_eq!(
            score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                .unwrap()
                .severity(),
            Severity::Critical
        );
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::None);
    }

    #[test]
    fn database_labels() {
        for (label, sev) in [
            ("HIGH", Severity::High),
            ("MODERATE", Severity::Medium),
            ("LOW", Severity::Low),
            ("CRITICAL", Severity::Critical),
            ("negligible", Severity::Low),
            ("low", Severity::Low),
            ("medium", Severity::Medium),
            ("high", Severity::High),
            ("critical", Severity::Critical),
            ("unimportant", Severity::Low),
            ("Important", Severity::High),
            ("Moderate", Severity::Medium),
            ("medium**", Severity::Medium),
            (" High ", Severity::High),
        ] {
            assert_eq!(Severity::from_label(label), Some(sev), "{label}");
            assert_eq!(label.parse::<Severity>(), Ok(sev));
        }
        for label in ["unknown", "not yet assigned", "", "urgent", "9.8"] {
            assert_eq!(Severity::from_label(label), None, "{label}");
            assert!(label.parse::<Severity>().is_err());
        }
    }
}

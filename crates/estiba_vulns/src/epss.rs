//! FIRST's Exploit Prediction Scoring System scores, from the daily CSV file: for each
//! CVE, the probability of exploitation activity in the next 30 days and its
//! percentile among all scored CVEs.
//!
//! The file is machine-written, so any line that does not parse is an error naming the
//! line, not a row skipped: a file that parses partly is corrupt or not EPSS at all,
//! and silently missing scores would rank those CVEs as if nobody exploited them.
//! Decompressing the published `.csv.gz` is the caller's job.

use std::collections::HashMap;

use crate::kev::is_cve_id;

/// The full file is about 10 MB for some 300,000 CVEs; this bounds memory on a wrong
/// file while leaving room for growth.
pub const MAX_EPSS_BYTES: usize = 128 * 1024 * 1024;

/// One CVE's scores, both in 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Epss {
    /// Probability of exploitation activity in the next 30 days.
    pub score: f32,
    /// Share of scored CVEs with a lower or equal score.
    pub percentile: f32,
}

/// Why an EPSS file was rejected. Lines are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EpssError {
    #[error("EPSS file is {len} bytes, more than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("EPSS file is not UTF-8 text")]
    NotText,
    #[error("EPSS file line {line}: expected the header `cve,epss,percentile`")]
    MissingHeader { line: usize },
    #[error("EPSS file line {line}: {problem}")]
    BadRow { line: usize, problem: String },
}

/// Scores of one EPSS file, indexed by CVE ID.
#[derive(Debug, Clone, Default)]
pub struct EpssScores {
    /// From the leading comment, e.g. `v2025.03.14`.
    pub model_version: Option<String>,
    /// From the leading comment, as written (FIRST has used both `Z` and `+0000`).
    pub score_date: Option<String>,
    scores: HashMap<String, Epss>,
}

fn unit_interval(field: &str, text: &str, line: usize) -> Result<f32, EpssError> {
    match text.trim().parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(EpssError::BadRow {
            line,
            problem: format!(
                "{field} {:?} is not a number in 0..=1",
                text.chars().take(32).collect::<String>()
            ),
        }),
    }
}

impl EpssScores {
    /// Every score with its CVE, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Epss)> {
        self.scores.iter().map(|(cve, e)| (cve.as_str(), *e))
    }

    /// Parses the CSV bytes.
    ///
    /// # Errors
    /// See [`EpssError`].
    pub fn parse(bytes: &[u8]) -> Result<Self, EpssError> {
        if bytes.len() > MAX_EPSS_BYTES {
            return Err(EpssError::TooLarge {
                len: bytes.len(),
                limit: MAX_EPSS_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| EpssError::NotText)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Self::default();
        let mut header_seen = false;
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let row = raw.trim();
            if row.is_empty() {
                continue;
            }
            if let Some(comment) = row.strip_prefix('#') {
                if !header_seen {
                    out.read_comment(comment);
                    continue;
                }
                return Err(EpssError::BadRow {
                    line,
                    problem: "comment after the header".to_owned(),
                });
            }
            if !header_seen {
                let cols: Vec<&str> = row.split(',').map(str::trim).collect();
                if cols != ["cve", "epss", "percentile"] {
                    return Err(EpssError::MissingHeader { line });
                }
                header_seen = true;
                continue;
            }
            let mut fields = row.split(',');
            let (Some(cve), Some(score), Some(percentile), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(EpssError::BadRow {
                    line,
                    problem: "expected three fields: cve,epss,percentile".to_owned(),
                });
            };
            let cve = cve.trim().to_ascii_uppercase();
            if !is_cve_id(&cve) {
                return Err(EpssError::BadRow {
                    line,
                    problem: format!(
                        "{:?} is not a CVE ID",
                        cve.chars().take(32).collect::<String>()
                    ),
                });
            }
            let epss = Epss {
                score: unit_interval("epss", score, line)?,
                percentile: unit_interval("percentile", percentile, line)?,
            };
            out.scores.insert(cve, epss);
        }
        if !header_seen {
            return Err(EpssError::MissingHeader {
                line: text.lines().count() + 1,
            });
        }
        Ok(out)
    }

    // `#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000`; unknown keys
    // are ignored, since the comment is informational.
    fn read_comment(&mut self, comment: &str) {
        for pair in comment.split(',') {
            if let Some((k, v)) = pair.split_once(':') {
                let v = v.trim().to_owned();
                match k.trim() {
                    "model_version" => self.model_version = Some(v),
                    "score_date" => self.score_date = Some(v),
                    _ => {}
                }
            }
        }
    }

    /// The scores of a CVE ID (case-insensitive).
    #[must_use]
    pub fn get(&self, cve_id: &str) -> Option<Epss> {
        self.scores
            .get(&cve_id.trim().to_ascii_uppercase())
            .copied()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../tests/data/epss_sample.csv");

    #[test]
    fn parses_the_published_format() {
        let e = EpssScores::parse(SAMPLE).unwrap();
        assert_eq!(e.model_version.as_deref(), Some("v2025.03.14"));
        assert_eq!(e.score_date.as_deref(), Some("2025-06-01T12:55:00Z"));
        assert_eq!(e.len(), 6);
        let log4shell = e.get("cve-2021-44228").unwrap();
        assert!((log4shell.score - 0.94358).abs() < 1e-6);
        assert!((log4shell.percentile - 0.99957).abs() < 1e-6);
        assert!(e.get("CVE-2099-0001").is_none());
    }

    #[test]
    fn header_is_required_comment_optional() {
        let e = EpssScores::parse(b"cve,epss,percentile\r\nCVE-1999-0001,0.01,0.5\r\n").unwrap();
        assert_eq!(e.model_version, None);
        assert_eq!(e.get("CVE-1999-0001").map(|s| s.percentile), Some(0.5));
        assert!(matches!(
            EpssScores::parse(b"CVE-1999-0001,0.01,0.5\n"),
            Err(EpssError::MissingHeader { line: 1 })
        ));
        assert!(matches!(
            EpssScores::parse(b""),
            Err(EpssError::MissingHeader { .. })
        ));
        assert!(matches!(
            EpssScores::parse(b"#model_version:v1\n"),
            Err(EpssError::MissingHeader { line: 2 })
        ));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let head = "#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0001,0.01,0.5\n";
        for (row, needle) in [
            ("CVE-1999-0002,0.01\n", "three fields"),
            ("CVE-1999-0002,0.01,0.5,9\n", "three fields"),
            ("CVE-1999-0002,1.5,0.5\n", "epss"),
            ("CVE-1999-0002,0.1,-0.5\n", "percentile"),
            ("CVE-1999-0002,NaN,0.5\n", "epss"),
            ("CVE-1999-0002,0.1,abc\n", "percentile"),
            ("GHSA-1234,0.1,0.5\n", "CVE"),
            ("#late comment\n", "comment"),
        ] {
            let err = EpssScores::parse(format!("{head}{row}").as_bytes()).unwrap_err();
            assert!(
                matches!(err, EpssError::BadRow { line: 4, .. }),
                "{row}: {err}"
            );
            assert!(err.to_string().contains(needle), "{err}");
        }
        assert!(matches!(
            EpssScores::parse(&[0xff, 0xfe]),
            Err(EpssError::NotText)
        ));
        let big = vec![b'#'; MAX_EPSS_BYTES + 1];
        assert!(matches!(
            EpssScores::parse(&big),
            Err(EpssError::TooLarge { .. })
        ));
    }
}

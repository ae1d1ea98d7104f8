//! The pieces around vulnerability matching that decide how a match is shown: CVSS
//! scores and severities, VEX statements and ignore files that suppress or annotate a
//! match, CISA KEV and FIRST EPSS data, and the ranking that orders what to fix first.
//!
//! Everything here is pure: files come in as bytes or text, "today" comes from the
//! caller, and nothing reads the clock or the network.

pub mod assess;
pub mod epss;
pub mod ignore;
pub mod kev;
pub mod matcher;
mod purl;
pub mod rank;
pub mod severity;
pub mod time;
pub mod vex;

pub use epss::{Epss, EpssError, EpssScores};
pub use ignore::{IgnoreEntry, IgnoreError, IgnoreFile, IgnoreOutcome};
pub use kev::{KevCatalog, KevEntry, KevError, Ransomware};
pub use rank::{HIGH_EPSS, PackageOrigin, Priority, RankInput, Tier, priority};
pub use severity::{CvssError, CvssScore, CvssVersion, Severity, UnknownSeverity, score_vector};
pub use time::{Date, TimeError, Timestamp};
pub use vex::{Justification, Vex, VexDecision, VexEffect, VexError, VexStatus};

//! The one findings model every estiba analyzer produces and every report consumes.
//!
//! A [`Finding`] is plain data: which rule ([`RuleMeta`] describes it), how bad it is
//! ([`Severity`]), which practice it belongs to ([`Practice`]), where it is
//! ([`Location`]), and what to do about it (remediation, an optional [`Fix`]).
//! Nothing here knows about Dockerfiles, images or output formats.

mod atomic;
mod baseline;
mod finding;
mod fingerprint;
mod location;
mod practice;
mod rule;
mod severity;
mod source;

pub mod docs;
pub mod eol;
pub mod ports;

pub use atomic::write_atomically;
pub use baseline::{Baseline, BaselineError};
pub use finding::{Applicability, Edit, Finding, Fix, Suppression, SuppressionKind};
pub use fingerprint::assign_fingerprints;
pub use location::{Location, Position, Span};
pub use practice::Practice;
pub use rule::{Declared, FixAvailability, Lifecycle, Reference, ReferenceKind, RuleMeta, Target};
pub use severity::{Severity, UnknownSeverity};
pub use source::SourceFile;

//! OSV advisory records (<https://ossf.github.io/osv-schema/>): read leniently, their
//! ecosystems mapped to estiba's version schemes, and their affected ranges evaluated
//! with OSV's exact semantics.
//!
//! Leniency is deliberate: real databases publish records that are not schema-valid
//! (unknown range types, GIT events that are not commits), and one bad record must not
//! stop a scan. Only a file that is not JSON or has no `id` is an error.

mod ecosystem;
mod range;
mod record;

pub use ecosystem::{Ecosystem, EcosystemName};
pub use range::{MatchError, Skipped, Status, Verdict, affects, affects_any};
pub use record::{
    Affected, Event, Package, ParseError, Range, RangeType, Record, Reference, Severity,
    SeverityType, parse_record,
};

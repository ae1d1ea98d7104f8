//! The registry of catalogers. Each is one file here with its parser and unit tests.

mod dpkg;

pub use dpkg::Dpkg;

use crate::cataloger::Cataloger;

/// Every cataloger, in the order their packages are listed.
pub static CATALOGERS: &[&dyn Cataloger] = &[&Dpkg];

//! The rule catalogue, one folder per category and one file per rule. A category's
//! `mod.rs` lists its rules in `RULES` and holds the fixture test table.

pub(crate) mod base_image;
pub(crate) mod engine;
pub(crate) mod instructions;
pub(crate) mod labels;
pub(crate) mod packages;
pub(crate) mod secrets;
pub(crate) mod shell;
pub(crate) mod user;

//! Lossless, error-recovering Dockerfile parser faithful to BuildKit.
//!
//! [`parse`] turns Dockerfile text into an [`ast::Dockerfile`] that keeps byte ranges for
//! every node and never fails: problems are recorded as [`ast::ParseError`]s and parsing
//! goes on with the next instruction. [`semantic`] builds the stage graph and variable
//! scopes on top of the tree.

pub mod ast;
mod dump;
pub mod expand;
mod heredoc;
mod instruction;
mod json;
mod parser;
mod query;
pub mod semantic;

pub use ast::*;
pub use parser::{parse, parse_bytes};

//! Lossless, error-recovering Dockerfile parser faithful to BuildKit.
//!
//! [`parse`] (or [`parse_bytes`]) turns Dockerfile text into a [`Dockerfile`] whose every
//! node keeps its byte range, and never fails: what BuildKit's parser would reject is in
//! [`Dockerfile::errors`], what only its build step would reject in
//! [`Dockerfile::build_errors`], and parsing goes on with the next instruction. Arguments
//! are split the way BuildKit splits them (checked byte for byte against BuildKit's own
//! parser vectors with [`Dockerfile::dump`]), with typed views in [`InstructionKind`].
//! [`semantic`] adds stages, stage references and `ARG`/`ENV` scopes; [`expand`] expands
//! words as BuildKit does.
//!
//! ```
//! use estiba_dockerfile::{parse, ScriptSource};
//!
//! let text = "FROM alpine AS build\nRUN --mount=type=cache,target=/var/cache/apk \\\n    apk add curl\n";
//! let dockerfile = parse(text);
//! assert!(dockerfile.errors.is_empty());
//! let run = &dockerfile.instructions[1];
//! assert_eq!(run.flag("mount").and_then(|f| f.value.as_deref()), Some("type=cache,target=/var/cache/apk"));
//! let script = run.shell_script().unwrap();
//! assert_eq!((script.text.as_str(), script.source), ("apk add curl", ScriptSource::CommandLine));
//! // Offsets in the joined text map back to the file.
//! let at = script.file_offset(0).unwrap() as usize;
//! assert!(text[at..].starts_with("apk add"));
//! assert_eq!(dockerfile.dump(), "(from \"alpine\" \"AS\" \"build\")\n(run [\"--mount=type=cache,target=/var/cache/apk\"] \"apk add curl\")");
//! ```

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

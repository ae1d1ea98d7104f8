//! POSIX shell parser and command model for analysing RUN instructions.
//!
//! [`parse`] turns shell text into a [`Script`]: a syntax tree with a byte range on every
//! node and word. It never fails; syntax errors are collected in [`Script::errors`] and
//! parsing resumes at the next `;`, `&&`, `||`, `|`, newline or closing keyword, so rules
//! still see the commands around a typo. [`Script::commands`] lists every simple command
//! that runs, with wrappers such as `sudo`, `env` or `sh -c '…'` looked through, the
//! pipeline it is in, and the `set -e`/`set -o pipefail` state in effect.
//!
//! ```
//! let script = estiba_shell::parse("set -eo pipefail; sudo apt-get install -qy curl | tee log");
//! let install = script.commands().find(|c| c.name() == Some("apt-get")).unwrap();
//! assert!(install.via_sudo());
//! assert!(install.has_option(Some('y'), Some("yes")));
//! assert!(install.state().pipefail);
//! assert_eq!(install.pipeline().len(), 2);
//! ```
//!
//! # Why not an existing shell parser
//!
//! Parsers written for running scripts (brush-parser among them) stop at the first syntax
//! error and do not keep exact spans for every word; a linter needs the opposite: partial
//! results on broken input, byte-exact ranges for diagnostics and fixes, and speed on large
//! generated `RUN` lines. That is why this crate has its own parser.
//!
//! # Scope
//!
//! POSIX `sh` plus the bash syntax common in Dockerfiles: `[[ ]]`, `(( ))`, `$'…'`,
//! `<( )`, `|&`, `&>`, `<<<`, arrays and `function`. Nothing is executed or expanded
//! except through [`Word::resolve`], which substitutes variables whose values are known.
//!
//! Known limits, all deliberate trade-offs for a static linter:
//! - `[[ … ]]` and `(( … ))` are compound commands in the tree, not entries of
//!   [`Script::commands`]; substitutions inside `[[ ]]` are found, arithmetic is opaque.
//! - Here-document bodies are text: substitutions in an unquoted body are not parsed,
//!   except when the body is fed to a shell (`bash <<EOF`), where it is a script.
//! - A script reaching a shell through a pipe (`cat <<EOF | sh`, `curl … | sh`) is not
//!   followed; `find -exec` is not unwrapped; calls to functions defined in the script are
//!   not followed (their bodies are walked once, where they are defined).
//! - An array literal in argument position (`declare -a a=(x y)`) becomes one word.
//! - Input nested deeper than 64 levels is abandoned with an error, and inner scripts
//!   (`sh -c`, backquotes, `eval`) together may re-parse at most about twice the input.

mod args;
mod ast;
mod download;
mod finish;
mod model;
mod parser;
mod range;
mod state;
mod word;
mod wrappers;

pub use args::{ArgText, Args, Opt, Positional, split_args, split_args_posix};
pub use ast::{
    AndOr, AndOrOp, Assignment, AssignmentValue, CaseItem, CaseTerminator, Command,
    CompoundCommand, CompoundKind, Connector, FunctionDef, Heredoc, IfClause, List, ListItem,
    ParseError, Pipe, Pipeline, Redirect, RedirectOp, Script, SimpleCommand, Terminator,
};
pub use download::{
    CURL_OPTIONS_WITH_VALUE, ExecutedDownload, Execution, WGET_OPTIONS_WITH_VALUE, applet,
    executed_downloads,
};
pub use model::{Analysis, CommandRef, Context, PipelineRef};
pub use range::TextRange;
pub use state::ShellState;
pub use word::{ParamOp, Parameter, ResolvedWord, Word, WordPart};
pub use wrappers::{Wrapper, WrapperKind};

/// Parses a shell script. Never fails and never panics: see [`Script::errors`].
#[must_use]
pub fn parse(script: &str) -> Script {
    let budget = parser::Budget::for_script(script.len());
    let (body, errors) = parser::parse_text(script, 0, &budget);
    Script {
        body,
        errors,
        range: TextRange::new(0, script.len()),
    }
}

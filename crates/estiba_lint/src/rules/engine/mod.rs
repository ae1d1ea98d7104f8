//! Findings the engine itself makes: the file does not parse, or a suppression is
//! wrong. They are catalogue rules like any other so they can be listed, documented,
//! configured and suppressed.

mod syntax_error;
mod unknown_rule_in_suppression;
mod unused_suppression;

pub(crate) use syntax_error::SyntaxError;
pub(crate) use unknown_rule_in_suppression::UnknownRuleInSuppression;
pub(crate) use unused_suppression::UnusedSuppression;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] =
    &[&SyntaxError, &UnusedSuppression, &UnknownRuleInSuppression];

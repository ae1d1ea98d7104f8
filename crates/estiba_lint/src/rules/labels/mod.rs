//! (category under construction)

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[];

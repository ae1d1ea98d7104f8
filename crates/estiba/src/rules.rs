//! `estiba rules` and `estiba rule ID`: the catalogue, from the rules' own declarations.

use std::io::Write;

use anyhow::{Result, bail};
use estiba_diagnostics::RuleMeta;

use crate::EXIT_CLEAN;
use estiba::args::{ListFormat, RuleArgs, RulesArgs};

pub(crate) fn list(args: &RulesArgs) -> Result<u8> {
    let catalogue = estiba::catalogue();
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let entries: Vec<_> = catalogue.iter().map(|m| rule_json(m)).collect();
            serde_json::to_writer_pretty(&mut out, &entries)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            for meta in &catalogue {
                let aliases: Vec<&str> = meta.hadolint_ids().collect();
                let alias = if aliases.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", aliases.join(", "))
                };
                writeln!(
                    out,
                    "{:<6} {:<8} {:<4} {:<40} {}{}",
                    meta.code, meta.severity, meta.practice, meta.name, meta.title, alias
                )?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

pub(crate) fn show(args: &RuleArgs) -> Result<u8> {
    let Some(meta) = estiba::find_rule(&args.id) else {
        bail!("no rule `{}` (`estiba rules` lists them)", args.id);
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rule_json(meta))?;
            writeln!(out)?;
        }
        ListFormat::Text => out.write_all(estiba_diagnostics::docs::rule_page(meta).as_bytes())?,
    }
    Ok(EXIT_CLEAN)
}

fn rule_json(meta: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "code": meta.code,
        "name": meta.name,
        "title": meta.title,
        "severity": meta.severity,
        "practice": meta.practice,
        "practice_title": meta.practice.title(),
        "target": meta.target,
        "lifecycle": meta.lifecycle,
        "fix": meta.fix,
        "references": meta.references,
        "remediation": meta.remediation,
        "rationale": meta.rationale(),
        "docs": meta.markdown(),
    })
}

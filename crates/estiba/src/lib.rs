//! The command-line definition of `estiba`, as a library so the man page and shell
//! completions can be generated from it (and checked for staleness) by tests.

pub mod args;

use clap::CommandFactory;
use estiba_diagnostics::RuleMeta;

/// The whole rule catalogue: Dockerfile rules, then image rules, then runtime rules,
/// each in code order.
#[must_use]
pub fn catalogue() -> Vec<&'static RuleMeta> {
    let mut all = estiba_lint::catalogue();
    all.extend(estiba_image_checks::catalogue());
    all.extend(estiba_runtime_checks::catalogue());
    all.extend(estiba_vulns::assess::catalogue());
    all
}

/// The rule `id` names, in any catalogue: a code (`DF001`, `IM001`), a kebab-case name,
/// or a foreign id a rule declares (`DL3008`, `CIS-DI-0001`).
#[must_use]
pub fn find_rule(id: &str) -> Option<&'static RuleMeta> {
    let all = catalogue();
    all.iter()
        .find(|m| m.code.eq_ignore_ascii_case(id) || m.name.eq_ignore_ascii_case(id))
        .or_else(|| all.iter().find(|m| m.matches_id(id)))
        .copied()
}

/// The roff man page of `estiba` and of each subcommand (`estiba-lint.1`, …).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let command = args::Cli::command();
    let mut pages = Vec::new();
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut buffer)?;
    pages.push(("estiba.1".to_owned(), buffer));
    for sub in command.get_subcommands() {
        let name = format!("estiba-{}", sub.get_name());
        let mut buffer = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone())).render(&mut buffer)?;
        pages.push((format!("{name}.1"), buffer));
    }
    Ok(pages)
}

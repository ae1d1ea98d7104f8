//! The command-line definition of `estiba`, as a library so the man page and shell
//! completions can be generated from it (and checked for staleness) by tests.

pub mod args;

use clap::CommandFactory;

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

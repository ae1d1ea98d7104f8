//! The `estiba` command line: parses flags, loads configuration, wires each verb to
//! its library, and turns results into an exit status. No analysis happens here.

mod access;
mod config;
mod db;
mod image;
mod inputs;
mod lint;
mod progress;
mod rules;
mod runtime;
mod sbom;
mod vulns;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use estiba::args::{Cli, Command};

// Linting allocates many small, short-lived strings and vectors on every thread; glibc's
// allocator spent about a third of a corpus run in malloc/free, mimalloc much less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit statuses are an interface: scripts and CI read them.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // --help and --version are not errors.
            return ExitCode::from(if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Image(args) => image::run(&args),
        Command::Sbom(args) => sbom::run(&args),
        Command::Vulns(args) => vulns::run(&args),
        Command::Db(command) => db::run(&command),
        Command::Config(args) => runtime::config(&args),
        Command::Run(args) => runtime::run_lines(&args),
        Command::Containers(args) => runtime::containers(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Rule(args) => rules::show(&args),
        Command::Completions(args) => {
            let mut command = Cli::command();
            clap_complete::generate(args.shell, &mut command, "estiba", &mut std::io::stdout());
            Ok(EXIT_CLEAN)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("estiba: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Colour for a human on a terminal, never when NO_COLOR is set (https://no-color.org).
pub fn use_color(no_color_flag: bool, writing_to_file: bool) -> bool {
    !no_color_flag
        && !writing_to_file
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// Today's date as `YYYY-MM-DD` (UTC). `ESTIBA_TODAY` overrides it so that tests and
/// reproducible CI runs do not depend on the clock.
pub fn today() -> String {
    if let Ok(fixed) = std::env::var("ESTIBA_TODAY") {
        return fixed;
    }
    now_utc().0
}

/// The current UTC time as `YYYY-MM-DDThh:mm:ss`, for formats whose schema requires
/// a timestamp (JUnit). Follows `ESTIBA_TODAY` (at midnight) when set.
pub fn timestamp() -> String {
    if let Ok(fixed) = std::env::var("ESTIBA_TODAY") {
        return format!("{fixed}T00:00:00");
    }
    let (date, secs_of_day) = now_utc();
    format!(
        "{date}T{:02}:{:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    )
}

fn now_utc() -> (String, u64) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil-from-days (proleptic Gregorian), valid for any date after 1970.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), secs % 86_400)
}

//! Parses the shell of every RUN instruction in the real-world Dockerfile corpus.
//!
//! The RUN extraction here is deliberately simple (joins continuation lines, drops comment
//! lines inside them, follows heredocs) and only exists for this test; the real Dockerfile
//! parser lives in `estiba_dockerfile`.

use std::path::{Path, PathBuf};
use std::time::Instant;

/// One RUN instruction's shell text and where it came from.
struct RunLine {
    file: String,
    line: usize,
    script: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles")
}

/// Whether a Dockerfile targets Windows, whose RUN lines are cmd or PowerShell, not sh.
fn is_windows(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start().to_ascii_lowercase();
        (t.starts_with("# escape=`") || t.starts_with("#escape=`"))
            || (t.starts_with("from ")
                && (t.contains("windows") || t.contains("nanoserver") || t.contains("servercore")))
            || (t.starts_with("shell ") && (t.contains("powershell") || t.contains("\"cmd")))
    })
}

/// Heredoc delimiters opened on a line (`<<EOF`, `<<-"EOF"`, `<<'EOF'`).
fn heredoc_delimiters(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("<<") {
        rest = &rest[i + 2..];
        if rest.starts_with('<') {
            rest = &rest[1..];
            continue;
        }
        let strip = rest.starts_with('-');
        let r = rest.trim_start_matches('-').trim_start();
        let r = r.trim_start_matches(['"', '\'']);
        let name: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push((name, strip));
        }
    }
    out
}

fn extract_runs(file: &str, text: &str) -> Vec<RunLine> {
    let lines: Vec<&str> = text.lines().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i].trim_start();
        let start_line = i + 1;
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        // Join continuation lines the way BuildKit does: the backslash and newline go,
        // comment and empty lines inside the continuation are dropped.
        let mut logical = String::new();
        let mut current = first.trim_end().to_owned();
        while let Some(stripped) = current.strip_suffix('\\') {
            logical.push_str(stripped);
            current = String::new();
            while i < lines.len() {
                let next = lines[i];
                i += 1;
                let t = next.trim_start();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                next.trim_end().clone_into(&mut current);
                break;
            }
            if current.is_empty() {
                break;
            }
        }
        logical.push_str(&current);
        let Some((instr, rest)) = logical.split_once(char::is_whitespace) else {
            continue;
        };
        if !instr.eq_ignore_ascii_case("run") {
            continue;
        }
        let mut rest = rest.trim_start();
        while rest.starts_with("--") {
            rest = rest
                .split_once(char::is_whitespace)
                .map_or("", |(_, r)| r)
                .trim_start();
        }
        if rest.starts_with('[') {
            continue; // exec form: no shell
        }
        let heredocs = heredoc_delimiters(rest);
        let mut bodies = String::new();
        for (delim, strip) in &heredocs {
            while i < lines.len() {
                let l = lines[i];
                i += 1;
                let cmp = if *strip {
                    l.trim_start_matches('\t')
                } else {
                    l
                };
                bodies.push_str(l);
                bodies.push('\n');
                if cmp.trim_end() == delim {
                    break;
                }
            }
        }
        let script = if rest.starts_with("<<") && heredocs.len() == 1 {
            // `RUN <<EOF`: the body is the script (minus the delimiter line).
            let body = bodies.trim_end_matches('\n');
            body.rsplit_once('\n').map_or("", |(b, _)| b).to_owned()
        } else if heredocs.is_empty() {
            rest.to_owned()
        } else {
            format!("{rest}\n{bodies}")
        };
        runs.push(RunLine {
            file: file.to_owned(),
            line: start_line,
            script,
        });
    }
    runs
}

fn corpus_runs() -> Vec<RunLine> {
    let mut entries: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n != "README.md" && n != "MANIFEST.tsv")
        })
        .collect();
    entries.sort();
    let mut runs = Vec::new();
    for path in entries {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        if is_windows(text) {
            continue;
        }
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        runs.extend(extract_runs(&name, text));
    }
    runs
}

/// Validates that every RUN line of the corpus parses without panicking, that nearly all
/// parse without errors, and that every command's ranges lie inside the script.
#[test]
fn corpus_run_lines_parse() {
    let runs = corpus_runs();
    assert!(
        runs.len() > 5000,
        "expected many RUN lines, got {}",
        runs.len()
    );
    let started = Instant::now();
    let scripts: Vec<_> = runs
        .iter()
        .map(|r| estiba_shell::parse(&r.script))
        .collect();
    let parse_time = started.elapsed();
    let mut with_errors = Vec::new();
    let mut commands = 0usize;
    for (run, script) in runs.iter().zip(&scripts) {
        for c in script.commands() {
            commands += 1;
            let r = c.range();
            assert!(
                r.slice(&run.script).is_some(),
                "{}:{} range {r}",
                run.file,
                run.line
            );
            // Outside inner scripts and substitutions, every word's range slices out exactly
            // its raw text, which is what fixes rely on.
            let ctx = c.context();
            if !ctx.in_inner_script && !ctx.in_command_substitution {
                for w in &c.syntax().words {
                    assert_eq!(
                        w.range.slice(&run.script),
                        Some(w.raw.as_str()),
                        "{}:{}",
                        run.file,
                        run.line
                    );
                }
            }
        }
        if !script.errors.is_empty() {
            with_errors.push((run, script));
        }
    }
    eprintln!(
        "corpus: {} RUN lines ({} bytes), {} commands, parsed in {:?}; {} with parse errors",
        runs.len(),
        runs.iter().map(|r| r.script.len()).sum::<usize>(),
        commands,
        parse_time,
        with_errors.len()
    );
    for (run, script) in &with_errors {
        for e in &script.errors {
            let snippet: String = run
                .script
                .get(e.range.start..)
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            eprintln!(
                "  {}:{}: {} at {:?}",
                run.file, run.line, e.message, snippet
            );
        }
    }
    // Every RUN line of the corpus is valid shell (`bash -n` accepts all of them too), so
    // any error here is a parser bug.
    assert!(
        with_errors.is_empty(),
        "{} RUN lines with errors",
        with_errors.len()
    );
}

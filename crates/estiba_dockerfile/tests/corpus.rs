//! The real-world corpus (`testdata/dockerfiles`) and hostile inputs: everything parses,
//! nothing panics, nothing is slow.

use std::fs;
use std::path::Path;

use estiba_dockerfile::{InstructionKind, Keyword, ParseErrorKind, parse, parse_bytes};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("corpus folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "MANIFEST.tsv" && name != "README.md"
        })
        .map(|p| {
            let data = fs::read(&p).expect("readable file");
            (p.display().to_string(), data)
        })
        .collect();
    files.sort();
    files
}

/// Validates that every real-world Dockerfile parses without a parser error.
#[test]
fn corpus_parses_without_errors() {
    let files = corpus();
    assert_eq!(files.len(), 2698);
    let mut failures = Vec::new();
    for (name, data) in &files {
        let parsed = parse_bytes(data);
        if !parsed.errors.is_empty() {
            failures.push(format!("{name}: {:?}", parsed.errors));
        }
        assert!(!parsed.instructions.is_empty(), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Validates that ranges in the corpus are consistent: every instruction's keyword is where
/// its range says, ranges are ordered and within the file, and comments start with `#`.
#[test]
fn corpus_ranges_point_at_the_text() {
    for (name, data) in corpus() {
        let text = String::from_utf8_lossy(&data);
        let parsed = parse(&text);
        let mut last_end = 0;
        for ins in &parsed.instructions {
            let kw = ins.keyword_range.slice(&text);
            if ins.keyword != Keyword::Unknown {
                assert!(
                    kw.eq_ignore_ascii_case(ins.keyword.as_str()),
                    "{name}: {kw:?}"
                );
            }
            assert!(
                ins.range.start >= last_end,
                "{name}: overlapping instructions"
            );
            assert!(ins.range.end as usize <= text.len(), "{name}");
            assert!(ins.start_line <= ins.end_line, "{name}");
            last_end = ins.range.end;
            for flag in &ins.flags {
                assert!(flag.range.slice(&text).starts_with("--"), "{name}");
            }
            if let InstructionKind::Run(cmd) = &ins.kind
                && let Some(shell) = cmd.shell()
            {
                // Every byte of the logical text maps back to the same byte in the file.
                for (i, ch) in shell.text.char_indices().step_by(7) {
                    let at = shell.file_offset(i) as usize;
                    assert_eq!(text[at..].chars().next(), Some(ch), "{name}");
                }
            }
            for heredoc in &ins.heredocs {
                assert_eq!(heredoc.body_range.slice(&text), heredoc.body, "{name}");
                assert!(heredoc.terminator_range.is_some(), "{name}");
            }
        }
        for comment in &parsed.comments {
            assert!(comment.range.slice(&text).starts_with('#'), "{name}");
            assert_eq!(comment.range.slice(&text), comment.text, "{name}");
        }
    }
}

/// Validates that a one-megabyte line is parsed (and reported as too long for BuildKit).
#[test]
fn one_megabyte_line() {
    let text = format!("FROM scratch\nRUN echo {}\n", "a".repeat(1 << 20));
    let parsed = parse(&text);
    assert_eq!(parsed.instructions.len(), 2);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::LineTooLong);

    let json = format!(
        "FROM scratch\nCMD [{}\"x\"]\n",
        "\"aaaa\", ".repeat(150_000)
    );
    let parsed = parse(&json);
    assert!(
        parsed.instructions[1]
            .command()
            .is_some_and(|c| c.is_exec())
    );

    let env = format!("FROM scratch\nENV {}\n", "a=b ".repeat(250_000));
    let parsed = parse(&env);
    assert!(
        matches!(&parsed.instructions[1].kind, InstructionKind::Env(kv) if kv.len() == 250_000)
    );

    let heredocs = format!("FROM scratch\nRUN {}\n", "<<EOF ".repeat(150_000));
    let parsed = parse(&heredocs);
    assert_eq!(parsed.instructions.len(), 2);
}

/// Validates that a hundred thousand lines parse.
#[test]
fn hundred_thousand_lines() {
    let mut text = String::from("FROM scratch\n");
    for i in 0..100_000 {
        text.push_str(&format!("RUN echo {i}\n"));
    }
    let parsed = parse(&text);
    assert_eq!(parsed.instructions.len(), 100_001);
    assert_eq!(parsed.instructions[100_000].start_line, 100_001);
    assert!(parsed.errors.is_empty());
}

/// Validates that a continuation ten thousand lines deep is one instruction.
#[test]
fn deep_continuation_chain() {
    let mut text = String::from("FROM scratch\nRUN true \\\n");
    for _ in 0..10_000 {
        text.push_str("  && true \\\n  # comment\n\n");
    }
    text.push_str("  && true\n");
    let parsed = parse(&text);
    assert_eq!(parsed.instructions.len(), 2);
    assert_eq!(parsed.instructions[1].end_line, 30_003);
    assert_eq!(parsed.comments.len(), 10_000);
    assert!(parsed.errors.is_empty());
    let run = &parsed.instructions[1];
    let shell = run.command().and_then(|c| c.shell()).expect("shell form");
    let last = shell.text.rfind("true").expect("text");
    assert_eq!(&text[shell.file_offset(last) as usize..][..4], "true");
}

/// Validates that an unterminated heredoc is an error and the file is still parsed.
#[test]
fn unterminated_heredoc() {
    let parsed = parse("FROM scratch\nRUN <<EOF\necho hi\nUSER nobody\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::UnterminatedHeredoc);
    let keywords: Vec<_> = parsed.instructions.iter().map(|i| i.keyword).collect();
    assert_eq!(
        keywords,
        [Keyword::From, Keyword::Run, Keyword::Unknown, Keyword::User]
    );

    // A terminator with stray whitespace is taken as the terminator, still an error.
    let parsed = parse("FROM scratch\nRUN <<EOF\necho hi\nEOF  \nUSER nobody\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.instructions.len(), 3);
    assert_eq!(parsed.instructions[1].heredocs[0].body, "echo hi\n");
}

/// Validates that invalid UTF-8 is decoded lossily and reported.
#[test]
fn invalid_utf8() {
    let parsed = parse_bytes(b"FROM scratch\nRUN echo \xff\xfe ok\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidUtf8);
    assert_eq!(parsed.errors[0].range.start, 22);
    assert_eq!(parsed.instructions.len(), 2);
}

/// Validates that deeply nested ONBUILD neither overflows the stack nor goes unreported.
#[test]
fn deeply_nested_onbuild() {
    let text = format!("FROM scratch\n{}RUN x\n", "ONBUILD ".repeat(200_000));
    let parsed = parse(&text);
    assert_eq!(parsed.instructions.len(), 2);
    assert!(
        parsed
            .errors
            .iter()
            .any(|e| e.kind == ParseErrorKind::NestingTooDeep)
    );
    assert!(
        parsed
            .build_errors
            .iter()
            .any(|e| e.kind == ParseErrorKind::InvalidInstruction)
    );
}

/// Validates that arbitrary byte soup never panics.
#[test]
fn byte_soup_never_panics() {
    let pieces: &[&[u8]] = &[
        b"FROM ",
        b"RUN ",
        b"COPY ",
        b"ONBUILD ",
        b"HEALTHCHECK ",
        b"ENV ",
        b"ARG ",
        b"\\",
        b"`",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\t",
        b"#",
        b"# escape=`\n",
        b"<<EOF",
        b"<<-'E'",
        b"EOF\n",
        b"\tE\n",
        b"[",
        b"]",
        b"\"",
        b"'",
        b"=",
        b"--from=",
        b"--",
        b"$",
        b"${",
        b"}",
        b"\xff",
        b"\xef\xbb\xbf",
        b"\xc3\xa0",
        b"\x00",
        b"a",
        b"AS",
        b"\\u00",
        b",",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut input = Vec::new();
        for _ in 0..(seed % 60) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            input.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let parsed = parse_bytes(&input);
        let _ = parsed.dump();
        let text = String::from_utf8_lossy(&input);
        for ins in &parsed.instructions {
            assert!(ins.range.end as usize <= text.len());
            let _ = ins.shell_script();
        }
        let _ = estiba_dockerfile::semantic::Model::new(&parsed);
    }
}

/// Validates that many unterminated heredocs, each with its own delimiter, stay linear.
#[test]
fn many_unterminated_heredocs() {
    let mut text = String::from("FROM scratch\n");
    for i in 0..20_000 {
        text.push_str(&format!("RUN <<EOF{i}\n"));
    }
    let parsed = parse(&text);
    assert_eq!(parsed.instructions.len(), 20_001);
    assert_eq!(parsed.errors.len(), 20_000);
    assert!(
        parsed
            .errors
            .iter()
            .all(|e| e.kind == ParseErrorKind::UnterminatedHeredoc)
    );
}

/// Validates that a long chain of stages, each built on the previous one, stays linear in
/// the semantic model.
#[test]
fn long_stage_chain() {
    let mut text = String::from("ARG V=1\nFROM alpine AS s0\n");
    for i in 1..5_000 {
        text.push_str(&format!(
            "FROM s{} AS s{i}\nENV E{i}=$V\nRUN echo $E1 $MISSING\n",
            i - 1
        ));
    }
    let parsed = parse(&text);
    let model = estiba_dockerfile::semantic::Model::new(&parsed);
    assert_eq!(model.stages().len(), 5_000);
    assert_eq!(model.stages()[4_999].base_stage, Some(4_998));
    let last = parsed.instructions.len() - 1;
    let word = estiba_dockerfile::Word {
        value: "$E4999 $MISSING".into(),
        range: estiba_dockerfile::TextRange::default(),
    };
    assert_eq!(model.expand(last, &word).unresolved, ["MISSING", "V"]);
    for i in (0..parsed.instructions.len()).step_by(3) {
        let _ = model.scope(i).is_declared("NOPE");
    }
}

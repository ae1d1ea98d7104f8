//! Parser behaviour beyond BuildKit's vectors: heredocs, flags, JSON fallback, directives,
//! line endings, comments, ranges and the shell script of `RUN`.

use estiba_dockerfile::{
    CommandLine, InstructionKind, Keyword, ParseErrorKind, ParseWarningKind, ScriptSource,
    Separator, TextRange, parse, parse_bytes,
};

fn slice(text: &str, range: TextRange) -> &str {
    range.slice(text)
}

/// Validates that several heredocs on one line are read in order, each up to its own
/// terminator.
#[test]
fn several_heredocs_on_one_line() {
    let text = "FROM alpine\nRUN <<A cat - <<'B' >out\nfirst\nA\nsecond $x\nB\nUSER nobody\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.instructions.len(), 3);
    let run = &parsed.instructions[1];
    assert_eq!((run.start_line, run.end_line), (2, 6));
    assert_eq!(
        slice(text, run.range),
        "RUN <<A cat - <<'B' >out\nfirst\nA\nsecond $x\nB"
    );
    let [a, b] = run.heredocs.as_slice() else {
        panic!("two heredocs expected: {:?}", run.heredocs);
    };
    assert_eq!(
        (a.delimiter.as_str(), a.quoted, a.body.as_str()),
        ("A", false, "first\n")
    );
    assert_eq!(
        (b.delimiter.as_str(), b.quoted, b.body.as_str()),
        ("B", true, "second $x\n")
    );
    assert_eq!(slice(text, a.range), "<<A");
    assert_eq!(slice(text, b.range), "<<'B'");
    assert_eq!(slice(text, b.body_range), "second $x\n");
    assert_eq!(b.terminator_range.map(|r| slice(text, r)), Some("B"));
    assert_eq!(parsed.instructions[2].keyword, Keyword::User);
    assert_eq!(parsed.instructions[2].start_line, 7);
}

/// Validates `<<-`: tabs before the terminator are ignored and stripped from the content.
#[test]
fn heredoc_strip_tabs() {
    let text = "FROM alpine\nRUN <<-EOT\n\techo a\n\t\techo b\n\tEOT\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let heredoc = &parsed.instructions[1].heredocs[0];
    assert!(heredoc.strip_tabs);
    assert_eq!(heredoc.body, "\techo a\n\t\techo b\n");
    assert_eq!(heredoc.content(), "echo a\necho b\n");
    // Without `-`, a tab-indented terminator does not end the heredoc.
    let parsed = parse("FROM alpine\nRUN <<EOT\n\techo a\n\tEOT\nEOT\n");
    assert_eq!(parsed.instructions[1].heredocs[0].body, "\techo a\n\tEOT\n");
}

/// Validates quoted delimiters (no expansion) and the file-descriptor prefix.
#[test]
fn heredoc_quoting_and_fd() {
    let parsed = parse("FROM a\nRUN 3<<\"E O F\" cat <&3\nx\nE O F\n");
    let heredoc = &parsed.instructions[1].heredocs[0];
    assert_eq!(
        (heredoc.delimiter.as_str(), heredoc.quoted, heredoc.fd),
        ("E O F", true, 3)
    );
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
}

/// Validates that heredocs in COPY and ADD are read, and JSON forms and other
/// instructions never read heredocs.
#[test]
fn heredocs_in_copy_add_only() {
    let text = "FROM a\nCOPY <<one <<two /dest/\n1\none\n2\ntwo\nADD <<x /x\nX\nx\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.instructions.len(), 3);
    let InstructionKind::Copy {
        sources,
        dest,
        json,
    } = &parsed.instructions[1].kind
    else {
        panic!("COPY expected");
    };
    assert!(!json);
    assert_eq!(
        sources.iter().map(|w| w.as_str()).collect::<Vec<_>>(),
        ["<<one", "<<two"]
    );
    assert_eq!(dest.as_ref().map(|w| w.as_str()), Some("/dest/"));
    assert_eq!(parsed.instructions[1].heredocs.len(), 2);
    assert_eq!(parsed.instructions[2].heredocs[0].body, "X\n");

    let parsed = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nEOF\n");
    assert!(parsed.instructions[1].heredocs.is_empty());
    assert_eq!(parsed.instructions.len(), 3);
    let parsed = parse("FROM a\nENV A=<<EOF\nEOF\n");
    assert!(parsed.instructions[1].heredocs.is_empty());
    // `ONBUILD RUN <<EOF` reads the body, as BuildKit does.
    let parsed = parse("FROM a\nONBUILD RUN <<EOF\necho\nEOF\n");
    assert_eq!(parsed.instructions.len(), 2);
    assert_eq!(parsed.instructions[1].heredocs.len(), 1);
    let trigger = parsed.instructions[1].onbuild_trigger().expect("trigger");
    assert_eq!(trigger.heredocs.len(), 1);
}

/// Validates that heredoc bodies keep CRLF line ends and the terminator matches without
/// its `\r`.
#[test]
fn heredoc_crlf() {
    let parsed = parse("FROM a\r\nRUN <<EOF\r\necho\r\nEOF\r\nUSER x\r\n");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.instructions[1].heredocs[0].body, "echo\r\n");
    assert_eq!(parsed.instructions.len(), 3);
}

/// Validates the script handed to the shell analysis for each way of writing `RUN`.
#[test]
fn run_shell_script() {
    let text = "FROM a\nRUN <<EOF\nset -e\napt-get update\nEOF\n";
    let parsed = parse(text);
    let script = parsed.instructions[1].shell_script().expect("script");
    assert_eq!(script.source, ScriptSource::HeredocBody);
    assert_eq!(script.text, "set -e\napt-get update\n");
    let at = script.text.find("apt-get").expect("present");
    assert_eq!(
        &text[script.file_offset(at).expect("mapped") as usize..][..7],
        "apt-get"
    );

    let text = "FROM a\nRUN <<-EOF\n\t#!/usr/bin/env python3\n\tprint(1)\n\tEOF\n";
    let script = parse(text).instructions[1].shell_script().expect("script");
    assert_eq!(script.source, ScriptSource::Shebang);
    assert_eq!(script.text, "#!/usr/bin/env python3\nprint(1)\n");
    let at = script.text.find("print").expect("present");
    assert_eq!(
        &text[script.file_offset(at).expect("mapped") as usize..][..5],
        "print"
    );

    let text = "FROM a\nRUN python3 - <<EOF && \\\n  echo done\nprint(1)\nEOF\n";
    let script = parse(text).instructions[1].shell_script().expect("script");
    assert_eq!(script.source, ScriptSource::CommandLine);
    assert_eq!(script.text, "python3 - <<EOF &&   echo done\nprint(1)\nEOF");
    let at = script.text.find("echo").expect("present");
    assert_eq!(
        &text[script.file_offset(at).expect("mapped") as usize..][..4],
        "echo"
    );
    let at = script.text.find("print").expect("present");
    assert_eq!(
        &text[script.file_offset(at).expect("mapped") as usize..][..5],
        "print"
    );
    // The delimiter BuildKit appends is synthetic.
    assert_eq!(script.file_offset(script.text.len() - 1), None);

    let parsed = parse("FROM a\nRUN [\"echo\", \"hi\"]\nCMD echo hi\nONBUILD RUN make\n");
    assert!(parsed.instructions[1].shell_script().is_none());
    assert_eq!(
        parsed.instructions[2].shell_script().map(|s| s.text),
        Some("echo hi".into())
    );
    assert_eq!(
        parsed.instructions[3].shell_script().map(|s| s.text),
        Some("make".into())
    );
}

/// Validates flag parsing: names, values with quotes removed, ranges, `--` and the
/// arguments after the flags.
#[test]
fn flags() {
    let text = "FROM a\nRUN --mount=type=cache,target=/root/.cache --network=none \\\n    --security=insecure pip install x\nCOPY --from=build --chown=\"app user\" --link -- --weird /dst\n";
    let parsed = parse(text);
    let run = &parsed.instructions[1];
    let names: Vec<_> = run.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["mount", "network", "security"]);
    let mount = run.flag("mount").expect("mount");
    assert_eq!(
        mount.value.as_deref(),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(
        slice(text, mount.range),
        "--mount=type=cache,target=/root/.cache"
    );
    assert_eq!(
        mount.value_range.map(|r| slice(text, r)),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(slice(text, run.flags[2].range), "--security=insecure");
    assert_eq!(run.args.text, "pip install x");
    assert_eq!(slice(text, run.args.range), "pip install x");

    let copy = &parsed.instructions[2];
    assert_eq!(
        copy.flag("chown").and_then(|f| f.value.as_deref()),
        Some("app user")
    );
    assert_eq!(copy.flag("link").map(|f| f.value.is_none()), Some(true));
    let InstructionKind::Copy { sources, .. } = &copy.kind else {
        panic!("COPY expected");
    };
    assert_eq!(sources[0].value, "--weird");
    assert!(parsed.build_errors.is_empty(), "{:?}", parsed.build_errors);

    // Unknown flags are kept, not errors; a single dash is not a flag.
    let parsed = parse("FROM a\nADD --checksum=sha256:abc --keep-git-dir --bogus x y\nRUN -x\n");
    assert_eq!(parsed.instructions[1].flags.len(), 3);
    assert!(parsed.instructions[2].flags.is_empty());
    assert!(parsed.errors.is_empty() && parsed.build_errors.is_empty());
}

/// Validates the exec/shell decision, including BuildKit's fallbacks.
#[test]
fn json_and_shell_forms() {
    let text = "FROM a\nCMD [\"a\", \"b c\"]\nCMD ['a']\nCMD [\"a\"] trailing\nENTRYPOINT [\"\\u00e9\"]\nRUN [ -f x ] && y\n";
    let parsed = parse(text);
    let cmds: Vec<&CommandLine> = parsed
        .instructions
        .iter()
        .filter_map(|i| i.command())
        .collect();
    let CommandLine::Exec { args, range } = cmds[0] else {
        panic!("exec form expected");
    };
    assert_eq!(
        args.iter().map(|w| w.as_str()).collect::<Vec<_>>(),
        ["a", "b c"]
    );
    assert_eq!(slice(text, args[1].range), "\"b c\"");
    assert_eq!(slice(text, *range), "[\"a\", \"b c\"]");
    assert_eq!(cmds[1].shell().map(|s| s.text.as_str()), Some("['a']"));
    // Go's JSON decoder stops after the first value.
    assert_eq!(cmds[2].exec_args().map(<[_]>::len), Some(1));
    assert_eq!(cmds[3].exec_args().map(|a| a[0].value.as_str()), Some("é"));
    assert!(!cmds[4].is_exec());

    let parsed = parse("FROM a\nCMD [\"a\", 1]\nUSER x\n");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidArguments);
    assert!(matches!(
        parsed.instructions[1].kind,
        InstructionKind::Invalid
    ));
    assert_eq!(parsed.instructions.len(), 3);
}

/// Validates ENV/LABEL pairs, both syntaxes, with raw values.
#[test]
fn env_and_label_pairs() {
    let text =
        "FROM a\nENV A=1 B=\"two words\" C=x\\ y\nENV LEGACY some value\nLABEL a.b=c \"d e\"=f\n";
    let parsed = parse(text);
    let InstructionKind::Env(pairs) = &parsed.instructions[1].kind else {
        panic!("ENV expected");
    };
    let kv: Vec<_> = pairs
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(kv, [("A", "1"), ("B", "\"two words\""), ("C", "x\\ y")]);
    assert_eq!(slice(text, pairs[1].value.range), "\"two words\"");
    let InstructionKind::Env(pairs) = &parsed.instructions[2].kind else {
        panic!("ENV expected");
    };
    assert_eq!(pairs[0].separator, Separator::Space);
    assert_eq!(
        (pairs[0].key.as_str(), pairs[0].value.as_str()),
        ("LEGACY", "some value")
    );
    let InstructionKind::Label(pairs) = &parsed.instructions[3].kind else {
        panic!("LABEL expected");
    };
    assert_eq!(pairs[1].key.as_str(), "\"d e\"");

    let parsed = parse("FROM a\nENV A=1 B\n");
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidArguments);
}

/// Validates parser directives: only at the top, case-insensitive, escape honoured,
/// duplicates and bad values reported.
#[test]
fn directives() {
    let text =
        "# Syntax=docker/dockerfile:1\n#ESCAPE=`\n# check=skip=all\nFROM a\nRUN echo `\n  hi\n";
    let parsed = parse(text);
    let names: Vec<_> = parsed
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(parsed.escape, '`');
    assert_eq!(parsed.directive("syntax").map(|d| d.line), Some(1));
    assert_eq!(slice(text, parsed.directives[1].value_range), "`");
    assert!(parsed.comments.is_empty());
    assert_eq!(parsed.instructions[1].args.text, "echo   hi");

    // After a plain comment (or blank line) directives are comments.
    let parsed = parse("# hello\n# escape=`\nFROM a\n");
    assert!(parsed.directives.is_empty());
    assert_eq!(parsed.escape, '\\');
    assert_eq!(parsed.comments.len(), 2);

    let parsed = parse("# escape=`\n# escape=\\\nFROM a\n");
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidDirective);
    let parsed = parse("# escape=x\nFROM a\n");
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidDirective);
    assert_eq!(parsed.escape, '\\');
}

/// Validates that comments inside continuations are recorded and attributed, and that
/// pragmas find the instruction they annotate.
#[test]
fn comments() {
    let text =
        "# hadolint ignore=DL3008\nFROM a\nRUN a \\\n  # inner\n\n  b\n  # trailing\nUSER x\n";
    let parsed = parse(text);
    let c: Vec<_> = parsed
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.line, c.inside_instruction))
        .collect();
    assert_eq!(
        c,
        [
            ("# hadolint ignore=DL3008", 1, None),
            ("# inner", 4, Some(1)),
            ("# trailing", 7, None)
        ]
    );
    assert_eq!(parsed.comments[0].body(), "hadolint ignore=DL3008");
    assert_eq!(parsed.instruction_for_comment(&parsed.comments[0]), Some(0));
    assert_eq!(parsed.instruction_for_comment(&parsed.comments[1]), Some(1));
    assert_eq!(parsed.instruction_for_comment(&parsed.comments[2]), Some(2));
    assert_eq!(parsed.instructions[1].args.text, "a   b");
    assert_eq!(
        (
            parsed.instructions[1].start_line,
            parsed.instructions[1].end_line
        ),
        (3, 6)
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(
        parsed.warnings[0].kind,
        ParseWarningKind::EmptyContinuationLine
    );
    assert_eq!(
        parsed.instruction_at_line(5).map(|i| i.keyword),
        Some(Keyword::Run)
    );
    assert_eq!(parsed.line_col(parsed.instructions[2].range.start), (8, 1));
}

/// Validates CRLF, a BOM, lowercase keywords and mixed-case keywords.
#[test]
fn line_ends_bom_and_case() {
    let text = "\u{feff}from alpine AS Build\r\nrun echo a \\\r\n  b\r\nWorkDir /x\r\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let kinds: Vec<_> = parsed.instructions.iter().map(|i| i.keyword).collect();
    assert_eq!(kinds, [Keyword::From, Keyword::Run, Keyword::Workdir]);
    assert_eq!(parsed.instructions[1].args.text, "echo a   b");
    assert_eq!(slice(text, parsed.instructions[0].keyword_range), "from");
    assert_eq!(
        slice(text, parsed.instructions[1].range),
        "run echo a \\\r\n  b"
    );
    assert_eq!(
        parsed.dump(),
        "(from \"alpine\" \"AS\" \"Build\")\n(run \"echo a   b\")\n(workdir \"/x\")"
    );
}

/// Validates BuildKit's instruction-layer checks, which do not stop parsing.
#[test]
fn build_errors() {
    let parsed = parse(
        "FROM\nFROM a b\nFROM a AS 1x\nCOPY x\nBOGUS y\nHEALTHCHECK NONE x\nSHELL sh -c\nONBUILD FROM x\nUSER\n",
    );
    let kinds: Vec<_> = parsed.build_errors.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ParseErrorKind::MissingArguments,
            ParseErrorKind::InvalidInstruction,
            ParseErrorKind::InvalidInstruction,
            ParseErrorKind::MissingArguments,
            ParseErrorKind::UnknownInstruction,
            ParseErrorKind::InvalidInstruction,
            ParseErrorKind::InvalidInstruction,
            ParseErrorKind::InvalidInstruction,
            ParseErrorKind::MissingArguments,
        ]
    );
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.instructions.len(), 9);
}

/// Validates that word ranges survive continuation lines.
#[test]
fn ranges_across_continuations() {
    let text = "FROM a\nCOPY src1 \\\n     src2 \\\n  /dest\n";
    let parsed = parse(text);
    let InstructionKind::Copy { sources, dest, .. } = &parsed.instructions[1].kind else {
        panic!("COPY expected");
    };
    assert_eq!(slice(text, sources[1].range), "src2");
    assert_eq!(dest.as_ref().map(|d| slice(text, d.range)), Some("/dest"));
    let args = &parsed.instructions[1].args;
    assert_eq!(args.text, "src1      src2   /dest");
    assert_eq!(args.file_range(0..args.text.len()), args.range);
    assert_eq!(slice(text, args.range), "src1 \\\n     src2 \\\n  /dest");
}

/// Validates that invalid UTF-8 keeps the rest of the file and the ranges consistent with
/// the lossily decoded text.
#[test]
fn invalid_utf8_ranges() {
    let bytes = b"FROM a\nLABEL x=\xff\nUSER me\n";
    let parsed = parse_bytes(bytes);
    let text = String::from_utf8_lossy(bytes);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidUtf8);
    assert_eq!(slice(&text, parsed.instructions[2].range), "USER me");
}

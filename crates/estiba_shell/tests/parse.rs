//! The syntax tree: grammar constructs, words, ranges and error recovery.

use estiba_shell::{
    AndOrOp, AssignmentValue, CaseTerminator, Command, CompoundKind, ParamOp, RedirectOp, Script,
    SimpleCommand, Terminator, Word, WordPart, parse,
};

fn only_simple(script: &Script) -> &SimpleCommand {
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let item = &script.body.items[0];
    match &item.and_or.pipelines[0].commands[0] {
        Command::Simple(c) => c,
        other => panic!("not simple: {other:?}"),
    }
}

fn only_compound(script: &Script) -> &CompoundKind {
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    match &script.body.items[0].and_or.pipelines[0].commands[0] {
        Command::Compound(c) => &c.kind,
        other => panic!("not compound: {other:?}"),
    }
}

fn values(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.value.as_str()).collect()
}

/// Every word's range must slice out exactly its raw text.
fn assert_ranges(src: &str, words: &[Word]) {
    for w in words {
        assert_eq!(w.range.slice(src), Some(w.raw.as_str()), "{w:?}");
    }
}

/// Validates that quoting, escapes and expansions produce the right value and raw text.
#[test]
fn words_values_and_ranges() {
    let src = r#"echo 'a b' "c $d" e\ f ${g:-"h i"} $(j k) `l` $((1 + 2)) x"y"'z' \$m"#;
    let script = parse(src);
    let cmd = only_simple(&script);
    assert_eq!(
        values(&cmd.words),
        [
            "echo",
            "a b",
            "c $d",
            "e f",
            r#"${g:-"h i"}"#,
            "$(j k)",
            "`l`",
            "$((1 + 2))",
            "xyz",
            "$m"
        ]
    );
    assert_ranges(src, &cmd.words);
    let quoted: Vec<bool> = cmd.words.iter().map(|w| w.quoted).collect();
    assert_eq!(
        quoted,
        [
            false, true, true, true, false, false, false, false, true, true
        ]
    );
    let expands: Vec<bool> = cmd.words.iter().map(|w| w.has_expansion).collect();
    assert_eq!(
        expands,
        [
            false, false, true, false, true, true, true, true, false, false
        ]
    );
}

/// Validates that parameter expansions record their operator and argument.
#[test]
fn parameter_expansion_parts() {
    let script = parse("echo ${A:-def} ${B#*/} ${#C} ${D[1]} $1 $@ ${E:?no}");
    let cmd = only_simple(&script);
    let params: Vec<_> = cmd
        .args()
        .iter()
        .map(|w| match &w.parts[0] {
            WordPart::Parameter(p) => (p.name.clone(), p.op, p.length, p.subscript.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        params,
        [
            (
                "A".into(),
                Some(ParamOp::Default { colon: true }),
                false,
                None
            ),
            (
                "B".into(),
                Some(ParamOp::TrimPrefix { longest: false }),
                false,
                None
            ),
            ("C".into(), None, true, None),
            ("D".into(), None, false, Some("1".into())),
            ("1".into(), None, false, None),
            ("@".into(), None, false, None),
            (
                "E".into(),
                Some(ParamOp::Error { colon: true }),
                false,
                None
            ),
        ]
    );
}

/// Validates that `$'…'` escapes are processed and `$"…"` acts as a double quote.
#[test]
fn ansi_c_and_locale_quotes() {
    let script = parse(r#"printf $'a\tb\x41\'' $"hi $x""#);
    let cmd = only_simple(&script);
    assert_eq!(values(cmd.args()), ["a\tbA'", "hi $x"]);
}

/// Validates that a backslash-newline joins words and is dropped from the value.
#[test]
fn line_continuation() {
    let src = "apt-get ins\\\ntall -y \\\n  curl";
    let script = parse(src);
    let cmd = only_simple(&script);
    assert_eq!(values(&cmd.words), ["apt-get", "install", "-y", "curl"]);
    assert_ranges(src, &cmd.words);
}

/// Validates that comments are skipped but `#` inside a word is kept.
#[test]
fn comments() {
    let script = parse("echo a#b # comment ; not a command\n# whole line\necho c");
    assert!(script.errors.is_empty());
    assert_eq!(script.body.items.len(), 2);
    assert_eq!(values(&only_simple(&script).words), ["echo", "a#b"]);
}

/// Validates that keywords are only keywords in command position.
#[test]
fn keywords_only_in_command_position() {
    let script = parse("echo if then fi done {");
    assert_eq!(
        values(&only_simple(&script).words),
        ["echo", "if", "then", "fi", "done", "{"]
    );
}

/// Validates that prefix assignments, appends and arrays are recognised.
#[test]
fn assignments() {
    let script = parse("A=1 B+=\"two $x\" C=(3 4) env");
    let cmd = only_simple(&script);
    assert_eq!(values(&cmd.words), ["env"]);
    let a = &cmd.assignments;
    assert_eq!(a.len(), 3);
    assert_eq!((a[0].name.as_str(), a[0].append), ("A", false));
    assert!(matches!(&a[0].value, AssignmentValue::Scalar(w) if w.value == "1" && w.raw == "1"));
    assert_eq!((a[1].name.as_str(), a[1].append), ("B", true));
    assert!(
        matches!(&a[1].value, AssignmentValue::Scalar(w) if w.value == "two $x" && w.has_expansion)
    );
    assert!(matches!(&a[2].value, AssignmentValue::Array(ws) if values(ws) == ["3", "4"]));
    // Not assignments: quoted name, after the command name.
    let cmd2 = parse("'A'=1 cmd B=2");
    let cmd2 = only_simple(&cmd2);
    assert!(cmd2.assignments.is_empty());
    assert_eq!(values(&cmd2.words), ["A=1", "cmd", "B=2"]);
}

/// Validates every redirection operator and explicit descriptors.
#[test]
fn redirections() {
    let script = parse("cmd >out 2>&1 <in >>app &>all 3<>rw <<<str >|clob &>>both 0<&3");
    let cmd = only_simple(&script);
    let ops: Vec<_> = cmd
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, r.target.value.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            (None, RedirectOp::Write, "out"),
            (Some(2), RedirectOp::DupWrite, "1"),
            (None, RedirectOp::Read, "in"),
            (None, RedirectOp::Append, "app"),
            (None, RedirectOp::WriteAll, "all"),
            (Some(3), RedirectOp::ReadWrite, "rw"),
            (None, RedirectOp::HereString, "str"),
            (None, RedirectOp::Clobber, "clob"),
            (None, RedirectOp::AppendAll, "both"),
            (Some(0), RedirectOp::DupRead, "3"),
        ]
    );
    assert_eq!(values(&cmd.words), ["cmd"]);
}

/// Validates that here-document bodies are captured with their delimiters and ranges.
#[test]
fn heredocs() {
    let src = "cat <<EOF >/etc/x; cat <<'Q' <<-\"T\"\nline $x\nEOF\nraw $y\nQ\n\t\ttabbed\n\tT\necho after";
    let script = parse(src);
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let heredocs: Vec<_> = script
        .commands()
        .flat_map(|c| c.redirects().iter())
        .filter_map(|r| r.heredoc.as_deref())
        .collect();
    assert_eq!(heredocs.len(), 3);
    assert_eq!(
        (heredocs[0].delimiter.as_str(), heredocs[0].quoted),
        ("EOF", false)
    );
    assert_eq!(heredocs[0].body, "line $x\n");
    assert_eq!(heredocs[0].body_range.slice(src), Some("line $x\n"));
    assert_eq!(
        (heredocs[1].delimiter.as_str(), heredocs[1].quoted),
        ("Q", true)
    );
    assert_eq!(heredocs[1].body, "raw $y\n");
    assert!(heredocs[2].strip_tabs && heredocs[2].quoted);
    assert_eq!(heredocs[2].body, "tabbed\n");
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["cat", "cat", "echo"]);
}

/// Validates that a here-document inside a command substitution is read there.
#[test]
fn heredoc_in_substitution() {
    let script = parse("x=$(cat <<EOF\nbody )\nEOF\n); echo $x");
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let names: Vec<_> = script
        .commands()
        .map(|c| c.name().unwrap_or("-").to_owned())
        .collect();
    assert_eq!(names, ["-", "cat", "echo"]);
}

/// Validates lists, and-or lists and pipelines with their operators.
#[test]
fn lists_and_pipelines() {
    let script = parse("a; b & c\n! d | e |& f && g || h");
    assert!(script.errors.is_empty());
    let items = &script.body.items;
    let terms: Vec<_> = items.iter().map(|i| i.terminator).collect();
    assert_eq!(
        terms,
        [
            Some(Terminator::Semicolon),
            Some(Terminator::Ampersand),
            Some(Terminator::Newline),
            None
        ]
    );
    let last = &items[3].and_or;
    assert_eq!(
        last.operators.iter().map(|o| o.op).collect::<Vec<_>>(),
        [AndOrOp::And, AndOrOp::Or]
    );
    let p = &last.pipelines[0];
    assert!(p.negated);
    assert_eq!(p.commands.len(), 3);
    assert_eq!(
        p.pipes.iter().map(|p| p.stderr).collect::<Vec<_>>(),
        [false, true]
    );
}

/// Validates subshells and groups, with redirections after them.
#[test]
fn subshell_and_group() {
    let script = parse("( a; b ) >log");
    assert!(matches!(only_compound(&script), CompoundKind::Subshell(l) if l.items.len() == 2));
    let script = parse("{ a; b; } 2>&1");
    assert!(matches!(only_compound(&script), CompoundKind::Group(l) if l.items.len() == 2));
    let Command::Compound(c) = &script.body.items[0].and_or.pipelines[0].commands[0] else {
        panic!()
    };
    assert_eq!(c.redirects.len(), 1);
}

/// Validates `if`/`elif`/`else`.
#[test]
fn if_elif_else() {
    let script = parse("if a; then b; elif c\nthen d; else e; fi");
    let CompoundKind::If { clauses, else_body } = only_compound(&script) else {
        panic!()
    };
    assert_eq!(clauses.len(), 2);
    assert!(else_body.is_some());
}

/// Validates `for` with and without `in`, `select`, and arithmetic `for`.
#[test]
fn for_loops() {
    let script = parse("for x in a \"b c\"; do echo $x; done");
    let CompoundKind::For {
        variable, words, ..
    } = only_compound(&script)
    else {
        panic!()
    };
    assert_eq!(variable.value, "x");
    assert_eq!(values(words.as_deref().unwrap_or_default()), ["a", "b c"]);
    let script = parse("for x\ndo echo; done");
    assert!(matches!(
        only_compound(&script),
        CompoundKind::For { words: None, .. }
    ));
    let script = parse("select x in a b; do break; done");
    assert!(matches!(
        only_compound(&script),
        CompoundKind::For { select: true, .. }
    ));
    let script = parse("for ((i = 0; i < 3; i++)); do echo; done");
    assert!(
        matches!(only_compound(&script), CompoundKind::ArithmeticFor { header, .. } if header == "i = 0; i < 3; i++")
    );
}

/// Validates `while` and `until`.
#[test]
fn while_until() {
    let script = parse("while read -r l; do echo \"$l\"; done < file");
    assert!(matches!(only_compound(&script), CompoundKind::While { .. }));
    let script = parse("until false\ndo\n:\ndone");
    assert!(matches!(only_compound(&script), CompoundKind::Until { .. }));
}

/// Validates `case` with patterns, optional `(`, every terminator and a last item without one.
#[test]
fn case_items() {
    let script = parse("case \"$1\" in\n (a|b) x;;\n c) y;&\n d) z;;&\n *) w\nesac");
    let CompoundKind::Case { word, items } = only_compound(&script) else {
        panic!()
    };
    assert_eq!(word.value, "$1");
    assert_eq!(values(&items[0].patterns), ["a", "b"]);
    let terms: Vec<_> = items.iter().map(|i| i.terminator).collect();
    assert_eq!(
        terms,
        [
            Some(CaseTerminator::Break),
            Some(CaseTerminator::FallThrough),
            Some(CaseTerminator::Continue),
            None
        ]
    );
    let script = parse("case x in esac");
    assert!(matches!(only_compound(&script), CompoundKind::Case { items, .. } if items.is_empty()));
}

/// Validates both function definition forms.
#[test]
fn functions() {
    for src in [
        "f() { a; }",
        "function f { a; }",
        "function f() { a; }",
        "f ()\n{\n a\n}",
    ] {
        let script = parse(src);
        assert!(script.errors.is_empty(), "{src}: {:?}", script.errors);
        let Command::Function(f) = &script.body.items[0].and_or.pipelines[0].commands[0] else {
            panic!("{src}")
        };
        assert_eq!(f.name.value, "f");
    }
}

/// Validates that `[[ ]]` keeps its operators as words and `(( ))` is opaque.
#[test]
fn bash_tests_and_arithmetic() {
    let script = parse("[[ -n $(a) && ( $x < 3 || $y =~ ^(b|c)$ ) ]]");
    let CompoundKind::Test { words } = only_compound(&script) else {
        panic!()
    };
    assert_eq!(
        values(words),
        [
            "-n", "$(a)", "&&", "(", "$x", "<", "3", "||", "$y", "=~", "^(b|c)$", ")"
        ]
    );
    let script = parse("(( x = (1 + 2) * 3 ))");
    assert!(
        matches!(only_compound(&script), CompoundKind::Arithmetic { expression } if expression == " x = (1 + 2) * 3 ")
    );
    // `( (` is two subshells, not arithmetic.
    let script = parse("( (a) )");
    assert!(matches!(only_compound(&script), CompoundKind::Subshell(_)));
}

/// Validates that backquoted substitutions map their ranges back onto the source.
#[test]
fn backquote_ranges() {
    let src = "echo `dirname \\`which sh\\``";
    let script = parse(src);
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let found: Vec<_> = script
        .commands()
        .map(|c| c.effective_range().slice(src).unwrap_or("?").to_owned())
        .collect();
    assert_eq!(found, [src, "dirname \\`which sh\\`", "which sh"]);
}

/// Validates that an unterminated double quote is reported and the commands after it kept.
#[test]
fn recovers_from_unterminated_double_quote() {
    let script = parse("echo \"foo && apt-get install bar");
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.errors[0].range.start, 5);
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["echo", "apt-get"]);
}

/// Validates that an apostrophe in an unquoted word does not hide the rest of the script.
#[test]
fn recovers_from_unterminated_single_quote() {
    let script = parse("echo don't && apt-get install -y x");
    assert_eq!(script.errors.len(), 1);
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["echo", "apt-get"]);
}

/// Validates that `if` without `fi` reports the `if` and keeps its commands.
#[test]
fn recovers_from_if_without_fi() {
    let script = parse("if true; then apt-get update; echo hi");
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.errors[0].range, estiba_shell::TextRange::new(0, 2));
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["true", "apt-get", "echo"]);
    // A missing `then` does not swallow the `fi`.
    let script = parse("if true; a; fi; b");
    assert_eq!(script.errors.len(), 1, "{:?}", script.errors);
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["true", "a", "b"]);
}

/// Validates that stray closers are reported and skipped.
#[test]
fn recovers_from_stray_closers() {
    let script = parse("a ) ; b; fi; done; c }; esac; d;; e");
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let messages: Vec<_> = script.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.contains(&"unexpected `)`"), "{messages:?}");
    assert!(messages.contains(&"unexpected `fi`"), "{messages:?}");
    assert!(messages.contains(&"unexpected `;;`"), "{messages:?}");
}

/// Validates that an unclosed subshell inside an `if` still lets the `if` close.
#[test]
fn recovers_with_enclosing_closer() {
    let script = parse("if a; then (b; fi; c");
    assert_eq!(script.errors.len(), 1, "{:?}", script.errors);
    assert_eq!(script.errors[0].message, "expected `)` to close `(`");
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["a", "b", "c"]);
}

/// Validates that dangling operators are reported at the operator.
#[test]
fn recovers_from_dangling_operators() {
    let script = parse("a &&\n; b | ; c ||");
    let names: Vec<_> = script.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert!(script.errors.len() >= 3, "{:?}", script.errors);
}

/// Validates that unterminated substitutions and loops still yield their commands.
#[test]
fn recovers_from_unterminated_constructs() {
    for src in [
        "echo $(apt-get update",
        "for x in a; do apt-get update",
        "while a; do apt-get update",
        "case x in a) apt-get update",
        "{ apt-get update",
        "echo ${x",
    ] {
        let script = parse(src);
        assert!(!script.errors.is_empty(), "{src}");
        assert!(
            script
                .commands()
                .any(|c| c.name() == Some("apt-get") || c.name() == Some("echo")),
            "{src}"
        );
    }
}

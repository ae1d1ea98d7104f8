//! BuildKit's word-expansion vectors (`testdata/buildkit-parser/shell`), plus behaviours of
//! `frontend/dockerfile/shell` that those files do not cover, run against
//! `estiba_dockerfile::expand`.

use std::fmt::Write as _;
use std::path::PathBuf;

use estiba_dockerfile::expand::{
    ExpandOptions, Lookup, expand_lenient, process_word, process_words,
};

fn shell_vectors(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "testdata",
        "buildkit-parser",
        "shell",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The platforms BuildKit's vectors are tagged with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Platform {
    Unix,
    Windows,
}

impl Platform {
    fn options(self) -> ExpandOptions {
        ExpandOptions {
            case_insensitive_names: self == Platform::Windows,
            ..ExpandOptions::default()
        }
    }
}

/// Checks one `ProcessWord` vector; `expected` is `None` when it must fail. Also checks
/// that the lenient API reports an error exactly when the strict one fails and otherwise
/// yields the same value.
fn check_word(
    options: ExpandOptions,
    env: &dyn Lookup,
    input: &str,
    expected: Option<&str>,
) -> Result<(), String> {
    let strict = options.process_word(input, env);
    let lenient = options.expand_lenient(input, env);
    match (&strict, expected) {
        (Ok(got), Some(want)) if got == want => {}
        (Err(_), None) => {}
        _ => return Err(format!("{input:?}: expected {expected:?}, got {strict:?}")),
    }
    if lenient.error.is_some() != strict.is_err() {
        return Err(format!(
            "{input:?}: lenient error {:?} but strict {strict:?}",
            lenient.error
        ));
    }
    if let Ok(value) = &strict
        && *value != lenient.value
    {
        return Err(format!(
            "{input:?}: lenient value {:?} but strict {value:?}",
            lenient.value
        ));
    }
    Ok(())
}

/// Validates that every A and U vector of BuildKit's `envVarTest` passes with Unix
/// semantics, and every A and W vector with Windows semantics (names compared without
/// case), as BuildKit's `TestShellParser4EnvVars` runs them on each platform.
#[test]
fn buildkit_env_var_vectors() {
    let env = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ];
    let text = shell_vectors("envVarTest");
    let mut failures = String::new();
    let mut passed = [0_usize; 3];
    let mut total = [0_usize; 3];
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [tag, input, expected] = fields.as_slice() else {
            panic!("line {}: expected three fields in {line:?}", number + 1);
        };
        let (tag, input, expected) = (tag.trim(), input.trim(), expected.trim());
        let expected = (expected != "error").then_some(expected);
        let (slot, platforms): (usize, &[Platform]) = match tag {
            "A" => (0, &[Platform::Unix, Platform::Windows]),
            "U" => (1, &[Platform::Unix]),
            "W" => (2, &[Platform::Windows]),
            other => panic!("line {}: unknown platform tag {other:?}", number + 1),
        };
        total[slot] += 1;
        let mut ok = true;
        for &platform in platforms {
            if let Err(problem) = check_word(platform.options(), &env, input, expected) {
                ok = false;
                let _ = writeln!(failures, "line {} ({platform:?}): {problem}", number + 1);
            }
        }
        if ok {
            passed[slot] += 1;
        }
    }
    println!(
        "envVarTest: A {}/{}, U {}/{}, W {}/{}",
        passed[0], total[0], passed[1], total[1], passed[2], total[2]
    );
    assert!(failures.is_empty(), "failing vectors:\n{failures}");
    assert!(total[0] > 200, "the vector file looks truncated");
}

/// Validates that every vector of BuildKit's `wordsTest` passes through `ProcessWords`
/// semantics, with the environment built from its `ENV` lines as BuildKit's
/// `TestShellParser4Words` does.
#[test]
fn buildkit_words_vectors() {
    let text = shell_vectors("wordsTest");
    let mut env: Vec<(String, String)> = Vec::new();
    let mut failures = String::new();
    let mut passed = 0;
    let mut total = 0;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(definition) = line.strip_prefix("ENV ") {
            // The text is kept verbatim after the leading spaces: trailing spaces are part
            // of the value.
            let definition = definition.trim_start_matches(' ');
            let (name, value) = definition.split_once('=').unwrap_or((definition, ""));
            env.push((name.to_owned(), value.to_owned()));
            continue;
        }
        let Some((input, expected)) = line.split_once('|') else {
            panic!("line {}: expected one '|' in {line:?}", number + 1);
        };
        let input = input.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        total += 1;
        let got = match process_words(input, &env, '\\') {
            Ok(words) => words,
            Err(_) => vec!["error".to_owned()],
        };
        let strict_ok = process_word(input, &env, '\\').is_ok();
        if got != expected {
            let _ = writeln!(
                failures,
                "line {}: {input:?}: expected {expected:?}, got {got:?}",
                number + 1
            );
        } else if strict_ok == (got == ["error"]) {
            let _ = writeln!(
                failures,
                "line {}: {input:?}: process_word and process_words disagree on failing",
                number + 1
            );
        } else {
            passed += 1;
        }
    }
    println!("wordsTest: {passed}/{total}");
    assert!(failures.is_empty(), "failing vectors:\n{failures}");
    assert!(total > 20, "the vector file looks truncated");
}

/// Environment for the behaviour tables below.
const ENV: [(&str, &str); 10] = [
    ("PATHV", "/usr/local/bin/tool.tar.gz"),
    ("EMPTY", ""),
    ("SPACED", "a  b"),
    ("OLD", "http://"),
    ("NEW", "https://"),
    ("URL", "http://example.com/x"),
    ("TPL", "<$0>"),
    ("NEEDLE", "\\*/"),
    ("GLOBBY", "/foo*/*/*.txt"),
    ("NL", "a\nb"),
];

fn check_table(options: ExpandOptions, cases: &[(&str, Option<&str>)]) {
    let mut failures = String::new();
    for &(input, expected) in cases {
        if let Err(problem) = check_word(options, &ENV, input, expected) {
            let _ = writeln!(failures, "{problem}");
        }
    }
    assert!(failures.is_empty(), "failing cases:\n{failures}");
}

/// Validates that the prefix and suffix operators (`#`, `##`, `%`, `%%`) pick the shortest
/// and longest matches of BuildKit's shell patterns.
#[test]
fn trim_operators() {
    check_table(
        ExpandOptions::default(),
        &[
            ("${PATHV#*/}", Some("usr/local/bin/tool.tar.gz")),
            ("${PATHV##*/}", Some("tool.tar.gz")),
            ("${PATHV%.*}", Some("/usr/local/bin/tool.tar")),
            ("${PATHV%%.*}", Some("/usr/local/bin/tool")),
            ("${PATHV#/usr}", Some("/local/bin/tool.tar.gz")),
            ("${PATHV#nomatch}", Some("/usr/local/bin/tool.tar.gz")),
            ("${PATHV%?}", Some("/usr/local/bin/tool.tar.g")),
            ("${PATHV#}", Some("/usr/local/bin/tool.tar.gz")),
            ("${PATHV##}", Some("/usr/local/bin/tool.tar.gz")),
            ("${PATHV%}", Some("/usr/local/bin/tool.tar.gz")),
            // A lazy `*` alone matches nothing.
            ("${PATHV#*}", Some("/usr/local/bin/tool.tar.gz")),
            // Quotes do not make a pattern character literal in BuildKit.
            ("${PATHV##\"*\"}", Some("")),
            ("${UNSET#x}", Some("")),
            ("${SPACED#a }", Some(" b")),
            // `*` and `?` never match a newline.
            ("${NL##*}", Some("\nb")),
            ("${NL%%*}", Some("a\n")),
            ("${NL#?\n}", Some("b")),
            // Escaped wildcards and regexp metacharacters are literal.
            ("${GLOBBY#/foo\\*}", Some("/*/*.txt")),
            ("${GLOBBY%%\\**}", Some("/foo")),
            ("${GLOBBY#/foo*.}", Some("txt")),
            ("${PATHV#\\x}", None),
            ("${PATHV:#x}", None),
            ("${PATHV:%x}", None),
        ],
    );
}

/// Validates that `/` and `//` replace the leftmost longest match, that `${A/p/r}` inserts
/// the replacement verbatim while `${A//p/r}` applies Go's `$0`/`$$` template rules, and
/// that escapes in pattern and replacement behave as in BuildKit.
#[test]
fn replace_operators() {
    check_table(
        ExpandOptions::default(),
        &[
            ("${PATHV/o/0}", Some("/usr/l0cal/bin/tool.tar.gz")),
            ("${PATHV//o/0}", Some("/usr/l0cal/bin/t00l.tar.gz")),
            ("${PATHV//\\//_}", Some("_usr_local_bin_tool.tar.gz")),
            ("${PATHV/\\/usr/}", Some("/local/bin/tool.tar.gz")),
            // The escape before `/` stays in the replacement, as in BuildKit.
            (
                "${PATHV/\\/usr/\\/opt}",
                Some("\\/opt/local/bin/tool.tar.gz"),
            ),
            ("${PATHV//*/X}", Some("X")),
            ("${PATHV/*.t/X}", Some("Xar.gz")),
            ("${PATHV/#/X}", Some("/usr/local/bin/tool.tar.gz")),
            ("${URL/$OLD/$NEW}", Some("https://example.com/x")),
            (
                "${GLOBBY/$NEEDLE/.} ${GLOBBY//$NEEDLE/.}",
                Some("/foo.*/*.txt /foo..*.txt"),
            ),
            ("${PATHV/o/$TPL}", Some("/usr/l<$0>cal/bin/tool.tar.gz")),
            ("${PATHV//o/$TPL}", Some("/usr/l<o>cal/bin/t<o><o>l.tar.gz")),
            ("${PATHV//o/\\$0}", Some("/usr/l\\ocal/bin/t\\o\\ol.tar.gz")),
            // An empty pattern matches at the start, and between characters for `//`.
            ("${SPACED/$EMPTY/-}", Some("-a  b")),
            ("${SPACED//$EMPTY/-}", Some("-a- - -b-")),
            ("${SPACED///}", Some("a  b")),
            ("${NL//?/x}", Some("x\nx")),
            ("${UNSET//a/b}", Some("")),
            ("${PATHV/o}", None),
            ("${PATHV//}", None),
            ("${PATHV/\\q/x}", None),
        ],
    );
}

/// Validates the `-`, `+` and `?` operators on unset and empty variables, BuildKit's eager
/// expansion of their words, and its errors for malformed substitutions.
#[test]
fn default_alternative_and_required_operators() {
    check_table(
        ExpandOptions::default(),
        &[
            ("${EMPTY:-d}", Some("d")),
            ("${EMPTY-d}", Some("")),
            ("${UNSET-d}", Some("d")),
            ("${EMPTY:+a}", Some("")),
            ("${EMPTY+a}", Some("a")),
            ("${UNSET+a}", Some("")),
            ("${EMPTY?}", Some("")),
            ("${EMPTY:?}", None),
            ("${UNSET?msg $PATHV}", None),
            ("${PATHV:?msg}", Some("/usr/local/bin/tool.tar.gz")),
            // The fallback word is expanded even when it is not used.
            ("${PATHV:-${UNSET:?boom}}", None),
            ("${PATHV:-'a}'}", Some("/usr/local/bin/tool.tar.gz")),
            ("${UNSET:-'a}'}", Some("a}")),
            ("${UNSET:-\"$SPACED\"}", Some("a  b")),
            // `${#A}` is not a length: `#` is a special parameter name.
            ("${#PATHV}", None),
            ("${#}", Some("")),
            ("$#PATHV", Some("PATHV")),
            ("${PATHV=x}", None),
            ("${PATHV:=x}", None),
            ("${PATHV:}", None),
            ("${PATHV:}x}", None),
            ("${PATHV", None),
            ("${PATHV:-x", None),
            ("${", None),
            ("$", Some("$")),
            ("a$ b", Some("a$ b")),
            (
                "${UNSET:-${UNSET2:-${PATHV}}}",
                Some("/usr/local/bin/tool.tar.gz"),
            ),
            // Names may contain non-ASCII letters.
            ("$PATHVé", Some("")),
            ("\u{feff}$EMPTY.", Some(".")),
        ],
    );
}

/// Validates that `` ` `` works as the escape character after an `` # escape=` ``
/// directive, while backslashes become ordinary characters.
#[test]
fn backtick_escape() {
    check_table(
        ExpandOptions::new('`'),
        &[
            ("c:\\dir\\$EMPTY", Some("c:\\dir\\")),
            ("he`$PATHV", Some("he$PATHV")),
            ("\"a`\"b\"", Some("a\"b")),
            ("\"a`b\"", Some("a`b")),
            ("\"``\"", Some("`")),
            ("a` b", Some("a b")),
            ("a`", Some("a")),
            ("${UNSET:-`}}", Some("}")),
            // The escape character stays in a pattern, where it is an ordinary character.
            ("${PATHV#*`/}", Some("/usr/local/bin/tool.tar.gz")),
        ],
    );
}

/// Validates BuildKit's optional lexer modes: raw quotes, raw escapes, quotes as plain
/// characters, and leaving unset variables as written.
#[test]
fn lexer_options() {
    check_table(
        ExpandOptions {
            raw_quotes: true,
            ..ExpandOptions::default()
        },
        &[("'a $EMPTY'\"b\"", Some("'a $EMPTY'\"b\""))],
    );
    check_table(
        ExpandOptions {
            raw_escapes: true,
            ..ExpandOptions::default()
        },
        &[("a\\ b\\$PATHV", Some("a\\ b\\$PATHV"))],
    );
    check_table(
        ExpandOptions {
            skip_process_quotes: true,
            ..ExpandOptions::default()
        },
        &[("'$EMPTY'\"x\"", Some("''\"x\""))],
    );
    check_table(
        ExpandOptions {
            skip_unset_env: true,
            ..ExpandOptions::default()
        },
        &[
            (
                "$U ${U} ${U:-d$EMPTY} ${U#p} ${U//a/b} $EMPTY.",
                Some("$U ${U} ${U:-d} ${U#p} ${U/a/b} ."),
            ),
            ("${U:=x}", Some("${U:=x}")),
            ("${EMPTY:=x}", None),
            ("${U?x}", Some("${U?x}")),
        ],
    );
    check_table(
        ExpandOptions {
            case_insensitive_names: true,
            ..ExpandOptions::default()
        },
        &[
            ("$pathv", Some("/usr/local/bin/tool.tar.gz")),
            ("${Url%/x}", Some("http://example.com")),
        ],
    );
}

/// Validates word splitting: only unquoted text and unquoted expansions split, and empty
/// words vanish.
#[test]
fn word_splitting() {
    let cases: &[(&str, &[&str])] = &[
        ("$SPACED", &["a", "b"]),
        ("\"$SPACED\"", &["a  b"]),
        ("x$SPACED'y'", &["xa", "by"]),
        ("\"\" a ''", &["a"]),
        ("a\\ b c", &["a b", "c"]),
        ("${UNSET:-p q}", &["p", "q"]),
        // BuildKit's newest lexer would give ["b"] here (see the module docs).
        ("a${UNSET:-b}", &["ab"]),
        ("\t a \n", &["a"]),
    ];
    for &(input, expected) in cases {
        let got = process_words(input, &ENV, '\\').expect("expands");
        assert_eq!(got, expected, "{input:?}");
    }
}

/// Validates that the lenient API reports unset names even when they had a fallback, and
/// keeps going after errors.
#[test]
fn lenient_reports_unresolved_names() {
    let out = expand_lenient("${REGISTRY:-docker.io}/${IMAGE}:${TAG:?}", &ENV, '\\');
    assert_eq!(out.value, "docker.io/:${TAG:?}");
    assert_eq!(out.unresolved, ["REGISTRY", "IMAGE", "TAG"]);
    let error = out.error.expect("the required TAG is reported");
    assert_eq!(error.message, "TAG: is not allowed to be unset");
    assert_eq!(error.offset, 32);
}

/// Validates that no input makes expansion panic, and that strict and lenient expansion
/// agree, over many generated words made of the characters the lexer treats specially.
#[test]
fn generated_words_never_panic() {
    const ALPHABET: &[char] = &[
        '$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '\\', '`', '\'', '"', '*', 'a', 'B', '_',
        '1', '0', ' ', '\n', 'é', '@', '=', '\u{feff}', '²',
    ];
    let env = [("a", "x y"), ("B", ""), ("_1", "*\\"), ("aB", "$0")];
    // xorshift64: deterministic, so that a failure can be reproduced.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = usize::try_from(next() % 24).expect("small");
        let word: String = (0..len)
            .map(|_| ALPHABET[usize::try_from(next()).expect("fits") % ALPHABET.len()])
            .collect();
        let bits = next();
        let options = ExpandOptions {
            escape: if bits & 1 == 0 { '\\' } else { '`' },
            raw_quotes: bits & 2 != 0,
            raw_escapes: bits & 4 != 0,
            skip_process_quotes: bits & 8 != 0,
            skip_unset_env: bits & 16 != 0,
            case_insensitive_names: bits & 32 != 0,
        };
        let strict = options.process_word(&word, &env);
        let words = options.process_words(&word, &env);
        let lenient = options.expand_lenient(&word, &env);
        assert_eq!(strict.is_ok(), words.is_ok(), "{word:?} {options:?}");
        assert_eq!(strict.clone().err(), lenient.error, "{word:?} {options:?}");
        if let Ok(value) = strict {
            assert_eq!(value, lenient.value, "{word:?} {options:?}");
        }
        if let Some(error) = lenient.error {
            assert!(error.offset <= word.len(), "{word:?} {error:?}");
        }
    }
}

/// Validates that long words and long values expand without super-linear blow-ups (a
/// quadratic implementation would not finish this test in reasonable time).
#[test]
fn long_inputs_expand() {
    let unit = "$PATHV${UNSET:-x}'q'\"$SPACED\"\\ ";
    let word = unit.repeat(20_000);
    let value = process_word(&word, &ENV, '\\').expect("expands");
    assert_eq!(
        value.len(),
        20_000 * "/usr/local/bin/tool.tar.gzxqa  b ".len()
    );

    let long = "ab".repeat(50_000);
    let env = [("LONG", long.as_str())];
    let replaced = process_word("${LONG//a/}", &env, '\\').expect("expands");
    assert_eq!(replaced, "b".repeat(50_000));
    let trimmed = process_word("${LONG%%a*b*a*}", &env, '\\').expect("expands");
    assert_eq!(trimmed, "");
    let unmatched = process_word("${LONG//a*a*c/}", &env, '\\').expect("expands");
    assert_eq!(unmatched, long);
}

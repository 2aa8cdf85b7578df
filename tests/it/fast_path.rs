//! The fast path for the usual event layout must agree with pulldown-cmark
//! (the reference) on every file: on the built-in sample, the fixtures, the
//! seeds, generated archives, and random event files full of the markdown
//! that could fool a line-by-line reader. Where the fast path is unsure it
//! must give up, never answer differently.

use std::path::Path;

use ktimeline::generate;
use ktimeline::loader::parse::{parse, parse_fast, parse_full};
use proptest::prelude::*;

/// Every way of reading `text` gives the same answer; true when the fast
/// path read it.
fn agree(name: &str, text: &str) -> bool {
    for index_name in [false, true] {
        let full = parse_full(text, index_name);
        assert_eq!(
            parse(text, index_name),
            full,
            "{name} (index name: {index_name})"
        );
    }
    match parse_fast(text) {
        Some(fast) => {
            assert_eq!(
                fast,
                parse_full(text, false),
                "{name}: the fast path differs"
            );
            true
        }
        None => false,
    }
}

fn files_under(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            out.push((p.display().to_string(), text));
        }
    }
}

#[test]
fn sample_fixtures_and_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("assets/sample"), &mut files);
    files_under(&root.join("tests/fixtures"), &mut files);
    files_under(&root.join("../shared/seeds"), &mut files);
    assert!(files.len() > 100, "found {} files", files.len());
    let fast = files.iter().filter(|(n, t)| agree(n, t)).count();
    // The sample is written in the usual layout: most of it takes the fast path.
    assert!(
        fast > 80,
        "only {fast} of {} files took the fast path",
        files.len()
    );
}

#[test]
fn generated_archives() {
    for seed in [1, 2, 3] {
        let files = generate::generate(3000, seed);
        let fast = files.iter().filter(|f| agree(&f.path, &f.text)).count();
        // Events take the fast path; articles and index pages do not.
        assert!(fast * 10 > files.len() * 9, "{fast} of {}", files.len());
    }
}

/// Pieces of lines that each mean something to markdown, or nearly do.
const TRICKY: &[&str] = &[
    "plain words",
    "*emphasis*",
    "_under_",
    "`code`",
    "a \\* escaped",
    "AT&T &amp; co",
    "&#35; entity",
    "<b>html</b>",
    "<https://auto.link>",
    "[bracket]",
    "![img](x.png)",
    "trailing #",
    "# inner hash",
    "Café Straße ÉTÉ 한국",
    "tab\there",
    "  two  spaces  ",
    "\u{a0}nbsp\u{a0}",
    "\u{1b}[2Jescape",
    "x\r",
    "Context: Alpha, Beta",
    "_Context: Alpha, Beta_",
    "_Context: Al_pha_",
    "context:",
    "1. listy",
    "- dash",
    "> quote",
    "---",
    "===",
    "```",
    "~~~",
    "    indented",
    "### Source:",
    "## Related",
    "#### sources:",
    "### [2013-06-6](/news/2013/06/6/index.md)",
    "### 2013-02-30",
    "# Another headline",
    "[link](/news/2013/06/6/a.md) _Context: X_",
    "[t](http://a.example/b?c=1&d=2)",
    "[t](<spaced target>)",
    "[t](/x \"title\")",
    "[t](/x) and [u](/y)",
    "[[Wiki note]]",
    "[[Note|shown]] and [[Other#Head]]",
    "[rel](../other.md)",
    "[rel](note.md#part)",
    "[ref][r]",
    "[r]: other.md",
    "[w](https://w.example/a) then [r](b.md)",
    "+++",
    "title: x",
    "",
    " ",
];

/// Text the fast path reads itself.
const PLAIN: &[&str] = &[
    "Plain words",
    "(report 42).",
    "Café, Straße; été? yes! 한국",
    "a/b - c: d",
    "\"quoted\" 'single'",
    "x > y",
    "100%",
    "Context: Alpha, Beta",
    " ",
];

/// Mostly plain text, now and then something tricky.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        5 => prop::sample::select(PLAIN),
        1 => prop::sample::select(TRICKY),
    ];
    prop::collection::vec(piece, 0..3).prop_map(|v| v.join(" "))
}

fn plain() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PLAIN), 1..4).prop_map(|v| v.join(" "))
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => plain(),
        1 => tricky(),
        1 => item(),
        1 => "[ -~]{0,30}",
    ]
}

/// A list item with one link, mostly as the format has it.
fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => (prop::sample::select(&["1. ", "1. ", "- ", "2) "][..]), prop::sample::select(PLAIN), "[a-z0-9/%.-]{0,12}", prop::sample::select(&["", " _Context: A, B_", " _Context: Beta_ ", " Context: C"][..]))
            .prop_map(|(m, t, d, ctx)| format!("{m}[{t}](/news/2013/06/{d}.md){ctx}")),
        1 => line_with_link(),
        1 => "[ -~]{0,30}",
    ]
}

fn line_with_link() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(&["1. ", "- ", "* ", "2) ", "", " 1. "][..]), tricky(), "[a-z0-9/%.-]{0,12}", prop::sample::select(&["", " _Context: A, B_", " _Context: Beta_ ", " Context: C", " _x_"][..]), tricky())
            .prop_map(|(m, t, d, ctx, rest)| format!("{m}[{t}](/news/2013/06/{d}.md){ctx}{rest}")),
    ]
}

/// An event file in the usual layout with tricky lines mixed in.
fn event_file() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "### [2013-06-6](/news/2013/06/6/index.md)",
                "### [2013-06-6](/news/2013/06/6/index.md)",
                "### 2015-09-01",
                "## [2013-6-06](/x)",
                "### [2013-02-30](/x)",
                "",
                "# [2013-06-6](/x)",
            ][..],
        ),
        prop_oneof![4 => plain(), 1 => tricky()],
        prop::collection::vec(line(), 0..5),
        prop::collection::vec(item(), 0..4),
        prop::collection::vec(item(), 0..4),
        prop::sample::select(
            &[
                "### Source:",
                "### Source:",
                "### Sources",
                "## source:",
                "### Source :",
                "Source:\n-------",
            ][..],
        ),
        prop::sample::select(
            &[
                "### Related:",
                "### Related:",
                "### related",
                "#### Related::",
                "### Related: ###",
            ][..],
        ),
        prop::sample::select(&["\n", "\n\n", "\n\n", "\r\n", "\n   \n"][..]),
    )
        .prop_map(|(date, headline, body, sources, related, src, rel, sep)| {
            let mut parts = vec![date.to_string(), format!("# {headline}")];
            parts.extend(body);
            parts.push(src.to_string());
            parts.extend(sources);
            parts.push(rel.to_string());
            parts.extend(related);
            parts.join(sep)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_event_files(text in event_file()) {
        agree("random", &text);
    }

    #[test]
    fn usual_files_with_one_tricky_line(i in 0usize..3000, seed in 1u64..4, at in 0usize..40, bad in tricky()) {
        let files = generate::generate(20, seed);
        let f = &files[i % files.len()];
        let mut lines: Vec<&str> = f.text.lines().collect();
        let at = at % (lines.len() + 1);
        lines.insert(at, &bad);
        agree("edited", &lines.join("\n"));
    }
}

/// The random files are worth their time only if many of them reach the
/// fast path rather than all falling back to the full parser.
#[test]
fn random_files_reach_the_fast_path() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = event_file();
    let fast = (0..2000)
        .filter(|_| agree("random", &strategy.new_tree(&mut runner).unwrap().current()))
        .count();
    assert!(
        fast >= 100,
        "only {fast} of 2000 random files took the fast path"
    );
}

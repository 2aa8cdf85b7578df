//! Properties checked on random input with proptest, a few seconds in all:
//! text cut to a width never exceeds it, sanitised text holds no control
//! characters, and the parser takes any bytes (front matter too) without
//! panicking.

use ktimeline::loader::parse_bytes;
use ktimeline::text::{normalize_target, one_line, sanitize};
use ktimeline::tui::wrap::{tail, truncate, width};
use proptest::prelude::*;

/// Text rich in what makes widths hard: emoji with and without variation
/// selectors, zero-width joiners, combining marks, wide CJK, controls.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("☢️".to_string()),
        Just("☢".to_string()),
        Just("\u{fe0f}".to_string()),
        Just("\u{fe0e}".to_string()),
        Just("\u{200d}".to_string()),
        Just("👨‍👩‍👧".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("한국".to_string()),
        Just("ل\u{627}".to_string()),
        Just("\r\n".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just(" ".to_string()),
        "[a-z]{1,5}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Lines that look like the archive format, shuffled.
fn markdownish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("### [2013-06-6](/news/2013/06/6/index.md)".to_string()),
        Just("### [2013-02-30](/x)".to_string()),
        Just("# A headline.".to_string()),
        Just("#".to_string()),
        Just("### Source:".to_string()),
        Just("### Related:".to_string()),
        Just("1. [Al Jazeera](http://www.aljazeera.com/x)".to_string()),
        Just("1. [Text](/news/2011/01/12/x.md) _Context: North Korea, ☢️ Tests_".to_string()),
        Just("1. [](/news/9999/99/99/.md) _Context: _".to_string()),
        Just("1. [a](b) [c](d)".to_string()),
        Just("> quote".to_string()),
        Just("```".to_string()),
        Just("- item".to_string()),
        Just(String::new()),
        "[ -~]{0,60}",
        any::<String>(),
    ];
    prop::collection::vec(line, 0..30).prop_map(|v| v.join("\n"))
}

/// Lines of YAML and TOML front matter, good and broken, shuffled inside
/// their fences: escapes that decode to controls, aliases, flow
/// collections left open, dates of every spelling, wikilinks.
fn front_matter() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("title: \"A \\e[31mred\\u202e title\"".to_string()),
        Just("title = \"Tab\\tand \\u001b]0;x\\u0007\"".to_string()),
        Just("date: 2015-09-30 13:34:44 +0200".to_string()),
        Just("date = 2015-09-30T13:34:44Z".to_string()),
        Just("published: 2015-02-30".to_string()),
        Just("created: 2024-05-15T00:42:49 (UTC -05:00)".to_string()),
        Just("tags: [a, \"#b\", [c, [d]]]".to_string()),
        Just("tags = [\"a\", \"b\"]".to_string()),
        Just("author:\n  - \"[[Someone]]\"".to_string()),
        Just("a: &a [x, x, x]".to_string()),
        Just("b: [*a, *a, *a, *a]".to_string()),
        Just("c: *nowhere".to_string()),
        Just("[taxonomies]".to_string()),
        Just("[extra]".to_string()),
        Just("source: https://x.example/a".to_string()),
        Just("key: {open: [".to_string()),
        Just("- item".to_string()),
        Just("---".to_string()),
        Just("+++".to_string()),
        Just("...".to_string()),
        Just("Body with [[Note|text]] and [a](../b.md).".to_string()),
        "[ -~]{0,40}",
        any::<String>(),
    ];
    (any::<bool>(), prop::collection::vec(line, 0..20)).prop_map(|(toml, v)| {
        let fence = if toml { "+++" } else { "---" };
        format!("{fence}\n{}\n{fence}\n# Title\n\nBody.\n", v.join("\n"))
    })
}

/// `normalize_target` as it was written first: decoding every target and
/// formatting the date's numbers. The quicker one must agree with it.
fn reference_normalize_target(target: &str) -> String {
    use std::fmt::Write;
    let t = target.trim();
    let t = t
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t);
    let t = t.split(['#', '?']).next().unwrap_or("");
    let t = match t.find("://") {
        Some(i) => t[i + 3..].find('/').map_or("", |j| &t[i + 3 + j..]),
        None => t,
    };
    let decoded = percent_encoding::percent_decode_str(t).decode_utf8_lossy();
    let parts: Vec<&str> = decoded
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let num = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let mut out = String::new();
    let mut i = 0;
    while i < parts.len() {
        out.push('/');
        let date = i + 2 < parts.len()
            && num(parts[i], 4, 4)
            && num(parts[i + 1], 1, 2)
            && num(parts[i + 2], 1, 2);
        if date {
            let m: u32 = parts[i + 1].parse().unwrap_or(0);
            let d: u32 = parts[i + 2].parse().unwrap_or(0);
            let _ = write!(out, "{}/{m:02}/{d}", parts[i]);
            i += 3;
        } else {
            out.push_str(parts[i]);
            i += 1;
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Link targets: paths of dated folders, escapes, anchors, schemes.
fn target_text() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        Just("news".to_string()),
        "[0-9]{1,4}",
        "[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}",
        "[a-z.é-]{0,8}",
        Just("%2F".to_string()),
        Just("%e9".to_string()),
        Just("%".to_string()),
        Just("#x".to_string()),
        Just("?q".to_string()),
        Just("http://host".to_string()),
        Just(" ".to_string()),
    ];
    (
        prop::collection::vec(part, 0..8),
        prop::sample::select(vec!["/", "\\", "//", "/./"]),
    )
        .prop_map(|(parts, sep)| parts.join(sep))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalized_targets_agree_with_the_reference(t in prop_oneof![target_text(), any::<String>()]) {
        prop_assert_eq!(normalize_target(&t), reference_normalize_target(&t));
    }

    #[test]
    fn truncated_text_fits(s in any::<String>(), max in 0usize..40) {
        prop_assert!(width(&truncate(&s, max)) <= max);
        prop_assert!(width(tail(&s, max)) <= max);
    }

    #[test]
    fn truncated_tricky_text_fits(s in tricky_text(), max in 0usize..40) {
        let cut = truncate(&s, max);
        prop_assert!(width(&cut) <= max, "{:?} to {} gave {:?}", s, max, cut);
        prop_assert!(width(tail(&s, max)) <= max);
        if width(&s) <= max {
            prop_assert_eq!(cut, s);
        }
    }

    #[test]
    fn one_line_is_the_folded_sanitized_text(s in prop_oneof!["[ -~]{0,40}", "[ a-z\t\n]{0,20}", any::<String>()]) {
        let folded = sanitize(&s, false).split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(one_line(&s), folded);
    }

    #[test]
    fn sanitized_text_has_no_control_characters(s in any::<String>(), keep in any::<bool>()) {
        let out = sanitize(&s, keep);
        for c in out.chars() {
            prop_assert!(!c.is_control() || (keep && c == '\n'), "{:?} in {:?}", c, out);
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            prop_assert!(!bidi, "bidi control {:?}", c);
        }
    }

    #[test]
    fn sanitized_escapes_leave_no_control_characters(s in tricky_text()) {
        prop_assert!(sanitize(&s, false).chars().all(|c| !c.is_control()));
    }

    #[test]
    fn parsing_any_bytes_does_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), index in any::<bool>()) {
        let _ = parse_bytes(&bytes, index);
    }

    #[test]
    fn front_matter_of_any_kind_is_read_without_panicking_and_clean(text in front_matter()) {
        let lines = text.lines().count();
        if let Some(front) = ktimeline::loader::front::read(&text) {
            prop_assert!(front.end <= text.len());
            for (line, _) in &front.warnings {
                prop_assert!(line.is_none_or(|l| (1..=lines).contains(&l)), "{line:?}");
            }
            let clean = |s: &str| s == sanitize(s, false);
            prop_assert!(front.title.as_deref().is_none_or(clean));
            prop_assert!(front.draft.tags.iter().all(|t| clean(t)));
            if let Some(m) = &front.draft.meta {
                prop_assert!(m.author.as_deref().is_none_or(clean));
                prop_assert!(m.properties.iter().all(|(k, v)| clean(k) && clean(v)));
            }
        }
        let _ = parse_bytes(text.as_bytes(), false);
    }

    #[test]
    fn parsing_markdownish_text_does_not_panic(text in markdownish(), index in any::<bool>()) {
        let _ = parse_bytes(text.as_bytes(), index);
    }
}

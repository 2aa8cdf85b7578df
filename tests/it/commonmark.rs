//! What a reader of `ktimeline show` (and of the detail pane, which draws
//! the same lines) sees of a markdown body, checked against what the
//! markdown means: the HTML that CommonMark gives for it. Every example of
//! the CommonMark specification (0.31.2, 652 of them, read from the shared
//! data folder; the test says so and passes when the file is not there) is
//! rendered through the detail's own body renderer and written out plain,
//! as `show` writes to a pipe. Against the text of the spec's HTML (tags
//! stripped, entities decoded, each image's `alt` where the image is):
//!
//! - every word and every punctuation mark of that text is shown, in its
//!   order: the text's tokens (runs of letters and digits, and each other
//!   visible character) are a subsequence of the output's, so a word
//!   dropped, cut in two or run into its neighbour fails;
//! - no more `*`, `_`, backticks, `[`, `]`, runs of `#` and HTML tags
//!   (`<div>`, `</em>`, `<!-- -->`) appear than that text itself holds:
//!   markup is never shown as text.
//!
//! Examples that hold `[[` are judged with their brackets (and an embed's
//! `!`) not counted as words: the renderer reads `[[Note]]` as a wikilink
//! (an extension the notes of an archive use, as Obsidian does), which
//! shows its text, not its brackets. Every other rule holds for them.
//!
//! Wrapping is not what is judged (a long word may be cut at the margin),
//! so the words are checked at a width no line reaches; the markers at a
//! narrow one too.

use std::path::Path;

use ktimeline::commands::ansi;
use ktimeline::tui::theme::Theme;
use ktimeline::tui::ui::detail::event_body_lines;

const SPEC: &str = "../shared/data/commonmark-spec-0.31.2.txt";

struct Example {
    number: usize,
    line: usize,
    markdown: String,
    html: String,
}

/// The examples: between a fence of backticks followed by ` example` and
/// the next fence, the markdown, a line `.`, the HTML; `→` stands for a tab.
fn examples(spec: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = spec.lines().enumerate();
    while let Some((n, l)) = lines.next() {
        let is_fence = |l: &str| l.len() >= 3 && l.bytes().all(|b| b == b'`');
        let Some(fence) = l.strip_suffix(" example") else {
            continue;
        };
        if !is_fence(fence) {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for (_, l) in lines.by_ref() {
            if l == fence {
                break;
            }
            if l == "." && !in_html {
                in_html = true;
                continue;
            }
            let part = if in_html { &mut html } else { &mut markdown };
            part.push_str(&l.replace('→', "\t"));
            part.push('\n');
        }
        out.push(Example {
            number: out.len() + 1,
            line: n + 1,
            markdown,
            html,
        });
    }
    out
}

/// The text a browser would show of `html`: tags, comments, processing
/// instructions, declarations and CDATA sections removed, an image's `alt`
/// in its place, entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        let end = markup_len(at);
        if end == 0 {
            out.push('<');
            rest = &at[1..];
            continue;
        }
        if let Some(alt) = image_alt(&at[..end]) {
            out.push_str(alt);
        }
        rest = &at[end..];
    }
    out.push_str(rest);
    html_escape::decode_html_entities(&out).into_owned()
}

/// The length of the markup `s` begins with, 0 when its `<` is text.
fn markup_len(s: &str) -> usize {
    let closed_by = |open: &str, close: &str| {
        s.strip_prefix(open).map(|r| {
            r.find(close)
                .map_or(s.len(), |j| open.len() + j + close.len())
        })
    };
    // `<!-->` and `<!--->` are whole (empty) comments.
    if let Some(short) = ["<!-->", "<!--->"].iter().find(|c| s.starts_with(**c)) {
        return short.len();
    }
    if let Some(n) = closed_by("<!--", "-->")
        .or_else(|| closed_by("<![CDATA[", "]]>"))
        .or_else(|| closed_by("<?", "?>"))
    {
        return n;
    }
    let b = s.as_bytes();
    let starts_tag = match b.get(1) {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some(b'/') | Some(b'!') => b.get(2).is_some_and(u8::is_ascii_alphabetic),
        _ => false,
    };
    if !starts_tag {
        return 0;
    }
    // Up to the `>` outside quoted attribute values.
    let mut quote = None;
    for (j, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return j + 1,
            _ => {}
        }
    }
    0
}

/// The `alt` of an `<img …>` tag.
fn image_alt(tag: &str) -> Option<&str> {
    let lower = tag.to_ascii_lowercase();
    if !lower.starts_with("<img") {
        return None;
    }
    let at = lower.find(" alt=\"")? + " alt=\"".len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

/// Runs of letters and digits, and each other visible character alone.
fn tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if in_word {
                out.last_mut().expect("a word is open").push(c);
            } else {
                out.push(c.to_string());
                in_word = true;
            }
        } else {
            in_word = false;
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        }
    }
    out
}

/// The first token of `want` missing from `have` in order, if any.
fn missing_in_order(want: &[String], have: &[String]) -> Option<(usize, String)> {
    let mut h = have.iter();
    for (i, w) in want.iter().enumerate() {
        if !h.any(|x| x == w) {
            return Some((i, w.clone()));
        }
    }
    None
}

/// How many HTML tags (and comments, declarations, processing
/// instructions) `s` holds.
fn tags(s: &str) -> usize {
    s.match_indices('<')
        .filter(|(i, _)| markup_len(&s[*i..]) > 0)
        .count()
}

/// How many runs of `#`.
fn hash_runs(s: &str) -> usize {
    s.split(|c| c != '#').filter(|r| !r.is_empty()).count()
}

/// The markers counted, and how many `s` holds of each.
fn markers(s: &str) -> [(&'static str, usize); 13] {
    let n = |c: char| s.chars().filter(|&x| x == c).count();
    [
        ("*", n('*')),
        ("_", n('_')),
        ("`", n('`')),
        ("[", n('[')),
        ("]", n(']')),
        ("\\", n('\\')),
        ("<", n('<')),
        (">", n('>')),
        ("&", n('&')),
        ("!", n('!')),
        ("|", n('|')),
        ("# runs", hash_runs(s)),
        ("HTML tags", tags(s)),
    ]
}

/// The markdown as `show` prints it through a pipe.
fn shown(markdown: &str, width: usize) -> String {
    ansi::plain(&event_body_lines(markdown, &Theme::default(), width))
}

/// What is wrong with the rendering of `ex`, if anything.
fn judge(ex: &Example) -> Option<String> {
    let expected = visible_text(&ex.html);
    let wide = shown(&ex.markdown, 10_000);
    let mut why = Vec::new();
    // Where the renderer reads `[[Note]]` as a wikilink (`![[Note]]`: an
    // embed), its brackets and `!` are its markup: every other token must
    // still be shown, in order.
    let mut want = tokens(&expected);
    if ex.markdown.contains("[[") {
        want.retain(|t| t != "[" && t != "]" && t != "!");
    }
    if let Some((i, w)) = missing_in_order(&want, &tokens(&wide)) {
        why.push(format!("token {i} {w:?} is not shown (in order)"));
    }
    for width in [10_000, 30] {
        let out = shown(&ex.markdown, width);
        for ((what, want), (_, got)) in markers(&expected).into_iter().zip(markers(&out)) {
            if got > want {
                why.push(format!(
                    "{got} {what} at width {width}, the text holds {want}"
                ));
            }
        }
    }
    (!why.is_empty()).then(|| {
        format!(
            "example {} (spec line {}): {}\n  markdown: {:?}\n  expected: {:?}\n  shown:    {:?}",
            ex.number,
            ex.line,
            why.join("; "),
            ex.markdown,
            expected,
            wide
        )
    })
}

#[test]
fn every_spec_example_shows_what_its_markdown_means() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SPEC);
    let Ok(spec) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: the CommonMark spec is not at {} (the shared data folder)",
            path.display()
        );
        return;
    };
    let examples = examples(&spec);
    assert_eq!(examples.len(), 652, "the spec's examples, all read");
    let all = examples.len();
    let wiki = examples
        .iter()
        .filter(|ex| ex.markdown.contains("[["))
        .count();
    assert!(wiki < 20, "{wiki} examples hold wikilinks");
    let failures: Vec<String> = examples.iter().filter_map(judge).collect();
    eprintln!(
        "CommonMark spec: {} of {all} examples shown as their HTML means ({wiki} read as wikilinks, their brackets not counted)",
        all - failures.len(),
    );
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}

#[test]
fn the_judge_itself() {
    assert_eq!(
        visible_text(
            "<p>a &amp; <em>b</em> <img src=\"x\" alt=\"c &quot;d&quot;\" /> &lt;e&gt;</p>\n<!-- no -->"
        ),
        "a & b c \"d\" <e>\n"
    );
    assert_eq!(tokens("foo-bar  baz9!"), ["foo", "-", "bar", "baz9", "!"]);
    let t = |s: &str| tokens(s);
    assert!(missing_in_order(&t("a b c"), &t("• a x b (y) c")).is_none());
    // A word cut in two, or run into the next one, is missing.
    assert!(missing_in_order(&t("ab c"), &t("a b c")).is_some());
    assert!(missing_in_order(&t("a b"), &t("ab")).is_some());
    assert!(missing_in_order(&t("a b"), &t("b a")).is_some());
    assert_eq!(tags("a < b <div class=\"x>\"> </em> <!-- c --> <3"), 3);
    assert_eq!(hash_runs("## a # b ###"), 3);
    assert_eq!(visible_text("a <!--> b --&gt; <!---> c"), "a  b -->  c");
}

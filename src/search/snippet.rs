//! The line of body shown under a search hit, by the browser and by
//! `search --text`: the words around the first match, or the body's first
//! line, taken from its prose (markdown without its markup). Bodies are
//! not kept in memory, so this reads them back, for the few hits shown.

use rayon::prelude::*;

use super::Hit;
use super::words::words;
use crate::model::Timeline;

/// Fills the [`Hit::snippet`] of each of `hits` (on all cores: each reads
/// its body back from its file), about `width` characters around the first
/// of `terms` (none for a headline search: the body's first line).
pub fn fill(t: &Timeline, hits: &mut [Hit], terms: &[String], width: usize) {
    hits.par_iter_mut().for_each(|h| {
        let body = crate::loader::body(t, h.idx);
        h.snippet = body_snippet(&body, &t.events[h.idx].headline, terms, width);
    });
}

/// One line of `text` around the first word that begins with one of
/// `terms`, about `width` characters, with `…` where it was cut; `None`
/// when no word does.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Option<String> {
    let mut at = None;
    words(text, |w, r| {
        if at.is_none() && terms.iter().any(|t| w.starts_with(t.as_str())) {
            at = Some(r);
        }
    });
    let r = at?;
    // Start a third of the width before the match, at a word's start.
    let before: Vec<(usize, char)> = text[..r.start].char_indices().collect();
    let back = width / 3;
    let mut start = before.len().saturating_sub(back);
    while start > 0 && start < before.len() && !before[start - 1].1.is_whitespace() {
        start += 1;
    }
    let start = before.get(start).map_or(r.start, |(i, _)| *i);
    let line = crate::text::one_line(&text[start..].chars().take(width * 2).collect::<String>());
    let mut out: String = line.chars().take(width).collect();
    if line.chars().count() > width {
        out.push('…');
    }
    if start > 0 {
        out.insert(0, '…');
    }
    Some(out)
}

/// The prose of a markdown body, block by block, one line each: what a
/// snippet quotes, without the markup (`**`, `[..](..)`, `---`, fences),
/// code blocks, raw HTML or the title when it repeats `headline`.
pub fn prose(body: &str, headline: &str) -> String {
    use pulldown_cmark::{Event as Md, Options, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut block = String::new();
    let mut in_code = false;
    let mut in_heading = false;
    let end_block = |block: &mut String, out: &mut String, heading: bool| {
        let line = block.split_whitespace().collect::<Vec<_>>().join(" ");
        block.clear();
        if line.is_empty() || (heading && line == headline.trim()) {
            return;
        }
        out.push_str(&line);
        out.push('\n');
    };
    // Read as the detail pane reads it: tables are cells, not pipes.
    for md in Parser::new_ext(body, Options::ENABLE_TABLES) {
        match md {
            Md::Start(Tag::CodeBlock(_)) => in_code = true,
            Md::End(TagEnd::CodeBlock) => in_code = false,
            Md::Start(Tag::Heading { .. }) => in_heading = true,
            Md::End(TagEnd::Heading(_)) => {
                end_block(&mut block, &mut out, true);
                in_heading = false;
            }
            Md::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                end_block(&mut block, &mut out, in_heading);
            }
            Md::Text(t) | Md::Code(t) if !in_code => block.push_str(&t),
            Md::SoftBreak | Md::HardBreak => block.push(' '),
            _ => {}
        }
    }
    end_block(&mut block, &mut out, false);
    out
}

/// What stands for an entry's body under a search result: the words
/// around the first of `terms` in its prose, or the prose's first line
/// (when only the headline matched, or for a headline search).
pub fn body_snippet(body: &str, headline: &str, terms: &[String], width: usize) -> Option<String> {
    let prose = prose(body, headline);
    snippet(&prose, terms, width).or_else(|| first_line(&prose, width))
}

/// The first line of `text` that has any, as one line of at most `width`
/// characters (and `…` when cut): what stands for a body that has no match.
pub fn first_line(text: &str, width: usize) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = crate::text::one_line(line);
    let mut out: String = line.chars().take(width).collect();
    if line.chars().count() > width {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_leaves_the_markup_out() {
        let body = "# The title\n\n---\n\n```\ncode\n```\n\n<!-- note -->\n\n\
            ## Sub heading\n\n![alt](http://i.example/a.png) [link text](http://x.example) \
            and **bold**\nnext &amp; line\n\n- an item\n";
        assert_eq!(
            prose(body, "The title"),
            "Sub heading\nalt link text and bold next & line\nan item\n"
        );
        assert_eq!(prose("", "x"), "");
        assert_eq!(
            prose("| a | b |\n|---|---|\n| 1 | 2 |\n", "x"),
            "a\nb\n1\n2\n"
        );
    }

    #[test]
    fn the_first_line_with_text_stands_for_a_body() {
        assert_eq!(
            first_line("\n\n  First line\nsecond", 20).as_deref(),
            Some("First line")
        );
        assert_eq!(first_line("abcdef", 3).as_deref(), Some("abc…"));
        assert_eq!(first_line(" \n", 20), None);
    }

    #[test]
    fn snippets_show_the_first_match_in_one_line() {
        let terms = vec!["railway".to_string()];
        let text = "A long opening sentence about many things.\nThen the railway line\nreopened after years.";
        let s = snippet(text, &terms, 40).unwrap();
        assert!(
            s.starts_with('…') && s.contains("railway line reopened"),
            "{s}"
        );
        assert!(!s.contains('\n'));
        assert_eq!(snippet("Railway", &terms, 40).as_deref(), Some("Railway"));
        assert_eq!(snippet("nothing", &terms, 40), None);
    }
}

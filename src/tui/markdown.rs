//! Turns an entry's body (markdown: events and articles alike) into
//! styled paragraphs for the detail pane: emphasis in italic, strong in
//! bold, list bullets with hanging indents, link text underlined and
//! followed by its host, dimmed. Everything taken from the data is
//! sanitised again here, URLs included.
//!
//! What a reader sees is what the markdown means: the text CommonMark's
//! HTML would show, and never its markup (checked against every example
//! of the CommonMark spec, `tests/it/commonmark.rs`). So raw HTML shows as
//! a web browser shows it, by its text: its tags, comments and the like
//! are left out, an image tag gives its `alt`, `<br>` breaks the line and
//! its entities (`&copy;`) are decoded. A character CommonMark replaces
//! (`&#0;`, U+0000) shows as `�`; the control characters that
//! sanitising removes are left out, never shown.

use pulldown_cmark::{
    Alignment, Event as Md, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::theme::Theme;
use super::wrap::{Align, Para, Table};
use crate::text;

/// Paragraphs of a markdown body, with empty paragraphs as spacers.
pub fn render_markdown(body: &str, theme: &Theme) -> Vec<Para> {
    let mut r = Renderer {
        theme,
        out: Vec::new(),
        spans: Vec::new(),
        styles: vec![Style::new()],
        lists: Vec::new(),
        item_prefix: None,
        quote: 0,
        link_host: Vec::new(),
        code_block: false,
        html_block: None,
        table: None,
        space_after_link: false,
        wiki_label: false,
    };
    for ev in Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_WIKILINKS) {
        r.event(ev);
    }
    r.flush();
    while r.out.last().is_some_and(is_blank) {
        r.out.pop();
    }
    r.out
}

/// Paragraphs of a plain-text article: blank lines separate paragraphs,
/// single line breaks inside one are joined.
pub fn render_plain(body: &str) -> Vec<Para> {
    let clean = text::sanitize(body, true);
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in clean.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                if !out.is_empty() {
                    out.push(Para::default());
                }
                out.push(Para::new(vec![Span::raw(current.join(" "))]));
                current.clear();
            }
        } else {
            current.push(line.trim());
        }
    }
    out
}

/// An article's paragraphs without its title: the title is the first
/// sentence of the text, already shown as the headline above it.
pub fn without_title(mut paras: Vec<Para>, title: &str) -> Vec<Para> {
    let Some(first) = paras.first() else {
        return paras;
    };
    let text: String = first.spans.iter().map(|s| s.content.as_ref()).collect();
    let text = text::one_line(text.trim_start_matches('#'));
    let title = text::one_line(title);
    let Some(rest) = text.strip_prefix(&title).filter(|_| !title.is_empty()) else {
        return paras;
    };
    let rest = rest.trim_start().to_string();
    if rest.is_empty() {
        paras.remove(0);
        while paras.first().is_some_and(is_blank) {
            paras.remove(0);
        }
    } else {
        paras[0].spans = vec![Span::raw(rest)];
    }
    paras
}

fn is_blank(p: &Para) -> bool {
    p.table.is_none() && p.spans.iter().all(|s| s.content.trim().is_empty()) && p.first.is_empty()
}

struct Renderer<'t> {
    theme: &'t Theme,
    out: Vec<Para>,
    spans: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// For each open list: the next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    /// The bullet of an item whose first paragraph has not started yet.
    item_prefix: Option<String>,
    quote: usize,
    /// Hosts of the open links, shown after their text.
    link_host: Vec<Option<String>>,
    code_block: bool,
    /// The raw HTML of the block being read, shown by its text at its end.
    html_block: Option<String>,
    /// The table being read, its cells gathered row by row.
    table: Option<Table>,
    /// A link's text ended in a space, taken out of it: put back before
    /// the next word, unless punctuation follows (`[a rebellion. ](x), in`
    /// reads "a rebellion., in", not "a rebellion. , in").
    space_after_link: bool,
    /// Inside a wikilink with no text of its own (`[[*Note* name]]`): its
    /// label is the note's name, read as inline markdown in its turn, so
    /// that its markup is not shown as text.
    wiki_label: bool,
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        *self.styles.last().expect("base style")
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let s = f(self.style());
        self.styles.push(s);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn text(&mut self, s: &str) {
        let clean = text::sanitize(s, self.code_block);
        if clean.is_empty() {
            return;
        }
        if std::mem::take(&mut self.space_after_link)
            && !clean.starts_with(|c: char| c.is_whitespace() || ",.;:!?)]}".contains(c))
        {
            self.spans.push(Span::styled(" ", self.style()));
        }
        self.spans.push(Span::styled(clean, self.style()));
    }

    /// Drops the white space at the end of the current spans; true when
    /// there was some.
    fn trim_end(&mut self) -> bool {
        let mut trimmed = false;
        while let Some(last) = self.spans.last_mut() {
            let kept = last.content.trim_end().len();
            if kept == last.content.len() {
                break;
            }
            trimmed = true;
            if kept == 0 {
                self.spans.pop();
            } else {
                last.content.to_mut().truncate(kept);
                break;
            }
        }
        trimmed
    }

    fn indent(&self) -> String {
        let mut s = String::new();
        for _ in 0..self.quote {
            s.push_str("│ ");
        }
        s.push_str(&"  ".repeat(self.lists.len().saturating_sub(1)));
        s
    }

    /// Ends the current paragraph, if it has anything.
    fn flush(&mut self) {
        self.space_after_link = false;
        if self.spans.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        let base = self.indent();
        let (first, rest) = match self.item_prefix.take() {
            Some(bullet) => {
                let pad = " ".repeat(super::wrap::width(&bullet));
                (format!("{base}{bullet}"), format!("{base}{pad}"))
            }
            None if !self.lists.is_empty() => {
                let pad = format!("{base}  ");
                (pad.clone(), pad)
            }
            None => (base.clone(), base),
        };
        let dim = self.theme.dim();
        let mut para = Para::new(spans).indented(
            vec![Span::styled(first, dim)],
            vec![Span::styled(rest, dim)],
        );
        para.preformatted = self.code_block;
        self.out.push(para);
    }

    fn blank(&mut self) {
        if self.lists.is_empty() && self.out.last().is_some_and(|p| !is_blank(p)) {
            self.out.push(Para::default());
        }
    }

    fn event(&mut self, ev: Md) {
        match ev {
            Md::Start(tag) => self.start(tag),
            Md::End(tag) => self.end(tag),
            Md::Text(t) if self.wiki_label => {
                self.wiki_label = false;
                for ev in Parser::new_ext(&t, Options::empty()) {
                    if !matches!(ev, Md::Start(Tag::Paragraph) | Md::End(TagEnd::Paragraph)) {
                        self.event(ev);
                    }
                }
                self.wiki_label = true;
            }
            Md::Text(t) => self.text(&t),
            Md::Code(t) => {
                let s = self.theme.tag();
                self.push_style(|_| s);
                self.text(&t);
                self.pop_style();
            }
            Md::Html(t) => match &mut self.html_block {
                Some(block) => block.push_str(&t),
                None => self.html(&t),
            },
            // Inline raw HTML is markup only (a tag, a comment…): its
            // text, if any, comes as text of its own.
            Md::InlineHtml(t) => self.html(&t),
            Md::SoftBreak => self.spans.push(Span::styled(" ", self.style())),
            Md::HardBreak => self.flush(),
            Md::Rule => {
                self.flush();
                self.blank();
                self.out
                    .push(Para::new(vec![Span::styled("───", self.theme.dim())]));
                self.blank();
            }
            Md::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Md::FootnoteReference(t) => self.text(&format!("[{t}]")),
            _ => {}
        }
    }

    /// Raw HTML, shown by its text: runs of white space as one space, a
    /// line break for each `<br>`.
    fn html(&mut self, raw: &str) {
        for (i, line) in html_text(raw).iter().enumerate() {
            if i > 0 {
                self.flush();
            }
            let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if words.is_empty() {
                continue;
            }
            let starts_word = !line.starts_with(char::is_whitespace);
            if !starts_word && self.spans.last().is_some_and(|s| !s.content.ends_with(' ')) {
                self.spans.push(Span::styled(" ", self.style()));
            }
            self.text(&words);
            if line.ends_with(char::is_whitespace) {
                self.spans.push(Span::styled(" ", self.style()));
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.flush();
                self.blank();
                let h = self.theme.heading();
                let underline = level == HeadingLevel::H1;
                self.push_style(|_| {
                    if underline {
                        h.add_modifier(Modifier::UNDERLINED)
                    } else {
                        h
                    }
                });
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
                self.push_style(|s| s.add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code_block = true;
                let s = self.theme.tag();
                self.push_style(|_| s);
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.blank();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => "• ".to_string(),
                };
                self.item_prefix = Some(bullet);
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.wiki_label = link_type == LinkType::WikiLink { has_pothole: false };
                let url = text::one_line(&dest_url);
                // An autolink's text is its address already.
                let autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
                let host = text::url_host(&url)
                    .filter(|_| !autolink)
                    .map(str::to_string);
                self.link_host.push(host);
                let link = self.theme.link();
                self.push_style(|s| s.patch(link));
            }
            Tag::Image { link_type, .. } => {
                self.wiki_label = link_type == LinkType::WikiLink { has_pothole: false };
                self.push_style(|s| s.add_modifier(Modifier::ITALIC))
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html_block = Some(String::new());
            }
            Tag::Table(align) => {
                self.flush();
                self.blank();
                self.table = Some(Table {
                    align: align
                        .iter()
                        .map(|a| match a {
                            Alignment::Right => Align::Right,
                            Alignment::Center => Align::Center,
                            Alignment::Left | Alignment::None => Align::Left,
                        })
                        .collect(),
                    rule: self.theme.dim(),
                    ..Table::default()
                });
            }
            Tag::TableHead => {
                let h = self.theme.headline();
                self.push_style(|s| s.patch(h));
                self.table_row();
            }
            Tag::TableRow => self.table_row(),
            Tag::TableCell => self.spans.clear(),
            _ => {}
        }
    }

    fn table_row(&mut self) {
        if let Some(t) = &mut self.table {
            t.rows.push(Vec::new());
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.blank();
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
                self.pop_style();
                self.blank();
            }
            TagEnd::CodeBlock => {
                // A code block's text ends with a newline; drop it.
                if let Some(last) = self.spans.last_mut() {
                    let trimmed = last.content.trim_end_matches('\n').to_string();
                    last.content = trimmed.into();
                }
                self.flush();
                self.code_block = false;
                self.pop_style();
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.blank();
            }
            TagEnd::Item => self.flush(),
            TagEnd::HtmlBlock => {
                if let Some(block) = self.html_block.take() {
                    self.html(&block);
                }
                self.flush();
                self.blank();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Image => {
                self.wiki_label = false;
                self.pop_style()
            }
            TagEnd::Link => {
                self.wiki_label = false;
                self.pop_style();
                let spaced = self.trim_end();
                if let Some(Some(host)) = self.link_host.pop() {
                    self.spans
                        .push(Span::styled(format!(" ({host})"), self.theme.dim()));
                }
                self.space_after_link = spaced;
            }
            TagEnd::TableCell => {
                self.space_after_link = false;
                let cell = std::mem::take(&mut self.spans);
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                self.pop_style();
                if let Some(t) = &mut self.table {
                    t.header = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.out.push(Para {
                        table: Some(Box::new(t)),
                        ..Para::default()
                    });
                }
                self.blank();
            }
            _ => {}
        }
    }
}

/// What a web browser shows of raw HTML: its text, with its markup (tags,
/// comments, processing instructions, declarations, CDATA sections) left
/// out, an image tag's `alt` in its place, and entities decoded; a line
/// for each `<br>`. A `<` that begins no markup is text.
fn html_text(raw: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        match markup(at) {
            Some((len, name)) => {
                let tag = &at[..len];
                if name.eq_ignore_ascii_case("br") {
                    lines.push(std::mem::take(&mut out));
                } else if name.eq_ignore_ascii_case("img") {
                    out.push_str(attribute(tag, "alt").unwrap_or_default());
                }
                rest = &at[len..];
            }
            None => {
                out.push('<');
                rest = &at[1..];
            }
        }
    }
    out.push_str(rest);
    lines.push(out);
    lines
        .iter()
        .map(|l| html_escape::decode_html_entities(l).into_owned())
        .collect()
}

/// The length of the markup `s` begins with, and its tag's name (empty
/// for a comment and the like); `None` when its `<` is text. A comment,
/// instruction or CDATA section left open runs to the end.
fn markup(s: &str) -> Option<(usize, &str)> {
    // `<!-->` and `<!--->` are whole (empty) comments.
    if let Some(short) = ["<!-->", "<!--->"].iter().find(|c| s.starts_with(**c)) {
        return Some((short.len(), ""));
    }
    for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")] {
        if let Some(r) = s.strip_prefix(open) {
            let len = r
                .find(close)
                .map_or(s.len(), |j| open.len() + j + close.len());
            return Some((len, ""));
        }
    }
    let after = s
        .strip_prefix("</")
        .or_else(|| s.strip_prefix("<!"))
        .or_else(|| s.strip_prefix('<'))?;
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(after.len());
    if !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = &after[..name_len];
    // Up to the `>` outside quoted attribute values.
    let mut quote = None;
    for (j, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some((j + 1, name)),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag, quoted or not.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let v = &value[1..];
                &v[..v.find(q).unwrap_or(v.len())]
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .unwrap_or(value.len());
                &value[..end]
            }
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(paras: &[Para], width: usize) -> Vec<String> {
        paras
            .iter()
            .flat_map(|p| p.wrap(width))
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn wikilinks_show_their_text_and_plain_prose_reads_as_it_did() {
        let md = "See [[Ferry talks]], [[Ferry talks|the talks]] and [[Harbour#Old pier]].\n\n![Pier at dusk](pier.jpg) and [the note](notes/harbour.md).\n";
        assert_eq!(
            plain(&render_markdown(md, &Theme::default()), 80),
            [
                "See Ferry talks, the talks and Harbour#Old pier.",
                "",
                "Pier at dusk and the note.",
            ]
        );
        // Prose as articles were written before they were read as
        // markdown: line breaks inside a paragraph, blank lines between,
        // quotes, dashes, ellipses, parentheses and dates.
        let prose = "The talks resumed on Monday, 4 October, after a pause (…) of\nfourteen months – officials said so.\n\n\n\n“A basis has been laid”, the ministry added.\nThe line opened at 9:00.\n\nFerries run again\n\nIn 2020-2021 the crossing was shut; 3.5 km of pier stood idle!\n";
        assert_eq!(
            plain(&render_markdown(prose, &Theme::default()), 40),
            plain(&render_plain(prose), 40)
        );
    }

    #[test]
    fn emphasis_lists_and_links() {
        let md = "Some *soft* and **strong** text with [a link](https://example.com/x).\n\n- one\n- two words\n\n1. first\n2. second\n";
        let paras = render_markdown(md, &Theme::default());
        assert_eq!(
            plain(&paras, 80),
            [
                "Some soft and strong text with a link (example.com).",
                "",
                "• one",
                "• two words",
                "",
                "1. first",
                "2. second",
            ]
        );
        let spans = &paras[0].spans;
        assert!(
            spans
                .iter()
                .any(|s| s.content == "soft" && s.style.add_modifier.contains(Modifier::ITALIC))
        );
        assert!(
            spans
                .iter()
                .any(|s| s.content == "strong" && s.style.add_modifier.contains(Modifier::BOLD))
        );
        assert!(
            spans
                .iter()
                .any(|s| s.content == "a link"
                    && s.style.add_modifier.contains(Modifier::UNDERLINED))
        );
    }

    #[test]
    fn list_items_hang() {
        let paras = render_markdown("- alpha beta gamma delta\n", &Theme::default());
        assert_eq!(plain(&paras, 12), ["• alpha beta", "  gamma", "  delta"]);
    }

    #[test]
    fn escapes_never_survive() {
        let paras = render_markdown(
            "bad \u{1b}]0;title\u{7} [x](https://e\u{1b}[2Jvil.com)",
            &Theme::default(),
        );
        let all = plain(&paras, 80).join("\n");
        assert!(!all.contains('\u{1b}'), "{all:?}");
    }

    #[test]
    fn a_space_at_the_end_of_a_link_text_does_not_land_before_punctuation() {
        let md = "After [the rebellion. ](/news/2015/09/9/x.md), 2015-09-09, and \
                  [the talks ](/news/x.md)ended.\n\n[Last ](/y.md)\n\nNext";
        let paras = render_markdown(md, &Theme::default());
        assert_eq!(
            plain(&paras, 80),
            [
                "After the rebellion., 2015-09-09, and the talks ended.",
                "",
                "Last",
                "",
                "Next"
            ]
        );
    }

    #[test]
    fn tables_become_aligned_columns() {
        let md = "Before.\n\n| Pier | Boats | Note |\n|:-----|------:|:----:|\n\
                  | North | 12 | busy |\n| Old harbour | 3 | *quiet* |\n\nAfter.";
        let paras = render_markdown(md, &Theme::default());
        assert_eq!(
            plain(&paras, 80),
            [
                "Before.",
                "",
                "Pier        │ Boats │ Note",
                "────────────┼───────┼──────",
                "North       │    12 │ busy",
                "Old harbour │     3 │ quiet",
                "",
                "After.",
            ]
        );
        // Narrower than the table: every line still fits.
        for l in paras.iter().flat_map(|p| p.wrap(20)) {
            assert!(l.width() <= 20, "{l:?}");
        }
        // A table that ends the body is kept.
        let paras = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", &Theme::default());
        assert_eq!(plain(&paras, 80), ["a │ b", "──┼──", "1 │ 2"]);
    }

    #[test]
    fn an_article_does_not_repeat_its_title() {
        let paras = render_plain("The phones rang.\n\nThey rang again.\n");
        assert_eq!(
            plain(&without_title(paras, "The phones rang."), 80),
            ["They rang again."]
        );
        let paras = render_plain("# The phones rang. All night\nlong.\n");
        assert_eq!(
            plain(&without_title(paras, "The phones rang."), 80),
            ["All night long."]
        );
        let paras = render_plain("Something else.\n");
        assert_eq!(
            plain(&without_title(paras, "The phones rang."), 80),
            ["Something else."]
        );
    }

    #[test]
    fn raw_html_shows_its_text_not_its_markup() {
        let md = "<div class=\"box\">\n<p>Ships &amp; <b>boats</b></p>\n<!-- a note -->\n\
                  <img src=\"x.png\" alt=\"the quay\">\n</div>\n\n\
                  Inline <span title=\"t\">words</span> stay,<br>a break <!-- gone --> &copy; 2020\n";
        let paras = render_markdown(md, &Theme::default());
        assert_eq!(
            plain(&paras, 80),
            [
                "Ships & boats the quay",
                "",
                "Inline words stay,",
                "a break © 2020"
            ]
        );
    }

    #[test]
    fn an_autolink_is_not_followed_by_its_host_again() {
        let paras = render_markdown(
            "See <https://example.com/a> and [b](https://example.org/).",
            &Theme::default(),
        );
        assert_eq!(
            plain(&paras, 80),
            ["See https://example.com/a and b (example.org)."]
        );
    }

    #[test]
    fn html_text_rules() {
        assert_eq!(html_text("a < b > c"), ["a < b > c"]);
        assert_eq!(
            html_text("x<!-->y<!--->z<?php no ?><![CDATA[hid]]>"),
            ["xyz"]
        );
        assert_eq!(
            html_text("<img alt='single'><IMG ALT=bare/>"),
            ["singlebare"]
        );
        assert_eq!(html_text("<a title=\"1 > 0\">in</a>"), ["in"]);
        assert_eq!(html_text("<!-- open to the end"), [""]);
        assert_eq!(
            html_text("one<br/>two &amp;\nthree"),
            ["one", "two &\nthree"]
        );
    }

    #[test]
    fn plain_text_paragraphs() {
        let paras = render_plain("one\ntwo\n\n\nthree\n");
        assert_eq!(plain(&paras, 80), ["one two", "", "three"]);
    }
}

//! Turns an event body (markdown) or an article body (plain text) into
//! styled paragraphs for the detail pane: emphasis in italic, strong in
//! bold, list bullets with hanging indents, link text underlined and
//! followed by its host, dimmed. Everything taken from the data is
//! sanitised again here, URLs included.

use pulldown_cmark::{Event as Md, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::theme::Theme;
use super::wrap::Para;
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
    };
    for ev in Parser::new_ext(body, Options::empty()) {
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

fn is_blank(p: &Para) -> bool {
    p.spans.iter().all(|s| s.content.trim().is_empty()) && p.first.is_empty()
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
        if !clean.is_empty() {
            self.spans.push(Span::styled(clean, self.style()));
        }
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
            Md::Text(t) => self.text(&t),
            Md::Code(t) => {
                let s = self.theme.tag();
                self.push_style(|_| s);
                self.text(&t);
                self.pop_style();
            }
            Md::Html(t) | Md::InlineHtml(t) => self.text(&t),
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
            Tag::Link { dest_url, .. } => {
                let url = text::one_line(&dest_url);
                let host = text::url_host(&url).map(str::to_string);
                self.link_host.push(host);
                let link = self.theme.link();
                self.push_style(|s| s.patch(link));
            }
            Tag::Image { .. } => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            _ => {}
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
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Image => {
                self.pop_style()
            }
            TagEnd::Link => {
                self.pop_style();
                if let Some(Some(host)) = self.link_host.pop() {
                    self.spans
                        .push(Span::styled(format!(" ({host})"), self.theme.dim()));
                }
            }
            _ => {}
        }
    }
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
    fn plain_text_paragraphs() {
        let paras = render_plain("one\ntwo\n\n\nthree\n");
        assert_eq!(plain(&paras, 80), ["one two", "", "three"]);
    }
}

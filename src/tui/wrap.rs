//! Word wrapping of styled text to a pane width, measured in terminal
//! columns (so Korean and emoji, two columns each, stay aligned), with a
//! hanging indent for list items and quotes. The detail pane wraps its text
//! itself, rather than through `Paragraph::wrap`, so that it knows exactly
//! which screen line each link lands on and can scroll to it.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns a string takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits in `max` columns, with an ellipsis
/// when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// A run of styled text that wraps as one paragraph.
#[derive(Debug, Clone, Default)]
pub struct Para {
    /// Printed before the first line (`• `, `1. `, `│ `).
    pub first: Vec<Span<'static>>,
    /// Printed before the following lines (usually spaces as wide as `first`).
    pub rest: Vec<Span<'static>>,
    pub spans: Vec<Span<'static>>,
    /// Keep spaces and break only where the text is too wide (code blocks).
    pub preformatted: bool,
}

impl Para {
    pub fn new(spans: Vec<Span<'static>>) -> Para {
        Para {
            spans,
            ..Para::default()
        }
    }

    pub fn indented(mut self, first: Vec<Span<'static>>, rest: Vec<Span<'static>>) -> Para {
        self.first = first;
        self.rest = rest;
        self
    }

    /// The paragraph as lines no wider than `cols` (always at least one).
    pub fn wrap(&self, cols: usize) -> Vec<Line<'static>> {
        let mut out = LineBuilder::new(cols, &self.first, &self.rest);
        if self.preformatted {
            for span in &self.spans {
                for c in span.content.chars() {
                    out.push_char(c, span.style);
                }
            }
        } else {
            for word in words(&self.spans) {
                out.push_word(&word);
            }
        }
        out.finish()
    }
}

/// A word: pieces of differently styled text with no white space between,
/// and the style of the space before it.
struct Word {
    pieces: Vec<(String, Style)>,
    space: Option<Style>,
}

fn words(spans: &[Span<'static>]) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut pending_space: Option<Style> = None;
    let mut in_word = false;
    for span in spans {
        for c in span.content.chars() {
            if c.is_whitespace() {
                in_word = false;
                pending_space.get_or_insert(span.style);
                continue;
            }
            if !in_word {
                words.push(Word {
                    pieces: Vec::new(),
                    space: pending_space.take(),
                });
                in_word = true;
            }
            let word = words.last_mut().expect("pushed above");
            match word.pieces.last_mut() {
                Some((text, style)) if *style == span.style => text.push(c),
                _ => word.pieces.push((c.to_string(), span.style)),
            }
        }
    }
    words
}

struct LineBuilder<'a> {
    cols: usize,
    rest: &'a [Span<'static>],
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    /// Columns used by text (not the prefix) on the current line.
    used: usize,
    /// Columns available for text on the current line.
    avail: usize,
}

impl<'a> LineBuilder<'a> {
    fn new(cols: usize, first: &[Span<'static>], rest: &'a [Span<'static>]) -> Self {
        let mut b = LineBuilder {
            cols,
            rest,
            lines: Vec::new(),
            current: Vec::new(),
            used: 0,
            avail: 0,
        };
        b.start(first);
        b
    }

    fn start(&mut self, prefix: &[Span<'static>]) {
        let pw: usize = prefix.iter().map(|s| width(&s.content)).sum();
        if pw < self.cols {
            self.current = prefix.to_vec();
            self.avail = self.cols - pw;
        } else {
            self.current = Vec::new();
            self.avail = self.cols.max(1);
        }
        self.used = 0;
    }

    fn newline(&mut self) {
        let spans = std::mem::take(&mut self.current);
        self.lines.push(Line::from(spans));
        let rest = self.rest;
        self.start(rest);
    }

    fn push_str(&mut self, s: &str, style: Style) {
        match self.current.last_mut() {
            Some(last) if last.style == style && self.used > 0 => {
                last.content.to_mut().push_str(s);
            }
            _ => self.current.push(Span::styled(s.to_string(), style)),
        }
        self.used += width(s);
    }

    fn push_char(&mut self, c: char, style: Style) {
        if c == '\n' {
            self.newline();
            return;
        }
        let cw = c.width().unwrap_or(0);
        if self.used > 0 && self.used + cw > self.avail {
            self.newline();
        }
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf), style);
    }

    fn push_word(&mut self, word: &Word) {
        let w: usize = word.pieces.iter().map(|(t, _)| width(t)).sum();
        if self.used > 0 {
            if self.used + 1 + w <= self.avail {
                self.push_str(" ", word.space.unwrap_or_default());
            } else {
                self.newline();
            }
        }
        if self.used + w <= self.avail {
            for (text, style) in &word.pieces {
                self.push_str(text, *style);
            }
        } else {
            // Longer than a whole line: break it between characters.
            for (text, style) in &word.pieces {
                for c in text.chars() {
                    self.push_char(c, *style);
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        if !self.current.is_empty() || self.lines.is_empty() {
            let spans = std::mem::take(&mut self.current);
            self.lines.push(Line::from(spans));
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wraps_words_to_width() {
        let p = Para::new(vec![Span::raw("the quick brown fox jumps")]);
        assert_eq!(text(&p.wrap(10)), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn hanging_indent() {
        let p = Para::new(vec![Span::raw("one two three four")])
            .indented(vec![Span::raw("• ")], vec![Span::raw("  ")]);
        assert_eq!(text(&p.wrap(9)), ["• one two", "  three", "  four"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let p = Para::new(vec![Span::raw("한국어 문장입니다 ok")]);
        let lines = p.wrap(8);
        for l in &lines {
            assert!(l.width() <= 8, "{l:?}");
        }
        assert_eq!(text(&lines), ["한국어", "문장입니", "다 ok"]);
    }

    #[test]
    fn long_words_break_and_tiny_widths_terminate() {
        let p = Para::new(vec![Span::raw("abcdefghij")]);
        assert_eq!(text(&p.wrap(4)), ["abcd", "efgh", "ij"]);
        assert_eq!(p.wrap(0).len(), 10);
        assert_eq!(text(&Para::new(vec![]).wrap(5)), [""]);
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(truncate("hello world", 5), "hell…");
        assert_eq!(truncate("한국어", 4), "한…");
        assert_eq!(truncate("ok", 5), "ok");
    }
}

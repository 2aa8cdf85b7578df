//! Word wrapping of styled text to a pane width, measured in terminal
//! columns (so Korean and emoji, two columns each, stay aligned), with a
//! hanging indent for list items and quotes. The detail pane wraps its text
//! itself, rather than through `Paragraph::wrap`, so that it knows exactly
//! which screen line each link lands on and can scroll to it.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns a string takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` that fits in `max` columns, with an ellipsis
/// when something was cut. Widths are those of whole strings (a variation
/// selector can make the character before it two columns wide, which a sum
/// over characters misses), so `width(&truncate(s, max)) <= max` always.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    // The widest prefix that leaves a column for the ellipsis, found by
    // bisection over character boundaries: O(n log n), whatever the input.
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    let fits = |n: usize| width(&s[..bounds[n]]) < max;
    let (mut lo, mut hi) = (0, bounds.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    // Width is not always monotonic in the prefix (nor quite additive):
    // check the result itself and give back characters until it fits.
    let mut end = bounds[lo];
    loop {
        let out = format!("{}…", &s[..end]);
        if width(&out) <= max {
            return out;
        }
        match s[..end].char_indices().next_back() {
            Some((i, _)) => end = i,
            None => return String::new(),
        }
    }
}

/// The longest suffix of `s` that fits in `max` columns, for an input line
/// that keeps its end in view. Walks back from the end once, summing the
/// characters' widths, then checks the whole string's width (which can be
/// wider, see [`truncate`]): linear in the length of `s`.
pub fn tail(s: &str, max: usize) -> &str {
    let mut start = s.len();
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > max {
            break;
        }
        start = i;
    }
    while width(&s[start..]) > max {
        match s[start..].chars().next() {
            Some(c) => start += c.len_utf8(),
            None => break,
        }
    }
    &s[start..]
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
    /// A table, laid out at the width it is wrapped to (then `spans` is
    /// unused).
    pub table: Option<Box<Table>>,
}

/// How a table column's cells sit in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A table: rows of cells of styled text, the first `header` rows being
/// the head. Laid out as aligned columns; when they do not fit, the wide
/// columns share what room there is and their cells wrap.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<Vec<Span<'static>>>>,
    pub header: usize,
    pub align: Vec<Align>,
    /// The style of the lines between columns and under the head.
    pub rule: Style,
}

/// Columns between two cells: ` │ `.
const COLUMN_GAP: usize = 3;

impl Table {
    /// The widths of the columns in `cols` columns: each column's widest
    /// cell, or when they do not all fit, an even share of the room for
    /// the wide ones (the narrow ones keep their width). `None` when not
    /// even a few columns each fit.
    fn widths(&self, cols: usize) -> Option<Vec<usize>> {
        let n = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if n == 0 {
            return None;
        }
        let mut natural = vec![0; n];
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                let w: usize = cell.iter().map(|s| width(&s.content)).sum();
                natural[i] = natural[i].max(w);
            }
        }
        let room = cols.checked_sub(COLUMN_GAP * (n - 1))?;
        if natural.iter().sum::<usize>() <= room {
            return Some(natural);
        }
        if room < 4 * n {
            return None;
        }
        // Water-filling: columns narrower than an even share of what is
        // left keep their width; the rest split the remainder.
        let mut out = vec![0; n];
        let mut open: Vec<usize> = (0..n).collect();
        let mut left = room;
        loop {
            let share = left / open.len();
            let (fit, wide): (Vec<usize>, Vec<usize>) =
                open.iter().partition(|&&i| natural[i] <= share);
            if fit.is_empty() {
                let extra = left - share * wide.len();
                for (k, &i) in wide.iter().enumerate() {
                    out[i] = share + usize::from(k < extra);
                }
                return Some(out);
            }
            for &i in &fit {
                out[i] = natural[i];
                left -= natural[i];
            }
            open = wide;
            if open.is_empty() {
                return Some(out);
            }
        }
    }

    /// The table as lines no wider than `cols`.
    pub fn lines(&self, cols: usize) -> Vec<Line<'static>> {
        let Some(widths) = self.widths(cols) else {
            // Too narrow for columns: each row on one line, cut.
            return self
                .rows
                .iter()
                .map(|row| {
                    let text: Vec<String> = row
                        .iter()
                        .map(|c| c.iter().map(|s| s.content.as_ref()).collect())
                        .collect();
                    Line::raw(truncate(&text.join(" | "), cols))
                })
                .collect();
        };
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let cells: Vec<Vec<Line<'static>>> = widths
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    let spans = row.get(i).cloned().unwrap_or_default();
                    Para::new(spans).wrap(w)
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for l in 0..height {
                let mut spans: Vec<Span<'static>> = Vec::new();
                for (i, &w) in widths.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::styled(" │ ", self.rule));
                    }
                    let line = cells[i].get(l).cloned().unwrap_or_default();
                    let pad = w.saturating_sub(line.width());
                    let (before, after) = match self.align.get(i).copied().unwrap_or_default() {
                        Align::Left => (0, pad),
                        Align::Right => (pad, 0),
                        Align::Center => (pad / 2, pad - pad / 2),
                    };
                    spans.push(Span::raw(" ".repeat(before)));
                    spans.extend(line.spans);
                    // The last column needs no padding after it.
                    if i + 1 < widths.len() {
                        spans.push(Span::raw(" ".repeat(after)));
                    }
                }
                out.push(Line::from(spans));
            }
            if r + 1 == self.header {
                let rule: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
                out.push(Line::styled(rule.join("─┼─"), self.rule));
            }
        }
        out
    }
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
        if let Some(t) = &self.table {
            let mut lines = t.lines(cols);
            if lines.is_empty() {
                lines.push(Line::default());
            }
            return lines;
        }
        let mut out = LineBuilder::new(cols, &self.first, &self.rest);
        if self.preformatted {
            for span in &self.spans {
                for g in span.content.graphemes(true) {
                    out.push_cluster(g, span.style);
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

    /// One grapheme cluster (a character with its combining marks and
    /// variation selectors), measured as a whole: `☢️` is two columns.
    fn push_cluster(&mut self, g: &str, style: Style) {
        if g == "\n" || g == "\r\n" {
            self.newline();
            return;
        }
        let cw = width(g);
        if self.used > 0 && self.used + cw > self.avail {
            self.newline();
        }
        self.push_str(g, style);
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
                for g in text.graphemes(true) {
                    self.push_cluster(g, *style);
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
    fn tail_keeps_the_end_that_fits() {
        assert_eq!(tail("hello world", 5), "world");
        assert_eq!(tail("ok", 5), "ok");
        assert_eq!(tail("한국어", 5), "국어");
        // U+2622 U+FE0F is two columns as a pair, one per character.
        assert_eq!(tail("ab☢\u{fe0f}", 2), "☢\u{fe0f}");
        assert!(width(tail("ab☢\u{fe0f}", 1)) <= 1);
        let long = "x".repeat(200_000);
        assert_eq!(tail(&long, 80).len(), 80);
    }

    #[test]
    fn variation_selectors_count_as_the_string_does() {
        let s = "☢\u{fe0f} Nuclear tests";
        for max in 0..=width(s) {
            assert!(width(&truncate(s, max)) <= max, "{max}");
        }
        let p = Para::new(vec![Span::raw("☢\u{fe0f}☢\u{fe0f}☢\u{fe0f}")]);
        for l in p.wrap(3) {
            assert!(width(&l.to_string()) <= 3, "{l:?}");
        }
    }

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| vec![Span::raw(c.to_string())]).collect())
                .collect(),
            header: 1,
            align: vec![Align::Left, Align::Right],
            rule: Style::default(),
        }
    }

    #[test]
    fn tables_line_up_in_columns() {
        let t = table(&[&["Port", "Ships"], &["North", "12"], &["Old harbour", "3"]]);
        assert_eq!(
            text(&t.lines(40)),
            [
                "Port        │ Ships",
                "────────────┼──────",
                "North       │    12",
                "Old harbour │     3",
            ]
        );
    }

    #[test]
    fn wide_tables_wrap_their_wide_columns_and_never_overflow() {
        let mut t = table(&[
            &["Name", "What happened"],
            &["Quay", "the crane was moved to the far end of the quay"],
        ]);
        t.align = vec![Align::Left; 2];
        let lines = t.lines(30);
        for l in &lines {
            assert!(l.width() <= 30, "{l:?}");
        }
        assert_eq!(text(&lines)[0], "Name │ What happened");
        assert_eq!(text(&lines)[2], "Quay │ the crane was moved to");
        assert!(lines.len() > 3, "the long cell wraps");
        // Too narrow for columns: a row a line, cut with an ellipsis.
        let lines = t.lines(8);
        assert!(text(&lines).iter().all(|l| width(l) <= 8));
        assert!(text(&lines)[1].ends_with('…'));
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(truncate("hello world", 5), "hell…");
        assert_eq!(truncate("한국어", 4), "한…");
        assert_eq!(truncate("ok", 5), "ok");
    }
}

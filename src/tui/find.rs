//! Finding text in the entry being read (`f`, or the words of a full-text
//! search when it opens an entry): every match in the detail's text is
//! marked, `n` / `N` step through them ("match 2 of 5" in the status bar)
//! and `Esc` ends it. The draw marks the matches in the wrapped lines and
//! says where they fell ([`mark`]); the find itself only keeps what was
//! asked and which match is chosen.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::model::EventIdx;

/// The most characters of a find that are looked for.
pub const MAX_NEEDLE: usize = 200;

/// An active find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Find {
    /// What is looked for, lower case (any of them matches).
    pub needles: Vec<String>,
    /// The entry it is in: another entry shown ends it.
    pub entry: EventIdx,
    /// The chosen match (`None` until `n` chooses the first).
    pub current: Option<usize>,
    /// Bring the chosen match into view on the next draw.
    pub reveal: bool,
}

impl Find {
    /// A find of `needles` (cut to [`MAX_NEEDLE`] characters, lower
    /// cased, empty ones dropped) in entry `entry`.
    pub fn new(needles: &[String], entry: EventIdx) -> Option<Find> {
        let mut needles: Vec<String> = needles
            .iter()
            .map(|n| lower(n.trim()).chars().take(MAX_NEEDLE).collect::<String>())
            .filter(|n| !n.is_empty())
            .collect();
        needles.sort();
        needles.dedup();
        (!needles.is_empty()).then_some(Find {
            needles,
            entry,
            current: None,
            reveal: false,
        })
    }

    /// `n` / `N` among `total` matches: the next or previous, round the
    /// end; the first (last) when none is chosen yet.
    pub fn step(&mut self, forward: bool, total: usize) {
        if total == 0 {
            return;
        }
        self.current = Some(match (self.current, forward) {
            (None, true) => 0,
            (None, false) => total - 1,
            (Some(c), true) => (c + 1) % total,
            (Some(c), false) => (c + total - 1) % total,
        });
        self.reveal = true;
    }
}

/// `s` lower cased a character at a time, each to one character, so that
/// positions in it are positions in `s`.
fn lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Marks the matches of `find` in `lines` (the chosen one in `chosen`,
/// the others in `other`), and gives the line each match is on, in order.
/// A match does not run across lines.
pub fn mark(lines: &mut [Line<'static>], find: &Find, other: Style, chosen: Style) -> Vec<usize> {
    let mut at = Vec::new();
    for (n, line) in lines.iter_mut().enumerate() {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let low: Vec<char> = lower(&text).chars().collect();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for needle in &find.needles {
            let needle: Vec<char> = needle.chars().collect();
            let mut i = 0;
            while needle.len() <= low.len() && i + needle.len() <= low.len() {
                if low[i..i + needle.len()] == needle[..] {
                    ranges.push((i, i + needle.len()));
                    i += needle.len();
                } else {
                    i += 1;
                }
            }
        }
        if ranges.is_empty() {
            continue;
        }
        ranges.sort_unstable();
        // Overlapping matches (of two needles) are one.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.0 < last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        let first = at.len();
        at.extend(std::iter::repeat_n(n, merged.len()));
        let styled: Vec<(usize, usize, Style)> = (merged.iter().enumerate())
            .map(|(k, &(s, e))| {
                let style = if find.current == Some(first + k) {
                    chosen
                } else {
                    other
                };
                (s, e, style)
            })
            .collect();
        *line = restyle(std::mem::take(line), &styled);
    }
    at
}

/// `line` with the characters of each range patched with its style.
fn restyle(line: Line<'static>, ranges: &[(usize, usize, Style)]) -> Line<'static> {
    let style_at = |i: usize| {
        ranges
            .iter()
            .find(|&&(s, e, _)| s <= i && i < e)
            .map(|&(_, _, st)| st)
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut i = 0;
    for span in line.spans {
        let mut run = String::new();
        let mut run_style: Option<Style> = None;
        for c in span.content.chars() {
            let st = style_at(i);
            if st != run_style && !run.is_empty() {
                let patched = run_style.map_or(span.style, |p| span.style.patch(p));
                spans.push(Span::styled(std::mem::take(&mut run), patched));
            }
            run_style = st;
            run.push(c);
            i += 1;
        }
        if !run.is_empty() {
            let patched = run_style.map_or(span.style, |p| span.style.patch(p));
            spans.push(Span::styled(run, patched));
        }
    }
    Line { spans, ..line }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn every_match_is_marked_and_counted_case_ignored() {
        let mut lines = vec![
            Line::from(vec![Span::raw("The Ferry "), Span::raw("left; the ferry")]),
            Line::raw("no match here"),
            Line::raw("FERRY"),
        ];
        let mut find = Find::new(&["ferry".to_string()], 0).unwrap();
        find.step(true, 3);
        find.step(true, 3);
        let other = Style::new().add_modifier(Modifier::UNDERLINED);
        let chosen = Style::new().add_modifier(Modifier::REVERSED);
        let at = mark(&mut lines, &find, other, chosen);
        assert_eq!(at, [0, 0, 2]);
        let text: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "The Ferry left; the ferry", "the text is unchanged");
        let marked: Vec<(&str, bool)> = (lines[0].spans.iter())
            .filter(|s| {
                s.style
                    .add_modifier
                    .intersects(Modifier::UNDERLINED | Modifier::REVERSED)
            })
            .map(|s| {
                (
                    s.content.as_ref(),
                    s.style.add_modifier.contains(Modifier::REVERSED),
                )
            })
            .collect();
        assert_eq!(marked, [("Ferry", false), ("ferry", true)]);
        find.step(false, 3);
        assert_eq!(find.current, Some(0));
        find.step(false, 3);
        assert_eq!(find.current, Some(2), "round the start");
    }

    #[test]
    fn nothing_to_find_is_no_find() {
        assert!(Find::new(&["  ".to_string()], 0).is_none());
        assert!(Find::new(&[], 0).is_none());
    }
}

//! The entries of the selected day: headlines, with a marker for articles
//! (`¶`) and ghosts (`○`, dimmed).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{headline_text, keep_visible, pane};
use crate::model::Kind;
use crate::tui::app::App;
use crate::tui::geometry::Areas;
use crate::tui::keymap::Focus;
use crate::tui::wrap::{truncate, width};

/// `Thursday 8 June 2017`, or `Undated`.
pub fn long_date(date: Option<NaiveDate>) -> String {
    date.map_or_else(
        || "Undated".to_string(),
        |d| d.format("%A %-d %B %Y").to_string(),
    )
}

/// The pane's title: the day and its number of entries, the date as long
/// as fits between the corners (a title too wide is cut, and the date is
/// what the title is for).
/// `unread`: how many are not read yet, said once anything is read.
fn fitting_title(date: Option<NaiveDate>, n: usize, unread: Option<usize>, cols: usize) -> String {
    let n = match unread {
        Some(u) => format!("{n} ({u} unread)"),
        None => n.to_string(),
    };
    let Some(d) = date else {
        return format!(" Undated · {n} ");
    };
    let forms = [
        format!(" {} · {n} ", long_date(date)),
        format!(" {} · {n} ", d.format("%a %-d %b %Y")),
        format!(" {} · {n} ", d.format("%Y-%m-%d")),
    ];
    let room = cols.saturating_sub(2);
    forms
        .iter()
        .find(|f| width(f) <= room)
        .unwrap_or(&forms[2])
        .clone()
}

/// `s` in two parts: as many of its words as fit in `room` columns (cut
/// only when the first word alone does not fit), and the rest.
fn split_line(s: &str, room: usize) -> (String, String) {
    if width(s) <= room {
        return (s.to_string(), String::new());
    }
    let mut first = String::new();
    for (i, word) in s.split(' ').enumerate() {
        let next = if i == 0 {
            word.to_string()
        } else {
            format!("{first} {word}")
        };
        if width(&next) > room {
            if first.is_empty() {
                // One word too long for the line: cut where it fills it.
                let mut used = 0;
                let at = s
                    .char_indices()
                    .find(|&(_, c)| {
                        used += width(c.encode_utf8(&mut [0; 4]));
                        used > room
                    })
                    .map_or(s.len(), |(i, _)| i);
                return (s[..at].to_string(), s[at..].to_string());
            }
            let rest = s[first.len()..].trim_start().to_string();
            return (first, rest);
        }
        first = next;
    }
    (first, String::new())
}

/// The marker of an entry's kind; `ascii`: in ASCII (`P` article, `o`
/// ghost), for `ascii = true` in the configuration.
pub fn kind_mark(kind: Kind, ascii: bool) -> &'static str {
    match (kind, ascii) {
        (Kind::Event, _) => "  ",
        (Kind::Article, false) => "¶ ",
        (Kind::Ghost, false) => "○ ",
        (Kind::Article, true) => "P ",
        (Kind::Ghost, true) => "o ",
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, areas: &mut Areas) {
    let focused = app.nav.focus == Focus::Events;
    let theme = &app.settings.theme;
    let events = app.day_events();
    let date = app
        .nav
        .view
        .days
        .get(app.nav.day)
        .and_then(|&d| app.timeline.days[d].date);
    let title = if app.nav.view.days.is_empty() {
        " Nothing under the filter (Esc clears it) ".to_string()
    } else if app.nav.flat {
        let counts = app.read_counts(app.nav.day);
        let unread = if counts.any_read {
            format!(" ({} unread)", counts.unread)
        } else {
            String::new()
        };
        let what = if app.nav.filter.story.is_some() {
            "The story"
        } else if app.nav.filter.is_empty() {
            "All entries"
        } else {
            "Every entry in view"
        };
        // Whole when it fits, else without its key hint, else the count.
        let n = events.len();
        let room = (area.width as usize).saturating_sub(2);
        [
            format!(" {what} · {n}{unread} · L: by day "),
            format!(" {what} · {n}{unread} "),
            format!(" {n}{unread} "),
        ]
        .into_iter()
        .find(|t| t.chars().count() <= room)
        .unwrap_or_default()
    } else {
        let counts = app.read_counts(app.nav.day);
        let unread = counts.any_read.then_some(counts.day_unread);
        fitting_title(date, events.len(), unread, area.width as usize)
    };
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    areas.events = inner;
    // Rows an entry takes, and so how many entries fit.
    let rows = if app.settings.two_line_headlines {
        2
    } else {
        1
    };
    let height = inner.height as usize / rows;
    let start = if app.nav.recenter {
        app.nav.event.saturating_sub(height / 2)
    } else {
        app.nav.events_offset
    };
    let offset = keep_visible(start, app.nav.event, height, events.len());
    areas.events_offset = offset;
    let w = inner.width as usize;
    let lines: Vec<Line> = events
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .flat_map(|(pos, &idx)| {
            let e = &app.timeline.events[idx];
            // (An entry shown outside the filter is selected in neither.)
            let selected = pos == app.nav.event && app.nav.outside.is_none();
            let marker = if selected {
                theme.mark("▶ ", "> ")
            } else {
                "  "
            };
            let mark = if app.is_bookmarked(&e.id) {
                theme.mark("★ ", "* ")
            } else {
                ""
            };
            // The flat list dates every line.
            let date = if app.nav.flat {
                format!("{:<11}", crate::model::date_label(e.date))
            } else {
                String::new()
            };
            let room = w.saturating_sub(4 + mark.len().min(2) + date.len());
            let (headline, rest) = if rows == 2 {
                split_line(&headline_text(&e.headline), room)
            } else {
                (truncate(&headline_text(&e.headline), room), String::new())
            };
            let mut style = if e.kind == Kind::Ghost {
                theme.dim()
            } else {
                Style::new()
            };
            let mut line = Line::from(vec![
                Span::raw(marker),
                Span::styled(kind_mark(e.kind, theme.ascii), theme.dim()),
                Span::styled(mark, theme.bookmark()),
                Span::styled(date, theme.date()),
                Span::raw(headline),
            ]);
            let mut second = Line::from(vec![
                Span::raw(" ".repeat(w.saturating_sub(room).min(w))),
                Span::raw(truncate(&rest, room)),
            ]);
            if selected {
                style = style.patch(if focused {
                    theme.selected()
                } else {
                    theme.selected_unfocused()
                });
                for l in [&mut line, &mut second] {
                    let used = l.width();
                    l.spans.push(Span::raw(" ".repeat(w.saturating_sub(used))));
                }
            }
            let first = line.style(style);
            if rows == 2 {
                vec![first, second.style(style)]
            } else {
                vec![first]
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::{split_line, width};

    #[test]
    fn a_headline_is_split_between_words() {
        let s = "Volkswagen halts sales of its diesel cars";
        assert_eq!(
            split_line(s, 20),
            (
                "Volkswagen halts".to_string(),
                "sales of its diesel cars".to_string()
            )
        );
        assert_eq!(
            split_line("short", 20),
            ("short".to_string(), String::new())
        );
        // One word longer than the line: cut where it fills it.
        let (a, b) = split_line("겨울시장겨울시장겨울", 7);
        assert_eq!(format!("{a}{b}"), "겨울시장겨울시장겨울");
        assert!(width(&a) <= 7 && !a.is_empty());
    }
}

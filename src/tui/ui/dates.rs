//! The date list: every day with visible entries, with year and month
//! separators and each day's count; days holding only ghosts are dimmed.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{keep_visible, pane};
use crate::tui::app::App;
use crate::tui::geometry::Areas;
use crate::tui::keymap::Focus;
use crate::tui::view::DateRow;
use crate::tui::wrap::width;

pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month as usize + 11) % 12]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, areas: &mut Areas) {
    let focused = app.nav.focus == Focus::Dates;
    let theme = &app.settings.theme;
    let block = pane(" Dates ", focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    areas.dates = inner;
    let view = &app.nav.view;
    let sel_row = view.day_row.get(app.nav.day).copied().unwrap_or(0);
    let height = inner.height as usize;
    let start = if app.nav.recenter {
        sel_row.saturating_sub(height / 2)
    } else {
        app.nav.dates_offset
    };
    let mut offset = keep_visible(start, sel_row, height, view.rows.len());
    // Show the separators just above the selection when there is room.
    while offset > 0
        && offset + height > sel_row + 1
        && !matches!(view.rows[offset - 1], DateRow::Day(_))
    {
        offset -= 1;
    }
    areas.dates_offset = offset;
    let w = inner.width as usize;
    let lines: Vec<Line> = view
        .rows
        .iter()
        .skip(offset)
        .take(height)
        .map(|row| match *row {
            DateRow::Year(y) => {
                let label = format!(" {y} ");
                let fill = w.saturating_sub(label.len() + 2);
                let rule = if theme.ascii { "-" } else { "─" };
                Line::from(vec![
                    Span::styled(rule.repeat(2), theme.dim()),
                    Span::styled(label, theme.year()),
                    Span::styled(rule.repeat(fill), theme.dim()),
                ])
            }
            DateRow::Month(_, m) => Line::styled(format!(" {}", month_name(m)), theme.month()),
            DateRow::Day(pos) => {
                let day = &app.timeline.days[view.days[pos]];
                let count = app
                    .nav
                    .view
                    .events(&app.timeline, pos, &app.nav.filter)
                    .len();
                let label = match day.date {
                    Some(d) => day_label(d),
                    None => "Undated".to_string(),
                };
                let selected = pos == app.nav.day;
                let marker = if selected {
                    theme.mark("▶ ", "> ")
                } else {
                    "  "
                };
                let count = count.to_string();
                let pad = w.saturating_sub(2 + width(&label) + count.len()).max(1);
                let text = format!("{marker}{label}{}{count}", " ".repeat(pad));
                let mut style = if day.only_ghosts() {
                    theme.dim()
                } else {
                    ratatui::style::Style::new()
                };
                if selected {
                    style = style.patch(if focused {
                        theme.selected()
                    } else {
                        theme.selected_unfocused()
                    });
                }
                Line::styled(text, style)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `08 Thu`.
fn day_label(d: NaiveDate) -> String {
    format!("{:02} {}", d.day(), d.format("%a"))
}

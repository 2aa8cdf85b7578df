//! The loading screen: a progress gauge while a large archive is read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph};

use super::{centered, pane};
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame, what: &str, done: usize, total: usize, theme: &Theme) {
    let area = frame.area();
    let rect = centered(area, 60, 5);
    let block = pane(" ktimeline ", true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height == 0 {
        return;
    }
    frame.render_widget(
        Paragraph::new(Line::raw(format!("Loading {what}…"))),
        Rect { height: 1, ..inner },
    );
    if inner.height >= 2 {
        let ratio = if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).clamp(0.0, 1.0)
        };
        let gauge = Gauge::default()
            .ratio(ratio)
            .label(if total == 0 && done == 0 {
                "looking for files…".to_string()
            } else if total == 0 {
                format!("looking for files… {done} found")
            } else {
                format!("{done} / {total} files")
            })
            .gauge_style(theme.spark());
        frame.render_widget(
            gauge,
            Rect {
                y: inner.y + inner.height - 1,
                height: 1,
                ..inner
            },
        );
    }
}

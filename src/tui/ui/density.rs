//! The density strip: events per month across the whole archive as a
//! sparkline, with the selected day's month marked beneath it.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};

use crate::tui::app::App;

/// Months folded into at most `cols` bars: `(bars, months per bar)`.
pub fn buckets(counts: &[u64], cols: usize) -> (Vec<u64>, usize) {
    let cols = cols.max(1);
    let per = counts.len().div_ceil(cols).max(1);
    (counts.chunks(per).map(|c| c.iter().sum()).collect(), per)
}

/// How many columns each bar takes so that few months fill the strip.
pub fn bar_width(bars: usize, cols: usize) -> usize {
    cols.checked_div(bars).map_or(1, |w| w.clamp(1, 6))
}

fn month_index(first: NaiveDate, d: NaiveDate) -> i64 {
    (d.year() as i64 * 12 + d.month0() as i64) - (first.year() as i64 * 12 + first.month0() as i64)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.settings.theme;
    let Some((first, counts)) = app
        .timeline
        .monthly_counts_where(|i, _| crate::tui::view::visible(&app.timeline, i, &app.nav.filter))
    else {
        return;
    };
    if area.height == 1 {
        one_row(frame, area, app, first, &counts);
        return;
    }
    let [spark_area, axis] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(area);
    let inner = Rect {
        x: spark_area.x + 1,
        width: spark_area.width.saturating_sub(2),
        ..spark_area
    };
    let (bars, bw, current) = sparkline(frame, inner, app, first, &counts);

    // The axis: first year, a marker under the current month, last year.
    let w = inner.width as usize;
    let mut cells: Vec<char> = vec![' '; w];
    let put = |cells: &mut Vec<char>, at: usize, s: &str| {
        for (i, c) in s.chars().enumerate() {
            if let Some(cell) = cells.get_mut(at + i) {
                *cell = c;
            }
        }
    };
    let (first_label, last_label) = year_labels(first, &counts);
    let mut last_x = w.saturating_sub(last_label.len());
    if bw > 1 {
        last_x = ((bars - 1) * bw).min(last_x);
    }
    put(&mut cells, 0, &first_label);
    if last_x > first_label.len() {
        put(&mut cells, last_x, &last_label);
    }
    let current = current.map(|c| c * bw);
    if let Some(c) = current.filter(|&c| c < w)
        && let Some(d) = app.current_event().and_then(|e| e.date)
    {
        // The marker sits under the bar; the label goes to whichever side
        // fits, and a year label it would overlap is cleared.
        let month = d.format("%b %Y").to_string();
        let right = format!("▲ {month}");
        let left = format!("{month} ▲");
        let (at, label) = if c + right.chars().count() <= w {
            (c, right)
        } else {
            ((c + 1).saturating_sub(left.chars().count()), left)
        };
        let end = at + label.chars().count();
        for (x, len) in [(0, first_label.len()), (last_x, last_label.len())] {
            if x < end + 1 && at < x + len + 1 {
                for cell in cells.iter_mut().skip(x).take(len) {
                    *cell = ' ';
                }
            }
        }
        put(&mut cells, at, &label);
    }
    let axis_line: String = cells.into_iter().collect();
    let axis_area = Rect {
        x: axis.x + 1,
        width: axis.width.saturating_sub(2),
        ..axis
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(axis_line, theme.dim())])),
        axis_area,
    );
}

/// The bars, in `area`, with the current month's in its own colour:
/// returns the number of bars, the columns each takes, and which one is
/// the current month's.
fn sparkline(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    first: NaiveDate,
    counts: &[u64],
) -> (usize, usize, Option<usize>) {
    let theme = &app.settings.theme;
    let (bars, per) = buckets(counts, area.width as usize);
    let current = app
        .current_event()
        .and_then(|e| e.date)
        .map(|d| month_index(first, d))
        .filter(|&m| m >= 0 && (m as usize) < counts.len())
        .map(|m| m as usize / per);
    let bw = bar_width(bars.len(), area.width as usize);
    let data: Vec<SparklineBar> = bars
        .iter()
        .enumerate()
        .flat_map(|(i, &v)| std::iter::repeat_n((i, v), bw))
        .map(|(i, v)| {
            let bar = SparklineBar::from(v);
            if Some(i) == current {
                bar.style(Some(theme.spark_current()))
            } else {
                bar
            }
        })
        .collect();
    frame.render_widget(Sparkline::default().data(data).style(theme.spark()), area);
    (bars.len(), bw, current)
}

/// The first and last years of the archive.
fn year_labels(first: NaiveDate, counts: &[u64]) -> (String, String) {
    let last_month = first
        .checked_add_months(chrono::Months::new(counts.len().saturating_sub(1) as u32))
        .unwrap_or(first);
    (first.year().to_string(), last_month.year().to_string())
}

/// The strip on a short terminal: `2016 ▁▃█▅▂ 2018` on one row.
fn one_row(frame: &mut Frame, area: Rect, app: &App, first: NaiveDate, counts: &[u64]) {
    let (first_label, last_label) = year_labels(first, counts);
    let labels = (first_label.len() + last_label.len() + 4) as u16;
    if area.width <= labels + 4 {
        return;
    }
    let [left, bars, right] = Layout::horizontal([
        Constraint::Length(first_label.len() as u16 + 2),
        Constraint::Min(1),
        Constraint::Length(last_label.len() as u16 + 2),
    ])
    .areas(area);
    let dim = app.settings.theme.dim();
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {first_label} "), dim)),
        left,
    );
    sparkline(frame, bars, app, first, counts);
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {last_label} "), dim)),
        right,
    );
}

#[cfg(test)]
mod tests {
    use super::buckets;

    #[test]
    fn folds_months_into_columns() {
        assert_eq!(buckets(&[1, 2, 3], 10), (vec![1, 2, 3], 1));
        assert_eq!(buckets(&[1, 2, 3, 4, 5], 2), (vec![6, 9], 3));
        assert_eq!(buckets(&[], 5), (vec![], 1));
    }
}

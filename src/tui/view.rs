//! What the two lists show under the current filter (dates, tags, kinds): the visible days,
//! the rows of the date list (with year and month separators), and the
//! visible entries of a day. Rebuilt only when the filter changes.

use chrono::Datelike;

use crate::filter::Filter;
use crate::model::{EventIdx, Timeline};

/// One row of the date list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRow {
    Year(i32),
    Month(i32, u32),
    /// A visible day, by its position in [`View::days`].
    Day(usize),
}

#[derive(Debug, Clone, Default)]
pub struct View {
    /// Indices into `Timeline::days` of the days with a visible entry.
    pub days: Vec<usize>,
    pub rows: Vec<DateRow>,
    /// The row of each visible day.
    pub day_row: Vec<usize>,
    /// Every visible entry, in timeline order: the flat list (`L`).
    pub all: Vec<EventIdx>,
    /// Where each visible day's entries begin in `all`.
    pub day_start: Vec<usize>,
}

/// True when an entry shows under the filter: the filter's own rule, the
/// same as the command line's and the search's.
pub fn visible(timeline: &Timeline, idx: EventIdx, filter: &Filter) -> bool {
    filter.accepts(&timeline.events[idx])
}

impl View {
    pub fn new(timeline: &Timeline, filter: &Filter) -> View {
        let mut view = View::default();
        let mut last_month: Option<(i32, u32)> = None;
        for (d, day) in timeline.days.iter().enumerate() {
            let start = view.all.len();
            view.all
                .extend(day.events.clone().filter(|&i| visible(timeline, i, filter)));
            if view.all.len() == start {
                continue;
            }
            view.day_start.push(start);
            if let Some(date) = day.date {
                let ym = (date.year(), date.month());
                if last_month.map(|m| m.0) != Some(ym.0) {
                    view.rows.push(DateRow::Year(ym.0));
                }
                if last_month != Some(ym) {
                    view.rows.push(DateRow::Month(ym.0, ym.1));
                }
                last_month = Some(ym);
            }
            view.day_row.push(view.rows.len());
            view.rows.push(DateRow::Day(view.days.len()));
            view.days.push(d);
        }
        view
    }

    /// The visible entries of the visible day at `pos`.
    pub fn events(&self, timeline: &Timeline, pos: usize, filter: &Filter) -> Vec<EventIdx> {
        let Some(&d) = self.days.get(pos) else {
            return Vec::new();
        };
        timeline.days[d]
            .events
            .clone()
            .filter(|&i| visible(timeline, i, filter))
            .collect()
    }

    /// The visible day (a position in `days`) of the entry at `pos` of
    /// the flat list.
    pub fn day_at(&self, pos: usize) -> usize {
        self.day_start
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
    }

    /// The position of a day of the timeline among the visible days.
    pub fn pos_of_day(&self, day: usize) -> Option<usize> {
        self.days.binary_search(&day).ok()
    }
}

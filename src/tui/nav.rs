//! Where the reader is: the filter and what it leaves in view, the day and
//! entry selected, the pane with the keyboard, the detail's scroll and
//! chosen link, and what the next draw is to do about them. Plain data,
//! one of the concerns `App` is made of; its moves are `App`'s, since they
//! need the timeline and the last frame as well.

use super::keymap::Focus;
use super::view::View;
use crate::filter::Filter;
use crate::model::EventIdx;

/// How the next draw brings the chosen link of the detail into view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reveal {
    /// The text stays where it is.
    #[default]
    Stay,
    /// Scrolls just enough to show the whole link (its first line if it is
    /// taller than the pane): a link just chosen with `Tab`.
    Whole,
    /// Scrolls only when no line of the link is on screen: a place come
    /// back to, shown as it was left even if the link was cut by an edge.
    Glimpse,
}

pub struct Nav {
    pub focus: Focus,
    /// What the lists show: a date range, tags, kinds (`Esc` clears it).
    pub filter: Filter,
    /// The entry selected before a filter left nothing to show, to come
    /// back to when it is cleared.
    pub(super) kept_place: Option<EventIdx>,
    pub view: View,
    /// Selected day: a position in `view.days`.
    pub day: usize,
    /// Selected entry: a position in the day's visible entries (in the
    /// flat list: among every visible entry).
    pub event: usize,
    /// The entries pane lists every entry the filter keeps, not a day's
    /// (`L`).
    pub flat: bool,
    /// The flat list was turned on by `s` (a story is read in one list),
    /// and goes when the story's filter is cleared.
    pub flat_for_story: bool,
    /// An entry the filter hides, shown in the detail (a link followed
    /// out of it), the filter and the lists left as they were; the lists'
    /// next move ends it.
    pub outside: Option<EventIdx>,
    /// The chosen link of the detail pane, a position in `links_of`: only
    /// ever one that is on screen (see `App::after_draw`), so that Enter
    /// never follows a link the reader cannot see.
    pub link: Option<usize>,
    /// First line of the detail text shown, as asked for.
    pub detail_scroll: usize,
    /// Bring the selected link into view on the next draw.
    pub reveal_link: Reveal,
    /// An entry was just opened in the detail: choose its first link on
    /// screen once the next draw has placed it.
    pub pick_link: bool,
    /// Centre the selection of both lists on the next draw (after a jump).
    pub recenter: bool,
    /// First rows of the lists as the last draw showed them.
    pub dates_offset: usize,
    pub events_offset: usize,
}

impl Nav {
    /// At the top of `view`, with the dates list in hand.
    pub fn new(view: View) -> Nav {
        Nav {
            focus: Focus::Dates,
            filter: Filter::default(),
            kept_place: None,
            view,
            day: 0,
            event: 0,
            flat: false,
            flat_for_story: false,
            outside: None,
            link: None,
            detail_scroll: 0,
            reveal_link: Reveal::Stay,
            pick_link: false,
            recenter: false,
            dates_offset: 0,
            events_offset: 0,
        }
    }
}

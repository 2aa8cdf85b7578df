//! The screen's geometry as the last frame laid it out, which the draw
//! reports and the state reads: mouse clicks land by it, pages are as
//! tall as it says, and a chosen link is kept only while it is on screen.

use ratatui::layout::Rect;

use crate::model::EventIdx;

/// Where things were on the last frame, for mouse clicks and paging.
/// Written by the event loop after each draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Areas {
    /// Inner areas (inside the borders) of the panes; empty when hidden.
    pub dates: Rect,
    pub events: Rect,
    pub detail: Rect,
    /// The popup's list, if a popup with a list is open.
    pub popup_list: Rect,
    /// First row shown of each list and of the detail text.
    pub dates_offset: usize,
    pub events_offset: usize,
    pub popup_offset: usize,
    pub detail_scroll: usize,
    /// The entry the detail pane showed, and so the one the detail fields
    /// here describe.
    pub detail_entry: Option<EventIdx>,
    /// Lines of the detail text at the last width.
    pub detail_lines: usize,
    /// For each link, its first and one-past-last line in the detail text.
    pub link_lines: Vec<(usize, usize)>,
    /// The chosen link if the frame showed it (some line of it on screen).
    pub link_shown: Option<usize>,
    /// The line of each match of the find in the detail text.
    pub find_lines: Vec<usize>,
}

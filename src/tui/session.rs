//! What the browser keeps of a session besides the place: the history to
//! go back and forward in, the entries read and the bookmarks. The last
//! two are saved between runs (see `App::to_state`).

use std::collections::HashSet;

use super::history::History;
use crate::model::EventIdx;
use crate::state::Bookmark;

/// A place in the history: an entry as the user left it. Two places are
/// the same when they show the same entry.
#[derive(Debug, Clone)]
pub struct Place {
    pub idx: EventIdx,
    pub link: Option<usize>,
    pub scroll: usize,
    /// The filter it was seen under (`None`: whatever is in force), put
    /// back when the history comes back to it.
    pub filter: Option<crate::filter::Filter>,
}

impl Place {
    /// An entry as it first opens: from its headline, no link chosen.
    pub fn at(idx: EventIdx) -> Place {
        Place {
            idx,
            link: None,
            scroll: 0,
            filter: None,
        }
    }
}

impl PartialEq for Place {
    fn eq(&self, other: &Place) -> bool {
        self.idx == other.idx
    }
}

#[derive(Debug, Default)]
pub struct Session {
    pub history: History<Place>,
    /// Ids of the entries read (kept across sessions; open while the detail had
    /// the keyboard); links to them look visited. A plain set so that
    /// it can be saved and loaded later.
    pub visited: HashSet<String>,
    /// Bookmarked entries, in the order they were set (see `marks.rs`).
    pub bookmarks: Vec<Bookmark>,
}

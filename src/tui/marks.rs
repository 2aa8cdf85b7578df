//! Bookmarks (`m`, the `'` list) as plain data: how a bookmark is shown
//! and matched, made from an entry, and kept on its entry when the archive
//! changes. The browser's state holds them (see `app.rs`); nothing here
//! knows of it.

use super::picker::{self, Match, Order};
use crate::model::{Event, Timeline, date_label};
use crate::state::Bookmark;
use crate::text;

/// A bookmark as its list shows and matches it: date, then headline.
pub fn mark_text(b: &Bookmark) -> String {
    format!("{:<10} {}", date_label(b.date), text::one_line(&b.headline))
}

/// The bookmarks matching `input`, best first; all, newest first, for none.
/// Among equals, the newer bookmark comes first.
pub fn match_marks(marks: &[Bookmark], input: &str) -> Vec<Match> {
    picker::fuzzy(
        marks.len(),
        marks.iter().map(mark_text),
        input,
        Order::Later,
    )
}

/// The bookmark of an entry.
pub fn bookmark_of(e: &Event) -> Bookmark {
    Bookmark {
        id: e.id.clone(),
        date: e.date,
        headline: e.headline.clone(),
        file: e.file.clone(),
    }
}

/// Bookmarks whose entry has another id in `t` (its headline was edited,
/// and an event's id follows its headline) follow it by its file.
pub fn follow(bookmarks: &mut [Bookmark], t: &Timeline) {
    if bookmarks.iter().all(|b| t.get(&b.id).is_some()) {
        return;
    }
    let by_file = t.by_file();
    for b in bookmarks {
        if t.get(&b.id).is_none()
            && let Some(&i) = b.file.as_deref().and_then(|f| by_file.get(f))
        {
            *b = bookmark_of(&t.events[i]);
        }
    }
}

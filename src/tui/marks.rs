//! The browser's side of everyday use, as state transitions without I/O:
//! bookmarks (`m`, the `'` list), the place and read entries saved between
//! runs (to and from [`crate::state::State`]), where a new archive opens,
//! and the hand-offs that become effects (`y` copies, `e` edits).

use super::action::Effect;
use super::app::{App, Link};
use super::keymap::Focus;
use super::popups::Popup;
use crate::model::{Event, date_label};
use crate::state::{Bookmark, Place, State};
use crate::text;

/// A bookmark that matches the list's filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkMatch {
    /// Index into `App::bookmarks`.
    pub mark: usize,
    /// Char indices of the matched characters in [`mark_text`].
    pub positions: Vec<usize>,
}

/// A bookmark as its list shows and matches it: date, then headline.
pub fn mark_text(b: &Bookmark) -> String {
    format!("{:<10} {}", date_label(b.date), text::one_line(&b.headline))
}

/// The bookmarks matching `input`, best first; all, newest first, for none.
pub fn match_marks(marks: &[Bookmark], input: &str) -> Vec<MarkMatch> {
    let input = input.trim();
    if input.is_empty() {
        return (0..marks.len())
            .rev()
            .map(|mark| MarkMatch {
                mark,
                positions: Vec::new(),
            })
            .collect();
    }
    let mut scored = crate::search::fuzzy_scores(marks.iter().map(mark_text), input);
    // Best first; among equals, the newer bookmark.
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    scored
        .into_iter()
        .map(|(mark, _, positions)| MarkMatch { mark, positions })
        .collect()
}

fn bookmark_of(e: &Event) -> Bookmark {
    Bookmark {
        id: e.id.clone(),
        date: e.date,
        headline: e.headline.clone(),
        file: e.file.clone(),
    }
}

fn focus_name(f: Focus) -> &'static str {
    match f {
        Focus::Dates => "dates",
        Focus::Events => "events",
        Focus::Links => "detail",
    }
}

impl App {
    /// Bookmarks whose entry has another id now (its headline was edited,
    /// and an event's id follows its headline) follow it by its file.
    pub fn follow_bookmarks(&mut self) {
        let t = self.timeline.clone();
        if self.bookmarks.iter().all(|b| t.get(&b.id).is_some()) {
            return;
        }
        let by_file = t.by_file();
        for b in &mut self.bookmarks {
            if t.get(&b.id).is_none()
                && let Some(&i) = b.file.as_deref().and_then(|f| by_file.get(f))
            {
                *b = bookmark_of(&t.events[i]);
            }
        }
    }

    /// True when the entry with this id is bookmarked.
    pub fn is_bookmarked(&self, id: &str) -> bool {
        self.bookmarks.iter().any(|b| b.id == id)
    }

    /// `m`: bookmarks the selected entry, or removes its bookmark.
    pub(super) fn toggle_bookmark(&mut self) -> Option<Effect> {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected to bookmark");
            return None;
        };
        let headline = text::one_line(&e.headline);
        if let Some(at) = self.bookmarks.iter().position(|b| b.id == e.id) {
            self.bookmarks.remove(at);
            self.say(format!("bookmark removed: {headline}"));
        } else {
            let b = bookmark_of(e);
            self.bookmarks.push(b);
            self.say(format!("bookmarked: {headline} (' lists bookmarks)"));
        }
        Some(Effect::SaveState)
    }

    /// The `'` popup, on every bookmark.
    pub(super) fn bookmarks_popup(&self) -> Popup {
        Popup::Bookmarks {
            input: String::new(),
            matches: match_marks(&self.bookmarks, ""),
            selected: 0,
            offset: 0,
        }
    }

    /// Delete in the `'` popup: removes the chosen bookmark.
    pub(super) fn remove_chosen_bookmark(&mut self) -> Option<Effect> {
        let Some(Popup::Bookmarks {
            input,
            matches,
            selected,
            ..
        }) = &mut self.popup
        else {
            return None;
        };
        let m = matches.get(*selected)?.mark;
        let gone = self.bookmarks.remove(m);
        *matches = match_marks(&self.bookmarks, input);
        *selected = (*selected).min(matches.len().saturating_sub(1));
        self.say(format!(
            "bookmark removed: {}",
            text::one_line(&gone.headline)
        ));
        Some(Effect::SaveState)
    }

    /// Enter in the `'` popup: goes to the chosen bookmark's entry.
    pub(super) fn go_to_bookmark(&mut self, mark: usize) {
        let Some(b) = self.bookmarks.get(mark) else {
            return;
        };
        match self.timeline.get(&b.id) {
            Some(idx) => {
                self.popup = None;
                self.jump(idx);
            }
            None => self.complain(format!(
                "no longer in the archive: {} (Delete removes the bookmark)",
                text::one_line(&b.headline)
            )),
        }
    }

    /// What is kept of this session for the next: the place, the
    /// bookmarks and the entries read.
    pub fn to_state(&self) -> State {
        let mut visited: Vec<String> = self.visited.iter().cloned().collect();
        visited.sort();
        State {
            roots: Vec::new(),
            place: self.current_event().map(|e| Place {
                id: e.id.clone(),
                focus: focus_name(self.focus).into(),
                since: self.filter.since,
                until: self.filter.until,
                tags: self.filter.tags.clone(),
                scroll: if self.focus == Focus::Links {
                    self.detail_scroll
                } else {
                    0
                },
            }),
            bookmarks: self.bookmarks.clone(),
            visited,
        }
    }

    /// Takes up the bookmarks and read entries as they were just saved,
    /// with what other browsers on the same archive added or removed.
    pub fn take_saved(&mut self, saved: State) {
        self.bookmarks = saved.bookmarks;
        self.follow_bookmarks();
        self.visited = saved.visited.into_iter().collect();
        // The `'` popup lists bookmarks by their place: list them again.
        if let Some(Popup::Bookmarks {
            input,
            matches,
            selected,
            ..
        }) = &mut self.popup
        {
            *matches = match_marks(&self.bookmarks, input);
            *selected = (*selected).min(matches.len().saturating_sub(1));
        }
    }

    /// Takes up a saved session: the bookmarks, the entries read, and the
    /// place when its entry is still there; a new archive (or a place that
    /// is gone) opens on the newest day.
    pub fn restore_state(&mut self, state: State) {
        self.bookmarks = state.bookmarks;
        self.follow_bookmarks();
        self.visited = state.visited.into_iter().collect();
        let place = state
            .place
            .and_then(|p| Some((self.timeline.get(&p.id)?, p)));
        let Some((idx, p)) = place else {
            self.open_on_newest_day();
            return;
        };
        let filter = crate::filter::Filter {
            since: p.since,
            until: p.until,
            tags: p
                .tags
                .into_iter()
                .filter(|t| self.tags.iter().any(|c| crate::filter::same_tag(&c.tag, t)))
                .collect(),
            kinds: Vec::new(),
        };
        if !filter.is_empty() {
            self.set_filter(filter);
        }
        self.focus = match p.focus.as_str() {
            "events" => Focus::Events,
            "detail" => Focus::Links,
            _ => Focus::Dates,
        };
        self.show(idx);
        self.detail_scroll = p.scroll;
        self.pick_link = false;
        self.link = None;
        self.message = None;
    }

    /// Selects the newest dated day with an event or article (a day of
    /// ghosts alone, known only from links, is not a place to start),
    /// else the newest dated day, else the last day.
    pub fn open_on_newest_day(&mut self) {
        let tl = &self.timeline;
        let days = &self.view.days;
        let newest = days
            .iter()
            .rposition(|&d| tl.days[d].date.is_some() && !tl.days[d].only_ghosts())
            .or_else(|| days.iter().rposition(|&d| tl.days[d].date.is_some()))
            .or(days.len().checked_sub(1));
        if let Some(pos) = newest
            && let Some(&first) = self.view.events(tl, pos, &self.filter).first()
        {
            self.show(first);
        }
    }

    /// `y`: the chosen source's address, else the entry's date and
    /// headline, for the clipboard.
    pub(super) fn copy(&mut self) -> Option<Effect> {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected to copy");
            return None;
        };
        let chosen = match (
            self.focus,
            self.link.and_then(|l| self.links().get(l).copied()),
        ) {
            (Focus::Links, Some(Link::Source(i))) => Some(i),
            _ => None,
        };
        let (text, what) = match chosen {
            Some(i) => {
                let url = text::one_line(e.sources[i].url());
                (url.clone(), url)
            }
            None => {
                let t = format!("{} {}", date_label(e.date), text::one_line(&e.headline));
                (t, "the date and headline".to_string())
            }
        };
        Some(Effect::Copy { text, what })
    }

    /// `e`: the entry's file, for the editor.
    pub(super) fn edit(&mut self) -> Option<Effect> {
        if self.timeline.origin != crate::model::Origin::Disk {
            self.complain("the built-in sample has no files to edit");
            return None;
        }
        let Some(e) = self.current_event() else {
            self.complain("nothing selected to edit");
            return None;
        };
        match &e.file {
            Some(f) => Some(Effect::Edit(f.into())),
            None => {
                self.complain("a ghost has no file to edit (it is known only from links)");
                None
            }
        }
    }
}

//! The popups' state and transitions: fuzzy search over headlines (matched
//! off the UI thread, see `event_loop.rs`), the tag picker, "go to date"
//! and help. Like `app.rs`, no I/O happens here.

use chrono::NaiveDate;
use ratatui::layout::Position;

use super::action::{Action, Effect};
use super::app::App;
use super::keymap::PopupKind;
use crate::search::{self, Found, Hit};

/// Characters kept in a popup's input line; more typed or pasted are
/// dropped (the search uses only the first words anyway).
pub const MAX_INPUT_CHARS: usize = 1000;

/// Characters of a tag that reach the fuzzy matcher, whose memory grows
/// with query × text length; a tag is rarely longer than a few words.
pub const MATCH_TAG_CHARS: usize = 200;

/// How many search results the popup asks for.
pub const SEARCH_LIMIT: usize = 200;

/// The search query and its results; they outlive the popup so that `n`
/// and `N` can step through them.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    /// Bumped for every new query; results of older ones are dropped.
    pub generation: u64,
    pub hits: Vec<Hit>,
    /// How many headlines matched in all, and how many of them exactly.
    pub total: usize,
    pub exact: usize,
    /// The result chosen in the popup.
    pub selected: usize,
    /// A query is out and its results have not come back yet.
    pub pending: bool,
    /// The result last opened, for `n` / `N`.
    pub cursor: Option<usize>,
    /// Enter was pressed while the results were out of date: go to the
    /// first of the fresh ones when they come.
    pub enter_pending: bool,
    /// The popup was reopened on the last query: the first character typed
    /// starts a new one (Backspace edits the old one instead).
    pub fresh: bool,
    /// Headlines, or headlines and bodies.
    pub kind: search::Kind,
    /// A full-text answer came back (the word index is built).
    pub words_ready: bool,
    /// Full text: the folded query words, to mark in snippets.
    pub terms: Vec<String>,
    /// The filter the last query ran under.
    pub filter: crate::filter::Filter,
}

impl SearchState {
    /// Takes a worker's results if they answer the latest query; true
    /// when they did.
    pub fn results(&mut self, generation: u64, found: Found) -> bool {
        if generation != self.generation {
            return false;
        }
        self.hits = found.hits;
        self.total = found.total;
        self.exact = found.exact;
        self.words_ready |= self.kind == search::Kind::FullText;
        self.terms = found.terms;
        self.selected = 0;
        self.pending = false;
        self.cursor = None;
        true
    }

    /// Forgets the results (they point into a timeline that is gone).
    pub fn clear(&mut self) {
        self.hits.clear();
        self.total = 0;
        self.exact = 0;
        self.selected = 0;
    }

    /// The query changed (or the timeline it ran on): a new generation,
    /// and an effect to run it.
    pub fn changed(&mut self, filter: &crate::filter::Filter) -> Option<Effect> {
        self.generation += 1;
        self.cursor = None;
        self.filter = filter.clone();
        self.enter_pending = false;
        if self.query.trim().is_empty() {
            self.clear();
            self.pending = false;
            return None;
        }
        self.pending = true;
        Some(Effect::Search {
            generation: self.generation,
            query: self.query.clone(),
            kind: self.kind,
            filter: filter.clone(),
        })
    }
}

/// A change to a popup's input line.
#[derive(Debug, Clone, Copy)]
enum Edit<'a> {
    Push(char),
    /// Pasted text: line breaks and tabs become spaces.
    Paste(&'a str),
    Char,
    Word,
    All,
}

/// A tag that matches the picker's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMatch {
    /// Index into `App::tags`.
    pub tag: usize,
    /// Char indices of the matched characters.
    pub positions: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Search {
        offset: usize,
    },
    Tags {
        input: String,
        matches: Vec<TagMatch>,
        selected: usize,
        offset: usize,
    },
    Goto {
        input: String,
        error: Option<String>,
    },
    Help {
        scroll: usize,
    },
    /// The `'` list (see `marks.rs`).
    Bookmarks {
        input: String,
        matches: Vec<super::marks::MarkMatch>,
        selected: usize,
        offset: usize,
    },
}

impl Popup {
    pub fn kind(&self) -> PopupKind {
        match self {
            Popup::Search { .. } => PopupKind::Search,
            Popup::Tags { .. } => PopupKind::Tags,
            Popup::Goto { .. } => PopupKind::Goto,
            Popup::Help { .. } => PopupKind::Help,
            Popup::Bookmarks { .. } => PopupKind::Bookmarks,
        }
    }

    /// Records the first row the last draw showed.
    pub fn set_offset(&mut self, to: usize) {
        match self {
            Popup::Search { offset }
            | Popup::Tags { offset, .. }
            | Popup::Bookmarks { offset, .. } => *offset = to,
            Popup::Help { scroll } => *scroll = to,
            Popup::Goto { .. } => {}
        }
    }
}

/// The tags matching `input`, best first; all of them for no input.
pub fn match_tags(tags: &[crate::model::TagCount], input: &str) -> Vec<TagMatch> {
    let input = input.trim();
    if input.is_empty() {
        return (0..tags.len())
            .map(|tag| TagMatch {
                tag,
                positions: Vec::new(),
            })
            .collect();
    }
    let mut scored = search::fuzzy_scores(
        tags.iter()
            .map(|t| crate::text::prefix_chars(&t.tag, MATCH_TAG_CHARS)),
        input,
    );
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
        .into_iter()
        .map(|(tag, _, positions)| TagMatch { tag, positions })
        .collect()
}

/// Reads `2017`, `2017-06` or `2017-06-08` as the first day it names,
/// as `--since` does (and saying the same of a bad date).
pub fn parse_goto(input: &str) -> Result<NaiveDate, String> {
    crate::filter::parse_date(input, crate::filter::End::Start)
}

impl App {
    pub(super) fn open_popup(&mut self, kind: PopupKind) {
        self.popup = Some(match kind {
            PopupKind::Search => {
                self.search.selected = self.search.cursor.unwrap_or(0);
                self.search.fresh = !self.search.query.is_empty();
                Popup::Search { offset: 0 }
            }
            PopupKind::Tags => {
                // Counted under the filter: what choosing a tag would leave.
                let filter = &self.filter;
                self.tags = self.timeline.tag_counts_where(|e| filter.accepts(e));
                let selected = self
                    .filter
                    .tags
                    .last()
                    .and_then(|f| self.tags.iter().position(|t| &t.tag == f))
                    .unwrap_or(0);
                Popup::Tags {
                    input: String::new(),
                    matches: match_tags(&self.tags, ""),
                    selected,
                    offset: 0,
                }
            }
            PopupKind::Goto => Popup::Goto {
                input: String::new(),
                error: None,
            },
            PopupKind::Help => Popup::Help { scroll: 0 },
            PopupKind::Bookmarks => self.bookmarks_popup(),
        });
    }

    fn popup_list_len(&self) -> usize {
        match &self.popup {
            Some(Popup::Search { .. }) => self.search.hits.len(),
            Some(Popup::Tags { matches, .. }) => matches.len(),
            Some(Popup::Bookmarks { matches, .. }) => matches.len(),
            _ => 0,
        }
    }

    fn popup_selected(&mut self) -> Option<&mut usize> {
        match &mut self.popup {
            Some(Popup::Search { .. }) => Some(&mut self.search.selected),
            Some(Popup::Tags { selected, .. }) | Some(Popup::Bookmarks { selected, .. }) => {
                Some(selected)
            }
            _ => None,
        }
    }

    fn popup_move(&mut self, delta: isize) {
        let n = self.popup_list_len();
        if let Some(Popup::Help { scroll }) = &mut self.popup {
            *scroll = scroll.saturating_add_signed(delta);
            return;
        }
        if let Some(sel) = self.popup_selected() {
            *sel = if n == 0 {
                0
            } else {
                sel.saturating_add_signed(delta).min(n - 1)
            };
        }
    }

    pub(super) fn update_popup(&mut self, action: Action) -> Option<Effect> {
        let page = (self.areas.popup_list.height as isize - 1).max(1);
        match action {
            Action::Escape => self.popup = None,
            Action::Up => self.popup_move(-1),
            Action::Down => self.popup_move(1),
            Action::PageUp => self.popup_move(-page),
            Action::PageDown => self.popup_move(page),
            Action::Home => self.popup_move(isize::MIN / 2),
            Action::End => self.popup_move(isize::MAX / 2),
            // In the bookmarks list, `d` removes until a filter is typed.
            Action::Input('d') if matches!(&self.popup, Some(Popup::Bookmarks { input, .. }) if input.is_empty()) =>
            {
                return self.remove_chosen_bookmark();
            }
            Action::Input(c) => return self.popup_input(Edit::Push(c)),
            Action::Paste(text) => return self.popup_input(Edit::Paste(&text)),
            Action::DeleteChar => return self.popup_input(Edit::Char),
            Action::DeleteWord => return self.popup_input(Edit::Word),
            Action::ClearInput => return self.popup_input(Edit::All),
            Action::Activate => self.popup_activate(),
            Action::RemoveBookmark => return self.remove_chosen_bookmark(),
            Action::ToggleSearchMode if matches!(self.popup, Some(Popup::Search { .. })) => {
                self.search.kind = match self.search.kind {
                    search::Kind::Headline => search::Kind::FullText,
                    search::Kind::FullText => search::Kind::Headline,
                };
                self.search.selected = 0;
                return self.search.changed(&self.filter);
            }
            Action::Click { x, y } => {
                let list = self.areas.popup_list;
                if list.contains(Position::new(x, y)) {
                    let row = self.areas.popup_offset + (y - list.y) as usize;
                    if row < self.popup_list_len()
                        && let Some(sel) = self.popup_selected()
                    {
                        *sel = row;
                    }
                }
            }
            Action::Scroll { down, .. } => self.popup_move(if down { 1 } else { -1 }),
            _ => {}
        }
        None
    }

    fn popup_input(&mut self, how: Edit) -> Option<Effect> {
        let edit = |s: &mut String| match how {
            Edit::Push(c) if !c.is_control() && s.chars().count() < MAX_INPUT_CHARS => s.push(c),
            Edit::Push(_) => {}
            Edit::Paste(text) => {
                let room = MAX_INPUT_CHARS.saturating_sub(s.chars().count());
                let clean = text
                    .chars()
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .filter(|c| !c.is_control())
                    .take(room);
                s.extend(clean);
            }
            Edit::Char => {
                s.pop();
            }
            Edit::Word => {
                let kept = s.trim_end().rfind(char::is_whitespace).map_or(0, |i| i + 1);
                s.truncate(kept);
            }
            Edit::All => s.clear(),
        };
        match &mut self.popup {
            Some(Popup::Search { offset }) => {
                *offset = 0;
                if std::mem::take(&mut self.search.fresh)
                    && matches!(how, Edit::Push(_) | Edit::Paste(_))
                {
                    self.search.query.clear();
                }
                edit(&mut self.search.query);
                self.search.selected = 0;
                return self.search.changed(&self.filter);
            }
            Some(Popup::Tags {
                input,
                matches,
                selected,
                offset,
            }) => {
                edit(input);
                *matches = match_tags(&self.tags, input);
                *selected = 0;
                *offset = 0;
            }
            Some(Popup::Goto { input, error }) => {
                edit(input);
                *error = None;
            }
            Some(Popup::Bookmarks {
                input,
                matches,
                selected,
                offset,
            }) => {
                edit(input);
                *matches = super::marks::match_marks(&self.bookmarks, input);
                *selected = 0;
                *offset = 0;
            }
            _ => {}
        }
        None
    }

    pub(super) fn popup_activate(&mut self) {
        match self.popup.clone() {
            Some(Popup::Search { .. }) if self.search.pending => {
                self.search.enter_pending = true;
            }
            Some(Popup::Search { .. }) => {
                let sel = self.search.selected;
                if let Some(hit) = self.search.hits.get(sel) {
                    let to = hit.idx;
                    self.search.cursor = Some(sel);
                    self.popup = None;
                    self.jump(to);
                }
            }
            Some(Popup::Tags {
                matches, selected, ..
            }) => {
                if let Some(m) = matches.get(selected) {
                    // Another tag narrows further; a tag already in the
                    // filter leaves it.
                    let tag = self.tags[m.tag].tag.clone();
                    self.popup = None;
                    let mut filter = self.filter.clone();
                    let had = filter.tags.len();
                    filter.tags.retain(|t| *t != tag);
                    let note = if filter.tags.len() == had {
                        filter.tags.push(tag.clone());
                        format!("showing entries tagged {}", filter.tags.join(" + "))
                    } else {
                        format!("tag {tag} left the filter")
                    };
                    self.set_filter(filter);
                    self.say(&note);
                }
            }
            Some(Popup::Goto { input, .. }) if input.contains("..") => {
                match crate::filter::parse_range(&input) {
                    Ok((since, until)) => {
                        self.popup = None;
                        let filter = crate::filter::Filter {
                            since,
                            until,
                            ..self.filter.clone()
                        };
                        let shown = filter.describe();
                        self.set_filter(filter);
                        if self.view.days.is_empty() {
                            self.say(format!("nothing in {shown}; Esc clears the filter"));
                        } else {
                            self.say(format!("showing {shown}"));
                        }
                    }
                    Err(e) => {
                        if let Some(Popup::Goto { error, .. }) = &mut self.popup {
                            *error = Some(e);
                        }
                    }
                }
            }
            Some(Popup::Goto { input, .. }) => match self.goto(&input) {
                Ok(()) => self.popup = None,
                Err(e) => {
                    if let Some(Popup::Goto { error, .. }) = &mut self.popup {
                        *error = Some(e);
                    }
                }
            },
            Some(Popup::Help { .. }) => self.popup = None,
            Some(Popup::Bookmarks {
                matches, selected, ..
            }) => {
                if let Some(m) = matches.get(selected) {
                    self.go_to_bookmark(m.mark);
                }
            }
            None => {}
        }
    }

    /// The first day on or after the date; after the last day, the last
    /// one, and the status bar says so.
    fn goto(&mut self, input: &str) -> Result<(), String> {
        let date = parse_goto(input)?;
        let tl = &self.timeline;
        let dated = |&d: &usize| tl.days[d].date;
        let (pos, note) = match self.view.days.iter().position(|d| dated(d) >= Some(date)) {
            Some(pos) => (pos, None),
            None => {
                let last = self
                    .view
                    .days
                    .iter()
                    .rposition(|d| dated(d).is_some())
                    .ok_or("no dated day to go to")?;
                (last, Some(format!("{date} is after the last day")))
            }
        };
        let to = self.view.events(tl, pos, &self.filter)[0];
        self.jump(to);
        if let Some(text) = note {
            self.message = Some(super::app::Message { text, error: false });
        }
        Ok(())
    }

    /// `n` / `N`: the next or previous search result, without the popup.
    pub(super) fn step_result(&mut self, next: bool) {
        let n = self.search.hits.len();
        if n == 0 {
            self.message = Some(super::app::Message {
                text: "no search results: press / to search".into(),
                error: true,
            });
            return;
        }
        // Results the filter hides (it changed since the search) are
        // passed over, so that stepping keeps to the filter.
        let vis: Vec<bool> = self
            .search
            .hits
            .iter()
            .map(|h| crate::tui::view::visible(&self.timeline, h.idx, &self.filter))
            .collect();
        let shown = |i: usize| vis[i];
        let order: Vec<usize> = match (self.search.cursor, next) {
            (None, true) => (0..n).collect(),
            (None, false) => (0..n).rev().collect(),
            (Some(c), true) => (1..=n).map(|k| (c + k) % n).collect(),
            (Some(c), false) => (1..=n).map(|k| (c + n - k) % n).collect(),
        };
        let Some(at) = order.into_iter().find(|&i| shown(i)) else {
            self.message = Some(super::app::Message {
                text: "the filter hides every search result: Esc clears it".into(),
                error: true,
            });
            return;
        };
        self.search.cursor = Some(at);
        self.search.selected = at;
        let to = self.search.hits[at].idx;
        self.jump(to);
        let visible = (0..n).filter(|&i| shown(i)).count();
        let text = if visible == n {
            format!("result {} of {}", at + 1, n)
        } else {
            let nth = (0..at).filter(|&i| shown(i)).count() + 1;
            format!("result {nth} of the {visible} the filter shows ({n} in all)")
        };
        self.message = Some(super::app::Message { text, error: false });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_start_of_a_huge_tag_is_matched() {
        let tags = vec![
            crate::model::TagCount {
                tag: format!("{}zebra", "x".repeat(100_000)),
                count: 1,
            },
            crate::model::TagCount {
                tag: "zebra crossing".into(),
                count: 1,
            },
        ];
        let found = match_tags(&tags, "zebra");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tag, 1);
        let found = match_tags(&tags, "xx");
        assert!(found[0].positions.iter().all(|&p| p < MATCH_TAG_CHARS));
    }

    #[test]
    fn goto_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_goto("2017"), Ok(d(2017, 1, 1)));
        assert_eq!(parse_goto(" 2017-06 "), Ok(d(2017, 6, 1)));
        assert_eq!(parse_goto("2017-6-8"), Ok(d(2017, 6, 8)));
        assert!(parse_goto("2017-13").is_err());
        assert!(parse_goto("2017-02-30").is_err());
        assert!(parse_goto("june").is_err());
        assert!(parse_goto("").is_err());
        assert_eq!(
            parse_goto("2017-13"),
            crate::filter::parse_date("2017-13", crate::filter::End::Start)
        );
    }
}

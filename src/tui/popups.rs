//! The popups as components: fuzzy search over headlines (matched off the
//! UI thread, see `event_loop.rs`), the tag picker, "go to date", help and
//! the bookmarks. Each takes the actions meant for it in one
//! [`Popup::update`] and answers with an [`Outcome`], what the browser is
//! to do about it (jump, filter, close); the popups know nothing of the
//! browser beyond the few lists they are shown ([`Ctx`]). No I/O happens
//! here.

use chrono::NaiveDate;
use ratatui::layout::{Position, Rect};

use super::action::{Action, Effect};
use super::keymap::PopupKind;
use super::picker::{self, Edit, Match, Order, Picker};
use crate::filter::Filter;
use crate::model::{EventIdx, TagCount};
use crate::search::{self, Found, Hit};
use crate::state::Bookmark;

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
    pub filter: Filter,
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
    pub fn changed(&mut self, filter: &Filter) -> Option<Effect> {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Search {
        offset: usize,
    },
    /// Matches index the browser's tags.
    Tags(Picker),
    Goto {
        input: String,
        error: Option<String>,
    },
    Help {
        scroll: usize,
    },
    /// The `'` list (see `marks.rs`); matches index the bookmarks.
    Bookmarks(Picker),
    /// The prompt of a find in the entry (`f`).
    Find {
        input: String,
    },
}

/// What the browser is to do after a popup took an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more: the popup took the action, or had no use for it.
    Stay,
    /// Close the popup.
    Close,
    /// The search's query or mode changed: run it.
    Search,
    /// Close the popup and go to this entry (a search result).
    Jump(EventIdx),
    /// Close the popup and find this text in the entry.
    Find(String),
    /// Close the popup and add this tag (an index into the tags) to the
    /// filter, or take it out if it is in.
    ToggleTag(usize),
    /// Go to the first day on or after this date; a failure is told back
    /// with [`Popup::fail`].
    GotoDate(NaiveDate),
    /// Close the popup and show only this range of dates.
    Range(Option<NaiveDate>, Option<NaiveDate>),
    /// Go to this bookmark (an index into the bookmarks).
    Bookmark(usize),
    /// Remove this bookmark.
    RemoveBookmark(usize),
}

/// What a popup is shown of the browser while it takes an action.
pub struct Ctx<'a> {
    /// The search, which outlives its popup (`n` and `N` step through it).
    pub search: &'a mut SearchState,
    pub tags: &'a [TagCount],
    pub bookmarks: &'a [Bookmark],
    /// The popup's list on the last frame (its height makes a page).
    pub list: Rect,
    /// The list's first row on the last frame.
    pub list_offset: usize,
}

impl Popup {
    /// A popup as it opens; the tag and bookmark pickers are made by the
    /// browser, which knows what they list.
    pub fn new(kind: PopupKind, search: &mut SearchState) -> Option<Popup> {
        match kind {
            PopupKind::Search => {
                search.selected = search.cursor.unwrap_or(0);
                search.fresh = !search.query.is_empty();
                Some(Popup::Search { offset: 0 })
            }
            PopupKind::Goto => Some(Popup::Goto {
                input: String::new(),
                error: None,
            }),
            PopupKind::Help => Some(Popup::Help { scroll: 0 }),
            PopupKind::Find => Some(Popup::Find {
                input: String::new(),
            }),
            PopupKind::Tags | PopupKind::Bookmarks => None,
        }
    }

    pub fn kind(&self) -> PopupKind {
        match self {
            Popup::Search { .. } => PopupKind::Search,
            Popup::Tags(_) => PopupKind::Tags,
            Popup::Goto { .. } => PopupKind::Goto,
            Popup::Help { .. } => PopupKind::Help,
            Popup::Bookmarks(_) => PopupKind::Bookmarks,
            Popup::Find { .. } => PopupKind::Find,
        }
    }

    /// Records the first row the last draw showed.
    pub fn set_offset(&mut self, to: usize) {
        match self {
            Popup::Search { offset } => *offset = to,
            Popup::Tags(p) | Popup::Bookmarks(p) => p.offset = to,
            Popup::Help { scroll } => *scroll = to,
            Popup::Goto { .. } | Popup::Find { .. } => {}
        }
    }

    /// Tells "go to date" why its date could not be gone to.
    pub fn fail(&mut self, why: String) {
        if let Popup::Goto { error, .. } = self {
            *error = Some(why);
        }
    }

    /// Takes an action meant for the popup.
    pub fn update(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let page = (ctx.list.height as isize - 1).max(1);
        match action {
            Action::Escape => return Outcome::Close,
            Action::Up => self.move_by(-1, ctx),
            Action::Down => self.move_by(1, ctx),
            Action::PageUp => self.move_by(-page, ctx),
            Action::PageDown => self.move_by(page, ctx),
            Action::Home => self.move_by(isize::MIN / 2, ctx),
            Action::End => self.move_by(isize::MAX / 2, ctx),
            Action::Scroll { down, .. } => self.move_by(if down { 1 } else { -1 }, ctx),
            // In the bookmarks list, `d` removes until a filter is typed.
            Action::Input('d') if matches!(self, Popup::Bookmarks(p) if p.input.is_empty()) => {
                return self.remove_chosen();
            }
            Action::Input(c) => return self.edit(Edit::Push(c), ctx),
            Action::Paste(text) => return self.edit(Edit::Paste(&text), ctx),
            Action::DeleteChar => return self.edit(Edit::Char, ctx),
            Action::DeleteWord => return self.edit(Edit::Word, ctx),
            Action::ClearInput => return self.edit(Edit::All, ctx),
            Action::Activate => return self.activate(ctx),
            Action::RemoveBookmark => return self.remove_chosen(),
            Action::ToggleSearchMode if matches!(self, Popup::Search { .. }) => {
                ctx.search.kind = match ctx.search.kind {
                    search::Kind::Headline => search::Kind::FullText,
                    search::Kind::FullText => search::Kind::Headline,
                };
                ctx.search.selected = 0;
                return Outcome::Search;
            }
            Action::Click { x, y } if ctx.list.contains(Position::new(x, y)) => {
                let row = ctx.list_offset + (y - ctx.list.y) as usize;
                match self {
                    Popup::Search { .. } if row < ctx.search.hits.len() => {
                        ctx.search.selected = row;
                    }
                    Popup::Tags(p) | Popup::Bookmarks(p) if row < p.matches.len() => {
                        p.selected = row;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn move_by(&mut self, delta: isize, ctx: &mut Ctx) {
        match self {
            Popup::Help { scroll } => *scroll = scroll.saturating_add_signed(delta),
            Popup::Search { .. } => {
                let s = &mut *ctx.search;
                s.selected = picker::step(s.selected, delta, s.hits.len());
            }
            Popup::Tags(p) | Popup::Bookmarks(p) => p.move_by(delta),
            Popup::Goto { .. } | Popup::Find { .. } => {}
        }
    }

    fn edit(&mut self, how: Edit, ctx: &mut Ctx) -> Outcome {
        match self {
            Popup::Search { offset } => {
                *offset = 0;
                let s = &mut *ctx.search;
                if std::mem::take(&mut s.fresh) && how.adds() {
                    s.query.clear();
                }
                how.apply(&mut s.query);
                s.selected = 0;
                return Outcome::Search;
            }
            Popup::Tags(p) => p.edit(how, |input| match_tags(ctx.tags, input)),
            Popup::Bookmarks(p) => {
                p.edit(how, |input| super::marks::match_marks(ctx.bookmarks, input));
            }
            Popup::Goto { input, error } => {
                how.apply(input);
                *error = None;
            }
            Popup::Find { input } => how.apply(input),
            Popup::Help { .. } => {}
        }
        Outcome::Stay
    }

    fn activate(&mut self, ctx: &mut Ctx) -> Outcome {
        match self {
            Popup::Search { .. } if ctx.search.pending => {
                ctx.search.enter_pending = true;
                Outcome::Stay
            }
            Popup::Search { .. } => {
                let s = &mut *ctx.search;
                match s.hits.get(s.selected) {
                    Some(hit) => {
                        s.cursor = Some(s.selected);
                        Outcome::Jump(hit.idx)
                    }
                    None => Outcome::Stay,
                }
            }
            Popup::Tags(p) => p.chosen().map_or(Outcome::Stay, Outcome::ToggleTag),
            Popup::Goto { input, error } => {
                let went = if input.contains("..") {
                    crate::filter::parse_range(input).map(|(s, u)| Outcome::Range(s, u))
                } else {
                    parse_goto(input).map(Outcome::GotoDate)
                };
                went.unwrap_or_else(|e| {
                    *error = Some(e);
                    Outcome::Stay
                })
            }
            Popup::Help { .. } => Outcome::Close,
            Popup::Bookmarks(p) => p.chosen().map_or(Outcome::Stay, Outcome::Bookmark),
            Popup::Find { input } if input.trim().is_empty() => Outcome::Close,
            Popup::Find { input } => Outcome::Find(input.clone()),
        }
    }

    fn remove_chosen(&self) -> Outcome {
        match self {
            Popup::Bookmarks(p) => p.chosen().map_or(Outcome::Stay, Outcome::RemoveBookmark),
            _ => Outcome::Stay,
        }
    }
}

/// The tags matching `input`, best first; all of them for no input.
///
/// Tags in which every word typed begins a word ("migrant" in "Migrant
/// worker" and in "European migrant crisis") match equally well, whatever
/// the fuzzy score says of where: they come first, the most used first;
/// then the other matches, best first.
pub fn match_tags(tags: &[TagCount], input: &str) -> Vec<Match> {
    let texts = tags
        .iter()
        .map(|t| crate::text::prefix_chars(&t.tag, MATCH_TAG_CHARS));
    let mut found = picker::fuzzy(tags.len(), texts, input, Order::Earlier);
    let typed: Vec<String> = input.split_whitespace().map(str::to_lowercase).collect();
    if !typed.is_empty() {
        let whole = |m: &Match| {
            let tag = crate::text::prefix_chars(&tags[m.item].tag, MATCH_TAG_CHARS).to_lowercase();
            let words: Vec<&str> = tag.split(|c: char| !c.is_alphanumeric()).collect();
            typed
                .iter()
                .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
        };
        // Stable: the fuzzy order stays within each group.
        found.sort_by_key(|m| {
            let whole = whole(m);
            (
                !whole,
                std::cmp::Reverse(if whole { tags[m.item].count } else { 0 }),
            )
        });
    }
    found
}

/// Reads `2017`, `2017-06` or `2017-06-08` as the first day it names,
/// as `--since` does (and saying the same of a bad date).
pub fn parse_goto(input: &str) -> Result<NaiveDate, String> {
    crate::filter::parse_date(input, crate::filter::End::Start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_start_of_a_huge_tag_is_matched() {
        let tags = vec![
            TagCount {
                tag: format!("{}zebra", "x".repeat(100_000)),
                count: 1,
            },
            TagCount {
                tag: "zebra crossing".into(),
                count: 1,
            },
        ];
        let found = match_tags(&tags, "zebra");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].item, 1);
        let found = match_tags(&tags, "xx");
        assert!(found[0].positions.iter().all(|&p| p < MATCH_TAG_CHARS));
    }

    #[test]
    fn tags_holding_the_words_typed_rank_by_how_often_they_are_used() {
        let tag = |t: &str, count| TagCount {
            tag: t.into(),
            count,
        };
        let tags = vec![
            tag("European migrant crisis", 36),
            tag("Migrant worker", 2),
            tag("Emigration", 40),
            tag("Migration policy", 5),
        ];
        let names: Vec<&str> = match_tags(&tags, "migrant")
            .iter()
            .map(|m| tags[m.item].tag.as_str())
            .collect();
        assert_eq!(names[..2], ["European migrant crisis", "Migrant worker"]);
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

//! The browser's state and its transitions. `App::update` takes an
//! [`Action`] and changes the state; it performs no I/O and returns at most
//! one [`Effect`] for the event loop to carry out. Main-view navigation,
//! bookmarks (`m`, the `'` list), the place and read entries saved between
//! runs (to and from [`crate::state::State`]), where a new archive opens and
//! the hand-offs that become effects (`y` copies, `e` edits) live here; the
//! popups are components of their own (`popups.rs`), whose outcomes are
//! carried out here.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::Datelike;
use ratatui::layout::Position;

use super::action::{Action, Effect};
use super::body_cache::{BodyCache, BodyText};
use super::find::Find;
use super::geometry::Areas;
use super::keymap::{Focus, Keymap, Mode, PopupKind};
use super::marks;
use super::nav::{Nav, Reveal};
use super::picker::Picker;
use super::popups::{self, Outcome, Popup, SearchState, match_tags};
use super::session::{Place, Session};
use super::similar::SimilarLinks;
use super::theme::Theme;
use super::view::{DateRow, View, visible};
use crate::filter::Filter;
use crate::model::{Event, EventIdx, TagCount, Timeline, date_label};
use crate::search::similar::SHOWN as SIMILAR_SHOWN;
use crate::state::{self, State};
use crate::text;

/// Columns of body text at most, however wide the detail pane: lines much
/// longer than this are hard to read. A field of [`App`], so that a
/// setting can change it.
pub const READING_WIDTH: u16 = 100;

/// A selectable line of the detail pane's link list, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `sources[i]`: Enter or `o` opens it in the web browser.
    Source(usize),
    /// `related[i]`: Enter follows it.
    Related(usize),
    /// `backlinks[i]`: Enter follows it.
    Backlink(usize),
    /// The `i`th entry of the Similar section ([`SimilarLinks`]): Enter
    /// follows it. Never chosen by entering the detail or by Enter alone:
    /// only Tab (or a click) reaches it.
    Similar(usize),
}

/// The links of an entry that are in its file (or lead to it), in the
/// order the detail pane shows them; [`App::links`] adds the Similar ones.
/// An entry that is both related and a backlink (linked both ways) is
/// listed once, under Related.
pub fn links_of(e: &Event) -> Vec<Link> {
    let both_ways = |b: usize| e.related.iter().any(|r| r.to == e.backlinks[b]);
    (0..e.sources.len())
        .map(Link::Source)
        .chain((0..e.related.len()).map(Link::Related))
        .chain(
            (0..e.backlinks.len())
                .filter(|&b| !both_ways(b))
                .map(Link::Backlink),
        )
        .collect()
}

/// What a link of `e` leads to, whichever timeline it is in: a source's
/// address, or the id of the entry a related link or backlink leads to.
fn link_target<'t>(t: &'t Timeline, e: &'t Event, link: Link) -> (u8, &'t str) {
    match link {
        Link::Source(i) => (0, e.sources[i].url()),
        Link::Related(i) => (1, &t.events[e.related[i].to].id),
        Link::Backlink(i) => (2, &t.events[e.backlinks[i]].id),
        // Not among `links_of`: never asked for.
        Link::Similar(_) => (3, ""),
    }
}

/// The place of link `link` of `old.events[from]` among the links of
/// `new.events[to]`, the same entry read again: found by what it leads
/// to, as lines may have been added or removed above it.
fn same_link(
    old: &Timeline,
    from: EventIdx,
    new: &Timeline,
    to: EventIdx,
    link: Option<usize>,
) -> Option<usize> {
    let (oe, ne) = (old.events.get(from)?, new.events.get(to)?);
    let want = link_target(old, oe, *links_of(oe).get(link?)?);
    links_of(ne)
        .into_iter()
        .position(|l| link_target(new, ne, l) == want)
}

/// The detail's links as the last frame showed them: each link's line
/// range, the first line shown and how many were.
struct Shown<'a> {
    lines: &'a [(usize, usize)],
    top: usize,
    height: usize,
}

impl Shown<'_> {
    /// True when some line of link `i` was on screen.
    fn on_screen(&self, i: usize) -> bool {
        self.lines
            .get(i)
            .is_some_and(|&(s, e)| e > self.top && s < self.top + self.height)
    }

    /// True when link `i` is on screen or below it (its last line is not
    /// above the top).
    fn on_screen_or_below(&self, i: usize) -> bool {
        self.lines.get(i).is_some_and(|&(_, e)| e > self.top)
    }
}

/// Queries read from a state file (untrusted): one line each, cleaned of
/// control characters, at most 500 characters, the last `MAX_QUERIES`.
fn clean_queries(mut queries: Vec<String>) -> Vec<String> {
    let over = queries.len().saturating_sub(crate::state::MAX_QUERIES);
    queries.drain(..over);
    queries
        .into_iter()
        .map(|q| text::prefix_chars(&text::one_line(&q), 500).to_string())
        .filter(|q| !q.is_empty())
        .collect()
}

/// What a count of unread entries was made for: the timeline (its
/// address), how many entries were read, and the filter.
type ReadKey = (usize, usize, Filter);

/// What [`App::read_counts`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCounts {
    /// Entries of the day not read yet.
    pub day_unread: usize,
    /// Entries under the filter not read yet.
    pub unread: usize,
    /// True once any entry is read (before, everything is unread and the
    /// counts say nothing).
    pub any_read: bool,
}

/// A short note in the status bar until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// The browser's state, by concern: where the reader is ([`Nav`]), what
/// is kept between sessions ([`Session`]), the status bar ([`Status`]),
/// the settings, and where things were on the last frame ([`Areas`]).
pub struct App {
    pub timeline: Arc<Timeline>,
    pub nav: Nav,
    pub session: Session,
    pub status: Status,
    pub settings: Settings,
    pub areas: Areas,
    pub popup: Option<Popup>,
    pub search: SearchState,
    /// The tags and how many entries carry each (under the filter while
    /// the tag picker is open).
    pub tags: Vec<TagCount>,
    /// The selected entry's body as last drawn; filled by the draw path.
    pub body_cache: RefCell<BodyCache>,
    /// The text of the entry shown, read by the loop before each frame.
    pub body_text: BodyText,
    /// The entries similar to the one shown, made by the loop before each
    /// frame once the word index is ready.
    pub similar: SimilarLinks,
    /// A find in the entry shown (`f`), if one is active.
    pub find: Option<Find>,
    /// The unread entries under the filter, counted for a timeline, a
    /// number of read entries and a filter (counting is a pass over the
    /// archive, not one for every frame).
    read_cache: RefCell<Option<(ReadKey, usize)>>,
    pub quit: bool,
}

/// What the user set: the look, the keys, the reading width.
pub struct Settings {
    pub theme: Theme,
    /// The keys in force (the defaults with the configuration's `[keys]`).
    pub keys: Keymap,
    /// The widest the detail's text gets, in columns ([`READING_WIDTH`]).
    pub reading_width: u16,
    /// The entries list shows long headlines on two lines (`w`).
    pub two_line_headlines: bool,
}

/// What the status bar tells besides the place.
#[derive(Debug, Default)]
pub struct Status {
    /// A note until the next key.
    pub message: Option<Message>,
    /// The timeline shown came from the index and the archive is being
    /// checked against it in the background (the status bar says so).
    pub checking: bool,
}

impl App {
    pub fn new(timeline: Arc<Timeline>, theme: Theme) -> App {
        let view = View::new(&timeline, &Filter::default());
        let tags = timeline.tag_counts();
        App {
            timeline,
            nav: Nav::new(view),
            session: Session::default(),
            status: Status::default(),
            settings: Settings {
                theme,
                keys: Keymap::default(),
                reading_width: READING_WIDTH,
                two_line_headlines: false,
            },
            areas: Areas::default(),
            popup: None,
            search: SearchState::default(),
            tags,
            body_cache: RefCell::default(),
            body_text: BodyText::default(),
            similar: SimilarLinks::default(),
            find: None,
            read_cache: RefCell::default(),
            quit: false,
        }
    }

    /// Where key presses go now.
    pub fn mode(&self) -> Mode {
        match &self.popup {
            Some(p) => Mode::Popup(p.kind()),
            None => Mode::Main(self.nav.focus),
        }
    }

    /// The entries of the list in view: the selected day's under the
    /// filter, or in the flat list (`L`) every one the filter keeps.
    pub fn day_events(&self) -> std::borrow::Cow<'_, [EventIdx]> {
        if self.nav.flat {
            return std::borrow::Cow::Borrowed(&self.nav.view.all);
        }
        std::borrow::Cow::Owned(self.nav.view.events(
            &self.timeline,
            self.nav.day,
            &self.nav.filter,
        ))
    }

    /// The selected entry (one shown outside the filter, else the one
    /// selected in the list in view).
    pub fn current(&self) -> Option<EventIdx> {
        if let Some(o) = self.nav.outside {
            return Some(o);
        }
        self.day_events().get(self.nav.event).copied()
    }

    pub fn current_event(&self) -> Option<&Event> {
        self.current().map(|i| &self.timeline.events[i])
    }

    /// The links of the entry shown, the Similar ones (once made) last.
    pub fn links(&self) -> Vec<Link> {
        self.current()
            .map(|i| self.links_of_entry(i))
            .unwrap_or_default()
    }

    /// The links of entry `i`, the Similar ones (once made) last.
    pub fn links_of_entry(&self, i: EventIdx) -> Vec<Link> {
        let mut links = links_of(&self.timeline.events[i]);
        let similar = self.similar.of(i).map_or(0, <[_]>::len);
        links.extend((0..similar).map(Link::Similar));
        links
    }

    /// The entry a link of the entry shown leads to (`None` for a source).
    pub fn link_entry(&self, link: Link) -> Option<EventIdx> {
        let i = self.current()?;
        let e = &self.timeline.events[i];
        match link {
            Link::Source(_) => None,
            Link::Related(r) => Some(e.related.get(r)?.to),
            Link::Backlink(b) => e.backlinks.get(b).copied(),
            Link::Similar(k) => Some(self.similar.of(i)?.get(k)?.idx),
        }
    }

    /// Where the detail's links were on the last frame, when that frame
    /// showed the current entry.
    ///
    /// The text's top line is the one asked for since ([`App::detail_scroll`]):
    /// keys that arrive together are taken before the next draw, and a
    /// link scrolled away by one of them must not be followed by the next.
    fn shown_links(&self) -> Option<Shown<'_>> {
        let a = &self.areas;
        (a.detail_entry.is_some() && a.detail_entry == self.current()).then_some(Shown {
            lines: &a.link_lines,
            top: self.nav.detail_scroll,
            height: a.detail.height as usize,
        })
    }

    /// The chosen link if it is in view (as far as the last frame tells).
    fn chosen_in_view(&self) -> Option<usize> {
        let shown = self.shown_links();
        self.nav
            .link
            .filter(|&l| shown.as_ref().is_none_or(|s| s.on_screen(l)))
    }

    /// The window changed size: the text is wrapped anew on the next draw,
    /// which brings the chosen link back into view if it left it.
    pub fn resized(&mut self) {
        if self.nav.focus == Focus::Links
            && self.nav.link.is_some()
            && self.nav.reveal_link == Reveal::Stay
        {
            self.nav.reveal_link = Reveal::Glimpse;
        }
    }

    /// The link chosen when the reader enters the detail or an entry opens
    /// in it: the first related link or backlink on screen (never a source,
    /// so that Enter Enter does not open a web browser by surprise). Before
    /// the entry was drawn, the first of them anywhere: the next draw drops
    /// it if it is out of view.
    fn initial_link(&self) -> Option<usize> {
        let shown = self.shown_links();
        self.first_entry_link(|i| shown.as_ref().is_none_or(|s| s.on_screen(i)))
    }

    /// The first related link or backlink (never a source) for which
    /// `fits` holds.
    fn first_entry_link(&self, fits: impl Fn(usize) -> bool) -> Option<usize> {
        let links = self.links();
        (0..links.len())
            .find(|&i| matches!(links[i], Link::Related(_) | Link::Backlink(_)) && fits(i))
    }

    /// Called after each draw with where things ended up. A chosen link
    /// that the frame did not show (scrolled away, or the window shrank)
    /// is let go. True when the frame needs drawing again: an entry just
    /// opened in the detail, whose links could only be seen on screen now
    /// (the panes change size when the reader enters the detail).
    pub fn after_draw(&mut self, areas: Areas) -> bool {
        self.nav.dates_offset = areas.dates_offset;
        self.nav.events_offset = areas.events_offset;
        self.nav.detail_scroll = areas.detail_scroll;
        if let Some(p) = &mut self.popup {
            p.set_offset(areas.popup_offset);
        }
        self.nav.reveal_link = Reveal::Stay;
        self.nav.recenter = false;
        self.areas = areas;
        let mut again = false;
        if self.nav.focus == Focus::Links && self.shown_links().is_some() {
            self.nav.link = self.areas.link_shown;
            if std::mem::take(&mut self.nav.pick_link) && self.nav.link.is_none() {
                self.nav.link = self.initial_link();
                again = self.nav.link.is_some();
            }
        }
        again
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.status.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(super) fn complain(&mut self, text: impl Into<String>) {
        self.status.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if let Action::SearchDone { generation, found } = action {
            if self.search.results(generation, found) && self.search.enter_pending {
                // Enter was pressed before these results came: act on it now.
                self.search.enter_pending = false;
                if matches!(self.popup, Some(Popup::Search { .. })) {
                    return self.update_popup(Action::Activate);
                }
            }
            return None;
        }
        match action {
            Action::Quit => {
                self.quit = true;
                return Some(Effect::Quit);
            }
            Action::Suspend => return Some(Effect::Suspend),
            Action::Redraw => return Some(Effect::Redraw),
            _ => {}
        }
        self.status.message = None;
        if self.popup.is_some() {
            return self.update_popup(action);
        }
        let before = (self.current(), self.nav.focus);
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.page(-1, 1),
            Action::PageDown => self.page(1, 1),
            Action::HalfPageUp => self.page(-1, 2),
            Action::HalfPageDown => self.page(1, 2),
            Action::Home => self.step(isize::MIN / 2),
            Action::End => self.step(isize::MAX / 2),
            Action::NextLink => self.next_link(true),
            Action::PrevLink => self.next_link(false),
            Action::FocusNext => self.set_focus(match self.nav.focus {
                Focus::Dates => Focus::Events,
                Focus::Events => Focus::Links,
                Focus::Links => Focus::Dates,
            }),
            Action::FocusPrev => self.set_focus(match self.nav.focus {
                Focus::Dates => Focus::Links,
                Focus::Events => Focus::Dates,
                Focus::Links => Focus::Events,
            }),
            Action::FocusRight => self.set_focus(match self.nav.focus {
                Focus::Dates => Focus::Events,
                Focus::Events | Focus::Links => Focus::Links,
            }),
            Action::FocusLeft => self.set_focus(match self.nav.focus {
                Focus::Links => Focus::Events,
                Focus::Events | Focus::Dates => Focus::Dates,
            }),
            Action::Activate => {
                let effect = self.activate();
                // Enter on an entry opens it in the detail: read.
                if self.nav.focus == Focus::Links {
                    self.mark_visited();
                }
                return effect;
            }
            Action::Back => self.back(),
            Action::Forward => self.forward(),
            Action::PrevDay => self.move_day(-1),
            Action::NextDay => self.move_day(1),
            Action::PrevMonth => self.move_month(false),
            Action::NextMonth => self.move_month(true),
            Action::OpenSearch => {
                self.open_popup(PopupKind::Search);
                // Results made under another filter are made again.
                if self.search.filter != self.nav.filter && !self.search.query.trim().is_empty() {
                    return self.search.changed(&self.nav.filter);
                }
            }
            Action::OpenTags => self.open_popup(PopupKind::Tags),
            Action::OpenGoto => self.open_popup(PopupKind::Goto),
            Action::OpenFind => match self.current() {
                Some(_) => self.open_popup(PopupKind::Find),
                None => self.complain("nothing to find in"),
            },
            Action::OpenHelp => self.open_popup(PopupKind::Help),
            Action::OpenSource => return self.open_source(),
            Action::Copy => return self.copy(),
            Action::Edit => return self.edit(),
            Action::ToggleBookmark => return self.toggle_bookmark(),
            Action::OpenBookmarks => self.open_popup(PopupKind::Bookmarks),
            Action::Reload => return Some(Effect::Reload),
            Action::NextEntry => self.step_entry(true),
            Action::PrevEntry => self.step_entry(false),
            Action::NextUnread => self.next_unread(),
            Action::ToggleFlat => self.toggle_flat(),
            Action::ToggleWrap => {
                let two = !self.settings.two_line_headlines;
                self.settings.two_line_headlines = two;
                self.nav.recenter = true;
                self.say(if two {
                    "headlines on two lines (w: one)"
                } else {
                    "headlines on one line (w: two)"
                });
            }
            Action::ToggleRead => self.toggle_read(),
            Action::Story => match self.current() {
                Some(i) => return Some(Effect::Story(i)),
                None => self.complain("nothing selected"),
            },
            Action::NextResult if self.finding() => self.step_find(true),
            Action::PrevResult if self.finding() => self.step_find(false),
            Action::NextResult => self.step_result(true),
            Action::PrevResult => self.step_result(false),
            Action::Escape => self.escape(),
            Action::Click { x, y } => self.click(x, y),
            Action::Scroll { x, y, down } => self.wheel(x, y, down),
            Action::Input(_)
            | Action::ToggleSearchMode
            | Action::Paste(_)
            | Action::DeleteChar
            | Action::DeleteWord
            | Action::ClearInput
            | Action::HistoryPrev
            | Action::HistoryNext
            | Action::RemoveBookmark => {}
            Action::Quit | Action::Suspend | Action::Redraw | Action::SearchDone { .. } => {
                unreachable!("handled above")
            }
        }
        // A find ends with its entry.
        if self
            .find
            .as_ref()
            .is_some_and(|f| Some(f.entry) != self.current())
        {
            self.find = None;
        }
        // An entry the detail comes to show is read (not one shown all
        // along: `U` makes it unread while it is read).
        if self.nav.focus == Focus::Links && before != (self.current(), Focus::Links) {
            self.mark_visited();
        }
        None
    }

    /// Counts the current entry as read.
    fn mark_visited(&mut self) {
        if let Some(e) = self.current_event()
            && !self.session.visited.contains(&e.id)
        {
            let id = e.id.clone();
            self.session.visited.insert(id);
        }
    }

    /// Moves the keyboard to another pane. Entering the detail keeps the
    /// text where it is (the headline, for an entry just chosen) and
    /// chooses a link only among those on screen; leaving it for a list
    /// puts the text back at its top.
    fn set_focus(&mut self, focus: Focus) {
        if focus == Focus::Links && self.nav.focus != Focus::Links {
            self.nav.link = self.initial_link();
            self.nav.pick_link = true;
        } else if focus != Focus::Links && self.nav.focus == Focus::Links {
            self.nav.link = None;
            self.nav.pick_link = false;
            self.nav.detail_scroll = 0;
        }
        self.nav.focus = focus;
    }

    /// Tab / Shift-Tab in the detail: the link after (before) the chosen
    /// one; with none chosen, the first (last) on screen, else the nearest
    /// below (above) it. The text scrolls only when that link is out of
    /// view, and then just enough to show it.
    fn next_link(&mut self, forward: bool) {
        let n = self.links().len();
        if n == 0 {
            self.say("this entry has no links");
            return;
        }
        let to = match (self.nav.link, self.shown_links()) {
            (Some(l), _) if forward => Some(l + 1).filter(|&t| t < n),
            (Some(l), _) => l.checked_sub(1),
            (None, Some(s)) if forward => (0..s.lines.len()).find(|&i| s.on_screen_or_below(i)),
            (None, Some(s)) => s.lines.iter().rposition(|&(l, _)| l < s.top + s.height),
            (None, None) => Some(if forward { 0 } else { n - 1 }),
        };
        match to {
            Some(t) => {
                self.nav.link = Some(t);
                self.nav.reveal_link = Reveal::Whole;
            }
            None if forward => self.say("no more links below"),
            None => self.say("no more links above"),
        }
    }

    /// Selects a day (a position in the view), its first entry, and resets
    /// the detail.
    fn select_day(&mut self, pos: usize) {
        if self.nav.view.days.is_empty() {
            return;
        }
        self.nav.day = pos.min(self.nav.view.days.len() - 1);
        let first = if self.nav.flat {
            self.nav.view.day_start[self.nav.day]
        } else {
            0
        };
        self.select_event(first);
    }

    fn select_event(&mut self, pos: usize) {
        self.nav.outside = None;
        let n = self.day_events().len();
        self.nav.event = pos.min(n.saturating_sub(1));
        if self.nav.flat {
            // The date list and the density strip follow the entry.
            self.nav.day = self.nav.view.day_at(self.nav.event);
        }
        self.open_detail();
    }

    /// The entry shown changed: the detail opens on its headline, and a
    /// link is chosen only when it is on screen.
    fn open_detail(&mut self) {
        // A new entry is shown from its headline; a link is chosen only
        // when it is on screen.
        self.nav.detail_scroll = 0;
        self.nav.reveal_link = Reveal::Stay;
        self.nav.pick_link = self.nav.focus == Focus::Links;
        self.nav.link = if self.nav.pick_link {
            self.initial_link()
        } else {
            None
        };
    }

    fn clamp_add(pos: usize, delta: isize, len: usize) -> usize {
        if len == 0 {
            return 0;
        }
        pos.saturating_add_signed(delta).min(len - 1)
    }

    /// Moves in the focused list by `delta` rows.
    fn step(&mut self, delta: isize) {
        match self.nav.focus {
            Focus::Dates => {
                let to = Self::clamp_add(self.nav.day, delta, self.nav.view.days.len());
                if to != self.nav.day {
                    self.select_day(to);
                }
            }
            Focus::Events => {
                let to = Self::clamp_add(self.nav.event, delta, self.day_events().len());
                if to != self.nav.event {
                    self.select_event(to);
                }
            }
            // The detail scrolls like a pager; Home and End reach its ends.
            Focus::Links => self.scroll_detail(delta),
        }
    }

    /// `J` / `K`: the next / previous entry of the list in view, on to
    /// the next (previous) day at the end of one. Read when the detail
    /// shows it.
    fn step_entry(&mut self, forward: bool) {
        let n = self.day_events().len();
        let e = self.nav.event;
        if forward && e + 1 < n {
            self.select_event(e + 1);
        } else if !forward && e > 0 {
            self.select_event(e - 1);
        } else {
            let day = self.nav.day;
            let to = if forward {
                Some(day + 1).filter(|&d| d < self.nav.view.days.len())
            } else {
                day.checked_sub(1)
            };
            let Some(to) = to else {
                self.say(if forward {
                    "the last entry of the list"
                } else {
                    "the first entry of the list"
                });
                return;
            };
            self.nav.day = to;
            let last = self.day_events().len().saturating_sub(1);
            self.select_event(if forward { 0 } else { last });
        }
        self.nav.recenter = true;
        if self.nav.focus == Focus::Links {
            self.mark_visited();
        }
    }

    /// `L`: the entries pane lists every entry the filter keeps, in
    /// timeline order, or again the selected day's; the entry selected
    /// stays selected, and the detail as it was.
    fn toggle_flat(&mut self) {
        self.nav.flat_for_story = false;
        let keep = self.current();
        let (scroll, link) = (self.nav.detail_scroll, self.nav.link);
        self.nav.flat = !self.nav.flat;
        if let Some(pos) = keep.and_then(|i| self.day_events().iter().position(|&x| x == i)) {
            self.nav.event = pos;
            if self.nav.flat {
                self.nav.day = self.nav.view.day_at(pos);
            }
        } else {
            self.select_day(self.nav.day);
        }
        (self.nav.detail_scroll, self.nav.link) = (scroll, link);
        self.nav.recenter = true;
        let n = self.nav.view.all.len();
        self.say(if self.nav.flat {
            match n {
                1 => "listing the 1 entry in view (L: one day at a time)".to_string(),
                n => format!(
                    "listing all {n} entries in view, in timeline order (L: one day at a time)"
                ),
            }
        } else {
            "listing one day at a time (L: everything in view)".to_string()
        });
    }

    /// `u`: the next entry not read yet (not a ghost), after the one
    /// selected in the list in view, coming round to the start.
    fn next_unread(&mut self) {
        let days = self.nav.view.days.clone();
        let (d0, e0) = (self.nav.day, self.nav.event);
        let tl = self.timeline.clone();
        let unread = |i: EventIdx| {
            tl.events[i].kind != crate::model::Kind::Ghost
                && !self.session.visited.contains(&tl.events[i].id)
        };
        let n = days.len();
        for step in 0..=n {
            let pos = (d0 + step) % n.max(1);
            self.nav.day = pos;
            let events = self.day_events();
            let from = if step == 0 { e0 + 1 } else { 0 };
            let upto = if step == n { e0 + 1 } else { events.len() };
            if let Some(at) = (from..upto.min(events.len())).find(|&k| unread(events[k])) {
                self.select_event(at);
                self.nav.recenter = true;
                if self.nav.focus == Focus::Links {
                    self.mark_visited();
                }
                return;
            }
        }
        self.nav.day = d0;
        self.nav.event = e0;
        self.say("every entry in view is read");
    }

    /// `Esc` in the main view: in the detail, the find ends, else back to
    /// the list; in a list, the filter is cleared.
    fn escape(&mut self) {
        if self.nav.focus == Focus::Links {
            if self.find.take().is_some() {
                self.say("find ended");
            } else {
                self.set_focus(Focus::Events);
            }
        } else if !self.nav.filter.is_empty() {
            self.set_filter(Filter::default());
            self.say("filter cleared");
        }
    }

    /// True when a find is active in the entry shown.
    pub fn finding(&self) -> bool {
        self.find
            .as_ref()
            .is_some_and(|f| Some(f.entry) == self.current())
    }

    /// Finds `needles` in the entry shown; `first`: bring the first match
    /// into view now (a find typed), else on `n` (the words of a search).
    fn start_find(&mut self, needles: &[String], first: bool) {
        let Some(idx) = self.current() else {
            return;
        };
        self.find = Find::new(needles, idx);
        if first && let Some(f) = &mut self.find {
            f.current = Some(0);
            f.reveal = true;
        }
    }

    /// `n` / `N` while finding: the next or previous match, as the last
    /// frame counted them.
    fn step_find(&mut self, forward: bool) {
        let total = self.areas.find_lines.len();
        if total == 0 {
            self.say("no match in this entry");
            return;
        }
        if let Some(f) = &mut self.find {
            f.step(forward, total);
        }
        if self.nav.focus != Focus::Links {
            self.set_focus(Focus::Links);
        }
    }

    /// `U`: the entry is unread again (or read, if it was not).
    fn toggle_read(&mut self) {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected");
            return;
        };
        let id = e.id.clone();
        if self.session.visited.remove(&id) {
            self.say("marked unread");
        } else {
            self.session.visited.insert(id);
            self.say("marked read");
        }
    }

    /// How many entries the list in view holds on day `pos` and in all
    /// (under the filter), and how many of each are not read yet (ghosts
    /// count as neither).
    pub fn read_counts(&self, pos: usize) -> ReadCounts {
        let tl = &self.timeline;
        let unread = |i: &EventIdx| {
            let e = &tl.events[*i];
            e.kind != crate::model::Kind::Ghost && !self.session.visited.contains(&e.id)
        };
        let day = self.nav.view.events(tl, pos, &self.nav.filter);
        let mut counts = self.read_cache.borrow_mut();
        let key = (
            Arc::as_ptr(tl) as usize,
            self.session.visited.len(),
            self.nav.filter.clone(),
        );
        let all = match counts.as_ref().filter(|(k, _)| *k == key) {
            Some((_, all)) => *all,
            None => {
                let all = (0..tl.events.len())
                    .filter(|&i| visible(tl, i, &self.nav.filter))
                    .filter(unread)
                    .count();
                *counts = Some((key, all));
                all
            }
        };
        ReadCounts {
            day_unread: day.iter().filter(|i| unread(i)).count(),
            any_read: !self.session.visited.is_empty(),
            unread: all,
        }
    }

    /// A page (`part` 1) or half a page (`part` 2) up (`dir` -1) or down.
    fn page(&mut self, dir: isize, part: isize) {
        let height = match self.nav.focus {
            Focus::Dates => self.areas.dates.height,
            Focus::Events => self.areas.events.height,
            Focus::Links => self.areas.detail.height,
        };
        // A whole page keeps one line of the last one in view.
        let page = if part == 1 {
            (height as isize - 1).max(1)
        } else {
            (height as isize / part).max(1)
        };
        // Space (a page down) at the end of an entry: the next entry.
        let at_end =
            self.areas.detail_lines <= self.nav.detail_scroll + self.areas.detail.height as usize;
        match self.nav.focus {
            Focus::Links if dir > 0 && part == 1 && at_end && self.areas.detail_lines > 0 => {
                self.step_entry(true)
            }
            Focus::Links => self.scroll_detail(dir * page),
            // The date list's rows include year and month separators: move
            // by a screenful of rows, to the day nearest that row.
            Focus::Dates if !self.nav.view.days.is_empty() => {
                let row = self.nav.view.day_row[self.nav.day] as isize + dir * page;
                let to = self
                    .nav
                    .view
                    .day_row
                    .partition_point(|&r| (r as isize) < row);
                let to = if dir < 0 {
                    // The last day at or above the target row.
                    self.nav
                        .view
                        .day_row
                        .partition_point(|&r| (r as isize) <= row)
                        .saturating_sub(1)
                } else {
                    to.min(self.nav.view.days.len() - 1)
                };
                if to != self.nav.day {
                    self.select_day(to);
                }
            }
            _ => self.step(dir * page),
        }
    }

    fn scroll_detail(&mut self, delta: isize) {
        self.nav.detail_scroll = self.nav.detail_scroll.saturating_add_signed(delta);
        let max = self
            .areas
            .detail_lines
            .saturating_sub(self.areas.detail.height as usize);
        if self.areas.detail_lines > 0 {
            self.nav.detail_scroll = self.nav.detail_scroll.min(max);
        }
        // A link scrolled out of view is let go at once, not at the next
        // draw: a key right behind (Enter, Tab) sees the text as it is now.
        self.nav.link = self.chosen_in_view();
        self.nav.reveal_link = Reveal::Stay;
    }

    fn activate(&mut self) -> Option<Effect> {
        match self.nav.focus {
            Focus::Dates => self.set_focus(Focus::Events),
            Focus::Events => self.set_focus(Focus::Links),
            // No link chosen (or none in view): Enter chooses one, as Tab
            // does, but a related link or backlink before any source, so
            // that Enter Enter never opens a web browser by surprise.
            Focus::Links if self.chosen_in_view().is_none() => {
                self.nav.link = None;
                let entry_link = self
                    .shown_links()
                    .and_then(|s| self.first_entry_link(|i| s.on_screen_or_below(i)));
                match entry_link {
                    Some(l) => {
                        self.nav.link = Some(l);
                        self.nav.reveal_link = Reveal::Whole;
                    }
                    None => {
                        self.next_link(true);
                        // Enter alone never chooses a guess nor a source:
                        // Enter Enter would follow it, or open a web
                        // browser by surprise.
                        let chosen = self.nav.link.and_then(|l| self.links().get(l).copied());
                        match chosen {
                            Some(Link::Similar(_)) => {
                                self.nav.link = None;
                                self.say("Tab reaches the similar entries");
                            }
                            Some(Link::Source(_)) => {
                                self.nav.link = None;
                                self.say("no related entry here: Tab chooses a source");
                            }
                            _ => {}
                        }
                    }
                }
            }
            Focus::Links => {
                let e = self.current_event()?;
                match self.links().get(self.nav.link?).copied()? {
                    Link::Source(i) => {
                        let url = e.sources[i].url().to_owned();
                        return self.open_url(&url);
                    }
                    link => {
                        let to = self.link_entry(link)?;
                        self.jump(to);
                    }
                }
            }
        }
        None
    }

    /// `o`: the selected source when a source line is selected in the
    /// detail, otherwise the first source that is not a picture.
    fn open_source(&mut self) -> Option<Effect> {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected");
            return None;
        };
        let selected = match (
            self.nav.focus,
            self.nav.link.and_then(|l| self.links().get(l).copied()),
        ) {
            (Focus::Links, Some(Link::Source(i))) => Some(i),
            _ => None,
        };
        let pick = selected.or_else(|| {
            e.sources
                .iter()
                .position(|s| !s.image && text::is_web_url(s.url()))
                .or_else(|| e.sources.iter().position(|s| text::is_web_url(s.url())))
        });
        match pick {
            Some(i) => {
                let url = e.sources[i].url().to_string();
                self.open_url(&url)
            }
            None => {
                self.complain("this entry has no web source to open");
                None
            }
        }
    }

    fn open_url(&mut self, url: &str) -> Option<Effect> {
        if let Err(e) = crate::tui::open::whole_address(url) {
            self.complain(e);
            return None;
        }
        if text::is_web_url(url) {
            self.say(format!("opening {}", text::one_line(url)));
            Some(Effect::OpenUrl(url.to_string()))
        } else {
            self.complain(format!(
                "not a web address, not opened: {}",
                text::one_line(url)
            ));
            None
        }
    }

    /// Where the user is: the entry, the selected link, the detail's scroll.
    fn place(&self) -> Option<Place> {
        Some(Place {
            idx: self.current()?,
            link: self.nav.link,
            scroll: self.nav.detail_scroll,
            filter: Some(self.nav.filter.clone()),
        })
    }

    /// Goes to an entry and records the move in the history.
    pub fn jump(&mut self, to: EventIdx) {
        if let Some(from) = self.place() {
            self.session.history.visit(from, &Place::at(to));
        }
        self.show(to);
        // Read when the detail shows it with the keyboard (a link followed);
        // landing on it from a list (a search, a date, a bookmark) is not
        // reading it.
        if self.nav.focus == Focus::Links {
            self.mark_visited();
        }
    }

    /// Shows a place from the history as it was left, under the filter it
    /// was seen under.
    fn restore(&mut self, place: Place) {
        if let Some(f) = place.filter.filter(|f| *f != self.nav.filter) {
            self.set_filter(f);
        }
        self.show(place.idx);
        if self.current() == Some(place.idx) {
            // A place left while reading is come back to reading, even from
            // a list: the text scrolled and the link chosen as they were.
            if place.link.is_some() || place.scroll > 0 {
                self.nav.focus = Focus::Links;
            }
            if self.nav.focus != Focus::Links {
                return;
            }
            // (A Similar link counts too, though its list is made only
            // before the next frame.)
            let most = self.current_event().map_or(0, |e| links_of(e).len()) + SIMILAR_SHOWN;
            self.nav.link = place.link.filter(|&l| l < most);
            self.nav.pick_link = false;
            self.nav.detail_scroll = place.scroll;
            // Keys may have moved the link since the last frame: make sure
            // the one that was followed is in view, without moving the
            // text if some line of it already is.
            self.nav.reveal_link = Reveal::Glimpse;
        }
    }

    /// Selects an entry in both lists; one the filter hides is shown in
    /// the detail outside the filter, which stays (the lists as they were).
    pub fn show(&mut self, idx: EventIdx) {
        if idx >= self.timeline.events.len() {
            return;
        }
        if !visible(&self.timeline, idx, &self.nav.filter) {
            self.nav.outside = Some(idx);
            self.open_detail();
            return;
        }
        let Some(day) = self.timeline.day_of(idx) else {
            return;
        };
        let Some(pos) = self.nav.view.pos_of_day(day) else {
            return;
        };
        self.nav.day = pos;
        let at = self
            .day_events()
            .iter()
            .position(|&i| i == idx)
            .unwrap_or(0);
        self.select_event(at);
        self.nav.recenter = true;
    }

    fn back(&mut self) {
        let Some(cur) = self.place() else { return };
        match self.session.history.back(cur) {
            Some(to) => self.restore(to),
            None => self.say("nothing to go back to"),
        }
    }

    fn forward(&mut self) {
        let Some(cur) = self.place() else { return };
        match self.session.history.forward(cur) {
            Some(to) => self.restore(to),
            None => self.say("nothing to go forward to"),
        }
    }

    /// `[` / `]`: the previous or next day; at either end of the archive
    /// the nearest day, the one at the end, and a word that it is the end.
    fn move_day(&mut self, delta: isize) {
        let to = Self::clamp_add(self.nav.day, delta, self.nav.view.days.len());
        if to == self.nav.day && !self.nav.view.days.is_empty() {
            self.say(if delta < 0 {
                "this is the first day"
            } else {
                "this is the last day"
            });
        }
        self.select_day(to);
    }

    /// The (year, month) of a visible day; undated sorts after every month.
    fn month_of(&self, pos: usize) -> (i32, u32) {
        match self.timeline.days[self.nav.view.days[pos]].date {
            Some(d) => (d.year(), d.month()),
            None => (i32::MAX, 0),
        }
    }

    /// The first visible day of the month that `pos` is in.
    fn month_start(&self, pos: usize) -> usize {
        let month = self.month_of(pos);
        let mut start = pos;
        while start > 0 && self.month_of(start - 1) == month {
            start -= 1;
        }
        start
    }

    /// `}`: the first day of the next month; `{`: the first day of the
    /// previous month.
    fn move_month(&mut self, next: bool) {
        let n = self.nav.view.days.len();
        if n == 0 {
            return;
        }
        let here = self.month_of(self.nav.day);
        // Past either end: the nearest day, said so.
        let to = if next {
            (self.nav.day..n)
                .find(|&p| self.month_of(p) != here)
                .unwrap_or_else(|| {
                    self.say("no later month: the last day");
                    n - 1
                })
        } else {
            match self.month_start(self.nav.day) {
                0 => {
                    self.say("no earlier month: the first day");
                    0
                }
                start => self.month_start(start - 1),
            }
        };
        self.select_day(to);
    }

    /// Puts a new timeline of the same archive in place (it changed on
    /// disk), keeping the user where they were: the same entry (by id),
    /// link and scroll, the filter if its tag is still there, the history,
    /// and an open search, run again on the new timeline (the returned
    /// effect). Other popups close, since what they list may be gone. A
    /// story keeps to its entries still there (in the history too); one
    /// whose entry is gone ends, and the status bar says so.
    pub fn replace_timeline(&mut self, timeline: Arc<Timeline>) -> Option<Effect> {
        let place = self.place();
        self.nav.outside = None;
        let day = self.nav.day;
        // The date of the entry shown: where to go should it be gone.
        let date = place
            .as_ref()
            .and_then(|p| self.timeline.events[p.idx].date);
        let old = std::mem::replace(&mut self.timeline, timeline);
        let new = self.timeline.clone();
        let remap = |i: EventIdx| old.events.get(i).and_then(|e| new.get(&e.id));
        // Each place keeps its entry and the link chosen there, both found
        // again by what they are, not by where they stood.
        // (A place's story follows the new timeline too, or goes with its
        // entry.)
        let relink = |p: &Place, idx: EventIdx| Place {
            idx,
            link: same_link(&old, p.idx, &new, idx, p.link),
            scroll: p.scroll,
            filter: (p.filter.as_ref()).map(|f| f.follow(&new).0),
        };
        self.session
            .history
            .remap(|p| Some(relink(p, remap(p.idx)?)));
        // The text of the entry on screen may have changed too, and the
        // word index is of the old timeline.
        self.body_cache = RefCell::default();
        self.body_text = BodyText::default();
        self.similar.clear();
        // Search results point into the old timeline: the query runs again.
        self.search.clear();
        let rerun = self.search.changed(&self.nav.filter);
        if !matches!(self.popup, Some(Popup::Search { .. })) {
            self.popup = None;
        }
        self.tags = self.timeline.tag_counts();
        self.follow_bookmarks();
        // Tags no entry carries any more leave the filter.
        let tags = &self.tags;
        self.nav
            .filter
            .tags
            .retain(|f| tags.iter().any(|t| crate::filter::same_tag(&t.tag, f)));
        // The story keeps to the entries still there (its size with
        // them); with its entry gone, it ends, said so.
        let (filter, ended) = self.nav.filter.follow(&self.timeline);
        self.nav.filter = filter;
        if let Some(of) = ended {
            let shown = text::cut_chars(&of, 60);
            self.say(format!(
                "the story's entry is gone (“{shown}”): the story filter is cleared"
            ));
            // The flat list `s` opened goes with its story.
            if std::mem::take(&mut self.nav.flat_for_story) {
                self.nav.flat = false;
            }
        }
        self.nav.view = View::new(&self.timeline, &self.nav.filter);
        self.nav.day = 0;
        self.nav.event = 0;
        match place.and_then(|p| Some(relink(&p, remap(p.idx)?))) {
            Some(p) => {
                self.show(p.idx);
                self.nav.link = p.link;
                self.nav.detail_scroll = p.scroll;
                self.nav.recenter = true;
            }
            None => {
                // The entry is gone: its day, or the first after it (a
                // ghost of it may sit there), else where the list was.
                let days = &self.nav.view.days;
                let tl = &self.timeline;
                let same_day = date.and_then(|date| {
                    days.iter()
                        .position(|&d| tl.days[d].date.is_some_and(|x| x >= date))
                });
                let at = same_day.unwrap_or(day);
                self.select_day(at.min(days.len().saturating_sub(1)));
            }
        }
        rerun
    }

    /// Narrows the browser to `story`, the story of entry `of`, which
    /// stays selected.
    pub fn show_story(&mut self, of: EventIdx, story: crate::filter::StoryFilter) {
        let n = story.len();
        // A story of the entry alone narrows nothing: said, not shown.
        if n <= 1 {
            self.say("this entry has no story: nothing links to it or is close to it in words");
            return;
        }
        let filter = Filter {
            story: Some(story),
            ..self.nav.filter.clone()
        };
        self.set_filter(filter);
        self.show(of);
        let days = self.nav.view.days.len();
        // A story is read in one list, in timeline order.
        if !self.nav.flat {
            self.toggle_flat();
            self.nav.flat_for_story = true;
        }
        self.say(format!(
            "{days} day{} in one list (L: by day)",
            if days == 1 { "" } else { "s" }
        ));
    }

    pub fn set_filter(&mut self, filter: Filter) {
        let keep = self.current().or(self.nav.kept_place.take());
        self.nav.filter = filter;
        self.nav.view = View::new(&self.timeline, &self.nav.filter);
        self.nav.day = 0;
        self.nav.event = 0;
        self.nav.dates_offset = 0;
        self.nav.events_offset = 0;
        match keep.filter(|&i| visible(&self.timeline, i, &self.nav.filter)) {
            Some(i) => self.show(i),
            None => {
                self.nav.kept_place = keep;
                self.select_day(0);
            }
        }
        // The flat list `s` turned on goes with its story.
        if self.nav.filter.story.is_none() && self.nav.flat_for_story && self.nav.flat {
            self.toggle_flat();
        }
    }

    fn click(&mut self, x: u16, y: u16) {
        let p = Position::new(x, y);
        let a = &self.areas;
        if a.dates.contains(p) {
            let row = self.nav.dates_offset + (y - a.dates.y) as usize;
            self.set_focus(Focus::Dates);
            if let Some(DateRow::Day(pos)) = self.nav.view.rows.get(row).copied() {
                self.select_day(pos);
            }
        } else if a.events.contains(p) {
            let rows = if self.settings.two_line_headlines {
                2
            } else {
                1
            };
            let pos = self.nav.events_offset + (y - a.events.y) as usize / rows;
            self.set_focus(Focus::Events);
            if pos < self.day_events().len() {
                self.select_event(pos);
            }
        } else if a.detail.contains(p) {
            let line = self.nav.detail_scroll + (y - a.detail.y) as usize;
            let hit = a
                .link_lines
                .iter()
                .position(|&(s, e)| (s..e).contains(&line));
            if self.nav.focus != Focus::Links {
                self.set_focus(Focus::Links);
            }
            if hit.is_some() {
                self.nav.link = hit;
            }
            self.nav.reveal_link = Reveal::Stay;
        }
    }

    fn wheel(&mut self, x: u16, y: u16, down: bool) {
        let p = Position::new(x, y);
        let d = if down { 1 } else { -1 };
        if self.areas.dates.contains(p) {
            let to = Self::clamp_add(self.nav.day, d, self.nav.view.days.len());
            if to != self.nav.day {
                self.select_day(to);
            }
        } else if self.areas.events.contains(p) {
            let to = Self::clamp_add(self.nav.event, d, self.day_events().len());
            if to != self.nav.event {
                self.select_event(to);
            }
        } else if self.areas.detail.contains(p) {
            self.scroll_detail(3 * d);
        }
    }

    pub(super) fn open_popup(&mut self, kind: PopupKind) {
        self.popup = Popup::new(kind, &mut self.search).or_else(|| match kind {
            PopupKind::Tags => {
                // Counted under the filter: what choosing a tag would leave.
                let filter = &self.nav.filter;
                self.tags = self.timeline.tag_counts_where(|e| filter.accepts(e));
                let selected = self
                    .nav
                    .filter
                    .tags
                    .last()
                    .and_then(|f| self.tags.iter().position(|t| &t.tag == f))
                    .unwrap_or(0);
                let all = match_tags(&self.tags, "");
                Some(Popup::Tags(Picker::new(all, selected)))
            }
            PopupKind::Bookmarks => {
                let all = marks::match_marks(&self.session.bookmarks, "");
                Some(Popup::Bookmarks(Picker::new(all, 0)))
            }
            _ => None,
        });
    }

    /// Hands an action to the open popup and does what it answers.
    fn update_popup(&mut self, action: Action) -> Option<Effect> {
        let popup = self.popup.as_mut()?;
        let popup_kind = popup.kind();
        let mut ctx = popups::Ctx {
            search: &mut self.search,
            tags: &self.tags,
            bookmarks: &self.session.bookmarks,
            queries: &self.session.queries,
            list: self.areas.popup_list,
            list_offset: self.areas.popup_offset,
        };
        match popup.update(action, &mut ctx) {
            Outcome::Stay => {}
            Outcome::Close => self.popup = None,
            Outcome::Search => return self.search.changed(&self.nav.filter),
            Outcome::Find(text) => {
                self.popup = None;
                self.session.remember(&text);
                self.start_find(&[text], true);
            }
            Outcome::Jump(to) => {
                self.popup = None;
                if matches!(popup_kind, PopupKind::Search) {
                    let q = self.search.query.clone();
                    self.session.remember(&q);
                }
                self.jump(to);
                // A full-text hit opens with its words marked, the find
                // active: `n` brings the first into view.
                if self.search.kind == crate::search::Kind::FullText {
                    let terms = crate::search::words::query_terms(&self.search.query);
                    self.start_find(&terms, false);
                }
                // The keyboard goes where the entry found is: from the
                // date list to the entries (with it selected); from the
                // detail, it stays there, reading it.
                if self.nav.focus == Focus::Dates && self.current() == Some(to) {
                    self.set_focus(Focus::Events);
                }
            }
            Outcome::ToggleTag(t) => {
                self.popup = None;
                self.toggle_tag(t);
            }
            Outcome::GotoDate(date) => match self.goto(date) {
                Ok(()) => self.popup = None,
                Err(e) => {
                    if let Some(p) = &mut self.popup {
                        p.fail(e);
                    }
                }
            },
            Outcome::Range(since, until) => {
                self.popup = None;
                let filter = Filter {
                    since,
                    until,
                    ..self.nav.filter.clone()
                };
                let shown = filter.describe();
                self.set_filter(filter);
                if self.nav.view.days.is_empty() {
                    self.say(format!("nothing in {shown}; Esc clears the filter"));
                } else {
                    self.say(format!("showing {shown}"));
                }
            }
            Outcome::Bookmark(m) => self.go_to_bookmark(m),
            Outcome::RemoveBookmark(m) => return self.remove_bookmark(m),
        }
        None
    }

    fn goto(&mut self, date: chrono::NaiveDate) -> Result<(), String> {
        let tl = &self.timeline;
        let dated = |&d: &usize| tl.days[d].date;
        let (pos, note) = match self
            .nav
            .view
            .days
            .iter()
            .position(|d| dated(d) >= Some(date))
        {
            Some(pos) => (pos, None),
            None => {
                let last = self
                    .nav
                    .view
                    .days
                    .iter()
                    .rposition(|d| dated(d).is_some())
                    .ok_or("no dated day to go to")?;
                (last, Some(format!("{date} is after the last day")))
            }
        };
        let to = self.nav.view.events(tl, pos, &self.nav.filter)[0];
        self.jump(to);
        if let Some(text) = note {
            self.say(text);
        }
        Ok(())
    }
    fn step_result(&mut self, next: bool) {
        let n = self.search.hits.len();
        if n == 0 {
            self.complain("no search results: press / to search");
            return;
        }
        // Results the filter hides (it changed since the search) are
        // passed over, so that stepping keeps to the filter.
        let vis: Vec<bool> = self
            .search
            .hits
            .iter()
            .map(|h| visible(&self.timeline, h.idx, &self.nav.filter))
            .collect();
        let shown = |i: usize| vis[i];
        let order: Vec<usize> = match (self.search.cursor, next) {
            (None, true) => (0..n).collect(),
            (None, false) => (0..n).rev().collect(),
            (Some(c), true) => (1..=n).map(|k| (c + k) % n).collect(),
            (Some(c), false) => (1..=n).map(|k| (c + n - k) % n).collect(),
        };
        let Some(at) = order.into_iter().find(|&i| shown(i)) else {
            self.complain("the filter hides every search result: Esc clears it");
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
        self.say(text);
    }

    /// Another tag narrows the filter further; a tag already in it leaves.
    fn toggle_tag(&mut self, t: usize) {
        let tag = self.tags[t].tag.clone();
        let mut filter = self.nav.filter.clone();
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

impl App {
    /// Bookmarks whose entry has another id now (its headline was edited,
    /// and an event's id follows its headline) follow it by its file.
    pub fn follow_bookmarks(&mut self) {
        marks::follow(&mut self.session.bookmarks, &self.timeline);
    }

    /// True when the entry with this id is bookmarked.
    pub fn is_bookmarked(&self, id: &str) -> bool {
        self.session.bookmarks.iter().any(|b| b.id == id)
    }

    /// `m`: bookmarks the selected entry, or removes its bookmark.
    fn toggle_bookmark(&mut self) -> Option<Effect> {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected to bookmark");
            return None;
        };
        let headline = text::one_line(&e.headline);
        if let Some(at) = self.session.bookmarks.iter().position(|b| b.id == e.id) {
            self.session.bookmarks.remove(at);
            self.say(format!("bookmark removed: {headline}"));
        } else {
            let b = marks::bookmark_of(e);
            self.session.bookmarks.push(b);
            self.say(format!("bookmarked: {headline} (' lists bookmarks)"));
        }
        Some(Effect::SaveState)
    }

    /// Delete in the `'` popup: removes bookmark `m`.
    fn remove_bookmark(&mut self, m: usize) -> Option<Effect> {
        let gone = self.session.bookmarks.remove(m);
        self.relist_bookmarks();
        self.say(format!(
            "bookmark removed: {}",
            text::one_line(&gone.headline)
        ));
        Some(Effect::SaveState)
    }

    /// Enter in the `'` popup: goes to the chosen bookmark's entry.
    fn go_to_bookmark(&mut self, mark: usize) {
        let Some(b) = self.session.bookmarks.get(mark) else {
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
        let focus_name = |f| match f {
            Focus::Dates => "dates",
            Focus::Events => "events",
            Focus::Links => "detail",
        };
        let mut visited: Vec<String> = self.session.visited.iter().cloned().collect();
        visited.sort();
        State {
            roots: Vec::new(),
            place: self.current_event().map(|e| state::Place {
                id: e.id.clone(),
                focus: focus_name(self.nav.focus).into(),
                since: self.nav.filter.since,
                until: self.nav.filter.until,
                tags: self.nav.filter.tags.clone(),
                scroll: if self.nav.focus == Focus::Links {
                    self.nav.detail_scroll
                } else {
                    0
                },
                story: self.nav.filter.story.as_ref().map(|s| state::SavedStory {
                    entry: s.entry().to_string(),
                    ids: s.ids().to_vec(),
                }),
            }),
            bookmarks: self.session.bookmarks.clone(),
            visited,
            queries: self.session.queries.clone(),
        }
    }

    /// Takes up the bookmarks and read entries as they were just saved,
    /// with what other browsers on the same archive added or removed.
    pub fn take_saved(&mut self, saved: State) {
        self.session.bookmarks = saved.bookmarks;
        self.follow_bookmarks();
        self.session.visited = saved.visited.into_iter().collect();
        self.session.queries = clean_queries(saved.queries);
        self.relist_bookmarks();
    }

    /// The `'` popup lists bookmarks by their place: list them again.
    fn relist_bookmarks(&mut self) {
        if let Some(Popup::Bookmarks(p)) = &mut self.popup {
            p.refresh(marks::match_marks(&self.session.bookmarks, &p.input));
        }
    }

    /// Takes up a saved session: the bookmarks, the entries read, and the
    /// place when its entry is still there; a new archive (or a place that
    /// is gone) opens on the newest day.
    pub fn restore_state(&mut self, state: State) {
        self.session.bookmarks = state.bookmarks;
        self.follow_bookmarks();
        self.session.visited = state.visited.into_iter().collect();
        self.session.queries = clean_queries(state.queries);
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
            story: p.story.and_then(|s| self.saved_story(s)),
            ..Default::default()
        };
        if !filter.is_empty() {
            self.set_filter(filter);
        }
        self.nav.focus = match p.focus.as_str() {
            "events" => Focus::Events,
            "detail" => Focus::Links,
            _ => Focus::Dates,
        };
        self.show(idx);
        if self.nav.filter.story.is_some() {
            self.toggle_flat();
            self.nav.flat_for_story = true;
        }
        self.nav.detail_scroll = p.scroll;
        self.nav.pick_link = false;
        self.nav.link = None;
        self.status.message = None;
    }

    /// A saved story as a filter: its entries still in the archive (at
    /// most as many as a story holds); none when its entry is gone.
    fn saved_story(&self, saved: state::SavedStory) -> Option<crate::filter::StoryFilter> {
        let t = &self.timeline;
        let of = t.get(&saved.entry)?;
        let mut members: Vec<EventIdx> = (saved.ids.iter())
            .filter_map(|id| t.get(id))
            .take(crate::search::story::MAX_STORY)
            .collect();
        members.push(of);
        Some(crate::filter::StoryFilter::of_entries(t, of, &members))
    }

    /// Selects the newest dated day with an event or article (a day of
    /// ghosts alone, known only from links, is not a place to start),
    /// else the newest dated day, else the last day.
    pub fn open_on_newest_day(&mut self) {
        let tl = &self.timeline;
        let days = &self.nav.view.days;
        let newest = days
            .iter()
            .rposition(|&d| tl.days[d].date.is_some() && !tl.days[d].only_ghosts())
            .or_else(|| days.iter().rposition(|&d| tl.days[d].date.is_some()))
            .or(days.len().checked_sub(1));
        if let Some(pos) = newest
            && let Some(&first) = self.nav.view.events(tl, pos, &self.nav.filter).first()
        {
            self.show(first);
        }
    }

    /// `y`: the chosen link's address (a source's web address; for a link
    /// to an entry, its file as `search` prints it, or a ghost's id), else
    /// the entry's date and headline, for the clipboard.
    fn copy(&mut self) -> Option<Effect> {
        let Some(e) = self.current_event() else {
            self.complain("nothing selected to copy");
            return None;
        };
        let chosen = match self.nav.focus {
            Focus::Links => self.nav.link.and_then(|l| self.links().get(l).copied()),
            _ => None,
        };
        let (text, what) = match chosen {
            Some(Link::Source(i)) => {
                let url = text::one_line(e.sources[i].url());
                (url.clone(), url)
            }
            Some(link) => {
                let to = &self.timeline.events[self.link_entry(link)?];
                let file = text::one_line(to.file.as_deref().unwrap_or(&to.id));
                (file.clone(), file)
            }
            None => {
                let t = format!("{} {}", date_label(e.date), text::one_line(&e.headline));
                (t, "the date and headline".to_string())
            }
        };
        Some(Effect::Copy { text, what })
    }

    /// `e`: the entry's file, for the editor.
    fn edit(&mut self) -> Option<Effect> {
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

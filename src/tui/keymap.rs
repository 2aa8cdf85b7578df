//! The one table from keys to actions. Every default binding lives in
//! [`BINDINGS`], per context (the focused pane or the open popup); a
//! [`Keymap`] is that table with the configuration's `[keys]` applied, and
//! the help overlay, the status hints and the man page are generated from
//! it, so they always show the keys in force.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// Which pane has the keyboard in the main view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Dates,
    Events,
    /// The detail pane, read like a pager: keys scroll the text, Tab
    /// chooses among its links (sources, related, referenced by).
    Links,
}

/// Which popup is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupKind {
    Search,
    Tags,
    Goto,
    Help,
    Bookmarks,
    Find,
}

/// Where a key press lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Main(Focus),
    Popup(PopupKind),
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere.
    Any,
    /// The main view, whatever pane has focus.
    Main,
    /// The date and entry lists.
    Lists,
    /// The detail pane, read like a pager.
    Reader,
    /// The search and tag pickers (lists with an input line).
    Picker,
    /// The search popup alone.
    Search,
    Goto,
    Help,
    /// The list of bookmarks (a picker too).
    Bookmarks,
    /// The prompt of a find in the entry.
    Find,
}

impl Ctx {
    fn applies(self, mode: Mode) -> bool {
        match self {
            Ctx::Any => true,
            Ctx::Main => matches!(mode, Mode::Main(_)),
            Ctx::Lists => matches!(mode, Mode::Main(Focus::Dates | Focus::Events)),
            Ctx::Reader => mode == Mode::Main(Focus::Links),
            Ctx::Picker => matches!(
                mode,
                Mode::Popup(PopupKind::Search | PopupKind::Tags | PopupKind::Bookmarks)
            ),
            Ctx::Bookmarks => mode == Mode::Popup(PopupKind::Bookmarks),
            Ctx::Search => mode == Mode::Popup(PopupKind::Search),
            Ctx::Goto => mode == Mode::Popup(PopupKind::Goto),
            Ctx::Help => mode == Mode::Popup(PopupKind::Help),
            Ctx::Find => mode == Mode::Popup(PopupKind::Find),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Ctx::Any => "Everywhere",
            Ctx::Main => "Browsing (any pane)",
            Ctx::Lists => "In the date and entry lists",
            Ctx::Reader => "Reading an entry (the detail pane, like less)",
            Ctx::Picker => "Search, tag and bookmark pickers",
            Ctx::Bookmarks => "Bookmarks",
            Ctx::Search => "Search popup",
            Ctx::Goto => "Go to date",
            Ctx::Help => "Help",
            Ctx::Find => "Find in the entry",
        }
    }
}

/// One line of the table: keys that do one action in one context.
#[derive(Debug)]
pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub action: Action,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

macro_rules! bind {
    ($ctx:ident, [$($key:expr),+], $action:expr, $help:expr) => {
        Binding { ctx: Ctx::$ctx, keys: &[$($key),+], action: $action, help: $help }
    };
}

/// Every default binding, in the order the help overlay lists them.
pub static BINDINGS: &[Binding] = &[
    bind!(Any, [(KeyCode::Char('c'), CTRL)], Action::Quit, "quit"),
    bind!(
        Any,
        [(KeyCode::Char('z'), CTRL)],
        Action::Suspend,
        "suspend (back to the shell; fg returns)"
    ),
    bind!(
        Any,
        [(KeyCode::Char('l'), CTRL)],
        Action::Redraw,
        "draw the screen again"
    ),
    bind!(Main, [ch('q')], Action::Quit, "quit"),
    bind!(
        Main,
        [(KeyCode::PageUp, NONE), ch('b')],
        Action::PageUp,
        "a page up (the focused list, or the text)"
    ),
    bind!(
        Main,
        [(KeyCode::PageDown, NONE), ch(' ')],
        Action::PageDown,
        "a page down"
    ),
    bind!(
        Main,
        [(KeyCode::Char('u'), CTRL)],
        Action::HalfPageUp,
        "half a page up"
    ),
    bind!(
        Main,
        [(KeyCode::Char('d'), CTRL)],
        Action::HalfPageDown,
        "half a page down"
    ),
    bind!(
        Main,
        [(KeyCode::Backspace, NONE), (KeyCode::Left, ALT)],
        Action::Back,
        "go back (to where a link, search or date jump came from)"
    ),
    bind!(Main, [(KeyCode::Right, ALT)], Action::Forward, "go forward"),
    bind!(Main, [ch('[')], Action::PrevDay, "previous day"),
    bind!(Main, [ch(']')], Action::NextDay, "next day"),
    bind!(Main, [ch('{')], Action::PrevMonth, "previous month"),
    bind!(Main, [ch('}')], Action::NextMonth, "next month"),
    bind!(
        Main,
        [ch('/')],
        Action::OpenSearch,
        "search (headlines; Tab: full text)"
    ),
    bind!(
        Main,
        [ch('f')],
        Action::OpenFind,
        "find text in the entry: every match marked (n / N step, Esc ends)"
    ),
    bind!(
        Main,
        [ch('n')],
        Action::NextResult,
        "next search result (while finding: the next match)"
    ),
    bind!(
        Main,
        [ch('N')],
        Action::PrevResult,
        "previous search result"
    ),
    bind!(Main, [ch('t')], Action::OpenTags, "filter by tags"),
    bind!(
        Main,
        [ch(':')],
        Action::OpenGoto,
        "go to a date (2017, 2017-06, 2017-06-08), or show a range (2015-09..2015-10)"
    ),
    bind!(
        Main,
        [ch('o')],
        Action::OpenSource,
        "open a source in the web browser"
    ),
    bind!(
        Main,
        [ch('y')],
        Action::Copy,
        "copy the chosen link's address (else the headline and date)"
    ),
    bind!(
        Main,
        [ch('e')],
        Action::Edit,
        "edit the entry's file (read again afterwards)"
    ),
    bind!(
        Main,
        [ch('m')],
        Action::ToggleBookmark,
        "bookmark the entry, or unmark it"
    ),
    bind!(
        Main,
        [ch('\'')],
        Action::OpenBookmarks,
        "the list of bookmarks"
    ),
    bind!(
        Main,
        [ch('R')],
        Action::Reload,
        "read the archive's changes now"
    ),
    bind!(
        Main,
        [ch('J')],
        Action::NextEntry,
        "the next entry (across days; Space at the end of one does it too)"
    ),
    bind!(Main, [ch('K')], Action::PrevEntry, "the previous entry"),
    bind!(
        Main,
        [ch('L')],
        Action::ToggleFlat,
        "list every entry the filter keeps, not a day's (again: one day)"
    ),
    bind!(
        Main,
        [ch('w')],
        Action::ToggleWrap,
        "long headlines on two lines in the list of entries (again: one)"
    ),
    bind!(
        Main,
        [ch('u')],
        Action::NextUnread,
        "the next entry not read yet"
    ),
    bind!(
        Main,
        [ch('U')],
        Action::ToggleRead,
        "mark the entry unread (or read) again"
    ),
    bind!(
        Main,
        [ch('s')],
        Action::Story,
        "narrow to the entry's story (Esc: everything again)"
    ),
    bind!(Main, [ch('?')], Action::OpenHelp, "this help"),
    bind!(
        Lists,
        [(KeyCode::Up, NONE), ch('k')],
        Action::Up,
        "previous day or entry"
    ),
    bind!(
        Lists,
        [(KeyCode::Down, NONE), ch('j')],
        Action::Down,
        "next day or entry"
    ),
    bind!(
        Lists,
        [(KeyCode::Home, NONE), ch('g')],
        Action::Home,
        "first day or entry"
    ),
    bind!(
        Lists,
        [(KeyCode::End, NONE), ch('G')],
        Action::End,
        "last day or entry"
    ),
    bind!(
        Lists,
        [(KeyCode::Tab, NONE)],
        Action::FocusNext,
        "next pane: dates, entries, the entry"
    ),
    bind!(
        Lists,
        [(KeyCode::BackTab, NONE)],
        Action::FocusPrev,
        "previous pane"
    ),
    bind!(
        Lists,
        [(KeyCode::Right, NONE), ch('l')],
        Action::FocusRight,
        "the pane to the right"
    ),
    bind!(
        Lists,
        [(KeyCode::Left, NONE), ch('h')],
        Action::FocusLeft,
        "the pane to the left"
    ),
    bind!(
        Lists,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "open: a day's entries, an entry to read"
    ),
    bind!(
        Lists,
        [(KeyCode::Esc, NONE)],
        Action::Escape,
        "clear the filter"
    ),
    bind!(
        Reader,
        [(KeyCode::Up, NONE), ch('k')],
        Action::Up,
        "scroll a line up"
    ),
    bind!(
        Reader,
        [(KeyCode::Down, NONE), ch('j')],
        Action::Down,
        "scroll a line down"
    ),
    bind!(
        Reader,
        [(KeyCode::Home, NONE), ch('g')],
        Action::Home,
        "the top (the headline)"
    ),
    bind!(
        Reader,
        [(KeyCode::End, NONE), ch('G')],
        Action::End,
        "the end"
    ),
    bind!(
        Reader,
        [(KeyCode::Tab, NONE)],
        Action::NextLink,
        "next link (none chosen: the first on screen, else the nearest below)"
    ),
    bind!(
        Reader,
        [(KeyCode::BackTab, NONE)],
        Action::PrevLink,
        "previous link (none chosen: the last on screen, else the nearest above)"
    ),
    bind!(
        Reader,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "follow the chosen link (a source opens in the web browser); none in view: choose the next related link"
    ),
    bind!(
        Reader,
        [(KeyCode::Left, NONE), ch('h')],
        Action::FocusLeft,
        "back to the list of entries"
    ),
    bind!(
        Reader,
        [(KeyCode::Esc, NONE)],
        Action::Escape,
        "end a find (f), else back to the list of entries"
    ),
    bind!(
        Picker,
        [(KeyCode::Up, NONE), (KeyCode::Char('p'), CTRL)],
        Action::Up,
        "previous entry"
    ),
    bind!(
        Picker,
        [(KeyCode::Down, NONE), (KeyCode::Char('n'), CTRL)],
        Action::Down,
        "next entry"
    ),
    bind!(Picker, [(KeyCode::PageUp, NONE)], Action::PageUp, "page up"),
    bind!(
        Picker,
        [(KeyCode::PageDown, NONE)],
        Action::PageDown,
        "page down"
    ),
    bind!(
        Picker,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "go to the chosen entry"
    ),
    bind!(
        Picker,
        [(KeyCode::Backspace, NONE), (KeyCode::Char('h'), CTRL)],
        Action::DeleteChar,
        "delete a character"
    ),
    bind!(
        Picker,
        [(KeyCode::Char('w'), CTRL)],
        Action::DeleteWord,
        "delete a word"
    ),
    bind!(
        Picker,
        [(KeyCode::Char('u'), CTRL)],
        Action::ClearInput,
        "clear the input"
    ),
    bind!(Picker, [(KeyCode::Esc, NONE)], Action::Escape, "close"),
    bind!(
        Search,
        [(KeyCode::Tab, NONE)],
        Action::ToggleSearchMode,
        "switch between headlines and full text (bodies too)"
    ),
    bind!(
        Goto,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "go to the date (or the nearest day)"
    ),
    bind!(
        Goto,
        [(KeyCode::Backspace, NONE), (KeyCode::Char('h'), CTRL)],
        Action::DeleteChar,
        "delete a character"
    ),
    bind!(
        Goto,
        [(KeyCode::Char('u'), CTRL)],
        Action::ClearInput,
        "clear the input"
    ),
    bind!(Goto, [(KeyCode::Esc, NONE)], Action::Escape, "close"),
    bind!(
        Find,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "find it: every match marked, n / N step through them"
    ),
    bind!(
        Find,
        [(KeyCode::Backspace, NONE), (KeyCode::Char('h'), CTRL)],
        Action::DeleteChar,
        "delete a character"
    ),
    bind!(
        Find,
        [(KeyCode::Char('u'), CTRL)],
        Action::ClearInput,
        "clear the input"
    ),
    bind!(Find, [(KeyCode::Esc, NONE)], Action::Escape, "close"),
    bind!(
        Bookmarks,
        [(KeyCode::Delete, NONE), (KeyCode::Char('d'), CTRL)],
        Action::RemoveBookmark,
        "remove the chosen bookmark (d too, before typing a filter)"
    ),
    bind!(
        Help,
        [(KeyCode::Up, NONE), ch('k')],
        Action::Up,
        "scroll up"
    ),
    bind!(
        Help,
        [(KeyCode::Down, NONE), ch('j')],
        Action::Down,
        "scroll down"
    ),
    bind!(
        Help,
        [(KeyCode::PageUp, NONE), ch('b')],
        Action::PageUp,
        "a page up"
    ),
    bind!(
        Help,
        [(KeyCode::PageDown, NONE), ch(' ')],
        Action::PageDown,
        "a page down"
    ),
    bind!(
        Help,
        [(KeyCode::Home, NONE), ch('g')],
        Action::Home,
        "the top"
    ),
    bind!(
        Help,
        [(KeyCode::End, NONE), ch('G')],
        Action::End,
        "the end"
    ),
    bind!(
        Help,
        [(KeyCode::Esc, NONE), ch('q'), ch('?')],
        Action::Escape,
        "close"
    ),
];

/// Shift is part of the character itself (`G`, `{`, `?`), and terminals
/// report Shift-Tab as BackTab with or without the Shift flag.
fn normalize(code: KeyCode, mods: KeyModifiers) -> (KeyCode, KeyModifiers) {
    match code {
        KeyCode::Char(_) | KeyCode::BackTab => (code, mods - KeyModifiers::SHIFT),
        _ => (code, mods),
    }
}

/// A key as the keymap holds it: a code and its modifiers.
pub type Key = (KeyCode, KeyModifiers);

/// Where the configuration's `[keys]` apply: not in the input lines of the
/// search, tag, date and bookmark popups, where letters are typed.
pub fn remappable(ctx: Ctx) -> bool {
    !matches!(ctx, Ctx::Picker | Ctx::Goto | Ctx::Bookmarks | Ctx::Find)
}

/// Every mode a key can land in.
pub const MODES: [Mode; 9] = [
    Mode::Main(Focus::Dates),
    Mode::Main(Focus::Events),
    Mode::Main(Focus::Links),
    Mode::Popup(PopupKind::Search),
    Mode::Popup(PopupKind::Tags),
    Mode::Popup(PopupKind::Goto),
    Mode::Popup(PopupKind::Help),
    Mode::Popup(PopupKind::Bookmarks),
    Mode::Popup(PopupKind::Find),
];

/// True when a binding of `key` in `ctx` is in force in `mode`. A plain
/// character bound everywhere (`quit = ["q"]`) is not in force in the
/// popups: there it is typed, or the popup's own keys take it.
pub fn key_applies(ctx: Ctx, key: Key, mode: Mode) -> bool {
    let plain_char = matches!(key.0, KeyCode::Char(_)) && !key.1.intersects(CTRL | ALT);
    ctx.applies(mode) && !(ctx == Ctx::Any && plain_char && matches!(mode, Mode::Popup(_)))
}

/// True when some mode has `key` in force in both contexts.
fn clash(a: Ctx, b: Ctx, key: Key) -> bool {
    MODES
        .iter()
        .any(|&m| key_applies(a, key, m) && key_applies(b, key, m))
}

/// The names of the actions that `[keys]` can remap, as the configuration
/// file spells them.
pub const ACTION_NAMES: &[(&str, Action)] = &[
    ("quit", Action::Quit),
    ("suspend", Action::Suspend),
    ("redraw", Action::Redraw),
    ("up", Action::Up),
    ("down", Action::Down),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("half_page_up", Action::HalfPageUp),
    ("half_page_down", Action::HalfPageDown),
    ("top", Action::Home),
    ("bottom", Action::End),
    ("next_pane", Action::FocusNext),
    ("prev_pane", Action::FocusPrev),
    ("right", Action::FocusRight),
    ("left", Action::FocusLeft),
    ("next_link", Action::NextLink),
    ("prev_link", Action::PrevLink),
    ("activate", Action::Activate),
    ("back", Action::Back),
    ("forward", Action::Forward),
    ("prev_day", Action::PrevDay),
    ("next_day", Action::NextDay),
    ("prev_month", Action::PrevMonth),
    ("next_month", Action::NextMonth),
    ("search", Action::OpenSearch),
    ("tags", Action::OpenTags),
    ("goto", Action::OpenGoto),
    ("find", Action::OpenFind),
    ("help", Action::OpenHelp),
    ("open", Action::OpenSource),
    ("next_result", Action::NextResult),
    ("prev_result", Action::PrevResult),
    ("escape", Action::Escape),
    ("copy", Action::Copy),
    ("edit", Action::Edit),
    ("bookmark", Action::ToggleBookmark),
    ("bookmarks", Action::OpenBookmarks),
    ("reload", Action::Reload),
    ("story", Action::Story),
    ("next_entry", Action::NextEntry),
    ("prev_entry", Action::PrevEntry),
    ("next_unread", Action::NextUnread),
    ("flat_list", Action::ToggleFlat),
    ("two_lines", Action::ToggleWrap),
    ("toggle_read", Action::ToggleRead),
];

/// The action a configuration name stands for.
pub fn action_named(name: &str) -> Option<Action> {
    ACTION_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| a.clone())
}

/// The configuration name of an action, if it can be remapped.
pub fn action_name(action: &Action) -> Option<&'static str> {
    ACTION_NAMES
        .iter()
        .find(|(_, a)| a == action)
        .map(|(n, _)| *n)
}

/// Reads a key as the configuration writes it: `q`, `G`, `ctrl-c`,
/// `alt-left`, `backspace`, `enter`, `esc`, `tab`, `shift-tab`, `space`,
/// `up`, `pagedown`, `f1`…
pub fn parse_key(s: &str) -> Result<Key, String> {
    let mut mods = NONE;
    let mut rest = s;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (CTRL, 5)
        } else if lower.starts_with("alt-") {
            (ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        if rest.len() == len {
            break;
        }
        mods |= m;
        rest = &rest[len..];
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            if mods.contains(CTRL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else if mods.contains(KeyModifiers::SHIFT) {
                // `shift-a` is the key that types `A`.
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            } else {
                KeyCode::Char(c)
            }
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "backspace" => KeyCode::Backspace,
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => return Err(format!("unknown key name {:?}", crate::text::one_line(s))),
        },
    };
    Ok(normalize(code, mods))
}

/// How the configuration file writes a key (what [`parse_key`] reads).
pub fn key_name((code, mods): Key) -> String {
    let name = match code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::BackTab => "shift-tab".to_string(),
        KeyCode::PageUp => "pageup".to_string(),
        KeyCode::PageDown => "pagedown".to_string(),
        KeyCode::F(n) => format!("f{n}"),
        other => format!("{other:?}").to_ascii_lowercase(),
    };
    let mut out = String::new();
    if mods.contains(CTRL) {
        out.push_str("ctrl-");
    }
    if mods.contains(ALT) {
        out.push_str("alt-");
    }
    out + &name
}

/// One line of a keymap: [`Binding`] with the keys in force.
#[derive(Debug, Clone)]
pub struct Row {
    pub ctx: Ctx,
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: &'static str,
}

/// The bindings in force: [`BINDINGS`] with the configuration's remapping.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub rows: Vec<Row>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            rows: BINDINGS
                .iter()
                .map(|b| Row {
                    ctx: b.ctx,
                    keys: b.keys.iter().map(|&(c, m)| normalize(c, m)).collect(),
                    action: b.action.clone(),
                    help: b.help,
                })
                .collect(),
        }
    }
}

/// Why a remapping cannot be applied: which of the overrides (its
/// position in the list given) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemapError {
    pub which: usize,
    pub message: String,
}

impl Keymap {
    /// The default keymap with each action of `overrides` bound to the
    /// keys given instead of its defaults (outside the input lines). A key
    /// given to one action is taken from the defaults of any other that
    /// could apply at the same time; two overrides may not share a key
    /// where both apply.
    pub fn with_overrides(overrides: &[(Action, Vec<Key>)]) -> Result<Keymap, RemapError> {
        let mut map = Keymap::default();
        let mut owner: Vec<Option<usize>> = vec![None; map.rows.len()];
        for (which, (action, keys)) in overrides.iter().enumerate() {
            let keys: Vec<Key> = keys.iter().map(|&(c, m)| normalize(c, m)).collect();
            let mut any = false;
            for (row, own) in map.rows.iter_mut().zip(owner.iter_mut()) {
                if row.action == *action && remappable(row.ctx) {
                    row.keys = keys.clone();
                    *own = Some(which);
                    any = true;
                }
            }
            if !any {
                return Err(RemapError {
                    which,
                    message: "this action has no keys to remap".into(),
                });
            }
        }
        // Keys given by the user win over defaults that would hide them or
        // be hidden by them.
        let given: Vec<(Ctx, Key, usize)> = map
            .rows
            .iter()
            .zip(&owner)
            .filter_map(|(r, o)| o.map(|o| (r, o)))
            .flat_map(|(r, o)| r.keys.iter().map(move |&k| (r.ctx, k, o)))
            .collect();
        for (row, own) in map.rows.iter_mut().zip(&owner) {
            for &(ctx, key, o) in &given {
                if !row.keys.contains(&key) || !clash(ctx, row.ctx, key) {
                    continue;
                }
                match own {
                    // The popups' input lines keep their keys (they win
                    // there, see `action_for`).
                    None if !remappable(row.ctx) => {}
                    None => row.keys.retain(|&k| k != key),
                    Some(other) if *other != o && overrides[*other].0 != overrides[o].0 => {
                        let name = action_name(&overrides[*other].0).unwrap_or("?");
                        return Err(RemapError {
                            which: o.max(*other),
                            message: format!(
                                "{} is given to {} as well",
                                key_name(key),
                                if o > *other {
                                    name
                                } else {
                                    action_name(&overrides[o].0).unwrap_or("?")
                                }
                            ),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(map)
    }

    /// The action for a key event in a mode, if any. Releases and repeats
    /// of other kinds than press do nothing; characters typed into an input
    /// line become [`Action::Input`] unless the popup itself binds them.
    pub fn action_for(&self, mode: Mode, key: KeyEvent) -> Option<Action> {
        if key.kind != KeyEventKind::Press {
            return None;
        }
        let (code, mods) = normalize(key.code, key.modifiers);
        let typing = matches!(
            mode,
            Mode::Popup(
                PopupKind::Search
                    | PopupKind::Tags
                    | PopupKind::Goto
                    | PopupKind::Bookmarks
                    | PopupKind::Find
            )
        );
        let plain_char = matches!(code, KeyCode::Char(_)) && !mods.intersects(CTRL | ALT);
        // A binding of the place the key lands in wins over one that
        // applies everywhere: `quit = ["enter"]` must not take Enter from
        // the search popup.
        let found = self
            .rows
            .iter()
            .filter(|r| key_applies(r.ctx, (code, mods), mode))
            .filter(|r| r.keys.contains(&(code, mods)))
            .min_by_key(|r| r.ctx == Ctx::Any);
        if let Some(r) = found {
            return Some(r.action.clone());
        }
        match code {
            KeyCode::Char(c) if typing && plain_char => Some(Action::Input(c)),
            _ => None,
        }
    }

    /// The keys that do `action` in `mode`, as the help writes them: those
    /// of the pane or popup first, those bound everywhere last.
    pub fn keys_for(&self, mode: Mode, action: &Action, ascii: bool) -> Vec<String> {
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.ctx.applies(mode) && r.action == *action)
            .collect();
        rows.sort_by_key(|r| r.ctx == Ctx::Any);
        rows.iter()
            .flat_map(|r| {
                r.keys
                    .iter()
                    .filter(|&&k| key_applies(r.ctx, k, mode))
                    .map(|&(c, m)| label(c, m, ascii))
            })
            .collect()
    }

    /// The one key the status bar shows for `action` in `mode`: an arrow,
    /// else a plain character, else the first key in force.
    pub fn hint_key(&self, mode: Mode, action: &Action, ascii: bool) -> Option<String> {
        let mut keys: Vec<Key> = self
            .rows
            .iter()
            .filter(|r| r.ctx.applies(mode) && r.action == *action)
            .flat_map(|r| {
                r.keys
                    .iter()
                    .copied()
                    .filter(move |&k| key_applies(r.ctx, k, mode))
            })
            .collect();
        let rank = |&(code, mods): &Key| match code {
            _ if !mods.is_empty() => 2,
            KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right => 0,
            KeyCode::Char(_) => 1,
            _ => 2,
        };
        keys.sort_by_key(rank);
        keys.first().map(|&(c, m)| label(c, m, ascii))
    }

    /// The help overlay's rows: context title, then `(keys, what they do)`;
    /// actions left with no key are left out.
    pub fn help_sections(&self, ascii: bool) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let mut sections: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
        for r in self.rows.iter().filter(|r| !r.keys.is_empty()) {
            let keys = r
                .keys
                .iter()
                .map(|&(c, m)| label(c, m, ascii))
                .collect::<Vec<_>>()
                .join(" ");
            match sections.last_mut() {
                Some((title, rows)) if *title == r.ctx.title() => rows.push((keys, r.help)),
                _ => sections.push((r.ctx.title(), vec![(keys, r.help)])),
            }
        }
        sections
    }
}

/// The default keymap.
pub fn defaults() -> &'static Keymap {
    static DEFAULT: std::sync::LazyLock<Keymap> = std::sync::LazyLock::new(Keymap::default);
    &DEFAULT
}

/// The action for a key event in a mode under the default keymap.
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    defaults().action_for(mode, key)
}

/// How a key is written in the help and the status bar.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    label(code, mods, false)
}

/// A key's label; `ascii`: arrows as words.
pub fn label(code: KeyCode, mods: KeyModifiers, ascii: bool) -> String {
    let arrow = |fancy: &str, plain: &str| if ascii { plain } else { fancy }.to_string();
    let name = match code {
        KeyCode::Up => arrow("↑", "Up"),
        KeyCode::Down => arrow("↓", "Down"),
        KeyCode::Left => arrow("←", "Left"),
        KeyCode::Right => arrow("→", "Right"),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "Shift-Tab".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        KeyCode::Backspace => "Backspace".to_string(),
        KeyCode::Esc => "Esc".to_string(),
        KeyCode::Delete => "Delete".to_string(),
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) if mods.contains(CTRL) => c.to_ascii_uppercase().to_string(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    let mut out = String::new();
    if mods.contains(CTRL) {
        out.push_str("Ctrl-");
    }
    if mods.contains(ALT) {
        out.push_str("Alt-");
    }
    out.push_str(&name);
    out
}

/// The help overlay's rows under the default keymap.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    defaults().help_sections(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventState;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn letters_with_shift_and_backtab() {
        let main = Mode::Main(Focus::Dates);
        assert_eq!(
            action_for(main, key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::End)
        );
        assert_eq!(
            action_for(main, key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::FocusPrev)
        );
        assert_eq!(
            action_for(main, key(KeyCode::Left, ALT)),
            Some(Action::Back)
        );
        assert_eq!(
            action_for(main, key(KeyCode::Left, NONE)),
            Some(Action::FocusLeft)
        );
    }

    #[test]
    fn releases_do_nothing() {
        let mut k = key(KeyCode::Char('q'), NONE);
        k.kind = KeyEventKind::Release;
        k.state = KeyEventState::NONE;
        assert_eq!(action_for(Mode::Main(Focus::Dates), k), None);
    }

    #[test]
    fn typing_in_popups() {
        let search = Mode::Popup(PopupKind::Search);
        assert_eq!(
            action_for(search, key(KeyCode::Char('q'), NONE)),
            Some(Action::Input('q'))
        );
        assert_eq!(
            action_for(search, key(KeyCode::Char('c'), CTRL)),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(search, key(KeyCode::Backspace, NONE)),
            Some(Action::DeleteChar)
        );
        assert_eq!(
            action_for(Mode::Main(Focus::Events), key(KeyCode::Backspace, NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            action_for(Mode::Popup(PopupKind::Help), key(KeyCode::Char('x'), NONE)),
            None
        );
    }

    #[test]
    fn the_detail_pane_reads_like_a_pager() {
        let reader = Mode::Main(Focus::Links);
        let list = Mode::Main(Focus::Events);
        let k = |c| key(KeyCode::Char(c), NONE);
        assert_eq!(action_for(reader, k('j')), Some(Action::Down));
        assert_eq!(action_for(reader, k(' ')), Some(Action::PageDown));
        assert_eq!(action_for(reader, k('b')), Some(Action::PageUp));
        assert_eq!(
            action_for(reader, key(KeyCode::Char('d'), CTRL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            action_for(reader, key(KeyCode::Tab, NONE)),
            Some(Action::NextLink)
        );
        assert_eq!(
            action_for(reader, key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevLink)
        );
        assert_eq!(
            action_for(reader, key(KeyCode::Esc, NONE)),
            Some(Action::Escape)
        );
        // In the lists Tab still moves between panes, Esc clears a filter.
        assert_eq!(
            action_for(list, key(KeyCode::Tab, NONE)),
            Some(Action::FocusNext)
        );
        assert_eq!(
            action_for(list, key(KeyCode::Esc, NONE)),
            Some(Action::Escape)
        );
        for mode in [reader, list] {
            assert_eq!(
                action_for(mode, key(KeyCode::Left, ALT)),
                Some(Action::Back)
            );
        }
    }

    /// A key means one thing wherever it applies: no two bindings that
    /// can apply at once share a key (the first would hide the second).
    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in MODES {
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS {
                for &(c, m) in b.keys {
                    if key_applies(b.ctx, normalize(c, m), mode) {
                        assert!(seen.insert(normalize(c, m)), "{mode:?}: {c:?} {m:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn help_lists_every_binding() {
        let rows: usize = help_sections().iter().map(|(_, r)| r.len()).sum();
        assert_eq!(rows, BINDINGS.len());
    }
}

//! The one table from keys to actions. Every default binding lives in
//! [`BINDINGS`], per context (the focused pane or the open popup), and the
//! help overlay is generated from the same table, so remapping later means
//! changing data, not code.

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
                Mode::Popup(PopupKind::Search) | Mode::Popup(PopupKind::Tags)
            ),
            Ctx::Search => mode == Mode::Popup(PopupKind::Search),
            Ctx::Goto => mode == Mode::Popup(PopupKind::Goto),
            Ctx::Help => mode == Mode::Popup(PopupKind::Help),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Ctx::Any => "Everywhere",
            Ctx::Main => "Browsing (any pane)",
            Ctx::Lists => "In the date and entry lists",
            Ctx::Reader => "Reading an entry (the detail pane, like less)",
            Ctx::Picker => "Search and tag pickers",
            Ctx::Search => "Search popup",
            Ctx::Goto => "Go to date",
            Ctx::Help => "Help",
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
    bind!(Main, [ch('/')], Action::OpenSearch, "search headlines"),
    bind!(Main, [ch('n')], Action::NextResult, "next search result"),
    bind!(
        Main,
        [ch('N')],
        Action::PrevResult,
        "previous search result"
    ),
    bind!(Main, [ch('t')], Action::OpenTags, "filter by tag"),
    bind!(
        Main,
        [ch(':')],
        Action::OpenGoto,
        "go to a date (2017, 2017-06, 2017-06-08)"
    ),
    bind!(
        Main,
        [ch('o')],
        Action::OpenSource,
        "open a source in the web browser"
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
        "next pane: dates → entries → the entry"
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
        "clear the tag filter"
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
        "next link (the first one on screen if none is chosen)"
    ),
    bind!(
        Reader,
        [(KeyCode::BackTab, NONE)],
        Action::PrevLink,
        "previous link"
    ),
    bind!(
        Reader,
        [(KeyCode::Enter, NONE)],
        Action::Activate,
        "follow the link (a source opens in the web browser)"
    ),
    bind!(
        Reader,
        [(KeyCode::Left, NONE), ch('h'), (KeyCode::Esc, NONE)],
        Action::FocusLeft,
        "back to the list of entries"
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

/// The action for a key event in a mode, if any. Releases and repeats of
/// other kinds than press do nothing; characters typed into an input line
/// that are bound to nothing become [`Action::Input`].
pub fn action_for(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let (code, mods) = normalize(key.code, key.modifiers);
    let found = BINDINGS
        .iter()
        .filter(|b| b.ctx.applies(mode))
        .find(|b| b.keys.iter().any(|&(c, m)| normalize(c, m) == (code, mods)));
    if let Some(b) = found {
        return Some(b.action.clone());
    }
    let typing = matches!(
        mode,
        Mode::Popup(PopupKind::Search | PopupKind::Tags | PopupKind::Goto)
    );
    match code {
        KeyCode::Char(c) if typing && !mods.intersects(CTRL | ALT) => Some(Action::Input(c)),
        _ => None,
    }
}

/// How a key is written in the help and the status bar.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let name = match code {
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => "Shift-Tab".to_string(),
        KeyCode::Enter => "Enter".to_string(),
        KeyCode::Backspace => "Backspace".to_string(),
        KeyCode::Esc => "Esc".to_string(),
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

/// The help overlay's rows: context title, then `(keys, what they do)`.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut sections: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
    for b in BINDINGS {
        let keys = b
            .keys
            .iter()
            .map(|&(c, m)| key_label(c, m))
            .collect::<Vec<_>>()
            .join(" ");
        match sections.last_mut() {
            Some((title, rows)) if *title == b.ctx.title() => rows.push((keys, b.help)),
            _ => sections.push((b.ctx.title(), vec![(keys, b.help)])),
        }
    }
    sections
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
            Some(Action::FocusLeft)
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
        let modes = [
            Mode::Main(Focus::Dates),
            Mode::Main(Focus::Events),
            Mode::Main(Focus::Links),
            Mode::Popup(PopupKind::Search),
            Mode::Popup(PopupKind::Tags),
            Mode::Popup(PopupKind::Goto),
            Mode::Popup(PopupKind::Help),
        ];
        for mode in modes {
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS.iter().filter(|b| b.ctx.applies(mode)) {
                for &(c, m) in b.keys {
                    assert!(seen.insert(normalize(c, m)), "{mode:?}: {c:?} {m:?}");
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

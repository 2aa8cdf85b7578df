//! What the user (or a background worker) asks the browser to do, and what
//! the browser asks the outside world to do in return. Keys and mouse events
//! become [`Action`]s through the keymap; `App::update` turns an action into
//! new state and at most one [`Effect`], which the event loop performs. This
//! keeps all I/O out of the state machine.

use crate::search::Found;

/// One thing to do to the browser's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Ctrl-U / Ctrl-D: half a page up or down.
    HalfPageUp,
    HalfPageDown,
    Home,
    End,
    /// Tab / Shift-Tab: the next or previous pane, round the cycle.
    FocusNext,
    FocusPrev,
    /// → / ←: the pane to the right or left, stopping at the edges.
    FocusRight,
    FocusLeft,
    /// Tab / Shift-Tab in the detail pane: the next or previous link.
    NextLink,
    PrevLink,
    /// Enter: go into the next pane, follow a link, pick a popup entry.
    Activate,
    Back,
    Forward,
    PrevDay,
    NextDay,
    PrevMonth,
    NextMonth,
    OpenSearch,
    /// In the search popup: headlines only, or full text.
    ToggleSearchMode,
    OpenTags,
    OpenGoto,
    /// `f`: find text in the entry being read.
    OpenFind,
    OpenHelp,
    OpenSource,
    NextResult,
    PrevResult,
    /// Esc: close the popup, or clear the tag filter.
    Escape,
    /// A character typed into a popup's input line.
    Input(char),
    /// Backspace in a popup's input line.
    DeleteChar,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWord,
    /// Ctrl-U: clear the input line.
    ClearInput,
    /// Text pasted into a popup's input line (bracketed paste).
    Paste(String),
    /// Ctrl-Z: give the terminal back to the shell and stop.
    Suspend,
    /// Ctrl-L: draw the whole screen again.
    Redraw,
    /// A left click at a terminal cell.
    Click {
        x: u16,
        y: u16,
    },
    /// The wheel turned over a terminal cell.
    Scroll {
        x: u16,
        y: u16,
        down: bool,
    },
    /// `y`: copy the chosen link's address, else the headline and date.
    Copy,
    /// `e`: open the entry's file in the editor.
    Edit,
    /// `m`: bookmark the selected entry, or unmark it.
    ToggleBookmark,
    /// `'`: the list of bookmarks.
    OpenBookmarks,
    /// Delete in the list of bookmarks: remove the chosen one.
    RemoveBookmark,
    /// `R`: read the archive's changes now.
    Reload,
    /// `s`: narrow the browser to the story of the selected entry.
    Story,
    /// `J` / `K`: the next / previous entry of the list in view, across
    /// days.
    NextEntry,
    PrevEntry,
    /// `L`: the entries pane lists a day's entries, or every entry the
    /// filter keeps.
    ToggleFlat,
    /// `w`: headlines on two lines in the entries list, or one.
    ToggleWrap,
    /// `u`: the next entry not read yet.
    NextUnread,
    /// `U`: mark the entry unread (or read) again.
    ToggleRead,
    /// The search worker finished a query.
    SearchDone {
        generation: u64,
        found: Found,
    },
}

/// Something `update` wants done outside the state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run a search; results for an older generation are dropped.
    Search {
        generation: u64,
        query: String,
        /// Headlines, or headlines and bodies.
        kind: crate::search::Kind,
        /// Only entries it keeps.
        filter: crate::filter::Filter,
    },
    /// Hand a web address to the platform's opener.
    OpenUrl(String),
    /// Put text on the clipboard (OSC 52); `what` says what it is.
    Copy {
        text: String,
        what: String,
    },
    /// Open a file of the archive in the editor, the browser suspended.
    Edit(std::path::PathBuf),
    /// Read the archive's changes.
    Reload,
    /// Find the story of this entry (through the word index, which the
    /// loop holds) and narrow the browser to it.
    Story(crate::model::EventIdx),
    /// Write the state (bookmarks changed).
    SaveState,
    /// Restore the terminal, stop the process, take the terminal again.
    Suspend,
    /// Clear the screen and draw everything again.
    Redraw,
    Quit,
}

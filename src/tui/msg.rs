//! The messages the browser's loop waits for, from every thread that
//! works for it (input, signals, the search and archive workers), and how
//! the loop can end. Apart from the loop so that those threads need not
//! know it.

use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use crate::loader::{IndexUse, LoadError};
use crate::model::Timeline;
use std::sync::Arc;

use crate::search::{Found, WordIndex};

/// Everything the loop waits for.
pub enum Msg {
    Term(TermEvent),
    SearchDone {
        generation: u64,
        found: Found,
    },
    /// The word index of a timeline is ready (built in the background).
    Words {
        timeline: Arc<Timeline>,
        words: Arc<WordIndex>,
    },
    /// Loading progress: files done, files in all.
    Progress(usize, usize),
    Loaded(Box<Result<Timeline, LoadError>>),
    /// The archive was read again (checked against the timeline shown):
    /// the fresh timeline, as something changed; `manual`: `R` asked.
    Checked {
        result: Box<Result<(Timeline, IndexUse), LoadError>>,
        manual: bool,
    },
    /// The check found the archive as the index has it.
    Unchanged,
    /// A reload asked for with `R` found nothing changed.
    NoChange,
    /// Something to tell the user in the status bar, as a warning (the
    /// archive cannot be watched).
    Note(String),
    /// The terminal can no longer be read (it went away): time to stop.
    InputClosed,
    /// A signal caught by [`super::signals::spawn_signals`].
    Signal(i32),
}

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit, or the terminal went away.
    Quit,
    /// A signal asked the browser to end (SIGTERM, SIGHUP, SIGINT, SIGQUIT):
    /// the terminal is restored and the exit code is 128 + the signal.
    Signal(i32),
}

/// The signals that end the browser (after restoring the terminal).
pub const QUIT_SIGNALS: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

/// True for a pressed Ctrl-C.
pub fn is_ctrl_c(ev: &TermEvent) -> bool {
    matches!(ev, TermEvent::Key(k)
        if k.kind == KeyEventKind::Press
            && k.code == KeyCode::Char('c')
            && k.modifiers.contains(KeyModifiers::CONTROL))
}

/// The exit a message asks for at once, ahead of whatever is queued before
/// it: Ctrl-C, a quitting signal, or a terminal that went away.
pub fn urgent(msg: &Msg) -> Option<Exit> {
    match msg {
        Msg::Term(ev) if is_ctrl_c(ev) => Some(Exit::Quit),
        Msg::Signal(sig) if QUIT_SIGNALS.contains(sig) => Some(Exit::Signal(*sig)),
        Msg::InputClosed => Some(Exit::Quit),
        _ => None,
    }
}

//! The loop that drives the browser: one channel carries terminal events,
//! signals and finished background work; the loop blocks on it (no periodic
//! tick, so an idle browser uses no CPU), maps each message to an action
//! through the keymap, updates the state, performs the returned effect, and
//! redraws. Generic over the ratatui backend so tests can drive it with
//! `TestBackend`; what it needs of the real terminal (suspending, taking it
//! back) comes through [`Host`].
//!
//! Signals are caught by signal-hook and forwarded as [`Msg::Signal`] by a
//! thread of their own, so no work happens in a signal handler. A hung-up
//! terminal is noticed by a thread blocked in poll(2), since crossterm's
//! reader then sees end-of-file forever and never returns an error.
//!
//! The input thread reads what the terminal holds, then sleeps in poll(2)
//! on the terminal and on a pipe of its own with no timeout (crossterm's
//! own wait with a timeout woke it four times a second, and spun for up to
//! a millisecond each time, its timeout cut to whole milliseconds): only a
//! key, a resize (SIGWINCH writes to the pipe), a pause for the editor
//! ([`pause_input`] writes to it) or a held Escape's [`META_WAIT`] wakes
//! it. Every thread of an idle browser is blocked: it wakes only for
//! input, signals and the watcher.

use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, MouseButton, MouseEventKind};
use signal_hook::consts::signal::{SIGCONT, SIGTSTP};

use super::action::{Action, Effect};
use super::app::App;
pub use super::input::{
    InputControl, InputSource, META_WAIT, MetaKeys, input_loop, pause_input, resume_input,
    spawn_input,
};
use super::keymap::{Mode, PopupKind};
pub use super::msg::{Exit, Msg, QUIT_SIGNALS, is_ctrl_c, urgent};
pub use super::search_worker::SearchWorker;
pub use super::signals::{hung_up, spawn_hangup_watch, spawn_signals};
use super::ui;
use crate::changes::Changes;

/// What the status bar says while `R` reads the archive again.
const RELOADING: &str = "reading the archive's changes…";

/// What the loop needs of the world outside the app: the web browser and
/// the real terminal in the browser, stand-ins in tests.
pub trait Host<B: Backend> {
    /// Hands a web address to the platform's opener.
    fn open_url(&mut self, url: &str) -> Result<(), String>;
    /// Gives the terminal back to the shell and stops the process; returns
    /// once it is continued, with the terminal set up for the browser again.
    fn suspend(&mut self, terminal: &mut Terminal<B>) -> io::Result<()>;
    /// Sets the terminal up for the browser again after the process was
    /// stopped by someone else (SIGCONT).
    fn resume(&mut self, terminal: &mut Terminal<B>) -> io::Result<()>;
    /// True when the terminal has gone away: its errors then end the
    /// browser quietly instead of being reported.
    fn gone(&mut self) -> bool {
        false
    }
    /// Puts text on the terminal's clipboard (OSC 52).
    fn copy(&mut self, _text: &str) -> Result<(), String> {
        Err("no clipboard here".into())
    }
    /// Opens a file in the editor, the terminal given back meanwhile.
    fn edit(
        &mut self,
        _terminal: &mut Terminal<B>,
        _file: &Path,
    ) -> io::Result<Result<(), String>> {
        Ok(Err("no editor here".into()))
    }
    /// Reads the archive's changes (the answer comes as a message);
    /// `manual`: asked for by the user.
    fn reload(&mut self, _manual: bool) -> Result<(), String> {
        Err("this archive cannot be read again".into())
    }
    /// Saves what the browser remembers of the archive; the state as
    /// saved (merged with what other browsers saved meanwhile), which the
    /// browser then takes up, or `None` when nothing is kept.
    fn save_state(&mut self, _app: &App) -> Result<Option<crate::state::State>, String> {
        Ok(None)
    }
}

/// A [`Host`] for tests: it opens nothing and does not stop.
pub struct NoHost;

impl<B: Backend> Host<B> for NoHost {
    fn open_url(&mut self, _url: &str) -> Result<(), String> {
        Err("no web browser here".into())
    }
    fn suspend(&mut self, _terminal: &mut Terminal<B>) -> io::Result<()> {
        Ok(())
    }
    fn resume(&mut self, _terminal: &mut Terminal<B>) -> io::Result<()> {
        Ok(())
    }
}

/// The action a terminal event asks for, if any.
pub fn action_for(app: &App, ev: &TermEvent) -> Option<Action> {
    match ev {
        TermEvent::Key(key) => app.settings.keys.action_for(app.mode(), *key),
        TermEvent::Paste(text) => matches!(
            app.mode(),
            Mode::Popup(
                PopupKind::Search
                    | PopupKind::Tags
                    | PopupKind::Goto
                    | PopupKind::Bookmarks
                    | PopupKind::Find
            )
        )
        .then(|| Action::Paste(text.clone())),
        TermEvent::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                x: m.column,
                y: m.row,
            }),
            MouseEventKind::ScrollDown => Some(Action::Scroll {
                x: m.column,
                y: m.row,
                down: true,
            }),
            MouseEventKind::ScrollUp => Some(Action::Scroll {
                x: m.column,
                y: m.row,
                down: false,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Draws a frame and tells the app where things landed; draws a second
/// time when the app asks (it could only choose a link once it saw where
/// the frame put it).
pub fn redraw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> io::Result<()> {
    for _ in 0..2 {
        // The entry's text is read here, before the frame: the draw reads
        // nothing from disk.
        if let Some(i) = app.current() {
            app.body_text.read_for(&app.timeline, i);
            app.similar.fill_for(&app.timeline, i);
        }
        let mut areas = None;
        terminal
            .draw(|f| areas = Some(ui::draw(f, app)))
            .map_err(|e| io::Error::other(e.to_string()))?;
        if !areas.is_some_and(|a| app.after_draw(a)) {
            break;
        }
    }
    Ok(())
}

/// Clears the screen and forgets what was on it, so that the next draw
/// writes every cell (Ctrl-L, after a resume). Unlike `Terminal::clear`,
/// this does not ask the terminal where its cursor is: the answer would be
/// read by the input thread and the question time out.
pub fn forget_screen<B: Backend>(terminal: &mut Terminal<B>) -> io::Result<()> {
    terminal
        .backend_mut()
        .clear()
        .map_err(|e| io::Error::other(e.to_string()))?;
    // Blanks the last frame and makes it the one drawn into: both buffers
    // are empty, as the screen now is.
    terminal.swap_buffers();
    Ok(())
}

/// What the loop has to do after a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Carry out an effect that needs the host (clipboard, editor,
    /// reloading, saving), then draw.
    Host(Effect),
    Nothing,
    /// Draw the changes.
    Draw,
    /// Clear the screen and draw everything (Ctrl-L).
    FullRedraw,
    /// Give the terminal back and stop (Ctrl-Z, SIGTSTP).
    Suspend,
    /// Take the terminal again and draw everything (SIGCONT).
    Resume,
    /// End the loop.
    Exit(Exit),
}

/// Handles one message: updates the app, runs its effect (searching,
/// opening a link) and says what the terminal needs next.
pub fn step(
    app: &mut App,
    msg: Msg,
    worker: &SearchWorker,
    open: &mut dyn FnMut(&str) -> Result<(), String>,
) -> Next {
    if let Some(exit) = urgent(&msg) {
        app.quit = true;
        return Next::Exit(exit);
    }
    let action = match msg {
        Msg::Term(TermEvent::Resize(..)) => {
            app.resized();
            return Next::Draw;
        }
        Msg::Term(ev) => match action_for(app, &ev) {
            Some(a) => a,
            None => return Next::Nothing,
        },
        Msg::SearchDone { generation, found } => Action::SearchDone { generation, found },
        Msg::Words { timeline, words } => {
            app.similar.words_ready(&app.timeline, timeline, words);
            return Next::Draw;
        }
        Msg::Signal(SIGTSTP) => return Next::Suspend,
        Msg::Signal(SIGCONT) => return Next::Resume,
        Msg::Progress(..) | Msg::Loaded(_) | Msg::Signal(_) | Msg::InputClosed => {
            return Next::Nothing;
        }
        Msg::Unchanged => {
            app.status.checking = false;
            return Next::Draw;
        }
        Msg::NoChange => {
            app.status.message = Some(super::app::Message {
                text: "the archive has not changed".into(),
                error: false,
            });
            return Next::Draw;
        }
        Msg::Note(text) => {
            app.status.message = Some(super::app::Message { text, error: true });
            return Next::Draw;
        }
        Msg::Checked { result, manual } => {
            app.status.checking = false;
            match *result {
                Ok((timeline, index)) => {
                    let old = app.timeline.clone();
                    let changes = Changes::between(&old, &timeline);
                    // What the new timeline itself has to say (a story
                    // ended), told after the changes.
                    let before = app.status.message.take();
                    let rerun = app.replace_timeline(Arc::new(timeline));
                    let note = app.status.message.take().map(|m| m.text);
                    app.status.message = before;
                    worker.set_timeline(app.timeline.clone());
                    if let Some(effect) = rerun {
                        worker.submit(effect);
                    }
                    // Read again without the index (`--no-cache`), the
                    // archive cannot tell whether a file changed: a
                    // watcher's false alarm (its queue overflowing while
                    // it sets up on a large archive) that changed no entry
                    // is not worth a word, unless `R` asked.
                    let text = if index.used || !changes.is_empty() {
                        Some(changes.to_string())
                    } else {
                        manual.then(|| "read again: no entry changed".to_string())
                    };
                    let text = match (text, note) {
                        (Some(text), Some(note)) => Some(format!("{text}; {note}")),
                        (text, note) => text.or(note),
                    };
                    if let Some(text) = text {
                        app.status.message = Some(super::app::Message { text, error: false });
                    }
                }
                Err(e) => {
                    app.status.message = Some(super::app::Message {
                        text: format!("could not check the archive: {e}"),
                        error: true,
                    });
                }
            }
            return Next::Draw;
        }
    };
    match app.update(action) {
        Some(effect @ Effect::Search { .. }) => worker.submit(effect),
        Some(Effect::OpenUrl(url)) => {
            if let Err(e) = open(&url) {
                app.status.message = Some(super::app::Message {
                    text: e,
                    error: true,
                });
            }
        }
        Some(Effect::Story(idx)) => match app.similar.story(&app.timeline, idx) {
            Some(story) => app.show_story(idx, story),
            None => {
                app.status.message = Some(super::app::Message {
                    text: "the word index is still being made: s works in a moment".into(),
                    error: true,
                });
            }
        },
        Some(Effect::Suspend) => return Next::Suspend,
        Some(Effect::Redraw) => return Next::FullRedraw,
        Some(e @ (Effect::Copy { .. } | Effect::Edit(_) | Effect::Reload | Effect::SaveState)) => {
            return Next::Host(e);
        }
        Some(Effect::Quit) => return Next::Exit(Exit::Quit),
        None => {}
    }
    Next::Draw
}

/// Carries out an effect through the host and says how it went in the
/// status bar; true when the screen must be drawn afresh (after the
/// editor).
fn perform<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    host: &mut dyn Host<B>,
    effect: Effect,
) -> io::Result<bool> {
    let say = |app: &mut App, r: Result<String, String>| {
        app.status.message = Some(match r {
            Ok(text) => super::app::Message { text, error: false },
            Err(text) => super::app::Message { text, error: true },
        });
    };
    match effect {
        Effect::Copy { text, what } => {
            let r = host.copy(&text).map(|()| format!("copied {what}"));
            say(app, r);
        }
        Effect::Edit(file) => {
            // The entry's file as the loader printed it: the real name back.
            #[cfg(unix)]
            let file = crate::text::unescape_path(&file.to_string_lossy(), |p| p.is_file());
            let r = host.edit(terminal, &file)?;
            match r {
                // What the editor changed comes back as a reload.
                Ok(()) => {
                    let _ = host.reload(false);
                    app.status.message = None;
                }
                Err(e) => say(app, Err(e)),
            }
            return Ok(true);
        }
        Effect::Reload => {
            let r = host.reload(true).map(|()| RELOADING.to_string());
            say(app, r);
        }
        Effect::SaveState => match host.save_state(app) {
            Ok(Some(saved)) => app.take_saved(saved),
            Ok(None) => {}
            Err(e) => say(app, Err(format!("could not save the bookmarks: {e}"))),
        },
        _ => {}
    }
    Ok(false)
}

/// Handles one message; returns true when the screen needs drawing. (The
/// terminal work that [`step`] asks for is left to the caller.)
pub fn handle(
    app: &mut App,
    msg: Msg,
    worker: &SearchWorker,
    open: &mut dyn FnMut(&str) -> Result<(), String>,
) -> bool {
    !matches!(step(app, msg, worker, open), Next::Nothing | Next::Exit(_))
}

/// Messages handled between two looks for newly arrived ones, so that a
/// Ctrl-C behind a burst of keys (a paste) acts at once.
const LOOK_AHEAD_EVERY: usize = 64;

/// Takes every message already waiting into `batch`; the exit one of them
/// asks for, if any.
fn take_waiting(rx: &Receiver<Msg>, batch: &mut VecDeque<Msg>) -> Option<Exit> {
    let before = batch.len();
    batch.extend(rx.try_iter());
    batch.range(before..).find_map(urgent)
}

/// Runs the browser until the user quits, a signal ends it, the terminal
/// goes away or the channel closes.
pub fn run_app<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &Receiver<Msg>,
    worker: &SearchWorker,
    host: &mut dyn Host<B>,
) -> io::Result<Exit> {
    match run_loop(terminal, app, rx, worker, host) {
        // Writing to a terminal that hung up fails: that is an end, not an
        // error to report (to a terminal that is not there).
        Err(_) if host.gone() => Ok(Exit::Quit),
        other => other,
    }
}

fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &Receiver<Msg>,
    worker: &SearchWorker,
    host: &mut dyn Host<B>,
) -> io::Result<Exit> {
    redraw(terminal, app)?;
    let mut batch = VecDeque::new();
    while !app.quit {
        if batch.is_empty() {
            let Ok(msg) = rx.recv() else { break };
            batch.push_back(msg);
        }
        // Ctrl-C and quitting signals act before the keys queued ahead of them.
        if let Some(exit) = batch
            .iter()
            .find_map(urgent)
            .or_else(|| take_waiting(rx, &mut batch))
        {
            app.quit = true;
            return Ok(exit);
        }
        let (mut draw, mut full) = (false, false);
        let mut handled = 0;
        while let Some(msg) = batch.pop_front() {
            let mut open = |url: &str| host.open_url(url);
            match step(app, msg, worker, &mut open) {
                Next::Nothing => {}
                Next::Draw => draw = true,
                Next::FullRedraw => full = true,
                Next::Suspend => {
                    host.suspend(terminal)?;
                    full = true;
                }
                Next::Resume => {
                    host.resume(terminal)?;
                    full = true;
                }
                Next::Host(effect) => {
                    full |= perform(terminal, app, host, effect)?;
                    draw = true;
                }
                Next::Exit(exit) => return Ok(exit),
            }
            handled += 1;
            if handled % LOOK_AHEAD_EVERY == 0
                && let Some(exit) = take_waiting(rx, &mut batch)
            {
                app.quit = true;
                return Ok(exit);
            }
        }
        if app.quit {
            break;
        }
        if full {
            forget_screen(terminal)?;
        }
        if draw || full {
            redraw(terminal, app)?;
        }
    }
    Ok(Exit::Quit)
}

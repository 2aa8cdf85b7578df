//! The loop that drives the browser: one channel carries terminal events
//! and finished background work; the loop blocks on it (no periodic tick, so
//! an idle browser uses no CPU), maps each message to an action through the
//! keymap, updates the state, performs the returned effect, and redraws.
//! Generic over the ratatui backend so tests can drive it with `TestBackend`.

use std::io;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, MouseButton, MouseEventKind};

use super::action::{Action, Effect};
use super::app::App;
use super::keymap;
use super::popups::SEARCH_LIMIT;
use super::ui;
use crate::loader::{IndexUse, LoadError};
use crate::model::Timeline;
use crate::search::{self, Hit};

/// Everything the loop waits for.
pub enum Msg {
    Term(TermEvent),
    SearchDone {
        generation: u64,
        hits: Vec<Hit>,
    },
    /// Loading progress: files done, files in all.
    Progress(usize, usize),
    Loaded(Box<Result<Timeline, LoadError>>),
    /// The archive was checked against its index after the indexed
    /// timeline was shown: the fresh timeline when anything changed.
    Checked(Box<Result<(Timeline, IndexUse), LoadError>>),
    /// The terminal can no longer be read (it went away): time to stop.
    InputClosed,
}

/// Matches search queries on its own thread. Only the newest waiting query
/// is run; results carry the query's generation so the app can drop stale
/// ones.
pub struct SearchWorker {
    tx: Sender<Job>,
}

enum Job {
    Query(u64, String),
    /// Search this timeline from now on.
    Timeline(Arc<Timeline>),
}

impl SearchWorker {
    pub fn spawn(timeline: Arc<Timeline>, out: Sender<Msg>) -> SearchWorker {
        let (tx, rx) = channel::<Job>();
        thread::spawn(move || {
            let mut timeline = timeline;
            while let Ok(job) = rx.recv() {
                let mut query = None;
                for job in std::iter::once(job).chain(rx.try_iter()) {
                    match job {
                        Job::Query(generation, q) => query = Some((generation, q)),
                        Job::Timeline(t) => timeline = t,
                    }
                }
                let Some((generation, query)) = query else {
                    continue;
                };
                let hits = search::search(&timeline, &query, SEARCH_LIMIT);
                if out.send(Msg::SearchDone { generation, hits }).is_err() {
                    break;
                }
            }
        });
        SearchWorker { tx }
    }

    pub fn submit(&self, generation: u64, query: String) {
        let _ = self.tx.send(Job::Query(generation, query));
    }

    /// Searches `timeline` from the next query on.
    pub fn set_timeline(&self, timeline: Arc<Timeline>) {
        let _ = self.tx.send(Job::Timeline(timeline));
    }
}

/// Forwards terminal events into `tx` from a thread of their own.
pub fn spawn_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        while let Ok(ev) = ratatui::crossterm::event::read() {
            if tx.send(Msg::Term(ev)).is_err() {
                return;
            }
        }
        let _ = tx.send(Msg::InputClosed);
    });
}

/// The action a terminal event asks for, if any.
pub fn action_for(app: &App, ev: &TermEvent) -> Option<Action> {
    match ev {
        TermEvent::Key(key) => keymap::action_for(app.mode(), *key),
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

/// Draws a frame and tells the app where things landed.
pub fn redraw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> io::Result<()> {
    let mut areas = None;
    terminal
        .draw(|f| areas = Some(ui::draw(f, app)))
        .map_err(|e| io::Error::other(e.to_string()))?;
    if let Some(a) = areas {
        app.after_draw(a);
    }
    Ok(())
}

/// Handles one message; returns true when the screen needs drawing.
pub fn handle(
    app: &mut App,
    msg: Msg,
    worker: &SearchWorker,
    open: &mut dyn FnMut(&str) -> Result<(), String>,
) -> bool {
    let action = match msg {
        Msg::Term(TermEvent::Resize(..)) => return true,
        Msg::Term(ev) => match action_for(app, &ev) {
            Some(a) => a,
            None => return false,
        },
        Msg::SearchDone { generation, hits } => Action::SearchDone { generation, hits },
        Msg::Progress(..) | Msg::Loaded(_) => return false,
        Msg::Checked(result) => {
            match *result {
                Ok((timeline, index)) => {
                    app.replace_timeline(Arc::new(timeline));
                    worker.set_timeline(app.timeline.clone());
                    let s = if index.reread == 1 { "" } else { "s" };
                    app.message = Some(super::app::Message {
                        text: format!(
                            "the archive changed: {} file{s} re-read, {} gone",
                            index.reread, index.removed
                        ),
                        error: false,
                    });
                }
                Err(e) => {
                    app.message = Some(super::app::Message {
                        text: format!("could not check the archive: {e}"),
                        error: true,
                    });
                }
            }
            return true;
        }
        Msg::InputClosed => {
            app.quit = true;
            return false;
        }
    };
    match app.update(action) {
        Some(Effect::Search { generation, query }) => worker.submit(generation, query),
        Some(Effect::OpenUrl(url)) => {
            if let Err(e) = open(&url) {
                app.message = Some(super::app::Message {
                    text: e,
                    error: true,
                });
            }
        }
        Some(Effect::Quit) | None => {}
    }
    true
}

/// Runs the browser until the user quits or the channel closes.
pub fn run_app<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &Receiver<Msg>,
    worker: &SearchWorker,
    open: &mut dyn FnMut(&str) -> Result<(), String>,
) -> io::Result<()> {
    redraw(terminal, app)?;
    while !app.quit {
        let Ok(msg) = rx.recv() else { break };
        let mut dirty = handle(app, msg, worker, open);
        // Take whatever else is already waiting before drawing once.
        while !app.quit
            && let Ok(msg) = rx.try_recv()
        {
            dirty |= handle(app, msg, worker, open);
        }
        if dirty && !app.quit {
            redraw(terminal, app)?;
        }
    }
    Ok(())
}

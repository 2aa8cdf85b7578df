//! The terminal browser: `ktimeline [PATH]...` opens a full-screen view of
//! an archive. This module sets the terminal up and tears it down (on quit,
//! error and panic), loads the archive in the background behind a progress
//! gauge, and hands over to the event loop.

pub mod action;
pub mod app;
pub mod body_cache;
pub mod event_loop;
pub mod history;
pub mod keymap;
pub mod markdown;
pub mod open;
pub mod popups;
pub mod theme;
pub mod ui;
pub mod view;
pub mod wrap;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, KeyCode, KeyEventKind,
    KeyModifiers,
};
use ratatui::crossterm::execute;

use app::App;
use event_loop::{Msg, SearchWorker};
use theme::Theme;

use crate::loader;
use crate::model::Timeline;

/// The hint given whenever the browser cannot draw.
const USE_SUBCOMMANDS: &str = "For output you can pipe or save, use the subcommands:\n  \
     ktimeline search --help\n  ktimeline check --help\n  \
     ktimeline stats --help\n  ktimeline export --help";

/// Opens the browser on `paths` (none: the built-in sample archive).
pub fn run(paths: Vec<PathBuf>) -> io::Result<ExitCode> {
    for p in &paths {
        if let Err(e) = std::fs::metadata(p) {
            let why = match e.kind() {
                io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            };
            return Err(io::Error::new(e.kind(), format!("{}: {why}", p.display())));
        }
    }
    if !io::stdout().is_terminal() {
        crate::commands::warn(&format!(
            "ktimeline: the browser needs a terminal, and standard output is not one.\n{USE_SUBCOMMANDS}"
        ));
        return Ok(ExitCode::from(2));
    }
    let theme = Theme::from_env();
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    execute!(io::stdout(), EnableMouseCapture)?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        hook(info);
    }));

    let (tx, rx) = channel();
    event_loop::spawn_input(tx.clone());
    let what = if paths.is_empty() {
        "the built-in sample".to_string()
    } else {
        paths
            .iter()
            .map(|p| crate::text::one_line(&p.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let loader_tx = tx.clone();
    let what_for_loader = what.clone();
    std::thread::spawn(move || {
        let load = || {
            if paths.is_empty() {
                return Ok(loader::load_sample());
            }
            let last_pct = AtomicUsize::new(usize::MAX);
            let progress_tx = std::sync::Mutex::new(loader_tx.clone());
            let progress = |done: usize, total: usize| {
                // While the walk is still finding files (total 0), each
                // call is a new count worth showing.
                let pct = (done * 100).checked_div(total).unwrap_or(done);
                if last_pct.swap(pct, Ordering::Relaxed) != pct
                    && let Ok(tx) = progress_tx.lock()
                {
                    let _ = tx.send(Msg::Progress(done, total));
                }
            };
            loader::load_paths(&paths, &progress)
        };
        // A panic in the loader must end the browser, not leave it waiting.
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
                Err(loader::LoadError {
                    path: PathBuf::from(&what_for_loader),
                    message: "the loader failed unexpectedly".into(),
                })
            });
        let _ = loader_tx.send(Msg::Loaded(Box::new(result)));
    });

    let Some(timeline) = wait_for_load(&mut terminal, &rx, &what, &theme)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let timeline = Arc::new(timeline);
    let worker = SearchWorker::spawn(timeline.clone(), tx);
    let mut app = App::new(timeline, theme);
    event_loop::run_app(&mut terminal, &mut app, &rx, &worker, &mut open::open_url)?;
    Ok(ExitCode::SUCCESS)
}

/// Restores the terminal when dropped: on quit and on every error path.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// Shows the gauge until the archive is loaded. `None`: the user quit.
fn wait_for_load(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Msg>,
    what: &str,
    theme: &Theme,
) -> io::Result<Option<Timeline>> {
    let (mut done, mut total) = (0, 0);
    loop {
        terminal.draw(|f| ui::loading::draw(f, what, done, total, theme))?;
        match rx.recv() {
            Ok(Msg::Progress(d, t)) => (done, total) = (d, t),
            Ok(Msg::Loaded(result)) => {
                return match *result {
                    Ok(t) => Ok(Some(t)),
                    Err(e) => Err(io::Error::other(e.to_string())),
                };
            }
            Ok(Msg::Term(TermEvent::Key(k))) if k.kind == KeyEventKind::Press => {
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                if ctrl_c || k.code == KeyCode::Char('q') {
                    return Ok(None);
                }
            }
            Ok(Msg::InputClosed) => return Ok(None),
            Ok(_) => {}
            Err(_) => return Err(io::Error::other("the loader stopped unexpectedly")),
        }
    }
}

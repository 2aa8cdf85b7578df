//! The terminal browser: `ktimeline [PATH]...` opens a full-screen view of
//! an archive. This module sets the terminal up and tears it down (on quit,
//! error, panic and the signals that end a program), gives it back and
//! takes it again around a suspend (Ctrl-Z, SIGTSTP, `fg`), loads the
//! archive in the background behind a progress gauge, and hands over to
//! the event loop. Around it: the configuration is read first (a bad one
//! stops here, before the terminal is touched), the saved state of the
//! archive is taken up and written back at the end, and the roots are
//! watched for changes.

pub mod action;
pub mod app;
pub mod archive;
pub mod body_cache;
pub mod config;
pub mod event_loop;
pub mod find;
pub mod geometry;
pub mod history;
pub mod input;
pub mod keymap;
pub mod markdown;
pub mod marks;
pub mod msg;
pub mod nav;
pub mod open;
pub mod picker;
pub mod popups;
pub mod search_worker;
pub mod session;
pub mod signals;
pub mod similar;
pub mod theme;
pub mod ui;
pub mod view;
pub mod wrap;

use std::io::{self, IsTerminal};
use std::mem::ManuallyDrop;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::{DefaultTerminal, Terminal};
use signal_hook::consts::{SIGCONT, SIGTSTP};

use action::Action;
use app::App;
use event_loop::{Exit, Host, Msg, SearchWorker};
use theme::Theme;

use crate::loader;
use crate::model::Timeline;

/// The hint given whenever the browser cannot draw.
const USE_SUBCOMMANDS: &str = "For output you can pipe or save, use the subcommands:\n  \
     ktimeline search --help\n  ktimeline check --help\n  \
     ktimeline stats --help\n  ktimeline export --help";

/// Opens the browser on `paths` (none: the built-in sample archive); with
/// `cache`, through the persistent index.
pub fn run(paths: Vec<PathBuf>, cache: bool) -> io::Result<ExitCode> {
    for p in &paths {
        if let Err(e) = std::fs::metadata(p) {
            let why = match e.kind() {
                io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            };
            return Err(io::Error::new(e.kind(), format!("{}: {why}", p.display())));
        }
    }
    let config = config::load().map_err(|e| io::Error::other(e.to_string()))?;
    if !io::stdout().is_terminal() {
        return Ok(cannot_draw("and standard output is not one"));
    }
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        return Ok(cannot_draw("and TERM=dumb says it cannot draw"));
    }
    // Without a controlling terminal (`setsid`, a service) keys could only
    // come from standard input, with no resize signal and no way back
    // after Ctrl-Z: refused, whatever standard input is.
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open("/dev/tty")
        && e.raw_os_error() == Some(libc::ENXIO)
    {
        return Ok(cannot_draw(NO_CONTROLLING_TERMINAL));
    }
    let theme = config.theme();
    let mut terminal = match enter_terminal().and_then(|()| {
        Terminal::new(CrosstermBackend::new(io::stdout())).inspect_err(|_| leave_terminal())
    }) {
        // Never dropped: `Terminal`'s drop shows the cursor and, when
        // that fails (the terminal is gone), panics printing so to a
        // standard error that is gone too. `Restore` shows it instead.
        Ok(t) => ManuallyDrop::new(t),
        Err(e) => {
            let why = if e.raw_os_error() == Some(libc::ENXIO) {
                // Started by a service, `setsid` or the like.
                NO_CONTROLLING_TERMINAL.to_string()
            } else {
                format!(
                    "and this one could not be set up ({})",
                    crate::text::one_line(&e.to_string())
                )
            };
            return Ok(cannot_draw(&why));
        }
    };
    let terminal: &mut DefaultTerminal = &mut terminal;
    let _restore = Restore;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave_terminal();
        hook(info);
    }));

    let (tx, rx) = channel();
    event_loop::spawn_signals(tx.clone())?;
    event_loop::spawn_input(tx.clone());
    event_loop::spawn_hangup_watch(tx.clone());
    let what = if paths.is_empty() {
        "the built-in sample".to_string()
    } else {
        paths
            .iter()
            .map(|p| crate::text::one_line(&p.display().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The word index of full-text search is cached beside the archive's
    // index (the sample has none).
    let words_place = (cache && !paths.is_empty())
        .then(|| loader::cache_place(&paths))
        .flatten();
    let store = crate::state::Store::for_roots(&paths);
    let sample = paths.is_empty();
    let archive = archive::Archive::spawn(paths, cache, tx.clone());
    let mut host = RealHost {
        opener: config.opener.clone(),
        editor: config.editor.clone(),
        store,
        archive: (!sample).then_some(archive),
    };
    let timeline = match wait_for_load(terminal, &rx, &what, &theme, &config.keymap, &mut host) {
        Ok(Ok(t)) => t,
        Ok(Err(exit)) => return Ok(exit_code(exit)),
        Err(_) if host.gone() => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e),
    };
    let timeline = Arc::new(timeline);
    let worker = SearchWorker::spawn_with(timeline.clone(), words_place, tx.clone());
    let mut app = App::new(timeline, theme);
    app.settings.keys = config.keymap;
    app.settings.reading_width = config.body_width;
    app.settings.two_line_headlines = config.two_line_headlines;
    let mut notes = Vec::new();
    match &host.store {
        Some(store) => {
            let (state, note) = store.load();
            app.restore_state(state);
            notes.extend(note);
        }
        None => app.open_on_newest_day(),
    }
    if !notes.is_empty() {
        app.status.message = Some(app::Message {
            text: notes.join("; "),
            error: true,
        });
    }
    app.status.checking = host
        .archive
        .as_ref()
        .is_some_and(archive::Archive::checking);
    // The first screen is drawn before the archive is checked and watched:
    // on few cores, that work would otherwise hold the date list back. (An
    // error here comes again from the loop's own first draw, and is
    // handled there.)
    let _ = event_loop::redraw(terminal, &mut app);
    if let Some(a) = &host.archive {
        a.shown();
    }
    let exit = event_loop::run_app(terminal, &mut app, &rx, &worker, &mut host);
    // The place is kept however the browser ended.
    let _ = host.save_state(&app);
    Ok(exit_code(exit?))
}

const NO_CONTROLLING_TERMINAL: &str =
    "and this process has no controlling terminal to read keys from";

/// Says why the browser cannot draw and where to go instead; exit code 2.
fn cannot_draw(why: &str) -> ExitCode {
    warn(&format!(
        "ktimeline: the browser needs a terminal, {why}.\n{USE_SUBCOMMANDS}"
    ));
    ExitCode::from(2)
}

/// 0 for a quit; 128 + the signal when a signal ended the browser.
fn exit_code(exit: Exit) -> ExitCode {
    match exit {
        Exit::Quit => ExitCode::SUCCESS,
        Exit::Signal(sig) => ExitCode::from(u8::try_from(128 + sig).unwrap_or(1)),
    }
}

/// Sets the terminal up for the browser: raw mode, the alternate screen,
/// mouse reporting and bracketed paste (a paste arrives as one event).
/// When it fails, what was set up is undone; when raw mode itself cannot
/// be had (no terminal to read keys from), nothing was written, and
/// nothing is.
fn enter_terminal() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Hide
    )
    .inspect_err(|_| leave_terminal())
}

/// Gives the terminal back as it was found. Every step is tried, whatever
/// the others did; errors are ignored (the terminal may be gone).
fn leave_terminal() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// The real terminal, web browser, editor, clipboard and state file.
struct RealHost {
    opener: Option<Vec<String>>,
    editor: Option<Vec<String>>,
    store: Option<crate::state::Store>,
    /// The archive worker (none for the built-in sample, which does not
    /// change).
    archive: Option<archive::Archive>,
}

impl Host<CrosstermBackend<io::Stdout>> for RealHost {
    fn open_url(&mut self, url: &str) -> Result<(), String> {
        open::open_url_with(url, self.opener.as_deref())
    }

    fn copy(&mut self, text: &str) -> Result<(), String> {
        use std::io::Write;
        let mut out = io::stdout();
        out.write_all(open::osc52(text).as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("could not copy: {e}"))
    }

    fn edit(
        &mut self,
        terminal: &mut DefaultTerminal,
        file: &std::path::Path,
    ) -> io::Result<Result<(), String>> {
        event_loop::pause_input();
        leave_terminal();
        let r = open::run_editor(self.editor.as_deref(), file);
        let back = self.resume(terminal);
        event_loop::resume_input();
        back?;
        Ok(r)
    }

    fn reload(&mut self, manual: bool) -> Result<(), String> {
        match &self.archive {
            Some(r) => {
                r.reload(manual);
                Ok(())
            }
            None => Err("the built-in sample does not change".into()),
        }
    }

    fn save_state(&mut self, app: &App) -> Result<Option<crate::state::State>, String> {
        match &self.store {
            Some(s) => s.save(&app.to_state()).map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }

    fn suspend(&mut self, terminal: &mut DefaultTerminal) -> io::Result<()> {
        leave_terminal();
        // Stops the process as SIGTSTP's default action would; returns on
        // SIGCONT (`fg`).
        signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
        self.resume(terminal)
    }

    fn resume(&mut self, _terminal: &mut DefaultTerminal) -> io::Result<()> {
        // crossterm keeps raw mode as "on" from before the stop, and the
        // shell may have reset the terminal since: set it afresh.
        let _ = disable_raw_mode();
        enter_terminal()
    }

    fn gone(&mut self) -> bool {
        event_loop::hung_up()
    }
}

/// Restores the terminal when dropped: on quit, on a signal and on every
/// error path.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        leave_terminal();
    }
}

/// Shows the gauge until the archive is loaded. `Err`: the user quit or a
/// signal ended the browser first.
fn wait_for_load(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Msg>,
    what: &str,
    theme: &Theme,
    keys: &keymap::Keymap,
    host: &mut RealHost,
) -> io::Result<Result<Timeline, Exit>> {
    let (mut done, mut total) = (0, 0);
    loop {
        terminal.draw(|f| ui::loading::draw(f, what, done, total, theme))?;
        let Ok(msg) = rx.recv() else {
            return Err(io::Error::other("the loader stopped unexpectedly"));
        };
        if let Some(exit) = event_loop::urgent(&msg) {
            return Ok(Err(exit));
        }
        match msg {
            Msg::Progress(d, t) => (done, total) = (d, t),
            Msg::Loaded(result) => {
                return match *result {
                    Ok(t) => Ok(Ok(t)),
                    Err(e) => Err(io::Error::other(e.to_string())),
                };
            }
            Msg::Term(TermEvent::Key(k)) if k.kind == KeyEventKind::Press => {
                match keys.action_for(keymap::Mode::Main(keymap::Focus::Dates), k) {
                    Some(Action::Quit) => return Ok(Err(Exit::Quit)),
                    Some(Action::Suspend) => {
                        host.suspend(terminal)?;
                        event_loop::forget_screen(terminal)?;
                    }
                    Some(Action::Redraw) => event_loop::forget_screen(terminal)?,
                    _ => {}
                }
            }
            Msg::Signal(SIGTSTP) => {
                host.suspend(terminal)?;
                event_loop::forget_screen(terminal)?;
            }
            Msg::Signal(SIGCONT) => {
                host.resume(terminal)?;
                event_loop::forget_screen(terminal)?;
            }
            _ => {}
        }
    }
}

/// Writes a line to standard error, ignoring a failure to (a message
/// nobody can read must not change how the browser ends).
fn warn(line: &str) {
    use std::io::Write;
    let _ = writeln!(io::stderr().lock(), "{line}");
}

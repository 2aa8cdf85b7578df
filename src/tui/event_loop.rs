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
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use signal_hook::consts::signal::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

use super::action::{Action, Effect};
use super::app::App;
use super::keymap::{Mode, PopupKind};
pub use super::search_worker::SearchWorker;
use super::ui;
use crate::loader::{IndexUse, LoadError};
use crate::model::Timeline;
use crate::search::Found;

/// What the status bar says while `R` reads the archive again.
const RELOADING: &str = "reading the archive's changes…";

/// Everything the loop waits for.
pub enum Msg {
    Term(TermEvent),
    SearchDone {
        generation: u64,
        found: Found,
    },
    /// Loading progress: files done, files in all.
    Progress(usize, usize),
    Loaded(Box<Result<Timeline, LoadError>>),
    /// The archive was checked against its index after the indexed
    /// timeline was shown: the fresh timeline when anything changed.
    Checked(Box<Result<(Timeline, IndexUse), LoadError>>),
    /// The check found the archive as the index has it.
    Unchanged,
    /// A reload asked for with `R` found nothing changed.
    NoChange,
    /// Something to tell the user in the status bar, as a warning (the
    /// archive cannot be watched).
    Note(String),
    /// The terminal can no longer be read (it went away): time to stop.
    InputClosed,
    /// A signal caught by [`spawn_signals`].
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

/// How long an Escape waits for the rest of a key sent as `ESC` + its
/// sequence (Meta sent as Escape) before it counts as Escape alone.
pub const META_WAIT: Duration = Duration::from_millis(50);

/// Puts back together the Alt chords of a terminal that sends Meta as
/// Escape: `ESC ESC [ D` (Alt-←) reaches crossterm, which reads `ESC ESC`
/// as Escape, as Escape, `[`, `D`. Escape is held for a moment
/// ([`META_WAIT`]); when the keys that follow spell a cursor or editing
/// key, they become that key with Alt, and otherwise they pass on as they
/// came. An Escape followed at once by a navigation key (the two bytes
/// read apart) is that key with Alt too.
#[derive(Debug, Default)]
pub struct MetaKeys {
    held: Vec<KeyEvent>,
}

impl MetaKeys {
    /// True when keys are held back waiting for the rest of a sequence.
    pub fn waiting(&self) -> bool {
        !self.held.is_empty()
    }

    /// The time ran out: the held keys pass on as they came.
    pub fn flush(&mut self) -> Vec<TermEvent> {
        self.held.drain(..).map(TermEvent::Key).collect()
    }

    /// Takes the next event; returns the events ready to pass on.
    pub fn feed(&mut self, ev: TermEvent) -> Vec<TermEvent> {
        let TermEvent::Key(key) = ev else {
            let mut out = self.flush();
            out.push(ev);
            return out;
        };
        // crossterm marks capitals with Shift (`O`, `D`): as typed, bare.
        let plain =
            key.kind == KeyEventKind::Press && (key.modifiers - KeyModifiers::SHIFT).is_empty();
        let is_char = |c: char| plain && key.code == KeyCode::Char(c);
        match self.held.as_slice() {
            [] if key.kind == KeyEventKind::Press
                && key.modifiers.is_empty()
                && key.code == KeyCode::Esc =>
            {
                self.held.push(key);
                Vec::new()
            }
            [] => vec![ev],
            [_esc] if is_char('[') || is_char('O') => {
                self.held.push(key);
                Vec::new()
            }
            [_esc] if key.kind == KeyEventKind::Press && is_navigation(key.code) => {
                self.held.clear();
                vec![TermEvent::Key(KeyEvent::new(
                    key.code,
                    key.modifiers | KeyModifiers::ALT,
                ))]
            }
            [_esc, intro, params @ ..] => {
                let csi = intro.code == KeyCode::Char('[');
                let is_param = matches!(key.code, KeyCode::Char('0'..='9' | ';'));
                if plain && csi && is_param && params.len() < 8 {
                    self.held.push(key);
                    return Vec::new();
                }
                let digits: String = params
                    .iter()
                    .filter_map(|k| match k.code {
                        KeyCode::Char(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                let fin = match key.code {
                    KeyCode::Char(c) if plain => Some(c),
                    _ => None,
                };
                match fin.and_then(|f| sequence_key(csi, &digits, f)) {
                    Some((code, mods)) => {
                        self.held.clear();
                        vec![TermEvent::Key(KeyEvent::new(
                            code,
                            mods | KeyModifiers::ALT,
                        ))]
                    }
                    None => self.pass_on(ev),
                }
            }
            [_esc] => self.pass_on(ev),
        }
    }

    /// The held keys did not spell anything: they pass on, then `ev` is
    /// taken afresh (it may be an Escape that starts a new sequence).
    fn pass_on(&mut self, ev: TermEvent) -> Vec<TermEvent> {
        let mut out = self.flush();
        out.extend(self.feed(ev));
        out
    }
}

/// Keys that a terminal sends as a sequence, and so can follow an Escape
/// that stands for Meta.
fn is_navigation(code: KeyCode) -> bool {
    matches!(
        code,
        KeyCode::Left
            | KeyCode::Right
            | KeyCode::Up
            | KeyCode::Down
            | KeyCode::Home
            | KeyCode::End
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Insert
            | KeyCode::Delete
    )
}

/// The key of `ESC [ params final` (`csi`) or `ESC O final`, with the
/// modifiers its second parameter gives (`1;5D` is Ctrl-←).
fn sequence_key(csi: bool, params: &str, fin: char) -> Option<(KeyCode, KeyModifiers)> {
    let mut parts = params.split(';');
    let first = parts.next().unwrap_or("");
    let mods = parts
        .next()
        .and_then(|m| m.parse::<u8>().ok())
        .map_or(KeyModifiers::NONE, |m| {
            let bits = m.saturating_sub(1);
            let mut out = KeyModifiers::NONE;
            for (bit, modifier) in [
                (1, KeyModifiers::SHIFT),
                (2, KeyModifiers::ALT),
                (4, KeyModifiers::CONTROL),
            ] {
                if bits & bit != 0 {
                    out |= modifier;
                }
            }
            out
        });
    let code = match (fin, first) {
        ('A', _) => KeyCode::Up,
        ('B', _) => KeyCode::Down,
        ('C', _) => KeyCode::Right,
        ('D', _) => KeyCode::Left,
        ('H', _) => KeyCode::Home,
        ('F', _) => KeyCode::End,
        ('~', "1" | "7") if csi => KeyCode::Home,
        ('~', "4" | "8") if csi => KeyCode::End,
        ('~', "2") if csi => KeyCode::Insert,
        ('~', "3") if csi => KeyCode::Delete,
        ('~', "5") if csi => KeyCode::PageUp,
        ('~', "6") if csi => KeyCode::PageDown,
        _ => return None,
    };
    Some((code, mods))
}

/// Whether the input thread may read the terminal, and how to wake it.
/// The thread sleeps in poll(2) on the terminal and on a pipe of its own
/// with no timeout, so an idle browser wakes it only with input, a resize
/// (SIGWINCH writes to the pipe) or a pause for the editor (which writes
/// to it too); while paused it waits on a condition variable, not a timer.
pub struct InputControl {
    /// `paused`: asked to stop reading (another program has the terminal);
    /// `parked`: it has stopped.
    state: Mutex<InputState>,
    changed: Condvar,
    /// The pipe that wakes the thread: (read end, write end).
    pipe: OnceLock<Option<(UnixStream, UnixStream)>>,
    /// How often the thread came back from waiting, for tests.
    wakes: AtomicUsize,
}

#[derive(Default)]
struct InputState {
    paused: bool,
    parked: bool,
}

impl Default for InputControl {
    fn default() -> Self {
        Self::new()
    }
}

impl InputControl {
    pub const fn new() -> InputControl {
        InputControl {
            state: Mutex::new(InputState {
                paused: false,
                parked: false,
            }),
            changed: Condvar::new(),
            pipe: OnceLock::new(),
            wakes: AtomicUsize::new(0),
        }
    }

    fn pipe(&self) -> Option<&(UnixStream, UnixStream)> {
        self.pipe
            .get_or_init(|| {
                let (r, w) = UnixStream::pair().ok()?;
                r.set_nonblocking(true).ok()?;
                w.set_nonblocking(true).ok()?;
                Some((r, w))
            })
            .as_ref()
    }

    /// Wakes the thread from its wait (a full pipe already will).
    fn wake(&self) {
        if let Some((_, w)) = self.pipe() {
            let _ = (&mut &*w).write(&[1]);
        }
    }

    /// Empties the pipe (it is not blocking).
    fn drain(&self) {
        if let Some((r, _)) = self.pipe() {
            let mut buf = [0; 64];
            while matches!((&mut &*r).read(&mut buf), Ok(n) if n > 0) {}
        }
    }

    /// Asked to stop reading.
    pub fn paused(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.paused)
    }

    /// Stops the thread reading the terminal; returns once it has stopped
    /// (or after a second).
    pub fn pause(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.paused = true;
        self.wake();
        let start = std::time::Instant::now();
        while !state.parked {
            let left = Duration::from_secs(1).saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match self.changed.wait_timeout(state, left) {
                Ok((s, _)) => state = s,
                Err(_) => return,
            }
        }
    }

    /// Lets the thread read the terminal again.
    pub fn resume(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.paused = false;
            self.changed.notify_all();
        }
    }

    /// How many times the thread came back from waiting (for input, a
    /// wake, a pause, or a held Escape's time running out).
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::Relaxed)
    }

    /// Waits while paused, saying so.
    fn park_while_paused(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if !state.paused {
            return;
        }
        state.parked = true;
        self.changed.notify_all();
        while state.paused {
            match self.changed.wait(state) {
                Ok(s) => state = s,
                Err(_) => return,
            }
        }
        state.parked = false;
        drop(state);
        self.wakes.fetch_add(1, Ordering::Relaxed);
    }
}

/// The browser's input thread's control.
static INPUT: InputControl = InputControl::new();

/// Stops the input thread reading the terminal, for a program that runs
/// on it (the editor); returns once it has stopped, or after a second.
pub fn pause_input() {
    INPUT.pause();
}

/// Lets the input thread read the terminal again.
pub fn resume_input() {
    INPUT.resume();
}

/// Where the input thread's events come from: the terminal through
/// crossterm, or a stand-in in tests.
pub trait InputSource: Send + 'static {
    /// A descriptor that is readable when input is waiting (`None`: none
    /// is known, and the source is polled every [`INPUT_LOOK`]).
    fn fd(&self) -> Option<RawFd>;
    /// True when an event can be read now (waiting at most `wait`).
    fn poll(&mut self, wait: Duration) -> io::Result<bool>;
    fn read(&mut self) -> io::Result<TermEvent>;
}

/// The terminal, read through crossterm.
struct Crossterm {
    /// The terminal crossterm reads (standard input when it is one, else
    /// `/dev/tty`, as crossterm chooses): its input queue is the
    /// terminal's, whichever descriptor it is polled through.
    tty: Option<std::fs::File>,
}

impl InputSource for Crossterm {
    fn fd(&self) -> Option<RawFd> {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            Some(libc::STDIN_FILENO)
        } else {
            self.tty.as_ref().map(|t| t.as_raw_fd())
        }
    }
    fn poll(&mut self, wait: Duration) -> io::Result<bool> {
        ratatui::crossterm::event::poll(wait)
    }
    fn read(&mut self) -> io::Result<TermEvent> {
        ratatui::crossterm::event::read()
    }
}

/// How long the thread waits when no descriptor tells it of input.
const INPUT_LOOK: Duration = Duration::from_millis(250);
/// How long reading what is ready may wait: crossterm reads what the
/// terminal holds and hands it out an event at a time, keeping the rest,
/// and only a wait of at least a millisecond looks at what it kept.
const READY_WAIT: Duration = Duration::from_millis(1);

/// Forwards terminal events into `tx` from a thread of their own, Alt
/// chords sent as Escape put together ([`MetaKeys`]).
pub fn spawn_input(tx: Sender<Msg>) {
    let tty = (unsafe { libc::isatty(libc::STDIN_FILENO) } != 1)
        .then(|| std::fs::File::open("/dev/tty").ok())
        .flatten();
    // A resize wakes the thread too (crossterm reads it as an event).
    if let Some((_, w)) = INPUT.pipe()
        && let Ok(w) = w.try_clone()
    {
        let _ = signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, w);
    }
    thread::spawn(move || input_loop(Crossterm { tty }, &tx, &INPUT));
}

/// What woke the input thread.
enum Woke {
    /// Input is waiting (or may be: nothing tells).
    Input,
    /// The pipe: a pause, or a resize.
    Pipe,
    /// The time ran out.
    Timeout,
    /// The terminal hung up.
    Gone,
}

/// Sleeps until `fd` has input, the control's pipe is written to, or
/// `timeout` (`None`: never) runs out.
fn wait_input(fd: Option<RawFd>, ctl: &InputControl, timeout: Option<Duration>) -> Woke {
    let poll_fd = |fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let pipe = ctl.pipe().map(|(r, _)| r.as_raw_fd());
    let mut fds: Vec<libc::pollfd> = fd.into_iter().chain(pipe).map(poll_fd).collect();
    let ms = match (fd, timeout) {
        // Rounded up: a wait cut short would only wake the thread again.
        (_, Some(t)) => t.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32,
        (None, None) => INPUT_LOOK.as_millis() as i32,
        (Some(_), None) => -1,
    };
    // SAFETY: `fds` is a live, correctly sized array of pollfd.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    ctl.wakes.fetch_add(1, Ordering::Relaxed);
    let tty = fd.map_or(0, |_| fds[0].revents);
    let piped = pipe.is_some_and(|_| fds[fds.len() - 1].revents != 0);
    if piped {
        ctl.drain();
    }
    if n < 0 {
        // Interrupted by a signal: look again.
        Woke::Pipe
    } else if tty & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        Woke::Gone
    } else if tty & libc::POLLIN != 0 || (n == 0 && fd.is_none() && timeout.is_none()) {
        Woke::Input
    } else if piped {
        Woke::Pipe
    } else {
        Woke::Timeout
    }
}

/// The input thread: reads what is ready, then sleeps until more comes
/// (or, with an Escape held, until [`META_WAIT`] runs out); parked while
/// paused.
pub fn input_loop<S: InputSource>(mut src: S, tx: &Sender<Msg>, ctl: &InputControl) {
    let mut meta = MetaKeys::default();
    let send = |evs: Vec<TermEvent>| evs.into_iter().all(|ev| tx.send(Msg::Term(ev)).is_ok());
    'reading: loop {
        ctl.park_while_paused();
        // What is ready now, without waiting for more.
        while !ctl.paused() {
            match src.poll(READY_WAIT) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => break 'reading,
            }
            let Ok(ev) = src.read() else {
                break 'reading;
            };
            if !send(meta.feed(ev)) {
                return;
            }
        }
        if ctl.paused() {
            continue;
        }
        let timeout = meta.waiting().then_some(META_WAIT);
        match wait_input(src.fd(), ctl, timeout) {
            Woke::Input | Woke::Pipe => {}
            Woke::Timeout => {
                if meta.waiting() && !send(meta.flush()) {
                    return;
                }
            }
            Woke::Gone => break,
        }
    }
    send(meta.flush());
    let _ = tx.send(Msg::InputClosed);
}

/// True when `sig` was ignored when the program started (`nohup`, or a
/// shell's background job for SIGINT and SIGQUIT): it stays ignored.
fn ignored_at_start(sig: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one
    // into `old`, a zeroed plain C struct.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Catches SIGTERM, SIGHUP, SIGINT, SIGQUIT (those not ignored at start),
/// SIGTSTP and SIGCONT, and forwards each as [`Msg::Signal`] from a thread
/// of its own.
pub fn spawn_signals(tx: Sender<Msg>) -> io::Result<()> {
    let mut wanted: Vec<i32> = QUIT_SIGNALS
        .into_iter()
        .filter(|&s| !ignored_at_start(s))
        .collect();
    wanted.extend([SIGTSTP, SIGCONT]);
    let mut signals = signal_hook::iterator::Signals::new(&wanted)?;
    thread::spawn(move || {
        for sig in signals.forever() {
            // While the editor has the terminal, stopping and going on
            // are the editor's (see `open::run_editor`), not the browser's.
            if matches!(sig, SIGTSTP | SIGCONT) && INPUT.paused() {
                continue;
            }
            if tx.send(Msg::Signal(sig)).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// The terminal descriptors (standard input and output, those that are
/// terminals), to poll for a hang-up with no events asked for.
fn terminal_fds() -> Vec<libc::pollfd> {
    use std::os::fd::AsRawFd;
    [io::stdin().as_raw_fd(), io::stdout().as_raw_fd()]
        .into_iter()
        // SAFETY: isatty only inspects the descriptor.
        .filter(|&fd| unsafe { libc::isatty(fd) } == 1)
        .map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        })
        .collect()
}

/// Waits up to `timeout_ms` (-1: for ever) for a terminal descriptor to
/// report a hang-up or an error. `None`: poll failed (other than EINTR).
fn poll_hangup(fds: &mut [libc::pollfd], timeout_ms: i32) -> Option<bool> {
    // SAFETY: `fds` is a live, correctly sized array of pollfd.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    if n < 0 {
        return (io::Error::last_os_error().kind() == io::ErrorKind::Interrupted).then_some(false);
    }
    Some(n > 0 && fds.iter().any(|p| p.revents != 0))
}

/// True when standard output (the terminal drawn on) has hung up, checked
/// without waiting. (A hung-up terminal no longer says it is one, so this
/// does not ask.)
pub fn hung_up() -> bool {
    use std::os::fd::AsRawFd;
    let mut fds = [libc::pollfd {
        fd: io::stdout().as_raw_fd(),
        events: 0,
        revents: 0,
    }];
    poll_hangup(&mut fds, 0) == Some(true)
}

/// Sends [`Msg::InputClosed`] when the terminal hangs up. The thread sits
/// in poll(2) asking for no events, so only a hang-up or an error wakes it:
/// it costs nothing while the terminal is there. Without it, a terminal
/// that went away while SIGHUP is ignored left crossterm's reader spinning
/// on end-of-file at full CPU.
pub fn spawn_hangup_watch(tx: Sender<Msg>) {
    let mut fds = terminal_fds();
    if fds.is_empty() {
        return;
    }
    thread::spawn(move || {
        loop {
            match poll_hangup(&mut fds, -1) {
                Some(false) => {}
                Some(true) => {
                    let _ = tx.send(Msg::InputClosed);
                    return;
                }
                None => return,
            }
        }
    });
}

/// The action a terminal event asks for, if any.
pub fn action_for(app: &App, ev: &TermEvent) -> Option<Action> {
    match ev {
        TermEvent::Key(key) => app.settings.keys.action_for(app.mode(), *key),
        TermEvent::Paste(text) => matches!(
            app.mode(),
            Mode::Popup(
                PopupKind::Search | PopupKind::Tags | PopupKind::Goto | PopupKind::Bookmarks
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
        Msg::Checked(result) => {
            app.status.checking = false;
            match *result {
                Ok((timeline, index)) => {
                    let old = app.timeline.clone();
                    let what = crate::watch::describe(&old, &timeline);
                    let rerun = app.replace_timeline(Arc::new(timeline));
                    worker.set_timeline(app.timeline.clone());
                    if let Some(effect) = rerun {
                        worker.submit(effect);
                    }
                    // Read again without the index (`--no-cache`), the
                    // archive cannot tell whether a file changed: a
                    // watcher's false alarm (its queue overflowing while
                    // it sets up on a large archive) that changed no entry
                    // is not worth a word, unless `R` asked.
                    let asked = app
                        .status
                        .message
                        .as_ref()
                        .is_some_and(|m| m.text == RELOADING);
                    let text = if index.used || what != crate::watch::NO_ENTRY_CHANGED {
                        Some(what)
                    } else {
                        asked.then(|| "read again: no entry changed".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> TermEvent {
        TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// Keys from a socket, a byte each (ESC is Escape), as the input
    /// thread reads the terminal.
    struct Keys(UnixStream);

    impl InputSource for Keys {
        fn fd(&self) -> Option<RawFd> {
            Some(self.0.as_raw_fd())
        }
        fn poll(&mut self, wait: Duration) -> io::Result<bool> {
            let mut fds = [libc::pollfd {
                fd: self.0.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            // SAFETY: a live array of one pollfd.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, wait.as_millis() as i32) };
            Ok(n > 0)
        }
        fn read(&mut self) -> io::Result<TermEvent> {
            let mut b = [0];
            self.0.read_exact(&mut b)?;
            Ok(match b[0] {
                0x1b => key(KeyCode::Esc),
                b => key(KeyCode::Char(b as char)),
            })
        }
    }

    fn next_key(rx: &Receiver<Msg>, wait: Duration) -> Option<KeyCode> {
        match rx.recv_timeout(wait) {
            Ok(Msg::Term(TermEvent::Key(k))) => Some(k.code),
            _ => None,
        }
    }

    /// An idle input thread does not wake: not on a timer, only for a key,
    /// a pause, or a held Escape's wait. (It woke 4 times a second, and
    /// each time spun in crossterm's poll for up to a millisecond.) Paused,
    /// it leaves the keys to the program that has the terminal, and reads
    /// them again once resumed.
    #[test]
    fn an_idle_input_thread_sleeps_until_a_key_or_a_pause() {
        let ctl: &'static InputControl = Box::leak(Box::new(InputControl::new()));
        let (mut typed, keys) = UnixStream::pair().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || input_loop(Keys(keys), &tx, ctl));
        let idle = |ms| {
            let before = ctl.wakes();
            thread::sleep(Duration::from_millis(ms));
            ctl.wakes() - before
        };
        assert_eq!(idle(800), 0, "woke while idle");
        typed.write_all(b"a").unwrap();
        assert_eq!(
            next_key(&rx, Duration::from_secs(5)),
            Some(KeyCode::Char('a'))
        );
        assert_eq!(idle(500), 0, "woke while idle after a key");
        // A lone Escape is held for META_WAIT, then passed on.
        typed.write_all(b"\x1b").unwrap();
        assert_eq!(next_key(&rx, Duration::from_secs(5)), Some(KeyCode::Esc));
        assert_eq!(idle(500), 0, "woke while idle after Escape");
        ctl.pause();
        typed.write_all(b"b").unwrap();
        assert_eq!(
            next_key(&rx, Duration::from_millis(400)),
            None,
            "read while paused"
        );
        assert_eq!(idle(300), 0, "woke while paused");
        ctl.resume();
        assert_eq!(
            next_key(&rx, Duration::from_secs(5)),
            Some(KeyCode::Char('b'))
        );
        assert_eq!(idle(500), 0, "woke while idle after the pause");
    }

    /// Characters as crossterm reports them: capitals with Shift.
    fn chars(s: &str) -> Vec<TermEvent> {
        s.chars()
            .map(|c| {
                let mods = if c.is_ascii_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                TermEvent::Key(KeyEvent::new(KeyCode::Char(c), mods))
            })
            .collect()
    }

    /// Feeds events as crossterm would hand them over, then lets the wait
    /// run out.
    fn through(events: Vec<TermEvent>) -> Vec<TermEvent> {
        let mut meta = MetaKeys::default();
        let mut out: Vec<TermEvent> = events.into_iter().flat_map(|e| meta.feed(e)).collect();
        out.extend(meta.flush());
        out
    }

    fn alt(code: KeyCode) -> TermEvent {
        TermEvent::Key(KeyEvent::new(code, KeyModifiers::ALT))
    }

    #[test]
    fn meta_sent_as_escape_makes_alt_chords() {
        // `ESC ESC [ D` read at once: crossterm gives Esc, `[`, `D`.
        let mut evs = vec![key(KeyCode::Esc)];
        evs.extend(chars("[D"));
        assert_eq!(through(evs), [alt(KeyCode::Left)]);
        let mut evs = vec![key(KeyCode::Esc)];
        evs.extend(chars("[C"));
        assert_eq!(through(evs), [alt(KeyCode::Right)]);
        // Read apart: Esc, then the arrow crossterm recognised.
        assert_eq!(
            through(vec![key(KeyCode::Esc), key(KeyCode::Left)]),
            [alt(KeyCode::Left)]
        );
        // SS3 arrows, and parameters: `ESC ESC [ 1 ; 5 D` is Ctrl-Alt-←.
        let mut evs = vec![key(KeyCode::Esc)];
        evs.extend(chars("OD"));
        assert_eq!(through(evs), [alt(KeyCode::Left)]);
        let mut evs = vec![key(KeyCode::Esc)];
        evs.extend(chars("[1;5D"));
        assert_eq!(
            through(evs),
            [TermEvent::Key(KeyEvent::new(
                KeyCode::Left,
                KeyModifiers::ALT | KeyModifiers::CONTROL
            ))]
        );
        let mut evs = vec![key(KeyCode::Esc)];
        evs.extend(chars("[5~"));
        assert_eq!(through(evs), [alt(KeyCode::PageUp)]);
    }

    #[test]
    fn anything_else_passes_as_it_came() {
        for evs in [
            vec![key(KeyCode::Esc)],
            vec![key(KeyCode::Esc), key(KeyCode::Esc)],
            vec![key(KeyCode::Esc), key(KeyCode::Char('q'))],
            vec![key(KeyCode::Esc), key(KeyCode::Enter)],
            chars("[D"),
            [vec![key(KeyCode::Esc)], chars("[x")].concat(),
            [vec![key(KeyCode::Esc)], chars("[12345678901")].concat(),
            vec![
                key(KeyCode::Esc),
                TermEvent::Resize(80, 24),
                key(KeyCode::Left),
            ],
        ] {
            assert_eq!(through(evs.clone()), evs);
        }
        // An Escape that breaks a sequence starts one of its own.
        let mut evs = vec![key(KeyCode::Esc), key(KeyCode::Char('['))];
        evs.push(key(KeyCode::Esc));
        evs.extend(chars("[D"));
        assert_eq!(
            through(evs),
            [
                key(KeyCode::Esc),
                key(KeyCode::Char('[')),
                alt(KeyCode::Left)
            ]
        );
    }
}

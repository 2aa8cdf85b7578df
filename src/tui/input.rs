//! Reading keys from the terminal on a thread of its own, and turning
//! what crossterm cannot tell apart into keys: Meta sent as Escape and a
//! key's sequence. The thread reads what the terminal holds, then sleeps in
//! poll(2) on the terminal and on a pipe of its own with no timeout
//! (crossterm's own wait with a timeout woke it four times a second, and
//! spun for up to a millisecond each time, its timeout cut to whole
//! milliseconds): only a key, a resize (SIGWINCH writes to the pipe), a
//! pause for the editor ([`pause_input`] writes to it) or a held Escape's
//! [`META_WAIT`] wakes it.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Condvar, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use ratatui::crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};

use super::msg::Msg;

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

/// True while the input is paused (the editor has the terminal).
pub fn input_paused() -> bool {
    INPUT.paused()
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::Receiver;

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

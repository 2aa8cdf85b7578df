//! Signals and a terminal that goes away. Signals are caught by
//! signal-hook and forwarded as [`Msg::Signal`] by a thread of their own,
//! so no work happens in a signal handler. A hung-up terminal is noticed by
//! a thread blocked in poll(2), since crossterm's reader then sees
//! end-of-file forever and never returns an error.

use std::io;
use std::sync::mpsc::Sender;
use std::thread;

use signal_hook::consts::signal::{SIGCONT, SIGTSTP};

use super::input::input_paused;
use super::msg::{Msg, QUIT_SIGNALS};

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
            if matches!(sig, SIGTSTP | SIGCONT) && input_paused() {
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

//! End to end: the real binary in a pseudo-terminal, read back with a vt100
//! parser. Search, open a result, follow a related link, go back, quit, and
//! the terminal is left as it was found; the same after the signals that
//! end a program, around a suspend, and when the terminal goes away.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

/// What the child printed, raw and as a screen.
#[derive(Clone)]
struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn alternate(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    fn raw_len(&self) -> usize {
        self.raw.lock().unwrap().len()
    }

    /// The raw output from byte `from` on.
    fn raw_since(&self, from: usize) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()[from..]).into_owned()
    }

    /// Waits until `ok` holds, failing after a while.
    fn wait_until(&self, what: &str, ok: impl Fn(&Screen) -> bool) {
        let start = Instant::now();
        while !ok(self) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `needle` is on the screen, failing after a while.
    fn wait_for(&self, needle: &str) {
        self.wait_until(needle, |s| s.text().contains(needle));
    }
}

/// The browser running in a pseudo-terminal.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    screen: Screen,
    reading: Option<std::thread::JoinHandle<()>>,
    reader: Option<Box<dyn Read + Send>>,
}

impl Session {
    /// Runs `program args` (the browser on the tui fixture by default).
    fn start(program: &str, args: &[&str], env: &[(&str, &str)]) -> Session {
        Session::start_with(program, args, env, true)
    }

    /// As [`Session::start`]; `threaded`: a thread reads the output into
    /// the screen, else the reader is left in `reader`.
    fn start_with(program: &str, args: &[&str], env: &[(&str, &str)], threaded: bool) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        // The index's cache and any state stay in the build's folder.
        let xdg = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pty-xdg");
        // Each session starts with no saved state (place, bookmarks).
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let state = format!("state-{}-{n}", std::process::id());
        let _ = std::fs::remove_dir_all(xdg.join(&state));
        // Nor an index left by an earlier run: the fixture's files may have
        // been touched since (a new checkout), and the check would then say
        // so in the status bar where a test waits for the keys' hints.
        let cache = format!("cache-{}-{n}", std::process::id());
        let _ = std::fs::remove_dir_all(xdg.join(&cache));
        for (var, dir) in [
            ("XDG_CACHE_HOME", cache.as_str()),
            ("XDG_STATE_HOME", state.as_str()),
            ("XDG_CONFIG_HOME", "config"),
        ] {
            cmd.env(var, xdg.join(dir));
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawns");
        drop(pair.slave);
        let screen = Screen {
            parser: Arc::new(Mutex::new(vt100::Parser::new(
                std::num::NonZeroU16::new(ROWS).unwrap(),
                std::num::NonZeroU16::new(COLS).unwrap(),
                0,
            ))),
            raw: Arc::default(),
        };
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        if !threaded {
            return Session {
                child,
                master: Some(pair.master),
                writer: Some(writer),
                screen,
                reading: None,
                reader: Some(reader),
            };
        }
        let feed = screen.clone();
        let reading = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.parser.lock().unwrap().process(&buf[..n]);
                feed.raw.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            child,
            master: Some(pair.master),
            writer: Some(writer),
            screen,
            reading: Some(reading),
            reader: None,
        }
    }

    fn browser() -> Session {
        Session::start(env!("CARGO_BIN_EXE_ktimeline"), &[fixture()], &[])
    }

    fn send(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().unwrap();
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// The terminal's line settings (`stty -a`), read on our side.
    fn termios(&self) -> libc::termios {
        let fd = self.master.as_ref().unwrap().as_raw_fd().expect("a fd");
        // SAFETY: tcgetattr fills a plain C struct from a descriptor we own.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            assert_eq!(libc::tcgetattr(fd, &mut t), 0);
            t
        }
    }

    /// True when the terminal echoes and reads by line, as a shell wants.
    fn cooked(&self) -> bool {
        let t = self.termios();
        t.c_lflag & libc::ECHO != 0 && t.c_lflag & libc::ICANON != 0
    }

    fn pid(&self) -> i32 {
        self.child.process_id().expect("a pid") as i32
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(self.pid(), sig) }, 0);
    }

    /// The child's state letter from /proc (`T` when stopped).
    fn state(&self) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.chars().next().unwrap()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "did not end:\n{}",
                self.screen.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes our side of the terminal and waits for the output to end.
    fn close(&mut self) {
        self.writer.take();
        self.master.take();
        if let Some(r) = self.reading.take() {
            let _ = r.join();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn fixture() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tui")
}

/// The sequences that give a terminal back: the normal screen, a visible
/// cursor, no mouse reporting.
fn assert_restored(out: &str) {
    assert!(
        out.contains("\x1b[?1049l"),
        "alternate screen left: {out:?}"
    );
    assert!(out.contains("\x1b[?25h"), "cursor shown: {out:?}");
    assert!(out.contains("\x1b[?1000l"), "mouse reporting off: {out:?}");
    let left = out.rfind("\x1b[?1049l").unwrap();
    assert!(
        !out[left..].contains("\x1b[?1049h") && !out[left..].contains("\x1b[?1000h"),
        "nothing taken again after: {out:?}"
    );
}

#[test]
fn search_follow_back_quit() {
    let mut s = Session::browser();
    let screen = s.screen.clone();

    screen.wait_for("Dates");
    assert!(screen.alternate());

    // Search by two word prefixes and open the result.
    s.send(b"/");
    screen.wait_for("Search headlines");
    s.send(b"win mar");
    screen.wait_for("1 match");
    s.send(b"\r");
    screen.wait_for("Monday 15 January 2018");

    // The search's Enter left the keyboard on the entries, the one found
    // selected: Tab to its related links and follow the first one.
    s.send(b"\t");
    screen.wait_for("Enter follow");
    s.send(b"\r");
    screen.wait_for("Monday 3 July 2017");

    // Back with Backspace.
    s.send(b"\x7f");
    screen.wait_for("Monday 15 January 2018");

    // Forward and back again with Alt-→ and Alt-← from a terminal that
    // sends Meta as Escape (`ESC ESC [ C`, `ESC ESC [ D`).
    let only = |want: &'static str, gone: &'static str| {
        move |sc: &Screen| sc.text().contains(want) && !sc.text().contains(gone)
    };
    s.send(b"\x1b\x1b[C");
    screen.wait_until(
        "forward",
        only("Monday 3 July 2017", "Monday 15 January 2018"),
    );
    s.send(b"\x1b\x1b[D");
    screen.wait_until("back", only("Monday 15 January 2018", "Monday 3 July 2017"));
    // A day back (`[`) was not taken from the sequence.
    std::thread::sleep(Duration::from_millis(200));
    assert!(screen.text().contains("Monday 15 January 2018"));

    // Help, then quit.
    s.send(b"?");
    screen.wait_for("Help");
    s.send(b"\x1b");
    std::thread::sleep(Duration::from_millis(100));
    s.send(b"q");

    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    s.close();
    assert!(!screen.alternate(), "left the alternate screen");
}

#[test]
fn signals_that_end_the_browser_restore_the_terminal() {
    for (sig, code) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGINT, 130),
        (libc::SIGQUIT, 131),
    ] {
        let mut s = Session::browser();
        s.screen.wait_for("Dates");
        assert!(!s.cooked(), "raw while the browser runs");
        let from = s.screen.raw_len();
        s.signal(sig);
        let status = s.wait_exit();
        assert_eq!(status.exit_code(), code, "signal {sig}: {status:?}");
        assert!(s.cooked(), "signal {sig}: the terminal is left raw");
        s.close();
        assert_restored(&s.screen.raw_since(from));
        assert!(!s.screen.alternate());
    }
}

#[test]
fn suspend_and_resume_give_the_terminal_back_and_take_it_again() {
    let mut s = Session::browser();
    s.screen.wait_for("Dates");
    // SIGTSTP from outside, then Ctrl-Z from the keyboard.
    for how in ["SIGTSTP", "Ctrl-Z"] {
        let from = s.screen.raw_len();
        match how {
            "SIGTSTP" => s.signal(libc::SIGTSTP),
            _ => s.send(b"\x1a"),
        }
        s.screen.wait_until("the stop", |_| s.state() == 'T');
        // The output written before the stop may still be on its way here.
        s.screen.wait_until("the terminal given back", |sc| {
            let out = sc.raw_since(from);
            ["\x1b[?1049l", "\x1b[?25h", "\x1b[?1000l"]
                .iter()
                .all(|seq| out.contains(seq))
        });
        assert_restored(&s.screen.raw_since(from));
        assert!(!s.screen.alternate(), "{how}");
        // The shell gets its terminal back: echo and line editing on.
        assert!(s.cooked(), "{how}: the terminal is left raw while stopped");
        s.signal(libc::SIGCONT);
        // Taken again and drawn whole, in raw mode again.
        s.screen.wait_until("the redraw", |sc| {
            sc.alternate() && sc.text().contains("Dates")
        });
        // (Waited for, not asserted at once: on a busy machine the
        // sequences that take the terminal again may still be on their way
        // when the screen already reads as drawn.)
        s.screen.wait_until("mouse reporting again", |sc| {
            sc.raw_since(from).contains("\x1b[?1000h")
        });
        s.screen.wait_until("raw mode again", |_| !s.cooked());
        s.send(b"j");
    }
    // Ctrl-L draws everything again; then quit.
    let from = s.screen.raw_len();
    s.send(b"\x0c");
    s.screen
        .wait_until("the redraw", |sc| sc.raw_since(from).contains("Dates"));
    s.send(b"q");
    assert!(s.wait_exit().success());
}

#[test]
fn a_terminal_that_goes_away_ends_the_browser_even_with_sighup_ignored() {
    let bin = env!("CARGO_BIN_EXE_ktimeline");
    // Not the session leader (the shell is), as in a terminal window: no
    // SIGCONT comes with the hang-up, only end-of-file on reading.
    let script = format!("trap '' HUP; '{bin}' '{}'; exit $?", fixture());
    let mut s = Session::start_with("sh", &["-c", &script], &[], false);
    // Read up to the status bar's last hint: the whole first frame, so that
    // the browser is idle, waiting for input, when the terminal goes. The
    // reading thread then closes its handle; it is waited for with a
    // deadline, so that a browser that never draws fails the test rather
    // than hanging it (the child is killed when the session drops, which
    // ends the read).
    let mut reader = s.reader.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        let drawn = loop {
            if String::from_utf8_lossy(&out).contains("quit") {
                break true;
            }
            match reader.read(&mut buf) {
                Ok(n) if n > 0 => out.extend_from_slice(&buf[..n]),
                _ => break false,
            }
        };
        drop(reader);
        let _ = tx.send((drawn, out));
    });
    let (drawn, out) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the first frame within 20 s");
    assert!(
        drawn,
        "output ended early: {}",
        String::from_utf8_lossy(&out)
    );
    std::thread::sleep(Duration::from_millis(200));
    // Hang up: every handle on our side of the terminal closed. The child
    // must notice and end rather than spin on end-of-file.
    s.writer.take();
    s.master.take();
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_dumb_terminal_is_not_drawn_on() {
    let mut s = Session::start(
        env!("CARGO_BIN_EXE_ktimeline"),
        &[fixture()],
        &[("TERM", "dumb")],
    );
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 2);
    s.close();
    let out = s.screen.raw_since(0);
    assert!(out.contains("needs a terminal"), "{out:?}");
    assert!(out.contains("ktimeline search --help"), "{out:?}");
    assert!(!out.contains("\x1b[?1049h"), "{out:?}");
}

#[test]
fn no_controlling_terminal_is_explained() {
    // Standard input nothing, or the terminal itself: either way no keys
    // should be read from it (no resize signal, no way back after Ctrl-Z).
    for stdin_is_the_terminal in [false, true] {
        refused_without_a_controlling_terminal(stdin_is_the_terminal);
    }
}

fn refused_without_a_controlling_terminal(stdin_is_the_terminal: bool) {
    use std::ffi::CStr;
    use std::os::fd::FromRawFd;
    use std::os::unix::process::CommandExt;
    // A terminal for standard output, but a new session without a
    // controlling terminal (as under `setsid` or from a service).
    // SAFETY: plain libc calls on a pty of our own; every result checked.
    let (master, slave) = unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(m >= 0);
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        let s = libc::open(
            CStr::from_ptr(name.as_ptr()).as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY,
        );
        assert!(s >= 0);
        (std::fs::File::from_raw_fd(m), std::fs::File::from_raw_fd(s))
    };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ktimeline"));
    let xdg = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pty-xdg");
    let stdin = if stdin_is_the_terminal {
        std::process::Stdio::from(slave.try_clone().unwrap())
    } else {
        std::process::Stdio::null()
    };
    cmd.arg(fixture())
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("TERM", "xterm-256color")
        .stdin(stdin)
        .stdout(slave)
        .stderr(std::process::Stdio::piped());
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    // A browser that did not refuse would wait for keys: not for ever.
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the browser ran without a controlling terminal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    // Nothing reached the terminal: not even the escapes that give it
    // back, since it was never taken.
    let mut written = Vec::new();
    // SAFETY: a flag on our own descriptor.
    unsafe {
        use std::os::fd::AsRawFd;
        let fd = master.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        assert_eq!(libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
    }
    // EAGAIN (nothing buffered) or EIO (the other end closed) end it.
    let _ = (&master).read_to_end(&mut written);
    drop(master);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&written),
        "",
        "written to the terminal"
    );
    assert!(err.contains("no controlling terminal"), "{err}");
    assert!(err.contains("ktimeline search --help"), "{err}");
}

#[test]
fn ctrl_c_after_a_long_burst_of_keys_quits() {
    let mut s = Session::browser();
    s.screen.wait_for("Dates");
    s.send(b"/");
    s.screen.wait_for("Search headlines");
    // 20 KB typed (not a bracketed paste), then one Ctrl-C.
    let mut burst = vec![b'x'; 20_000];
    burst.push(0x03);
    s.send(&burst);
    let start = Instant::now();
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

/// Copies a folder tree.
pub(crate) fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Another ktimeline brings the shared index up to date before the open
/// browser reads the change: the browser still shows the edit, as soon as
/// it reads the archive again (its watcher, or `R`), rather than saying the
/// archive has not changed.
#[test]
fn an_index_brought_up_to_date_by_another_process_does_not_leave_the_browser_stale() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    copy_tree(std::path::Path::new(fixture()), &archive);
    let cache = dir.path().join("cache");
    let root = archive.to_str().unwrap();
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    let mut s = Session::start(env!("CARGO_BIN_EXE_ktimeline"), &[root], &env);
    let screen = s.screen.clone();
    screen.wait_for("Winter market draws record crowds");
    screen.wait_until("the first check", |sc| {
        !sc.text().contains("checking for changes")
    });
    // Give the watcher time to set up.
    std::thread::sleep(Duration::from_millis(500));
    let file = archive.join("news/2018/01/15/winter-market-draws-record-crowds.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("record crowds", "fewer crowds")).unwrap();
    let stats = std::process::Command::new(env!("CARGO_BIN_EXE_ktimeline"))
        .args(["stats", root])
        .env("XDG_CACHE_HOME", &cache)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(stats.status.success());
    assert!(
        String::from_utf8_lossy(&stats.stdout).contains("re-read"),
        "stats did not use the index: {}",
        String::from_utf8_lossy(&stats.stdout)
    );
    // Past the watcher's wait, then `R` for machines without one.
    std::thread::sleep(Duration::from_millis(800));
    s.send(b"R");
    screen.wait_for("Winter market draws fewer crowds");
    s.send(b"q");
    assert!(s.wait_exit().success());
}

/// `ktimeline show` to a terminal: the text goes through `$PAGER` (split
/// into words as a shell would, with `LESS=FRX` as git sets it), coloured
/// and as wide as the terminal; with `NO_COLOR`, plain. The pager here is
/// `sh -c` keeping what it was given: its arguments and its input.
#[test]
fn show_to_a_terminal_goes_through_the_pager() {
    let dir = tempfile::tempdir().unwrap();
    let paged = dir.path().join("paged");
    let pager = format!(
        "sh -c 'printf \"%s\\n\" \"$@\" > \"$0.args\"; printf \"LESS=%s\\n\" \"$LESS\" >> \"$0.args\"; cat > \"$0\"' '{}' --flag 'two words'",
        paged.display()
    );
    let basic = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");
    let entry = "/news/2020/01/2/harbour-city-opens-its-first-tidal-power-station.md";
    for no_color in ["", "1"] {
        let _ = std::fs::remove_file(&paged);
        let mut s = Session::start(
            env!("CARGO_BIN_EXE_ktimeline"),
            &["show", entry, basic],
            &[("PAGER", &pager), ("NO_COLOR", no_color)],
        );
        assert!(s.wait_exit().success(), "{}", s.screen.text());
        s.close();
        let text = std::fs::read_to_string(&paged).expect("the pager was run");
        let args = std::fs::read_to_string(dir.path().join("paged.args")).unwrap();
        assert_eq!(args, "--flag\ntwo words\nLESS=FRX\n");
        assert!(text.contains("tidal power station."), "{text:?}");
        assert_eq!(text.contains('\u{1b}'), no_color.is_empty(), "{text:?}");
        // The terminal's width (100), not a pipe's 80: the body's first
        // sentence (88 columns) is one line.
        let plain: String = if no_color.is_empty() {
            text.split('\u{1b}')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part
                    } else {
                        &part[part.find('m').unwrap() + 1..]
                    }
                })
                .collect()
        } else {
            text.clone()
        };
        assert!(
            plain.contains("The station sits at the mouth of the estuary and is meant to supply four thousand homes.\n"),
            "{plain}"
        );
        // Nothing went to the terminal itself.
        assert!(!s.screen.text().contains("tidal"), "{}", s.screen.text());
    }
}

//! End to end: the real binary in a pseudo-terminal, read back with a vt100
//! parser. Search, open a result, follow a related link, go back, quit, and
//! the terminal is left as it was found.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `needle` is on the screen, failing after a while.
    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {needle:?}; the screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn search_follow_back_quit() {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tui");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ktimeline"));
    cmd.arg(fixture);
    cmd.env("TERM", "xterm-256color");
    let xdg = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pty-xdg");
    for (var, dir) in [
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        cmd.env(var, xdg.join(dir));
    }
    cmd.env_remove("NO_COLOR");
    let mut child = pair.slave.spawn_command(cmd).expect("spawns");
    drop(pair.slave);

    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::new(30).unwrap(),
        std::num::NonZeroU16::new(100).unwrap(),
        0,
    )));
    let mut reader = pair.master.try_clone_reader().unwrap();
    let feed = parser.clone();
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().unwrap().process(&buf[..n]);
        }
    });
    let mut writer = pair.master.take_writer().unwrap();
    let mut send = |bytes: &[u8]| {
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
    };
    let screen = Screen { parser };

    screen.wait_for("Dates");
    assert!(screen.parser.lock().unwrap().screen().alternate_screen());

    // Search by two word prefixes and open the result.
    send(b"/");
    screen.wait_for("Search headlines");
    send(b"win mar");
    screen.wait_for("1 match");
    send(b"\r");
    screen.wait_for("Monday 15 January 2018");

    // Tab to the related links and follow the first one.
    send(b"\t\t");
    screen.wait_for("Enter follow");
    send(b"\r");
    screen.wait_for("Monday 3 July 2017");

    // Back with Backspace.
    send(b"\x7f");
    screen.wait_for("Monday 15 January 2018");

    // Help, then quit.
    send(b"?");
    screen.wait_for("Help");
    send(b"\x1b");
    std::thread::sleep(Duration::from_millis(100));
    send(b"q");

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "did not quit:\n{}",
            screen.text()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    drop(pair.master);
    let _ = reading.join();
    let p = screen.parser.lock().unwrap();
    assert!(!p.screen().alternate_screen(), "left the alternate screen");
}

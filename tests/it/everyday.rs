//! Everyday use (issue 9): the configuration file and its errors, keys
//! remapped in the help, state that lasts (place, newest day, bookmarks,
//! read entries), OSC 52, the opener and editor hand-offs with stand-in
//! scripts, the watcher applying a change to a temporary archive, the
//! `bookmarks`, `config`, `completions` and `man` commands. Every XDG
//! folder points into a temporary folder; the real home is never touched.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use ktimeline::state::{Bookmark, Store};
use ktimeline::tui::action::{Action, Effect};
use ktimeline::tui::app::App;
use ktimeline::tui::config;
use ktimeline::tui::event_loop::Msg;
use ktimeline::tui::keymap::{Focus, Mode};
use ktimeline::tui::open;
use ktimeline::tui::theme::Theme;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The binary with its XDG folders under `home`.
fn ktimeline(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ktimeline"));
    for (var, dir) in [
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        cmd.env(var, home.join(dir));
    }
    cmd.env("HOME", home);
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write_config(home: &Path, text: &str) -> PathBuf {
    let p = home.join("config/ktimeline/config.toml");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bad_config_files_name_the_line_and_what_is_wrong() {
    let cases: &[(&str, usize, &str)] = &[
        ("body_width = 80\nopener = [\"a\"\n", 2, ""),
        (
            "# fine\n[keys]\nquit = [\"q\"]\nfly = [\"f\"]\n",
            4,
            "unknown action",
        ),
        (
            "[keys]\n\nquit = [\"q\", \"ctrl-frobnicate\"]\n",
            3,
            "unknown key name",
        ),
        ("body_width = \"wide\"\n", 1, ""),
        ("body_width = 5\n", 1, "out of range"),
        ("colour = true\n", 1, "unknown field"),
        ("[theme]\naccent = \"ultraviolet\"\n", 2, "unknown colour"),
        ("[theme]\nascii = 1\n", 2, "true or false"),
        (
            "[keys]\nquit = [\"x\"]\nhelp = [\"x\"]\n",
            3,
            "x is given to",
        ),
    ];
    for (text, line, what) in cases {
        let e = config::parse(Path::new("/c/config.toml"), text).unwrap_err();
        assert_eq!(e.line, Some(*line), "{text:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("/c/config.toml:{line}: "))
        );
        assert!(e.message.contains(what), "{text:?}: {e}");
    }
    // The same through the command line: `config --check`, and the
    // browser itself, which stops before it touches the terminal.
    let home = tempfile::tempdir().unwrap();
    let path = write_config(home.path(), "[keys]\nquit = [\"q\"]\nfly = [\"f\"]\n");
    let (code, _, err) = run(ktimeline(home.path()).args(["config", "--check"]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{}:3: [keys]: unknown action \"fly\"",
            path.display()
        )),
        "{err}"
    );
    let (code, out, err) = run(ktimeline(home.path()).arg(fixture("basic")));
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains(":3: [keys]: unknown action"), "{err}");
    assert!(!err.contains("terminal"), "{err}");
    // A good file passes.
    write_config(home.path(), &config::default_file());
    let (code, out, _) = run(ktimeline(home.path()).args(["config", "--check"]));
    assert_eq!(code, 0);
    assert!(out.contains("good"), "{out}");
}

#[test]
fn the_config_command_prints_every_option() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = run(ktimeline(home.path()).arg("config"));
    assert_eq!(code, 0);
    for option in [
        "# opener = ",
        "# editor = ",
        "# body_width = ",
        "[theme]",
        "# ascii = ",
        "# accent = ",
        "[keys]",
        "# quit = ",
        "# bookmark = ",
        "# copy = ",
        "# edit = ",
        "# reload = ",
    ] {
        assert!(out.contains(option), "{option} missing");
    }
    let c = config::parse(Path::new("x"), &out).unwrap();
    assert_eq!(c.body_width, 100);
    assert!(c.opener.is_none() && c.editor.is_none());
}

#[test]
fn settings_take_effect() {
    let text = "opener = \"my-browser --new-tab\"\neditor = [\"ed\", \"-s\"]\nbody_width = 72\n\
        [theme]\nascii = true\naccent = \"#ff8800\"\nstatus_bg = \"blue\"\n\
        [keys]\nquit = [\"x\", \"ctrl-c\"]\nbookmark = [\"b\"]\n";
    let c = config::parse(Path::new("c"), text).unwrap();
    assert_eq!(
        c.opener.as_deref(),
        Some(&["my-browser".to_string(), "--new-tab".into()][..])
    );
    assert_eq!(
        c.editor.as_deref(),
        Some(&["ed".to_string(), "-s".into()][..])
    );
    assert_eq!(c.body_width, 72);
    assert!(c.ascii && c.theme().ascii);
    assert_eq!(c.palette.accent, ratatui::style::Color::Rgb(0xff, 0x88, 0));
    assert_eq!(c.palette.status_bg, ratatui::style::Color::Blue);
    // The remapped keys work, and the help shows them: `b` bookmarks now
    // (it was a page up, which keeps PgUp), `x` quits, `q` no longer does.
    let key = |c| {
        ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::NONE,
        )
    };
    let lists = Mode::Main(Focus::Events);
    assert_eq!(c.keymap.action_for(lists, key('x')), Some(Action::Quit));
    assert_eq!(c.keymap.action_for(lists, key('q')), None);
    assert_eq!(
        c.keymap.action_for(lists, key('b')),
        Some(Action::ToggleBookmark)
    );
    // In an input line a letter still types.
    let search = Mode::Popup(ktimeline::tui::keymap::PopupKind::Search);
    assert_eq!(
        c.keymap.action_for(search, key('x')),
        Some(Action::Input('x'))
    );
    let help = c.keymap.help_sections(false);
    let row = |what: &str| {
        help.iter()
            .flat_map(|(_, rows)| rows.iter())
            .find(|(_, w)| *w == what)
            .map(|(k, _)| k.clone())
    };
    assert_eq!(row("quit").as_deref(), Some("x Ctrl-C"));
    assert_eq!(
        row("bookmark the entry, or unmark it").as_deref(),
        Some("b")
    );
    assert_eq!(
        row("a page up (the focused list, or the text)").as_deref(),
        Some("PgUp")
    );
}

fn app_on(dir: &Path) -> App {
    let t = ktimeline::loader::load_paths(&[dir.to_path_buf()], &|_, _| {}).unwrap();
    App::new(Arc::new(t), Theme::default())
}

#[test]
fn state_lasts_place_bookmarks_and_read_entries() {
    let home = tempfile::tempdir().unwrap();
    let archive = fixture("tui");
    let store = Store::in_dir(home.path().join("state"), std::slice::from_ref(&archive)).unwrap();
    // A new archive opens on its newest day.
    let mut app = app_on(&archive);
    let (state, note) = store.load();
    assert!(note.is_none());
    app.restore_state(state);
    let newest = app
        .timeline
        .days
        .iter()
        .filter_map(|d| d.date)
        .max()
        .unwrap();
    assert_eq!(app.current_event().unwrap().date, Some(newest));
    // Go somewhere, read it, bookmark it, leave.
    app.update(Action::Home);
    app.update(Action::Down);
    app.update(Action::FocusRight);
    app.update(Action::FocusRight);
    let here = app.current_event().unwrap().id.clone();
    assert_eq!(app.update(Action::ToggleBookmark), Some(Effect::SaveState));
    assert!(app.is_bookmarked(&here));
    store.save(&app.to_state()).unwrap();
    // Reopened: the same entry, pane, bookmark and read mark.
    let mut again = app_on(&archive);
    again.restore_state(store.load().0);
    assert_eq!(again.current_event().unwrap().id, here);
    assert_eq!(again.nav.focus, Focus::Links);
    assert!(again.is_bookmarked(&here));
    assert!(again.session.visited.contains(&here));
    // The `'` list jumps to it from elsewhere; Delete removes it.
    again.update(Action::FocusLeft);
    again.update(Action::FocusLeft);
    again.update(Action::End);
    assert_ne!(again.current_event().unwrap().id, here);
    again.update(Action::OpenBookmarks);
    assert_eq!(
        again.mode(),
        Mode::Popup(ktimeline::tui::keymap::PopupKind::Bookmarks)
    );
    again.update(Action::Activate);
    assert_eq!(again.current_event().unwrap().id, here);
    assert_eq!(again.popup, None);
    again.update(Action::OpenBookmarks);
    assert_eq!(
        again.update(Action::RemoveBookmark),
        Some(Effect::SaveState)
    );
    assert!(again.session.bookmarks.is_empty());
    // `d` removes too, before a filter is typed; after, it types.
    again.update(Action::Escape);
    again.update(Action::ToggleBookmark);
    again.update(Action::OpenBookmarks);
    again.update(Action::Input('x'));
    again.update(Action::Input('d'));
    assert_eq!(again.session.bookmarks.len(), 1, "d typed into the filter");
    again.update(Action::ClearInput);
    assert_eq!(again.update(Action::Input('d')), Some(Effect::SaveState));
    assert!(again.session.bookmarks.is_empty());
    // A damaged file is ignored with a note; a command that only reads
    // leaves it where it is.
    std::fs::write(store.path(), "{ not json").unwrap();
    let (state, note) = store.peek();
    assert!(state.bookmarks.is_empty() && note.unwrap().contains("damaged"));
    assert!(store.path().exists());
    let (state, note) = store.load();
    assert!(state.bookmarks.is_empty());
    let note = note.unwrap();
    assert!(note.contains("damaged"));
    // Set aside, not lost when the browser saves again, nor when another
    // damaged file is set aside after it.
    let aside = |note: &str| PathBuf::from(note.rsplit("kept as ").next().unwrap());
    assert_eq!(std::fs::read_to_string(aside(&note)).unwrap(), "{ not json");
    assert!(!store.path().exists());
    std::fs::write(store.path(), "{ also not json").unwrap();
    let second = store.load().1.unwrap();
    assert_ne!(aside(&second), aside(&note));
    assert_eq!(std::fs::read_to_string(aside(&note)).unwrap(), "{ not json");
}

#[test]
fn the_bookmarks_command_lists_them_like_search() {
    let home = tempfile::tempdir().unwrap();
    let archive = fixture("basic");
    let (code, _, err) = run(ktimeline(home.path()).arg("bookmarks").arg(&archive));
    assert_eq!(code, 1, "{err}");
    let app = app_on(&archive);
    let e = &app.timeline.events[0];
    let store = Store::in_dir(
        home.path().join("state/ktimeline"),
        std::slice::from_ref(&archive),
    )
    .unwrap();
    let mut state = store.load().0;
    state.bookmarks = vec![
        Bookmark {
            id: e.id.clone(),
            date: None,
            headline: "old".into(),
            file: None,
        },
        Bookmark {
            id: "/gone.md".into(),
            date: None,
            headline: "A gone one".into(),
            file: Some("gone.md".into()),
        },
    ];
    store.save(&state).unwrap();
    let (code, out, err) = run(ktimeline(home.path()).arg("bookmarks").arg(&archive));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0].split('\t').nth(1),
        Some(e.headline.as_str()),
        "{out}"
    );
    assert!(lines[1].contains("A gone one (gone)\tgone.md"), "{out}");
    assert!(err.contains("2 bookmarks"));
}

/// A stand-in program that writes its arguments, one a line, to `out`.
fn stand_in(dir: &Path, name: &str, out: &Path) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", out.display()),
    )
    .unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn wait_for_file(p: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(p)
            && !s.is_empty()
        {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} never came",
            p.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_opener_and_the_editor_get_one_argument_each() {
    let dir = tempfile::tempdir().unwrap();
    let got = dir.path().join("got");
    let script = stand_in(dir.path(), "browser", &got);
    let url = "https://example.org/a b;$(touch pwned)";
    // Not a web address as the loader checks it (a space): refused.
    assert!(open::open_url_with(url, Some(&[script.display().to_string()])).is_err());
    let url = "https://example.org/a?x=1&y=$(touch%20pwned);`id`";
    let opener = vec![script.display().to_string(), "--new-tab".into()];
    open::open_url_with(url, Some(&opener)).unwrap();
    assert_eq!(wait_for_file(&got), format!("--new-tab\n{url}\n"));
    assert!(!dir.path().join("pwned").exists());
    // Only http and https.
    assert!(open::open_url_with("file:///etc/passwd", Some(&opener)).is_err());

    let got = dir.path().join("edited");
    let editor = stand_in(dir.path(), "editor", &got);
    let file = dir.path().join("entry with space.md");
    std::fs::write(&file, "# x\n").unwrap();
    open::run_editor(Some(&[editor.display().to_string()]), &file).unwrap();
    assert_eq!(
        std::fs::read_to_string(&got).unwrap(),
        format!("{}\n", file.display())
    );
    assert!(
        open::run_editor(
            Some(&[editor.display().to_string()]),
            &dir.path().join("none")
        )
        .is_err()
    );
}

#[test]
fn y_copies_with_osc52_and_says_what() {
    let mut app = app_on(&fixture("tui"));
    let Some(Effect::Copy { text, what }) = app.update(Action::Copy) else {
        panic!("no copy");
    };
    let e = app.current_event().unwrap();
    assert!(text.ends_with(&e.headline), "{text}");
    assert_eq!(what, "the date and headline");
    let seq = open::osc52(&text);
    assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
    assert!(!seq[1..seq.len() - 1].chars().any(|c| c.is_control()));
    // With a source chosen in the detail: its address.
    let idx = (0..app.timeline.events.len())
        .find(|&i| !app.timeline.events[i].sources.is_empty())
        .unwrap();
    app.jump(idx);
    app.update(Action::FocusRight);
    app.update(Action::FocusRight);
    app.nav.link = Some(0);
    let url = app.timeline.events[idx].sources[0].url().to_string();
    assert_eq!(
        app.update(Action::Copy),
        Some(Effect::Copy {
            text: url.clone(),
            what: url
        })
    );
    // `e` hands over the entry's file.
    assert!(matches!(app.update(Action::Edit), Some(Effect::Edit(_))));
}

#[test]
fn the_watcher_applies_an_added_file() {
    let home = tempfile::tempdir().unwrap();
    // SAFETY: this test alone in this binary reads the cache variable.
    unsafe { std::env::set_var("XDG_CACHE_HOME", home.path().join("cache")) };
    let archive = home.path().join("archive");
    let day = archive.join("news/2020/05/6");
    std::fs::create_dir_all(&day).unwrap();
    std::fs::write(
        day.join("ferry.md"),
        "### [2020-05-06](/news/2020/05/6/index.md)\n\n# Ferry timetable changes\n",
    )
    .unwrap();
    let roots = vec![archive.clone()];
    // The index the browser would have written on start.
    ktimeline::loader::open(&roots, true, &|_, _| {}).unwrap();
    let (tx, rx) = channel();
    let worker = ktimeline::tui::archive::Archive::spawn(roots, true, tx);
    // The indexed timeline comes at once; then, the first screen drawn,
    // the check (the archive is unchanged) and the watching.
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)),
        Ok(Msg::Loaded(_))
    ));
    assert!(worker.checking());
    worker.shown();
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)),
        Ok(Msg::Unchanged)
    ));
    // The watching is set up on its own thread.
    let start = Instant::now();
    while !worker.watching() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "watching in time"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let day2 = archive.join("news/2020/05/7");
    std::fs::create_dir_all(&day2).unwrap();
    std::fs::write(
        day2.join("bridge.md"),
        "### [2020-05-07](/news/2020/05/7/index.md)\n\n# Bridge reopens after repairs\n",
    )
    .unwrap();
    let start = Instant::now();
    let timeline = loop {
        let left = Duration::from_secs(15).saturating_sub(start.elapsed());
        if let Msg::Checked { result, .. } = rx.recv_timeout(left).expect("the change arrives") {
            let (t, _) = (*result).unwrap();
            if t.events.iter().any(|e| e.headline.contains("Bridge")) {
                break t;
            }
        }
    };
    assert!(start.elapsed() < Duration::from_secs(5));
    let old = ktimeline::loader::load_memory("x", Vec::<(String, &str)>::new());
    let changes = ktimeline::changes::Changes::between(&old, &timeline);
    assert_eq!(changes.added, 2, "{changes}");
    // The archive's folder deleted and made again (a sync tool, a restore):
    // still followed.
    std::fs::remove_dir_all(&archive).unwrap();
    std::thread::sleep(Duration::from_millis(700));
    std::fs::create_dir_all(&day2).unwrap();
    std::thread::sleep(Duration::from_millis(700));
    std::fs::write(
        day2.join("tunnel.md"),
        "### [2020-05-07](/news/2020/05/7/index.md)\n\n# Tunnel opens to traffic\n",
    )
    .unwrap();
    let start = Instant::now();
    loop {
        let left = Duration::from_secs(15).saturating_sub(start.elapsed());
        if let Msg::Checked { result, .. } = rx.recv_timeout(left).expect("the change arrives")
            && let Ok((t, _)) = *result
            && t.events.iter().any(|e| e.headline.contains("Tunnel"))
        {
            break;
        }
    }
}

#[test]
fn completions_that_bash_can_source_and_a_man_page() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, _) = run(ktimeline(home.path()).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("ktimeline"), "{shell}");
    }
    let script = home.path().join("ktimeline.bash");
    let (_, out, _) = run(ktimeline(home.path()).args(["completions", "bash"]));
    std::fs::write(&script, out).unwrap();
    let status = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p ktimeline",
            script.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, man, _) = run(ktimeline(home.path()).arg("man"));
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") || man.contains(".TH ktimeline"),
        "{}",
        &man[..200]
    );
    for needle in [
        "BROWSER KEYS",
        "ENVIRONMENT",
        "NO_COLOR",
        "BROWSER",
        "VISUAL",
        "XDG_STATE_HOME",
        "bookmark the entry",
    ] {
        assert!(man.contains(needle), "{needle} missing from the man page");
    }
}

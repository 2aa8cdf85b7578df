//! Rendering of the browser with ratatui's `TestBackend`, driven through the
//! real keymap and event handling, checked with insta snapshots. The archive
//! is the small fixture in tests/fixtures/tui.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use ktimeline::model::Timeline;
use ktimeline::tui::app::App;
use ktimeline::tui::event_loop::{Msg, SearchWorker, handle, redraw};
use ktimeline::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

struct Harness {
    term: Terminal<TestBackend>,
    app: App,
    worker: SearchWorker,
    rx: Receiver<Msg>,
}

fn fixture() -> Timeline {
    ktimeline::loader::load_paths(&[PathBuf::from("tests/fixtures/tui")], &|_, _| {})
        .expect("fixture loads")
}

impl Harness {
    fn new(timeline: Timeline, w: u16, h: u16, theme: Theme) -> Harness {
        let timeline = Arc::new(timeline);
        let (tx, rx) = channel();
        let worker = SearchWorker::spawn(timeline.clone(), tx);
        let term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let app = App::new(timeline, theme);
        let mut h = Harness {
            term,
            app,
            worker,
            rx,
        };
        h.words_ready();
        h
    }

    /// Waits for the word index the worker builds when it starts (the
    /// detail's Similar section wants it), and draws.
    fn words_ready(&mut self) {
        while !self.app.similar.ready(&self.app.timeline) {
            let msg = (self.rx)
                .recv_timeout(Duration::from_secs(10))
                .expect("the word index is made");
            let mut opened = |_: &str| Ok(());
            handle(&mut self.app, msg, &self.worker, &mut opened);
        }
        redraw(&mut self.term, &mut self.app).unwrap();
    }

    fn fixture(w: u16, h: u16) -> Harness {
        Harness::new(fixture(), w, h, Theme::default())
    }

    fn send(&mut self, ev: Event) {
        let mut opened = |_: &str| Err("no browser in tests".to_string());
        if handle(&mut self.app, Msg::Term(ev), &self.worker, &mut opened) {
            redraw(&mut self.term, &mut self.app).unwrap();
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// Waits for the search worker to answer the latest query.
    fn settle(&mut self) -> &mut Self {
        while self.app.search.pending {
            let msg = self
                .rx
                .recv_timeout(Duration::from_secs(10))
                .expect("search answers");
            let mut opened = |_: &str| Ok(());
            handle(&mut self.app, msg, &self.worker, &mut opened);
        }
        redraw(&mut self.term, &mut self.app).unwrap();
        self
    }

    /// Keys that arrive together: all handled, then one draw.
    fn burst(&mut self, codes: &[KeyCode]) -> &mut Self {
        let mut opened = |_: &str| Err("no browser in tests".to_string());
        for &code in codes {
            let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
            handle(&mut self.app, Msg::Term(ev), &self.worker, &mut opened);
        }
        redraw(&mut self.term, &mut self.app).unwrap();
        self
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.term.backend_mut().resize(w, h);
        self.send(Event::Resize(w, h));
    }

    fn screen(&self) -> String {
        let buf = self.term.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                // A wide character covers the next cell, whatever it holds.
                let mut line = String::new();
                let mut skip = 0;
                for x in 0..buf.area.width {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    let sym = buf[(x, y)].symbol();
                    skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                    line.push_str(sym);
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn main_screen() {
    let mut h = Harness::fixture(120, 36);
    h.key(KeyCode::Down).key(KeyCode::Tab).key(KeyCode::Tab);
    insta::assert_snapshot!(h.term.backend());
}

#[test]
fn search_popup_with_highlights() {
    let mut h = Harness::fixture(100, 30);
    h.keys("/win mar").settle();
    insta::assert_snapshot!(h.term.backend());
    // The matched characters are bold and underlined.
    let buf = h.term.backend().buffer();
    let highlighted: String = buf
        .content()
        .iter()
        .filter(|c| c.modifier.contains(Modifier::BOLD | Modifier::UNDERLINED))
        .map(|c| c.symbol())
        .collect();
    assert!(highlighted.contains("Win"), "{highlighted:?}");
    assert!(highlighted.contains("mar"), "{highlighted:?}");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("▶ 15 Mon"));
}

#[test]
fn help() {
    let mut h = Harness::fixture(100, 50);
    h.keys("?");
    insta::assert_snapshot!(h.term.backend());
}

#[test]
fn tag_filter() {
    let mut h = Harness::fixture(100, 30);
    h.keys("t");
    insta::assert_snapshot!("tag_picker", h.term.backend());
    h.keys("vol").key(KeyCode::Enter);
    insta::assert_snapshot!("tag_filtered", h.term.backend());
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("tag: Volunteers"));
}

#[test]
fn go_to_date() {
    let mut h = Harness::fixture(100, 30);
    h.keys(":2017-06-10");
    insta::assert_snapshot!(h.term.backend());
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("▶ 20 Tue"));
}

#[test]
fn narrow_terminal() {
    let mut h = Harness::fixture(50, 20);
    h.key(KeyCode::Down);
    insta::assert_snapshot!("narrow_dates", h.term.backend());
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    insta::assert_snapshot!("narrow_detail", h.term.backend());
}

#[test]
fn too_small() {
    let h = Harness::fixture(20, 5);
    insta::assert_snapshot!(h.term.backend());
}

#[test]
fn empty_archive_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "   \n").unwrap();
    let tl = ktimeline::loader::load_paths(&[dir.path().to_path_buf()], &|_, _| {}).unwrap();
    let h = Harness::new(tl, 80, 12, Theme::default());
    let screen = h.screen();
    assert!(screen.contains("has nothing to show"), "{screen}");
    assert!(screen.contains("empty file"), "{screen}");
}

#[test]
fn every_size_draws_without_panic() {
    let mut h = Harness::fixture(120, 40);
    h.key(KeyCode::Down).key(KeyCode::Tab).key(KeyCode::Tab);
    for popup in ["", "/", "t", ":", "?"] {
        h.keys(popup);
        if popup == "/" {
            h.keys("har").settle();
        }
        for w in (0..=130).step_by(7).chain([1, 2, 10, 29, 30, 71, 72]) {
            for ht in (0..=45).step_by(4).chain([1, 3, 7, 8, 15, 16]) {
                h.resize(w, ht);
            }
        }
        h.resize(120, 40);
        h.key(KeyCode::Esc);
    }
    h.resize(10, 3);
    assert!(h.screen().contains("small"));
}

#[test]
fn wide_characters_keep_the_borders_aligned() {
    let mut h = Harness::fixture(90, 24);
    h.keys("G").keys("k").key(KeyCode::Tab);
    let screen = h.screen();
    assert!(screen.contains("겨울"), "{screen}");
    let buf = h.term.backend().buffer();
    // The right border of each pane, on every row of the pane.
    for area in [h.app.areas.events, h.app.areas.detail] {
        for y in area.y..area.bottom() {
            let border = buf[(area.right(), y)].symbol();
            assert!(border == "│" || border == "┃", "row {y}\n{screen}");
        }
    }
}

#[test]
fn no_color_draws_no_colours_and_still_marks_the_selection() {
    let mut h = Harness::new(
        fixture(),
        100,
        30,
        Theme {
            color: false,
            ..Theme::default()
        },
    );
    h.key(KeyCode::Down).keys("/win").settle();
    let buf = h.term.backend().buffer();
    for c in buf.content() {
        assert!(
            matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
            "{c:?}"
        );
    }
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
}

#[test]
fn mouse_clicks_select_and_focus() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut h = Harness::fixture(120, 36);
    let click = |x, y| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Row 7 of the date list is June 8 (2016, March, 02, 2017, June, 08).
    let dates = h.app.areas.dates;
    h.send(click(dates.x + 2, dates.y + 5));
    assert!(h.screen().contains("▶ 08 Thu"), "{}", h.screen());
    let events = h.app.areas.events;
    h.send(click(events.x + 3, events.y + 2));
    assert_eq!(
        h.app.current_event().unwrap().headline,
        "Rain delays the regatta by a week"
    );
    let detail = h.app.areas.detail;
    h.send(click(detail.x + 3, detail.y));
    assert_eq!(h.app.nav.focus, ktimeline::tui::keymap::Focus::Links);
}

/// Two entries (an event and the article it links to) carrying `evil` in
/// every field, built by hand so as to bypass the loader's own
/// sanitising: `body` as their body, `url` as their source's address.
fn hostile(evil: &str, body: &str, url: &str) -> Timeline {
    use chrono::NaiveDate;
    use ktimeline::model::{Body, Event as Entry, Kind, Related, Source};
    let mk = |id: &str, kind| Entry {
        id: id.into(),
        kind,
        date: NaiveDate::from_ymd_opt(2020, 1, 1),
        headline: format!("{evil}{id}"),
        body: Body::Inline(body.into()),
        file: Some(format!("{evil}.md")),
        sources: vec![Source::new(evil, url, false)],
        related: Vec::new(),
        backlinks: Vec::new(),
        tags: vec![evil.into()],
        // Front matter's texts too, as if a loader had not cleaned them.
        meta: Some(Box::new(ktimeline::model::Meta {
            author: Some(evil.into()),
            description: Some(evil.into()),
            properties: vec![(evil.into(), evil.into())].into(),
            tags: 1,
        })),
    };
    let mut a = mk("a", Kind::Event);
    a.related = vec![Related {
        text: Some(evil.into()),
        context: vec![evil.into()].into(),
        to: 1,
        resolved: true,
        line: 7,
    }];
    let mut b = mk("b", Kind::Article);
    b.backlinks = vec![0];
    Timeline::new(evil.into(), vec![a, b], Vec::new(), 0, 2)
}

/// Every screen of `tl` a reader meets (the lists, the detail, a search
/// for `query`, the tag picker, the help) holds no character `forbidden`
/// refuses.
fn never_on_screen(tl: Timeline, query: &str, forbidden: impl Fn(char) -> bool) {
    let mut h = Harness::new(tl, 100, 30, Theme::default());
    let check = |h: &Harness| {
        for c in h.term.backend().buffer().content() {
            assert!(
                !c.symbol().chars().any(&forbidden),
                "{:?} in\n{}",
                c.symbol(),
                h.screen()
            );
        }
    };
    check(&h);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    check(&h);
    h.keys(&format!("/{query}")).settle();
    check(&h);
    h.key(KeyCode::Esc).keys("t");
    check(&h);
    h.key(KeyCode::Esc).keys("?");
    check(&h);
}

/// The line and paragraph separators and the invisible characters that
/// only hide or spoof text never reach the screen, from any field, written
/// raw or as markdown entities; a joiner in an emoji does.
#[test]
fn separators_and_invisible_characters_never_reach_the_screen() {
    let evil = "Pay\u{200b}pal\u{2028}line\u{2029}para \u{2060}wj\u{ad}shy\u{feff}x\u{180e}";
    let body = format!(
        "# {evil}\n\n*{evil}* &#x2028;&#8203;&#x2029;&shy;&#xfeff; [{evil}](https://x.example/)\n\n- {evil}\n\nfamily 👨\u{200d}👩\u{200d}👧\n"
    );
    let tl = hostile(evil, &body, "https://x.example/a");
    let h = Harness::new(tl.clone(), 100, 30, Theme::default());
    assert!(h.screen().contains("Paypal"), "{}", h.screen());
    never_on_screen(tl, "pay", |c| {
        matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200b}' | '\u{2060}' | '\u{ad}' | '\u{feff}' | '\u{180e}'
        )
    });
}

#[test]
fn control_characters_from_the_data_never_reach_the_screen() {
    let evil = "Evil \u{1b}]0;pwned\u{7}title \u{1b}[2J\u{1b}[31mred\u{9b}1m \u{202e}rtl\r\n";
    let body = format!("# {evil}\n\n*{evil}* [{evil}](https://x.example/\u{1b}[2J)\n\n- {evil}\n");
    let tl = hostile(evil, &body, &format!("javascript:{evil}"));
    never_on_screen(tl, "evil", |ch| {
        ch.is_control() || ('\u{202a}'..='\u{202e}').contains(&ch)
    });
}

/// An event whose tag, source and archive name hold `☢️` (U+2622 U+FE0F:
/// one column per character, two for the pair) and are too long to show.
fn nuclear(name: &str) -> Timeline {
    let md = "### [2020-01-01](/news/2020/01/1/index.md)\n\n\
        # A test event about the tests.\n\nBody.\n\n### Source:\n\n\
        1. [Gopher](gopher://example.com/☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️☢️)\n\n\
        ### Related:\n\n\
        1. [Another event. ](/news/2019/01/1/another-event.md) _Context: ☢️ Nuclear and missile tests of the Democratic People's Republic of Korea since 2006_\n";
    ktimeline::loader::load_memory(
        name,
        vec![("news/2020/01/1/a-test-event.md".to_string(), md)],
    )
}

#[test]
fn emoji_with_a_variation_selector_is_cut_without_a_panic() {
    // The reported case: 100×30, `t`, `Enter` (filter by the ☢️ tag).
    let mut h = Harness::new(nuclear("news"), 100, 30, Theme::default());
    h.keys("t").key(KeyCode::Enter);
    // (The filter is shortened so that the message after it is whole.)
    assert!(h.screen().contains("filter: #☢️"), "{}", h.screen());
    let long_name = format!("☢️ archive {}", "☢️".repeat(60));
    let mut h = Harness::new(nuclear(&long_name), 100, 30, Theme::default());
    h.keys("t").key(KeyCode::Enter);
    assert!(h.app.nav.filter.tags[0].starts_with("☢️ Nuclear"));
    // Every width, so the cut falls on each side of every selector: the
    // filter and the archive name in the status bar, then a message
    // naming the gopher source.
    for w in 30..=130 {
        h.resize(w, 30);
        h.keys("o");
        h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Up);
        h.key(KeyCode::Enter);
    }
}

#[test]
fn the_detail_body_is_rendered_once_per_entry_and_width() {
    let mut h = Harness::fixture(100, 30);
    let renders = |h: &Harness| h.app.body_cache.borrow().renders();
    assert_eq!(renders(&h), 1);
    // Redraws that show the same entry at the same width reuse it.
    h.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Down);
    h.key(KeyCode::PageUp).key(KeyCode::BackTab);
    assert_eq!(renders(&h), 1);
    h.resize(120, 30);
    assert_eq!(renders(&h), 2);
    h.keys("]");
    assert_eq!(renders(&h), 3);
    h.key(KeyCode::Tab);
    assert_eq!(renders(&h), 3);
}

mod event_loop {
    use super::*;
    use ktimeline::tui::event_loop::{Exit, Host, NoHost, run_app};
    use ratatui::backend::Backend;

    fn key(c: char, mods: KeyModifiers) -> Msg {
        Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(c), mods)))
    }

    /// An app, its worker, and the channel the loop reads.
    fn setup() -> (
        Terminal<TestBackend>,
        App,
        SearchWorker,
        std::sync::mpsc::Sender<Msg>,
        Receiver<Msg>,
    ) {
        let timeline = Arc::new(fixture());
        let (tx, rx) = channel();
        let worker = SearchWorker::spawn(timeline.clone(), tx.clone());
        let term = Terminal::new(TestBackend::new(100, 30)).unwrap();
        (term, App::new(timeline, Theme::default()), worker, tx, rx)
    }

    #[test]
    fn ctrl_c_behind_a_burst_of_keys_quits_at_once() {
        let (mut term, mut app, worker, tx, rx) = setup();
        tx.send(key('/', KeyModifiers::NONE)).unwrap();
        for _ in 0..20_000 {
            tx.send(key('x', KeyModifiers::NONE)).unwrap();
        }
        tx.send(key('c', KeyModifiers::CONTROL)).unwrap();
        let exit = run_app(&mut term, &mut app, &rx, &worker, &mut NoHost).unwrap();
        assert_eq!(exit, Exit::Quit);
        // Quit before the keys queued ahead of Ctrl-C were handled.
        assert!(app.popup.is_none() && app.search.query.is_empty());
    }

    #[test]
    fn a_quitting_signal_ends_the_loop_with_its_number() {
        let (mut term, mut app, worker, tx, rx) = setup();
        tx.send(key('j', KeyModifiers::NONE)).unwrap();
        tx.send(Msg::Signal(libc::SIGTERM)).unwrap();
        let exit = run_app(&mut term, &mut app, &rx, &worker, &mut NoHost).unwrap();
        assert_eq!(exit, Exit::Signal(libc::SIGTERM));
        assert!(app.quit);
    }

    #[derive(Default)]
    struct Counting {
        suspends: usize,
        resumes: usize,
    }

    impl<B: Backend> Host<B> for Counting {
        fn open_url(&mut self, _url: &str) -> Result<(), String> {
            Ok(())
        }
        fn suspend(&mut self, _t: &mut Terminal<B>) -> std::io::Result<()> {
            self.suspends += 1;
            Ok(())
        }
        fn resume(&mut self, _t: &mut Terminal<B>) -> std::io::Result<()> {
            self.resumes += 1;
            Ok(())
        }
    }

    #[test]
    fn ctrl_z_and_sigtstp_suspend_sigcont_resumes_ctrl_l_redraws() {
        let (mut term, mut app, worker, tx, rx) = setup();
        tx.send(key('z', KeyModifiers::CONTROL)).unwrap();
        tx.send(Msg::Signal(libc::SIGTSTP)).unwrap();
        tx.send(Msg::Signal(libc::SIGCONT)).unwrap();
        tx.send(key('l', KeyModifiers::CONTROL)).unwrap();
        tx.send(key('q', KeyModifiers::NONE)).unwrap();
        let mut host = Counting::default();
        let exit = run_app(&mut term, &mut app, &rx, &worker, &mut host).unwrap();
        assert_eq!(exit, Exit::Quit);
        assert_eq!((host.suspends, host.resumes), (2, 1));
        // Still drawn after the full redraws.
        let screen: String = term
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(screen.contains("Dates"));
    }

    /// A host that keeps the state in a real state file, as the browser's.
    struct Saving(ktimeline::state::Store);

    impl<B: Backend> Host<B> for Saving {
        fn open_url(&mut self, _url: &str) -> Result<(), String> {
            Ok(())
        }
        fn suspend(&mut self, _t: &mut Terminal<B>) -> std::io::Result<()> {
            Ok(())
        }
        fn resume(&mut self, _t: &mut Terminal<B>) -> std::io::Result<()> {
            Ok(())
        }
        fn save_state(&mut self, app: &App) -> Result<Option<ktimeline::state::State>, String> {
            self.0
                .save(&app.to_state())
                .map(Some)
                .map_err(|e| e.to_string())
        }
    }

    /// Two browsers on one archive: A bookmarks an entry, B another, A
    /// quits, B quits. Both bookmarks are kept.
    #[test]
    fn two_browsers_quitting_in_turn_keep_both_bookmarks() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [PathBuf::from("tests/fixtures/tui")];
        let store = || ktimeline::state::Store::in_dir(dir.path().to_path_buf(), &roots).unwrap();
        let saved = || store().load().0.bookmarks.len();
        let wait_for = |n: usize| {
            let start = std::time::Instant::now();
            while saved() != n {
                assert!(start.elapsed() < Duration::from_secs(20), "never saw {n}");
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        let browser = |keys: std::sync::mpsc::Receiver<Msg>| {
            let (mut term, mut app, worker, _tx, _rx) = setup();
            let mut host = Saving(store());
            let (state, _) = host.0.load();
            app.restore_state(state);
            run_app(&mut term, &mut app, &keys, &worker, &mut host).unwrap();
            // As the browser does on quitting.
            Host::<TestBackend>::save_state(&mut host, &app).unwrap();
            app.session.bookmarks.len()
        };
        std::thread::scope(|s| {
            let (a_tx, a_rx) = channel();
            let (b_tx, b_rx) = channel();
            let a = s.spawn(move || browser(a_rx));
            let b = s.spawn(move || browser(b_rx));
            a_tx.send(key('m', KeyModifiers::NONE)).unwrap();
            wait_for(1);
            b_tx.send(Msg::Term(Event::Key(KeyEvent::new(
                KeyCode::Down,
                KeyModifiers::NONE,
            ))))
            .unwrap();
            b_tx.send(key('m', KeyModifiers::NONE)).unwrap();
            wait_for(2);
            a_tx.send(key('q', KeyModifiers::NONE)).unwrap();
            assert_eq!(a.join().unwrap(), 1);
            b_tx.send(key('q', KeyModifiers::NONE)).unwrap();
            // B took up A's bookmark when it saved its own.
            assert_eq!(b.join().unwrap(), 2);
        });
        assert_eq!(saved(), 2);
    }

    #[test]
    fn a_paste_arrives_as_one_edit() {
        let mut h = Harness::fixture(100, 30);
        h.keys("/");
        h.send(Event::Paste("win\nmar\t".into()));
        assert_eq!(h.app.search.query, "win mar ");
        h.settle();
        assert!(h.screen().contains("1 match"), "{}", h.screen());
        // In the main view a paste does nothing.
        h.key(KeyCode::Esc);
        h.send(Event::Paste("q".into()));
        assert!(!h.app.quit);
    }
}

/// A timeline shown from the index says it is being checked until the
/// check reports, and says no more after.
#[test]
fn the_status_bar_tells_while_the_archive_is_checked() {
    let mut h = Harness::fixture(120, 30);
    h.app.status.checking = true;
    redraw(&mut h.term, &mut h.app).unwrap();
    assert!(
        h.screen().contains("checking for changes"),
        "{}",
        h.screen()
    );
    let mut opened = |_: &str| Ok(());
    assert!(handle(&mut h.app, Msg::Unchanged, &h.worker, &mut opened));
    redraw(&mut h.term, &mut h.app).unwrap();
    assert!(
        !h.screen().contains("checking for changes"),
        "{}",
        h.screen()
    );
}

/// The fixture at the four sizes terminals most often have: the lists with
/// the keyboard, then an entry being read.
#[test]
fn layouts_for_real_terminal_sizes() {
    for (w, ht) in [(80, 24), (100, 30), (120, 40), (200, 50)] {
        let mut h = Harness::fixture(w, ht);
        h.key(KeyCode::Down).key(KeyCode::Tab);
        insta::assert_snapshot!(format!("lists_{w}x{ht}"), h.term.backend());
        // Headlines keep at least 40 columns, and this one is whole.
        assert!(h.app.areas.events.width >= 44, "{w}x{ht}");
        assert!(
            h.screen()
                .contains("▶   Harbour city opens a floating library"),
            "{}",
            h.screen()
        );
        // The pane titles keep the date.
        assert!(h.screen().contains(" 8 Jun"), "{}", h.screen());
        h.key(KeyCode::Tab);
        insta::assert_snapshot!(format!("reading_{w}x{ht}"), h.term.backend());
        // The entry opens on its headline.
        let d = h.app.areas.detail;
        let first: String = (d.x..d.right())
            .map(|x| h.term.backend().buffer()[(x, d.y)].symbol().to_string())
            .collect();
        assert!(first.contains("Harbour city opens"), "{first:?}");
        // Body lines are never wider than the reading width.
        assert!(h.app.areas.detail.width <= h.app.settings.reading_width + 2);
    }
}

/// An entry long enough to scroll, with links to two others.
fn long_entry() -> Timeline {
    let mut body = String::new();
    for i in 1..=30 {
        body.push_str(&format!(
            "Paragraph {i} tells how the tide museum counted its visitors.\n\n"
        ));
    }
    let long = format!(
        "### [2020-03-04](/news/2020/03/4/index.md)\n\n# The tide museum publishes a long report\n\n{body}\
         ### Source:\n\n1. [Museum Notes](https://museum.example.org/report)\n\n\
         ### Related:\n\n\
         1. [Divers clean the old pier](/news/2020/02/1/divers-clean-the-old-pier.md) _Context: Harbour, Volunteers_\n\
         2. [Gulls nest on the museum roof for the third spring running while the keepers count the eggs](/news/2020/01/5/gulls-nest-on-the-museum-roof.md) _Context: Birds_\n"
    );
    let pier = "### [2020-02-01](/news/2020/02/1/index.md)\n\n# Divers clean the old pier\n\n\
        Twelve divers lifted bicycles from the water.\n";
    ktimeline::loader::load_memory(
        "tides",
        vec![
            (
                "news/2020/03/4/the-tide-museum-publishes-a-long-report.md".to_string(),
                long.as_str(),
            ),
            (
                "news/2020/02/1/divers-clean-the-old-pier.md".to_string(),
                pier,
            ),
        ],
    )
}

#[test]
fn the_detail_reads_like_a_pager_and_keeps_links_at_hand() {
    let mut h = Harness::new(long_entry(), 80, 24, Theme::default());
    // Dates: the ghost's day, the pier's day, the report's day.
    h.keys("G").key(KeyCode::Enter).key(KeyCode::Enter);
    assert_eq!(
        h.app.current_event().unwrap().headline,
        "The tide museum publishes a long report"
    );
    let height = h.app.areas.detail.height as usize;
    let total = h.app.areas.detail_lines;
    assert!(total > 3 * height, "{total} lines, {height} high");
    // Opened on the headline, no link chosen (none is on screen).
    assert_eq!((h.app.nav.detail_scroll, h.app.nav.link), (0, None));
    h.keys("j");
    assert_eq!(h.app.nav.detail_scroll, 1);
    h.keys("k");
    assert_eq!(h.app.nav.detail_scroll, 0);
    h.keys(" ");
    assert_eq!(h.app.nav.detail_scroll, height - 1);
    h.keys("b");
    assert_eq!(h.app.nav.detail_scroll, 0);
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('d'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(h.app.nav.detail_scroll, height / 2);
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(h.app.nav.detail_scroll, 0);
    h.keys("G");
    assert_eq!(h.app.nav.detail_scroll, total - height);
    h.key(KeyCode::Home);
    assert_eq!(h.app.nav.detail_scroll, 0);
    assert!(h.screen().contains("The tide museum publishes"));

    // Tab with no link on screen: the nearest one below, scrolled into
    // view just enough (it is the last line shown).
    h.key(KeyCode::Tab);
    let (start, end) = h.app.areas.link_lines[0];
    assert_eq!(h.app.nav.link, Some(0));
    assert_eq!(h.app.nav.detail_scroll + height, end);
    assert!(start >= h.app.nav.detail_scroll);
    // The next link is on screen or close: reading position moves by no
    // more than that link's lines.
    let before = h.app.nav.detail_scroll;
    h.key(KeyCode::Tab);
    assert_eq!(h.app.nav.link, Some(1));
    let (_, end1) = h.app.areas.link_lines[1];
    assert_eq!(h.app.nav.detail_scroll, before.max(end1 - height));
    // Follow it; the pier opens on its headline; back restores the place.
    let place = (h.app.nav.detail_scroll, h.app.nav.link);
    h.key(KeyCode::Enter);
    assert_eq!(
        h.app.current_event().unwrap().headline,
        "Divers clean the old pier"
    );
    assert_eq!(h.app.nav.detail_scroll, 0);
    h.key(KeyCode::Backspace);
    assert_eq!((h.app.nav.detail_scroll, h.app.nav.link), place);
    // The pier is now marked as read where it is linked.
    assert!(
        h.screen().contains("✓ Divers clean the old pier"),
        "{}",
        h.screen()
    );
    // A link cut by the bottom edge (its first line on screen, its last
    // not) can be followed, and coming back shows the text exactly as it
    // was left, still cut there.
    h.key(KeyCode::Tab);
    let (start2, end2) = h.app.areas.link_lines[2];
    assert!(end2 - start2 >= 2, "the gulls' link takes two lines");
    for _ in 0..h.app.nav.detail_scroll + height - end2 + 1 {
        h.keys("k");
    }
    let place = (h.app.nav.detail_scroll, h.app.nav.link);
    assert_eq!(place.1, Some(2));
    assert_eq!(place.0 + height, end2 - 1, "the link's last line is cut");
    h.key(KeyCode::Enter).key(KeyCode::Backspace);
    assert_eq!((h.app.nav.detail_scroll, h.app.nav.link), place);
    // Scrolling the chosen link out of view lets it go: Enter then
    // chooses again instead of following a link out of sight.
    h.keys("g");
    assert_eq!(h.app.nav.link, None);
    // Leaving for the list puts the text back at its top.
    h.keys("G").key(KeyCode::Left);
    assert_eq!(h.app.nav.detail_scroll, 0);
    assert!(h.screen().contains("The tide museum publishes"));
}

/// At 80×24 the help pages by a screenful and loses no word: every
/// binding's description can be read in full, page after page.
#[test]
fn help_pages_and_cuts_nothing() {
    use ktimeline::tui::popups::Popup;
    let mut h = Harness::fixture(80, 24);
    h.keys("?");
    let list = h.app.areas.popup_list;
    let page = list.height as usize - 1;
    let mut seen = String::new();
    let mut last = usize::MAX;
    loop {
        let buf = h.term.backend().buffer();
        for y in list.y..list.bottom() {
            let row: String = (list.x..list.right())
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            seen.push_str(&row);
            seen.push(' ');
        }
        let Some(Popup::Help { scroll }) = h.app.popup else {
            panic!("help closed")
        };
        if scroll == last {
            break;
        }
        // A page at a time; the last step stops at the end.
        assert!(
            last == usize::MAX || (scroll > last && scroll <= last + page),
            "{scroll} after {last}"
        );
        last = scroll;
        h.key(KeyCode::PageDown);
    }
    let seen = seen.split_whitespace().collect::<Vec<_>>().join(" ");
    for b in ktimeline::tui::keymap::BINDINGS {
        assert!(seen.contains(b.help), "{:?} not readable in {seen}", b.help);
    }
    // Home goes back to the top, PgUp by a page.
    h.key(KeyCode::Home);
    assert_eq!(h.app.popup, Some(Popup::Help { scroll: 0 }));
    h.key(KeyCode::PageDown);
    assert_eq!(h.app.popup, Some(Popup::Help { scroll: page }));
    h.key(KeyCode::End).key(KeyCode::PageUp);
    assert_eq!(
        h.app.popup,
        Some(Popup::Help {
            scroll: last - page
        })
    );
}

/// An entry with no body: one blank line between its date and its
/// sources; an article: its first sentence, the headline, is not shown a
/// second time as the start of its text.
#[test]
fn no_double_blank_lines_and_no_repeated_titles() {
    let md = "### [2020-05-06](/news/2020/05/6/index.md)\n\n# Ferry timetable changes\n\n\
        ### Source:\n\n1. [Port Office](https://port.example.org/timetable)\n";
    let tl = ktimeline::loader::load_memory(
        "short",
        vec![("news/2020/05/6/ferry-timetable-changes.md".to_string(), md)],
    );
    let h = Harness::new(tl, 100, 30, Theme::default());
    let rows: Vec<String> = h.screen().lines().map(|l| l.to_string()).collect();
    let date = rows
        .iter()
        .position(|r| r.contains("Wednesday 6 May 2020") && !r.contains("·"))
        .expect("the date line");
    assert!(rows[date + 1].trim_matches(['│', '┃', ' ']).is_empty());
    assert!(rows[date + 2].contains("Sources"), "{}", h.screen());

    let mut h = Harness::fixture(100, 30);
    h.keys("G");
    let headline = "A letter to the editor about noise from the regatta.";
    assert_eq!(h.app.current_event().unwrap().headline, headline);
    let screen = h.screen();
    assert!(screen.contains("It was not dated."), "{screen}");
    let detail = &screen[screen.find("Detail").unwrap()..];
    assert_eq!(
        detail.matches("about noise from the").count(),
        1,
        "{screen}"
    );
}

#[test]
fn ascii_theme_draws_no_symbols() {
    let theme = Theme {
        ascii: true,
        ..Theme::default()
    };
    let mut h = Harness::new(fixture(), 120, 30, theme);
    let symbols = ['¶', '○', '✓', '★', '▶', '│', '┃', '─', '━', '┌', '┏'];
    let check = |screen: String| {
        assert!(!screen.chars().any(|c| symbols.contains(&c)), "{screen}");
    };
    check(h.screen());
    // The ghost's day first, then the undated article at the end, then its
    // detail.
    h.key(KeyCode::End);
    check(h.screen());
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    check(h.screen());
}

#[test]
fn a_bookmark_is_marked_in_the_search_results_too() {
    let mut h = Harness::fixture(100, 30);
    h.keys("/win mar").settle();
    assert!(!h.screen().contains('★'));
    // Go there, bookmark it, search again: its row carries the mark.
    h.key(KeyCode::Enter).keys("m").keys("/").settle();
    let row = h
        .screen()
        .lines()
        .find(|l| l.contains("Winter market draws") && l.contains("2018-01-15"))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(row.contains('★'), "{}", h.screen());
}

/// Scrolls the detail to its end and chooses link `l` there.
fn choose_at_the_end(h: &mut Harness, l: usize) {
    h.keys("G");
    for _ in 0..10 {
        let code = match h.app.nav.link {
            Some(c) if c == l => return,
            Some(c) if c > l => KeyCode::BackTab,
            _ => KeyCode::Tab,
        };
        h.key(code);
    }
    panic!("link {l} could not be chosen: {:?}", h.app.nav.link);
}

/// Keys that arrive together (over SSH, a paste of keys) are taken before
/// the next draw: a link scrolled away by one of them is not followed by
/// the next, and a resize keeps the chosen link in view.
#[test]
fn a_burst_of_keys_never_follows_a_link_out_of_view() {
    let mut h = Harness::new(long_entry(), 80, 24, Theme::default());
    h.keys("G").key(KeyCode::Enter).key(KeyCode::Enter);
    let museum = "The tide museum publishes a long report";
    // To the end, where the links are; choose the pier's.
    choose_at_the_end(&mut h, 1);
    // `g` (to the headline) and Enter in one burst: the link is out of
    // view, so Enter chooses one instead of following it: the nearest
    // related link below, passing over the source (a second Enter must not
    // open a web browser by surprise).
    h.burst(&[KeyCode::Char('g'), KeyCode::Enter]);
    assert_eq!(h.app.current_event().unwrap().headline, museum);
    assert_eq!(h.app.nav.link, Some(1));
    // A page up and Enter together, likewise.
    choose_at_the_end(&mut h, 1);
    h.burst(&[KeyCode::Char('b'), KeyCode::Char('b'), KeyCode::Enter]);
    assert_eq!(h.app.current_event().unwrap().headline, museum);
    // A link still in view after the burst is followed.
    choose_at_the_end(&mut h, 1);
    h.burst(&[KeyCode::Char('k'), KeyCode::Enter]);
    assert_eq!(
        h.app.current_event().unwrap().headline,
        "Divers clean the old pier"
    );
    // Back, then a narrower window: the text is wrapped anew and the
    // chosen link is brought back into view rather than let go.
    h.key(KeyCode::Backspace);
    assert_eq!(h.app.nav.link, Some(1));
    h.resize(40, 14);
    assert_eq!(h.app.nav.link, Some(1), "{}", h.screen());
    let (start, end) = h.app.areas.link_lines[1];
    let top = h.app.nav.detail_scroll;
    let height = h.app.areas.detail.height as usize;
    assert!(end > top && start < top + height, "{}", h.screen());
}

/// An archive read again without the index (`--no-cache`) cannot tell
/// whether a file changed: when no entry did, nothing is said (a watcher's
/// false alarm on a large archive). Through the index, files did change.
#[test]
fn a_reread_that_changed_no_entry_is_not_announced_without_the_index() {
    let mut h = Harness::fixture(100, 30);
    let mut opened = |_: &str| Ok(());
    let reread = |used, manual| {
        let index = ktimeline::loader::IndexUse {
            used,
            ..Default::default()
        };
        Msg::Checked {
            result: Box::new(Ok((fixture(), index))),
            manual,
        }
    };
    handle(&mut h.app, reread(false, false), &h.worker, &mut opened);
    assert_eq!(h.app.status.message, None);
    handle(&mut h.app, reread(true, false), &h.worker, &mut opened);
    assert_eq!(
        h.app.status.message.as_ref().map(|m| m.text.as_str()),
        Some("the archive changed, no entry did")
    );
    // Asked for with `R`, it says so.
    handle(&mut h.app, reread(false, true), &h.worker, &mut opened);
    assert_eq!(
        h.app.status.message.as_ref().map(|m| m.text.as_str()),
        Some("read again: no entry changed")
    );
    // A link that now leads elsewhere is a change, and it is taken up
    // even without the index.
    let mut changed = fixture();
    let (from, to) = {
        let from = changed
            .events
            .iter()
            .position(|e| !e.related.is_empty())
            .expect("an entry with a link");
        let old_to = changed.events[from].related[0].to;
        let to = (0..changed.events.len())
            .find(|&i| i != old_to && i != from)
            .unwrap();
        (from, to)
    };
    changed.events[from].related[0].to = to;
    let index = ktimeline::loader::IndexUse::default();
    let msg = Msg::Checked {
        result: Box::new(Ok((changed, index))),
        manual: false,
    };
    handle(&mut h.app, msg, &h.worker, &mut opened);
    assert_eq!(
        h.app.status.message.as_ref().map(|m| m.text.as_str()),
        Some("the archive changed: 1 entry changed")
    );
    assert_eq!(h.app.timeline.events[from].related[0].to, to);
}

/// A story in view when the archive changes: a member's file deleted, the
/// status bar counts what the story keeps now; its entry's file deleted,
/// the story ends and the status bar says so after the changes.
#[test]
fn a_story_follows_files_deleted_while_the_browser_is_open() {
    let dir = tempfile::tempdir().unwrap();
    crate::tui_pty::copy_tree(std::path::Path::new("tests/fixtures/tui"), dir.path());
    let load = || {
        ktimeline::loader::load_paths(&[dir.path().to_path_buf()], &|_, _| {})
            .expect("the copy loads")
    };
    let mut h = Harness::new(load(), 160, 40, Theme::default());
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    h.key(KeyCode::Char('s'));
    let story = h.app.nav.filter.story.clone().expect("a story");
    let n = story.len();
    // A member no other entry links to (its file deleted leaves no ghost).
    let t = h.app.timeline.clone();
    let member = (0..t.events.len())
        .find(|&i| {
            i != library
                && story.holds(&t.events[i].id)
                && t.events[i].backlinks.is_empty()
                && t.events[i].file.is_some()
        })
        .expect("a member to delete");
    let status_line = |h: &Harness| h.screen().lines().last().unwrap().to_string();
    assert!(
        status_line(&h).contains(&format!("story ({n} entries)")),
        "{}",
        status_line(&h)
    );
    let mut opened = |_: &str| Ok(());
    let mut reread = |h: &mut Harness| {
        let msg = Msg::Checked {
            result: Box::new(Ok((load(), ktimeline::loader::IndexUse::default()))),
            manual: false,
        };
        handle(&mut h.app, msg, &h.worker, &mut opened);
        redraw(&mut h.term, &mut h.app).unwrap();
    };
    std::fs::remove_file(t.events[member].file.as_deref().unwrap()).unwrap();
    reread(&mut h);
    let status = status_line(&h);
    assert!(
        status.contains(&format!("story ({} entries)", n - 1)),
        "{status}"
    );
    assert_eq!(
        h.app.nav.filter.story.as_ref().map(|s| s.len()),
        Some(n - 1)
    );
    // The story's own entry deleted: the story ends, said so.
    std::fs::remove_file(t.events[library].file.as_deref().unwrap()).unwrap();
    reread(&mut h);
    assert!(h.app.nav.filter.story.is_none());
    let said = h
        .app
        .status
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap();
    assert!(
        said.starts_with("the archive changed: ")
            && said.contains("removed; the story's entry is gone"),
        "{said}"
    );
    assert!(!status_line(&h).contains("story ("), "{}", status_line(&h));
    // The flat list `s` opened went with it, and the browser is on the
    // entry's day (or the next), not on the row its list had it on.
    assert!(!h.app.nav.flat);
    let date = t.events[library].date;
    let day = h.app.nav.view.days[h.app.nav.day];
    let first_on_or_after = (h.app.nav.view.days.iter())
        .find(|&&d| h.app.timeline.days[d].date >= date)
        .copied();
    assert_eq!(Some(day), first_on_or_after);
}

/// The detail is drawn from what is in memory: the loop reads the entry's
/// text before the frame, and a draw on its own reads nothing from disk
/// (it shows a placeholder for a text not read yet).
#[test]
fn the_draw_reads_no_body_from_disk() {
    let mut h = Harness::fixture(120, 40);
    h.key(KeyCode::Down).key(KeyCode::Tab).key(KeyCode::Tab);
    let id = h.app.current_event().unwrap().id.clone();
    // The loop's redraw read the body.
    assert!(h.app.body_text.get(&id).is_some());
    assert!(h.screen().contains("floating library"), "{}", h.screen());
    let body_line = |s: &str| s.contains("The library sits on");
    assert!(body_line(&h.screen()), "{}", h.screen());
    // Forget it, and draw without the loop: no file is read.
    h.app.body_text = Default::default();
    h.app.body_cache = Default::default();
    h.term
        .draw(|f| {
            ktimeline::tui::ui::draw(f, &h.app);
        })
        .unwrap();
    assert!(!body_line(&h.screen()), "{}", h.screen());
    assert!(h.screen().contains('…'), "{}", h.screen());
}

/// The entry of `file` (ending) in the harness's timeline.
fn entry_of(h: &Harness, file: &str) -> usize {
    (h.app.timeline.events.iter())
        .position(|e| e.file.as_deref().is_some_and(|f| f.ends_with(file)))
        .unwrap()
}

#[test]
fn the_similar_section_links_entries_alike_in_words() {
    use ktimeline::tui::app::Link;
    let mut h = Harness::fixture(120, 40);
    // An article with no link of its own: only its Similar entries.
    let notes = entry_of(&h, "notes.txt");
    h.app.jump(notes);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    assert_eq!(h.app.current(), Some(notes));
    let screen = h.screen();
    assert!(screen.contains("Similar"), "{screen}");
    assert!(screen.contains("alike in:"), "{screen}");
    let links = h.app.links();
    assert!(!links.is_empty() && links.iter().all(|l| matches!(l, Link::Similar(_))));
    // Enter Enter never follows a guess.
    h.key(KeyCode::Enter).key(KeyCode::Enter);
    assert_eq!(h.app.current(), Some(notes));
    assert!(h.app.nav.link.is_none());
    // Tab chooses the first; Enter follows it; Backspace comes back to
    // it, marked read.
    h.key(KeyCode::Tab);
    let chosen = h.app.links()[h.app.nav.link.unwrap()];
    let to = h.app.link_entry(chosen).unwrap();
    assert_ne!(to, notes);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.current(), Some(to));
    h.key(KeyCode::Backspace);
    assert_eq!(h.app.current(), Some(notes));
    let headline = &h.app.timeline.events[to].headline;
    assert!(
        h.app
            .session
            .visited
            .contains(&h.app.timeline.events[to].id)
    );
    let marked = format!("✓ {}", &headline[..20]);
    assert!(h.screen().contains(&marked), "{marked} in {}", h.screen());
}

#[test]
fn the_similar_section_says_so_until_the_word_index_is_ready() {
    let timeline = Arc::new(fixture());
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut app = App::new(timeline, Theme::default());
    redraw(&mut term, &mut app).unwrap();
    let buf = term.backend().buffer();
    let text: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(
        text.contains("finding the entries alike in words"),
        "{text}"
    );
}

/// In an entry with sources and no related entry, Enter with no link
/// chosen chooses nothing (it says Tab does), so that Enter Enter never
/// opens a web browser by surprise.
#[test]
fn enter_never_chooses_a_source() {
    let mut h = Harness::fixture(120, 40);
    let t = h.app.timeline.clone();
    let loner = (0..t.events.len())
        .find(|&i| {
            let e = &t.events[i];
            !e.sources.is_empty() && e.related.is_empty() && e.backlinks.is_empty()
        })
        .expect("an entry with sources and no related entry");
    h.app.jump(loner);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    assert_eq!(h.app.current(), Some(loner));
    h.key(KeyCode::Enter);
    assert_eq!(h.app.nav.link, None);
    assert!(
        h.screen().contains("Tab chooses a source"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Enter);
    assert_eq!(h.app.nav.link, None);
    // Tab does choose it.
    h.key(KeyCode::Tab);
    assert!(matches!(
        h.app.nav.link.map(|l| h.app.links()[l]),
        Some(ktimeline::tui::app::Link::Source(0))
    ));
}

#[test]
fn s_narrows_to_the_story_and_escape_clears_it() {
    let mut h = Harness::fixture(120, 40);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    h.key(KeyCode::Char('s'));
    let story = h.app.nav.filter.story.clone().expect("a story filter");
    assert!(story.len() >= 2, "{story:?}");
    assert_eq!(h.app.current(), Some(library));
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains(&format!(
            "story ({} entries): Harbour city opens a",
            story.len()
        )),
        "{status}"
    );
    // The lists and the day counts keep to the story.
    let shown: usize = (h.app.nav.view.days.iter())
        .map(|&d| {
            (h.app.timeline.days[d].events.clone())
                .filter(|&i| h.app.nav.filter.accepts(&h.app.timeline.events[i]))
                .count()
        })
        .sum();
    assert_eq!(shown, story.len());
    // Read in one list, in timeline order.
    assert!(h.app.nav.flat, "s opens the flat list");
    assert_eq!(h.app.nav.view.all.len(), story.len());
    // Saved with the place, and taken up again (the same entries, the
    // flat list), as a date range is.
    let state = h.app.to_state();
    let saved = state.place.as_ref().and_then(|p| p.story.clone()).unwrap();
    assert_eq!(saved.ids, story.ids());
    let mut again = Harness::fixture(120, 40);
    again.app.restore_state(state);
    assert_eq!(again.app.nav.filter.story.as_ref(), Some(&story));
    assert_eq!(again.app.current(), Some(library));
    assert!(again.app.nav.flat);
    h.key(KeyCode::Esc);
    assert!(h.app.nav.filter.story.is_none());
    assert!(!h.app.nav.flat, "the flat list went with the story");
    assert!(h.screen().contains("filter cleared"));
}

/// A search in a story keeps to it, and says so (most of all when it
/// finds nothing there).
#[test]
fn a_search_in_a_story_says_it_keeps_to_it() {
    let mut h = Harness::fixture(120, 40);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    h.key(KeyCode::Char('s'));
    h.keys("/harbour").settle();
    assert!(h.screen().contains("· in the story only"), "{}", h.screen());
    h.key(KeyCode::Esc).keys("/zzyzx").settle();
    let screen = h.screen();
    assert!(
        screen.contains("no match in the story only (Esc, then Esc in the list: everything)"),
        "{screen}"
    );
}

/// A story of one entry is "1 entry", in the status bar and in what `L`
/// says, never "1 entries".
#[test]
fn a_story_of_one_entry_is_said_in_the_singular() {
    let mut h = Harness::fixture(120, 40);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    let story = ktimeline::filter::StoryFilter::of_entries(&h.app.timeline, library, &[library]);
    // `s` on an entry with no story narrows nothing, and says so.
    h.app.jump(library);
    h.app.show_story(library, story.clone());
    assert!(h.app.nav.filter.story.is_none());
    redraw(&mut h.term, &mut h.app).unwrap();
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("this entry has no story"), "{status}");
    // A story of one left (its other entries deleted since): singular.
    h.app.status.message = None;
    h.app.set_filter(ktimeline::filter::Filter {
        story: Some(story),
        ..Default::default()
    });
    redraw(&mut h.term, &mut h.app).unwrap();
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains("story (1 entry): Harbour city opens a"),
        "{status}"
    );
    h.key(KeyCode::Char('L'));
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.contains("the 1 entry in view"), "{status}");
    assert!(!h.screen().contains("1 entries"), "{}", h.screen());
}

#[test]
fn an_entry_outside_the_filter_says_so_and_the_filter_stays() {
    let mut h = Harness::fixture(120, 40);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    h.key(KeyCode::Char('s'));
    let story = h.app.nav.filter.story.clone().unwrap();
    let outside = (0..h.app.timeline.events.len())
        .find(|&i| !story.holds(&h.app.timeline.events[i].id))
        .expect("an entry outside the story");
    h.app.jump(outside);
    h.key(KeyCode::Tab);
    let screen = h.screen();
    let status = screen.lines().last().unwrap();
    assert!(status.contains("outside the filter"), "{status}");
    assert!(status.contains("story ("), "{status}");
    assert_eq!(h.app.current(), Some(outside));
    h.key(KeyCode::Backspace);
    assert_eq!(h.app.current(), Some(library));
    assert!(!h.screen().lines().last().unwrap().contains("outside"));
}

#[test]
fn f_finds_in_the_entry_marks_every_match_and_n_steps_through_them() {
    let mut h = Harness::fixture(120, 40);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    h.keys("f").keys("harbour").key(KeyCode::Enter);
    let status = h.screen().lines().last().unwrap().to_string();
    let total = h.app.areas.find_lines.len();
    assert!(total >= 2, "{status}");
    assert!(status.contains(&format!("match 1 of {total}")), "{status}");
    // Every match is marked: underlined cells spell the word each time.
    let buf = h.term.backend().buffer().clone();
    let marked: String = buf
        .content()
        .iter()
        .filter(|c| {
            c.modifier.contains(Modifier::UNDERLINED) || c.modifier.contains(Modifier::REVERSED)
        })
        .map(|c| c.symbol().to_lowercase())
        .collect();
    assert!(marked.contains("harbour"), "{marked}");
    h.keys("n");
    assert!(
        h.screen()
            .lines()
            .last()
            .unwrap()
            .contains(&format!("match 2 of {total}"))
    );
    h.keys("N").keys("N");
    assert!(
        h.screen()
            .lines()
            .last()
            .unwrap()
            .contains(&format!("match {total} of {total}")),
        "round the start"
    );
    // Esc ends the find (and only that); another entry ends it too.
    h.key(KeyCode::Esc);
    assert!(h.app.find.is_none());
    assert_eq!(h.app.nav.focus, ktimeline::tui::keymap::Focus::Links);
    assert!(!h.screen().lines().last().unwrap().contains("match"));
}

#[test]
fn a_narrow_status_bar_drops_the_hints_counts_and_name_before_the_message_and_filter() {
    let mut h = Harness::fixture(96, 24);
    let library = entry_of(&h, "harbour-city-opens-a-floating-library.md");
    h.app.jump(library);
    // Something read, so that there are counts to drop.
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Esc)
        .key(KeyCode::Esc);
    h.keys("t").keys("harbour").key(KeyCode::Enter);
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains("showing entries tagged Harbour"),
        "{status}"
    );
    assert!(status.contains("filter: #Harbour"), "{status}");
    assert!(status.contains("2017-06-08 · 1/"), "{status}");
    assert!(!status.contains("unread"), "{status}");
    // Narrower still: the name goes too, the message stays whole.
    h.resize(90, 24);
    h.keys("t").keys("harbour").key(KeyCode::Enter);
    h.keys("t").keys("harbour").key(KeyCode::Enter);
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains("showing entries tagged Harbour"),
        "{status}"
    );
    assert!(!status.starts_with(" tui "), "{status}");
    // Wide: everything, the name and counts included.
    h.resize(160, 40);
    h.keys("t").keys("harbour").key(KeyCode::Enter);
    h.keys("t").keys("harbour").key(KeyCode::Enter);
    let status = h.screen().lines().last().unwrap().to_string();
    assert!(status.starts_with(" tui "), "{status}");
    assert!(status.contains("unread"), "{status}");
}

#[test]
fn w_shows_long_headlines_on_two_lines() {
    let headline = "The U.S. Environmental Protection Agency orders Volkswagen to fix nearly \
                    500,000 diesel cars that include software which circumvents emissions standards";
    let md = format!("### [2015-09-18](/news/2015/09/18/index.md)\n\n# {headline}\n\nBody.\n");
    let t = ktimeline::loader::load_memory("long", vec![("news/2015/09/18/vw.md".to_string(), md)]);
    let mut h = Harness::new(t, 100, 30, Theme::default());
    h.key(KeyCode::Tab);
    // The rows of the entries pane.
    let rows = |h: &Harness| -> Vec<String> {
        let a = h.app.areas.events;
        let buf = h.term.backend().buffer();
        (a.y..a.bottom())
            .map(|y| (a.x..a.right()).map(|x| buf[(x, y)].symbol()).collect())
            .collect()
    };
    assert!(
        !rows(&h).concat().contains("circumvents"),
        "cut to one line first"
    );
    h.keys("w");
    let shown = rows(&h);
    let first = shown
        .iter()
        .position(|r| r.contains("Environmental"))
        .unwrap();
    assert!(shown[first + 1].contains("500,000"), "{shown:?}");
    h.keys("w");
    assert!(!rows(&h).concat().contains("500,000"));
}

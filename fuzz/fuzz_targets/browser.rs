//! The browser's update and draw on ratatui's `TestBackend`, driven by
//! random keys, pastes, clicks and window sizes over a small archive whose
//! first file comes from the input. No panic, and no cell on screen ever
//! holds a control character (below U+0020, DEL or C1).
//!
//! Input: the archive file, then a byte 0xFF, then the script: each byte
//! picks a key from a table, or an operation that takes the next bytes
//! (resize: 2, click: 2, paste: 1 length + that many).

#![no_main]

use std::sync::Arc;

use ktimeline::search;
use ktimeline::tui::action::{Action, Effect};
use ktimeline::tui::app::App;
use ktimeline::tui::event_loop::{action_for, redraw};
use ktimeline::tui::popups::SEARCH_LIMIT;
use ktimeline::tui::theme::Theme;
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// A second event that links to the fuzzed one and to a ghost.
const FIXED: &str = "### [2020-01-02](/news/2020/01/2/index.md)\n\n# A fixed event ☢️ 한국.\n\n\
Some *body* with a [link](https://example.com/x).\n\n### Source:\n\n1. [Site](https://example.com/a)\n\n\
### Related:\n\n1. [The fuzzed one. ](/news/2020/01/1/a.md) _Context: Tag one, ☢️ Tag two_\n\
1. [A ghost. ](/news/2019/05/5/a-ghost.md) _Context: Ghosts_\n";

const KEYS: &[(KeyCode, KeyModifiers)] = &[
    (KeyCode::Up, KeyModifiers::NONE),
    (KeyCode::Down, KeyModifiers::NONE),
    (KeyCode::Left, KeyModifiers::NONE),
    (KeyCode::Right, KeyModifiers::NONE),
    (KeyCode::PageUp, KeyModifiers::NONE),
    (KeyCode::PageDown, KeyModifiers::NONE),
    (KeyCode::Home, KeyModifiers::NONE),
    (KeyCode::End, KeyModifiers::NONE),
    (KeyCode::Tab, KeyModifiers::NONE),
    (KeyCode::BackTab, KeyModifiers::SHIFT),
    (KeyCode::Enter, KeyModifiers::NONE),
    (KeyCode::Esc, KeyModifiers::NONE),
    (KeyCode::Backspace, KeyModifiers::NONE),
    (KeyCode::Left, KeyModifiers::ALT),
    (KeyCode::Right, KeyModifiers::ALT),
    (KeyCode::Char('w'), KeyModifiers::CONTROL),
    (KeyCode::Char('u'), KeyModifiers::CONTROL),
    (KeyCode::Char('d'), KeyModifiers::CONTROL),
    (KeyCode::Char('l'), KeyModifiers::CONTROL),
    (KeyCode::Char('z'), KeyModifiers::CONTROL),
    (KeyCode::Char('n'), KeyModifiers::CONTROL),
    (KeyCode::Char('p'), KeyModifiers::CONTROL),
];

const CHARS: &str = "/t:?[]{}nNoghjklGqb 2017-06aexyz☢️\u{fe0f}한\u{301}";

fuzz_target!(|data: &[u8]| {
    let (file, script) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let timeline = Arc::new(ktimeline::loader::load_memory(
        "fuzz ☢️",
        vec![
            ("news/2020/01/1/a.md".to_string(), file.to_vec()),
            ("news/2020/01/2/b.md".to_string(), FIXED.as_bytes().to_vec()),
        ],
    ));
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut app = App::new(timeline.clone(), Theme::default());
    redraw(&mut term, &mut app).unwrap();
    check(&term);
    let chars: Vec<char> = CHARS.chars().collect();
    let mut bytes = script.iter().copied();
    while let Some(b) = bytes.next() {
        let n = KEYS.len() + chars.len();
        let ev = match usize::from(b) {
            i if i < KEYS.len() => Event::Key(KeyEvent::new(KEYS[i].0, KEYS[i].1)),
            i if i < n => Event::Key(KeyEvent::new(
                KeyCode::Char(chars[i - KEYS.len()]),
                KeyModifiers::NONE,
            )),
            i if i == n => {
                let (w, h) = (bytes.next().unwrap_or(0), bytes.next().unwrap_or(0));
                let (w, h) = (u16::from(w % 200) + 1, u16::from(h % 70) + 1);
                term.backend_mut().resize(w, h);
                Event::Resize(w, h)
            }
            i if i == n + 1 => Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: u16::from(bytes.next().unwrap_or(0)),
                row: u16::from(bytes.next().unwrap_or(0)),
                modifiers: KeyModifiers::NONE,
            }),
            i if i == n + 2 => {
                let len = usize::from(bytes.next().unwrap_or(0));
                let text: Vec<u8> = bytes.by_ref().take(len).collect();
                Event::Paste(String::from_utf8_lossy(&text).into_owned())
            }
            _ => Event::Mouse(MouseEvent {
                kind: if b & 1 == 0 {
                    MouseEventKind::ScrollDown
                } else {
                    MouseEventKind::ScrollUp
                },
                column: u16::from(b),
                row: u16::from(b / 8),
                modifiers: KeyModifiers::NONE,
            }),
        };
        if let Some(action) = action_for(&app, &ev) {
            match app.update(action) {
                Some(Effect::Search {
                    generation,
                    query,
                    filter,
                    ..
                }) => {
                    // The worker thread's job, done in line.
                    let found = search::search(&timeline, &query, SEARCH_LIMIT, &filter);
                    app.update(Action::SearchDone { generation, found });
                }
                Some(Effect::Quit) => return,
                _ => {}
            }
        }
        redraw(&mut term, &mut app).unwrap();
        check(&term);
    }
});

/// No control character reaches the screen.
fn check(term: &Terminal<TestBackend>) {
    for cell in term.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character on screen: {:?}",
            cell.symbol()
        );
    }
}

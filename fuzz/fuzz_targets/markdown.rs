//! The detail pane's text pipeline: markdown and plain-text rendering, then
//! wrapping to a width, plus cutting text to a width from either end. No
//! panic; wrapped lines and cut text fit their width (a line may be wider
//! only when it holds a single character cluster wider than the width).

#![no_main]

use ktimeline::tui::markdown::{render_markdown, render_plain};
use ktimeline::tui::theme::Theme;
use ktimeline::tui::wrap::{tail, truncate, width};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&w, bytes)) = data.split_first() else {
        return;
    };
    let cols = usize::from(w % 120);
    let text = String::from_utf8_lossy(bytes);
    assert!(width(&truncate(&text, cols)) <= cols);
    assert!(width(tail(&text, cols)) <= cols);
    let theme = Theme::default();
    for paras in [render_markdown(&text, &theme), render_plain(&text)] {
        for p in paras {
            for line in p.wrap(cols) {
                let s = line.to_string();
                let clusters = s.chars().filter(|c| width(&c.to_string()) > 0).count();
                assert!(
                    width(&s) <= cols.max(1) || clusters <= 1,
                    "{s:?} is wider than {cols}"
                );
                assert!(!s.chars().any(char::is_control), "{s:?}");
            }
        }
    }
});

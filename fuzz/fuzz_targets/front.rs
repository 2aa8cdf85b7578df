//! Front matter on arbitrary text: a YAML (`---`) or TOML (`+++`) block
//! of anything, read by `loader::front::read` and by the whole parser,
//! must never panic, nor take more than its caps allow; every text it
//! gives is clean (no control or bidi character survives decoding, as a
//! YAML `"\e"` or `"\u202e"` escape would make one) and every problem's
//! line is a line of the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, bytes)) = data.split_first() else {
        return;
    };
    let fence = if flag & 1 == 1 { "+++" } else { "---" };
    let rest = String::from_utf8_lossy(bytes);
    let text = format!("{fence}\n{rest}\n{fence}\nBody text.\n");
    let lines = text.lines().count();
    if let Some(front) = ktimeline::loader::front::read(&text) {
        assert!(front.end <= text.len());
        for (line, reason) in &front.warnings {
            assert!(line.is_none_or(|l| l >= 1 && l <= lines), "{line:?}: {reason}");
        }
        let clean = |s: &str| {
            !s.chars().any(|c| {
                c.is_control()
                    || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
        };
        assert!(front.title.as_deref().is_none_or(clean));
        assert!(front.draft.tags.iter().all(|t| clean(t)));
        if let Some(m) = &front.draft.meta {
            assert!(m.author.as_deref().is_none_or(clean));
            assert!(m.description.as_deref().is_none_or(clean));
            assert!(m.properties.iter().all(|(k, v)| clean(k) && clean(v)));
        }
    }
    let _ = ktimeline::loader::parse_bytes(text.as_bytes(), flag & 2 == 2);
});

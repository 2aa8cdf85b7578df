//! Small text rules shared by the loader, the commands and the browser: the
//! slug rule of FORMAT.md, headline normalisation, dates written in headings
//! and paths, and the sanitiser that keeps control characters and escape
//! sequences from untrusted files away from the terminal.
//!
//! What the sanitiser refuses ([`is_forbidden`]; removed from text, shown
//! escaped in file names) is what only hides, moves or spoofs text and no
//! real text needs: C0 and C1 controls but newline and tab, DEL; the
//! bidirectional controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069);
//! the invisible format characters that join or split words unseen (U+200B
//! zero-width space, U+2060 word joiner, U+2061–U+2064 invisible operators,
//! U+FEFF anywhere, U+180E, U+00AD soft hyphen, a hint for breaking lines
//! that a terminal shows as it likes), the deprecated format characters
//! U+206A–U+206F and the interlinear annotation marks U+FFF9–U+FFFB. The
//! line and paragraph separators U+2028/U+2029 become a space, as a tab
//! does (JSON writes them raw, and JavaScript reads them as line ends).
//! Kept, because real text needs them: U+200C/U+200D (zero-width non-joiner
//! and joiner: Persian and Indic words, emoji sequences such as 👨‍👩‍👧),
//! variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF: ❤️), the tag
//! characters of flag sequences (U+E0020–U+E007F), U+034F, and the Hangul
//! fillers (old Hangul is written with them).

use std::fmt::Write as _;

use chrono::NaiveDate;

/// How many characters of a headline the slug rule looks at.
pub const SLUG_CHARS: usize = 140;

/// The first `n` characters of `s`, with `…` after them when that cut
/// something off (all of `s` when it is no longer).
pub fn cut_chars(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    let head = prefix_chars(s, n);
    if head.len() < s.len() {
        format!("{head}…").into()
    } else {
        s.into()
    }
}

/// The first `n` characters of `s` (all of it when shorter). Inline: the
/// headline matcher calls it for every headline it looks at.
#[inline]
pub fn prefix_chars(s: &str, n: usize) -> &str {
    if s.len() <= n {
        // No more bytes than `n`, so no more characters.
        return s;
    }
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// FORMAT.md's slug rule: lowercase the first 140 characters, replace every
/// run of characters other than `a-z` and `0-9` with one `-`, trim `-`.
pub fn slug(headline: &str) -> String {
    let mut out = String::with_capacity(headline.len().min(SLUG_CHARS));
    push_slug(&mut out, headline);
    out
}

/// What the slug rule keeps of each ASCII byte: a letter lowercased, a
/// digit, or 0 for a separator.
const SLUG_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'a'..=b'z' | b'0'..=b'9' => c,
            b'A'..=b'Z' => c + 32,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Appends `headline`'s slug to `out`.
fn push_slug(out: &mut String, headline: &str) {
    let start = out.len();
    // The usual headline: its first 140 bytes are ASCII, and so its first
    // 140 characters. Each byte is kept (lowercased) or is a separator, by
    // a table; the slug, no longer than they, is made on the stack.
    if let Some(head) = headline.get(..headline.len().min(SLUG_CHARS))
        && head.is_ascii()
    {
        let mut slug = [0u8; SLUG_CHARS];
        let (mut len, mut dash) = (0, false);
        for &b in head.as_bytes() {
            let kept = SLUG_BYTES[usize::from(b)];
            if kept == 0 {
                dash = true;
                continue;
            }
            // (A dash stands for one separator or more: it fits.)
            if dash && len > 0 {
                slug[len] = b'-';
                len += 1;
            }
            dash = false;
            slug[len] = kept;
            len += 1;
        }
        if let Ok(slug) = std::str::from_utf8(&slug[..len]) {
            out.push_str(slug);
        }
        return;
    }
    let mut pending_dash = false;
    let mut push = |c: char| {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if pending_dash && out.len() > start {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    };
    for c in headline.chars().take(SLUG_CHARS) {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(&mut push);
        }
    }
}

/// The canonical path of an event: `/news/{year}/{month:02}/{day}/{slug}.md`.
pub fn canonical_path(date: NaiveDate, headline: &str) -> String {
    let mut out = String::with_capacity(20 + headline.len().min(SLUG_CHARS));
    push_canonical_path(&mut out, date, headline);
    out
}

/// Appends the canonical path of an event to `out`.
pub fn push_canonical_path(out: &mut String, date: NaiveDate, headline: &str) {
    use chrono::Datelike;
    let (year, month, day) = (date.year(), date.month(), date.day());
    match u32::try_from(year) {
        // The usual year, written without the formatting machinery (this
        // is spelt for every related link of an archive).
        Ok(year @ 0..=9999) => {
            let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
            out.push_str("/news/");
            out.extend([year / 1000, year / 100, year / 10, year].map(digit));
            out.push('/');
            out.extend([month / 10, month].map(digit));
            out.push('/');
            if day >= 10 {
                out.push(digit(day / 10));
            }
            out.extend([digit(day), '/']);
        }
        _ => {
            let _ = write!(out, "/news/{year:04}/{month:02}/{day}/");
        }
    }
    push_slug(out, headline);
    out.push_str(".md");
}

/// Is `path` the canonical path of an event of `date` headed `headline`?
/// (Without making a new string each time it is asked.)
pub fn is_canonical_path(path: &str, date: NaiveDate, headline: &str) -> bool {
    thread_local! {
        static SPELT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SPELT.with_borrow_mut(|spelt| {
        spelt.clear();
        push_canonical_path(spelt, date, headline);
        // (At most 140 characters of the headline: the buffer stays small.)
        spelt == path
    })
}

/// A headline reduced for comparison: lowercase alphanumerics separated by
/// single spaces, so punctuation, case and spacing do not matter.
pub fn normalize_headline(headline: &str) -> String {
    let mut out = String::with_capacity(headline.len());
    let mut pending_space = false;
    for c in headline.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// What a `YYYY-MM-D` string says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateText {
    /// Not shaped like a date at all.
    NotADate,
    /// Shaped like a date but no such day exists (2013-02-30).
    Impossible,
    Valid(NaiveDate),
}

/// Reads `YYYY-MM-D` or `YYYY-MM-DD` (surrounding spaces allowed).
pub fn parse_date_text(s: &str) -> DateText {
    let mut parts = s.trim().split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return DateText::NotADate;
    };
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)) {
        return DateText::NotADate;
    }
    match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => match NaiveDate::from_ymd_opt(y, m, d) {
            Some(date) => DateText::Valid(date),
            None => DateText::Impossible,
        },
        _ => DateText::NotADate,
    }
}

/// The date a path spells as `.../{year}/{month}/{day}/...` (the last such
/// run of components wins), if it is a real day.
pub fn date_from_path(path: &str) -> Option<NaiveDate> {
    // Runs of three components, from the last: (day, month, year).
    let mut parts = path.rsplit(['/', '\\']);
    let (mut d, mut m) = (parts.next()?, parts.next()?);
    for y in parts {
        if shaped_as_date(y, m, d)
            && let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse())
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return Some(date);
        }
        (d, m) = (m, y);
    }
    None
}

/// Are three path components shaped as a date: four digits, then one or
/// two, then one or two?
fn shaped_as_date(year: &str, month: &str, day: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(year, 4, 4) && digits(month, 1, 2) && digits(day, 1, 2)
}

/// A related link's target in the one spelling the loader compares:
/// without `<>`, query or fragment, scheme and host, `%` escapes, `./` and
/// doubled slashes; with a leading `/`, and a date's month padded and its
/// day not (`/news/2013/6/06/x.md` → `/news/2013/06/6/x.md`).
pub fn normalize_target(target: &str) -> String {
    let t = target.trim();
    let t = t
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t);
    // (Bytes searched, not characters: the marks are all ASCII.)
    let t = memchr::memchr2(b'#', b'?', t.as_bytes()).map_or(t, |i| &t[..i]);
    let t = match memchr::memmem::find(t.as_bytes(), b"://") {
        Some(i) => t[i + 3..].find('/').map_or("", |j| &t[i + 3 + j..]),
        None => t,
    };
    // Most targets hold no escape: no decoding (nor its UTF-8 check) then.
    let decoded = if memchr::memchr(b'%', t.as_bytes()).is_some() {
        percent_encoding::percent_decode_str(t).decode_utf8_lossy()
    } else {
        std::borrow::Cow::Borrowed(t)
    };
    // Most targets have a handful of parts: kept on the stack.
    let mut stack = [""; 16];
    let mut heap = Vec::new();
    let mut count = 0;
    let bytes = decoded.as_bytes();
    let ends = memchr::memchr2_iter(b'/', b'\\', bytes).chain([bytes.len()]);
    let mut from = 0;
    for end in ends {
        let p = &decoded[from..end];
        from = end + 1;
        if p.is_empty() || p == "." {
            continue;
        }
        if count < stack.len() {
            stack[count] = p;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack);
            }
            heap.push(p);
        }
        count += 1;
    }
    let parts: &[&str] = if heap.is_empty() {
        &stack[..count]
    } else {
        &heap
    };
    let mut out = String::with_capacity(decoded.len() + 2);
    let mut i = 0;
    while i < parts.len() {
        out.push('/');
        let date = i + 2 < parts.len() && shaped_as_date(parts[i], parts[i + 1], parts[i + 2]);
        if date {
            // `YYYY/MM/D`: the month in two digits, the day without a
            // leading zero, as the format's paths spell them.
            let (month, day) = (parts[i + 1], parts[i + 2]);
            out.push_str(parts[i]);
            out.push('/');
            if month.len() == 1 {
                out.push('0');
            }
            out.push_str(month);
            out.push('/');
            out.push_str(match day.strip_prefix('0') {
                Some(rest) if !rest.is_empty() => rest,
                _ => day,
            });
            i += 3;
        } else {
            out.push_str(parts[i]);
            i += 1;
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A fast look at the bytes: false when no forbidden character can be in
/// `s` (no control byte, and none of the lead bytes of the others: C1
/// controls and U+00AD, U+061C, U+180E, U+2000–U+2FFF, U+Fxxx).
fn may_hold_forbidden(s: &str) -> bool {
    let suspect = |b: u8| {
        (b < 0x20 && b != b'\n' && b != b'\t')
            || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe1 | 0xe2 | 0xef)
    };
    // Whole chunks without early exit, which the compiler vectorises.
    s.as_bytes()
        .chunks(64)
        .any(|c| c.iter().fold(false, |acc, &b| acc | suspect(b)))
}

/// True for characters that must never reach a terminal (see the module's
/// comment): C0 and C1 controls (other than newline and tab, which callers
/// decide about), DEL, the bidirectional overrides, embeddings, isolates
/// and marks, the line and paragraph separators, and the invisible format
/// characters that only hide or spoof.
fn is_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{061c}' | '\u{180e}'
        | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// `s` with every forbidden character (controls, escapes, bidirectional
/// marks) and every invisible one (zero-width spaces and joiners) shown as
/// an escape, `\u{1b}`, rather than dropped: a message about a value then
/// shows what was typed, and passes nothing raw to a terminal. Newlines
/// are kept when `keep_newlines`.
pub fn escape_invisible(s: &str, keep_newlines: bool) -> String {
    let invisible = |c: char| {
        is_forbidden(c)
            || c.is_control()
            || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{180e}' | '\u{ad}')
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if invisible(c) && !(c == '\n' && keep_newlines) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Removes escape sequences (CSI, OSC, DCS and two-character escapes) and
/// every other forbidden character. Newlines survive when `keep_newlines`,
/// otherwise they become spaces; tabs become spaces.
pub fn sanitize(s: &str, keep_newlines: bool) -> String {
    clean(s, keep_newlines, false)
}

/// Removes escape sequences and forbidden characters from a whole file
/// before it is parsed, keeping newlines and tabs (markdown's structure),
/// so that no leftover of a sequence (`[2J`) is read as markup.
pub fn strip_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    if may_hold_forbidden(s) && s.chars().any(is_forbidden) {
        std::borrow::Cow::Owned(clean(s, true, true))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn clean(s: &str, keep_newlines: bool, keep_tabs: bool) -> String {
    if !s
        .chars()
        .any(|c| is_forbidden(c) || (c == '\t' && !keep_tabs) || (c == '\n' && !keep_newlines))
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers of strings and control sequences.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{9d}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\t' if keep_tabs => out.push('\t'),
            '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // Intermediate bytes then one final byte, e.g. `ESC ( B`.
        Some(c) if ('\u{20}'..='\u{2f}').contains(c) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next_if(|c| ('\u{30}'..='\u{7e}').contains(c));
        }
        Some(c) if ('\u{30}'..='\u{7e}').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates up to the final byte of a control sequence.
fn skip_csi(chars: &mut Chars) {
    while let Some(c) = chars.next_if(|c| ('\u{20}'..='\u{3f}').contains(c)) {
        let _ = c;
    }
    chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
}

/// An OSC/DCS/APC/PM/SOS string up to BEL or ST (`ESC \` or U+009C).
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            // Give up at a line end: a runaway string must not eat the file.
            '\n' => return,
            _ => {}
        }
    }
}

/// A file name fit to print: control characters (and the other characters
/// [`sanitize`] removes) written as escapes, `\x01` or `\u{202e}`, the way
/// `ls` and `rg` show them, and a backslash doubled, so that two names never
/// print alike.
pub fn escape_name(name: &str) -> std::borrow::Cow<'_, str> {
    // Most names are printable ASCII: told apart a byte at a time.
    if name
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'\\')
    {
        return std::borrow::Cow::Borrowed(name);
    }
    let bad = |c: char| is_forbidden(c) || c == '\n' || c == '\t' || c == '\\';
    if !name.chars().any(bad) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if bad(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if bad(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path fit to print, by [`escape_name`], with bytes that are not UTF-8
/// written `\xe9`; borrowed when it needs no escape.
pub fn escape_path(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(s) = std::str::from_utf8(bytes) {
            return escape_name(s);
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            out.push_str(&escape_name(chunk.valid()));
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        std::borrow::Cow::Owned(out)
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(escape_name(&path.to_string_lossy()).into_owned())
    }
}

/// The path a name printed by [`escape_path`] stands for: `\\` is a
/// backslash, `\u{…}` a character, `\xNN` a control character below 0x80
/// or, from 0x80, a byte that was not UTF-8 (a C1 control character is
/// printed alike; `exists` decides between the two, byte first).
#[cfg(unix)]
pub fn unescape_path(shown: &str, exists: impl Fn(&std::path::Path) -> bool) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let build = |c1_as_char: bool| {
        let mut out: Vec<u8> = Vec::with_capacity(shown.len());
        let mut chars = shown.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\\' {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                continue;
            }
            match chars.next() {
                Some('\\') => out.push(b'\\'),
                Some('x') => {
                    let hex: String = chars.by_ref().take(2).collect();
                    let n = u8::from_str_radix(&hex, 16).unwrap_or(b'?');
                    if n >= 0x80 && c1_as_char {
                        let mut buf = [0; 4];
                        out.extend_from_slice(char::from(n).encode_utf8(&mut buf).as_bytes());
                    } else {
                        out.push(n);
                    }
                }
                Some('u') if chars.peek() == Some(&'{') => {
                    chars.next();
                    let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let c = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('?');
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(other) => {
                    out.push(b'\\');
                    let mut buf = [0; 4];
                    out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                }
                None => out.push(b'\\'),
            }
        }
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&out))
    };
    let as_bytes = build(false);
    if exists(&as_bytes) {
        return as_bytes;
    }
    let as_chars = build(true);
    if exists(&as_chars) {
        as_chars
    } else {
        as_bytes
    }
}

/// Sanitises and folds all runs of white space into single spaces, trimmed:
/// the form of every one-line label (headlines, tags, source names).
pub fn one_line(s: &str) -> String {
    // Most labels are one line of printable ASCII already, with single
    // spaces between words (and often one after the last): nothing to
    // remove or fold.
    let t = s.trim_matches(' ');
    let plain = t.bytes().all(|c| (0x20..0x7f).contains(&c)) && !t.contains("  ");
    if plain {
        return t.to_string();
    }
    sanitize(s, false)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when `url` is an `http` or `https` link, the only kinds ktimeline
/// will ever hand to a browser.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && lower.len() > "https://".len()
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The host part of a web URL, for display (`www.aljazeera.com`).
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The invisible characters that only hide or spoof are refused, the
    /// line and paragraph separators are spaces; what real text needs
    /// (joiners in emoji and Indic and Persian words, variation selectors,
    /// flag tags) is kept.
    #[test]
    fn invisible_spoofing_characters_go_and_real_text_stays() {
        let hidden = "pay\u{200b}pal \u{2060}a\u{2061}b\u{2064} co\u{ad}op \u{feff}x\u{180e}y \u{206a}z\u{fff9}w\u{fffb}";
        assert_eq!(sanitize(hidden, false), "paypal ab coop xy zw");
        assert_eq!(strip_escapes(hidden), "paypal ab coop xy zw");
        assert_eq!(
            sanitize("one\u{2028}two\u{2029}three", true),
            "one two three"
        );
        assert_eq!(strip_escapes("one\u{2028}two\u{2029}"), "one two ");
        assert_eq!(one_line("a \u{2028} b\u{200b}"), "a b");
        for real in [
            "👨\u{200d}👩\u{200d}👧 family",
            "❤\u{fe0f} and ✌\u{fe0e}",
            "می\u{200c}خواهم",
            "क्\u{200d}ष",
            "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}",
            "Tiếng Việt ᄒᆞᆫ글 ᠮᠣᠩᠭᠣᠯ",
        ] {
            assert_eq!(sanitize(real, false), real);
            assert_eq!(strip_escapes(real), real);
            assert!(!may_hold_forbidden(real) || !real.chars().any(is_forbidden));
        }
        // A file name holding one is shown with it escaped.
        assert_eq!(
            escape_name("a\u{200b}b\u{2028}.md"),
            "a\\u{200b}b\\u{2028}.md"
        );
        // Every refused character is seen by the fast look at the bytes.
        for c in [
            '\u{ad}', '\u{61c}', '\u{180e}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{2060}',
            '\u{206f}', '\u{fff9}',
        ] {
            assert!(
                is_forbidden(c) && may_hold_forbidden(&format!("x{c}")),
                "{c:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn escaped_paths_come_back() {
        use std::os::unix::ffi::OsStrExt;
        for name in [
            "plain.md",
            "new\nline.md",
            "tab\there",
            "back\\slash",
            "\u{1}x",
            "bidi\u{202e}.md",
        ] {
            let path = std::path::Path::new(name);
            let shown = escape_path(path);
            assert_eq!(
                unescape_path(&shown, |_| true),
                path,
                "{name:?} shown as {shown}"
            );
        }
        // A byte that is not UTF-8.
        let raw = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
        let shown = escape_path(&raw);
        assert_eq!(unescape_path(&shown, |_| true), raw);
    }

    #[test]
    fn names_are_escaped_not_stripped() {
        assert_eq!(escape_name("plain/name.md"), "plain/name.md");
        assert_eq!(escape_name("dup\u{1}.md"), "dup\\x01.md");
        assert_eq!(escape_name("dup\u{2}.md"), "dup\\x02.md");
        assert_eq!(escape_name("a\u{1b}[2J\u{202e}b"), "a\\x1b[2J\\u{202e}b");
        assert!(!escape_name("\u{9b}x\n").chars().any(|c| c.is_control()));
        // A name spelling an escape and the name it stands for differ.
        assert_eq!(escape_name("dup\\x01.md"), "dup\\\\x01.md");
        assert_ne!(escape_name("dup\\x01.md"), escape_name("dup\u{1}.md"));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = |b: &[u8]| std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b));
            assert_eq!(escape_path(&p(b"caf\xe9.md")), "caf\\xe9.md");
            assert_ne!(
                escape_path(&p(b"caf\xe9.md")),
                escape_path(&p(b"caf\xe8.md"))
            );
            assert_eq!(escape_path(&p(b"plain.md")), "plain.md");
        }
    }

    #[test]
    fn slug_follows_the_rule() {
        assert_eq!(
            slug("North Korea restores the Red Cross link. "),
            "north-korea-restores-the-red-cross-link"
        );
        assert_eq!(slug("  --Hello,   World!!  "), "hello-world");
        assert_eq!(
            slug("Kim Jong-un (김정은) meets Moon"),
            "kim-jong-un-meets-moon"
        );
        assert_eq!(slug(""), "");
        let long = "a ".repeat(100);
        assert_eq!(slug(&long).len(), 139);
    }

    #[test]
    fn canonical_paths_are_spelt_as_the_rule_writes_them() {
        let days = [
            (2013, 6, 6),
            (1978, 3, 30),
            (1, 12, 31),
            (0, 1, 1),
            (9999, 9, 9),
        ];
        let odd = [(-44, 3, 15), (10000, 1, 2), (-1, 1, 1)];
        for (y, m, d) in days.into_iter().chain(odd) {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            for headline in [
                "North Korea, again.",
                "Über café № 5",
                "",
                &"long ".repeat(40),
            ] {
                let want = format!("/news/{y:04}/{m:02}/{d}/{}.md", slug(headline));
                assert_eq!(canonical_path(date, headline), want);
                let mut out = "kept:".to_string();
                push_canonical_path(&mut out, date, headline);
                assert_eq!(out, format!("kept:{want}"));
                assert!(is_canonical_path(&want, date, headline));
                assert!(!is_canonical_path(
                    &want,
                    date.succ_opt().unwrap(),
                    headline
                ));
            }
        }
        // An ASCII start and more: the slug reads 140 characters either way.
        let mixed = format!("{}é and more", "a".repeat(139));
        assert_eq!(slug(&mixed), "a".repeat(139));
        assert_eq!(slug(&format!("{}É", "b".repeat(139))), "b".repeat(139));
        assert_eq!(slug(&format!("É{}", "b".repeat(139))), "b".repeat(139));
    }

    #[test]
    fn the_slug_of_an_ascii_headline_is_the_rule_s() {
        // The rule character by character, as FORMAT.md words it.
        let rule = |h: &str| {
            let mut out = String::new();
            let mut dash = false;
            for c in h.chars().take(SLUG_CHARS).flat_map(char::to_lowercase) {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    if dash && !out.is_empty() {
                        out.push('-');
                    }
                    dash = false;
                    out.push(c);
                } else {
                    dash = true;
                }
            }
            out
        };
        let alphabet: Vec<char> = "aZq09 -_.!\t(x)É".chars().collect();
        let mut seed = 7u64;
        for _ in 0..5000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 33) as usize % 200;
            let h: String = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 7) >> 40;
                    alphabet[r as usize % alphabet.len()]
                })
                .collect();
            assert_eq!(slug(&h), rule(&h), "{h:?}");
        }
    }

    #[test]
    fn the_last_date_a_path_spells_is_its_date() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        for (path, want) in [
            ("/news/2013/06/6/x.md", day(2013, 6, 6)),
            ("/2001/1/1/news/2013/06/6/x.md", day(2013, 6, 6)),
            ("/2001/1/1/news/2013/02/30/x.md", day(2001, 1, 1)),
            ("2013\\06\\6\\x.md", day(2013, 6, 6)),
            ("2013/06/6", day(2013, 6, 6)),
            ("/news/2013/06/6", day(2013, 6, 6)),
            ("/news/2013/006/6/x.md", None),
            ("/news/13/06/6/x.md", None),
            ("/news/2013/06/", None),
            ("", None),
            ("/", None),
        ] {
            assert_eq!(date_from_path(path), want, "{path}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date_text("2013-06-6"),
            DateText::Valid(NaiveDate::from_ymd_opt(2013, 6, 6).unwrap())
        );
        assert_eq!(
            parse_date_text("2013-06-06"),
            DateText::Valid(NaiveDate::from_ymd_opt(2013, 6, 6).unwrap())
        );
        assert_eq!(parse_date_text("2013-02-30"), DateText::Impossible);
        assert_eq!(parse_date_text("2013-13-1"), DateText::Impossible);
        assert_eq!(parse_date_text("Source:"), DateText::NotADate);
        assert_eq!(parse_date_text("2013-6"), DateText::NotADate);
        assert_eq!(
            date_from_path("/news/2021/10/4/foo.txt"),
            NaiveDate::from_ymd_opt(2021, 10, 4)
        );
        assert_eq!(date_from_path("a/b/c.txt"), None);
        assert_eq!(date_from_path("news/2021/02/30/x.md"), None);
    }

    #[test]
    fn invisible_characters_are_shown_escaped() {
        assert_eq!(
            escape_invisible("x\u{1b}]0;pwned\u{7}\n2015\u{200e}\u{200b}", true),
            "x\\u{1b}]0;pwned\\u{7}\n2015\\u{200e}\\u{200b}"
        );
        assert_eq!(escape_invisible("a\nb\tc", false), "a\\u{a}b\\u{9}c");
        assert_eq!(escape_invisible("Été 2015", false), "Été 2015");
    }

    #[test]
    fn sanitize_strips_escapes_and_bidi() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b", false), "ared b");
        assert_eq!(sanitize("t\u{1b}]0;pwned\u{7}x", false), "tx");
        assert_eq!(sanitize("t\u{1b}]2;pwned\u{1b}\\x", false), "tx");
        assert_eq!(
            sanitize("a\u{202e}b\u{2066}c\u{0}d\u{7f}e\u{9b}1mf", false),
            "abcdef"
        );
        assert_eq!(sanitize("line\nnext\ttab\r", true), "line\nnext tab");
        assert_eq!(one_line("  two\n lines \u{1b}(B "), "two lines");
        assert_eq!(sanitize("Korean 한국 ok", false), "Korean 한국 ok");
    }

    #[test]
    fn urls() {
        assert!(is_web_url("https://example.com/x"));
        assert!(is_web_url("HTTP://example.com"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("file:///etc/passwd"));
        assert!(!is_web_url("https://exa mple.com"));
        assert!(!is_web_url("https://"));
        assert_eq!(
            url_host("http://www.aljazeera.com/news/x"),
            Some("www.aljazeera.com")
        );
    }

    #[test]
    fn targets_are_normalized() {
        let want = "/news/2013/06/6/alpha-event.md";
        for t in [
            "/news/2013/06/6/alpha-event.md",
            "news/2013/06/6/alpha-event.md",
            "./news/2013/06/6/alpha-event.md",
            "/news/2013/6/6/alpha-event.md",
            "/news/2013/06/06/alpha-event.md",
            "/news/2013/06/6/alpha%2Devent.md",
            "<news/2013/06/6/alpha-event.md>",
            "https://example.com/news/2013/06/6/alpha-event.md?x=1#top",
            "/news//2013/06/6/alpha-event.md",
        ] {
            assert_eq!(normalize_target(t), want, "{t}");
        }
        assert_eq!(normalize_target("/a b.md"), "/a b.md");
    }

    #[test]
    fn normalized() {
        assert_eq!(
            normalize_headline("  North  Korea, restores! "),
            "north korea restores"
        );
    }
}

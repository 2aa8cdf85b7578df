//! The pieces both readers of a file (the fast path, `fast`, and the
//! full markdown reading, `parse`) build an entry from: a source, a
//! related link with its context tags, and the caps on what one file can
//! hand over. Written once, so that the two readers cannot differ.

use crate::draft::LinkDraft;
use crate::model::{Body, Source, Tag as TagName};
use crate::text;

/// Longest headline kept, in characters; longer ones are shortened (with a
/// warning) so that no single line can swamp the screen or the matcher.
pub const HEADLINE_MAX: usize = 1000;

/// The most text handed to the markdown parser, which can take a hundred
/// times the bytes of a hostile file (`[[[[…`, `*a*a…`). Past it, a file's
/// text is still its body, but no structure is looked for.
pub const MARKDOWN_MAX: usize = 512 * 1024;

/// Caps on what one file can hand over, so that no file, however made,
/// costs more memory or matching time than these allow. What is cut is
/// reported as a warning (`ktimeline check` lists it).
pub const LINKS_MAX: usize = 1000;
/// Links of an index page kept for ordering its day; the day's entries
/// past these keep the usual order.
pub const INDEX_LINKS_MAX: usize = 10_000;

/// Longest related link text kept, in characters (as for headlines).
pub const LINK_TEXT_MAX: usize = HEADLINE_MAX;
/// Longest tag kept, in characters, and most tags a link gives.
pub const TAG_MAX: usize = 200;
pub const TAGS_MAX: usize = 100;
/// Longest source address kept, in characters.
pub const URL_MAX: usize = 2000;

/// `s` cut to `max` characters (with `…`), and whether it was cut.
pub fn cap(s: String, max: usize) -> (String, bool) {
    // No more bytes than `max`: no more characters either.
    if s.len() <= max {
        return (s, false);
    }
    match s.char_indices().nth(max) {
        Some((at, _)) => (format!("{}…", &s[..at]), true),
        None => (s, false),
    }
}

/// A source from its link's text and address (`image`: written as a
/// picture, `![…](…)`), and whether the name and the address had to be cut.
/// Shared by both readers of a file, so that they cannot differ.
pub fn source(name: &str, url: &str, image: bool) -> (Source, bool, bool) {
    let (name, long_name) = cap(text::one_line(name), LINK_TEXT_MAX);
    // Entities are decoded by now (`&#27;` is a real ESC): clean the
    // address as every other text leaving the loader is.
    let (url, long_url) = cap(text::sanitize(url.trim(), false), URL_MAX);
    let image = image || is_image(&name, &url);
    (Source::new(&name, &url, image), long_name, long_url)
}

/// A related link from its text, target and the text after it (the
/// context), and what had to be cut. Shared by both readers of a file.
pub fn related_link(
    text: &str,
    target: &str,
    after: &str,
    line: usize,
) -> (LinkDraft, Vec<String>) {
    let mut cuts = Vec::new();
    let (text, long_text) = cap(text::one_line(text), LINK_TEXT_MAX);
    if long_text {
        cuts.push(format!("link text longer than {LINK_TEXT_MAX} characters"));
    }
    let mut context = context_tags(after);
    if context.len() > TAGS_MAX {
        context.truncate(TAGS_MAX);
        cuts.push(format!("more than {TAGS_MAX} context tags: the list"));
    }
    if context.iter().any(|t| t.chars().count() > TAG_MAX) {
        cuts.push(format!("context tag longer than {TAG_MAX} characters"));
        for t in &mut context {
            *t = intern(cap(t.to_string(), TAG_MAX).0);
        }
    }
    let link = LinkDraft::new(
        text,
        text::normalize_target(target),
        context,
        u32::try_from(line).unwrap_or(u32::MAX),
    );
    (link, cuts)
}

/// Tags from the text after a related link: `Context: a, b, c`.
fn context_tags(after: &str) -> Vec<TagName> {
    const LABEL: &[u8] = b"context:";
    let Some(pos) = after
        .as_bytes()
        .windows(LABEL.len())
        .position(|w| w.eq_ignore_ascii_case(LABEL))
    else {
        return Vec::new();
    };
    let mut tags: Vec<TagName> = Vec::new();
    for t in after[pos + LABEL.len()..].split(',') {
        let t = t.trim_matches(|c: char| c.is_whitespace() || c == '_' || c == '*');
        let t = text::one_line(t);
        if !t.is_empty() && !tags.iter().any(|seen| **seen == *t) {
            tags.push(intern(t));
            // One more than are kept is enough to know some are cut.
            if tags.len() > TAGS_MAX {
                break;
            }
        }
    }
    tags.shrink_to_fit();
    tags
}

/// Tags this thread has seen, so that the many links naming one tag share
/// its text (an archive has few distinct tags and a great many links).
fn intern(tag: String) -> TagName {
    thread_local! {
        static SEEN: std::cell::RefCell<rustc_hash::FxHashSet<TagName>> = Default::default();
    }
    SEEN.with_borrow_mut(|seen| match seen.get(tag.as_str()) {
        Some(t) => t.clone(),
        // Bounded: a thread keeps at most this many, then stops sharing.
        None if seen.len() >= 100_000 => TagName::from(tag),
        None => {
            let t = TagName::from(tag);
            seen.insert(t.clone());
            t
        }
    })
}

pub fn is_image(name: &str, url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext = [
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".avif",
    ];
    ext.iter().any(|e| path.ends_with(e)) || name.to_lowercase().contains("image")
}

/// A body without the blank lines around it and the white space at its
/// end; the first line keeps its indentation (it may be code).
pub fn trim_body(s: &str) -> &str {
    let s = s.trim_end();
    let blank: usize = s
        .split_inclusive('\n')
        .take_while(|l| l.trim().is_empty())
        .map(str::len)
        .sum();
    &s[blank..]
}

/// Where `body`, a slice of `text` ([`clean_text`] of a file), is: its byte
/// range there, or its text if the range does not fit.
pub fn body_of(text: &str, body: &str) -> Body {
    let (f, b) = (text.as_ptr() as usize, body.as_ptr() as usize);
    let inside = b >= f && b + body.len() <= f + text.len();
    match (
        u32::try_from(b.wrapping_sub(f)),
        u32::try_from(body.len()),
        u32::try_from(text.len()),
    ) {
        (Ok(start), Ok(len), Ok(_)) if inside && len > 0 => Body::File {
            start,
            len,
            crc: crc32fast::hash(body.as_bytes()),
        },
        _ => Body::Inline(body.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_tags_are_found_in_any_case_and_kept_once() {
        let names = |after: &str| -> Vec<String> {
            context_tags(after).iter().map(|t| t.to_string()).collect()
        };
        assert_eq!(
            names("_CONTEXT: War, War , Peace, war_"),
            ["War", "Peace", "war"]
        );
        assert_eq!(names("_Context:_"), Vec::<String>::new());
        assert_eq!(names("no label, here"), Vec::<String>::new());
        let many: Vec<String> = (0..TAGS_MAX * 3)
            .map(|i| format!("t{}", i % (TAGS_MAX * 2)))
            .collect();
        assert_eq!(
            names(&format!("Context: {}", many.join(","))).len(),
            TAGS_MAX + 1
        );
    }
}

//! A fast path for the usual event file: a date heading, a `# ` headline,
//! plain paragraphs, then `Source:` and `Related:` lists of one link per
//! item. Most files of an archive look exactly like that, and reading them
//! line by line is several times quicker than a full markdown parse.
//!
//! pulldown-cmark stays the reference: this reader gives up (`None`) at
//! anything whose markdown meaning it does not know for certain (emphasis,
//! escapes, entities, code, HTML, indentation, headings in the body, list
//! items on several lines …) and the full parser reads the file instead.
//! `tests/it/fast_path.rs` checks that both agree on every file they are given.

use super::pieces::{LINKS_MAX, related_link, source};
use crate::draft::{EventDraft, Parsed, Warning};
use crate::text::{self, DateText};

/// Characters with a markdown meaning inside a line (emphasis, code,
/// escapes, links, HTML and autolinks, entities).
fn has_markup(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'*' | b'_' | b'`' | b'\\' | b'[' | b']' | b'<' | b'&'))
}

/// A link destination that means just what it says: no spaces, quotes,
/// parentheses, angle brackets, escapes or entities.
fn plain_destination(s: &str) -> bool {
    !s.is_empty()
        && !s.bytes().any(|b| {
            b.is_ascii_whitespace()
                || matches!(b, b'(' | b')' | b'<' | b'>' | b'\\' | b'"' | b'\'' | b'`')
        })
        && !has_entity(s)
}

/// `&name;` or `&#123;`: markdown would decode it.
fn has_entity(s: &str) -> bool {
    let b = s.as_bytes();
    if memchr::memchr(b'&', b).is_none() {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| {
        c == b'&' && {
            let run = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
                .count();
            run > 0 && b.get(i + 1 + run) == Some(&b';')
        }
    })
}

/// A body line that may hold a link to another note, which the full
/// parser makes a related link of: a wikilink, a reference definition or
/// a link whose target is not a web address.
fn may_link_a_note(line: &str) -> bool {
    if memchr::memchr(b'[', line.as_bytes()).is_none() {
        return false;
    }
    line.contains("[[")
        || line.contains("]:")
        || line.contains("][")
        || line.match_indices("](").any(|(i, _)| {
            let dest = line[i + 2..].trim_start_matches('<');
            !(dest.starts_with("http://") || dest.starts_with("https://"))
        })
        || line
            .match_indices(']')
            .any(|(i, _)| !line[i + 1..].starts_with('('))
}

/// `[text](destination)` at the start of `s`: the text, the destination
/// and what follows.
fn link(s: &str) -> Option<(&str, &str, &str)> {
    let s = s.strip_prefix('[')?;
    let close = memchr::memmem::find(s.as_bytes(), b"](")?;
    let (text, rest) = (&s[..close], &s[close + 2..]);
    if has_markup(text) {
        return None;
    }
    let end = memchr::memchr(b')', rest.as_bytes())?;
    let dest = &rest[..end];
    plain_destination(dest).then_some((text, dest, &rest[end + 1..]))
}

/// A list item's content: after `1. `, `1) `, `- `, `* ` or `+ ` at the
/// start of the line.
fn item(line: &str) -> Option<&str> {
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        return Some(rest);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    let rest = &line[digits..];
    rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Body,
    Sources,
    Related,
}

/// A section heading (`### Source:`, `## Related`, any level, any case).
fn section_heading(line: &str) -> Option<Section> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let name = line[hashes..].strip_prefix(' ')?.trim_end_matches([' ']);
    let name = name.strip_suffix(':').unwrap_or(name);
    if name.eq_ignore_ascii_case("related") {
        Some(Section::Related)
    } else if name.eq_ignore_ascii_case("source") || name.eq_ignore_ascii_case("sources") {
        Some(Section::Sources)
    } else {
        None
    }
}

/// The date heading's date: `### [2013-06-6](/news/…/index.md)` or
/// `### 2013-06-06`.
fn date_heading(line: &str) -> Option<chrono::NaiveDate> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let content = line[hashes..].strip_prefix(' ')?.trim_end_matches(' ');
    let label = match link(content) {
        Some((label, _, rest)) if rest.trim_matches(' ').is_empty() => label,
        Some(_) => return None,
        None => content,
    };
    if !label.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    match text::parse_date_text(label) {
        DateText::Valid(d) => Some(d),
        _ => None,
    }
}

/// Reads `text` (already cleaned: no control characters but newlines) if
/// it is an event file of the usual shape; `None` when the full parser
/// must decide.
pub fn parse(text: &str) -> Option<(Parsed, Vec<Warning>)> {
    if memchr::memchr(b'\t', text.as_bytes()).is_some() || text.len() > super::pieces::MARKDOWN_MAX
    {
        return None;
    }
    // (line number, where it starts, the line without its newline)
    let mut line_no = 0;
    let mut pos = 0;
    let mut lines = std::iter::from_fn(|| {
        let rest = text.get(pos..).filter(|r| !r.is_empty())?;
        let len = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let start = pos;
        pos += (len + 1).min(rest.len());
        line_no += 1;
        Some((line_no, start, &rest[..len]))
    });
    let blank = |l: &str| l.trim_matches(' ').is_empty();

    // The date heading, first.
    let (_, _, first) = lines.find(|(_, _, l)| !blank(l))?;
    let date = date_heading(first)?;
    // The headline.
    let (line_no, start, h1) = lines.find(|(_, _, l)| !blank(l))?;
    let raw = h1.strip_prefix("# ")?.trim_matches([' ']);
    if raw.is_empty()
        || raw.ends_with('#')
        || raw.len() > super::pieces::HEADLINE_MAX
        || has_markup(raw)
        || section_heading(h1).is_some()
    {
        return None;
    }
    let headline = text::one_line(raw);
    if headline.is_empty() {
        return None;
    }
    // A headline that one_line left as written has nothing to clean.
    let slug_text = if headline == raw {
        None
    } else {
        let slug_text = text::sanitize(raw, false).trim().to_string();
        (slug_text != headline).then(|| slug_text.into_boxed_str())
    };
    let body_start = start + h1.len();

    let mut section = Section::Body;
    let mut body_end = None;
    let mut sources = Vec::new();
    let mut related = Vec::new();
    for (line_no, start, line) in lines {
        if blank(line) {
            continue;
        }
        if let Some(s) = section_heading(line) {
            if section == Section::Body {
                body_end = Some(start);
            }
            section = s;
            continue;
        }
        match section {
            Section::Body => {
                // Anything that could hold or be a heading, or hide one in
                // a block of another kind, is left to the full parser.
                let setext = line
                    .trim_end_matches(' ')
                    .bytes()
                    .all(|b| b == b'=' || b == b'-');
                let nested = item(line).is_some() && line.contains('#');
                if setext
                    || nested
                    || may_link_a_note(line)
                    || line.starts_with([' ', '#', '<', '>'])
                    || line.starts_with("```")
                    || line.starts_with("~~~")
                {
                    return None;
                }
            }
            Section::Sources => {
                let (name, url, rest) = link(item(line)?)?;
                let (source, long_name, long_url) = source(name, url, false);
                // Near a cap the full parser decides, and warns.
                if has_markup(rest) || sources.len() >= LINKS_MAX || long_name || long_url {
                    return None;
                }
                sources.push(source);
            }
            Section::Related => {
                let (link_text, target, rest) = link(item(line)?)?;
                let after = rest.trim_matches(' ');
                let inner = after
                    .strip_prefix('_')
                    .and_then(|a| a.strip_suffix('_'))
                    .unwrap_or(after);
                let (link, cuts) = related_link(link_text, target, after, line_no);
                // Near a cap the full parser decides, and warns.
                if has_markup(inner) || related.len() >= LINKS_MAX || !cuts.is_empty() {
                    return None;
                }
                related.push(link);
            }
        }
    }
    let body_end = body_end.unwrap_or(text.len()).max(body_start);
    let body = super::pieces::trim_body(&text[body_start..body_end]);
    Some((
        Parsed::Event(EventDraft {
            date,
            headline: headline.into_boxed_str(),
            slug_text,
            line: u32::try_from(line_no).unwrap_or(u32::MAX),
            body: super::pieces::body_of(text, body),
            sources: sources.into_boxed_slice(),
            related: related.into_boxed_slice(),
            front: None,
        }),
        Vec::new(),
    ))
}

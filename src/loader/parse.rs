//! Turns the text of one file into what it is: an event, a plain article, a
//! day index page, or a problem. Markdown is read with pulldown-cmark; the
//! shape of an event file is FORMAT.md's (date heading, H1 headline, body,
//! `Source:` and `Related:` lists).

use chrono::NaiveDate;
use pulldown_cmark::{Event as Md, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::pieces::{
    HEADLINE_MAX, INDEX_LINKS_MAX, LINK_TEXT_MAX, LINKS_MAX, MARKDOWN_MAX, URL_MAX, body_of, cap,
    related_link, source, trim_body,
};
use crate::draft::{ArticleDraft, EventDraft, FrontDraft, LinkDraft, Parsed, Warning};
use crate::model::{Body, Source};
use crate::text::{self, DateText};

/// Classifies and parses a file's text. `is_index_name` says the file is
/// called `index.*`, the conventional name of a day's index page; it counts
/// only when the content agrees (no prose).
pub fn parse(text: &str, is_index_name: bool) -> (Parsed, Vec<Warning>) {
    let cleaned = clean_text(text);
    if !is_index_name && let Some(parsed) = super::fast::parse(&cleaned) {
        return parsed;
    }
    parse_cleaned(&cleaned, is_index_name)
}

/// What the fast path alone makes of a file: `None` when it leaves the
/// file to pulldown-cmark. For tests that check the two agree.
pub fn parse_fast(text: &str) -> Option<(Parsed, Vec<Warning>)> {
    super::fast::parse(&clean_text(text))
}

/// [`parse`] without the fast path: pulldown-cmark reads every file. The
/// reference the fast path is tested against.
pub fn parse_full(text: &str, is_index_name: bool) -> (Parsed, Vec<Warning>) {
    parse_cleaned(&clean_text(text), is_index_name)
}

/// The start of `text` that markdown reads: up to a line end before
/// [`MARKDOWN_MAX`] bytes (or a character boundary, for one long line).
pub fn markdown_part(text: &str) -> &str {
    if text.len() <= MARKDOWN_MAX {
        return text;
    }
    let mut cut = MARKDOWN_MAX;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match text[..cut].rfind('\n') {
        Some(nl) if nl > 0 => &text[..nl + 1],
        _ => &text[..cut],
    }
}

fn parse_cleaned(text: &str, is_index_name: bool) -> (Parsed, Vec<Warning>) {
    if text.trim().is_empty() {
        return (Parsed::Problem(None, "empty file".into()), Vec::new());
    }
    let lines = LineIndex::new(text);
    let front = super::front::read(text);
    let start = front.as_ref().map_or(0, |f| f.end);
    let part = markdown_part(&text[start..]);
    let mut doc = scan(part, start, &lines);
    let read_end = start + part.len();
    if read_end < text.len() {
        doc.warnings.push((
            Some(lines.line(read_end)),
            format!(
                "longer than {} KiB: the rest is read as plain text, not markdown",
                MARKDOWN_MAX / 1024
            ),
        ));
        // A body that ran to the end of what was read runs to the end.
        if doc.body.end == read_end {
            doc.body.end = text.len();
        }
    }
    let mut warnings = std::mem::take(&mut doc.warnings);
    if let Some(front) = front {
        warnings.extend(front.warnings.iter().cloned());
        return with_front(text, front, doc, warnings);
    }

    if let Some((line, raw)) = doc.impossible_date {
        return (
            Parsed::Problem(Some(line), format!("impossible date '{raw}'")),
            warnings,
        );
    }
    let prose = doc.loose_paragraphs > 0;
    let index = match &doc.headline {
        None => doc.looks_like_index || (is_index_name && !prose),
        Some(_) => is_index_name && doc.looks_like_index,
    };
    if index {
        return (Parsed::Index(doc.index_links), Vec::new());
    }
    match (doc.date, doc.headline) {
        (Some((date, _)), Some((raw, line))) if !text::one_line(&raw).is_empty() => {
            let body = body_of(text, trim_body(&text[doc.body.clone()]));
            let (headline, slug_text) = headline_texts(&raw, line, &mut warnings);
            let slug_text = (slug_text != headline).then(|| slug_text.into_boxed_str());
            let mut related = doc.related;
            add_body_links(&mut related, doc.links, true, &mut warnings);
            (
                Parsed::Event(EventDraft {
                    date,
                    headline: headline.into_boxed_str(),
                    slug_text,
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    body,
                    sources: doc.sources.into_boxed_slice(),
                    related: related.into_boxed_slice(),
                    front: None,
                }),
                warnings,
            )
        }
        (Some((_, line)), headline) => {
            let line = headline.map_or(line, |(_, l)| l);
            (
                Parsed::Problem(
                    Some(line),
                    "no headline: the date heading is not followed by a '# ' headline with text"
                        .into(),
                ),
                warnings,
            )
        }
        (None, Some((raw, line))) => {
            if text::one_line(&raw).is_empty() {
                return (
                    Parsed::Problem(Some(line), "no headline: the '# ' heading is empty".into()),
                    warnings,
                );
            }
            // A titled piece of prose with no date heading: an article.
            let mut warnings = Vec::new();
            let (title, _) = headline_texts(&raw, line, &mut warnings);
            let body = trim_body(&text[doc.body.clone()]);
            let links = article_links(doc.links, &mut warnings);
            (
                Parsed::Article(article(text, title, body, links, None)),
                warnings,
            )
        }
        (None, None) => {
            let body = trim_body(text);
            let mut warnings = Vec::new();
            let links = article_links(doc.links, &mut warnings);
            match article_title(body) {
                Some(title) => (
                    Parsed::Article(article(text, title, body, links, None)),
                    warnings,
                ),
                None => (
                    Parsed::Problem(None, "no headline: no text to take a title from".into()),
                    Vec::new(),
                ),
            }
        }
    }
}

/// A file with front matter: an event when it also has an event's date
/// heading and `#` headline, else an article (titled by its front matter,
/// else its `#` heading, else its first sentence), else, with neither a
/// title nor a body, a page.
fn with_front(
    text: &str,
    front: super::front::Front,
    doc: Doc,
    mut warnings: Vec<Warning>,
) -> (Parsed, Vec<Warning>) {
    let Doc {
        date,
        headline,
        body,
        links,
        sources,
        related,
        ..
    } = doc;
    let mut draft = (front.any).then(|| Box::new(front.draft));
    let rest = trim_body(&text[front.end..]);
    if let (Some((date, _)), Some((raw, line))) = (date, &headline)
        && !text::one_line(raw).is_empty()
    {
        let (headline, slug_text) = headline_texts(raw, *line, &mut warnings);
        let slug_text = (slug_text != headline).then(|| slug_text.into_boxed_str());
        let mut related = related;
        add_body_links(&mut related, links, true, &mut warnings);
        return (
            Parsed::Event(EventDraft {
                date,
                headline: headline.into_boxed_str(),
                slug_text,
                line: u32::try_from(*line).unwrap_or(u32::MAX),
                body: body_of(text, trim_body(&text[body])),
                sources: sources.into_boxed_slice(),
                related: related.into_boxed_slice(),
                front: draft,
            }),
            warnings,
        );
    }
    let h1 = headline
        .as_ref()
        .map(|(raw, line)| (headline_texts(raw, *line, &mut warnings).0, *line))
        .filter(|(h, _)| !h.is_empty());
    // The `#` heading under a front-matter title that says the same is
    // the title again, not text.
    let (title, body) = match (front.title, h1) {
        (Some(t), Some((h, _))) if text::normalize_headline(&t) == text::normalize_headline(&h) => {
            (Some(t), trim_body(&text[body]))
        }
        (Some(t), _) => (Some(t), rest),
        (None, Some((h, _))) => (Some(h), trim_body(&text[body])),
        (None, None) => (article_title(rest), rest),
    };
    let Some(title) = title else {
        return (Parsed::Index(Vec::new()), warnings);
    };
    // A source named only by its host (MarkDownload writes no title key)
    // is named by the page's title, from its `#` heading.
    if let Some(src) = draft.as_mut().and_then(|d| d.source.as_mut())
        && text::url_host(src.url()) == Some(src.name())
    {
        *src = Source::new(&title, src.url(), src.image);
    }
    let mut related = Vec::new();
    add_body_links(&mut related, links, false, &mut warnings);
    (
        Parsed::Article(article(text, title, body, related, draft)),
        warnings,
    )
}

/// The links of an article's body that may lead to other notes.
fn article_links(links: Vec<(LinkDraft, bool)>, warnings: &mut Vec<Warning>) -> Vec<LinkDraft> {
    let mut out = Vec::new();
    add_body_links(&mut out, links, false, warnings);
    out
}

/// Adds a body's links to `related` (after its own, once each, up to
/// [`LINKS_MAX`]); `body_only`: only those of the body proper, not of
/// the lines before the headline.
fn add_body_links(
    related: &mut Vec<LinkDraft>,
    links: Vec<(LinkDraft, bool)>,
    body_only: bool,
    warnings: &mut Vec<Warning>,
) {
    let mut seen: rustc_hash::FxHashSet<String> =
        related.iter().map(|l| l.target().into_owned()).collect();
    for (link, in_body) in links {
        if body_only && !in_body {
            continue;
        }
        // (A note's name is the same whatever its case.)
        let key = match link.from_file() {
            Some((name, _)) => name.to_lowercase(),
            None => link.target().into_owned(),
        };
        if !seen.insert(key) {
            continue;
        }
        if related.len() >= LINKS_MAX {
            warnings.push((
                Some(link.line as usize),
                format!("more than {LINKS_MAX} links to other notes: the rest are left out"),
            ));
            break;
        }
        related.push(link);
    }
}

/// A file's text as the parser reads it: without a byte-order mark, with
/// `\n` line ends (`\r\n` and a lone `\r` are line ends too), without
/// escape sequences and control characters (so no leftover `[2J` is read
/// as markup). Borrowed, at no cost, when there was nothing to change.
pub fn clean_text(file: &str) -> std::borrow::Cow<'_, str> {
    let file = file.strip_prefix('\u{feff}').unwrap_or(file);
    if memchr::memchr(b'\r', file.as_bytes()).is_some() {
        let unix = file.replace("\r\n", "\n").replace('\r', "\n");
        return std::borrow::Cow::Owned(text::strip_escapes(&unix).into_owned());
    }
    text::strip_escapes(file)
}

fn article(
    text: &str,
    title: String,
    body: &str,
    links: Vec<LinkDraft>,
    front: Option<Box<FrontDraft>>,
) -> ArticleDraft {
    ArticleDraft {
        title,
        digest: crc32fast::hash(body.as_bytes()),
        body: body_of(text, body),
        links: links.into_boxed_slice(),
        front,
    }
}

/// The text of a parsed body: `text` is [`clean_text`] of its file.
pub fn body_text<'a>(text: &'a str, body: &'a Body) -> &'a str {
    match body {
        Body::Inline(s) => s,
        Body::File { start, len, .. } => text
            .get(*start as usize..(*start + *len) as usize)
            .unwrap_or(""),
    }
}

/// Dates as day numbers in the index: compact and quick to read.
/// The headline for display (one line) and for the slug rule (spacing as
/// written), both shortened past [`HEADLINE_MAX`] characters.
fn headline_texts(raw: &str, line: usize, warnings: &mut Vec<Warning>) -> (String, String) {
    let mut slug_text = text::sanitize(raw, false).trim().to_string();
    let mut headline = text::one_line(raw);
    if headline.chars().count() > HEADLINE_MAX {
        warnings.push((
            Some(line),
            format!("headline longer than {HEADLINE_MAX} characters, shortened"),
        ));
        headline = headline.chars().take(HEADLINE_MAX).collect::<String>() + "…";
        slug_text = slug_text.chars().take(HEADLINE_MAX).collect();
    }
    (headline, slug_text)
}

/// Byte offset → 1-based line number.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Body,
    Sources,
    Related,
}

/// What one pass over the markdown found.
#[derive(Default)]
struct Doc {
    date: Option<(NaiveDate, usize)>,
    impossible_date: Option<(usize, String)>,
    /// The H1's text as written (white space not folded) and its line.
    headline: Option<(String, usize)>,
    body: std::ops::Range<usize>,
    sources: Vec<Source>,
    related: Vec<LinkDraft>,
    warnings: Vec<Warning>,
    /// Links to `/news/` pages in lists outside the Source and Related
    /// sections, and paragraphs outside lists: an index page has the first
    /// and none of the second.
    news_links: usize,
    /// Those links' targets and texts, in order (capped).
    index_links: Vec<(String, String)>,
    loose_paragraphs: usize,
    /// Links past [`LINKS_MAX`] in a list, left out.
    links_dropped: usize,
    /// Links of the text (outside headings and the Source and Related
    /// sections) that may lead to other notes, each with whether it is in
    /// the body proper (after the headline), capped.
    links: Vec<(LinkDraft, bool)>,
    looks_like_index: bool,
}

/// A list item being read: its first link, the text after it, and whether
/// it held more links.
#[derive(Default)]
struct Item {
    link: Option<(String, String, bool)>,
    /// Its link is a wikilink (`[[Note]]`).
    wiki: bool,
    in_link: bool,
    after_link: String,
    extra_links: usize,
    line: usize,
}

/// The markdown options of every reading of a file: wikilinks are links.
pub fn markdown_options() -> Options {
    Options::ENABLE_WIKILINKS
}

/// Reads `text`, which starts at byte `base` of the file.
fn scan(text: &str, base: usize, lines: &LineIndex) -> Doc {
    let mut doc = Doc::default();
    let mut section = Section::Preamble;
    let mut heading: Option<(HeadingLevel, String, usize)> = None;
    // Open list items, innermost last: each is a link of its own.
    let mut items: Vec<Item> = Vec::new();
    let mut body_start: Option<usize> = None;
    let mut body_end: Option<usize> = None;
    // Blocks seen in the body: a date heading counts only before any.
    let mut body_blocks = 0usize;
    // Open block quotes: a heading inside one (or inside a list item) is
    // part of the text, not the file's structure.
    let mut quotes = 0usize;
    // A link of the text being read.
    let mut text_link: Option<TextLink> = None;

    for (ev, mut range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        range.start += base;
        range.end += base;
        match ev {
            Md::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new(), lines.line(range.start)));
            }
            Md::End(TagEnd::Heading(_)) => {
                let Some((level, raw, line)) = heading.take() else {
                    continue;
                };
                if quotes > 0 || !items.is_empty() {
                    if section == Section::Body {
                        body_blocks += 1;
                    }
                    continue;
                }
                let label = text::one_line(&raw);
                let lower = label.to_lowercase();
                let name = lower.trim_end_matches(':').trim();
                let date_allowed = doc.date.is_none()
                    && doc.impossible_date.is_none()
                    && (section == Section::Preamble
                        || (section == Section::Body && body_blocks == 0));
                let date = if date_allowed {
                    text::parse_date_text(&label)
                } else {
                    DateText::NotADate
                };
                if matches!(name, "source" | "sources" | "related") {
                    if section == Section::Body && body_end.is_none() {
                        body_end = Some(range.start);
                    }
                    section = if name == "related" {
                        Section::Related
                    } else {
                        Section::Sources
                    };
                } else if date != DateText::NotADate {
                    match date {
                        DateText::Valid(d) => doc.date = Some((d, line)),
                        _ => doc.impossible_date = Some((line, label)),
                    }
                    if section == Section::Body {
                        // A date heading under the headline: the body starts after it.
                        body_start = Some(range.end);
                    }
                } else if level == HeadingLevel::H1
                    && doc.headline.is_none()
                    && section == Section::Preamble
                {
                    doc.headline = Some((raw, line));
                    section = Section::Body;
                    body_start = Some(range.end);
                } else if section == Section::Body {
                    body_blocks += 1;
                }
            }
            Md::Start(Tag::Item) => items.push(Item {
                line: lines.line(range.start),
                ..Item::default()
            }),
            Md::End(TagEnd::Item) => {
                if let Some(it) = items.pop() {
                    finish_item(&mut doc, section, it);
                }
            }
            Md::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                if let Some(it) = items.last_mut()
                    && it.link.is_none()
                {
                    it.wiki = wiki;
                }
                start_link(&mut items, &dest_url, false);
                let in_text =
                    heading.is_none() && matches!(section, Section::Preamble | Section::Body);
                if in_text && (wiki || leads_to_a_file(&dest_url)) {
                    text_link = Some(TextLink {
                        text: String::new(),
                        dest: dest_url.to_string(),
                        wiki,
                        line: lines.line(range.start),
                    });
                }
            }
            Md::Start(Tag::Image { dest_url, .. }) => start_link(&mut items, &dest_url, true),
            Md::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(it) = items.last_mut() {
                    it.in_link = false;
                }
                if matches!(ev, Md::End(TagEnd::Link))
                    && let Some(link) = text_link.take()
                {
                    link.finish(&mut doc, section);
                }
            }
            Md::End(TagEnd::BlockQuote(_)) => quotes = quotes.saturating_sub(1),
            Md::Start(Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_) | Tag::CodeBlock(_))
            | Md::Rule
            | Md::Html(_) => {
                if matches!(ev, Md::Start(Tag::BlockQuote(_))) {
                    quotes += 1;
                }
                if section == Section::Body && items.is_empty() {
                    body_blocks += 1;
                }
                if matches!(ev, Md::Start(Tag::Paragraph)) && items.is_empty() {
                    doc.loose_paragraphs += 1;
                }
            }
            Md::Text(t) | Md::Code(t) => {
                TextLink::push(&mut text_link, &t);
                push_text(&mut heading, &mut items, &t)
            }
            Md::SoftBreak | Md::HardBreak => {
                TextLink::push(&mut text_link, " ");
                push_text(&mut heading, &mut items, " ")
            }
            _ => {}
        }
    }
    let start = body_start.unwrap_or(base + text.len());
    let end = body_end.unwrap_or(base + text.len()).max(start);
    doc.body = start..end;
    doc.looks_like_index = doc.news_links > 0 && doc.loose_paragraphs == 0;
    doc
}

/// A link of the text (outside the Source and Related lists) being read,
/// that may lead to another note.
struct TextLink {
    text: String,
    dest: String,
    wiki: bool,
    line: usize,
}

impl TextLink {
    /// Text of the link being read, if one is (bounded).
    fn push(link: &mut Option<TextLink>, t: &str) {
        if let Some(l) = link.as_mut()
            && l.text.len() <= 4 * LINK_TEXT_MAX
        {
            l.text.push_str(text::prefix_chars(t, LINK_TEXT_MAX + 1));
        }
    }

    /// Onto the file's links (one more than are kept, to know some were cut).
    fn finish(self, doc: &mut Doc, section: Section) {
        if doc.links.len() > LINKS_MAX {
            return;
        }
        let (text, _) = cap(text::one_line(&self.text), LINK_TEXT_MAX);
        let line = u32::try_from(self.line).unwrap_or(u32::MAX);
        let link = LinkDraft::in_body(text, &self.dest, self.wiki, line);
        doc.links.push((link, section == Section::Body));
    }
}

fn start_link(items: &mut [Item], dest: &str, image: bool) {
    if let Some(it) = items.last_mut() {
        if it.link.is_none() {
            it.link = Some((String::new(), dest.to_string(), image));
            it.in_link = true;
        } else {
            it.extra_links += 1;
        }
    }
}

fn push_text(heading: &mut Option<(HeadingLevel, String, usize)>, items: &mut [Item], t: &str) {
    if let Some((_, raw, _)) = heading.as_mut() {
        raw.push_str(t);
    } else if let Some(it) = items.last_mut() {
        match (&mut it.link, it.in_link) {
            (Some((text, _, _)), true) => text.push_str(t),
            (Some(_), false) => it.after_link.push_str(t),
            (None, _) => {}
        }
    }
}

fn finish_item(doc: &mut Doc, section: Section, it: Item) {
    let full = match section {
        Section::Sources => doc.sources.len() >= LINKS_MAX,
        Section::Related => doc.related.len() >= LINKS_MAX,
        _ => false,
    };
    if full && it.link.is_some() {
        if doc.links_dropped == 0 {
            doc.warnings.push((
                Some(it.line),
                format!("more than {LINKS_MAX} links in a list: the rest are left out"),
            ));
        }
        doc.links_dropped += 1;
        return;
    }
    let line = it.line;
    let mut cuts: Vec<String> = Vec::new();
    let mut cut = |what: &str| cuts.push(format!("{what}, shortened"));
    if it.extra_links > 0 && matches!(section, Section::Sources | Section::Related) {
        doc.warnings.push((
            Some(it.line),
            format!(
                "only the first link of a list item is read; {} more left out",
                it.extra_links
            ),
        ));
    }
    match (section, it.link) {
        (Section::Sources, Some((name, url, image))) => {
            let (source, long_name, long_url) = source(&name, &url, image);
            if long_name {
                cut(&format!(
                    "source name longer than {LINK_TEXT_MAX} characters"
                ));
            }
            if long_url {
                cut(&format!("address longer than {URL_MAX} characters"));
            }
            doc.sources.push(source);
        }
        (Section::Sources, None) => doc
            .warnings
            .push((Some(it.line), "source without a link, left out".into())),
        (Section::Related, Some((text, target, _))) => {
            let (mut link, cuts_here) = related_link(&text, &target, &it.after_link, it.line);
            if it.wiki {
                // `1. [[Note]] _Context: …_`: found as a note is.
                link = link.to_note(&target);
            }
            cuts_here.iter().for_each(|c| cut(c));
            doc.related.push(link);
        }
        (Section::Related, None) => doc.warnings.push((
            Some(it.line),
            "related item without a link, left out".into(),
        )),
        (_, Some((link_text, target, _))) => {
            // `/news/…`, and `news/…` or `./news/…` as links may be written.
            if target.contains("/news/") || target.trim_start_matches("./").starts_with("news/") {
                doc.news_links += 1;
                if doc.index_links.len() < INDEX_LINKS_MAX {
                    let (link_text, _) = cap(text::one_line(&link_text), LINK_TEXT_MAX);
                    doc.index_links
                        .push((text::normalize_target(&target), link_text));
                }
            }
        }
        (_, None) => {}
    }
    doc.warnings
        .extend(cuts.into_iter().map(|reason| (Some(line), reason)));
}

/// A link target that may name another file of the archive: no scheme
/// (`https:`, `mailto:`), not only a fragment (`#top`).
fn leads_to_a_file(dest: &str) -> bool {
    let d = dest.trim();
    if d.is_empty() || d.starts_with(['#', '?']) {
        return false;
    }
    let scheme = d.find(':').is_some_and(|i| {
        i > 0
            && d[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    });
    !scheme
}

/// A line without the `#` marks of a markdown heading (`## Title`); a `#`
/// not followed by a space is text (`#hashtag`).
fn strip_heading_marks(line: &str) -> &str {
    let rest = line.trim_start_matches('#');
    if rest.len() == line.len() || rest.is_empty() || rest.starts_with(char::is_whitespace) {
        rest.trim()
    } else {
        line
    }
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "jr", "sr", "prof", "rev", "gov",
    "sen", "rep", "no", "vs", "etc", "inc", "corp", "co", "u.s", "u.k", "u.n", "e.g", "i.e",
];

/// Longest title taken from an article, in characters.
const TITLE_MAX: usize = 200;

/// A plain article's title: the first sentence of its first non-empty
/// line, or the whole line when it has no sentence end; shortened at a word
/// boundary to 200 characters.
pub fn article_title(body: &str) -> Option<String> {
    let line = body
        .lines()
        .map(|l| strip_heading_marks(l.trim()))
        .find(|l| !l.is_empty())?;
    // The title is short: a few thousand characters of a huge line will do.
    let line = match line.char_indices().nth(4 * TITLE_MAX) {
        Some((at, _)) => &line[..at],
        None => line,
    };
    let line = text::one_line(line);
    if line.is_empty() {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut end = chars.len();
    for i in 0..chars.len().saturating_sub(1) {
        if matches!(chars[i], '.' | '!' | '?') && chars[i + 1] == ' ' {
            let word: String = chars[..i]
                .iter()
                .rev()
                .take_while(|c| !c.is_whitespace())
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
                .to_lowercase();
            let word = word.trim_start_matches(['(', '"', '“', '\'']);
            let is_initial = word.chars().count() == 1 && chars[i] == '.';
            if !is_initial && !ABBREVIATIONS.contains(&word) {
                end = i + 1;
                break;
            }
        }
    }
    let mut title: String = chars[..end].iter().collect();
    if title.chars().count() > TITLE_MAX {
        let cut: String = title.chars().take(TITLE_MAX).collect();
        let cut = match cut.rfind(' ') {
            Some(sp) if sp > TITLE_MAX / 2 => cut[..sp].to_string(),
            _ => cut,
        };
        title = format!("{}…", cut.trim_end());
    }
    Some(title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::pieces::{TAG_MAX, TAGS_MAX};

    const EVENT: &str = "### [2013-06-6](/news/2013/06/6/index.md)\n\n# North **Korea** [restores](http://x) `link`. \n\nBody *one*.\n\nBody two.\n\n### Source:\n\n1. [Al Jazeera](http://a.com/x.html)\n1. [Cover Image](http://a.com/y.jpg)\n\n### Related:\n\n1. [Other event. ](/news/2011/01/12/other-event.md) _Context: North Korea, Red Cross_\n2. [Third](/news/2017/6/8/third.md) _Context: A,  B , A_\n3. [No context](/news/2017/06/8/no-context.md)\n";

    fn body(file: &str, b: &Body) -> String {
        body_text(&clean_text(file), b).to_string()
    }

    fn event(text: &str) -> EventDraft {
        match parse(text, false).0 {
            Parsed::Event(e) => e,
            other => panic!("not an event: {other:?}"),
        }
    }

    #[test]
    fn event_file() {
        let e = event(EVENT);
        assert_eq!(e.date, NaiveDate::from_ymd_opt(2013, 6, 6).unwrap());
        assert_eq!(&*e.headline, "North Korea restores link.");
        assert_eq!(e.line, 3);
        assert_eq!(body(EVENT, &e.body), "Body *one*.\n\nBody two.");
        assert_eq!(e.sources.len(), 2);
        assert_eq!(e.sources[0].name(), "Al Jazeera");
        assert!(!e.sources[0].image);
        assert!(e.sources[1].image);
        assert_eq!(e.related.len(), 3);
        assert_eq!(&*e.related[0].text, "Other event.");
        assert_eq!(e.related[0].target(), "/news/2011/01/12/other-event.md");
        assert_eq!(e.related[1].target(), "/news/2017/06/8/third.md");
        let names = |r: &LinkDraft| r.context.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&e.related[0]), ["North Korea", "Red Cross"]);
        assert_eq!(names(&e.related[1]), ["A", "B"]);
        assert!(e.related[2].context.is_empty());
    }

    #[test]
    fn headings_in_quotes_and_lists_are_text() {
        let text = "### [2013-06-6](/x)\n\n# H\n\nBody.\n\n> Quoted:\n>\n> ### Sources\n>\n> 1. [Q](http://q.example)\n\n1. First\n2. ### Sources\n\nMore body.\n\n### Source:\n\n1. [Real](http://r.example)\n";
        let e = event(text);
        assert_eq!(e.sources.len(), 1);
        assert_eq!(e.sources[0].name(), "Real");
        assert!(body(text, &e.body).ends_with("More body."));
    }

    #[test]
    fn cr_line_ends_and_an_indented_first_line() {
        let e = event("### [2013-06-6](/x)\r# CR only\r\rBody.\r");
        assert_eq!(&*e.headline, "CR only");
        let text = "### [2013-06-6](/x)\n\n# H\n\n\n    let x = 1;\n\nText.\n";
        let e = event(text);
        assert_eq!(body(text, &e.body), "    let x = 1;\n\nText.");
    }

    #[test]
    fn crlf_bom_and_setext() {
        let crlf = format!("\u{feff}{}", EVENT.replace('\n', "\r\n"));
        let e = event(&crlf);
        assert_eq!(&*e.headline, "North Korea restores link.");
        assert_eq!(body(&crlf, &e.body), "Body *one*.\n\nBody two.");
        assert_eq!(e.related.len(), 3);
        let setext = "### [2020-1-2](/x)\n\nA setext headline\n=================\n\nBody.\n";
        let e = event(setext);
        assert_eq!(&*e.headline, "A setext headline");
        assert_eq!(body(setext, &e.body), "Body.");
    }

    #[test]
    fn sections_are_optional_and_padded_dates_accepted() {
        let e = event("### [2013-06-06](/news/2013/06/6/index.md)\n\n# Only a headline\n");
        assert_eq!(&*e.headline, "Only a headline");
        assert_eq!(e.body, Body::default());
        assert!(e.sources.is_empty() && e.related.is_empty());
    }

    #[test]
    fn problems() {
        let p = |t: &str| match parse(t, false).0 {
            Parsed::Problem(line, reason) => (line, reason),
            other => panic!("not a problem: {other:?}"),
        };
        assert_eq!(p("  \n\n ").1, "empty file");
        let (line, reason) = p("\n### [2013-02-30](/x)\n\n# Headline\n");
        assert_eq!(line, Some(2));
        assert!(reason.contains("impossible date"), "{reason}");
        let (line, reason) = p("### [2013-02-3](/x)\n\nNo headline here.\n");
        assert_eq!(line, Some(1));
        assert!(reason.starts_with("no headline"));
        assert!(p("### [2013-02-3](/x)\n\n#\n").1.starts_with("no headline"));
    }

    #[test]
    fn escapes_are_removed_before_markdown_reads_the_file() {
        let e = event(
            "### [2013-06-6](/x)\n\n# H\n\n### Source:\n\n1. [\u{1b}[2J Gazette](https://g.example)\n",
        );
        assert_eq!(e.sources[0].name(), "Gazette");
        // Tabs survive, so markdown's indentation still means what it says.
        let text = "### [2013-06-6](/x)\n\n# H\u{7}\n\n- a\n\t- b\n";
        let e = event(text);
        assert_eq!(
            (&*e.headline, body(text, &e.body)),
            ("H", "- a\n\t- b".to_string())
        );
        assert!(matches!(e.body, Body::File { .. }));
    }

    #[test]
    fn escapes_in_headline_are_removed() {
        let e =
            event("### [2013-06-6](/x)\n\n# Bad \u{1b}]0;title\u{7}news \u{1b}[2J\u{202e}here\n");
        assert_eq!(&*e.headline, "Bad news here");
    }

    #[test]
    fn plain_article() {
        let text = "\nThe gesture looks tense. Pyongyang and Seoul agree.\n\nMore.";
        let Parsed::Article(a) = parse(text, false).0 else {
            panic!("not an article")
        };
        assert_eq!(a.title, "The gesture looks tense.");
        let expected = "The gesture looks tense. Pyongyang and Seoul agree.\n\nMore.";
        assert_eq!(body(text, &a.body), expected);
        assert_eq!(a.digest, crc32fast::hash(expected.as_bytes()));
        assert_eq!(
            article_title("Mr. Kim met U.S. envoys. Then").unwrap(),
            "Mr. Kim met U.S. envoys."
        );
        assert_eq!(
            article_title("One line without end").unwrap(),
            "One line without end"
        );
        // A hashtag is text, a heading mark is not.
        assert_eq!(
            article_title("#EUmigrants: trains stay suspended. More").unwrap(),
            "#EUmigrants: trains stay suspended."
        );
        assert_eq!(article_title("## A heading\nText").unwrap(), "A heading");
        let long = "word ".repeat(100);
        let t = article_title(&long).unwrap();
        assert!(t.chars().count() <= TITLE_MAX + 1 && t.ends_with('…'));
    }

    #[test]
    fn index_pages() {
        let index = |links: &[&str]| {
            Parsed::Index(
                links
                    .iter()
                    .map(|l| {
                        (
                            l.to_string(),
                            l.rsplit('/').next().unwrap()[..1].to_uppercase(),
                        )
                    })
                    .collect(),
            )
        };
        assert_eq!(
            parse("# 2018-04-27\n\n1. [A](/news/2018/04/27/a.md)\n", false).0,
            index(&["/news/2018/04/27/a.md"])
        );
        assert_eq!(
            parse(
                "1. [A](/news/2018/04/27/a.md)\n2. [B](/news/2018/04/27/b.md)\n",
                false
            )
            .0,
            index(&["/news/2018/04/27/a.md", "/news/2018/04/27/b.md"])
        );
        // The name counts only when the content agrees: prose is an article.
        assert!(matches!(
            parse("Anything at all.", true).0,
            Parsed::Article(_)
        ));
        assert_eq!(parse("### [2018-04-27](/x)\n", true).0, index(&[]));
        let titled = "### [2015-09-1](/x)\n\n# September 1, 2015\n\n1. [A](/news/2015/09/1/a.md)\n";
        assert_eq!(parse(titled, true).0, index(&["/news/2015/09/1/a.md"]));
        let dated_list =
            "### [2018-04-27](/news/2018/04/27/index.md)\n\n1. [A](/news/2018/04/27/a.md)\n";
        assert_eq!(
            parse(dated_list, false).0,
            index(&["/news/2018/04/27/a.md"])
        );
        assert_eq!(parse(dated_list, true).0, index(&["/news/2018/04/27/a.md"]));
        let dated_h1 = "### [2018-04-27](/x)\n\n# 2018-04-27\n\n1. [A](/news/2018/04/27/a.md)\n";
        assert_eq!(parse(dated_h1, true).0, index(&["/news/2018/04/27/a.md"]));
        // An event stays an event whatever its file is called.
        assert!(matches!(parse(EVENT, true).0, Parsed::Event(_)));
    }

    #[test]
    fn lines_of_items_without_links_are_warned() {
        let (parsed, warnings) = parse(
            "### [2013-06-6](/x)\n\n# H\n\n### Source:\n\n1. Just a name\n",
            false,
        );
        assert!(matches!(parsed, Parsed::Event(_)));
        assert_eq!(
            warnings,
            vec![(Some(7), "source without a link, left out".to_string())]
        );
    }

    #[test]
    fn odd_related_items() {
        let text = "### [2013-06-6](/x)\n\n# Head\n\n### Related:\n\n\
            1. [x](/news/2013/01/1/x.md) \u{23a} _Context:한국, İstanbul_\n\
            2. [Outer](/news/2013/01/2/outer.md) _Context: outer_\n    \
               - [Inner](/news/2013/01/3/inner.md) _Context: inner_\n\
            3. [A](/news/2013/01/4/a.md) and [B](/news/2013/01/5/b.md) _Context: ab_\n";
        let (parsed, warnings) = parse(text, false);
        let Parsed::Event(e) = parsed else {
            panic!("{parsed:?}")
        };
        let got: Vec<(&str, Vec<&str>)> = e
            .related
            .iter()
            .map(|r| (&*r.text, r.context.iter().map(|t| &**t).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("x", vec!["한국", "İstanbul"]),
                ("Inner", vec!["inner"]),
                ("Outer", vec!["outer"]),
                ("A", vec!["ab"]),
            ]
        );
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].1.starts_with("only the first link"),
            "{warnings:?}"
        );
    }

    #[test]
    fn dates_and_headlines_in_odd_places() {
        // A date as the H1 with the headline one level down: no headline.
        let (p, _) = parse("# [2013-06-6](/x)\n\n## Headline\n\nBody.\n", false);
        assert!(
            matches!(p, Parsed::Problem(Some(1), ref r) if r.starts_with("no headline")),
            "{p:?}"
        );
        // A date-like sub-heading deep in an article's body is just text.
        let (p, _) = parse(
            "# A titled article\n\nSome prose.\n\n## 2013-02-30\n\nMore.\n",
            false,
        );
        assert!(matches!(p, Parsed::Article(_)), "{p:?}");
        // The headline above the date heading still works.
        let text = "# Headline first\n\n### [2013-06-6](/x)\n\nBody.\n";
        let e = event(text);
        assert_eq!(
            (&*e.headline, body(text, &e.body)),
            ("Headline first", "Body.".to_string())
        );
    }

    #[test]
    fn caps_on_links_texts_tags_and_addresses() {
        let mut text = String::from("### [2015-09-6](/x)\n\n# H\n\n### Source:\n\n");
        text.push_str(&format!(
            "1. [s](http://a.example/{})\n",
            "u".repeat(URL_MAX + 10)
        ));
        text.push_str("\n### Related:\n\n");
        let long = "w".repeat(LINK_TEXT_MAX + 5);
        let tags: Vec<String> = (0..TAGS_MAX + 20).map(|i| format!("t{i}")).collect();
        text.push_str(&format!(
            "1. [{long}](/news/2015/09/1/a.md) _Context: {}_\n",
            tags.join(", ")
        ));
        let big_tag = "g".repeat(TAG_MAX + 1);
        text.push_str(&format!(
            "1. [b](/news/2015/09/1/b.md) _Context: {big_tag}_\n"
        ));
        for i in 0..LINKS_MAX + 50 {
            text.push_str(&format!("1. [x{i}](/news/2015/09/1/x{i}.md)\n"));
        }
        let (p, warnings) = parse(&text, false);
        let Parsed::Event(e) = p else { panic!() };
        assert_eq!(e.related.len(), LINKS_MAX);
        assert_eq!(e.related[0].text.chars().count(), LINK_TEXT_MAX + 1);
        assert_eq!(e.related[0].context.len(), TAGS_MAX);
        assert_eq!(e.related[1].context[0].chars().count(), TAG_MAX + 1);
        assert_eq!(e.sources[0].url().chars().count(), URL_MAX + 1);
        let reasons: Vec<&str> = warnings.iter().map(|w| w.1.as_str()).collect();
        for what in [
            "address longer",
            "link text longer",
            "context tags",
            "context tag longer",
            "more than 1000 links",
        ] {
            assert!(
                reasons.iter().any(|r| r.contains(what)),
                "{what}: {reasons:?}"
            );
        }
        // The fast path leaves such a file to the full parser.
        assert!(parse_fast(&text).is_none());
    }

    #[test]
    fn slug_text_keeps_spacing_and_long_headlines_are_shortened() {
        let e = event("### [2015-09-6](/x)\n\n# The 2015  women's final. \n");
        assert_eq!(&*e.headline, "The 2015 women's final.");
        assert_eq!(e.slug_text.as_deref(), Some("The 2015  women's final."));
        let e = event("### [2015-09-6](/x)\n\n# The final. \n");
        assert_eq!(e.slug_text, None);
        let long = format!(
            "### [2015-09-6](/x)\n\n# {}\n",
            "x".repeat(HEADLINE_MAX + 500)
        );
        let (p, warnings) = parse(&long, false);
        let Parsed::Event(e) = p else { panic!() };
        assert_eq!(e.headline.chars().count(), HEADLINE_MAX + 1);
        assert_eq!(
            warnings,
            vec![(
                Some(3),
                format!("headline longer than {HEADLINE_MAX} characters, shortened")
            )]
        );
    }

    #[test]
    fn front_matter_makes_an_article_an_event_or_a_page() {
        // With a date heading and a headline: an event, the front matter's
        // tags, source and author with it.
        let text = "---\ntags: [ports]\nsource: https://port.example/a\nauthor: Ana\n---\n### [2019-03-02](/x)\n\n# Cranes idle at the port\n\nBody.\n\n### Source:\n\n1. [Gazette](https://g.example/c)\n\n### Related:\n\n1. [Other](/news/2019/03/1/other.md) _Context: Ports_\n";
        let (p, w) = parse(text, false);
        assert!(w.is_empty(), "{w:?}");
        let Parsed::Event(e) = p else { panic!("{p:?}") };
        assert_eq!(&*e.headline, "Cranes idle at the port");
        assert_eq!(body(text, &e.body), "Body.");
        // Its own lists stay whole.
        assert_eq!(e.sources.len(), 1);
        assert_eq!(e.related.len(), 1);
        assert_eq!(&*e.related[0].context[0], "Ports");
        let front = e.front.unwrap();
        assert_eq!(&*front.tags[0], "ports");
        assert_eq!(front.source.unwrap().url(), "https://port.example/a");
        assert!(parse_fast(text).is_none());
        // A title and no body: an article all the same.
        let (p, _) = parse("+++\ntitle = \"Only a title\"\n+++\n", false);
        assert!(
            matches!(p, Parsed::Article(ref a) if a.title == "Only a title"),
            "{p:?}"
        );
        // Neither a title nor a body: a page.
        let (p, _) = parse("---\nlayout: page\n---\n\n", false);
        assert_eq!(p, Parsed::Index(Vec::new()));
        // A `#` heading unlike the title stays in the body.
        let text = "---\ntitle: The title\n---\n# Another heading\n\nText.\n";
        let Parsed::Article(a) = parse(text, false).0 else {
            panic!()
        };
        assert_eq!(a.title, "The title");
        assert_eq!(body(text, &a.body), "# Another heading\n\nText.");
        // A leading `---` with a blank line after it is a rule, not front
        // matter: the file reads as it always did (its first line is its
        // title).
        let text = "---\n\nPlain words here. More.\n";
        let Parsed::Article(a) = parse(text, false).0 else {
            panic!()
        };
        assert_eq!(a.title, "---");
        assert!(a.front.is_none());
    }

    #[test]
    fn body_links_and_wikilinks_are_kept_once_web_links_left_out() {
        let text = "### [2019-03-02](/x)\n\n# Head\n\nSee [[Harbour]], [[harbour|again]], [a](../b.md), [a](../b.md#x), [w](https://w.example/) and [top](#top).\n\n### Related:\n\n1. [R](/news/2019/03/1/r.md)\n";
        let Parsed::Event(e) = parse(text, false).0 else {
            panic!()
        };
        let got: Vec<(String, bool)> = e
            .related
            .iter()
            .map(|l| (l.target().into_owned(), l.optional))
            .collect();
        assert_eq!(
            got,
            [
                ("/news/2019/03/1/r.md".to_string(), false),
                ("Harbour".to_string(), false),
                ("../b.md".to_string(), true),
                ("../b.md#x".to_string(), true),
            ]
        );
        assert!(parse_fast(text).is_none());
        // A wikilink in a Related list is found as a note, with its context.
        let text = "### [2019-03-02](/x)\n\n# Head\n\n### Related:\n\n1. [[Harbour log|the log]] _Context: Ports_\n2. [[/news/2019/03/1/r.md]]\n";
        let Parsed::Event(e) = parse(text, false).0 else {
            panic!()
        };
        assert_eq!(e.related[0].from_file(), Some(("Harbour log", true)));
        assert_eq!(&*e.related[0].text, "the log");
        assert_eq!(&*e.related[0].context[0], "Ports");
        assert_eq!(e.related[1].from_file(), None);
        assert_eq!(e.related[1].target(), "/news/2019/03/1/r.md");
    }
}

//! The detail pane: the selected entry's headline, full date, body rendered
//! from markdown, sources, tags, related links and backlinks. The text is
//! wrapped here, so the pane knows which lines each link occupies and can
//! scroll to the selected one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::events::long_date;
use super::{headline_text, keep_visible, pane};
use crate::model::{Event, Kind};
use crate::text;
use crate::tui::app::{App, Link};
use crate::tui::geometry::Areas;
use crate::tui::keymap::Focus;
use crate::tui::markdown::{render_markdown, render_plain, without_title};
use crate::tui::nav::Reveal;
use crate::tui::theme::Theme;
use crate::tui::wrap::{Para, truncate};

/// The entry's text wrapped to `width`, and the line range of each link
/// (in [`App::links`] order). `selected` is highlighted.
pub fn detail_text(
    app: &App,
    e: &Event,
    width: usize,
    selected: Option<usize>,
) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    entry_text(app, e, &app.links(), width, selected)
}

/// The entry's text with the sections of `links` (each section headed
/// at its first link), wrapped to `width`, and the line range of each
/// link; `selected` (an index into `links`) is highlighted. The detail
/// pane shows [`App::links`]; `ktimeline show` prints the same.
pub fn entry_text(
    app: &App,
    e: &Event,
    links: &[Link],
    width: usize,
    selected: Option<usize>,
) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let theme = &app.settings.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let add = |lines: &mut Vec<Line<'static>>, p: Para| lines.extend(p.wrap(width));
    let blank = |lines: &mut Vec<Line<'static>>| lines.push(Line::raw(""));

    add(
        &mut lines,
        Para::new(vec![Span::styled(
            headline_text(&e.headline),
            theme.headline(),
        )]),
    );
    let kind = match e.kind {
        Kind::Event => "",
        Kind::Article => " · article",
        Kind::Ghost => " · ghost",
    };
    let mut dated = vec![
        Span::styled(long_date(e.date), theme.date()),
        Span::styled(kind, theme.dim()),
    ];
    let meta = e.meta.as_deref();
    if let Some(author) = meta.and_then(|m| m.author.as_deref()) {
        dated.push(Span::styled(" · by ", theme.dim()));
        dated.push(Span::styled(text::one_line(author), theme.date()));
    }
    add(&mut lines, Para::new(dated));
    blank(&mut lines);
    // The description, unless the body opens with it (Zola's posts often
    // repeat it as their first paragraph).
    let repeated = |d: &str| {
        app.body_text.get(&e.id).is_some_and(|body| {
            let start = text::one_line(text::prefix_chars(body, d.len() + 64));
            start.starts_with(&text::one_line(d).trim_end_matches('.').to_string())
        })
    };
    if let Some(description) = meta
        .and_then(|m| m.description.as_deref())
        .filter(|d| !repeated(d))
    {
        add(
            &mut lines,
            Para::new(vec![Span::styled(
                text::one_line(description),
                theme.dim().add_modifier(Modifier::ITALIC),
            )]),
        );
        blank(&mut lines);
    }
    body_lines(app, e, width, &mut lines);
    if let Some(m) = meta.filter(|m| !m.properties.is_empty()) {
        // The other keys of its front matter, dimmed, on a few lines.
        blank(&mut lines);
        let all: Vec<String> = m
            .properties
            .iter()
            .map(|(k, v)| format!("{}: {}", text::one_line(k), text::one_line(v)))
            .collect();
        let mut wrapped = Para::new(vec![Span::styled(all.join(" · "), theme.dim())]).wrap(width);
        if wrapped.len() > PROPERTY_LINES {
            wrapped.truncate(PROPERTY_LINES);
            if let Some(last) = wrapped.last_mut() {
                let shown: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut = truncate(&format!("{shown} …"), width);
                *last = Line::styled(cut, theme.dim());
            }
        }
        lines.extend(wrapped);
    }
    if e.kind == Kind::Article
        && let Some(file) = &e.file
    {
        blank(&mut lines);
        add(
            &mut lines,
            Para::new(vec![
                Span::styled("File ", theme.dim()),
                Span::raw(text::one_line(file)),
            ]),
        );
    }

    let link_lines = link_sections(app, e, links, width, selected, &mut lines);
    (lines, link_lines)
}

/// The sections of `links` (sources, tags, Related, Referenced by,
/// Similar), each headed at its first link, onto `lines`; the line range of
/// each link, `selected` highlighted.
fn link_sections(
    app: &App,
    e: &Event,
    links: &[Link],
    width: usize,
    selected: Option<usize>,
    lines: &mut Vec<Line<'static>>,
) -> Vec<(usize, usize)> {
    let theme = &app.settings.theme;
    let tl = &app.timeline;
    let mut link_lines = Vec::new();
    let add = |lines: &mut Vec<Line<'static>>, p: Para| lines.extend(p.wrap(width));
    // One blank line before a heading, however the text above ended.
    let heading = |lines: &mut Vec<Line<'static>>, s: &str| {
        if lines.last().is_some_and(|l| l.width() > 0) {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(s.to_string(), theme.heading()));
    };
    let similar = tl.get(&e.id).and_then(|i| app.similar.of(i)).unwrap_or(&[]);
    let mut tags_shown = false;
    let mut backlinks_headed = false;
    let mut link_no = 0;
    let mut link_para = |lines: &mut Vec<Line<'static>>, mut wrapped: Vec<Line<'static>>| {
        let start = lines.len();
        if selected == Some(link_no) {
            for l in &mut wrapped {
                let pad = width.saturating_sub(l.width());
                l.spans.push(Span::raw(" ".repeat(pad)));
                *l = std::mem::take(l).patch_style(theme.selected());
            }
        }
        lines.extend(wrapped);
        link_lines.push((start, lines.len()));
        link_no += 1;
    };
    let marker = |i: usize| {
        if selected == Some(i) { "▶ " } else { "  " }
    };

    for (i, link) in links.iter().enumerate() {
        match *link {
            Link::Source(s) => {
                if s == 0 {
                    heading(lines, "Sources");
                }
                let src = &e.sources[s];
                let url = text::one_line(src.url());
                let host = text::url_host(&url).unwrap_or(&url).to_string();
                let mut spans = vec![
                    Span::raw(text::one_line(src.name())),
                    Span::styled(format!(" — {host}"), theme.dim()),
                ];
                if src.image {
                    spans.push(Span::styled(" (picture)", theme.dim()));
                }
                if !text::is_web_url(&url) {
                    spans.push(Span::styled(" (not a web link)", theme.dim()));
                }
                link_para(
                    lines,
                    Para::new(spans)
                        .indented(vec![Span::raw(marker(i))], vec![Span::raw("  ")])
                        .wrap(width),
                );
            }
            Link::Related(r) => {
                if r == 0 {
                    if !e.tags.is_empty() {
                        tags(lines, e, app, width);
                        tags_shown = true;
                    }
                    heading(lines, "Related");
                }
                let rel = &e.related[r];
                let to = &tl.events[rel.to];
                let headline = if to.headline.is_empty() {
                    headline_text(tl.link_text(rel))
                } else {
                    headline_text(&to.headline)
                };
                // Why it is related: the link's contexts, and whether the
                // other entry links back (it is then not listed again
                // under Referenced by).
                let mut why: Vec<String> = rel.context.iter().map(|c| text::one_line(c)).collect();
                if e.backlinks.contains(&rel.to) {
                    why.push("linked both ways".to_string());
                }
                link_para(lines, entry_link(app, to, headline, &why, marker(i), width));
            }
            Link::Backlink(b) => {
                if !backlinks_headed {
                    backlinks_headed = true;
                    if !tags_shown && !e.tags.is_empty() {
                        tags(lines, e, app, width);
                        tags_shown = true;
                    }
                    heading(lines, "Referenced by");
                }
                let from = &tl.events[e.backlinks[b]];
                let headline = headline_text(&from.headline);
                // The contexts of its link here.
                let here = tl.get(&e.id);
                let why: Vec<String> = (from.related.iter())
                    .filter(|r| Some(r.to) == here)
                    .flat_map(|r| r.context.iter())
                    .map(|c| text::one_line(c))
                    .collect();
                link_para(
                    lines,
                    entry_link(app, from, headline, &why, marker(i), width),
                );
            }
            Link::Similar(k) => {
                if k == 0 {
                    if !tags_shown && !e.tags.is_empty() {
                        tags(lines, e, app, width);
                        tags_shown = true;
                    }
                    heading(lines, "Similar");
                }
                let hit = &similar[k];
                let to = &tl.events[hit.idx];
                let why = match hit.snippet.as_deref() {
                    Some(w) if !w.is_empty() => vec![format!("alike in: {}", text::one_line(w))],
                    _ => Vec::new(),
                };
                link_para(
                    lines,
                    entry_link(app, to, headline_text(&to.headline), &why, marker(i), width),
                );
            }
        }
    }
    if !tags_shown && !e.tags.is_empty() {
        tags(lines, e, app, width);
    }
    if !app.similar.ready(&app.timeline) {
        heading(lines, "Similar");
        add(
            lines,
            Para::new(vec![Span::styled(
                "finding the entries alike in words (the word index is being made)…",
                theme.dim(),
            )]),
        );
    }
    link_lines
}

/// The entry's body, rendered and wrapped to `width`, onto `lines`:
/// rendered once per entry and width, not on every frame.
fn body_lines(app: &App, e: &Event, width: usize, lines: &mut Vec<Line<'static>>) {
    let theme = &app.settings.theme;
    let cache = app.body_cache.borrow_mut();
    // The loop reads the entry's text before the frame; a text not there
    // yet (an entry not the current one) is drawn as a placeholder, and
    // not kept.
    let held = app.body_text.get(&e.id);
    let mut cache = (held.is_some() || e.kind == Kind::Ghost).then_some(cache);
    let render = || {
        let text_of = || std::borrow::Cow::Borrowed(held.unwrap_or("…"));
        let paras = match e.kind {
            Kind::Event => return event_body_lines(&text_of(), theme, width),
            Kind::Article => return article_body_lines(&text_of(), &e.headline, theme, width),
            Kind::Ghost => vec![
                Para::new(vec![Span::styled(
                    "A ghost: known only from the links that lead here; no file in the archive describes it.",
                    theme.dim().add_modifier(Modifier::ITALIC),
                )]),
                Para::new(vec![
                    Span::styled("Expected at ", theme.dim()),
                    Span::raw(text::one_line(&e.id)),
                ]),
            ],
        };
        paras.iter().flat_map(|p| p.wrap(width)).collect::<Vec<_>>()
    };
    match cache.as_mut() {
        Some(cache) => lines.extend_from_slice(cache.lines(&e.id, width, render)),
        None => lines.extend(render()),
    }
    drop(cache);
}

/// An event's body (markdown) rendered and wrapped to `width`. Past the
/// markdown cap, the rest is shown as plain text, as the loader read it.
pub fn event_body_lines(text: &str, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let part = crate::loader::parse::markdown_part(text);
    let mut paras = render_markdown(part, theme);
    paras.extend(render_plain(&text[part.len()..]));
    paras.iter().flat_map(|p| p.wrap(width)).collect()
}

/// An article's body (markdown too) rendered and wrapped to `width`,
/// without its title where the text opens with it (an untitled article's
/// title is its first sentence). Plain prose reads as it always did.
pub fn article_body_lines(
    text: &str,
    title: &str,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let part = crate::loader::parse::markdown_part(text);
    let mut paras = without_title(render_markdown(part, theme), title);
    paras.extend(render_plain(&text[part.len()..]));
    paras.iter().flat_map(|p| p.wrap(width)).collect()
}

/// The most lines the other keys of a front matter take.
const PROPERTY_LINES: usize = 3;

/// Columns before a linked entry's headline: the selection marker, the
/// date and the entry's own marker (`○` ghost, `✓` read).
const LINK_INDENT: usize = 15;

/// A link to another entry: its date first, then its headline wrapped
/// under itself, dimmed for a ghost and in the visited style once read,
/// then `new_tags` (why it is linked: the link's contexts, the words it
/// shares) on one dimmed line.
/// The most lines saying why a linked entry is listed (its link's
/// contexts, or the words it shares).
const WHY_LINES: usize = 3;

fn entry_link(
    app: &App,
    to: &Event,
    headline: String,
    new_tags: &[String],
    marker: &'static str,
    width: usize,
) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let ghost = to.kind == Kind::Ghost;
    let visited = app.session.visited.contains(&to.id);
    let mark = match (ghost, visited, theme.ascii) {
        (true, _, false) => "○ ",
        (true, _, true) => "o ",
        (false, true, false) => "✓ ",
        (false, true, true) => "v ",
        _ => "  ",
    };
    let style = if ghost {
        theme.dim()
    } else if visited {
        theme.visited()
    } else {
        Style::new()
    };
    let date = format!("{:<10} ", crate::model::date_label(to.date));
    let mut first = vec![
        Span::raw(marker),
        Span::styled(date, theme.date()),
        Span::styled(mark, theme.dim()),
    ];
    if app.is_bookmarked(&to.id) {
        first.push(Span::styled(theme.mark("★ ", "* "), theme.bookmark()));
    }
    let indent = vec![Span::raw(" ".repeat(LINK_INDENT))];
    let mut out = Para::new(vec![Span::styled(headline, style)])
        .indented(first, indent.clone())
        .wrap(width);
    if !new_tags.is_empty() {
        // Wrapped under the headline, at most WHY_LINES lines (the rest
        // cut with an ellipsis), not cut at the first line's end.
        let room = width.saturating_sub(LINK_INDENT);
        let why = truncate(&new_tags.join(", "), room * WHY_LINES);
        let wrapped = Para::new(vec![Span::styled(why, theme.dim())])
            .indented(indent.clone(), indent)
            .wrap(width);
        out.extend(wrapped.into_iter().take(WHY_LINES));
    }
    out
}

fn tags(lines: &mut Vec<Line<'static>>, e: &Event, app: &App, width: usize) {
    let theme = &app.settings.theme;
    if lines.last().is_some_and(|l| l.width() > 0) {
        lines.push(Line::raw(""));
    }
    let mut spans = vec![Span::styled("Tags ", theme.heading())];
    for (i, t) in e.tags.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(", ", theme.dim()));
        }
        let mut style = theme.tag();
        if app
            .nav
            .filter
            .tags
            .iter()
            .any(|f| crate::filter::same_tag(t, f))
        {
            style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        spans.push(Span::styled(text::one_line(t), style));
    }
    lines.extend(
        Para::new(spans)
            .indented(vec![], vec![Span::raw("     ")])
            .wrap(width),
    );
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, areas: &mut Areas) {
    let focused = app.nav.focus == Focus::Links;
    let theme = &app.settings.theme;
    let mut block = pane(" Detail ", focused, theme);
    let inner = block.inner(area);
    areas.detail = inner;
    let Some(e) = app.current_event() else {
        frame.render_widget(block, area);
        return;
    };
    // A column of margin beside each border, and no wider than the
    // reading width however wide the pane.
    let margin = u16::from(inner.width >= 40);
    let text_area = Rect {
        x: inner.x + margin,
        width: (inner.width - 2 * margin).min(app.settings.reading_width),
        ..inner
    };
    let width = text_area.width as usize;
    let height = inner.height as usize;
    let selected = app.nav.link.filter(|_| focused);
    let (mut lines, link_lines) = detail_text(app, e, width, selected);
    let find = app.find.as_ref().filter(|_| app.finding());
    let find_lines = find.map_or(Vec::new(), |f| {
        crate::tui::find::mark(&mut lines, f, theme.find(), theme.find_chosen())
    });
    let total = lines.len();
    let mut scroll = app.nav.detail_scroll.min(total.saturating_sub(height));
    // A match just chosen comes into view, a third of the way down.
    if let Some(&line) = find
        .filter(|f| f.reveal)
        .and_then(|f| find_lines.get(f.current?))
        && !(scroll..scroll + height).contains(&line)
    {
        scroll = line
            .saturating_sub(height / 3)
            .min(total.saturating_sub(height));
    }
    // Some line of the lines `start..end` is on screen from line `top`.
    let shows = |top: usize, (start, end): (usize, usize)| end > top && start < top + height;
    if focused && let Some(&(start, end)) = app.nav.link.and_then(|l| link_lines.get(l)) {
        let glimpsed = shows(scroll, (start, end));
        let reveal = match app.nav.reveal_link {
            Reveal::Stay => false,
            Reveal::Whole => true,
            Reveal::Glimpse => !glimpsed,
        };
        if reveal {
            // Show the whole link if it fits, else its first line.
            scroll = keep_visible(scroll, end.saturating_sub(1), height, total);
            scroll = keep_visible(scroll, start, height, total);
        }
    }
    areas.detail_scroll = scroll;
    areas.link_shown = selected.filter(|&l| link_lines.get(l).is_some_and(|&r| shows(scroll, r)));
    areas.detail_entry = app.current();
    areas.detail_lines = total;
    areas.link_lines = link_lines;
    areas.find_lines = find_lines;
    if total > height && height > 0 {
        let last = (scroll + height).min(total);
        block = block.title_bottom(
            Line::styled(
                format!(" {}–{} of {} ", scroll + 1, last, total),
                theme.dim(),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, area);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), text_area);
}

//! Popups drawn over the main view: each is a `Clear` plus a bordered box
//! in a centred area. The search and tag pickers share the list layout.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::events::kind_mark;
use super::{centered, highlighted, keep_visible, pane, window};
use crate::model::date_label;
use crate::search;
use crate::text;
use crate::tui::app::App;
use crate::tui::geometry::Areas;
use crate::tui::picker::Picker;
use crate::tui::popups::Popup;
use crate::tui::wrap::{self, Para, truncate};

/// What "go to date" takes.
const GOTO_NOTE: &str = "2017, 2017-06 or 2017-06-08: the first day on or after it; \
    2015-09..2015-10, 2015.. or ..2016 shows only that range";

pub fn draw(frame: &mut Frame, area: Rect, app: &App, areas: &mut Areas) {
    match &app.popup {
        None => {}
        Some(Popup::Search { offset }) => search(frame, area, app, *offset, areas),
        Some(Popup::Tags(p)) => tags(frame, area, app, p, areas),
        Some(Popup::Goto { input, error }) => prompt(
            frame,
            area,
            app,
            (" Go to date ", input),
            error.as_deref().ok_or(GOTO_NOTE),
            "Enter go  Esc close",
        ),
        Some(Popup::Find { input, .. }) => prompt(
            frame,
            area,
            app,
            (" Find in the entry ", input),
            Err(
                "the text to find (case ignored); every match is marked, n / N step through them, Esc ends it",
            ),
            "Enter find  Esc close",
        ),
        Some(Popup::Help { scroll }) => help(frame, area, app, *scroll, areas),
        Some(Popup::Bookmarks(p)) => bookmarks(frame, area, app, p, areas),
    }
}

/// The tag picker: each tag with its count, a mark on those in the filter.
fn tags(frame: &mut Frame, area: Rect, app: &App, p: &Picker, areas: &mut Areas) {
    let theme = &app.settings.theme;
    let rows: Vec<Line> = p
        .matches
        .iter()
        .map(|m| {
            let t = &app.tags[m.item];
            let active = app.nav.filter.tags.contains(&t.tag);
            let mut spans = vec![Span::styled(if active { "✓ " } else { "  " }, theme.key())];
            spans.extend(highlighted(
                &text::one_line(&t.tag),
                &m.positions,
                theme.tag(),
                theme.matched(),
            ));
            spans.push(Span::styled(format!("  {}", t.count), theme.dim()));
            Line::from(spans)
        })
        .collect();
    let status = if app.nav.filter.is_empty() {
        format!("{} of {} tags", p.matches.len(), app.tags.len())
    } else {
        format!(
            "{} of {} tags, counted under the filter (✓ in it)",
            p.matches.len(),
            app.tags.len()
        )
    };
    picker(
        frame,
        area,
        app,
        " Filter by tag (another narrows further; a chosen one leaves) ",
        &p.input,
        &status,
        rows,
        p.selected,
        p.offset,
        Vec::new(),
        areas,
    );
}

/// The `'` list: each bookmark's date and headline, filtered as typed.
fn bookmarks(frame: &mut Frame, area: Rect, app: &App, p: &Picker, areas: &mut Areas) {
    let (input, matches) = (&p.input, &p.matches);
    let theme = &app.settings.theme;
    let rows: Vec<Line> = matches
        .iter()
        .map(|m| {
            let b = &app.session.bookmarks[m.item];
            let mut spans = highlighted(
                &crate::tui::marks::mark_text(b),
                &m.positions,
                ratatui::style::Style::new(),
                theme.matched(),
            );
            if app.timeline.get(&b.id).is_none() {
                spans.push(Span::styled("  (gone)", theme.error()));
            }
            Line::from(spans)
        })
        .collect();
    let count = |n: usize| match (matches.len(), n) {
        (1, 1) => "1 bookmark".to_string(),
        (m, n) if m == n => format!("{n} bookmarks"),
        (m, n) => format!("{m} of {n} bookmarks"),
    };
    let status = match app.session.bookmarks.len() {
        0 => "no bookmarks yet: m bookmarks the selected entry".to_string(),
        n if input.is_empty() => format!("{} · d or Delete removes; typing filters", count(n)),
        n => format!("{} · Delete removes", count(n)),
    };
    picker(
        frame,
        area,
        app,
        " Bookmarks ",
        input,
        &status,
        rows,
        p.selected,
        p.offset,
        Vec::new(),
        areas,
    );
}

fn search(frame: &mut Frame, area: Rect, app: &App, offset: usize, areas: &mut Areas) {
    let theme = &app.settings.theme;
    let s = &app.search;
    // Room for a headline: the list's width less the mark, date and kind.
    let room = (picker_rect(area).width as usize).saturating_sub(2 + 2 + 11 + 2);
    let rows: Vec<Line> = s
        .hits
        .iter()
        .map(|h| {
            let e = &app.timeline.events[h.idx];
            let mut spans = vec![
                Span::styled(format!("{:<10} ", date_label(e.date)), theme.date()),
                Span::styled(kind_mark(e.kind, theme.ascii), theme.dim()),
            ];
            if app.is_bookmarked(&e.id) {
                spans.push(Span::styled(theme.mark("★ ", "* "), theme.bookmark()));
            }
            let (shown, positions) = window(&text::one_line(&e.headline), &h.positions, room);
            spans.extend(highlighted(
                &shown,
                &positions,
                ratatui::style::Style::new(),
                theme.matched(),
            ));
            Line::from(spans)
        })
        .collect();
    let full_text = s.kind == search::Kind::FullText;
    let status = if s.query.trim().is_empty() {
        if full_text {
            "type words: every one must begin a word of the headline or body".to_string()
        } else {
            "type a few word prefixes".to_string()
        }
    } else if s.pending && full_text && !s.words_ready {
        "indexing every word (the first full-text search takes a moment)…".to_string()
    } else if s.pending {
        "searching…".to_string()
    } else {
        search::summary(s.kind, s.total, s.exact, s.hits.len())
    };
    let status = if s.fresh {
        format!("{status} · typing starts a new search, Backspace edits this one")
    } else {
        status
    };
    // A search keeps to the filter: said, and how to leave it when it
    // finds nothing.
    let within = match &app.nav.filter {
        f if f.story.is_some() => Some("in the story only"),
        f if !f.is_empty() => Some("within the filter only"),
        _ => None,
    };
    let status = match within {
        Some(w) if !s.pending && s.total == 0 && !s.query.trim().is_empty() => {
            format!("{status} {w} (Esc, then Esc in the list: everything)")
        }
        Some(w) => format!("{status} · {w}"),
        None => status,
    };
    let title = if full_text {
        " Search full text · Tab: headlines only "
    } else {
        " Search headlines · Tab: full text "
    };
    let footer = s
        .hits
        .get(s.selected)
        .map(|h| preview(app, h, &s.terms))
        .unwrap_or_default();
    picker(
        frame, area, app, title, &s.query, &status, rows, s.selected, offset, footer, areas,
    );
}

/// Two lines under the results for the chosen one: its date, kind and
/// tags; then its snippet (full text) or the first line of its body.
fn preview(app: &App, h: &crate::search::Hit, terms: &[String]) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let e = &app.timeline.events[h.idx];
    let mut meta = format!("{} · {}", date_label(e.date), e.kind.as_str());
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().take(8).map(|t| text::one_line(t)).collect();
        meta.push_str(" · ");
        meta.push_str(&tags.join(", "));
    }
    let mut lines = vec![Line::styled(meta, theme.dim())];
    if let Some(snippet) = &h.snippet {
        let snippet = text::one_line(snippet);
        // The words of a full-text match are marked.
        let marks = search::words::word_positions(&snippet, terms);
        lines.push(Line::from(highlighted(
            &snippet,
            &marks,
            ratatui::style::Style::new(),
            theme.matched(),
        )));
    }
    lines
}

/// Where a picker popup goes in `area`.
fn picker_rect(area: Rect) -> Rect {
    let w = (area.width * 9 / 10).clamp(20.min(area.width), 110);
    let h = (area.height * 8 / 10).max(6.min(area.height));
    centered(area, w, h)
}

/// An input line, a status line and a list with a selection.
#[allow(clippy::too_many_arguments)]
fn picker(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    input: &str,
    status: &str,
    rows: Vec<Line>,
    selected: usize,
    offset: usize,
    footer: Vec<Line<'static>>,
    areas: &mut Areas,
) {
    let theme = &app.settings.theme;
    let rect = picker_rect(area);
    frame.render_widget(Clear, rect);
    let block = pane(title, true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // The footer only when the list keeps a few rows.
    let footer_h = if inner.height >= 8 + footer.len() as u16 {
        footer.len() as u16
    } else {
        0
    };
    let [input_area, status_area, list_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(footer_h),
    ])
    .areas(inner);
    if footer_h > 0 {
        let fw = footer_area.width as usize;
        let lines: Vec<Line> = footer
            .into_iter()
            .map(|l| {
                let mut used = 0;
                let spans: Vec<Span> = l
                    .spans
                    .into_iter()
                    .map(|s| {
                        let cut = truncate(&s.content, fw.saturating_sub(used));
                        used += wrap::width(&cut);
                        Span::styled(cut, s.style)
                    })
                    .collect();
                Line::from(spans).style(l.style)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), footer_area);
    }
    let iw = input_area.width as usize;
    let shown = text::one_line(input);
    // Keep the end of a long query visible (after "› ", before the cursor).
    let tail = wrap::tail(&shown, iw.saturating_sub(3));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("› ", theme.key()),
            Span::raw(tail.to_string()),
            Span::styled("▏", theme.key()),
        ])),
        input_area,
    );
    frame.set_cursor_position((cursor_x(input_area, tail), input_area.y));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(status.to_string(), theme.dim()),
            Span::styled("   ↑↓ choose  Enter go  Esc close", theme.dim()),
        ])),
        status_area,
    );
    let height = list_area.height as usize;
    let offset = keep_visible(offset, selected, height, rows.len());
    areas.popup_list = list_area;
    areas.popup_offset = offset;
    let lw = list_area.width as usize;
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, line)| {
            let sel = i == selected;
            let mut spans = vec![Span::raw(if sel { theme.mark("▶ ", "> ") } else { "  " })];
            let mut used = 2;
            for s in line.spans {
                let cut = truncate(&s.content, lw.saturating_sub(used));
                used += wrap::width(&cut);
                spans.push(Span::styled(cut, s.style));
            }
            let mut l = Line::from(spans);
            if sel {
                l.spans.push(Span::raw(" ".repeat(lw.saturating_sub(used))));
                l = l.patch_style(theme.selected());
            }
            l
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// The cursor's column after the prompt and `shown`, kept inside `area`.
fn cursor_x(area: Rect, shown: &str) -> u16 {
    let x = area.x as usize + 2 + wrap::width(shown);
    x.min((area.x + area.width).saturating_sub(1) as usize) as u16
}

/// A one-line prompt (go to a date, find): its title and input, then an
/// error (`Ok`) or a note (`Err`), and its keys.
fn prompt(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    (title, input): (&str, &str),
    error: Result<&str, &str>,
    keys: &str,
) {
    let theme = &app.settings.theme;
    let rect = centered(area, 64, 8);
    frame.render_widget(Clear, rect);
    let block = pane(title, true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let input = text::one_line(input);
    let input = wrap::tail(&input, (inner.width as usize).saturating_sub(3));
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.key()),
        Span::raw(input.to_string()),
        Span::styled("▏", theme.key()),
    ])];
    match error {
        Ok(e) => lines.push(Line::styled(text::one_line(e), theme.error())),
        Err(note) => lines.push(Line::styled(note.to_string(), theme.dim())),
    }
    lines.push(Line::styled(keys.to_string(), theme.dim()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    if inner.height > 0 {
        frame.set_cursor_position((cursor_x(inner, input), inner.y));
    }
}

/// The help overlay, generated from the keymap: each section's keys in a
/// column, what they do wrapped beside it (so nothing is cut), paged like
/// the detail.
fn help(frame: &mut Frame, area: Rect, app: &App, scroll: usize, areas: &mut Areas) {
    let theme = &app.settings.theme;
    let w = 90.min(area.width);
    let text_w = w.saturating_sub(2) as usize;
    let sections = app.settings.keys.help_sections(theme.ascii);
    let widest = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(k, _)| wrap::width(k)))
        .max()
        .unwrap_or(0);
    // Two columns of indent, the keys, two of gap; the keys get at most a
    // third of the width (longer ones are cut with an ellipsis).
    let key_w = (widest + 4).min(text_w / 3).max(6);
    let mut lines: Vec<Line> = Vec::new();
    let note = |lines: &mut Vec<Line>, s: &str| {
        lines.extend(Para::new(vec![Span::styled(s.to_string(), theme.dim())]).wrap(text_w));
    };
    for (title, rows) in sections {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(truncate(title, text_w), theme.heading()));
        for (keys, what) in rows {
            let keys = truncate(&keys, key_w - 4);
            let pad = " ".repeat(key_w - 2 - wrap::width(&keys));
            let first = vec![Span::styled(format!("  {keys}{pad}"), theme.key())];
            let rest = vec![Span::raw(" ".repeat(key_w))];
            lines.extend(
                Para::new(vec![Span::raw(what)])
                    .indented(first, rest)
                    .wrap(text_w),
            );
        }
    }
    lines.push(Line::raw(""));
    note(
        &mut lines,
        "Mouse: click selects or focuses, the wheel scrolls.",
    );
    note(
        &mut lines,
        "o opens the chosen source line, else the first source that is not a picture.",
    );
    note(
        &mut lines,
        "¶ article   ○ ghost (known only from links)   ✓ read before",
    );
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let mut block = pane(" Help — Esc closes ", true, theme);
    let inner = block.inner(rect);
    let height = inner.height as usize;
    let total = lines.len();
    let scroll = scroll.min(total.saturating_sub(height));
    if total > height && height > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(
                    " ↑↓ PgUp PgDn · {}–{} of {total} ",
                    scroll + 1,
                    (scroll + height).min(total)
                ),
                theme.dim(),
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, rect);
    areas.popup_offset = scroll;
    // Its height is what a page is; nothing in it can be clicked.
    areas.popup_list = inner;
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

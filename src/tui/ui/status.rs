//! The status bar: archive name, position, active filter, the keys that
//! matter in the focused pane (or the last message), and the number of load
//! problems.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::date_label;
use crate::text;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::geometry::Areas;
use crate::tui::keymap::{Focus, Mode};
use crate::tui::wrap::{truncate, width};

/// True when the detail's chosen link is a source.
fn on_source(app: &App, link: Option<usize>) -> bool {
    matches!(
        link.and_then(|l| app.links().get(l).copied()),
        Some(crate::tui::app::Link::Source(_))
    )
}

/// The actions worth showing keys for in the focused pane, most useful
/// first (the bar cuts from the end); each is shown with its first key in
/// force. `? help` has a place of its own at the right.
fn hints(app: &App, link: Option<usize>) -> &'static [(&'static [Action], &'static str)] {
    use Action::*;
    match app.nav.focus {
        Focus::Dates => &[
            (&[Up, Down], "day"),
            (&[Activate], "entries"),
            (&[OpenSearch], "search"),
            (&[OpenTags], "tag"),
            (&[OpenGoto], "date"),
            (&[Quit], "quit"),
        ],
        Focus::Events => &[
            (&[Up, Down], "entry"),
            (&[Activate], "read"),
            (&[PrevDay, NextDay], "day"),
            (&[FocusLeft], "dates"),
            (&[OpenSearch], "search"),
            (&[OpenSource], "open source"),
        ],
        Focus::Links if app.links().is_empty() => &[
            (&[Up, Down, PageDown, PageUp], "scroll"),
            (&[Home, End], "top/end"),
            (&[FocusLeft], "list"),
            (&[Back], "back"),
        ],
        Focus::Links if link.is_none() => &[
            (&[Up, Down, PageDown, PageUp], "scroll"),
            (&[NextLink], "choose a link"),
            (&[FocusLeft], "list"),
            (&[Back], "back"),
        ],
        Focus::Links if on_source(app, link) => &[
            (&[Activate], "open in browser"),
            (&[NextLink], "next link"),
            (&[Up, Down, PageDown, PageUp], "scroll"),
            (&[FocusLeft], "list"),
            (&[Back], "back"),
        ],
        Focus::Links => &[
            (&[Activate], "follow"),
            (&[NextLink], "next link"),
            (&[Up, Down, PageDown, PageUp], "scroll"),
            (&[FocusLeft], "list"),
            (&[Back], "back"),
        ],
    }
}

/// The address of the detail's chosen link when it is a source.
fn chosen_source(app: &App, areas: &Areas) -> Option<String> {
    if app.nav.focus != Focus::Links {
        return None;
    }
    let link = if areas.detail_entry.is_some() {
        areas.link_shown
    } else {
        app.nav.link
    };
    match app.links().get(link?).copied()? {
        crate::tui::app::Link::Source(i) => {
            Some(text::one_line(app.current_event()?.sources[i].url()))
        }
        _ => None,
    }
}

/// `areas`: where this frame put things so far; the detail's chosen link
/// counts only if the frame shows it.
/// The left part of the bar, and what may go or be shortened when it is
/// too wide.
struct Left<'a> {
    spans: Vec<Span<'a>>,
    /// What goes first when the bar is too narrow (after the key hints,
    /// which come only when there is room): the read counts, then the note
    /// that the archive is being checked, then the archive's name. The
    /// message, the position and the filter or story stay.
    dropped_first: Vec<usize>,
    /// The filter's description, shortened if it must be.
    filter_span: Option<usize>,
}

/// The archive, the place, the filter or story, a find, and the message.
fn left_spans<'a>(app: &'a App, areas: &Areas) -> Left<'a> {
    let theme = &app.settings.theme;
    let base = theme.status();
    let mut left: Vec<Span> = vec![Span::styled(
        format!(" {} ", text::one_line(&app.timeline.name)),
        base.add_modifier(Modifier::BOLD),
    )];
    let sep = || Span::styled(if theme.ascii { "| " } else { "│ " }, base);
    let mut dropped_first: Vec<usize> = Vec::new();
    let mut filter_span = None;
    if let Some(o) = app.nav.outside {
        left.push(sep());
        left.push(Span::styled(
            format!("{} ", date_label(app.timeline.events[o].date)),
            base,
        ));
    } else if let Some(&d) = app.nav.view.days.get(app.nav.day) {
        let n = app.day_events().len();
        let date = date_label(app.timeline.days[d].date);
        left.push(sep());
        left.push(Span::styled(
            format!("{date} · {}/{} ", app.nav.event + 1, n),
            base,
        ));
    }
    if !app.nav.filter.is_empty() {
        left.push(sep());
        // A story alone says so first: "story (6 entries): <its entry's
        // headline>".
        let described = text::one_line(&app.nav.filter.describe());
        let label = if app.nav.filter.is_story_alone() {
            described
        } else {
            format!("filter: {described}")
        };
        left.push(Span::styled(
            format!("{label} (Esc clears) "),
            base.add_modifier(Modifier::BOLD),
        ));
        filter_span = Some(left.len() - 1);
        if app.nav.outside.is_some() {
            left.push(Span::styled(
                "· outside the filter ",
                base.add_modifier(Modifier::ITALIC),
            ));
        }
        let counts = app.read_counts(app.nav.day);
        if counts.any_read {
            left.push(Span::styled(format!("{} unread ", counts.unread), base));
            dropped_first.push(left.len() - 1);
        }
    }
    if let Some(f) = app.find.as_ref().filter(|_| app.finding()) {
        let total = areas.find_lines.len();
        let what = text::one_line(&f.needles.join(" "));
        let said = match (total, f.current) {
            (0, _) => format!("find “{}”: no match ", truncate(&what, 30)),
            (n, Some(c)) => format!("find “{}”: match {} of {n} ", truncate(&what, 30), c + 1),
            (n, None) => format!("find “{}”: {n} matches, n: the first ", truncate(&what, 30)),
        };
        left.push(sep());
        left.push(Span::styled(said, base.add_modifier(Modifier::BOLD)));
    }
    left.push(sep());
    if app.status.checking && app.status.message.is_none() {
        left.push(Span::styled(
            "checking for changes… ",
            base.add_modifier(Modifier::ITALIC),
        ));
        dropped_first.push(left.len() - 1);
    }
    dropped_first.push(0);
    if let Some(m) = &app.status.message {
        left.push(Span::styled(
            format!("{} ", text::one_line(&m.text)),
            if m.error {
                base.patch(theme.error())
            } else {
                base.add_modifier(Modifier::ITALIC)
            },
        ));
    }
    Left {
        spans: left,
        dropped_first,
        filter_span,
    }
}

/// Makes `left` fit `avail` columns: drops what `dropped_first` names, in
/// order, then shortens the filter's description (the longest part, in
/// the middle), so that the message after it is whole.
fn shrink(
    left: &mut [Span],
    avail: usize,
    dropped_first: &[usize],
    filter_span: Option<usize>,
    base: Style,
) {
    let wide = |l: &[Span]| l.iter().map(|s| width(&s.content)).sum::<usize>();
    for &i in dropped_first {
        if wide(left) <= avail {
            break;
        }
        left[i] = Span::raw("");
        // (The name goes with the separator after it.)
        if i == 0 && left.len() > 1 {
            left[1] = Span::styled(" ", base);
        }
    }
    if let Some(k) = filter_span
        && wide(left) > avail
    {
        let over = wide(left) - avail;
        let keep = width(&left[k].content).saturating_sub(over).max(16);
        let style = left[k].style;
        left[k] = Span::styled(format!("{} ", truncate(&left[k].content, keep - 1)), style);
    }
}

/// The key hints of the focused pane, each whole or not at all, in the
/// columns left.
fn hint_spans<'a>(
    app: &'a App,
    areas: &Areas,
    avail: usize,
    used: &mut usize,
    spans: &mut Vec<Span<'a>>,
) {
    let theme = &app.settings.theme;
    let base = theme.status();
    let link = if areas.detail_entry.is_some() {
        areas.link_shown
    } else {
        app.nav.link
    };
    for (actions, what) in hints(app, link) {
        let keys: Vec<String> = actions
            .iter()
            .filter_map(|a| {
                app.settings
                    .keys
                    .hint_key(Mode::Main(app.nav.focus), a, theme.ascii)
            })
            .collect();
        if keys.is_empty() {
            continue;
        }
        // Arrows read as one: ↑↓.
        let arrows = |k: &String| ["↑", "↓", "←", "→"].contains(&k.as_str());
        let k = if keys.len() > 1 && keys.iter().take(2).all(arrows) {
            let (a, rest) = keys.split_at(2);
            std::iter::once(a.concat())
                .chain(rest.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ")
        } else if keys.len() > 1 && keys.iter().all(arrows) {
            keys.concat()
        } else {
            keys.join(" ")
        };
        let k = k.as_str();
        let what = format!(" {what}  ");
        let w = width(k) + width(&what);
        if *used + w > avail {
            break;
        }
        *used += w;
        spans.push(Span::styled(k.to_string(), base.patch(theme.key())));
        spans.push(Span::styled(what, base));
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, areas: &Areas) {
    let theme = &app.settings.theme;
    let base = theme.status();
    let Left {
        spans: mut left,
        dropped_first,
        filter_span,
    } = left_spans(app, areas);
    let problems = app.timeline.problems.len();
    let right = match problems {
        0 => String::new(),
        1 => " 1 problem ".to_string(),
        n => format!(" {n} problems "),
    };
    let total = area.width as usize;
    // `? help` stays whatever else is cut, unless the bar is tiny.
    let help = if total >= 40 { " ? help " } else { "" };
    let right_w = (width(&right) + width(help)).min(total);
    let avail = total.saturating_sub(right_w);
    shrink(&mut left, avail, &dropped_first, filter_span, base);
    // Cut the left part to fit, span by span. Widths are of whole strings,
    // as `truncate` measures them, and never subtracted below zero.
    let mut used = 0;
    let mut spans = Vec::new();
    let mut cut_short = false;
    for s in left {
        let w = width(&s.content);
        if used + w <= avail {
            used += w;
            spans.push(s);
        } else {
            let cut = truncate(&s.content, avail.saturating_sub(used));
            used += width(&cut);
            spans.push(Span::styled(cut, s.style));
            cut_short = true;
            break;
        }
    }
    // The chosen source's whole address, which the detail shortens.
    if app.status.message.is_none()
        && !cut_short
        && let Some(url) = chosen_source(app, areas)
    {
        let url = format!("{}{url} ", theme.mark("→ ", "-> "));
        let cut = truncate(&url, avail.saturating_sub(used));
        used += width(&cut);
        cut_short = width(&cut) < width(&url);
        spans.push(Span::styled(cut, base.add_modifier(Modifier::UNDERLINED)));
    }
    if app.status.message.is_none() && !cut_short {
        hint_spans(app, areas, avail, &mut used, &mut spans);
    }
    spans.push(Span::styled(" ".repeat(avail.saturating_sub(used)), base));
    if !help.is_empty() {
        spans.push(Span::styled(" ?", base.patch(theme.key())));
        spans.push(Span::styled(&help[2..], base));
    }
    if !right.is_empty() {
        spans.push(Span::styled(
            truncate(&right, right_w.saturating_sub(width(help))),
            base.patch(theme.error()),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

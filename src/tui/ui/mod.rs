//! Drawing: one function per pane and per popup, each in its own file, and
//! [`draw`] that lays them out. Drawing reads the [`App`] and reports where
//! things landed ([`Areas`]) so that clicks and paging know the geometry.

mod dates;
mod density;
pub mod detail;
mod events;
pub mod loading;
mod popups;
mod status;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::app::App;
use super::geometry::Areas;
use super::keymap::Focus;
use super::theme::Theme;
use crate::text;

pub use detail::detail_text;

/// Below this the browser only says the window is too small.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 8;
/// Below this width one pane is shown at a time (the focused one).
pub const NARROW: u16 = 60;
/// From this width the three panes stand side by side; below it the two
/// lists sit side by side above the detail, which takes the whole width,
/// so that a headline keeps its words at 80 columns.
pub const WIDE: u16 = 110;
/// From this height the density strip has its bars and axis (three rows);
/// from [`STRIP_MIN_HEIGHT`] it is one row, below that it is left out.
pub const STRIP_FULL_HEIGHT: u16 = 36;
pub const STRIP_MIN_HEIGHT: u16 = 14;

/// How the panes are placed for a window size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// One pane at a time: the focused one.
    Single,
    /// The lists side by side on top, the detail under them.
    Stacked,
    /// Dates, entries and detail side by side.
    Columns,
}

impl Arrangement {
    pub fn for_width(width: u16) -> Arrangement {
        if width < NARROW {
            Arrangement::Single
        } else if width < WIDE {
            Arrangement::Stacked
        } else {
            Arrangement::Columns
        }
    }
}

/// Draws the whole screen and reports where things are.
pub fn draw(frame: &mut Frame, app: &App) -> Areas {
    let area = frame.area();
    let mut areas = Areas::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, &app.settings.theme);
        return areas;
    }
    if app.timeline.events.is_empty() {
        empty(frame, area, app);
        return areas;
    }
    let strip = match area.height {
        h if h >= STRIP_FULL_HEIGHT => 3,
        h if h >= STRIP_MIN_HEIGHT => 1,
        _ => 0,
    };
    let [main, density, status] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(strip),
        Constraint::Length(1),
    ])
    .areas(area);

    let dates_w = if area.width >= 140 { 20 } else { 17 };
    match Arrangement::for_width(area.width) {
        Arrangement::Single => match app.nav.focus {
            Focus::Dates => dates::draw(frame, main, app, &mut areas),
            Focus::Events => events::draw(frame, main, app, &mut areas),
            Focus::Links => detail::draw(frame, main, app, &mut areas),
        },
        Arrangement::Stacked => {
            // The lists take most of the height while one of them has the
            // keyboard, and a few rows (the selection in context) while
            // the reader reads.
            let lists_h = if app.nav.focus == Focus::Links {
                (main.height / 4).clamp(3, 8)
            } else {
                (main.height * 3 / 5).max(3)
            };
            let [top, t] =
                Layout::vertical([Constraint::Length(lists_h), Constraint::Min(3)]).areas(main);
            let [d, e] =
                Layout::horizontal([Constraint::Length(dates_w), Constraint::Min(10)]).areas(top);
            dates::draw(frame, d, app, &mut areas);
            events::draw(frame, e, app, &mut areas);
            detail::draw(frame, t, app, &mut areas);
        }
        Arrangement::Columns => {
            let [d, rest] =
                Layout::horizontal([Constraint::Length(dates_w), Constraint::Min(10)]).areas(main);
            // The detail needs no more than its reading width (plus the
            // borders and a margin); the entries take what is left.
            let detail_w = (rest.width * 55 / 100).min(app.settings.reading_width + 3);
            let [e, t] =
                Layout::horizontal([Constraint::Min(10), Constraint::Length(detail_w)]).areas(rest);
            dates::draw(frame, d, app, &mut areas);
            events::draw(frame, e, app, &mut areas);
            detail::draw(frame, t, app, &mut areas);
        }
    }
    if strip > 0 {
        density::draw(frame, density, app);
    }
    status::draw(frame, status, app, &areas);
    popups::draw(frame, area, app, &mut areas);
    areas
}

/// A headline as shown: one line, without the stray comma some sources
/// leave after its last sentence (`… a rebellion. , ` reads `… a
/// rebellion.`).
pub fn headline_text(s: &str) -> String {
    let mut line = text::one_line(s);
    loop {
        let kept = line.trim_end_matches([',', ';', ' ']);
        if kept.len() == line.len() || !kept.ends_with(['.', '!', '?']) {
            return line;
        }
        line.truncate(kept.len());
    }
}

/// Borders drawn with ASCII only (`[theme] ascii = true`).
const ASCII_BORDER: ratatui::symbols::border::Set = ratatui::symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A bordered pane with its title, highlighted when focused.
fn pane<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let title: Line = title.into();
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .border_set(if theme.ascii {
            ASCII_BORDER
        } else if focused {
            ratatui::symbols::border::THICK
        } else {
            ratatui::symbols::border::PLAIN
        })
        .title(title.style(theme.title(focused)))
}

/// The offset that keeps `selected` within `height` rows, moving as little
/// as possible from `offset`.
fn keep_visible(offset: usize, selected: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let mut offset = offset.min(len.saturating_sub(height));
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    offset
}

/// A centred rectangle of at most `w` × `h` inside `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A headline with some characters (by char index) highlighted.
fn highlighted(
    s: &str,
    positions: &[usize],
    base: ratatui::style::Style,
    hl: ratatui::style::Style,
) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut cur_hl = false;
    for (i, c) in s.chars().enumerate() {
        let is = positions.binary_search(&i).is_ok();
        if is != cur_hl && !cur.is_empty() {
            let style = if cur_hl { base.patch(hl) } else { base };
            spans.push(Span::styled(std::mem::take(&mut cur), style));
        }
        cur_hl = is;
        cur.push(c);
    }
    if !cur.is_empty() {
        let style = if cur_hl { base.patch(hl) } else { base };
        spans.push(Span::styled(cur, style));
    }
    spans
}

/// `s` (one line) fitted to `width` characters so that its first marked
/// character shows: when it would fall past the cut, the start is dropped
/// (shown as `…`) and the mark sits about a third of the way in. Returns
/// the text and the positions moved with it.
fn window(s: &str, positions: &[usize], width: usize) -> (String, Vec<usize>) {
    let n = s.chars().count();
    let Some(&first) = positions.first() else {
        return (s.to_string(), Vec::new());
    };
    // The first match, and a few characters after it, must show.
    let need = positions
        .iter()
        .take_while(|&&p| p < first + 12)
        .max()
        .unwrap_or(&first)
        + 2;
    if n <= width || need < width {
        return (s.to_string(), positions.to_vec());
    }
    let start = first.saturating_sub(width / 3).min(n);
    let text = std::iter::once('…').chain(s.chars().skip(start)).collect();
    let moved = positions
        .iter()
        .filter(|&&p| p >= start)
        .map(|p| p - start + 1)
        .collect();
    (text, moved)
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let msg = format!(
        "Window too small ({}×{}); ktimeline needs {}×{}. q quits.",
        area.width, area.height, MIN_WIDTH, MIN_HEIGHT
    );
    frame.render_widget(
        Paragraph::new(msg)
            .style(theme.error())
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn empty(frame: &mut Frame, area: Rect, app: &App) {
    let tl = &app.timeline;
    let theme = &app.settings.theme;
    let mut lines = vec![
        Line::styled(
            format!(
                "The archive “{}” has nothing to show.",
                text::one_line(&tl.name)
            ),
            theme.headline(),
        ),
        Line::raw(""),
    ];
    let why = if tl.files == 0 {
        "No markdown or text files were found where it was pointed at.".to_string()
    } else {
        let looked = match tl.files {
            1 => "1 file was looked at".to_string(),
            n => format!("{n} files were looked at"),
        };
        if tl.problems.is_empty() {
            format!("{looked}, but none held an event or article.")
        } else {
            format!("{looked}; none could be read as an event or article. Problems:")
        }
    };
    lines.push(Line::raw(why));
    for p in tl
        .problems
        .iter()
        .take(area.height.saturating_sub(8) as usize)
    {
        lines.push(Line::styled(
            format!("  {}", text::one_line(&p.to_string())),
            theme.dim(),
        ));
    }
    if tl.problems.len() > area.height.saturating_sub(8) as usize {
        lines.push(Line::styled(
            "  … (`ktimeline check PATH` lists them all)",
            theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("q", theme.key()),
        Span::raw(" quits"),
    ]));
    let block = pane(" ktimeline ", true, theme);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .alignment(Alignment::Left)
            .wrap(Wrap { trim: false }),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::headline_text;

    #[test]
    fn stray_commas_after_a_headline_go() {
        assert_eq!(
            headline_text("Ministers reach a plan on asylum seekers. , "),
            "Ministers reach a plan on asylum seekers."
        );
        assert_eq!(headline_text("A list: one, two,"), "A list: one, two,");
        assert_eq!(headline_text("Rain ends.  "), "Rain ends.");
    }
}

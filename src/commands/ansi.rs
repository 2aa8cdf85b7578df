//! Styled lines (ratatui `Line`s, as the detail pane draws them) written out
//! as text for a terminal or a pipe: with colour, each styled run wrapped in
//! SGR sequences (`ESC [ … m`); plain, the characters alone. `show` prints
//! through this, so that what it prints is what the browser draws, made by
//! the same code; the browser itself draws through ratatui and never needs
//! it. The text is cleaned once more on the way out, so no control
//! character or escape sequence from a file can reach the terminal
//! whatever a caller passes in: the only escapes written are the ones made
//! here.

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::text;

/// Writes `lines`, one per output line, with colour and attributes when
/// `color`, else as plain text. White space at the end of a line is
/// dropped.
pub fn write_lines(out: &mut impl Write, lines: &[Line], color: bool) -> io::Result<()> {
    let mut buf = String::new();
    for line in lines {
        buf.clear();
        push_line(&mut buf, line, color);
        buf.push('\n');
        out.write_all(buf.as_bytes())?;
    }
    Ok(())
}

/// `lines` as plain text, a `\n` after each.
pub fn plain(lines: &[Line]) -> String {
    let mut buf = String::new();
    for line in lines {
        push_line(&mut buf, line, false);
        buf.push('\n');
    }
    buf
}

fn push_line(buf: &mut String, line: &Line, color: bool) {
    // The spans up to the last one with something other than white space.
    let pieces: Vec<(String, Style)> = line
        .spans
        .iter()
        .map(|s| (text::sanitize(&s.content, false), line.style.patch(s.style)))
        .collect();
    let end = pieces
        .iter()
        .rposition(|(t, _)| !t.trim_end().is_empty())
        .map_or(0, |i| i + 1);
    for (i, (t, style)) in pieces[..end].iter().enumerate() {
        let t = if i + 1 == end { t.trim_end() } else { t };
        let sgr = if color { sgr(*style) } else { String::new() };
        if sgr.is_empty() {
            buf.push_str(t);
        } else {
            let _ = write!(buf, "\x1b[{sgr}m{t}\x1b[0m");
        }
    }
}

/// The SGR parameters of `style` (`1;34`), empty for the default style.
fn sgr(style: Style) -> String {
    let mut p: Vec<String> = Vec::new();
    let mods = style.add_modifier - style.sub_modifier;
    for (m, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if mods.contains(m) {
            p.push(code.to_string());
        }
    }
    if let Some(c) = style.fg.and_then(|c| colour(c, false)) {
        p.push(c);
    }
    if let Some(c) = style.bg.and_then(|c| colour(c, true)) {
        p.push(c);
    }
    p.join(";")
}

/// The SGR parameter of a foreground (or background) colour; none for the
/// terminal's own.
fn colour(c: Color, bg: bool) -> Option<String> {
    let base = |n: u8| Some((if bg { n + 10 } else { n }).to_string());
    match c {
        Color::Reset => None,
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(n) => Some(format!("{};5;{n}", if bg { 48 } else { 38 })),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", if bg { 48 } else { 38 })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    fn lines() -> Vec<Line<'static>> {
        vec![
            Line::from(vec![
                Span::raw("  "),
                Span::styled("Bold", Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(" and "),
                Span::styled("blue", Style::new().fg(Color::Blue)),
                Span::raw("   "),
            ]),
            Line::raw(""),
            Line::styled("all dim", Style::new().fg(Color::DarkGray)),
        ]
    }

    #[test]
    fn plain_is_the_characters_without_trailing_space() {
        assert_eq!(plain(&lines()), "  Bold and blue\n\nall dim\n");
    }

    #[test]
    fn colour_wraps_each_styled_run() {
        let mut out = Vec::new();
        write_lines(&mut out, &lines(), true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  \x1b[1mBold\x1b[0m and \x1b[34mblue\x1b[0m\n\n\x1b[90mall dim\x1b[0m\n"
        );
    }

    #[test]
    fn no_escape_from_the_text_gets_through() {
        let bad = vec![Line::from(vec![Span::styled(
            "a\x1b[2Jb\x1b]0;title\x07c\u{9b}31md",
            Style::new().fg(Color::Red),
        )])];
        let mut out = Vec::new();
        write_lines(&mut out, &bad, true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[31mabcd\x1b[0m\n");
        assert_eq!(plain(&bad), "abcd\n");
    }

    #[test]
    fn colours_of_every_kind() {
        assert_eq!(sgr(Style::new()), "");
        assert_eq!(
            sgr(Style::new()
                .fg(Color::Indexed(208))
                .bg(Color::Rgb(1, 2, 3))
                .add_modifier(Modifier::ITALIC | Modifier::UNDERLINED)),
            "3;4;38;5;208;48;2;1;2;3"
        );
        assert_eq!(sgr(Style::new().bg(Color::Blue)), "44");
    }
}

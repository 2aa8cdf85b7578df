//! Every style the browser draws with, in one place, so that `NO_COLOR`
//! turns colour off everywhere at once and the configuration's `[theme]`
//! can name the colours. Nothing relies on colour alone: the selection is
//! reverse video plus a marker, matches are bold and underlined, dimmed
//! entries also carry a text marker. `ascii` swaps the box-drawing borders
//! and the marks for plain ASCII.

use ratatui::style::{Color, Modifier, Style};

/// The colours of the named styles, as `[theme]` sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Focused borders and titles, headings, keys.
    pub accent: Color,
    pub date: Color,
    pub link: Color,
    pub visited: Color,
    pub tag: Color,
    pub matched: Color,
    pub error: Color,
    pub dim: Color,
    pub bookmark: Color,
    pub spark: Color,
    pub spark_current: Color,
    pub status_fg: Color,
    pub status_bg: Color,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            accent: Color::Cyan,
            date: Color::Yellow,
            link: Color::Blue,
            visited: Color::Magenta,
            tag: Color::Magenta,
            matched: Color::Yellow,
            error: Color::Red,
            dim: Color::DarkGray,
            bookmark: Color::Yellow,
            spark: Color::Green,
            spark_current: Color::Yellow,
            status_fg: Color::White,
            status_bg: Color::DarkGray,
        }
    }
}

impl Palette {
    /// Each style's name in `[theme]`, what it colours, and its colour.
    pub fn named(&mut self) -> [(&'static str, &'static str, &mut Color); 13] {
        [
            (
                "accent",
                "focused borders and titles, headings, keys",
                &mut self.accent,
            ),
            ("date", "dates, years and months", &mut self.date),
            ("link", "links", &mut self.link),
            (
                "visited",
                "links to entries already read",
                &mut self.visited,
            ),
            ("tag", "tags", &mut self.tag),
            ("match", "what a search matched", &mut self.matched),
            ("error", "errors and problems", &mut self.error),
            ("dim", "less important text", &mut self.dim),
            ("bookmark", "the bookmark mark", &mut self.bookmark),
            ("spark", "the density strip", &mut self.spark),
            (
                "spark_current",
                "the density strip at the selected day",
                &mut self.spark_current,
            ),
            ("status_fg", "the status bar's text", &mut self.status_fg),
            (
                "status_bg",
                "the status bar's background",
                &mut self.status_bg,
            ),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// ASCII borders and marks instead of box drawing and symbols.
    pub ascii: bool,
    pub palette: Palette,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color: true,
            ascii: false,
            palette: Palette::default(),
        }
    }
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color,
            ..Theme::default()
        }
    }

    /// A mark as drawn: `fancy`, or `plain` in ASCII mode.
    pub fn mark(&self, fancy: &'static str, plain: &'static str) -> &'static str {
        if self.ascii { plain } else { fancy }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.palette.dim)
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        }
    }

    /// The selected row of the focused list.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// A match of a find in the entry.
    pub fn find(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    }

    /// The chosen match of a find.
    pub fn find_chosen(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The selected row of a list that does not have focus.
    pub fn selected_unfocused(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette.dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn year(&self) -> Style {
        self.fg(self.palette.date).add_modifier(Modifier::BOLD)
    }

    pub fn month(&self) -> Style {
        self.fg(self.palette.date)
    }

    pub fn headline(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }

    pub fn date(&self) -> Style {
        self.fg(self.palette.date)
    }

    pub fn link(&self) -> Style {
        self.fg(self.palette.link)
            .add_modifier(Modifier::UNDERLINED)
    }

    /// A link to an entry read before (it also carries `✓`).
    pub fn visited(&self) -> Style {
        self.fg(self.palette.visited)
    }

    pub fn tag(&self) -> Style {
        self.fg(self.palette.tag)
    }

    pub fn matched(&self) -> Style {
        self.fg(self.palette.matched)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    pub fn status(&self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.status_bg)
                .fg(self.palette.status_fg)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn key(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }

    /// The bookmark mark beside an entry.
    pub fn bookmark(&self) -> Style {
        self.fg(self.palette.bookmark).add_modifier(Modifier::BOLD)
    }

    pub fn spark(&self) -> Style {
        self.fg(self.palette.spark)
    }

    pub fn spark_current(&self) -> Style {
        self.fg(self.palette.spark_current)
    }
}

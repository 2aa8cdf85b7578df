//! `ktimeline show ENTRY [PATH]...`: one entry printed as the browser's
//! detail pane shows it, made by the pane's own code (the same markdown
//! renderer and sections): what is read in a pipe or a pager is what the
//! browser shows, wrapped to the terminal's width (the browser keeps its
//! text to the reading width). To a terminal
//! the text is coloured and goes through a pager, as `git show` does;
//! piped, or with `NO_COLOR`, it is plain text.

use std::io::{self, IsTerminal, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;

use ratatui::text::Line;

use super::args::ArchiveArgs;
use super::{Result, ansi};
use crate::model::EventIdx;
use crate::tui::app::App;
use crate::tui::config;
use crate::tui::ui::detail::entry_text;

/// The width when standard output is not a terminal.
const DEFAULT_WIDTH: usize = 80;

/// Print an entry as the browser's detail pane shows it: headline, date,
/// the body rendered from markdown, sources, tags, Related, Referenced by
/// and Similar. To a terminal it is coloured and goes through $PAGER (else
/// `less -R`; split into words as a shell would, never run by one; LESS
/// defaults to FRX, so a short entry is simply printed); piped, or with
/// NO_COLOR set, it is plain text. An ENTRY that is not in the archive is
/// an error (exit 2) that names the nearest one.
#[derive(Debug, clap::Args)]
pub struct Show {
    /// The entry: a file as `ktimeline search` prints it (its third
    /// column), or an entry's id (`/news/2013/06/6/slug.md`).
    entry: String,
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// Wrap the text to N columns. Default: the terminal's width (when
    /// the terminal reports none, $COLUMNS, else 80); 80 when standard
    /// output is not a terminal.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..=1000))]
    width: Option<u16>,
}

/// Where the text goes and how it looks.
struct Output {
    terminal: bool,
    color: bool,
    width: usize,
}

impl Show {
    pub fn run(self) -> Result<ExitCode> {
        let config = config::load().map_err(|e| io::Error::other(e.to_string()))?;
        let (mut opened, words, idx) = self.archive.load_entry(&self.entry, "show ENTRY")?;
        let terminal = io::stdout().is_terminal();
        let mut theme = config.theme();
        theme.color &= terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        let width = match self.width {
            Some(w) => usize::from(w),
            None if terminal => terminal_width(
                ratatui::crossterm::terminal::size()
                    .ok()
                    .map(|(cols, _)| cols),
                std::env::var_os("COLUMNS").as_deref(),
            ),
            None => DEFAULT_WIDTH,
        };
        let out = Output {
            terminal,
            color: theme.color,
            width,
        };
        let timeline = Arc::new(std::mem::take(&mut opened.timeline));
        let mut app = App::new(timeline, theme);
        app.settings.reading_width = config.body_width;
        let t = app.timeline.clone();
        app.similar.words_ready(&t, t.clone(), Arc::new(words));
        let lines = entry_lines(&mut app, idx, out.width);
        super::note_problems(&app.timeline);
        print(&lines, &out)?;
        opened.finish();
        Ok(ExitCode::SUCCESS)
    }
}

/// The width to wrap to on a terminal `cols` wide, at least 20. A
/// terminal that reports 0 columns (a pseudo-terminal whose size was never
/// set) or whose size cannot be read is of unknown width: then `columns`
/// (`$COLUMNS`) when it is a positive number (1000 at most, as `--width`),
/// else 80.
fn terminal_width(cols: Option<u16>, columns: Option<&std::ffi::OsStr>) -> usize {
    let known = cols.filter(|&c| c > 0).map(usize::from).or_else(|| {
        columns
            .and_then(|c| c.to_str())
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            // As --width is held.
            .map(|c| c.min(1000))
    });
    known.unwrap_or(DEFAULT_WIDTH).max(20)
}

/// The lines `show` prints for entry `idx` at `width`: the detail pane's
/// text with the same sections (sources, Related, Referenced by, and
/// Similar when the app has the word index), nothing highlighted.
pub fn entry_lines(app: &mut App, idx: EventIdx, width: usize) -> Vec<Line<'static>> {
    app.body_text.read_for(&app.timeline, idx);
    app.similar.fill_for(&app.timeline, idx);
    let links = app.links_of_entry(idx);
    let e = &app.timeline.events[idx];
    entry_text(app, e, &links, width, None).0
}

/// Writes `lines` to standard output, through the pager when it is a
/// terminal. A pager that cannot be run is said, and the text printed
/// without it.
fn print(lines: &[Line], out: &Output) -> Result<()> {
    let pager = out.terminal.then(pager).flatten();
    let words = match pager {
        None => None,
        Some(Ok(words)) => Some(words),
        Some(Err(why)) => {
            super::warn(&format!("ktimeline: {why}; printing without a pager"));
            None
        }
    };
    if let Some(words) = words {
        let mut cmd = Command::new(&words[0]);
        cmd.args(&words[1..]).stdin(Stdio::piped());
        // As git does: a text shorter than the screen is printed and the
        // pager quits (F), the screen is not cleared (X), colour passes (R).
        if std::env::var_os("LESS").is_none() {
            cmd.env("LESS", "FRX");
        }
        if std::env::var_os("LV").is_none() {
            cmd.env("LV", "-c");
        }
        match cmd.spawn() {
            Ok(mut child) => {
                // Ctrl-C is the pager's to handle; this process waits for
                // it, rather than leave it behind on the terminal.
                let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted);
                if let Some(mut stdin) = child.stdin.take() {
                    // The reader quitting early is no error.
                    match write_all(&mut stdin, lines, out.color) {
                        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
                        _ => {}
                    }
                }
                child.wait()?;
                return Ok(());
            }
            Err(e) => super::warn(&format!(
                "ktimeline: could not run the pager {}: {e}; printing without it",
                crate::text::one_line(&words[0])
            )),
        }
    }
    let mut stdout = super::stdout();
    write_all(&mut stdout, lines, out.color)?;
    super::finish(stdout)
}

fn write_all(w: &mut impl Write, lines: &[Line], color: bool) -> io::Result<()> {
    ansi::write_lines(w, lines, color)?;
    w.flush()
}

/// The pager: `$PAGER` split into words as a shell would (never run by
/// one), else `less -R`; none when `$PAGER` is empty or `cat`.
fn pager() -> Option<std::result::Result<Vec<String>, String>> {
    let Some(value) = std::env::var_os("PAGER") else {
        return Some(Ok(vec!["less".into(), "-R".into()]));
    };
    let Some(value) = value.to_str() else {
        return Some(Err("$PAGER is not UTF-8".into()));
    };
    if value.trim().is_empty() || value.trim() == "cat" {
        return None;
    }
    Some(crate::tui::open::split_command(value).map_err(|e| format!("$PAGER: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal of 0 columns (a pseudo-terminal whose size was never
    /// set) is one of unknown width: `$COLUMNS` when it is a positive
    /// number, else 80; never 20.
    #[test]
    fn a_terminal_of_unknown_width_takes_columns_else_80() {
        fn env(s: &str) -> Option<&std::ffi::OsStr> {
            Some(std::ffi::OsStr::new(s))
        }
        assert_eq!(terminal_width(Some(120), env("60")), 120);
        assert_eq!(terminal_width(Some(10), None), 20);
        assert_eq!(terminal_width(Some(0), env("132")), 132);
        assert_eq!(terminal_width(None, env("132")), 132);
        assert_eq!(terminal_width(Some(0), env(" 90 ")), 90);
        for bad in ["", "0", "-5", "wide", "1e3"] {
            assert_eq!(terminal_width(Some(0), env(bad)), 80, "{bad:?}");
        }
        assert_eq!(terminal_width(Some(0), None), 80);
        // A tiny $COLUMNS is held to the least width, as a tiny terminal.
        assert_eq!(terminal_width(Some(0), env("8")), 20);
        assert_eq!(terminal_width(Some(0), env("99999999")), 1000);
    }
}

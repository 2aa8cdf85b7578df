//! The non-interactive subcommands. Each owns its arguments (a clap
//! `Args` struct, with the shared ones of [`args`] flattened in; its doc
//! comment is the command's `--help` text) and its `run`, which loads the
//! archive, writes the answer to standard output and returns the exit
//! code: 0 success, 1 problems found or nothing matched; errors (exit 2)
//! come back as [`Error`] for `crate::cli` to print. This module holds
//! what they share, and none of them knows the others.

pub mod ansi;
pub mod args;
pub mod bookmarks;
pub mod check;
pub mod config;
pub mod entry;
pub mod export;
pub mod json;
pub mod listing;
pub mod search;
pub mod shell;
pub mod show;
pub mod similar;
pub mod stats;
pub mod story;

use std::io::{self, BufWriter, Write};

use crate::filter::Filter;
use crate::loader::LoadError;
use crate::model::Timeline;

/// Why a command could not do its work.
#[derive(Debug)]
pub enum Error {
    /// The command line asks for something that cannot be (a range that
    /// ends before it starts): said as it is.
    Usage(String),
    /// A root could not be opened.
    Load(LoadError),
    Io(io::Error),
    /// The reader went away (`| head`): stop quietly.
    BrokenPipe,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(why) => f.write_str(why),
            Error::Load(e) => e.fmt(f),
            Error::Io(e) => e.fmt(f),
            Error::BrokenPipe => f.write_str("broken pipe"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Io(e)
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Load(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Says on standard error which tags of `filter` no entry carries: the
/// filter then matches nothing, and a typo should not look like an empty
/// archive.
pub fn note_unknown_tags(timeline: &Timeline, filter: &Filter) {
    let mut tags = None;
    // The nearest tag is looked for for the first few unknown ones only:
    // each look is a fuzzy match over every tag.
    let mut looks_left = 8;
    for want in &filter.tags {
        let known = timeline
            .events
            .iter()
            .any(|e| e.tags.iter().any(|t| crate::filter::same_tag(t, want)));
        if known {
            continue;
        }
        // The nearest tag, as the browser's tag picker would find it (its
        // fuzzy match over the tags, the most used first on a tie).
        let asked = crate::text::prefix_chars(want.trim().trim_start_matches('#'), 200);
        let mut near = String::new();
        if looks_left > 0 && !asked.is_empty() {
            looks_left -= 1;
            let tags = tags.get_or_insert_with(|| timeline.tag_counts());
            let names = tags.iter().map(|t| crate::text::prefix_chars(&t.tag, 200));
            if let Some((i, _, _)) = crate::search::fuzzy_scores(names, asked)
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(tags[a.0].count.cmp(&tags[b.0].count)))
            {
                near = format!(" (did you mean '{}'?)", crate::text::one_line(&tags[i].tag));
            }
        }
        warn(&format!(
            "ktimeline: no entry is tagged '{}'{near}",
            crate::text::escape_invisible(want, false)
        ));
    }
}

/// Buffered standard output.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Tells on standard error that problems were met, for the commands that
/// do not list them.
pub fn note_problems(timeline: &Timeline) {
    let n = timeline.problems.len();
    if n > 0 {
        let s = if n == 1 { "" } else { "s" };
        warn(&format!(
            "ktimeline: {n} file problem{s} while loading; `ktimeline check` lists them"
        ));
    }
}

/// Writes a line to standard error and ignores a failure to do so:
/// `eprintln!` panics (exit 101) when standard error is a closed pipe or a
/// full disk, and a message nobody can read must not change the exit code.
pub fn warn(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Flushes, turning a closed pipe into [`Error::BrokenPipe`].
pub fn finish(mut out: impl Write) -> Result<()> {
    out.flush()?;
    Ok(())
}

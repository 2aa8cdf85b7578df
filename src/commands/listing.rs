//! How the commands that list entries (`search`, `similar`, `story`) print
//! one: a line `DATE<TAB>HEADLINE<TAB>FILE` (a ghost's id for its file)
//! that a script can cut, or a JSON object with the same and more.

use std::io::Write;

use crate::model::{Event, date_label};
use crate::text;

/// Writes `e`'s line, without its end: a command may add columns.
pub fn line(out: &mut impl Write, e: &Event) -> std::io::Result<()> {
    write!(
        out,
        "{}\t{}\t{}",
        date_label(e.date),
        text::one_line(&e.headline),
        text::one_line(e.file.as_deref().unwrap_or(&e.id))
    )
}

/// An entry in a JSON listing.
#[derive(serde::Serialize)]
pub struct JsonEntry<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub date: Option<String>,
    pub headline: &'a str,
    /// The file to open; `null` for a ghost.
    pub file: Option<&'a str>,
}

impl<'a> JsonEntry<'a> {
    pub fn of(e: &'a Event) -> JsonEntry<'a> {
        JsonEntry {
            id: &e.id,
            kind: e.kind.as_str(),
            date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
            headline: &e.headline,
            file: e.file.as_deref(),
        }
    }
}

/// Writes `items` as a pretty JSON array and a newline.
pub fn json<T: serde::Serialize>(out: &mut impl Write, items: &[T]) -> std::io::Result<()> {
    super::json::to_writer_pretty(&mut *out, items)?;
    writeln!(out)
}

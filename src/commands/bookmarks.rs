//! `ktimeline bookmarks [PATH]...`: the bookmarks kept for an archive
//! (set with `m` in the browser), one line each as `search` prints a hit:
//! DATE<TAB>HEADLINE<TAB>FILE, as the archive has the entry now; an entry
//! no longer there is printed as it was bookmarked, marked `(gone)`. What
//! the state file holds is cleaned of control characters and escape
//! sequences before it is printed, as plain lines or as JSON.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::ArchiveArgs;
use crate::model::date_label;
use crate::state::Store;
use crate::text;

/// One bookmark as it is printed. The state file is untrusted (anything
/// may have written it): its text is cleaned as the browser shows it, the
/// headline folded to one line, the id and file with every control
/// character and escape sequence removed, for the plain lines and the
/// JSON alike.
#[derive(serde::Serialize)]
struct JsonMark {
    id: String,
    #[serde(serialize_with = "iso_date")]
    date: Option<chrono::NaiveDate>,
    headline: String,
    file: Option<String>,
    /// False when the entry is no longer in the archive.
    present: bool,
}

impl JsonMark {
    fn new(
        id: &str,
        date: Option<chrono::NaiveDate>,
        headline: &str,
        file: Option<&str>,
        present: bool,
    ) -> JsonMark {
        JsonMark {
            id: text::sanitize(id, false),
            date,
            headline: text::one_line(headline),
            file: file.map(|f| text::sanitize(f, false)),
            present,
        }
    }
}

/// Print the bookmarks kept for an archive (set with `m` in the
/// browser) as DATE<TAB>HEADLINE<TAB>FILE, like `search`. Exits 1 when
/// there is none.
#[derive(Debug, clap::Args)]
pub struct Bookmarks {
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// Print a JSON array instead of lines.
    #[arg(long)]
    json: bool,
}

impl Bookmarks {
    pub fn run(self) -> Result<ExitCode> {
        bookmarks(&self.archive, self.json)
    }
}

fn bookmarks(archive: &ArchiveArgs, json: bool) -> Result<ExitCode> {
    let paths = &archive.paths;
    let Some(store) = Store::for_roots(paths) else {
        super::warn(
            "ktimeline: no state folder to use (neither XDG_STATE_HOME nor HOME is set, or the folder is another user's)",
        );
        return Ok(ExitCode::from(2));
    };
    let (state, note) = store.peek();
    if let Some(n) = note {
        super::warn(&format!("ktimeline: {}", text::sanitize(&n, false)));
    }
    let opened = archive.load()?;
    let t = &opened.timeline;
    // An entry whose id changed (its headline was edited) is found by its
    // file, as the browser finds it.
    let by_file = t.by_file();
    let rows: Vec<JsonMark> = state
        .bookmarks
        .iter()
        .map(|b| {
            let found = t
                .get(&b.id)
                .or_else(|| b.file.as_deref().and_then(|f| by_file.get(f).copied()));
            (b, found.map(|i| &t.events[i]))
        })
        .map(|(b, e)| match e {
            Some(e) => JsonMark::new(&e.id, e.date, &e.headline, e.file.as_deref(), true),
            None => JsonMark::new(&b.id, b.date, &b.headline, b.file.as_deref(), false),
        })
        .collect();
    let mut out = super::stdout();
    if json {
        super::json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        for r in &rows {
            writeln!(
                out,
                "{}\t{}{}\t{}",
                date_label(r.date),
                r.headline,
                if r.present { "" } else { " (gone)" },
                text::one_line(r.file.as_deref().unwrap_or(&r.id))
            )?;
        }
    }
    super::finish(out)?;
    let n = rows.len();
    drop(rows);
    super::warn(&format!(
        "ktimeline: {n} bookmark{}",
        if n == 1 { "" } else { "s" }
    ));
    opened.finish();
    Ok(if n == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `2020-01-02`, or `null` for an undated entry.
fn iso_date<S: serde::Serializer>(
    d: &Option<chrono::NaiveDate>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

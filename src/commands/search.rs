//! `ktimeline search`: fuzzy search over headlines from the command line,
//! one line per hit that a script can cut (`date`, `headline`, the file to
//! open), and the count on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::filter::Filter;
use crate::model::{Timeline, date_label};
use crate::search::{self, Found};
use crate::text;

#[derive(serde::Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    kind: &'static str,
    date: Option<String>,
    headline: &'a str,
    /// The file to open; `null` for a ghost.
    file: Option<&'a str>,
    /// Every query word occurs in the headline as typed.
    exact: bool,
    score: i64,
}

/// What `search` was asked.
pub struct Query<'a> {
    pub text: &'a str,
    pub limit: usize,
    pub json: bool,
    pub filter: Filter,
}

pub fn run(q: &Query, paths: &[PathBuf], cache: bool) -> Result<ExitCode> {
    let opened = super::load(paths, cache)?;
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, &q.filter);
    let found = search::search(timeline, q.text, q.limit, &q.filter);
    let mut out = super::stdout();
    if q.json {
        write_json(&mut out, timeline, &found)?;
    } else {
        for h in &found.hits {
            let e = &timeline.events[h.idx];
            writeln!(
                out,
                "{}\t{}\t{}",
                date_label(e.date),
                text::one_line(&e.headline),
                text::one_line(e.file.as_deref().unwrap_or(&e.id))
            )?;
        }
    }
    super::finish(out)?;
    super::warn(&format!(
        "ktimeline: {}",
        search::summary(found.total, found.exact, found.hits.len())
    ));
    super::note_problems(timeline);
    opened.finish();
    Ok(if found.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_json(out: &mut impl Write, timeline: &Timeline, found: &Found) -> Result<()> {
    let hits: Vec<JsonHit> = found
        .hits
        .iter()
        .map(|h| {
            let e = &timeline.events[h.idx];
            JsonHit {
                id: &e.id,
                kind: e.kind.as_str(),
                date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
                headline: &e.headline,
                file: e.file.as_deref(),
                exact: h.exact,
                score: h.score,
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &hits).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

//! `ktimeline search`: fuzzy search over headlines, or full-text search
//! over headlines and bodies (`--text`), from the command line: one line
//! per hit that a script can cut (`date`, `headline`, the file to open,
//! and for full text a snippet), and the count on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::filter::Filter;
use crate::model::{EventIdx, Timeline, date_label};
use crate::text;
use crate::words::{self, WordIndex};

/// Characters of a full-text snippet.
const SNIPPET_CHARS: usize = 100;

#[derive(serde::Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    kind: &'static str,
    date: Option<String>,
    headline: &'a str,
    /// The file to open; `null` for a ghost.
    file: Option<&'a str>,
    /// Headline search: every query word occurs in the headline as typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    exact: Option<bool>,
    /// Full text: every query word begins a word of the headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    in_headline: Option<bool>,
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<String>,
}

/// What `search` was asked.
pub struct Query<'a> {
    pub text: &'a str,
    /// Headlines and bodies rather than headlines alone.
    pub full_text: bool,
    pub limit: usize,
    pub json: bool,
    pub filter: Filter,
}

/// One hit, whichever search found it.
struct Row {
    idx: EventIdx,
    first_group: bool,
    score: f64,
    snippet: Option<String>,
}

pub fn run(q: &Query, paths: &[PathBuf], cache: bool) -> Result<ExitCode> {
    let opened = super::load(paths, cache)?;
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, &q.filter);
    let (rows, summary) = if q.full_text {
        let place = (cache && !paths.is_empty())
            .then(|| crate::loader::cache_place(paths))
            .flatten();
        let index = WordIndex::open(timeline, place.as_ref());
        let found = index.search(timeline, q.text, q.limit, &q.filter);
        let rows = found
            .hits
            .iter()
            .map(|h| Row {
                idx: h.idx,
                first_group: h.in_headline,
                score: f64::from(h.score),
                snippet: Some(snippet(timeline, h.idx, &found.terms)),
            })
            .collect::<Vec<_>>();
        let summary = crate::search::summary_of(
            found.total,
            found.in_headline,
            "in headlines",
            found.hits.len(),
        );
        (rows, summary)
    } else {
        let found = crate::search::search(timeline, q.text, q.limit, &q.filter);
        let rows = found
            .hits
            .iter()
            .map(|h| Row {
                idx: h.idx,
                first_group: h.exact,
                score: h.score as f64,
                snippet: None,
            })
            .collect::<Vec<_>>();
        let summary = crate::search::summary(found.total, found.exact, found.hits.len());
        (rows, summary)
    };
    let mut out = super::stdout();
    if q.json {
        write_json(&mut out, timeline, &rows, q.full_text)?;
    } else {
        for r in &rows {
            let e = &timeline.events[r.idx];
            write!(
                out,
                "{}\t{}\t{}",
                date_label(e.date),
                text::one_line(&e.headline),
                text::one_line(e.file.as_deref().unwrap_or(&e.id))
            )?;
            match &r.snippet {
                Some(s) => writeln!(out, "\t{s}")?,
                None => writeln!(out)?,
            }
        }
    }
    super::finish(out)?;
    super::warn(&format!("ktimeline: {summary}"));
    super::note_problems(timeline);
    opened.finish();
    Ok(if rows.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The words around the first match in the entry's body, or its first
/// line when only the headline matched (the headline is in its own
/// column): its prose, without markup or tabs.
fn snippet(t: &Timeline, idx: EventIdx, terms: &[String]) -> String {
    let body = crate::loader::body(t, idx);
    words::body_snippet(&body, &t.events[idx].headline, terms, SNIPPET_CHARS).unwrap_or_default()
}

fn write_json(out: &mut impl Write, t: &Timeline, rows: &[Row], full_text: bool) -> Result<()> {
    let hits: Vec<JsonHit> = rows
        .iter()
        .map(|r| {
            let e = &t.events[r.idx];
            JsonHit {
                id: &e.id,
                kind: e.kind.as_str(),
                date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
                headline: &e.headline,
                file: e.file.as_deref(),
                exact: (!full_text).then_some(r.first_group),
                in_headline: full_text.then_some(r.first_group),
                score: r.score,
                snippet: r.snippet.clone(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &hits).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

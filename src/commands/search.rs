//! `ktimeline search`: fuzzy search over headlines, or full-text search
//! over headlines and bodies (`--text`), from the command line: one line
//! per hit that a script can cut (`date`, `headline`, the file to open,
//! and for full text a snippet), and the count on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::filter::Filter;
use crate::model::{Timeline, date_label};
use crate::search::{self, Hit, WordIndex};
use crate::text;

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
    snippet: Option<&'a str>,
}

/// What `search` was asked.
pub struct Query<'a> {
    pub text: &'a str,
    /// Headlines, or headlines and bodies.
    pub kind: search::Kind,
    pub limit: usize,
    pub json: bool,
    pub filter: Filter,
}

pub fn run(q: &Query, paths: &[PathBuf], cache: bool) -> Result<ExitCode> {
    let opened = super::load(paths, cache)?;
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, &q.filter);
    let found = match q.kind {
        search::Kind::FullText => {
            let place = (cache && !paths.is_empty())
                .then(|| crate::loader::cache_place(paths))
                .flatten();
            let index = WordIndex::open(timeline, place.as_ref());
            let mut found = index.search(timeline, q.text, q.limit, &q.filter);
            search::snippet::fill(timeline, &mut found.hits, &found.terms, SNIPPET_CHARS);
            found
        }
        search::Kind::Headline => search::search(timeline, q.text, q.limit, &q.filter),
    };
    let summary = search::summary(q.kind, found.total, found.exact, found.hits.len());
    let mut out = super::stdout();
    if q.json {
        write_json(&mut out, timeline, &found.hits, q.kind)?;
    } else {
        for h in &found.hits {
            let e = &timeline.events[h.idx];
            write!(
                out,
                "{}\t{}\t{}",
                date_label(e.date),
                text::one_line(&e.headline),
                text::one_line(e.file.as_deref().unwrap_or(&e.id))
            )?;
            match snippet(h, q.kind) {
                Some(s) => writeln!(out, "\t{s}")?,
                None => writeln!(out)?,
            }
        }
    }
    super::finish(out)?;
    super::warn(&format!("ktimeline: {summary}"));
    super::note_problems(timeline);
    opened.finish();
    Ok(if found.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The snippet column of a full-text hit: the words around the first match
/// in the entry's body, or its first line when only the headline matched
/// (the headline is in its own column), empty when the body has no prose.
/// A headline search has no such column.
fn snippet(h: &Hit, kind: search::Kind) -> Option<&str> {
    match kind {
        search::Kind::FullText => Some(h.snippet.as_deref().unwrap_or_default()),
        search::Kind::Headline => None,
    }
}

fn write_json(out: &mut impl Write, t: &Timeline, hits: &[Hit], kind: search::Kind) -> Result<()> {
    let full_text = kind == search::Kind::FullText;
    let hits: Vec<JsonHit> = hits
        .iter()
        .map(|h| {
            let e = &t.events[h.idx];
            JsonHit {
                id: &e.id,
                kind: e.kind.as_str(),
                date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
                headline: &e.headline,
                file: e.file.as_deref(),
                exact: (!full_text).then_some(h.exact),
                in_headline: full_text.then_some(h.exact),
                score: h.score,
                snippet: snippet(h, kind),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &hits).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

//! `ktimeline search`: fuzzy search over headlines, or full-text search
//! over headlines and bodies (`--text`), from the command line: one line
//! per hit that a script can cut (`date`, `headline`, the file to open,
//! and for full text a snippet), and the count on standard error.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::{ArchiveArgs, FilterArgs};
use super::listing::{self, JsonEntry};
use crate::filter::Filter;
use crate::model::Timeline;
use crate::search::{self, Hit};

/// Characters of a full-text snippet.
const SNIPPET_CHARS: usize = 100;

#[derive(serde::Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    entry: JsonEntry<'a>,
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

/// Fuzzy search over headlines; prints DATE<TAB>HEADLINE<TAB>FILE per hit
/// (the file to open; the id for a ghost), exact matches first, then
/// best first. Every word of QUERY must match. The count goes to
/// standard error. Exits 1 when nothing matches.
#[derive(Debug, clap::Args)]
pub struct Search {
    /// What to look for: a few words or word prefixes.
    #[arg(value_parser = query_words)]
    query: String,
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// The most hits to print.
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    limit: u32,
    /// Print a JSON array of hits instead of lines.
    #[arg(long)]
    json: bool,
    /// Search the full text (headlines and bodies) instead: every word
    /// of QUERY must begin a word of the entry, case and accents
    /// ignored; headline matches first, then by relevance. Each line
    /// gets a fourth column, a snippet around the first match.
    #[arg(long)]
    text: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

/// A query with at least one word.
fn query_words(s: &str) -> std::result::Result<String, String> {
    if s.trim().is_empty() {
        return Err("the query has no words".into());
    }
    Ok(s.to_string())
}

/// What `search` was asked, ready to run.
struct Query<'a> {
    text: &'a str,
    /// Headlines, or headlines and bodies.
    kind: search::Kind,
    limit: usize,
    json: bool,
}

impl Search {
    pub fn run(self) -> Result<ExitCode> {
        let q = Query {
            text: &self.query,
            kind: if self.text {
                search::Kind::FullText
            } else {
                search::Kind::Headline
            },
            limit: self.limit as usize,
            json: self.json,
        };
        let (opened, filter, words) = self.filter.load(&self.archive, self.text, "search")?;
        run(&q, &filter, opened, words.filter(|_| self.text))
    }
}

fn run(
    q: &Query,
    filter: &Filter,
    opened: crate::loader::Opened,
    words: Option<crate::search::WordIndex>,
) -> Result<ExitCode> {
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, filter);
    let found = match words {
        Some(index) => {
            let mut found = index.search(timeline, q.text, q.limit, filter);
            search::snippet::fill(timeline, &mut found.hits, &found.terms, SNIPPET_CHARS);
            found
        }
        None => search::search(timeline, q.text, q.limit, filter),
    };
    let summary = search::summary(q.kind, found.total, found.exact, found.hits.len());
    let mut out = super::stdout();
    if q.json {
        write_json(&mut out, timeline, &found.hits, q.kind)?;
    } else {
        for h in &found.hits {
            listing::line(&mut out, &timeline.events[h.idx])?;
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
        .map(|h| JsonHit {
            entry: JsonEntry::of(&t.events[h.idx]),
            exact: (!full_text).then_some(h.exact),
            in_headline: full_text.then_some(h.exact),
            score: h.score,
            snippet: snippet(h, kind),
        })
        .collect();
    listing::json(out, &hits)?;
    Ok(())
}

//! `ktimeline search`: fuzzy search over headlines from the command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::model::date_label;
use crate::{search, text};

#[derive(serde::Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    kind: &'static str,
    date: Option<String>,
    headline: &'a str,
    score: i64,
}

pub fn run(
    query: &str,
    paths: &[PathBuf],
    limit: usize,
    json: bool,
    cache: bool,
) -> Result<ExitCode> {
    let opened = super::load(paths, cache)?;
    let timeline = &opened.timeline;
    let hits = search::search(timeline, query, limit);
    let mut out = super::stdout();
    if json {
        let hits: Vec<JsonHit> = hits
            .iter()
            .map(|h| {
                let e = &timeline.events[h.idx];
                JsonHit {
                    id: &e.id,
                    kind: e.kind.as_str(),
                    date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
                    headline: &e.headline,
                    score: h.score,
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &hits).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        for h in &hits {
            let e = &timeline.events[h.idx];
            writeln!(
                out,
                "{}\t{}\t{}",
                date_label(e.date),
                text::one_line(&e.headline),
                text::one_line(&e.id)
            )?;
        }
    }
    super::finish(out)?;
    super::note_problems(timeline);
    let found = !hits.is_empty();
    opened.finish();
    Ok(if !found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

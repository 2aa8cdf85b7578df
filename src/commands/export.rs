//! `ktimeline export`: the whole timeline as JSON, in timeline order.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::Result;
use crate::model::{Event, Timeline};

#[derive(Serialize)]
struct Export<'a> {
    events: Vec<JsonEvent<'a>>,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    id: &'a str,
    kind: &'static str,
    date: Option<String>,
    headline: &'a str,
    body: &'a str,
    file: Option<&'a str>,
    sources: Vec<JsonSource<'a>>,
    related: Vec<JsonRelated<'a>>,
    backlinks: Vec<&'a str>,
    tags: &'a [String],
}

#[derive(Serialize)]
struct JsonSource<'a> {
    name: &'a str,
    url: &'a str,
    image: bool,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    id: &'a str,
    headline: &'a str,
    context: &'a [String],
    resolved: bool,
}

fn json_event<'a>(t: &'a Timeline, e: &'a Event) -> JsonEvent<'a> {
    JsonEvent {
        id: &e.id,
        kind: e.kind.as_str(),
        date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
        headline: &e.headline,
        body: &e.body,
        file: e.file.as_deref(),
        sources: e
            .sources
            .iter()
            .map(|s| JsonSource {
                name: &s.name,
                url: &s.url,
                image: s.image,
            })
            .collect(),
        related: e
            .related
            .iter()
            .map(|r| JsonRelated {
                id: &t.events[r.to].id,
                headline: &t.events[r.to].headline,
                context: &r.context,
                resolved: r.resolved,
            })
            .collect(),
        backlinks: e
            .backlinks
            .iter()
            .map(|&b| t.events[b].id.as_str())
            .collect(),
        tags: &e.tags,
    }
}

pub fn run(paths: &[PathBuf]) -> Result<ExitCode> {
    let timeline = super::load(paths)?;
    let export = Export {
        events: timeline
            .events
            .iter()
            .map(|e| json_event(&timeline, e))
            .collect(),
    };
    let mut out = super::stdout();
    serde_json::to_writer(&mut out, &export).map_err(std::io::Error::from)?;
    writeln!(out)?;
    super::finish(out)?;
    super::note_problems(&timeline);
    Ok(ExitCode::SUCCESS)
}

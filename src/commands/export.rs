//! `ktimeline export`: the whole timeline as JSON, in timeline order.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::Result;
use super::args::{ArchiveArgs, FilterArgs};
use rayon::prelude::*;

use crate::filter::Filter;
use crate::model::Timeline;

#[derive(Serialize)]
struct JsonEvent<'a> {
    id: &'a str,
    kind: &'static str,
    date: Option<String>,
    headline: &'a str,
    body: std::borrow::Cow<'a, str>,
    file: Option<&'a str>,
    sources: Vec<JsonSource<'a>>,
    related: Vec<JsonRelated<'a>>,
    backlinks: Vec<&'a str>,
    tags: &'a [crate::model::Tag],
    /// From front matter; left out when there is none, so that an
    /// archive without front matter exports as it always did.
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// The other keys of the front matter, in file order.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties<'a>>,
}

/// Front matter's other keys as one JSON object, in file order.
struct Properties<'a>(&'a [(Box<str>, Box<str>)]);

impl Serialize for Properties<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(&**k, &**v)?;
        }
        map.end()
    }
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
    context: &'a [crate::model::Tag],
    resolved: bool,
}

fn json_event(t: &Timeline, idx: usize) -> JsonEvent<'_> {
    let e = &t.events[idx];
    JsonEvent {
        id: &e.id,
        kind: e.kind.as_str(),
        date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
        headline: &e.headline,
        body: crate::loader::body(t, idx),
        file: e.file.as_deref(),
        sources: e
            .sources
            .iter()
            .map(|s| JsonSource {
                name: s.name(),
                url: s.url(),
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
        author: e.meta.as_ref().and_then(|m| m.author.as_deref()),
        description: e.meta.as_ref().and_then(|m| m.description.as_deref()),
        properties: e
            .meta
            .as_ref()
            .filter(|m| !m.properties.is_empty())
            .map(|m| Properties(&m.properties)),
    }
}

/// Entries turned into JSON at a time: their bodies are read from the
/// files in parallel, and only this many are held at once.
const CHUNK: usize = 1024;

/// Print the whole timeline as JSON: {"events": [...]} in timeline order.
#[derive(Debug, clap::Args)]
pub struct Export {
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// One JSON object per line (one per entry) instead of one document.
    #[arg(long)]
    jsonl: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

impl Export {
    pub fn run(self) -> Result<ExitCode> {
        let (opened, filter, _) = self.filter.load(&self.archive, false, "export")?;
        export(opened, self.jsonl, &filter)
    }
}

fn export(opened: crate::loader::Opened, jsonl: bool, filter: &Filter) -> Result<ExitCode> {
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, filter);
    let kept: Vec<usize> = (0..timeline.events.len())
        .filter(|&i| filter.accepts(&timeline.events[i]))
        .collect();
    let mut out = super::stdout();
    // `{"events":[...]}` (or one entry a line), written a chunk at a time:
    // the same bytes as serialising the whole `Export` at once.
    if !jsonl {
        out.write_all(b"{\"events\":[")?;
    }
    for (c, chunk) in kept.chunks(CHUNK).enumerate() {
        let chunk: Vec<Vec<u8>> = chunk
            .par_iter()
            .map(|&i| super::json::to_vec(&json_event(timeline, i)).expect("JSON of plain data"))
            .collect();
        for (i, json) in chunk.iter().enumerate() {
            if !jsonl && c + i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(json)?;
            if jsonl {
                out.write_all(b"\n")?;
            }
        }
    }
    if !jsonl {
        out.write_all(b"]}\n")?;
    }
    super::finish(out)?;
    super::note_problems(timeline);
    opened.finish();
    Ok(ExitCode::SUCCESS)
}

//! `ktimeline stats`: a readable summary of an archive, or one JSON object.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::{ArchiveArgs, FilterArgs};
use crate::filter::Filter;
use crate::loader::IndexUse;
use crate::text;

/// `stats --json`: the counts, and how the index was used.
#[derive(serde::Serialize)]
struct JsonStats<'a> {
    /// The paths given, as given (none: the sample).
    archives: &'a [String],
    /// The filter the counts are of, when there is one (a story named by
    /// its entry's whole headline).
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<String>,
    #[serde(flatten)]
    stats: &'a crate::model::Stats,
    index: IndexUse,
}

/// Summarise an archive: counts of events, articles, ghosts, days, links,
/// problems, and the most used tags.
#[derive(Debug, clap::Args)]
pub struct Stats {
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// How many of the most used tags to list.
    #[arg(long, default_value_t = 20)]
    tags: usize,
    #[command(flatten)]
    filter: FilterArgs,
}

impl Stats {
    pub fn run(self) -> Result<ExitCode> {
        let (opened, filter, _) = self.filter.load(&self.archive, false, "stats")?;
        stats(&self.archive, opened, self.json, self.tags, &filter)
    }
}

fn stats(
    archive: &ArchiveArgs,
    opened: crate::loader::Opened,
    json: bool,
    top_tags: usize,
    filter: &Filter,
) -> Result<ExitCode> {
    let (paths, cache) = (&archive.paths, archive.cache());
    let timeline = &opened.timeline;
    super::note_unknown_tags(timeline, filter);
    let s = timeline.stats_where(top_tags, |e| filter.accepts(e));
    let archives: Vec<String> = paths
        .iter()
        .map(|p| text::escape_path(p).into_owned())
        .collect();
    let mut out = super::stdout();
    if json {
        let j = JsonStats {
            archives: &archives,
            filter: (!filter.is_empty()).then(|| text::one_line(&filter.describe_whole())),
            stats: &s,
            index: opened.index,
        };
        super::json::to_writer_pretty(&mut out, &j)?;
        writeln!(out)?;
    } else {
        let range = match (&s.first, &s.last) {
            (Some(f), Some(l)) => format!("{f} to {l}"),
            _ => "no dated entries".into(),
        };
        if archives.is_empty() {
            writeln!(out, "archive      {}", text::one_line(&timeline.name))?;
        }
        for a in &archives {
            writeln!(out, "archive      {a}")?;
        }
        if !filter.is_empty() {
            writeln!(out, "filter       {}", text::one_line(&filter.describe()))?;
        }
        writeln!(
            out,
            "files        {} ({} index pages)",
            s.files, s.index_pages
        )?;
        writeln!(out, "events       {}", s.events)?;
        writeln!(out, "articles     {} ({} undated)", s.articles, s.undated)?;
        writeln!(out, "ghosts       {} (linked to, but no file)", s.ghosts)?;
        writeln!(out, "days         {} ({range})", s.days)?;
        writeln!(
            out,
            "links        {} resolved, {} to ghosts",
            s.links.resolved, s.links.unresolved
        )?;
        writeln!(out, "problems     {}", s.problems)?;
        let files = |n: usize| {
            if n == 1 {
                "1 file".to_string()
            } else {
                format!("{n} files")
            }
        };
        let i = opened.index;
        let index = if paths.is_empty() {
            "none (the built-in sample is not indexed)".to_string()
        } else if !cache {
            format!("not used (--no-cache); {} read", files(i.reread))
        } else {
            let state = match (i.used, i.written) {
                (true, _) => format!("used; {} re-read, {} gone", files(i.reread), i.removed),
                (false, _) => format!("none yet; {} read", files(i.reread)),
            };
            let note = match (i.changed(), i.written) {
                (false, _) => "",
                (true, true) => ", index written",
                (true, false) => ", but the cache folder could not be written",
            };
            format!("{state}{note}")
        };
        writeln!(out, "index        {index}")?;
        if !s.tags.is_empty() {
            writeln!(out, "top tags")?;
            for t in &s.tags {
                writeln!(out, "  {:>6}  {}", t.count, text::one_line(&t.tag))?;
            }
        }
    }
    super::finish(out)?;
    super::note_problems(timeline);
    opened.finish();
    Ok(ExitCode::SUCCESS)
}

//! `ktimeline stats`: a readable summary of an archive, or one JSON object.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::text;

pub fn run(paths: &[PathBuf], json: bool, top_tags: usize) -> Result<ExitCode> {
    let timeline = super::load(paths)?;
    let s = timeline.stats(top_tags);
    let mut out = super::stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, &s).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        let range = match (&s.first, &s.last) {
            (Some(f), Some(l)) => format!("{f} to {l}"),
            _ => "no dated entries".into(),
        };
        writeln!(out, "archive      {}", text::one_line(&timeline.name))?;
        writeln!(
            out,
            "files        {} ({} day index pages)",
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
        if !s.tags.is_empty() {
            writeln!(out, "top tags")?;
            for t in &s.tags {
                writeln!(out, "  {:>6}  {}", t.count, text::one_line(&t.tag))?;
            }
        }
    }
    super::finish(out)?;
    super::note_problems(&timeline);
    Ok(ExitCode::SUCCESS)
}

//! `ktimeline check`: one line per problem, then a summary; exit 1 when
//! there is any problem.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::ArchiveArgs;
use crate::text;

/// `1 file`, `2 files`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// List every problem met while loading, as FILE[:LINE]: reason.
/// Exits 1 when there is any.
#[derive(Debug, clap::Args)]
pub struct Check {
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// Also list every related link that leads to no file, as
    /// FILE:LINE: link to absent event ID.
    #[arg(long)]
    links: bool,
}

impl Check {
    pub fn run(self) -> Result<ExitCode> {
        check(&self.archive, self.links)
    }
}

fn check(archive: &ArchiveArgs, links: bool) -> Result<ExitCode> {
    let opened = archive.load()?;
    let timeline = &opened.timeline;
    let mut out = super::stdout();
    for p in &timeline.problems {
        writeln!(out, "{}", text::one_line(&p.to_string()))?;
    }
    let mut absent = 0;
    if links {
        for e in &timeline.events {
            let Some(file) = &e.file else { continue };
            for r in e.related.iter().filter(|r| !r.resolved) {
                absent += 1;
                writeln!(
                    out,
                    "{}: link to absent event {}",
                    text::one_line(&format!("{file}:{}", r.line)),
                    text::one_line(&timeline.events[r.to].id)
                )?;
            }
        }
    }
    let s = timeline.stats(0);
    if s.files == 0 {
        // An empty folder, or the wrong one: not a clean archive.
        writeln!(
            out,
            "nothing to check: no .md, .markdown or .txt file was found"
        )?;
        super::finish(out)?;
        opened.finish();
        return Ok(ExitCode::from(1));
    }
    let mut problems = match s.problems {
        0 => "no problems".to_string(),
        n => count(n, "problem"),
    };
    if links {
        let absent = match absent {
            1 => "1 link to an absent event".to_string(),
            n => format!("{n} links to absent events"),
        };
        problems = format!("{problems} and {absent}");
    }
    writeln!(
        out,
        "{problems} in {}: {}, {}, {}, {}",
        count(s.files, "file"),
        count(s.events, "event"),
        count(s.articles, "article"),
        count(s.ghosts, "ghost"),
        count(s.index_pages, "index page")
    )?;
    super::finish(out)?;
    opened.finish();
    Ok(if s.problems == 0 && absent == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

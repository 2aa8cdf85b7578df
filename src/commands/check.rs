//! `ktimeline check`: one line per problem, then a summary; exit 1 when
//! there is any problem.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Result;
use crate::text;

pub fn run(paths: &[PathBuf]) -> Result<ExitCode> {
    let timeline = super::load(paths)?;
    let mut out = super::stdout();
    for p in &timeline.problems {
        writeln!(out, "{}", text::one_line(&p.to_string()))?;
    }
    let s = timeline.stats(0);
    let problems = match s.problems {
        0 => "no problems".to_string(),
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    writeln!(
        out,
        "{problems} in {} files: {} events, {} articles, {} ghosts, {} index pages",
        s.files, s.events, s.articles, s.ghosts, s.index_pages
    )?;
    super::finish(out)?;
    Ok(if s.problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

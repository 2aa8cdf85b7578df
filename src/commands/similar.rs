//! `ktimeline similar`: the entries closest to one entry by content (its
//! headline and body against theirs, through the full-text index; see
//! `search::similar`), best first, one line each as `search` prints them.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::ArchiveArgs;
use super::listing::{self, JsonEntry};
use crate::search::similar;

/// Entries similar to ENTRY by content, best first: lines
/// DATE<TAB>HEADLINE<TAB>FILE as `search` prints them. ENTRY is a file as
/// `search` prints it (third column), a path to it, or an entry's id; it
/// is never listed itself. Exits 1 when no entry is similar, 2 when ENTRY
/// is not in the archive.
#[derive(Debug, clap::Args)]
pub struct Similar {
    /// The entry: its file (as `search` prints it, or any path to it) or
    /// its id.
    entry: String,
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// The most entries to print.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    limit: u32,
    /// Print a JSON array (id, kind, date, headline, file, score, and the
    /// words shared) instead of lines.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct JsonSimilar<'a> {
    #[serde(flatten)]
    entry: JsonEntry<'a>,
    /// The cosine of the two entries' words, 0 to 1.
    score: f64,
    /// The heaviest words they share.
    shares: Vec<&'a str>,
}

impl Similar {
    pub fn run(self) -> Result<ExitCode> {
        let (opened, index, idx) = self.archive.load_entry(&self.entry, "similar ENTRY")?;
        let t = &opened.timeline;
        let hits = similar::similar(
            t,
            &index,
            idx,
            self.limit as usize,
            similar::Near::Ranked,
            |_| false,
        );
        let mut out = super::stdout();
        if self.json {
            let items: Vec<JsonSimilar> = hits
                .iter()
                .map(|h| JsonSimilar {
                    entry: JsonEntry::of(&t.events[h.idx]),
                    score: h.score,
                    shares: h.snippet.as_deref().map_or(Vec::new(), |s| {
                        s.split(", ").filter(|w| !w.is_empty()).collect()
                    }),
                })
                .collect();
            listing::json(&mut out, &items)?;
        } else {
            for h in &hits {
                listing::line(&mut out, &t.events[h.idx])?;
                writeln!(out)?;
            }
        }
        super::finish(out)?;
        let n = hits.len();
        super::warn(&match n {
            0 => "ktimeline: no similar entry".to_string(),
            1 => "ktimeline: 1 similar entry".to_string(),
            n => format!("ktimeline: {n} similar entries"),
        });
        super::note_problems(t);
        opened.finish();
        Ok(if n == 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }
}

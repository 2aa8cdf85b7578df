//! `ktimeline story`: the story of one entry (see `search::story`), in
//! timeline order, one line per entry as `search` prints them.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use super::args::ArchiveArgs;
use super::listing::{self, JsonEntry};
use crate::search::story;

/// The story of ENTRY: the entries that tell the same story (linked to it
/// or from it, and close to it in words, kept to its subject), ENTRY
/// included, in timeline order: lines DATE<TAB>HEADLINE<TAB>FILE as
/// `search` prints them. ENTRY is a file as `search` prints it (third
/// column), a path to it, or an entry's id. Exits 2 when ENTRY is not in
/// the archive. `search`, `export` and `stats` keep to a story with
/// `--story ENTRY`.
#[derive(Debug, clap::Args)]
pub struct Story {
    /// The entry: its file (as `search` prints it, or any path to it) or
    /// its id.
    entry: String,
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
    /// Print a JSON array (id, kind, date, headline, file, and whether it
    /// is ENTRY) instead of lines.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct JsonMember<'a> {
    #[serde(flatten)]
    entry: JsonEntry<'a>,
    /// True for ENTRY itself.
    asked: bool,
}

impl Story {
    pub fn run(self) -> Result<ExitCode> {
        let (opened, index, idx) = self.archive.load_entry(&self.entry, "story ENTRY")?;
        let t = &opened.timeline;
        let members = story::story(t, &index, idx);
        let mut out = super::stdout();
        if self.json {
            let items: Vec<JsonMember> = (members.iter())
                .map(|&i| JsonMember {
                    entry: JsonEntry::of(&t.events[i]),
                    asked: i == idx,
                })
                .collect();
            listing::json(&mut out, &items)?;
        } else {
            for &i in &members {
                listing::line(&mut out, &t.events[i])?;
                writeln!(out)?;
            }
        }
        super::finish(out)?;
        let n = members.len();
        let what = match n {
            1 => "entry (itself)",
            crate::search::story::MAX_STORY => {
                "entries, the most a story holds (the rest were cut)"
            }
            _ => "entries",
        };
        super::warn(&format!(
            "ktimeline: the story of this entry holds {n} {what}"
        ));
        super::note_problems(t);
        opened.finish();
        Ok(ExitCode::SUCCESS)
    }
}

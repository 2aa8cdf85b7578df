//! The arguments several commands share, each defined once and flattened
//! into the commands that take it (`#[command(flatten)]`): the archive to
//! read, and the entry filters.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Result;
use crate::filter::{End, Filter, parse_date};
use crate::loader::{self, Opened};
use crate::model::Kind;

/// The archive a command reads: `stats`, `check`, `search`, `export` and
/// `bookmarks`.
#[derive(Debug, Clone, Default, Args)]
pub struct ArchiveArgs {
    /// Archive folders or files (none: the built-in sample).
    pub paths: Vec<PathBuf>,
    /// Read every file again, ignoring (and not writing) the index kept
    /// in the cache folder.
    #[arg(long)]
    pub no_cache: bool,
}

impl ArchiveArgs {
    /// Loads the archive and its word index, and finds `entry` in it, for
    /// a command whose arguments are `usage` then the PATHs (`similar
    /// ENTRY`): see `entry::before_load` and `entry::find_in`.
    pub fn load_entry(
        &self,
        entry: &str,
        usage: &str,
    ) -> Result<(Opened, crate::search::WordIndex, crate::model::EventIdx)> {
        super::entry::before_load(&self.paths, entry, usage)?;
        let (opened, words) = self.load_with_words()?;
        let idx = super::entry::find_in(&opened.timeline, &self.paths, entry, usage)?;
        Ok((opened, words, idx))
    }

    /// Whether the persistent index is used.
    pub fn cache(&self) -> bool {
        !self.no_cache
    }

    /// Loads the archive and its full-text index (read from the cache
    /// folder on another thread while the archive loads; built, and kept
    /// there, when it is missing or stale; built in memory for the sample
    /// or with `--no-cache`).
    pub fn load_with_words(&self) -> Result<(Opened, crate::search::WordIndex)> {
        use crate::search::WordIndex;
        let place = (self.cache() && !self.paths.is_empty())
            .then(|| loader::cache_place(&self.paths))
            .flatten();
        let reading = place
            .clone()
            .map(|p| std::thread::spawn(move || WordIndex::read_saved(&p)));
        let opened = self.load()?;
        let saved = reading.and_then(|r| r.join().ok()).flatten();
        let index = WordIndex::saved_or_built(&opened.timeline, place.as_ref(), saved);
        Ok((opened, index))
    }

    /// Loads the archive: the built-in sample when no path is given;
    /// unless `--no-cache`, through the persistent index.
    pub fn load(&self) -> Result<Opened> {
        if self.paths.is_empty() {
            Ok(Opened::new(loader::load_sample()))
        } else {
            Ok(loader::open(&self.paths, self.cache(), &|_, _| {})?)
        }
    }
}

/// The entry filters shared by `search`, `export` and `stats`.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only entries dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD;
    /// a year or month counts from its first day). Drops undated ones.
    #[arg(long, value_name = "DATE", value_parser = since_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Only entries dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD;
    /// a year or month counts to its last day). Drops undated ones.
    #[arg(long, value_name = "DATE", value_parser = until_date)]
    pub until: Option<chrono::NaiveDate>,
    /// Only entries carrying TAG (ignoring case); repeat it to require
    /// several.
    #[arg(long, value_name = "TAG", value_parser = tag_name)]
    pub tag: Vec<String>,
    /// Only entries of this kind; repeat it for several.
    #[arg(long, value_enum)]
    pub kind: Vec<KindArg>,
    /// Only the entries of ENTRY's story (as `ktimeline story ENTRY`
    /// prints them): ENTRY is a file as `search` prints it, or an id.
    #[arg(long, value_name = "ENTRY")]
    pub story: Option<String>,
}

impl FilterArgs {
    /// The filter, or why it can keep nothing (a range that ends before it
    /// starts): a usage error.
    pub fn filter(&self) -> Result<Filter> {
        if let (Some(s), Some(u)) = (self.since, self.until)
            && s > u
        {
            return Err(super::Error::Usage(format!(
                "--since {s} is after --until {u}: nothing can match"
            )));
        }
        Ok(Filter {
            since: self.since,
            until: self.until,
            tags: self.tag.clone(),
            kinds: self.kind.iter().map(|k| Kind::from(*k)).collect(),
            story: None,
        })
    }

    /// Loads the archive of `archive` and this filter, with `--story`'s
    /// entry found in it; and its word index when `words` asks for it or
    /// `--story` needs it. `command`: the command's name, for the messages.
    pub fn load(
        &self,
        archive: &ArchiveArgs,
        words: bool,
        command: &str,
    ) -> Result<(Opened, Filter, Option<crate::search::WordIndex>)> {
        let mut filter = self.filter()?;
        let usage = format!("{command} --story ENTRY");
        if let Some(entry) = &self.story {
            super::entry::before_load(&archive.paths, entry, &usage)?;
        }
        let (opened, index) = if words || self.story.is_some() {
            let (opened, index) = archive.load_with_words()?;
            (opened, Some(index))
        } else {
            (archive.load()?, None)
        };
        if let (Some(entry), Some(index)) = (&self.story, &index) {
            let t = &opened.timeline;
            let idx = super::entry::find_in(t, &archive.paths, entry, &usage)?;
            let members = crate::search::story::story(t, index, idx);
            filter.story = Some(crate::filter::StoryFilter::of_entries(t, idx, &members));
        }
        Ok((opened, filter, index))
    }
}

/// A tag as tags are stored: white space folded; not empty.
fn tag_name(s: &str) -> std::result::Result<String, String> {
    let tag = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if tag.is_empty() {
        return Err("a tag cannot be empty".into());
    }
    Ok(tag)
}

fn since_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    parse_date(s, End::Start)
}

fn until_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    parse_date(s, End::Finish)
}

/// `--kind`: what an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// An event file.
    Event,
    /// A plain reported article.
    Article,
    /// An event known only from links to it.
    Ghost,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Event => Kind::Event,
            KindArg::Article => Kind::Article,
            KindArg::Ghost => Kind::Ghost,
        }
    }
}

//! The command line, defined with clap: `ktimeline [PATH]...` opens the
//! browser; `stats`, `check`, `search` and `export` answer from the
//! command line for scripts; `bookmarks`, `config`, `completions` and `man`
//! serve everyday use.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::filter::{End, Filter, parse_date};
use crate::model::Kind;

/// A terminal browser for archives of news events kept as markdown files.
///
/// With no PATH, ktimeline opens its built-in sample archive (inter-Korean
/// relations, 1945 to today). A PATH is an archive's root folder or a single
/// file; several may be given.
#[derive(Debug, Parser)]
#[command(name = "ktimeline", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Archive folders or files to open in the browser (none: the sample).
    pub paths: Vec<PathBuf>,

    /// Read every file again, ignoring (and not writing) the index kept in
    /// the cache folder.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise an archive: counts of events, articles, ghosts, days, links,
    /// problems, and the most used tags.
    Stats {
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// How many of the most used tags to list.
        #[arg(long, default_value_t = 20)]
        tags: usize,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// List every problem met while loading, as FILE[:LINE]: reason.
    /// Exits 1 when there is any.
    Check {
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
        /// Also list every related link that leads to no file, as
        /// FILE:LINE: link to absent event ID.
        #[arg(long)]
        links: bool,
    },
    /// Fuzzy search over headlines; prints DATE<TAB>HEADLINE<TAB>FILE per hit
    /// (the file to open; the id for a ghost), exact matches first, then
    /// best first. Every word of QUERY must match. The count goes to
    /// standard error. Exits 1 when nothing matches.
    Search {
        /// What to look for: a few words or word prefixes.
        #[arg(value_parser = query_words)]
        query: String,
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
        /// The most hits to print.
        #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
        /// Print a JSON array of hits instead of lines.
        #[arg(long)]
        json: bool,
        /// Search the full text (headlines and bodies) instead: every word
        /// of QUERY must begin a word of the entry, case and accents
        /// ignored; headline matches first, then by relevance. Each line
        /// gets a fourth column, a snippet around the first match.
        #[arg(long)]
        text: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Print the whole timeline as JSON: {"events": [...]} in timeline order.
    Export {
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
        /// One JSON object per line (one per entry) instead of one document.
        #[arg(long)]
        jsonl: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Print the bookmarks kept for an archive (set with `m` in the
    /// browser) as DATE<TAB>HEADLINE<TAB>FILE, like `search`. Exits 1 when
    /// there is none.
    Bookmarks {
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Print the default configuration file, every option commented, to
    /// copy to $XDG_CONFIG_HOME/ktimeline/config.toml.
    Config {
        /// Check the configuration file instead: exits 0 when it is good,
        /// 2 (saying where and what) when it is not.
        #[arg(long)]
        check: bool,
    },
    /// Print a completion script for a shell, e.g.
    /// `ktimeline completions bash > ~/.local/share/bash-completion/completions/ktimeline`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `ktimeline man | man -l -`.
    Man,
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
}

impl FilterArgs {
    /// The filter, or why it can keep nothing (a range that ends before it
    /// starts).
    pub fn filter(&self) -> Result<Filter, String> {
        if let (Some(s), Some(u)) = (self.since, self.until)
            && s > u
        {
            return Err(format!(
                "--since {s} is after --until {u}: nothing can match"
            ));
        }
        Ok(Filter {
            since: self.since,
            until: self.until,
            tags: self.tag.clone(),
            kinds: self.kind.iter().map(|k| Kind::from(*k)).collect(),
        })
    }
}

/// A query with at least one word.
fn query_words(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("the query has no words".into());
    }
    Ok(s.to_string())
}

/// A tag as tags are stored: white space folded; not empty.
fn tag_name(s: &str) -> Result<String, String> {
    let tag = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if tag.is_empty() {
        return Err("a tag cannot be empty".into());
    }
    Ok(tag)
}

fn since_date(s: &str) -> Result<chrono::NaiveDate, String> {
    parse_date(s, End::Start)
}

fn until_date(s: &str) -> Result<chrono::NaiveDate, String> {
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

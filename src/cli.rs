//! The command line, defined with clap: `ktimeline [PATH]...` opens the
//! browser; `stats`, `check`, `search` and `export` answer from the
//! command line for scripts.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
    },
    /// Fuzzy search over headlines; prints DATE<TAB>HEADLINE<TAB>ID per hit,
    /// best first. Every word of QUERY must match. Exits 1 when nothing
    /// matches.
    Search {
        /// What to look for: a few words or word prefixes.
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
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
    },
    /// Print the whole timeline as JSON: {"events": [...]} in timeline order.
    Export {
        /// Archive folders or files (none: the built-in sample).
        paths: Vec<PathBuf>,
        /// Read every file again, ignoring (and not writing) the index kept
        /// in the cache folder.
        #[arg(long)]
        no_cache: bool,
    },
}

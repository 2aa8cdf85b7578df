//! The command line, defined with clap: `ktimeline [PATH]...` opens the
//! browser; `stats`, `check`, `search` and `export` answer from the
//! command line for scripts, `show` prints one entry as the browser shows
//! it; `bookmarks`, `config`, `completions` and `man`
//! serve everyday use. Each command owns its arguments and its `run`
//! (`crate::commands`); this puts them together, runs the one asked for
//! and says how it ended.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{
    self, Error, bookmarks, check, config, export, search, shell, show, similar, stats, story,
};

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
    Stats(stats::Stats),
    Check(check::Check),
    Search(search::Search),
    Similar(similar::Similar),
    Story(story::Story),
    Export(export::Export),
    Show(show::Show),
    Bookmarks(bookmarks::Bookmarks),
    Config(config::Config),
    Completions(shell::Completions),
    Man(shell::Man),
}

impl Cli {
    /// Runs the command asked for (none: the browser), prints why it
    /// failed if it did, and gives the exit code.
    pub fn run(self) -> ExitCode {
        let result = match self.command {
            Some(command) => command.run(),
            None => {
                if let Some(hint) = subcommand_hint(&self.paths) {
                    commands::warn(&format!("ktimeline: {hint}"));
                    return ExitCode::from(2);
                }
                crate::tui::run(self.paths, !self.no_cache).map_err(Error::from)
            }
        };
        match result {
            Ok(code) => code,
            Err(Error::BrokenPipe) => ExitCode::SUCCESS,
            Err(Error::Usage(why)) => {
                commands::warn(&format!("ktimeline: {why}"));
                ExitCode::from(2)
            }
            Err(e) => {
                commands::warn(&format!(
                    "ktimeline: {}",
                    crate::text::sanitize(&e.to_string(), false)
                ));
                ExitCode::from(2)
            }
        }
    }
}

impl Command {
    fn run(self) -> commands::Result<ExitCode> {
        match self {
            Command::Stats(c) => c.run(),
            Command::Check(c) => c.run(),
            Command::Search(c) => c.run(),
            Command::Similar(c) => c.run(),
            Command::Story(c) => c.run(),
            Command::Export(c) => c.run(),
            Command::Show(c) => c.run(),
            Command::Bookmarks(c) => c.run(),
            Command::Config(c) => c.run(),
            Command::Completions(c) => c.run(Cli::command()),
            Command::Man(c) => c.run(Cli::command()),
        }
    }
}

/// `ktimeline stat x`: the first PATH does not exist and looks like a
/// misspelt subcommand, so say which one was probably meant (of clap's
/// list of them).
fn subcommand_hint(paths: &[PathBuf]) -> Option<String> {
    let first = paths.first()?;
    if first.exists() {
        return None;
    }
    let word = first.to_str()?.to_lowercase();
    let cli = Cli::command();
    let near = cli
        .get_subcommands()
        .map(clap::Command::get_name)
        .find(|c| {
            word.len() >= 3
                && (c.starts_with(&word)
                    || word.starts_with(c)
                    || strsim::damerau_levenshtein(c, &word) <= 2)
        })?;
    if word == near {
        // `ktimeline --no-cache stats DIR`: an option before the command.
        return Some(format!(
            "options go after the command: `ktimeline {near} [OPTIONS] [PATH]...`"
        ));
    }
    Some(format!(
        "{}: no such file or directory (did you mean `ktimeline {near}`?)",
        crate::text::sanitize(&word, false)
    ))
}

//! The command line, defined with clap: `ktimeline [PATH]...` opens the
//! browser; `stats`, `check`, `search` and `export` answer from the
//! command line for scripts, `show` prints one entry as the browser shows
//! it; `bookmarks`, `config`, `completions` and `man`
//! serve everyday use. Each command owns its arguments and its `run`
//! (`crate::commands`); this puts them together, runs the one asked for
//! and says how it ended.

use std::ffi::OsString;
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

/// More plain arguments than this at the end of a command line are given
/// to clap only in part (see [`Cli::parse_args`]).
const BULK: usize = 256;

impl Cli {
    /// Parses a command line (`args`, the program's name first) as clap
    /// does. Tens of thousands of PATHs (`ktimeline stats $(find …)`) cost
    /// clap half a microsecond each: when a command line ends with more
    /// than [`BULK`] plain arguments (not empty, not starting with `-`, no
    /// subcommand's name), clap parses it up to the first of them, and up
    /// to the second; when the second was taken as one more PATH, so would
    /// every one after it be, and they are added to the PATHs as they are.
    /// Anything else is clap's alone, as is every error.
    pub fn parse_args(mut args: Vec<OsString>) -> Result<Cli, clap::Error> {
        let plain = args
            .iter()
            .skip(1)
            .rev()
            .take_while(|a| !a.is_empty() && !a.as_encoded_bytes().starts_with(b"-"))
            .count();
        if plain > BULK {
            let first = args.len() - plain;
            let rest = args.split_off(first + 2);
            match Cli::with_bulk(&args, rest) {
                Ok(cli) => return Ok(cli),
                Err(rest) => args.extend(rest),
            }
        }
        Cli::try_parse_from(args)
    }

    /// The command line `args` (ending with two plain arguments) with the
    /// plain arguments `rest` after it, when clap would take `rest` as
    /// PATHs; else `rest` back.
    fn with_bulk(args: &[OsString], rest: Vec<OsString>) -> Result<Cli, Vec<OsString>> {
        let command = Cli::command();
        let names: Vec<&str> = std::iter::once("help")
            .chain(
                command
                    .get_subcommands()
                    .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases())),
            )
            .collect();
        if rest
            .iter()
            .any(|a| a.to_str().is_some_and(|a| names.contains(&a)))
        {
            return Err(rest);
        }
        let (Ok(mut one), Ok(mut two)) = (
            Cli::try_parse_from(&args[..args.len() - 1]),
            Cli::try_parse_from(args),
        ) else {
            return Err(rest);
        };
        let (Some(before), Some(after)) = (one.paths_mut(), two.paths_mut()) else {
            return Err(rest);
        };
        let second = args.last().map(PathBuf::from);
        let taken = after.len() == before.len() + 1
            && after.starts_with(before)
            && after.last() == second.as_ref();
        if !taken {
            return Err(rest);
        }
        after.extend(rest.into_iter().map(PathBuf::from));
        Ok(two)
    }

    /// The PATHs of the command asked for, if it takes any.
    fn paths_mut(&mut self) -> Option<&mut Vec<PathBuf>> {
        let Some(command) = &mut self.command else {
            return Some(&mut self.paths);
        };
        let archive = match command {
            Command::Stats(c) => &mut c.archive,
            Command::Check(c) => &mut c.archive,
            Command::Search(c) => &mut c.archive,
            Command::Similar(c) => &mut c.archive,
            Command::Story(c) => &mut c.archive,
            Command::Export(c) => &mut c.archive,
            Command::Show(c) => &mut c.archive,
            Command::Bookmarks(c) => &mut c.archive,
            Command::Config(_) | Command::Completions(_) | Command::Man(_) => return None,
        };
        Some(&mut archive.paths)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// What clap makes of a command line, or how it refuses it.
    fn parsed(r: Result<Cli, clap::Error>) -> String {
        match r {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("{:?}: {}", e.kind(), e.render()),
        }
    }

    /// Many PATHs at the end of a command line parse as clap alone parses
    /// them, whatever comes before (options with values, a query, `--`,
    /// no command) and whatever they are (a command's name, an option,
    /// an empty one), taken by the short way or not.
    #[test]
    fn many_paths_parse_as_clap_parses_them() {
        let many: Vec<String> = (0..BULK + 40).map(|i| format!("news/{i}.md")).collect();
        let heads: &[&[&str]] = &[
            &[],
            &["stats"],
            &["stats", "--json", "--tag", "x"],
            &["stats", "--tag"],
            &["--no-cache"],
            &["--"],
            &["stats", "--"],
            &["search", "--text"],
            &["search", "--text", "-n", "3"],
            &["export", "--jsonl", "--kind"],
            &["export", "--kind", "event"],
            &["show"],
            &["similar", "-n"],
            &["story"],
            &["stats", "--story"],
            &["export", "--story", "x.md", "--jsonl"],
            &["bookmarks", "--json"],
            &["check", "--links"],
            &["config"],
            &["completions", "bash"],
            &["man"],
            &["stats", "--help"],
            &["--version"],
            &["nonsense"],
        ];
        let odd: &[Option<(usize, &str)>] = &[
            None,
            Some((0, "stats")),
            Some((1, "stats")),
            Some((BULK, "check")),
            Some((BULK + 5, "help")),
            Some((BULK + 5, "--json")),
            Some((BULK + 5, "")),
            Some((BULK + 5, "-")),
            Some((3, "--since")),
        ];
        let mut short = 0;
        for head in heads {
            for &odd in odd {
                let mut args: Vec<OsString> = vec!["ktimeline".into()];
                args.extend(head.iter().map(OsString::from));
                let mut tail = many.clone();
                if let Some((at, what)) = odd {
                    tail[at] = what.into();
                }
                args.extend(tail.into_iter().map(OsString::from));
                let plain = parsed(Cli::try_parse_from(&args));
                let quick = parsed(Cli::parse_args(args.clone()));
                assert_eq!(quick, plain, "{head:?} {odd:?}");
                if odd.is_none() {
                    let first = args.len() - many.len();
                    let rest = args[first + 2..].to_vec();
                    short += usize::from(Cli::with_bulk(&args[..first + 2], rest).is_ok());
                }
            }
        }
        // The short way was taken where it could be.
        assert_eq!(short, 17);
    }
}

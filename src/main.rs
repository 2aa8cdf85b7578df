//! Parses the command line, dispatches, prints errors, sets the exit code.

use std::process::ExitCode;

/// Loading makes millions of small allocations from many threads; mimalloc
/// does them markedly faster than the system allocator. It is built without
/// transparent huge pages (Cargo.toml): zeroing 2 MB pages slowed a first
/// scan, and a reopen right after one (0.26 -> 0.36 s on 100,000 events,
/// although a reopen on pages already in use gained 10 %).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use ktimeline::cli::{Cli, Command};
use ktimeline::commands;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return command_line_error(e),
    };
    let result = match cli.command {
        None => {
            if let Some(hint) = subcommand_hint(&cli.paths) {
                commands::warn(&format!("ktimeline: {hint}"));
                return ExitCode::from(2);
            }
            ktimeline::tui::run(cli.paths, !cli.no_cache).map_err(commands::Error::from)
        }
        Some(Command::Stats {
            paths,
            json,
            tags,
            no_cache,
            filter,
        }) => match filter.filter() {
            Ok(f) => commands::stats::run(&paths, json, tags, !no_cache, &f),
            Err(e) => return usage(&e),
        },
        Some(Command::Check {
            paths,
            no_cache,
            links,
        }) => commands::check::run(&paths, !no_cache, links),
        Some(Command::Search {
            query,
            paths,
            limit,
            json,
            no_cache,
            text,
            filter,
        }) => {
            let filter = match filter.filter() {
                Ok(f) => f,
                Err(e) => return usage(&e),
            };
            let q = commands::search::Query {
                kind: if text {
                    ktimeline::search::Kind::FullText
                } else {
                    ktimeline::search::Kind::Headline
                },
                text: &query,
                limit: limit as usize,
                json,
                filter,
            };
            commands::search::run(&q, &paths, !no_cache)
        }
        Some(Command::Export {
            paths,
            no_cache,
            jsonl,
            filter,
        }) => match filter.filter() {
            Ok(f) => commands::export::run(&paths, !no_cache, jsonl, &f),
            Err(e) => return usage(&e),
        },
        Some(Command::Bookmarks {
            paths,
            no_cache,
            json,
        }) => commands::bookmarks::run(&paths, !no_cache, json),
        Some(Command::Config { check }) => commands::config::run(check),
        Some(Command::Completions { shell }) => commands::shell::completions(shell),
        Some(Command::Man) => commands::shell::man(),
    };
    match result {
        Ok(code) => code,
        Err(commands::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            commands::warn(&format!(
                "ktimeline: {}",
                ktimeline::text::sanitize(&e.to_string(), false)
            ));
            ExitCode::from(2)
        }
    }
}

/// What clap says of the command line. Help and the version are printed
/// as clap prints them; an error quotes what was typed, so its invisible
/// characters and escape sequences are shown escaped, never sent raw.
fn command_line_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    commands::warn(ktimeline::text::escape_invisible(text.trim_end(), true).as_str());
    ExitCode::from(2)
}

/// A usage error found after parsing: said, exit 2.
fn usage(why: &str) -> ExitCode {
    commands::warn(&format!("ktimeline: {why}"));
    ExitCode::from(2)
}

/// `ktimeline stat x`: the first PATH does not exist and looks like a
/// misspelt subcommand, so say which one was probably meant.
fn subcommand_hint(paths: &[std::path::PathBuf]) -> Option<String> {
    let first = paths.first()?;
    if first.exists() {
        return None;
    }
    let word = first.to_str()?.to_lowercase();
    let near = [
        "stats",
        "check",
        "search",
        "export",
        "bookmarks",
        "config",
        "completions",
        "man",
    ]
    .into_iter()
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
        ktimeline::text::sanitize(&word, false)
    ))
}

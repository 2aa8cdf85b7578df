//! Parses the command line and runs it; a command line clap refuses is
//! said here, its exit code 2.

#![deny(clippy::unwrap_used)]

use std::process::ExitCode;

/// Loading makes millions of small allocations from many threads; mimalloc
/// does them markedly faster than the system allocator. It is built without
/// transparent huge pages (Cargo.toml): zeroing 2 MB pages slowed a first
/// scan, and a reopen right after one (0.26 -> 0.36 s on 100,000 events,
/// although a reopen on pages already in use gained 10 %).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ktimeline::cli::Cli;
use ktimeline::commands;

fn main() -> ExitCode {
    match Cli::parse_args(std::env::args_os().collect()) {
        Ok(cli) => cli.run(),
        Err(e) => command_line_error(e),
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

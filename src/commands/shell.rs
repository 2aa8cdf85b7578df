//! Shell integration: `ktimeline completions SHELL` prints a completion
//! script (clap_complete) and `ktimeline man` a roff manual page
//! (clap_mangen) that also lists the browser's keys, the files it keeps
//! and the environment it reads, so that both follow the code. Both are
//! made from the whole command line, which the caller passes in
//! (`crate::cli::Cli::command()`): the command line is made of the
//! commands, so they do not reach back for it.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use crate::tui::keymap;

/// Print a completion script for a shell, e.g.
/// `ktimeline completions bash > ~/.local/share/bash-completion/completions/ktimeline`.
#[derive(Debug, clap::Args)]
pub struct Completions {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

impl Completions {
    /// Prints the completion script of `cli`, the whole command line.
    pub fn run(self, mut cli: clap::Command) -> Result<ExitCode> {
        let mut out = super::stdout();
        clap_complete::generate(self.shell, &mut cli, "ktimeline", &mut out);
        super::finish(out)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Print the manual page (roff), e.g. `ktimeline man | man -l -`.
#[derive(Debug, clap::Args)]
pub struct Man {}

impl Man {
    /// Prints the manual page of `cli`, the whole command line.
    pub fn run(self, cli: clap::Command) -> Result<ExitCode> {
        let page = man_page(cli)?;
        let mut out = super::stdout();
        out.write_all(&page)?;
        super::finish(out)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The environment variables ktimeline reads, and what for.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "When set to anything, the browser draws without colour, and show prints plain text.",
    ),
    (
        "PAGER",
        "The pager show prints through to a terminal (else less -R; LESS is set to FRX when unset). Split into words as a shell would, never run by one; empty or cat: no pager.",
    ),
    (
        "BROWSER",
        "The web browser that o and Enter hand a source's address to, when the configuration names no opener. Otherwise xdg-open (open on macOS). Split into words as a shell would (quotes, backslashes), never run by one; of a colon-separated list, the first.",
    ),
    (
        "VISUAL, EDITOR",
        "The editor that e opens an entry's file in, when the configuration names none (VISUAL first). Split into words as a shell would (\"/opt/my editor/ed\" -f is two words), never run by one; the file is added as an absolute path.",
    ),
    (
        "XDG_CONFIG_HOME",
        "The configuration file is $XDG_CONFIG_HOME/ktimeline/config.toml (else ~/.config/ktimeline/config.toml).",
    ),
    (
        "XDG_STATE_HOME",
        "Where each archive's last place, bookmarks and read entries are kept: $XDG_STATE_HOME/ktimeline/ (else ~/.local/state/ktimeline/).",
    ),
    (
        "XDG_CACHE_HOME",
        "Where the index of each archive is kept: $XDG_CACHE_HOME/ktimeline/ (else ~/.cache/ktimeline/).",
    ),
    (
        "TERM",
        "TERM=dumb means the terminal cannot draw the browser.",
    ),
];

/// Text for roff: backslashes escaped, hyphens kept as hyphens, and no
/// line that starts like a request.
fn roff(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

/// The manual page of `cli`: clap's sections, then the browser's keys (the
/// default keymap, in ASCII), the files and the environment.
pub fn man_page(cli: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cli).render(&mut page)?;
    let mut extra = String::from(".SH \"BROWSER KEYS\"\n");
    extra.push_str(
        "The keys below are the defaults; the [keys] table of the configuration file changes them (see \\fBktimeline config\\fR).\n",
    );
    for (title, rows) in keymap::Keymap::default().help_sections(true) {
        extra.push_str(&format!(".SS \"{}\"\n", roff(title)));
        for (keys, what) in rows {
            extra.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(&keys), roff(what)));
        }
    }
    extra.push_str(".SH FILES\n");
    for (file, what) in [
        (
            "$XDG_CONFIG_HOME/ktimeline/config.toml",
            "The configuration: keys, colours, opener, editor, body width. `ktimeline config` prints a commented default one; `ktimeline config --check` checks it.",
        ),
        (
            "$XDG_STATE_HOME/ktimeline/",
            "Per archive: the last place, the bookmarks, the entries read.",
        ),
        (
            "$XDG_CACHE_HOME/ktimeline/",
            "Per archive: the index that makes the next start fast. It can be deleted at any time.",
        ),
    ] {
        extra.push_str(&format!(".TP\n\\fI{}\\fR\n{}\n", roff(file), roff(what)));
    }
    extra.push_str(".SH ENVIRONMENT\n");
    for (var, what) in ENVIRONMENT {
        extra.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(var), roff(what)));
    }
    page.extend_from_slice(extra.as_bytes());
    Ok(page)
}

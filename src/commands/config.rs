//! `ktimeline config`: prints the default configuration file, every option
//! commented; with `--check`, checks the user's file and says where it is
//! wrong (exit 2) or that it is good.

use std::io::Write;
use std::process::ExitCode;

use super::Result;
use crate::tui::config;

/// Print the default configuration file, every option commented, to
/// copy to $XDG_CONFIG_HOME/ktimeline/config.toml.
#[derive(Debug, clap::Args)]
pub struct Config {
    /// Check the configuration file instead: exits 0 when it is good,
    /// 2 (saying where and what) when it is not.
    #[arg(long)]
    check: bool,
}

impl Config {
    pub fn run(self) -> Result<ExitCode> {
        print_or_check(self.check)
    }
}

fn print_or_check(check: bool) -> Result<ExitCode> {
    if !check {
        let mut out = super::stdout();
        out.write_all(config::default_file().as_bytes())?;
        super::finish(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(path) = config::config_path() else {
        super::warn("ktimeline: no configuration folder (neither XDG_CONFIG_HOME nor HOME is set)");
        return Ok(ExitCode::from(2));
    };
    if !path.exists() {
        println!(
            "{}: no such file; the defaults are in force",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    match config::load_from(&path) {
        Ok(_) => {
            println!("{}: good", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            super::warn(&format!(
                "ktimeline: {}",
                crate::text::sanitize(&e.to_string(), false)
            ));
            Ok(ExitCode::from(2))
        }
    }
}

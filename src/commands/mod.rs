//! The non-interactive subcommands.

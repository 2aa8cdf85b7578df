//! ktimeline: a terminal browser for archives of news events kept as
//! markdown files. The library holds everything; `main.rs` only parses the
//! command line and runs it (`cli::Cli::run`), so tests and benchmarks
//! reach every part.

#![deny(clippy::unwrap_used)]

pub mod atomic;
pub mod changes;
pub mod cli;
pub mod commands;
pub mod draft;
pub mod filter;
pub mod generate;
pub mod index;
pub mod loader;
pub mod model;
pub mod search;
pub mod state;
pub mod text;
pub mod tui;
pub mod watch;

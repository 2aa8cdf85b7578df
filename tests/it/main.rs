//! The integration tests, one binary with a module per area (as ripgrep
//! keeps them), so that a change to the library relinks one test binary,
//! not eleven. The fixture archives are in `tests/fixtures/`; the browser's
//! insta snapshots in `tests/it/snapshots/`. (The editor's test is a
//! binary of its own, `tests/editor.rs`: it changes the working folder.)

mod cli;
mod commonmark;
mod everyday;
mod fast_path;
mod frontmatter;
mod index;
mod loader;
mod props;
mod search_reference;
mod similar;
mod tui_app;
mod tui_pty;
mod tui_render;
mod wikitimes;

//! Writes a generated archive for trying ktimeline at scale:
//! `cargo run --release --example gen_archive -- DIR [EVENTS] [SEED]`.
//! (Kept beside the benchmarks that use the same generator.)

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_archive DIR [EVENTS=100000] [SEED=1]");
        return ExitCode::from(2);
    };
    let number = |arg: Option<String>, default: u64| match arg {
        None => Some(default),
        Some(a) => a.parse().ok(),
    };
    let (Some(events), Some(seed)) = (number(args.next(), 100_000), number(args.next(), 1)) else {
        eprintln!("usage: gen_archive DIR [EVENTS=100000] [SEED=1] (whole numbers)");
        return ExitCode::from(2);
    };
    let events = events as usize;
    match ktimeline::generate::write_archive(&dir, events, seed) {
        Ok(files) => {
            println!(
                "wrote {files} files for {events} events under {}",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_archive: {}: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}

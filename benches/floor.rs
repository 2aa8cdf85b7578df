//! The floors under ktimeline's load times on this machine: the least any
//! program must spend to do what a load cannot avoid, so that
//! `benches/scale.sh` can print them beside ripgrep's time.
//!
//!   floor DIR read   walk DIR in parallel and open, fstat, read and close
//!                    every file (what a first open must do before parsing)
//!   floor DIR stat   stat every folder and file by its path, in parallel
//!                    (what a reopen must do to check the index); the paths
//!                    are listed first, untimed
//!
//! Prints the seconds of the measured part, then what it touched. Uses as
//! many threads as cores, as ktimeline's loader does.

use std::fs;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ktimeline::loader::read::MAX_FILE_BYTES;
use rayon::prelude::*;

/// Every folder and file under `dir`, listed in parallel.
fn walk(dir: PathBuf, on_file: &(dyn Fn(PathBuf) + Sync), on_dir: &(dyn Fn(&PathBuf) + Sync)) {
    rayon::scope(|s| visit(s, dir, on_file, on_dir));
}

fn visit<'s>(
    s: &rayon::Scope<'s>,
    dir: PathBuf,
    on_file: &'s (dyn Fn(PathBuf) + Sync),
    on_dir: &'s (dyn Fn(&PathBuf) + Sync),
) {
    on_dir(&dir);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            let path = entry.path();
            s.spawn(move |s| visit(s, path, on_file, on_dir));
        } else if ft.is_file() {
            on_file(entry.path());
        }
    }
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), Some(mode)) = (args.next(), args.next()) else {
        eprintln!("usage: floor DIR read|stat");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    if !dir.is_dir() {
        eprintln!("floor: {}: not a folder", dir.display());
        std::process::exit(2);
    }
    let mode = mode.to_string_lossy();
    match mode.as_ref() {
        "read" => {
            let files = AtomicU64::new(0);
            let skipped = AtomicU64::new(0);
            let bytes = AtomicU64::new(0);
            let start = Instant::now();
            walk(
                dir,
                &|path| {
                    // As the loader opens a file: no link followed, no
                    // waiting on a FIFO, a regular file of at most 8 MiB.
                    let mut options = fs::OpenOptions::new();
                    options
                        .read(true)
                        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
                    let Ok(mut f) = options.open(&path) else {
                        skipped.fetch_add(1, Ordering::Relaxed);
                        return;
                    };
                    let size = match f.metadata() {
                        Ok(m) if m.is_file() => m.len().min(MAX_FILE_BYTES),
                        _ => {
                            skipped.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                    };
                    let mut buf = vec![0u8; size as usize + 1];
                    let n = f.read(&mut buf).unwrap_or(0);
                    files.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(n as u64, Ordering::Relaxed);
                },
                &|_| {},
            );
            println!(
                "{:.3} s: {} files, {} bytes read, {} not read",
                start.elapsed().as_secs_f64(),
                files.into_inner(),
                bytes.into_inner(),
                skipped.into_inner()
            );
        }
        "stat" => {
            let paths = Mutex::new(Vec::new());
            walk(dir, &|path| paths.lock().unwrap().push(path), &|dir| {
                paths.lock().unwrap().push(dir.clone())
            });
            let paths = paths.into_inner().unwrap();
            let start = Instant::now();
            let found = paths
                .par_iter()
                .filter(|p| fs::symlink_metadata(p).is_ok())
                .count();
            println!(
                "{:.3} s: {found} of {} paths stat'ed",
                start.elapsed().as_secs_f64(),
                paths.len()
            );
        }
        _ => {
            eprintln!("usage: floor DIR read|stat");
            std::process::exit(2);
        }
    }
}

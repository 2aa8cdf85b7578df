//! Loads an archive: walks its roots without following symbolic links,
//! reads and parses candidate files in parallel, and hands them to
//! [`resolve`] to become a [`Timeline`]. A bad file becomes a [`Problem`]
//! naming it; it never stops the rest of the archive from loading.

pub mod parse;
pub mod resolve;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use include_dir::{Dir, include_dir};
use rayon::prelude::*;

use crate::model::{Problem, Timeline};
use parse::Parsed;
use resolve::Loaded;

/// Files larger than this are reported, not read.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The built-in sample archive, compiled into the binary.
static SAMPLE: Dir = include_dir!("$CARGO_MANIFEST_DIR/assets/sample");

/// A root that could not be opened at all (missing, unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

/// True for the file names ktimeline reads: `.md`, `.markdown`, `.txt`.
pub fn is_candidate(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["md", "markdown", "txt"]
            .iter()
            .any(|c| e.eq_ignore_ascii_case(c))
    })
}

/// The built-in sample archive.
pub fn load_sample() -> Timeline {
    let mut files = Vec::new();
    collect_sample(&SAMPLE, &mut files);
    load_memory("sample", files)
}

/// Loads an archive held in memory as `(path under the root, contents)`
/// pairs; files are shown as `NAME/path`.
pub fn load_memory<B: AsRef<[u8]> + Sync>(name: &str, mut files: Vec<(String, B)>) -> Timeline {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let loaded: Vec<Loaded> = files
        .par_iter()
        .map(|(path, bytes)| {
            let path = path.trim_start_matches('/');
            let rel = format!("/{path}");
            let display = format!("{name}{rel}");
            let (parsed, warnings) = parse_bytes(bytes.as_ref(), is_index_name(Path::new(path)));
            loaded(display, rel, Vec::new(), parsed, warnings)
        })
        .collect();
    resolve::build(name.into(), loaded, Vec::new())
}

fn collect_sample<'a>(dir: &'a Dir<'a>, out: &mut Vec<(String, &'a [u8])>) {
    for f in dir.files() {
        if is_candidate(f.path()) {
            let path = f.path().to_string_lossy().replace('\\', "/");
            out.push((path, f.contents()));
        }
    }
    for d in dir.dirs() {
        collect_sample(d, out);
    }
}

/// A file found under a root, not yet read.
struct Candidate {
    path: PathBuf,
    /// The path with the root made absolute, for dates and `news` keys.
    abs: PathBuf,
    display: String,
    rel: String,
    /// Named as a root of its own, not found by walking a folder.
    single: bool,
}

/// Loads every candidate file under `roots` (directories or single files).
/// `progress(found, 0)` is called now and then while the folders are
/// walked, then `progress(done, total)` from worker threads as files are
/// parsed. Fails only when a root itself cannot be opened.
pub fn load_paths(
    roots: &[PathBuf],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Timeline, LoadError> {
    let mut candidates = Vec::new();
    let mut problems = Vec::new();
    let mut seen_roots = Vec::new();
    for root in roots {
        let meta = fs::metadata(root).map_err(|e| LoadError {
            path: root.clone(),
            message: io_message(&e),
        })?;
        let canonical = fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if seen_roots.contains(&canonical) {
            continue;
        }
        seen_roots.push(canonical.clone());
        if meta.is_dir() {
            walk(root, &canonical, &mut candidates, &mut problems, progress);
        } else if meta.is_file() {
            let name = root.file_name().map_or_else(
                || root.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            candidates.push(Candidate {
                path: root.clone(),
                abs: canonical,
                display: root.display().to_string(),
                rel: format!("/{name}"),
                single: true,
            });
        } else {
            return Err(LoadError {
                path: root.clone(),
                message: "not a file or a directory".into(),
            });
        }
    }
    // Overlapping roots (`news` and `news/2013`) name some files twice:
    // read each once, under the root that holds most of its path.
    candidates.sort_by(|a, b| a.abs.cmp(&b.abs).then(b.rel.len().cmp(&a.rel.len())));
    candidates.dedup_by(|later, first| later.abs == first.abs);
    candidates.sort_by(|a, b| a.display.cmp(&b.display));

    let total = candidates.len();
    let done = AtomicUsize::new(0);
    let parse_all = || -> Vec<Loaded> {
        candidates
            .into_par_iter()
            .map(|c| {
                let (parsed, warnings) = match read(&c.path) {
                    Ok(bytes) => parse_bytes(&bytes, is_index_name(&c.path)),
                    Err(reason) => (Parsed::Problem(None, reason), Vec::new()),
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                let extra = news_key(&c.abs).into_iter().collect();
                let mut l = loaded(c.display, c.rel, extra, parsed, warnings);
                if c.single {
                    // A file named on its own is dated by the path as given.
                    l.path_date = crate::text::date_from_path(&l.display);
                }
                l
            })
            .collect()
    };
    // Reading many small files waits on the disk more than on the CPU: a
    // few more threads than cores keep both busy.
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get() * 4);
    let loaded = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(parse_all),
        Err(_) => parse_all(),
    };
    Ok(resolve::build(archive_name(roots), loaded, problems))
}

fn loaded(
    display: String,
    rel: String,
    extra_keys: Vec<String>,
    parsed: Parsed,
    warnings: Vec<parse::Warning>,
) -> Loaded {
    Loaded {
        path_date: crate::text::date_from_path(&rel),
        display,
        rel,
        extra_keys,
        parsed,
        warnings,
    }
}

fn archive_name(roots: &[PathBuf]) -> String {
    let name = |p: &PathBuf| {
        let abs = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        abs.file_name().map_or_else(
            || abs.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    match roots {
        [] => "sample".into(),
        [one] => name(one),
        [first, rest @ ..] => format!("{} (+{})", name(first), rest.len()),
    }
}

/// Walks a directory in name order, not following symbolic links and not
/// entering hidden folders.
/// How often (in files found) the walk reports progress.
const WALK_REPORT_EVERY: usize = 2048;

fn walk(
    root: &Path,
    abs_root: &Path,
    out: &mut Vec<Candidate>,
    problems: &mut Vec<Problem>,
    progress: &(dyn Fn(usize, usize) + Sync),
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && e.file_name().to_string_lossy().starts_with('.'))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root);
                let message = e.io_error().map_or_else(|| e.to_string(), io_message);
                problems.push(Problem {
                    file: path.display().to_string(),
                    line: None,
                    reason: format!("unreadable: {message}"),
                });
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() || entry.depth() == 0 {
            continue;
        }
        let problem = |reason: &str| Problem {
            file: path.display().to_string(),
            line: None,
            reason: reason.into(),
        };
        // A root given as a link to a folder is followed (the user named
        // it); links inside are not.
        if ft.is_symlink() {
            if is_candidate(path) {
                problems.push(problem("symbolic link, not followed"));
            } else if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                problems.push(problem("symbolic link to a directory, not followed"));
            }
            continue;
        }
        if !is_candidate(path) {
            continue;
        }
        if !ft.is_file() {
            problems.push(problem("not a regular file"));
            continue;
        }
        let rel_path = path.strip_prefix(root).unwrap_or(path);
        let rel: Vec<String> = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if out.len().is_multiple_of(WALK_REPORT_EVERY) {
            progress(out.len(), 0);
        }
        out.push(Candidate {
            path: path.to_path_buf(),
            abs: abs_root.join(rel_path),
            single: false,
            display: path.display().to_string(),
            rel: format!("/{}", rel.join("/")),
        });
    }
}

/// `/news/...` from the last `news` folder of a path, so links resolve
/// whether the user opened the archive's root, a folder above it or below.
fn news_key(abs: &Path) -> Option<String> {
    let parts: Vec<String> = abs
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let pos = parts.iter().rposition(|p| p == "news")?;
    Some(format!("/{}", parts[pos..].join("/")))
}

fn is_index_name(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("index"))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads a file, refusing ones over [`MAX_FILE_BYTES`] without reading them.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    let unreadable = |e: std::io::Error| format!("unreadable: {}", io_message(&e));
    let file = fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may grow while it is read: never take more than the limit.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(len: u64) -> String {
    format!(
        "too large: {:.1} MiB (the limit is {} MiB)",
        len as f64 / (1024.0 * 1024.0),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Checks the bytes are text, then parses them.
pub fn parse_bytes(bytes: &[u8], is_index_name: bool) -> (Parsed, Vec<parse::Warning>) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (Parsed::Problem(None, "empty file".into()), Vec::new());
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = line_at(bytes, pos);
        return (
            Parsed::Problem(Some(line), "binary file: it holds NUL bytes".into()),
            Vec::new(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse::parse(text, is_index_name),
        Err(e) => {
            let pos = e.valid_up_to();
            (
                Parsed::Problem(
                    Some(line_at(bytes, pos)),
                    format!("not UTF-8: invalid byte at offset {pos}"),
                ),
                Vec::new(),
            )
        }
    }
}

fn line_at(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}

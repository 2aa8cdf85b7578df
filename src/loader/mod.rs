//! Loads an archive: walks its roots in parallel without following
//! symbolic links, reads and parses candidate files on the walking threads,
//! and hands them to [`resolve`] to become a [`Timeline`]. With the
//! persistent [`index`](crate::index), files whose size, times and inode
//! are unchanged are taken from it instead of being read again. A bad file
//! becomes a [`Problem`] naming it; it never stops the rest of the archive
//! from loading.

mod fast;
pub mod parse;
pub mod read;
pub mod resolve;

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::index::{self, Record, RecordRef};
use crate::model::{Body, Origin, Problem, Timeline};
use parse::Parsed;
pub use read::MAX_FILE_BYTES;
use read::{FileStat, io_message};
use resolve::Loaded;

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
    let mut t = load_files(SAMPLE_NAME, files);
    t.origin = Origin::Sample;
    t
}

const SAMPLE_NAME: &str = "sample";

/// Loads an archive held in memory as `(path under the root, contents)`
/// pairs; files are shown as `NAME/path`. Bodies are kept in memory.
pub fn load_memory<B: AsRef<[u8]> + Sync>(name: &str, files: Vec<(String, B)>) -> Timeline {
    let mut t = load_files(name, files);
    t.origin = Origin::Memory;
    t
}

fn load_files<B: AsRef<[u8]> + Sync>(name: &str, mut files: Vec<(String, B)>) -> Timeline {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let inline = name != SAMPLE_NAME;
    let loaded: Vec<Loaded> = files
        .par_iter()
        .map(|(path, bytes)| {
            let path = path.trim_start_matches('/');
            let rel = format!("/{path}");
            let display = format!("{name}{rel}");
            let bytes = bytes.as_ref();
            let (mut parsed, warnings) = parse_bytes(bytes, is_index_name(Path::new(path)));
            if inline {
                inline_body(bytes, &mut parsed);
            }
            loaded(display, rel, Vec::new(), parsed, warnings)
        })
        .collect();
    resolve::build(name.into(), loaded, Vec::new())
}

/// Puts the text of a parsed body in memory, for archives whose files
/// cannot be read again.
fn inline_body(bytes: &[u8], parsed: &mut Parsed) {
    let body = match parsed {
        Parsed::Event(e) => &mut e.body,
        Parsed::Article(a) => &mut a.body,
        _ => return,
    };
    if let Body::File { .. } = body {
        let text = parse::clean_text(std::str::from_utf8(bytes).unwrap_or(""));
        *body = Body::Inline(parse::body_text(&text, body).into());
    }
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

/// The body of entry `idx`: read back from its file (or the built-in
/// sample) by byte range. A file that changed since it was loaded is
/// parsed again and its new body given; one that can no longer be read
/// gives an empty body.
pub fn body(t: &Timeline, idx: usize) -> Cow<'_, str> {
    let e = &t.events[idx];
    let (
        Body::File {
            start,
            len,
            text_len,
        },
        Some(file),
    ) = (&e.body, &e.file)
    else {
        return match &e.body {
            Body::Inline(s) => Cow::Borrowed(&**s),
            Body::File { .. } => Cow::Borrowed(""),
        };
    };
    let bytes: Cow<'_, [u8]> = match t.origin {
        Origin::Sample => {
            let rel = file.strip_prefix(SAMPLE_NAME).unwrap_or(file);
            match SAMPLE.get_file(rel.trim_start_matches('/')) {
                Some(f) => Cow::Borrowed(f.contents()),
                None => return Cow::Borrowed(""),
            }
        }
        Origin::Memory => return Cow::Borrowed(""),
        Origin::Disk => match read::read_file(Path::new(file)) {
            Ok((bytes, _)) => Cow::Owned(bytes),
            Err(_) => return Cow::Borrowed(""),
        },
    };
    let Ok(file_text) = std::str::from_utf8(&bytes) else {
        return Cow::Borrowed("");
    };
    let text = parse::clean_text(file_text);
    let range = *start as usize..(*start + *len) as usize;
    if text.len() == *text_len as usize
        && let Some(body) = text.get(range)
    {
        return Cow::Owned(body.to_string());
    }
    // The file changed: what does it hold now?
    let (parsed, _) = parse_bytes(&bytes, false);
    let body = match &parsed {
        Parsed::Event(e) => &e.body,
        Parsed::Article(a) => &a.body,
        _ => return Cow::Borrowed(""),
    };
    Cow::Owned(parse::body_text(&text, body).to_string())
}

/// How a load used the persistent index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexUse {
    /// An index of this archive was found and used.
    pub used: bool,
    /// Files read and parsed (all of them when the index was not used).
    pub reread: usize,
    /// Files in the index that are gone.
    #[serde(skip)]
    pub removed: usize,
}

impl IndexUse {
    /// True when the archive differs from its index.
    pub fn changed(&self) -> bool {
        !self.used || self.reread > 0 || self.removed > 0
    }
}

/// A loaded archive, and the index being written for it in the
/// background (waited for when this is dropped).
pub struct Opened {
    pub timeline: Timeline,
    pub index: IndexUse,
    writer: Option<JoinHandle<()>>,
}

impl Opened {
    /// An archive loaded without the index (the built-in sample).
    pub fn new(timeline: Timeline) -> Opened {
        let reread = timeline.files;
        Opened {
            timeline,
            index: IndexUse {
                used: false,
                reread,
                removed: 0,
            },
            writer: None,
        }
    }

    /// Waits for the index to be written, then lets the process exit
    /// without spending time freeing the timeline, entry by entry.
    pub fn finish(mut self) {
        self.wait();
        std::mem::forget(self);
    }

    /// Waits for the index to be written.
    pub fn wait(&mut self) {
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.wait();
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

/// What the walk made of a candidate.
enum Outcome {
    /// Unchanged since the index: its record, by position.
    Reuse(usize),
    /// Read and parsed now.
    Fresh(Parsed, Vec<parse::Warning>, FileStat),
}

/// Loads every candidate file under `roots` (directories or single files),
/// without the persistent index. `progress(found, 0)` is called now and
/// then while files are found. Fails only when a root itself cannot be
/// opened.
pub fn load_paths(
    roots: &[PathBuf],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Timeline, LoadError> {
    let mut opened = open(roots, false, progress)?;
    Ok(std::mem::take(&mut opened.timeline))
}

/// The key of a set of roots in the cache: each as given and as an
/// absolute, canonical path.
fn roots_key(roots: &[PathBuf]) -> Vec<String> {
    roots
        .iter()
        .flat_map(|r| {
            let canonical = fs::canonicalize(r).unwrap_or_else(|_| r.clone());
            [
                r.to_string_lossy().into_owned(),
                canonical.to_string_lossy().into_owned(),
            ]
        })
        .collect()
}

/// The timeline as the index last saw it, without looking at the archive:
/// for showing something at once while [`open`] checks the files. `None`
/// when there is no usable index.
pub fn open_indexed(roots: &[PathBuf]) -> Option<Timeline> {
    let key = roots_key(roots);
    let records = index::read(&index::path_for(&key)?, &key)?;
    let loaded = records.into_iter().map(|r| r.file).collect();
    Some(resolve::build(archive_name(roots), loaded, Vec::new()))
}

/// Loads the archive at `roots`. With `cache`, files unchanged since the
/// index was written are taken from it, and a new index is written (in
/// the background) when anything changed.
pub fn open(
    roots: &[PathBuf],
    cache: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Opened, LoadError> {
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("KTIMELINE_TRACE").is_some();
    let lap = |what: &str| {
        if trace {
            eprintln!("{what}: {:?}", t0.elapsed());
        }
    };
    let key = roots_key(roots);
    let index_path = if cache { index::path_for(&key) } else { None };
    let mut previous: Vec<Option<Record>> = index_path
        .as_deref()
        .and_then(|p| index::read(p, &key))
        .map(|records| records.into_iter().map(Some).collect())
        .unwrap_or_default();
    let used = !previous.is_empty();
    lap("index read");
    let by_display: FxHashMap<&str, usize> = previous
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.as_ref()?.file.display.as_str(), i)))
        .collect();

    let found = Found {
        previous: &by_display,
        records: &previous,
        items: Mutex::new(Vec::new()),
        problems: Mutex::new(Vec::new()),
        count: AtomicUsize::new(0),
        progress,
    };
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
            walk(root, &canonical, &found);
        } else if meta.is_file() {
            let name = root.file_name().map_or_else(
                || root.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            found.file(Candidate {
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
    lap("walked");
    let problems = found.problems.into_inner().unwrap_or_default();
    let mut items = found.items.into_inner().unwrap_or_default();
    drop(by_display);
    // Overlapping roots (`news` and `news/2013`) name some files twice:
    // keep each once, under the root that holds most of its path.
    if seen_roots.len() > 1 {
        items.par_sort_by(|(a, _), (b, _)| a.abs.cmp(&b.abs).then(b.rel.len().cmp(&a.rel.len())));
        items.dedup_by(|later, first| later.0.abs == first.0.abs);
    }
    items.par_sort_unstable_by(|(a, _), (b, _)| a.display.cmp(&b.display));

    let mut reuse = 0;
    let mut stats = Vec::with_capacity(items.len());
    let loaded: Vec<Loaded> = items
        .into_iter()
        .map(|(c, outcome)| match outcome {
            Outcome::Reuse(i) => {
                let r = previous[i].take().expect("each record once");
                reuse += 1;
                stats.push(r.stat);
                r.file
            }
            Outcome::Fresh(parsed, warnings, stat) => {
                stats.push(stat);
                let extra = news_key(&c.abs)
                    .into_iter()
                    .filter(|k| *k != c.rel)
                    .collect();
                let mut l = loaded(c.display, c.rel, extra, parsed, warnings);
                if c.single {
                    // A file named on its own is dated by the path as given.
                    l.path_date = crate::text::date_from_path(&l.display);
                }
                l
            }
        })
        .collect();
    lap("sorted");
    let index_use = IndexUse {
        used,
        reread: loaded.len() - reuse,
        removed: previous.iter().filter(|r| r.is_some()).count(),
    };
    drop(previous);
    let writer = match index_path {
        Some(path) if index_use.changed() => {
            let refs = loaded
                .iter()
                .zip(&stats)
                .map(|(file, &stat)| RecordRef { stat, file })
                .collect();
            let bytes = index::encode(&key, refs);
            Some(std::thread::spawn(move || {
                // A cache that cannot be written only costs the next open.
                let _ = index::write(&path, &bytes);
            }))
        }
        _ => None,
    };
    lap("encoded");
    let timeline = resolve::build(archive_name(roots), loaded, problems);
    lap("resolved");
    Ok(Opened {
        timeline,
        index: index_use,
        writer,
    })
}

/// What the walking threads share.
struct Found<'a> {
    previous: &'a FxHashMap<&'a str, usize>,
    records: &'a [Option<Record>],
    items: Mutex<Vec<(Candidate, Outcome)>>,
    problems: Mutex<Vec<Problem>>,
    count: AtomicUsize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// Files at least this large are parsed one at a time, which bounds the
/// memory that parsing hostile files can take, whatever the core count.
const BIG_FILE: usize = 1024 * 1024;
static BIG_PARSE: Mutex<()> = Mutex::new(());

/// How often (in files found) the walk reports progress.
const REPORT_EVERY: usize = 1024;

impl Found<'_> {
    fn problem(&self, path: &Path, reason: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push(Problem {
                file: path.display().to_string(),
                line: None,
                reason,
            });
        }
    }

    /// Takes a candidate from the index when it is unchanged, else reads
    /// and parses it.
    fn file(&self, c: Candidate) {
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(REPORT_EVERY) {
            (self.progress)(n, 0);
        }
        let unchanged = self.previous.get(c.display.as_str()).filter(|&&i| {
            let indexed = self.records[i].as_ref().map(|r| r.stat);
            let now = fs::symlink_metadata(&c.path).ok().map(|m| FileStat::of(&m));
            now.is_some() && now == indexed
        });
        let outcome = match unchanged {
            Some(&i) => Outcome::Reuse(i),
            None => {
                let (parsed, warnings, stat) = match read::read_file(&c.path) {
                    Ok((bytes, stat)) => {
                        let _big = (bytes.len() >= BIG_FILE).then(|| BIG_PARSE.lock());
                        let (mut p, w) = parse_bytes(&bytes, is_index_name(&c.path));
                        if c.path.to_str().is_none() {
                            // A name that is not UTF-8 cannot be opened again
                            // from `Event::file`: keep the body in memory.
                            inline_body(&bytes, &mut p);
                        }
                        (p, w, stat)
                    }
                    Err(reason) => (
                        Parsed::Problem(None, reason),
                        Vec::new(),
                        FileStat::default(),
                    ),
                };
                Outcome::Fresh(parsed, warnings, stat)
            }
        };
        if let Ok(mut items) = self.items.lock() {
            items.push((c, outcome));
        }
    }
}

/// Walks a directory on several threads, not following symbolic links and
/// not entering hidden folders; each candidate file is handed to
/// [`Found::file`] on the thread that found it.
fn walk(root: &Path, abs_root: &Path, found: &Found) {
    // Reading many small files waits on the disk more than on the CPU: a
    // few more threads than cores keep both busy.
    let threads = std::thread::available_parallelism().map_or(4, |n| (n.get() * 2).clamp(4, 16));
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name().to_string_lossy().starts_with('.'))
        })
        .build_parallel();
    walker.run(|| {
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = error_path(&e).unwrap_or(root).to_path_buf();
                    let message = e.io_error().map_or_else(|| e.to_string(), io_message);
                    found.problem(&path, format!("unreadable: {message}"));
                    return ignore::WalkState::Continue;
                }
            };
            let path = entry.path();
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if ft.is_dir() || entry.depth() == 0 {
                return ignore::WalkState::Continue;
            }
            // A root given as a link to a folder is followed (the user
            // named it); links inside are not.
            if ft.is_symlink() {
                if is_candidate(path) {
                    found.problem(path, "symbolic link, not followed".into());
                } else if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                    found.problem(path, "symbolic link to a directory, not followed".into());
                }
                return ignore::WalkState::Continue;
            }
            if !is_candidate(path) {
                return ignore::WalkState::Continue;
            }
            if !ft.is_file() {
                found.problem(path, "not a regular file".into());
                return ignore::WalkState::Continue;
            }
            let rel_path = path.strip_prefix(root).unwrap_or(path);
            let rel: Vec<Cow<'_, str>> = rel_path
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            found.file(Candidate {
                path: path.to_path_buf(),
                abs: abs_root.join(rel_path),
                single: false,
                display: path.display().to_string(),
                rel: format!("/{}", rel.join("/")),
            });
            ignore::WalkState::Continue
        })
    });
}

/// The path an error of the walk is about.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
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

/// `/news/...` from the last `news` folder of a path, so links resolve
/// whether the user opened the archive's root, a folder above it or below.
fn news_key(abs: &Path) -> Option<String> {
    let parts: Vec<Cow<'_, str>> = abs
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    let pos = parts.iter().rposition(|p| p == "news")?;
    Some(format!("/{}", parts[pos..].join("/")))
}

fn is_index_name(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("index"))
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

//! Loads an archive: walks its roots in parallel without following
//! symbolic links, reads and parses candidate files on the walking threads,
//! and hands them to [`resolve`] to become a [`Timeline`]. With the
//! persistent [`index`](crate::index), files whose size, times and inode
//! are unchanged are taken from it instead of being read again. A bad file
//! becomes a [`Problem`] naming it; it never stops the rest of the archive
//! from loading.

mod dirs;
mod fast;
pub mod front;
pub mod parse;
pub mod pieces;
pub mod read;
pub mod resolve;

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::draft::{FileStat, Loaded, Parsed, Warning};
use crate::index;
use crate::model::{Body, Origin, Problem, Timeline};
pub use read::MAX_FILE_BYTES;
use read::io_message;

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
    let loaded: Vec<Box<Loaded>> = files
        .par_iter()
        .map(|(path, bytes)| {
            let path = path.trim_start_matches('/');
            let rel = format!("/{path}");
            let display = format!("{name}{rel}");
            let bytes = bytes.as_ref();
            let (mut parsed, warnings) = parse_path(bytes, Path::new(path));
            if inline {
                inline_body(bytes, &mut parsed);
            }
            Box::new(loaded(display, rel, Vec::new(), parsed, warnings))
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
    let (Body::File { start, len, crc }, Some(file)) = (&e.body, &e.file) else {
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
    if let Some(body) = text.get(range)
        && crc32fast::hash(body.as_bytes()) == *crc
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
    pub removed: usize,
    /// A new index was written (false when the cache could not be).
    pub written: bool,
    /// Folders listed: the others were known unchanged from the index.
    pub folders_listed: usize,
}

impl IndexUse {
    /// True when the archive differs from its index.
    pub fn changed(&self) -> bool {
        !self.used || self.reread > 0 || self.removed > 0
    }
}

/// A loaded archive, and the thread tidying the cache folder after a new
/// index was written (waited for when this is dropped).
pub struct Opened {
    pub timeline: Timeline,
    pub index: IndexUse,
    /// Which index this timeline is (the id of the drafts its main file
    /// names), when one holds it: what a later [`check_changed`] compares
    /// with the index on disk.
    pub index_id: Option<u64>,
    tidying: Option<JoinHandle<()>>,
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
                written: false,
                folders_listed: 0,
            },
            index_id: None,
            tidying: None,
        }
    }

    /// Waits for the cache to be tidied, then lets the process exit
    /// without spending time freeing the timeline, entry by entry.
    pub fn finish(mut self) {
        self.wait();
        std::mem::forget(self);
    }

    /// Waits for the cache to be tidied.
    pub fn wait(&mut self) {
        if let Some(w) = self.tidying.take() {
            let _ = w.join();
        }
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.wait();
    }
}

/// A root of the archive, as named and as an absolute, canonical path.
struct Root {
    given: PathBuf,
    /// The canonical path, found when first asked for ([`Root::abs`]): a
    /// reopen of an unchanged archive never needs it, and tens of
    /// thousands of files named one by one would cost an `lstat` of every
    /// folder that holds one.
    abs: OnceLock<PathBuf>,
    /// Shared by the roots of one open: a folder is resolved once.
    canonical: std::sync::Arc<Canonical>,
    /// A file named on its own rather than a folder to walk.
    single: bool,
    /// Named through a symbolic link.
    link: bool,
    /// What it is (followed through a link), taken when it was opened.
    stat: Option<FileStat>,
}

impl Root {
    /// The canonical path (as given when it has none).
    fn abs(&self) -> &Path {
        self.abs.get_or_init(|| {
            (self.canonical.of(&self.given, Some(self.link))).unwrap_or_else(|| self.given.clone())
        })
    }
}

/// A file found under a root, not yet read: only its name is kept, since
/// most files of an indexed archive are never read (and an indexed one's
/// name is the index's own).
struct Candidate<'a> {
    /// The file as the user named it (`Event::file`, the index's key).
    display: Cow<'a, str>,
    /// The path to read when `display` is not it: a name shown escaped
    /// (not UTF-8, control characters, a backslash), or the real path of a
    /// root given as a symbolic link.
    raw: Option<PathBuf>,
    root: usize,
}

impl<'a> Candidate<'a> {
    /// The candidate at `path`, and where `known` (the indexed files by
    /// name) has it; its name is borrowed from `known` when that holds it.
    fn new(
        path: Cow<'_, Path>,
        root: usize,
        known: &FxHashMap<&'a str, usize>,
    ) -> (Candidate<'a>, Option<usize>) {
        match crate::text::escape_path(&path) {
            Cow::Borrowed(s) => {
                let (display, at) = match known.get_key_value(s) {
                    Some((&k, &i)) => (Cow::Borrowed(k), Some(i)),
                    None => (Cow::Owned(s.to_string()), None),
                };
                let c = Candidate {
                    display,
                    raw: None,
                    root,
                };
                (c, at)
            }
            // A name that is not UTF-8 or holds control characters (or a
            // backslash) is shown escaped, and the path is kept to open the
            // file by.
            Cow::Owned(display) => {
                let at = known.get(display.as_str()).copied();
                let c = Candidate {
                    display: Cow::Owned(display),
                    raw: Some(path.into_owned()),
                    root,
                };
                (c, at)
            }
        }
    }

    fn path(&self) -> &Path {
        self.raw.as_deref().unwrap_or(Path::new(&*self.display))
    }

    /// The path below its root, and with the root made absolute (for
    /// dates and `news` keys).
    fn rel_and_abs(&self, roots: &[Root]) -> (String, PathBuf) {
        let root = &roots[self.root];
        let path = self.path();
        if root.single {
            // Named as the user named it, even through a link.
            let name = root.given.file_name().map_or_else(
                || self.display.to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            return (format!("/{name}"), root.abs().to_path_buf());
        }
        let rel_path = path.strip_prefix(&root.given).unwrap_or(path);
        let rel: Vec<Cow<'_, str>> = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        (format!("/{}", rel.join("/")), root.abs().join(rel_path))
    }

    /// Reads and parses the file.
    fn load(&self, roots: &[Root]) -> (Loaded, FileStat) {
        let path = self.path();
        let (parsed, warnings, stat) = match read::read_file(path) {
            Ok((bytes, stat)) => {
                let _big = (bytes.len() >= BIG_FILE).then(|| BIG_PARSE.lock());
                let (mut p, w) = parse_path(&bytes, path);
                if self.raw.is_some() {
                    // A name shown otherwise than it is cannot be opened
                    // again from `Event::file`: keep the body in memory.
                    inline_body(&bytes, &mut p);
                }
                (p, w, stat)
            }
            // What the file looks like is kept all the same (a zero stat
            // would never match, and every open would write the index
            // again for one file over the limit): a change to it, as to
            // any file, brings it to be read again.
            Err(reason) => (
                Parsed::Problem(None, reason),
                Vec::new(),
                FileStat::of_result(fs::symlink_metadata(path)).unwrap_or_default(),
            ),
        };
        let mut l = loaded(
            self.display.to_string(),
            String::new(),
            Vec::new(),
            parsed,
            warnings,
        );
        self.place(roots, &mut l);
        (l, stat)
    }

    /// Gives a parsed file the keys its place under its root makes: the
    /// same file found under two overlapping roots is known by two.
    /// The path below its root and its `news` key, by plain string work
    /// when the path is the root's name, a `/` and clean names (what the
    /// walk makes): `Path::components` costs microseconds a file.
    /// `None` when the path is any other shape.
    fn rel_and_news_key(&self, roots: &[Root]) -> Option<(String, Option<String>)> {
        if !cfg!(unix) || self.raw.is_some() {
            return None;
        }
        let root = &roots[self.root];
        let (given, abs) = (root.given.to_str()?, root.abs().to_str()?);
        if root.single || !abs.starts_with('/') {
            return None;
        }
        let rest = self
            .display
            .strip_prefix(given.trim_end_matches('/'))?
            .strip_prefix('/')?;
        let clean = |p: &str| p.split('/').all(|c| !matches!(c, "" | "." | ".."));
        if !clean(rest) {
            return None;
        }
        // The last `news` folder of the root made absolute, then the path.
        let news_in = |p: &str| {
            p.match_indices("news")
                .map(|(i, _)| i)
                .filter(|&i| {
                    (i == 0 || p.as_bytes()[i - 1] == b'/')
                        && matches!(p.as_bytes().get(i + 4), None | Some(b'/'))
                })
                .last()
        };
        let key = match news_in(rest) {
            Some(i) => Some(format!("/{}", &rest[i..])),
            None => news_in(abs).map(|i| format!("/{}/{rest}", &abs[i..])),
        };
        Some((format!("/{rest}"), key))
    }

    fn place(&self, roots: &[Root], l: &mut Loaded) {
        let (rel, key) = self.rel_and_news_key(roots).unwrap_or_else(|| {
            let (rel, abs) = self.rel_and_abs(roots);
            let key = news_key(&abs);
            (rel, key)
        });
        l.extra_keys = key.into_iter().filter(|k| *k != rel).collect();
        l.path_date = if roots[self.root].single {
            // A file named on its own is dated by the path as given.
            crate::text::date_from_path(&l.display)
        } else {
            crate::text::date_from_path(&rel)
        };
        l.rel = rel;
    }
}

/// Opens each root: fails on the first that is missing, unreadable or
/// neither a file nor a folder. A root named twice (or by two names for
/// the same place) is kept once, where it was first named. Tens of
/// thousands of roots can be named (`ktimeline stats $(find …)`): each
/// costs one `lstat` (two through a link), made in parallel, as a file the
/// walk finds costs one. The roots are told apart by what they are (device
/// and inode): only those that are one file or folder are compared by
/// canonical path, so that two names for it (through a link, `..`, another
/// spelling) are one root and two hard links are two, as in a folder.
fn open_roots(roots: &[PathBuf]) -> Result<Vec<Root>, LoadError> {
    /// What a root is, as the parallel loop finds it.
    struct Looked {
        single: bool,
        link: bool,
        stat: FileStat,
        identity: Option<(u64, u64)>,
    }
    let looked: Vec<Result<Looked, LoadError>> = roots
        .par_iter()
        .map(|root| {
            let fail = |e: &std::io::Error| LoadError {
                path: root.clone(),
                message: io_message(e),
            };
            // What the name is, and what it leads to (the same, but for a
            // link).
            let own = fs::symlink_metadata(root).map_err(|e| fail(&e))?;
            let link = own.file_type().is_symlink();
            let meta = if link {
                fs::metadata(root).map_err(|e| fail(&e))?
            } else {
                own
            };
            if !meta.is_dir() && !meta.is_file() {
                return Err(LoadError {
                    path: root.clone(),
                    message: "not a file or a directory".into(),
                });
            }
            if meta.is_dir()
                && let Err(e) = fs::read_dir(root)
            {
                return Err(fail(&e));
            }
            Ok(Looked {
                single: meta.is_file(),
                link,
                stat: FileStat::of(&meta),
                identity: identity(&meta),
            })
        })
        .collect();
    let canonical = std::sync::Arc::new(Canonical::default());
    let mut all = Vec::with_capacity(roots.len());
    // The first root that is each file or folder, and whether another is
    // it too.
    let mut first: FxHashMap<(u64, u64), (usize, bool)> = FxHashMap::default();
    first.reserve(roots.len());
    let mut alike = Vec::new();
    for (i, (given, looked)) in roots.iter().zip(looked).enumerate() {
        let looked = looked?;
        match looked.identity {
            Some(id) => match first.entry(id) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((i, false));
                }
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    if !o.get().1 {
                        o.get_mut().1 = true;
                        alike.push(o.get().0);
                    }
                    alike.push(i);
                }
            },
            None => alike.push(i),
        }
        all.push(Root {
            given: given.clone(),
            abs: OnceLock::new(),
            canonical: canonical.clone(),
            single: looked.single,
            link: looked.link,
            stat: Some(looked.stat),
        });
    }
    drop(first);
    // Of the roots that are one file or folder, the first of each
    // canonical path is kept.
    alike.sort_unstable();
    alike.par_iter().for_each(|&i| {
        all[i].abs();
    });
    let mut keep = vec![true; all.len()];
    let mut seen: FxHashSet<&Path> = FxHashSet::default();
    for &i in &alike {
        keep[i] = seen.insert(all[i].abs());
    }
    drop(seen);
    let mut keep = keep.into_iter();
    all.retain(|_| keep.next().unwrap_or(true));
    Ok(all)
}

/// What a file or folder is, the same whatever its name (device and
/// inode); `None` where that cannot be told.
fn identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// What the walk made of a candidate.
enum Outcome {
    /// Unchanged since the index: its draft is in the index.
    Reuse,
    /// Read and parsed now.
    Fresh(Box<Loaded>),
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
/// absolute path (made so with the current folder, whose path the system
/// gives canonical; links are not followed). It costs no call per root, so
/// that the index of tens of thousands of files named one by one is read
/// while they are looked at. (Reached through a link, an archive has an
/// index of its own; the walk checks every file against it all the same.)
pub fn roots_key(roots: &[PathBuf]) -> Vec<String> {
    let cwd = std::env::current_dir().ok();
    let cwd = cwd
        .as_deref()
        .map(|c| crate::text::escape_path(c).into_owned());
    let mut key = Vec::with_capacity(2 * roots.len());
    for root in roots {
        key.extend(root_key(root, cwd.as_deref()));
    }
    key
}

/// A root's part of [`roots_key`]; `cwd` is the current folder, escaped.
fn root_key(given: &Path, cwd: Option<&str>) -> [String; 2] {
    // As given, but spelt as the walk spells it (`a/b/` and `a/./b` name
    // files as `a/b` does). Escaped, not made lossy: two names that are
    // not UTF-8 and differ only in those bytes are two archives, two
    // indexes.
    let tidied = tidy(given);
    let given = crate::text::escape_path(&tidied);
    // Made absolute as `Path::join` would (an escaped name escapes each
    // of its parts alike).
    let abs = match cwd {
        Some(cwd) if tidied.is_relative() => {
            let sep = if cwd.ends_with('/') { "" } else { "/" };
            let mut abs = String::with_capacity(cwd.len() + sep.len() + given.len());
            abs.push_str(cwd);
            abs.push_str(sep);
            abs.push_str(&given);
            abs
        }
        _ => given.to_string(),
    };
    [given.into_owned(), abs]
}

/// `path` as its components spell it (no `//`, no `.` but a leading one,
/// no trailing `/`), without rebuilding the names already spelt so.
fn tidy(path: &Path) -> Cow<'_, Path> {
    let b = path.as_os_str().as_encoded_bytes();
    let untidy = memchr::memmem::find(b, b"//").is_some()
        || memchr::memmem::find(b, b"/./").is_some()
        || b.ends_with(b"/.")
        || (b.len() > 1 && b.ends_with(b"/"));
    if untidy {
        Cow::Owned(path.components().collect())
    } else {
        Cow::Borrowed(path)
    }
}

/// The canonical paths of many roots, as `fs::canonicalize` gives them,
/// with the work their folders share done once: a name that is not a
/// symbolic link is its folder's canonical path joined with it, and a
/// folder's is found the same way from its own folder's, one `lstat` each.
/// (`fs::canonicalize` reads every component of every path again, a
/// `readlink` each and `getcwd` for a relative path: 60,000 files named
/// one by one made 350,000 calls.) A path with a link, `..` or anything
/// else unusual is left to `fs::canonicalize`.
#[derive(Default)]
struct Canonical {
    /// Folders already resolved (`None`: they cannot be), by name as
    /// bytes (hashing a `Path` reads it component by component).
    dirs: Mutex<FxHashMap<std::ffi::OsString, Option<PathBuf>>>,
}

impl Canonical {
    /// The canonical path of `path`, which is a symbolic link or not as
    /// `link` says when the caller knows (`None`: its `lstat` tells);
    /// `None` when it has none (it is missing).
    fn of(&self, path: &Path, link: Option<bool>) -> Option<PathBuf> {
        let link = link.or_else(|| {
            let m = fs::symlink_metadata(path).ok()?;
            Some(m.file_type().is_symlink())
        });
        match (link, last_name(path)) {
            (Some(false), Some((folder, name))) => self.dir(folder).map(|f| f.join(name)),
            _ => fs::canonicalize(path).ok(),
        }
    }

    /// The canonical path of the folder `dir` (`""`: the current one).
    fn dir(&self, dir: &Path) -> Option<PathBuf> {
        // (Two threads may resolve one folder at once: both find the same.)
        let known = self.dirs.lock().ok();
        if let Some(known) = known.and_then(|d| d.get(dir.as_os_str()).cloned()) {
            return known;
        }
        let found = match last_name(dir) {
            Some((folder, name)) if fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) => {
                self.dir(folder).map(|f| f.join(name))
            }
            _ if dir.as_os_str().is_empty() => fs::canonicalize(".").ok(),
            _ => fs::canonicalize(dir).ok(),
        };
        if let Ok(mut dirs) = self.dirs.lock() {
            dirs.insert(dir.as_os_str().to_owned(), found.clone());
        }
        found
    }
}

/// A path's folder and last name, when the path ends with a plain name
/// (not `.`, `..`, the root, or a `/`, after which a link is followed).
fn last_name(path: &Path) -> Option<(&Path, &std::ffi::OsStr)> {
    use std::path::Component;
    let Some(Component::Normal(name)) = path.components().next_back() else {
        return None;
    };
    let ends_so = (path.as_os_str().as_encoded_bytes()).ends_with(name.as_encoded_bytes());
    Some((path.parent().filter(|_| ends_so)?, name))
}

/// Where the cache keeps what it knows of the archive at `roots` (the
/// index, and the word index of full-text search); `None` without a cache
/// folder.
pub fn cache_place(roots: &[PathBuf]) -> Option<index::Place> {
    index::Place::for_roots(roots_key(roots))
}

/// The timeline as the index last saw it, without looking at the archive,
/// and which index it is: for showing something at once while
/// [`check_changed`] checks the files. `None` when there is no usable
/// index.
pub fn open_indexed(roots: &[PathBuf]) -> Option<(Timeline, u64)> {
    let index = index::Place::for_roots(roots_key(roots))?.read()?;
    let id = index.id;
    Some((index.into_timeline()?, id))
}

/// Which index the timeline a browser shows came from (see
/// [`check_changed`]), shared by the threads that read the archive for it.
/// Each holds the lock from its check until its answer is sent, so that
/// the id moves in step with the timelines the browser is sent.
pub type ShownIndex = std::sync::Arc<Mutex<Option<u64>>>;

/// What a caller wants of an open.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// The timeline.
    Timeline,
    /// The timeline only if it differs from the one the caller shows,
    /// which came from the index with this id (`None`: from none).
    ChangesSince(Option<u64>),
}

/// Loads the archive at `roots`. With `cache`, an archive unchanged since
/// its index was written is taken from it whole; otherwise only the files
/// that changed are read, and a new index is written.
pub fn open(
    roots: &[PathBuf],
    cache: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Opened, LoadError> {
    match open_or_unchanged(roots, cache, Want::Timeline, progress)? {
        Some(opened) => Ok(opened),
        // Only asked for with `Want::ChangesSince`.
        None => open(roots, false, progress),
    }
}

/// Checks the archive at `roots` against its index, as [`open`] does; but
/// `None` when nothing changed and the index is the one the caller shows
/// (`shown`, the id [`open_indexed`] or an earlier [`Opened`] gave; `None`
/// when what it shows came from no index), without reading the indexed
/// timeline. When another process brought the index up to date meanwhile,
/// the archive is unchanged against it, but not against what the caller
/// shows: the index's timeline is the answer.
pub fn check_changed(
    roots: &[PathBuf],
    shown: Option<u64>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<Opened>, LoadError> {
    open_or_unchanged(roots, true, Want::ChangesSince(shown), progress)
}

/// `KTIMELINE_TRACE=1` prints how long each step of an open took, and the
/// memory in use then, for measuring.
struct Trace {
    start: std::time::Instant,
    on: bool,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            start: std::time::Instant::now(),
            on: std::env::var_os("KTIMELINE_TRACE").is_some(),
        }
    }

    fn lap(&self, what: &str) {
        if !self.on {
            return;
        }
        let rss = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .unwrap_or(0)
            * 4096
            / (1024 * 1024);
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "ktimeline: {what}: {:?}, {rss} MiB in use",
            self.start.elapsed()
        );
    }
}

/// An open in its phases: the roots opened, the index read, the archive
/// walked against it; then either the index's timeline taken whole
/// ([`take_unchanged`]) or the files gathered ([`gather`]), resolved, and
/// a new index written ([`write_index`]).
/// Where the index is, its head and its snapshot, as [`read_index`] leaves
/// them.
type IndexRead = (
    Option<index::Place>,
    (Option<index::UndecodedHead>, Snapshot),
);

/// The roots opened, and (with `cache`) the index read at the same time:
/// its key needs nothing of the roots but their names.
fn roots_and_index(
    roots: &[PathBuf],
    cache: bool,
    want: Want,
) -> (Result<Vec<Root>, LoadError>, Option<IndexRead>) {
    std::thread::scope(|s| {
        let reading = cache.then(|| {
            s.spawn(|| {
                let place = index::Place::for_roots(roots_key(roots));
                let read = read_index(place.as_ref(), want);
                (place, read)
            })
        });
        let walked = open_roots(roots);
        let read = reading.map(|r| match r.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        });
        (walked, read)
    })
}

fn open_or_unchanged(
    roots: &[PathBuf],
    cache: bool,
    want: Want,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<Opened>, LoadError> {
    let trace = Trace::new();
    // Every stat of this open is taken after this moment.
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    let (walked, read) = roots_and_index(roots, cache, want);
    let walked = walked?;
    trace.lap("roots opened");
    let (place, (head, mut snapshot)) = read.unwrap_or_default();
    let previous = head.as_ref().and_then(index::UndecodedHead::decode);
    // A head that does not decode: its snapshot is not used either (its
    // thread frees it when done).
    if previous.is_none() {
        snapshot.decoding = None;
    }
    let drafts = place.as_ref().and_then(|p| p.drafts_writer().ok());
    trace.lap("index read");
    let no_files = Vec::new();
    let indexed = previous.as_ref().map_or(&no_files, |p| &p.files);
    let known = previous.as_ref().map_or_else(dirs::Known::default, |p| {
        dirs::Known::new(&p.files, &p.dirs)
    });
    let walk = walk(indexed, known, &walked, drafts.as_ref(), progress);
    trace.lap("walked");
    let fresh = walk
        .items
        .iter()
        .filter(|(_, o, _)| matches!(o, Outcome::Fresh(_)))
        .count();
    let mut index_use = IndexUse {
        used: previous.is_some(),
        reread: fresh,
        removed: walk.removed,
        written: false,
        folders_listed: walk.listings,
    };
    let unchanged = previous
        .as_ref()
        .is_some_and(|p| fresh == 0 && walk.removed == 0 && p.walk_problems == walk.problems);
    if unchanged {
        let Some(place) = &place else {
            return open(roots, false, progress).map(Some);
        };
        // What the walk kept goes first: the snapshot alone is the answer.
        let Walk {
            problems,
            dirs,
            vouchable,
            previous: by_name,
            items,
            reused,
            ..
        } = walk;
        drop((by_name, items, reused));
        let walked = Unchanged {
            problems,
            dirs,
            vouchable,
        };
        return take_unchanged(
            place,
            snapshot,
            previous.as_ref(),
            walked,
            index_use,
            want,
            &trace,
            roots,
            progress,
        );
    }
    let Walk {
        previous: by_name,
        problems: walk_problems,
        dirs: walked_dirs,
        mut items,
        reused,
        ..
    } = walk;
    // Something changed: the files that did not join the ones read.
    items.extend(reused.into_iter().map(|(i, root)| {
        let (display, stat) = &indexed[i as usize];
        let c = Candidate {
            display: Cow::Borrowed(display),
            raw: None,
            root: root as usize,
        };
        (c, Outcome::Reuse, *stat)
    }));
    let any_reused = items.iter().any(|(_, o, _)| matches!(o, Outcome::Reuse));
    // The unchanged files' drafts come from the index.
    let old_drafts = previous
        .as_ref()
        .filter(|_| any_reused)
        .and_then(|p| place.as_ref()?.read_drafts(p.drafts, p.drafts_len));
    // The archive changed: the snapshot being decoded is not wanted (its
    // thread frees it when done).
    drop(snapshot.decoding);
    trace.lap("drafts read");
    let (loaded, files) = gather(
        items,
        &walked,
        old_drafts.as_ref(),
        drafts.as_ref(),
        &mut index_use,
    );
    drop(old_drafts);
    drop(by_name);
    // The drafts the replaced index named are kept one more round.
    let replaced_drafts = previous.as_ref().map(|p| p.drafts);
    drop(previous);
    drop(head);
    trace.lap("drafts taken");
    let timeline = resolve::build(archive_name(roots), loaded, walk_problems.clone());
    trace.lap("resolved");
    let written = match (place, drafts) {
        (Some(place), Some(drafts)) => {
            let new = NewIndex {
                files: &files,
                started,
                dirs: walked_dirs,
                walk_problems,
                replaced_drafts,
            };
            let w = write_index(place, drafts, new, &timeline);
            trace.lap("index written");
            w
        }
        _ => Written::default(),
    };
    index_use.written = written.id.is_some();
    Ok(Some(Opened {
        timeline,
        index: index_use,
        index_id: written.id,
        tidying: written.tidying,
    }))
}

/// The snapshot of the index read: either being decoded already on a
/// thread of its own (most opens find the archive unchanged, and the walk
/// that finds it so takes as long) or left unread (a check for changes,
/// which wants it only if the index is newer than what the caller shows).
#[derive(Default)]
struct Snapshot {
    decoding: Option<JoinHandle<Option<Timeline>>>,
    unread: Option<index::UnreadSnapshot>,
}

/// The index of the archive, if there is a usable one: its head (decoded
/// by the caller) and its snapshot.
fn read_index(
    place: Option<&index::Place>,
    want: Want,
) -> (Option<index::UndecodedHead>, Snapshot) {
    let Some(index::Index { head, snapshot, .. }) = place.and_then(index::Place::read) else {
        return (None, Snapshot::default());
    };
    let snapshot = match want {
        Want::Timeline => Snapshot {
            decoding: Some(std::thread::spawn(move || snapshot.into_timeline())),
            unread: None,
        },
        Want::ChangesSince(_) => Snapshot {
            decoding: None,
            unread: Some(snapshot),
        },
    };
    (Some(head), snapshot)
}

/// What the walk found.
struct Walk<'a> {
    /// The indexed files by name, if the walk made the table.
    previous: OnceLock<FxHashMap<&'a str, usize>>,
    problems: Vec<Problem>,
    /// Every folder walked, and what it can be vouched for as; in no
    /// order (put in order only when an index is written).
    dirs: Vec<(String, Option<FileStat>, bool)>,
    items: Vec<(Candidate<'a>, Outcome, FileStat)>,
    reused: Vec<(u32, u32)>,
    /// Indexed files the walk did not meet: they are gone.
    removed: usize,
    listings: usize,
    vouchable: usize,
}

/// Walks the archive's roots against the files of the index.
fn walk<'a>(
    indexed: &'a [(&'a str, FileStat)],
    known: dirs::Known<'a>,
    roots: &'a [Root],
    drafts: Option<&'a index::DraftsWriter>,
    progress: &'a (dyn Fn(usize, usize) + Sync),
) -> Walk<'a> {
    let found = Found {
        // The indexed files by name, made only when a folder must be
        // listed (the index vouches for most, whose files it knows by place).
        previous: OnceLock::new(),
        indexed,
        known,
        dirs: Mutex::new(Vec::new()),
        seen: indexed.iter().map(|_| AtomicBool::new(false)).collect(),
        roots,
        drafts,
        items: Mutex::new(Vec::new()),
        reused: Mutex::new(Vec::new()),
        listings: AtomicUsize::new(0),
        vouchable: AtomicUsize::new(0),
        problems: Mutex::new(Vec::new()),
        count: AtomicUsize::new(0),
        progress,
    };
    walk_roots(&found);
    let found_all = found.count.load(Ordering::Relaxed);
    progress(found_all, found_all);
    let mut problems = found.problems.into_inner().unwrap_or_default();
    problems.sort();
    let removed = found
        .seen
        .iter()
        .filter(|s| !s.load(Ordering::Relaxed))
        .count();
    Walk {
        previous: found.previous,
        problems,
        dirs: found.dirs.into_inner().unwrap_or_default(),
        items: found.items.into_inner().unwrap_or_default(),
        reused: found.reused.into_inner().unwrap_or_default(),
        removed,
        listings: found.listings.load(Ordering::Relaxed),
        vouchable: found.vouchable.load(Ordering::Relaxed),
    }
}

/// What [`take_unchanged`] needs of the walk.
struct Unchanged {
    problems: Vec<Problem>,
    dirs: Vec<(String, Option<FileStat>, bool)>,
    vouchable: usize,
}

/// The archive is as the index saw it: its timeline is the answer (or, for
/// a check whose caller shows that very index, there is none). An index
/// that could vouch for few folders when it was written, and now can for
/// many, is written again with them, once.
#[allow(clippy::too_many_arguments)]
fn take_unchanged(
    place: &index::Place,
    mut snapshot: Snapshot,
    previous: Option<&index::Head<'_>>,
    walk: Unchanged,
    mut index_use: IndexUse,
    want: Want,
    trace: &Trace,
    roots: &[PathBuf],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<Opened>, LoadError> {
    place.used();
    let index_id = previous.as_ref().map(|p| p.drafts);
    if let Want::ChangesSince(shown) = want {
        if shown == index_id {
            return Ok(None);
        }
        // Another process wrote the index since the caller's timeline
        // was made: it is newer than what the caller shows.
        snapshot.decoding = snapshot
            .unread
            .take()
            .map(|s| std::thread::spawn(move || s.into_timeline()));
    }
    let Unchanged {
        problems: walk_problems,
        dirs: walked_dirs,
        vouchable,
    } = walk;
    // Many folders the index could not vouch for (it was written right
    // after the archive was copied or made) and now can: it is written
    // again with them, once, so that later opens need not list them.
    let walked_dirs = (vouchable > 0).then(|| one_each(walked_dirs));
    let revouch = walked_dirs
        .as_ref()
        .is_some_and(|dirs| vouchable * 8 >= dirs.len());
    let previous = previous.filter(|_| revouch);
    match snapshot.decoding.and_then(|d| d.join().ok()).flatten() {
        Some(timeline) => {
            if let (Some(previous), Some(dirs)) = (previous, walked_dirs) {
                let head = index::Head {
                    roots: place.roots().iter().map(String::as_str).collect(),
                    drafts: previous.drafts,
                    drafts_len: previous.drafts_len,
                    files: previous.files.clone(),
                    dirs: dirs.iter().map(|(d, s, e)| (d.as_str(), *s, *e)).collect(),
                    walk_problems,
                };
                index_use.written = place.write(&head, &timeline).is_ok();
            }
            trace.lap("snapshot");
            Ok(Some(Opened {
                timeline,
                index: index_use,
                index_id,
                tidying: None,
            }))
        }
        // A whole index whose snapshot does not read back (written by
        // a buggy build?): start again without it.
        None => {
            let cache = place.discard().is_ok();
            open(roots, cache, progress).map(Some)
        }
    }
}

/// The files to resolve, each once, in order of name, with the unchanged
/// ones' drafts taken from the index (copied into the new drafts as they
/// are), and every file walked with its stat, for the new index. (Each
/// file's draft stays in the box the walk made it in: the resolver takes
/// them so.)
#[allow(clippy::vec_box)]
fn gather<'a>(
    mut items: Vec<(Candidate<'a>, Outcome, FileStat)>,
    walked: &[Root],
    old_drafts: Option<&index::Drafts>,
    drafts: Option<&index::DraftsWriter>,
    index_use: &mut IndexUse,
) -> (Vec<Box<Loaded>>, Vec<(String, FileStat)>) {
    // Overlapping roots (`news` and `news/2013`) name some files twice:
    // keep each once, under the root that holds most of its path.
    let mut dropped = Vec::new();
    if walked.len() > 1 {
        let mut keyed: Vec<_> = items
            .into_iter()
            .map(|item| {
                let (rel, abs) = item.0.rel_and_abs(walked);
                (abs, rel.len(), item)
            })
            .collect();
        keyed.par_sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut last: Option<PathBuf> = None;
        items = Vec::with_capacity(keyed.len());
        for (abs, _, item) in keyed {
            if last.as_ref() == Some(&abs) {
                dropped.push(item);
            } else {
                last = Some(abs);
                items.push(item);
            }
        }
    }
    items.par_sort_unstable_by(|(a, ..), (b, ..)| a.display.cmp(&b.display));
    let carry = |display: &str| {
        let found = old_drafts.and_then(|d| d.get(display));
        if let (Some((_, raw)), Some(w)) = (&found, drafts) {
            w.add_raw(raw);
        }
        found.map(|(l, _)| l)
    };
    // The index lists every file walked, duplicates under overlapping
    // roots included, so that they too are known unchanged next time.
    let mut files: Vec<(String, FileStat)> = Vec::with_capacity(items.len() + dropped.len());
    for (c, outcome, stat) in dropped {
        if matches!(outcome, Outcome::Reuse) {
            carry(&c.display);
        }
        files.push((c.display.into_owned(), stat));
    }
    let mut loaded: Vec<Box<Loaded>> = Vec::with_capacity(items.len());
    for (c, outcome, stat) in items {
        loaded.push(match outcome {
            Outcome::Fresh(l) => l,
            Outcome::Reuse => Box::new(match carry(&c.display) {
                // Drafted under this root or another that holds it too.
                Some(mut l) => {
                    c.place(walked, &mut l);
                    l
                }
                None => {
                    // No draft to be had: read the file after all. (Its stat
                    // in the index is the walk's, taken before this read: a
                    // change in between is seen next time.)
                    index_use.reread += 1;
                    let (l, _) = c.load(walked);
                    if let Some(w) = drafts {
                        w.add(&l);
                    }
                    l
                }
            }),
        });
        files.push((c.display.into_owned(), stat));
    }
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Roots that overlap can name one file the same way twice.
    files.dedup_by(|a, b| a.0 == b.0);
    (loaded, files)
}

/// What writing an index came to: its id when it was written, and the
/// tidying of the cache that follows.
#[derive(Default)]
struct Written {
    id: Option<u64>,
    tidying: Option<JoinHandle<()>>,
}

/// What a new index says besides the timeline.
struct NewIndex<'a> {
    /// Every file walked, with its stat.
    files: &'a [(String, FileStat)],
    /// When the open began (see [`FileStat::for_index`]).
    started: i64,
    /// Every folder walked, in no order.
    dirs: Vec<(String, Option<FileStat>, bool)>,
    walk_problems: Vec<Problem>,
    /// The drafts the index it replaces named.
    replaced_drafts: Option<u64>,
}

/// Writes the index of a timeline: the main file whole, then the drafts
/// put in place, then the main file that names them; then the cache is
/// tidied on a thread of its own. A cache that cannot be written only
/// costs the next open.
fn write_index(
    place: index::Place,
    drafts: index::DraftsWriter,
    new: NewIndex<'_>,
    timeline: &Timeline,
) -> Written {
    let dirs = one_each(new.dirs);
    // The drafts are closed first: the main file says how long they are.
    let Ok(drafts) = drafts.close() else {
        return Written::default();
    };
    let head = index::Head {
        roots: place.roots().iter().map(String::as_str).collect(),
        drafts: drafts.id,
        drafts_len: drafts.len,
        files: (new.files.iter())
            .map(|(f, s)| (f.as_str(), s.for_index(new.started)))
            .collect(),
        dirs: dirs.iter().map(|(d, s, e)| (d.as_str(), *s, *e)).collect(),
        walk_problems: new.walk_problems,
    };
    let written = place
        .write_pending(&head, timeline)
        .and_then(|main| place.install_with(drafts, main))
        .is_ok();
    if !written {
        return Written::default();
    }
    let keep: Vec<u64> = [Some(head.drafts), new.replaced_drafts]
        .into_iter()
        .flatten()
        .collect();
    Written {
        id: Some(head.drafts),
        tidying: Some(std::thread::spawn(move || place.tidy(&keep))),
    }
}

/// The folders walked, in order, each once: one walked twice (under
/// overlapping roots) is trusted only if both walks trusted it, and is its
/// parent's if either entered it from there.
fn one_each(
    mut dirs: Vec<(String, Option<FileStat>, bool)>,
) -> Vec<(String, Option<FileStat>, bool)> {
    dirs.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    dirs.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            if later.1 != kept.1 {
                kept.1 = None;
            }
            kept.2 |= later.2;
        }
        same
    });
    dirs
}

/// What the walking threads share.
struct Found<'a> {
    /// The indexed files by name (made when first wanted).
    previous: OnceLock<FxHashMap<&'a str, usize>>,
    indexed: &'a [(&'a str, FileStat)],
    /// The folders of the index.
    known: dirs::Known<'a>,
    /// Every folder walked, and what it can be vouched for as.
    dirs: Mutex<Vec<(String, Option<FileStat>, bool)>>,
    /// Which of the indexed files the walk met.
    seen: Vec<AtomicBool>,
    roots: &'a [Root],
    drafts: Option<&'a index::DraftsWriter>,
    /// The files read, and the indexed ones that are not found by their
    /// name alone (shown escaped).
    items: Mutex<Vec<(Candidate<'a>, Outcome, FileStat)>>,
    /// The other indexed files found unchanged: their place in the index
    /// and the root they were found under. Most opens need no more.
    reused: Mutex<Vec<(u32, u32)>>,
    /// How many folders were listed, and how many of those can be
    /// vouched for now.
    listings: AtomicUsize,
    vouchable: AtomicUsize,
    problems: Mutex<Vec<Problem>>,
    count: AtomicUsize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// Files at least this large are parsed one at a time, which bounds the
/// memory that parsing hostile files can take, whatever the core count
/// (markdown can take a hundred times a file's bytes; the usual event file
/// is 1-3 KB and never waits).
const BIG_FILE: usize = 16 * 1024;
static BIG_PARSE: Mutex<()> = Mutex::new(());

/// How often (in files found) the walk reports progress.
const REPORT_EVERY: usize = 1024;

impl<'a> Found<'a> {
    fn problem(&self, path: &Path, reason: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push(Problem {
                file: crate::text::escape_path(path).into_owned(),
                line: None,
                reason,
            });
        }
    }

    /// Notes a folder walked, for the next index.
    fn listed(&self, dir: String, vouched: Option<FileStat>, entered: bool) {
        if let Ok(mut dirs) = self.dirs.lock() {
            dirs.push((dir, vouched, entered));
        }
    }

    fn previous(&self) -> &FxHashMap<&'a str, usize> {
        self.previous.get_or_init(|| {
            let indexed: &'a [(&'a str, FileStat)] = self.indexed;
            (indexed.iter().enumerate())
                .map(|(i, (d, _))| (*d, i))
                .collect()
        })
    }

    /// Takes a candidate from the index when it is unchanged (`stat` tells
    /// what it is now), else reads and parses it; it is `at` in the index
    /// (`None`: not in it).
    fn file_at(
        &self,
        c: Candidate<'a>,
        at: Option<usize>,
        stat: impl FnOnce() -> Option<FileStat>,
    ) {
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(REPORT_EVERY) {
            (self.progress)(n, 0);
        }
        let unchanged = at.and_then(|i| {
            self.seen[i].store(true, Ordering::Relaxed);
            (stat()? == self.indexed[i].1).then_some(i)
        });
        let (outcome, stat) = match unchanged {
            Some(i) => {
                if c.raw.is_none()
                    && let (Ok(i), Ok(root), Ok(mut reused)) =
                        (u32::try_from(i), u32::try_from(c.root), self.reused.lock())
                {
                    reused.push((i, root));
                    return;
                }
                (Outcome::Reuse, self.indexed[i].1)
            }
            None => {
                let (l, stat) = c.load(self.roots);
                if let Some(d) = self.drafts {
                    d.add(&l);
                }
                (Outcome::Fresh(Box::new(l)), stat)
            }
        };
        if let Ok(mut items) = self.items.lock() {
            items.push((c, outcome, stat));
        }
    }
}

/// Walks every root on one pool: each folder on the pool's threads (one
/// task per folder), not following symbolic links and not entering hidden
/// folders, and the files named on their own as a parallel loop of their
/// own, so that thousands of them are read on every core as a folder's
/// files are; each candidate file is handed to [`Found::file_at`] on the
/// thread that found it.
fn walk_roots(found: &Found<'_>) {
    // Reading many small files waits on the disk more than on the CPU:
    // more threads than cores keep both busy (measured: 8 threads on 2
    // cores read a 100,000-file archive 20-30 % faster than 4). Files of a
    // megabyte or more are still parsed one at a time. Checking files
    // against the index is mostly the CPU's work, and shares it with the
    // thread decoding the snapshot: one more thread than cores (measured
    // on 2 cores: 3 threads reopen 100,000 events in 0.44 s, 8 in 0.55 s).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = if found.indexed.is_empty() {
        (cores * 4).clamp(4, 16)
    } else {
        (cores + 1).clamp(3, 16)
    };
    let roots = found.roots;
    let run = || {
        rayon::scope(|s| {
            for (i, root) in roots.iter().enumerate() {
                if !root.single {
                    let dir = root.given.clone();
                    s.spawn(move |s| walk_dir(s, dir, i, false, found));
                }
            }
            (0..roots.len())
                .into_par_iter()
                .filter(|&i| roots[i].single)
                .for_each(|i| single_root(i, found));
        });
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// A file named on its own, root `i`.
fn single_root(i: usize, found: &Found<'_>) {
    let root = &found.roots[i];
    if !is_candidate(&root.given) {
        // Named on its own, but not a kind of file ktimeline reads.
        found.problem(
            &root.given,
            "not read: ktimeline reads only .md, .markdown and .txt files".into(),
        );
        return;
    }
    // A file named on its own is read even through a symbolic link (the
    // user named it), by its real path.
    let (mut candidate, at) = Candidate::new(Cow::Borrowed(&root.given), i, found.previous());
    if root.link {
        candidate.raw = Some(root.abs().to_path_buf());
    }
    found.file_at(candidate, at, || root.stat);
}

/// `entered`: the folder was found in the folder that holds it (rather
/// than named as a root).
fn walk_dir<'s, 'a: 's>(
    scope: &rayon::Scope<'s>,
    dir: PathBuf,
    root: usize,
    entered: bool,
    found: &'s Found<'a>,
) {
    // The folder's times are taken before it is listed (see `dirs`).
    let taken = std::time::SystemTime::now();
    let stat = FileStat::of_result(fs::metadata(&dir));
    let name = dir.to_str();
    if let (Some(stat), Some(name)) = (stat, name)
        && let Some(listing) = found.known.unchanged(name, &stat, found.indexed)
    {
        // Its entries are the index's: only its files are looked at.
        found.listed(name.to_string(), Some(stat), entered);
        for &i in &listing.files {
            let display = found.indexed[i].0;
            let c = Candidate {
                display: Cow::Borrowed(display),
                raw: None,
                root,
            };
            found.file_at(c, Some(i), || {
                FileStat::of_result(fs::symlink_metadata(display))
            });
        }
        for &sub in &listing.dirs {
            scope.spawn(move |s| walk_dir(s, PathBuf::from(sub), root, true, found));
        }
        return;
    }
    // Listed cleanly: no problem, no link, no name shown escaped.
    let mut clean = name.is_some();
    let listed = |clean: bool| {
        let vouched = stat.filter(|_| clean).and_then(|s| dirs::vouch(s, taken));
        if vouched.is_some() {
            found.vouchable.fetch_add(1, Ordering::Relaxed);
        }
        found.listed(
            crate::text::escape_path(&dir).into_owned(),
            vouched,
            entered,
        );
    };
    found.listings.fetch_add(1, Ordering::Relaxed);
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            listed(false);
            return found.problem(&dir, format!("unreadable: {}", io_message(&e)));
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                clean = false;
                found.problem(&dir, format!("unreadable: {}", io_message(&e)));
                continue;
            }
        };
        let path = entry.path();
        let Ok(ft) = entry.file_type() else {
            clean = false;
            found.problem(&path, "unreadable: cannot tell what it is".into());
            continue;
        };
        if ft.is_dir() {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                // The index names folders as they are shown: one shown
                // escaped could not be found again by that name.
                clean &= matches!(crate::text::escape_path(&path), Cow::Borrowed(_));
                scope.spawn(move |s| walk_dir(s, path, root, true, found));
            }
            continue;
        }
        // A root given as a link to a folder is followed (the user named
        // it); links inside are not.
        if ft.is_symlink() {
            clean = false;
            if is_candidate(&path) {
                found.problem(&path, "symbolic link, not followed".into());
            } else if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                found.problem(&path, "symbolic link to a directory, not followed".into());
            }
            continue;
        }
        if !is_candidate(&path) {
            continue;
        }
        if !ft.is_file() {
            clean = false;
            found.problem(&path, "not a regular file".into());
            continue;
        }
        let (c, at) = Candidate::new(Cow::Owned(path), root, found.previous());
        clean &= c.raw.is_none();
        // The entry's own metadata is read relative to its folder: much
        // cheaper than looking the whole path up again.
        found.file_at(c, at, || FileStat::of_result(entry.metadata()));
    }
    listed(clean);
}

fn loaded(
    display: String,
    rel: String,
    extra_keys: Vec<String>,
    parsed: Parsed,
    warnings: Vec<Warning>,
) -> Loaded {
    Loaded {
        path_date: crate::text::date_from_path(&rel),
        display,
        rel,
        extra_keys: extra_keys.into(),
        parsed,
        warnings: warnings.into(),
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

/// Parses a file's bytes ([`parse_bytes`]) as its name asks: a section
/// page of Hugo or Zola (`_index.md`) is a page, never an entry.
fn parse_path(bytes: &[u8], path: &Path) -> (Parsed, Vec<Warning>) {
    let (parsed, warnings) = parse_bytes(bytes, is_index_name(path));
    let section = path
        .file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("_index"));
    match parsed {
        Parsed::Event(_) | Parsed::Article(_) if section => (Parsed::Index(Vec::new()), warnings),
        p => (p, warnings),
    }
}

/// Checks the bytes are text, then parses them.
pub fn parse_bytes(bytes: &[u8], is_index_name: bool) -> (Parsed, Vec<Warning>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text;

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_key_two_indexes() {
        use std::os::unix::ffi::OsStrExt;
        let name = |b: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(b));
        let (ff, fe) = (name(b"/nowhere/x\xff"), name(b"/nowhere/x\xfe"));
        let key = roots_key(std::slice::from_ref(&ff));
        assert_ne!(key, roots_key(&[fe]));
        assert_eq!(key, roots_key(&[ff]));
    }

    /// `tidy` spells a path as its components do.
    #[test]
    fn tidy_is_what_components_give() {
        for name in [
            "a", "a/", "a//b", "a/./b", "./a", "./", ".", "a/.", "/.", "/", "//a", "a/b/",
            "../a/./", "a/..", "a/../b", "", "a.md", "a/.md", "a/..md", "a/b/.",
        ] {
            let p = Path::new(name);
            let want: PathBuf = p.components().collect();
            assert_eq!(&*tidy(p), want.as_path(), "{name:?}");
        }
    }

    /// A file named twice, by other names for it (through a link to it,
    /// through a linked folder, through `..`), is one root, the first; a
    /// hard link to it is a root of its own, as it is a file of its own in
    /// a folder.
    #[cfg(unix)]
    #[test]
    fn one_file_named_many_ways_is_one_root_but_a_hard_link_is_two() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a/b")).unwrap();
        fs::write(d.join("a/b/f.md"), "x").unwrap();
        fs::write(d.join("a/b/g.md"), "y").unwrap();
        symlink(d.join("a/b/f.md"), d.join("link.md")).unwrap();
        symlink(d.join("a"), d.join("dirlink")).unwrap();
        fs::hard_link(d.join("a/b/f.md"), d.join("hard.md")).unwrap();
        let names = [
            "link.md",
            "a/b/f.md",
            "dirlink/b/f.md",
            "a/b/../b/f.md",
            "hard.md",
            "a/b/g.md",
            "a/./b/f.md",
            "a",
            "dirlink",
            "a/b/..",
        ];
        let roots: Vec<PathBuf> = names.iter().map(|n| d.join(n)).collect();
        let opened = open_roots(&roots).unwrap();
        let kept: Vec<&Path> = opened.iter().map(|r| r.given.as_path()).collect();
        let want: Vec<PathBuf> = ["link.md", "hard.md", "a/b/g.md", "a"]
            .iter()
            .map(|n| d.join(n))
            .collect();
        assert_eq!(kept, want.iter().map(PathBuf::as_path).collect::<Vec<_>>());
        assert!(opened[0].link && opened[0].single && !opened[3].single);
        let real = fs::canonicalize(d.join("a/b/f.md")).unwrap();
        assert_eq!(opened[0].abs(), real);
        // A missing root is an error naming it.
        let mut missing = roots.clone();
        missing.insert(4, d.join("nowhere.md"));
        let e = open_roots(&missing).err().unwrap();
        assert_eq!(e.path, d.join("nowhere.md"));
    }

    /// The cache key costs no call per root: a root is keyed by its name
    /// as the walk spells it and by that name made absolute.
    #[test]
    fn roots_are_keyed_by_their_names_made_absolute() {
        let key = |p: &str| root_key(Path::new(p), Some("/somewhere/else"));
        assert_eq!(key("a/b/"), ["a/b", "/somewhere/else/a/b"]);
        assert_eq!(key("a//./b"), key("a/b"));
        assert_eq!(key("/x/y.md"), ["/x/y.md", "/x/y.md"]);
        assert_eq!(root_key(Path::new("y.md"), Some("/")), ["y.md", "/y.md"]);
        assert_ne!(key("y.md"), root_key(Path::new("y.md"), Some("/x")));
        // Escaped as the path made absolute would be.
        let odd = "a\\b\u{202e}\n.md";
        let joined = text::escape_path(&Path::new("/somewhere/else").join(odd)).into_owned();
        assert_eq!(key(odd)[1], joined);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let raw = Path::new(std::ffi::OsStr::from_bytes(b"x\xff/\xe9.md"));
            let cwd = Path::new(std::ffi::OsStr::from_bytes(b"/w\xfe"));
            let cwd_shown = text::escape_path(cwd);
            let got = root_key(raw, Some(&cwd_shown));
            assert_eq!(got[1], text::escape_path(&cwd.join(raw)));
        }
    }

    /// The shared canonical paths are what `fs::canonicalize` gives, with
    /// links to folders and files, `..` after a link, `.`, a trailing `/`
    /// and missing names.
    #[cfg(unix)]
    #[test]
    fn canonical_paths_are_what_canonicalize_gives() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a/b/c")).unwrap();
        fs::create_dir_all(d.join("x/y")).unwrap();
        fs::write(d.join("a/b/c/f.md"), "x").unwrap();
        fs::write(d.join("x/y/g.md"), "x").unwrap();
        symlink(d.join("a/b"), d.join("link")).unwrap();
        symlink("b/c/f.md", d.join("a/file-link.md")).unwrap();
        symlink(d.join("x/y"), d.join("a/b/c/up")).unwrap();
        let names = [
            "a/b/c/f.md",
            "a/b/c",
            "a/b/c/",
            "a/b/c/.",
            "a/./b/c/f.md",
            "a//b/c/f.md",
            "link",
            "link/",
            "link/c/f.md",
            "link/c/..",
            "link/../b/c/f.md",
            "a/file-link.md",
            "a/b/c/up/g.md",
            "a/b/c/up/../y/g.md",
            "a/b/c/up/../../a",
            "missing.md",
            "a/missing/f.md",
            "a/b/c/f.md/x",
        ];
        let canonical = Canonical::default();
        // Twice: the second time from what the first left known.
        for _ in 0..2 {
            for name in names {
                let p = d.join(name);
                assert_eq!(canonical.of(&p, None), fs::canonicalize(&p).ok(), "{name}");
            }
        }
    }

    /// The string reading of a walked path gives what the component
    /// reading gives, whatever the spelling of the root; it declines the
    /// shapes it does not know.
    #[test]
    fn a_walked_path_reads_the_same_by_string_and_by_components() {
        let givens = [
            "a", "a/", "a//", "a/.", "./a", "../a", "/x/a", "a/./b", "news", "/", ".",
        ];
        let abs = [
            "/x/news/a",
            "/news/b/news/a",
            "/",
            "/newsroom/a",
            "/x/my-news/news",
            "/a",
        ];
        let rels = [
            "f.md",
            "news/2013/06/6/f.md",
            "2013/news/f.md",
            "newsy/f.md",
            "news/b/news/f.md",
            "a-news/news.md",
            "x/news",
            "./f.md",
            "x//f.md",
            "x/../f.md",
        ];
        let mut fast = 0;
        for given in givens {
            for abs in abs {
                let roots = [Root {
                    given: PathBuf::from(given),
                    abs: OnceLock::from(PathBuf::from(abs)),
                    canonical: Default::default(),
                    single: false,
                    link: false,
                    stat: None,
                }];
                for rel in rels {
                    let display = Path::new(given).join(rel).to_string_lossy().into_owned();
                    let c = Candidate {
                        display: Cow::Owned(display.clone()),
                        raw: None,
                        root: 0,
                    };
                    let (slow_rel, slow_abs) = c.rel_and_abs(&roots);
                    if let Some(got) = c.rel_and_news_key(&roots) {
                        fast += 1;
                        assert_eq!(
                            got,
                            (slow_rel, news_key(&slow_abs)),
                            "{display} under {given} ({abs})"
                        );
                    }
                }
            }
        }
        // Clean names under any root spelling but `a//` take the string way.
        assert!(fast >= 10 * 5 * 6, "{fast}");
    }
}

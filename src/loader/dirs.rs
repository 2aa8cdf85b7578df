//! Folders the index can vouch for, so that a reopen need not list them
//! again. Adding, removing or renaming an entry changes its folder's
//! modification and change times; so a folder whose times, size and inode
//! are what the index saw holds the entries the index saw, and only its
//! files need looking at (each file's own size and times still decide
//! whether it is read again). Listing the 27,616 folders of a 100,000-event
//! archive was a third of a reopen's work.
//!
//! A folder is vouched for only when it was listed cleanly (no links, no
//! problems, no name that has to be shown escaped) and its times were
//! already [`SETTLED`] in the past when they were taken, before the
//! listing: a change in the same tick of a coarse clock, after the times
//! were taken, then cannot go unseen. Anything else is listed every time.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;

use super::read::FileStat;

/// How far in the past a folder's times must be to be trusted.
pub const SETTLED: Duration = Duration::from_secs(2);

/// The folders an index knows, each with its entries.
#[derive(Default)]
pub struct Known<'a> {
    by_dir: FxHashMap<Cow<'a, str>, Listing<'a>>,
}

/// A folder as the index saw it.
#[derive(Default)]
pub struct Listing<'a> {
    /// `None`: not vouched for.
    stat: Option<FileStat>,
    /// Its candidate files, as places in the index's list of files.
    pub files: Vec<usize>,
    /// Its folders (each walked).
    pub dirs: Vec<&'a str>,
}

impl<'a> Known<'a> {
    /// The folders of an index (`dirs`: every folder walked, and whether
    /// it was entered from the folder that holds it) with the files of
    /// `files` and the folders each holds. A folder walked only as a root
    /// (a hidden one, or one spelt with `..`) is not its parent's.
    pub fn new(
        files: &'a [(String, FileStat)],
        dirs: &'a [(String, Option<FileStat>, bool)],
    ) -> Self {
        let mut by_dir: FxHashMap<Cow<'a, str>, Listing> = FxHashMap::default();
        by_dir.reserve(dirs.len());
        for (dir, stat, _) in dirs {
            by_dir.entry(key(dir)).or_default().stat = *stat;
        }
        for (dir, _, entered) in dirs {
            if *entered && let Some(listing) = parent(dir).and_then(|p| by_dir.get_mut(&*p)) {
                listing.dirs.push(dir);
            }
        }
        for (i, (file, _)) in files.iter().enumerate() {
            if let Some(listing) = parent(file).and_then(|p| by_dir.get_mut(&*p)) {
                listing.files.push(i);
            }
        }
        Known { by_dir }
    }

    /// The folder `dir` as the index saw it, when it was vouched for,
    /// `now` shows it unchanged, and its entries are named as this walk
    /// names them (`a//` and `a/.` are one index's roots, but name their
    /// files otherwise than `a` does).
    pub fn unchanged(
        &self,
        dir: &str,
        now: &FileStat,
        files: &[(String, FileStat)],
    ) -> Option<&Listing<'a>> {
        self.by_dir.get(&*key(dir)).filter(|listing| {
            listing.stat.as_ref() == Some(now)
                && listing.files.iter().all(|&i| joined(dir, &files[i].0))
                && listing.dirs.iter().all(|d| joined(dir, d))
        })
    }
}

/// Is `entry` what joining one name to `dir` spells?
fn joined(dir: &str, entry: &str) -> bool {
    let Some(rest) = entry.strip_prefix(dir) else {
        return false;
    };
    let name = if dir.ends_with('/') {
        Some(rest)
    } else {
        rest.strip_prefix('/')
    };
    name.is_some_and(|n| !n.is_empty() && !n.contains('/'))
}

/// A folder's path spelt as its entries' paths spell their folder: the
/// walk names a folder's entries by joining their names to its path, so
/// `a/` holds `a/news`, and `a//news` holds `a//news/e.md`. Separators
/// repeated or at the end and `.` inside are dropped, as `Path` does when
/// it compares.
fn key(path: &str) -> Cow<'_, str> {
    let odd = path.contains("//")
        || path.contains("/./")
        || path.ends_with("/.")
        || (path.len() > 1 && path.ends_with('/'));
    if !odd {
        return Cow::Borrowed(path);
    }
    let normal: PathBuf = Path::new(path).components().collect();
    Cow::Owned(normal.to_string_lossy().into_owned())
}

/// The key of the folder that holds `path`.
fn parent(path: &str) -> Option<Cow<'_, str>> {
    // The usual path, spelt plainly: its folder is what precedes its last
    // `/` (done for every file of an index when it is read).
    if matches!(key(path), Cow::Borrowed(_)) && !path.is_empty() && path != "/" {
        return Some(Cow::Borrowed(match path.rfind('/') {
            Some(0) => "/",
            Some(i) => &path[..i],
            None => "",
        }));
    }
    by_components(path)
}

/// [`parent`] as `Path` finds it.
fn by_components(path: &str) -> Option<Cow<'_, str>> {
    let parent = Path::new(path).parent()?.to_str()?;
    Some(key(parent))
}

/// What a folder listed cleanly can be vouched for as: its `stat`, taken
/// at `taken` before it was listed, when its times were settled then.
pub fn vouch(stat: FileStat, taken: SystemTime) -> Option<FileStat> {
    if !cfg!(unix) {
        return None;
    }
    let taken = taken.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    let taken = i64::try_from(taken.as_nanos()).ok()?;
    let newest = stat.mtime.max(stat.ctime);
    let settled = i64::try_from(SETTLED.as_nanos()).ok()?;
    (stat.mtime > 0 && taken.checked_sub(newest)? >= settled).then_some(stat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(secs: i64) -> FileStat {
        FileStat {
            size: 4096,
            mtime: secs * 1_000_000_000,
            ctime: secs * 1_000_000_000,
            ino: 7,
        }
    }

    #[test]
    fn a_plain_path_s_folder_is_what_path_says() {
        for path in [
            "a/b/x.md",
            "/x.md",
            "x.md",
            "/",
            "",
            ".",
            "./x",
            "a/..",
            "a/../b.md",
            "/tmp/k/news/2013/06/6/e.md",
            "a//b/x.md",
            "a/./x.md",
            "a/.",
            "a/",
            "//x",
            "..",
            "../x.md",
            "a b/c d.md",
            "ü/ö.md",
        ] {
            assert_eq!(parent(path), by_components(path), "{path:?}");
        }
    }

    #[test]
    fn only_settled_times_are_vouched_for() {
        let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(vouch(stat(100), at(110)), Some(stat(100)));
        assert_eq!(vouch(stat(100), at(102)), Some(stat(100)));
        // Changed within the last two seconds, or in the future.
        assert_eq!(vouch(stat(100), at(101)), None);
        assert_eq!(vouch(stat(100), at(90)), None);
        // A recent change time is enough to distrust it.
        let touched_back = FileStat {
            ctime: 109_500_000_000,
            ..stat(100)
        };
        assert_eq!(vouch(touched_back, at(110)), None);
        // No times at all.
        assert_eq!(vouch(stat(0), at(110)), None);
    }

    #[test]
    fn a_folder_lists_its_own_files_and_folders() {
        let files: Vec<(String, FileStat)> = ["a/x.md", "a/b/y.md", "a/b.c/z.md", "a/b/c/w.md"]
            .iter()
            .map(|f| (f.to_string(), stat(1)))
            .collect();
        let dirs: Vec<(String, Option<FileStat>, bool)> = ["a", "a/b", "a/b.c", "a/b/c", "a/.h"]
            .iter()
            .map(|d| (d.to_string(), Some(stat(5)), *d != "a" && *d != "a/.h"))
            .collect();
        let known = Known::new(&files, &dirs);
        let a = known.unchanged("a", &stat(5), &files).unwrap();
        assert_eq!(a.files, vec![0]);
        assert_eq!(a.dirs, vec!["a/b", "a/b.c"]);
        let b = known.unchanged("a/b", &stat(5), &files).unwrap();
        assert_eq!(b.files, vec![1]);
        assert_eq!(b.dirs, vec!["a/b/c"]);
        // Changed, or never known.
        assert!(known.unchanged("a", &stat(6), &files).is_none());
        assert!(known.unchanged("z", &stat(5), &files).is_none());
    }

    #[test]
    fn a_folder_spelt_oddly_still_lists_its_entries() {
        // Roots given as `r/`, `s//x` and `./t`: the walk joins names to them.
        let files: Vec<(String, FileStat)> = ["r/news/e.md", "s//x/f.md", "./t/g.md"]
            .iter()
            .map(|f| (f.to_string(), stat(1)))
            .collect();
        let dirs: Vec<(String, Option<FileStat>, bool)> = ["r/", "r/news", "s//x", "./t"]
            .iter()
            .map(|d| (d.to_string(), Some(stat(5)), *d == "r/news"))
            .collect();
        let known = Known::new(&files, &dirs);
        let listing = |dir| known.unchanged(dir, &stat(5), &files);
        assert_eq!(listing("r/").unwrap().dirs, vec!["r/news"]);
        assert_eq!(listing("r/news").unwrap().files, vec![0]);
        assert_eq!(listing("s//x").unwrap().files, vec![1]);
        assert_eq!(listing("./t").unwrap().files, vec![2]);
        // The same folder spelt otherwise names its entries otherwise:
        // it is listed. (`r` and `r/` name them alike.)
        assert!(listing("s/x").is_none());
        assert!(listing("./t/.").is_none());
        assert_eq!(listing("r").unwrap().dirs, vec!["r/news"]);
    }
}

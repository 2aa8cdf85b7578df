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

use crate::draft::FileStat;

/// How far in the past a folder's times must be to be trusted.
pub const SETTLED: Duration = Duration::from_secs(2);

/// The folders an index knows, each with its entries.
#[derive(Default)]
pub struct Known<'a> {
    /// Places in `listings`, by folder.
    by_dir: FxHashMap<Cow<'a, str>, usize>,
    listings: Vec<Listing<'a>>,
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
    /// Some entry is spelt oddly (see [`key`]): whether it is named as a
    /// walk names it must be checked.
    odd: bool,
}

impl<'a> Known<'a> {
    /// The folders of an index (`dirs`: every folder walked, and whether
    /// it was entered from the folder that holds it) with the files of
    /// `files` and the folders each holds. A folder walked only as a root
    /// (a hidden one, or one spelt with `..`) is not its parent's.
    pub fn new(
        files: &'a [(&'a str, FileStat)],
        dirs: &'a [(&'a str, Option<FileStat>, bool)],
    ) -> Self {
        let mut known = Known {
            by_dir: FxHashMap::default(),
            listings: Vec::with_capacity(dirs.len()),
        };
        known.by_dir.reserve(dirs.len());
        for (dir, stat, _) in dirs {
            let at = *known.by_dir.entry(key(dir)).or_insert_with(|| {
                known.listings.push(Listing::default());
                known.listings.len() - 1
            });
            known.listings[at].stat = *stat;
        }
        for (dir, _, entered) in dirs {
            if *entered && let Some((at, odd)) = known.holder(dir) {
                let listing = &mut known.listings[at];
                listing.dirs.push(dir);
                listing.odd |= odd;
            }
        }
        // Files are in order of their names: most are in the folder of the
        // one before, which is not looked up again.
        let mut last: Option<(&str, usize)> = None;
        for (i, (file, _)) in files.iter().enumerate() {
            let held = match (last, plain_parent(file)) {
                (Some((dir, at)), Some(parent)) if dir == parent => Some((at, false)),
                (_, Some(parent)) => {
                    let at = known.by_dir.get(parent).copied();
                    last = at.map(|at| (parent, at));
                    at.map(|at| (at, false))
                }
                (_, None) => known.holder(file),
            };
            if let Some((at, odd)) = held {
                let listing = &mut known.listings[at];
                listing.files.push(i);
                listing.odd |= odd;
            }
        }
        known
    }

    /// The place of the folder that holds `path`, and whether `path` is
    /// spelt oddly.
    fn holder(&self, path: &str) -> Option<(usize, bool)> {
        match plain_parent(path) {
            Some(parent) => Some((*self.by_dir.get(parent)?, false)),
            None => Some((*self.by_dir.get(&*by_components(path)?)?, true)),
        }
    }

    /// The folder `dir` as the index saw it, when it was vouched for,
    /// `now` shows it unchanged, and its entries are named as this walk
    /// names them (`a//` and `a/.` are one index's roots, but name their
    /// files otherwise than `a` does).
    pub fn unchanged(
        &self,
        dir: &str,
        now: &FileStat,
        files: &[(&str, FileStat)],
    ) -> Option<&Listing<'a>> {
        let key = key(dir);
        // A folder and entries all spelt plainly: each entry is the
        // folder's path, a `/` and a name, as the walk names it.
        let plain = matches!(key, Cow::Borrowed(_)) && !dir.is_empty();
        let listing = &self.listings[*self.by_dir.get(&*key)?];
        (listing.stat.as_ref() == Some(now)
            && ((plain && !listing.odd)
                || (listing.files.iter().all(|&i| joined(dir, files[i].0))
                    && listing.dirs.iter().all(|d| joined(dir, d)))))
        .then_some(listing)
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
    if !is_odd(path) {
        return Cow::Borrowed(path);
    }
    let normal: PathBuf = Path::new(path).components().collect();
    Cow::Owned(normal.to_string_lossy().into_owned())
}

/// Is `path` spelt oddly: `//`, `/./`, or a `/.` or `/` at its end (bar
/// `/` alone)? One look at each `/`.
fn is_odd(path: &str) -> bool {
    let b = path.as_bytes();
    memchr::memchr_iter(b'/', b).any(|i| match b.get(i + 1) {
        None => i > 0,
        Some(b'/') => true,
        Some(b'.') => matches!(b.get(i + 2), None | Some(b'/')),
        Some(_) => false,
    })
}

/// The key of the folder that holds `path`.
#[cfg(test)]
fn parent(path: &str) -> Option<Cow<'_, str>> {
    match plain_parent(path) {
        Some(parent) => Some(Cow::Borrowed(parent)),
        None => by_components(path),
    }
}

/// [`parent`] of a path spelt plainly: what precedes its last `/` (done
/// for every file of an index when it is read); `None` for any other.
fn plain_parent(path: &str) -> Option<&str> {
    if !matches!(key(path), Cow::Borrowed(_)) || path.is_empty() || path == "/" {
        return None;
    }
    Some(match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    })
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
    fn an_odd_spelling_is_told_in_one_look() {
        let by_searches = |path: &str| {
            path.contains("//")
                || path.contains("/./")
                || path.ends_with("/.")
                || (path.len() > 1 && path.ends_with('/'))
        };
        for path in [
            "",
            "/",
            "//",
            "a",
            "a/",
            "a//b",
            "a/./b",
            "a/.",
            "a/.b",
            "a/..",
            "a/../b",
            "./a",
            ".",
            "/.",
            "/./",
            "a/b/",
            "a/b.c/d",
            "/tmp/k/news/2013/06/6/e.md",
            "a/.h/x",
            "é/./",
        ] {
            assert_eq!(is_odd(path), by_searches(path), "{path:?}");
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
        let files: Vec<(&str, FileStat)> = ["a/x.md", "a/b/y.md", "a/b.c/z.md", "a/b/c/w.md"]
            .iter()
            .map(|f| (*f, stat(1)))
            .collect();
        let dirs: Vec<(&str, Option<FileStat>, bool)> = ["a", "a/b", "a/b.c", "a/b/c", "a/.h"]
            .iter()
            .map(|d| (*d, Some(stat(5)), *d != "a" && *d != "a/.h"))
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
        let files: Vec<(&str, FileStat)> = ["r/news/e.md", "s//x/f.md", "./t/g.md"]
            .iter()
            .map(|f| (*f, stat(1)))
            .collect();
        let dirs: Vec<(&str, Option<FileStat>, bool)> = ["r/", "r/news", "s//x", "./t"]
            .iter()
            .map(|d| (*d, Some(stat(5)), *d == "r/news"))
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
        // A folder spelt plainly, one of whose entries is not: listed.
        let files = [("a/x.md", stat(1)), ("a//y.md", stat(1))];
        let dirs = [("a", Some(stat(5)), false)];
        let known = Known::new(&files, &dirs);
        assert!(known.unchanged("a", &stat(5), &files).is_none());
        let files = [("a/x.md", stat(1)), ("a/y.md", stat(1))];
        let known = Known::new(&files, &dirs);
        assert_eq!(
            known.unchanged("a", &stat(5), &files).unwrap().files,
            vec![0, 1]
        );
    }
}

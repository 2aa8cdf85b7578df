//! What the browser remembers of each archive between runs: where the user
//! was (entry, pane, tag filter), their bookmarks and the entries they have
//! read. One small JSON file per archive (keyed by its roots) under
//! `$XDG_STATE_HOME/ktimeline/`, never in the archive; written atomically
//! (a temporary file renamed into place). A file that cannot be read is
//! ignored with a note: losing a place must never stop the browser.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Read entries kept at most, the oldest dropped first.
pub const MAX_VISITED: usize = 100_000;

/// `$XDG_STATE_HOME/ktimeline` (an absolute path only, as the XDG spec
/// says), else `~/.local/state/ktimeline`.
pub fn state_dir() -> Option<PathBuf> {
    crate::index::xdg_dir("XDG_STATE_HOME", ".local/state")
}

/// Where the user was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The selected entry's id.
    pub id: String,
    /// The pane with the keyboard: `dates`, `events` or `detail`.
    #[serde(default)]
    pub focus: String,
    /// The browser's filter: its dates and tags.
    #[serde(default)]
    pub since: Option<NaiveDate>,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The first line of the detail's text shown.
    #[serde(default)]
    pub scroll: usize,
    /// The story the browser was narrowed to (`s`), as it was then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<SavedStory>,
}

/// A story filter as saved: the id of the entry whose story it is, and
/// the ids of its entries (at most `search::story::MAX_STORY`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStory {
    #[serde(default)]
    pub entry: String,
    #[serde(default)]
    pub ids: Vec<String>,
}

/// A bookmarked entry, with enough of it to list it when it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    pub id: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub headline: String,
    #[serde(default)]
    pub file: Option<String>,
}

impl Bookmark {
    /// What a bookmark is told apart by when two browsers' bookmarks are
    /// merged: its entry's file (an edited headline changes the id, and
    /// the browser follows the bookmark to the new one), else its id.
    fn key(&self) -> &str {
        self.file.as_deref().unwrap_or(&self.id)
    }
}

/// Everything kept for one archive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The archive's roots, as the cache names them (a check that the file
    /// is this archive's).
    #[serde(default)]
    pub roots: Vec<String>,
    #[serde(default)]
    pub place: Option<Place>,
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
    /// Ids of the entries read, oldest first.
    #[serde(default)]
    pub visited: Vec<String>,
    /// What was searched for and found (`/`, `f`), oldest first, at most
    /// [`MAX_QUERIES`].
    #[serde(default)]
    pub queries: Vec<String>,
}

/// The most queries kept.
pub const MAX_QUERIES: usize = 100;

/// The state file of one archive.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    roots: Vec<String>,
    /// The bookmarks and read entries as this process's memory last held
    /// them (what it loaded, or what its last save left it with): what
    /// another browser on the same archive added or removed since is told
    /// apart from what this one did, so that saving merges rather than
    /// overwrites.
    base: std::sync::Mutex<Option<Base>>,
}

/// The sets a save merges, as this process last knew them.
#[derive(Debug, Default)]
struct Base {
    bookmarks: HashSet<String>,
    visited: HashSet<String>,
    queries: HashSet<String>,
}

impl Base {
    fn of(state: &State) -> Base {
        Base {
            bookmarks: state
                .bookmarks
                .iter()
                .map(|b| b.key().to_string())
                .collect(),
            visited: state.visited.iter().cloned().collect(),
            queries: state.queries.iter().cloned().collect(),
        }
    }
}

impl Store {
    /// The file for the archive at `roots` (none: the built-in sample), or
    /// `None` when there is no state folder, or it is another user's.
    pub fn for_roots(roots: &[PathBuf]) -> Option<Store> {
        // Another user's folder (or link) is not used: nothing is kept.
        Store::in_dir(state_dir().filter(|d| crate::atomic::own_dir(d))?, roots)
    }

    /// As [`Store::for_roots`], in `dir`.
    pub fn in_dir(dir: PathBuf, roots: &[PathBuf]) -> Option<Store> {
        // Keyed by where the archive is, not how its path was typed:
        // `arch`, `./arch` and `/abs/arch` share their bookmarks.
        let roots: Vec<String> = roots
            .iter()
            .map(|r| {
                std::fs::canonicalize(r)
                    .unwrap_or_else(|_| r.clone())
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let name = if roots.is_empty() {
            "sample.json".to_string()
        } else {
            let key = crc32fast::hash(roots.join("\0").as_bytes());
            format!("archive-{key:08x}-{:x}.json", roots.len())
        };
        Some(Store {
            path: dir.join(name),
            roots,
            base: std::sync::Mutex::new(None),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state kept, and a note when the file was there but could not be
    /// used (it is then treated as absent).
    pub fn load(&self) -> (State, Option<String>) {
        self.read(true)
    }

    /// As [`Store::load`], for a command that only reads: a damaged file
    /// is left where it is (the browser sets it aside when it opens).
    pub fn peek(&self) -> (State, Option<String>) {
        self.read(false)
    }

    fn read(&self, set_aside: bool) -> (State, Option<String>) {
        // Refused without reading: a FIFO, a device, a file over 64 MiB.
        let bytes = match crate::loader::read::read_small(&self.path, MAX_STATE_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Nothing yet: what another browser saves meanwhile is its.
                self.set_base(&State::default());
                return (self.fresh(), None);
            }
            Err(e) => {
                return (
                    self.fresh(),
                    Some(format!(
                        "could not read the saved state {}: {e}",
                        self.path.display()
                    )),
                );
            }
        };
        match serde_json::from_slice::<State>(&bytes) {
            Ok(s) if s.roots == self.roots => {
                self.set_base(&s);
                (s, None)
            }
            Ok(_) => (self.fresh(), None),
            Err(e) => {
                // Set aside, so that saving does not overwrite what might
                // still be recovered by hand; each damaged file under a
                // name of its own.
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                let aside = self.path.with_extension(format!("json.damaged-{stamp}"));
                let kept = set_aside && std::fs::rename(&self.path, &aside).is_ok();
                let note = if kept {
                    format!("kept as {}", aside.display())
                } else {
                    "ignored".to_string()
                };
                (
                    self.fresh(),
                    Some(format!("the saved state is damaged ({e}); {note}")),
                )
            }
        }
    }

    fn fresh(&self) -> State {
        State {
            roots: self.roots.clone(),
            ..State::default()
        }
    }

    /// Writes `state` atomically (a temporary file of its own beside it,
    /// created exclusively, then renamed), merged with what other
    /// browsers on the same archive saved since this one last loaded or
    /// saved: their bookmarks and read entries are kept, and so are
    /// their removals. Returns the state as written: the caller takes
    /// its bookmarks and read entries as its own from then on (the next
    /// save tells this process's changes from the ones it took up by
    /// comparing with it).
    pub fn save(&self, state: &State) -> io::Result<State> {
        let mut state = state.clone();
        state.roots = self.roots.clone();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // Read, merge and write as one: two browsers saving at the same
        // instant would each merge a file the other is about to replace.
        let _locked = crate::atomic::lock_beside(&self.path);
        self.merge_others(&mut state);
        let extra = state.visited.len().saturating_sub(MAX_VISITED);
        state.visited.drain(..extra);
        let bytes = serde_json::to_vec(&state).map_err(io::Error::other)?;
        crate::atomic::write(&self.path, |f| f.write_all(&bytes))?;
        self.set_base(&state);
        Ok(state)
    }

    fn set_base(&self, state: &State) {
        if let Ok(mut base) = self.base.lock() {
            *base = Some(Base::of(state));
        }
    }

    /// Brings into `state` the bookmarks and read entries another browser
    /// added to the file since this one last read or wrote it, and drops
    /// those it removed. Nothing is merged from a file that cannot be
    /// read whole.
    fn merge_others(&self, state: &mut State) {
        let Ok(guard) = self.base.lock() else {
            return;
        };
        let Some(base) = guard.as_ref() else {
            return;
        };
        let Some(disk) = crate::loader::read::read_small(&self.path, MAX_STATE_BYTES)
            .ok()
            .and_then(|b| serde_json::from_slice::<State>(&b).ok())
            .filter(|d| d.roots == self.roots)
        else {
            return;
        };
        merge(&mut state.bookmarks, disk.bookmarks, &base.bookmarks, |b| {
            b.key()
        });
        merge(&mut state.visited, disk.visited, &base.visited, |v| v);
        merge(&mut state.queries, disk.queries, &base.queries, |q| q);
        let over = state.queries.len().saturating_sub(MAX_QUERIES);
        state.queries.drain(..over);
    }
}

/// A three-way merge of a set kept as a list: `mine` keeps what it has
/// that the disk has too or that this process added (not in `base`), and
/// gains what another process added to the disk (not in `base`). What
/// another process removed (in `base`, gone from the disk) goes; what
/// this one removed (in `base`, gone from `mine`) does not come back.
fn merge<T, K: std::hash::Hash + Eq + ?Sized>(
    mine: &mut Vec<T>,
    disk: Vec<T>,
    base: &HashSet<String>,
    key: impl Fn(&T) -> &K,
) where
    String: std::borrow::Borrow<K>,
{
    let on_disk: HashSet<&K> = disk.iter().map(&key).collect();
    mine.retain(|m| !base.contains(key(m)) || on_disk.contains(key(m)));
    let held: HashSet<&K> = mine.iter().map(&key).collect();
    let added: Vec<usize> = disk
        .iter()
        .enumerate()
        .filter(|(_, d)| !base.contains(key(d)) && !held.contains(key(d)))
        .map(|(i, _)| i)
        .collect();
    drop(held);
    drop(on_disk);
    let mut added = added.into_iter().peekable();
    for (i, d) in disk.into_iter().enumerate() {
        if added.next_if_eq(&i).is_some() {
            mine.push(d);
        }
    }
}

/// The largest state file read.
const MAX_STATE_BYTES: u64 = 64 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn however_the_path_is_written_the_state_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let here = std::env::current_dir().unwrap();
        let file = |p: &str| {
            Store::in_dir(dir.path().to_path_buf(), &[PathBuf::from(p)])
                .unwrap()
                .path()
                .to_path_buf()
        };
        let abs = here.display().to_string();
        assert_eq!(file("."), file(&abs));
        assert_eq!(file("./"), file(&format!("{abs}//")));
        assert_ne!(file("."), file("/"));
    }

    /// A folder with an empty archive in it.
    fn archive() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir(&root).unwrap();
        (dir, root)
    }

    /// The store of `root`'s state, in `dir`'s `state` folder.
    fn store(dir: &tempfile::TempDir, root: &Path) -> Store {
        Store::in_dir(dir.path().join("state"), &[root.to_path_buf()]).unwrap()
    }

    fn mark(id: &str) -> Bookmark {
        Bookmark {
            id: id.into(),
            date: None,
            headline: id.into(),
            file: None,
        }
    }

    fn ids(s: &State) -> Vec<String> {
        s.bookmarks.iter().map(|b| b.id.clone()).collect()
    }

    #[test]
    fn two_browsers_keep_each_others_bookmarks() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        let (a, b) = (open(), open());
        let (mut sa, _) = a.load();
        let (mut sb, _) = b.load();
        sa.bookmarks.push(mark("x"));
        sa = a.save(&sa).unwrap();
        sb.bookmarks.push(mark("y"));
        sb = b.save(&sb).unwrap();
        assert_eq!(ids(&open().load().0), ["y", "x"]);
        // B took up A's bookmark as it saved.
        assert_eq!(ids(&sb), ["y", "x"]);
        // A removal by one is not undone by the other's next save.
        sa.bookmarks.clear();
        a.save(&sa).unwrap();
        assert_eq!(ids(&open().load().0), ["y"]);
        b.save(&sb).unwrap();
        assert_eq!(ids(&open().load().0), ["y"]);
    }

    /// The case: A bookmarks one entry, B another, A quits, B
    /// quits. Both bookmarks are kept (each browser takes up the state as
    /// its save wrote it, as the browser does).
    #[test]
    fn bookmarks_survive_two_sessions_quitting_in_turn() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        let (a, b) = (open(), open());
        let (mut sa, _) = a.load();
        let (mut sb, _) = b.load();
        sa.bookmarks.push(mark("x"));
        sa = a.save(&sa).unwrap();
        sb.bookmarks.push(mark("y"));
        sb = b.save(&sb).unwrap();
        a.save(&sa).unwrap();
        b.save(&sb).unwrap();
        let mut kept = ids(&open().load().0);
        kept.sort();
        assert_eq!(kept, ["x", "y"]);
    }

    /// A bookmark whose entry's headline was edited (its id changed; the
    /// browser follows it by its file) and that one browser removes does
    /// not come back from another's save.
    #[test]
    fn a_removed_bookmark_followed_to_a_new_id_stays_removed() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        let at = |id: &str| Bookmark {
            file: Some("w.md".into()),
            ..mark(id)
        };
        let first = open();
        let (mut s, _) = first.load();
        s.bookmarks.push(at("/old-id"));
        first.save(&s).unwrap();
        let (a, b) = (open(), open());
        let (mut sa, _) = a.load();
        let (mut sb, _) = b.load();
        // Both follow the bookmark to the entry's new id.
        sa.bookmarks = vec![at("/new-id")];
        sb.bookmarks = vec![at("/new-id"), mark("other")];
        sa.bookmarks.clear();
        a.save(&sa).unwrap();
        b.save(&sb).unwrap();
        assert_eq!(ids(&open().load().0), ["other"]);
    }

    /// Browsers saving at the same instant (the hostile tester's `m` sent
    /// to two browsers at once lost one bookmark ten times out of ten):
    /// every bookmark is kept.
    #[test]
    fn saves_at_the_same_instant_lose_nothing() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        for round in 0..5 {
            let _ = std::fs::remove_file(open().path());
            let n = 8;
            let barrier = std::sync::Barrier::new(n);
            std::thread::scope(|s| {
                for i in 0..n {
                    let (barrier, open) = (&barrier, &open);
                    s.spawn(move || {
                        let store = open();
                        let (mut st, _) = store.load();
                        st.bookmarks.push(mark(&format!("b{i}")));
                        barrier.wait();
                        store.save(&st).unwrap();
                    });
                }
            });
            assert_eq!(open().load().0.bookmarks.len(), n, "round {round}");
        }
    }

    #[test]
    fn read_marks_of_two_sessions_are_both_kept() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        let (a, b) = (open(), open());
        let (mut sa, _) = a.load();
        let (mut sb, _) = b.load();
        sa.visited.push("a".into());
        sb.visited.push("b".into());
        sb.visited.push("c".into());
        sa = a.save(&sa).unwrap();
        sb = b.save(&sb).unwrap();
        let mut read = open().load().0.visited;
        read.sort();
        assert_eq!(read, ["a", "b", "c"]);
        // One session's "unread" is not undone by the other.
        sb.visited.retain(|v| v != "c");
        b.save(&sb).unwrap();
        a.save(&sa).unwrap();
        let mut read = open().load().0.visited;
        read.sort();
        assert_eq!(read, ["a", "b"]);
    }

    #[test]
    fn the_queries_of_two_sessions_are_both_kept_and_at_most_a_hundred() {
        let (dir, root) = archive();
        let open = || store(&dir, &root);
        let (a, b) = (open(), open());
        let (mut sa, _) = a.load();
        let (mut sb, _) = b.load();
        sa.queries.push("korea".into());
        sb.queries.push("ferry".into());
        sa = a.save(&sa).unwrap();
        b.save(&sb).unwrap();
        let mut kept = open().load().0.queries;
        kept.sort();
        assert_eq!(kept, ["ferry", "korea"]);
        // A hundred more: the oldest go.
        sa.queries.extend((0..MAX_QUERIES).map(|i| format!("q{i}")));
        a.save(&sa).unwrap();
        let kept = open().load().0.queries;
        assert_eq!(kept.len(), MAX_QUERIES);
        // (The other session's query, new to this one, comes last.)
        assert!(kept.contains(&"q99".to_string()) && kept.contains(&"ferry".to_string()));
        assert!(!kept.contains(&"korea".to_string()), "the oldest went");
    }

    /// A link planted where a temporary file might be made (the old
    /// scheme's predictable name) is never written through.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_does_not_redirect_the_save() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir(&root).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let store = Store::in_dir(dir.path().join("state"), std::slice::from_ref(&root)).unwrap();
        std::fs::create_dir(dir.path().join("state")).unwrap();
        let name = store.path().file_name().unwrap().to_string_lossy();
        let planted = dir
            .path()
            .join("state")
            .join(format!(".{name}.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        store.save(&store.fresh()).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(store.load().1.is_none());
    }

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir(&root).unwrap();
        let store = Store::in_dir(dir.path().join("state"), std::slice::from_ref(&root)).unwrap();
        assert_eq!(store.load(), (store.fresh(), None));
        let state = State {
            place: Some(Place {
                id: "/news/a.md".into(),
                focus: "events".into(),
                tags: vec!["Harbour".into()],
                scroll: 3,
                ..Place::default()
            }),
            bookmarks: vec![Bookmark {
                id: "/news/b.md".into(),
                date: NaiveDate::from_ymd_opt(2020, 1, 2),
                headline: "B".into(),
                file: Some("b.md".into()),
            }],
            visited: vec!["/news/a.md".into()],
            ..State::default()
        };
        store.save(&state).unwrap();
        let (back, note) = store.load();
        assert_eq!(note, None);
        assert_eq!(back.place, state.place);
        assert_eq!(back.bookmarks, state.bookmarks);
        assert_eq!(back.visited, state.visited);
        // Nothing else is left in the folder (no temporary file), but the
        // empty file that locks saves.
        let mut left: Vec<String> = std::fs::read_dir(dir.path().join("state"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let name = store.path().file_name().unwrap().to_string_lossy();
        assert_eq!(left, [format!(".{name}.lock"), name.to_string()]);
        // Another archive has a file of its own.
        let other = Store::in_dir(dir.path().join("state"), &[dir.path().to_path_buf()]).unwrap();
        assert_ne!(other.path(), store.path());
        assert_eq!(other.load().0.place, None);
        // A damaged file is ignored, with a note.
        std::fs::write(store.path(), b"{\"place\": [").unwrap();
        let (back, note) = store.load();
        assert_eq!(back.place, None);
        assert!(note.unwrap().contains("damaged"));
    }
}

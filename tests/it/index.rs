//! The persistent index as a user relies on it: the answer never depends on
//! it. `export` through the index is byte for byte `export --no-cache` on an
//! unchanged archive and after every kind of change; a damaged index or a
//! cache that cannot be written still gives the right answer and exit 0;
//! two processes writing at once leave a whole index; the archive itself is
//! never written to.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use serde_json::Value;

struct Env {
    archive: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let archive = tempfile::tempdir().unwrap();
        ktimeline::generate::write_archive(archive.path(), 300, 11).unwrap();
        write(
            archive.path(),
            "inbox/note.txt",
            "A plain note about the harbour. More words.",
        );
        Env {
            archive,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> String {
        self.archive.path().display().to_string()
    }

    fn run_with(&self, cache: &Path, args: &[&str]) -> (i32, Vec<u8>) {
        let out = Command::new(env!("CARGO_BIN_EXE_ktimeline"))
            .args(args)
            .arg(self.root())
            .env("XDG_CACHE_HOME", cache)
            .env("XDG_STATE_HOME", self.cache.path().join("state"))
            .env("XDG_CONFIG_HOME", self.cache.path().join("config"))
            .output()
            .unwrap();
        (out.status.code().unwrap(), out.stdout)
    }

    fn run(&self, args: &[&str]) -> (i32, Vec<u8>) {
        self.run_with(self.cache.path(), args)
    }

    /// `stats --json`'s `index` object: used, reread.
    fn index_use(&self) -> (bool, u64) {
        let (used, reread, _) = self.index_use3(&[]);
        (used, reread)
    }

    /// `stats --json`'s `index` object: used, reread, removed.
    fn index_use3(&self, extra_roots: &[&str]) -> (bool, u64, u64) {
        let mut args = vec!["stats", "--json"];
        args.extend_from_slice(extra_roots);
        let (code, out) = self.run(&args);
        assert_eq!(code, 0);
        let v: Value = serde_json::from_slice(&out).unwrap();
        (
            v["index"]["used"].as_bool().unwrap(),
            v["index"]["reread"].as_u64().unwrap(),
            v["index"]["removed"].as_u64().unwrap(),
        )
    }

    /// Export through the index equals export without it.
    fn assert_exact(&self, what: &str) {
        let (c1, cached) = self.run(&["export"]);
        let (c2, fresh) = self.run(&["export", "--no-cache"]);
        assert_eq!((c1, c2), (0, 0), "{what}");
        assert!(
            cached == fresh,
            "{what}: export through the index differs from --no-cache"
        );
        let v: Value = serde_json::from_slice(&cached).unwrap();
        assert!(v["events"].as_array().unwrap().len() > 300, "{what}");
    }

    fn event_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect(self.archive.path(), &mut files);
        files.retain(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_none_or(|n| n != "index.md")
        });
        files.sort();
        files
    }
}

/// Sets a file's modification time `secs` into the future (a `touch`
/// that no clock tick can hide).
fn touch(path: &Path, secs: u64) {
    let f = fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(secs))
        .unwrap();
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every file of the archive with its size, mtime and bytes.
fn snapshot(root: &Path) -> Vec<(PathBuf, u64, SystemTime, Vec<u8>)> {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let m = fs::metadata(&p).unwrap();
            let bytes = fs::read(&p).unwrap();
            (p, m.len(), m.modified().unwrap(), bytes)
        })
        .collect()
}

fn index_files(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("ktimeline");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn the_index_is_used_and_exact_under_every_change() {
    let env = Env::new();
    let root = env.archive.path();
    let before = snapshot(root);
    let (used, all) = env.index_use();
    assert!(!used && all > 300, "first open: {used} {all}");
    assert_eq!(env.index_use(), (true, 0));
    env.assert_exact("unchanged");
    assert_eq!(snapshot(root), before, "the archive was written to");

    let files = env.event_files();
    // An edit that changes the headline (and so the id others link to).
    let edited = &files[0];
    let text = fs::read_to_string(edited).unwrap();
    let text = text.replacen("\n# ", "\n# Edited: ", 1);
    fs::write(edited, text).unwrap();
    assert_eq!(
        env.index_use3(&[]),
        (true, 1, 0),
        "an edit is not a removal"
    );
    env.assert_exact("edited");

    // A new file.
    write(
        root,
        "news/2001/02/3/a-new-event.md",
        "### [2001-02-3](/news/2001/02/3/index.md)\n\n# A new event.\n\nIts body.\n",
    );
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("added");

    // A deleted file.
    fs::remove_file(&files[1]).unwrap();
    assert_eq!(env.index_use3(&[]), (true, 0, 1));
    env.assert_exact("deleted");

    // A renamed file: read again under its new name.
    let renamed = files[2].with_file_name("renamed.md");
    fs::rename(&files[2], &renamed).unwrap();
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("renamed");

    // Touched only: read again, the same answer.
    touch(&files[3], 5);
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("touched");

    // Same size, same mtime, other bytes.
    let target = &files[4];
    let mtime = fs::metadata(target).unwrap().modified().unwrap();
    let text = fs::read_to_string(target).unwrap();
    let swapped = text.replacen("\n# ", "\n# X", 1).replacen("  ", " ", 1);
    let swapped = if swapped.len() == text.len() {
        swapped
    } else {
        // No double space to give back: swap one letter of the headline.
        let at = text.find("\n# ").unwrap() + 3;
        let mut b = text.clone().into_bytes();
        b[at] = if b[at] == b'Q' { b'R' } else { b'Q' };
        String::from_utf8(b).unwrap()
    };
    assert_eq!(swapped.len(), text.len());
    fs::write(target, &swapped).unwrap();
    let f = fs::File::options().write(true).open(target).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(fs::metadata(target).unwrap().modified().unwrap(), mtime);
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("same size and mtime");

    // A size change behind an unchanged mtime.
    let target = &files[5];
    let mtime = fs::metadata(target).unwrap().modified().unwrap();
    let mut text = fs::read_to_string(target).unwrap();
    text.push('\n');
    fs::write(target, &text).unwrap();
    let f = fs::File::options().write(true).open(target).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("size changed, mtime not");

    // Nothing new is ever written into the archive.
    let mut now: Vec<PathBuf> = Vec::new();
    collect(root, &mut now);
    assert!(
        now.iter()
            .all(|p| !p.to_string_lossy().contains("ktimeline"))
    );
    assert_whole_index(env.cache.path());
}

/// One main file and drafts, and nothing left half written.
fn assert_whole_index(cache: &Path) {
    let names: Vec<String> = index_files(cache)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".bin")).count(),
        1,
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.contains(".drafts-")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with(".tmp-")), "{names:?}");
}

#[test]
fn a_damaged_index_is_ignored_and_replaced() {
    let env = Env::new();
    let (_, good) = env.run(&["export", "--no-cache"]);
    env.run(&["stats"]);
    let index = index_files(env.cache.path())
        .pop()
        .expect("an index was written");
    let bytes = fs::read(&index).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let mut foreign = b"KTLINDEX".to_vec();
    foreign.extend_from_slice(&[9; 64]);
    for (what, damage) in [
        ("empty", Vec::new()),
        ("truncated", bytes[..bytes.len() / 3].to_vec()),
        ("a flipped bit", flipped),
        ("foreign", b"not an index at all".to_vec()),
        ("another version", foreign),
    ] {
        fs::write(&index, &damage).unwrap();
        let (code, out) = env.run(&["export"]);
        assert_eq!(code, 0, "{what}");
        assert!(out == good, "{what}: wrong export");
        // It was replaced by a good one.
        assert_eq!(env.index_use(), (true, 0), "{what}");
    }
}

#[test]
fn damaged_drafts_mean_reading_the_files_again() {
    let env = Env::new();
    env.run(&["stats"]);
    let drafts = index_files(env.cache.path())
        .into_iter()
        .find(|p| p.to_string_lossy().contains(".drafts-"))
        .expect("drafts were written");
    let bytes = fs::read(&drafts).unwrap();
    fs::write(&drafts, &bytes[..bytes.len() / 2]).unwrap();
    // One file changes: the others' drafts cannot be had, so all are read.
    touch(&env.event_files()[0], 5);
    let (used, reread) = env.index_use();
    assert!(used && reread > 300, "{used} {reread}");
    env.assert_exact("after damaged drafts");
    assert_whole_index(env.cache.path());
}

#[test]
fn a_cache_that_cannot_be_written_costs_only_time() {
    let env = Env::new();
    let (_, good) = env.run(&["export", "--no-cache"]);
    // The cache folder's place is taken by a file.
    let blocked = env.cache.path().join("blocked");
    fs::write(&blocked, "a file, not a folder").unwrap();
    for _ in 0..2 {
        let (code, out) = env.run_with(&blocked, &["export"]);
        assert_eq!(code, 0);
        assert!(out == good);
    }
    let (code, out) = env.run_with(&blocked, &["stats", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["index"]["used"], false);
}

#[test]
fn two_processes_writing_at_once_leave_a_whole_index() {
    let env = Env::new();
    let (_, good) = env.run(&["export", "--no-cache"]);
    for round in 0..3 {
        if round > 0 {
            // Touch a file so that this round writes again.
            touch(&env.event_files()[round], 10 + round as u64);
        }
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_ktimeline"))
                .args(["export", &env.root()])
                .env("XDG_CACHE_HOME", env.cache.path())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}");
            assert!(out.stdout == good, "round {round}: wrong export");
        }
        assert_eq!(env.index_use(), (true, 0), "round {round}");
    }
    // The last index names drafts that are there: a change reads one file.
    touch(&env.event_files()[5], 60);
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("after concurrent writers");
}

/// Churn: a file touched before every run, each run writing the index
/// again. The cache never holds more than the index, its drafts and the
/// drafts of the index it replaced (two indexes' worth): old drafts go at
/// once, not a minute later.
#[test]
fn old_drafts_do_not_pile_up_under_churn() {
    let env = Env::new();
    let files = env.event_files();
    for round in 0..8u64 {
        touch(&files[round as usize], 10 + round);
        let (used, reread) = env.index_use();
        assert!(round == 0 || (used && reread == 1), "round {round}");
        let names: Vec<String> = index_files(env.cache.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let drafts = names.iter().filter(|n| n.contains(".drafts-")).count();
        assert!(drafts <= 2, "round {round}: {names:?}");
        let size = |pick: &dyn Fn(&str) -> bool| -> u64 {
            index_files(env.cache.path())
                .iter()
                .filter(|p| pick(&p.file_name().unwrap().to_string_lossy()))
                .map(|p| fs::metadata(p).unwrap().len())
                .sum()
        };
        let all = size(&|_| true);
        let one =
            size(&|n| n.ends_with(".bin")) + size(&|n| n.contains(".drafts-")) / drafts as u64;
        assert!(
            all <= 2 * one,
            "round {round}: {all} > 2 x {one}: {names:?}"
        );
    }
    env.assert_exact("after churn");
}

#[test]
fn no_cache_neither_reads_nor_writes_the_index() {
    let env = Env::new();
    env.run(&["stats", "--no-cache"]);
    assert!(index_files(env.cache.path()).is_empty());
}

#[test]
fn overlapping_roots_are_indexed_whole() {
    let env = Env::new();
    let news = env.archive.path().join("news").display().to_string();
    let (used, all, _) = env.index_use3(&[&news]);
    assert!(!used && all > 300);
    // Every file, under either root, is known the second time.
    assert_eq!(env.index_use3(&[&news]), (true, 0, 0));
    let (_, cached) = env.run(&["export", &news]);
    let (_, fresh) = env.run(&["export", "--no-cache", &news]);
    assert!(cached == fresh);
    // A change under both roots: one file read (twice over), no other.
    touch(&env.event_files()[0], 5);
    assert_eq!(env.index_use3(&[&news]), (true, 2, 0));
    let (_, cached) = env.run(&["export", &news]);
    let (_, fresh) = env.run(&["export", "--no-cache", &news]);
    assert!(cached == fresh);
}

/// `stats --json`'s `index` object, extra roots added.
fn index_json(env: &Env, extra_roots: &[&str]) -> Value {
    let mut args = vec!["stats", "--json"];
    args.extend_from_slice(extra_roots);
    let (code, out) = env.run(&args);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_slice(&out).unwrap();
    v["index"].clone()
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[test]
fn settled_folders_are_not_listed_again_and_every_change_in_them_is_seen() {
    let env = Env::new();
    let root = env.archive.path();
    // Indexed right after every folder changed: none can be vouched for
    // yet.
    let mut dirs = vec![root.to_path_buf()];
    let mut i = 0;
    while i < dirs.len() {
        let subdirs: Vec<PathBuf> = fs::read_dir(&dirs[i])
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.extend(subdirs);
        i += 1;
    }
    for dir in &dirs {
        fs::File::open(dir)
            .unwrap()
            .set_modified(SystemTime::now())
            .unwrap();
    }
    let first = index_json(&env, &[]);
    let all = count(&first, "folders_listed");
    assert!(all > 50, "{first}");
    assert_eq!(count(&index_json(&env, &[]), "folders_listed"), all);
    // Folders are trusted once their times are two seconds old: the next
    // open lists them all once more and writes the index again with them.
    std::thread::sleep(Duration::from_millis(2500));
    let settled = index_json(&env, &[]);
    assert_eq!(count(&settled, "folders_listed"), all, "{settled}");
    assert_eq!(settled["written"], true, "{settled}");
    let again = index_json(&env, &[]);
    assert_eq!(
        (count(&again, "folders_listed"), count(&again, "reread")),
        (0, 0),
        "{again}"
    );
    env.assert_exact("unchanged, no folder listed");

    // Event files from folders of their own, so that each change below
    // happens in a folder the index vouched for.
    let mut files = env.event_files();
    files.dedup_by(|a, b| a.parent() == b.parent());
    let parents: Vec<PathBuf> = files.iter().map(|f| f.parent().unwrap().into()).collect();
    assert!(files.len() > 8);
    let event = |headline: &str| {
        format!("### [2001-02-3](/news/2001/02/3/index.md)\n\n# {headline}\n\nIts body.\n")
    };

    // A file added, then the folder's modification time set back: its
    // change time still tells.
    let mtime = fs::metadata(&parents[0]).unwrap().modified().unwrap();
    fs::write(parents[0].join("added.md"), event("An added event.")).unwrap();
    fs::File::open(&parents[0])
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(
        fs::metadata(&parents[0]).unwrap().modified().unwrap(),
        mtime
    );
    let v = index_json(&env, &[]);
    assert_eq!(count(&v, "reread"), 1, "{v}");
    assert!(count(&v, "folders_listed") < all / 2, "{v}");
    env.assert_exact("added behind a folder time set back");

    // A file deleted.
    fs::remove_file(&files[1]).unwrap();
    let v = index_json(&env, &[]);
    assert_eq!((count(&v, "reread"), count(&v, "removed")), (0, 1), "{v}");
    env.assert_exact("deleted in a settled folder");

    // A file renamed within its folder.
    fs::rename(&files[2], parents[2].join("renamed.md")).unwrap();
    let v = index_json(&env, &[]);
    assert_eq!((count(&v, "reread"), count(&v, "removed")), (1, 1), "{v}");
    env.assert_exact("renamed in a settled folder");

    // A file moved to another settled folder.
    fs::rename(&files[3], parents[4].join("moved.md")).unwrap();
    let v = index_json(&env, &[]);
    assert_eq!((count(&v, "reread"), count(&v, "removed")), (1, 1), "{v}");
    env.assert_exact("moved between settled folders");

    // A new folder, with a file, in a settled folder.
    write(&parents[5], "deeper/inside.md", &event("A nested event."));
    let v = index_json(&env, &[]);
    assert_eq!(count(&v, "reread"), 1, "{v}");
    env.assert_exact("a new folder");

    // A folder removed whole, and another renamed.
    let gone = fs::read_dir(&parents[6]).unwrap().count() as u64;
    fs::remove_dir_all(&parents[6]).unwrap();
    let moved = fs::read_dir(&parents[7]).unwrap().count() as u64;
    fs::rename(&parents[7], parents[7].with_file_name("elsewhere")).unwrap();
    let v = index_json(&env, &[]);
    assert_eq!(
        (count(&v, "reread"), count(&v, "removed")),
        (moved, gone + moved),
        "{v}"
    );
    env.assert_exact("folders removed and renamed");

    // An edit that keeps the file's size and time, in a settled folder.
    let target = &files[8];
    let mtime = fs::metadata(target).unwrap().modified().unwrap();
    let text = fs::read_to_string(target).unwrap();
    let at = text.find("\n# ").unwrap() + 3;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'Q' { b'R' } else { b'Q' };
    fs::write(target, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(target)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let v = index_json(&env, &[]);
    assert_eq!(count(&v, "reread"), 1, "{v}");
    env.assert_exact("same size and time in a settled folder");
    assert_eq!(
        count(&index_json(&env, &[]), "reread"),
        0,
        "and then it is known"
    );
    let _ = root;
}

/// `export` through the index and without it, for roots given as `args`
/// (run in `dir`), in a cache of its own.
fn exports(dir: &Path, cache: &Path, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ktimeline"))
            .arg("export")
            .args(extra)
            .args(args)
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache)
            .env("XDG_STATE_HOME", cache.join("state"))
            .env("XDG_CONFIG_HOME", cache.join("config"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        out.stdout
    };
    (run(&[]), run(&["--no-cache"]))
}

#[test]
fn roots_spelt_oddly_keep_every_file_of_folders_vouched_for() {
    let work = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        work.path(),
        "a/news/2001/02/3/e.md",
        "### [2001-02-3](/news/2001/02/3/index.md)\n\n# A headline.\n\nBody text.\n",
    );
    // Settled, so that the index vouches for the folders.
    std::thread::sleep(Duration::from_millis(2500));
    for root in ["a/", "a//", "./a", "a/.", "a/news/"] {
        let (first, _) = exports(work.path(), cache.path(), &[root]);
        let (cached, fresh) = exports(work.path(), cache.path(), &[root]);
        assert!(first == fresh && cached == fresh, "{root}");
        let events = serde_json::from_slice::<Value>(&cached).unwrap()["events"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(events, 1, "{root}");
    }
}

#[test]
fn a_file_under_two_roots_keeps_its_place_under_the_outer_one() {
    let work = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    for i in 1..=8 {
        write(
            work.path(),
            &format!("a/news/2001/02/3/art{i}.txt"),
            &format!("Plain article text {i}."),
        );
    }
    let roots = ["a", "a/news"];
    let (first, fresh) = exports(work.path(), cache.path(), &roots);
    assert!(first == fresh);
    // A change elsewhere: the articles' drafts come from the index, each
    // drafted under both roots.
    write(
        work.path(),
        "a/news/2002/new.md",
        "### [2002-01-01](/news/2002/01/1/index.md)\n\n# New.\n\nB.\n",
    );
    let (cached, fresh) = exports(work.path(), cache.path(), &roots);
    assert!(
        cached == fresh,
        "through the index:\n{}\nwithout:\n{}",
        String::from_utf8_lossy(&cached),
        String::from_utf8_lossy(&fresh)
    );
}

#[test]
fn a_root_inside_another_is_walked_only_as_itself() {
    let work = tempfile::tempdir().unwrap();
    let event = |date: &str, headline: &str| {
        format!("### [{date}](/news/x/index.md)\n\n# {headline}\n\nBody.\n")
    };
    let w = work.path();
    write(w, "a/news/2001/v.md", &event("2001-02-03", "Visible."));
    write(
        w,
        "a/.h/news/2002/h.md",
        &event("2002-02-03", "Hidden one."),
    );
    write(w, "a/.h/news/2002/art.txt", "A plain article, hidden.");
    write(w, "a/news/x/e.md", &event("2003-02-03", "In x."));
    write(w, "a/news/y/art.txt", "A plain article in y.");
    // Settled, so that the index vouches for the folders.
    std::thread::sleep(Duration::from_millis(2500));
    // A hidden folder named as a root, and a root spelt through `..`:
    // neither is walked again as part of the other root.
    for (roots, changed) in [
        (["a", "a/.h"], "a/.h/news/2002/art.txt"),
        (["a/.h", "a"], "a/.h/news/2002/art.txt"),
        (["a", "a/news/x/.."], "a/news/y/art.txt"),
    ] {
        let cache = tempfile::tempdir().unwrap();
        let (first, fresh) = exports(w, cache.path(), &roots);
        assert!(first == fresh, "{roots:?}");
        let path = w.join(changed);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{text} Edited.")).unwrap();
        let (cached, fresh) = exports(w, cache.path(), &roots);
        assert!(
            cached == fresh,
            "{roots:?}: through the index:\n{}\nwithout:\n{}",
            String::from_utf8_lossy(&cached),
            String::from_utf8_lossy(&fresh)
        );
        fs::write(&path, text).unwrap();
    }
}

/// The largest memory any child process of this test binary has used, in
/// KiB.
pub fn children_peak_kib() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}

/// A main file whose header claims a head of 2 GiB, made whole by a hole:
/// it is not used, and nothing near its claimed size is read or held.
#[test]
fn a_sparse_index_that_lies_about_its_size_is_not_read() {
    let env = Env::new();
    let (_, good) = env.run(&["export", "--no-cache"]);
    env.run(&["stats"]);
    let main = index_files(env.cache.path())
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .unwrap();
    let bytes = fs::read(&main).unwrap();
    let claimed: u64 = 2 << 30;
    let snap_len = u64::from_le_bytes(bytes[28..36].try_into().unwrap());
    let mut header = bytes[..40].to_vec();
    header[16..24].copy_from_slice(&claimed.to_le_bytes());
    let f = fs::File::create(&main).unwrap();
    use std::io::Write;
    (&f).write_all(&header).unwrap();
    f.set_len(40 + claimed + snap_len).unwrap();
    drop(f);
    let (code, out) = env.run(&["export"]);
    assert_eq!(code, 0);
    assert!(out == good, "wrong export");
    assert!(
        children_peak_kib() < 1024 * 1024,
        "a child used {} KiB",
        children_peak_kib()
    );
    // It was replaced by a good index.
    assert_eq!(env.index_use(), (true, 0));
}

/// A cache shared between users: what one user indexed is not used by
/// another, who cannot read some of its files; that file is a problem for
/// them, not an entry. (Needs root, to act as two users.)
#[cfg(unix)]
#[test]
fn another_users_index_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to act as a second user");
        return;
    }
    let env = Env::new();
    let open_up = |p: &Path, mode: u32| {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    };
    open_up(env.archive.path(), 0o755);
    open_up(env.cache.path(), 0o777);
    let secret = env.event_files()[0].clone();
    open_up(&secret, 0o600);
    let headline = |p: &Path| {
        fs::read_to_string(p)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("# ").map(|h| h.trim().to_string()))
            .unwrap()
    };
    let secret_headline = headline(&secret);
    // Root indexes the archive into the shared cache.
    let (code, out) = env.run(&["export"]);
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains(&secret_headline));
    open_up(&env.cache.path().join("ktimeline"), 0o777);
    for f in index_files(env.cache.path()) {
        open_up(&f, 0o644);
    }
    // Another user, with the same cache.
    let as_nobody = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ktimeline"))
            .args(args)
            .arg(env.root())
            .env("XDG_CACHE_HOME", env.cache.path())
            .env("XDG_STATE_HOME", env.cache.path().join("state"))
            .env("XDG_CONFIG_HOME", env.cache.path().join("config"))
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap()
    };
    let cached = as_nobody(&["export"]);
    let fresh = as_nobody(&["export", "--no-cache"]);
    assert!(
        cached.stdout == fresh.stdout,
        "the other user's index answered"
    );
    let check = as_nobody(&["check"]);
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("permission denied"),
        "the unreadable file is not reported: {said}"
    );
}

/// A file over the size limit is a problem, reported on every open, but
/// it does not make every open read it again and write the index anew.
#[test]
fn a_file_too_large_to_read_leaves_the_archive_unchanged() {
    let env = Env::new();
    write(
        env.archive.path(),
        "news/2001/02/3/huge.md",
        &"# A huge file.\n\nWords. ".repeat(500_000),
    );
    // Folders only just made are not vouched for, and the index is
    // written again once they have settled: let them settle first, so
    // that any later write is the one looked for.
    std::thread::sleep(Duration::from_millis(2500));
    let (used, _) = env.index_use();
    assert!(!used);
    let main = || {
        index_files(env.cache.path())
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "bin"))
            .map(|p| {
                use std::os::unix::fs::MetadataExt;
                fs::metadata(p).unwrap().ino()
            })
    };
    let before = main();
    assert_eq!(env.index_use(), (true, 0));
    assert_eq!(env.index_use(), (true, 0));
    assert_eq!(main(), before, "the index was written again");
    env.assert_exact("a file over the limit");
    // Cut down to size, it is read.
    write(
        env.archive.path(),
        "news/2001/02/3/huge.md",
        "# Now small.\n",
    );
    assert_eq!(env.index_use(), (true, 1));
    env.assert_exact("the file cut down");
}

/// A file system mounted for one test, unmounted when dropped.
struct Mounted {
    dir: tempfile::TempDir,
}

impl Mounted {
    /// An ext4 file system with 128-byte inodes (times kept to the
    /// second, as on many older, network and FAT file systems), in a file
    /// mounted through a loop device; `None` where that cannot be done
    /// here (not root, no mkfs.ext4, no loop devices).
    fn coarse() -> Option<Mounted> {
        if unsafe { libc::geteuid() } != 0 {
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let image = dir.path().join("fs.img");
        fs::File::create(&image).ok()?.set_len(32 << 20).ok()?;
        let made = Command::new("mkfs.ext4")
            .args(["-q", "-F", "-I", "128"])
            .arg(&image)
            .output()
            .ok()?;
        let mnt = dir.path().join("mnt");
        fs::create_dir(&mnt).ok()?;
        let mounted = made.status.success()
            && Command::new("mount")
                .args(["-o", "loop"])
                .arg(&image)
                .arg(&mnt)
                .output()
                .ok()?
                .status
                .success();
        mounted.then_some(Mounted { dir })
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("mnt")
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.path()).output();
    }
}

/// On a file system that keeps times to the second: an edit of the same
/// size in the same second as the index was written is still seen (the
/// index keeps such a file as "racily clean", to be read again).
#[cfg(unix)]
#[test]
fn an_edit_in_the_same_second_as_the_index_is_seen_on_a_coarse_file_system() {
    let Some(fs_) = Mounted::coarse() else {
        eprintln!("skipped: cannot mount a file system here");
        return;
    };
    let root = fs_.path().join("archive");
    let cache = fs_.path().join("cache");
    let file = root.join("news/2020/01/2/x.md");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    let text = |h: &str| format!("### [2020-01-2](/news/2020/01/2/index.md)\n\n# {h}\n\nBody.\n");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ktimeline"))
            .args(args)
            .arg(&root)
            .env("XDG_CACHE_HOME", &cache)
            .env("XDG_STATE_HOME", fs_.path().join("state"))
            .env("XDG_CONFIG_HOME", fs_.path().join("config"))
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let ctime = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        let m = fs::metadata(p).unwrap();
        (m.ctime(), m.ctime_nsec())
    };
    // Until the write, the index and the second write fall in one second.
    let mut same_second = false;
    for round in 0..10 {
        let _ = fs::remove_dir_all(&cache);
        fs::write(&file, text("Alpha one.")).unwrap();
        let first = ctime(&file);
        assert_eq!(first.1, 0, "times are not coarse here");
        run(&["stats"]);
        fs::write(&file, text("Bravo one.")).unwrap();
        if ctime(&file) != first {
            continue;
        }
        same_second = true;
        let cached = run(&["export"]);
        let fresh = run(&["export", "--no-cache"]);
        assert!(
            String::from_utf8_lossy(&fresh).contains("Bravo one."),
            "round {round}"
        );
        assert!(cached == fresh, "round {round}: the edit was not seen");
        // And it stays seen.
        assert!(run(&["export"]) == fresh);
        break;
    }
    assert!(same_second, "never wrote twice in one second");
}

/// Temporary files: one left by a writer that was killed goes at the next
/// write; one still being written (its lock held) stays.
#[cfg(unix)]
#[test]
fn a_killed_writers_temporary_file_goes_and_a_live_one_stays() {
    use std::os::fd::AsRawFd;
    let env = Env::new();
    env.run(&["stats"]);
    let main = index_files(env.cache.path())
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .unwrap();
    let stem = main.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = main.parent().unwrap();
    let dead = dir.join(format!(".tmp-{stem}-killedwriter"));
    let live = dir.join(format!(".tmp-{stem}-livewriter0"));
    fs::write(&dead, vec![0u8; 4096]).unwrap();
    fs::write(&live, vec![0u8; 4096]).unwrap();
    let held = fs::File::open(&live).unwrap();
    assert_eq!(
        unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    for p in [&dead, &live] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(10))
            .unwrap();
    }
    touch(&env.event_files()[0], 10);
    assert_eq!(env.index_use(), (true, 1));
    assert!(!dead.exists(), "the killed writer's file is left");
    assert!(live.exists(), "a write in flight was removed");
    drop(held);
}

/// A cache folder in a place others can write to, replaced by another
/// user's link to a folder of theirs: nothing is read or written there.
/// (Needs root, to make the link another user's.)
#[cfg(unix)]
#[test]
fn a_cache_folder_linked_by_another_user_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to act as a second user");
        return;
    }
    let env = Env::new();
    let (_, good) = env.run(&["export", "--no-cache"]);
    let shared = env.cache.path().join("shared");
    let theirs = env.cache.path().join("theirs");
    fs::create_dir_all(&shared).unwrap();
    fs::create_dir_all(&theirs).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let link = shared.join("ktimeline");
    std::os::unix::fs::symlink(&theirs, &link).unwrap();
    let c = std::ffi::CString::new(link.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::lchown(c.as_ptr(), 65534, 65534) }, 0);
    let d = std::ffi::CString::new(theirs.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::chown(d.as_ptr(), 65534, 65534) }, 0);
    let (code, out) = env.run_with(&shared, &["export"]);
    assert_eq!(code, 0);
    assert!(out == good);
    assert_eq!(fs::read_dir(&theirs).unwrap().count(), 0, "written there");
    // A link of one's own to a folder of one's own is used.
    fs::remove_file(&link).unwrap();
    let mine = env.cache.path().join("mine");
    fs::create_dir_all(&mine).unwrap();
    std::os::unix::fs::symlink(&mine, &link).unwrap();
    env.run_with(&shared, &["export"]);
    assert!(fs::read_dir(&mine).unwrap().count() > 0, "not used");
}

/// A drafts file with 256 MiB of real bytes added after its end: not
/// read at all (the main file says how long it is), so neither the time
/// nor the memory of reading it is spent.
#[test]
fn drafts_longer_than_the_index_says_are_not_read() {
    let env = Env::new();
    env.run(&["stats"]);
    let drafts = index_files(env.cache.path())
        .into_iter()
        .find(|p| p.to_string_lossy().contains(".drafts-"))
        .unwrap();
    {
        use std::io::Write;
        let mut f = fs::File::options().append(true).open(&drafts).unwrap();
        let block = vec![0u8; 1 << 20];
        for _ in 0..256 {
            f.write_all(&block).unwrap();
        }
    }
    touch(&env.event_files()[0], 10);
    let (used, reread) = env.index_use();
    assert!(used && reread > 300, "the drafts were taken: {reread}");
    assert!(
        children_peak_kib() < 250 * 1024,
        "a child used {} KiB",
        children_peak_kib()
    );
    env.assert_exact("after drafts grown past their end");
}

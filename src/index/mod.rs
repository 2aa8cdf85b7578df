//! The persistent index: what loading learned about an archive, kept under
//! `$XDG_CACHE_HOME/ktimeline/` so that the next open reads only what
//! changed. One index per set of roots; never inside the archive.
//!
//! It is two files. The main file holds every file's size, times and inode,
//! the problems the walk met, and a [`snapshot`] of the resolved timeline:
//! when nothing changed, that is all an open reads. The drafts file holds
//! what each file parsed into, written record by record while the archive
//! is walked; it is read only when something changed, to resolve the links
//! again without re-reading the files that did not.
//!
//! The index is a cache and nothing more: a missing, foreign, older,
//! truncated or corrupt file is ignored (the archive is read as if there
//! were none), and a cache folder that cannot be written only means the
//! next open reads everything again. Each file is written under a temporary
//! name and renamed into place, so a reader never sees half of one, and two
//! processes writing at once leave one whole index.

mod cache_file;
mod section;
pub mod snapshot;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::atomic::{NamedTempFile, TempPath};
use crate::draft::{FileStat, Loaded};
use crate::model::{Problem, Timeline};
use section::Section;
use snapshot::{Snapshot, SnapshotRef};

const MAGIC: &[u8; 8] = b"KTLINDEX";
const DRAFTS_MAGIC: &[u8; 8] = b"KTLDRAFT";
/// The layout of the files; bump it when what they hold changes shape.
const FORMAT: u32 = 6;
/// magic, format, parser fingerprint, then two sections' length and crc.
const HEADER: usize = 8 + 4 + 4 + 2 * (8 + 4);
/// magic, format, parser fingerprint, the file's id, its roots' checksum.
const DRAFTS_HEADER: usize = 8 + 4 + 4 + 8 + 4;
/// Marks the end of the drafts' records: then their count and checksum.
const END: u32 = u32::MAX;

/// What the main file says about the archive, besides the snapshot. Its
/// names borrow from the bytes it is decoded from (a reopen decodes
/// 100,000 names and looks each one up once: copies would cost more than
/// the rest of decoding it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head<'a> {
    #[serde(borrow)]
    pub roots: Vec<&'a str>,
    /// Which drafts file goes with this index.
    pub drafts: u64,
    /// The drafts file's length: it is read only when it is that long, and
    /// only that much is read.
    pub drafts_len: u64,
    /// Every file read, sorted by name, with what it looked like then.
    #[serde(borrow)]
    pub files: Vec<(&'a str, FileStat)>,
    /// Every folder walked, sorted by name, with what it looked like then
    /// when that can be trusted (see `loader::dirs`), and whether the walk
    /// entered it from the folder that holds it (not only as a root).
    #[serde(borrow)]
    pub dirs: Vec<(&'a str, Option<FileStat>, bool)>,
    /// What the walk itself reported (links, unreadable folders …).
    pub walk_problems: Vec<Problem>,
}

/// The main file of an index, its header checked and its roots found to
/// be the ones asked for; the head is decoded and the snapshot read only
/// when asked for (the browser's first screen wants only the snapshot; a
/// check of the archive wants both, at once, on two threads).
pub struct Index {
    /// Which index this is: the id of the drafts its main file names,
    /// new with every write that changed what it holds.
    pub id: u64,
    pub head: UndecodedHead,
    pub snapshot: UnreadSnapshot,
}

/// The head of an index's main file, read and checksummed; not yet decoded.
pub struct UndecodedHead(Vec<u8>);

impl UndecodedHead {
    /// `None` if it does not decode.
    pub fn decode(&self) -> Option<Head<'_>> {
        postcard::from_bytes(&self.0).ok()
    }
}

/// The snapshot of an index's main file, not yet read: it is read,
/// checked and decoded on whatever thread asks for the timeline.
pub struct UnreadSnapshot(Section);

impl Index {
    /// The timeline as it was when the index was written.
    pub fn into_timeline(self) -> Option<Timeline> {
        drop(self.head);
        self.snapshot.into_timeline()
    }
}

impl UnreadSnapshot {
    /// The timeline the snapshot holds: its entries are made as their
    /// records are read, and it answers only once it was read whole.
    pub fn into_timeline(self) -> Option<Timeline> {
        self.0.decode_last::<Snapshot>()?.into_timeline()
    }
}

/// A fingerprint of the code that decides what a file parses into: an
/// index written by a ktimeline that parsed differently is not used.
fn parser_fingerprint() -> u32 {
    static PRINT: OnceLock<u32> = OnceLock::new();
    *PRINT.get_or_init(|| {
        let mut h = crc32fast::Hasher::new();
        for source in [
            include_str!("../draft.rs"),
            include_str!("../loader/parse.rs"),
            include_str!("../loader/pieces.rs"),
            include_str!("../loader/fast.rs"),
            include_str!("../loader/front.rs"),
            include_str!("../loader/read.rs"),
            include_str!("../loader/resolve.rs"),
            include_str!("../loader/mod.rs"),
            include_str!("../text.rs"),
            include_str!("../model.rs"),
            include_str!("snapshot.rs"),
            env!("CARGO_PKG_VERSION"),
        ] {
            h.update(source.as_bytes());
        }
        h.finalize()
    })
}

/// `$XDG_CACHE_HOME/ktimeline` (an absolute path only, as the XDG spec
/// says), else `~/.cache/ktimeline`.
pub fn cache_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CACHE_HOME", ".cache")
}

/// `$VAR/ktimeline` when the XDG variable `var` holds an absolute path,
/// else `$HOME/fallback/ktimeline`; `None` when neither is there.
pub fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    let xdg = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(fallback))
    })?;
    Some(base.join("ktimeline"))
}

/// Where the index of a set of roots lives.
#[derive(Debug, Clone)]
pub struct Place {
    dir: PathBuf,
    /// The name shared by its files.
    stem: String,
    roots: Vec<String>,
}

/// The checksum of a set of roots, joined by NULs (without joining them:
/// tens of thousands of files can be named).
fn checksum(roots: &[String]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    for (i, root) in roots.iter().enumerate() {
        if i > 0 {
            h.update(b"\0");
        }
        h.update(root.as_bytes());
    }
    h.finalize()
}

impl Place {
    /// The index of `roots` (each as given and as an absolute path), or
    /// `None` when there is no cache folder to use.
    pub fn for_roots(roots: Vec<String>) -> Option<Place> {
        let key = checksum(&roots);
        // Another user's folder (or link) is not used: no index, then.
        let dir = cache_dir().filter(|d| crate::atomic::own_dir(d))?;
        Some(Place {
            dir,
            stem: format!("index-{key:08x}-{:x}", roots.len()),
            roots,
        })
    }

    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    fn main_path(&self) -> PathBuf {
        self.dir.join(format!("{}.bin", self.stem))
    }

    fn drafts_path(&self, id: u64) -> PathBuf {
        self.dir.join(format!("{}.drafts-{id:016x}", self.stem))
    }

    /// Reads the main file; `None` when there is none usable (missing, not
    /// an index, another format or parser, other roots, or not whole).
    pub fn read(&self) -> Option<Index> {
        use std::io::Read;
        // The header first: an index of another format or parser is not
        // read any further.
        let (mut file, len) = cache_file::open_regular(&self.main_path())?;
        let mut header = [0; HEADER];
        file.read_exact(&mut header).ok()?;
        check_header(&header)?;
        let (head_len, snap_len) = (le_u64(&header, 16)?, le_u64(&header, 28)?);
        // A whole file is its header and two sections, nothing more.
        let snap_start = (HEADER as u64).checked_add(head_len)?;
        (len == snap_start.checked_add(snap_len)?).then_some(())?;
        let file = std::sync::Arc::new(file);
        // The head is read and checked now; the snapshot when it is wanted.
        let crc = le_u32(&header, 24)?;
        let head = section::read_whole(&file, HEADER as u64, head_len, crc)?;
        // The roots and the drafts' id come first in a head: only they are
        // decoded now.
        let ((roots, id), _) = postcard::take_from_bytes::<(Vec<&str>, u64)>(&head).ok()?;
        let same =
            roots.len() == self.roots.len() && roots.iter().zip(&self.roots).all(|(a, b)| a == b);
        if !same {
            return None;
        }
        drop(roots);
        Some(Index {
            id,
            head: UndecodedHead(head),
            snapshot: UnreadSnapshot(Section::new(
                file,
                snap_start,
                snap_len,
                le_u32(&header, 36)?,
            )),
        })
    }

    /// Writes the main file for a timeline (its drafts are `head.drafts`):
    /// streamed into a temporary file, its header filled in last, then
    /// renamed into place.
    pub fn write(&self, head: &Head<'_>, timeline: &Timeline) -> io::Result<()> {
        self.install(self.write_pending(head, timeline)?)
    }

    /// Puts a main file written by [`Place::write_pending`] in place.
    pub fn install(&self, pending: TempPath) -> io::Result<()> {
        pending.persist(self.main_path()).map_err(|e| e.error)
    }

    /// Puts a drafts file and the main file that names it in place, in
    /// that order, under the index's lock: a [`Place::tidy`] (which takes
    /// the same lock) never sees the drafts of an index about to be put in
    /// place without that index, nor runs between another writer's two
    /// renames.
    pub fn install_with(&self, drafts: ClosedDrafts, main: TempPath) -> io::Result<()> {
        let _locked = self.lock();
        drafts.install(self)?;
        self.install(main)
    }

    /// The index's advisory lock (`None` when it cannot be had in a couple
    /// of seconds): held while files are put in place or removed.
    fn lock(&self) -> Option<File> {
        crate::atomic::lock_beside(&self.main_path())
    }

    /// Writes the main file for a timeline into a temporary file, whole,
    /// and leaves it there for [`Place::install`]: its drafts can then be
    /// put in place just before it, so that the moment when the drafts are
    /// in place and the main file naming them is not is as short as two
    /// renames (a tidy by another process in between costs it its drafts).
    pub fn write_pending(&self, head: &Head<'_>, timeline: &Timeline) -> io::Result<TempPath> {
        use std::io::{Seek, SeekFrom};
        std::fs::create_dir_all(&self.dir)?;
        let (file, tmp) = self.temp_file()?.into_parts();
        let written = (|| {
            let mut file = BufWriter::with_capacity(256 * 1024, file);
            file.write_all(&[0; HEADER])?;
            let mut header = Vec::with_capacity(HEADER);
            header.extend_from_slice(MAGIC);
            header.extend_from_slice(&FORMAT.to_le_bytes());
            header.extend_from_slice(&parser_fingerprint().to_le_bytes());
            for (len, crc) in [
                section(&mut file, |w| {
                    postcard::to_io(head, w).map_err(io::Error::other)?;
                    Ok(())
                })?,
                section(&mut file, |w| SnapshotRef::new(timeline).write_to(w))?,
            ] {
                header.extend_from_slice(&len.to_le_bytes());
                header.extend_from_slice(&crc.to_le_bytes());
            }
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&header)?;
            file.flush()?;
            Ok(())
        })();
        // On an error, the temporary file goes when `tmp` is dropped.
        written.map(|()| tmp)
    }

    /// The checksum of the roots, which a drafts file carries so that one
    /// copied over from another archive is not taken.
    fn roots_crc(&self) -> u32 {
        checksum(&self.roots)
    }

    /// A new drafts file, filled while the archive is walked.
    pub fn drafts_writer(&self) -> io::Result<DraftsWriter> {
        std::fs::create_dir_all(&self.dir)?;
        let (file, tmp) = self.temp_file()?.into_parts();
        let id = fresh_id();
        let mut file = BufWriter::with_capacity(256 * 1024, file);
        file.write_all(DRAFTS_MAGIC)?;
        file.write_all(&FORMAT.to_le_bytes())?;
        file.write_all(&parser_fingerprint().to_le_bytes())?;
        file.write_all(&id.to_le_bytes())?;
        file.write_all(&self.roots_crc().to_le_bytes())?;
        Ok(DraftsWriter {
            id,
            tmp,
            state: Mutex::new(Some(DraftsState {
                file,
                crc: crc32fast::Hasher::new(),
                count: 0,
            })),
        })
    }

    /// Reads the drafts file `id`, of `len` bytes; `None` unless it is
    /// whole (that long), current, and the one written under that id for
    /// these roots.
    pub fn read_drafts(&self, id: u64, len: u64) -> Option<Drafts> {
        let bytes = cache_file::read_exactly(&self.drafts_path(id), len)?;
        let stamped = le_u64(&bytes, 16)? == id && le_u32(&bytes, 24)? == self.roots_crc();
        if !stamped {
            return None;
        }
        Drafts::check(bytes)
    }

    /// The word index of full-text search (`crate::search::words`) for these
    /// roots; `None` when there is none.
    /// Its first `head` bytes tell how long it is (`len_of`): a file of
    /// another length is not read.
    pub fn read_words(
        &self,
        head: usize,
        len_of: impl Fn(&[u8]) -> Option<u64>,
    ) -> Option<Vec<u8>> {
        cache_file::read_told(&self.words_path(), head, len_of)
    }

    /// Writes the word index: into a temporary file, then renamed into
    /// place, so a reader sees the old file or the new one, whole.
    pub fn write_words(&self, bytes: &[u8]) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = self.temp_file()?;
        tmp.write_all(bytes)?;
        tmp.persist(self.words_path()).map_err(|e| e.error)?;
        Ok(())
    }

    fn words_path(&self) -> PathBuf {
        self.dir.join(format!("{}.words", self.stem))
    }

    /// Removes the main file (one that cannot be used).
    pub fn discard(&self) -> io::Result<()> {
        std::fs::remove_file(self.main_path())
    }

    /// Marks the index as used now (its modification time), so that
    /// [`Place::tidy`] keeps it.
    pub fn used(&self) {
        if let Ok(f) = File::options().append(true).open(self.main_path()) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
    }

    /// Removes at once the drafts files other than those in `keep` (the
    /// one the index just written names, and the one the index it
    /// replaced named, which a reader that opened that index may still
    /// want), so that the cache holds at most two indexes' worth besides
    /// the writes in flight; temporary files whose writers were killed
    /// (no lock held on them; another archive's, once an hour old); and
    /// the indexes of any archive not opened for 30 days.
    pub fn tidy(&self, keep: &[u64]) {
        // Under the lock, the index in place is the newest: its drafts are
        // kept too, whoever wrote it (two writers may finish in either
        // order). Without the lock no drafts file is removed.
        let locked = self.lock();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let in_place = locked.as_ref().and_then(|_| self.read()).map(|i| i.id);
        let keep: Vec<PathBuf> = (keep.iter().chain(&in_place))
            .map(|&k| self.drafts_path(k))
            .collect();
        let drafts = format!("{}.drafts-", self.stem);
        let temp = format!(".tmp-{}-", self.stem);
        let now = std::time::SystemTime::now();
        let ago = |secs| now - std::time::Duration::from_secs(secs);
        // An index not used for a month goes, with its drafts.
        let mut stale_stems = Vec::new();
        let mut files = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let modified = e.metadata().and_then(|m| m.modified()).ok();
            let older = |secs| modified.is_some_and(|t| t < ago(secs));
            if let Some(stem) = name.strip_suffix(".bin")
                && stem.starts_with("index-")
                && stem != self.stem
                && older(30 * 24 * 3600)
            {
                stale_stems.push(format!("{stem}."));
            }
            // A temporary file goes once its writer is gone (a few seconds'
            // grace: one is made, then locked).
            let remove =
                (name.starts_with(&drafts) && locked.is_some() && !keep.contains(&e.path()))
                    || (name.starts_with(&temp) && older(5) && crate::atomic::abandoned(&e.path()))
                    || (name.starts_with(".tmp-index-") && older(3600));
            if remove {
                let _ = std::fs::remove_file(e.path());
            } else {
                files.push((name, e.path()));
            }
        }
        for (name, path) in files {
            // (Its lock file is named after it, behind a dot.)
            let plain = name.strip_prefix('.').unwrap_or(&name);
            if stale_stems.iter().any(|s| plain.starts_with(s.as_str())) {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// A temporary file of this index's, created exclusively.
    fn temp_file(&self) -> io::Result<NamedTempFile> {
        crate::atomic::temp_in(&self.dir, &format!(".tmp-{}-", self.stem))
    }
}

/// Writes one section of a main file; its length and checksum.
fn section(
    file: &mut BufWriter<File>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<(u64, u32)> {
    /// The serializer writes a few bytes at a time: they are gathered
    /// here, and checksummed and written a chunk at a time (a checksum of
    /// a few bytes costs about what one of a hundred does).
    struct Counting<'a> {
        file: &'a mut BufWriter<File>,
        chunk: Vec<u8>,
        crc: crc32fast::Hasher,
        len: u64,
    }
    impl Counting<'_> {
        fn drain(&mut self) -> io::Result<()> {
            self.crc.update(&self.chunk);
            self.len += self.chunk.len() as u64;
            self.file.write_all(&self.chunk)?;
            self.chunk.clear();
            Ok(())
        }
    }
    impl Write for Counting<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.chunk.extend_from_slice(buf);
            if self.chunk.len() >= CHUNK {
                self.drain()?;
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            self.drain()?;
            self.file.flush()
        }
    }
    const CHUNK: usize = 64 * 1024;
    let mut w = Counting {
        file,
        chunk: Vec::with_capacity(CHUNK + 1024),
        crc: crc32fast::Hasher::new(),
        len: 0,
    };
    write(&mut w)?;
    w.drain()?;
    Ok((w.len, w.crc.finalize()))
}

/// A number unlikely to be drawn twice: names a drafts file.
pub fn fresh_id() -> u64 {
    use std::hash::BuildHasher;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::collections::hash_map::RandomState::new().hash_one((nanos, std::process::id()))
}

/// The little-endian number at `at` in `b`, if `b` is long enough.
fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Does a file start with `magic`, this format and this parser's
/// fingerprint (the first 16 bytes of both kinds of index file)?
fn stamped(b: &[u8], magic: &[u8; 8]) -> Option<()> {
    (b.get(..8)? == magic && le_u32(b, 8)? == FORMAT && le_u32(b, 12)? == parser_fingerprint())
        .then_some(())
}

/// Is this the header of a main file of this format and parser?
fn check_header(header: &[u8]) -> Option<()> {
    (header.len() >= HEADER).then_some(())?;
    stamped(header, MAGIC)
}

struct DraftsState {
    file: BufWriter<File>,
    crc: crc32fast::Hasher,
    count: u64,
}

/// A drafts file being written, from any number of threads at once. It
/// is removed again unless [`DraftsWriter::finish`] puts it in place.
pub struct DraftsWriter {
    id: u64,
    /// Removed when dropped, unless it was put in place.
    tmp: TempPath,
    state: Mutex<Option<DraftsState>>,
}

impl DraftsWriter {
    /// Adds what a file parsed into.
    pub fn add(&self, file: &Loaded) {
        // Encoded into a buffer each thread keeps (a new one grew by
        // doubling, eight allocations a file).
        thread_local! {
            static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let mut buffer = BUFFER.take();
        buffer.clear();
        if let Ok(bytes) = postcard::to_extend(file, buffer) {
            self.add_raw(&bytes);
            // The record of a large file is not held on to.
            if bytes.capacity() <= 64 * 1024 {
                BUFFER.set(bytes);
            }
        }
    }

    /// Adds a record as another drafts file held it.
    pub fn add_raw(&self, record: &[u8]) {
        let Ok(mut guard) = self.state.lock() else {
            return;
        };
        let Some(state) = guard.as_mut() else {
            return;
        };
        let len = (record.len() as u32).to_le_bytes();
        let written = state
            .file
            .write_all(&len)
            .and_then(|_| state.file.write_all(record));
        match written {
            Ok(()) => {
                state.crc.update(&len);
                state.crc.update(record);
                state.count += 1;
            }
            // A full disk: give up on this index, not on the load.
            Err(_) => *guard = None,
        }
    }

    /// The id the file will have, for the main file to name it by.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Closes the file and puts it in place under its id; its length.
    /// (The loader closes and installs in two steps; this is for tests.)
    #[cfg(test)]
    pub fn finish(self, place: &Place) -> io::Result<u64> {
        let closed = self.close()?;
        let len = closed.len;
        closed.install(place)?;
        Ok(len)
    }

    /// Closes the file, still under its temporary name.
    pub fn close(self) -> io::Result<ClosedDrafts> {
        let state = self.state.lock().ok().and_then(|mut g| g.take());
        let Some(DraftsState {
            mut file,
            crc,
            count,
        }) = state
        else {
            return Err(io::Error::other("the drafts could not be written"));
        };
        file.write_all(&END.to_le_bytes())?;
        file.write_all(&count.to_le_bytes())?;
        file.write_all(&crc.finalize().to_le_bytes())?;
        file.flush()?;
        let len = file.get_ref().metadata()?.len();
        drop(file);
        Ok(ClosedDrafts {
            id: self.id,
            len,
            tmp: self.tmp,
        })
    }
}

/// A drafts file written whole, not yet in place.
pub struct ClosedDrafts {
    pub id: u64,
    pub len: u64,
    tmp: TempPath,
}

impl ClosedDrafts {
    /// Puts the file in place under its id.
    pub fn install(self, place: &Place) -> io::Result<()> {
        self.tmp
            .persist(place.drafts_path(self.id))
            .map_err(|e| e.error)
    }
}

/// A drafts file read back: each file's record, found by its name.
pub struct Drafts {
    bytes: Vec<u8>,
    by_display: FxHashMap<String, Range<usize>>,
}

impl Drafts {
    fn check(bytes: Vec<u8>) -> Option<Drafts> {
        bytes.get(..DRAFTS_HEADER)?;
        stamped(&bytes, DRAFTS_MAGIC)?;
        let mut crc = crc32fast::Hasher::new();
        let mut by_display = FxHashMap::default();
        let mut records = 0u64;
        let mut pos = DRAFTS_HEADER;
        loop {
            let len = le_u32(&bytes, pos)?;
            if len == END {
                let count = le_u64(&bytes, pos + 4)?;
                let sum = le_u32(&bytes, pos + 12)?;
                let whole = pos + 16 == bytes.len() && count == records && sum == crc.finalize();
                return whole.then_some(Drafts { bytes, by_display });
            }
            let record = pos + 4..(pos + 4).checked_add(len as usize)?;
            crc.update(bytes.get(pos..record.end)?);
            // A record starts with the file's name.
            let (display, _) = postcard::take_from_bytes::<String>(&bytes[record.clone()]).ok()?;
            by_display.insert(display, record.clone());
            records += 1;
            pos = record.end;
        }
    }

    /// The record of a file, decoded, and as it is stored.
    pub fn get(&self, display: &str) -> Option<(Loaded, &[u8])> {
        let raw = &self.bytes[self.by_display.get(display)?.clone()];
        let loaded: Loaded = postcard::from_bytes(raw).ok()?;
        (loaded.display == display).then_some((loaded, raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{ArticleDraft, Parsed};
    use crate::model::Body;
    use std::path::Path;

    fn loaded(name: &str) -> Loaded {
        Loaded {
            display: name.into(),
            rel: "/b.md".into(),
            extra_keys: vec!["/news/b.md".into()].into(),
            path_date: chrono::NaiveDate::from_ymd_opt(2015, 9, 1),
            parsed: Parsed::Article(ArticleDraft {
                title: "T".into(),
                body: Body::Inline("x".into()),
                digest: 7,
                links: Box::default(),
                front: None,
            }),
            warnings: vec![(Some(2), "w".into())].into(),
        }
    }

    fn place(dir: &Path) -> Place {
        Place {
            dir: dir.join("deep/er"),
            stem: "index-test".into(),
            roots: vec!["/archive".into()],
        }
    }

    /// The roots' checksum, summed part by part, is the checksum of the
    /// roots joined by NULs (what names an index, and stamps its drafts).
    #[test]
    fn roots_checksum_is_that_of_the_joined_roots() {
        for roots in [vec![], vec!["a"], vec!["a", "/x/a"], vec!["", "b", ""]] {
            let roots: Vec<String> = roots.into_iter().map(String::from).collect();
            assert_eq!(
                checksum(&roots),
                crc32fast::hash(roots.join("\0").as_bytes())
            );
        }
    }

    #[test]
    fn main_file_round_trip_and_every_kind_of_damage() {
        let dir = tempfile::tempdir().unwrap();
        let place = place(dir.path());
        std::fs::create_dir_all(&place.dir).unwrap();
        let timeline = crate::loader::load_sample();
        let head = Head {
            roots: place.roots.iter().map(String::as_str).collect(),
            drafts: 42,
            drafts_len: 7,
            files: vec![("a.md", FileStat::default())],
            dirs: vec![(".", None, false)],
            walk_problems: Vec::new(),
        };
        place.write(&head, &timeline).unwrap();
        let Index {
            id,
            head: read,
            snapshot,
        } = place.read().expect("reads back");
        assert_eq!(id, 42, "the drafts' id, read without the head");
        let read = read.decode().expect("the head decodes");
        assert_eq!(read.drafts, 42);
        assert_eq!((&read.files, &read.dirs), (&head.files, &head.dirs));
        assert_eq!(read.roots, head.roots);
        let back = snapshot.into_timeline().expect("the snapshot reads back");
        assert_eq!(back.events, timeline.events);
        assert_eq!(back.problems, timeline.problems);
        assert_eq!(back.days, timeline.days);
        let other = Place {
            roots: vec!["/other".into()],
            ..place.clone()
        };
        assert!(other.read().is_none(), "another set of roots");

        let good = std::fs::read(place.main_path()).unwrap();
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut older = good.clone();
        older[8] = older[8].wrapping_add(1);
        let mut longer = good.clone();
        longer.push(0);
        for (i, d) in [
            Vec::new(),
            good[..good.len() - 1].to_vec(),
            good[..HEADER - 1].to_vec(),
            flipped,
            older,
            b"{\"json\": true}".to_vec(),
            longer,
        ]
        .iter()
        .enumerate()
        {
            std::fs::write(place.main_path(), d).unwrap();
            // (A damaged snapshot is found when it is decoded.)
            let timeline = place.read().and_then(Index::into_timeline);
            assert!(timeline.is_none(), "damage {i} was accepted");
        }
    }

    #[test]
    fn drafts_round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let place = place(dir.path());
        let w = place.drafts_writer().unwrap();
        w.add(&loaded("a.md"));
        w.add(&loaded("b.md"));
        let seven = w.id();
        let seven_len = w.finish(&place).unwrap();
        let d = place.read_drafts(seven, seven_len).expect("reads back");
        let (a, raw) = d.get("a.md").unwrap();
        assert_eq!(a.display, "a.md");
        assert_eq!(a.parsed, loaded("a.md").parsed);
        // A record copied into another drafts file reads back the same.
        let w = place.drafts_writer().unwrap();
        w.add_raw(raw);
        let eight = w.id();
        let eight_len = w.finish(&place).unwrap();
        assert_eq!(
            place
                .read_drafts(eight, eight_len)
                .unwrap()
                .get("a.md")
                .unwrap()
                .0
                .rel,
            "/b.md"
        );
        assert!(d.get("c.md").is_none());

        let good = std::fs::read(place.drafts_path(seven)).unwrap();
        for cut in [0, 5, DRAFTS_HEADER, good.len() - 1] {
            std::fs::write(place.drafts_path(seven), &good[..cut]).unwrap();
            assert!(
                place.read_drafts(seven, seven_len).is_none(),
                "cut at {cut}"
            );
        }
        let mut flipped = good.clone();
        flipped[DRAFTS_HEADER + 6] ^= 1;
        std::fs::write(place.drafts_path(seven), &flipped).unwrap();
        assert!(
            place.read_drafts(seven, seven_len).is_none(),
            "a flipped bit"
        );
        // Longer than the main file says (bytes added after the end).
        let mut longer = good.clone();
        longer.extend_from_slice(&[0; 4096]);
        std::fs::write(place.drafts_path(seven), &longer).unwrap();
        assert!(place.read_drafts(seven, seven_len).is_none(), "longer");
        // Another file's drafts under this name, or these roots' drafts
        // read for other roots, are not taken.
        std::fs::copy(place.drafts_path(eight), place.drafts_path(seven)).unwrap();
        assert!(place.read_drafts(seven, eight_len).is_none(), "another id");
        let other = Place {
            roots: vec!["/other".into()],
            ..place.clone()
        };
        assert!(other.read_drafts(eight, eight_len).is_none(), "other roots");

        // An unfinished writer leaves nothing behind; tidy keeps the one
        // named, and leaves files younger than a minute alone.
        drop(place.drafts_writer().unwrap());
        place.tidy(&[eight, seven]);
        // (and the index's lock file)
        assert_eq!(names(&place).len(), 3);
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        for e in std::fs::read_dir(&place.dir).unwrap() {
            let f = File::options().write(true).open(e.unwrap().path()).unwrap();
            f.set_modified(long_ago).unwrap();
        }
        place.tidy(&[eight]);
        assert_eq!(
            names(&place),
            [
                ".index-test.bin.lock".to_string(),
                format!("index-test.drafts-{eight:016x}")
            ]
        );
    }

    fn names(place: &Place) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&place.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Two writers finish in either order: the one that tidies last must
    /// not take the drafts of the index in place, though it never knew of
    /// them (the CI once saw a whole archive read again after two
    /// processes wrote at once).
    #[test]
    fn a_tidy_keeps_the_drafts_of_the_index_in_place_whoever_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        let place = place(dir.path());
        let timeline = crate::loader::load_sample();
        let write = || {
            let w = place.drafts_writer().unwrap();
            w.add(&loaded("a.md"));
            let closed = w.close().unwrap();
            let id = closed.id;
            let head = Head {
                roots: place.roots.iter().map(String::as_str).collect(),
                drafts: id,
                drafts_len: closed.len,
                files: vec![("a.md", FileStat::default())],
                dirs: Vec::new(),
                walk_problems: Vec::new(),
            };
            let main = place.write_pending(&head, &timeline).unwrap();
            (id, closed.len, move |place: &Place| {
                place.install_with(closed, main).unwrap()
            })
        };
        let (first, _, install_first) = write();
        let (second, second_len, install_second) = write();
        // The second writer puts its index in place first; the first
        // replaces it, and then the second tidies, keeping its own.
        install_second(&place);
        install_first(&place);
        place.tidy(&[second]);
        let index = place.read().expect("an index in place");
        assert_eq!(index.id, first);
        let first_len = index.head.decode().unwrap().drafts_len;
        assert!(place.read_drafts(first, first_len).is_some());
        // The first tidies in turn: the second's drafts, named by no
        // index and not replaced by the first's, go.
        place.tidy(&[first]);
        assert!(place.read_drafts(first, first_len).is_some());
        assert!(place.read_drafts(second, second_len).is_none());
    }
}

//! The persistent index: what loading learned about every file of an
//! archive (its size, times and inode, and what it parsed into), kept under
//! `$XDG_CACHE_HOME/ktimeline/` so that the next open re-reads only the
//! files that changed. One index per set of roots; never inside the archive.
//!
//! The index is a cache and nothing more: a missing, foreign, older,
//! truncated or corrupt file is ignored (the archive is read as if there
//! were none), and a cache folder that cannot be written only means the
//! next open reads everything again. Writes go to a temporary file that is
//! renamed over the old one, so a reader never sees half an index and two
//! processes writing at once leave one whole index.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::loader::read::FileStat;
use crate::loader::resolve::Loaded;

const MAGIC: &[u8; 8] = b"KTLINDEX";
/// The layout of the file; bump it when [`Record`] changes shape.
const FORMAT: u32 = 1;
/// magic, format, parser fingerprint, checksum, payload length.
const HEADER: usize = 8 + 4 + 4 + 4 + 8;

/// One file as it was loaded (`file.display` is the key a walk finds it
/// by).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub stat: FileStat,
    pub file: Loaded,
}

/// [`Record`] by reference, for writing without copying.
#[derive(Serialize)]
pub struct RecordRef<'a> {
    pub stat: FileStat,
    pub file: &'a Loaded,
}

#[derive(Serialize)]
struct PayloadRef<'a> {
    roots: &'a [String],
    records: Vec<RecordRef<'a>>,
}

#[derive(Deserialize)]
struct Payload {
    roots: Vec<String>,
    records: Vec<Record>,
}

/// A fingerprint of the code that decides what a file parses into: an
/// index written by a ktimeline that parsed differently is not used.
fn parser_fingerprint() -> u32 {
    static PRINT: OnceLock<u32> = OnceLock::new();
    *PRINT.get_or_init(|| {
        let mut h = crc32fast::Hasher::new();
        for source in [
            include_str!("../loader/parse.rs"),
            include_str!("../loader/read.rs"),
            include_str!("../loader/mod.rs"),
            include_str!("../text.rs"),
            include_str!("../model.rs"),
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
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(".cache"))
    })?;
    Some(base.join("ktimeline"))
}

/// The index file for a set of roots (absolute, as canonical as they can
/// be made), or `None` when there is no cache folder to use.
pub fn path_for(roots: &[String]) -> Option<PathBuf> {
    let key = crc32fast::hash(roots.join("\0").as_bytes());
    let name = format!("index-{key:08x}-{:x}.bin", roots.len());
    Some(cache_dir()?.join(name))
}

/// Reads the index for `roots`; `None` when there is none usable (missing,
/// not an index, another format or parser, another set of roots, or not
/// whole).
pub fn read(path: &Path, roots: &[String]) -> Option<Vec<Record>> {
    let bytes = std::fs::read(path).ok()?;
    let payload = check(&bytes)?;
    let p: Payload = postcard::from_bytes(payload).ok()?;
    (p.roots == roots).then_some(p.records)
}

/// The payload of a whole, current index file.
fn check(bytes: &[u8]) -> Option<&[u8]> {
    let header = bytes.get(..HEADER)?;
    let u32_at = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
    if &header[..8] != MAGIC || u32_at(8) != FORMAT || u32_at(12) != parser_fingerprint() {
        return None;
    }
    let len = u64::from_le_bytes(header[20..28].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER..];
    (payload.len() as u64 == len && crc32fast::hash(payload) == u32_at(16)).then_some(payload)
}

/// The bytes of an index file.
pub fn encode(roots: &[String], records: Vec<RecordRef<'_>>) -> Vec<u8> {
    let payload = PayloadRef { roots, records };
    let mut out = vec![0; HEADER];
    let mut out = postcard::to_extend(&payload, std::mem::take(&mut out))
        .expect("writing to memory cannot fail");
    let len = (out.len() - HEADER) as u64;
    let crc = crc32fast::hash(&out[HEADER..]);
    out[..8].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    out[12..16].copy_from_slice(&parser_fingerprint().to_le_bytes());
    out[16..20].copy_from_slice(&crc.to_le_bytes());
    out[20..28].copy_from_slice(&len.to_le_bytes());
    out
}

/// Writes an index file whole or not at all: into a temporary file beside
/// it, then renamed over it.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(
        ".{}.{}.{nanos}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("index"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Body;

    use crate::loader::parse::{ArticleDraft, Parsed};

    fn record() -> Record {
        Record {
            stat: FileStat {
                size: 3,
                mtime: 4,
                ctime: 5,
                ino: 6,
            },
            file: Loaded {
                display: "a/b.md".into(),
                rel: "/b.md".into(),
                extra_keys: vec!["/news/b.md".into()],
                path_date: chrono::NaiveDate::from_ymd_opt(2015, 9, 1),
                parsed: Parsed::Article(ArticleDraft {
                    title: "T".into(),
                    body: Body::Inline("x".into()),
                    digest: 7,
                }),
                warnings: vec![(Some(2), "w".into())],
            },
        }
    }

    fn bytes(roots: &[String]) -> Vec<u8> {
        let r = record();
        encode(
            roots,
            vec![RecordRef {
                stat: r.stat,
                file: &r.file,
            }],
        )
    }

    #[test]
    fn round_trip_and_every_kind_of_damage() {
        let dir = tempfile::tempdir().unwrap();
        let roots = vec!["/archive".to_string()];
        let path = dir.path().join("deep/er/index.bin");
        write(&path, &bytes(&roots)).unwrap();
        let back = read(&path, &roots).expect("reads back");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].stat, record().stat);
        assert_eq!(back[0].file.display, "a/b.md");
        assert_eq!(back[0].file.path_date, record().file.path_date);
        assert_eq!(back[0].file.parsed, record().file.parsed);
        // Another set of roots.
        assert!(read(&path, &["/other".to_string()]).is_none());

        let good = bytes(&roots);
        let mut damaged = Vec::new();
        damaged.push(Vec::new());
        damaged.push(good[..good.len() - 1].to_vec());
        damaged.push(good[..HEADER - 1].to_vec());
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        damaged.push(flipped);
        let mut older = good.clone();
        older[8] = older[8].wrapping_add(1);
        damaged.push(older);
        damaged.push(b"{\"json\": true}".to_vec());
        let mut longer = good.clone();
        longer.push(0);
        damaged.push(longer);
        for (i, d) in damaged.iter().enumerate() {
            std::fs::write(&path, d).unwrap();
            assert!(read(&path, &roots).is_none(), "damage {i} was accepted");
        }
        // No temporary files are left beside it.
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("index.bin")]);
    }
}

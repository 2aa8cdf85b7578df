//! Opening and reading one file of an archive safely: the directory listing
//! may be stale by the time a file is opened (replaced by a link or a FIFO),
//! so a file is opened without following links and without blocking, then
//! checked on the handle itself, and read only if it is a regular file of
//! an acceptable size. One open, one fstat, one read (usually), one close.

use std::fs::File;
use std::io::{ErrorKind, Read};

use std::path::Path;

use crate::draft::FileStat;

/// Files larger than this are reported, not read.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Opens `path` without following a final symbolic link and without
/// blocking (on a FIFO or a device).
fn open(path: &Path) -> std::io::Result<File> {
    crate::atomic::open_for_reading(path, false)
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]; the error is the
/// problem to report.
pub fn read_file(path: &Path) -> Result<(Vec<u8>, FileStat), String> {
    let file = open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => "symbolic link, not followed".to_string(),
        _ => format!("unreadable: {}", io_message(&e)),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("unreadable: {}", io_message(&e)))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let stat = FileStat::of(&meta);
    if stat.size > MAX_FILE_BYTES {
        return Err(too_large(stat.size));
    }
    let bytes =
        read_sized(file, stat.size).map_err(|e| format!("unreadable: {}", io_message(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, stat))
}

/// Reads `file`, whose `fstat` said it holds `size` bytes, into a buffer
/// of just that size plus one.
///
/// One `read` that returns exactly `size` bytes ends it: no second call to
/// hear the end of the file (one of the five a file cost). The
/// text is then the file as it was when stat'ed; if it grows meanwhile, its
/// modification time changes and the next open reads it again. A read that
/// returns less, or more (the file grew), goes on until the end of the file,
/// never taking more than [`MAX_FILE_BYTES`] and one.
fn read_sized(mut file: File, size: u64) -> std::io::Result<Vec<u8>> {
    // A few zeroed kilobytes cost far less than the system call saved.
    let mut bytes = vec![0u8; size.min(MAX_FILE_BYTES) as usize + 1];
    let n = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            n => break n?,
        }
    };
    bytes.truncate(n);
    if n as u64 != size {
        file.take(MAX_FILE_BYTES + 1 - n as u64)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Reads a small file the user keeps (the configuration, the saved state):
/// links are followed (dotfiles often are links), but only a regular file
/// of at most `max` bytes is read, and a FIFO never blocks the opening.
pub fn read_small(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let file = crate::atomic::open_for_reading(path, true)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let too_big = || std::io::Error::other(format!("larger than {} KiB", max / 1024));
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

pub fn too_large(len: u64) -> String {
    format!(
        "too large: {len} bytes, {:.1} MiB (the limit is {MAX_FILE_BYTES} bytes, {} MiB)",
        len as f64 / (1024.0 * 1024.0),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The racily clean rule with a simulated clock, for machines where no
    /// coarse file system can be mounted (tests/it/index.rs mounts one).
    #[test]
    fn a_file_changed_within_a_coarse_tick_of_the_index_is_kept_to_be_read_again() {
        const S: i64 = 1_000_000_000;
        let since = 1_700_000_000 * S + S / 3;
        let at = |ctime: i64, mtime: i64| FileStat {
            size: 10,
            mtime,
            ctime,
            ino: 7,
        };
        // Whole seconds, within two of the open: racy.
        for t in [since - S / 3, since - S - S / 3, since + 2 * S] {
            let whole = t - t.rem_euclid(S);
            let kept = at(whole, whole).for_index(since);
            assert_ne!(kept, at(whole, whole), "{t}");
        }
        // Settled long before, or times with a fraction (a fine clock).
        let old = since - 10 * S - S / 3;
        let old = old - old.rem_euclid(S);
        assert_eq!(at(old, old).for_index(since), at(old, old));
        let fine = since - 7;
        assert_eq!(at(fine, fine).for_index(since), at(fine, fine));
    }

    #[test]
    fn links_fifos_and_folders_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "hello").unwrap();
        let (bytes, stat) = read_file(&real).unwrap();
        assert_eq!((bytes.as_slice(), stat.size), (&b"hello"[..], 5));

        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(read_file(&link).unwrap_err(), "symbolic link, not followed");

        let fifo = dir.path().join("fifo.md");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Would block forever if it were opened for reading the usual way.
        assert_eq!(read_file(&fifo).unwrap_err(), "not a regular file");

        assert_eq!(read_file(dir.path()).unwrap_err(), "not a regular file");

        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        // Small user files: links followed, but only to a regular file.
        assert_eq!(read_small(&link, 10).unwrap(), b"hello");
        assert!(read_small(&zero, 1 << 20).is_err());
        assert!(read_small(&fifo, 1 << 20).is_err());
        assert!(read_small(&real, 4).is_err(), "over the cap");
    }

    /// Whatever size the stat gave (the file grew or shrank since, or a
    /// special file reports 0), the whole file is read, up to the limit.
    #[test]
    fn a_read_takes_the_whole_file_whatever_the_stat_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.md");
        let text = b"# A headline\n\nSome text.\n";
        std::fs::write(&path, text).unwrap();
        for size in [0, 1, 10, text.len() as u64 - 1, text.len() as u64, 4096] {
            let got = read_sized(File::open(&path).unwrap(), size).unwrap();
            assert_eq!(got, text, "stat said {size} bytes");
        }
        let (bytes, stat) = read_file(&path).unwrap();
        assert_eq!(
            (bytes.as_slice(), stat.size),
            (&text[..], text.len() as u64)
        );
    }

    #[test]
    fn a_file_over_the_limit_is_read_no_further_than_one_byte_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, vec![b'a'; MAX_FILE_BYTES as usize + 100]).unwrap();
        for size in [0, 10, MAX_FILE_BYTES + 100] {
            let got = read_sized(File::open(&path).unwrap(), size).unwrap();
            assert_eq!(
                got.len() as u64,
                MAX_FILE_BYTES + 1,
                "stat said {size} bytes"
            );
        }
        assert!(read_file(&path).unwrap_err().contains("too large"));
    }
}

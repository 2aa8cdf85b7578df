//! Files written whole or not at all, safely in folders others may write
//! to: each write goes to a temporary file created exclusively (a fresh,
//! unpredictable name, `O_EXCL`, readable by its owner alone), so that a
//! link planted under a name it might take is never followed, and is then
//! renamed into place, so that a reader sees the old file or the new one.
//! Used for the saved state and every file of the cache; and the one way
//! such files, and an archive's, are opened for reading
//! ([`open_for_reading`]).

use std::fs::File;
use std::io;
use std::path::Path;

pub use tempfile::{NamedTempFile, TempPath};

/// Opens `path` for reading without blocking (on a FIFO or a device);
/// `follow`: a final symbolic link is followed (else the open fails on
/// one).
pub fn open_for_reading(path: &Path, follow: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(nofollow | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    #[cfg(not(unix))]
    let _ = follow;
    options.open(path)
}

/// A new temporary file in `dir`, named `{prefix}{random}`; it is removed
/// when dropped unless it is persisted. Its writer holds an advisory lock
/// on it for as long as the file is open, so that a tidy can tell a write
/// in flight from one left behind by a process that was killed
/// ([`abandoned`]).
pub fn temp_in(dir: &Path, prefix: &str) -> io::Result<NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        .rand_bytes(12)
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a descriptor the file owns. A new file is
        // locked by nobody else, so this does not wait.
        unsafe { libc::flock(tmp.as_file().as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    }
    Ok(tmp)
}

/// True when the temporary file at `path` is no longer being written: no
/// process holds its lock (its writer ended, or was killed). Where locks
/// cannot be had, a file untouched for a minute counts as abandoned.
pub fn abandoned(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::OpenOptionsExt;
        let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
        else {
            return false;
        };
        // SAFETY: flock on a descriptor `f` owns; released when it closes.
        unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|e| e.as_secs() > 60))
    }
}

/// True when `dir` is fit to keep this user's files in: it does not exist
/// yet (it will be made by this user), or it is a folder this user owns,
/// reached, if through a link, by a link this user owns. A cache or state
/// folder in a place others can write to (a shared `XDG_CACHE_HOME`) may
/// have been replaced by another user's link to a folder of theirs, or
/// made by them: what is read there could be theirs, and what is written
/// there would be.
pub fn own_dir(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid cannot fail and touches no memory.
        let me = unsafe { libc::geteuid() };
        match std::fs::symlink_metadata(dir) {
            Err(e) => e.kind() == io::ErrorKind::NotFound,
            Ok(m) if m.file_type().is_symlink() => {
                m.uid() == me && std::fs::metadata(dir).is_ok_and(|t| t.is_dir() && t.uid() == me)
            }
            Ok(m) => m.is_dir() && m.uid() == me,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        true
    }
}

/// An exclusive advisory lock for read-modify-write of `path` by several
/// processes at once (two browsers saving their state at the same
/// instant): a lock file beside it, `.{name}.lock`, opened without
/// following a link. Held until the file returned is dropped. `None` when
/// it cannot be had within two seconds (the caller goes on without it).
pub fn lock_beside(path: &Path) -> Option<File> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let lock = path.with_file_name(format!(".{name}.lock"));
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
        let file = options.open(&lock).ok()?;
        let start = std::time::Instant::now();
        // SAFETY: flock on a descriptor `file` owns; released when it closes.
        while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            if start.elapsed() > std::time::Duration::from_secs(2) {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Some(file)
    }
    #[cfg(not(unix))]
    {
        options.open(&lock).ok()
    }
}

/// Writes `path` through `fill`: into a temporary file beside it (named
/// after it, with a leading dot), synced, then renamed over it.
pub fn write(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = temp_in(dir, &format!(".{name}."))?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_planted_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let target = dir.path().join("state.json");
        // Links under every name a temporary file of the old scheme took,
        // and under the target itself.
        for i in 0..64 {
            std::os::unix::fs::symlink(&victim, dir.path().join(format!(".state.json.{i}.tmp")))
                .unwrap();
        }
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write(&target, |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        // The link itself was replaced by the file.
        assert!(!target.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // No temporary file is left behind, and the new file is private.
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(target.metadata().unwrap().permissions().mode() & 0o077, 0);
        let left = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let n = e.as_ref().unwrap().file_name();
                let n = n.to_string_lossy();
                n.starts_with(".state.json.") && !n.ends_with(".tmp")
            })
            .count();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_temporary_file_is_abandoned_only_once_its_writer_closed_it() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_in(dir.path(), ".tmp-x-").unwrap();
        let path = tmp.path().to_path_buf();
        assert!(!abandoned(&path), "being written");
        // A writer killed mid-write leaves its file, unlocked.
        let (file, kept) = tmp.into_parts();
        drop(file);
        let left = kept.keep().unwrap();
        assert!(abandoned(&left));
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f");
        std::fs::write(&target, "old").unwrap();
        let r = write(&target, |_| Err(io::Error::other("full")));
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

//! Reading the cache's own files safely. The cache folder is the user's,
//! but what is in it cannot be trusted more than any file: a file there
//! may have been replaced by a link to `/dev/zero` or by a FIFO, written by
//! another user sharing the folder, or made sparse to claim gigabytes it
//! does not hold. Each is ignored rather than read.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Opens a file of the cache folder the way archive files are opened (no
/// link followed, no blocking on a FIFO, a regular file only), so that a
/// cache file replaced by a link to `/dev/zero` or by a FIFO is ignored
/// rather than read forever. `None` when it is not such a file, when
/// another user owns it (a cache shared between users: its answers were
/// made with what that user could read), or when it has holes (ktimeline
/// writes none: its apparent size, which lengths inside it are checked
/// against, would not be what it really holds).
pub fn open_regular(path: &Path) -> Option<(File, u64)> {
    let file = crate::atomic::open_for_reading(path, false).ok()?;
    let meta = file.metadata().ok()?;
    let len = meta.len();
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid cannot fail and touches no memory.
        if meta.uid() != unsafe { libc::geteuid() } || has_holes(&file, len) {
            return None;
        }
    }
    Some((file, len))
}

/// True when `file` (of `len` bytes) has a hole before its end; false
/// where the file system cannot tell. Leaves the position at the start.
#[cfg(unix)]
fn has_holes(file: &File, len: u64) -> bool {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: lseek on a descriptor this function borrows; it only moves
    // the file's position, which is put back.
    let hole = unsafe { libc::lseek(fd, 0, libc::SEEK_HOLE) };
    unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
    hole >= 0 && (hole as u64) < len
}

/// Reads a cache file that must be `len` bytes long (as another file of
/// the cache says): `None` when it is not, without reading it.
pub fn read_exactly(path: &Path, len: u64) -> Option<Vec<u8>> {
    let (file, real) = open_regular(path)?;
    if real != len {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()?);
    file.take(len).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == len).then_some(bytes)
}

/// Reads a cache file whose length its first `head` bytes tell
/// (`len_of`): `None` when the file is not that long, without reading more
/// than its head.
pub fn read_told(
    path: &Path,
    head: usize,
    len_of: impl Fn(&[u8]) -> Option<u64>,
) -> Option<Vec<u8>> {
    let (mut file, real) = open_regular(path)?;
    let mut first = vec![0; head];
    file.read_exact(&mut first).ok()?;
    let len = len_of(&first)?;
    if real != len {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()?);
    bytes.extend_from_slice(&first);
    file.take(len - head as u64).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == len).then_some(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_fifos_folders_and_holes_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, "hello").unwrap();
        assert_eq!(read_exactly(&real, 5).as_deref(), Some(&b"hello"[..]));
        assert_eq!(read_exactly(&real, 4), None, "another length");
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(open_regular(&zero).is_none());
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(open_regular(&fifo).is_none());
        assert!(open_regular(dir.path()).is_none());
        // A file with a hole claims more than it holds.
        let sparse = dir.path().join("sparse");
        let f = File::create(&sparse).unwrap();
        f.set_len(64 << 20).unwrap();
        std::io::Write::write_all(&mut &f, b"x").unwrap();
        assert!(open_regular(&sparse).is_none());
    }
}

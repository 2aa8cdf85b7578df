//! A section of an index's main file decoded as it is read, a buffer at a
//! time, its checksum taken on the way: the section is never held whole.
//! Reading the 45 MB snapshot of a 100,000-event archive into one buffer
//! before decoding it cost a reopen a fifth of its memory at the peak, and
//! a page fault for every 4 KiB of it.
//!
//! What is decoded before the checksum is known to match is thrown away
//! unless it matches: a section answers only once it was read to its end,
//! and every number in it is checked as it is decoded anyway (lengths are
//! bounded by the bytes left in the section).

use std::fs::File;
use std::sync::Arc;

use postcard::de_flavors::Flavor;
use serde::Deserialize;

/// How much of a section is read at a time.
const CHUNK: usize = 256 * 1024;

/// A section of a file: `len` bytes from `start`, which should have the
/// checksum `crc`. Read by position, so one open file can serve sections
/// decoded on different threads.
pub struct Section {
    file: Arc<File>,
    /// Where the next bytes are read from, and how many are left to read.
    next: u64,
    left: u64,
    crc: u32,
    hasher: crc32fast::Hasher,
    /// Bytes read: `buf[pos..end]` are not decoded yet.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Section {
    pub fn new(file: Arc<File>, start: u64, len: u64, crc: u32) -> Section {
        Section {
            file,
            next: start,
            left: len,
            crc,
            hasher: crc32fast::Hasher::new(),
            buf: Vec::new(),
            pos: 0,
            end: 0,
        }
    }

    /// The next value of the section; the section goes on after it.
    pub fn decode<T: for<'de> Deserialize<'de>>(self) -> Option<(T, Section)> {
        let mut de = postcard::Deserializer::from_flavor(self);
        let value = T::deserialize(&mut de).ok()?;
        Some((value, de.finalize().ok()?))
    }

    /// The last value of the section: `None` unless it ends the section
    /// and the whole section has its checksum.
    pub fn decode_last<T: for<'de> Deserialize<'de>>(self) -> Option<T> {
        let (value, rest) = self.decode::<T>()?;
        rest.whole().then_some(value)
    }

    /// Was the whole section decoded, and its checksum the one expected?
    fn whole(self) -> bool {
        self.left == 0 && self.pos == self.end && self.hasher.finalize() == self.crc
    }

    /// Makes the next `n` bytes ready in `buf[pos..]`; `false` when the
    /// section has fewer left.
    #[cold]
    fn fill(&mut self, n: usize) -> bool {
        let have = self.end - self.pos;
        if have >= n {
            return true;
        }
        let want = n - have;
        if (want as u64) > self.left {
            return false;
        }
        // What is left goes to the start of the buffer, then as much more
        // is read as the buffer holds (more when one value needs more).
        self.buf.copy_within(self.pos..self.end, 0);
        let size = n.max(CHUNK);
        if self.buf.len() < size {
            self.buf.resize(size, 0);
        }
        let read = (self.buf.len() - have).min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let fresh = &mut self.buf[have..have + read];
        if read_at(&self.file, fresh, self.next).is_err() {
            return false;
        }
        self.hasher.update(fresh);
        self.next += read as u64;
        self.left -= read as u64;
        (self.pos, self.end) = (0, have + read);
        true
    }
}

/// The `len` bytes of `file` from `start`, when their checksum is `crc`.
pub fn read_whole(file: &File, start: u64, len: u64, crc: u32) -> Option<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(len).ok()?];
    read_at(file, &mut bytes, start).ok()?;
    (crc32fast::hash(&bytes) == crc).then_some(bytes)
}

/// Fills `buf` from `file` at `at`, without moving a position that other
/// threads reading the file share.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match file.seek_read(&mut buf[done..], at + done as u64)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => done += n,
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

impl<'de> Flavor<'de> for Section {
    type Remainder = Section;
    type Source = Section;

    #[inline]
    fn pop(&mut self) -> postcard::Result<u8> {
        if self.pos == self.end && !self.fill(1) {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        let byte = self.buf.get(self.pos).copied();
        self.pos += 1;
        byte.ok_or(postcard::Error::DeserializeUnexpectedEnd)
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.left)
            .ok()?
            .checked_add(self.end - self.pos)
    }

    /// Nothing decoded from an index borrows from it.
    fn try_take_n(&mut self, _: usize) -> postcard::Result<&'de [u8]> {
        Err(postcard::Error::DeserializeBadEncoding)
    }

    fn try_take_n_temp<'a>(&'a mut self, n: usize) -> postcard::Result<&'a [u8]>
    where
        'de: 'a,
    {
        if self.end - self.pos < n && !self.fill(n) {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        let start = self.pos;
        self.pos += n;
        self.buf
            .get(start..self.pos)
            .ok_or(postcard::Error::DeserializeUnexpectedEnd)
    }

    fn finalize(self) -> postcard::Result<Section> {
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file holding `before`, then `values` as a section, then `after`:
    /// the section's start, length and checksum.
    fn file_with(values: &[u8], before: usize, after: usize) -> (Arc<File>, u64, u64, u32) {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![7; before]).unwrap();
        f.write_all(values).unwrap();
        f.write_all(&vec![9; after]).unwrap();
        let crc = crc32fast::hash(values);
        (Arc::new(f), before as u64, values.len() as u64, crc)
    }

    #[test]
    fn a_section_reads_back_what_was_written_across_many_buffers() {
        // Strings longer than a buffer, and many short ones across its edges.
        let long = "é".repeat(CHUNK);
        let short: Vec<String> = (0..100_000).map(|i| format!("entry {i}")).collect();
        let value = (String::from("head"), long, short, 12_345_678u64);
        let bytes = postcard::to_stdvec(&value).unwrap();
        let (file, start, len, crc) = file_with(&bytes, 40, 13);
        let section = Section::new(file.clone(), start, len, crc);
        assert_eq!(section.decode_last(), Some(value.clone()));
        // In two parts: the first, then the rest.
        let section = Section::new(file, start, len, crc);
        let (head, rest) = section.decode::<String>().unwrap();
        assert_eq!(head, "head");
        let rest: (String, Vec<String>, u64) = rest.decode_last().unwrap();
        assert_eq!((head, rest.0, rest.1, rest.2), value);
    }

    #[test]
    fn a_damaged_cut_or_unfinished_section_answers_nothing() {
        let value: Vec<String> = (0..50_000).map(|i| format!("entry {i}")).collect();
        let bytes = postcard::to_stdvec(&value).unwrap();
        let (file, start, len, crc) = file_with(&bytes, 0, 0);
        let read =
            |len, crc| Section::new(file.clone(), start, len, crc).decode_last::<Vec<String>>();
        assert_eq!(read(len, crc), Some(value.clone()));
        // Another checksum; the section cut short; longer than the file.
        assert_eq!(read(len, crc ^ 1), None);
        assert_eq!(read(len - 1, crc), None);
        assert_eq!(read(len + 1, crc), None);
        // A byte changed in the middle, where it still decodes.
        let mut changed = bytes.clone();
        let at = changed.len() / 2;
        changed[at] ^= 0x01;
        let (file, start, len, _) = file_with(&changed, 0, 0);
        assert_eq!(
            Section::new(file, start, len, crc).decode_last::<Vec<String>>(),
            None
        );
        // A value that ends before its section does.
        let mut longer = bytes.clone();
        longer.push(0);
        let (file, start, len, crc) = file_with(&longer, 0, 0);
        assert_eq!(
            Section::new(file, start, len, crc).decode_last::<Vec<String>>(),
            None
        );
        // A length beyond the section's end is refused, not allocated.
        let huge = [0xff, 0xff, 0xff, 0xff, 0x0f, b'a'];
        let (file, start, len, crc) = file_with(&huge, 0, 0);
        assert_eq!(
            Section::new(file, start, len, crc).decode_last::<String>(),
            None
        );
    }
}

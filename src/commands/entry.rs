//! The ENTRY argument of `similar`, `story` and `show`: one entry named as
//! `search` prints it (its file, third column; a ghost's id), by its id, or
//! by a path to its file however written (relative, absolute, through a
//! link). One that is not in the archive is a usage error that suggests
//! the nearest entry.

use std::path::Path;

use super::{Error, Result};
use crate::model::{EventIdx, Timeline, date_label};
use crate::text;

/// The entry `asked` names in `t`.
pub fn find(t: &Timeline, asked: &str) -> Result<EventIdx> {
    let by_name = t
        .events
        .iter()
        .position(|e| e.file.as_deref() == Some(asked) || e.id == asked);
    if let Some(i) = by_name {
        return Ok(i);
    }
    // The same file named another way: compared by where it really is,
    // among the entries whose file has the same name.
    let real = |p: &str| std::fs::canonicalize(p).ok();
    if let Some(want) = real(asked) {
        let name = Path::new(asked).file_name();
        let found = t.events.iter().position(|e| {
            e.file.as_deref().is_some_and(|f| {
                Path::new(f).file_name() == name && real(f).as_deref() == Some(want.as_path())
            })
        });
        if let Some(i) = found {
            return Ok(i);
        }
    }
    Err(Error::Usage(not_found(t, asked)))
}

/// "no entry X in the archive", and the entry whose headline best matches
/// the words of its name.
fn not_found(t: &Timeline, asked: &str) -> String {
    let shown = text::escape_invisible(text::prefix_chars(asked, 300), false);
    let mut said = format!("no entry '{shown}' in the archive");
    let stem = Path::new(asked)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: String = text::prefix_chars(&stem, 200)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // The words some headline matches, then all of those together (the
    // fuzzy search wants every word), else the first of them alone.
    let matching: Vec<&str> = (words.split(' ').filter(|w| !w.is_empty()))
        .take(8)
        .filter(|w| {
            !crate::search::search(t, w, 1, &Default::default())
                .hits
                .is_empty()
        })
        .collect();
    let nearest = [
        matching.join(" "),
        matching.first().unwrap_or(&"").to_string(),
    ]
    .into_iter()
    .filter(|q| !q.is_empty())
    .find_map(|q| {
        crate::search::search(t, &q, 1, &Default::default())
            .hits
            .first()
            .cloned()
    });
    if let Some(h) = nearest {
        let e = &t.events[h.idx];
        said.push_str(&format!(
            "; the nearest: {}  {}  {}",
            date_label(e.date),
            text::one_line(&e.headline),
            text::one_line(e.file.as_deref().unwrap_or(&e.id))
        ));
    }
    said
}

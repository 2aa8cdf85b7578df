//! ENTRY, as the commands about one entry take it (`show`, and those that
//! start from an entry): the file `search` prints in its third column, or
//! the entry's id, found in the loaded archive. Kept apart so that each
//! such command finds entries alike and says alike that one is not there
//! (a usage error, exit 2, with the nearest entry as a suggestion).

use std::path::Path;

use super::{Error, Result};
use crate::filter::Filter;
use crate::model::{EventIdx, Timeline, date_label};
use crate::text;

/// The entry `entry` names in `t`: the file as `search` prints it (the
/// path as the archive was opened with, or the same file by another
/// path), or the entry's id, written as a related link may write it
/// (`news/2013/6/06/x.md` is `/news/2013/06/6/x.md`).
pub fn resolve(t: &Timeline, entry: &str) -> Result<EventIdx> {
    let by_file = || {
        t.events
            .iter()
            .position(|e| e.file.as_deref() == Some(entry))
    };
    let by_id = || t.events.iter().position(|e| e.id == entry);
    let by_target = || {
        let target = text::normalize_target(entry);
        t.events.iter().position(|e| e.id == target)
    };
    by_file()
        .or_else(by_id)
        .or_else(by_target)
        .or_else(|| same_file(t, Path::new(entry)))
        .ok_or_else(|| not_found(t, entry))
}

/// The entry loaded from the file at `path`, named otherwise (`./x.md`,
/// an absolute path, through a link to a folder).
fn same_file(t: &Timeline, path: &Path) -> Option<EventIdx> {
    let name = path.file_name()?;
    let want = path.canonicalize().ok()?;
    t.events.iter().position(|e| {
        e.file.as_deref().is_some_and(|f| {
            let f = Path::new(f);
            f.file_name() == Some(name) && f.canonicalize().is_ok_and(|c| c == want)
        })
    })
}

/// The usage error for an entry that is not in the archive, with the
/// nearest one as a suggestion.
fn not_found(t: &Timeline, entry: &str) -> Error {
    let near = nearest(t, entry).map_or(String::new(), |i| {
        let e = &t.events[i];
        format!(
            "; did you mean {} ({} {})?",
            text::one_line(e.file.as_deref().unwrap_or(&e.id)),
            date_label(e.date),
            text::one_line(&e.headline)
        )
    });
    Error::Usage(format!(
        "no entry {} in the archive (give a file as `ktimeline search` prints it, or an entry's id){near}",
        quoted(entry)
    ))
}

/// `s` in quotes, its invisible characters escaped.
fn quoted(s: &str) -> String {
    format!("'{}'", text::escape_invisible(s, false))
}

/// The entry whose headline is nearest to the words of `entry` (a file
/// name's words: `harbour-city-opens.md` is "harbour city opens"): the
/// headline search's best match for them all, else the headline that
/// shares the most of them.
fn nearest(t: &Timeline, entry: &str) -> Option<EventIdx> {
    let path = Path::new(entry);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|_| path.extension().is_some())
        .unwrap_or(entry);
    let words: Vec<String> = stem
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(20)
        .collect();
    if words.is_empty() {
        return None;
    }
    let query = words.join(" ");
    if let Some(hit) = crate::search::search(t, &query, 1, &Filter::default())
        .hits
        .first()
    {
        return Some(hit.idx);
    }
    // A misspelt word keeps the search from matching: count the words
    // each headline shares instead (the longer ones weigh more).
    let mut best: Option<(usize, EventIdx)> = None;
    for (i, e) in t.events.iter().enumerate() {
        let headline = e.headline.to_lowercase();
        let score: usize = headline
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2 && words.iter().any(|q| q == w))
            .map(str::len)
            .sum();
        if score > 0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive() -> Timeline {
        crate::loader::load_memory(
            "mem",
            vec![
                (
                    "news/2020/01/2/harbour-opens.md".to_string(),
                    "### [2020-01-02](/news/2020/01/2/index.md)\n\n\
                     # Harbour city opens a tidal power station.\n\nThe turbines turn.\n",
                ),
                (
                    "news/2020/01/3/ferry-late.md".to_string(),
                    "### [2020-01-03](/news/2020/01/3/index.md)\n\n\
                     # The morning ferry runs an hour late.\n\nFog.\n",
                ),
            ],
        )
    }

    fn headline(t: &Timeline, i: EventIdx) -> &str {
        &t.events[i].headline
    }

    #[test]
    fn by_file_and_by_id_in_any_spelling() {
        let t = archive();
        let i = resolve(&t, "mem/news/2020/01/2/harbour-opens.md").unwrap();
        assert_eq!(headline(&t, i), "Harbour city opens a tidal power station.");
        let id = t.events[i].id.clone();
        assert_eq!(resolve(&t, &id).unwrap(), i);
        assert_eq!(
            resolve(
                &t,
                "news/2020/1/02/harbour-city-opens-a-tidal-power-station.md"
            )
            .unwrap(),
            i
        );
    }

    #[test]
    fn an_unknown_entry_suggests_the_nearest() {
        let t = archive();
        let Err(Error::Usage(why)) = resolve(&t, "mem/news/2020/01/3/morning-ferry.md") else {
            panic!("not found");
        };
        assert!(
            why.starts_with("no entry 'mem/news/2020/01/3/morning-ferry.md'"),
            "{why}"
        );
        assert!(
            why.contains(
                "did you mean mem/news/2020/01/3/ferry-late.md (2020-01-03 The morning ferry"
            ),
            "{why}"
        );
        // A misspelt word: the headline sharing the most words.
        let Err(Error::Usage(why)) = resolve(&t, "ferri-runs-late-morning") else {
            panic!("not found");
        };
        assert!(why.contains("ferry-late.md"), "{why}");
        // Nothing near, and nothing raw from the argument.
        let Err(Error::Usage(why)) = resolve(&t, "\u{1b}[2J.md") else {
            panic!("not found");
        };
        assert!(
            !why.contains('\u{1b}') && !why.contains("did you mean"),
            "{why}"
        );
    }
}

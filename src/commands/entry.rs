//! ENTRY, as the commands about one entry take it (`show`, and those that
//! start from an entry): the file `search` prints in its third column, or
//! the entry's id, found in the loaded archive. Kept apart so that each
//! such command finds entries alike and says alike that one is not there
//! (a usage error, exit 2, with the nearest entry as a suggestion when one
//! is near), or that ENTRY was forgotten and the archive given in its
//! place (`ktimeline similar wt`: no PATH, so the built-in sample would be
//! searched).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{Error, Result};
use crate::filter::Filter;
use crate::model::{EventIdx, Timeline, date_label};
use crate::text;

/// With no PATH, an ENTRY that is a folder is the archive given with its
/// ENTRY forgotten (`ktimeline similar wt`), not something to look for in
/// the built-in sample: a usage error that says so.
pub fn before_load(paths: &[PathBuf], entry: &str, usage: &str) -> Result<()> {
    if paths.is_empty() && Path::new(entry).is_dir() {
        let shown = text::escape_invisible(entry, false);
        return Err(Error::Usage(format!(
            "{shown} is a folder, not an entry; did you mean `ktimeline {usage} {}`?",
            shell_word(&shown)
        )));
    }
    Ok(())
}

/// [`resolve`] in the archive loaded from `paths` (the PATHs given), for a
/// command whose arguments are `usage` then the PATHs. With no PATH the
/// built-in sample was searched: an entry not there is said to be missing
/// from the sample, with the archive a file on disk is most likely in.
pub fn find_in(t: &Timeline, paths: &[PathBuf], entry: &str, usage: &str) -> Result<EventIdx> {
    if !paths.is_empty() {
        return resolve(t, paths, entry);
    }
    find(t, &[], entry).ok_or_else(|| {
        let hint = if Path::new(entry).is_file() {
            let shown = shell_word(&text::escape_invisible(entry, false));
            let root = shell_word(&text::escape_path(&archive_of(Path::new(entry))));
            format!(
                "; give the archive it is in after it: `ktimeline {} {root}`",
                usage.replace("ENTRY", &shown)
            )
        } else if Path::new(entry).exists() {
            format!(
                "; did you mean `ktimeline {usage} {}`?",
                shell_word(&text::escape_invisible(entry, false))
            )
        } else {
            format!(
                " (`ktimeline {usage} PATH` looks in an archive of yours){}",
                near(t, entry)
            )
        };
        Error::Usage(format!(
            "no entry {} in the built-in sample archive, searched as no PATH was given{hint}",
            quoted(entry)
        ))
    })
}

/// The archive a file is most likely in: the folder holding its last
/// `news` folder (`news/YYYY/MM/D/x.md`, as FORMAT.md keeps events), else
/// its own folder; `.` for one under the current folder.
fn archive_of(file: &Path) -> PathBuf {
    let parts: Vec<_> = file.components().collect();
    let root: PathBuf = match parts.iter().rposition(|c| c.as_os_str() == "news") {
        Some(i) => parts[..i].iter().collect(),
        None => file.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    }
}

/// `s` as one word for a shell: in single quotes unless it is made of
/// characters a shell takes as they are.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_./~:@%+=,-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The entry `entry` names in `t`, the archive loaded from `roots` (the
/// PATHs as given; none: the built-in sample, or an archive made in
/// memory, whose files are under `t.name`). Looked for in the order the
/// loader resolves a related link (`loader::resolve`, FORMAT.md's order:
/// a file's path before an id), so that an ENTRY spelt both as the path of
/// one file and as another entry's id names the entry a link spelt the
/// same way leads to:
///
/// 1. a file: as `search` prints it; the same file by any other path to
///    it (`./x.md`, an absolute path, a name holding control characters
///    as it really is, not as it is printed); the file at that path below
///    a root, or below its last `news` folder, spelt as a link may spell
///    it (`news/2013/6/06/x.md` is `news/2013/06/6/x.md`);
/// 2. then an id, as written or spelt as a link may spell it.
///
/// (A link's last resort, the date and headline, needs a link's text,
/// which ENTRY has not.)
pub fn resolve(t: &Timeline, roots: &[PathBuf], entry: &str) -> Result<EventIdx> {
    find(t, roots, entry).ok_or_else(|| not_found(t, entry))
}

/// [`resolve`]'s search, with no message.
fn find(t: &Timeline, roots: &[PathBuf], entry: &str) -> Option<EventIdx> {
    let by_file = |name: &str| {
        t.events
            .iter()
            .position(|e| e.file.as_deref() == Some(name))
    };
    let target = text::normalize_target(entry);
    let by_id = || t.get(entry);
    let by_target = || t.get(&target);
    by_file(entry)
        // A real name holding control characters is printed escaped.
        .or_else(|| match text::escape_name(entry) {
            Cow::Owned(shown) => by_file(&shown),
            Cow::Borrowed(_) => None,
        })
        .or_else(|| same_file(t, Path::new(entry)))
        .or_else(|| below_root(t, roots, &target))
        .or_else(by_id)
        .or_else(by_target)
}

/// The entry loaded from the file at `path`, named otherwise (`./x.md`,
/// an absolute path, through a link to a folder, its real name where
/// `search` prints it escaped).
fn same_file(t: &Timeline, path: &Path) -> Option<EventIdx> {
    let name = path.file_name()?;
    let want = path.canonicalize().ok()?;
    let shown = text::escape_path(Path::new(name));
    // Through a symbolic link to the file: the file's own name.
    let real_name = want.file_name().map(|n| text::escape_path(Path::new(n)));
    t.events.iter().position(|e| {
        e.file.as_deref().is_some_and(|f| {
            let f = Path::new(f);
            let named = |n: &str| f.file_name() == Some(OsStr::new(n));
            if !named(&shown) && !real_name.as_deref().is_some_and(named) {
                return false;
            }
            let real = match text::escape_path(f) {
                // Printed as it is.
                Cow::Borrowed(_) => f.canonicalize(),
                Cow::Owned(_) => unescape(f).canonicalize(),
            };
            real.is_ok_and(|c| c == want)
        })
    })
}

/// The path a file printed escaped stands for.
fn unescape(shown: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        let s = shown.to_string_lossy();
        text::unescape_path(&s, |p| p.exists())
    }
    #[cfg(not(unix))]
    {
        shown.to_path_buf()
    }
}

/// The entry whose file is at `target` (in a link's spelling, as
/// `text::normalize_target` makes it) below one of `roots`, or below the
/// last `news` folder of its path: the keys a link's target is looked up
/// by first.
fn below_root(t: &Timeline, roots: &[PathBuf], target: &str) -> Option<EventIdx> {
    let leaf = target.rsplit('/').next().filter(|l| !l.is_empty())?;
    let roots: Vec<Cow<'_, str>> = if roots.is_empty() {
        vec![Cow::Borrowed(t.name.as_str())]
    } else {
        roots.iter().map(|r| text::escape_path(r)).collect()
    };
    t.events.iter().position(|e| {
        let Some(file) = e.file.as_deref() else {
            return false;
        };
        // Most files end otherwise: nothing else is worked out for them.
        if !file.ends_with(leaf) {
            return false;
        }
        let path = Path::new(file);
        let rel = |rest: &Path| text::normalize_target(&rest.to_string_lossy());
        let under_root = roots.iter().any(|r| {
            let root = Path::new(&**r);
            if path == root {
                // A file named on its own is at `/its-name`.
                path.file_name()
                    .is_some_and(|n| rel(Path::new(n)) == target)
            } else {
                path.strip_prefix(root)
                    .is_ok_and(|rest| rel(rest) == target)
            }
        });
        let parts: Vec<_> = path.components().collect();
        let news = parts.iter().rposition(|c| c.as_os_str() == "news");
        under_root
            || news.is_some_and(|i| {
                let rest: PathBuf = parts[i..].iter().collect();
                rel(&rest) == target
            })
    })
}

/// The usage error for an entry that is not in the archive, with the
/// nearest one as a suggestion.
fn not_found(t: &Timeline, entry: &str) -> Error {
    let path = Path::new(entry);
    if path.is_dir() {
        return Error::Usage(format!(
            "{} is a folder, not an entry (give a file as `ktimeline search` prints it, or an entry's id)",
            quoted(entry)
        ));
    }
    if path.is_file() {
        return Error::Usage(format!(
            "{} is a file but no entry of the archive: a day index page, a second file with \
             an entry's id (`ktimeline check` lists those), a file ktimeline does not read, \
             or a file outside the PATHs given",
            quoted(entry)
        ));
    }
    Error::Usage(format!(
        "no entry {} in the archive (give a file as `ktimeline search` prints it, or an entry's id){}",
        quoted(entry),
        near(t, entry)
    ))
}

/// `; did you mean FILE (DATE HEADLINE)?` for the entry nearest to
/// `entry`, if one is near.
fn near(t: &Timeline, entry: &str) -> String {
    nearest(t, entry).map_or(String::new(), |i| {
        let e = &t.events[i];
        format!(
            "; did you mean {} ({} {})?",
            text::one_line(e.file.as_deref().unwrap_or(&e.id)),
            date_label(e.date),
            text::one_line(&e.headline)
        )
    })
}

/// `s` in quotes, its invisible characters escaped.
fn quoted(s: &str) -> String {
    format!("'{}'", text::escape_invisible(s, false))
}

/// The entry whose headline is nearest to the words of `entry` (a file
/// name's words: `harbour-city-opens.md` is "harbour city opens"): the
/// headline search's best match for them all, else the headline that
/// shares the most of them; and only if it is [`close`] to what was typed.
fn nearest(t: &Timeline, entry: &str) -> Option<EventIdx> {
    if let Some(i) = by_file_name(t, entry) {
        return Some(i);
    }
    let words = words_of(entry);
    if words.is_empty() {
        return None;
    }
    let query = words.join(" ");
    let hit = crate::search::search(t, &query, 1, &Filter::default())
        .hits
        .first()
        .map(|h| h.idx);
    if let Some(i) = hit.filter(|&i| close(t, &words, &t.events[i])) {
        return Some(i);
    }
    // A misspelt word keeps the search from matching (and a fuzzy match
    // may be far): of the headlines that share the most of its words (the
    // longer ones weigh more), the one with the most words near it.
    let mut sharing: Vec<(usize, EventIdx)> = Vec::new();
    for (i, e) in t.events.iter().enumerate() {
        let shared: usize = split_words(&e.headline)
            .filter(|w| w.len() > 2 && words.contains(w))
            .map(|w| w.len())
            .sum();
        if shared > 0 {
            sharing.push((shared, i));
        }
    }
    // (Only the first few are weighed word by word.)
    const WEIGHED: usize = 50;
    let by_shared =
        |a: &(usize, EventIdx), b: &(usize, EventIdx)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if sharing.len() > WEIGHED {
        sharing.select_nth_unstable_by(WEIGHED, by_shared);
        sharing.truncate(WEIGHED);
    }
    sharing.sort_unstable_by(by_shared);
    let mut best: Option<(usize, EventIdx)> = None;
    for &(_, i) in &sharing {
        let near = nearness(&words, &t.events[i]).0;
        if best.is_none_or(|(b, _)| near > b) {
            best = Some((near, i));
        }
    }
    best.map(|(_, i)| i)
        .filter(|&i| hit != Some(i) && close(t, &words, &t.events[i]))
}

/// The entry whose file has the name `entry` ends with (`e348.md` typed
/// from another folder, or under a wrong one; `e348` without its
/// extension), else one a slip away from it (`e348.mdx`): of those, the
/// one whose folders end as `entry`'s do the most.
fn by_file_name(t: &Timeline, entry: &str) -> Option<EventIdx> {
    let typed = Path::new(entry);
    let lower = |s: Option<&std::ffi::OsStr>| s.and_then(|s| s.to_str()).map(str::to_lowercase);
    let name = lower(typed.file_name())?;
    let len = name.chars().count();
    // No file name is longer than 255 bytes.
    if !(3..=255).contains(&len) {
        return None;
    }
    let slips = usize::from(len >= 5);
    let folders = |p: &Path| -> Vec<String> {
        (p.parent().into_iter())
            .flat_map(Path::components)
            .filter_map(|c| lower(Some(c.as_os_str())))
            .collect()
    };
    let typed_folders = folders(typed);
    let mut best: Option<(bool, usize, EventIdx)> = None;
    for (i, e) in t.events.iter().enumerate() {
        let Some(file) = e.file.as_deref().map(Path::new) else {
            continue;
        };
        let Some(theirs) = lower(file.file_name()) else {
            continue;
        };
        let exact = theirs == name || lower(file.file_stem()).is_some_and(|s| s == name);
        // (Names of another length are not a slip away: not compared.)
        let near = || {
            theirs.chars().count().abs_diff(len) <= slips
                && strsim::damerau_levenshtein(&theirs, &name) <= slips
        };
        if !exact && !near() {
            continue;
        }
        let shared = (folders(file).iter().rev())
            .zip(typed_folders.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        if best.is_none_or(|(x, n, _)| (exact, shared) > (x, n)) {
            best = Some((exact, shared, i));
        }
    }
    best.map(|(_, _, i)| i)
}

/// The words of `entry`, lowercased: its file name's (without its
/// extension) when it has one, else all of it; at most 20.
fn words_of(entry: &str) -> Vec<String> {
    let path = Path::new(entry);
    // A path's folders ("tmp", "news") say nothing of the entry.
    let last = match entry.contains('/') {
        true => path.file_name().and_then(|s| s.to_str()).unwrap_or(""),
        false => entry,
    };
    let stem = Path::new(last)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|_| Path::new(last).extension().is_some())
        .unwrap_or(last);
    // No headline word is longer; a longer one would only cost time.
    split_words(stem)
        .filter(|w| w.chars().count() <= MAX_WORD)
        .take(20)
        .collect()
}

/// The longest word typed that is weighed.
const MAX_WORD: usize = 40;

fn split_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether the words typed are near those of `e`: at least half of the
/// telling ones are ([`nearness`]). A fuzzy match of the letters alone
/// (`hot` in "Harbour city opens a tidal power station") is not near.
fn close(t: &Timeline, typed: &[String], e: &crate::model::Event) -> bool {
    let (found, telling) = nearness(typed, e);
    match telling {
        0 => false,
        // One word alone names an entry only when it is long and rare
        // ("stampede"), not "news", "the" or "report".
        1 => found == 1 && single_word_names(t, typed),
        _ => 2 * found >= telling,
    }
}

/// Whether the one telling word of `typed` is long (five letters or
/// more) and in the headlines of at most three entries.
fn single_word_names(t: &Timeline, typed: &[String]) -> bool {
    let Some(word) = typed.iter().find(|w| is_telling(w)) else {
        return false;
    };
    if word.chars().count() < 5 {
        return false;
    }
    let holding = (t.events.iter())
        .filter(|e| split_words(&e.headline).any(|w| w == *word))
        .take(4)
        .count();
    holding <= 3
}

/// A word typed that can tell entries apart: three letters or more, not a
/// number, not a common word of English or news ("the", "report").
fn is_telling(w: &str) -> bool {
    w.chars().count() >= 3
        && !w.chars().all(|c| c.is_ascii_digit())
        && !crate::search::similar::is_filler(w)
}

/// How many of the telling words typed ([`is_telling`]) are words of `e`'s headline or of its file's name, as typed,
/// one slip away (a letter wrong, missing, added or two swapped, in a
/// word of four to seven letters; two from eight letters on), or the start
/// of one (from four letters on); and how many telling words there are.
fn nearness(typed: &[String], e: &crate::model::Event) -> (usize, usize) {
    let telling: Vec<&str> = typed
        .iter()
        .map(String::as_str)
        .filter(|w| is_telling(w))
        .collect();
    let file = e.file.as_deref().unwrap_or(&e.id);
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let theirs: Vec<String> = split_words(&e.headline).chain(split_words(name)).collect();
    let near = |w: &str| {
        let len = w.chars().count();
        let slips = match len {
            ..4 => 0,
            4..8 => 1,
            _ => 2,
        };
        theirs.iter().any(|h| {
            h == w
                || (len >= 4 && h.starts_with(w))
                || (slips > 0 && strsim::damerau_levenshtein(w, h) <= slips)
        })
    };
    let found = telling.iter().filter(|w| near(w)).count();
    (found, telling.len())
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
        let i = resolve(&t, &[], "mem/news/2020/01/2/harbour-opens.md").unwrap();
        assert_eq!(headline(&t, i), "Harbour city opens a tidal power station.");
        let id = t.events[i].id.clone();
        assert_eq!(resolve(&t, &[], &id).unwrap(), i);
        assert_eq!(
            resolve(
                &t,
                &[],
                "news/2020/1/02/harbour-city-opens-a-tidal-power-station.md"
            )
            .unwrap(),
            i
        );
    }

    /// A file at `news/2020/01/2/x.md` whose event is of another day, and
    /// another file whose event's id is spelt like that path, and an entry
    /// linking to that spelling: the link leads to the file (the loader
    /// tries paths before ids), and so does ENTRY spelt the same.
    #[test]
    fn a_path_that_is_also_an_id_names_the_file_as_a_link_does() {
        let t = crate::loader::load_memory(
            "mem",
            vec![
                (
                    "news/2020/01/2/x.md".to_string(),
                    "### [2020-01-05](/news/2020/01/5/index.md)\n\n\
                     # A quiet day at the harbour.\n\nNothing.\n",
                ),
                (
                    "other/b.md".to_string(),
                    "### [2020-01-02](/news/2020/01/2/index.md)\n\n# X.\n\nB.\n",
                ),
                (
                    "news/2020/01/9/linker.md".to_string(),
                    "### [2020-01-09](/news/2020/01/9/index.md)\n\n\
                     # The linking entry.\n\nText.\n\n### Related:\n\n\
                     1. [X.](/news/2020/01/2/x.md) _Context: Harbour_\n",
                ),
            ],
        );
        let b = t.get("/news/2020/01/2/x.md").expect("b's id");
        assert_eq!(t.events[b].file.as_deref(), Some("mem/other/b.md"));
        let linker = t.get("/news/2020/01/9/the-linking-entry.md").unwrap();
        let link = &t.events[linker].related[0];
        assert!(link.resolved);
        let linked = link.to;
        assert_eq!(headline(&t, linked), "A quiet day at the harbour.");
        for spelling in [
            "news/2020/01/2/x.md",
            "/news/2020/01/2/x.md",
            "news/2020/1/02/x.md",
        ] {
            assert_eq!(resolve(&t, &[], spelling).unwrap(), linked, "{spelling}");
        }
        // The file's own name as `search` prints it, and b by its file.
        assert_eq!(resolve(&t, &[], "mem/news/2020/01/2/x.md").unwrap(), linked);
        assert_eq!(resolve(&t, &[], "mem/other/b.md").unwrap(), b);
    }

    #[test]
    fn an_unknown_entry_suggests_the_nearest() {
        let t = archive();
        let Err(Error::Usage(why)) = resolve(&t, &[], "mem/news/2020/01/3/morning-ferry.md") else {
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
        let Err(Error::Usage(why)) = resolve(&t, &[], "ferri-runs-late-morning") else {
            panic!("not found");
        };
        assert!(why.contains("ferry-late.md"), "{why}");
        // Near: every telling word typed is in the headline or the file's
        // name, or one letter off, or begins one.
        for typed in [
            "ferry-late.md",
            "the-morning-fery.md",
            "harbour-tid.md",
            "news/2020/01/3/ferry-runs-lates.md",
        ] {
            let Err(Error::Usage(why)) = resolve(&t, &[], typed) else {
                panic!("not found");
            };
            assert!(why.contains("did you mean"), "{typed}: {why}");
        }
        // Far: a word found inside a headline's letters only ("hot" in
        // "Harbour ... station"), words of which less than half are near, or
        // no telling word at all.
        for typed in [
            "hot.md",
            "hot-stone.md",
            "quiet-city-night-walks.md",
            "x.md",
            "news/2020/01/02/a.md",
            // Common words, and folders' words, name nothing.
            "the.md",
            "news.md",
            "report.md",
            "/news/2020/01/02/",
            "/tmp/news/ferry/2020/",
        ] {
            let Err(Error::Usage(why)) = resolve(&t, &[], typed) else {
                panic!("not found");
            };
            assert!(!why.contains("did you mean"), "{typed}: {why}");
        }
        // A file's name typed from another folder, under a wrong one,
        // without its extension or a slip away: that file.
        for typed in [
            "harbour-opens.md",
            "news/2020/01/9/harbour-opens.md",
            "mem/news/2020/01/2/harbour-opens",
            "harbour-opens.mdx",
            "harbour-open.md",
        ] {
            let Err(Error::Usage(why)) = resolve(&t, &[], typed) else {
                panic!("not found: {typed}");
            };
            assert!(
                why.contains("did you mean mem/news/2020/01/2/harbour-opens.md"),
                "{typed}: {why}"
            );
        }
        // A name that is no words (`e348.md`) is found by the name alone.
        let t2 = crate::loader::load_memory(
            "mem",
            vec![(
                "news/2015/09/24/e348.md".to_string(),
                "### [2015-09-24](/news/2015/09/24/index.md)\n\n# A stampede near Mecca.\n"
                    .to_string(),
            )],
        );
        for typed in ["e348.md", "news/2015/09/25/e348.md", "e348", "e348.mdx"] {
            let Err(Error::Usage(why)) = resolve(&t2, &[], typed) else {
                panic!("not found: {typed}");
            };
            assert!(
                why.contains("did you mean mem/news/2015/09/24/e348.md"),
                "{typed}: {why}"
            );
        }
        let Err(Error::Usage(why)) = resolve(&t2, &[], "e9.md") else {
            panic!("not found");
        };
        assert!(!why.contains("did you mean"), "{why}");
        // One long word found in one headline alone is near.
        let Err(Error::Usage(why)) = resolve(&t, &[], "harbour.md") else {
            panic!("not found");
        };
        assert!(
            why.contains("did you mean mem/news/2020/01/2/harbour-opens.md"),
            "{why}"
        );
        // A very long name costs no more than a short one: nothing near.
        let long = "ab-".repeat(3000) + ".md";
        let Err(Error::Usage(why)) = resolve(&t, &[], &long) else {
            panic!("not found");
        };
        assert!(!why.contains("did you mean"));
        // Nothing near, and nothing raw from the argument.
        let Err(Error::Usage(why)) = resolve(&t, &[], "\u{1b}[2J.md") else {
            panic!("not found");
        };
        assert!(
            !why.contains('\u{1b}') && !why.contains("did you mean"),
            "{why}"
        );
    }
}

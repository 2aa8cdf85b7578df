//! What one file of an archive turns into before the links between files
//! are resolved: an event's, an article's or an index page's draft, or a
//! problem, with the file's place and what it looked like on disk. Made by
//! the loader's two readers of a file, kept by the persistent index (its
//! drafts file and its list of files), and resolved into a timeline by
//! the loader; so it stands apart from all three.

use std::fs::Metadata;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Body, Meta, Source, Tag as TagName};
use crate::text;

/// A related link as written, before resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDraft {
    pub text: Box<str>,
    target: Target,
    /// Shared with every other link of this thread that names the tag.
    pub context: Box<[TagName]>,
    /// The line the link is on.
    pub line: u32,
    /// A link of a body rather than of a `Related:` list: it becomes a
    /// related link only when it leads to a file (a wikilink leads to a
    /// ghost otherwise, as a related link does).
    pub optional: bool,
}

/// Where a related link leads, in the one spelling the resolver compares
/// ([`text::normalize_target`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Target {
    /// The canonical path that the link's text spells on this day: the
    /// usual link, whose text is the headline of the event it leads to.
    /// Spelt again when asked for rather than held (the targets of an
    /// archive's links were a sixth of the memory its loading took).
    Canonical(#[serde(with = "day_number")] NaiveDate),
    /// Any other target.
    Written(Box<str>),
    /// A body's markdown link to another file, as written (not from an
    /// archive root): found relative to the linking file, then by name.
    Relative(Box<str>),
    /// A wikilink's note name (`[[Note name]]`), without its heading:
    /// found relative to the linking file, then by name anywhere.
    Note(Box<str>),
}

impl LinkDraft {
    /// `target`: normalised already.
    pub fn new(text: String, target: String, context: Vec<TagName>, line: u32) -> LinkDraft {
        let target = match text::date_from_path(&target) {
            Some(date) if text::is_canonical_path(&target, date, &text) => Target::Canonical(date),
            _ => Target::Written(target.into_boxed_str()),
        };
        LinkDraft {
            text: text.into_boxed_str(),
            target,
            context: context.into_boxed_slice(),
            line,
            optional: false,
        }
    }

    /// A link in a body: a markdown link (`wiki` false) or a wikilink to
    /// `dest`. Targets from an archive root (`/…`, `news/…`) follow the
    /// rule of related links; others are looked for from the file.
    pub fn in_body(text: String, dest: &str, wiki: bool, line: u32) -> LinkDraft {
        let dest = dest.trim();
        let rooted = dest.starts_with('/') || dest.trim_start_matches("./").starts_with("news/");
        let mut link = if rooted {
            LinkDraft::new(text, text::normalize_target(dest), Vec::new(), line)
        } else {
            let written = text::one_line(dest).into_boxed_str();
            LinkDraft {
                text: text.into_boxed_str(),
                target: if wiki {
                    Target::Note(written)
                } else {
                    Target::Relative(written)
                },
                context: Box::default(),
                line,
                optional: false,
            }
        };
        link.optional = !wiki;
        link
    }

    /// The same link, leading to the note `name` (a wikilink's target)
    /// unless it is written from an archive root.
    pub fn to_note(mut self, name: &str) -> LinkDraft {
        let name = name.trim();
        if !(name.starts_with('/') || name.trim_start_matches("./").starts_with("news/")) {
            self.target = Target::Note(text::one_line(name).into_boxed_str());
        }
        self
    }

    /// What a link found by name names: `Some((written, wiki))` for a
    /// body's relative link or a wikilink, `None` for a rooted target.
    pub fn from_file(&self) -> Option<(&str, bool)> {
        match &self.target {
            Target::Relative(t) => Some((t, false)),
            Target::Note(t) => Some((t, true)),
            _ => None,
        }
    }

    /// The target, normalised ([`text::normalize_target`]).
    pub fn target(&self) -> std::borrow::Cow<'_, str> {
        match &self.target {
            Target::Canonical(date) => text::canonical_path(*date, &self.text).into(),
            Target::Written(t) | Target::Relative(t) | Target::Note(t) => (**t).into(),
        }
    }

    /// The day the target's path spells ([`text::date_from_path`]).
    pub fn date(&self) -> Option<NaiveDate> {
        match &self.target {
            Target::Canonical(date) => Some(*date),
            Target::Written(t) => text::date_from_path(t),
            Target::Relative(_) | Target::Note(_) => None,
        }
    }
}

/// An event file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDraft {
    #[serde(with = "day_number")]
    pub date: NaiveDate,
    /// The headline as one line of plain text, white space folded.
    pub headline: Box<str>,
    /// The headline's text with its white space as written: what the slug
    /// rule counts 140 characters of.
    /// `None` when it is the headline itself (the usual case).
    pub slug_text: Option<Box<str>>,
    /// Line of the headline, for messages about the event as a whole.
    pub line: u32,
    pub body: Body,
    /// (Lists without room to spare: most events have two or three
    /// sources and links, which a list grown by pushing holds room for four
    /// of.)
    pub sources: Box<[Source]>,
    pub related: Box<[LinkDraft]>,
    /// What the file's front matter said, if it had one.
    pub front: Option<Box<FrontDraft>>,
}

/// What a file's front matter gives its entry besides the title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontDraft {
    /// From `published`, `date`, `pubDate` or `created`, as written.
    pub date: Option<NaiveDate>,
    /// Spelt `YYYY/MM/DD` in a path-like key (`permalink`, `url` …).
    pub key_date: Option<NaiveDate>,
    /// From `tags`, `keywords`, `categories`.
    pub tags: Box<[TagName]>,
    /// From `source`, `url` or `link`: the entry's first source.
    pub source: Option<Source>,
    /// The author, the description and the other keys.
    pub meta: Option<Box<Meta>>,
}

/// A plain article's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    pub title: String,
    pub body: Body,
    /// A checksum of the body's text, to tell copies apart without it.
    pub digest: u32,
    /// Links to other notes in its body (markdown links and wikilinks).
    pub links: Box<[LinkDraft]>,
    /// What the file's front matter said, if it had one.
    pub front: Option<Box<FrontDraft>>,
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Parsed {
    Event(EventDraft),
    Article(ArticleDraft),
    /// A day's index page: the entries it lists, in its order, as
    /// (target normalised as related links' are, link text), at most
    /// [`INDEX_LINKS_MAX`].
    Index(Vec<(String, String)>),
    /// The file cannot be loaded: `(line, reason)`.
    Problem(Option<usize>, String),
}

/// A file that loaded but with parts that had to be left out: `(line, reason)`.
pub type Warning = (Option<usize>, String);

/// One candidate file after parsing.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Loaded {
    /// The file as the user named it (for messages and `file`).
    pub display: String,
    /// The file's path under its archive root, `/`-separated with a leading
    /// `/` (`/news/2013/06/6/x.md`): an article's id, and the key a related
    /// link's target is first looked up by.
    pub rel: String,
    /// Further keys for the exact-path lookup (the path from a `news`
    /// folder, when the root is above or below the archive's own root).
    pub extra_keys: Box<[String]>,
    /// The date the file's path spells, for articles.
    pub path_date: Option<NaiveDate>,
    pub parsed: Parsed,
    pub warnings: Box<[Warning]>,
}

/// The longest tick of a coarse file system's clock (FAT keeps times to
/// two seconds).
const COARSE_TICK_NS: i64 = 2_000_000_000;

/// What tells that a file changed since it was indexed: its size, its
/// modification and change times (nanoseconds) and its inode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    pub size: u64,
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
}

impl FileStat {
    /// What a `stat` call found, if it found the file.
    pub fn of_result(m: std::io::Result<Metadata>) -> Option<FileStat> {
        m.ok().map(|m| FileStat::of(&m))
    }

    /// What the index keeps of a file whose stat was taken after
    /// `since` (nanoseconds since the epoch): the stat itself, unless the
    /// file system keeps times to the second or coarser (no fraction in
    /// either time) and the file changed so recently that a change in the
    /// same tick, of the same size, would leave every field as it is. Such
    /// a file is "racily clean" (as git calls it): it is kept with a stat
    /// no file has, so that the next open reads it again.
    pub fn for_index(self, since: i64) -> FileStat {
        const NS: i64 = 1_000_000_000;
        let coarse = self.ctime % NS == 0 && self.mtime % NS == 0;
        if coarse && self.ctime > since.saturating_sub(COARSE_TICK_NS) {
            FileStat {
                mtime: i64::MIN,
                ..self
            }
        } else {
            self
        }
    }

    #[cfg(unix)]
    pub fn of(m: &Metadata) -> FileStat {
        use std::os::unix::fs::MetadataExt;
        FileStat {
            size: m.size(),
            mtime: m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec(),
            ctime: m.ctime().saturating_mul(1_000_000_000) + m.ctime_nsec(),
            ino: m.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(m: &Metadata) -> FileStat {
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64)
        };
        FileStat {
            size: m.len(),
            mtime: ns(m.modified()),
            ctime: ns(m.created()),
            ino: 0,
        }
    }
}

mod day_number {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(d.num_days_from_ce())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let n = i32::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(n)
            .ok_or_else(|| serde::de::Error::custom("day number out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_the_path_its_text_spells_holds_no_copy_of_that_path() {
        let link = |text: &str, target: &str| LinkDraft::new(text.into(), target.into(), vec![], 7);
        let usual = link(
            "Other event (report 3). ",
            "/news/2011/01/12/other-event-report-3.md",
        );
        assert!(matches!(usual.target, Target::Canonical(_)));
        assert_eq!(usual.target(), "/news/2011/01/12/other-event-report-3.md");
        assert_eq!(usual.date(), NaiveDate::from_ymd_opt(2011, 1, 12));
        // Another text, another day's spelling, no day, or no slug rule:
        // the target as given.
        for (text, target) in [
            (
                "Some other words",
                "/news/2011/01/12/other-event-report-3.md",
            ),
            (
                "Other event (report 3). ",
                "/news/2011/1/12/other-event-report-3.md",
            ),
            ("Other event (report 3). ", "/news/other-event-report-3.md"),
            ("Other event", "/news/2011/01/12/other-event.markdown"),
        ] {
            let l = link(text, target);
            assert!(matches!(l.target, Target::Written(_)), "{target}");
            assert_eq!(l.target(), target);
            assert_eq!(l.date(), text::date_from_path(target), "{target}");
        }
        // Either way, what the index keeps reads back the same.
        for l in [usual, link("x", "/elsewhere/x.md")] {
            let bytes = postcard::to_stdvec(&l).unwrap();
            assert_eq!(postcard::from_bytes::<LinkDraft>(&bytes).unwrap(), l);
        }
    }
}

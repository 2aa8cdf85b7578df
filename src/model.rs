//! The in-memory timeline: events, articles and ghosts in timeline order,
//! the links between them, the days they fall on, and the problems met while
//! loading. No I/O happens here; the loader builds it, the commands and the
//! browser read it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;

/// Index of an entry in [`Timeline::events`] (timeline order).
pub type EventIdx = usize;

/// What an entry of the timeline is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An event file: date heading, headline, body, sources, related links.
    Event,
    /// A plain reported article: prose, dated from its path or undated.
    Article,
    /// An event known only from a related link that resolves to no file.
    Ghost,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Article => "article",
            Kind::Ghost => "ghost",
        }
    }
}

/// Where an event was reported: a name and an address, held as one
/// string (an archive has two or three for each event, and two strings
/// each took a tenth of the memory of a loaded timeline).
#[derive(Clone, PartialEq, Eq)]
pub struct Source {
    /// The name, then the address.
    text: Box<str>,
    /// Where the address starts in `text`.
    split: u32,
    /// A picture (a cover image) rather than a report.
    pub image: bool,
}

impl Source {
    pub fn new(name: &str, url: &str, image: bool) -> Source {
        // Names are shortened on loading; one too long to count is cut
        // here rather than wrapped.
        let mut split = name.len().min(u32::MAX as usize);
        while !name.is_char_boundary(split) {
            split -= 1;
        }
        Source {
            text: [&name[..split], url].concat().into_boxed_str(),
            split: split as u32,
            image,
        }
    }

    pub fn name(&self) -> &str {
        &self.text[..self.split as usize]
    }

    pub fn url(&self) -> &str {
        &self.text[self.split as usize..]
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name())
            .field("url", &self.url())
            .field("image", &self.image)
            .finish()
    }
}

/// A source as it is written (to the index): its name, address and kind.
#[derive(serde::Serialize)]
struct SourceParts<'a> {
    name: &'a str,
    url: &'a str,
    image: bool,
}

impl serde::Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SourceParts {
            name: self.name(),
            url: self.url(),
            image: self.image,
        }
        .serialize(s)
    }
}

/// A source read back: its name and address decoded into one string (the
/// index is decoded as it is read, so nothing can borrow from it).
impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
        d.deserialize_struct("SourceParts", &["name", "url", "image"], SourceVisitor)
    }
}

struct SourceVisitor;

impl SourceVisitor {
    fn made<E: serde::de::Error>(text: &str, split: usize, image: bool) -> Result<Source, E> {
        let split = u32::try_from(split).map_err(|_| E::custom("a source's name too long"))?;
        Ok(Source {
            text: text.into(),
            split,
            image,
        })
    }
}

impl<'de> serde::de::Visitor<'de> for SourceVisitor {
    type Value = Source;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a source: a name, an address and a kind")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Source, A::Error> {
        use serde::de::Error;
        thread_local! {
            /// The name and address are gathered here, then copied out at
            /// their length (no string grown twice and cut to size).
            static GATHERED: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
        }
        let short = || A::Error::custom("a source cut short");
        let mut text = GATHERED.take();
        text.clear();
        let parts = (|| {
            seq.next_element_seed(PushStr(&mut text))?
                .ok_or_else(short)?;
            let split = text.len();
            seq.next_element_seed(PushStr(&mut text))?
                .ok_or_else(short)?;
            let image = seq.next_element()?.ok_or_else(short)?;
            Ok((split, image))
        })();
        let made = parts.and_then(|(split, image)| Self::made(&text, split, image));
        // (One unusually long source does not stay held.)
        if text.capacity() <= 64 * 1024 {
            GATHERED.set(text);
        }
        made
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Source, A::Error> {
        let (mut name, mut url, mut image) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => name = Some(map.next_value::<String>()?),
                "url" => url = Some(map.next_value::<String>()?),
                "image" => image = Some(map.next_value::<bool>()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        use serde::de::Error;
        let (Some(mut text), Some(url), Some(image)) = (name, url, image) else {
            return Err(A::Error::custom(
                "a source without a name, an address or a kind",
            ));
        };
        let split = text.len();
        text.push_str(&url);
        Self::made(&text, split, image)
    }
}

/// Decodes a string onto the end of one being built, not into one of its own.
struct PushStr<'s>(&'s mut String);

impl<'de> serde::de::DeserializeSeed<'de> for PushStr<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_string(self)
    }
}

impl<'de> serde::de::Visitor<'de> for PushStr<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v);
        Ok(())
    }
}

/// A tag: shared by every entry and link that carries it (interned).
pub type Tag = Arc<str>;

/// Makes the lists of tags of links, one shared list for each distinct
/// list. Tags must be interned (one text for each name): a list is known
/// by the addresses of its tags' texts, which the lists kept here keep
/// alive. Only the lists are kept (found by a hash of those addresses), so
/// that an archive whose every link has a list of its own costs no more.
#[derive(Default)]
pub struct Contexts {
    lists: hashbrown::HashTable<Arc<[Tag]>>,
}

impl Contexts {
    /// The shared list of these tags, in this order.
    pub fn get<'a, I>(&mut self, tags: I) -> Arc<[Tag]>
    where
        I: IntoIterator<Item = &'a Tag>,
        I::IntoIter: Clone,
    {
        fn hash<'t>(tags: impl Iterator<Item = &'t Tag>) -> u64 {
            use std::hash::Hasher;
            let mut h = rustc_hash::FxHasher::default();
            for t in tags {
                h.write_usize(t.as_ptr() as usize);
            }
            h.finish()
        }
        let tags = tags.into_iter();
        let same = |list: &Arc<[Tag]>| {
            let mut them = tags.clone();
            list.iter()
                .all(|a| them.next().is_some_and(|b| Arc::ptr_eq(a, b)))
                && them.next().is_none()
        };
        let h = hash(tags.clone());
        if let Some(list) = self.lists.find(h, same) {
            return list.clone();
        }
        let list: Arc<[Tag]> = tags.cloned().collect();
        self.lists
            .insert_unique(h, list.clone(), |l| hash(l.iter()));
        list
    }
}

/// A link from one entry to a related one, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The link text (the other event's headline as the author wrote it),
    /// kept only when it differs from the headline of the entry it leads
    /// to: [`Timeline::link_text`] gives it either way.
    pub text: Option<Box<str>>,
    /// What the two events share (`_Context: a, b_`). Links that share
    /// the same tags in the same order share one list (an archive has
    /// hundreds of thousands of links and a few hundred such lists).
    pub context: Arc<[Tag]>,
    /// The entry it leads to: a loaded event or article, or a ghost.
    pub to: EventIdx,
    /// False when `to` is a ghost.
    pub resolved: bool,
    /// The line of the entry's file the link is on (0: not known).
    pub line: u32,
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Canonical path for events and ghosts (`/news/2013/06/6/slug.md`);
    /// the file's path under its root for articles.
    pub id: String,
    pub kind: Kind,
    pub date: Option<NaiveDate>,
    /// Plain one-line text, already sanitised.
    pub headline: String,
    /// Where the text is: markdown for events, plain text for articles,
    /// empty for ghosts. Read it with `loader::body`.
    pub body: Body,
    /// The file it was loaded from, as the user named it; `None` for ghosts.
    pub file: Option<String>,
    pub sources: Vec<Source>,
    pub related: Vec<Related>,
    /// Entries whose related links lead here, in timeline order, no repeats.
    pub backlinks: Vec<EventIdx>,
    /// Union of the contexts of its links (incoming ones for ghosts), after
    /// the tags of its front matter.
    pub tags: Vec<Tag>,
    /// What its front matter said besides the title, date, tags and
    /// source: the author, the description, the other keys. Most entries
    /// have none.
    pub meta: Option<Box<Meta>>,
}

/// An entry's author, description and other front-matter keys (each
/// one line of plain text, already sanitised).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub author: Option<Box<str>>,
    pub description: Option<Box<str>>,
    /// The other keys, in file order: `(key, value)`.
    pub properties: Box<[(Box<str>, Box<str>)]>,
    /// How many of the entry's first tags its front matter gave.
    pub tags: u32,
}

impl Event {
    /// What full-text search takes as the entry's headline: the headline,
    /// then its front matter's description and tags.
    pub fn headline_text(&self) -> std::borrow::Cow<'_, str> {
        let Some(m) = self.meta.as_deref() else {
            return std::borrow::Cow::Borrowed(&self.headline);
        };
        let mut s = self.headline.clone();
        for extra in m
            .description
            .iter()
            .map(|d| &**d)
            .chain(self.tags.iter().take(m.tags as usize).map(|t| &**t))
        {
            s.push_str(" \n");
            s.push_str(extra);
        }
        std::borrow::Cow::Owned(s)
    }
}

/// Where an entry's body is. Bodies are most of an archive's bytes, so the
/// timeline keeps only their place in the file, and `loader::body` reads
/// them when an entry is shown or exported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Body {
    /// Held in memory: a body that had to be changed on loading (escape
    /// sequences removed), one from an in-memory archive, or none.
    Inline(Box<str>),
    /// Bytes `start..start + len` of the entry's file as the parser read
    /// it (`loader::parse::clean_text`); `crc` is their checksum, which
    /// tells whether the file still holds the same text there.
    File { start: u32, len: u32, crc: u32 },
}

impl Default for Body {
    fn default() -> Self {
        Body::Inline("".into())
    }
}

impl Event {
    /// The entries it links to and those that link to it (an entry both
    /// ways comes twice).
    pub fn linked(&self) -> impl Iterator<Item = EventIdx> + '_ {
        (self.related.iter().map(|r| r.to)).chain(self.backlinks.iter().copied())
    }

    /// An entry with its id, kind, date and headline, and nothing else yet.
    pub fn new(id: String, kind: Kind, date: Option<NaiveDate>, headline: String) -> Event {
        Event {
            id,
            kind,
            date,
            headline,
            body: Body::default(),
            file: None,
            sources: Vec::new(),
            related: Vec::new(),
            backlinks: Vec::new(),
            tags: Vec::new(),
            meta: None,
        }
    }
}

/// A day of the timeline and the entries on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// `None` for the undated entries, which come last.
    pub date: Option<NaiveDate>,
    pub events: Range<EventIdx>,
    /// How many of them are ghosts.
    pub ghosts: usize,
}

impl Day {
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// True when every entry of the day is a ghost.
    pub fn only_ghosts(&self) -> bool {
        self.ghosts == self.len()
    }
}

/// A file that could not be loaded, or a part of one that was wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Where the archive came from, for reading bodies back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// Files on disk: `Event::file` is the path to read.
    #[default]
    Disk,
    /// The built-in sample compiled into the binary.
    Sample,
    /// Loaded from memory: every body is inline.
    Memory,
}

/// The whole archive in memory.
#[derive(Clone, Default)]
pub struct Timeline {
    /// A name for the archive (its root's name, or "sample").
    pub name: String,
    /// Sorted by date (undated last); within a day, the entries the day's
    /// index page lists in its order, then the others by headline, then id.
    pub events: Vec<Event>,
    pub days: Vec<Day>,
    pub problems: Vec<Problem>,
    /// How many day index pages were seen (they are not entries).
    pub index_pages: usize,
    /// How many candidate files were looked at.
    pub files: usize,
    pub origin: Origin,
    /// Entries by id: positions in `events`, hashed by their `id`.
    by_id: hashbrown::HashTable<EventIdx>,
}

impl std::fmt::Debug for Timeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeline")
            .field("name", &self.name)
            .field("events", &self.events.len())
            .field("problems", &self.problems.len())
            .finish_non_exhaustive()
    }
}

/// A value as a number for the tables that hold only places (the loader's
/// and the timeline's tables of ids, headlines and days): a fast hash, the
/// keys compared on the entries when numbers match.
pub(crate) fn fx_hash(value: impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// Counts over the whole timeline, as `stats` prints them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub events: usize,
    pub articles: usize,
    pub ghosts: usize,
    pub undated: usize,
    pub days: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub links: LinkStats,
    pub problems: usize,
    pub index_pages: usize,
    pub files: usize,
    pub tags: Vec<TagCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LinkStats {
    pub resolved: usize,
    pub unresolved: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagCount {
    pub tag: String,
    pub count: usize,
}

impl Timeline {
    /// Builds a timeline from entries in any order: sorts them, remaps link
    /// and backlink indices, groups days. `events[i].related[j].to` and
    /// `backlinks` must index into the given `events`.
    pub fn new(
        name: String,
        events: Vec<Event>,
        problems: Vec<Problem>,
        index_pages: usize,
        files: usize,
    ) -> Timeline {
        Timeline::ranked(name, events, problems, index_pages, files, &[])
    }

    /// [`Timeline::new`], with the entries of a day in the order of
    /// `day_rank` (an entry's place in its day's index pages; entries past
    /// its end, or `u64::MAX`, have none) before the rest.
    pub fn ranked(
        name: String,
        mut events: Vec<Event>,
        mut problems: Vec<Problem>,
        index_pages: usize,
        files: usize,
        day_rank: &[u64],
    ) -> Timeline {
        let rank = |i: usize| day_rank.get(i).copied().unwrap_or(u64::MAX);
        let mut order: Vec<EventIdx> = (0..events.len()).collect();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (rank(a), rank(b));
            let (a, b) = (&events[a], &events[b]);
            (a.date.is_none(), a.date, ra, &a.headline, &a.id).cmp(&(
                b.date.is_none(),
                b.date,
                rb,
                &b.headline,
                &b.id,
            ))
        });
        let mut new_pos = vec![0; events.len()];
        for (pos, &old) in order.iter().enumerate() {
            new_pos[old] = pos;
        }
        drop(order);
        for e in &mut events {
            for r in &mut e.related {
                r.to = new_pos[r.to];
            }
            for b in &mut e.backlinks {
                *b = new_pos[*b];
            }
            e.backlinks.sort_unstable();
            e.backlinks.dedup();
        }
        // Each entry to its place, in place: a copy of the entries would
        // be a tenth of a large archive's memory.
        for i in 0..events.len() {
            while new_pos[i] != i {
                let j = new_pos[i];
                events.swap(i, j);
                new_pos.swap(i, j);
            }
        }
        problems.sort();
        problems.dedup();
        Timeline::assemble(name, events, problems, index_pages, files)
    }

    /// Builds a timeline from entries already in timeline order, with their
    /// links and backlinks pointing at those positions: groups the days and
    /// indexes the ids.
    pub fn assemble(
        name: String,
        events: Vec<Event>,
        problems: Vec<Problem>,
        index_pages: usize,
        files: usize,
    ) -> Timeline {
        let mut days: Vec<Day> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            match days.last_mut() {
                Some(day) if day.date == e.date => day.events.end = i + 1,
                _ => days.push(Day {
                    date: e.date,
                    events: i..i + 1,
                    ghosts: 0,
                }),
            }
            if e.kind == Kind::Ghost {
                days.last_mut().expect("just pushed").ghosts += 1;
            }
        }
        let mut by_id = hashbrown::HashTable::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            let hash = fx_hash(&e.id);
            if by_id
                .find(hash, |&j: &EventIdx| events[j].id == e.id)
                .is_none()
            {
                by_id.insert_unique(hash, i, |&j| fx_hash(&events[j].id));
            }
        }
        Timeline {
            name,
            events,
            days,
            problems,
            index_pages,
            files,
            origin: Origin::Disk,
            by_id,
        }
    }

    pub fn get(&self, id: &str) -> Option<EventIdx> {
        self.by_id
            .find(fx_hash(id), |&i| self.events[i].id == id)
            .copied()
    }

    /// Entries by the file they were loaded from.
    pub fn by_file(&self) -> std::collections::HashMap<&str, EventIdx> {
        self.events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((e.file.as_deref()?, i)))
            .collect()
    }

    /// The text of a related link: as written when it differs from the
    /// headline of the entry it leads to, else that headline.
    pub fn link_text<'a>(&'a self, r: &'a Related) -> &'a str {
        r.text.as_deref().unwrap_or(&self.events[r.to].headline)
    }

    /// The day (index into `days`) that holds an entry.
    pub fn day_of(&self, idx: EventIdx) -> Option<usize> {
        let pos = self.days.partition_point(|d| d.events.end <= idx);
        (pos < self.days.len()).then_some(pos)
    }

    /// The first day on or after `date` (dated days only).
    pub fn day_on_or_after(&self, date: NaiveDate) -> Option<usize> {
        self.days
            .iter()
            .position(|d| d.date.is_some_and(|d| d >= date))
    }

    /// Every tag with the number of non-ghost entries carrying it, most used
    /// first, then by name.
    pub fn tag_counts(&self) -> Vec<TagCount> {
        self.tag_counts_where(|_| true)
    }

    /// [`Timeline::tag_counts`] over the entries `keep` accepts.
    pub fn tag_counts_where(&self, keep: impl Fn(&Event) -> bool) -> Vec<TagCount> {
        let mut counts = TagCounter::default();
        for e in self.events.iter().filter(|e| keep(e)) {
            counts.add(e);
        }
        counts.finish()
    }

    /// Events per month from the first dated month to the last, for the
    /// density strip: `(first month, counts)`. The months span every dated
    /// entry, so that any day can be marked; ghosts are not counted.
    pub fn monthly_counts(&self) -> Option<(NaiveDate, Vec<u64>)> {
        self.monthly_counts_where(|_, _| true)
    }

    /// [`Timeline::monthly_counts`] of the entries `keep` accepts, over
    /// the same months.
    pub fn monthly_counts_where(
        &self,
        keep: impl Fn(EventIdx, &Event) -> bool,
    ) -> Option<(NaiveDate, Vec<u64>)> {
        use chrono::Datelike;
        let first = self.events.iter().find_map(|e| e.date)?;
        let last = self.events.iter().rev().find_map(|e| e.date)?;
        let month_no = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
        let base = month_no(first);
        let mut counts = vec![0u64; (month_no(last) - base + 1) as usize];
        for (i, e) in self.events.iter().enumerate() {
            if e.kind != Kind::Ghost
                && let Some(d) = e.date
                && keep(i, e)
            {
                counts[(month_no(d) - base) as usize] += 1;
            }
        }
        Some((first.with_day(1).expect("day 1 exists"), counts))
    }

    pub fn stats(&self, top_tags: usize) -> Stats {
        self.stats_where(top_tags, |_| true)
    }

    /// [`Timeline::stats`] of the entries `keep` accepts (the counts of
    /// files, index pages and problems are the whole archive's).
    pub fn stats_where(&self, top_tags: usize, keep: impl Fn(&Event) -> bool + Copy) -> Stats {
        // One pass over the entries (a large timeline's are far more than
        // the cache holds). Entries are in timeline order: a day is counted
        // where the dates of the real entries change.
        let (mut events, mut articles, mut ghosts, mut undated) = (0, 0, 0, 0);
        let (mut days, mut first, mut last) = (0, None, None);
        let (mut resolved, mut unresolved) = (0, 0);
        let mut tag_counts = TagCounter::default();
        for e in self.events.iter().filter(|e| keep(e)) {
            match e.kind {
                Kind::Event => events += 1,
                Kind::Article => articles += 1,
                Kind::Ghost => ghosts += 1,
            }
            if e.kind != Kind::Ghost {
                match e.date {
                    None => undated += 1,
                    Some(d) if last != Some(d) => {
                        days += 1;
                        first = first.or(Some(d));
                        last = Some(d);
                    }
                    Some(_) => {}
                }
            }
            let found = e.related.iter().filter(|r| r.resolved).count();
            resolved += found;
            unresolved += e.related.len() - found;
            tag_counts.add(e);
        }
        let mut tags = tag_counts.finish();
        tags.truncate(top_tags);
        let label = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        Stats {
            events,
            articles,
            ghosts,
            undated,
            days,
            first: label(first),
            last: label(last),
            links: LinkStats {
                resolved,
                unresolved,
            },
            problems: self.problems.len(),
            index_pages: self.index_pages,
            files: self.files,
            tags,
        }
    }
}

/// Counts the tags of entries. Tags are shared (interned): each is counted
/// by the address of its text, and names held twice are added up at the
/// end (a timeline has a few dozen tags and a few hundred thousand uses).
#[derive(Default)]
struct TagCounter<'a> {
    by_address: rustc_hash::FxHashMap<*const u8, (&'a Tag, usize)>,
}

impl<'a> TagCounter<'a> {
    /// Counts the tags of `e`, unless it is a ghost.
    fn add(&mut self, e: &'a Event) {
        if e.kind == Kind::Ghost {
            return;
        }
        for t in &e.tags {
            self.by_address.entry(t.as_ptr()).or_insert((t, 0)).1 += 1;
        }
    }

    /// Every tag with its count, most used first, then by name.
    fn finish(self) -> Vec<TagCount> {
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (tag, count) in self.by_address.into_values() {
            *by_name.entry(tag).or_default() += count;
        }
        let mut tags: Vec<TagCount> = by_name
            .into_iter()
            .map(|(tag, count)| TagCount {
                tag: tag.to_string(),
                count,
            })
            .collect();
        tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
        tags
    }
}

/// `YYYY-MM-DD`, or `undated`.
pub fn date_label(date: Option<NaiveDate>) -> String {
    date.map_or_else(
        || "undated".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_with_the_same_tags_in_the_same_order_share_one_list() {
        let (a, b): (Tag, Tag) = (Arc::from("economy"), Arc::from("trade"));
        let mut contexts = Contexts::default();
        let ab = contexts.get([&a, &b]);
        assert!(Arc::ptr_eq(&ab, &contexts.get([&a, &b])));
        let ba = contexts.get([&b, &a]);
        assert_eq!(&ba[..], &[b.clone(), a.clone()]);
        assert!(!Arc::ptr_eq(&ab, &ba));
        assert!(contexts.get([]).is_empty());
        assert_eq!(&contexts.get([&a])[..], std::slice::from_ref(&a));
    }

    #[test]
    fn a_source_keeps_its_name_and_address_apart() {
        for (name, url) in [
            ("Gazette", "https://gazette.example.com/a"),
            ("", "https://x.example"),
            ("Çà № 5 ", ""),
            ("", ""),
        ] {
            let s = Source::new(name, url, true);
            assert_eq!((s.name(), s.url(), s.image), (name, url, true));
            // Written as a name, an address and a kind, as before.
            let bytes = postcard::to_stdvec(&s).unwrap();
            assert_eq!(bytes, postcard::to_stdvec(&(name, url, true)).unwrap());
            assert_eq!(postcard::from_bytes::<Source>(&bytes).unwrap(), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Source>(&json).unwrap(), s);
        }
        assert_ne!(Source::new("ab", "c", false), Source::new("a", "bc", false));
    }

    #[test]
    fn tags_are_counted_by_name_however_they_are_held() {
        let shared: Tag = Arc::from("economy");
        let entry = |kind, tags: Vec<Tag>| Event {
            id: format!("/e{}", tags.len()),
            kind,
            date: None,
            headline: String::new(),
            body: Body::default(),
            file: None,
            sources: Vec::new(),
            related: Vec::new(),
            backlinks: Vec::new(),
            tags,
            meta: None,
        };
        let events = vec![
            entry(Kind::Event, vec![shared.clone(), Arc::from("war")]),
            // The same name in a text of its own, and a ghost's (not counted).
            entry(Kind::Article, vec![Arc::from("economy")]),
            entry(
                Kind::Ghost,
                vec![shared.clone(), Arc::from("war"), Arc::from("x")],
            ),
            entry(Kind::Event, vec![Arc::from("aid"), shared]),
        ];
        let t = Timeline::assemble("t".into(), events, Vec::new(), 0, 4);
        let counts: Vec<(String, usize)> = t
            .tag_counts()
            .into_iter()
            .map(|c| (c.tag, c.count))
            .collect();
        let expected = [("economy", 3), ("aid", 1), ("war", 1)];
        assert_eq!(counts, expected.map(|(t, n)| (t.to_string(), n)));
        assert_eq!(t.stats(10).tags, t.tag_counts());
    }
}

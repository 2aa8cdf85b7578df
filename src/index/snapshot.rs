//! The resolved timeline as the index stores it, so that an unchanged
//! archive opens without parsing or resolving anything: every entry with
//! its links, backlinks and tags (as numbers into one table of tag names),
//! in timeline order. Written from a [`Timeline`] by reference; read back
//! into one after checking every number it holds.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Contexts, Event, Problem, Related, Tag, Timeline};

/// A snapshot read back: its entries are made as they are decoded, one at
/// a time, so that no second copy of them is ever held.
pub struct Snapshot {
    name: String,
    events: Vec<Event>,
    problems: Vec<Problem>,
    index_pages: usize,
    files: usize,
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["name", "tags", "events", "problems", "index_pages", "files"];
        d.deserialize_struct("Snapshot", FIELDS, SnapshotVisitor)
    }
}

struct SnapshotVisitor;

impl<'de> Visitor<'de> for SnapshotVisitor {
    type Value = Snapshot;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a timeline's snapshot")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Snapshot, A::Error> {
        let short = || de::Error::custom("a snapshot cut short");
        let name: String = seq.next_element()?.ok_or_else(short)?;
        let names: Vec<String> = seq.next_element()?.ok_or_else(short)?;
        let tags: Vec<Tag> = names.iter().map(|t| Arc::from(t.as_str())).collect();
        drop(names);
        let events = seq.next_element_seed(Events(&tags))?.ok_or_else(short)?;
        Ok(Snapshot {
            name,
            events,
            problems: seq.next_element()?.ok_or_else(short)?,
            index_pages: seq.next_element()?.ok_or_else(short)?,
            files: seq.next_element()?.ok_or_else(short)?,
        })
    }
}

/// The entries, each made from its record as soon as it is read.
struct Events<'t>(&'t [Tag]);

impl<'de> DeserializeSeed<'de> for Events<'_> {
    type Value = Vec<Event>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Event>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Events<'_> {
    type Value = Vec<Event>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a timeline's entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Event>, A::Error> {
        // The count is trusted only so far: the events are what is read.
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        let mut tags = Tags {
            names: self.0,
            contexts: Contexts::default(),
            read: Vec::new(),
        };
        while let Some(event) = seq.next_element_seed(EventSeed(&mut tags))? {
            events.push(event);
        }
        Ok(events)
    }
}

/// The table of tag names, and what decoding the lists of them needs:
/// links' lists are shared (see [`Contexts`]), and numbers are read into
/// one buffer, so that a list costs no allocation once it has been seen.
struct Tags<'t> {
    names: &'t [Tag],
    contexts: Contexts,
    read: Vec<u32>,
}

/// The tags numbered in `read`; an error if one is out of range.
fn named<'a, E: de::Error>(
    names: &'a [Tag],
    read: &'a [u32],
) -> Result<impl Iterator<Item = &'a Tag> + Clone, E> {
    if read.iter().any(|&i| i as usize >= names.len()) {
        return Err(E::custom("a tag out of range"));
    }
    Ok(read.iter().map(|&i| &names[i as usize]))
}

/// Reads a list of tag numbers into `Tags::read`.
struct TagNumbers<'s, 't>(&'s mut Tags<'t>);

impl<'de> DeserializeSeed<'de> for TagNumbers<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TagNumbers<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of tags")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.read.clear();
        while let Some(i) = seq.next_element::<u32>()? {
            self.0.read.push(i);
        }
        Ok(())
    }
}

/// Reads one entry, written by [`EventRef`].
struct EventSeed<'s, 't>(&'s mut Tags<'t>);

const EVENT_FIELDS: &[&str] = &[
    "id",
    "kind",
    "date",
    "headline",
    "body",
    "file",
    "sources",
    "related",
    "backlinks",
    "tags",
    "meta",
];

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_> {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        d.deserialize_struct("SnapEvent", EVENT_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_> {
    type Value = Event;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an entry")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Event, A::Error> {
        let short = || de::Error::custom("an entry cut short");
        let id = seq.next_element()?.ok_or_else(short)?;
        let kind = seq.next_element()?.ok_or_else(short)?;
        let date = match seq.next_element::<Option<i32>>()?.ok_or_else(short)? {
            Some(d) => Some(
                NaiveDate::from_num_days_from_ce_opt(d)
                    .ok_or_else(|| de::Error::custom("a date out of range"))?,
            ),
            None => None,
        };
        let headline = seq.next_element()?.ok_or_else(short)?;
        let body = seq.next_element()?.ok_or_else(short)?;
        let file = seq.next_element()?.ok_or_else(short)?;
        let sources = seq.next_element()?.ok_or_else(short)?;
        let related = (seq.next_element_seed(Links(&mut *self.0))?).ok_or_else(short)?;
        let backlinks = seq.next_element()?.ok_or_else(short)?;
        seq.next_element_seed(TagNumbers(&mut *self.0))?
            .ok_or_else(short)?;
        let tags = named(self.0.names, &self.0.read)?.cloned().collect();
        let meta = seq.next_element()?.ok_or_else(short)?;
        Ok(Event {
            id,
            kind,
            date,
            headline,
            body,
            file,
            sources,
            related,
            backlinks,
            tags,
            meta,
        })
    }
}

/// Reads an entry's links, written by [`RelatedRef`].
struct Links<'s, 't>(&'s mut Tags<'t>);

impl<'de> DeserializeSeed<'de> for Links<'_, '_> {
    type Value = Vec<Related>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Related>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Links<'_, '_> {
    type Value = Vec<Related>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an entry's links")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Related>, A::Error> {
        let mut links = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 10));
        while let Some(link) = seq.next_element_seed(Link(&mut *self.0))? {
            links.push(link);
        }
        Ok(links)
    }
}

struct Link<'s, 't>(&'s mut Tags<'t>);

const LINK_FIELDS: &[&str] = &["text", "context", "to", "resolved", "line"];

impl<'de> DeserializeSeed<'de> for Link<'_, '_> {
    type Value = Related;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Related, D::Error> {
        d.deserialize_struct("SnapRelated", LINK_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for Link<'_, '_> {
    type Value = Related;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a link")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Related, A::Error> {
        let short = || de::Error::custom("a link cut short");
        let text = seq.next_element()?.ok_or_else(short)?;
        seq.next_element_seed(TagNumbers(&mut *self.0))?
            .ok_or_else(short)?;
        let Tags {
            names,
            contexts,
            read,
        } = &mut *self.0;
        let context = contexts.get(named(names, read)?);
        Ok(Related {
            text,
            context,
            to: seq.next_element()?.ok_or_else(short)?,
            resolved: seq.next_element()?.ok_or_else(short)?,
            line: seq.next_element()?.ok_or_else(short)?,
        })
    }
}

/// A timeline written as a [`Snapshot`] reads back.
pub struct SnapshotRef<'a> {
    t: &'a Timeline,
    /// Each tag's number, by the address of its shared text.
    ids: FxHashMap<usize, u32>,
    names: Vec<&'a str>,
}

impl<'a> SnapshotRef<'a> {
    pub fn new(t: &'a Timeline) -> SnapshotRef<'a> {
        let mut ids = FxHashMap::default();
        let mut names = Vec::new();
        let all = t.events.iter().flat_map(|e| {
            e.tags
                .iter()
                .chain(e.related.iter().flat_map(|r| &r.context[..]))
        });
        for tag in all {
            ids.entry(tag.as_ptr() as usize).or_insert_with(|| {
                names.push(&**tag);
                names.len() as u32 - 1
            });
        }
        SnapshotRef { t, ids, names }
    }
}

struct TagIds<'a>(&'a [Tag], &'a FxHashMap<usize, u32>);

impl Serialize for TagIds<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for t in self.0 {
            seq.serialize_element(&self.1[&(t.as_ptr() as usize)])?;
        }
        seq.end()
    }
}

struct EventRef<'a>(&'a Event, &'a FxHashMap<usize, u32>);

impl Serialize for EventRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (e, ids) = (self.0, self.1);
        let mut st = s.serialize_struct("SnapEvent", 11)?;
        st.serialize_field("id", &e.id)?;
        st.serialize_field("kind", &e.kind)?;
        st.serialize_field("date", &e.date.map(|d| d.num_days_from_ce()))?;
        st.serialize_field("headline", &e.headline)?;
        st.serialize_field("body", &e.body)?;
        st.serialize_field("file", &e.file)?;
        st.serialize_field("sources", &e.sources)?;
        st.serialize_field("related", &Seq(&e.related, |r| RelatedRef(r, ids)))?;
        st.serialize_field("backlinks", &e.backlinks)?;
        st.serialize_field("tags", &TagIds(&e.tags, ids))?;
        st.serialize_field("meta", &e.meta)?;
        st.end()
    }
}

struct RelatedRef<'a>(&'a Related, &'a FxHashMap<usize, u32>);

impl Serialize for RelatedRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut st = s.serialize_struct("SnapRelated", 5)?;
        st.serialize_field("text", &r.text)?;
        st.serialize_field("context", &TagIds(&r.context, self.1))?;
        st.serialize_field("to", &r.to)?;
        st.serialize_field("resolved", &r.resolved)?;
        st.serialize_field("line", &r.line)?;
        st.end()
    }
}

/// A sequence written element by element through `f`.
struct Seq<'a, T, F>(&'a [T], F);

impl<'a, T, R: Serialize, F: Fn(&'a T) -> R> Serialize for Seq<'a, T, F>
where
    T: 'a,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for x in self.0 {
            seq.serialize_element(&(self.1)(x))?;
        }
        seq.end()
    }
}

impl SnapshotRef<'_> {
    /// Writes what serializing it writes (that is the format), with the
    /// entries encoded a batch at a time on the pool's threads: about a
    /// megabyte held for each thread, and about half the time on two cores.
    pub fn write_to(&self, w: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        use rayon::prelude::*;
        fn put(
            w: &mut (impl std::io::Write + ?Sized),
            v: &(impl Serialize + ?Sized),
        ) -> std::io::Result<()> {
            postcard::to_io(v, w)
                .map(|_| ())
                .map_err(std::io::Error::other)
        }
        const BATCH: usize = 2048;
        let t = self.t;
        put(w, &t.name)?;
        put(w, &self.names)?;
        // A sequence is its length, then its elements one after another.
        put(w, &t.events.len())?;
        let threads = rayon::current_num_threads().max(1);
        for window in t.events.chunks(BATCH * threads) {
            let encoded: Vec<Vec<u8>> = window
                .par_chunks(BATCH)
                .map(|batch| {
                    let mut out = Vec::with_capacity(batch.len() * 512);
                    for e in batch {
                        out = postcard::to_extend(&EventRef(e, &self.ids), out)
                            .map_err(std::io::Error::other)?;
                    }
                    Ok(out)
                })
                .collect::<std::io::Result<_>>()?;
            for bytes in encoded {
                w.write_all(&bytes)?;
            }
        }
        put(w, &t.problems)?;
        put(w, &t.index_pages)?;
        put(w, &t.files)
    }
}

impl Serialize for SnapshotRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.t;
        let mut st = s.serialize_struct("Snapshot", 6)?;
        st.serialize_field("name", &t.name)?;
        st.serialize_field("tags", &self.names)?;
        st.serialize_field("events", &Seq(&t.events, |e| EventRef(e, &self.ids)))?;
        st.serialize_field("problems", &t.problems)?;
        st.serialize_field("index_pages", &t.index_pages)?;
        st.serialize_field("files", &t.files)?;
        st.end()
    }
}

impl Snapshot {
    /// The timeline again; `None` if any link in it points nowhere.
    pub fn into_timeline(self) -> Option<Timeline> {
        let n = self.events.len();
        let out_of_range =
            |e: &Event| e.backlinks.iter().any(|&b| b >= n) || e.related.iter().any(|r| r.to >= n);
        if self.events.iter().any(out_of_range) {
            return None;
        }
        Some(Timeline::assemble(
            self.name,
            self.events,
            self.problems,
            self.index_pages,
            self.files,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batched writer writes the format `Serialize` defines, byte for
    /// byte, over more entries than one window of batches holds.
    #[test]
    fn the_batched_writer_writes_what_serializing_writes() {
        let files = crate::generate::generate(12_000, 3)
            .into_iter()
            .map(|f| (f.path, f.text))
            .collect();
        let generated = crate::loader::load_memory("generated", files);
        // More than a batch on each thread of a machine of up to 4 cores.
        assert!(generated.events.len() > 4 * 2048);
        for t in [crate::loader::load_sample(), generated] {
            let snapshot = SnapshotRef::new(&t);
            let mut batched = Vec::new();
            snapshot.write_to(&mut batched).unwrap();
            assert_eq!(batched, postcard::to_stdvec(&snapshot).unwrap());
        }
    }

    /// A timeline reads back as it was, its links' lists of tags shared
    /// where they are the same; a tag number outside the table is refused.
    #[test]
    fn a_timeline_reads_back_with_its_lists_of_tags_shared() {
        let t = crate::loader::load_sample();
        let bytes = postcard::to_stdvec(&SnapshotRef::new(&t)).unwrap();
        let back = postcard::from_bytes::<Snapshot>(&bytes)
            .unwrap()
            .into_timeline()
            .unwrap();
        assert_eq!(back.events, t.events);
        let links: Vec<&Related> = back.events.iter().flat_map(|e| &e.related).collect();
        let mut pairs = 0;
        for (i, a) in links.iter().enumerate() {
            for b in &links[i + 1..] {
                if a.context == b.context {
                    assert!(Arc::ptr_eq(&a.context, &b.context));
                    pairs += 1;
                }
            }
        }
        assert!(pairs > 0, "the sample has links with the same tags");

        let mut short = SnapshotRef::new(&t);
        short.names.pop();
        let bytes = postcard::to_stdvec(&short).unwrap();
        assert!(postcard::from_bytes::<Snapshot>(&bytes).is_err());
    }
}

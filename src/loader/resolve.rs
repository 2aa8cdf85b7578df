//! From parsed files to a [`Timeline`]: gives every entry its id, reports
//! duplicate ids, resolves related links in FORMAT.md's order (exact path,
//! canonical path, date and headline), makes ghosts of the rest, and
//! computes backlinks and tags. Every key is normalised once, in parallel,
//! and looked up in Fx hash maps; tags are interned and unioned as sets.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::draft::{LinkDraft, Loaded, Parsed};
use crate::model::{Contexts, Event, EventIdx, Kind, Problem, Related, Tag, Timeline, fx_hash};
use crate::text;

/// What is worked out for each file before the sequential pass.
struct Keys<'a> {
    /// The event's canonical path (most often its own path).
    canonical: Option<Cow<'a, str>>,
    /// The event's or article's headline, normalised, as a number
    /// ([`fx_hash`]): equal numbers are checked on the headlines.
    headline: u64,
    /// The file's own paths in the spelling targets are compared in: its
    /// path below its root (most often spelt so already), then the others.
    path: Cow<'a, str>,
    more_paths: Box<[String]>,
    /// The event is stored at its canonical path.
    at_canonical: bool,
}

impl<'a> Keys<'a> {
    /// `names`: the file's path below its root and its further keys.
    fn of(f: &Loaded, names: &'a (String, Box<[String]>)) -> Keys<'a> {
        let (rel, extra_keys) = names;
        let normal = text::normalize_target(rel);
        let path = if normal == *rel {
            Cow::Borrowed(rel.as_str())
        } else {
            Cow::Owned(normal)
        };
        let more_paths: Box<[String]> = extra_keys
            .iter()
            .map(|k| text::normalize_target(k))
            .collect();
        let (canonical, headline) = match &f.parsed {
            Parsed::Event(e) => (
                Some(Cow::Owned(text::canonical_path(
                    e.date,
                    e.slug_text.as_deref().unwrap_or(&e.headline),
                ))),
                fx_hash(text::normalize_headline(&e.headline)),
            ),
            Parsed::Article(a) => (None, fx_hash(text::normalize_headline(&a.title))),
            _ => (None, fx_hash("")),
        };
        let mut keys = Keys {
            canonical,
            headline,
            path,
            more_paths,
            at_canonical: false,
        };
        keys.at_canonical = keys
            .canonical
            .as_deref()
            .is_some_and(|c| keys.paths().any(|p| p == c));
        // Stored at its canonical path: no second copy of it.
        if let (Some(Cow::Owned(c)), Cow::Borrowed(path)) = (&keys.canonical, &keys.path)
            && c == path
        {
            keys.canonical = Some(Cow::Borrowed(*path));
        }
        keys
    }

    fn paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&*self.path).chain(self.more_paths.iter().map(String::as_str))
    }
}

/// Entries by id, holding no copy of the ids: only their places in the
/// entries, whose ids are compared.
struct ById(hashbrown::HashTable<EventIdx>);

impl ById {
    fn get(&self, events: &[Event], id: &str) -> Option<EventIdx> {
        self.0.find(fx_hash(id), |&i| events[i].id == id).copied()
    }

    /// Adds `events[idx]`, whose id no other entry has.
    fn insert(&mut self, events: &[Event], idx: EventIdx) {
        self.0
            .insert_unique(fx_hash(&events[idx].id), idx, |&i| fx_hash(&events[i].id));
    }
}

/// Builds the timeline. `files` must be in a stable order (sorted by path)
/// so that the result does not depend on how the filesystem lists them.
pub fn build(name: String, mut files: Vec<Box<Loaded>>, mut problems: Vec<Problem>) -> Timeline {
    let candidates = files.len() + problems.len();
    // The keys stay apart from the files, so that the lookup tables can
    // borrow them rather than hold copies.
    let names: Vec<(String, Box<[String]>)> = files
        .iter_mut()
        .map(|f| {
            (
                std::mem::take(&mut f.rel),
                std::mem::take(&mut f.extra_keys),
            )
        })
        .collect();
    let keys: Vec<Keys> = files
        .par_iter()
        .zip(&names)
        .map(|(f, names)| Keys::of(f, names))
        .collect();
    // When two files hold the same event, the one stored at its canonical
    // path is the original and the other the duplicate: those files go
    // first, each group in file order.
    let order = (0..files.len())
        .filter(|&i| keys[i].at_canonical)
        .chain((0..files.len()).filter(|&i| !keys[i].at_canonical));

    let Entries {
        mut events,
        drafts,
        keys_of,
        by_id,
        by_path,
        day_lists,
        index_pages,
    } = entries(files, &keys, &names, order, &mut problems);

    let (tos, day_rank) = targets(&events, &drafts, &keys_of, by_id, by_path, day_lists);
    drop(keys_of);
    drop(keys);

    link_up(&mut events, drafts, tos);
    Timeline::ranked(name, events, problems, index_pages, candidates, &day_rank)
}

/// What the sequential pass makes: the entries (each file's event or
/// article, duplicates reported, ids made unique), each one's links as
/// written and its keys, the tables a link's entry is looked up in, and
/// what the index pages list.
struct Entries<'k> {
    events: Vec<Event>,
    drafts: Vec<Box<[LinkDraft]>>,
    /// The keys of each entry, by its place in `events`.
    keys_of: Vec<&'k Keys<'k>>,
    by_id: ById,
    by_path: FxHashMap<&'k str, EventIdx>,
    /// What each index page lists, in file order.
    day_lists: Vec<Vec<(String, String)>>,
    index_pages: usize,
}

/// The sequential pass over the files, in `order`: the entries in place,
/// the problems and warnings onto `problems`. (The files come boxed, as
/// the loader made them.)
#[allow(clippy::vec_box)]
fn entries<'k>(
    mut files: Vec<Box<Loaded>>,
    keys: &'k [Keys<'k>],
    names: &[(String, Box<[String]>)],
    order: impl Iterator<Item = usize>,
    problems: &mut Vec<Problem>,
) -> Entries<'k> {
    // Room for every entry and as many ghosts as there could be (one a
    // link), up to as many again as there are files: the entries are then
    // not moved to a larger table, and the room no entry takes is never
    // touched, so it costs no memory (but address space, hence the bound).
    let links: usize = files
        .iter()
        .map(|f| match &f.parsed {
            Parsed::Event(e) => e.related.len(),
            _ => 0,
        })
        .sum();
    let mut events: Vec<Event> = Vec::with_capacity(files.len() + links.min(files.len()));
    let mut drafts: Vec<Box<[LinkDraft]>> = Vec::with_capacity(files.len());
    let mut keys_of: Vec<&Keys> = Vec::with_capacity(files.len());
    // The tables are made at their size: no garbage of regrowing them.
    let n = files.len();
    let mut by_id = ById(hashbrown::HashTable::with_capacity(n));
    let mut by_path: FxHashMap<&str, EventIdx> =
        FxHashMap::with_capacity_and_hasher(n, Default::default());
    let mut index_pages = 0;
    let mut day_lists: Vec<Vec<(String, String)>> = Vec::new();
    // Events by canonical id and normalised headline: the same pair twice
    // is a duplicate, whatever ids the first copy ended up with. (Their
    // places only, found by number and checked on the entries.)
    let mut seen_events: hashbrown::HashTable<EventIdx> = hashbrown::HashTable::with_capacity(n);
    // Articles by id, with the checksum of their text.
    let mut digests: FxHashMap<EventIdx, u32> = FxHashMap::default();

    for i in order {
        let keys = &keys[i];
        let f = &mut files[i];
        let problem = |line, reason| Problem {
            file: f.display.clone(),
            line,
            reason,
        };
        problems.extend(f.warnings.iter().map(|(l, r)| problem(*l, r.clone())));
        let parsed = std::mem::replace(&mut f.parsed, Parsed::Index(Vec::new()));
        let (event, links) = match parsed {
            Parsed::Index(links) => {
                index_pages += 1;
                day_lists.push(links);
                continue;
            }
            Parsed::Problem(line, reason) => {
                problems.push(problem(line, reason));
                continue;
            }
            Parsed::Event(e) => {
                let id = keys.canonical.as_deref().unwrap_or_default();
                let hash = fx_hash((id, keys.headline));
                let same = |&j: &EventIdx| {
                    let other: &Keys = keys_of[j];
                    other.headline == keys.headline
                        && other.canonical.as_deref().unwrap_or_default() == id
                        && same_headline(&events[j].headline, &e.headline)
                };
                if let Some(&first) = seen_events.find(hash, same) {
                    problems.push(problem(
                        Some(e.line as usize),
                        format!(
                            "duplicate id {id}: {} has the same date and headline",
                            events[first].file.as_deref().unwrap_or("another file")
                        ),
                    ));
                    continue;
                }
                // Another event whose slug is the same (a headline with no
                // a-z0-9 in it, or one alike for 140 characters): both stay.
                let id = unique_id(&by_id, &events, id.to_string(), &names[i].0);
                seen_events.insert_unique(hash, events.len(), |&j| {
                    let k: &Keys = keys_of[j];
                    fx_hash((k.canonical.as_deref().unwrap_or_default(), k.headline))
                });
                let mut event = Event {
                    body: e.body,
                    file: Some(std::mem::take(&mut f.display)),
                    sources: e.sources.into_vec(),
                    ..Event::new(id, Kind::Event, Some(e.date), e.headline.into_string())
                };
                if let Some(front) = e.front {
                    take_front(&mut event, *front);
                }
                (event, e.related)
            }
            Parsed::Article(a) => {
                let rel = text::sanitize(&names[i].0, false);
                let same = |i: EventIdx| {
                    let other: &Event = &events[i];
                    other.kind == Kind::Article
                        && other.headline == a.title
                        && digests.get(&i) == Some(&a.digest)
                };
                if let Some(first) = by_id.get(&events, &rel).filter(|&i| same(i)) {
                    problems.push(problem(
                        None,
                        format!(
                            "duplicate id {rel}: {} has the same path and text",
                            events[first].file.as_deref().unwrap_or("another file")
                        ),
                    ));
                    continue;
                }
                // `unique_id` sanitises the fallback.
                let display = format!("/{}", f.display.trim_start_matches('/'));
                let id = unique_id(&by_id, &events, rel, &display);
                digests.insert(events.len(), a.digest);
                let date = article_date(a.front.as_deref(), &names[i].0, f.path_date);
                let mut event = Event {
                    body: a.body,
                    file: Some(std::mem::take(&mut f.display)),
                    ..Event::new(id, Kind::Article, date, a.title)
                };
                if let Some(front) = a.front {
                    take_front(&mut event, *front);
                }
                (event, a.links)
            }
        };
        let idx = events.len();
        for key in keys.paths() {
            by_path.entry(key).or_insert(idx);
        }
        events.push(event);
        by_id.insert(&events, idx);
        drafts.push(links);
        keys_of.push(keys);
    }
    drop(files);
    Entries {
        events,
        drafts,
        keys_of,
        by_id,
        by_path,
        day_lists,
        index_pages,
    }
}

/// An article's date: its front matter's, else its file's name's, else
/// one a path-like key of its front matter spells, else its folders'.
fn article_date(
    front: Option<&crate::draft::FrontDraft>,
    rel: &str,
    path_date: Option<NaiveDate>,
) -> Option<NaiveDate> {
    (front.and_then(|d| d.date))
        .or_else(|| super::front::date_from_file_name(rel))
        .or(front.and_then(|d| d.key_date))
        .or(path_date)
}

/// What an entry takes from its front matter: its first source, its
/// tags (made shared with the links' in [`link_up`]), its author,
/// description and other keys.
fn take_front(event: &mut Event, front: crate::draft::FrontDraft) {
    if let Some(source) = front.source
        && !event.sources.iter().any(|s| s.url() == source.url())
    {
        event.sources.insert(0, source);
    }
    event.tags = front.tags.into_vec();
    if !event.tags.is_empty() || front.meta.is_some() {
        let mut meta = front.meta.unwrap_or_default();
        meta.tags = u32::try_from(event.tags.len()).unwrap_or(u32::MAX);
        event.meta = Some(meta);
    }
}

/// Found: `NONE` in [`targets`]' list.
const NONE: EventIdx = EventIdx::MAX;

/// Each link's entry (`NONE`: none, a ghost to be made), all the links of
/// all the files one after another; and where each entry stands in its
/// day, from the index pages. The lookup tables are freed when done.
fn targets(
    events: &[Event],
    drafts: &[Box<[LinkDraft]>],
    keys_of: &[&Keys],
    by_id: ById,
    by_path: FxHashMap<&str, EventIdx>,
    day_lists: Vec<Vec<(String, String)>>,
) -> (Vec<EventIdx>, Vec<u64>) {
    // Entries by date and normalised headline, the first of each pair.
    let mut by_headline: hashbrown::HashTable<EventIdx> =
        hashbrown::HashTable::with_capacity(events.len());
    for (i, keys) in keys_of.iter().enumerate() {
        if let Some(date) = events[i].date {
            let hash = fx_hash((date, keys.headline));
            let same = |&j: &EventIdx| {
                keys_of[j].headline == keys.headline
                    && events[j].date == Some(date)
                    && same_headline(&events[j].headline, &events[i].headline)
            };
            if by_headline.find(hash, same).is_none() {
                by_headline.insert_unique(hash, i, |&j| {
                    fx_hash((events[j].date.unwrap_or_default(), keys_of[j].headline))
                });
            }
        }
    }

    // A link's entry, in FORMAT.md's order: exact path, id, then date and
    // headline; `None` becomes a ghost.
    // (`date`: the day the target spells, worked out only when needed.)
    let find = |target: &str, date: &dyn Fn() -> Option<NaiveDate>, link_text: &str| {
        by_path
            .get(target)
            .copied()
            .or_else(|| by_id.get(events, target))
            .or_else(|| {
                let date = date()?;
                let headline = text::normalize_headline(link_text);
                let hash = fx_hash(&headline);
                by_headline
                    .find(fx_hash((date, hash)), |&j| {
                        keys_of[j].headline == hash
                            && events[j].date == Some(date)
                            && text::normalize_headline(&events[j].headline) == headline
                    })
                    .copied()
            })
    };
    // Each link's entry, looked up in parallel: one list for all the links
    // of all the files, one after another, made at its size (`NONE`: not
    // found, a ghost's place later).
    let mut tos: Vec<EventIdx> = vec![NONE; drafts.iter().map(|d| d.len()).sum()];
    let mut rest = tos.as_mut_slice();
    let mut parts = Vec::with_capacity(drafts.len());
    for file in drafts {
        let (part, more) = rest.split_at_mut(file.len());
        parts.push(part);
        rest = more;
    }
    // Notes by name (their file's name without its extension, case
    // ignored), made only when a link asks for one by name.
    let by_name: FxHashMap<String, EventIdx> =
        if drafts.iter().flatten().any(|l| l.from_file().is_some()) {
            let mut m = FxHashMap::default();
            for (i, keys) in keys_of.iter().enumerate() {
                m.entry(note_name(&keys.path)).or_insert(i);
            }
            m
        } else {
            FxHashMap::default()
        };
    parts
        .into_par_iter()
        .zip(drafts)
        .enumerate()
        .for_each(|(from, (part, file))| {
            for (to, link) in part.iter_mut().zip(file.iter()) {
                let found = match link.from_file() {
                    Some((written, wiki)) => {
                        let here = &*keys_of[from].path;
                        relative_keys(here, written, wiki)
                            .iter()
                            .find_map(|k| by_path.get(k.as_str()).copied())
                            .or_else(|| {
                                let name = note_name(written);
                                (!name.is_empty()).then(|| by_name.get(&name).copied())?
                            })
                    }
                    None => find(&link.target(), &|| link.date(), &link.text),
                };
                if let Some(i) = found {
                    *to = i;
                }
            }
        });
    // Where each entry stands: the first index page that lists it (pages
    // in file order), then its place there. Its links are found as
    // related links are.
    let mut day_rank = vec![u64::MAX; events.len()];
    for (page, list) in day_lists.iter().enumerate() {
        for (pos, (target, link_text)) in list.iter().enumerate() {
            let found = find(target, &|| text::date_from_path(target), link_text);
            if let Some(i) = found
                && day_rank[i] == u64::MAX
            {
                day_rank[i] = ((page as u64) << 32) | pos as u64;
            }
        }
    }
    drop(day_lists);
    // The lookup tables are done with: free them before the timeline grows.
    drop((by_id, by_path, by_headline, by_name));
    (tos, day_rank)
}

/// Makes every link: a ghost where no entry was found (in link order), the
/// links' shared lists of tags, each entry's tags, and the backlinks.
fn link_up(events: &mut Vec<Event>, mut drafts: Vec<Box<[LinkDraft]>>, mut tos: Vec<EventIdx>) {
    let loaded = events.len();
    drop_unfound(&mut drafts, &mut tos);
    // Every link's entry: a ghost, made in link order, where none was found.
    let mut ghosts: FxHashMap<String, EventIdx> = FxHashMap::default();
    for (link, to) in drafts.iter().flatten().zip(&mut tos) {
        if *to == NONE {
            *to = *ghosts.entry(ghost_key(link)).or_insert_with(|| {
                events.push(ghost(ghost_id(link), link));
                events.len() - 1
            });
        }
    }
    // Where each file's links are in `tos`.
    let mut start = 0;
    let spans: Vec<std::ops::Range<usize>> = drafts
        .iter()
        .map(|links| {
            start += links.len();
            start - links.len()..start
        })
        .collect();
    drop(ghosts);
    // One copy of each tag: the parser shares a tag's name between links,
    // so most are told apart by address before any text is compared.
    let mut by_name: FxHashMap<&str, Tag> = FxHashMap::default();
    let mut by_address: FxHashMap<usize, Tag> = FxHashMap::default();
    for tag in drafts.iter().flatten().flat_map(|l| &l.context) {
        by_address.entry(tag.as_ptr() as usize).or_insert_with(|| {
            let first = by_name.entry(tag).or_insert_with(|| tag.clone());
            first.clone()
        });
    }
    let mut front_tags = front_tags(&mut events[..loaded], &by_name);
    drop(by_name);
    let shared = |tag: &Tag| &by_address[&(tag.as_ptr() as usize)];
    // Each entry's links and tags, made in parallel: they read the
    // entries they lead to, and change nothing but their own.
    let made: Vec<(Vec<Related>, Vec<Tag>)> = drafts
        .into_par_iter()
        .zip(spans)
        // The tags an entry has so far, by address: a set, as one file may
        // carry a great many (a thousand links of a hundred tags); and the
        // links' lists of tags made so far, shared where they are the same.
        .map_init(
            || (FxHashSet::default(), Contexts::default()),
            |(seen, contexts), (links, span)| {
                seen.clear();
                let mut own: Vec<Tag> = Vec::new();
                // Made in the drafts' own memory (the list of links), which
                // is freed as it is taken rather than left as holes while a
                // new list is made beside it.
                let tos = &tos[span];
                let related = links
                    .into_iter()
                    .enumerate()
                    .map(|(k, link)| {
                        let to = tos[k];
                        let context = contexts.get(link.context.iter().map(shared));
                        for tag in context.iter() {
                            if seen.insert(tag.as_ptr() as usize) {
                                own.push(tag.clone());
                            }
                        }
                        let text = (*link.text != events[to].headline).then_some(link.text);
                        Related {
                            text,
                            context,
                            to,
                            resolved: to < loaded,
                            line: link.line,
                        }
                    })
                    .collect();
                (related, own)
            },
        )
        .collect();
    // Backlinks in link order; a ghost's tags are those of the links that
    // lead to it, in that order.
    drop(tos);
    let mut ghost_tagged: FxHashSet<(EventIdx, usize)> = FxHashSet::default();
    for (from, (related, own)) in made.into_iter().enumerate() {
        for link in &related {
            let to = link.to;
            events[to].backlinks.push(from);
            if to >= loaded {
                for tag in link.context.iter() {
                    if ghost_tagged.insert((to, tag.as_ptr() as usize)) {
                        events[to].tags.push(tag.clone());
                    }
                }
            }
        }
        events[from].related = related;
        events[from].tags = match front_tags.get_mut(from) {
            Some(front) if !front.is_empty() => {
                let mut tags = std::mem::take(front);
                for t in own {
                    if !tags.iter().any(|f| Arc::ptr_eq(f, &t)) {
                        tags.push(t);
                    }
                }
                tags
            }
            _ => own,
        };
    }
}

/// Leaves out the links of a body that lead to no file (or to their own):
/// they stay links of the text, not related links, nor ghosts; and a
/// note's link to itself by name. `tos` is each link's entry, all the
/// links of all the files one after another.
fn drop_unfound(drafts: &mut [Box<[LinkDraft]>], tos: &mut Vec<EventIdx>) {
    if !drafts
        .iter()
        .flatten()
        .any(|l| l.optional || l.from_file().is_some())
    {
        return;
    }
    let mut kept_tos = Vec::with_capacity(tos.len());
    let mut all = tos.iter();
    for (from, links) in drafts.iter_mut().enumerate() {
        let mut kept = Vec::with_capacity(links.len());
        for link in std::mem::take(links).into_vec() {
            let to = *all.next().expect("a place for each link");
            let own = to == from && (link.optional || link.from_file().is_some());
            if !(own || (link.optional && to == NONE)) {
                kept.push(link);
                kept_tos.push(to);
            }
        }
        *links = kept.into_boxed_slice();
    }
    *tos = kept_tos;
}

/// The tags of front matter, which the entries hold so far (taken from
/// them), each made the one text the links' tags of that name share
/// (`by_name`): a tag is one text, however it was given. Empty when no
/// entry has any.
fn front_tags(events: &mut [Event], by_name: &FxHashMap<&str, Tag>) -> Vec<Vec<Tag>> {
    if !events.iter().any(|e| !e.tags.is_empty()) {
        return Vec::new();
    }
    let mut front_only: FxHashMap<String, Tag> = FxHashMap::default();
    events
        .iter_mut()
        .map(|e| {
            let mut tags: Vec<Tag> = Vec::new();
            for t in std::mem::take(&mut e.tags) {
                let t = match by_name.get(&*t) {
                    Some(shared) => shared.clone(),
                    None => front_only.entry(t.to_string()).or_insert(t).clone(),
                };
                if !tags.iter().any(|s| Arc::ptr_eq(s, &t)) {
                    tags.push(t);
                }
            }
            tags
        })
        .collect()
}

/// The name a note is found by: its file's name without its extension,
/// lowercased (`Notes/Ferry Talks.md` → `ferry talks`).
fn note_name(path: &str) -> String {
    let path = path.split(['#', '|']).next().unwrap_or(path);
    let name = path.trim().rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_lowercase();
    for ext in [".md", ".markdown", ".txt"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    lower
}

/// The paths a link written in the file at `here` may lead to, relative
/// to that file's folder, in the spelling of `by_path`'s keys: as written,
/// then (with no extension, as wikilinks and some editors write them)
/// with `.md` added.
fn relative_keys(here: &str, written: &str, wiki: bool) -> Vec<String> {
    let written = if wiki {
        // `[[Note#Heading]]`, `[[Note^block]]`: the note.
        written.split(['#', '^']).next().unwrap_or(written)
    } else {
        written
    };
    let dir = here.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = text::normalize_target(&format!("{dir}/{written}"));
    // `..` climbs (never above the root).
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/').filter(|p| !p.is_empty()) {
        if p == ".." {
            parts.pop();
        } else {
            parts.push(p);
        }
    }
    let path = format!("/{}", parts.join("/"));
    let has_ext = [".md", ".markdown", ".txt"]
        .iter()
        .any(|e| path.to_ascii_lowercase().ends_with(e));
    if has_ext {
        vec![path]
    } else {
        vec![format!("{path}.md"), path]
    }
}

/// Do two headlines read the same once normalised?
fn same_headline(a: &str, b: &str) -> bool {
    a == b || text::normalize_headline(a) == text::normalize_headline(b)
}

/// What tells ghosts apart: their id, or for a wikilink's its note name
/// with case ignored (`[[Ferry]]` and `[[ferry]]` are one note).
fn ghost_key(link: &LinkDraft) -> String {
    match link.from_file() {
        Some((_, true)) => format!("\0{}", note_name(&ghost_id(link))),
        _ => ghost_id(link),
    }
}

/// A ghost is known by its link's (normalised) target; a link without
/// one by its text; a wikilink's by its note name.
fn ghost_id(link: &LinkDraft) -> String {
    if let Some((name, true)) = link.from_file() {
        let name = name.split(['#', '^']).next().unwrap_or(name);
        let name = text::one_line(name);
        return if name.is_empty() {
            "untitled".into()
        } else {
            name
        };
    }
    let target = text::one_line(&link.target());
    if target != "/" {
        return target;
    }
    let name = text::slug(&link.text);
    let name = if name.is_empty() {
        text::normalize_headline(&link.text).replace(' ', "-")
    } else {
        name
    };
    format!(
        "/ghost/{}",
        if name.is_empty() { "untitled" } else { &name }
    )
}

/// `preferred` when no entry has it yet, else `fallback`, else the first
/// free `preferred#N`.
fn unique_id(taken: &ById, events: &[Event], preferred: String, fallback: &str) -> String {
    let free = |id: &str| taken.get(events, id).is_none();
    if free(&preferred) {
        return preferred;
    }
    let fallback = text::sanitize(fallback, false);
    if free(&fallback) {
        return fallback;
    }
    (2..)
        .map(|n| format!("{preferred}#{n}"))
        .find(|id| free(id))
        .expect("some number is free")
}

fn ghost(id: String, link: &LinkDraft) -> Event {
    if let Some((_, true)) = link.from_file() {
        // A note of that name: its name is all that is known.
        return Event::new(id.clone(), Kind::Ghost, None, id);
    }
    let headline = if link.text.is_empty() {
        let stem = id.rsplit('/').next().unwrap_or(&id);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        text::one_line(&stem.replace('-', " "))
    } else {
        link.text.to_string()
    };
    let date = link.date();
    Event::new(id, Kind::Ghost, date, headline)
}

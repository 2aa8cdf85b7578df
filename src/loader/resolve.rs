//! From parsed files to a [`Timeline`]: gives every entry its id, reports
//! duplicate ids, resolves related links in FORMAT.md's order (exact path,
//! canonical path, date and headline), makes ghosts of the rest, and
//! computes backlinks and tags.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::parse::{LinkDraft, Parsed, Warning};
use crate::model::{Event, EventIdx, Kind, Problem, Related, Timeline};
use crate::text;

/// One candidate file after parsing.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file as the user named it (for messages and `file`).
    pub display: String,
    /// The file's path under its archive root, `/`-separated with a leading
    /// `/` (`/news/2013/06/6/x.md`): an article's id, and the key a related
    /// link's target is first looked up by.
    pub rel: String,
    /// Further keys for the exact-path lookup (the path from a `news`
    /// folder, when the root is above or below the archive's own root).
    pub extra_keys: Vec<String>,
    /// The date the file's path spells, for articles.
    pub path_date: Option<NaiveDate>,
    pub parsed: Parsed,
    pub warnings: Vec<Warning>,
}

/// Builds the timeline. `files` must be in a stable order (sorted by path)
/// so that the result does not depend on how the filesystem lists them.
pub fn build(name: String, mut files: Vec<Loaded>, mut problems: Vec<Problem>) -> Timeline {
    let candidates = files.len() + problems.len();
    // When two files hold the same event, the one stored at its canonical
    // path is the original and the other the duplicate.
    files.sort_by_cached_key(|f| !at_canonical_path(f));
    let mut events: Vec<Event> = Vec::new();
    let mut drafts: Vec<Vec<LinkDraft>> = Vec::new();
    let mut by_id: HashMap<String, EventIdx> = HashMap::new();
    let mut by_path: HashMap<String, EventIdx> = HashMap::new();
    let mut index_pages = 0;
    // Events by canonical id and normalised headline: the same pair twice
    // is a duplicate, whatever ids the first copy ended up with.
    let mut seen_events: HashMap<(String, String), EventIdx> = HashMap::new();

    for f in files {
        let problem = |line, reason| Problem {
            file: f.display.clone(),
            line,
            reason,
        };
        problems.extend(f.warnings.iter().map(|(l, r)| problem(*l, r.clone())));
        let (event, links) = match f.parsed {
            Parsed::Index => {
                index_pages += 1;
                continue;
            }
            Parsed::Problem(line, reason) => {
                problems.push(problem(line, reason));
                continue;
            }
            Parsed::Event(e) => {
                let canonical = text::canonical_path(e.date, &e.slug_text);
                let key = (canonical.clone(), text::normalize_headline(&e.headline));
                if let Some(&first) = seen_events.get(&key) {
                    problems.push(problem(
                        Some(e.line),
                        format!(
                            "duplicate id {canonical}: {} has the same date and headline",
                            events[first].file.as_deref().unwrap_or("another file")
                        ),
                    ));
                    continue;
                }
                // Another event whose slug is the same (a headline with no
                // a-z0-9 in it, or one alike for 140 characters): both stay.
                let id = unique_id(&by_id, canonical, &f.rel);
                seen_events.insert(key, events.len());
                let event = Event {
                    body: e.body,
                    file: Some(f.display.clone()),
                    sources: e.sources,
                    ..Event::new(id, Kind::Event, Some(e.date), e.headline)
                };
                (event, e.related)
            }
            Parsed::Article(a) => {
                let rel = text::sanitize(&f.rel, false);
                let same = |i: EventIdx| {
                    let other: &Event = &events[i];
                    other.kind == Kind::Article && other.headline == a.title && other.body == a.body
                };
                if let Some(&first) = by_id.get(&rel).filter(|&&i| same(i)) {
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
                let id = unique_id(&by_id, rel, &display);
                let event = Event {
                    body: a.body,
                    file: Some(f.display.clone()),
                    ..Event::new(id, Kind::Article, f.path_date, a.title)
                };
                (event, Vec::new())
            }
        };
        let idx = events.len();
        by_id.insert(event.id.clone(), idx);
        for key in std::iter::once(&f.rel).chain(&f.extra_keys) {
            by_path.entry(text::normalize_target(key)).or_insert(idx);
        }
        events.push(event);
        drafts.push(links);
    }

    let mut by_headline: HashMap<(NaiveDate, String), EventIdx> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(date) = e.date {
            by_headline
                .entry((date, text::normalize_headline(&e.headline)))
                .or_insert(i);
        }
    }

    let loaded = events.len();
    let mut ghosts: HashMap<String, EventIdx> = HashMap::new();
    for (from, links) in drafts.into_iter().enumerate() {
        for link in links {
            let target = text::normalize_target(&link.target);
            let target_date = text::date_from_path(&target);
            let found = by_path
                .get(&target)
                .or_else(|| by_id.get(&target))
                .or_else(|| {
                    let date = target_date?;
                    by_headline.get(&(date, text::normalize_headline(&link.text)))
                })
                .copied();
            let to = found.unwrap_or_else(|| {
                let key = ghost_id(&link, &target);
                *ghosts.entry(key.clone()).or_insert_with(|| {
                    events.push(ghost(key, &link, target_date));
                    events.len() - 1
                })
            });
            events[to].backlinks.push(from);
            if to >= loaded {
                add_tags(&mut events[to].tags, &link.context);
            }
            add_tags(&mut events[from].tags, &link.context);
            events[from].related.push(Related {
                text: link.text,
                target: link.target,
                context: link.context,
                to,
                resolved: to < loaded,
            });
        }
    }
    // The lookup tables are done with: free them before the timeline sorts.
    drop((by_id, by_path, by_headline, ghosts, seen_events));
    Timeline::new(name, events, problems, index_pages, candidates)
}

fn at_canonical_path(f: &Loaded) -> bool {
    match &f.parsed {
        Parsed::Event(e) => {
            let id = text::canonical_path(e.date, &e.slug_text);
            std::iter::once(&f.rel)
                .chain(&f.extra_keys)
                .any(|k| text::normalize_target(k) == id)
        }
        _ => false,
    }
}

fn add_tags(tags: &mut Vec<String>, context: &[String]) {
    for t in context {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
}

/// A ghost is known by its link's (normalised) target; a link without
/// one by its text.
fn ghost_id(link: &LinkDraft, target: &str) -> String {
    let target = text::one_line(target);
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
fn unique_id(taken: &HashMap<String, EventIdx>, preferred: String, fallback: &str) -> String {
    if !taken.contains_key(&preferred) {
        return preferred;
    }
    let fallback = text::sanitize(fallback, false);
    if !taken.contains_key(&fallback) {
        return fallback;
    }
    (2..)
        .map(|n| format!("{preferred}#{n}"))
        .find(|id| !taken.contains_key(id))
        .expect("some number is free")
}

fn ghost(id: String, link: &LinkDraft, date: Option<NaiveDate>) -> Event {
    let headline = if link.text.is_empty() {
        let stem = id.rsplit('/').next().unwrap_or(&id);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        text::one_line(&stem.replace('-', " "))
    } else {
        link.text.clone()
    };
    Event::new(id, Kind::Ghost, date, headline)
}

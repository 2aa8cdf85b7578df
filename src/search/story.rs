//! The story of an entry: the entries that tell the same story, in
//! timeline order, for `s` in the browser, `ktimeline story` and the
//! `--story` filter.
//!
//! Found two ways. By links: the entries the entry links to or is linked
//! from are in, whatever their words (an author said they belong), and
//! through them the entries linked further on, but only those whose words
//! are near the story's ([`LINKED`]), so that one common link or tag
//! ("North Korea") does not pull in the whole archive. By content: the
//! similar entries a reader is shown (`similar::shown`) are in, so that a
//! story never leaves out what the Similar section lists; and, when there
//! are some, the entry's words are moved towards its nearest entries (as
//! [`super::similar`] does) when they are close ([`NEAR`]), the entries
//! close to that are taken, and the query is moved again towards all of
//! them (a second round of feedback, which reaches the members of a long
//! story written in other words); what stays above [`KEEP`] is in if it
//! is alike by its own words too (as `similar` ranks: a cosine of 0.05
//! and a telling word shared). An entry with nothing close has no story
//! by its words: the feedback would drift to a weak neighbour's story. On the labelled month of `tests/it/similar.rs`, an
//! entry with no story of its own gets 4.7 others rather than 5.3 before
//! these guards, and none for 45 % (where one with a story gathers 64 %
//! of it, 54 % on headlines alone: see [`KEEP`]).
//!
//! Bounded: five passes over at most 32 word lists each (see
//! `similar::MAX_POSTINGS`), the bodies of at most [`ROUND_TWO`] + 6
//! entries read, and at most [`MAX_STORY`] entries in a story.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use super::similar::{Near, shown, towards};
use super::words::WordIndex;
use crate::model::{EventIdx, Timeline};

/// Nearest entries taken into the first round of feedback.
const ROUND_ONE: usize = 3;
/// Cosine with the entry's own words to be one of those nearest.
const NEAR: f32 = 0.15;
/// Most entries of the first round taken into the second.
const ROUND_TWO: usize = 20;
/// The weight of the members in the second round's query.
const ROUND_TWO_WEIGHT: f32 = 2.0;
/// Cosine with the first round's query to be taken into the second.
const FIRST: f32 = 0.15;
/// Cosine with the second round's query to be in the story. At 0.15 a
/// story is tighter (an entry with no story gets about 3 others rather
/// than 4.7) but on the labelled month written as headlines alone, with
/// no entities named, it gathers 44 % of an entry's story, not the half
/// `tests/it/similar.rs` asks; at 0.09, 54 % (64 % with the entities),
/// still more precisely than TF-IDF.
const KEEP: f32 = 0.09;
/// Cosine with the second round's query for an entry reached through
/// links beyond the first step.
const LINKED: f32 = 0.08;
/// The most entries a story holds.
pub const MAX_STORY: usize = 2000;

/// The story of entry `idx` (itself included), in timeline order.
pub fn story(t: &Timeline, index: &WordIndex, idx: EventIdx) -> Vec<EventIdx> {
    if idx >= t.events.len() {
        return Vec::new();
    }
    let by_score = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let linked = |i: EventIdx| t.events[i].linked();
    // Links one step on first: they are in whatever the cap.
    let mut story: FxHashSet<EventIdx> = FxHashSet::default();
    story.insert(idx);
    for d in linked(idx) {
        if story.len() < MAX_STORY {
            story.insert(d);
        }
    }
    // Content: the entry alone (alike by its own words as a ranking asks,
    // `Near::Ranked`), then moved towards its nearest, then towards all
    // that are close to that.
    let mut own: Vec<(f32, usize)> = (towards(t, index, idx, &[], 0.0).into_iter())
        .filter(|&(c, k, _)| Near::Ranked.holds(c, || k))
        .map(|(c, _, d)| (c, d))
        .collect();
    own.sort_unstable_by(by_score);
    // What the reader is shown as Similar is in the story, and only an
    // entry with something close has a story by its words at all (a
    // loner's weak neighbours would pull in their own story).
    let shown: Vec<usize> = shown(t, index, idx).into_iter().map(|h| h.idx).collect();
    let nearest: Vec<usize> = (own.iter())
        .take_while(|&&(c, _)| c >= NEAR)
        .take(ROUND_ONE)
        .map(|&(_, d)| d)
        .collect();
    let alike: FxHashSet<usize> = own.iter().map(|&(_, d)| d).collect();
    let members: Vec<usize> = if shown.is_empty() {
        Vec::new()
    } else {
        let mut first: Vec<(f32, usize)> = (towards(t, index, idx, &nearest, 0.5).into_iter())
            .filter(|&(c, _, _)| c >= FIRST)
            .map(|(c, _, d)| (c, d))
            .collect();
        first.sort_unstable_by(by_score);
        first.iter().take(ROUND_TWO).map(|&(_, d)| d).collect()
    };
    let second: Vec<(f32, usize)> = (towards(t, index, idx, &members, ROUND_TWO_WEIGHT)
        .into_iter())
    .map(|(c, _, d)| (c, d))
    .collect();
    let near: FxHashMap<usize, f32> = second.iter().map(|&(c, d)| (d, c)).collect();
    let mut by_words: Vec<(f32, usize)> = (second.into_iter())
        .filter(|&(c, d)| !shown.is_empty() && c >= KEEP && alike.contains(&d))
        .chain(shown.iter().map(|&d| (f32::INFINITY, d)))
        .collect();
    by_words.sort_unstable_by(by_score);
    for (_, d) in by_words {
        if story.len() >= MAX_STORY {
            break;
        }
        story.insert(d);
    }
    // Links further on, from every member, each once: only to entries
    // near in words.
    let mut seen: FxHashSet<EventIdx> = story.clone();
    let mut queue: VecDeque<EventIdx> = story.iter().copied().filter(|&d| d != idx).collect();
    while let Some(i) = queue.pop_front() {
        for d in linked(i) {
            if story.len() >= MAX_STORY {
                break;
            }
            if seen.insert(d) && near.get(&d).is_some_and(|&c| c >= LINKED) {
                story.insert(d);
                queue.push_back(d);
            }
        }
    }
    let mut story: Vec<EventIdx> = story.into_iter().collect();
    story.sort_unstable_by_key(|&i| (t.events[i].date.is_none(), t.events[i].date, i));
    story
}

//! Fuzzy search over headlines, shared by the `search` command and the
//! browser's search popup. Every word of the query must match the headline
//! on its own (in any order), so a few word prefixes find an event.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use rayon::prelude::*;

use crate::model::{EventIdx, Timeline};

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub idx: EventIdx,
    pub score: i64,
    /// Char indices of the matched characters in the headline, ascending.
    pub positions: Vec<usize>,
}

/// Above this many headlines the scoring runs on all cores.
const PARALLEL_FROM: usize = 4096;

/// The best `limit` matches for `query`, best first; ties keep timeline
/// order. An empty query matches nothing.
pub fn search(timeline: &Timeline, query: &str, limit: usize) -> Vec<Hit> {
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() || limit == 0 {
        return Vec::new();
    }
    let matcher = SkimMatcherV2::default().smart_case();
    let score = |idx: EventIdx| -> Option<(i64, EventIdx)> {
        let headline = &timeline.events[idx].headline;
        let mut total = 0;
        for w in &words {
            total += matcher.fuzzy_match(headline, w)?;
        }
        Some((total, idx))
    };
    let n = timeline.events.len();
    let mut scored: Vec<(i64, EventIdx)> = if n >= PARALLEL_FROM {
        (0..n).into_par_iter().filter_map(score).collect()
    } else {
        (0..n).filter_map(score).collect()
    };
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(limit);
    scored
        .into_iter()
        .map(|(score, idx)| {
            let headline = &timeline.events[idx].headline;
            let mut positions: Vec<usize> = words
                .iter()
                .filter_map(|w| matcher.fuzzy_indices(headline, w))
                .flat_map(|(_, p)| p)
                .collect();
            positions.sort_unstable();
            positions.dedup();
            Hit {
                idx,
                score,
                positions,
            }
        })
        .collect()
}

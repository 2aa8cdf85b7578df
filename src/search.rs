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

/// Query words beyond these are ignored.
const MAX_WORDS: usize = 12;
const MAX_WORD_CHARS: usize = 40;

/// Characters of a headline that reach the matcher. Its memory and time
/// grow with query × text length, and a ghost's headline (a link's text)
/// has no length limit of its own: without this cap one 7 MB link text
/// made a search take gigabytes.
pub const MATCH_HEADLINE_CHARS: usize = 1000;

/// The first `n` characters of `s` (all of it when shorter).
pub fn prefix_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The part of a headline the matcher sees.
pub fn matched_text(headline: &str) -> &str {
    prefix_chars(headline, MATCH_HEADLINE_CHARS)
}

/// Above this many headlines the scoring runs on all cores.
const PARALLEL_FROM: usize = 4096;

/// The best `limit` matches for `query`, best first; ties keep timeline
/// order. An empty query matches nothing.
pub fn search(timeline: &Timeline, query: &str, limit: usize) -> Vec<Hit> {
    // The matcher's work grows with query × headline length: a pasted
    // paragraph is cut to its first words.
    let words: Vec<&str> = query
        .split_whitespace()
        .take(MAX_WORDS)
        .map(|w| prefix_chars(w, MAX_WORD_CHARS))
        .collect();
    if words.is_empty() || limit == 0 {
        return Vec::new();
    }
    let matcher = SkimMatcherV2::default().smart_case();
    let lower_words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let score = |idx: EventIdx| -> Option<(i64, EventIdx)> {
        let headline = matched_text(&timeline.events[idx].headline);
        let mut total = 0;
        for w in &words {
            total += matcher.fuzzy_match(headline, w)?;
        }
        let lower = headline.to_lowercase();
        for (w, lw) in words.iter().zip(&lower_words) {
            if !lower.contains(lw.as_str()) && !compact_match(&matcher, headline, w) {
                return None;
            }
        }
        Some((total + word_prefix_bonus(&lower, &lower_words), idx))
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
            let headline = matched_text(&timeline.events[idx].headline);
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

/// True when the letters of `word` match close together in `headline`
/// (within twice the word's length, plus two) or all at starts of words
/// (initials, "nk" in "North Korea"), not strewn across it: not "long" in
/// "an undated article about things".
fn compact_match(matcher: &SkimMatcherV2, headline: &str, word: &str) -> bool {
    let Some((_, positions)) = matcher.fuzzy_indices(headline, word) else {
        return false;
    };
    let (Some(first), Some(last)) = (positions.first(), positions.last()) else {
        return false;
    };
    if last - first < 2 * word.chars().count() + 2 {
        return true;
    }
    let chars: Vec<char> = headline.chars().collect();
    positions
        .iter()
        .all(|&p| p == 0 || !chars[p - 1].is_alphanumeric())
}

/// Extra score for each query word that starts a word of the headline, so
/// that "red cross" ranks "Red Cross" above letters scattered in "restored".
/// `lower` is the headline in lowercase.
fn word_prefix_bonus(lower: &str, lower_words: &[String]) -> i64 {
    let starts: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    lower_words
        .iter()
        .map(|q| {
            let len = q.chars().count().min(8) as i64;
            if starts.contains(&q.as_str()) {
                // The whole word: "report 1234" before "report 12345".
                24 * len
            } else if starts.iter().any(|w| w.starts_with(q.as_str())) {
                16 * len
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Kind, Timeline};

    fn timeline(headlines: &[&str]) -> Timeline {
        let events = headlines
            .iter()
            .enumerate()
            .map(|(i, h)| Event::new(format!("/{i}"), Kind::Event, None, h.to_string()))
            .collect();
        Timeline::new("t".into(), events, Vec::new(), 0, 0)
    }

    #[test]
    fn words_match_in_any_order_and_prefixes_rank_first() {
        let t = timeline(&[
            "Two sides restored cross-border hotlines.",
            "North Korea reconnects the Red Cross hotline.",
            "Unrelated news about farming.",
        ]);
        let hits = search(&t, "red cross hotl", 10);
        assert_eq!(hits.len(), 2);
        assert_eq!(
            t.events[hits[0].idx].headline,
            "North Korea reconnects the Red Cross hotline."
        );
        let again = search(&t, "hotl cross red", 10);
        assert_eq!(again[0].idx, hits[0].idx);
        assert!(search(&t, "farm zzz", 10).is_empty());
        // A whole word beats a longer word it starts.
        let t = timeline(&["Item (report 12345)", "Item (report 1234)"]);
        assert_eq!(
            t.events[search(&t, "report 1234", 1)[0].idx].headline,
            "Item (report 1234)"
        );
        // Letters strewn across a headline are not a match.
        let t = timeline(&["An undated article about things", "A long day"]);
        let hits = search(&t, "long", 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(t.events[hits[0].idx].headline, "A long day");
        // Initials close together still are: "nk" in "North Korea".
        assert_eq!(search(&timeline(&["North Korea"]), "nk", 10).len(), 1);
        assert!(search(&t, "   ", 10).is_empty());
    }

    #[test]
    fn positions_mark_the_matched_characters() {
        let t = timeline(&["Red Cross"]);
        let hits = search(&t, "cro red", 1);
        let chars: String = hits[0]
            .positions
            .iter()
            .map(|&p| "Red Cross".chars().nth(p).unwrap())
            .collect();
        assert_eq!(chars, "RedCro");
    }

    #[test]
    fn only_the_start_of_a_huge_headline_is_matched() {
        let huge = format!("{} zebra", "a".repeat(100_000));
        assert_eq!(matched_text(&huge).chars().count(), MATCH_HEADLINE_CHARS);
        assert_eq!(matched_text("short"), "short");
        assert_eq!(prefix_chars("한국어", 2), "한국");
        let t = timeline(&[&huge, "A zebra escapes"]);
        let hits = search(&t, "zebra", 10);
        // The word past the cap is not seen; the positions stay inside it.
        assert_eq!(hits.len(), 1);
        assert_eq!(t.events[hits[0].idx].headline, "A zebra escapes");
        let t = timeline(&[&format!("zeb {huge}")]);
        let hits = search(&t, "zeb", 10);
        assert!(hits[0].positions.iter().all(|&p| p < MATCH_HEADLINE_CHARS));
    }

    #[test]
    fn smart_case() {
        let t = timeline(&["kaesong reopens", "Kaesong closes"]);
        assert_eq!(search(&t, "kaesong", 10).len(), 2);
        assert_eq!(search(&t, "Kaesong", 10).len(), 1);
    }
}

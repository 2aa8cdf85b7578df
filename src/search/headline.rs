//! Fuzzy search over headlines ([`super::Kind::Headline`]), shared by the
//! `search` command and the browser's search popup. Every word of the
//! query must match the headline on its own (in any order), so a few word
//! prefixes find an event.
//!
//! The rules, for each query word (smart case: a word with a capital
//! letter matches case-sensitively, others ignore case):
//! - it matches *exactly* when it occurs in the headline as it is;
//! - it matches *loosely* when its letters occur in order, each within
//!   three characters of the one before ("kora" in "Korea"), or at the
//!   start of a word when the one before also starts a word (initials: "nk"
//!   in "North Korea"), not strewn across the headline;
//! - fuzzy-matcher's skim algorithm must also accept it, and scores it.
//!
//! Exact matches (every word exact) come first, then loose ones; within
//! each, the higher score (the matcher's, plus a bonus for words that start
//! a word of the headline) first, then timeline order.
//!
//! Both rules only get stricter as a word grows, so [`HeadlineSearch`]
//! keeps the previous query's matches and, when the new query extends it
//! (the usual case: one more letter typed), looks only at those. It also
//! keeps each headline lowercased and a bit mask of its letters, which
//! rules out most headlines before any matcher runs. Of the matches, only
//! those that can reach the list shown are scored by the matcher: a cheap
//! upper bound of each score ([`super::skim_bound`]) orders them, and
//! scoring stops when the list's last entry is ahead of the next bound.

use std::borrow::Cow;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use rayon::prelude::*;

use super::{Found, Hit, skim_bound};
use crate::filter::Filter;
use crate::model::{EventIdx, Timeline};
use crate::text::prefix_chars;

/// Query words beyond these are ignored.
const MAX_WORDS: usize = 12;
const MAX_WORD_CHARS: usize = 40;

/// Characters of a headline that reach the matcher. Its memory and time
/// grow with query × text length, and a ghost's headline (a link's text)
/// has no length limit of its own: without this cap one 7 MB link text
/// made a search take gigabytes.
pub const MATCH_HEADLINE_CHARS: usize = 1000;

/// A loosely matched letter may follow the one before after skipping at
/// most this many characters (unless it starts a word).
const MAX_GAP: usize = 2;

/// The part of a headline the matcher sees.
pub fn matched_text(headline: &str) -> &str {
    prefix_chars(headline, MATCH_HEADLINE_CHARS)
}

/// Above this many candidates the scoring runs on all cores.
const PARALLEL_FROM: usize = 2048;

/// The words of a query, cut to the caps: a pasted paragraph costs no more
/// than a dozen words.
pub fn query_words(query: &str) -> Vec<&str> {
    query
        .split_whitespace()
        .take(MAX_WORDS)
        .map(|w| prefix_chars(w, MAX_WORD_CHARS))
        .collect()
}

/// A query word, ready to match.
struct Word<'q> {
    typed: &'q str,
    /// Matches case-sensitively (it has a capital letter).
    case: bool,
    /// What to look for: `typed`, lowercased unless `case`.
    key: Vec<char>,
    key_str: String,
    /// Lowercased, for the word-start bonus.
    lower: String,
    mask: u64,
}

impl<'q> Word<'q> {
    fn new(typed: &'q str) -> Word<'q> {
        let case = typed.chars().any(char::is_uppercase);
        let lower = typed.to_lowercase();
        let key_str = if case {
            typed.to_string()
        } else {
            lower.clone()
        };
        Word {
            typed,
            case,
            key: key_str.chars().collect(),
            key_str,
            mask: letter_mask(&lower),
            lower,
        }
    }
}

/// The bit of a headline's mask that says it is not all ASCII.
const NOT_ASCII: u64 = 1 << 63;

/// One bit per ASCII letter and digit that occurs in `lower`.
fn letter_mask(lower: &str) -> u64 {
    lower.bytes().fold(0, |m, b| match b {
        b'a'..=b'z' => m | 1 << (b - b'a'),
        b'0'..=b'9' => m | 1 << (26 + b - b'0'),
        _ => m,
    })
}

/// What every query recomputed: each headline's matched part as it is and
/// lowercased, and the mask of its letters. The texts are kept end to end
/// in two strings, so that going through the matches in order reads
/// memory in order.
#[derive(Clone)]
struct Prepared {
    text: String,
    lower: String,
    /// Where headline `i` starts in `text` and in `lower`; one more at
    /// the end.
    starts: Vec<(u32, u32)>,
    masks: Vec<u64>,
}

impl Prepared {
    fn new(timeline: &Timeline) -> Prepared {
        let parts: Vec<(String, u64)> = timeline
            .events
            .par_iter()
            .with_min_len(1024)
            .map(|e| {
                let text = matched_text(&e.headline);
                let mut lower = text.to_lowercase();
                lower.truncate(prefix_chars(&lower, MATCH_HEADLINE_CHARS).len());
                let ascii = if text.is_ascii() { 0 } else { NOT_ASCII };
                let mask = letter_mask(&lower) | ascii;
                (lower, mask)
            })
            .collect();
        let text_len = timeline
            .events
            .iter()
            .map(|e| matched_text(&e.headline).len())
            .sum();
        let lower_len = parts.iter().map(|(l, _)| l.len()).sum();
        let mut p = Prepared {
            text: String::with_capacity(text_len),
            lower: String::with_capacity(lower_len),
            starts: Vec::with_capacity(parts.len() + 1),
            masks: Vec::with_capacity(parts.len()),
        };
        // Headlines are capped (`MATCH_HEADLINE_CHARS`), so the offsets fit
        // in 32 bits unless there are millions of entries; past that,
        // further ones are not searched.
        for (e, (lower, mask)) in timeline.events.iter().zip(parts) {
            let text = matched_text(&e.headline);
            if u32::try_from(p.text.len() + text.len()).is_err()
                || u32::try_from(p.lower.len() + lower.len()).is_err()
            {
                break;
            }
            p.starts.push((p.text.len() as u32, p.lower.len() as u32));
            p.text.push_str(text);
            p.lower.push_str(&lower);
            p.masks.push(mask);
        }
        p.starts.push((p.text.len() as u32, p.lower.len() as u32));
        p
    }

    fn len(&self) -> usize {
        self.masks.len()
    }

    /// Headline `i`'s matched part, and lowercased.
    fn texts(&self, i: usize) -> (&str, &str) {
        let (t0, l0) = self.starts[i];
        let (t1, l1) = self.starts[i + 1];
        (
            &self.text[t0 as usize..t1 as usize],
            &self.lower[l0 as usize..l1 as usize],
        )
    }
}

/// A match on its way to the list: exact or not, its score (or a bound of
/// it), and the entry.
type Candidate = (bool, i64, EventIdx);

/// The order of the list: exact matches first, then the higher score, then
/// timeline order.
fn order(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
}

/// Headline search over one timeline, remembering the last query's matches
/// so that typing one more letter looks only at those.
#[derive(Clone)]
pub struct HeadlineSearch {
    prepared: Prepared,
    /// The last query's words and filter, and every headline it matched,
    /// in order.
    last: Option<(Vec<String>, Filter, Vec<EventIdx>)>,
}

impl HeadlineSearch {
    /// Prepares `timeline`'s headlines (a few milliseconds per 100,000).
    pub fn new(timeline: &Timeline) -> HeadlineSearch {
        HeadlineSearch {
            prepared: Prepared::new(timeline),
            last: None,
        }
    }

    /// The best `limit` matches for `query` among the entries of `timeline`
    /// (the one this was made for) that `filter` keeps. An empty query
    /// matches nothing.
    pub fn search(
        &mut self,
        timeline: &Timeline,
        query: &str,
        limit: usize,
        filter: &Filter,
    ) -> Found {
        let typed = query_words(query);
        if typed.is_empty() {
            self.last = None;
            return Found::default();
        }
        let words: Vec<Word> = typed.iter().map(|w| Word::new(w)).collect();
        let n = timeline.events.len().min(self.prepared.len());
        let narrowed = self.last.take().and_then(|(old, old_filter, matches)| {
            // The same filter, and every old word grown into a new one
            // (same case rule): the new matches are among the old.
            let same = old_filter == *filter;
            (same
                && old.iter().all(|o| {
                    words.iter().any(|w| {
                        w.typed.starts_with(o.as_str())
                            && w.case == o.chars().any(char::is_uppercase)
                    })
                }))
            .then_some(matches)
        });
        let unfiltered = filter.is_empty();
        // First which headlines match, and whether exactly: cheap tests,
        // no scoring. An exact match can always be shown (exact ones rank
        // first), so the bound of its score is taken while its text is at
        // hand; a loose one's only when the exact ones leave room.
        const UNBOUNDED: i64 = i64::MIN;
        let matches = |scratch: &mut skim_bound::Scratch, idx: EventIdx| {
            let mask = self.prepared.masks[idx];
            if words.iter().any(|w| w.mask & !mask != 0)
                || (!unfiltered && !filter.accepts(&timeline.events[idx]))
            {
                return None;
            }
            let (headline, lower) = self.prepared.texts(idx);
            let exact = match_words(headline, lower, &words, mask & NOT_ASCII == 0)?;
            let bound = if exact && limit > 0 {
                bound_words(scratch, headline, lower, &words)
            } else {
                UNBOUNDED
            };
            Some((exact, bound, idx))
        };
        let found: Vec<Candidate> = match &narrowed {
            Some(c) if c.len() >= PARALLEL_FROM => c
                .par_iter()
                .with_min_len(256)
                .map_init(skim_bound::Scratch::default, |s, &i| matches(s, i))
                .flatten_iter()
                .collect(),
            None if n >= PARALLEL_FROM => (0..n)
                .into_par_iter()
                .with_min_len(256)
                .map_init(skim_bound::Scratch::default, matches)
                .flatten_iter()
                .collect(),
            Some(c) => {
                let mut s = skim_bound::Scratch::default();
                c.iter().filter_map(|&i| matches(&mut s, i)).collect()
            }
            None => {
                let mut s = skim_bound::Scratch::default();
                (0..n).filter_map(|i| matches(&mut s, i)).collect()
            }
        };
        self.last = Some((
            typed.iter().map(|w| w.to_string()).collect(),
            filter.clone(),
            found.iter().map(|s| s.2).collect(),
        ));
        let total = found.len();
        let exact = found.iter().filter(|s| s.0).count();
        let scored = self.best(found, exact, limit, &words);
        let hits = scored
            .into_iter()
            .map(|(exact, score, idx)| Hit {
                idx,
                score: score as f64,
                exact,
                positions: positions(&timeline.events[idx].headline, &typed),
                snippet: None,
            })
            .collect();
        Found {
            hits,
            total,
            exact,
            terms: Vec::new(),
        }
    }

    /// The best `limit` of `found` (every match, `exact` of them exact,
    /// each with the bound of its score when exact), scored, best first.
    fn best(
        &self,
        mut found: Vec<Candidate>,
        exact: usize,
        limit: usize,
        words: &[Word],
    ) -> Vec<Candidate> {
        // The matcher scores only those that can be shown: when the exact
        // matches fill the list, the loose ones (ranked after them) cannot.
        // The bounds order them; the matcher then scores the most
        // promising until no other can reach the list.
        let mut bounded = if limit == 0 {
            Vec::new()
        } else if exact >= limit {
            found.retain(|s| s.0);
            found
        } else {
            found
                .par_iter_mut()
                .with_min_len(256)
                .filter(|s| !s.0)
                .for_each_init(skim_bound::Scratch::default, |scratch, (_, b, idx)| {
                    let (headline, lower) = self.prepared.texts(*idx);
                    *b = bound_words(scratch, headline, lower, words);
                });
            found
        };
        bounded.par_sort_unstable_by(order);
        let score = |&(e, _, idx): &Candidate| -> Candidate {
            let (headline, lower) = self.prepared.texts(idx);
            (e, score_words(headline, lower, words), idx)
        };
        let mut scored: Vec<Candidate> = Vec::new();
        let mut next = 0;
        while next < bounded.len() {
            if scored.len() >= limit {
                // The last of the best so far comes before the next one
                // could at best: so do all that are left.
                scored.select_nth_unstable_by(limit - 1, order);
                scored.truncate(limit);
                if order(&scored[limit - 1], &bounded[next]).is_lt() {
                    break;
                }
            }
            let batch = &bounded[next..(next + limit.max(16)).min(bounded.len())];
            next += batch.len();
            if batch.len() >= PARALLEL_FROM / 4 {
                scored.par_extend(batch.par_iter().with_min_len(64).map(score));
            } else {
                scored.extend(batch.iter().map(score));
            }
        }
        if limit < scored.len() {
            scored.select_nth_unstable_by(limit - 1, order);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(order);
        scored
    }
}

/// The best `limit` matches for `query` among the entries `filter` keeps,
/// best first, and how many there were. An empty query matches nothing.
pub fn search(timeline: &Timeline, query: &str, limit: usize, filter: &Filter) -> Found {
    if query_words(query).is_empty() {
        return Found::default();
    }
    HeadlineSearch::new(timeline).search(timeline, query, limit, filter)
}

/// The headline as the matcher is shown it for a word without capitals:
/// skim ignores only ASCII case, so other capitals are lowered here (each
/// to one character, so that positions stay the same), and "éclair" finds
/// "Éclair" as "eclair" finds "Eclair".
pub fn skim_view(headline: &str) -> Cow<'_, str> {
    let capital = |c: char| !c.is_ascii() && c.is_uppercase();
    if headline.is_ascii() || !headline.chars().any(capital) {
        return Cow::Borrowed(headline);
    }
    Cow::Owned(
        headline
            .chars()
            .map(|c| {
                let mut lower = c.to_lowercase();
                match (capital(c), lower.next(), lower.next()) {
                    (true, Some(l), None) => l,
                    _ => c,
                }
            })
            .collect(),
    )
}

/// Whether `headline` (whose lowercase is `lower`) matches every word
/// (and the matcher would accept each), and if so whether exactly.
/// In an `ascii` headline a word that matches has its letters in order,
/// as the matcher compares them: no need to ask.
fn match_words(headline: &str, lower: &str, words: &[Word], ascii: bool) -> Option<bool> {
    let mut exact = true;
    for w in words {
        let text = if w.case { headline } else { lower };
        if !text.contains(w.key_str.as_str()) {
            exact = false;
            if !loose_match(text, &w.key) {
                return None;
            }
        }
    }
    if ascii {
        return Some(exact);
    }
    let view = skim_view(headline);
    words
        .iter()
        .all(|w| skim_accepts(if w.case { headline } else { &view }, w.typed))
        .then_some(exact)
}

/// Exactly when fuzzy-matcher's skim matcher (smart case) gives `word` a
/// score in `headline`: its letters occur in order, compared as skim
/// compares them (a word with an ASCII capital letter case-sensitively,
/// others ignoring ASCII case only).
fn skim_accepts(headline: &str, word: &str) -> bool {
    let case = word.bytes().any(|b| b.is_ascii_uppercase());
    let mut want = word.chars().peekable();
    for c in headline.chars() {
        let Some(&p) = want.peek() else {
            break;
        };
        if if case {
            c == p
        } else {
            c.eq_ignore_ascii_case(&p)
        } {
            want.next();
        }
    }
    want.peek().is_none()
}

/// The matcher, new for each call. Skim's matcher reuses its table from
/// one call to the next and resets only part of it, so a score can depend
/// on what the same matcher scored before on the same thread ("xxz" in
/// "xxz" scores 71 alone, 83 after "X xxz"). A new one gives every
/// headline its own score, whatever order (and thread) it is scored in; it
/// costs a few allocations, and only the matches that can be shown are
/// scored.
fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().smart_case()
}

/// The texts the matcher matches `input` in, as `(index, score, char
/// positions)` in the order given, each scored by a new matcher (see
/// [`matcher`]): for the browser's short lists (tags, bookmarks).
pub fn fuzzy_scores<S: AsRef<str>>(
    texts: impl IntoIterator<Item = S>,
    input: &str,
) -> Vec<(usize, i64, Vec<usize>)> {
    texts
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (score, positions) = matcher().fuzzy_indices(t.as_ref(), input)?;
            Some((i, score, positions))
        })
        .collect()
}

/// The score of a headline that [`match_words`] accepted: the matcher's
/// for each word, and the word-start bonus.
fn score_words(headline: &str, lower: &str, words: &[Word]) -> i64 {
    sum_words(headline, lower, words, |text, word| {
        matcher().fuzzy_match(text, word)
    })
}

/// At least [`score_words`], cheaper ([`skim_bound`]).
fn bound_words(
    scratch: &mut skim_bound::Scratch,
    headline: &str,
    lower: &str,
    words: &[Word],
) -> i64 {
    sum_words(headline, lower, words, |text, word| {
        skim_bound::bound(scratch, text, word)
    })
}

/// `each` of every word in the text skim is shown for it (the headline
/// for a word with capitals, else [`skim_view`]), summed, and the
/// word-start bonus.
fn sum_words(
    headline: &str,
    lower: &str,
    words: &[Word],
    mut each: impl FnMut(&str, &str) -> Option<i64>,
) -> i64 {
    let view = skim_view(headline);
    let total: i64 = words
        .iter()
        .map(|w| each(if w.case { headline } else { &view }, w.typed).unwrap_or(0))
        .sum();
    total + word_prefix_bonus(lower, words)
}

/// True when the letters of `key` occur in `text` in order, each within
/// [`MAX_GAP`] skipped characters of the one before, or at the start of a
/// word when the one before starts a word too. Only the first [`MATCH_HEADLINE_CHARS`] characters of `text` are
/// looked at.
fn loose_match(text: &str, key: &[char]) -> bool {
    // Sets of char positions, one bit each.
    const W: usize = MATCH_HEADLINE_CHARS.div_ceil(64);
    let bit = |set: &mut [u64; W], i: usize| set[i / 64] |= 1 << (i % 64);
    let Some((&first, rest)) = key.split_first() else {
        return true;
    };
    let text = prefix_chars(text, MATCH_HEADLINE_CHARS);
    let mut starts = [0u64; W];
    // Positions where the key so far can end.
    let mut reach = [0u64; W];
    let mut prev_alnum = false;
    for (i, c) in text.chars().enumerate() {
        if !prev_alnum {
            bit(&mut starts, i);
        }
        if c == first {
            bit(&mut reach, i);
        }
        prev_alnum = c.is_alphanumeric();
    }
    for &k in rest {
        if reach.iter().all(|&w| w == 0) {
            return false;
        }
        let mut next = [0u64; W];
        // One to MAX_GAP + 1 places after a reached position...
        for shift in 1..=MAX_GAP + 1 {
            let mut carry = 0;
            for (n, &r) in next.iter_mut().zip(&reach) {
                *n |= (r << shift) | carry;
                carry = r >> (64 - shift);
            }
        }
        // ... or, from a reached word start, any later word start
        // (initials: "nk" in "North Korea").
        let initial = reach
            .iter()
            .zip(&starts)
            .position(|(r, s)| r & s != 0)
            .map(|w| w * 64 + (reach[w] & starts[w]).trailing_zeros() as usize);
        if let Some(f) = initial {
            for (i, (n, &s)) in next.iter_mut().zip(&starts).enumerate() {
                let after = match (f + 1).checked_sub(i * 64) {
                    None => u64::MAX,
                    Some(b) if b >= 64 => 0,
                    Some(b) => u64::MAX << b,
                };
                *n |= s & after;
            }
        }
        reach = [0; W];
        for (i, c) in text.chars().enumerate() {
            if c == k && next[i / 64] & (1 << (i % 64)) != 0 {
                bit(&mut reach, i);
            }
        }
    }
    reach.iter().any(|&w| w != 0)
}

/// Extra score for each query word that starts a word of the headline, so
/// that "red cross" ranks "Red Cross" above letters scattered in "restored".
/// `lower` is the headline in lowercase.
fn word_prefix_bonus(lower: &str, words: &[Word]) -> i64 {
    let alnum_at = |i: usize| lower[i..].chars().next().is_some_and(char::is_alphanumeric);
    let alnum_before = |i: usize| {
        lower[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    };
    words
        .iter()
        .map(|q| {
            let q = q.lower.as_str();
            // The headline's words are its runs of letters and digits: a
            // query word with anything else in it starts none of them.
            if q.is_empty() || !q.chars().all(char::is_alphanumeric) {
                return 0;
            }
            let mut best = 0;
            for (i, _) in lower.match_indices(q) {
                if alnum_before(i) {
                    continue;
                }
                if !alnum_at(i + q.len()) {
                    // The whole word: "report 1234" before "report 12345".
                    best = 24;
                    break;
                }
                best = 16;
            }
            best * q.chars().count().min(8) as i64
        })
        .sum()
}

/// Char indices of the characters the matcher picked for each word.
fn positions(headline: &str, words: &[&str]) -> Vec<usize> {
    let headline = matched_text(headline);
    let view = skim_view(headline);
    let mut positions: Vec<usize> = words
        .iter()
        .filter_map(|w| {
            let case = w.chars().any(char::is_uppercase);
            matcher().fuzzy_indices(if case { headline } else { &view }, w)
        })
        .flat_map(|(_, p)| p)
        .collect();
    positions.sort_unstable();
    positions.dedup();
    positions
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

    fn heads<'a>(t: &'a Timeline, query: &str) -> Vec<&'a str> {
        search(t, query, 100, &Filter::default())
            .hits
            .iter()
            .map(|h| t.events[h.idx].headline.as_str())
            .collect()
    }

    #[test]
    fn words_match_in_any_order_and_prefixes_rank_first() {
        let t = timeline(&[
            "Two sides restored cross-border hotlines.",
            "North Korea reconnects the Red Cross hotline.",
            "Unrelated news about farming.",
        ]);
        let found = search(&t, "red cross hotl", 10, &Filter::default());
        assert_eq!(found.total, 2);
        assert_eq!(
            t.events[found.hits[0].idx].headline,
            "North Korea reconnects the Red Cross hotline."
        );
        let again = search(&t, "hotl cross red", 10, &Filter::default());
        assert_eq!(again.hits[0].idx, found.hits[0].idx);
        assert_eq!(
            search(&t, "farm zzz", 10, &Filter::default()),
            Found::default()
        );
        // A whole word beats a longer word it starts.
        let t = timeline(&["Item (report 12345)", "Item (report 1234)"]);
        assert_eq!(heads(&t, "report 1234")[0], "Item (report 1234)");
        // Letters strewn across a headline are not a match.
        let t = timeline(&["An undated article about things", "A long day"]);
        assert_eq!(heads(&t, "long"), ["A long day"]);
        // Initials still are: "nk" in "North Korea".
        assert_eq!(heads(&timeline(&["North Korea"]), "nk"), ["North Korea"]);
        assert!(search(&t, "   ", 10, &Filter::default()).hits.is_empty());
    }

    #[test]
    fn exact_matches_come_first_and_are_counted() {
        let t = timeline(&[
            "Pipes leak every day",
            "The Pope visits Seoul",
            "Pope Francis meets Moon",
            "Top people meet",
        ]);
        let found = search(&t, "pope", 10, &Filter::default());
        let got: Vec<_> = found
            .hits
            .iter()
            .map(|h| (t.events[h.idx].headline.as_str(), h.exact))
            .collect();
        assert_eq!(found.exact, 2);
        assert_eq!(found.total, 3, "{got:?}");
        assert!(got[0].1 && got[1].1 && !got[2].1, "{got:?}");
        assert_eq!(got[2].0, "Top people meet");
        // The limit cuts the list, not the counts.
        let one = search(&t, "pope", 1, &Filter::default());
        assert_eq!((one.hits.len(), one.total, one.exact), (1, 3, 2));
    }

    #[test]
    fn skim_acceptance_is_the_matchers() {
        let m = SkimMatcherV2::default().smart_case();
        for (h, w) in [
            ("North Korea", "nk"),
            ("North Korea", "NK"),
            ("North Korea", "Nk"),
            ("Été à Paris", "été"),
            ("Été à Paris", "Été"),
            ("été", "ÉTÉ"),
            ("abc", "abcd"),
            ("ǅx", "ǆx"),
            ("", "a"),
        ] {
            assert_eq!(
                skim_accepts(h, w),
                m.fuzzy_match(h, w).is_some(),
                "{h:?} {w:?}"
            );
        }
    }

    #[test]
    fn loose_matching_rules() {
        let key = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(loose_match("north korea", &key("nk")));
        assert!(loose_match("korea ends", &key("korae")));
        assert!(!loose_match("korea's talks", &key("korae")));
        assert!(loose_match("korea", &key("krea")));
        assert!(!loose_match(
            "an undated article about things",
            &key("long")
        ));
        // Two skipped characters are fine, three are not (mid-word).
        assert!(loose_match("abxxc", &key("abc")));
        assert!(!loose_match("abxxxc", &key("abc")));
        // A later word start is reachable from a word start, not from
        // inside a word.
        assert!(loose_match("ab xxxxxxxx cd", &key("ac")));
        assert!(!loose_match("ab xxxxxxxx cd", &key("bc")));
        assert!(loose_match("north south korea", &key("nsk")));
        assert!(!loose_match("", &key("a")));
        // Past 64 characters (bit sets span words).
        let long = format!("{} north {} korea", "x".repeat(70), "y".repeat(70));
        assert!(loose_match(&long, &key("nk")));
        assert!(!loose_match(&long, &key("nz")));
    }

    #[test]
    fn typing_on_narrows_without_changing_answers() {
        let t = timeline(&[
            "North Korea fires a missile",
            "Korean talks resume",
            "A kora player tours",
            "Kaesong reopens",
        ]);
        let mut s = HeadlineSearch::new(&t);
        for q in [
            "k", "ko", "kor", "kore", "korea", "korea ", "korea t", "Korea", "kaes",
        ] {
            assert_eq!(
                s.search(&t, q, 10, &Filter::default()),
                search(&t, q, 10, &Filter::default()),
                "query {q:?}"
            );
        }
    }

    #[test]
    fn positions_mark_the_matched_characters() {
        let t = timeline(&["Red Cross"]);
        let hits = search(&t, "cro red", 1, &Filter::default()).hits;
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
        // The word past the cap is not seen; the positions stay inside it.
        assert_eq!(heads(&t, "zebra"), ["A zebra escapes"]);
        let t = timeline(&[&format!("zeb {huge}")]);
        let hits = search(&t, "zeb", 10, &Filter::default()).hits;
        assert!(hits[0].positions.iter().all(|&p| p < MATCH_HEADLINE_CHARS));
    }

    #[test]
    fn smart_case() {
        let t = timeline(&["kaesong reopens", "Kaesong closes"]);
        assert_eq!(search(&t, "kaesong", 10, &Filter::default()).total, 2);
        assert_eq!(search(&t, "Kaesong", 10, &Filter::default()).total, 1);
        // Beyond ASCII too: lowercase finds any case, a capital itself.
        let t = timeline(&[
            "Éclair shop opens",
            "Über alles",
            "İstanbul bridge",
            "éclair day",
        ]);
        assert_eq!(heads(&t, "éclair"), ["Éclair shop opens", "éclair day"]);
        assert_eq!(heads(&t, "Éclair"), ["Éclair shop opens"]);
        assert_eq!(heads(&t, "über"), ["Über alles"]);
        assert_eq!(skim_view("Ünder ÉTÉ"), "ünder éTé");
        assert!(matches!(skim_view("ASCII Only"), Cow::Borrowed(_)));
    }
}

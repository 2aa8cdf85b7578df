//! Entries similar to one entry by content ("more like this"), for the
//! detail's Similar section, `ktimeline similar` and the story of an entry.
//!
//! Computed on demand from the full-text index ([`super::words`]), with no
//! table of all pairs: the entry's own words are weighed (the log of how
//! often it uses each, times the word's rarity in the archive), the
//! [`MAX_TERMS`] heaviest that another entry also holds are looked up, and
//! every entry holding any of them gets the cosine of the two weighted
//! vectors. So a query reads at most [`MAX_TERMS`] lists of the index, and
//! rare words shared (names, places) count for far more than common ones.
//!
//! The index keeps what a cosine needs besides the lists: each word's
//! number of entries and each entry's vector length (see
//! [`super::words::weight`]).

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Hit;
use super::words::{WordIndex, weight, words};
use crate::model::Timeline;

/// The most words of an entry that are looked up: its heaviest ones.
pub const MAX_TERMS: usize = 32;

/// Below this cosine (of their own words) an entry is not called similar.
pub const MIN_SCORE: f64 = 0.05;

/// How close an entry must be to be listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Near {
    /// A ranking (`ktimeline similar`): every entry whose own words'
    /// cosine is at least [`MIN_SCORE`] and that shares a telling word.
    Ranked,
    /// What a reader is shown (the detail's Similar section, `show`):
    /// only entries close by their own words, so that an entry with
    /// nothing close shows nothing rather than six weak guesses. Close is
    /// a cosine of at least 0.15 with two telling words shared, or of at
    /// least 0.08 with three (a short event and a long article on one
    /// subject, such as the two seeds, have a low cosine but share many
    /// names). Two words next to each other in the entry are one name
    /// shared ("Saudi Arabia"). On the labelled month of
    /// `tests/it/similar.rs` this lists 4.2 entries at 0.74 precision for
    /// an entry with a story, and 1.2 for an entry with none (the ranking
    /// lists 6 for both).
    Close,
}

impl Near {
    /// Whether an entry whose own words' cosine with the entry asked
    /// about is `cosine`, and that shares `shared()` telling names with it,
    /// is listed. (`shared` is counted only for a cosine that may be: it
    /// is asked of every entry a query touches.)
    pub(super) fn holds(self, cosine: f32, shared: impl FnOnce() -> usize) -> bool {
        let cosine = f64::from(cosine);
        match self {
            Near::Ranked => cosine >= MIN_SCORE && shared() >= 1,
            Near::Close => {
                cosine >= 0.08 && {
                    let shared = shared();
                    (cosine >= 0.15 && shared >= 2) || shared >= 3
                }
            }
        }
    }
}

/// How many shared words the "why" line names.
const WHY_WORDS: usize = 4;

/// One word of a query: its number in the index, its weight, and for a
/// word of the entry asked about, as that entry writes it first.
struct Term {
    number: usize,
    weight: f32,
    /// How the entry asked about writes it, for a word of its own.
    shown: Option<Spelling>,
    /// Worth naming when saying why two entries are alike
    /// ("Volkswagen", not "its"; see [`telling`]).
    telling: bool,
}

/// A word's first spelling and place in an entry (headline, then body),
/// and the character after it there.
type Spelling = (String, Range<usize>, char);

/// Words too common in English, or in news, to say why two entries are
/// alike ("people", "least", "first", the words of a toll: "killed",
/// "injured", and of conflict and state: "militants", "officials"); they
/// still count in the ranking, by their rarity in the archive.
const FILLER: &str = "\
    a about according after again against ago all almost also amid among an and another any \
    are around as at back be because been before being between both but by called came can \
    could day days did do does during each earlier early eight even ever few first five \
    following for former four from get go had has have he her here him his how hundred \
    hundreds i if in including into is it its just last late later least less made make makes \
    many may me million millions month months more most much must my near new next nine no not \
    news now of off on once one only or other others our out over own part people per report reported \
    reportedly reports said same say says second seven several she should since six so some \
    still such take takes ten than that the their them then there these they third this those \
    thousand thousands three through time times to today too two under until up upon very was \
    way we week weeks well were what when where whether which while who whom whose why will \
    with within without would year years yesterday yet you your \
    dead death deaths die died dies injured injuries injuring injury kill killed killing kills \
    toll wounded wounding \
    attack attacked attacks bomb bombing bombings bombs blast explosion explosions militant \
    militants police security forces troops soldiers official officials country \
    countries city capital national international world group groups leader leaders \
    appear appeared appears became become becomes began begin begins clear come comes gave \
    give given gives goes going gone help held hold holds keep keeps kept long need needs \
    put saw see seen set show showed shown shows started starts tell told use used uses \
    using want wants went work working works \
    announce announced announces company companies declare declared declares effect \
    effects high immediately low minister ministers percent president presidential prime \
    won";

/// The [`FILLER`] words as a set.
fn filler() -> &'static FxHashSet<&'static str> {
    static SET: std::sync::OnceLock<FxHashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| FILLER.split_whitespace().collect())
}

/// Whether `word` (folded) is a common word of English or of news, which
/// names nothing ("the", "people", "reported").
pub fn is_filler(word: &str) -> bool {
    filler().contains(word)
}

/// Whether a word held by `df` of `n` entries can say why two entries are
/// alike: not a [`FILLER`] word, not a number, not one letter, and not
/// held by a large share of the archive (a tenth of a large one; half of
/// a small one, at most 20 entries; any two entries).
fn telling(word: &str, df: usize, n: usize) -> bool {
    df <= (n / 10).max((n / 2).clamp(2, 20))
        && word.chars().count() > 1
        && !word.chars().all(|c| c.is_ascii_digit())
        && !filler().contains(word)
}

/// The unit vector of entry `idx`: its words that some other entry holds
/// too, heaviest first (words no other entry holds count in the length
/// only).
fn entry_vector(t: &Timeline, index: &WordIndex, idx: usize) -> Vec<Term> {
    let body = crate::loader::body(t, idx);
    // Each word's count, and its first spelling and place (the body's
    // places after the headline's, never next to them).
    type First = (u32, String, Range<usize>, char);
    let mut counts: FxHashMap<String, First> = FxHashMap::default();
    let headline = t.events[idx].headline.as_str();
    for (text, from) in [(headline, 0), (&*body, headline.len() + 2)] {
        words(text, |word, range| {
            counts
                .entry(word.to_string())
                .or_insert_with(|| {
                    let at = from + range.start..from + range.end;
                    let after = text[range.end..].chars().next().unwrap_or(' ');
                    (0, text[range].to_string(), at, after)
                })
                .0 += 1;
        });
    }
    let n = index.docs();
    let mut norm = 0f32;
    let mut terms: Vec<Term> = Vec::new();
    for (word, (tf, shown, at, after)) in counts {
        let Some(number) = index.term_number(&word) else {
            continue;
        };
        let df = index.df(number);
        let weight = weight(tf, df, n);
        norm += weight * weight;
        if df >= 2 {
            terms.push(Term {
                number,
                weight,
                shown: Some((shown, at, after)),
                telling: telling(&word, df as usize, n),
            });
        }
    }
    let norm = norm.sqrt();
    if norm > 0.0 {
        terms.iter_mut().for_each(|t| t.weight /= norm);
    }
    terms.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.number.cmp(&b.number)));
    terms
}

/// The cosines of a query (heaviest words first) with every entry that
/// holds one of the words looked up, and which of those each holds (a bit
/// each). At most [`MAX_TERMS`] words are looked up, and only while their
/// lists hold at most [`MAX_POSTINGS`] entries in all: a word too common
/// for what is left is passed over for the lighter, rarer ones after it.
struct Scores {
    cos: Vec<f32>,
    held: Vec<u32>,
    touched: Vec<usize>,
    /// The words looked up, as indices into the query.
    used: Vec<usize>,
}

/// The most entries a query's lists may hold in all (a bound on its time,
/// whatever the archive's words).
pub const MAX_POSTINGS: u64 = 150_000;

fn scores(index: &WordIndex, query: &[Term], n: usize) -> Scores {
    let mut s = Scores {
        cos: vec![0f32; n],
        held: vec![0u32; n],
        touched: Vec::new(),
        used: Vec::new(),
    };
    let mut budget = MAX_POSTINGS;
    for (at, term) in query.iter().enumerate() {
        let df = index.df(term.number);
        if s.used.len() == MAX_TERMS {
            break;
        }
        let Some(left) = budget.checked_sub(u64::from(df)) else {
            continue;
        };
        budget = left;
        let bit = 1 << s.used.len();
        s.used.push(at);
        index.postings(term.number, |d, c| {
            if d < n {
                if s.held[d] == 0 {
                    s.touched.push(d);
                }
                s.held[d] |= bit;
                s.cos[d] += term.weight * weight(c, df, n);
            }
        });
    }
    // The query's length is that of the words looked up (as a "more like
    // this" query is its heaviest words): a long article, whose own
    // length spreads over thousands of words, is then as close to a short
    // event about its subject as a short entry would be.
    let q_norm = (query.iter().enumerate())
        .filter(|(at, _)| s.used.contains(at))
        .map(|(_, t)| t.weight * t.weight)
        .sum::<f32>()
        .sqrt();
    for &d in &s.touched {
        s.cos[d] /= (q_norm * index.norm(d)).max(f32::MIN_POSITIVE);
    }
    s
}

/// The `k` best of `s`, best first, leaving out `idx` and what `skip`
/// refuses.
fn best(s: &Scores, k: usize, idx: usize, skip: impl Fn(usize) -> bool) -> Vec<(f32, usize)> {
    let mut ranked: Vec<(f32, usize)> = (s.touched.iter())
        .filter(|&&d| d != idx && !skip(d))
        .map(|&d| (s.cos[d], d))
        .collect();
    let by_score = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if ranked.len() > k && k > 0 {
        ranked.select_nth_unstable_by(k - 1, by_score);
        ranked.truncate(k);
    }
    ranked.sort_unstable_by(by_score);
    ranked
}

/// The entries most like entry `idx`, best first, at most `limit`, none
/// of those `skip` refuses (nor `idx` itself), none whose own words'
/// cosine with those of `idx` or whose telling words shared (see
/// [`telling`]: an entry alike only in "people" and "said" is not similar)
/// are fewer than `near` asks. Each hit's score is a cosine (0 to 1) and
/// its snippet names the (at most four) heaviest telling words it shares
/// with `idx`, in the order `idx` has them (see [`why`]).
///
/// The entry's vector is first moved towards its [`FEEDBACK`] nearest
/// entries (pseudo-relevance feedback, Rocchio's method): words that its
/// closest neighbours share with it and with each other gain weight, so
/// that entries about the same subject in other words rank higher. On the
/// labelled month of `tests/it/similar.rs` this raises the precision of
/// the first five by about two points over the plain cosine.
pub fn similar(
    t: &Timeline,
    index: &WordIndex,
    idx: usize,
    limit: usize,
    near: Near,
    skip: impl Fn(usize) -> bool,
) -> Vec<Hit> {
    let n = index.docs().min(t.events.len());
    if idx >= n || limit == 0 {
        return Vec::new();
    }
    let own = entry_vector(t, index, idx);
    if own.is_empty() {
        return Vec::new();
    }
    let first = scores(index, &own, n);
    // Alike enough by their own words: the feedback below ranks, it does
    // not make an entry similar.
    let alike = |d: usize| f64::from(first.cos[d]) >= MIN_SCORE;
    let neighbours = best(&first, FEEDBACK, idx, |d| !alike(d));
    let neighbours: Vec<usize> = neighbours.into_iter().map(|(_, d)| d).collect();
    let query = expand(t, index, own, &neighbours, FEEDBACK_WEIGHT);
    let s = scores(index, &query, n);
    let close = |d: usize| {
        let names = || names(shared(&query, &s.used, s.held[d]).collect()).len();
        near.holds(first.cos[d], names)
    };
    best(&s, limit, idx, |d| !close(d) || skip(d))
        .into_iter()
        .map(|(score, d)| Hit {
            idx: d,
            score: f64::from(score),
            exact: false,
            positions: Vec::new(),
            snippet: Some(why(&query, &s.used, s.held[d])),
        })
        .collect()
}

/// The most similar entries a reader is shown.
pub const SHOWN: usize = 6;

/// The similar entries a reader is shown for entry `idx` (the detail's
/// Similar section, `show`, and a story's sure members): the close ones
/// ([`Near::Close`]), at most [`SHOWN`], none it links to or is linked
/// from (those are listed as links already).
pub fn shown(t: &Timeline, index: &WordIndex, idx: usize) -> Vec<Hit> {
    let Some(e) = t.events.get(idx) else {
        return Vec::new();
    };
    let linked: FxHashSet<usize> = e.linked().collect();
    similar(t, index, idx, SHOWN, Near::Close, |d| linked.contains(&d))
}

/// Neighbours taken into a query, and their share of its weight.
const FEEDBACK: usize = 3;
const FEEDBACK_WEIGHT: f32 = 0.5;

/// `own` plus `weight` times the mean of the neighbours' vectors,
/// heaviest first.
fn expand(
    t: &Timeline,
    index: &WordIndex,
    own: Vec<Term>,
    neighbours: &[usize],
    weight: f32,
) -> Vec<Term> {
    if neighbours.is_empty() {
        return own;
    }
    let mut at: FxHashMap<usize, usize> =
        own.iter().enumerate().map(|(k, t)| (t.number, k)).collect();
    let mut query = own;
    let share = weight / neighbours.len() as f32;
    for &d in neighbours {
        for term in entry_vector(t, index, d) {
            match at.get(&term.number) {
                Some(&k) => query[k].weight += share * term.weight,
                None => {
                    at.insert(term.number, query.len());
                    query.push(Term {
                        number: term.number,
                        weight: share * term.weight,
                        shown: None,
                        telling: false,
                    });
                }
            }
        }
    }
    query.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.number.cmp(&b.number)));
    query
}

/// The telling words of the entry asked about that an entry holds (bit
/// `k` of `held` for `query[used[k]]`), heaviest first, as the entry
/// writes them.
fn shared<'q>(
    query: &'q [Term],
    used: &'q [usize],
    held: u32,
) -> impl Iterator<Item = &'q Spelling> {
    (used.iter().enumerate())
        .filter(move |(k, _)| held & (1 << k) != 0)
        .map(|(_, &at)| &query[at])
        .filter(|t| t.telling)
        .filter_map(|t| t.shown.as_ref())
}

/// `words` in the entry's order, those next to each other in it as one
/// name ("Saudi Arabia" is one thing shared, not two).
fn names(mut words: Vec<&Spelling>) -> Vec<Vec<&Spelling>> {
    words.sort_by_key(|(_, at, _)| at.start);
    let mut names: Vec<Vec<&Spelling>> = Vec::new();
    for word in words {
        match names.last_mut() {
            Some(name)
                if name
                    .last()
                    .is_some_and(|(_, at, _)| word.1.start == at.end + 1) =>
            {
                name.push(word)
            }
            _ => names.push(vec![word]),
        }
    }
    names
}

/// The [`WHY_WORDS`] heaviest telling words of the entry asked about that
/// an entry holds (see [`shared`]), as [`names`] in the entry's order, a
/// name's words joined as the entry joins them ("cross-border").
fn why(query: &[Term], used: &[usize], held: u32) -> String {
    let heaviest: Vec<&Spelling> = shared(query, used, held).take(WHY_WORDS).collect();
    let shown: Vec<String> = (names(heaviest).into_iter())
        .map(|name| {
            let mut shown = String::new();
            for (k, (word, _, _)) in name.iter().enumerate() {
                if k > 0 {
                    shown.push(if name[k - 1].2 == '-' { '-' } else { ' ' });
                }
                shown.push_str(word);
            }
            shown
        })
        .collect();
    shown.join(", ")
}

/// The cosine of every entry that shares a word with the query made of
/// entry `idx` moved towards `members` (`weight`: their share), and the
/// number of the entry's telling words it holds, as (cosine, telling
/// words, entry), the entry itself left out; for the story
/// ([`super::story`]). Empty when the entry has no word another holds.
pub(super) fn towards(
    t: &Timeline,
    index: &WordIndex,
    idx: usize,
    members: &[usize],
    weight: f32,
) -> Vec<(f32, usize, usize)> {
    let n = index.docs().min(t.events.len());
    if idx >= n {
        return Vec::new();
    }
    let own = entry_vector(t, index, idx);
    if own.is_empty() {
        return Vec::new();
    }
    let query = expand(t, index, own, members, weight);
    let s = scores(index, &query, n);
    // (A count of words, not of names: it is asked of every entry
    // touched, and a ranking asks only for one.)
    let mut telling = 0u32;
    for (k, &at) in s.used.iter().enumerate() {
        if query[at].telling {
            telling |= 1 << k;
        }
    }
    (s.touched.iter())
        .filter(|&&d| d != idx)
        .map(|&d| (s.cos[d], (s.held[d] & telling).count_ones() as usize, d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn why_names_the_words_in_the_entrys_order_and_joins_a_name() {
        let term = |word: &str, at: Range<usize>, telling: bool| Term {
            number: 0,
            weight: 1.0,
            shown: Some((
                word.to_string(),
                at,
                if word == "cross" { '-' } else { ' ' },
            )),
            telling,
        };
        // "… in Saudi Arabia during the Hajj": heaviest first in the query.
        let query = [
            term("Arabia", 9..15, true),
            term("Hajj", 27..31, true),
            term("Saudi", 3..8, true),
            term("during", 16..22, false),
        ];
        assert_eq!(why(&query, &[0, 1, 2, 3], 0b1111), "Saudi Arabia, Hajj");
        assert_eq!(why(&query, &[0, 1, 2, 3], 0b0011), "Arabia, Hajj");
        // Two words of one name are one thing shared.
        let telling = query.iter().filter(|t| t.telling);
        let telling: Vec<&Spelling> = telling.filter_map(|t| t.shown.as_ref()).collect();
        assert_eq!(names(telling).len(), 2, "Saudi Arabia, Hajj");
        // "cross-border": as it is written.
        let query = [term("border", 6..12, true), term("cross", 0..5, true)];
        assert_eq!(why(&query, &[0, 1], 0b11), "cross-border");
    }

    #[test]
    fn telling_words_are_rare_names_not_filler_or_numbers() {
        assert!(telling("volkswagen", 3, 1000));
        assert!(!telling("people", 3, 1000));
        assert!(!telling("000", 3, 1000));
        assert!(!telling("x", 3, 1000));
        // A tenth of a large archive is too common; a small one allows up
        // to half of it, at most 20.
        assert!(!telling("saudi", 101, 1000));
        assert!(telling("saudi", 100, 1000));
        assert!(telling("korea", 5, 10));
        assert!(!telling("korea", 6, 10));
        assert!(!telling("korea", 21, 100));
        assert!(telling("paypal", 2, 2), "two entries can share a name");
    }
}

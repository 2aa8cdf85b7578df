//! Full-text search ([`super::Kind::FullText`]) over the headlines and
//! bodies of every entry, through an index of words: every word of the
//! query must begin a word of the entry (case and accents ignored),
//! entries whose headline holds them all come first, the rest by relevance
//! (BM25); [`super::snippet`] shows each with a line of its body.
//!
//! Bodies are not kept in memory (see `loader::body`), so the words are:
//! for each distinct word, the entries it occurs in and how often, packed
//! as variable-length numbers, about two bytes per word and entry. The
//! index is built the first time a full-text query is asked, from every
//! body read back from the files, and kept in the cache folder beside the
//! archive's index (`index::Place::write_words`), stamped with a checksum
//! of the timeline it was built from; a changed archive builds it again.
//!
//! A hand-written index rather than tantivy: the queries need only word
//! prefixes, a conjunction and one ranking, over at most a few hundred
//! thousand short documents; this fits in a few hundred lines with no new
//! dependency tree, builds from the bodies already on disk, and is one
//! file that can be checked and replaced atomically like the rest of the
//! cache.

use std::ops::Range;

use chrono::Datelike;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::headline::query_words;
use super::{Found, Hit};
use crate::filter::Filter;
use crate::model::{Body, Timeline};

/// Characters of a word that are indexed; longer words are cut (a query
/// word is cut alike, so it still finds them).
pub const WORD_MAX: usize = 40;

/// Entries read and split into words at a time while building.
const CHUNK: usize = 4096;

const MAGIC: &[u8; 8] = b"KTLWORDS";
/// Bumped whenever the file layout or the way words are cut changes.
const FORMAT: u32 = 2;

/// BM25's parameters (the usual ones).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Appends the folded form of `c` (lowercase, accents dropped) to `out`.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

/// The words of `text`, folded, each with its byte range in `text`: runs
/// of letters and digits (accents and other combining marks stay inside a
/// word), cut to [`WORD_MAX`] characters.
pub fn words(text: &str, mut each: impl FnMut(&str, Range<usize>)) {
    let mut word = String::new();
    let mut start = None;
    let mut chars = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || (start.is_some() && is_combining_mark(c)) {
            if start.is_none() {
                start = Some(i);
                word.clear();
                chars = 0;
            }
            if chars < WORD_MAX {
                fold_char(c, &mut word);
                chars += 1;
            }
            end = i + c.len_utf8();
        } else if let Some(s) = start.take() {
            each(&word, s..end);
        }
    }
    if let Some(s) = start {
        each(&word, s..end);
    }
}

/// The folded words of a query, at most a dozen.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for w in query_words(query) {
        words(w, |t, _| {
            if !terms.iter().any(|have| have == t) {
                terms.push(t.to_string());
            }
        });
    }
    terms.truncate(12);
    terms
}

/// A checksum of what the index is built from: every entry's id, kind,
/// date, headline and body (by its checksum when it is in a file).
pub fn stamp(t: &Timeline) -> u64 {
    let mut h = crc32fast::Hasher::new();
    for e in &t.events {
        h.update(e.id.as_bytes());
        h.update(&[e.kind as u8, 0]);
        h.update(&e.date.map_or(0, |d| d.num_days_from_ce()).to_le_bytes());
        h.update(e.headline.as_bytes());
        h.update(&[0]);
        if e.meta.is_some() {
            h.update(e.headline_text().as_bytes());
            h.update(&[0]);
        }
        match &e.body {
            Body::Inline(s) => h.update(s.as_bytes()),
            Body::File { start, len, crc } => {
                h.update(&start.to_le_bytes());
                h.update(&len.to_le_bytes());
                h.update(&crc.to_le_bytes());
            }
        }
        h.update(&[1]);
    }
    (u64::from(h.finalize()) << 32) | (t.events.len() as u64 & 0xffff_ffff)
}

/// The bytes at the start of a word index file that say how long it is:
/// magic, format, checksum, stamp and four lengths.
pub const HEAD: usize = 8 + 4 + 4 + 8 + 4 * 8;

/// The index of words of one timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct WordIndex {
    stamp: u64,
    /// Every distinct word, sorted, one after another; word `i` ends at
    /// `term_ends[i]`.
    terms: String,
    term_ends: Vec<u32>,
    /// For word `i`, `postings[post_ends[i - 1]..post_ends[i]]`: pairs of
    /// (entry number minus the previous one, times it occurs) as LEB128.
    postings: Vec<u8>,
    post_ends: Vec<u64>,
    /// Words in each entry.
    doc_len: Vec<u32>,
    /// For word `i`, how many entries hold it.
    df: Vec<u32>,
    /// For each entry, the length of its vector of word weights
    /// ([`weight`]): what a cosine between two entries divides by.
    norm: Vec<f32>,
}

/// The weight of a word in an entry that uses it `tf` times, when `df` of
/// the `n` entries hold it: the log of its count times its rarity, the log
/// of `n / df` (a word every entry holds weighs nothing). The similarity
/// of entries, [`super::similar`], is the cosine of these; the index keeps
/// each entry's vector length, so a change here changes [`FORMAT`].
pub fn weight(tf: u32, df: u32, n: usize) -> f32 {
    if tf == 0 || df == 0 {
        return 0.0;
    }
    (1.0 + (tf as f32).ln()) * (n as f32 / df as f32).ln()
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn get_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

/// One entry's words while building: all of them folded in one string,
/// each distinct one as a range into it with its count, and how many
/// there were.
struct DocWords {
    folded: String,
    counts: Vec<(Range<u32>, u32)>,
    len: u32,
}

/// A word's entries while building: the last entry added and the packed
/// list so far.
#[derive(Default)]
struct Building {
    last: u32,
    bytes: Vec<u8>,
}

impl WordIndex {
    /// Reads every entry's headline and body (from the files, a chunk at a
    /// time, on all cores) and indexes their words.
    pub fn build(t: &Timeline) -> WordIndex {
        let n = t.events.len();
        let mut map: FxHashMap<Box<str>, Building> = FxHashMap::default();
        let mut doc_len = vec![0u32; n];
        for start in (0..n).step_by(CHUNK) {
            // Each entry: its folded words in one string, and the counts of
            // each distinct word as ranges into it.
            let docs: Vec<DocWords> = (start..(start + CHUNK).min(n))
                .into_par_iter()
                .map(|i| {
                    let body = crate::loader::body(t, i);
                    let mut folded = String::new();
                    let mut ranges: Vec<Range<u32>> = Vec::new();
                    for text in [&*t.events[i].headline_text(), &body] {
                        words(text, |w, _| {
                            let s = folded.len() as u32;
                            folded.push_str(w);
                            ranges.push(s..folded.len() as u32);
                        });
                    }
                    let len = ranges.len() as u32;
                    let word = |r: &Range<u32>| &folded[r.start as usize..r.end as usize];
                    ranges.sort_unstable_by(|a, b| word(a).cmp(word(b)));
                    let mut counts: Vec<(Range<u32>, u32)> = Vec::new();
                    for r in ranges {
                        match counts.last_mut() {
                            Some((last, c)) if word(last) == word(&r) => *c += 1,
                            _ => counts.push((r, 1)),
                        }
                    }
                    DocWords {
                        folded,
                        counts,
                        len,
                    }
                })
                .collect();
            for (
                k,
                DocWords {
                    folded,
                    counts,
                    len,
                },
            ) in docs.into_iter().enumerate()
            {
                let doc = (start + k) as u32;
                doc_len[doc as usize] = len;
                for (r, count) in counts {
                    let w = &folded[r.start as usize..r.end as usize];
                    let b = match map.get_mut(w) {
                        Some(b) => b,
                        None => map.entry(w.into()).or_default(),
                    };
                    // The first entry is stored as itself plus one, so that
                    // every gap is at least one.
                    let gap = if b.bytes.is_empty() {
                        doc + 1
                    } else {
                        doc - b.last
                    };
                    put_varint(&mut b.bytes, u64::from(gap));
                    put_varint(&mut b.bytes, u64::from(count));
                    b.last = doc;
                }
            }
        }
        let mut all: Vec<(Box<str>, Building)> = map.into_iter().collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut index = WordIndex {
            stamp: stamp(t),
            terms: String::new(),
            term_ends: Vec::with_capacity(all.len()),
            postings: Vec::new(),
            post_ends: Vec::with_capacity(all.len()),
            doc_len,
            df: Vec::new(),
            norm: Vec::new(),
        };
        for (w, b) in all {
            index.terms.push_str(&w);
            index.term_ends.push(index.terms.len() as u32);
            index.postings.extend_from_slice(&b.bytes);
            index.post_ends.push(index.postings.len() as u64);
        }
        (index.df, index.norm) = index.weights();
        index
    }

    /// How many entries hold each word, and each entry's vector length:
    /// one pass over the lists.
    fn weights(&self) -> (Vec<u32>, Vec<f32>) {
        let n = self.docs();
        let mut df = vec![0u32; self.len()];
        let mut norm = vec![0f32; n];
        for (i, d) in df.iter_mut().enumerate() {
            self.postings(i, |_, _| *d += 1);
            let df = *d;
            self.postings(i, |doc, c| {
                let w = weight(c, df, n);
                norm[doc] += w * w;
            });
        }
        norm.iter_mut().for_each(|x| *x = x.sqrt());
        (df, norm)
    }

    /// How many entries hold word `i`.
    pub(super) fn df(&self, i: usize) -> u32 {
        self.df.get(i).copied().unwrap_or(0)
    }

    /// The length of entry `d`'s vector of weights.
    pub(super) fn norm(&self, d: usize) -> f32 {
        self.norm.get(d).copied().unwrap_or(0.0)
    }

    /// The index of `t`: read from `place` when one was saved for this very
    /// timeline, else built (and saved there, when it can be).
    pub fn open(t: &Timeline, place: Option<&crate::index::Place>) -> WordIndex {
        let saved = place.and_then(WordIndex::read_saved);
        WordIndex::saved_or_built(t, place, saved)
    }

    /// The index saved at `place`, whatever timeline it was built from
    /// (so that it can be read while the archive loads, on another thread).
    pub fn read_saved(place: &crate::index::Place) -> Option<WordIndex> {
        WordIndex::from_bytes(&place.read_words(HEAD, WordIndex::told_len)?)
    }

    /// `saved` if it was built from `t` as it is now; else the index of `t`
    /// built again (and saved at `place`, when it can be).
    pub fn saved_or_built(
        t: &Timeline,
        place: Option<&crate::index::Place>,
        saved: Option<WordIndex>,
    ) -> WordIndex {
        if let Some(index) = saved.filter(|w| w.fits(t)) {
            return index;
        }
        let index = WordIndex::build(t);
        if let Some(p) = place {
            // A cache folder that cannot be written costs the next
            // query the build again, nothing else.
            let _ = p.write_words(&index.to_bytes());
        }
        index
    }

    /// True when it was built from `t` as it is now.
    pub fn fits(&self, t: &Timeline) -> bool {
        self.doc_len.len() == t.events.len() && self.stamp == stamp(t)
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.term_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.term_ends.is_empty()
    }

    fn term(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.term_ends[i - 1] as usize
        };
        &self.terms[start..self.term_ends[i] as usize]
    }

    /// How many entries it was built from.
    pub fn docs(&self) -> usize {
        self.doc_len.len()
    }

    /// The number of the word `w` (folded), if any entry holds it.
    pub(super) fn term_number(&self, w: &str) -> Option<usize> {
        let i = partition(self.len(), |i| self.term(i) < w);
        (i < self.len() && self.term(i) == w).then_some(i)
    }

    /// The words that begin with `prefix`: a range of word numbers.
    fn prefixed(&self, prefix: &str) -> Range<usize> {
        let n = self.len();
        let lo = partition(n, |i| self.term(i) < prefix);
        let hi = lo + partition(n - lo, |k| self.term(lo + k).starts_with(prefix));
        lo..hi
    }

    /// Calls `each(entry, count)` for every entry word `i` occurs in.
    pub(super) fn postings(&self, i: usize, mut each: impl FnMut(usize, u32)) {
        let start = if i == 0 {
            0
        } else {
            self.post_ends[i - 1] as usize
        };
        let bytes = &self.postings[start..self.post_ends[i] as usize];
        let mut at = 0;
        let mut doc: u64 = 0;
        let mut first = true;
        while at < bytes.len() {
            let (Some(gap), Some(count)) = (get_varint(bytes, &mut at), get_varint(bytes, &mut at))
            else {
                return;
            };
            // A gap of 0 is never written; a file that has one (made by
            // hand, checksum and all) ends the list rather than wrapping.
            doc = match (first, gap.checked_sub(1)) {
                (true, Some(d)) => d,
                (false, Some(_)) => doc.saturating_add(gap),
                (_, None) => return,
            };
            first = false;
            if let Some(d) = usize::try_from(doc)
                .ok()
                .filter(|&d| d < self.doc_len.len())
            {
                each(d, count as u32);
            }
        }
    }

    /// The best `limit` entries `filter` keeps that hold every word of
    /// `query` (as the start of a word): headline matches first, then by
    /// relevance, then in timeline order.
    pub fn search(&self, t: &Timeline, query: &str, limit: usize, filter: &Filter) -> Found {
        let terms = query_terms(query);
        let n = self.doc_len.len().min(t.events.len());
        if terms.is_empty() || n == 0 {
            return Found {
                terms,
                ..Found::default()
            };
        }
        let avg = self.doc_len.iter().map(|&l| l as f64).sum::<f64>() / n as f64;
        let avg = avg.max(1.0) as f32;
        let mut tf = vec![0u32; n];
        // How many query words each entry holds so far, and its score.
        let mut held = vec![0u8; n];
        let mut score = vec![0f32; n];
        let mut alive: Vec<usize> = Vec::new();
        for (w, term) in terms.iter().enumerate() {
            let mut touched = Vec::new();
            for i in self.prefixed(term) {
                self.postings(i, |d, c| {
                    if d < n && usize::from(held[d]) == w {
                        if tf[d] == 0 {
                            touched.push(d);
                        }
                        tf[d] = tf[d].saturating_add(c);
                    }
                });
            }
            // Entries that hold it among those that held every word before
            // (the document frequency counts only those: a cheap stand-in
            // that ranks the same within one query).
            let df = touched.len() as f32;
            let idf = (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln();
            for &d in &touched {
                let f = tf[d] as f32;
                let norm = K1 * (1.0 - B + B * self.doc_len[d] as f32 / avg);
                score[d] += idf * f * (K1 + 1.0) / (f + norm);
                held[d] += 1;
                tf[d] = 0;
            }
            alive = touched;
            if alive.is_empty() {
                break;
            }
        }
        // Ranked as (in the headline, score, entry), made hits only once cut
        // to the limit.
        let mut ranked: Vec<(bool, f32, usize)> = alive
            .into_iter()
            .filter(|&d| filter.accepts(&t.events[d]))
            .map(|d| {
                (
                    headline_holds(&t.events[d].headline_text(), &terms),
                    score[d],
                    d,
                )
            })
            .collect();
        let total = ranked.len();
        let in_headline = ranked.iter().filter(|h| h.0).count();
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        ranked.truncate(limit);
        let hits = ranked
            .into_iter()
            .map(|(exact, score, idx)| Hit {
                idx,
                score: f64::from(score),
                exact,
                positions: word_positions(&t.events[idx].headline, &terms),
                snippet: None,
            })
            .collect();
        Found {
            hits,
            total,
            exact: in_headline,
            terms,
        }
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(
            self.terms.len() + self.postings.len() + 16 * self.len() + 8 * self.doc_len.len() + 64,
        );
        body.extend_from_slice(&self.stamp.to_le_bytes());
        for n in [
            self.term_ends.len(),
            self.terms.len(),
            self.postings.len(),
            self.doc_len.len(),
        ] {
            body.extend_from_slice(&(n as u64).to_le_bytes());
        }
        self.term_ends
            .iter()
            .for_each(|e| body.extend_from_slice(&e.to_le_bytes()));
        body.extend_from_slice(self.terms.as_bytes());
        self.post_ends
            .iter()
            .for_each(|e| body.extend_from_slice(&e.to_le_bytes()));
        body.extend_from_slice(&self.postings);
        self.doc_len
            .iter()
            .for_each(|e| body.extend_from_slice(&e.to_le_bytes()));
        self.df
            .iter()
            .for_each(|e| body.extend_from_slice(&e.to_le_bytes()));
        self.norm
            .iter()
            .for_each(|e| body.extend_from_slice(&e.to_le_bytes()));
        let mut out = Vec::with_capacity(body.len() + 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Reads a file written by [`WordIndex::to_bytes`]; `None` unless it is
    /// whole, of this format, and consistent.
    /// The length of a whole file written by [`WordIndex::to_bytes`], as
    /// its first [`HEAD`] bytes tell it (the file is read only if it is
    /// that long).
    pub fn told_len(head: &[u8]) -> Option<u64> {
        let n = |at: usize| Some(u64::from_le_bytes(head.get(at..at + 8)?.try_into().ok()?));
        let (n_terms, terms_len, postings_len, docs) = (n(24)?, n(32)?, n(40)?, n(48)?);
        (HEAD as u64)
            .checked_add(n_terms.checked_mul(16)?)?
            .checked_add(terms_len)?
            .checked_add(postings_len)?
            .checked_add(docs.checked_mul(8)?)
    }

    pub fn from_bytes(b: &[u8]) -> Option<WordIndex> {
        if b.get(..8)? != MAGIC || u32::from_le_bytes(b.get(8..12)?.try_into().ok()?) != FORMAT {
            return None;
        }
        let body = b.get(16..)?;
        if crc32fast::hash(body) != u32::from_le_bytes(b.get(12..16)?.try_into().ok()?) {
            return None;
        }
        let mut at: usize = 0;
        let mut take = |len: usize| -> Option<&[u8]> {
            let s = body.get(at..at.checked_add(len)?)?;
            at += len;
            Some(s)
        };
        let u64_at = |s: &[u8]| u64::from_le_bytes(s.try_into().expect("8 bytes"));
        let stamp = u64_at(take(8)?);
        let mut lens = [0usize; 4];
        for l in &mut lens {
            *l = usize::try_from(u64_at(take(8)?)).ok()?;
        }
        let [n_terms, terms_len, postings_len, docs] = lens;
        let term_ends: Vec<u32> = take(n_terms.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let terms = std::str::from_utf8(take(terms_len)?).ok()?.to_string();
        let post_ends: Vec<u64> = take(n_terms.checked_mul(8)?)?
            .chunks_exact(8)
            .map(u64_at)
            .collect();
        let postings = take(postings_len)?.to_vec();
        let doc_len: Vec<u32> = take(docs.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let df: Vec<u32> = take(n_terms.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let norm: Vec<f32> = take(docs.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        // Ends must rise and stay inside their text, on character bounds.
        let rising = |ends: &[u64], max: u64| {
            ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().is_none_or(|&e| e == max)
        };
        let te: Vec<u64> = term_ends.iter().map(|&e| u64::from(e)).collect();
        if !rising(&te, terms.len() as u64)
            || !rising(&post_ends, postings.len() as u64)
            || !term_ends
                .iter()
                .all(|&e| terms.is_char_boundary(e as usize))
        {
            return None;
        }
        Some(WordIndex {
            stamp,
            terms,
            term_ends,
            postings,
            post_ends,
            doc_len,
            df,
            norm,
        })
    }
}

/// The number of leading `i` in `0..n` for which `pred` holds (it holds
/// for a prefix of them).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// True when every term begins a word of `headline`.
pub fn headline_holds(headline: &str, terms: &[String]) -> bool {
    let mut found = vec![false; terms.len()];
    words(headline, |w, _| {
        for (f, t) in found.iter_mut().zip(terms) {
            *f |= w.starts_with(t.as_str());
        }
    });
    found.iter().all(|&f| f)
}

/// Char indices of `headline` inside its words that begin with one of
/// `terms` (as much of each word as the term covers): what the browser
/// marks in a full-text hit's headline.
pub fn word_positions(headline: &str, terms: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    words(headline, |w, r| {
        if let Some(t) = terms.iter().find(|t| w.starts_with(t.as_str())) {
            let first = headline[..r.start].chars().count();
            let len = headline[r].chars().count().min(t.chars().count());
            out.extend(first..first + len);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Event, Kind};

    fn timeline(entries: &[(&str, &str)]) -> Timeline {
        let events = entries
            .iter()
            .enumerate()
            .map(|(i, (h, body))| {
                let mut e = Event::new(format!("/{i}"), Kind::Article, None, h.to_string());
                e.body = Body::Inline((*body).into());
                e
            })
            .collect();
        Timeline::new("t".into(), events, Vec::new(), 0, 0)
    }

    fn all(w: &str) -> Vec<String> {
        let mut v = Vec::new();
        words(w, |t, r| v.push(format!("{t}@{}", r.start)));
        v
    }

    #[test]
    fn words_are_folded_and_placed() {
        assert_eq!(
            all("Été à Pyeongyang's"),
            ["ete@0", "a@6", "pyeongyang@9", "s@20"]
        );
        // A decomposed accent stays in its word.
        assert_eq!(all("Cafe\u{301} x"), ["cafe@0", "x@7"]);
        assert_eq!(all("  "), Vec::<String>::new());
        let long = "a".repeat(100);
        let mut cut = Vec::new();
        words(&long, |t, r| cut.push((t.len(), r)));
        assert_eq!(cut, [(WORD_MAX, 0..100)]);
        assert_eq!(query_terms("Korea's  KOREA été"), ["korea", "s", "ete"]);
    }

    #[test]
    fn every_word_must_begin_a_word_and_headlines_come_first() {
        let t = timeline(&[
            (
                "Talks resume",
                "The delegations met in Panmunjom about the railway.",
            ),
            ("Railway reopens", "Trains cross the border again."),
            (
                "Floods",
                "Rain damages the railways and roads; railway repairs begin.",
            ),
            (
                "Unrelated",
                "Nothing about trains here, only trail walking.",
            ),
        ]);
        let idx = WordIndex::build(&t);
        let found = idx.search(&t, "rail", 10, &Filter::default());
        let order: Vec<&str> = found
            .hits
            .iter()
            .map(|h| t.events[h.idx].headline.as_str())
            .collect();
        // The headline hit first; then the body with more mentions; "trail"
        // does not begin with "rail".
        assert_eq!(order, ["Railway reopens", "Floods", "Talks resume"]);
        assert_eq!((found.total, found.exact), (3, 1));
        let found = idx.search(&t, "RAIL panmun", 10, &Filter::default());
        assert_eq!(found.total, 1);
        assert_eq!(t.events[found.hits[0].idx].headline, "Talks resume");
        assert_eq!(
            idx.search(&t, "rail zebra", 10, &Filter::default()).total,
            0
        );
        assert_eq!(idx.search(&t, "", 10, &Filter::default()).total, 0);
        // Accents are folded both ways.
        let t = timeline(&[("Été", "Le café est fermé.")]);
        let idx = WordIndex::build(&t);
        assert_eq!(idx.search(&t, "cafe ete", 10, &Filter::default()).total, 1);
        assert_eq!(idx.search(&t, "FERMÉ", 10, &Filter::default()).total, 1);
    }

    #[test]
    fn the_file_round_trips_and_damage_is_refused() {
        let t = timeline(&[("One", "alpha beta"), ("Two", "beta gamma gamma")]);
        let idx = WordIndex::build(&t);
        assert!(idx.fits(&t));
        let bytes = idx.to_bytes();
        assert_eq!(WordIndex::from_bytes(&bytes), Some(idx.clone()));
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(WordIndex::from_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert_eq!(WordIndex::from_bytes(&flipped), None);
        let other = timeline(&[("One", "alpha beta"), ("Two", "beta gamma")]);
        assert!(!idx.fits(&other));
    }

    #[test]
    fn word_positions_cover_the_matched_starts() {
        let p = word_positions("Été: the railway reopens", &["rail".into(), "ete".into()]);
        assert_eq!(p, vec![0, 1, 2, 9, 10, 11, 12]);
    }
}

//! A cheap upper bound of the score fuzzy-matcher's skim matcher gives a
//! word in a headline, so that headline search can score with the matcher
//! only the matches that can reach the list shown. Typing `kor` into 100,000
//! headlines matches 16,000 of them; calling the matcher on each costs
//! 2–3 µs, most of it outside the arithmetic (per-call allocations,
//! thread-local lookups). The bound runs the same table with reused
//! buffers on the part of the headline that decides the score.
//!
//! It is the matcher's own recurrence (`SkimMatcherV2`, default score
//! settings, smart case, without positions: two rows of cells reused
//! row after row), with one change that makes it a bound rather than a
//! copy: a cell's carried bonus that the matcher may leave over from an
//! earlier call (its table is reused between calls and only partly reset,
//! so a reused matcher can score "xxz" in "xxz" 71 alone and 83 after
//! "X xxz") is taken at the largest value a bonus can have. Every value in
//! the table only grows with the bonuses fed to it (sums and maxima), so
//! the result is never below the matcher's score, whatever it scored
//! before. Where no left-over bonus is read (no doubled letters in the
//! wrong places) it is a new matcher's score exactly, which is what makes
//! the bound useful; search scores with a new matcher each time. `tests`
//! check both against the crate on random strings.

use std::cmp::max;

/// The skim matcher's default settings (`SkimScoreConfig::default`).
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
/// The matcher's "minus infinity".
const NEG: i32 = i16::MIN as i32;
/// The largest bonus a cell can carry: a word start at the first
/// character, doubled.
const MAX_BONUS: i32 = BONUS_HEAD * BONUS_FIRST_CHAR_MULTIPLIER;

#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

/// Buffers reused from one headline to the next (one per thread).
#[derive(Default)]
pub struct Scratch {
    choice: Vec<char>,
    pattern: Vec<char>,
    first: Vec<usize>,
    bonus: Vec<i32>,
    cells: Vec<Cell>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

#[inline]
const fn kind(c: char) -> Kind {
    match c {
        '\0' => Kind::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Kind::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Kind::SoftSep,
        '0'..='9' => Kind::Number,
        'A'..='Z' => Kind::Upper,
        _ => Kind::Lower,
    }
}

/// The bonus for matching a character of kind `cur` after one of `prev`.
#[inline]
fn in_place_bonus(prev: Kind, cur: Kind) -> i32 {
    match (prev, cur) {
        (Kind::Empty | Kind::HardSep, _) => BONUS_HEAD,
        (Kind::SoftSep, _) => BONUS_BREAK,
        (Kind::Lower | Kind::Number, Kind::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

/// A character of a headline or word: a byte when both are ASCII (no
/// decoding), else a `char`.
trait Unit: Copy + PartialEq {
    fn char(self) -> char;
    fn kind(self) -> Kind;
}

/// [`kind`] of each ASCII character.
const ASCII_KINDS: [Kind; 128] = {
    let mut table = [Kind::Lower; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = kind(b as u8 as char);
        b += 1;
    }
    table
};

impl Unit for u8 {
    #[inline]
    fn char(self) -> char {
        self as char
    }
    #[inline]
    fn kind(self) -> Kind {
        // Only ASCII text is taken byte by byte.
        ASCII_KINDS[(self & 0x7f) as usize]
    }
}

impl Unit for char {
    #[inline]
    fn char(self) -> char {
        self
    }
    #[inline]
    fn kind(self) -> Kind {
        kind(self)
    }
}

/// Whether the matcher takes text character `c` for word character `p`.
#[inline]
fn same<U: Unit>(c: U, p: U, case: bool) -> bool {
    c == p || (!case && c.char().eq_ignore_ascii_case(&p.char()))
}

/// At least `SkimMatcherV2::default().smart_case().fuzzy_match(text,
/// word)`; `None` exactly when the matcher gives none (the word's letters
/// do not occur in order).
pub fn bound(scratch: &mut Scratch, text: &str, word: &str) -> Option<i64> {
    if word.is_empty() {
        return Some(0);
    }
    let case = word.bytes().any(|b| b.is_ascii_uppercase());
    if text.is_ascii() && word.is_ascii() {
        return table(scratch, text.as_bytes(), word.as_bytes(), case);
    }
    let mut choice = std::mem::take(&mut scratch.choice);
    let mut pattern = std::mem::take(&mut scratch.pattern);
    choice.clear();
    choice.extend(text.chars());
    pattern.clear();
    pattern.extend(word.chars());
    let b = table(scratch, &choice, &pattern, case);
    scratch.choice = choice;
    scratch.pattern = pattern;
    b
}

/// The matcher's table for `pattern` in `text`, with left-over bonuses at
/// their largest.
fn table<U: Unit>(scratch: &mut Scratch, text: &[U], pattern: &[U], case: bool) -> Option<i64> {
    let Scratch {
        first,
        bonus,
        cells,
        ..
    } = scratch;
    let (&p0, &plast) = (pattern.first()?, pattern.last()?);
    // Only the part from the character before the first that can match
    // the first letter to the last that can match the last letter counts:
    // the rows start at their first possible match, each cell is made from
    // cells to its left, and the cells after the last letter's last match
    // hold no match.
    let start = text
        .iter()
        .position(|&c| same(c, p0, case))?
        .saturating_sub(1);
    let end = text.iter().rposition(|&c| same(c, plast, case))? + 1;
    let choice = text.get(start..end)?;
    // The first match of each letter, greedily (the matcher's
    // `cheap_matches`).
    first.clear();
    let mut want = pattern.iter().peekable();
    for (i, &c) in choice.iter().enumerate() {
        match want.peek() {
            Some(&&p) if same(c, p, case) => {
                first.push(i);
                want.next();
            }
            Some(_) => {}
            None => break,
        }
    }
    if want.peek().is_some() {
        return None;
    }
    let cols = choice.len() + 1;
    bonus.clear();
    bonus.resize(cols, 0);
    let mut prev = Kind::Empty;
    for (j, &c) in choice.iter().enumerate() {
        let k = c.kind();
        bonus[j + 1] = in_place_bonus(prev, k);
        prev = k;
    }
    if cols > 1 {
        bonus[1] *= BONUS_FIRST_CHAR_MULTIPLIER;
    }
    // Two rows of cells (the matcher's compressed table), kept as columns
    // of scores and carried bonuses. A cell the matcher would not reset
    // may hold any bonus from an earlier call: the largest.
    cells.clear();
    cells.resize(
        2 * cols,
        Cell {
            m: NEG,
            p: NEG,
            bonus: MAX_BONUS,
        },
    );
    let (row0, row1) = cells.split_at_mut(cols);
    for cell in row0.iter_mut() {
        *cell = Cell {
            m: NEG,
            p: GAP_EXTENSION,
            bonus: 0,
        };
    }
    row1[first[0]] = Cell {
        m: NEG,
        p: NEG,
        bonus: 0,
    };
    for (i, &p) in pattern.iter().enumerate() {
        // Row i + 1 of the table is made from row i.
        let (prev, cur): (&[Cell], &mut [Cell]) = if i & 1 == 0 {
            (row0, row1)
        } else {
            (row1, row0)
        };
        let from = first[i];
        // The cell to the left is carried in `last` and written back once
        // its carried bonus is final.
        let (done, ahead) = cur.split_at_mut(from + 1);
        let mut last_slot = &mut done[from];
        let mut last = *last_slot;
        let columns = choice[from..]
            .iter()
            .zip(&bonus[from + 1..])
            .zip(&prev[from..])
            .zip(ahead);
        for (((&c, &in_place), diag), slot) in columns {
            let mut here = *slot;
            if same(c, p, case) {
                let score = if !case && p != c {
                    SCORE_MATCH + PENALTY_CASE_MISMATCH
                } else {
                    SCORE_MATCH
                };
                let consecutive = max(last.bonus, max(in_place, BONUS_CONSECUTIVE));
                last.bonus = consecutive;
                here.m = max(diag.m + consecutive, diag.p + in_place) + score;
            } else {
                here.m = NEG;
                here.bonus = 0;
            }
            here.p = max(GAP_START + GAP_EXTENSION + last.m, GAP_EXTENSION + last.p);
            *last_slot = last;
            last_slot = slot;
            last = here;
        }
        *last_slot = last;
    }
    let last_row: &[Cell] = if pattern.len() & 1 == 0 { row0 } else { row1 };
    last_row[first[first.len() - 1]..]
        .iter()
        .map(|c| c.m)
        .max()
        .map(i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use proptest::prelude::*;

    fn skim(text: &str, word: &str) -> Option<i64> {
        // A fresh matcher each time: no left-over bonuses.
        SkimMatcherV2::default()
            .smart_case()
            .fuzzy_match(text, word)
    }

    #[test]
    fn equals_the_matcher_on_headlines() {
        let mut s = Scratch::default();
        for (text, word) in [
            (
                "South Korea approves rail links amid an energy crisis (report 33743). ",
                "kore",
            ),
            ("South Korea approves rail links", "k"),
            ("Korea", "korea"),
            ("North Korea", "nk"),
            ("Pope Francis visits Cuba", "pope"),
            ("Pope Francis visits Cuba", "Pope"),
            ("Éclair", "éclair"),
            ("a-b_c.d/e", "abcde"),
            ("fooBar 123Baz", "fbb"),
            ("nothing", "xyz"),
            ("", "a"),
        ] {
            assert_eq!(
                bound(&mut s, text, word),
                skim(text, word),
                "{word:?} in {text:?}"
            );
        }
    }

    /// A matcher that is reused can score higher than a new one (a bonus
    /// left over from the call before is read); the bound stays above.
    #[test]
    fn a_left_over_bonus_is_allowed_for() {
        let mut s = Scratch::default();
        let fresh = skim("xxz", "xxz").unwrap();
        let reused = SkimMatcherV2::default().smart_case();
        let _ = reused.fuzzy_match("X xxz", "xxz");
        let after = reused.fuzzy_match("xxz", "xxz").unwrap();
        assert!(after > fresh, "{after} {fresh}");
        assert!(bound(&mut s, "xxz", "xxz").unwrap() >= after);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// Never below the matcher, whatever calls came before on the
        /// same matcher; the same answer about whether there is a match.
        #[test]
        fn never_below_the_matcher(
            calls in prop::collection::vec(
                ("[abAB xX(._/1É-]{0,14}", "[abAxB.É]{1,4}"), 1..6),
        ) {
            let m = SkimMatcherV2::default().smart_case();
            let mut s = Scratch::default();
            for (text, word) in &calls {
                let got = m.fuzzy_match(text, word);
                let b = bound(&mut s, text, word);
                prop_assert_eq!(got.is_some(), b.is_some(), "{:?} in {:?}", word, text);
                if let (Some(got), Some(b)) = (got, b) {
                    prop_assert!(b >= got, "{:?} in {:?}: bound {} < {}", word, text, b, got);
                }
            }
        }
    }
}

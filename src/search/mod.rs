//! Search, shared by the `search` command and the browser's search popup:
//! one [`Kind`] of search names which one is asked, and both kinds answer
//! with the same [`Found`] and [`Hit`], so that neither the command nor the
//! browser converts one result into another.
//!
//! - [`headline`]: fuzzy matching over headlines, kept between keystrokes;
//! - [`words`]: full text, through an index of words (BM25);
//! - [`snippet`]: the line of body shown under a hit;
//! - [`skim_bound`]: a cheap upper bound of the headline matcher's score.

pub mod headline;
pub mod similar;
pub mod skim_bound;
pub mod snippet;
pub mod story;
pub mod words;

pub use headline::{
    HeadlineSearch, MATCH_HEADLINE_CHARS, fuzzy_scores, matched_text, query_words, search,
    skim_view,
};
pub use words::WordIndex;

use crate::model::EventIdx;

/// Which search is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Fuzzy over headlines ([`headline`]).
    #[default]
    Headline,
    /// Every word begins a word of the headline or the body ([`words`]).
    FullText,
}

impl Kind {
    /// What the first group of hits ([`Hit::exact`]) is called in a
    /// summary: "22 exact", "22 in headlines".
    fn first_group(self) -> &'static str {
        match self {
            Kind::Headline => "exact",
            Kind::FullText => "in headlines",
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub idx: EventIdx,
    /// Higher is better: the matcher's score for a headline search (a
    /// whole number), the BM25 relevance for full text.
    pub score: f64,
    /// In the first group, ranked before the others: for a headline
    /// search, every query word occurs in the headline as typed; for full
    /// text, every query word begins a word of the headline.
    pub exact: bool,
    /// Char indices of the matched characters in the headline, ascending.
    pub positions: Vec<usize>,
    /// A line of the body to show under the headline ([`snippet::fill`]):
    /// the first line, or for full text the words around the match.
    pub snippet: Option<String>,
}

/// The best hits of a query and how many there were in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// Best first, at most the limit asked for.
    pub hits: Vec<Hit>,
    /// Every entry that matched.
    pub total: usize,
    /// How many of them are in the first group ([`Hit::exact`]).
    pub exact: usize,
    /// Full text: the folded query words, to mark in snippets.
    pub terms: Vec<String>,
}

/// What a search found, in words: "no match", "16 matches", "1,204
/// matches (22 exact), best 200 shown", "97 matches (3 in headlines)".
pub fn summary(kind: Kind, total: usize, exact: usize, shown: usize) -> String {
    if total == 0 {
        return "no match".to_string();
    }
    let part_name = kind.first_group();
    let mut s = match total {
        1 => "1 match".to_string(),
        n => format!("{} matches", thousands(n)),
    };
    if exact == 0 {
        s.push_str(&format!(" (none {part_name})"));
    } else if exact != total {
        s.push_str(&format!(" ({} {part_name})", thousands(exact)));
    }
    if shown < total {
        s.push_str(&format!(", best {} shown", thousands(shown)));
    }
    s
}

/// `n` with a comma between thousands: 1,204.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let h = Kind::Headline;
        assert_eq!(summary(h, 0, 0, 0), "no match");
        assert_eq!(summary(h, 1, 1, 1), "1 match");
        assert_eq!(summary(h, 16, 16, 16), "16 matches");
        assert_eq!(summary(h, 16, 0, 16), "16 matches (none exact)");
        assert_eq!(
            summary(h, 97, 22, 20),
            "97 matches (22 exact), best 20 shown"
        );
        assert_eq!(
            summary(h, 1204, 0, 200),
            "1,204 matches (none exact), best 200 shown"
        );
        assert_eq!(
            summary(Kind::FullText, 97, 3, 97),
            "97 matches (3 in headlines)"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}

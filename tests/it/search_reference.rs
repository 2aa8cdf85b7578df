//! The fast headline search (precomputed lowercase, letter masks, reuse of
//! the last query's matches) against a plain implementation of the same
//! rules written from their description in `src/search/headline.rs`: every query,
//! typed a letter at a time, gives the same hits, scores, order and counts.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use ktimeline::filter::Filter;
use ktimeline::model::{Kind, Timeline};
use ktimeline::search::{HeadlineSearch, query_words, search};
use ktimeline::{generate, loader};

const CAP: usize = 1000;

fn cap(s: &str) -> String {
    s.chars().take(CAP).collect()
}

/// Can `key` be found in `text` letter by letter, each letter at most
/// three places after the one before, or at the start of a word when the
/// one before starts a word too? Tried by plain backtracking.
fn loose(text: &[char], key: &[char], from: Option<usize>) -> bool {
    let Some((&k, rest)) = key.split_first() else {
        return true;
    };
    let start = from.map_or(0, |f| f + 1);
    (start..text.len()).any(|i| {
        let starts = |i: usize| i == 0 || !text[i - 1].is_alphanumeric();
        let near = from.is_none_or(|f| i - f <= 3);
        let initials = from.is_some_and(|f| starts(f) && starts(i));
        text[i] == k && (near || initials) && loose(text, rest, Some(i))
    })
}

fn bonus(lower: &str, word: &str) -> i64 {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let len = word.chars().count().min(8) as i64;
    if words.contains(&word) {
        24 * len
    } else if words.iter().any(|w| w.starts_with(word)) {
        16 * len
    } else {
        0
    }
}

/// `(idx, exact, score)` of every match, best first; and the count exact.
fn reference(t: &Timeline, query: &str, filter: &Filter) -> (Vec<(usize, bool, i64)>, usize) {
    let words = query_words(query);
    // Each score from a new matcher: one that is reused can score a
    // headline differently after another (it keeps part of its table).
    let matcher = || SkimMatcherV2::default().smart_case();
    let mut out = Vec::new();
    if words.is_empty() {
        return (out, 0);
    }
    'events: for (idx, e) in t.events.iter().enumerate() {
        if !filter.accepts(e) {
            continue;
        }
        let headline = cap(&e.headline);
        let lower = cap(&headline.to_lowercase());
        let mut exact = true;
        let mut score = 0;
        for w in &words {
            let case = w.chars().any(char::is_uppercase);
            let (text, key) = if case {
                (headline.clone(), w.to_string())
            } else {
                (lower.clone(), w.to_lowercase())
            };
            if !text.contains(&key) {
                exact = false;
                let text: Vec<char> = text.chars().collect();
                let key: Vec<char> = key.chars().collect();
                if !loose(&text, &key, None) {
                    continue 'events;
                }
            }
            let shown = if case {
                headline.clone()
            } else {
                ktimeline::search::skim_view(&headline).into_owned()
            };
            match matcher().fuzzy_match(&shown, w) {
                Some(s) => score += s + bonus(&lower, &w.to_lowercase()),
                None => continue 'events,
            }
        }
        out.push((idx, exact, score));
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let exact = out.iter().filter(|h| h.1).count();
    (out, exact)
}

fn compare(t: &Timeline, queries: &[&str], filter: &Filter) {
    // Short lists too: the matcher then scores only the most promising
    // matches, by a bound of their scores, and must still find the best.
    for limit in [30, 5, 1] {
        compare_with_limit(t, queries, filter, limit);
    }
}

fn compare_with_limit(t: &Timeline, queries: &[&str], filter: &Filter, limit: usize) {
    let mut fast = HeadlineSearch::new(t);
    for q in queries {
        // Typed a letter at a time, as in the popup.
        let chars: Vec<char> = q.chars().collect();
        for n in 1..=chars.len() {
            let typed: String = chars[..n].iter().collect();
            let got = fast.search(t, &typed, limit, filter);
            let (want, exact) = reference(t, &typed, filter);
            assert_eq!(got.total, want.len(), "total for {typed:?}");
            assert_eq!(got.exact, exact, "exact count for {typed:?}");
            let got_hits: Vec<(usize, bool, i64)> = got
                .hits
                .iter()
                .map(|h| (h.idx, h.exact, h.score as i64))
                .collect();
            let want_hits: Vec<_> = want.into_iter().take(limit).collect();
            assert_eq!(got_hits, want_hits, "hits for {typed:?}");
            // A search from scratch agrees with the one typed into.
            assert_eq!(search(t, &typed, limit, filter), got, "{typed:?}");
        }
    }
}

const QUERIES: &[&str] = &[
    "korea",
    "north korea talks",
    "Korea",
    "nk summit",
    "kaesong",
    "red cross",
    "pope",
    "rail links geneva",
    "egy vacc",
    "report 4242",
    "zqxj",
    "a b c",
    "ÉTÉ été",
    "summit  moon kim",
];

#[test]
fn the_sample_answers_as_the_plain_rules_do() {
    let t = loader::load_sample();
    compare(&t, QUERIES, &Filter::default());
    let filter = Filter {
        since: chrono::NaiveDate::from_ymd_opt(2000, 1, 1),
        kinds: vec![Kind::Event],
        ..Filter::default()
    };
    compare(&t, QUERIES, &filter);
}

#[test]
fn a_generated_archive_answers_as_the_plain_rules_do() {
    let files: Vec<(String, String)> = generate::generate(3000, 11)
        .into_iter()
        .map(|f| (f.path, f.text))
        .collect();
    let t = loader::load_memory("gen", files);
    compare(&t, QUERIES, &Filter::default());
    // A query that is edited rather than extended starts afresh.
    let mut fast = HeadlineSearch::new(&t);
    for q in ["kore", "kor", "korx", "k", "kx", "Kx", "K"] {
        assert_eq!(
            fast.search(&t, q, 10, &Filter::default()),
            search(&t, q, 10, &Filter::default()),
            "{q:?}"
        );
    }
}

/// Skim's matcher, reused, scores "xxz" in "xxz" higher after "X xxz" than
/// alone; the search gives each headline its own score, whatever order it
/// scores them in, so the list is the same however it was found.
#[test]
fn scores_do_not_depend_on_what_was_scored_before() {
    for heads in [
        &["X xxz", "xxz"][..],
        &["xxz", "X xxz", "xxz"],
        &["xxz", "X xxz", "(xxz"],
    ] {
        let files: Vec<(String, String)> = heads
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    format!("news/2020/01/{}/e{i}.md", i + 1),
                    format!(
                        "### [2020-01-{:02}](/news/2020/01/{}/index.md)\n\n# {h}\n",
                        i + 1,
                        i + 1
                    ),
                )
            })
            .collect();
        let t = loader::load_memory("x", files);
        compare(&t, &["xxz", "xz", "x x"], &Filter::default());
        let scores: Vec<i64> = search(&t, "xxz", 3, &Filter::default())
            .hits
            .iter()
            .filter(|h| t.events[h.idx].headline == "xxz")
            .map(|h| h.score as i64)
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] == w[1]),
            "{heads:?}: {scores:?}"
        );
    }
}

//! The search popup's matching, on a thread of its own so that typing never
//! waits for it: headline search (kept between keystrokes, so each new
//! letter looks only at the last matches) or full-text search through the
//! word index (built, or read from the cache, the first time it is asked
//! for). It also reads, off the UI thread, the line of body shown under
//! each result: the words around the match, or the body's first line.

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::thread;

use rayon::prelude::*;

use super::action::Effect;
use super::msg::Msg;
use super::popups::SEARCH_LIMIT;
use crate::filter::Filter;
use crate::index::Place;
use crate::model::Timeline;
use crate::search::{Found, HeadlineSearch, Hit};
use crate::words::{self, WordIndex};

/// Characters of the line shown under a result.
const SNIPPET_CHARS: usize = 160;

/// Headline results that get their body's first line (reading a body costs
/// a file read; the rest show date, kind and tags).
const PREVIEWS: usize = 50;

/// Matches search queries on its own thread. Only the newest waiting query
/// is run; results carry the query's generation so the app can drop stale
/// ones.
pub struct SearchWorker {
    tx: Sender<Job>,
}

struct Query {
    generation: u64,
    query: String,
    full_text: bool,
    filter: Filter,
}

enum Job {
    Query(Query),
    /// Search this timeline from now on.
    Timeline(Arc<Timeline>),
}

/// What the worker keeps between queries.
struct State {
    timeline: Arc<Timeline>,
    /// Where the word index is cached (none for the sample).
    place: Option<Place>,
    /// Prepared on the first query, so a launch does not wait for them.
    headlines: Option<HeadlineSearch>,
    words: Option<WordIndex>,
}

impl State {
    fn run(&mut self, q: &Query) -> Found {
        let t = &self.timeline;
        let mut found = if q.full_text {
            let place = self.place.as_ref();
            let index = self.words.get_or_insert_with(|| WordIndex::open(t, place));
            let f = index.search(t, &q.query, SEARCH_LIMIT, &q.filter);
            Found {
                hits: f
                    .hits
                    .iter()
                    .map(|h| Hit {
                        idx: h.idx,
                        score: (h.score * 1000.0) as i64,
                        exact: h.in_headline,
                        positions: word_positions(&t.events[h.idx].headline, &f.terms),
                        snippet: None,
                    })
                    .collect(),
                total: f.total,
                exact: f.in_headline,
                terms: f.terms,
            }
        } else {
            self.headlines
                .get_or_insert_with(|| HeadlineSearch::new(t))
                .search(t, &q.query, SEARCH_LIMIT, &q.filter)
        };
        let terms = &found.terms;
        let n = if q.full_text {
            found.hits.len()
        } else {
            PREVIEWS
        };
        found.hits.par_iter_mut().take(n).for_each(|h| {
            let body = crate::loader::body(t, h.idx);
            let headline = &t.events[h.idx].headline;
            h.snippet = words::body_snippet(&body, headline, terms, SNIPPET_CHARS);
        });
        found
    }
}

impl SearchWorker {
    /// A worker for `timeline`, without a cache for the word index.
    pub fn spawn(timeline: Arc<Timeline>, out: Sender<Msg>) -> SearchWorker {
        SearchWorker::spawn_with(timeline, None, out)
    }

    /// A worker for `timeline` that keeps the word index at `place`.
    pub fn spawn_with(
        timeline: Arc<Timeline>,
        place: Option<Place>,
        out: Sender<Msg>,
    ) -> SearchWorker {
        let (tx, rx) = channel::<Job>();
        thread::spawn(move || {
            let mut state = State {
                timeline,
                place,
                headlines: None,
                words: None,
            };
            while let Ok(job) = rx.recv() {
                let mut query = None;
                for job in std::iter::once(job).chain(rx.try_iter()) {
                    match job {
                        Job::Query(q) => query = Some(q),
                        Job::Timeline(t) => {
                            state.timeline = t;
                            state.headlines = None;
                            state.words = None;
                        }
                    }
                }
                let Some(q) = query else {
                    continue;
                };
                let found = state.run(&q);
                let generation = q.generation;
                if out.send(Msg::SearchDone { generation, found }).is_err() {
                    break;
                }
            }
        });
        SearchWorker { tx }
    }

    /// Runs an [`Effect::Search`] (other effects are not its business).
    pub fn submit(&self, effect: Effect) {
        if let Effect::Search {
            generation,
            query,
            full_text,
            filter,
        } = effect
        {
            let _ = self.tx.send(Job::Query(Query {
                generation,
                query,
                full_text,
                filter,
            }));
        }
    }

    /// Searches `timeline` from the next query on.
    pub fn set_timeline(&self, timeline: Arc<Timeline>) {
        let _ = self.tx.send(Job::Timeline(timeline));
    }
}

/// Char indices of `headline` inside its words that begin with one of
/// `terms` (as much of each word as the term covers).
fn word_positions(headline: &str, terms: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    words::words(headline, |w, r| {
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

    #[test]
    fn word_positions_cover_the_matched_starts() {
        let p = word_positions("Été: the railway reopens", &["rail".into(), "ete".into()]);
        assert_eq!(p, vec![0, 1, 2, 9, 10, 11, 12]);
    }
}

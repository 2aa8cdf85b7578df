//! The search popup's matching, on a thread of its own so that typing never
//! waits for it: headline search (kept between keystrokes, so each new
//! letter looks only at the last matches) or full-text search through the
//! word index. It also reads, off the UI thread, the line of body shown
//! under each result: the words around the match, or the body's first line.
//!
//! The word index is built (or read from the cache) on one more thread as
//! soon as a timeline is given, so that neither a headline search nor the
//! screen waits for it: when it is ready the worker takes it (and runs a
//! full-text query that was waiting for it) and the loop gets it too, as
//! [`Msg::Words`], for the detail's Similar entries.

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::thread;

use super::action::Effect;
use super::msg::Msg;
use super::popups::SEARCH_LIMIT;
use crate::filter::Filter;
use crate::index::Place;
use crate::model::Timeline;
use crate::search::{self, Found, HeadlineSearch, WordIndex};

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
    kind: search::Kind,
    filter: Filter,
}

enum Job {
    Query(Query),
    /// Search this timeline from now on.
    Timeline(Arc<Timeline>),
    /// The word index of a timeline, built.
    Words(Arc<Timeline>, Arc<WordIndex>),
}

/// What the worker keeps between queries.
struct State {
    timeline: Arc<Timeline>,
    /// Where the word index is cached (none for the sample).
    place: Option<Place>,
    /// Prepared on the first query, so a launch does not wait for them.
    headlines: Option<HeadlineSearch>,
    words: Option<Arc<WordIndex>>,
}

impl State {
    /// The query's results; `None` for a full-text query while the word
    /// index is being built.
    fn run(&mut self, q: &Query) -> Option<Found> {
        let t = &self.timeline;
        let mut found = match q.kind {
            search::Kind::FullText => {
                self.words
                    .as_ref()?
                    .search(t, &q.query, SEARCH_LIMIT, &q.filter)
            }
            search::Kind::Headline => self
                .headlines
                .get_or_insert_with(|| HeadlineSearch::new(t))
                .search(t, &q.query, SEARCH_LIMIT, &q.filter),
        };
        let n = match q.kind {
            search::Kind::FullText => found.hits.len(),
            search::Kind::Headline => found.hits.len().min(PREVIEWS),
        };
        search::snippet::fill(t, &mut found.hits[..n], &found.terms, SNIPPET_CHARS);
        Some(found)
    }

    /// Builds (or reads) the word index of the timeline on a thread of its
    /// own, which hands it to `back`.
    fn build_words(&self, back: Sender<Job>) {
        let (t, place) = (self.timeline.clone(), self.place.clone());
        thread::spawn(move || {
            let words = Arc::new(WordIndex::open(&t, place.as_ref()));
            let _ = back.send(Job::Words(t, words));
        });
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
        let back = tx.clone();
        thread::spawn(move || {
            let mut state = State {
                timeline,
                place,
                headlines: None,
                words: None,
            };
            state.build_words(back.clone());
            // A full-text query waiting for the word index.
            let mut waiting: Option<Query> = None;
            while let Ok(job) = rx.recv() {
                let mut query = None;
                for job in std::iter::once(job).chain(rx.try_iter()) {
                    match job {
                        Job::Query(q) => query = Some(q),
                        Job::Timeline(t) => {
                            state.timeline = t;
                            state.headlines = None;
                            state.words = None;
                            state.build_words(back.clone());
                        }
                        // One built for a timeline since replaced is dropped.
                        Job::Words(t, words) if Arc::ptr_eq(&t, &state.timeline) => {
                            state.words = Some(words.clone());
                            query = query.or(waiting.take());
                            if out.send(Msg::Words { timeline: t, words }).is_err() {
                                return;
                            }
                        }
                        Job::Words(..) => {}
                    }
                }
                let Some(q) = query else {
                    continue;
                };
                let Some(found) = state.run(&q) else {
                    waiting = Some(q);
                    continue;
                };
                waiting = None;
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
            kind,
            filter,
        } = effect
        {
            let _ = self.tx.send(Job::Query(Query {
                generation,
                query,
                kind,
                filter,
            }));
        }
    }

    /// Searches `timeline` from the next query on.
    pub fn set_timeline(&self, timeline: Arc<Timeline>) {
        let _ = self.tx.send(Job::Timeline(timeline));
    }
}

//! The detail's Similar section: the entries closest in words to the one
//! shown (`search::similar`), those it already links to or is linked from
//! left out. The word index they come from is built (or read from the
//! cache) in the background when the browser opens and again when the
//! archive changes (`search_worker`); until it is ready the section says
//! so. The list of the entry shown is made by the loop before a frame
//! ([`SimilarLinks::fill_for`]), never by the draw nor by `App::update`.

use std::sync::Arc;

use crate::filter::StoryFilter;
use crate::model::{EventIdx, Timeline};
use crate::search::{Hit, WordIndex, similar, story};

/// The word index, once ready, and the similar entries of the entry shown.
#[derive(Debug, Default)]
pub struct SimilarLinks {
    /// The index, with the timeline it was built for.
    words: Option<(Arc<Timeline>, Arc<WordIndex>)>,
    /// The entry whose list is held, and the list.
    held: Option<(EventIdx, Vec<Hit>)>,
}

impl SimilarLinks {
    /// Takes the word index built for `timeline`, if that is `current`
    /// (one built for a timeline since replaced is dropped).
    pub fn words_ready(
        &mut self,
        current: &Arc<Timeline>,
        timeline: Arc<Timeline>,
        words: Arc<WordIndex>,
    ) {
        if Arc::ptr_eq(current, &timeline) {
            self.words = Some((timeline, words));
            self.held = None;
        }
    }

    /// True when the word index of `t` is here.
    pub fn ready(&self, t: &Arc<Timeline>) -> bool {
        self.words.as_ref().is_some_and(|(w, _)| Arc::ptr_eq(w, t))
    }

    /// Forgets everything: the timeline changed.
    pub fn clear(&mut self) {
        *self = SimilarLinks::default();
    }

    /// Makes the list of entry `idx` of `t` unless it is held already (no
    /// list until the word index of `t` is here).
    pub fn fill_for(&mut self, t: &Arc<Timeline>, idx: EventIdx) {
        if self.held.as_ref().is_some_and(|(i, _)| *i == idx) {
            return;
        }
        let Some((_, words)) = self.words.as_ref().filter(|(w, _)| Arc::ptr_eq(w, t)) else {
            return;
        };
        let hits = similar::shown(t, words, idx);
        self.held = Some((idx, hits));
    }

    /// The story of entry `idx` of `t` as a filter; `None` until the word
    /// index of `t` is here.
    pub fn story(&self, t: &Arc<Timeline>, idx: EventIdx) -> Option<StoryFilter> {
        let (_, words) = self.words.as_ref().filter(|(w, _)| Arc::ptr_eq(w, t))?;
        let members = story::story(t, words, idx);
        Some(StoryFilter::of_entries(t, idx, &members))
    }

    /// The similar entries of entry `idx`, when its list is held.
    pub fn of(&self, idx: EventIdx) -> Option<&[Hit]> {
        self.held
            .as_ref()
            .filter(|(i, _)| *i == idx)
            .map(|(_, h)| h.as_slice())
    }
}

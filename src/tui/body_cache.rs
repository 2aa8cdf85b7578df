//! The detail pane's body, in memory before a frame is drawn. Bodies are
//! not kept in the timeline (they are read back from their files), so the
//! text of the entry shown is read by the loop before each frame
//! ([`BodyText::read_for`]), never by the draw. And parsing and wrapping a
//! large markdown body took most of a second while the pane is redrawn
//! after every key, so the wrapped lines are kept for the entry and width
//! they were made for ([`BodyCache`]; the draw fills it, through a
//! `RefCell` in `App`, since drawing reads the app). `App::update` touches
//! neither.

use ratatui::text::Line;

use crate::model::{EventIdx, Timeline};

/// The text of the entry the detail shows, as its file holds it.
#[derive(Debug, Default)]
pub struct BodyText {
    /// The entry's id, and its text.
    held: Option<(String, String)>,
}

impl BodyText {
    /// The text of entry `id`, when it is the one held.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.held
            .as_ref()
            .filter(|(k, _)| k == id)
            .map(|(_, t)| t.as_str())
    }

    /// Reads the body of entry `idx` of `t` from its file, unless it is the
    /// one held already.
    pub fn read_for(&mut self, t: &Timeline, idx: EventIdx) {
        let id = &t.events[idx].id;
        if self.get(id).is_none() {
            let text = crate::loader::body(t, idx).into_owned();
            self.held = Some((id.clone(), text));
        }
    }
}

#[derive(Debug, Default)]
pub struct BodyCache {
    /// The entry's id and the width the lines were wrapped to.
    key: Option<(String, usize)>,
    lines: Vec<Line<'static>>,
    renders: usize,
}

impl BodyCache {
    /// The body lines of entry `id` at `width`, from `render` the first
    /// time they are asked for.
    pub fn lines(
        &mut self,
        id: &str,
        width: usize,
        render: impl FnOnce() -> Vec<Line<'static>>,
    ) -> &[Line<'static>] {
        let hit = self
            .key
            .as_ref()
            .is_some_and(|(k, w)| k == id && *w == width);
        if !hit {
            self.lines = render();
            self.key = Some((id.to_string(), width));
            self.renders += 1;
        }
        &self.lines
    }

    /// How many times a body was rendered (for tests).
    pub fn renders(&self) -> usize {
        self.renders
    }
}

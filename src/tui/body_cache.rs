//! The detail pane's rendered body, kept between frames. Parsing and
//! wrapping a large markdown body took most of a second, and the pane is
//! redrawn after every key, so the wrapped lines are kept for the entry and
//! width they were made for. The draw path fills it (through a `RefCell`
//! in `App`, since drawing reads the app); `App::update` never touches it.

use ratatui::text::Line;

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

//! Back and forward stacks with a web browser's semantics, so that following
//! links, search results and date jumps can be retraced with Backspace and
//! Alt-Right. Generic over the location type to keep it testable on its own.

/// Where the user has been, relative to where they are now.
#[derive(Debug, Clone)]
pub struct History<T> {
    back: Vec<T>,
    forward: Vec<T>,
    limit: usize,
}

impl<T: PartialEq> Default for History<T> {
    fn default() -> Self {
        History::new(1000)
    }
}

impl<T: PartialEq> History<T> {
    /// A history that keeps at most `limit` places to go back to.
    pub fn new(limit: usize) -> Self {
        History {
            back: Vec::new(),
            forward: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Records a jump away from `from`: it becomes the place to go back to,
    /// and the forward part is dropped. A jump to the same place records
    /// nothing.
    pub fn visit(&mut self, from: T, to: &T) {
        if from == *to {
            return;
        }
        self.forward.clear();
        if self.back.last() != Some(&from) {
            self.back.push(from);
        }
        if self.back.len() > self.limit {
            self.back.remove(0);
        }
    }

    /// Goes back from `current`; returns where to go, if anywhere. Places
    /// equal to `current` (reached since by other means) are passed over,
    /// so that every step back visibly moves.
    pub fn back(&mut self, current: T) -> Option<T> {
        Self::step(&mut self.back, &mut self.forward, current)
    }

    /// Goes forward from `current`; returns where to go, if anywhere.
    pub fn forward(&mut self, current: T) -> Option<T> {
        Self::step(&mut self.forward, &mut self.back, current)
    }

    fn step(from: &mut Vec<T>, to: &mut Vec<T>, current: T) -> Option<T> {
        while from.last() == Some(&current) {
            from.pop();
        }
        let next = from.pop()?;
        if to.last() != Some(&current) {
            to.push(current);
        }
        Some(next)
    }

    /// Rewrites every place (when the entries were renumbered), dropping
    /// the ones `f` has no answer for.
    pub fn remap(&mut self, mut f: impl FnMut(&T) -> Option<T>) {
        for stack in [&mut self.back, &mut self.forward] {
            *stack = stack.iter().filter_map(&mut f).collect();
            stack.dedup();
        }
    }

    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub fn can_go_forward(&self) -> bool {
        !self.forward.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::History;

    #[test]
    fn back_and_forward_like_a_browser() {
        let mut h = History::default();
        h.visit(1, &2);
        h.visit(2, &3);
        assert_eq!(h.back(3), Some(2));
        assert_eq!(h.back(2), Some(1));
        assert_eq!(h.back(1), None);
        assert_eq!(h.forward(1), Some(2));
        assert_eq!(h.forward(2), Some(3));
        assert_eq!(h.forward(3), None);
    }

    #[test]
    fn a_new_jump_drops_the_forward_part() {
        let mut h = History::default();
        h.visit(1, &2);
        h.visit(2, &3);
        assert_eq!(h.back(3), Some(2));
        h.visit(2, &4);
        assert!(!h.can_go_forward());
        assert_eq!(h.back(4), Some(2));
        assert_eq!(h.back(2), Some(1));
    }

    #[test]
    fn empty_history_goes_nowhere() {
        let mut h: History<u32> = History::default();
        assert_eq!(h.back(5), None);
        assert_eq!(h.forward(5), None);
        assert!(!h.can_go_back());
    }

    #[test]
    fn jumping_to_where_you_are_records_nothing() {
        let mut h = History::default();
        h.visit(1, &1);
        assert!(!h.can_go_back());
        h.visit(1, &2);
        h.visit(1, &2);
        assert_eq!(h.back(2), Some(1));
        assert_eq!(h.back(1), None);
    }

    #[test]
    fn places_equal_to_the_current_one_are_passed_over() {
        let mut h = History::default();
        h.visit(1, &2);
        assert_eq!(h.back(2), Some(1));
        // The user walks to 2 by other means: forward has nowhere new to go.
        assert_eq!(h.forward(2), None);
        h.visit(1, &2);
        h.visit(2, &3);
        // Walked back to 2 by hand: one step back leads to 1, not to 2.
        assert_eq!(h.back(2), Some(1));
    }

    #[test]
    fn remap_renumbers_and_drops() {
        let mut h = History::default();
        h.visit(1, &2);
        h.visit(2, &3);
        h.visit(3, &4);
        assert_eq!(h.back(4), Some(3));
        // 2 is gone; the rest move up by ten.
        h.remap(|&p| (p != 2).then_some(p + 10));
        assert_eq!(h.back(13), Some(11));
        assert_eq!(h.back(11), None);
        assert_eq!(h.forward(11), Some(13));
        assert_eq!(h.forward(13), Some(14));
    }

    #[test]
    fn the_limit_drops_the_oldest() {
        let mut h = History::new(2);
        h.visit(1, &2);
        h.visit(2, &3);
        h.visit(3, &4);
        assert_eq!(h.back(4), Some(3));
        assert_eq!(h.back(3), Some(2));
        assert_eq!(h.back(2), None);
    }
}

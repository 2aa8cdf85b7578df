//! The one list picker behind the popups that choose from a list by typing
//! (the tags, the bookmarks): an input line, the items that match it with
//! the characters they matched, a selection and the first row shown. What
//! the items are stays with the caller, who matches them (`rematch`) and
//! acts on the one chosen; the picker only edits, moves and remembers.

/// Characters kept in a popup's input line; more typed or pasted are
/// dropped (the search uses only the first words anyway).
pub const MAX_INPUT_CHARS: usize = 1000;

/// A change to a popup's input line.
#[derive(Debug, Clone, Copy)]
pub enum Edit<'a> {
    Push(char),
    /// Pasted text: line breaks and tabs become spaces.
    Paste(&'a str),
    Char,
    Word,
    All,
}

impl Edit<'_> {
    /// True for an edit that adds text.
    pub fn adds(self) -> bool {
        matches!(self, Edit::Push(_) | Edit::Paste(_))
    }

    /// Applies the change to `s`, keeping it within [`MAX_INPUT_CHARS`].
    pub fn apply(self, s: &mut String) {
        match self {
            Edit::Push(c) if !c.is_control() && s.chars().count() < MAX_INPUT_CHARS => s.push(c),
            Edit::Push(_) => {}
            Edit::Paste(text) => {
                let room = MAX_INPUT_CHARS.saturating_sub(s.chars().count());
                let clean = text
                    .chars()
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .filter(|c| !c.is_control())
                    .take(room);
                s.extend(clean);
            }
            Edit::Char => {
                s.pop();
            }
            Edit::Word => {
                let kept = s.trim_end().rfind(char::is_whitespace).map_or(0, |i| i + 1);
                s.truncate(kept);
            }
            Edit::All => s.clear(),
        }
    }
}

/// An item that matches the picker's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into the caller's items.
    pub item: usize,
    /// Char indices of the matched characters in the item's text.
    pub positions: Vec<usize>,
}

/// Which of two equally good matches comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The earlier item (and, for no input, the items as they are).
    Earlier,
    /// The later item (and, for no input, the items newest first).
    Later,
}

/// The `n` items whose texts (`texts`, in item order) match `input`, best
/// first; every item for no input.
pub fn fuzzy<S: AsRef<str>>(
    n: usize,
    texts: impl IntoIterator<Item = S>,
    input: &str,
    order: Order,
) -> Vec<Match> {
    let input = input.trim();
    let all = |item| Match {
        item,
        positions: Vec::new(),
    };
    if input.is_empty() {
        return match order {
            Order::Earlier => (0..n).map(all).collect(),
            Order::Later => (0..n).rev().map(all).collect(),
        };
    }
    let mut scored = crate::search::fuzzy_scores(texts, input);
    scored.sort_by(|a, b| {
        let ties = match order {
            Order::Earlier => a.0.cmp(&b.0),
            Order::Later => b.0.cmp(&a.0),
        };
        b.1.cmp(&a.1).then(ties)
    });
    scored
        .into_iter()
        .map(|(item, _, positions)| Match { item, positions })
        .collect()
}

/// A list to choose from by typing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picker {
    pub input: String,
    pub matches: Vec<Match>,
    /// The chosen row, a position in `matches`.
    pub selected: usize,
    /// The first row the last frame showed.
    pub offset: usize,
}

impl Picker {
    /// A picker with no input on `matches`, row `selected` chosen.
    pub fn new(matches: Vec<Match>, selected: usize) -> Picker {
        Picker {
            input: String::new(),
            matches,
            selected,
            offset: 0,
        }
    }

    /// The item chosen, if any matches.
    pub fn chosen(&self) -> Option<usize> {
        self.matches.get(self.selected).map(|m| m.item)
    }

    /// Changes the input; the list, matched again by `rematch`, starts at
    /// its top.
    pub fn edit(&mut self, how: Edit, rematch: impl FnOnce(&str) -> Vec<Match>) {
        how.apply(&mut self.input);
        self.matches = rematch(&self.input);
        self.selected = 0;
        self.offset = 0;
    }

    /// The items changed under the same input: the new `matches`, the
    /// selection kept where it was as far as the list still reaches.
    pub fn refresh(&mut self, matches: Vec<Match>) {
        self.matches = matches;
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        self.selected = step(self.selected, delta, self.matches.len());
    }
}

/// `pos` moved by `delta` within a list of `len` rows.
pub fn step(pos: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        pos.saturating_add_signed(delta).min(len - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_input_lists_every_item_in_the_order_asked() {
        let texts = ["a", "b", "c"];
        let items = |o| -> Vec<usize> {
            fuzzy(3, texts, " ", o)
                .into_iter()
                .map(|m| m.item)
                .collect()
        };
        assert_eq!(items(Order::Earlier), [0, 1, 2]);
        assert_eq!(items(Order::Later), [2, 1, 0]);
    }

    #[test]
    fn equals_are_ordered_as_asked() {
        let texts = ["same", "same"];
        assert_eq!(fuzzy(2, texts, "same", Order::Earlier)[0].item, 0);
        assert_eq!(fuzzy(2, texts, "same", Order::Later)[0].item, 1);
    }

    #[test]
    fn a_refresh_keeps_the_selection_in_the_list() {
        let m = |item| Match {
            item,
            positions: Vec::new(),
        };
        let mut p = Picker::new(vec![m(0), m(1), m(2)], 2);
        assert_eq!(p.chosen(), Some(2));
        p.refresh(vec![m(0)]);
        assert_eq!(p.selected, 0);
        p.move_by(5);
        assert_eq!(p.selected, 0);
        p.refresh(Vec::new());
        assert_eq!(p.chosen(), None);
    }
}

//! What changed between two timelines of one archive: entries added,
//! changed and removed. The browser says it in the status bar when the
//! archive is read again, and decides by it whether there is anything to
//! say; a value, so that nothing is decided by comparing status text.

use std::fmt;

use crate::model::{Related, Tag, Timeline};

/// Entries added, changed and removed, by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// Where a related link leads, whichever timeline it is in (places
/// shift from one reading to the next), with its tags and text.
fn leads<'t>(t: &'t Timeline, r: &'t Related) -> (&'t str, &'t [Tag], Option<&'t str>) {
    (&t.events[r.to].id, &r.context, r.text.as_deref())
}

impl Changes {
    /// What changed from `old` to `new`: an entry is changed when its
    /// headline, date, body, sources, tags, kind, or where its related
    /// links lead (with their tags and text) differ.
    pub fn between(old: &Timeline, new: &Timeline) -> Changes {
        let mut c = Changes::default();
        for e in &new.events {
            match old.get(&e.id).map(|i| &old.events[i]) {
                None => c.added += 1,
                Some(o) => {
                    let links_changed = o.related.len() != e.related.len()
                        || o.related
                            .iter()
                            .zip(&e.related)
                            .any(|(a, b)| leads(old, a) != leads(new, b));
                    if o.headline != e.headline
                        || o.date != e.date
                        || o.body != e.body
                        || o.sources != e.sources
                        || o.tags != e.tags
                        || o.kind != e.kind
                        || links_changed
                    {
                        c.changed += 1;
                    }
                }
            }
        }
        c.removed = old
            .events
            .iter()
            .filter(|e| new.get(&e.id).is_none())
            .count();
        c
    }

    /// No entry was added, changed or removed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// As the status bar says it: "the archive changed: 2 entries added, 1
/// changed, 1 removed", or "the archive changed, no entry did".
impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("the archive changed, no entry did");
        }
        let entries = |n: usize| if n == 1 { "entry" } else { "entries" };
        let mut parts = Vec::new();
        for (n, what) in [
            (self.added, "added"),
            (self.changed, "changed"),
            (self.removed, "removed"),
        ] {
            if n > 0 {
                parts.push(if parts.is_empty() {
                    format!("{n} {} {what}", entries(n))
                } else {
                    format!("{n} {what}")
                });
            }
        }
        write!(f, "the archive changed: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn said_as_the_status_bar_says_it() {
        let c = |added, changed, removed| {
            Changes {
                added,
                changed,
                removed,
            }
            .to_string()
        };
        assert_eq!(c(0, 0, 0), "the archive changed, no entry did");
        assert_eq!(c(1, 0, 0), "the archive changed: 1 entry added");
        assert_eq!(
            c(2, 1, 1),
            "the archive changed: 2 entries added, 1 changed, 1 removed"
        );
        assert_eq!(
            c(0, 3, 1),
            "the archive changed: 3 entries changed, 1 removed"
        );
        assert_eq!(c(0, 0, 1), "the archive changed: 1 entry removed");
    }
}

//! Narrowing a timeline by date, tag, kind and story: one [`Filter`] shared by the
//! `search`, `export` and `stats` commands and the browser, so that a filter
//! means the same everywhere.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::model::{Event, EventIdx, Kind, Timeline};

/// Which entries to keep. The default keeps every entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Keep entries dated on or after this day (undated ones are dropped).
    pub since: Option<NaiveDate>,
    /// Keep entries dated on or before this day (undated ones are dropped).
    pub until: Option<NaiveDate>,
    /// Keep entries carrying every one of these tags (compared ignoring
    /// case).
    pub tags: Vec<String>,
    /// Keep entries of these kinds (none: every kind).
    pub kinds: Vec<Kind>,
    /// Keep the entries of one story (`search::story`).
    pub story: Option<StoryFilter>,
}

/// The entries of the story of one entry, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoryFilter {
    /// The headline of the entry whose story it is.
    pub of: String,
    /// That entry's id, and whether it was loaded from a file (not a
    /// ghost).
    entry: String,
    real: bool,
    /// The ids of its entries, sorted.
    ids: Arc<[String]>,
}

impl StoryFilter {
    /// The story `members` of entry `of` of `t`.
    pub fn of_entries(t: &Timeline, of: EventIdx, members: &[EventIdx]) -> StoryFilter {
        let mut ids: Vec<String> = members.iter().map(|&i| t.events[i].id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let e = &t.events[of];
        StoryFilter {
            of: e.headline.clone(),
            entry: e.id.clone(),
            real: e.kind != Kind::Ghost,
            ids: ids.into(),
        }
    }

    /// The story in `t`, a timeline of the same archive read again: its
    /// entry found again by id (its headline as it now reads), and only
    /// the members still in `t`, so that its size is what it keeps.
    /// `None` when its entry is gone: no longer in `t`, or its file gone
    /// and only a ghost of it left (the links to it).
    pub fn follow(&self, t: &Timeline) -> Option<StoryFilter> {
        let e = &t.events[t.get(&self.entry)?];
        if self.real && e.kind == Kind::Ghost {
            return None;
        }
        let ids: Vec<String> = (self.ids.iter())
            .filter(|id| t.get(id).is_some())
            .cloned()
            .collect();
        let ids = if ids.len() == self.ids.len() {
            self.ids.clone()
        } else {
            ids.into()
        };
        Some(StoryFilter {
            of: e.headline.clone(),
            entry: self.entry.clone(),
            real: self.real,
            ids,
        })
    }

    /// How many entries it keeps.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of the entry whose story it is.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// The ids of its entries, sorted.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn holds(&self, id: &str) -> bool {
        self.ids.binary_search_by(|x| x.as_str().cmp(id)).is_ok()
    }
}

impl Filter {
    /// This filter in `t`, a timeline of the same archive read again: its
    /// story followed ([`StoryFilter::follow`]); and the headline of a
    /// story left out because its entry is gone.
    pub fn follow(&self, t: &Timeline) -> (Filter, Option<String>) {
        let Some(story) = &self.story else {
            return (self.clone(), None);
        };
        let followed = story.follow(t);
        let ended = followed.is_none().then(|| story.of.clone());
        let filter = Filter {
            story: followed,
            ..self.clone()
        };
        (filter, ended)
    }

    /// True when it keeps a story's entries and nothing else narrows it.
    pub fn is_story_alone(&self) -> bool {
        let rest = Filter {
            story: None,
            ..self.clone()
        };
        self.story.is_some() && rest.is_empty()
    }

    /// True when it keeps every entry.
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.tags.is_empty()
            && self.kinds.is_empty()
            && self.story.is_none()
    }

    pub fn accepts(&self, e: &Event) -> bool {
        if !self.kinds.is_empty() && !self.kinds.contains(&e.kind) {
            return false;
        }
        if self.story.as_ref().is_some_and(|s| !s.holds(&e.id)) {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(d) = e.date else {
                return false;
            };
            if self.since.is_some_and(|s| d < s) || self.until.is_some_and(|u| d > u) {
                return false;
            }
        }
        // A ghost's tags are only those of the links to it: a tag filter
        // keeps real entries (as the tag counts count them) unless ghosts
        // are asked for by kind.
        if !self.tags.is_empty() && e.kind == Kind::Ghost && !self.kinds.contains(&Kind::Ghost) {
            return false;
        }
        self.tags
            .iter()
            .all(|want| e.tags.iter().any(|t| same_tag(t, want)))
    }

    /// A short description for a status line: `2015-09-01..2015-10-31 ·
    /// #North Korea · events`; a story's headline is cut to 60
    /// characters.
    pub fn describe(&self) -> String {
        self.describe_cut(Some(60))
    }

    /// [`Filter::describe`] with a story's whole headline, for output that
    /// is read by a program (`stats --json`).
    pub fn describe_whole(&self) -> String {
        self.describe_cut(None)
    }

    /// The description, a story's headline cut to `cut` characters.
    fn describe_cut(&self, cut: Option<usize>) -> String {
        let mut parts = Vec::new();
        match (self.since, self.until) {
            (None, None) => {}
            (s, u) => parts.push(format!(
                "{}..{}",
                s.map(|d| d.to_string()).unwrap_or_default(),
                u.map(|d| d.to_string()).unwrap_or_default()
            )),
        }
        for t in &self.tags {
            parts.push(format!("#{t}"));
        }
        if !self.kinds.is_empty() {
            let kinds: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
            parts.push(kinds.join("|"));
        }
        if let Some(s) = &self.story {
            let of = cut.map_or(s.of.as_str().into(), |n| crate::text::cut_chars(&s.of, n));
            parts.push(format!("story ({}): {of}", entries(s.len())));
        }
        parts.join(" · ")
    }
}

/// "1 entry", "2 entries".
pub fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_string()
    } else {
        format!("{n} entries")
    }
}

/// Tags are compared ignoring case: `--tag "north korea"` finds "North
/// Korea".
pub fn same_tag(tag: &str, want: &str) -> bool {
    tag.chars()
        .flat_map(char::to_lowercase)
        .eq(want.chars().flat_map(char::to_lowercase))
}

/// Which end of a period a partial date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `2015-09` is 1 September 2015.
    Start,
    /// `2015-09` is 30 September 2015.
    Finish,
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (month and day with or without
/// a leading zero) as the first or last day of that period. The one
/// reading of a date for the command line and the browser alike, so that
/// both say the same of a bad one.
pub fn parse_date(s: &str, end: End) -> Result<NaiveDate, String> {
    const SHOWN: usize = 40;
    let t = s.trim();
    if t.is_empty() {
        return Err("a date is needed: use YYYY, YYYY-MM or YYYY-MM-DD".into());
    }
    // What was typed, invisible characters shown (a stray mark or
    // zero-width space is what makes a date look right and be wrong).
    let shown = crate::text::escape_invisible(&crate::text::cut_chars(t, SHOWN), false);
    let bad = || format!("'{shown}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &str, max_len: usize| -> Result<u32, String> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let year = match parts.first() {
        Some(y) if y.len() == 4 => num(y, 4)? as i32,
        _ => return Err(bad()),
    };
    let month = parts.get(1).map(|m| num(m, 2)).transpose()?;
    let day = parts.get(2).map(|d| num(d, 2)).transpose()?;
    if parts.len() > 3 {
        return Err(bad());
    }
    let Some(m) = month else {
        return Ok(match end {
            End::Start => NaiveDate::from_ymd_opt(year, 1, 1),
            End::Finish => NaiveDate::from_ymd_opt(year, 12, 31),
        }
        .expect("every four-digit year has a first and a last day"));
    };
    let Some(first) = NaiveDate::from_ymd_opt(year, m, 1) else {
        return Err(format!("'{shown}' is not a date: there is no month {m}"));
    };
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(first);
    match (day, end) {
        (None, End::Start) => Ok(first),
        (None, End::Finish) => Ok(last),
        (Some(0), _) => Err(format!("'{shown}' is not a date: there is no day 0")),
        (Some(d), _) => first.with_day(d).ok_or_else(|| {
            format!(
                "'{shown}' is not a date: {} has {} days",
                first.format("%B %Y"),
                last.day()
            )
        }),
    }
}

/// A date range as typed in the browser: `2015-09..2015-10`, `2015..`,
/// `..2016-03-01`, or one period (`2015-09` is the whole month).
pub fn parse_range(s: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let s = s.trim();
    let (from, to) = match s.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, s),
    };
    let since = (!from.is_empty())
        .then(|| parse_date(from, End::Start))
        .transpose()?;
    let until = (!to.is_empty())
        .then(|| parse_date(to, End::Finish))
        .transpose()?;
    if since.is_none() && until.is_none() {
        return Err("an empty range: use FROM..TO, FROM.. or ..TO".into());
    }
    if let (Some(a), Some(b)) = (since, until)
        && a > b
    {
        return Err(format!("the range {s} ends before it starts"));
    }
    Ok((since, until))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn partial_dates_stand_for_their_first_or_last_day() {
        assert_eq!(parse_date("2015", End::Start), Ok(d(2015, 1, 1)));
        assert_eq!(parse_date("2015", End::Finish), Ok(d(2015, 12, 31)));
        assert_eq!(parse_date("2016-02", End::Finish), Ok(d(2016, 2, 29)));
        assert_eq!(parse_date("2015-9", End::Start), Ok(d(2015, 9, 1)));
        assert_eq!(parse_date("2015-12", End::Finish), Ok(d(2015, 12, 31)));
        assert_eq!(parse_date("2013-06-6", End::Finish), Ok(d(2013, 6, 6)));
        for bad in [
            "",
            "15",
            "2015-13",
            "2015-02-30",
            "2015/09",
            "x",
            "2015-09-01-2",
            "20150",
        ] {
            assert!(parse_date(bad, End::Start).is_err(), "{bad}");
        }
        let said = |s| parse_date(s, End::Finish).unwrap_err();
        assert_eq!(
            said(" 2015-13"),
            "'2015-13' is not a date: there is no month 13"
        );
        assert_eq!(
            said("2015-0"),
            "'2015-0' is not a date: there is no month 0"
        );
        assert_eq!(
            said("2015-02-30"),
            "'2015-02-30' is not a date: February 2015 has 28 days"
        );
        assert_eq!(
            said("2015-02-0"),
            "'2015-02-0' is not a date: there is no day 0"
        );
        assert_eq!(
            said("2015/9\u{1b}[2J"),
            "'2015/9\\u{1b}[2J' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
        );
        assert_eq!(
            said("2015\u{200e}"),
            "'2015\\u{200e}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
        );
        assert_eq!(
            said("  "),
            "a date is needed: use YYYY, YYYY-MM or YYYY-MM-DD"
        );
        assert!(said(&"9".repeat(100)).starts_with(&format!("'{}…'", "9".repeat(40))));
    }

    #[test]
    fn a_tag_filter_keeps_ghosts_only_when_asked_for() {
        let mut ghost = Event::new("/g".into(), Kind::Ghost, None, "G".into());
        ghost.tags = vec!["Harbour".into()];
        let mut real = ghost.clone();
        real.kind = Kind::Event;
        let mut f = Filter {
            tags: vec!["harbour".into()],
            ..Filter::default()
        };
        assert!(f.accepts(&real) && !f.accepts(&ghost));
        f.kinds = vec![Kind::Ghost];
        assert!(f.accepts(&ghost));
        assert!(Filter::default().accepts(&ghost));
    }

    #[test]
    fn a_story_alone_is_told_from_a_story_with_more() {
        let t = crate::loader::load_memory(
            "mem",
            vec![(
                "a.md".to_string(),
                "### [2020-01-02](/news/2020/01/2/index.md)\n\n# A harbour opens.\n".to_string(),
            )],
        );
        let story = StoryFilter::of_entries(&t, 0, &[0]);
        let alone = Filter {
            story: Some(story),
            ..Filter::default()
        };
        assert!(alone.is_story_alone());
        assert!(alone.describe().starts_with("story (1 entry): "));
        let more = Filter {
            tags: vec!["Harbour".into()],
            ..alone.clone()
        };
        assert!(!more.is_story_alone());
        assert!(!Filter::default().is_story_alone());
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("2015-09..2015-10"),
            Ok((Some(d(2015, 9, 1)), Some(d(2015, 10, 31))))
        );
        assert_eq!(parse_range("2015.."), Ok((Some(d(2015, 1, 1)), None)));
        assert_eq!(parse_range("..2015-03-02"), Ok((None, Some(d(2015, 3, 2)))));
        assert_eq!(
            parse_range("2015-09"),
            Ok((Some(d(2015, 9, 1)), Some(d(2015, 9, 30))))
        );
        assert!(parse_range("..").is_err());
        assert!(parse_range("2016..2015").is_err());
    }

    #[test]
    fn filters_combine() {
        let mut e = Event::new("/a".into(), Kind::Event, Some(d(2015, 9, 9)), "A".into());
        e.tags = vec!["North Korea".into(), "Trade".into()];
        let mut f = Filter::default();
        assert!(f.is_empty() && f.accepts(&e));
        f.tags = vec!["north korea".into()];
        assert!(f.accepts(&e));
        f.tags.push("trade".into());
        assert!(f.accepts(&e));
        f.tags.push("war".into());
        assert!(!f.accepts(&e));
        f.tags.clear();
        f.since = Some(d(2015, 9, 10));
        assert!(!f.accepts(&e));
        f.since = Some(d(2015, 9, 9));
        f.until = Some(d(2015, 9, 9));
        assert!(f.accepts(&e));
        f.kinds = vec![Kind::Article];
        assert!(!f.accepts(&e));
        let undated = Event::new("/u".into(), Kind::Article, None, "U".into());
        assert!(!f.accepts(&undated));
        f.since = None;
        f.until = None;
        assert!(f.accepts(&undated));
        assert_eq!(
            Filter {
                since: Some(d(2015, 9, 1)),
                until: None,
                tags: vec!["Trade".into()],
                kinds: vec![Kind::Event, Kind::Ghost],
                story: None,
            }
            .describe(),
            "2015-09-01.. · #Trade · event|ghost"
        );
    }
}

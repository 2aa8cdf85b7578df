//! The browser's state transitions as plain unit tests: actions in, state
//! out, on a timeline built by hand (no terminal; the loader only for the
//! notes fixture, read from memory).

use std::sync::Arc;

use chrono::NaiveDate;
use ktimeline::model::{Body, Event, Kind, Related, Source, Timeline};
use ktimeline::search::{self, Found, Hit};

/// What the search worker sends back for these hits.
fn found(hits: Vec<Hit>) -> Found {
    Found {
        total: hits.len(),
        exact: hits.len(),
        hits,
        terms: Vec::new(),
    }
}
use ktimeline::tui::action::{Action, Effect};
use ktimeline::tui::app::App;
use ktimeline::tui::keymap::{Focus, Mode, PopupKind};
use ktimeline::tui::nav::Reveal;
use ktimeline::tui::popups::Popup;
use ktimeline::tui::theme::Theme;

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn event(id: &str, date: Option<NaiveDate>, headline: &str, tags: &[&str]) -> Event {
    Event {
        id: id.into(),
        kind: Kind::Event,
        date,
        headline: headline.into(),
        body: Body::Inline(format!("About {headline}.").into()),
        file: Some(format!("{id}.md")),
        sources: Vec::new(),
        related: Vec::new(),
        backlinks: Vec::new(),
        tags: tags.iter().map(|&t| t.into()).collect(),
        meta: None,
    }
}

fn link(to: usize, text: &str, resolved: bool) -> Related {
    Related {
        text: Some(text.into()),
        context: vec!["Harbour".into()].into(),
        to,
        resolved,
        line: 0,
    }
}

/// Days: 2017-06-08 (a, b), 2017-06-20 (c), 2017-07-03 (d), 2018-01-15 (e),
/// 2016-03-02 (ghost g), undated article u. a links to c and g; c links to
/// a; d links to a.
fn timeline() -> Arc<Timeline> {
    let mut a = event(
        "a",
        date(2017, 6, 8),
        "Alpha library opens",
        &["Harbour", "Books"],
    );
    let b = event("b", date(2017, 6, 8), "Bravo regatta delayed", &["Sea"]);
    let mut c = event(
        "c",
        date(2017, 6, 20),
        "Charlie ferries return",
        &["Harbour"],
    );
    let mut d = event("d", date(2017, 7, 3), "Delta benches mapped", &["Harbour"]);
    let e = event("e", date(2018, 1, 15), "Echo winter market", &["Markets"]);
    let mut g = event("g", date(2016, 3, 2), "Golf keepers strike", &["Harbour"]);
    g.kind = Kind::Ghost;
    g.body = Body::default();
    g.file = None;
    let mut u = event("u", None, "Uniform letter", &[]);
    u.kind = Kind::Article;
    a.sources = vec![
        Source::new("Picture", "https://img.example.com/a.jpg", true),
        Source::new("Gazette", "https://gazette.example.com/a", false),
    ];
    // Indices as given: a0 b1 c2 d3 e4 g5 u6.
    a.related = vec![link(2, "c", true), link(5, "g", false)];
    a.backlinks = vec![2, 3];
    c.related = vec![link(0, "a", true)];
    c.backlinks = vec![0];
    d.related = vec![link(0, "a", true)];
    g.backlinks = vec![0];
    Arc::new(Timeline::new(
        "test".into(),
        vec![a, b, c, d, e, g, u],
        Vec::new(),
        0,
        7,
    ))
}

fn app() -> App {
    App::new(timeline(), Theme::default())
}

/// The browser with Alpha open in the detail: its sources 0 and 1, related
/// links 2 (c) and 3 (g), backlinks 4 (c) and 5 (d).
fn reading_alpha() -> App {
    let mut app = app();
    go(
        &mut app,
        &[Action::Down, Action::FocusNext, Action::FocusNext],
    );
    app
}

fn headline(app: &App) -> String {
    app.current_event()
        .map(|e| e.headline.clone())
        .unwrap_or_default()
}

fn go(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .filter_map(|a| app.update(a.clone()))
        .collect()
}

fn idx(app: &App, headline: &str) -> usize {
    app.timeline
        .events
        .iter()
        .position(|e| e.headline == headline)
        .unwrap()
}

#[test]
fn starts_on_the_first_day_and_moves_in_the_focused_list() {
    let mut app = app();
    assert_eq!(headline(&app), "Golf keepers strike");
    assert_eq!(app.mode(), Mode::Main(Focus::Dates));
    go(&mut app, &[Action::Down]);
    assert_eq!(headline(&app), "Alpha library opens");
    go(&mut app, &[Action::FocusNext, Action::Down]);
    assert_eq!(headline(&app), "Bravo regatta delayed");
    go(&mut app, &[Action::Down, Action::Down]);
    assert_eq!(headline(&app), "Bravo regatta delayed", "stays in the day");
    go(&mut app, &[Action::FocusPrev, Action::End]);
    assert_eq!(headline(&app), "Uniform letter", "undated comes last");
    go(&mut app, &[Action::Home]);
    assert_eq!(headline(&app), "Golf keepers strike");
    go(&mut app, &[Action::Up]);
    assert_eq!(headline(&app), "Golf keepers strike");
}

#[test]
fn tab_cycles_focus_and_lands_on_the_first_related_link() {
    let mut app = app();
    go(&mut app, &[Action::Down, Action::FocusNext]);
    assert_eq!(app.nav.focus, Focus::Events);
    go(&mut app, &[Action::FocusNext]);
    assert_eq!(app.nav.focus, Focus::Links);
    // Two sources come first; the first related link is chosen (no frame
    // was drawn, so every link counts as on screen).
    assert_eq!(app.nav.link, Some(2));
    go(&mut app, &[Action::FocusNext]);
    assert_eq!(app.nav.focus, Focus::Dates);
    go(&mut app, &[Action::FocusPrev]);
    assert_eq!(app.nav.focus, Focus::Links);
}

#[test]
fn following_links_and_going_back_and_forward() {
    let mut app = reading_alpha();
    go(&mut app, &[Action::Activate]);
    assert_eq!(headline(&app), "Charlie ferries return");
    assert_eq!(app.nav.focus, Focus::Links);
    // The date list followed.
    let day = app.timeline.days[app.nav.view.days[app.nav.day]].date;
    assert_eq!(day, date(2017, 6, 20));
    // Follow c's link back to a, then go back twice and forward once.
    go(&mut app, &[Action::Activate]);
    assert_eq!(headline(&app), "Alpha library opens");
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Charlie ferries return");
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    go(&mut app, &[Action::Back]);
    assert_eq!(
        headline(&app),
        "Alpha library opens",
        "nothing further back"
    );
    assert!(app.status.message.is_some());
    go(&mut app, &[Action::Forward]);
    assert_eq!(headline(&app), "Charlie ferries return");
    go(&mut app, &[Action::Forward]);
    assert_eq!(headline(&app), "Alpha library opens");
    go(&mut app, &[Action::Forward]);
    assert_eq!(
        headline(&app),
        "Alpha library opens",
        "nothing further forward"
    );
}

#[test]
fn a_new_jump_drops_the_forward_history() {
    let mut app = reading_alpha();
    go(&mut app, &[Action::Activate, Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    assert!(app.session.history.can_go_forward());
    // Jump to the ghost instead: forward is gone.
    go(&mut app, &[Action::NextLink, Action::Activate]);
    assert_eq!(headline(&app), "Golf keepers strike");
    assert!(!app.session.history.can_go_forward());
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
}

#[test]
fn backlinks_are_followed_too() {
    let mut app = reading_alpha();
    // Related c and g, then backlinks c and d.
    go(
        &mut app,
        &[
            Action::NextLink,
            Action::NextLink,
            Action::NextLink,
            Action::Activate,
        ],
    );
    assert_eq!(headline(&app), "Delta benches mapped");
    go(&mut app, &[Action::NextLink]);
    assert!(app.status.message.is_some(), "no link after the last");
}

#[test]
fn days_and_months() {
    let mut app = app();
    go(&mut app, &[Action::NextDay]);
    assert_eq!(headline(&app), "Alpha library opens");
    go(&mut app, &[Action::NextMonth]);
    assert_eq!(headline(&app), "Delta benches mapped");
    go(&mut app, &[Action::NextMonth]);
    assert_eq!(headline(&app), "Echo winter market");
    go(&mut app, &[Action::PrevMonth]);
    assert_eq!(headline(&app), "Delta benches mapped");
    go(&mut app, &[Action::PrevMonth]);
    assert_eq!(headline(&app), "Alpha library opens", "first day of June");
    go(&mut app, &[Action::NextDay, Action::PrevMonth]);
    assert_eq!(
        headline(&app),
        "Golf keepers strike",
        "from mid-June to March 2016"
    );
    go(&mut app, &[Action::PrevDay, Action::PrevMonth]);
    assert_eq!(headline(&app), "Golf keepers strike");
    // At the ends: the nearest day, and the status bar says so.
    assert!(app.status.message.is_some(), "no earlier month is said");
    go(&mut app, &[Action::PrevDay]);
    assert_eq!(headline(&app), "Golf keepers strike");
    assert!(app.status.message.is_some(), "the first day is said");
    go(&mut app, &[Action::End, Action::NextDay]);
    assert!(app.status.message.is_some(), "the last day is said");
    go(
        &mut app,
        &[Action::PrevDay, Action::PrevDay, Action::NextMonth],
    );
    assert_eq!(headline(&app), "Echo winter market");
    go(&mut app, &[Action::NextMonth]);
    assert_eq!(headline(&app), "Uniform letter", "undated comes last");
    assert!(app.status.message.is_none());
    go(&mut app, &[Action::NextMonth]);
    assert_eq!(headline(&app), "Uniform letter", "the last day");
    assert!(app.status.message.is_some(), "no later month is said");
}

#[test]
fn search_results_of_an_old_query_are_dropped() {
    let mut app = app();
    let effects = go(
        &mut app,
        &[Action::OpenSearch, Action::Input('c'), Action::Input('h')],
    );
    assert_eq!(app.mode(), Mode::Popup(PopupKind::Search));
    assert_eq!(
        effects.last(),
        Some(&Effect::Search {
            generation: 2,
            query: "ch".into(),
            kind: search::Kind::Headline,
            filter: Default::default(),
        })
    );
    let hit = |i| Hit {
        idx: i,
        score: 1.0,
        exact: true,
        positions: vec![0],
        snippet: None,
    };
    // The answer to "c" arrives late: dropped.
    app.update(Action::SearchDone {
        generation: 1,
        found: found(vec![hit(0)]),
    });
    assert!(app.search.hits.is_empty());
    assert!(app.search.pending);
    let c = idx(&app, "Charlie ferries return");
    let e = idx(&app, "Echo winter market");
    app.update(Action::SearchDone {
        generation: 2,
        found: found(vec![hit(c), hit(e)]),
    });
    assert_eq!(app.search.hits.len(), 2);
    assert_eq!(app.nav.focus, Focus::Dates);
    go(&mut app, &[Action::Down, Action::Activate]);
    assert_eq!(app.popup, None);
    assert_eq!(headline(&app), "Echo winter market");
    // The keyboard is on the entries, the one found selected: `j` does
    // not move to another day.
    assert_eq!(app.nav.focus, Focus::Events);
    // n and N step through the results without the popup.
    go(&mut app, &[Action::NextResult]);
    assert_eq!(headline(&app), "Charlie ferries return");
    go(&mut app, &[Action::PrevResult]);
    assert_eq!(headline(&app), "Echo winter market");
    // Every jump went into the history.
    go(&mut app, &[Action::Back, Action::Back]);
    assert_eq!(headline(&app), "Echo winter market");
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Golf keepers strike");
}

#[test]
fn escape_closes_the_search_and_an_empty_query_searches_nothing() {
    let mut app = app();
    let effects = go(
        &mut app,
        &[Action::OpenSearch, Action::Input('x'), Action::DeleteChar],
    );
    assert_eq!(effects.len(), 1, "only the non-empty query is searched");
    assert!(!app.search.pending);
    go(&mut app, &[Action::Escape]);
    assert_eq!(app.popup, None);
    go(&mut app, &[Action::NextResult]);
    assert!(app.status.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn tag_filter_narrows_both_lists_and_escape_clears_it() {
    let mut app = app();
    go(&mut app, &[Action::OpenTags]);
    for c in "harb".chars() {
        app.update(Action::Input(c));
    }
    go(&mut app, &[Action::Activate]);
    assert_eq!(app.nav.filter.tags, ["Harbour"]);
    // Ghosts are not shown under a filter, so June 8 comes first.
    assert_eq!(app.nav.view.days.len(), 3);
    assert_eq!(headline(&app), "Alpha library opens");
    assert_eq!(app.day_events().len(), 1, "Bravo is not tagged Harbour");
    // Following a link to an entry the filter hides shows it outside the
    // filter, which stays; the lists stay as they were.
    go(
        &mut app,
        &[
            Action::FocusNext,
            Action::FocusNext,
            Action::NextLink,
            Action::Activate,
        ],
    );
    assert_eq!(headline(&app), "Golf keepers strike");
    assert_eq!(app.nav.filter.tags, ["Harbour"]);
    assert_eq!(app.nav.outside, Some(idx(&app, "Golf keepers strike")));
    assert_eq!(app.nav.view.days.len(), 3);
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    assert_eq!(app.nav.outside, None);
    // A place remembers the filter it was left under: Alt-→ and
    // Backspace bring each back under its own.
    go(
        &mut app,
        &[Action::FocusLeft, Action::FocusLeft, Action::Escape],
    );
    assert!(app.nav.filter.is_empty());
    go(&mut app, &[Action::Forward]);
    assert_eq!(headline(&app), "Golf keepers strike");
    assert_eq!(app.nav.filter.tags, ["Harbour"]);
    // Alpha was left with the filter cleared: so it comes back.
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    assert!(app.nav.filter.is_empty());
    go(&mut app, &[Action::OpenTags, Action::Activate]);
    assert_eq!(app.nav.filter.tags, ["Harbour"], "most used first");
    // (Reading: the first Esc goes back to the list, the second clears.)
    go(&mut app, &[Action::Escape, Action::Escape]);
    assert!(app.nav.filter.is_empty());
    assert_eq!(headline(&app), "Alpha library opens", "selection kept");
}

/// The sample archive in an app.
fn sample_app() -> App {
    App::new(Arc::new(ktimeline::loader::load_sample()), Theme::default())
}

fn goto_input(app: &mut App, s: &str) {
    go(app, &[Action::OpenGoto]);
    for c in s.chars() {
        app.update(Action::Input(c));
    }
    go(app, &[Action::Activate]);
}

fn pick_tag(app: &mut App, s: &str) {
    go(app, &[Action::OpenTags]);
    for c in s.chars() {
        app.update(Action::Input(c));
    }
    go(app, &[Action::Activate]);
}

#[test]
fn a_date_range_and_several_tags_filter_the_lists_and_search() {
    let mut app = sample_app();
    let all_days = app.nav.view.days.len();
    goto_input(&mut app, "1950..1953-07");
    assert_eq!(app.popup, None);
    let dates: Vec<_> = app
        .nav
        .view
        .days
        .iter()
        .map(|&d| app.timeline.days[d].date.unwrap())
        .collect();
    assert!(!dates.is_empty() && dates.len() < all_days);
    assert!(
        dates
            .iter()
            .all(|d| d.to_string().as_str() >= "1950-01-01"
                && d.to_string().as_str() <= "1953-07-31")
    );
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("1950-01-01..1953-07-31")
    );
    // The density strip counts only what the filter keeps.
    let (_, counts) = app
        .timeline
        .monthly_counts_where(|i, _| {
            ktimeline::tui::view::visible(&app.timeline, i, &app.nav.filter)
        })
        .unwrap();
    let shown: usize = app
        .nav
        .view
        .days
        .iter()
        .map(|&d| app.timeline.days[d].len())
        .sum();
    assert_eq!(counts.iter().sum::<u64>() as usize, shown);
    // A tag on top narrows further; a second one further still.
    let in_range = dates.len();
    pick_tag(&mut app, "war");
    assert_eq!(app.nav.filter.tags.len(), 1);
    let one_tag = app.nav.view.days.len();
    assert!(one_tag <= in_range && one_tag > 0);
    let first_tag = app.nav.filter.tags[0].clone();
    let other = app
        .current_event()
        .unwrap()
        .tags
        .iter()
        .find(|t| &***t != first_tag.as_str())
        .map(|t| t.to_string());
    if let Some(other) = other {
        pick_tag(&mut app, &other);
        assert_eq!(app.nav.filter.tags.len(), 2);
        for &d in &app.nav.view.days {
            for i in app.timeline.days[d].events.clone() {
                if ktimeline::tui::view::visible(&app.timeline, i, &app.nav.filter) {
                    let tags = &app.timeline.events[i].tags;
                    assert!(tags.iter().any(|t| **t == *first_tag));
                    assert!(tags.iter().any(|t| **t == *other));
                }
            }
        }
        // Picking a chosen tag again takes it out.
        pick_tag(&mut app, &other);
        assert_eq!(app.nav.filter.tags, std::slice::from_ref(&first_tag));
    }
    // A search made now runs under the filter.
    let effects = go(&mut app, &[Action::OpenSearch, Action::Input('k')]);
    match effects.last() {
        Some(Effect::Search { filter, .. }) => assert_eq!(*filter, app.nav.filter),
        other => panic!("{other:?}"),
    }
    // Tab switches the popup to full text, and searches again.
    let effects = go(&mut app, &[Action::ToggleSearchMode]);
    assert!(matches!(
        effects.last(),
        Some(Effect::Search {
            kind: search::Kind::FullText,
            ..
        })
    ));
    go(&mut app, &[Action::Escape, Action::Escape]);
    assert!(app.nav.filter.is_empty());
    assert_eq!(app.nav.view.days.len(), all_days);
    // A filter that leaves nothing, cleared, comes back to the entry.
    let before = app.current();
    goto_input(&mut app, "1900..1901");
    assert!(app.nav.view.days.is_empty());
    go(&mut app, &[Action::Escape]);
    assert_eq!(app.current(), before);
    // A bad range says why and keeps the popup open.
    goto_input(&mut app, "2016..2015");
    assert!(matches!(
        app.popup,
        Some(Popup::Goto { error: Some(_), .. })
    ));
}

#[test]
fn stepping_through_results_keeps_to_a_filter_set_after_the_search() {
    let mut app = sample_app();
    let effects = go(&mut app, &[Action::OpenSearch]);
    assert!(effects.is_empty());
    let mut last = None;
    for c in "kaes".chars() {
        last = app.update(Action::Input(c));
    }
    let Some(Effect::Search {
        generation,
        query,
        filter,
        ..
    }) = last
    else {
        panic!("a search");
    };
    let found = ktimeline::search::search(&app.timeline, &query, 200, &filter);
    let all = found.total;
    app.update(Action::SearchDone { generation, found });
    go(&mut app, &[Action::Escape]);
    pick_tag(&mut app, "hotline");
    assert_eq!(app.nav.filter.tags.len(), 1);
    for _ in 0..3 {
        go(&mut app, &[Action::NextResult]);
        assert_eq!(app.nav.filter.tags.len(), 1, "the filter stays");
        let e = app.current_event().unwrap();
        assert!(
            e.tags.iter().any(|t| **t == *app.nav.filter.tags[0]),
            "{}",
            e.headline
        );
        let m = app.status.message.as_ref().unwrap();
        assert!(m.text.contains(&format!("({all} in all)")), "{}", m.text);
    }
}

#[test]
fn a_new_archive_opens_on_its_newest_day_with_a_real_entry() {
    // The newest day holds only a ghost (an event known from a link).
    let md = "### [2013-06-6](/news/2013/06/6/index.md)\n\n# Talks open.\n\nText.\n\n\
              ### Related:\n\n1. [Later talks.](/news/2017/10/10/later-talks.md) _Context: Talks_\n";
    let files = vec![("news/2013/06/6/talks-open.md".to_string(), md.to_string())];
    let t = ktimeline::loader::load_memory("seeds", files);
    assert_eq!(t.days.len(), 2);
    let mut app = App::new(Arc::new(t), Theme::default());
    app.open_on_newest_day();
    assert_eq!(headline(&app), "Talks open.");
}

#[test]
fn a_bookmark_follows_its_entry_when_the_headline_is_edited() {
    let file = |headline: &str| {
        let md = format!("### [2013-06-6](/news/2013/06/6/index.md)\n\n# {headline}\n\nText.\n");
        ktimeline::loader::load_memory("a", vec![("news/2013/06/6/x.md".to_string(), md)])
    };
    let mut app = App::new(Arc::new(file("Talks open.")), Theme::default());
    app.open_on_newest_day();
    app.update(Action::ToggleBookmark);
    let old = app.current_event().unwrap().id.clone();
    assert!(app.is_bookmarked(&old));
    app.replace_timeline(Arc::new(file("Talks open in Panmunjom.")));
    let new = app.current_event().unwrap().id.clone();
    assert_ne!(old, new);
    assert!(app.is_bookmarked(&new), "{:?}", app.session.bookmarks);
    assert_eq!(
        app.session.bookmarks[0].headline,
        "Talks open in Panmunjom."
    );
}

#[test]
fn the_sample_has_no_files_to_edit() {
    let mut app = sample_app();
    assert_eq!(app.update(Action::Edit), None);
    assert!(
        app.status
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("no files to edit")
    );
}

#[test]
fn go_to_a_date() {
    let mut app = app();
    let goto = |app: &mut App, s: &str| {
        app.update(Action::OpenGoto);
        for c in s.chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Activate);
    };
    goto(&mut app, "2017-06-10");
    assert_eq!(headline(&app), "Charlie ferries return");
    goto(&mut app, "2017-07");
    assert_eq!(headline(&app), "Delta benches mapped");
    goto(&mut app, "2018");
    assert_eq!(headline(&app), "Echo winter market");
    // After the last day: the last (dated) day, and a word about it.
    go(&mut app, &[Action::Down]);
    goto(&mut app, "2030");
    assert_eq!(app.popup, None);
    assert_eq!(headline(&app), "Echo winter market");
    let said = app
        .status
        .message
        .as_ref()
        .map(|m| m.text.as_str())
        .unwrap_or("");
    assert_eq!(said, "2030-01-01 is after the last day");
    go(&mut app, &[Action::Back]);
    goto(&mut app, "nonsense");
    assert_eq!(app.mode(), Mode::Popup(PopupKind::Goto));
    go(&mut app, &[Action::Escape]);
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Delta benches mapped");
}

#[test]
fn opening_sources() {
    let mut app = app();
    go(&mut app, &[Action::Down]);
    // `o` skips the picture.
    assert_eq!(
        go(&mut app, &[Action::OpenSource]),
        [Effect::OpenUrl("https://gazette.example.com/a".into())]
    );
    // On a source line in the detail, Enter and `o` open that one.
    go(
        &mut app,
        &[Action::FocusNext, Action::FocusNext, Action::PrevLink],
    );
    go(&mut app, &[Action::PrevLink]);
    assert_eq!(
        go(&mut app, &[Action::Activate]),
        [Effect::OpenUrl("https://img.example.com/a.jpg".into())]
    );
    assert_eq!(
        go(&mut app, &[Action::OpenSource]),
        [Effect::OpenUrl("https://img.example.com/a.jpg".into())]
    );
    // No sources: a message, no effect.
    go(
        &mut app,
        &[Action::FocusNext, Action::Down, Action::FocusNext],
    );
    assert_eq!(headline(&app), "Charlie ferries return");
    assert!(go(&mut app, &[Action::OpenSource]).is_empty());
    assert!(app.status.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn not_web_links_are_never_opened() {
    let mut ev = event("x", date(2020, 1, 1), "X", &[]);
    ev.sources = vec![Source::new("Bad", "javascript:alert(1)", false)];
    let mut app = App::new(
        Arc::new(Timeline::new("t".into(), vec![ev], vec![], 0, 1)),
        Theme::default(),
    );
    assert!(go(&mut app, &[Action::OpenSource]).is_empty());
    go(&mut app, &[Action::FocusNext, Action::FocusNext]);
    assert!(go(&mut app, &[Action::Activate]).is_empty());
}

#[test]
fn an_address_cut_when_read_is_refused_not_opened() {
    use ktimeline::loader::pieces::URL_MAX;
    let head = "https://example.org/";
    // At the cap: opened as it is.
    let whole = format!("{head}{}", "w".repeat(URL_MAX - head.len()));
    // Past it the loader keeps the first URL_MAX characters and a `…`:
    // no longer the address the file gave, so not handed to the browser.
    let cut = format!("{head}{}…", "c".repeat(URL_MAX - head.len()));
    let mut ev = event("x", date(2020, 1, 1), "X", &[]);
    ev.sources = vec![
        Source::new("Long", &cut, false),
        Source::new("Whole", &whole, false),
    ];
    let mut app = App::new(
        Arc::new(Timeline::new("t".into(), vec![ev], vec![], 0, 1)),
        Theme::default(),
    );
    // `o` on the first source, then Enter on the chosen source line.
    assert!(go(&mut app, &[Action::OpenSource]).is_empty());
    let m = app.status.message.clone().expect("a message");
    assert!(m.error, "{}", m.text);
    assert!(m.text.contains("longer than 2000 characters"), "{}", m.text);
    app.status.message = None;
    go(
        &mut app,
        &[Action::FocusNext, Action::FocusNext, Action::NextLink],
    );
    assert_eq!(app.nav.link, Some(0));
    assert!(go(&mut app, &[Action::Activate]).is_empty());
    assert!(app.status.message.as_ref().is_some_and(|m| m.error));
    go(&mut app, &[Action::NextLink]);
    assert_eq!(app.nav.link, Some(1));
    assert_eq!(go(&mut app, &[Action::Activate]), [Effect::OpenUrl(whole)]);
}

#[test]
fn help_and_quit() {
    let mut app = app();
    go(&mut app, &[Action::OpenHelp]);
    assert_eq!(app.mode(), Mode::Popup(PopupKind::Help));
    go(&mut app, &[Action::Escape]);
    assert_eq!(app.popup, None);
    assert_eq!(go(&mut app, &[Action::Quit]), [Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn an_empty_timeline_takes_every_action() {
    let mut app = App::new(Arc::new(Timeline::default()), Theme::default());
    let all = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::FocusNext,
        Action::Activate,
        Action::FocusNext,
        Action::Activate,
        Action::Back,
        Action::Forward,
        Action::PrevDay,
        Action::NextDay,
        Action::PrevMonth,
        Action::NextMonth,
        Action::OpenSource,
        Action::NextResult,
        Action::PrevResult,
        Action::Escape,
        Action::Click { x: 3, y: 3 },
        Action::Scroll {
            x: 3,
            y: 3,
            down: true,
        },
        Action::OpenTags,
        Action::Activate,
        Action::OpenGoto,
        Action::Input('2'),
        Action::Activate,
        Action::Escape,
        Action::OpenSearch,
        Action::Input('a'),
        Action::Activate,
    ];
    go(&mut app, &all);
    assert_eq!(app.current(), None);
}

#[test]
fn enter_before_the_results_of_the_latest_query_waits_for_them() {
    let mut app = app();
    let hit = |i| Hit {
        idx: i,
        score: 1.0,
        exact: true,
        positions: vec![0],
        snippet: None,
    };
    let c = idx(&app, "Charlie ferries return");
    let e = idx(&app, "Echo winter market");
    go(&mut app, &[Action::OpenSearch, Action::Input('c')]);
    app.update(Action::SearchDone {
        generation: 1,
        found: found(vec![hit(c)]),
    });
    // Typed on and pressed Enter before "ce" was answered.
    go(&mut app, &[Action::Input('e'), Action::Activate]);
    assert_eq!(app.mode(), Mode::Popup(PopupKind::Search));
    assert_ne!(headline(&app), "Charlie ferries return");
    app.update(Action::SearchDone {
        generation: 2,
        found: found(vec![hit(e)]),
    });
    assert_eq!(app.popup, None);
    assert_eq!(headline(&app), "Echo winter market");
}

#[test]
fn back_returns_to_the_link_that_was_followed() {
    let mut app = reading_alpha();
    // Sources 0 and 1, related 2 (c) and 3 (g): follow the second.
    go(&mut app, &[Action::NextLink, Action::Activate]);
    assert_eq!(headline(&app), "Golf keepers strike");
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    assert_eq!(app.nav.link, Some(3));
    // Back from a list to a place left while reading: reading again, the
    // same link chosen.
    go(&mut app, &[Action::Activate, Action::FocusLeft]);
    assert_eq!(app.nav.focus, Focus::Events);
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    assert_eq!((app.nav.focus, app.nav.link), (Focus::Links, Some(3)));
    // A jump shows the new entry from its top.
    go(&mut app, &[Action::PrevLink, Action::Activate]);
    assert_eq!(headline(&app), "Charlie ferries return");
    assert_eq!(
        (app.nav.detail_scroll, app.nav.reveal_link),
        (0, Reveal::Stay)
    );
}

#[test]
fn arrows_move_focus_without_wrapping_and_inputs_edit() {
    let mut app = app();
    go(&mut app, &[Action::FocusLeft]);
    assert_eq!(app.nav.focus, Focus::Dates);
    go(
        &mut app,
        &[Action::FocusRight, Action::FocusRight, Action::FocusRight],
    );
    assert_eq!(app.nav.focus, Focus::Links);
    go(&mut app, &[Action::OpenSearch]);
    for c in "bravo reg".chars() {
        app.update(Action::Input(c));
    }
    go(&mut app, &[Action::DeleteWord]);
    assert_eq!(app.search.query, "bravo ");
    go(&mut app, &[Action::ClearInput]);
    assert_eq!(app.search.query, "");
}

#[test]
fn reopening_the_search_starts_a_new_query_when_typing() {
    let mut app = app();
    go(
        &mut app,
        &[Action::OpenSearch, Action::Input('a'), Action::Input('b')],
    );
    go(&mut app, &[Action::Escape, Action::OpenSearch]);
    assert!(app.search.fresh);
    go(&mut app, &[Action::DeleteChar]);
    assert_eq!(app.search.query, "a", "Backspace edits the old query");
    go(
        &mut app,
        &[Action::Escape, Action::OpenSearch, Action::Input('z')],
    );
    assert_eq!(app.search.query, "z", "typing starts a new one");
}

#[test]
fn page_down_in_the_dates_moves_by_the_rows_on_screen() {
    let mut app = app();
    // Rows: 2016, March, 02 (g), 2017, June, 08, 20, July, 03, 2018, ...
    app.areas.dates = ratatui::layout::Rect::new(0, 0, 20, 5);
    go(&mut app, &[Action::PageDown]);
    assert_eq!(headline(&app), "Charlie ferries return");
    go(&mut app, &[Action::PageUp]);
    assert_eq!(headline(&app), "Golf keepers strike");
}

#[test]
fn a_popup_input_keeps_at_most_its_cap() {
    use ktimeline::tui::picker::MAX_INPUT_CHARS;
    use ktimeline::tui::popups::Popup;
    let mut app = app();
    go(&mut app, &[Action::OpenSearch]);
    for _ in 0..MAX_INPUT_CHARS + 500 {
        app.update(Action::Input('x'));
    }
    assert_eq!(app.search.query.chars().count(), MAX_INPUT_CHARS);
    go(&mut app, &[Action::Escape, Action::OpenTags]);
    for _ in 0..MAX_INPUT_CHARS + 5 {
        app.update(Action::Input('한'));
    }
    match &app.popup {
        Some(Popup::Tags(p)) => assert_eq!(p.input.chars().count(), MAX_INPUT_CHARS),
        other => panic!("{other:?}"),
    }
}

/// The archive changed on disk: the fresh timeline (here with one more
/// entry, so every later entry is renumbered) takes the old one's place,
/// and the user stays on the same entry, with the history and an open
/// search, which runs again on the new timeline.
#[test]
fn a_fresh_timeline_keeps_the_place_and_the_search() {
    let mut app = app();
    let c = idx(&app, "Charlie ferries return");
    app.jump(c);
    assert_eq!(headline(&app), "Charlie ferries return");
    let effects = go(
        &mut app,
        &[Action::OpenSearch, Action::Input('e'), Action::Input('c')],
    );
    assert!(matches!(effects.last(), Some(Effect::Search { .. })));

    let old = timeline();
    let mut events = old.events.clone();
    let early = event("z", date(2000, 1, 1), "Zulu comes first", &["Harbour"]);
    events.insert(0, early);
    for e in &mut events[1..] {
        for r in &mut e.related {
            r.to += 1;
        }
        for b in &mut e.backlinks {
            *b += 1;
        }
    }
    let fresh = Arc::new(Timeline::new("test".into(), events, Vec::new(), 0, 8));
    let rerun = app.replace_timeline(fresh.clone());
    assert_eq!(headline(&app), "Charlie ferries return");
    assert_eq!(app.current(), fresh.get("c"));
    assert!(matches!(
        app.popup,
        Some(ktimeline::tui::popups::Popup::Search { .. })
    ));
    match rerun {
        Some(Effect::Search { query, .. }) => assert_eq!(query, "ec"),
        other => panic!("the search is not run again: {other:?}"),
    }
}

#[test]
fn a_fresh_timeline_keeps_the_chosen_links_by_what_they_lead_to() {
    let mut app = reading_alpha();
    // Sources 0 and 1, related 2 (c) and 3 (g): choose g's, follow it.
    go(&mut app, &[Action::NextLink, Action::Activate]);
    assert_eq!(headline(&app), "Golf keepers strike");
    // The archive is read again: a's first source and its link to c are
    // gone, so g's link now stands second, not fourth.
    let mut events = timeline().events.clone();
    let a = events.iter().position(|e| e.id == "a").unwrap();
    events[a].sources.remove(0);
    events[a].related.remove(0);
    let fresh = Arc::new(Timeline::new("test".into(), events, Vec::new(), 0, 8));
    app.replace_timeline(fresh);
    go(&mut app, &[Action::Back]);
    assert_eq!(headline(&app), "Alpha library opens");
    let links = ktimeline::tui::app::links_of(app.current_event().unwrap());
    let chosen = links[app.nav.link.expect("a link chosen")];
    match chosen {
        ktimeline::tui::app::Link::Related(r) => {
            let to = app.current_event().unwrap().related[r].to;
            assert_eq!(app.timeline.events[to].id, "g");
        }
        other => panic!("{other:?} chosen"),
    }
}

#[test]
fn landing_on_an_entry_from_a_list_is_not_reading_it() {
    let mut app = sample_app();
    app.session.visited.clear();
    goto_input(&mut app, "2018-04");
    let id = app.current_event().unwrap().id.clone();
    assert_ne!(app.nav.focus, Focus::Links);
    assert!(
        !app.session.visited.contains(&id),
        "marked read from the date list"
    );
    go(&mut app, &[Action::FocusNext, Action::FocusNext]);
    assert_eq!(app.nav.focus, Focus::Links);
    assert!(
        app.session.visited.contains(&id),
        "read once opened in the detail"
    );
}

/// Enter on an entry in the list opens it in the detail: that is reading
/// it, with no other key pressed after (the hostile tester's find: only a
/// key pressed in the detail marked it).
#[test]
fn enter_on_an_entry_marks_it_read() {
    let mut app = sample_app();
    app.session.visited.clear();
    goto_input(&mut app, "2018-04");
    go(&mut app, &[Action::FocusNext]);
    assert_eq!(app.nav.focus, Focus::Events);
    let id = app.current_event().unwrap().id.clone();
    assert!(!app.session.visited.contains(&id));
    app.update(Action::Activate);
    assert_eq!(app.nav.focus, Focus::Links);
    assert!(app.session.visited.contains(&id), "Enter opened it unread");
}

#[test]
fn an_entry_linked_both_ways_is_listed_once_and_y_copies_a_chosen_entry_link() {
    let mut app = reading_alpha();
    // Alpha links to Charlie and Charlie to Alpha: Charlie is listed under
    // Related only; Delta (which links to Alpha) under Referenced by.
    let links = app.links();
    let to: Vec<usize> = links.iter().filter_map(|&l| app.link_entry(l)).collect();
    let c = idx(&app, "Charlie ferries return");
    assert_eq!(to.iter().filter(|&&i| i == c).count(), 1, "{links:?}");
    assert!(to.contains(&idx(&app, "Delta benches mapped")));
    // `y` with a link to an entry chosen copies that entry's file (a
    // ghost's id), not the entry being read.
    let related_c = links
        .iter()
        .position(|&l| app.link_entry(l) == Some(c))
        .unwrap();
    app.nav.link = Some(related_c);
    let want = app.timeline.events[c].file.clone().unwrap();
    assert_eq!(
        app.update(Action::Copy),
        Some(Effect::Copy {
            text: want.clone(),
            what: want
        })
    );
    let g = idx(&app, "Golf keepers strike");
    app.nav.link = links.iter().position(|&l| app.link_entry(l) == Some(g));
    let Some(Effect::Copy { text, .. }) = app.update(Action::Copy) else {
        panic!("no copy");
    };
    assert_eq!(text, "g");
}

#[test]
fn j_k_read_entry_after_entry_across_days_and_u_finds_the_next_unread() {
    let mut app = app();
    // Alpha (2017-06-08) first; J walks the list in view across days.
    go(
        &mut app,
        &[Action::Down, Action::FocusNext, Action::FocusNext],
    );
    let start = headline(&app);
    let mut seen = vec![start.clone()];
    for _ in 0..3 {
        go(&mut app, &[Action::NextEntry]);
        seen.push(headline(&app));
    }
    let days: Vec<_> = seen
        .iter()
        .map(|h| app.timeline.events[idx(&app, h)].date)
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(days.first() != days.last(), "crossed a day: {seen:?}");
    // Read while the detail shows them.
    for h in &seen {
        assert!(
            app.session
                .visited
                .contains(&app.timeline.events[idx(&app, h)].id)
        );
    }
    go(&mut app, &[Action::PrevEntry]);
    assert_eq!(headline(&app), seen[2]);
    // U marks one unread again; u from the first finds it.
    go(&mut app, &[Action::ToggleRead]);
    let unread_again = headline(&app);
    // Scrolling on in it does not read it again.
    go(&mut app, &[Action::Down, Action::Up]);
    assert!(
        !app.session
            .visited
            .contains(&app.timeline.events[idx(&app, &unread_again)].id)
    );
    let a = idx(&app, &start);
    app.jump(a);
    go(&mut app, &[Action::NextUnread]);
    assert_eq!(headline(&app), unread_again);
    // The counts: the day's unread, said once anything is read.
    let counts = app.read_counts(app.nav.day);
    assert!(counts.any_read);
    let all_real = app
        .timeline
        .events
        .iter()
        .filter(|e| e.kind != Kind::Ghost)
        .count();
    assert_eq!(counts.unread, all_real - app.session.visited.len());
}

#[test]
fn space_at_the_end_of_an_entry_opens_the_next() {
    let mut app = reading_alpha();
    let first = headline(&app);
    // The last frame showed the whole entry (its text fits the pane).
    app.areas.detail.height = 40;
    app.areas.detail_lines = 12;
    go(&mut app, &[Action::PageDown]);
    assert_ne!(headline(&app), first);
    // A longer one scrolls first.
    app.areas.detail_lines = 200;
    let second = headline(&app);
    go(&mut app, &[Action::PageDown]);
    assert_eq!(headline(&app), second);
    assert!(app.nav.detail_scroll > 0);
}

#[test]
fn l_lists_every_entry_in_view_and_the_date_list_follows() {
    let mut app = app();
    go(&mut app, &[Action::Down]);
    let alpha = app.current();
    go(&mut app, &[Action::ToggleFlat]);
    assert!(app.nav.flat);
    // The same entry stays selected, in a list of every entry in view.
    assert_eq!(app.current(), alpha);
    let all: Vec<usize> = app.day_events().to_vec();
    let dated: Vec<_> = all.iter().map(|&i| app.timeline.events[i].date).collect();
    assert_eq!(
        all.len(),
        app.nav
            .view
            .days
            .iter()
            .map(|&d| app
                .nav
                .view
                .events(
                    &app.timeline,
                    app.nav.view.pos_of_day(d).unwrap(),
                    &app.nav.filter
                )
                .len())
            .sum::<usize>()
    );
    assert!(dated.iter().flatten().collect::<Vec<_>>().is_sorted());
    // Down in the entries goes across days; the date list follows.
    go(&mut app, &[Action::FocusNext]);
    let day_before = app.nav.day;
    for _ in 0..all.len() {
        go(&mut app, &[Action::Down]);
    }
    assert_eq!(app.current(), all.last().copied());
    assert_ne!(app.nav.day, day_before);
    let shown_day = app.nav.view.days[app.nav.day];
    assert!(
        app.timeline.days[shown_day]
            .events
            .clone()
            .any(|i| Some(i) == app.current())
    );
    // A day chosen in the date list selects its first entry in the list.
    go(&mut app, &[Action::FocusPrev, Action::Home]);
    assert_eq!(app.current(), all.first().copied());
    // L again: one day at a time, the entry kept.
    go(&mut app, &[Action::ToggleFlat]);
    assert!(!app.nav.flat);
    assert_eq!(app.current(), all.first().copied());
}

#[test]
fn a_full_text_hit_opens_with_its_words_found_in_it() {
    let mut app = app();
    let effects = go(
        &mut app,
        &[
            Action::OpenSearch,
            Action::ToggleSearchMode,
            Action::Input('f'),
            Action::Input('e'),
        ],
    );
    let Some(Effect::Search { generation, .. }) = effects.last().cloned() else {
        panic!("a search");
    };
    let c = idx(&app, "Charlie ferries return");
    app.update(Action::SearchDone {
        generation,
        found: found(vec![Hit {
            idx: c,
            score: 1.0,
            exact: true,
            positions: vec![],
            snippet: None,
        }]),
    });
    go(&mut app, &[Action::Activate]);
    assert_eq!(app.current(), Some(c));
    let find = app.find.clone().expect("the find is active");
    assert_eq!(find.needles, ["fe"]);
    assert_eq!(find.current, None, "opens on its headline");
    assert!(app.finding());
    // Another entry ends it.
    go(&mut app, &[Action::NextEntry]);
    assert!(app.find.is_none());
}

#[test]
fn the_prompts_remember_their_queries_and_alt_up_brings_them_back() {
    let mut app = app();
    let mut state = app.to_state();
    // From a state file (untrusted): cleaned when taken up.
    state.queries = vec!["ferries\u{1b}[31m".into(), "bench".into()];
    app.restore_state(state);
    assert_eq!(app.session.queries, ["ferries", "bench"]);
    // A find made is remembered, last.
    go(
        &mut app,
        &[Action::Down, Action::FocusNext, Action::FocusNext],
    );
    go(&mut app, &[Action::OpenFind]);
    for c in "library".chars() {
        app.update(Action::Input(c));
    }
    go(&mut app, &[Action::Activate]);
    assert_eq!(
        app.session.queries.last().map(String::as_str),
        Some("library")
    );
    // Alt-↑ in the find prompt: the newest first, then older; Alt-↓ back.
    go(
        &mut app,
        &[Action::Escape, Action::OpenFind, Action::HistoryPrev],
    );
    let input = |app: &App| match &app.popup {
        Some(Popup::Find { input, .. }) => input.clone(),
        _ => panic!("the find prompt"),
    };
    assert_eq!(input(&app), "library");
    go(&mut app, &[Action::HistoryPrev]);
    assert_eq!(input(&app), "bench");
    go(&mut app, &[Action::HistoryNext]);
    assert_eq!(input(&app), "library");
    go(&mut app, &[Action::HistoryNext]);
    assert_eq!(input(&app), "");
    // Saved with the state.
    assert_eq!(app.to_state().queries, ["ferries", "bench", "library"]);
}

/// The front-matter fixture, loaded from memory (no cache written).
fn notes_app() -> App {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frontmatter");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(&root).unwrap().display().to_string();
                files.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let t = ktimeline::loader::load_memory("notes", files);
    App::new(Arc::new(t), Theme::default())
}

#[test]
fn wikilinks_are_followed_and_come_back_as_backlinks() {
    let mut app = notes_app();
    let tram = idx(&app, "Tram line extension approved after a late-night vote");
    go(&mut app, &[Action::FocusNext, Action::FocusNext]);
    app.jump(tram);
    assert_eq!(app.nav.focus, Focus::Links);
    // Its one related link, `[[Council budget notes|the council notes]]`,
    // is chosen on entering the detail: Enter follows it.
    go(&mut app, &[Action::Activate]);
    assert_eq!(
        headline(&app),
        "Notes on where the council's spare money went this year."
    );
    // From the notes: the night market by its file's name, then the tram
    // clipping again, a ghost, then the ferry post.
    go(&mut app, &[Action::NextLink, Action::Activate]);
    assert_eq!(
        headline(&app),
        "Tram line extension approved after a late-night vote"
    );
    go(&mut app, &[Action::Back, Action::Back]);
    assert_eq!(
        headline(&app),
        "Tram line extension approved after a late-night vote"
    );
}

/// `events` without the entry `id`, the links and backlinks to it dropped
/// and the others renumbered: the archive after its file is deleted.
fn without(events: &[Event], id: &str) -> Arc<Timeline> {
    let gone = events.iter().position(|e| e.id == id).unwrap();
    let renumber = |i: usize| (i != gone).then(|| if i > gone { i - 1 } else { i });
    let mut left: Vec<Event> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if i == gone {
            continue;
        }
        let mut e = e.clone();
        e.related.retain(|r| r.to != gone);
        for r in &mut e.related {
            r.to = renumber(r.to).unwrap();
        }
        e.backlinks = e.backlinks.iter().filter_map(|&b| renumber(b)).collect();
        left.push(e);
    }
    let n = left.len();
    Arc::new(Timeline::new("test".into(), left, Vec::new(), 0, n))
}

/// The story in view when the archive is read again: its members follow
/// the new timeline (one deleted is no longer counted); its entry deleted
/// (or only a ghost of it left), the story is dropped and the status bar
/// says so.
#[test]
fn a_story_follows_the_archive_read_again() {
    let mut app = app();
    let a = idx(&app, "Alpha library opens");
    let members = [
        a,
        idx(&app, "Bravo regatta delayed"),
        idx(&app, "Charlie ferries return"),
    ];
    let story = ktimeline::filter::StoryFilter::of_entries(&app.timeline, a, &members);
    app.show_story(a, story);
    assert!(app.nav.filter.describe().starts_with("story (3 entries): "));
    // Charlie's file is deleted.
    app.replace_timeline(without(&timeline().events, "c"));
    let story = app.nav.filter.story.clone().expect("the story stays");
    assert_eq!(story.len(), 2);
    assert!(story.holds("a") && story.holds("b") && !story.holds("c"));
    assert!(
        app.nav
            .filter
            .describe()
            .starts_with("story (2 entries): Alpha"),
        "{}",
        app.nav.filter.describe()
    );
    assert_eq!(headline(&app), "Alpha library opens");
    // Back in the history, the place left under the story keeps it too,
    // followed.
    let d = idx(&app, "Delta benches mapped");
    app.jump(d);
    go(&mut app, &[Action::Back]);
    assert_eq!(app.nav.filter.story.as_ref().map(|s| s.len()), Some(2));

    // Then Alpha's own file is deleted: the story goes, said so.
    let events: Vec<Event> = app.timeline.events.clone();
    app.replace_timeline(without(&events, "a"));
    assert!(app.nav.filter.story.is_none(), "{:?}", app.nav.filter);
    let said = app
        .status
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains("Alpha library opens") && said.contains("gone"),
        "{said}"
    );
    // And the places of the history no longer bring it back.
    go(
        &mut app,
        &[Action::Back, Action::Back, Action::Forward, Action::Forward],
    );
    assert!(app.nav.filter.story.is_none());
}

/// A story whose entry's file is deleted while entries still link to it
/// (it is a ghost now) is dropped too.
#[test]
fn a_story_whose_entry_is_now_a_ghost_is_dropped() {
    let mut app = app();
    let c = idx(&app, "Charlie ferries return");
    let a = idx(&app, "Alpha library opens");
    let id_c = app.timeline.events[c].id.clone();
    let story = ktimeline::filter::StoryFilter::of_entries(&app.timeline, c, &[a, c]);
    app.show_story(c, story);
    assert!(app.nav.flat);
    let mut events = timeline().events.clone();
    let e = &mut events[c];
    e.kind = Kind::Ghost;
    e.file = None;
    e.body = Body::default();
    e.related.clear();
    let n = events.len();
    app.replace_timeline(Arc::new(Timeline::new(
        "test".into(),
        events,
        Vec::new(),
        0,
        n,
    )));
    assert!(app.nav.filter.story.is_none());
    let said = app
        .status
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("Charlie ferries return"), "{said}");
    // The flat list `s` opened went with the story; the ghost is shown.
    assert!(!app.nav.flat);
    assert_eq!(
        app.current().map(|i| app.timeline.events[i].id.clone()),
        Some(id_c)
    );
}

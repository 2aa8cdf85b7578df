//! The loader on fixture archives: classification, link resolution by each
//! of FORMAT.md's three ways, ghosts, backlinks, problems, determinism, and
//! the real seed files when `../shared/seeds` is there.

use std::fs;
use std::path::{Path, PathBuf};

use ktimeline::loader::{self, load_paths};
use ktimeline::model::{Kind, Timeline};
use ktimeline::text;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn names(tags: &[ktimeline::model::Tag]) -> Vec<&str> {
    tags.iter().map(|t| &**t).collect()
}

fn load(path: &Path) -> Timeline {
    load_paths(&[path.to_path_buf()], &|_, _| {}).expect("root opens")
}

fn by_headline<'a>(t: &'a Timeline, start: &str) -> &'a ktimeline::model::Event {
    t.events
        .iter()
        .find(|e| e.headline.starts_with(start))
        .unwrap_or_else(|| panic!("no entry starting {start:?}"))
}

#[test]
fn basic_archive_counts() {
    let t = load(&fixture("basic"));
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let s = t.stats(10);
    assert_eq!((s.events, s.articles, s.ghosts), (4, 2, 1));
    assert_eq!(s.index_pages, 1);
    assert_eq!(s.files, 7);
    assert_eq!((s.links.resolved, s.links.unresolved), (5, 2));
    assert_eq!(s.first.as_deref(), Some("2020-01-02"));
    assert_eq!(s.last.as_deref(), Some("2021-07-09"));
    assert_eq!(s.days, 3);
    assert_eq!(s.undated, 1);
}

#[test]
fn links_resolve_in_format_order() {
    let t = load(&fixture("basic"));
    let a = by_headline(&t, "Harbour city");
    // Markup in the headline is rendered to text; the id follows the slug rule.
    assert_eq!(
        a.headline,
        "Harbour city opens its first tidal power station."
    );
    assert_eq!(
        a.id,
        "/news/2020/01/2/harbour-city-opens-its-first-tidal-power-station.md"
    );
    let to = |e: &ktimeline::model::Event, i: usize| &t.events[e.related[i].to];
    // By canonical path: the council event lives in misc/B-event.txt.
    assert_eq!(
        to(a, 0)
            .file
            .as_deref()
            .map(|f| f.ends_with("misc/B-event.txt")),
        Some(true)
    );
    assert!(a.related[0].resolved);
    // By date and headline: the target's slug is stale.
    assert_eq!(
        to(a, 1).headline,
        "Fishermen report fewer seals near the tidal barrage."
    );
    assert!(a.related[1].resolved);
    // To nothing: a ghost with the link's text, the path's date, the context.
    let g = to(a, 2);
    assert_eq!(g.kind, Kind::Ghost);
    assert!(!a.related[2].resolved);
    assert_eq!(g.headline, "A storm damages the breakwater.");
    assert_eq!(g.date.map(|d| d.to_string()).as_deref(), Some("2019-11-30"));
    let mut tags = names(&g.tags);
    tags.sort();
    assert_eq!(tags, ["Harbour City", "Weather"]);
    // By exact path: the link text differs from the headline found there.
    let b = by_headline(&t, "Regional council");
    assert_eq!(
        to(b, 1).headline,
        "Engineers publish a study of turbine noise."
    );
    assert_eq!(t.link_text(&b.related[1]), "Turbine noise study");
    // A link text equal to the headline it leads to is not kept twice.
    assert_eq!(a.related[1].text, None);
    // Both links to the storm lead to the same ghost.
    assert_eq!(a.related[2].to, b.related[2].to);
}

#[test]
fn backlinks_and_tags() {
    let t = load(&fixture("basic"));
    let idx = |start: &str| {
        t.events
            .iter()
            .position(|e| e.headline.starts_with(start))
            .unwrap()
    };
    let (a, b, c, g) = (
        idx("Harbour"),
        idx("Regional"),
        idx("Fishermen"),
        idx("A storm"),
    );
    assert_eq!(t.events[a].backlinks, {
        let mut v = vec![b, c];
        v.sort();
        v
    });
    assert_eq!(t.events[g].backlinks.len(), 2);
    assert_eq!(
        names(&t.events[a].tags),
        ["Tidal Power", "Harbour City", "Wildlife", "Weather"]
    );
    assert!(t.events[idx("Engineers")].tags.is_empty());
}

#[test]
fn articles_are_dated_from_their_path_or_undated() {
    let t = load(&fixture("basic"));
    let ferry = by_headline(&t, "The ferry company");
    assert_eq!(ferry.kind, Kind::Article);
    assert_eq!(
        ferry.headline,
        "The ferry company adds an evening crossing for the summer."
    );
    assert_eq!(
        ferry.date.map(|d| d.to_string()).as_deref(),
        Some("2020-03-15")
    );
    let note = by_headline(&t, "A local historian");
    assert_eq!(note.date, None);
    assert_eq!(note.id, "/loose/undated-note.txt");
    // Undated entries come last, in a day of their own.
    assert_eq!(t.events.last().unwrap().date, None);
    assert_eq!(t.days.last().unwrap().date, None);
}

#[test]
fn timeline_is_sorted_and_days_group_it() {
    let t = load(&fixture("basic"));
    let dates: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.date.is_none(), e.date))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let covered: usize = t.days.iter().map(|d| d.len()).sum();
    assert_eq!(covered, t.events.len());
    for d in &t.days {
        assert!(t.events[d.events.clone()].iter().all(|e| e.date == d.date));
    }
    let ghost_day = t
        .days
        .iter()
        .find(|d| d.only_ghosts())
        .expect("the storm's day");
    assert_eq!(
        ghost_day.date.map(|d| d.to_string()).as_deref(),
        Some("2019-11-30")
    );
}

#[test]
fn a_day_follows_its_index_page_then_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let day = dir.path().join("news/2015/09/3");
    fs::create_dir_all(&day).unwrap();
    let event = |slug: &str, headline: &str| {
        fs::write(
            day.join(format!("{slug}.md")),
            format!("### [2015-09-3](/news/2015/09/3/index.md)\n\n# {headline}\n\nText.\n"),
        )
        .unwrap();
    };
    event("zebra", "Zebras cross the road.");
    event("apple", "Apples are picked early.");
    event("mango", "Mangoes arrive late.");
    event("kiwi", "Kiwis are unlisted.");
    // The page lists zebra, then mango, then apple (under two headings,
    // as the source groups them), and a link to no file.
    fs::write(
        day.join("index.md"),
        "# 2015-09-3\n\n## Nature\n\n1. [Zebras cross the road.](/news/2015/09/3/zebra.md)\n\n\
         ## Food\n\n1. [Mangoes arrive late.](/news/2015/09/3/mango.md)\n\
         2. [Gone.](/news/2015/09/3/gone.md)\n\
         3. [Apples are picked early.](/news/2015/09/3/apple.md)\n",
    )
    .unwrap();
    let t = load(dir.path());
    let heads: Vec<&str> = t.events.iter().map(|e| e.headline.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Zebras cross the road.",
            "Mangoes arrive late.",
            "Apples are picked early.",
            "Kiwis are unlisted."
        ]
    );
    assert_eq!(t.index_pages, 1);
    // A link spelled as related links may be (no leading slash, month
    // without its zero) finds its entry as they do; a second page for the
    // day orders what the first does not list, after it.
    fs::write(
        day.join("index.md"),
        "# 2015-09-3\n\n1. [Zebras cross the road.](news/2015/9/3/zebra.md)\n",
    )
    .unwrap();
    fs::write(
        day.join("more.md"),
        "# 2015-09-3\n\n1. [Kiwis are unlisted.](/news/2015/09/3/kiwi.md)\n\
         2. [Zebras cross the road.](/news/2015/09/3/zebra.md)\n\
         3. [Apples are picked early.](/news/2015/09/3/apple.md)\n",
    )
    .unwrap();
    let t = load(dir.path());
    let heads: Vec<&str> = t.events.iter().map(|e| e.headline.as_str()).collect();
    assert_eq!(
        heads,
        [
            "Zebras cross the road.",
            "Kiwis are unlisted.",
            "Apples are picked early.",
            "Mangoes arrive late."
        ]
    );
    fs::remove_file(day.join("more.md")).unwrap();
    // Without the page, the usual order.
    fs::remove_file(day.join("index.md")).unwrap();
    let t = load(dir.path());
    assert_eq!(t.events[0].headline, "Apples are picked early.");
}

/// Copies a tree file by file in the given order.
fn copy_tree(from: &Path, to: &Path, reverse: bool) {
    let mut files: Vec<PathBuf> = walk(from);
    files.sort();
    if reverse {
        files.reverse();
    }
    for f in files {
        let dest = to.join(f.strip_prefix(from).unwrap());
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&f, dest).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn same_archive_same_timeline_whatever_the_order() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), one.path(), false);
    copy_tree(&fixture("basic"), two.path(), true);
    // Add a duplicate so that which copy wins must not depend on order.
    let dup = fs::read(fixture(
        "basic/news/2021/07/9/fishermen-report-fewer-seals-near-the-tidal-barrage.md",
    ))
    .unwrap();
    fs::write(one.path().join("zz-copy.md"), &dup).unwrap();
    fs::write(two.path().join("zz-copy.md"), &dup).unwrap();
    let strip = |t: Timeline, root: &Path| {
        let root = root.display().to_string();
        let mut t = t;
        for e in &mut t.events {
            e.file = e.file.take().map(|f| f.replace(&root, "ROOT"));
        }
        for p in &mut t.problems {
            p.file = p.file.replace(&root, "ROOT");
            p.reason = p.reason.replace(&root, "ROOT");
        }
        (t.events, t.problems)
    };
    // Copies under other names are the duplicates, not the canonical file.
    fs::write(two.path().join("aa-first-by-name.md"), &dup).unwrap();
    fs::write(one.path().join("aa-first-by-name.md"), &dup).unwrap();
    let a = strip(load(one.path()), one.path());
    let b = strip(load(two.path()), two.path());
    assert_eq!(a, b);
    assert_eq!(a.1.len(), 2);
    assert!(
        a.1.iter().all(|p| p.reason.starts_with("duplicate id")),
        "{:?}",
        a.1
    );
    assert!(a.1[0].file.ends_with("aa-first-by-name.md"));
    assert!(a.1[1].file.ends_with("zz-copy.md"));
    assert!(
        a.1[1].reason.ends_with(
            "fishermen-report-fewer-seals-near-the-tidal-barrage.md has the same date and headline"
        ),
        "{}",
        a.1[1].reason
    );
}

/// A hostile archive: every kind of problem, and the good file still loads.
#[test]
fn every_problem_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = |name: &str, bytes: &[u8]| {
        let p = root.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    };
    let good = "### [2020-5-1](/x)\n\n# A good event survives.\n";
    w("good.md", good.as_bytes());
    w("empty.md", b"");
    w("blank.txt", b"  \n\n\t\n");
    w("binary.md", b"abc\n\x00\x01\x02");
    w("latin1.txt", b"caf\xe9 au lait\n");
    w(
        "impossible.md",
        b"### [2013-02-30](/x)\n\n# A day that never was.\n",
    );
    w(
        "noheadline.md",
        b"### [2013-02-3](/x)\n\nJust text under a date.\n",
    );
    w("zz-dup.markdown", good.as_bytes());
    w("ignored.html", b"<p>not a candidate</p>");
    // Pathological markdown loads (in linear time) as ordinary events.
    let mut long = b"### [2020-5-2](/x)\n\n# A megabyte-long line.\n\n".to_vec();
    long.extend(b"[*_`<".repeat(200_000));
    w("long.md", &long);
    let mut deep = b"### [2020-5-3](/x)\n\n# Deep nesting.\n\n".to_vec();
    deep.extend(b">".repeat(100_000));
    w("deep.md", &deep);
    w(
        "crlf-bom.md",
        "\u{feff}### [2020-5-4](/x)\r\n\r\nSetext and CRLF\r\n===\r\n".as_bytes(),
    );
    let big = fs::File::create(root.join("big.md")).unwrap();
    big.set_len(loader::MAX_FILE_BYTES + 1).unwrap();
    fs::create_dir_all(root.join("folder.md")).unwrap();
    w(
        "folder.md/inside.md",
        b"### [2021-1-1](/x)\n\n# Inside a folder named like a file.\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("good.md"), root.join("link.md")).unwrap();
    }
    let t = load(root);
    let reason = |file: &str| -> String {
        let ps: Vec<_> = t
            .problems
            .iter()
            .filter(|p| p.file.ends_with(file))
            .collect();
        assert_eq!(ps.len(), 1, "{file}: {:?}", t.problems);
        match ps[0].line {
            Some(l) => format!("{l}: {}", ps[0].reason),
            None => ps[0].reason.clone(),
        }
    };
    assert_eq!(reason("empty.md"), "empty file");
    assert_eq!(reason("blank.txt"), "empty file");
    assert!(reason("binary.md").starts_with("2: binary"));
    assert!(reason("latin1.txt").starts_with("1: not UTF-8"));
    assert!(reason("impossible.md").starts_with("1: impossible date '2013-02-30'"));
    assert!(reason("noheadline.md").starts_with("1: no headline"));
    assert!(reason("zz-dup.markdown").starts_with("3: duplicate id"));
    assert!(reason("big.md").starts_with("too large"));
    #[cfg(unix)]
    {
        assert_eq!(reason("link.md"), "symbolic link, not followed");
        assert_eq!(
            reason("/loop"),
            "symbolic link to a directory, not followed"
        );
    }
    assert!(!t.problems.iter().any(|p| p.file.ends_with("ignored.html")));
    let headlines: Vec<&str> = t.events.iter().map(|e| e.headline.as_str()).collect();
    assert_eq!(
        headlines,
        [
            "A good event survives.",
            "A megabyte-long line.",
            "Deep nesting.",
            "Setext and CRLF",
            "Inside a folder named like a file."
        ]
    );
    // Every candidate ends as exactly one thing: loaded (perhaps with a
    // warning, as the megabyte line past the markdown cap), an index page,
    // or a problem.
    let s = t.stats(0);
    let loaded: std::collections::HashSet<&str> =
        t.events.iter().filter_map(|e| e.file.as_deref()).collect();
    let fatal = t
        .problems
        .iter()
        .filter(|p| !loaded.contains(p.file.as_str()))
        .count();
    assert_eq!(s.files, s.events + s.articles + s.index_pages + fatal);
}

#[test]
fn a_missing_root_is_an_error_naming_it() {
    let err = load_paths(&[PathBuf::from("/no/such/archive")], &|_, _| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/no/such/archive: no such file or directory"
    );
}

#[test]
fn the_sample_archive_loads_cleanly() {
    let t = loader::load_sample();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let s = t.stats(100);
    assert!(s.events >= 60, "{} events", s.events);
    assert!(s.articles >= 3 && s.ghosts >= 3 && s.undated >= 1);
    assert!(s.first.as_deref() < Some("1946") && s.last.as_deref() > Some("2020"));
    for e in &t.events {
        if e.kind == Kind::Event {
            assert_eq!(e.id, text::canonical_path(e.date.unwrap(), &e.headline));
            assert!(e.related.len() >= 2, "{} has too few links", e.id);
        }
    }
    // Densely linked: most links resolve.
    assert!(s.links.resolved > 4 * s.links.unresolved);
}

fn seeds() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    p.is_dir().then_some(p)
}

#[test]
fn the_seeds_give_one_event_one_article_five_ghosts() {
    let Some(dir) = seeds() else {
        eprintln!("skipped: ../shared/seeds is not here");
        return;
    };
    let t = load(&dir);
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let s = t.stats(10);
    assert_eq!((s.events, s.articles, s.ghosts), (1, 1, 5));
    let e = t.events.iter().find(|e| e.kind == Kind::Event).unwrap();
    assert_eq!(
        e.id,
        "/news/2013/06/6/north-korea-restores-the-red-cross-link-with-south-korea-used-for-government-to-government-communications.md"
    );
    assert_eq!(e.sources.len(), 2);
    assert!(!e.sources[0].image && e.sources[1].image);
    assert_eq!(e.related.len(), 5);
    assert_eq!(
        names(&e.related[0].context),
        ["North Korea", "Red Cross", "South Korea"]
    );
    assert_eq!(names(&e.tags), ["North Korea", "Red Cross", "South Korea"]);
    // The slug rule gives exactly the five related links' targets (the
    // ids of the ghosts they lead to).
    for r in &e.related {
        let target = &t.events[r.to].id;
        let date = text::date_from_path(target).unwrap();
        assert_eq!(&text::canonical_path(date, t.link_text(r)), target);
    }
    let a = t.events.iter().find(|e| e.kind == Kind::Article).unwrap();
    assert_eq!(a.date, None);
    assert_eq!(
        a.headline,
        "The gesture looks like a new thaw in inter-Korean relations, even if the context remains tense."
    );
    let a = t
        .events
        .iter()
        .position(|e| e.kind == Kind::Article)
        .unwrap();
    assert!(loader::body(&t, a).ends_with("” time bomb “."));
}

fn write(root: &Path, name: &str, text: &str) {
    let p = root.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[test]
fn events_with_the_same_slug_but_other_headlines_both_stay() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.md",
        "### [2013-06-6](/x)\n\n# 북한이 연락선을 복구했다\n",
    );
    write(
        dir.path(),
        "b.md",
        "### [2013-06-6](/x)\n\n# 남북 회담이 열린다\n",
    );
    write(dir.path(), "c.md", "### [2013-06-6](/x)\n\n# 🚀🚀\n");
    let t = load(dir.path());
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let ids: Vec<&str> = t.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&"/news/2013/06/6/.md"), "{ids:?}");
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), 3);
    // A copy of the second is still a duplicate, though its id fell back.
    write(
        dir.path(),
        "d.md",
        "### [2013-06-6](/x)\n\n# 남북 회담이 열린다\n",
    );
    let t = load(dir.path());
    assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
    assert!(t.problems[0].reason.starts_with("duplicate id"));
    assert!(t.problems[0].file.ends_with("d.md"));
}

#[test]
fn overlapping_and_linked_roots_read_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("arch");
    write(&root, "news/2020/01/2/a.md", "### [2020-01-2](/x)\n\n# A\n");
    write(&root, "news/2020/01/2/note.txt", "A note about the day.\n");
    let news = root.join("news");
    let t = load_paths(
        &[root.clone(), news.clone(), news.join("2020/01/2/a.md")],
        &|_, _| {},
    )
    .unwrap();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    let s = t.stats(0);
    assert_eq!((s.events, s.articles, s.files), (1, 1, 2));
    // The article keeps the id under the outermost root.
    assert!(t.get("/news/2020/01/2/note.txt").is_some());
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let t = load(&link);
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.stats(0).files, 2);
    }
}

#[test]
fn articles_with_the_same_name_in_two_roots_both_stay() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("r1"), "notes.txt", "First set of notes.\n");
    write(
        &dir.path().join("r2"),
        "notes.txt",
        "Second set of notes.\n",
    );
    let roots = [dir.path().join("r1"), dir.path().join("r2")];
    let t = load_paths(&roots, &|_, _| {}).unwrap();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    assert_eq!(t.stats(0).articles, 2);
    // But the very same article twice is a duplicate.
    write(&dir.path().join("r3"), "notes.txt", "First set of notes.\n");
    let t = load_paths(&[roots[0].clone(), dir.path().join("r3")], &|_, _| {}).unwrap();
    assert_eq!(t.problems.len(), 1);
    assert!(t.problems[0].reason.starts_with("duplicate id /notes.txt"));
}

#[test]
fn article_dates_come_from_inside_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("2020/01/15/arch");
    write(
        &root,
        "misc/a.txt",
        "Undated, though the archive sits in a dated folder.\n",
    );
    write(
        &root,
        "news/2013/02/30/b.txt",
        "A day that does not exist.\n",
    );
    let t = load(&root);
    assert!(t.events.iter().all(|e| e.date.is_none()), "{:?}", t.events);
    // A file named on its own is dated by the path as given.
    let t = load(&root.join("misc/a.txt"));
    assert_eq!(
        t.events[0].date.map(|d| d.to_string()).as_deref(),
        Some("2020-01-15")
    );
}

#[test]
fn other_spellings_of_a_target_resolve() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "news/2013/06/6/alpha-event.md",
        "### [2013-06-6](/x)\n\n# Alpha event\n",
    );
    let targets = [
        "news/2013/06/6/alpha-event.md",
        "./news/2013/06/6/alpha-event.md",
        "/news/2013/6/6/alpha-event.md",
        "/news/2013/06/06/alpha-event.md",
        "/news/2013/06/6/alpha%2Devent.md",
        "https://example.com/news/2013/06/6/alpha-event.md",
        "/news/2014/01/2/absent.md",
        "/news/2014/01/02/absent.md",
    ];
    let mut text = "### [2013-06-7](/x)\n\n# Beta\n\n### Related:\n\n".to_string();
    for t in targets {
        text.push_str(&format!("1. [Other words]({t}) _Context: c_\n"));
    }
    write(dir.path(), "beta.md", &text);
    let t = load(dir.path());
    let beta = t.events.iter().find(|e| e.headline == "Beta").unwrap();
    let resolved: Vec<bool> = beta.related.iter().map(|r| r.resolved).collect();
    assert_eq!(resolved, [true, true, true, true, true, true, false, false]);
    assert_eq!(beta.related[6].to, beta.related[7].to);
    assert_eq!(t.stats(0).ghosts, 1);
}

/// Tags are unioned as sets: an entry with 40,000 distinct tags from its
/// links loads in a moment (with lists it took most of a minute), and keeps
/// them all once each.
#[test]
fn many_distinct_tags_load_fast_and_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("### [2015-09-6](/x)\n\n# Many tags\n\n### Related:\n\n");
    for i in 0..400 {
        let tags: Vec<String> = (0..100).map(|j| format!("t{i}-{j}")).collect();
        text.push_str(&format!(
            "1. [Other {i}](/news/2015/09/1/other-{i}.md) _Context: {}, t0-0_\n",
            tags.join(", ")
        ));
    }
    write(dir.path(), "news/2015/09/6/many-tags.md", &text);
    let t = load(dir.path());
    let e = t.events.iter().find(|e| e.headline == "Many tags").unwrap();
    assert_eq!(e.tags.len(), 40_000);
    let distinct: std::collections::HashSet<&str> = e.tags.iter().map(|t| &**t).collect();
    assert_eq!(distinct.len(), 40_000);
}

/// A body is read back by byte range; when the file changed since loading,
/// even to the same length, the text there is checked and the file parsed
/// again rather than a shifted range shown.
#[test]
fn a_body_read_back_after_a_same_length_edit_is_the_new_body() {
    let dir = tempfile::tempdir().unwrap();
    let before = "### [2015-09-6](/x)\n\n# Short.\n\nOpposition leaders called for an inquiry.\n";
    write(dir.path(), "news/2015/09/6/e.md", before);
    let t = load(dir.path());
    let i = t
        .events
        .iter()
        .position(|e| e.headline == "Short.")
        .unwrap();
    assert_eq!(
        loader::body(&t, i),
        "Opposition leaders called for an inquiry."
    );
    // Bytes move from the body to the headline: the same length.
    let after = "### [2015-09-6](/x)\n\n# Short. Lo\n\nOpposition leaders called for inquiry.\n";
    assert_eq!(before.len(), after.len());
    write(dir.path(), "news/2015/09/6/e.md", after);
    assert_eq!(
        loader::body(&t, i),
        "Opposition leaders called for inquiry."
    );
}

/// Markdown reads at most `MARKDOWN_MAX` bytes of a file: past that the
/// text is body, plain, and the cut is reported. Hostile markup (`[[[[…`)
/// then costs little, whatever the file's size.
#[test]
fn only_the_start_of_a_huge_file_is_read_as_markdown() {
    use ktimeline::loader::pieces::MARKDOWN_MAX;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("### [2015-09-6](/x)\n\n# Huge.\n\n");
    while text.len() < MARKDOWN_MAX + 1000 {
        text.push_str("[[[[ *a*a*a <a<a<a `a\n");
    }
    text.push_str("\n### Related:\n\n1. [Lost](/news/2015/09/1/lost.md)\n");
    write(dir.path(), "news/2015/09/6/huge.md", &text);
    let t = load(dir.path());
    let i = t.events.iter().position(|e| e.headline == "Huge.").unwrap();
    // The Related list lies past the cap: it is body text now.
    assert!(t.events[i].related.is_empty());
    assert!(loader::body(&t, i).ends_with("[Lost](/news/2015/09/1/lost.md)"));
    assert!(
        t.problems
            .iter()
            .any(|p| p.reason.contains("read as plain text")),
        "{:?}",
        t.problems
    );
}

/// Every file of an archive named on its own (as `ktimeline stats $(find
/// . -name '*.md')` names them) loads as the folder does; a file named
/// twice, or named and under a folder named too, is read once.
#[test]
fn files_named_one_by_one_load_as_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("arch");
    ktimeline::generate::write_archive(&root, 150, 7).unwrap();
    let mut files = walk(&root);
    files.sort();
    assert!(files.len() > 150, "{}", files.len());
    // An article's id is its path below its root: named on its own, its
    // name (links to it resolve either way). Everything else is the same.
    let summary = |mut t: Timeline| {
        for e in &mut t.events {
            if e.kind == ktimeline::model::Kind::Article {
                e.id = e.file.clone().unwrap();
            }
        }
        (t.events, t.problems, t.index_pages, t.files)
    };
    let folder = summary(load(&root));
    let named = summary(load_paths(&files, &|_, _| {}).unwrap());
    assert!(
        folder.0.len() >= 150 && folder.1.is_empty(),
        "{:?}",
        folder.1
    );
    assert_eq!(named, folder);
    // Named twice, once spelt otherwise: read once.
    let mut twice = files.clone();
    twice.push(files[3].clone());
    let parent = files[7].parent().unwrap();
    twice.push(parent.join(".").join(files[7].file_name().unwrap()));
    assert_eq!(summary(load_paths(&twice, &|_, _| {}).unwrap()), folder);
    // A folder with some of its files named too: each read once, and the
    // answer is still the folder's.
    let mut overlapping = vec![root.join("news")];
    overlapping.extend(files.iter().step_by(5).cloned());
    overlapping.push(root.clone());
    let both = summary(load_paths(&overlapping, &|_, _| {}).unwrap());
    assert_eq!(
        (&both.0.len(), &both.1, both.3),
        (&folder.0.len(), &folder.1, folder.3)
    );
}

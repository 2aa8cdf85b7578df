//! A real month of Wikipedia Current Events (September 2015, from the
//! WikiTimes data in `../shared/data`), written out in the event format the
//! way users keep it — most files at their canonical paths, some under
//! other names, a day index page per day, related links between events of
//! the same story, a few links to absent events — then loaded. Skips when
//! the data is not there.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use ktimeline::model::Kind;
use ktimeline::{loader, search, text};
use serde_json::Value;

pub fn entries() -> Option<Vec<Value>> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/wikitimes-2015-09.json.gz");
    let file = fs::File::open(path).ok()?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .ok()?;
    serde_json::from_str(&json).ok()
}

#[test]
fn a_real_month_loads_exactly() {
    let Some(entries) = entries() else {
        eprintln!("skipped: ../shared/data/wikitimes-2015-09.json.gz is not here");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let parse = |e: &Value| {
        let date = NaiveDate::parse_from_str(e["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        (date, e["description"].as_str().unwrap().to_string())
    };
    let mut stories: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(s) = e["belongsToStory"]["name"].as_str() {
            stories.entry(s).or_default().push(i);
        }
    }
    let mut day_index: HashMap<NaiveDate, String> = HashMap::new();
    let (mut links, mut ghost_links) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        let (date, headline) = parse(e);
        let id = text::canonical_path(date, &headline);
        let mut t = format!(
            "### [{}](/news/{}/index.md)\n\n# {headline}\n\n",
            date.format("%Y-%m-%-d"),
            date.format("%Y/%m/%-d")
        );
        t.push_str("### Source:\n\n");
        for s in e["source"].as_array().into_iter().flatten() {
            let name = s["sourceName"].as_str().unwrap_or("Source");
            let _ = writeln!(t, "1. [{name}]({})", s["url"].as_str().unwrap_or(""));
        }
        t.push_str("\n### Related:\n\n");
        let story = e["belongsToStory"]["name"].as_str();
        for &j in story.map(|s| &stories[s][..]).unwrap_or(&[]) {
            if j != i {
                let (d, h) = parse(&entries[j]);
                let _ = writeln!(
                    t,
                    "1. [{h}]({}) _Context: {}_",
                    text::canonical_path(d, &h),
                    story.unwrap()
                );
                links += 1;
            }
        }
        if i % 25 == 0 {
            let absent = "An event of the month before that this archive does not hold.";
            let d = NaiveDate::from_ymd_opt(2015, 8, 1 + (i % 28) as u32).unwrap();
            let _ = writeln!(
                t,
                "1. [{absent}]({}) _Context: Earlier_",
                text::canonical_path(d, absent)
            );
            ghost_links += 1;
        }
        let path = if i % 7 == 0 {
            format!("misc/{}.txt", e["id"].as_str().unwrap())
        } else {
            id[1..].to_string()
        };
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, t).unwrap();
        let _ = writeln!(day_index.entry(date).or_default(), "1. [{headline}]({id})");
    }
    for (date, list) in &day_index {
        let path = dir
            .path()
            .join(format!("news/{}/index.md", date.format("%Y/%m/%-d")));
        fs::write(
            path,
            format!("### [{}](/x)\n\n{list}", date.format("%Y-%m-%-d")),
        )
        .unwrap();
    }

    let t = loader::load_paths(&[dir.path().to_path_buf()], &|_, _| {}).unwrap();
    assert!(
        t.problems.is_empty(),
        "{:?}",
        &t.problems[..t.problems.len().min(5)]
    );
    let s = t.stats(5);
    assert_eq!(s.events, entries.len());
    assert_eq!(s.index_pages, day_index.len());
    assert_eq!(s.days, 30);
    assert_eq!(
        (s.first.as_deref(), s.last.as_deref()),
        (Some("2015-09-01"), Some("2015-09-30"))
    );
    assert_eq!(s.links.resolved, links);
    assert_eq!(s.links.unresolved, ghost_links);
    let ghosts = t.events.iter().filter(|e| e.kind == Kind::Ghost).count();
    assert_eq!(ghosts, s.ghosts);
    assert!(ghosts >= 1 && ghosts <= ghost_links);
    // Every event keeps its real headline and is found by a few word prefixes.
    let hits = search::search(&t, "temp bel palm", 3, &Default::default()).hits;
    assert!(
        t.events[hits[0].idx]
            .headline
            .contains("Temple of Bel in Palmyra")
    );
    // Ids follow the slug rule on the headline as written (double spaces
    // included), so they are the canonical paths the links use.
    let expected: std::collections::HashSet<String> = entries
        .iter()
        .map(|e| {
            let (date, headline) = parse(e);
            text::canonical_path(date, headline.trim())
        })
        .collect();
    for e in t.events.iter().filter(|e| e.kind == Kind::Event) {
        assert!(expected.contains(&e.id), "{}", e.id);
    }
}

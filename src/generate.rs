//! Generates archives in the event format for tests and benchmarks: N
//! events of realistic size (1–3 KB) spread over decades, cross-linked with
//! context tags, with a few plain articles, day index pages and links to
//! events that have no file (ghosts). Deterministic for a given seed.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};

use crate::text;

/// SplitMix64: a small, well-known generator; reproducible across runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTORS: &[&str] = &[
    "The United Nations",
    "Japan",
    "China",
    "The European Union",
    "Brazil",
    "India",
    "The African Union",
    "Canada",
    "Germany",
    "Mexico",
    "Indonesia",
    "Kenya",
    "Norway",
    "Australia",
    "Argentina",
    "South Korea",
    "North Korea",
    "France",
    "Egypt",
    "Chile",
];
const VERBS: &[&str] = &[
    "announces",
    "rejects",
    "signs",
    "suspends",
    "resumes",
    "proposes",
    "condemns",
    "approves",
    "delays",
    "expands",
    "investigates",
    "celebrates",
    "restores",
    "cancels",
];
const OBJECTS: &[&str] = &[
    "a trade agreement",
    "talks on fishing rights",
    "a new space programme",
    "rail links",
    "emergency aid",
    "a climate pact",
    "border patrols",
    "a vaccination drive",
    "an election timetable",
    "a central bank rate cut",
    "a ban on plastic bags",
    "a joint military exercise",
    "a water-sharing treaty",
    "a census",
    "new tariffs",
];
const PLACES: &[&str] = &[
    "in Geneva",
    "near the border",
    "after a long dispute",
    "despite protests",
    "in the capital",
    "at a regional summit",
    "following heavy floods",
    "amid an energy crisis",
];
const TAGS: &[&str] = &[
    "Trade",
    "Diplomacy",
    "Climate",
    "Health",
    "Elections",
    "Economy",
    "Security",
    "Transport",
    "Science",
    "Human Rights",
    "Energy",
    "Agriculture",
    "Sport",
    "Culture",
];
const OUTLETS: &[(&str, &str)] = &[
    ("Daily Ledger", "https://ledger.example.com/world/"),
    ("Wire Service", "https://wire.example.org/story/"),
    ("Evening Post", "http://post.example.net/news/"),
    ("Global Monitor", "https://monitor.example.com/a/"),
];
const FILLER: &[&str] = &[
    "Officials said the decision followed weeks of negotiation between ministries.",
    "Critics argued that the plan lacked funding and a clear timetable.",
    "Markets reacted calmly, with analysts expecting little short-term effect.",
    "The announcement came after a late-night session of the cabinet.",
    "Observers noted that similar efforts had stalled twice in the past decade.",
    "Local groups welcomed the move but asked for more consultation.",
    "A spokesperson declined to give further details before the weekend.",
    "The measure is expected to take effect at the start of next year.",
    "Opposition leaders called for a parliamentary inquiry into the process.",
    "Neighbouring states said they would study the proposal closely.",
];

struct Meta {
    date: NaiveDate,
    headline: String,
    tags: Vec<&'static str>,
}

/// One generated file: its path under the archive root and its text.
pub struct GenFile {
    pub path: String,
    pub text: String,
}

/// `events` event files (plus about 1% articles and index pages for about
/// 2% of days), deterministic for `seed`.
pub fn generate(events: usize, seed: u64) -> Vec<GenFile> {
    let mut rng = Rng(seed);
    let start = NaiveDate::from_ymd_opt(1950, 1, 1).expect("valid");
    let span_days = 75 * 365;
    let metas: Vec<Meta> = (0..events)
        .map(|i| {
            let date = start + Duration::days(rng.below(span_days) as i64);
            let headline = format!(
                "{} {} {} {} (report {}).",
                rng.pick(ACTORS),
                rng.pick(VERBS),
                rng.pick(OBJECTS),
                rng.pick(PLACES),
                i + 1
            );
            let tags = (0..1 + rng.below(3)).map(|_| rng.pick(TAGS)).collect();
            Meta {
                date,
                headline,
                tags,
            }
        })
        .collect();

    let mut files = Vec::with_capacity(events + events / 50);
    let mut indexed = std::collections::HashSet::new();
    for (i, m) in metas.iter().enumerate() {
        let mut t = String::with_capacity(2048);
        let (y, mo, d) = (m.date.year(), m.date.month(), m.date.day());
        let _ = writeln!(t, "### [{y}-{mo:02}-{d}](/news/{y}/{mo:02}/{d}/index.md)\n");
        let _ = writeln!(t, "# {} \n", m.headline);
        for _ in 0..2 + rng.below(4) {
            for _ in 0..3 + rng.below(4) {
                t.push_str(rng.pick(FILLER));
                t.push(' ');
            }
            t.push_str("\n\n");
        }
        t.push_str("\n### Source:\n\n");
        for _ in 0..1 + rng.below(3) {
            let (name, base) = OUTLETS[rng.below(OUTLETS.len())];
            let _ = writeln!(t, "1. [{name}]({base}{}.html)", rng.next() % 1_000_000);
        }
        if rng.below(4) == 0 {
            let _ = writeln!(t, "1. [Cover Image](https://img.example.com/{i}.jpg)");
        }
        let links = rng.below(6);
        if links > 0 && events > 1 {
            t.push_str("\n### Related:\n\n");
            for n in 0..links {
                let ghost = rng.below(30) == 0;
                let (date, headline) = if ghost {
                    let date = start + Duration::days(rng.below(span_days) as i64);
                    (
                        date,
                        format!(
                            "An unrecorded event number {} happens.",
                            rng.next() % 100_000
                        ),
                    )
                } else {
                    let other = &metas[rng.below(events)];
                    (other.date, other.headline.clone())
                };
                let mut context: Vec<&str> = m.tags.clone();
                context.dedup();
                let _ = writeln!(
                    t,
                    "{}. [{} ]({}) _Context: {}_",
                    n + 1,
                    headline,
                    text::canonical_path(date, &headline),
                    context.join(", ")
                );
            }
        }
        files.push(GenFile {
            path: text::canonical_path(m.date, &m.headline)
                .trim_start_matches('/')
                .to_string(),
            text: t,
        });
        if i % 100 == 50 {
            let mut article = String::new();
            for _ in 0..6 + rng.below(10) {
                article.push_str(rng.pick(FILLER));
                article.push(' ');
            }
            files.push(GenFile {
                path: format!("news/{y}/{mo:02}/{d}/article-{i}.txt"),
                text: article,
            });
        }
        if i % 50 == 7 && indexed.insert(m.date) {
            files.push(GenFile {
                path: format!("news/{y}/{mo:02}/{d}/index.md"),
                text: format!(
                    "# {y}-{mo:02}-{d}\n\n1. [{}]({})\n",
                    m.headline,
                    text::canonical_path(m.date, &m.headline)
                ),
            });
        }
    }
    files
}

/// Writes a generated archive under `dir`.
pub fn write_archive(dir: &Path, events: usize, seed: u64) -> io::Result<usize> {
    let files = generate(events, seed);
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &f.text)?;
    }
    Ok(files.len())
}

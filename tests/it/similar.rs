//! Similar entries and stories, measured on a labelled archive: the
//! WikiTimes month (`../shared/data`) written as events with no Related
//! section and no tags, so that only the content (headline, and the
//! entities named, as text) can tell which entries belong together; the
//! story each event was filed under is the label, never an input. The
//! ranking is compared with the classic "more like this", a TF-IDF cosine
//! over the same texts, computed here.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;

use chrono::NaiveDate;
use ktimeline::model::Timeline;
use ktimeline::search::similar;
use ktimeline::search::{WordIndex, words::words};
use ktimeline::{loader, text};

/// The labelled archive: the timeline, and each entry's story (by entry).
struct Labelled {
    _dir: tempfile::TempDir,
    timeline: Timeline,
    story: Vec<Option<String>>,
}

/// `with_names`: the entities each event names written out as text (else the
/// headline alone).
fn labelled(with_names: bool) -> Option<Labelled> {
    let entries = super::wikitimes::entries()?;
    let dir = tempfile::tempdir().unwrap();
    let mut story_of_id = HashMap::new();
    for e in &entries {
        let date = NaiveDate::parse_from_str(e["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let headline = e["description"].as_str().unwrap().trim().to_string();
        let id = text::canonical_path(date, &headline);
        let mut t = format!(
            "### [{}](/news/{}/index.md)\n\n# {headline}\n\n",
            date.format("%Y-%m-%-d"),
            date.format("%Y/%m/%-d")
        );
        let names: Vec<&str> = (e["entity"].as_array().into_iter().flatten())
            .filter_map(|x| x["name"].as_str())
            .collect();
        if with_names && !names.is_empty() {
            let _ = writeln!(t, "Named: {}.\n", names.join("; "));
        }
        t.push_str("### Source:\n\n");
        for s in e["source"].as_array().into_iter().flatten() {
            let name = s["sourceName"].as_str().unwrap_or("Source");
            let _ = writeln!(t, "1. [{name}]({})", s["url"].as_str().unwrap_or(""));
        }
        let path = dir.path().join(&id[1..]);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, t).unwrap();
        let story = e["belongsToStory"]["name"].as_str().map(str::to_string);
        story_of_id.insert(id, story);
    }
    let timeline = loader::load_paths(&[dir.path().to_path_buf()], &|_, _| {}).unwrap();
    assert!(timeline.problems.is_empty(), "{:?}", timeline.problems);
    let story = (timeline.events.iter())
        .map(|e| story_of_id.get(&e.id).cloned().flatten())
        .collect();
    Some(Labelled {
        _dir: dir,
        timeline,
        story,
    })
}

/// The classic ranking: raw counts times ln(N/df), cosine, over the same
/// words of the same texts.
fn tfidf_ranking(t: &Timeline) -> Vec<Vec<usize>> {
    let docs: Vec<HashMap<String, f64>> = (0..t.events.len())
        .map(|i| {
            let body = loader::body(t, i);
            let mut tf = HashMap::new();
            for text in [t.events[i].headline.as_str(), &body] {
                words(text, |w, _| *tf.entry(w.to_string()).or_insert(0.0) += 1.0);
            }
            tf
        })
        .collect();
    let mut df: HashMap<&str, f64> = HashMap::new();
    for d in &docs {
        for w in d.keys() {
            *df.entry(w).or_insert(0.0) += 1.0;
        }
    }
    let n = docs.len() as f64;
    let vectors: Vec<HashMap<&str, f64>> = docs
        .iter()
        .map(|d| {
            let v: HashMap<&str, f64> = d
                .iter()
                .map(|(w, tf)| (w.as_str(), tf * (n / df[w.as_str()]).ln()))
                .collect();
            let norm = v.values().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            v.into_iter().map(|(w, x)| (w, x / norm)).collect()
        })
        .collect();
    (0..vectors.len())
        .map(|i| {
            let mut scored: Vec<(f64, usize)> = (0..vectors.len())
                .filter(|&j| j != i)
                .map(|j| {
                    let dot = (vectors[i].iter())
                        .filter_map(|(w, x)| vectors[j].get(w).map(|y| x * y))
                        .sum::<f64>();
                    (dot, j)
                })
                .filter(|&(s, _)| s > 0.0)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().map(|(_, j)| j).collect()
        })
        .collect()
}

/// The entries whose story holds at least 2 others.
fn judged(story: &[Option<String>]) -> Vec<usize> {
    let mut size: HashMap<&str, usize> = HashMap::new();
    for s in story.iter().flatten() {
        *size.entry(s).or_default() += 1;
    }
    (0..story.len())
        .filter(|&i| story[i].as_deref().is_some_and(|s| size[s] >= 3))
        .collect()
}

/// The entries with no story of their own: none filed, or a story of one.
fn alone(story: &[Option<String>]) -> Vec<usize> {
    let mut size: HashMap<&str, usize> = HashMap::new();
    for s in story.iter().flatten() {
        *size.entry(s).or_default() += 1;
    }
    (0..story.len())
        .filter(|&i| story[i].as_deref().is_none_or(|s| size[s] == 1))
        .collect()
}

/// The share of `ranked` (its first `k`, fewer counting as misses) in
/// entry `i`'s story.
fn precision(story: &[Option<String>], i: usize, ranked: &[usize], k: usize) -> f64 {
    let good = (ranked.iter().take(k))
        .filter(|&&j| story[j].is_some() && story[j] == story[i])
        .count();
    good as f64 / k as f64
}

/// What both measures start from: the labelled archive, its word index,
/// the TF-IDF ranking of each entry, and the entries judged.
struct Judged {
    l: Labelled,
    index: WordIndex,
    reference: Vec<Vec<usize>>,
    judged: Vec<usize>,
}

impl Judged {
    /// `None` (said on standard error) when the data is not there.
    fn set_up(with_names: bool) -> Option<Judged> {
        let Some(l) = labelled(with_names) else {
            eprintln!("skipped: ../shared/data/wikitimes-2015-09.json.gz is not here");
            return None;
        };
        let index = WordIndex::build(&l.timeline);
        let reference = tfidf_ranking(&l.timeline);
        let judged = judged(&l.story);
        assert!(judged.len() > 100, "{}", judged.len());
        Some(Judged {
            l,
            index,
            reference,
            judged,
        })
    }
}

/// With the entities named as text, and on the headlines alone.
#[test]
fn similar_entries_rank_at_least_as_well_as_tfidf_on_a_labelled_month() {
    similar_against_tfidf(true);
    similar_against_tfidf(false);
}

fn similar_against_tfidf(with_names: bool) {
    let Some(Judged {
        l,
        index,
        reference,
        judged,
    }) = Judged::set_up(with_names)
    else {
        return;
    };
    let t = &l.timeline;
    let (mut ours, mut theirs) = (0.0, 0.0);
    for &i in &judged {
        let hits = similar::similar(t, &index, i, 5, similar::Near::Ranked, |_| false);
        let ranked: Vec<usize> = hits.iter().map(|h| h.idx).collect();
        assert!(!ranked.contains(&i), "an entry is never like itself");
        ours += precision(&l.story, i, &ranked, 5);
        theirs += precision(&l.story, i, &reference[i], 5);
    }
    let (ours, theirs) = (ours / judged.len() as f64, theirs / judged.len() as f64);
    eprintln!(
        "precision of the first 5 over {} entries (names as text: {with_names}): similar {ours:.3}, TF-IDF {theirs:.3}",
        judged.len()
    );
    assert!(ours >= theirs, "similar {ours:.3} < TF-IDF {theirs:.3}");
}

/// What a reader is shown (`Near::Close`) is what is close: for an entry
/// with a story, mostly of its story and more precise than the ranking;
/// for an entry with none, little (six weak guesses before).
#[test]
fn a_reader_is_shown_only_close_entries() {
    let Some(Judged {
        l, index, judged, ..
    }) = Judged::set_up(true)
    else {
        return;
    };
    let t = &l.timeline;
    let close = |i| similar::similar(t, &index, i, 6, similar::Near::Close, |_| false);
    let (mut listed, mut good) = (0, 0);
    for &i in &judged {
        let hits = close(i);
        listed += hits.len();
        good += hits.iter().filter(|h| l.story[h.idx] == l.story[i]).count();
    }
    let alone = alone(&l.story);
    let alone_listed: usize = alone.iter().map(|&i| close(i).len()).sum();
    let per_judged = listed as f64 / judged.len() as f64;
    let precision = good as f64 / listed as f64;
    let per_alone = alone_listed as f64 / alone.len() as f64;
    eprintln!(
        "shown: {per_judged:.2} an entry with a story, precision {precision:.3}; {per_alone:.2} an entry with none ({})",
        alone.len()
    );
    assert!(per_judged >= 3.0, "{per_judged:.2}");
    assert!(precision >= 0.66, "{precision:.3}");
    assert!(per_alone <= 2.5, "{per_alone:.2}");
}

/// With the entities named as text, and on the headlines alone.
#[test]
fn a_story_gathers_most_of_its_entries_as_precisely_as_tfidf() {
    story_against_tfidf(true);
    story_against_tfidf(false);
}

fn story_against_tfidf(with_names: bool) {
    let Some(Judged {
        l,
        index,
        reference,
        judged,
    }) = Judged::set_up(with_names)
    else {
        return;
    };
    let t = &l.timeline;
    let (mut recall, mut ours, mut theirs, mut sizes) = (0.0, 0.0, 0.0, 0);
    for &i in &judged {
        let story = ktimeline::search::story::story(t, &index, i);
        assert!(story.contains(&i), "an entry is in its own story");
        let dates: Vec<_> = story.iter().map(|&j| t.events[j].date).collect();
        assert!(dates.is_sorted(), "in timeline order");
        let others: Vec<usize> = story.into_iter().filter(|&j| j != i).collect();
        let k = others.len();
        sizes += k;
        let of_story = (0..t.events.len())
            .filter(|&j| j != i && l.story[j] == l.story[i])
            .count();
        let found = others.iter().filter(|&&j| l.story[j] == l.story[i]).count();
        recall += found as f64 / of_story as f64;
        if k > 0 {
            ours += precision(&l.story, i, &others, k);
            theirs += precision(&l.story, i, &reference[i], k);
        }
    }
    let n = judged.len() as f64;
    let (recall, ours, theirs) = (recall / n, ours / n, theirs / n);
    eprintln!(
        "story over {} entries (names as text: {with_names}): recall {recall:.3}, precision {ours:.3} (TF-IDF top k {theirs:.3}), {:.1} entries a story",
        judged.len(),
        sizes as f64 / n
    );
    assert!(recall >= 0.5, "recall {recall:.3}");
    assert!(ours >= theirs, "precision {ours:.3} < TF-IDF {theirs:.3}");
}

/// An entry with no story of its own is not padded with a neighbour's:
/// it gets few others, and often none (5.3 others and never none before
/// the story's guards); and a story holds what the Similar section shows.
#[test]
fn an_entry_with_no_story_gets_little_of_others() {
    let Some(Judged { l, index, .. }) = Judged::set_up(true) else {
        return;
    };
    let alone = alone(&l.story);
    let t = &l.timeline;
    let sizes: Vec<usize> = (alone.iter())
        .map(|&i| {
            let story = ktimeline::search::story::story(t, &index, i);
            for h in similar::shown(t, &index, i) {
                assert!(
                    story.contains(&h.idx),
                    "the Similar section is in the story"
                );
            }
            story.len() - 1
        })
        .collect();
    let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    let none = sizes.iter().filter(|&&k| k == 0).count() as f64 / sizes.len() as f64;
    eprintln!(
        "{} entries with no story: {mean:.2} others, none for {none:.2}",
        alone.len()
    );
    assert!(mean <= 5.0, "{mean:.2}");
    assert!(none >= 0.2, "{none:.2}");
}

/// A story at its cap still holds the entries its entry links to: the
/// links are taken before the entries alike in words fill it.
#[test]
fn a_story_at_its_cap_keeps_the_entrys_own_links() {
    use ktimeline::search::story::{MAX_STORY, story};
    let mut files: Vec<(String, String)> = Vec::new();
    let mut event = |n: usize, headline: &str, body: &str| {
        let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(n as u64 % 300);
        let t = format!(
            "### [{}](/news/{}/index.md)\n\n# {headline}\n\n{body}\n",
            day.format("%Y-%m-%-d"),
            day.format("%Y/%m/%-d")
        );
        files.push((format!("e{n:06}.md"), t));
    };
    let quarries = MAX_STORY + 200;
    for n in 0..quarries {
        event(
            n,
            &format!("A quarry blast shakes the valley, number {n}."),
            "Quarry blast valley shakes windows.",
        );
    }
    // Others, ten times as many, so that the quarry's words are rare
    // enough to tell (held by at most a tenth of the archive).
    for n in 0..10 * quarries {
        event(
            100_000 + n,
            &format!("Bakers sell bread, number {n}."),
            "Ovens warm.",
        );
    }
    event(
        900_000,
        "A quarry blast shakes the valley once more.",
        "Quarry blast valley shakes windows.\n\n### Related:\n\n- [Tidal mill](e900001.md)",
    );
    event(
        900_001,
        "Millers restore a tidal mill.",
        "Oak wheel turns again.",
    );
    let t = loader::load_memory("mem", files);
    let index = WordIndex::build(&t);
    let find = |h: &str| {
        t.events
            .iter()
            .position(|e| e.headline.starts_with(h))
            .unwrap()
    };
    let (entry, mill) = (
        find("A quarry blast shakes the valley once"),
        find("Millers"),
    );
    assert!(
        t.events[entry].linked().any(|d| d == mill),
        "the link resolves"
    );
    let story = story(&t, &index, entry);
    assert_eq!(story.len(), MAX_STORY, "the cap is reached");
    assert!(story.contains(&entry) && story.contains(&mill));
}

/// A long article of many words still finds the short events about its
/// subject, as a reader is shown them: its query is its heaviest words,
/// and so is its length (the length of all its words made every cosine
/// with it tiny).
#[test]
fn a_long_article_finds_the_short_events_on_its_subject() {
    let dir = tempfile::tempdir().unwrap();
    // A vocabulary of made-up words, shared by the article and by notes
    // on other subjects.
    let mut seed = 7u64;
    let vocabulary: Vec<String> = (0..2000)
        .map(|_| {
            (0..7)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (b'a' + ((seed >> 59) as u8) % 26) as char
                })
                .collect()
        })
        .collect();
    let write = |name: &str, text: String| fs::write(dir.path().join(name), text).unwrap();
    let event = |day: u32, headline: &str, body: &str| {
        format!("### [2020-01-{day}](/news/2020/01/{day}/index.md)\n\n# {headline}\n\n{body}\n")
    };
    for k in 1..=5 {
        let headline =
            format!("The hotline at Panmunjom is restored by the liaison office, round {k}.");
        write(&format!("h{k}.md"), event(k, &headline, ""));
    }
    for k in 0..20 {
        let words: Vec<&str> = (0..100)
            .map(|i| vocabulary[(k * 100 + i) % 2000].as_str())
            .collect();
        let headline = format!("Notes on another subject, number {k}.");
        write(
            &format!("n{k}.md"),
            event(10 + k as u32 % 18, &headline, &words.join(" ")),
        );
    }
    let body: Vec<&str> = (0..20_000)
        .map(|i| match i % 50 {
            0 => ["hotline", "Panmunjom", "liaison"][i / 50 % 3],
            _ => vocabulary[i * 7 % 2000].as_str(),
        })
        .collect();
    let article = format!(
        "---\ntitle: A long report on the hotline\ndate: 2021-10-04\n---\n\n{}\n",
        body.join(" ")
    );
    write("long.md", article);
    let t = loader::load_paths(&[dir.path().to_path_buf()], &|_, _| {}).unwrap();
    let index = WordIndex::build(&t);
    let long = (t.events.iter())
        .position(|e| e.headline.contains("long report"))
        .unwrap();
    let hits = similar::similar(&t, &index, long, 6, similar::Near::Close, |_| false);
    let found: Vec<&str> = (hits.iter())
        .map(|h| t.events[h.idx].headline.as_str())
        .collect();
    // The five events on its subject, first.
    assert!(found.len() >= 5, "{found:?}");
    assert!(
        found[..5].iter().all(|h| h.contains("hotline")),
        "{found:?}"
    );
}

/// The two seeds (a 2013 event about the inter-Korean Red Cross line and a
/// 2021 article about the hotline restored), which name nothing of each
/// other: each is shown as Similar to the other, and each is in the
/// other's story.
#[test]
fn the_two_seeds_lead_to_each_other() {
    use ktimeline::model::Kind;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !dir.is_dir() {
        eprintln!("skipped: ../shared/seeds is not here");
        return;
    }
    let t = loader::load_paths(&[dir], &|_, _| {}).unwrap();
    let index = WordIndex::build(&t);
    let of = |kind: Kind| t.events.iter().position(|e| e.kind == kind).unwrap();
    let (event, article) = (of(Kind::Event), of(Kind::Article));
    for (from, to) in [(event, article), (article, event)] {
        let shown: Vec<usize> = (similar::shown(&t, &index, from).iter())
            .map(|h| h.idx)
            .collect();
        assert!(shown.contains(&to), "{from} → {to}: {shown:?}");
        let story = ktimeline::search::story::story(&t, &index, from);
        assert!(story.contains(&to), "{from} → {to}: {story:?}");
    }
}

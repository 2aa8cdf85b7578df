//! Archives as people keep them (issue 24), through the command line as a
//! user meets it: Jekyll and Zola posts with YAML and TOML front matter and
//! dated file names, Obsidian Web Clipper and MarkDownload clippings, notes
//! linked with wikilinks and relative links (`tests/fixtures/frontmatter`,
//! written for these tests). Titles, dates, tags, sources, authors and
//! descriptions come from the front matter; no front matter or markup is
//! ever shown as text; links between notes are related links both ways;
//! broken front matter is a problem with its line and nothing is lost.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frontmatter")
}

fn ktimeline() -> Command {
    super::cli::ktimeline_in("frontmatter-xdg")
}

fn run(args: &[&str]) -> (i32, String) {
    let out = ktimeline().args(args).output().expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

fn export(extra: &[&str]) -> Vec<Value> {
    let root = fixture().display().to_string();
    let mut args = vec!["export", &root];
    args.extend_from_slice(extra);
    let (_, out) = run(&args);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    v["events"].as_array().unwrap().clone()
}

fn entry<'a>(all: &'a [Value], id: &str) -> &'a Value {
    all.iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().or_else(|| x["id"].as_str()).unwrap())
        .collect()
}

#[test]
fn titles_dates_tags_sources_and_authors_come_from_front_matter() {
    let all = export(&["--no-cache"]);
    // (id, kind, date, headline)
    let want = [
        (
            "/_posts/2013-05-06-harbour-ferry-returns.md",
            "2013-05-06",
            "The harbour ferry returns: first crossing in nine years",
        ),
        // No date key: the file's name dates it.
        (
            "/_posts/2014-02-11-night-market-reopens.md",
            "2014-02-11",
            "Night market reopens under the flyover",
        ),
        (
            "/content/blog/2021-10-04.md",
            "2021-10-04",
            "Hotline back on after a long silence",
        ),
        (
            "/content/blog/bridge-inspection/index.md",
            "2022-03-15",
            "Inspectors sign off the old swing bridge",
        ),
        // `published` before `created`, the day as written (not UTC).
        (
            "/clippings/Tram line extension approved.md",
            "2023-06-01",
            "Tram line extension approved after a late-night vote",
        ),
        // MarkDownload: no title key, the `#` heading; `created` with
        // its `(UTC +01:00)`.
        (
            "/clippings/river-cleanup-volunteers.md",
            "2024-04-20",
            "Volunteers pull two tonnes of rubbish from the river",
        ),
    ];
    for (id, date, headline) in want {
        let e = entry(&all, id);
        assert_eq!(e["kind"], "article", "{id}");
        assert_eq!(e["date"], date, "{id}");
        assert_eq!(e["headline"], headline, "{id}");
    }
    let ferry = entry(&all, "/_posts/2013-05-06-harbour-ferry-returns.md");
    assert_eq!(ids(&ferry["tags"]), ["harbour", "ferries", "islands"]);
    assert_eq!(ferry["author"], "Dana Whitlock");
    assert_eq!(ferry["properties"]["layout"], "post");
    assert!(ferry.get("description").is_none());
    let tram = entry(&all, "/clippings/Tram line extension approved.md");
    assert_eq!(ids(&tram["tags"]), ["clippings", "transport"]);
    assert_eq!(
        tram["sources"][0]["url"],
        "https://citypaper.example/news/tram-extension-vote"
    );
    assert_eq!(tram["author"], "Rosa Quint");
    assert_eq!(
        tram["description"],
        "Councillors backed four new stops on the northern loop."
    );
    // The `#` heading that repeats the title is not body text.
    let body = tram["body"].as_str().unwrap();
    assert!(body.starts_with("The vote came"), "{body}");
    // MarkDownload writes no title key: the source is named by the page's
    // `#` heading.
    let river = entry(&all, "/clippings/river-cleanup-volunteers.md");
    assert_eq!(
        river["sources"][0]["name"],
        "Volunteers pull two tonnes of rubbish from the river"
    );
    assert_eq!(ids(&river["tags"]), ["river", "volunteers"]);
    let zola = entry(&all, "/content/blog/bridge-inspection/index.md");
    assert_eq!(zola["author"], "Ivo Marsh");
    let hotline = entry(&all, "/content/blog/2021-10-04.md");
    assert_eq!(ids(&hotline["tags"]), ["hotline", "talks"]);
    // No body holds its front matter (but the block never closed, whose
    // lines are kept as text).
    for e in all.iter().filter(|e| e["id"] != "/broken/never-closed.md") {
        let body = e["body"].as_str().unwrap();
        for key in ["---\ntitle", "+++", "title:", "title =", "layout"] {
            assert!(!body.contains(key), "{}: {body}", e["id"]);
        }
    }
    // The section page and the page with neither title nor body are pages.
    assert!(!all.iter().any(|e| e["id"] == "/content/blog/_index.md"));
    assert!(!all.iter().any(|e| e["id"] == "/broken/only-layout.md"));
    // --tag finds front-matter tags.
    let tagged = export(&["--no-cache", "--tag", "Transport"]);
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        tagged[0]["id"],
        "/clippings/Tram line extension approved.md"
    );
}

#[test]
fn wikilinks_and_relative_links_are_related_links_both_ways() {
    let all = export(&["--no-cache"]);
    let notes = entry(&all, "/notes/Council budget notes.md");
    assert_eq!(
        ids(&notes["related"]),
        [
            // [[2014-02-11-night-market-reopens]]: by name.
            "/_posts/2014-02-11-night-market-reopens.md",
            // [[Tram line extension approved]]: by name, anywhere.
            "/clippings/Tram line extension approved.md",
            // [[Harbour Works Plan#Costs]]: no such note, a ghost.
            "Harbour Works Plan",
            // A link from the archive's root: today's rule. (The last
            // item, a wikilink to these notes themselves, is no link.)
            "/_posts/2013-05-06-harbour-ferry-returns.md",
        ]
    );
    let ghost = entry(&all, "Harbour Works Plan");
    assert_eq!(ghost["kind"], "ghost");
    assert_eq!(ghost["headline"], "Harbour Works Plan");
    assert!(ghost["date"].is_null());
    // [[Council budget notes|the council notes]] from the clipping, with
    // another case than the file's name in the night-market post.
    let tram = entry(&all, "/clippings/Tram line extension approved.md");
    assert_eq!(ids(&tram["related"]), ["/notes/Council budget notes.md"]);
    assert_eq!(ids(&tram["backlinks"]), ["/notes/Council budget notes.md"]);
    // A relative link climbing out of a page bundle.
    let bridge = entry(&all, "/content/blog/bridge-inspection/index.md");
    assert_eq!(
        ids(&bridge["related"]),
        ["/_posts/2013-05-06-harbour-ferry-returns.md"]
    );
    let ferry = entry(&all, "/_posts/2013-05-06-harbour-ferry-returns.md");
    assert_eq!(
        ids(&ferry["backlinks"]),
        [
            "/content/blog/bridge-inspection/index.md",
            "/notes/Council budget notes.md"
        ]
    );
    // Links to the web stay body links.
    assert!(ids(&ferry["related"]).is_empty());
}

#[test]
fn broken_front_matter_is_a_problem_with_its_line_and_nothing_is_lost() {
    let root = fixture().display().to_string();
    let (code, out) = run(&["check", &root, "--no-cache"]);
    assert_eq!(code, 1, "{out}");
    let bad = format!("{root}/broken/bad-yaml.md:");
    let line = out
        .lines()
        .find(|l| l.starts_with(&bad))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("not valid YAML"), "{line}");
    let at: usize = line[bad.len()..]
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3..=4).contains(&at), "{line}");
    assert!(
        out.contains(&format!(
            "{root}/broken/never-closed.md:1: front matter never closed"
        )),
        "{out}"
    );
    let all = export(&["--no-cache"]);
    // The body after the broken block is still there, and the unclosed
    // block's lines are text: nothing dropped.
    let e = entry(&all, "/broken/bad-yaml.md");
    assert_eq!(
        e["body"],
        "High winds closed the coast road for most of the day."
    );
    let e = entry(&all, "/broken/never-closed.md");
    assert!(
        e["body"]
            .as_str()
            .unwrap()
            .ends_with("The rest of the note is still here."),
        "{e}"
    );
    let (_, stats) = run(&["stats", &root, "--no-cache", "--json"]);
    let stats: Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["index_pages"], 2, "{stats}");
    assert_eq!(stats["articles"], 9, "{stats}");
}

#[test]
fn show_prints_no_front_matter_and_no_markup() {
    let root = fixture().display().to_string();
    for (file, must) in [
        (
            "clippings/Tram line extension approved.md",
            &[
                "Thursday 1 June 2023 · article · by Rosa Quint",
                "Councillors backed four new stops on the northern loop.",
                "Budget details are in the council notes.",
                "1. Brickworks",
                "A tram at the depot",
            ][..],
        ),
        (
            "content/blog/2021-10-04.md",
            &["Monday 4 October 2021 · article", "Morning   │ 09:00"][..],
        ),
        (
            "_posts/2013-05-06-harbour-ferry-returns.md",
            &[
                "a crate of spring onions for the island market.",
                "• A new pontoon on the island side",
                "layout: post",
            ][..],
        ),
        // The description the body opens with is not shown twice.
        (
            "content/blog/bridge-inspection/index.md",
            &["Tuesday 15 March 2022 · article · by Ivo Marsh"][..],
        ),
    ] {
        let path = format!("{root}/{file}");
        let (code, out) = run(&["show", &path, &root, "--no-cache", "--width", "100"]);
        assert_eq!(code, 0, "{out}");
        for m in must {
            assert!(out.contains(m), "{file}: {m:?} not in\n{out}");
        }
        // (Similar entries may include the note whose block never closed,
        // titled by its first line.)
        let own = out.split("\nSimilar\n").next().unwrap();
        for markup in [
            "---", "+++", "title:", "**", "[[", "](", "![", "###", "| ---",
        ] {
            assert!(!own.contains(markup), "{file}: {markup:?} in\n{out}");
        }
    }
}

#[test]
fn front_matter_ranks_as_headline_text_in_full_text_search() {
    let root = fixture().display().to_string();
    // "councillors" is only in the clipping's description; "islands" only
    // in the ferry post's tags: each is a headline hit.
    for (word, id) in [
        ("councillors", "clippings/Tram line extension approved.md"),
        ("islands", "_posts/2013-05-06-harbour-ferry-returns.md"),
    ] {
        let (code, out) = run(&["search", "--text", word, &root, "--json"]);
        assert_eq!(code, 0, "{word}: {out}");
        let hits: Value = serde_json::from_str(&out).unwrap();
        let first = &hits.as_array().unwrap()[0];
        assert!(
            first["file"].as_str().unwrap().ends_with(id),
            "{word}: {hits}"
        );
        assert_eq!(first["in_headline"], true, "{word}: {hits}");
    }
}

#[test]
fn the_index_answers_as_a_fresh_read_before_and_after_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blog");
    let copy = Command::new("cp")
        .arg("-r")
        .arg(fixture())
        .arg(&root)
        .status()
        .unwrap();
    assert!(copy.success());
    let root = root.display().to_string();
    let export = |extra: &[&str]| {
        let mut args = vec!["export", root.as_str()];
        args.extend_from_slice(extra);
        run(&args).1
    };
    let fresh = export(&["--no-cache"]);
    assert_eq!(export(&[]), fresh, "first open, index written");
    assert_eq!(export(&[]), fresh, "reopen from the index's timeline");
    // An edit: the other files' drafts (front matter, links by name) come
    // from the index, and the links are resolved again.
    let note = format!("{root}/notes/Council budget notes.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(
        &note,
        text.replace("[[Harbour Works Plan#Costs]]", "[[harbour works plan]]"),
    )
    .unwrap();
    let fresh = export(&["--no-cache"]);
    assert_eq!(export(&[]), fresh, "after an edit");
    let v: Value = serde_json::from_str(&fresh).unwrap();
    let all = v["events"].as_array().unwrap();
    assert_eq!(entry(all, "harbour works plan")["kind"], "ghost");
}

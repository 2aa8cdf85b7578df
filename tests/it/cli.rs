//! The command line as a user meets it: exit codes, output lines and JSON
//! shapes of `stats`, `check`, `search`, `export` and `bookmarks` on fixture
//! archives; nothing raw from an untrusted state file or argument leaves.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The binary, with its XDG folders (the index's cache among them) in the
/// build's temporary folder, never in the real home.
fn ktimeline() -> Command {
    ktimeline_in("cli-xdg")
}

/// The binary with its XDG folders under the build's temporary folder
/// `xdg` (one per test module, so that their caches stay apart).
pub fn ktimeline_in(xdg: &str) -> Command {
    let xdg = Path::new(env!("CARGO_TARGET_TMPDIR")).join(xdg);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ktimeline"));
    for (var, dir) in [
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        cmd.env(var, xdg.join(dir));
    }
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = ktimeline().args(args).output().expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

fn basic() -> String {
    fixture("basic").display().to_string()
}

#[test]
fn stats_json_has_the_promised_fields() {
    let (code, out, _) = run(&["stats", "--json", &basic()]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["events"], 4);
    assert_eq!(v["articles"], 2);
    assert_eq!(v["ghosts"], 1);
    assert_eq!(v["days"], 3);
    assert_eq!(v["first"], "2020-01-02");
    assert_eq!(v["last"], "2021-07-09");
    assert_eq!(v["links"]["resolved"], 5);
    assert_eq!(v["links"]["unresolved"], 2);
    assert_eq!(v["problems"], 0);
    assert_eq!(v["tags"][0]["tag"], "Tidal Power");
    assert_eq!(v["tags"][0]["count"], 3);
}

#[test]
fn stats_text_is_readable() {
    let (code, out, _) = run(&["stats", &basic()]);
    assert_eq!(code, 0);
    assert!(out.contains("events       4"), "{out}");
    assert!(out.contains("2020-01-02 to 2021-07-09"), "{out}");
}

#[test]
fn export_shape_and_order() {
    let (code, out, _) = run(&["export", &basic()]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 7);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "ghost").count(), 1);
    // Timeline order: dated first in order, the undated article last.
    assert_eq!(events[0]["date"], "2019-11-30");
    assert_eq!(events[6]["date"], Value::Null);
    let a = events
        .iter()
        .find(|e| e["headline"].as_str().unwrap().starts_with("Harbour"))
        .unwrap();
    for key in [
        "id",
        "kind",
        "date",
        "headline",
        "body",
        "file",
        "sources",
        "related",
        "backlinks",
        "tags",
    ] {
        assert!(a.get(key).is_some(), "missing {key}");
    }
    assert_eq!(a["sources"][0]["name"], "Coastal Herald");
    assert_eq!(
        a["sources"][0]["url"],
        "https://herald.example.com/tidal-station"
    );
    let related = a["related"].as_array().unwrap();
    assert_eq!(related.len(), 3);
    assert_eq!(related[2]["resolved"], false);
    assert_eq!(related[2]["headline"], "A storm damages the breakwater.");
    assert_eq!(related[0]["context"][0], "Tidal Power");
    assert_eq!(a["backlinks"].as_array().unwrap().len(), 2);
    let ghost = &events[0];
    assert_eq!(ghost["file"], Value::Null);
    assert_eq!(ghost["backlinks"].as_array().unwrap().len(), 2);
}

#[test]
fn search_finds_by_word_prefixes() {
    let (code, out, _) = run(&["search", "seal barr", &basic()]);
    assert_eq!(code, 0);
    let first = out.lines().next().unwrap();
    let cols: Vec<&str> = first.split('\t').collect();
    assert_eq!(cols[0], "2021-07-09");
    assert_eq!(
        cols[1],
        "Fishermen report fewer seals near the tidal barrage."
    );
    // The third column is the file to open.
    assert!(
        cols[2].ends_with("/news/2021/07/9/fishermen-report-fewer-seals-near-the-tidal-barrage.md"),
        "{}",
        cols[2]
    );
    assert!(Path::new(cols[2]).is_file(), "{}", cols[2]);
    // Word order does not matter.
    let (_, again, _) = run(&["search", "barr seal", &basic()]);
    assert_eq!(again.lines().next(), Some(first));
}

#[test]
fn search_limit_json_and_no_match() {
    let (code, out, _) = run(&["search", "tidal", &basic(), "--limit", "2"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2);
    let (code, out, _) = run(&["search", "tidal", &basic(), "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().len() >= 3);
    assert!(v[0]["id"].is_string() && v[0]["headline"].is_string() && v[0]["kind"].is_string());
    let (code, out, _) = run(&["search", "zqxj", &basic()]);
    assert_eq!((code, out.as_str()), (1, ""));
    let (_, undated, _) = run(&["search", "historian mill", &basic()]);
    assert!(undated.starts_with("undated\t"), "{undated}");
}

#[test]
fn search_says_how_many_and_puts_exact_matches_first() {
    let (code, out, err) = run(&["search", "tidal", &basic(), "-n", "1"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);
    assert!(
        err.contains("matches") && err.contains("best 1 shown"),
        "{err}"
    );
    // A ghost's line names its id (it has no file); JSON says file and kind.
    let (_, out, _) = run(&["search", "storm breakwater", &basic(), "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["kind"], "ghost");
    assert_eq!(v[0]["file"], Value::Null);
    assert_eq!(v[0]["exact"], true);
    let (_, out, _) = run(&["search", "storm breakwater", &basic()]);
    assert!(out.starts_with("2019-11-30\tA storm damages the breakwater.\t/news/2019/11/30/"));
    let (_, out, _) = run(&["search", "seal", &basic(), "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v[0]["file"].as_str().unwrap().ends_with(".md"));
    // Exact matches before loose ones, counted apart.
    let (_, out, err) = run(&["search", "tdl", &basic(), "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v.as_array().unwrap().iter().all(|h| h["exact"] == false),
        "{out}"
    );
    assert!(err.contains("(none exact)"), "{err}");
}

/// Headlines of `search QUERY` with extra arguments.
fn search_heads(query: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["search", query, "-n", "100"];
    args.extend_from_slice(extra);
    let (_, out, _) = run(&args);
    out.lines()
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn filters_narrow_search_export_and_stats_alike() {
    let b = basic();
    let all = search_heads("a", &[&b]);
    let in_2020 = search_heads("a", &[&b, "--since", "2020", "--until", "2020-12"]);
    assert!(!in_2020.is_empty() && in_2020.len() < all.len());
    // Export with the same filter keeps the same entries.
    let (code, out, _) = run(&[
        "export", &b, "--since", "2020", "--until", "2020-12", "--jsonl",
    ]);
    assert_eq!(code, 0);
    let exported: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        exported
            .iter()
            .all(|e| e["date"].as_str().unwrap().starts_with("2020-"))
    );
    for h in &in_2020 {
        assert!(exported.iter().any(|e| e["headline"] == h.as_str()), "{h}");
    }
    // --jsonl is the document's entries, a line each.
    let (_, doc, _) = run(&["export", &b]);
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let (_, lines, _) = run(&["export", &b, "--jsonl"]);
    let lines: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(doc["events"].as_array().unwrap(), &lines);
    // Tags: every one given must be carried (any case); kinds.
    let tagged = search_heads("a", &[&b, "--tag", "tidal power"]);
    let both = search_heads("a", &[&b, "--tag", "tidal power", "--tag", "WEATHER"]);
    assert!(
        !tagged.is_empty() && both.len() < tagged.len(),
        "{tagged:?} {both:?}"
    );
    let (code, _, err) = run(&["search", "a", &b, "--tag", "no such tag"]);
    assert_eq!(code, 1);
    assert!(err.contains("no entry is tagged 'no such tag'"), "{err}");
    // A misspelt tag is told the nearest one.
    let (_, _, err) = run(&["stats", &b, "--tag", "tidl powr"]);
    assert!(
        err.contains("no entry is tagged 'tidl powr' (did you mean 'Tidal Power'?)"),
        "{err}"
    );
    let (_, out, _) = run(&["export", &b, "--kind", "ghost", "--jsonl"]);
    assert!(out.lines().count() >= 1);
    assert!(out.lines().all(|l| l.contains("\"kind\":\"ghost\"")));
    let (_, out, _) = run(&["stats", &b, "--kind", "article", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["events"].as_u64(), v["ghosts"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(v["articles"], 2);
    assert_eq!(v["filter"], "article");
}

#[test]
fn full_text_finds_words_deep_in_bodies() {
    // "eighteenth" is only in the body of an undated article; "animals"
    // only in an event's body; case and accents do not matter.
    let (code, out, err) = run(&["search", "--text", "EIGHTEENTH", &basic()]);
    assert_eq!(code, 0, "{err}");
    let cols: Vec<&str> = out.lines().next().unwrap().split('\t').collect();
    assert_eq!(cols[0], "undated");
    assert!(Path::new(cols[2]).is_file());
    assert!(cols[3].contains("eighteenth century"), "{}", cols[3]);
    assert!(err.contains("1 match"), "{err}");
    let (_, out, _) = run(&["search", "--text", "ánimals coast", &basic(), "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["in_headline"], false);
    assert!(v[0]["snippet"].as_str().unwrap().contains("animals moved"));
    // Headline matches first, and counted.
    let (_, out, err) = run(&["search", "--text", "tidal", &basic()]);
    let first = out.lines().next().unwrap();
    assert!(
        first
            .split('\t')
            .nth(1)
            .unwrap()
            .to_lowercase()
            .contains("tidal")
    );
    assert!(err.contains("in headlines") || !err.contains('('), "{err}");
    // Where only the headline matched, the snippet is the body's first
    // line, not the headline again.
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(!cols[3].is_empty() && cols[3] != cols[1], "{line}");
    }
    assert!(out.contains("\tCouncillors voted eleven"), "{out}");
    // Every word must begin a word: "ide" is inside "tide", not a start.
    let (code, _, _) = run(&["search", "--text", "ide", &basic()]);
    assert_eq!(code, 1);
    // Filters apply.
    let (code, _, _) = run(&[
        "search",
        "--text",
        "eighteenth",
        &basic(),
        "--since",
        "2000",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn the_word_index_is_kept_and_a_damaged_one_is_rebuilt() {
    let archive = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        archive.path().join("a.md"),
        "### [2013-02-3](/x)\n\n# A dam opens.\n\nThe reservoir floods a valley.\n",
    )
    .unwrap();
    let dir = archive.path().display().to_string();
    let search = |q: &str| {
        let out = ktimeline()
            .env("XDG_CACHE_HOME", cache.path())
            .args(["search", "--text", q, &dir])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    assert_eq!(search("reservoir").0, 0);
    let words: Vec<_> = std::fs::read_dir(cache.path().join("ktimeline"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "words"))
        .collect();
    assert_eq!(words.len(), 1);
    // Damaged: rebuilt, same answer.
    std::fs::write(&words[0], b"KTLWORDS garbage").unwrap();
    assert_eq!(search("reservoir").0, 0);
    assert!(std::fs::read(&words[0]).unwrap().len() > 20);
    // The archive changed: the new word is found, the old one is not.
    std::fs::write(
        archive.path().join("a.md"),
        "### [2013-02-3](/x)\n\n# A dam opens.\n\nThe lake floods a valley.\n",
    )
    .unwrap();
    assert_eq!(search("lake").0, 0);
    assert_eq!(search("reservoir").0, 1);
    // 256 MiB of real bytes after its end: the file says how long it is,
    // and one of another length is rebuilt without being read.
    {
        use std::io::Write;
        let mut f = std::fs::File::options()
            .append(true)
            .open(&words[0])
            .unwrap();
        let block = vec![0u8; 1 << 20];
        for _ in 0..256 {
            f.write_all(&block).unwrap();
        }
    }
    assert_eq!(search("lake").0, 0);
    assert!(std::fs::metadata(&words[0]).unwrap().len() < 1 << 20);
    let peak = crate::index::children_peak_kib();
    assert!(peak < 250 * 1024, "a child used {peak} KiB");
}

#[test]
fn bad_filters_are_exit_2_with_a_message() {
    for args in [
        &["search", "a", "--since", "2015-13"][..],
        &["export", "--until", "15"],
        &["stats", "--since", "2015-02-30"],
        &["search", "a", "--kind", "story"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(out, "");
        assert!(err.contains("invalid value"), "{args:?}: {err}");
    }
    // What was typed is quoted with its invisible characters escaped,
    // by clap's part of the message and by ktimeline's.
    let (code, _, err) = run(&[
        "stats",
        "--since",
        "x\u{1b}]0;t\u{7}\u{200e}",
        "--kind",
        "a",
    ]);
    assert_eq!(code, 2);
    assert!(!err.contains(['\u{1b}', '\u{7}', '\u{200e}']), "{err:?}");
    assert!(err.contains("\\u{200e}"), "{err}");
    let (_, _, err) = run(&["search", "a", "--since", "2015-13"]);
    assert!(
        err.contains("'2015-13' is not a date: there is no month 13"),
        "{err}"
    );
    for args in [
        &["search", "  "][..],
        &["search", "a", "--tag", " "],
        &["export", "--since", "2016", "--until", "2015"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
    }
    // A tag is matched with its white space folded, in any case.
    let (code, _, _) = run(&["search", "seal", &basic(), "--tag", "  tidal   POWER "]);
    assert_eq!(code, 0);
    let (_, _, err) = run(&["search", "a", "--kind", "story"]);
    assert!(err.contains("event, article, ghost"), "{err}");
}

#[test]
fn check_links_lists_links_to_absent_events() {
    let (code, out, _) = run(&["check", &basic()]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["check", "--links", &basic()]);
    assert_eq!(code, 1);
    let absent: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("link to absent"))
        .collect();
    assert_eq!(absent.len(), 2, "{out}");
    assert!(absent.iter().any(|l| l.ends_with(
        "harbour-city-opens-its-first-tidal-power-station.md:19: link to absent event /news/2019/11/30/a-storm-damages-the-breakwater.md"
    )), "{out}");
    assert!(out.contains("2 links to absent events"), "{out}");
}

#[test]
fn stats_names_every_archive() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("one.md"),
        "### [2013-02-3](/x)\n\n# Fine.\n",
    )
    .unwrap();
    let other = dir.path().display().to_string();
    let (code, out, _) = run(&["stats", &basic(), &other]);
    assert_eq!(code, 0);
    let archives: Vec<&str> = out.lines().filter(|l| l.starts_with("archive ")).collect();
    assert_eq!(archives.len(), 2, "{out}");
    assert!(archives[1].ends_with(&other), "{out}");
    let (_, out, _) = run(&["stats", &basic(), &other, "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["archives"][1], other.as_str());
}

#[test]
fn check_lists_problems_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.md"),
        "### [2013-02-30](/x)\n\n# Never.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ok.md"), "### [2013-02-3](/x)\n\n# Fine.\n").unwrap();
    let (code, out, _) = run(&["check", &dir.path().display().to_string()]);
    assert_eq!(code, 1);
    let bad = dir.path().join("bad.md");
    assert_eq!(
        out.lines().next().unwrap(),
        format!("{}:1: impossible date '2013-02-30'", bad.display())
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("1 problem in 2 files")
    );
    let (code, out, _) = run(&["check", &basic()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("no problems in 7 files"), "{out}");
}

#[test]
fn missing_path_is_exit_2_naming_it() {
    for cmd in ["stats", "check", "export"] {
        let (code, out, err) = run(&[cmd, "/no/such/dir"]);
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert!(
            err.contains("/no/such/dir: no such file or directory"),
            "{err}"
        );
    }
    let (code, _, err) = run(&["stats", "--bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("--bogus"));
}

#[test]
fn no_path_means_the_sample() {
    let (code, out, _) = run(&["stats", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["events"].as_u64().unwrap() >= 60);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = ktimeline()
        .args(["export", &basic()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn escape_sequences_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evil.md"),
        "### [2020-1-1](/x)\n\n# Title \x1b]0;pwned\x07with \x1b[31mred\x1b[0m and \u{202e}bidi\n",
    )
    .unwrap();
    let (code, out, _) = run(&["search", "title", &dir.path().display().to_string()]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("2020-01-01\tTitle with red and bidi\t"),
        "{out:?}"
    );
    assert!(
        !out.chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n')
    );
    let (_, export, _) = run(&["export", &dir.path().display().to_string()]);
    assert!(!export.contains('\x1b') && !export.contains("\\u001b"));
}

#[test]
fn the_browser_without_a_terminal_points_to_the_subcommands() {
    let (code, out, err) = run(&[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("needs a terminal") && err.contains("ktimeline search --help"),
        "{err}"
    );
    let (code, _, err) = run(&["stat", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `ktimeline stats`"), "{err}");
}

/// An archive with one file that has a problem, so that `stats`, `search`
/// and `export` write a note on standard error.
fn archive_with_a_problem() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.md"), "### [2013-02-3](/x)\n\n# Fine.\n").unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    dir
}

/// Runs the binary with standard output thrown away and standard error
/// going to `stderr`; returns the exit code.
fn run_with_stderr(args: &[&str], stderr: Stdio) -> i32 {
    ktimeline()
        .args(args)
        .stdout(Stdio::null())
        .stderr(stderr)
        .status()
        .expect("runs")
        .code()
        .expect("exit code, not a signal")
}

#[test]
fn a_full_or_closed_stderr_keeps_the_exit_codes() {
    let dir = archive_with_a_problem();
    let path = dir.path().display().to_string();
    let cases: [(&[&str], i32); 5] = [
        (&["export", &path], 0),
        (&["stats", &path], 0),
        (&["search", "fine", &path], 0),
        (&["stats", "/no/such/dir"], 2),
        (&["stat", "x"], 2),
    ];
    for (args, code) in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        assert_eq!(
            run_with_stderr(args, full.into()),
            code,
            "{args:?} 2>/dev/full"
        );
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        assert_eq!(
            run_with_stderr(args, writer.into()),
            code,
            "{args:?} 2>closed pipe"
        );
    }
}

#[test]
fn hostile_names_and_addresses_are_escaped_or_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let event = "### [2015-09-1](/news/2015/09/1/index.md)\n\n# A bell rings.\n\n### Source:\n\n1. [Title](http://x.example/&#27;]0;PWNED&#7;)\n";
    for name in ["dup\u{1}.md", "dup\u{2}.md"] {
        std::fs::write(dir.path().join(name), event).unwrap();
    }
    let (code, out, _) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    // Two names that differ only in a control character print differently.
    assert!(
        out.contains("dup\\x01.md") && out.contains("dup\\x02.md"),
        "{out}"
    );
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    let (code, out, _) = run(&["export", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let e = &v["events"][0];
    assert!(e["file"].as_str().unwrap().contains("\\x0"), "{e}");
    let url = e["sources"][0]["url"].as_str().unwrap();
    assert!(url.starts_with("http://x.example/"), "{url:?}");
    assert!(!url.chars().any(char::is_control), "{url:?}");
    // The body is still read, although the name is shown escaped.
    assert_eq!(e["headline"], "A bell rings.");

    // Names that are not UTF-8, or that spell an escape, stay apart too.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for name in [
            &b"caf\xe9.md"[..],
            b"caf\xe8.md",
            b"dup\x01.md",
            b"dup\\x01.md",
        ] {
            let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
            std::fs::write(path, event).unwrap();
        }
        let (code, out, _) = run(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 1);
        for shown in ["caf\\xe9.md", "caf\\xe8.md", "dup\\x01.md", "dup\\\\x01.md"] {
            assert!(out.contains(shown), "{shown} in {out}");
        }
        // Which copy is the duplicate does not change from run to run.
        let (_, first, _) = run(&["export", "--no-cache", dir.path().to_str().unwrap()]);
        for _ in 0..5 {
            let (_, again, _) = run(&["export", "--no-cache", dir.path().to_str().unwrap()]);
            assert_eq!(again, first);
        }
    }
}

#[test]
fn check_is_honest_about_what_it_did_not_read() {
    // A folder with nothing to read.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("notes.json"), "{}").unwrap();
    let (code, out, _) = run(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("nothing to check"), "{out}");
    // A file named on its own that is not markdown or text.
    let manifest = empty.path().join("notes.json");
    let (code, out, _) = run(&["check", manifest.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("notes.json: not read"), "{out}");
    // An option before the command is pointed out.
    let (code, _, err) = run(&["--no-cache", "stats", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("options go after the command"), "{err}");
    let (_, out, _) = run(&["stats", "--json", manifest.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["articles"], 0);
}

#[test]
fn a_hashtag_starting_an_article_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("note.txt"),
        "#EUmigrants: trains remained suspended at the border. Later more.\n",
    )
    .unwrap();
    let (code, out, _) = run(&["search", "trains", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\t#EUmigrants: trains remained suspended at the border.\t"),
        "{out}"
    );
}

/// Characters that must never leave ktimeline: C0 and C1 controls other
/// than newline and tab, DEL, and the bidirectional-text controls.
fn raw_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// Every string in a JSON value, keys included.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out)
        }),
        _ => {}
    }
}

#[test]
fn bookmarks_from_a_hostile_state_file_leave_clean() {
    let state = tempfile::tempdir().unwrap();
    let archive = fixture("basic");
    let store = ktimeline::state::Store::in_dir(
        state.path().join("ktimeline"),
        std::slice::from_ref(&archive),
    )
    .unwrap();
    std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    let roots = [archive.canonicalize().unwrap()];
    let planted = serde_json::json!({
        "roots": roots,
        "bookmarks": [{
            "id": "/news/2019/01/2/gone\u{9b}31m.md",
            "date": "2019-01-02",
            "headline": "Gone\u{202e}gnp.exe \u{1b}]0;pwned\u{7}entry\u{9b}2J here",
            "file": "news/2019/01/2/\u{1b}[2Jgone\u{202e}.md",
        }],
    });
    std::fs::write(store.path(), planted.to_string()).unwrap();
    let bookmarks = |json: bool| {
        let mut cmd = ktimeline();
        cmd.env("XDG_STATE_HOME", state.path())
            .args(["bookmarks", archive.to_str().unwrap()]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let (out, err) = (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        );
        assert!(!out.chars().any(raw_control), "{out:?}");
        assert!(!err.chars().any(raw_control), "{err:?}");
        out
    };
    let plain = bookmarks(false);
    assert_eq!(
        plain,
        "2019-01-02\tGonegnp.exe entry here (gone)\tnews/2019/01/2/gone.md\n"
    );
    let json: Value = serde_json::from_str(&bookmarks(true)).unwrap();
    let mut all = Vec::new();
    strings(&json, &mut all);
    assert!(!all.iter().any(|s| s.chars().any(raw_control)), "{all:?}");
    assert_eq!(json[0]["headline"], "Gonegnp.exe entry here");
    assert_eq!(json[0]["file"], "news/2019/01/2/gone.md");
    assert_eq!(json[0]["id"], "/news/2019/01/2/gone.md");
    assert_eq!(json[0]["present"], false);
}

/// `stats --json --story` names the story by its entry's whole headline;
/// only a screen shortens it.
#[test]
fn stats_json_names_a_story_by_its_whole_headline() {
    let id = "/news/2013/03/27/north-korea-cuts-the-military-hotline-with-the-south-the-last-official-channel-still-working-between-the-two-sides.md";
    let headline = "North Korea cuts the military hotline with the South, the last official channel still working between the two sides.";
    let (code, out, err) = run(&["stats", "--json", "--story", id]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let filter = v["filter"].as_str().unwrap();
    assert!(filter.starts_with("story ("), "{filter}");
    assert!(filter.ends_with(&format!("): {headline}")), "{filter}");
    assert!(!filter.contains('…'), "{filter}");
}

#[test]
fn stats_json_names_a_hostile_tag_filter_cleaned() {
    let tag = "Tidal\u{9b}31m Power\u{202e}";
    let (code, out, _) = run(&["stats", "--json", "--tag", tag, &basic()]);
    assert_eq!(code, 0);
    assert!(!out.chars().any(raw_control), "{out:?}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["filter"], "#Tidal Power");
}

#[test]
fn similar_lists_entries_alike_in_words_never_the_entry_itself() {
    let b = basic();
    let council = format!("{b}/misc/B-event.txt");
    let (code, out, err) = run(&["similar", &council, &b]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<&str> = out.lines().map(|l| l.split('\t').nth(2).unwrap()).collect();
    assert!(!files.contains(&council.as_str()));
    assert!(
        files.iter().any(|f| f.ends_with("engineers-old-name.md")),
        "{out}"
    );
    assert!(err.contains("similar entr"), "{err}");
    // The same entry named by its id, and by another path to its file.
    let id = "/news/2020/03/15/regional-council-approves-a-second-tidal-turbine-array.md";
    assert_eq!(run(&["similar", id, &b]).1, out);
    let other_path = format!("{b}/misc/../misc/B-event.txt");
    assert_eq!(run(&["similar", &other_path, &b]).1, out);
    // JSON: the promised fields, best first.
    let (code, json, _) = run(&["similar", id, &b, "--json", "--limit", "2"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    let hits = v.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 2);
    for h in hits {
        for key in ["id", "kind", "date", "headline", "file", "score"] {
            assert!(h.get(key).is_some(), "{key} missing in {h}");
        }
        assert_ne!(h["id"], id);
    }
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn similar_to_an_entry_not_in_the_archive_is_exit_2_with_the_nearest() {
    let (code, out, err) = run(&["similar", "news/tidal-turbin-approvals.md", &basic()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no entry 'news/tidal-turbin-approvals.md'"),
        "{err}"
    );
    assert!(
        err.contains("did you mean") && err.contains("tidal"),
        "{err}"
    );
}

const HARBOUR: &str = "news/2020/01/2/harbour-city-opens-its-first-tidal-power-station.md";

/// `ktimeline show ARGS` piped, with a terminal's TERM and no NO_COLOR:
/// what a script gets.
fn show(args: &[&str]) -> (i32, String, String) {
    let out = ktimeline()
        .arg("show")
        .args(args)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        // Were a pager run, it would say so and print nothing.
        .env("PAGER", "/nonexistent/pager")
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// Why a linked entry is listed wraps under its headline when the width
/// is short, rather than being cut at the first line's end.
#[test]
fn show_wraps_why_a_link_is_listed() {
    let file = fixture("basic").join(HARBOUR).display().to_string();
    let (code, out, err) = show(&[&file, &basic(), "--width", "36"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    // The seals entry: its headline, then why, wrapped.
    let at = (lines.iter())
        .position(|l| l.contains("Fishermen report"))
        .unwrap_or_else(|| panic!("{out}"));
    let why: Vec<&str> = (lines[at + 1..].iter())
        .take_while(|l| l.starts_with("               "))
        .map(|l| l.trim())
        .skip_while(|l| !l.starts_with("Tidal Power"))
        .collect();
    assert_eq!(
        why.join(" "),
        "Tidal Power, Wildlife, linked both ways",
        "{out}"
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 36), "{out}");
}

#[test]
fn show_prints_an_entry_as_the_detail_shows_it() {
    let file = fixture("basic").join(HARBOUR).display().to_string();
    let (code, out, err) = show(&[&file, &basic()]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Harbour city opens its first tidal power station."
    );
    assert_eq!(lines[1], "Thursday 2 January 2020");
    for want in [
        "The station sits at the mouth of the estuary and is meant to supply four",
        "• Two turbines at first",
        "Sources",
        "  Coastal Herald — herald.example.com",
        "  Cover Image — herald.example.com (picture)",
        "Tags Tidal Power, Harbour City, Wildlife, Weather",
        "Related",
        "  2020-03-15   Regional council approves a second tidal turbine array.",
        "  2019-11-30 ○ A storm damages the breakwater.",
        // Linked both ways: listed once, under Related, and said so.
        "  2021-07-09   Fishermen report fewer seals near the tidal barrage.",
        "               Tidal Power, Wildlife, linked both ways",
    ] {
        assert!(lines.contains(&want), "{want:?} in:\n{out}");
    }
    assert!(!lines.contains(&"Referenced by"), "{out}");
    // No markup, no pager, no escape.
    assert!(!out.contains('*') && !out.contains("###"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!err.contains("pager"), "{err}");
}

#[test]
fn show_finds_an_entry_by_file_or_id_in_any_spelling() {
    let (code, by_file, _) = show(&[
        &fixture("basic").join(HARBOUR).display().to_string(),
        &basic(),
    ]);
    assert_eq!(code, 0);
    let by_id = format!("/{HARBOUR}");
    let unpadded = "news/2020/1/02/harbour-city-opens-its-first-tidal-power-station.md";
    let cwd = fixture("basic");
    for (entry, dir) in [
        (by_id.as_str(), None),
        (unpadded, None),
        // The same file by a relative path, from the archive's folder.
        (HARBOUR, Some(&cwd)),
    ] {
        let mut cmd = ktimeline();
        cmd.args(["show", entry, &basic()]);
        if let Some(d) = dir {
            cmd.current_dir(d);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{entry}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), by_file, "{entry}");
    }
    // A ghost by its id (search prints it in the third column).
    let (code, out, _) = show(&[
        "/news/2019/11/30/a-storm-damages-the-breakwater.md",
        &basic(),
    ]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("A storm damages the breakwater.\nSaturday 30 November 2019 · ghost\n"),
        "{out}"
    );
    // The built-in sample, by the path search prints for it.
    let (_, hit, _) = run(&["search", "hotline", "-n", "1"]);
    let file = hit.trim_end().split('\t').nth(2).unwrap().to_string();
    assert!(file.starts_with("sample/news/"), "{file}");
    let (code, out, _) = show(&[&file]);
    assert_eq!(code, 0);
    assert!(out.to_lowercase().contains("hotline"), "{out}");
}

#[test]
fn show_wraps_to_the_width_asked() {
    let file = fixture("basic").join(HARBOUR).display().to_string();
    let (code, out, _) = show(&[&file, &basic(), "--width", "30"]);
    assert_eq!(code, 0);
    for l in out.lines() {
        assert!(l.chars().count() <= 30, "{l:?} is wider than 30");
    }
    assert!(
        out.contains("The station sits at the mouth\nof the estuary"),
        "{out}"
    );
    assert!(
        out.contains("  2020-03-15   Regional\n               council\n"),
        "{out}"
    );
    // Not a terminal and no --width: 80 columns.
    let (_, out, _) = show(&[&file, &basic()]);
    assert!(out.lines().all(|l| l.chars().count() <= 80));
    assert!(out.lines().any(|l| l.chars().count() > 70), "{out}");
    let (code, _, err) = show(&[&file, &basic(), "--width", "5"]);
    assert_eq!(code, 2, "{err}");
}

/// An archive where the file `news/2020/01/2/x.md` holds an event of
/// another day, another file's event has that path for its id, and a third
/// entry links to that spelling.
fn path_and_id_archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "news/2020/01/2/x.md",
        "### [2020-01-05](/news/2020/01/5/index.md)\n\n# A quiet day at the harbour.\n\nNothing.\n",
    );
    write(
        "other/b.md",
        "### [2020-01-02](/news/2020/01/2/index.md)\n\n# X.\n\nB.\n",
    );
    write(
        "news/2020/01/9/linker.md",
        "### [2020-01-09](/news/2020/01/9/index.md)\n\n# The linking entry.\n\nText.\n\n\
         ### Related:\n\n1. [X.](/news/2020/01/2/x.md) _Context: Harbour_\n",
    );
    dir
}

#[test]
fn an_entry_spelt_as_a_file_and_an_id_names_the_file_as_a_link_does() {
    let dir = path_and_id_archive();
    let root = dir.path().display().to_string();
    // The link leads to the file at that path.
    let (code, out, err) = show(&["/news/2020/01/9/the-linking-entry.md", &root]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  2020-01-05   A quiet day at the harbour."),
        "{out}"
    );
    // ENTRY spelt so names it too: from the archive's folder (the path of
    // the file), and from elsewhere (its path below the root).
    let elsewhere = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (cwd, archive) in [(dir.path(), "."), (elsewhere.as_path(), root.as_str())] {
        for entry in ["news/2020/01/2/x.md", "news/2020/1/02/x.md"] {
            let out = ktimeline()
                .current_dir(cwd)
                .args(["show", entry, archive])
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            assert_eq!(out.status.code(), Some(0), "{entry} in {archive}");
            assert!(
                text.starts_with("A quiet day at the harbour.\n"),
                "{entry} in {archive}: {text}"
            );
        }
    }
    // The other file is still found by its own path.
    let b = dir.path().join("other/b.md").display().to_string();
    let (_, out, _) = show(&[&b, &root]);
    assert!(out.starts_with("X.\n"), "{out}");
}

/// A file whose real name holds a line break or an escape is found by its
/// real path (from anywhere, as given or from the archive's folder), and
/// every line printed names it escaped.
#[cfg(unix)]
#[test]
fn an_entry_named_with_control_characters_is_found_by_its_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let day = dir.path().join("news/2020/01/2");
    std::fs::create_dir_all(&day).unwrap();
    let root = dir.path().display().to_string();
    for (name, shown, headline) in [
        ("new\nline.md", "new\\x0aline.md", "A line breaks in two."),
        (
            "esc\u{1b}[31m.md",
            "esc\\x1b[31m.md",
            "An escape turns red.",
        ),
    ] {
        std::fs::write(
            day.join(name),
            format!("### [2020-01-02](/news/2020/01/2/index.md)\n\n# {headline}\n\nText.\n"),
        )
        .unwrap();
        let real = day.join(name).display().to_string();
        let (code, out, err) = show(&[&real, &root]);
        assert_eq!(code, 0, "{name:?}: {err}");
        assert!(out.starts_with(&format!("{headline}\n")), "{out}");
        // By a relative path, from the archive's folder.
        let out = ktimeline()
            .current_dir(dir.path())
            .args(["story", &format!("news/2020/01/2/{name}"), "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name:?}");
        let out = String::from_utf8(out.stdout).unwrap();
        // Printed escaped: one line, no escape.
        let line = out
            .lines()
            .find(|l| l.contains(headline))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(
            line.ends_with(&format!("./news/2020/01/2/{shown}")),
            "{line}"
        );
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }
}

/// `ktimeline similar ARCHIVE`: ENTRY forgotten, the archive taken for it
/// and the built-in sample searched. Said so, exit 2, for every command
/// that takes ENTRY then PATHs, and for `--story ENTRY`.
/// An ENTRY that is a folder, or a file the archive holds no entry of,
/// says so (not a bare "no entry"); a symbolic link to an entry's file is
/// that entry.
#[test]
fn an_entry_that_is_a_folder_a_stray_file_or_a_link_says_what_it_is() {
    let b = basic();
    let folder = fixture("basic").join("news").display().to_string();
    let (code, _, err) = run(&["show", &folder, &b]);
    assert_eq!(code, 2);
    assert!(err.contains("is a folder, not an entry"), "{err}");
    let stray = tempfile::NamedTempFile::new().unwrap();
    let stray = stray.path().display().to_string();
    let (code, _, err) = run(&["similar", &stray, &b]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is a file but no entry of the archive"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(fixture("basic").join(HARBOUR), &link).unwrap();
    let (code, out, err) = run(&["show", &link.display().to_string(), &b]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Harbour city opens its first tidal power station."),
        "{out}"
    );
}

#[test]
fn an_archive_given_as_entry_is_said_to_lack_its_entry() {
    let b = basic();
    for args in [
        vec!["similar", b.as_str()],
        vec!["story", b.as_str()],
        vec!["show", b.as_str()],
        vec!["story", "--json", b.as_str()],
    ] {
        let cmd = args[0];
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(
            err,
            format!(
                "ktimeline: {b} is a folder, not an entry; did you mean `ktimeline {cmd} ENTRY {b}`?\n"
            ),
            "{args:?}"
        );
    }
    let (code, _, err) = run(&["stats", "--story", &b]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "is a folder, not an entry; did you mean `ktimeline stats --story ENTRY {b}`?"
        )),
        "{err}"
    );
    // A file of an archive given alone: the sample was searched.
    let file = fixture("basic").join(HARBOUR).display().to_string();
    let (code, _, err) = run(&["similar", &file]);
    assert_eq!(code, 2);
    assert!(
        err.contains("in the built-in sample archive")
            && err.contains("no PATH was given")
            && err.contains(&format!(
                "give the archive it is in after it: `ktimeline similar {file} {b}`"
            )),
        "{err}"
    );
    // An entry the sample does not hold, with no PATH: the same said, and
    // how to name the archive.
    let (code, _, err) = run(&["story", "notes/my-entry.md"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("ktimeline: no entry 'notes/my-entry.md' in the built-in sample archive")
            && err.contains("`ktimeline story ENTRY PATH`"),
        "{err}"
    );
    // A name with a space is quoted for the shell.
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("my news");
    std::fs::create_dir(&spaced).unwrap();
    let spaced = spaced.display().to_string();
    let (code, _, err) = run(&["show", &spaced]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("did you mean `ktimeline show ENTRY '{spaced}'`?")),
        "{err}"
    );
}

#[test]
fn show_of_an_entry_not_in_the_archive_names_the_nearest() {
    let (code, out, err) = show(&["news/2020/01/2/harbour-city-opens.md", &basic()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no entry 'news/2020/01/2/harbour-city-opens.md' in the archive"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "did you mean {}",
            fixture("basic").join(HARBOUR).display()
        )) && err.contains("(2020-01-02 Harbour city opens its first tidal power station.)"),
        "{err}"
    );
    // Nothing raw from the argument reaches the terminal.
    let (code, _, err) = show(&["\u{1b}]0;x\u{7}.md", &basic()]);
    assert_eq!(code, 2);
    assert!(
        !err.contains('\u{1b}') && err.contains("\\u{1b}"),
        "{err:?}"
    );
}

#[test]
fn show_prints_what_markup_means_and_nothing_raw() {
    let dir = tempfile::tempdir().unwrap();
    let day = dir.path().join("news/2022/05/14");
    std::fs::create_dir_all(&day).unwrap();
    std::fs::write(
        day.join("lighthouse.md"),
        "### [2022-05-14](/news/2022/05/14/index.md)\n\n\
         # The old lighthouse is lit again after forty years.\n\n\
         Volunteers &amp; the <b>harbour trust</b> paid for the lamp<br>and its `clockwork`.\n\n\
         <div class=\"note\">\nKeepers&rsquo; logs <!-- not shown --> survive.\n</div>\n\n\
         ![The lamp room at dusk](https://example.com/lamp.jpg) \\*Open\\* on Sundays.\n\n\
         An escape \u{1b}[31mred\u{1b}[0m and a title \u{1b}]0;pwned\u{7}here.\n",
    )
    .unwrap();
    let root = dir.path().display().to_string();
    let (code, out, err) = show(&[
        "/news/2022/05/14/the-old-lighthouse-is-lit-again-after-forty-years.md",
        &root,
    ]);
    assert_eq!(code, 0, "{err}");
    for want in [
        "Volunteers & the harbour trust paid for the lamp\nand its clockwork.",
        "Keepers’ logs survive.",
        "The lamp room at dusk *Open* on Sundays.",
        "An escape red and a title here.",
    ] {
        assert!(out.contains(want), "{want:?} in:\n{out}");
    }
    for raw in ["<b>", "<div", "<!--", "&amp;", "`", "![", "\u{1b}", "\u{7}"] {
        assert!(!out.contains(raw), "{raw:?} in:\n{out:?}");
    }
}

/// The invisible characters that only hide or spoof text, and the line and
/// paragraph separators (which JSON writes raw and JavaScript reads as line
/// ends), in an archive's headlines, bodies, sources and tags and in a
/// state file's bookmarks: no JSON output holds one, raw or escaped; what
/// real text needs (a joiner in an emoji) stays.
#[test]
fn json_output_holds_no_separator_or_invisible_character() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "news/2020/01/2/pay.md",
        "### [2020-01-2](/news/2020/01/2/index.md)\n\n\
         # Pay\u{200b}pal line\u{2028}break \u{2060}headline\u{ad}.\n\n\
         Body with a zero\u{200b}width space, a line\u{2028}separator, a para\u{2029}graph \
         and a family 👨\u{200d}👩\u{200d}👧.\n\n\
         ### Source:\n\n1. [Herald\u{2028}News\u{200b}](https://herald.example.com/a)\n\n\
         ### Related:\n\n\
         1. [Second\u{200b} event.](/news/2020/01/3/second-event.md) _Context: Tidal\u{2028}Power, Zero\u{200b}Width_\n",
    );
    write(
        "news/2020/01/3/second-event.md",
        "### [2020-01-3](/news/2020/01/3/index.md)\n\n# Second\u{2029} event.\n\n\
         Paypal again.\n\n### Related:\n\n\
         1. [Pay.](/news/2020/01/2/pay.md) _Context: Tidal\u{2028}Power_\n",
    );
    write(
        "news/2020/01/4/third.md",
        "### [2020-01-4](/news/2020/01/4/index.md)\n\n# Paypal\u{2028}again, zero\u{200b}width.\n\n\
         Body with a zero\u{200b}width space and a line\u{2028}separator in a family.\n",
    );
    let archive = dir.path().to_str().unwrap();
    let state = tempfile::tempdir().unwrap();
    let store = ktimeline::state::Store::in_dir(
        state.path().join("ktimeline"),
        &[dir.path().to_path_buf()],
    )
    .unwrap();
    std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
    let planted = serde_json::json!({
        "roots": [dir.path().canonicalize().unwrap()],
        "bookmarks": [{
            "id": "/news/2019/01/2/gone\u{2028}\u{200b}.md",
            "date": "2019-01-02",
            "headline": "Gone\u{2029} zero\u{200b}width\u{2028}",
            "file": "news/2019/01/2/gone\u{2028}\u{feff}.md",
        }],
    });
    std::fs::write(store.path(), planted.to_string()).unwrap();
    let hidden = |c: char| {
        matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200b}' | '\u{2060}' | '\u{ad}' | '\u{feff}'
        )
    };
    let pay_file = format!("{archive}/news/2020/01/2/pay.md");
    let mut seen = 0;
    for args in [
        vec!["export", archive],
        vec!["export", "--jsonl", archive],
        vec!["export", "--no-cache", archive],
        vec!["stats", "--json", archive],
        vec!["search", "--json", "paypal", archive],
        vec!["search", "--json", "--text", "zerowidth", archive],
        vec!["bookmarks", "--json", archive],
        vec!["similar", "--json", &pay_file, archive],
        vec!["story", "--json", &pay_file, archive],
        vec!["export", "--story", &pay_file, archive],
    ] {
        let out = ktimeline()
            .env("XDG_STATE_HOME", state.path())
            .args(&args)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{args:?}: {text} {:?}", out.stderr);
        assert!(!text.chars().any(hidden), "{args:?}: {text:?}");
        assert!(
            !text.contains("\\u2028") && !text.contains("\\u200b"),
            "{args:?}: {text}"
        );
        for line in text.lines().filter(|_| args.contains(&"--jsonl")) {
            serde_json::from_str::<Value>(line).unwrap();
        }
        if !args.contains(&"--jsonl") {
            let v: Value = serde_json::from_str(&text).unwrap();
            let mut all = Vec::new();
            strings(&v, &mut all);
            seen += all.len();
        }
    }
    assert!(seen > 50, "{seen}");
    let (_, out, _) = run(&["export", archive]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let pay = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("pay.md"))
        .unwrap();
    assert_eq!(pay["headline"], "Paypal line break headline.");
    assert!(
        pay["body"]
            .as_str()
            .unwrap()
            .contains("👨\u{200d}👩\u{200d}👧")
    );
    assert!(
        pay["body"]
            .as_str()
            .unwrap()
            .contains("zerowidth space, a line separator")
    );
    assert!(
        pay["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Tidal Power"))
    );
}

#[test]
fn story_lists_the_entry_and_its_story_in_timeline_order_and_filters_keep_to_it() {
    let b = basic();
    let id = "/news/2020/01/2/harbour-city-opens-its-first-tidal-power-station.md";
    let (code, out, err) = run(&["story", id, &b]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let dates: Vec<&str> = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| (*d == "undated", *d));
    assert_eq!(dates, sorted, "timeline order");
    // The entry itself, and the entries it links to and from.
    for want in ["tidal power station", "second tidal turbine", "fewer seals"] {
        assert!(lines.iter().any(|l| l.contains(want)), "{want} in {out}");
    }
    assert!(
        err.contains(&format!("holds {} entries", lines.len())),
        "{err}"
    );
    // JSON marks the entry asked about.
    let (_, json, _) = run(&["story", id, &b, "--json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let asked: Vec<&Value> = (v.as_array().unwrap().iter())
        .filter(|m| m["asked"] == true)
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["id"], id);
    // export, search and stats keep to it.
    let (code, export, _) = run(&["export", &b, "--story", id, "--jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(export.lines().count(), lines.len());
    let (_, stats, _) = run(&["stats", &b, "--story", id, "--json"]);
    let s: Value = serde_json::from_str(&stats).unwrap();
    let counted = ["events", "articles", "ghosts"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted as usize, lines.len(), "{stats}");
    let (code, found, _) = run(&["search", "tidal", &b, "--story", id]);
    assert_eq!(code, 0);
    assert!(found.lines().all(|l| lines.contains(&l)), "{found}");
    // An entry not in the archive is exit 2, for the filter too.
    let (code, _, err) = run(&["export", &b, "--story", "no/such-entry.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("no entry 'no/such-entry.md'"), "{err}");
}

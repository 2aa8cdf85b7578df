//! The whole loader (parse, deduplicate, resolve links, ghosts, backlinks)
//! on a small archive held in memory. The input is cut into files at each
//! `\n=====\n`; each file gets the next of a few paths, so that links can
//! resolve between them, days collide and index pages appear.

#![no_main]

use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "news/2020/01/1/a.md",
    "news/2020/01/1/index.md",
    "news/2020/01/01/b.md",
    "news/2021/07/9/c.markdown",
    "misc/d.txt",
    "news/2013/02/30/e.md",
    "f.md",
];

fuzz_target!(|data: &[u8]| {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let sep = b"\n=====\n";
    let mut rest = data;
    while files.len() < PATHS.len() {
        let cut = rest.windows(sep.len()).position(|w| w == sep);
        let (file, next) = match cut {
            Some(i) => (&rest[..i], &rest[i + sep.len()..]),
            None => (rest, &[][..]),
        };
        files.push((PATHS[files.len()].to_string(), file.to_vec()));
        if cut.is_none() {
            break;
        }
        rest = next;
    }
    let timeline = ktimeline::loader::load_memory("fuzz", files);
    // What the commands compute from it must hold up too.
    let stats = timeline.stats(5);
    assert!(stats.events + stats.articles + stats.ghosts <= timeline.events.len());
    for e in &timeline.events {
        for r in &e.related {
            assert!(r.to < timeline.events.len());
        }
        for &b in &e.backlinks {
            assert!(b < timeline.events.len());
        }
    }
});

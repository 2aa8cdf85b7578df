//! Front matter: the YAML (`---` … `---`) or TOML (`+++` … `+++`) block
//! that blogs (Jekyll, Hugo, Zola) and web clippers (Obsidian Web
//! Clipper, MarkDownload) put at the top of a file. Read here, never as
//! text: the title, the date, tags, the first source, the description, the
//! author and the other keys come from it, and the file's body starts
//! after it.
//!
//! The block is untrusted input like the rest of the file: it is read only
//! when it is at most [`FRONT_MAX`] bytes, nested at most [`DEPTH_MAX`]
//! deep, and makes at most [`NODES_MAX`] values, aliases expanded (so a
//! "billion laughs" of YAML aliases costs nothing); every text taken from
//! it is cleaned after decoding (a YAML `"\e"` escape makes an ESC). A
//! block that cannot be read is a warning naming its line; the file still
//! loads, its body after the block.

use chrono::NaiveDate;

use super::pieces::{HEADLINE_MAX, LINK_TEXT_MAX, TAG_MAX, TAGS_MAX, URL_MAX, cap};
use crate::draft::{FrontDraft, Warning};
use crate::model::{Meta, Source};
use crate::text;

/// The largest front matter read, in bytes.
pub const FRONT_MAX: usize = 64 * 1024;
/// The deepest nesting of lists and maps read.
pub const DEPTH_MAX: usize = 32;
/// The most values a front matter makes, each alias's expansion counted.
pub const NODES_MAX: usize = 10_000;
/// The most other keys kept (shown dimmed, exported as `properties`).
pub const PROPERTIES_MAX: usize = 20;
/// The longest property value and description kept, in characters.
const VALUE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 2000;

/// What a file's front matter says.
#[derive(Debug, Default)]
pub struct Front {
    /// Where the body starts: after the closing fence's line (after the
    /// opening one when the block is never closed).
    pub end: usize,
    pub title: Option<String>,
    pub draft: FrontDraft,
    pub warnings: Vec<Warning>,
    /// The block held at least one key with a value.
    pub any: bool,
}

/// A value of the front matter, every scalar as text.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    fn nodes(&self) -> usize {
        match self {
            Value::Text(_) => 1,
            Value::List(l) => 1 + l.iter().map(Value::nodes).sum::<usize>(),
            Value::Map(m) => 1 + m.iter().map(|(_, v)| v.nodes()).sum::<usize>(),
        }
    }

    /// The texts it holds, in order: itself, or a list's (a map's values).
    fn texts(&self) -> Vec<&str> {
        match self {
            Value::Text(s) => vec![s.as_str()],
            Value::List(l) => l.iter().flat_map(Value::texts).collect(),
            Value::Map(m) => m.iter().flat_map(|(_, v)| v.texts()).collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.texts().iter().all(|t| t.trim().is_empty())
    }
}

/// The front matter at the start of `text` (cleaned: `\n` line ends, no
/// byte-order mark), if the file opens with one.
pub fn read(text: &str) -> Option<Front> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let fence = text[..first_end].trim_end();
    let toml = match fence {
        "---" => false,
        "+++" => true,
        _ => return None,
    };
    let after_first = (first_end + 1).min(text.len());
    // As pulldown-cmark has it: the fence is front matter only when a line
    // of it follows at once (`---` then a blank line is a thematic break).
    let second = text[after_first..].lines().next().unwrap_or("");
    if second.trim().is_empty() {
        return None;
    }
    // The closing fence: `---` or `...` for YAML, `+++` for TOML.
    let mut pos = after_first;
    let mut close = None;
    for line in text[after_first..].split_inclusive('\n') {
        let l = line.trim_end();
        if (toml && l == "+++") || (!toml && (l == "---" || l == "...")) {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let mut front = Front::default();
    let Some((block_end, end)) = close else {
        // A key on the next line says it was meant as front matter.
        let looks_like_key = if toml {
            second.contains('=') || second.trim_start().starts_with('[')
        } else {
            second.contains(':')
        };
        if !looks_like_key {
            return None;
        }
        front.end = after_first;
        front.warnings.push((
            Some(1),
            format!("front matter never closed: no '{fence}' line ends it; read as text"),
        ));
        return Some(front);
    };
    front.end = end;
    let block = &text[after_first..block_end];
    if block.len() > FRONT_MAX {
        front.warnings.push((
            Some(1),
            format!(
                "front matter longer than {} KiB, not read",
                FRONT_MAX / 1024
            ),
        ));
        return Some(front);
    }
    // Lines of the block (from 0) are the file's from its second.
    let parsed = if toml {
        read_toml(block)
            .map_err(|(line, e)| (line + 2, format!("front matter is not valid TOML: {e}")))
    } else {
        read_yaml(block)
            .map_err(|(line, e)| (line + 2, format!("front matter is not valid YAML: {e}")))
    };
    match parsed {
        Ok(Value::Map(map)) => take(&mut front, map),
        Ok(v) if v.is_empty() => {}
        Ok(_) => front.warnings.push((
            Some(2),
            "front matter is not a list of keys and values, not read".into(),
        )),
        Err((line, reason)) => front.warnings.push((Some(line), text::one_line(&reason))),
    }
    Some(front)
}

/// The keys' meanings: what each key gives the entry.
fn take(front: &mut Front, map: Vec<(String, Value)>) {
    let key_is = |k: &str, names: &[&str]| names.iter().any(|n| k.eq_ignore_ascii_case(n));
    let first_text = |v: &Value| -> Option<String> {
        v.texts()
            .into_iter()
            .map(text::one_line)
            .find(|t| !t.is_empty())
    };
    // The map flattened one level: Zola keeps tags under `[taxonomies]`,
    // and often the author and description under `[extra]` (after the
    // keys of the top level, which come first when both say).
    let mut keys: Vec<(String, Value)> = Vec::with_capacity(map.len());
    let mut extra = Vec::new();
    for (k, v) in map {
        match v {
            Value::Map(inner) if k.eq_ignore_ascii_case("taxonomies") => keys.extend(inner),
            Value::Map(inner) if k.eq_ignore_ascii_case("extra") => extra.extend(inner),
            v => keys.push((k, v)),
        }
    }
    keys.extend(extra);
    keys.retain(|(_, v)| !v.is_empty());
    front.any = !keys.is_empty();
    let mut used = vec![false; keys.len()];
    let d = &mut front.draft;

    for (i, (k, v)) in keys.iter().enumerate() {
        if front.title.is_none() && key_is(k, &["title"]) {
            front.title = first_text(v).map(|t| cap(t, HEADLINE_MAX).0);
            used[i] = true;
        }
    }
    // The date: the first of these keys that holds one, in this order.
    'date: for name in ["published", "date", "pubDate", "created"] {
        for (i, (k, v)) in keys.iter().enumerate() {
            if !key_is(k, &[name]) {
                continue;
            }
            match first_text(v).as_deref().map(date_of) {
                Some(Some(Ok(date))) => {
                    d.date = Some(date);
                    used[i] = true;
                    break 'date;
                }
                Some(Some(Err(()))) => front.warnings.push((
                    None,
                    format!("front matter: '{}' is not a real day", text::one_line(k)),
                )),
                _ => {}
            }
        }
    }
    // A web address is the first source; `url` is otherwise a path.
    for (i, (k, v)) in keys.iter().enumerate() {
        if d.source.is_none()
            && key_is(k, &["source", "url", "link"])
            && let Some(url) = first_text(v)
            && text::is_web_url(&url)
        {
            let (url, _) = cap(url, URL_MAX);
            let site = keys
                .iter()
                .find(|(k, _)| key_is(k, &["site", "site_name", "publisher"]))
                .and_then(|(_, v)| first_text(v));
            // Named by the site, else by the page's title (a clipping's
            // source is the page it was clipped from), else by its host.
            let name = site
                .or_else(|| front.title.clone())
                .unwrap_or_else(|| text::url_host(&url).unwrap_or("source").to_string());
            let (name, _) = cap(name, LINK_TEXT_MAX);
            d.source = Some(Source::new(&name, &url, super::pieces::is_image("", &url)));
            used[i] = true;
        }
    }
    for (i, (k, v)) in keys.iter().enumerate() {
        if d.key_date.is_none() && key_is(k, &["path", "permalink", "url", "slug"]) {
            d.key_date = first_text(v).and_then(|p| slashed_date(&p));
            used[i] |= d.key_date.is_some() && !key_is(k, &["url"]);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for (i, (k, v)) in keys.iter().enumerate() {
        if key_is(k, &["tags", "keywords", "categories", "tag", "category"]) {
            used[i] = true;
            // A string of several: split at commas, or (Jekyll's rule for
            // its tags and categories, `categories: jekyll update`) at
            // spaces when it has none.
            let jekyll = matches!(v, Value::Text(_)) && !key_is(k, &["keywords"]);
            for t in v.texts() {
                let parts: Vec<&str> = if t.contains(',') || !jekyll {
                    t.split(',').collect()
                } else {
                    t.split_whitespace().collect()
                };
                for t in parts {
                    let t = text::one_line(t.trim().trim_start_matches('#'));
                    let t = t.trim_start_matches("[[").trim_end_matches("]]").trim();
                    if !t.is_empty() && !tags.iter().any(|s| s == t) && tags.len() < TAGS_MAX {
                        tags.push(cap(t.to_string(), TAG_MAX).0);
                    }
                }
            }
        }
    }
    d.tags = tags.into_iter().map(Into::into).collect();
    let mut meta = Meta::default();
    for (i, (k, v)) in keys.iter().enumerate() {
        if meta.description.is_none() && key_is(k, &["description", "summary", "excerpt"]) {
            let all = v.texts().join(" ");
            let (t, _) = cap(text::one_line(&all), DESCRIPTION_MAX);
            meta.description = (!t.is_empty()).then(|| t.into());
            used[i] = true;
        } else if meta.author.is_none() && key_is(k, &["author", "authors"]) {
            let names: Vec<String> = v
                .texts()
                .into_iter()
                .map(|a| text::one_line(a.trim().trim_start_matches("[[").trim_end_matches("]]")))
                .filter(|a| !a.is_empty())
                .collect();
            let (t, _) = cap(names.join(", "), VALUE_MAX);
            meta.author = (!t.is_empty()).then(|| t.into());
            used[i] = true;
        }
    }
    let mut properties = Vec::new();
    for (i, (k, v)) in keys.iter().enumerate() {
        if used[i] {
            continue;
        }
        if properties.len() >= PROPERTIES_MAX {
            front.warnings.push((
                None,
                format!("front matter: more than {PROPERTIES_MAX} other keys, the rest left out"),
            ));
            break;
        }
        let (key, _) = cap(text::one_line(k), 60);
        let (value, _) = cap(text::one_line(&flat(v)), VALUE_MAX);
        if !key.is_empty() && !value.is_empty() {
            properties.push((key.into_boxed_str(), value.into_boxed_str()));
        }
    }
    meta.properties = properties.into_boxed_slice();
    if meta != Meta::default() {
        d.meta = Some(Box::new(meta));
    }
}

/// A value as one line: a list's items joined with commas, a map's
/// `key: value` pairs with semicolons.
fn flat(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::List(l) => l.iter().map(flat).collect::<Vec<_>>().join(", "),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", flat(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The day a date value is written on, as written (a time and an offset
/// after it change nothing): `2015-09-30`, `2015-09-30 13:34:44 +0200`,
/// `2015-09-30T13:34:44Z`, `2015-09-30T13:34:44 (UTC +00:00)`, or an
/// RFC 2822 date (`Wed, 30 Sep 2015 13:34:44 +0200`). `Some(Err)`: shaped as
/// a date but no real day; `None`: not a date.
pub fn date_of(s: &str) -> Option<Result<NaiveDate, ()>> {
    let s = s.trim().trim_matches(['"', '\'']);
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if digits(0, 4) && matches!(b.get(4), Some(b'-' | b'/')) {
        let sep = b[4];
        let m_len = (5..b.len()).take_while(|&i| b[i].is_ascii_digit()).count();
        let d_from = 5 + m_len + 1;
        let d_len = (d_from..b.len())
            .take_while(|&i| b[i].is_ascii_digit())
            .count();
        if (1..=2).contains(&m_len) && b.get(5 + m_len) == Some(&sep) && (1..=2).contains(&d_len) {
            let next = b.get(d_from + d_len);
            if next.is_none_or(|c| matches!(c, b'T' | b't' | b' ' | b'_')) {
                let (y, m, d) = (&s[..4], &s[5..5 + m_len], &s[d_from..d_from + d_len]);
                return Some(
                    match (y.parse(), m.parse(), d.parse()) {
                        (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
                        _ => None,
                    }
                    .ok_or(()),
                );
            }
        }
        return None;
    }
    chrono::DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|t| Ok(t.naive_local().date()))
}

/// A date written `YYYY/MM/DD` in a path-like value (`/2013/05/06/slug/`).
fn slashed_date(p: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = p.split('/').collect();
    parts.windows(3).find_map(|w| {
        let ok = w[0].len() == 4
            && (1..=2).contains(&w[1].len())
            && (1..=2).contains(&w[2].len())
            && w.iter().all(|s| s.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| {
            NaiveDate::from_ymd_opt(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)
        })
        .flatten()
    })
}

/// The date a file's name starts with: `2013-05-06-slug.md`, `2021-10-04.md`.
pub fn date_from_file_name(path: &str) -> Option<NaiveDate> {
    let name = path.rsplit(['/', '\\']).next()?;
    let b = name.as_bytes();
    if b.len() < 10 || !matches!(b.get(10), None | Some(b'-' | b'_' | b'.' | b' ')) {
        return None;
    }
    let shaped = b[..10].iter().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            *c == b'-'
        } else {
            c.is_ascii_digit()
        }
    });
    if !shaped {
        return None;
    }
    NaiveDate::from_ymd_opt(
        name[..4].parse().ok()?,
        name[5..7].parse().ok()?,
        name[8..10].parse().ok()?,
    )
}

/// A TOML table as a [`Value`], or the error and its line (0-based, in
/// the block).
fn read_toml(block: &str) -> Result<Value, (usize, String)> {
    // Depth first: the TOML reader recurses into nested arrays and tables.
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for b in block.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > DEPTH_MAX {
        return Err((0, format!("nested more than {DEPTH_MAX} deep")));
    }
    let table: toml::Table = toml::from_str(block).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            let at = s.start.min(block.len());
            memchr::memchr_iter(b'\n', &block.as_bytes()[..at]).count()
        });
        (line, e.message().to_string())
    })?;
    fn conv(v: toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::Text(s),
            toml::Value::Array(a) => Value::List(a.into_iter().map(conv).collect()),
            toml::Value::Table(t) => Value::Map(t.into_iter().map(|(k, v)| (k, conv(v))).collect()),
            other => Value::Text(other.to_string()),
        }
    }
    let v = conv(toml::Value::Table(table));
    if v.nodes() > NODES_MAX {
        return Err((0, format!("more than {NODES_MAX} values")));
    }
    Ok(v)
}

/// A YAML document as a [`Value`], read event by event so that depth,
/// size and aliases are bounded as it is read; or the error and its line
/// (0-based, in the block).
fn read_yaml(block: &str) -> Result<Value, (usize, String)> {
    use yaml_rust2::parser::{Event, Parser};

    enum Frame {
        List(Vec<Value>, usize),
        Map(Vec<(String, Value)>, Option<String>, usize),
    }
    let mut parser = Parser::new_from_str(block);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: rustc_hash::FxHashMap<usize, Value> = Default::default();
    let mut nodes = 0usize;
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| (e.marker().line().saturating_sub(1), e.info().to_string()))?;
        let line = mark.line().saturating_sub(1);
        let done = match event {
            Event::StreamEnd | Event::DocumentEnd => true,
            Event::Scalar(s, _, anchor, _) => {
                nodes += 1;
                place(
                    &mut stack,
                    &mut anchors,
                    &mut root,
                    (Value::Text(s), anchor),
                );
                false
            }
            Event::Alias(id) => {
                let v = anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or(Value::Text(String::new()));
                nodes = nodes.saturating_add(v.nodes());
                if nodes <= NODES_MAX {
                    place(&mut stack, &mut anchors, &mut root, (v, 0));
                }
                false
            }
            Event::SequenceStart(anchor, _) => {
                nodes += 1;
                stack.push(Frame::List(Vec::new(), anchor));
                false
            }
            Event::MappingStart(anchor, _) => {
                nodes += 1;
                stack.push(Frame::Map(Vec::new(), None, anchor));
                false
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let v = match stack.pop() {
                    Some(Frame::List(l, a)) => (Value::List(l), a),
                    Some(Frame::Map(m, _, a)) => (Value::Map(m), a),
                    None => return Err((line, "unbalanced".into())),
                };
                place(&mut stack, &mut anchors, &mut root, v);
                false
            }
            _ => false,
        };
        if stack.len() > DEPTH_MAX {
            return Err((line, format!("nested more than {DEPTH_MAX} deep")));
        }
        if nodes > NODES_MAX {
            return Err((
                line,
                format!("more than {NODES_MAX} values, aliases expanded"),
            ));
        }
        if done || (root.is_some() && stack.is_empty()) {
            break;
        }
    }

    fn place(
        stack: &mut [Frame],
        anchors: &mut rustc_hash::FxHashMap<usize, Value>,
        root: &mut Option<Value>,
        (v, anchor): (Value, usize),
    ) {
        if anchor > 0 {
            anchors.insert(anchor, v.clone());
        }
        match stack.last_mut() {
            None => *root = Some(v),
            Some(Frame::List(l, _)) => l.push(v),
            Some(Frame::Map(m, key, _)) => match key.take() {
                Some(k) => m.push((k, v)),
                None => *key = Some(flat(&v)),
            },
        }
    }
    Ok(root.unwrap_or(Value::Text(String::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_the_spellings_tools_write_are_taken_as_written() {
        for s in [
            "2015-09-30",
            "2015-09-30 13:34:44 +0200",
            "2015-09-30T23:34:44-05:00",
            "2015-09-30T13:34:44 (UTC +00:00)",
            "'2015-09-30'",
            "Wed, 30 Sep 2015 23:34:44 -0500",
            "2015/9/30",
        ] {
            assert_eq!(date_of(s), Some(Ok(day(2015, 9, 30))), "{s}");
        }
        assert_eq!(date_of("2015-02-30"), Some(Err(())));
        assert_eq!(date_of("soon"), None);
        assert_eq!(date_of("20150930"), None);
        assert_eq!(
            date_from_file_name("_posts/2013-05-06-a-slug.md"),
            Some(day(2013, 5, 6))
        );
        assert_eq!(date_from_file_name("2021-10-04.md"), Some(day(2021, 10, 4)));
        assert_eq!(date_from_file_name("2021-10-045.md"), None);
        assert_eq!(date_from_file_name("notes.md"), None);
        assert_eq!(
            slashed_date("/blog/2013/05/06/slug/"),
            Some(day(2013, 5, 6))
        );
    }

    #[test]
    fn yaml_and_toml_front_matter_give_the_same_entry() {
        let yaml = "---\ntitle: \"Ferry talks resume\"\ndate: 2019-03-02 08:00:00 +0900\ntags: [harbour, \"#ferries\"]\nsource: https://paper.example/ferry\nauthor:\n  - \"[[Min Ji]]\"\ndescription: Both sides met again.\nlayout: post\n---\nBody.\n";
        let toml = "+++\ntitle = \"Ferry talks resume\"\ndate = 2019-03-02T08:00:00+09:00\ndescription = \"Both sides met again.\"\nauthors = [\"Min Ji\"]\nlayout = \"post\"\n[taxonomies]\ntags = [\"harbour\", \"ferries\"]\n[extra]\nsource = \"https://paper.example/ferry\"\n+++\nBody.\n";
        for text in [yaml, toml] {
            let f = read(text).unwrap();
            assert!(f.warnings.is_empty(), "{:?}", f.warnings);
            assert_eq!(&text[f.end..], "Body.\n");
            assert_eq!(f.title.as_deref(), Some("Ferry talks resume"));
            assert_eq!(f.draft.date, Some(day(2019, 3, 2)));
            let tags: Vec<&str> = f.draft.tags.iter().map(|t| &**t).collect();
            assert_eq!(tags, ["harbour", "ferries"]);
            let meta = f.draft.meta.as_ref().unwrap();
            assert_eq!(meta.author.as_deref(), Some("Min Ji"));
            assert_eq!(meta.description.as_deref(), Some("Both sides met again."));
            assert!(
                meta.properties
                    .iter()
                    .any(|(k, v)| &**k == "layout" && &**v == "post")
            );
        }
        let f = read(yaml).unwrap();
        assert_eq!(
            f.draft.source.as_ref().unwrap().url(),
            "https://paper.example/ferry"
        );
    }

    #[test]
    fn tags_as_lists_and_as_strings() {
        let tags = |yaml: &str| -> Vec<String> {
            let f = read(&format!("---\n{yaml}\n---\n")).unwrap();
            f.draft.tags.iter().map(|t| t.to_string()).collect()
        };
        assert_eq!(tags("categories: jekyll update"), ["jekyll", "update"]);
        assert_eq!(
            tags("tags: North Korea, Red Cross"),
            ["North Korea", "Red Cross"]
        );
        assert_eq!(tags("keywords: inter-Korean talks"), ["inter-Korean talks"]);
        assert_eq!(
            tags("tags:\n  - \"#clippings\"\n  - Two words"),
            ["clippings", "Two words"]
        );
        assert_eq!(tags("tags: []"), Vec::<String>::new());
    }

    #[test]
    fn broken_front_matter_is_a_warning_with_its_line() {
        let f = read("---\ntitle: ok\nbad: [unclosed\nmore: x\n---\nBody.\n").unwrap();
        assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
        let (line, reason) = &f.warnings[0];
        assert!(line.is_some_and(|l| (3..=5).contains(&l)), "{line:?}");
        assert!(reason.contains("YAML"), "{reason}");
        assert!(f.title.is_none());
        let f = read("+++\ntitle = \"x\"\nnope nope\n+++\nBody.\n").unwrap();
        assert_eq!(f.warnings[0].0, Some(3), "{:?}", f.warnings);
        let f = read("---\ntitle: never closed\n\nBody.\n").unwrap();
        assert_eq!(f.end, 4);
        assert!(f.warnings[0].1.contains("never closed"));
        // A thematic break is no front matter.
        assert!(read("---\n\nText.\n").is_none());
        assert!(read("Text.\n---\n").is_none());
    }

    #[test]
    fn aliases_depth_and_escapes_are_bounded() {
        let mut laughs = String::from(
            "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, n) in ('b'..='j').enumerate() {
            let prev = (b'a' + i as u8) as char;
            laughs.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        laughs.push_str("---\n");
        let f = read(&laughs).unwrap();
        assert!(f.warnings[0].1.contains("aliases"), "{:?}", f.warnings);
        let deep = format!("---\na: {}{}\n---\n", "[".repeat(5000), "]".repeat(5000));
        let reason = &read(&deep).unwrap().warnings[0].1;
        assert!(
            reason.contains("deep") || reason.contains("recursion"),
            "{reason}"
        );
        let deep = format!("---\na:\n  {}x\n---\n", "- ".repeat(60));
        let reason = &read(&deep).unwrap().warnings[0].1;
        assert!(
            reason.contains("deep") || reason.contains("recursion"),
            "{reason}"
        );
        // Dotted keys nest too: the TOML reader's own limit stops them.
        let deep = format!("+++\n[{}a]\nb = 1\n+++\n", "a.".repeat(20_000));
        assert!(read(&deep).unwrap().warnings[0].1.contains("recursion"));
        let deep = format!("+++\na = {}{}\n+++\n", "[".repeat(5000), "]".repeat(5000));
        assert!(read(&deep).unwrap().warnings[0].1.contains("deep"));
        let f = read("---\ntitle: \"Red \\e[31malert\\u202e here\"\nauthor: \"\\x07Kim\"\n---\n")
            .unwrap();
        assert_eq!(f.title.as_deref(), Some("Red alert here"));
        assert_eq!(f.draft.meta.unwrap().author.as_deref(), Some("Kim"));
        let big = format!("---\ntitle: x\nbody: \"{}\"\n---\n", "y".repeat(FRONT_MAX));
        assert!(read(&big).unwrap().warnings[0].1.contains("longer than"));
    }
}

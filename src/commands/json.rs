//! JSON as every command writes it: serde_json's, pretty or compact, but
//! with the line and paragraph separators U+2028/U+2029 written as escapes
//! (`\u2028`), never raw. They are valid in a JSON string, but JavaScript
//! before ES2019 and many line-oriented tools take them for line ends. The
//! text that goes into JSON is cleaned of them already (`crate::text`);
//! this makes sure of it for whatever is written.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Writes `value` as pretty JSON (no newline after it).
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Separators(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// `value` as compact JSON.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Separators(CompactFormatter));
    value.serialize(&mut ser).map_err(io::Error::from)?;
    Ok(out)
}

/// A formatter that writes strings as `F` does, the separators escaped.
struct Separators<F>(F);

impl<F: Formatter> Formatter for Separators<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        // Both are E2 80 A8/A9: most fragments hold no E2 byte at all.
        if memchr::memchr(0xe2, s.as_bytes()).is_none() {
            return self.0.write_string_fragment(w, s);
        }
        let mut rest = s;
        while let Some(at) = rest.find(['\u{2028}', '\u{2029}']) {
            self.0.write_string_fragment(w, &rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or('\u{2028}');
            write!(w, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.0.write_string_fragment(w, rest)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The separators are escaped, pretty or compact, in keys and values;
    /// everything else is written as serde_json writes it, and reads back
    /// the same.
    #[test]
    fn separators_are_escaped_and_nothing_else_changes() {
        let value = serde_json::json!({
            "a\u{2028}key": ["line\u{2028}sep", "para\u{2029}sep", "plain", "é\"\\\n€"],
            "n": 3,
            "nested": {"x": [1, 2, {"y": "\u{2029}\u{2028}"}]},
        });
        let pretty = {
            let mut out = Vec::new();
            to_writer_pretty(&mut out, &value).unwrap();
            out
        };
        let compact = to_vec(&value).unwrap();
        for (ours, theirs) in [
            (&pretty, serde_json::to_vec_pretty(&value).unwrap()),
            (&compact, serde_json::to_vec(&value).unwrap()),
        ] {
            let ours = String::from_utf8(ours.clone()).unwrap();
            assert!(!ours.contains(['\u{2028}', '\u{2029}']), "{ours}");
            assert!(ours.contains("line\\u2028sep") && ours.contains("\\u2029\\u2028"));
            let theirs = String::from_utf8(theirs).unwrap();
            assert_eq!(
                ours.replace("\\u2028", "\u{2028}")
                    .replace("\\u2029", "\u{2029}"),
                theirs
            );
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&ours).unwrap(),
                value
            );
        }
    }
}

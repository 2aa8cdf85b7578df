//! The configuration file, `$XDG_CONFIG_HOME/ktimeline/config.toml`: keys
//! (`[keys]`), colours and ASCII drawing (`[theme]`), the programs that
//! open web addresses and files (`opener`, `editor`) and the reading width
//! (`body_width`). Read with serde and toml; anything wrong in it (syntax,
//! an unknown option, action or key name, a wrong type) is an error naming
//! the file and line, reported before the terminal is touched. The default
//! file, every option commented, is generated here from the same tables
//! the browser uses, so it cannot drift from them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::keymap::{self, Keymap};
use super::theme::{Palette, Theme};

/// The narrowest and widest `body_width`.
pub const BODY_WIDTH: std::ops::RangeInclusive<u16> = 20..=1000;

/// `$XDG_CONFIG_HOME/ktimeline/config.toml` (an absolute XDG path only),
/// else `~/.config/ktimeline/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    Some(crate::index::xdg_dir("XDG_CONFIG_HOME", ".config")?.join("config.toml"))
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub keymap: Keymap,
    /// Colours and ASCII drawing (colour itself still follows `NO_COLOR`).
    pub palette: Palette,
    pub ascii: bool,
    /// A program and its arguments; the web address is added last.
    pub opener: Option<Vec<String>>,
    /// A program and its arguments; the file is added last.
    pub editor: Option<Vec<String>>,
    pub body_width: u16,
    /// Headlines in the entries list on two lines, not cut to one (`w`).
    pub two_line_headlines: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            keymap: Keymap::default(),
            palette: Palette::default(),
            ascii: false,
            opener: None,
            editor: None,
            body_width: super::app::READING_WIDTH,
            two_line_headlines: false,
        }
    }
}

impl Config {
    /// The theme: colour as the environment says, the rest from here.
    pub fn theme(&self) -> Theme {
        Theme {
            palette: self.palette,
            ascii: self.ascii,
            ..Theme::from_env()
        }
    }
}

/// What is wrong with a configuration file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; `None` when the file could not be read at all.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A command: one string (split into words as a shell would, never run by
/// one) or a list of words.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawCommand {
    Line(String),
    Words(Vec<String>),
}

impl RawCommand {
    fn words(self) -> Result<Vec<String>, String> {
        match self {
            RawCommand::Line(s) => super::open::split_command(&s),
            RawCommand::Words(w) if w.first().is_some_and(|p| !p.is_empty()) => Ok(w),
            RawCommand::Words(_) => Err("the command is empty".into()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    opener: Option<Spanned<RawCommand>>,
    editor: Option<Spanned<RawCommand>>,
    body_width: Option<Spanned<u16>>,
    two_line_headlines: Option<bool>,
    #[serde(default)]
    theme: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

/// Reads the configuration file; the defaults when there is none.
pub fn load() -> Result<Config, ConfigError> {
    match config_path() {
        Some(p) => load_from(&p),
        None => Ok(Config::default()),
    }
}

/// Reads the configuration at `path`; the defaults when it does not exist.
pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
    // A configuration is a few KiB; a link to /dev/zero or a FIFO is refused.
    let read = crate::loader::read::read_small(path, 1024 * 1024)
        .and_then(|b| String::from_utf8(b).map_err(|_| std::io::Error::other("not UTF-8 text")));
    match read {
        Ok(text) => parse(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot be read: {e}"),
        }),
    }
}

/// Parses a configuration's text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let err = |at: Option<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line: at.map(line_of),
        message,
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let message = crate::text::one_line(e.message().trim());
        // serde's words for a command of the wrong type name a type of ours.
        let message = if message.contains("untagged enum RawCommand") {
            "a command is a string or a list of strings, like [\"firefox\", \"--new-tab\"]"
                .to_string()
        } else {
            message
        };
        // toml refuses a dotted key of too many parts without a place.
        let at = e.span().map(|s| s.start).or_else(|| {
            (message == "recursion limit")
                .then(|| longest_key_at(text))
                .flatten()
        });
        let message = if message == "recursion limit" {
            "a key of too many dotted parts (toml's recursion limit)".to_string()
        } else {
            message
        };
        err(at, message)
    })?;
    let mut config = Config::default();
    if let Some(o) = raw.opener {
        let at = o.span().start;
        config.opener = Some(
            o.into_inner()
                .words()
                .map_err(|e| err(Some(at), format!("opener: {e}")))?,
        );
    }
    if let Some(o) = raw.editor {
        let at = o.span().start;
        config.editor = Some(
            o.into_inner()
                .words()
                .map_err(|e| err(Some(at), format!("editor: {e}")))?,
        );
    }
    if let Some(w) = raw.body_width {
        let at = w.span().start;
        let w = w.into_inner();
        if !BODY_WIDTH.contains(&w) {
            return Err(err(
                Some(at),
                format!(
                    "body_width: {w} is out of range ({} to {})",
                    BODY_WIDTH.start(),
                    BODY_WIDTH.end()
                ),
            ));
        }
        config.body_width = w;
    }
    if let Some(two) = raw.two_line_headlines {
        config.two_line_headlines = two;
    }
    for (name, value) in &raw.theme {
        theme_entry(&mut config, name, value).map_err(|(at, m)| err(Some(at), m))?;
    }
    let mut overrides = Vec::new();
    let mut lines = Vec::new();
    // In the file's order, so that a clash is reported at its second line.
    let mut entries: Vec<_> = raw.keys.iter().collect();
    entries.sort_by_key(|(_, k)| k.span().start);
    for (name, keys) in entries {
        let at = Some(keys.span().start);
        let action = keymap::action_named(name).ok_or_else(|| {
            err(
                at,
                format!(
                    "[keys]: unknown action {:?} (`ktimeline config` lists them)",
                    crate::text::one_line(name)
                ),
            )
        })?;
        let mut parsed = Vec::new();
        for k in keys.get_ref() {
            let key = keymap::parse_key(k.get_ref())
                .map_err(|e| err(Some(k.span().start), format!("keys.{name}: {e}")))?;
            // Ctrl-C quits whatever the file says: it cannot do another thing.
            let ctrl_c = (
                ratatui::crossterm::event::KeyCode::Char('c'),
                ratatui::crossterm::event::KeyModifiers::CONTROL,
            );
            if key == ctrl_c && name.as_str() != "quit" {
                return Err(err(
                    Some(k.span().start),
                    format!("keys.{name}: ctrl-c always quits; choose another key"),
                ));
            }
            parsed.push(key);
        }
        // Without a key, the help and the popups could not be closed.
        if parsed.is_empty() && matches!(name.as_str(), "escape" | "quit") {
            return Err(err(at, format!("keys.{name}: needs at least one key")));
        }
        overrides.push((action, parsed));
        lines.push(at);
    }
    config.keymap = Keymap::with_overrides(&overrides).map_err(|e| {
        let name = keymap::action_name(&overrides[e.which].0).unwrap_or("?");
        err(lines[e.which], format!("keys.{name}: {}", e.message))
    })?;
    Ok(config)
}

/// One entry of `[theme]` into `config`; else where it is (a byte offset)
/// and what is wrong with it.
fn theme_entry(
    config: &mut Config,
    name: &str,
    value: &Spanned<toml::Value>,
) -> Result<(), (usize, String)> {
    let at = value.span().start;
    if name == "ascii" {
        config.ascii = value
            .get_ref()
            .as_bool()
            .ok_or((at, "theme.ascii: expected true or false".to_string()))?;
        return Ok(());
    }
    let mut palette = config.palette;
    let mut named = palette.named();
    let Some((_, _, slot)) = named.iter_mut().find(|(n, _, _)| *n == name) else {
        return Err((
            at,
            format!(
                "[theme]: unknown style {:?} (known: ascii, {})",
                crate::text::one_line(name),
                Palette::default()
                    .named()
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let colour = value.get_ref().as_str().ok_or_else(|| {
        (
            at,
            format!("theme.{name}: expected a colour name in quotes"),
        )
    })?;
    **slot = colour.parse().map_err(|_| {
        (
            at,
            format!(
                "theme.{name}: unknown colour {:?} (a name such as \"cyan\" or \"darkgray\", \"#rrggbb\", or 0 to 255)",
                crate::text::one_line(colour)
            ),
        )
    })?;
    config.palette = palette;
    Ok(())
}

/// Where the dotted key of the most parts begins (the first of them):
/// the one toml found too deep, when it says `recursion limit` and not
/// where. Keys are found as toml finds them, by its own parser, so that a
/// dot in a string, a comment or a quoted key is not counted.
fn longest_key_at(text: &str) -> Option<usize> {
    use toml_parser::parser::EventKind;
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut events = Vec::with_capacity(tokens.len());
    toml_parser::parser::parse_document(&tokens, &mut events, &mut ());
    let (mut best, mut parts, mut start) = (None::<(usize, usize)>, 0, 0);
    for event in &events {
        match event.kind() {
            EventKind::SimpleKey => {
                if parts == 0 {
                    start = event.span().start();
                }
                parts += 1;
            }
            EventKind::KeySep | EventKind::Whitespace => {}
            _ => parts = 0,
        }
        if parts > best.map_or(0, |b| b.0) {
            best = Some((parts, start));
        }
    }
    best.map(|(_, at)| at)
}

/// The default file: every option, commented out, with what it does.
pub fn default_file() -> String {
    let mut out = String::from(
        "# ktimeline's configuration: $XDG_CONFIG_HOME/ktimeline/config.toml\n\
         # (else ~/.config/ktimeline/config.toml). Every option is shown with its\n\
         # default, commented out; `ktimeline config --check` checks the file.\n\
         \n\
         # The program that opens a source's web address (o, Enter on a source),\n\
         # with its arguments; the address is added as one more argument, never\n\
         # through a shell. Default: $BROWSER, else xdg-open (open on macOS).\n\
         # A command given as one string is split into words as a shell would\n\
         # (\"'/opt/my browser/run' --new-tab\" is two words), never run by one.\n\
         # opener = [\"firefox\", \"--new-tab\"]\n\
         \n\
         # The editor that e opens an entry's file in, with its arguments; the\n\
         # file is added last, as an absolute path. Default: $VISUAL, else\n\
         # $EDITOR.\n\
         # editor = [\"vim\"]\n\
         \n",
    );
    out.push_str(
        "# Long headlines on two lines in the list of entries, instead of cut\n         # to one (w switches it in the browser).\n         # two_line_headlines = false\n\n",
    );
    out.push_str(&format!(
        "# The widest the text of an entry gets, in columns ({} to {}).\n# body_width = {}\n\n",
        BODY_WIDTH.start(),
        BODY_WIDTH.end(),
        super::app::READING_WIDTH
    ));
    out.push_str(
        "[theme]\n\
         # ASCII borders and marks instead of box drawing and symbols.\n\
         # ascii = false\n\
         # Colours: a name (black, red, green, yellow, blue, magenta, cyan, gray,\n\
         # darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta,\n\
         # lightcyan, white), \"#rrggbb\", or a number from 0 to 255. NO_COLOR\n\
         # still turns colour off.\n",
    );
    let mut palette = Palette::default();
    for (name, what, colour) in palette.named() {
        out.push_str(&format!(
            "# {name} = \"{}\"  # {what}\n",
            colour.to_string().to_lowercase()
        ));
    }
    out.push_str(
        "\n[keys]\n\
         # Each action takes a list of keys: \"q\", \"G\", \"ctrl-c\", \"alt-left\", \"enter\",\n\
         # \"esc\", \"tab\", \"shift-tab\", \"backspace\", \"space\", \"up\", \"pagedown\",\n\
         # \"home\", \"delete\", \"f1\"… Given, they replace the action's default keys\n\
         # (a key given here is taken from any default that used it). The input\n\
         # lines of the popups keep their keys; Ctrl-C always quits. `escape` and\n\
         # `left` list the keys of every pane: Esc closes the help and leaves the\n\
         # detail, q and ? close the help.\n",
    );
    let map = keymap::defaults();
    for (name, action) in keymap::ACTION_NAMES {
        let mut keys: Vec<String> = Vec::new();
        let mut help = "";
        for r in map
            .rows
            .iter()
            .filter(|r| r.action == *action && keymap::remappable(r.ctx))
        {
            if help.is_empty() {
                help = r.help;
            }
            for &k in &r.keys {
                let k = format!("{:?}", keymap::key_name(k));
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        out.push_str(&format!("# {name} = [{}]  # {help}\n", keys.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("config.toml"), text)
    }

    #[test]
    fn keys_that_would_trap_the_user_are_refused() {
        let e = parse_str("[keys]\nsearch = [\"ctrl-c\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("ctrl-c always quits"), "{}", e.message);
        assert!(parse_str("[keys]\nquit = [\"ctrl-c\", \"x\"]\n").is_ok());
        let e = parse_str("[keys]\nescape = []\n").unwrap_err();
        assert!(e.message.contains("at least one key"), "{}", e.message);
        // A key given to an action of everywhere stays the popups' own
        // there.
        let c = parse_str("[keys]\nquit = [\"enter\"]\n").unwrap();
        let enter =
            ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Enter);
        use crate::tui::keymap::{Focus, Mode, PopupKind};
        assert_eq!(
            c.keymap.action_for(Mode::Popup(PopupKind::Search), enter),
            Some(crate::tui::action::Action::Activate)
        );
        assert_eq!(
            c.keymap.action_for(Mode::Main(Focus::Dates), enter),
            Some(crate::tui::action::Action::Quit)
        );
        let e = parse_str("opener = 5\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(
            e.message.contains("a command is a string or a list"),
            "{}",
            e.message
        );
        // shift-a is the capital.
        let c = parse_str("[keys]\nquit = [\"shift-a\"]\n").unwrap();
        let help = format!("{:?}", c.keymap);
        assert!(help.contains("'A'"), "{help}");
    }

    #[test]
    fn a_key_too_deep_for_toml_is_told_with_its_line() {
        let deep = vec!["a"; 300].join(".");
        for text in [
            format!("body_width = 80\n\n[{deep}]\nx = 1\n"),
            format!("body_width = 80\n{deep} = 1\n"),
            format!("# {deep}\nbody_width = 80\n[[{deep}]]\n"),
            format!("opener = \"{deep}\"\nt = {{ {deep} = 1 }}\n"),
        ] {
            let e = parse_str(&text).unwrap_err();
            let want = text
                .lines()
                .position(|l| l.contains(&deep) && !l.starts_with(['#', 'o']))
                .unwrap()
                + 1;
            assert_eq!(e.line, Some(want), "{e}");
            assert!(e.message.contains("too many dotted parts"), "{e}");
            assert_eq!(e.to_string(), format!("config.toml:{want}: {}", e.message));
        }
        // Nested arrays and tables already had their line.
        let e = parse_str(&format!("x = {}{}\n", "[".repeat(300), "]".repeat(300))).unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
    }

    #[test]
    fn command_strings_are_split_as_a_shell_would() {
        let c = parse_str("editor = '\"/path/my editor/ed\" -f'\nopener = 'a\\ b %s'\n").unwrap();
        assert_eq!(c.editor.unwrap(), ["/path/my editor/ed", "-f"]);
        assert_eq!(c.opener.unwrap(), ["a b", "%s"]);
        let c = parse_str("editor = [\"/path/my editor/ed\", \"-f\"]\n").unwrap();
        assert_eq!(c.editor.unwrap(), ["/path/my editor/ed", "-f"]);
        let e = parse_str("body_width = 80\neditor = '\"/path/ed'\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.starts_with("editor: cannot split"),
            "{}",
            e.message
        );
        let e = parse_str("opener = \"  \"\n").unwrap_err();
        assert_eq!(e.message, "opener: the command is empty");
        let e = parse_str("opener = []\n").unwrap_err();
        assert_eq!(e.message, "opener: the command is empty");
    }

    #[test]
    fn the_default_file_is_the_defaults() {
        let text = default_file();
        let c = parse_str(&text).unwrap();
        assert_eq!(c.body_width, crate::tui::app::READING_WIDTH);
        assert_eq!(c.palette, Palette::default());
        // Each option uncommented on its own is valid, and each key list
        // is the action's default.
        for line in text
            .lines()
            .filter(|l| l.starts_with("# ") && l.contains(" = "))
        {
            let option = line[2..].split("  #").next().unwrap();
            let section = if text[..text.find(line).unwrap()].contains("[keys]") {
                "[keys]\n"
            } else if text[..text.find(line).unwrap()].contains("[theme]") {
                "[theme]\n"
            } else {
                ""
            };
            let c = parse_str(&format!("{section}{option}\n"))
                .unwrap_or_else(|e| panic!("{option}: {e}"));
            // A key list as printed does what the defaults do, except for
            // the two actions whose keys differ by pane (the note says so).
            let mixed = ["escape =", "left ="].iter().any(|m| option.starts_with(m));
            if section == "[keys]\n" && !mixed {
                for mode in keymap::MODES {
                    for row in &keymap::defaults().rows {
                        for &(code, mods) in &row.keys {
                            let ev = ratatui::crossterm::event::KeyEvent::new(code, mods);
                            assert_eq!(
                                c.keymap.action_for(mode, ev),
                                keymap::action_for(mode, ev),
                                "{option}: {mode:?} {code:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

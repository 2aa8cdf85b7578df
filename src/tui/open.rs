//! Hands things to other programs, never through a shell: a web address
//! to the configured opener, else `$BROWSER`, else the platform's opener
//! (`xdg-open`, `open`, `explorer`), as a single argument with no standard
//! streams, so that a source link can never run anything else (and never
//! an address the loader cut short); a file to
//! the editor (the configured one, else `$VISUAL`, else `$EDITOR`) on the
//! terminal, as an absolute path. A command from the environment or the
//! configuration is split into words as a shell would (quotes, backslashes)
//! but never run by one; and text to the clipboard as an OSC 52 sequence, which works
//! over SSH and inside tmux.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::text;

/// The program that opens web addresses here.
fn platform_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// A command line split into words as a POSIX shell splits it (quotes and
/// backslashes; `"/path/my editor/ed" -f` is two words), and never run by
/// one: no variables, globs, pipes or redirections. An unbalanced quote is
/// an error, as is a line of no words.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    let words = shell_words::split(line).map_err(|e| {
        format!(
            "cannot split {} into words as a shell would: {e}",
            text::escape_invisible(line, false)
        )
    })?;
    match words.first() {
        Some(w) if !w.is_empty() => Ok(words),
        _ => Err("the command is empty".into()),
    }
}

/// The command `value` of the environment variable `var` gives, split by
/// [`split_command`]; `$BROWSER` may list several, separated by colons:
/// the first. `None` when it names none (unset or blank).
fn env_command(var: &str, value: &str) -> Option<Result<Vec<String>, String>> {
    let first = if var == "BROWSER" {
        value.split(':').next().unwrap_or("")
    } else {
        value
    };
    if first.trim().is_empty() {
        return None;
    }
    Some(split_command(first).map_err(|e| format!("${var}: {e}")))
}

fn from_env(var: &str) -> Option<Result<Vec<String>, String>> {
    env_command(var, &std::env::var(var).ok()?)
}

/// The opener in force: `configured`, else `$BROWSER`, else the platform's.
pub fn opener(configured: Option<&[String]>) -> Result<Vec<String>, String> {
    match configured {
        Some(c) => Ok(c.to_vec()),
        None => from_env("BROWSER").unwrap_or_else(|| Ok(vec![platform_opener().to_string()])),
    }
}

/// The editor in force: `configured`, else `$VISUAL`, else `$EDITOR`.
pub fn editor(configured: Option<&[String]>) -> Result<Vec<String>, String> {
    match configured {
        Some(c) => Ok(c.to_vec()),
        None => from_env("VISUAL")
            .or_else(|| from_env("EDITOR"))
            .unwrap_or_else(|| {
                Err("no editor: set `editor` in the configuration, or $VISUAL or $EDITOR".into())
            }),
    }
}

/// The command for `words` with `last` as one more argument; a `%s`
/// among the words (the `$BROWSER` convention) takes it instead.
fn command(words: &[String], last: &std::ffi::OsStr) -> Command {
    let mut cmd = Command::new(&words[0]);
    let mut placed = false;
    for w in &words[1..] {
        if w == "%s" {
            cmd.arg(last);
            placed = true;
        } else {
            cmd.arg(w);
        }
    }
    if !placed {
        cmd.arg(last);
    }
    cmd
}

/// Refuses an address the loader cut (longer than
/// [`URL_MAX`](crate::loader::pieces::URL_MAX) characters, kept as its
/// first ones and a `…`): it is no longer the address the file gave, and a
/// browser would open another page, or a search for it.
pub fn whole_address(url: &str) -> Result<(), String> {
    use crate::loader::pieces::URL_MAX;
    if url.len() > URL_MAX && url.chars().count() > URL_MAX {
        return Err(format!(
            "not opened: the address is longer than {URL_MAX} characters, and was cut when the file was read"
        ));
    }
    Ok(())
}

/// Starts the platform's opener on `url` (http and https only).
pub fn open_url(url: &str) -> Result<(), String> {
    open_url_with(url, None)
}

/// Starts the opener on `url` (http and https only) and returns at once;
/// a thread reaps it.
pub fn open_url_with(url: &str, configured: Option<&[String]>) -> Result<(), String> {
    if !text::is_web_url(url) {
        return Err(format!("not a web address: {}", text::one_line(url)));
    }
    whole_address(url)?;
    let words = opener(configured)?;
    let program = text::one_line(&words[0]);
    let mut child = command(&words, url.as_ref())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// Runs the editor on `file` on this terminal and waits for it. The
/// terminal must be given back first. The file is handed over as an
/// absolute path (canonical when it can be), so that a name or a root that
/// begins with `+` or `-` (`+:!cmd.md`, `-arch/…`) is never taken for one
/// of the editor's commands or options.
pub fn run_editor(configured: Option<&[String]>, file: &Path) -> Result<(), String> {
    let words = editor(configured)?;
    let no_file = || {
        format!(
            "no file to edit at {}",
            text::one_line(&file.display().to_string())
        )
    };
    if !file.is_file() {
        return Err(no_file());
    }
    let file = file
        .canonicalize()
        .or_else(|_| std::path::absolute(file))
        .map_err(|_| no_file())?;
    let program = text::one_line(&words[0]);
    let status = command(&words, file.as_os_str())
        .spawn()
        .and_then(|mut child| wait_following_stops(&mut child))
        .map_err(|e| format!("could not run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} ended with {status}"))
    }
}

/// Waits for the editor. When it stops (Ctrl-Z in the editor), the
/// browser stops too, as the shell expects of one job, and when the job is
/// continued (`fg`) the editor is told to go on: without this the browser
/// would wait for a stopped editor forever.
#[cfg(unix)]
fn wait_following_stops(
    child: &mut std::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    loop {
        let mut status = 0;
        // SAFETY: waitpid on our own child, with a valid status pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
        if r == -1 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if libc::WIFSTOPPED(status) {
            // SAFETY: plain signals to ourselves and to the child.
            unsafe {
                libc::kill(libc::getpid(), libc::SIGSTOP);
                libc::kill(pid, libc::SIGCONT);
            }
            continue;
        }
        return Ok(std::process::ExitStatus::from_raw(status));
    }
}

#[cfg(not(unix))]
fn wait_following_stops(
    child: &mut std::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    child.wait()
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64, with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_web() {
        assert!(open_url("file:///etc/passwd").is_err());
        assert!(open_url("javascript:alert(1)").is_err());
        assert!(open_url("https://x y").is_err());
        // An address cut when read (its first characters and a `…`).
        let cut = format!(
            "https://example.org/{}…",
            "c".repeat(crate::loader::pieces::URL_MAX - 20)
        );
        let e = open_url(&cut).unwrap_err();
        assert!(e.contains("longer than 2000 characters"), "{e}");
    }

    #[test]
    fn commands_are_split_as_a_shell_would_without_one() {
        let words = |var: &str, value: &str| env_command(var, value).map(|r| r.unwrap());
        assert_eq!(
            words("EDITOR", r#""/path/my editor/ed" -f"#).unwrap(),
            ["/path/my editor/ed", "-f"]
        );
        assert_eq!(
            words("VISUAL", r"/opt/my\ vim --cmd 'set nu'").unwrap(),
            ["/opt/my vim", "--cmd", "set nu"]
        );
        // No shell: what a shell would expand is passed as it is.
        assert_eq!(
            words("EDITOR", "ed $HOME `id` *").unwrap(),
            ["ed", "$HOME", "`id`", "*"]
        );
        // $BROWSER: the first of a colon-separated list.
        assert_eq!(
            words("BROWSER", "'/opt/web browser/run' %s:firefox").unwrap(),
            ["/opt/web browser/run", "%s"]
        );
        assert_eq!(words("EDITOR", "   "), None);
        // An unbalanced quote is told, naming the variable, with nothing raw.
        let e = env_command("EDITOR", "\"/path/ed\x1b[2J")
            .unwrap()
            .unwrap_err();
        assert!(e.starts_with("$EDITOR: cannot split"), "{e}");
        assert!(e.contains("\\u{1b}"), "{e}");
        assert!(!e.contains('\x1b'), "{e}");
        assert_eq!(split_command("''").unwrap_err(), "the command is empty");
    }

    #[test]
    fn osc52_is_base64_in_a_sequence() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            osc52("https://example.org/a"),
            "\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLm9yZy9h\x07"
        );
    }
}

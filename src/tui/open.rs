//! Hands a web address to the platform's opener (`xdg-open`, `open`,
//! `explorer`) as a single argument, never through a shell, with no
//! standard streams, so that a source link can never run anything else.

use std::process::{Command, Stdio};

use crate::text;

/// The program that opens web addresses here.
fn opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// Starts the opener on `url` (http and https only) and returns at once;
/// a thread reaps it.
pub fn open_url(url: &str) -> Result<(), String> {
    if !text::is_web_url(url) {
        return Err(format!("not a web address: {}", text::one_line(url)));
    }
    let program = opener();
    let mut child = Command::new(program)
        .arg(url)
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

#[cfg(test)]
mod tests {
    #[test]
    fn refuses_what_is_not_web() {
        assert!(super::open_url("file:///etc/passwd").is_err());
        assert!(super::open_url("javascript:alert(1)").is_err());
        assert!(super::open_url("https://x y").is_err());
    }
}

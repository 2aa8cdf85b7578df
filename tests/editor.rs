//! `e` hands the entry's file to the editor as an absolute path, so that a
//! file or a root whose name begins with `+` or `-` is never read as one of
//! the editor's options or commands (`vim +:!cmd`). A fake editor records
//! the words it was given.
//!
//! One test in its own binary: it changes the working folder, which no
//! other test running alongside may see.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ktimeline::tui::open::run_editor;

#[test]
fn the_editor_is_given_absolute_paths_that_cannot_be_options() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let argv = dir.join("argv");
    let editor = dir.join("fake-editor");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", argv.display()),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir(dir.join("-arch")).unwrap();
    let name = "+:!id>PWNED.md";
    std::fs::write(dir.join("-arch").join(name), "# x\n").unwrap();
    std::fs::write(dir.join(name), "# x\n").unwrap();
    std::env::set_current_dir(&dir).unwrap();

    let configured = [editor.to_string_lossy().into_owned(), "-n".to_string()];
    for (given, expected) in [
        (format!("-arch/{name}"), dir.join("-arch").join(name)),
        (name.to_string(), dir.join(name)),
        (format!("./-arch/{name}"), dir.join("-arch").join(name)),
    ] {
        let _ = std::fs::remove_file(&argv);
        run_editor(Some(&configured), Path::new(&given)).unwrap();
        let words = std::fs::read_to_string(&argv).unwrap();
        let words: Vec<&str> = words.lines().collect();
        assert_eq!(words, ["-n", expected.to_str().unwrap()], "{given}");
        assert!(words[1].starts_with('/'), "{given}: {words:?}");
    }
}

//! Following the archive while the browser is open: the roots are watched
//! with notify, a burst of changes is waited out (debounced), and then the
//! archive is read again the incremental way (through the persistent index,
//! only the files that changed) on a thread of its own. The fresh timeline
//! reaches the event loop as the same message the start-up check sends, so
//! it is applied the same way, keeping the user's place. When the roots
//! cannot be watched (too many folders for inotify, say), a note says so
//! and `R` reloads by hand.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::loader;
use crate::model::{Related, Tag, Timeline};
use crate::tui::event_loop::Msg;

/// How long the archive must stay quiet before it is read again.
pub const QUIET: Duration = Duration::from_millis(300);
/// The longest a burst of changes can put the reading off.
pub const AT_MOST: Duration = Duration::from_millis(1500);

/// A request to read the archive again.
#[derive(Debug, Clone, Copy)]
struct Request {
    /// Asked for with `R`: say so when nothing changed.
    manual: bool,
}

/// Reads the archive again when asked, or when the watcher saw a change.
pub struct Reloader {
    tx: Sender<Request>,
    /// The watcher once it is set up, kept alive for as long as the
    /// watching lasts.
    watcher: Arc<Mutex<Option<Shared>>>,
}

/// The watcher, shared with the thread that watches a root again when it
/// was replaced.
type Shared = Arc<Mutex<notify::RecommendedWatcher>>;

impl Reloader {
    /// Starts the reading thread for `roots` (`cache`: through the index)
    /// and, on another thread, the watching: a large archive has a folder
    /// per day, and watching each takes a while that the browser should
    /// not wait for. When the roots cannot be watched, `out` is sent a
    /// [`Msg::Note`] saying so.
    pub fn spawn(
        roots: Vec<PathBuf>,
        cache: bool,
        shown: loader::ShownIndex,
        out: Sender<Msg>,
    ) -> Reloader {
        let (tx, rx) = channel::<Request>();
        let reading = roots.clone();
        let notes = out.clone();
        std::thread::spawn(move || reload_loop(&reading, cache, &shown, &rx, &out));
        let watcher = Arc::new(Mutex::new(None));
        let slot = Arc::downgrade(&watcher);
        let requests = tx.clone();
        std::thread::spawn(move || match watch(&roots, requests) {
            // Kept unless the reloader is gone meanwhile.
            Ok(w) => {
                if let Some(slot) = slot.upgrade()
                    && let Ok(mut slot) = slot.lock()
                {
                    *slot = Some(w);
                }
            }
            Err(e) => {
                let _ = notes.send(Msg::Note(format!(
                    "not following the archive's changes ({}); R reads them",
                    crate::text::one_line(&e)
                )));
            }
        });
        Reloader { tx, watcher }
    }

    /// The archive is being watched (the watching is set up).
    pub fn watching(&self) -> bool {
        self.watcher.lock().is_ok_and(|w| w.is_some())
    }

    /// Reads the archive's changes now; `manual` (`R`): says so when
    /// nothing changed.
    pub fn reload(&self, manual: bool) {
        let _ = self.tx.send(Request { manual });
    }
}

/// What a root is on disk (device and inode), to tell when it was
/// replaced: deleted and made again, renamed over (an editor saving a
/// single file), or swapped for a link.
fn identity(root: &std::path::Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(root).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        Some((0, 0))
    }
}

/// Watches every root, and the folder each is in (only for events about
/// the root itself, so that a root deleted and made again is seen); each
/// change becomes a (debounced) request.
fn watch(roots: &[PathBuf], requests: Sender<Request>) -> Result<Shared, String> {
    let (tx, rx) = channel::<()>();
    let absolute: Vec<PathBuf> = roots
        .iter()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()))
        .collect();
    let mine = absolute.clone();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev
            && !matches!(ev.kind, notify::EventKind::Access(_))
            && (ev.paths.is_empty()
                || ev
                    .paths
                    .iter()
                    .any(|p| mine.iter().any(|r| p.starts_with(r))))
        {
            let _ = tx.send(());
        }
    })
    .map_err(|e| e.to_string())?;
    for root in &absolute {
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| e.to_string())?;
        if let Some(parent) = root.parent() {
            let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
        }
    }
    let shared: Shared = Arc::new(Mutex::new(watcher));
    let again = shared.clone();
    std::thread::spawn(move || debounce(&rx, &requests, &absolute, &again));
    Ok(shared)
}

/// Turns a burst of change events into one request, once the archive has
/// been quiet for [`QUIET`] (or at most [`AT_MOST`] after the first); a
/// root that was replaced meanwhile is watched again first.
fn debounce(
    events: &Receiver<()>,
    requests: &Sender<Request>,
    roots: &[PathBuf],
    watcher: &Shared,
) {
    let mut seen: Vec<Option<(u64, u64)>> = roots.iter().map(|r| identity(r)).collect();
    while events.recv().is_ok() {
        let first = Instant::now();
        loop {
            let left = AT_MOST.saturating_sub(first.elapsed());
            match events.recv_timeout(QUIET.min(left)) {
                Ok(()) if !left.is_zero() => {}
                Ok(()) | Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        for (root, was) in roots.iter().zip(seen.iter_mut()) {
            let now = identity(root);
            if now != *was {
                *was = now;
                if now.is_some()
                    && let Ok(mut w) = watcher.lock()
                {
                    let _ = w.unwatch(root);
                    let _ = w.watch(root, RecursiveMode::Recursive);
                }
            }
        }
        if requests.send(Request { manual: false }).is_err() {
            return;
        }
    }
}

/// Serves requests one at a time; those that came in meanwhile are one.
/// The archive is compared with what the browser shows (`shown`), not only
/// with the index on disk, which another process may have brought up to
/// date first.
fn reload_loop(
    roots: &[PathBuf],
    cache: bool,
    shown: &loader::ShownIndex,
    rx: &Receiver<Request>,
    out: &Sender<Msg>,
) {
    while let Ok(first) = rx.recv() {
        let manual = rx.try_iter().fold(first.manual, |m, r| m || r.manual);
        // Held until the answer is sent.
        let Ok(mut shown) = shown.lock() else {
            return;
        };
        let result = if cache {
            loader::check_changed(roots, *shown, &|_, _| {})
        } else {
            loader::open(roots, false, &|_, _| {}).map(Some)
        };
        let msg = match result {
            Ok(None) if manual => Msg::NoChange,
            Ok(None) => continue,
            Ok(Some(mut opened)) => {
                *shown = opened.index_id;
                let t = std::mem::take(&mut opened.timeline);
                Msg::Checked(Box::new(Ok((t, opened.index))))
            }
            Err(e) => Msg::Checked(Box::new(Err(e))),
        };
        if out.send(msg).is_err() {
            return;
        }
    }
}

/// Where a related link leads, whichever timeline it is in (places
/// shift from one reading to the next), with its tags and text.
fn leads<'t>(t: &'t Timeline, r: &'t Related) -> (&'t str, &'t [Tag], Option<&'t str>) {
    (&t.events[r.to].id, &r.context, r.text.as_deref())
}

/// What [`describe`] says when files changed but no entry did.
pub const NO_ENTRY_CHANGED: &str = "the archive changed, no entry did";

/// What changed between two timelines of an archive, as the status bar
/// says it: "2 entries added, 1 changed, 1 removed".
pub fn describe(old: &Timeline, new: &Timeline) -> String {
    let mut added = 0;
    let mut changed = 0;
    for e in &new.events {
        match old.get(&e.id).map(|i| &old.events[i]) {
            None => added += 1,
            Some(o) => {
                let links_changed = o.related.len() != e.related.len()
                    || o.related
                        .iter()
                        .zip(&e.related)
                        .any(|(a, b)| leads(old, a) != leads(new, b));
                if o.headline != e.headline
                    || o.date != e.date
                    || o.body != e.body
                    || o.sources != e.sources
                    || o.tags != e.tags
                    || o.kind != e.kind
                    || links_changed
                {
                    changed += 1;
                }
            }
        }
    }
    let removed = old
        .events
        .iter()
        .filter(|e| new.get(&e.id).is_none())
        .count();
    let mut parts = Vec::new();
    let entries = |n: usize| if n == 1 { "entry" } else { "entries" };
    if added > 0 {
        parts.push(format!("{added} {} added", entries(added)));
    }
    if changed > 0 {
        parts.push(if parts.is_empty() {
            format!("{changed} {} changed", entries(changed))
        } else {
            format!("{changed} changed")
        });
    }
    if removed > 0 {
        parts.push(if parts.is_empty() {
            format!("{removed} {} removed", entries(removed))
        } else {
            format!("{removed} removed")
        });
    }
    if parts.is_empty() {
        NO_ENTRY_CHANGED.to_string()
    } else {
        format!("the archive changed: {}", parts.join(", "))
    }
}

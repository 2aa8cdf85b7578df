//! Following an archive's roots for changes: they are watched with notify,
//! a burst of changes is waited out (debounced), and then the caller is
//! told that something changed, once. What to do about it (the browser
//! reads the archive again, the incremental way) is the caller's. A root
//! deleted and made again, or renamed over, is watched again. When the
//! roots cannot be watched (too many folders for inotify, say), the caller
//! is told why.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// How long the archive must stay quiet before it is read again.
pub const QUIET: Duration = Duration::from_millis(300);
/// The longest a burst of changes can put the reading off.
pub const AT_MOST: Duration = Duration::from_millis(1500);

/// The roots being watched; the watching ends when this is dropped.
pub struct Watch {
    /// The watcher once it is set up.
    watcher: Arc<Mutex<Option<Shared>>>,
}

/// The watcher, shared with the thread that watches a root again when it
/// was replaced.
type Shared = Arc<Mutex<notify::RecommendedWatcher>>;

impl Watch {
    /// Starts watching `roots` on a thread of its own (a large archive has
    /// a folder per day, and watching each takes a while that the caller
    /// should not wait for). `changed` is called after each burst of
    /// changes; `failed`, with the reason, when the roots cannot be
    /// watched.
    pub fn spawn(
        roots: Vec<PathBuf>,
        changed: impl Fn() + Send + 'static,
        failed: impl FnOnce(String) + Send + 'static,
    ) -> Watch {
        let watcher = Arc::new(Mutex::new(None));
        let slot = Arc::downgrade(&watcher);
        std::thread::spawn(move || match watch(&roots, changed) {
            // Kept unless the watch is gone meanwhile.
            Ok(w) => {
                if let Some(slot) = slot.upgrade()
                    && let Ok(mut slot) = slot.lock()
                {
                    *slot = Some(w);
                }
            }
            Err(e) => failed(e),
        });
        Watch { watcher }
    }

    /// The watching is set up.
    pub fn watching(&self) -> bool {
        self.watcher.lock().is_ok_and(|w| w.is_some())
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
fn watch(roots: &[PathBuf], changed: impl Fn() + Send + 'static) -> Result<Shared, String> {
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
    std::thread::spawn(move || debounce(&rx, &changed, &absolute, &again));
    Ok(shared)
}

/// Turns a burst of change events into one request, once the archive has
/// been quiet for [`QUIET`] (or at most [`AT_MOST`] after the first); a
/// root that was replaced meanwhile is watched again first.
fn debounce(events: &Receiver<()>, changed: &dyn Fn(), roots: &[PathBuf], watcher: &Shared) {
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
        changed();
    }
}

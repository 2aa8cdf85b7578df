//! The archive worker: one thread that reads the archive for the browser,
//! from the first timeline to the last reload. It sends the indexed
//! timeline at once when there is one (else it reads the archive, with
//! progress); once the first screen is drawn, it checks the archive
//! against the index and starts the watcher; then it reads the archive
//! again whenever the watcher says something changed or the user asks
//! (`R`). Everything it finds reaches the loop as a [`Msg`].
//!
//! Being the only reader, it alone knows which index the timeline on screen
//! came from, and compares the archive with that (another ktimeline may
//! have brought the index on disk up to date meanwhile).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use super::msg::Msg;
use crate::loader::{self, LoadError, Opened};
use crate::watch::Watch;

/// What the worker is asked to do.
#[derive(Debug, Clone, Copy)]
enum Request {
    /// The first screen is drawn: check the archive, and watch it.
    Shown,
    /// Read the archive's changes; `manual`: asked for with `R`.
    Reload { manual: bool },
}

/// The handle on the worker; dropping it ends the worker once it is done
/// with what it is doing.
pub struct Archive {
    tx: Sender<Request>,
    /// The first timeline came from the index: a check follows.
    from_index: Arc<AtomicBool>,
    /// The watcher, once it is set up.
    watch: Arc<Mutex<Option<Watch>>>,
}

impl Archive {
    /// Starts the worker for the archive at `roots` (none: the built-in
    /// sample); `cache`: through the persistent index.
    pub fn spawn(roots: Vec<PathBuf>, cache: bool, out: Sender<Msg>) -> Archive {
        let (tx, rx) = channel();
        let from_index = Arc::new(AtomicBool::new(false));
        let watch = Arc::new(Mutex::new(None));
        let worker = Worker {
            roots,
            cache,
            out,
            requests: tx.clone(),
            from_index: from_index.clone(),
            watch: watch.clone(),
            shown: None,
        };
        std::thread::spawn(move || worker.run(&rx));
        Archive {
            tx,
            from_index,
            watch,
        }
    }

    /// The first screen is drawn: the worker may check the archive now
    /// (on few cores, that work would otherwise hold the first screen
    /// back) and start watching it.
    pub fn shown(&self) {
        let _ = self.tx.send(Request::Shown);
    }

    /// Reads the archive's changes (the answer comes as a message);
    /// `manual`: asked for by the user, who is told when nothing changed.
    pub fn reload(&self, manual: bool) {
        let _ = self.tx.send(Request::Reload { manual });
    }

    /// The first timeline came from the index, and is being checked.
    pub fn checking(&self) -> bool {
        self.from_index.load(Ordering::Relaxed)
    }

    /// The archive is being watched (the watching is set up).
    pub fn watching(&self) -> bool {
        self.watch
            .lock()
            .is_ok_and(|w| w.as_ref().is_some_and(Watch::watching))
    }
}

struct Worker {
    roots: Vec<PathBuf>,
    cache: bool,
    out: Sender<Msg>,
    /// For the watcher to ask for reloads.
    requests: Sender<Request>,
    from_index: Arc<AtomicBool>,
    watch: Arc<Mutex<Option<Watch>>>,
    /// Which index the timeline on screen came from (`None`: none).
    shown: Option<u64>,
}

impl Worker {
    fn run(mut self, rx: &Receiver<Request>) {
        if self.roots.is_empty() {
            let _ = self
                .out
                .send(Msg::Loaded(Box::new(Ok(loader::load_sample()))));
            return;
        }
        // The indexed timeline first, at once; then, once it is on screen,
        // the check of the files.
        let indexed = self.cache
            && std::panic::catch_unwind(|| loader::open_indexed(&self.roots))
                .ok()
                .flatten()
                .is_some_and(|(t, id)| {
                    self.shown = Some(id);
                    self.from_index.store(true, Ordering::Relaxed);
                    self.out.send(Msg::Loaded(Box::new(Ok(t)))).is_ok()
                });
        // Reloads asked for before the first screen come after the check.
        let mut manual = false;
        if indexed {
            loop {
                match rx.recv() {
                    Ok(Request::Shown) => break,
                    Ok(Request::Reload { manual: m }) => manual |= m,
                    Err(_) => return,
                }
            }
        }
        self.first(indexed, manual);
        if !indexed {
            // Watched once the first screen is drawn.
            loop {
                match rx.recv() {
                    Ok(Request::Shown) => break,
                    Ok(Request::Reload { .. }) => {}
                    Err(_) => return,
                }
            }
        }
        self.start_watching();
        while let Ok(first) = rx.recv() {
            // Requests that came in meanwhile are one.
            let manual = rx.try_iter().fold(first, |m, r| match (m, r) {
                (Request::Reload { manual: a }, Request::Reload { manual: b }) => {
                    Request::Reload { manual: a || b }
                }
                (Request::Shown, r) | (r, Request::Shown) => r,
            });
            match manual {
                Request::Reload { manual } => self.reload(manual),
                Request::Shown => {}
            }
        }
    }

    /// The first reading: the check of an indexed timeline on screen, or
    /// the archive read (through the index when there is one), with
    /// progress behind the gauge.
    fn first(&mut self, indexed: bool, manual: bool) {
        let last_pct = AtomicUsize::new(usize::MAX);
        let progress_tx = Mutex::new(self.out.clone());
        let progress = |done: usize, total: usize| {
            // While the walk is still finding files (total 0), each
            // call is a new count worth showing.
            let pct = (done * 100).checked_div(total).unwrap_or(done);
            if !indexed
                && last_pct.swap(pct, Ordering::Relaxed) != pct
                && let Ok(tx) = progress_tx.lock()
            {
                let _ = tx.send(Msg::Progress(done, total));
            }
        };
        let (roots, cache, since) = (&self.roots, self.cache, self.shown);
        // `opened` lives until the message is sent: dropping it waits for
        // the index to be written.
        let mut result = guarded(roots, &|| {
            if indexed {
                loader::check_changed(roots, since, &progress)
            } else {
                loader::open(roots, cache, &progress).map(Some)
            }
        });
        let msg = match &mut result {
            Ok(None) if manual => Msg::NoChange,
            Ok(None) => Msg::Unchanged,
            Ok(Some(opened)) => {
                self.shown = opened.index_id;
                let t = std::mem::take(&mut opened.timeline);
                if indexed {
                    Msg::Checked {
                        result: Box::new(Ok((t, opened.index))),
                        manual,
                    }
                } else {
                    Msg::Loaded(Box::new(Ok(t)))
                }
            }
            Err(e) if indexed => Msg::Checked {
                result: Box::new(Err(e.clone())),
                manual,
            },
            Err(e) => Msg::Loaded(Box::new(Err(e.clone()))),
        };
        let _ = self.out.send(msg);
    }

    /// Reads the archive's changes: against the timeline on screen,
    /// through the index; without it, the whole archive again.
    fn reload(&mut self, manual: bool) {
        let (roots, cache, since) = (&self.roots, self.cache, self.shown);
        let mut result = guarded(roots, &|| {
            if cache {
                loader::check_changed(roots, since, &|_, _| {})
            } else {
                loader::open(roots, false, &|_, _| {}).map(Some)
            }
        });
        let msg = match &mut result {
            Ok(None) if manual => Msg::NoChange,
            Ok(None) => return,
            Ok(Some(opened)) => {
                self.shown = opened.index_id;
                let t = std::mem::take(&mut opened.timeline);
                Msg::Checked {
                    result: Box::new(Ok((t, opened.index))),
                    manual,
                }
            }
            Err(e) => Msg::Checked {
                result: Box::new(Err(e.clone())),
                manual,
            },
        };
        let _ = self.out.send(msg);
    }

    /// Starts watching the roots, on a thread of its own (a large archive
    /// has a folder per day, and watching each takes a while); each burst
    /// of changes asks this worker for a reload. When the roots cannot be
    /// watched, the browser is told so.
    fn start_watching(&self) {
        let requests = self.requests.clone();
        let notes = self.out.clone();
        let watch = Watch::spawn(
            self.roots.clone(),
            move || {
                let _ = requests.send(Request::Reload { manual: false });
            },
            move |why| {
                let _ = notes.send(Msg::Note(format!(
                    "not following the archive's changes ({}); R reads them",
                    crate::text::one_line(&why)
                )));
            },
        );
        if let Ok(mut slot) = self.watch.lock() {
            *slot = Some(watch);
        }
    }
}

/// Runs a reading of the archive; a panic in the loader becomes an error
/// that ends the browser, rather than a browser left waiting.
fn guarded(
    roots: &[PathBuf],
    read: &dyn Fn() -> Result<Option<Opened>, LoadError>,
) -> Result<Option<Opened>, LoadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(LoadError {
            path: roots.first().cloned().unwrap_or_default(),
            message: "the loader failed unexpectedly".into(),
        })
    })
}

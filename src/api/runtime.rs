//! The process's tokio runtime, on which every request of every client runs while PHP (or a
//! Rust caller) waits in a blocking call.
//!
//! It is a `current_thread` runtime (see `docs/decisions.md`, "The client on reqwest and tokio"):
//! no worker thread, the I/O is driven by the thread that waits for it, so a PHP process keeps
//! its one thread (plus, for a moment, the thread a host-name lookup runs on, and during a
//! catalog refresh in one go the thread that reads the stock while the catalog is written,
//! which drives the runtime from there meanwhile). It is built on the first request, never at
//! load: a PHP-FPM master that loads the library and forks its workers hands them no runtime. A process forked after using it (the pid changed) builds its own and
//! never touches the parent's: the epoll instance and the sockets the parent registered in it are
//! shared with the parent across `fork`, so the inherited runtime is neither used nor dropped
//! (dropping would deregister the parent's sockets); it is left as it is, forgotten.

use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};

/// Threads a host-name lookup may run on at once (`getaddrinfo` blocks; tokio runs it on its
/// blocking pool). Lookups are rare: a pooled connection is reused for every later request.
const LOOKUP_THREADS: usize = 2;
/// How long an idle lookup thread is kept before it exits.
const LOOKUP_THREAD_IDLE: Duration = Duration::from_secs(2);

struct Owned {
    pid: u32,
    runtime: &'static Runtime,
}

static RUNTIME: Mutex<Option<Owned>> = Mutex::new(None);

/// The runtime of this process, built on first use (again after a fork).
pub(crate) fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(owned) = slot.as_ref().filter(|o| o.pid == pid) {
        return owned.runtime;
    }
    // A runtime lives as long as its process: leaked on purpose, so that neither this process
    // nor a child forked from it ever drops it.
    let runtime: &'static Runtime = Box::leak(Box::new(
        Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(LOOKUP_THREADS)
            .thread_keep_alive(LOOKUP_THREAD_IDLE)
            .thread_name("shopcaisse-sync-lookup")
            .build()
            .expect("a current-thread runtime needs only an epoll instance and a timer"),
    ));
    *slot = Some(Owned { pid, runtime });
    runtime
}

/// The pid of this process (the owner of what [`runtime`] hands out).
pub(crate) fn pid() -> u32 {
    std::process::id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runtime_per_process_and_no_worker_thread() {
        let first = runtime() as *const Runtime;
        assert_eq!(first, runtime() as *const Runtime);
        assert_eq!(
            runtime().metrics().num_workers(),
            1,
            "a current-thread runtime"
        );
        assert_eq!(runtime().block_on(async { 40 + 2 }), 42);
    }
}

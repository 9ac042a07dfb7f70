//! Keeping the document checks off the threads that serve other requests: parsing and measuring
//! a large document is CPU work (hundreds of milliseconds for a megabyte in a debug build), so
//! above [`OFFLOAD_BYTES`] it runs in `tokio::task::block_in_place`, which hands this worker's
//! other tasks (health checks, gateway reads) to another thread for the duration. Small
//! documents — nearly all of them — and single-threaded runtimes (tests) run it in place.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Documents at least this long are checked with the worker handed off.
pub(super) const OFFLOAD_BYTES: usize = 16 * 1024;

/// Runs `work`, handing off the current worker first when the document is large and the
/// runtime can do it.
pub(super) fn run<T>(document_len: usize, work: impl FnOnce() -> T) -> T {
    let multi_threaded = Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread);
    if document_len >= OFFLOAD_BYTES && multi_threaded {
        tokio::task::block_in_place(work)
    } else {
        work()
    }
}

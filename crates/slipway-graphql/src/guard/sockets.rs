//! What one WebSocket connection may run: every operation sent on it (a subscription or a read)
//! is charged to a rate budget the server supplies, and at most
//! [`MAX_OPERATIONS_PER_CONNECTION`] run on it at once. A refused operation gets one error —
//! `RATE_LIMITED`, with `retryAfter` in seconds when waiting helps — and the connection stays open
//! for the operations it already runs.
//!
//! Over HTTP each request is charged by the server before it reaches the schema; a WebSocket is
//! upgraded once, so without this charge a single upgraded connection could start operations
//! (and hold subscriptions) without limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::extensions::ExtensionContext;
use async_graphql::{ErrorExtensionValues, Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use slipway_service::Ctx;

use crate::context::RequestState;

/// The most operations one WebSocket connection runs at once (a dashboard page follows a handful;
/// a client needing more opens another connection).
pub const MAX_OPERATIONS_PER_CONNECTION: usize = 100;

/// The code of a refused operation.
const RATE_LIMITED: &str = "RATE_LIMITED";

/// A rate budget that each operation sent over a WebSocket connection is charged to, supplied by
/// the server (which owns the budgets) through [`budget_operations`].
pub trait OperationBudget: Send + Sync {
    /// Charges one operation by `caller` (`None`: the connection is anonymous).
    ///
    /// # Errors
    /// [`OverBudget`] when the budget is spent.
    fn charge(&self, caller: Option<&Ctx>) -> Result<(), OverBudget>;
}

/// A budget's refusal, as the client is told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget {
    /// What is spent and when to try again.
    pub message: String,
    /// Whole seconds until the budget admits another operation (at least 1).
    pub retry_after_seconds: u64,
}

/// The connection data that holds a connection's budget.
struct Budget(Arc<dyn OperationBudget>);

/// How many operations a connection runs now; inserted by [`crate::connection_data`].
#[derive(Default)]
pub(crate) struct Running(Arc<AtomicUsize>);

/// Charges every operation sent over the connection whose data this is to `budget`.
pub fn budget_operations(data: &mut async_graphql::Data, budget: Arc<dyn OperationBudget>) {
    data.insert(Budget(budget));
}

/// One operation's place among those its connection runs; given back when its stream ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The operation `stream` as the connection may run it: charged to the connection's budget and
/// counted while it runs, or replaced by its refusal. Streams outside a WebSocket connection
/// (which carry no [`Running`]) pass unchanged.
pub(super) fn admit<'s>(ctx: &ExtensionContext<'_>, stream: BoxStream<'s, Response>) -> BoxStream<'s, Response> {
    let Some(Running(running)) = ctx.data_opt::<Running>() else {
        return stream;
    };
    if let Some(Budget(budget)) = ctx.data_opt::<Budget>() {
        let caller = ctx.data_opt::<RequestState>().and_then(|state| state.caller.as_ref());
        if let Err(over) = budget.charge(caller) {
            return refused(over.message, Some(over.retry_after_seconds));
        }
    }
    let reserved = running.fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
        (now < MAX_OPERATIONS_PER_CONNECTION).then_some(now + 1)
    });
    if reserved.is_err() {
        return refused(
            format!(
                "this connection already runs {MAX_OPERATIONS_PER_CONNECTION} operations; complete one or open another connection"
            ),
            None,
        );
    }
    let slot = Slot(Arc::clone(running));
    stream
        .map(move |response| {
            let _running = &slot;
            response
        })
        .boxed()
}

/// A stream of the one error that refuses an operation.
fn refused<'s>(message: String, retry_after_seconds: Option<u64>) -> BoxStream<'s, Response> {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", RATE_LIMITED);
    if let Some(seconds) = retry_after_seconds {
        extensions.set("retryAfter", seconds);
    }
    error.extensions = Some(extensions);
    futures_util::stream::once(async move { Response::from_errors(vec![error]) }).boxed()
}

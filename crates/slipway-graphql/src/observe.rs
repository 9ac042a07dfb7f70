//! Each operation sent over a WebSocket connection, told to the server that upgraded it, so that
//! the server's per-operation counts cover both transports: a POST is counted by the server
//! before the schema sees it, but a WebSocket is upgraded once and then carries any number of
//! operations the server never sees one by one.

use std::sync::Arc;

use async_graphql::extensions::ExtensionContext;
use async_graphql::{Data, Request};

/// What the server does with each operation a WebSocket connection sends.
pub trait OperationObserver: Send + Sync {
    /// One operation arrived: its `operationName` (`None` when the client sent none) and its
    /// document, before the guard or the parser looked at either.
    fn operation(&self, name: Option<&str>, document: &str);
}

/// The connection data that holds a connection's observer.
struct Observer(Arc<dyn OperationObserver>);

/// Tells `observer` of every operation sent over the connection whose data this is.
pub fn observe_operations(data: &mut Data, observer: Arc<dyn OperationObserver>) {
    data.insert(Observer(observer));
}

/// Tells the connection's observer, if the request has one (WebSocket operations; every POST
/// passes untouched), of `request` (the document guard's `prepare_request` hook).
pub(crate) fn tell(ctx: &ExtensionContext<'_>, request: &Request) {
    if let Some(Observer(observer)) = ctx.data_opt::<Observer>() {
        observer.operation(request.operation_name.as_deref(), &request.query);
    }
}

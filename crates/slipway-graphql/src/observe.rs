//! Each operation sent over a WebSocket connection, told to the server that upgraded it, so that
//! the server's per-operation counts cover both transports: a POST is counted by the server
//! before the schema sees it, but a WebSocket is upgraded once and then carries any number of
//! operations the server never sees one by one.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::{Data, Request, ServerResult};

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

/// The schema extension that tells a connection's observer of each of its operations. Requests
/// without an observer in their data (every POST) pass untouched.
pub(crate) struct ObserveOperations;

impl ExtensionFactory for ObserveOperations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ObserveOperations)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ObserveOperations {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(Observer(observer)) = ctx.data_opt::<Observer>() {
            observer.operation(request.operation_name.as_deref(), &request.query);
        }
        next.run(ctx, request).await
    }
}

//! Change notifications across instances: on PostgreSQL every commit that changes what a project
//! serves, revokes an API key or removes a member sends `NOTIFY slipway_serving` (payloads in
//! [`crate::notice`]); [`Store::listen`] turns them into a stream of [`Notice`]s. SQLite has a
//! single instance by design, so its stream never yields.

use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use sea_orm::sqlx::postgres::PgListener;
use tracing::instrument;

use crate::commit::SERVING_CHANNEL;
use crate::connect::{Backend, Store};
use crate::error::StoreError;
use crate::notice::Notice;

impl Store {
    /// A stream of the [`Notice`]s (serving revisions, revoked keys, removed members) announced by
    /// commits of any instance sharing this PostgreSQL database, and the release and environment
    /// changes of the other instances' commits (never this store's own). The listener reconnects by itself after a connection loss;
    /// notifications sent meanwhile are lost, so callers should also compare
    /// [`Store::serving_revision`] periodically. On SQLite the stream never yields.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the listening connection cannot be opened.
    #[instrument(skip(self))]
    pub async fn listen(&self) -> Result<BoxStream<'static, Notice>, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(stream::pending().boxed());
        }
        let unavailable = |e: sea_orm::sqlx::Error| {
            tracing::error!(error = %e, "cannot listen for serving changes");
            StoreError::Unavailable("database unreachable".to_owned())
        };
        let mut listener = PgListener::connect_with(self.db.get_postgres_connection_pool())
            .await
            .map_err(unavailable)?;
        listener.listen(SERVING_CHANNEL).await.map_err(unavailable)?;
        let instance = self.instance;
        Ok(listener
            .into_stream()
            .filter_map(move |item| async move {
                match item {
                    Ok(notification) => {
                        let parsed = Notice::parse(notification.payload());
                        if parsed.is_none() {
                            tracing::warn!("ignoring a malformed notification");
                        }
                        // This instance announced its own release and environment changes.
                        parsed.filter(|n| n.origin() != Some(instance))
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "serving notifications interrupted");
                        None
                    }
                }
            })
            .boxed())
    }
}

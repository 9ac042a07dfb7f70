//! Rate limiting: budgets per client address and per verified credential, stricter ones for
//! failed authentication and for GraphQL mutations, and one high enough never to throttle a
//! gateway with a valid API key. An over-budget request is answered `429 Too Many Requests`
//! with `Retry-After` (whole seconds) and the code `RATE_LIMITED`.
//!
//! Where each budget is charged:
//! * [`middleware::limit_addresses`] — the address budget, before routing to a handler;
//! * [`Authenticator`](crate::auth::Authenticator) — after verification: the caller's own
//!   budget (an API key's gateway budget, a user's credential budget), or the address's
//!   failed-authentication budget when the credential does not verify;
//! * the GraphQL handler — the mutation budget, for a document that
//!   [`slipway_graphql::mentions_mutation`] says holds a mutation;
//! * a GraphQL WebSocket — each operation sent on it ([`socket`]), and a `connection_init` whose
//!   credential does not verify, against the failed-authentication budget.
//!
//! Addresses come from the connection (`ConnectInfo<SocketAddr>`), never from forwarding
//! headers; requests without one share a single budget ([`ClientAddress::Unknown`]).
//! [`sweeper`] keeps the limiters' memory bounded.

pub(crate) mod budget;
mod keys;
mod limiter;
pub mod middleware;
mod refusal;
mod settings;
mod socket;
pub mod sweeper;

pub use budget::Budget;
pub use keys::{ClientAddress, Credential, Subject};
pub use limiter::{MAX_TRACKED_CLIENTS, RateLimits};
pub use refusal::{Kind, Throttled};
pub use settings::{
    DEFAULT_ADDRESS, DEFAULT_CREDENTIAL, DEFAULT_FAILED_AUTH, DEFAULT_GATEWAY, DEFAULT_MUTATIONS, RateLimitSettings,
};
pub use socket::SocketBudget;

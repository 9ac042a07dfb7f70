//! The budget of a GraphQL WebSocket connection: each operation sent on it counts like a request
//! — against the caller's own budget once `connection_init` verified a credential, against the
//! connection's address otherwise.

use slipway_graphql::{OperationBudget, OverBudget};
use slipway_service::Ctx;

use super::{ClientAddress, RateLimits, Throttled};

/// The budget of one connection, opened from `address`.
pub struct SocketBudget {
    limits: RateLimits,
    address: ClientAddress,
}

impl SocketBudget {
    /// Charges the operations of a connection from `address` to `limits`.
    pub fn new(limits: RateLimits, address: ClientAddress) -> Self {
        Self { limits, address }
    }
}

impl OperationBudget for SocketBudget {
    fn charge(&self, caller: Option<&Ctx>) -> Result<(), OverBudget> {
        let charged = match caller {
            Some(ctx) => self.limits.check_caller(ctx),
            None => self.limits.check_address(self.address),
        };
        charged.map_err(|throttled: Throttled| OverBudget {
            message: throttled.message(),
            retry_after_seconds: throttled.retry_after_seconds(),
        })
    }
}

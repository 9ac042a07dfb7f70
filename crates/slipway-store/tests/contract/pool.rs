//! The pool's state as `/metrics` reads it: open and idle connections within the configured
//! maximum, at least one open once the store has answered.

use slipway_store::PoolStats;

use crate::contract;
use crate::support::TestDb;

contract!(the_pool_reports_its_connections);

async fn the_pool_reports_its_connections(db: &TestDb) {
    let s = &db.store;
    s.ping().await.unwrap();
    let PoolStats { size, idle, max, .. } = s.pool_stats();
    assert!(max >= 1, "max {max}");
    assert!((1..=max).contains(&size), "size {size} of {max}");
    assert!(idle <= size as usize, "idle {idle} of {size}");
}

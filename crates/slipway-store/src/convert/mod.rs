//! Rows to domain values and back. Reading goes through the domain's parsing constructors, so a
//! row that breaks a rule is reported as [`StoreError::Corrupt`](crate::StoreError::Corrupt)
//! instead of flowing on. Human text (names, descriptions, messages, reasons) is read with the
//! domain's `from_stored` constructors, which hold it to the rules it may have been written under
//! rather than today's stricter character rules, so that tightening those never makes a stored
//! row unreadable.

pub(crate) mod audit;
pub(crate) mod environment;
pub(crate) mod identity;
pub(crate) mod json;
pub(crate) mod release;
pub(crate) mod resource;

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::StoreError;

/// Timestamps are stored with microsecond precision on both databases (PostgreSQL keeps no
/// more); truncating before writing makes what is read back equal what was written.
pub(crate) fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// A count or number as stored (`BIGINT`).
pub(crate) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Internal("a number is too large to store".to_owned()))
}

/// A stored `BIGINT` that must fit a `u32`.
pub(crate) fn to_u32(table: &str, id: impl std::fmt::Display, field: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| crate::error::corrupt(table, id, format!("{field} out of range")))
}

/// A stored `BIGINT` that must fit a `u64`.
pub(crate) fn to_u64(table: &str, id: impl std::fmt::Display, field: &str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| crate::error::corrupt(table, id, format!("{field} out of range")))
}

//! The read side of [`Store`](crate::Store): every method returns domain values.

pub(crate) mod audit;
pub(crate) mod identity;
pub(crate) mod project;
pub(crate) mod release;
pub(crate) mod resource;

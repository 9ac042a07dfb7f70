//! slipway-service — filled by a later issue.

//! slipway-store — filled by a later issue.

//! slipway-auth — filled by a later issue.

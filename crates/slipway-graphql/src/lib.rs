//! slipway-graphql — filled by a later issue.

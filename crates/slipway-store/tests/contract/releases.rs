//! Releases, pointer compare-and-swap and deployments.

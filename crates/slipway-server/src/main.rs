//! The `slipway` binary.
fn main() {}

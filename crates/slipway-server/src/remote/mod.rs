//! The command line for people and CI pipelines: `slipway login`, `status`, `publish`,
//! `deploy`, `promote`, `releases`, `approve`, `reject`, `rollback` and `diff` talk to a running
//! Slipway over its GraphQL API with a stored sign-in ([`login`]), print for a person by default
//! and the GraphQL answer with `--json`, and exit with a status a script can branch on
//! ([`RemoteError::exit_code`]).

mod args;
mod client;
mod commands;
mod login;

pub use args::PeopleCommand;
pub use client::{Client, RemoteError};
pub use commands::run;
pub use login::{Login, login_file};

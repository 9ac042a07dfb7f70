//! How the binary reports a failure to an operator: one line saying what failed, each cause once,
//! and what to do when there is something to do. A bad value that came from an environment
//! variable is named as that variable, not as the flag it stands in for.

use std::error::Error as _;
use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::startup::StartupError;

/// `error` and its causes on one line, each cause once (a message that already quotes its cause
/// is not followed by it again), with the hint of the first cause that has one.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string().replace('\n', " ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    let hint = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<StartupError>())
        .and_then(StartupError::hint);
    if let Some(hint) = hint {
        line.push_str(" — ");
        line.push_str(hint);
    }
    line
}

/// The message for a command line that clap refused because of an invalid value, when that
/// value came from an environment variable (`env` looks one up) rather than from `args`: the
/// variable is named, since the operator never typed the flag clap would name. `None` when clap's
/// own message says it right.
pub fn from_environment(
    error: &clap::Error,
    command: &clap::Command,
    args: &[OsString],
    env: impl Fn(&str) -> Option<OsString>,
) -> Option<String> {
    if !matches!(error.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation) {
        return None;
    }
    let Some(ContextValue::String(flag)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = flag.strip_prefix("--")?.split([' ', '=']).next()?;
    let typed = args.iter().any(|arg| {
        arg.to_str()
            .and_then(|a| a.strip_prefix("--"))
            .is_some_and(|a| a == long || a.starts_with(&format!("{long}=")))
    });
    if typed {
        return None;
    }
    let variable = find_env_name(command, long)?;
    let value = env(&variable)?;
    let reason = match error.get(ContextKind::Custom) {
        Some(ContextValue::String(reason)) => reason.clone(),
        _ => error
            .source()
            .map_or_else(|| "not a valid value".to_owned(), ToString::to_string),
    };
    Some(format!(
        "{variable}={:?} is not valid for {flag}: {reason}",
        value.to_string_lossy()
    ))
}

/// The environment variable of the flag `--long`, anywhere in `command`'s tree.
fn find_env_name(command: &clap::Command, long: &str) -> Option<String> {
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))
        .and_then(|arg| arg.get_env())
        .map(|name| name.to_string_lossy().into_owned())
        .or_else(|| command.get_subcommands().find_map(|sub| find_env_name(sub, long)))
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::Cli;

    #[test]
    fn each_cause_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("database: {0}")]
        struct Outer(#[source] Inner);
        #[derive(Debug, thiserror::Error)]
        #[error("storage unavailable: database unreachable")]
        struct Inner;
        let error = anyhow::Error::new(Outer(Inner)).context("serve failed");
        assert_eq!(
            one_line(&error),
            "serve failed: database: storage unavailable: database unreachable"
        );
    }

    #[test]
    fn startup_failures_say_what_to_do() {
        let error = anyhow::Error::new(StartupError::Bind {
            addr: "127.0.0.1:8080".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        })
        .context("serve failed");
        let line = one_line(&error);
        assert!(
            line.starts_with("serve failed: cannot listen on 127.0.0.1:8080: "),
            "{line}"
        );
        assert!(line.contains("--listen"), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }

    fn refusal(args: &[&str], env: &[(&str, &str)]) -> Option<String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let lookup = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| OsString::from(v));
        // clap reads the real environment; the flag stands in for the variable here.
        let mut parsed = args.clone();
        if let Some((_, value)) = env.first() {
            parsed.push(OsString::from(format!("--listen={value}")));
        }
        let error = Cli::try_parse_from(&parsed).expect_err("refused");
        from_environment(&error, &Cli::command(), &args, lookup)
    }

    #[test]
    fn a_bad_value_from_the_environment_names_the_variable() {
        let message = refusal(&["slipway", "serve"], &[("SLIPWAY_LISTEN", "abc")]).expect("named");
        assert!(
            message.starts_with("SLIPWAY_LISTEN=\"abc\" is not valid for --listen"),
            "{message}"
        );
    }

    #[test]
    fn a_bad_value_typed_as_a_flag_keeps_clap_s_message() {
        let args: Vec<OsString> = ["slipway", "serve", "--listen", "abc"]
            .iter()
            .map(OsString::from)
            .collect();
        let error = Cli::try_parse_from(&args).expect_err("refused");
        assert_eq!(from_environment(&error, &Cli::command(), &args, |_| None), None);
    }
}

//! The configuration reference (`docs/configuration.md`), generated from the one declaration of
//! the settings — [`Options`]: each setting's flag, `SLIPWAY_*` variable, TOML key (the field's
//! name), TOML type (from the value parser's type), default (the `[default: …]` of its doc
//! comment, which a test holds to the defaults [`Settings::resolve`](crate::config::Settings::resolve)
//! applies) and meaning. `slipway config-reference` prints it; `cargo xtask ci` fails when the
//! committed file differs.

use std::any::TypeId;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, Args, Command};

use crate::cli::{LogFormat, Options};
use crate::config::CREDENTIAL_KEY_ENV;
use crate::rate_limit::Budget;

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setting {
    pub(crate) toml_key: Option<String>,
    pub(crate) flag: Option<String>,
    pub(crate) env: Option<String>,
    pub(crate) toml_type: &'static str,
    pub(crate) default: String,
    pub(crate) meaning: String,
}

/// The TOML type a value parser's type is written as.
fn toml_type(arg: &Arg) -> &'static str {
    let id = arg.get_value_parser().type_id();
    let list = matches!(arg.get_action(), ArgAction::Append) || arg.get_value_delimiter().is_some();
    if list {
        "array of strings"
    } else if id == TypeId::of::<bool>() {
        "boolean"
    } else if id == TypeId::of::<u32>() || id == TypeId::of::<u64>() || id == TypeId::of::<usize>() {
        "integer"
    } else if id == TypeId::of::<Duration>() {
        "string: a duration (`500ms`, `30s`, `5m`, `1h`)"
    } else if id == TypeId::of::<Budget>() {
        "string: a budget `COUNT/PERIOD`"
    } else if id == TypeId::of::<SocketAddr>() {
        "string: `HOST:PORT`"
    } else if id == TypeId::of::<PathBuf>() {
        "string: a path"
    } else if id == TypeId::of::<LogFormat>() {
        "string: `text` or `json`"
    } else {
        "string"
    }
}

/// The doc comment split into its meaning and its `[default: …]`.
fn meaning_and_default(help: &str) -> (String, String) {
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    match help.rfind("[default: ") {
        Some(start) => {
            let rest = &help[start + "[default: ".len()..];
            let default = rest
                .strip_suffix(']')
                .or_else(|| rest.split_once(']').map(|(d, _)| d))
                .unwrap_or(rest);
            let meaning = format!(
                "{}{}",
                help[..start].trim_end(),
                rest.split_once(']').map_or("", |(_, after)| after)
            );
            (meaning.trim().trim_end_matches('.').to_owned(), default.to_owned())
        }
        None => (help.trim_end_matches('.').to_owned(), "none".to_owned()),
    }
}

/// Every setting, in declaration order, then the variable that has no flag.
pub(crate) fn settings() -> Vec<Setting> {
    let command = Options::augment_args(Command::new("slipway"));
    let mut rows: Vec<Setting> = command
        .get_arguments()
        .filter(|arg| arg.get_long().is_some())
        .map(|arg| {
            let help = arg
                .get_long_help()
                .or_else(|| arg.get_help())
                .map(ToString::to_string)
                .unwrap_or_default();
            let (meaning, default) = meaning_and_default(&help);
            let id = arg.get_id().as_str();
            Setting {
                // The file names every setting but itself.
                toml_key: (id != "config").then(|| id.to_owned()),
                flag: arg.get_long().map(|l| format!("--{l}")),
                env: arg.get_env().map(|e| e.to_string_lossy().into_owned()),
                toml_type: toml_type(arg),
                default,
                meaning,
            }
        })
        .collect();
    rows.push(Setting {
        toml_key: None,
        flag: None,
        env: Some(CREDENTIAL_KEY_ENV.to_owned()),
        toml_type: "string: keyring entries `VERSION:BASE64`, comma-separated",
        default: "none".to_owned(),
        meaning: "The credential keyring itself (never a flag or a file setting: command lines and files are easier to leak); wins over credential_key_file".to_owned(),
    });
    rows
}

fn code(value: Option<&str>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("`{v}`"))
}

/// `docs/configuration.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Configuration reference\n\n\
         Generated from the settings' declaration (`crates/slipway-server/src/cli.rs`) by \
         `cargo xtask config-reference`; CI fails when this file is out of date.\n\n\
         Each setting is read from its flag, else its environment variable, else the TOML file \
         named by `--config` (keys as below, every one optional; an unknown key is an error \
         naming its line and column), else its default.\n\n\
         | TOML key | flag | environment variable | TOML type | default | meaning |\n\
         |---|---|---|---|---|---|\n",
    );
    for s in settings() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code(s.toml_key.as_deref()),
            code(s.flag.as_deref()),
            code(s.env.as_deref()),
            s.toml_type,
            if s.default == "none" {
                "none".to_owned()
            } else {
                format!("`{}`", s.default)
            },
            s.meaning.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn defaults_and_meanings_come_from_the_doc_comments() {
        assert_eq!(
            meaning_and_default("Address to listen on [default: 127.0.0.1:8080]."),
            ("Address to listen on".to_owned(), "127.0.0.1:8080".to_owned())
        );
        assert_eq!(
            meaning_and_default("Rate limiting on or off [default: true]. Budgets are COUNT/PERIOD."),
            (
                "Rate limiting on or off. Budgets are COUNT/PERIOD".to_owned(),
                "true".to_owned()
            )
        );
        assert_eq!(meaning_and_default("A file."), ("A file".to_owned(), "none".to_owned()));
    }

    #[test]
    fn every_setting_has_a_variable_and_every_toml_key_is_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slipway.toml");
        for s in settings() {
            let env = s.env.clone().unwrap_or_default();
            assert!(env.starts_with("SLIPWAY_"), "{s:?}");
            let Some(key) = &s.toml_key else { continue };
            let value = match s.toml_type {
                "boolean" => "true",
                "integer" => "8",
                "array of strings" => "[\"http://a.example\"]",
                t if t.contains("duration") => "\"3s\"",
                t if t.contains("budget") => "\"10/1s\"",
                t if t.contains("HOST:PORT") => "\"127.0.0.1:0\"",
                t if t.contains("`text`") => "\"json\"",
                _ => "\"x\"",
            };
            std::fs::write(&path, format!("{key} = {value}\n")).unwrap();
            let options = Options {
                config: Some(path.clone()),
                ..Options::default()
            };
            if let Err(e) = Settings::resolve(options, None) {
                let message = e.to_string();
                assert!(!message.contains("unknown field"), "{key}: {message}");
                assert!(
                    !message.contains("invalid type"),
                    "{key} is not a {}: {message}",
                    s.toml_type
                );
            }
        }
    }

    #[test]
    fn the_documented_defaults_are_the_defaults_applied() {
        let documented = |key: &str| {
            settings()
                .into_iter()
                .find(|s| s.toml_key.as_deref() == Some(key))
                .map(|s| s.default)
                .unwrap_or_else(|| panic!("no setting {key}"))
        };
        let duration = |key: &str| crate::duration::parse_duration(&documented(key)).unwrap();
        let budget = |key: &str| Budget::parse(&documented(key)).unwrap();
        let s = Settings::resolve(Options::default(), None).unwrap();
        assert_eq!(s.request_timeout, duration("request_timeout"));
        assert_eq!(s.header_read_timeout, duration("header_read_timeout"));
        assert_eq!(s.idle_timeout, duration("idle_timeout"));
        assert_eq!(s.tick_interval, duration("tick_interval"));
        assert_eq!(s.watch_keepalive, duration("watch_keepalive"));
        assert_eq!(s.database_acquire_timeout, duration("database_acquire_timeout"));
        assert_eq!(s.listen.to_string(), documented("listen"));
        assert_eq!(s.max_connections.to_string(), documented("max_connections"));
        assert_eq!(s.body_limit.to_string(), documented("body_limit"));
        assert_eq!(s.data_dir.display().to_string(), documented("data_dir"));
        assert_eq!(s.migrate_on_start.to_string(), documented("migrate_on_start"));
        assert_eq!(s.production.to_string(), documented("production"));
        assert_eq!(s.rate_limit.enabled.to_string(), documented("rate_limit"));
        assert_eq!(s.rate_limit.address, budget("rate_limit_address"));
        assert_eq!(s.rate_limit.credential, budget("rate_limit_credential"));
        assert_eq!(s.rate_limit.gateway, budget("rate_limit_gateway"));
        assert_eq!(s.rate_limit.failed_auth, budget("rate_limit_failed_auth"));
        assert_eq!(s.rate_limit.mutations, budget("rate_limit_mutations"));
        assert_eq!(s.log_filter, documented("log"));
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(documented("log_format"), "text");
    }

    #[test]
    fn the_table_has_a_row_per_setting() {
        let text = markdown();
        assert!(
            text.contains(
                "| `metrics_addr` | `--metrics-addr` | `SLIPWAY_METRICS_ADDR` | string: `HOST:PORT` | none |"
            ),
            "{text}"
        );
        assert!(text.contains("| `database_acquire_timeout` | `--database-acquire-timeout` | `SLIPWAY_DATABASE_ACQUIRE_TIMEOUT` | string: a duration"), "{text}");
        assert!(text.contains("| — | — | `SLIPWAY_CREDENTIAL_KEY` |"), "{text}");
    }
}

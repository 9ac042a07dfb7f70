//! The `slipway` binary: parses the command line, sets up logging and runs a command.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory, Parser};
use secrecy::SecretString;
use slipway_server::cli::{AuditCommand, Cli, Command, CredentialsCommand};
use slipway_server::config::CREDENTIAL_KEY_ENV;
use slipway_server::{Settings, commands, failure, remote, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            if let Some(message) =
                failure::from_environment(&error, &Cli::command(), &args, |name| std::env::var_os(name))
            {
                eprintln!("slipway: {message}");
                return ExitCode::from(2);
            }
            error.exit();
        }
    };
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("slipway: {}", failure::one_line(&error));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Schema = cli.command {
        // No settings, database or keys are needed to describe the API.
        print!("{}", slipway_graphql::sdl());
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Openapi = cli.command {
        print!("{}", slipway_server::openapi::document_text());
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::ConfigReference = cli.command {
        print!("{}", slipway_server::config_reference::markdown());
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::People(command) = cli.command {
        // These talk to a running server: none of the server's settings apply.
        return Ok(match remote::run(command, &|name| std::env::var(name).ok()).await {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("slipway: {error}");
                ExitCode::from(error.exit_code())
            }
        });
    }
    let credential_key = std::env::var(CREDENTIAL_KEY_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from);
    let settings = Settings::resolve(cli.options, credential_key)?;
    telemetry::init(&settings.log_filter, settings.log_format);
    match cli.command {
        // Answered before the settings were read.
        Command::Schema | Command::Openapi | Command::ConfigReference | Command::People(_) => {}
        Command::Serve => {
            commands::serve(settings).await.context("serve failed")?;
        }
        Command::Migrate => {
            commands::migrate(&settings).await.context("migrate failed")?;
            eprintln!("migrations applied to {}", settings.database_display());
        }
        Command::Token(args) => {
            let token = commands::token(&settings, &args.sub, args.name, args.email, args.ttl)?;
            if args.link {
                println!(
                    "{}",
                    commands::sign_in_link(&settings, args.base_url.as_deref(), &token)
                );
            } else {
                println!("{token}");
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { project },
        } => match commands::audit_verify(&settings, &project).await? {
            Ok(count) => println!("audit log of {project}: {count} events, chain intact"),
            Err(broken) => {
                println!("audit log of {project}: chain BROKEN, {broken}");
                return Ok(ExitCode::FAILURE);
            }
        },
        Command::Quota(args) => {
            let org = commands::quota(&settings, &args.org, args.environments.0).await?;
            match org.environment_quota {
                Some(n) => println!("{}: at most {n} environments per project", org.slug),
                None => println!("{}: unlimited environments per project", org.slug),
            }
        }
        Command::Credentials {
            command: CredentialsCommand::Reencrypt,
        } => {
            let report = commands::reencrypt_credentials(&settings).await?;
            println!(
                "re-encrypted {} credential(s) under the current key; {} could not be decrypted",
                report.reencrypted, report.failed
            );
            if report.failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

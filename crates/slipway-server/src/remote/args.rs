//! The arguments of the people's commands.

use clap::{Args, Subcommand};

/// The commands that talk to a running server.
#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Sign in to a running Slipway: checks the token against the server, then stores both for
    /// the commands below (SLIPWAY_SERVER and SLIPWAY_TOKEN override the stored ones).
    Login(LoginArgs),
    /// Forget the stored sign-in.
    Logout,
    /// What each environment of a project serves, in order.
    Status(ProjectArgs),
    /// Create a new version of a prompt from a JSON file and publish it (to the default publish
    /// target unless --to names environments).
    Publish(PublishArgs),
    /// Deploy a version of a resource to an environment (directly, or as a release that waits
    /// for approval when the environment's policy says so).
    Deploy(DeployArgs),
    /// Promote what one environment serves to another.
    Promote(PromoteArgs),
    /// The releases waiting for your approval across projects, or a project's releases waiting
    /// for approval (or in the states given); the 50 newest.
    Releases(ReleasesArgs),
    /// Approve a release.
    Approve(ReleaseArgs),
    /// Reject a release, with a reason.
    Reject(RejectArgs),
    /// Roll an environment back to an earlier deployment.
    Rollback(RollbackArgs),
    /// What differs between what two environments serve.
    Diff(DiffArgs),
}

/// Output for scripts.
#[derive(Debug, Args, Clone, Copy)]
pub struct Output {
    /// Print the server's answer as JSON instead of text for a person.
    #[arg(long)]
    pub json: bool,
}

/// `slipway login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The server's base URL, e.g. https://slipway.example.com.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// A token (a JWT from `slipway token` or your identity provider).
    #[arg(long, value_name = "TOKEN", env = "SLIPWAY_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// A project.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    /// The prompt's key.
    pub key: String,
    /// The version's content: a JSON file, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub file: String,
    /// What changed (kept with the version).
    #[arg(long, default_value = "")]
    pub message: String,
    /// Environments to publish to (repeatable); the default publish target when absent.
    #[arg(long = "to", value_name = "ENV")]
    pub to: Vec<String>,
    /// Create the prompt first when it does not exist yet.
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    /// The environment to deploy to.
    #[arg(long = "to", value_name = "ENV")]
    pub environment: String,
    /// The resource's kind: prompt, routing-rule or provider.
    #[arg(long, default_value = "prompt", value_parser = ["prompt", "routing-rule", "provider"])]
    pub kind: String,
    /// The resource's key.
    #[arg(long)]
    pub key: String,
    /// The version number to serve (the resource's latest when absent).
    #[arg(long, value_name = "N")]
    pub number: Option<i64>,
    /// Why (kept with the release).
    #[arg(long, default_value = "")]
    pub message: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway promote`.
#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    /// The environment whose configuration is promoted.
    #[arg(long, value_name = "ENV")]
    pub from: String,
    /// The environment that receives it.
    #[arg(long = "to", value_name = "ENV")]
    pub to: String,
    /// Why (kept with the release).
    #[arg(long, default_value = "")]
    pub message: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway releases`.
#[derive(Debug, Args)]
pub struct ReleasesArgs {
    /// The project, as ORG/PROJECT; without it, the releases of every project that wait for
    /// your approval.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: Option<String>,
    /// Release states to list (repeatable), e.g. PENDING, APPROVED, DEPLOYED [default: PENDING];
    /// only with ORG/PROJECT.
    #[arg(long = "state", value_name = "STATE", requires = "project")]
    pub states: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// A release.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The release's id.
    pub id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway reject`.
#[derive(Debug, Args)]
pub struct RejectArgs {
    /// The release's id.
    pub id: String,
    /// Why it is rejected (shown to its author).
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    /// The environment to roll back.
    #[arg(long = "env", value_name = "ENV")]
    pub environment: String,
    /// The deployment (id) whose configuration to go back to.
    #[arg(long = "to", value_name = "DEPLOYMENT")]
    pub deployment: String,
    /// Why (kept with the release).
    #[arg(long, default_value = "")]
    pub message: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

/// `slipway diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The project, as ORG/PROJECT.
    #[arg(value_name = "ORG/PROJECT")]
    pub project: String,
    /// One environment.
    #[arg(long, value_name = "ENV")]
    pub from: String,
    /// The other.
    #[arg(long = "to", value_name = "ENV")]
    pub to: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: Output,
}

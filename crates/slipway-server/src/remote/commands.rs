//! Each people's command: the GraphQL it sends and what it prints — text for a person, or the
//! server's answer as JSON with `--json`.

use std::fmt::Write as _;

use secrecy::SecretString;
use serde_json::{Value, json};

use super::args::{
    DeployArgs, DiffArgs, LoginArgs, Output, PeopleCommand, ProjectArgs, PromoteArgs, PublishArgs, RejectArgs,
    ReleaseArgs, ReleasesArgs, RollbackArgs,
};
use super::{Client, Login, RemoteError, login_file};

/// What a release looks like in every answer.
const RELEASE: &str = "id state origin targetEnvironment { slug } source { slug } message
  changes { resource { kind key } fromVersion { number } toVersion { number } }
  approvals { user { subject } } decision { reason }";

/// Runs `command` (environment variables looked up with `env`); what to print on success.
///
/// # Errors
/// As [`RemoteError`]: its [`exit_code`](RemoteError::exit_code) says which kind.
pub async fn run(command: PeopleCommand, env: &dyn Fn(&str) -> Option<String>) -> Result<String, RemoteError> {
    let client = || Client::new(Login::current(env)?);
    match command {
        PeopleCommand::Login(args) => login(args, env).await,
        PeopleCommand::Logout => logout(env),
        PeopleCommand::Status(args) => status(&client()?, args).await,
        PeopleCommand::Publish(args) => publish(&client()?, args).await,
        PeopleCommand::Deploy(args) => deploy(&client()?, args).await,
        PeopleCommand::Promote(args) => promote(&client()?, args).await,
        PeopleCommand::Releases(args) => releases(&client()?, args).await,
        PeopleCommand::Approve(args) => approve(&client()?, args).await,
        PeopleCommand::Reject(args) => reject(&client()?, args).await,
        PeopleCommand::Rollback(args) => rollback(&client()?, args).await,
        PeopleCommand::Diff(args) => diff(&client()?, args).await,
    }
}

/// `ORG/PROJECT` split in two.
fn project_ref(text: &str) -> Result<(String, String), RemoteError> {
    match text.split_once('/') {
        Some((org, project)) if !org.is_empty() && !project.is_empty() && !project.contains('/') => {
            Ok((org.to_owned(), project.to_owned()))
        }
        _ => Err(RemoteError::usage(format!("the project is ORG/PROJECT, not {text:?}"))),
    }
}

fn print(output: Output, data: &Value, text: impl FnOnce() -> String) -> Result<String, RemoteError> {
    if output.json {
        serde_json::to_string_pretty(data).map_err(|e| RemoteError::local(e.to_string()))
    } else {
        Ok(text())
    }
}

async fn login(args: LoginArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<String, RemoteError> {
    let login = Login::new(&args.server, SecretString::from(args.token))?;
    let client = Client::new(login)?;
    let data = client.run("{ viewer { user { subject name } } }", json!({})).await?;
    let path = login_file(env).ok_or_else(|| {
        RemoteError::local("no place to store the sign-in: set SLIPWAY_LOGIN_FILE or HOME".to_owned())
    })?;
    client.login().save(&path)?;
    let user = &data["viewer"]["user"];
    Ok(format!(
        "signed in to {} as {} (stored in {})",
        client.login().server,
        user["subject"].as_str().unwrap_or("?"),
        path.display()
    ))
}

fn logout(env: &dyn Fn(&str) -> Option<String>) -> Result<String, RemoteError> {
    let Some(path) = login_file(env).filter(|p| p.exists()) else {
        return Ok("not signed in".to_owned());
    };
    std::fs::remove_file(&path).map_err(|e| RemoteError::local(format!("cannot remove {}: {e}", path.display())))?;
    Ok(format!("signed out (removed {})", path.display()))
}

fn roles(environment: &Value) -> String {
    let mut roles = Vec::new();
    for (flag, name) in [
        ("isProduction", "production"),
        ("isDefaultPublishTarget", "default publish target"),
        ("isGatewayFallback", "gateway fallback"),
    ] {
        if environment[flag] == true {
            roles.push(name);
        }
    }
    if roles.is_empty() {
        String::new()
    } else {
        format!(" [{}]", roles.join(", "))
    }
}

async fn status(client: &Client, args: ProjectArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let vars = json!({ "org": org, "project": project });
    let data = client
        .run(
            "query($org: String!, $project: String!) { project(org: $org, slug: $project) {
               environments(first: 100) { nodes { slug name isProduction isDefaultPublishTarget isGatewayFallback } } } }",
            vars.clone(),
        )
        .await?;
    let mut environments = Vec::new();
    for environment in data["project"]["environments"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let mut vars = vars.clone();
        vars["environment"] = environment["slug"].clone();
        let served = client
            .run(
                "query($org: String!, $project: String!, $environment: String!) {
                   resolve(org: $org, project: $project, environment: $environment) {
                     resources { resource { kind key } version { number } fellBack servedFrom { slug } } } }",
                vars,
            )
            .await?;
        let mut environment = environment;
        environment["serves"] = served["resolve"]["resources"].clone();
        environments.push(environment);
    }
    let answer = json!({ "project": args.project, "environments": environments });
    print(args.output, &answer, || {
        let mut text = format!("{}\n", args.project);
        for environment in &environments {
            let _ = writeln!(
                text,
                "  {} ({}){}",
                environment["slug"].as_str().unwrap_or("?"),
                environment["name"].as_str().unwrap_or("?"),
                roles(environment)
            );
            let serves = environment["serves"].as_array().cloned().unwrap_or_default();
            if serves.is_empty() {
                text.push_str("    (serves nothing yet)\n");
            }
            for entry in serves {
                let fell_back = if entry["fellBack"] == true {
                    format!("  (from {})", entry["servedFrom"]["slug"].as_str().unwrap_or("?"))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    text,
                    "    {} {}  v{}{}",
                    kind_name(&entry["resource"]["kind"]),
                    entry["resource"]["key"].as_str().unwrap_or("?"),
                    entry["version"]["number"],
                    fell_back
                );
            }
        }
        text.trim_end().to_owned()
    })
}

fn kind_name(kind: &Value) -> &'static str {
    match kind.as_str() {
        Some("PROMPT") => "prompt",
        Some("ROUTING_RULE") => "routing-rule",
        Some("PROVIDER") => "provider",
        _ => "resource",
    }
}

/// One line for a release: its id, state, target and changes.
fn release_line(release: &Value) -> String {
    let changes: Vec<String> = release["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let from = c["fromVersion"]["number"]
                .as_i64()
                .map_or("-".to_owned(), |n| format!("v{n}"));
            format!(
                "{} {} {from} -> v{}",
                kind_name(&c["resource"]["kind"]),
                c["resource"]["key"].as_str().unwrap_or("?"),
                c["toVersion"]["number"]
            )
        })
        .collect();
    let approvals = release["approvals"].as_array().map_or(0, Vec::len);
    let mut line = format!(
        "{}  {}  -> {}  {}",
        release["id"].as_str().unwrap_or("?"),
        release["state"].as_str().unwrap_or("?"),
        release["targetEnvironment"]["slug"].as_str().unwrap_or("?"),
        changes.join(", ")
    );
    if approvals > 0 {
        let _ = write!(
            line,
            "  ({approvals} approval{})",
            if approvals == 1 { "" } else { "s" }
        );
    }
    if let Some(reason) = release["decision"]["reason"].as_str().filter(|r| !r.is_empty()) {
        let _ = write!(line, "  reason: {reason}");
    }
    line
}

async fn publish(client: &Client, args: PublishArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let text = if args.file == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| RemoteError::local(format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(&args.file)
            .map_err(|e| RemoteError::local(format!("cannot read {}: {e}", args.file)))?
    };
    let content: Value =
        serde_json::from_str(&text).map_err(|e| RemoteError::usage(format!("{} is not JSON: {e}", args.file)))?;
    let vars = json!({
        "org": org, "project": project, "key": args.key, "content": content, "message": args.message,
        "publishTo": if args.to.is_empty() { Value::Null } else { json!(args.to) },
    });
    if args.create {
        let exists = client
            .run(
                "query($org: String!, $project: String!) { project(org: $org, slug: $project) {
                   resources(first: 100) { nodes { kind key } } } }",
                vars.clone(),
            )
            .await?;
        let found = exists["project"]["resources"]["nodes"].as_array().is_some_and(|nodes| {
            nodes
                .iter()
                .any(|n| n["kind"] == "PROMPT" && n["key"] == args.key.as_str())
        });
        if !found {
            client
                .run(
                    "mutation($org: String!, $project: String!, $key: String!) {
                       createPrompt(org: $org, project: $project, key: $key) { key } }",
                    vars.clone(),
                )
                .await?;
        }
    }
    let document = format!(
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {{
           createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {{
             created version {{ number }} releases {{ {RELEASE} }} }} }}"
    );
    let data = client.run(&document, vars).await?;
    let published = &data["createPromptVersion"];
    print(args.output, &data, || {
        let mut text = format!(
            "prompt {} v{}{}",
            args.key,
            published["version"]["number"],
            if published["created"] == true {
                ""
            } else {
                " (unchanged: the latest version already had this content)"
            }
        );
        for release in published["releases"].as_array().into_iter().flatten() {
            let _ = write!(text, "\n  {}", release_line(release));
        }
        text
    })
}

fn kind_enum(kind: &str) -> &'static str {
    match kind {
        "routing-rule" => "ROUTING_RULE",
        "provider" => "PROVIDER",
        _ => "PROMPT",
    }
}

async fn deploy(client: &Client, args: DeployArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let kind = kind_enum(&args.kind);
    // Without --number, the latest version (never null: to the API, null means "undeploy").
    let number = match args.number {
        Some(n) => n,
        None => {
            let latest = client
                .run(
                    "query($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {
                       project(org: $org, slug: $project) { resource(kind: $kind, key: $key) { latestVersion { number } } } }",
                    json!({ "org": org, "project": project, "kind": kind, "key": args.key }),
                )
                .await?;
            latest["project"]["resource"]["latestVersion"]["number"]
                .as_i64()
                .ok_or_else(|| RemoteError::usage(format!("{} {} has no version yet", args.kind, args.key)))?
        }
    };
    let document = format!(
        "mutation($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {{
           deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) {{ {RELEASE} }} }}"
    );
    let data = client
        .run(
            &document,
            json!({ "org": org, "project": project, "environment": args.environment, "message": args.message,
                    "changes": [{ "kind": kind, "key": args.key, "version": number }] }),
        )
        .await?;
    print(args.output, &data, || release_line(&data["deploy"]))
}

async fn promote(client: &Client, args: PromoteArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let document = format!(
        "mutation($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {{
           promote(org: $org, project: $project, source: $source, target: $target, message: $message) {{ {RELEASE} }} }}"
    );
    let data = client
        .run(
            &document,
            json!({ "org": org, "project": project, "source": args.from, "target": args.to, "message": args.message }),
        )
        .await?;
    print(args.output, &data, || release_line(&data["promote"]))
}

async fn releases(client: &Client, args: ReleasesArgs) -> Result<String, RemoteError> {
    let Some(project_arg) = &args.project else {
        return awaiting_me(client, args.output).await;
    };
    let (org, project) = project_ref(project_arg)?;
    let mut states: Vec<String> = args.states.iter().map(|s| s.to_ascii_uppercase()).collect();
    if states.is_empty() {
        states.push("PENDING".to_owned());
    }
    let document = format!(
        "query($org: String!, $project: String!, $states: [ReleaseState!]!) {{ project(org: $org, slug: $project) {{
           releases(states: $states, first: 50) {{ nodes {{ {RELEASE} }} }} }} }}"
    );
    let data = client
        .run(&document, json!({ "org": org, "project": project, "states": states }))
        .await?;
    let nodes = data["project"]["releases"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    print(args.output, &data, || {
        if nodes.is_empty() {
            return format!("no {} releases in {project_arg}", states.join(" or ").to_lowercase());
        }
        nodes.iter().map(release_line).collect::<Vec<_>>().join("\n")
    })
}

/// The releases of every project whose approval would count, each line naming its project.
async fn awaiting_me(client: &Client, output: Output) -> Result<String, RemoteError> {
    let document = format!(
        "query {{ releasesAwaitingMyApproval(first: 50) {{ nodes {{ organizationSlug projectSlug {RELEASE} }} }} }}"
    );
    let data = client.run(&document, json!({})).await?;
    let nodes = data["releasesAwaitingMyApproval"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    print(output, &data, || {
        if nodes.is_empty() {
            return "no release waits for your approval".to_owned();
        }
        nodes
            .iter()
            .map(|release| {
                format!(
                    "{}/{}  {}",
                    release["organizationSlug"].as_str().unwrap_or("?"),
                    release["projectSlug"].as_str().unwrap_or("?"),
                    release_line(release)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

async fn approve(client: &Client, args: ReleaseArgs) -> Result<String, RemoteError> {
    let document = format!("mutation($id: ID!) {{ approveRelease(id: $id) {{ {RELEASE} }} }}");
    let data = client.run(&document, json!({ "id": args.id })).await?;
    print(args.output, &data, || release_line(&data["approveRelease"]))
}

async fn reject(client: &Client, args: RejectArgs) -> Result<String, RemoteError> {
    let document =
        format!("mutation($id: ID!, $reason: String!) {{ rejectRelease(id: $id, reason: $reason) {{ {RELEASE} }} }}");
    let data = client
        .run(&document, json!({ "id": args.id, "reason": args.reason }))
        .await?;
    print(args.output, &data, || release_line(&data["rejectRelease"]))
}

async fn rollback(client: &Client, args: RollbackArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let document = format!(
        "mutation($org: String!, $project: String!, $environment: String!, $deployment: ID!, $message: String!) {{
           rollback(org: $org, project: $project, environment: $environment, deployment: $deployment, message: $message) {{ {RELEASE} }} }}"
    );
    let data = client
        .run(
            &document,
            json!({ "org": org, "project": project, "environment": args.environment,
                    "deployment": args.deployment, "message": args.message }),
        )
        .await?;
    print(args.output, &data, || release_line(&data["rollback"]))
}

async fn diff(client: &Client, args: DiffArgs) -> Result<String, RemoteError> {
    let (org, project) = project_ref(&args.project)?;
    let data = client
        .run(
            "query($org: String!, $project: String!, $left: String!, $right: String!) {
               diffEnvironments(org: $org, project: $project, left: $left, right: $right) {
                 resource { kind key } left { number } right { number } } }",
            json!({ "org": org, "project": project, "left": args.from, "right": args.to }),
        )
        .await?;
    let rows = data["diffEnvironments"].as_array().cloned().unwrap_or_default();
    print(args.output, &data, || {
        if rows.is_empty() {
            return format!("{} and {} serve the same", args.from, args.to);
        }
        let side = |v: &Value| v["number"].as_i64().map_or("-".to_owned(), |n| format!("v{n}"));
        let mut text = format!("{:<32} {:>8} {:>8}", "resource", args.from, args.to);
        for row in rows {
            let name = format!(
                "{} {}",
                kind_name(&row["resource"]["kind"]),
                row["resource"]["key"].as_str().unwrap_or("?")
            );
            let _ = write!(
                text,
                "\n{name:<32} {:>8} {:>8}",
                side(&row["left"]),
                side(&row["right"])
            );
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_are_org_slash_project() {
        assert_eq!(project_ref("acme/bot").unwrap(), ("acme".to_owned(), "bot".to_owned()));
        for bad in ["acme", "/bot", "acme/", "a/b/c", ""] {
            assert_eq!(project_ref(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn a_release_reads_in_one_line() {
        let release = json!({ "id": "r1", "state": "PENDING", "targetEnvironment": { "slug": "prod" },
            "changes": [{ "resource": { "kind": "PROMPT", "key": "greeting" }, "fromVersion": null, "toVersion": { "number": 2 } }],
            "approvals": [{ "user": { "subject": "bob" } }], "decision": null });
        assert_eq!(
            release_line(&release),
            "r1  PENDING  -> prod  prompt greeting - -> v2  (1 approval)"
        );
    }
}

//! The people's commands of the `slipway` binary against a running server, as a release
//! pipeline and an approver would use them: sign in, publish, status, promote, releases,
//! approve, diff, rollback, with text for people, `--json` for scripts, and exit statuses a
//! script can branch on (a policy refusal is 3, not a crash).

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Runs `slipway ARGS` with only `env` set among Slipway's variables, off the runtime's thread
/// (the server under test answers on it).
async fn slipway(args: &[&str], env: &[(&str, String)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"));
        for (name, _) in std::env::vars() {
            if name.starts_with("SLIPWAY_") {
                command.env_remove(name);
            }
        }
        command.env_remove("HOME").env_remove("XDG_CONFIG_HOME");
        command.args(&args).envs(env).output().unwrap()
    })
    .await
    .unwrap()
}

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed ({:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

struct Person {
    env: Vec<(&'static str, String)>,
}

impl Person {
    /// Someone signed in with a stored login in `dir`.
    fn stored(login_file: &Path) -> Self {
        Self {
            env: vec![("SLIPWAY_LOGIN_FILE", login_file.to_string_lossy().into_owned())],
        }
    }

    /// A pipeline that passes the server and token in its environment.
    fn pipeline(app: &TestApp, token: String) -> Self {
        Self {
            env: vec![("SLIPWAY_SERVER", app.base.clone()), ("SLIPWAY_TOKEN", token)],
        }
    }

    async fn run(&self, args: &[&str]) -> Output {
        slipway(args, &self.env).await
    }

    async fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&text(&self.run(&args).await)).unwrap()
    }
}

#[tokio::test]
async fn a_prompt_ships_from_the_command_line() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let login_file = dir.path().join("login.toml");
    let alice_token = app.token("alice");

    // Not signed in: a usage error that says how, exit status 2.
    let alice = Person::stored(&login_file);
    let output = alice.run(&["status", "acme/bot"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("slipway login"));

    let signed_in = text(
        &alice
            .run(&["login", "--server", &format!("{}/", app.base), "--token", &alice_token])
            .await,
    );
    assert!(signed_in.contains("as alice"), "{signed_in}");
    // A bad token is refused at login and stores nothing new.
    let refused = alice
        .run(&["login", "--server", &app.base, "--token", "not.a.jwt"])
        .await;
    assert_eq!(
        refused.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    app.gql(
        &alice_token,
        "mutation { createOrganization(slug: \"acme\", name: \"Acme\") { slug } }",
        json!({}),
    )
    .await;
    app.gql(
        &alice_token,
        "mutation { createProject(org: \"acme\", slug: \"bot\", name: \"Bot\") { slug } }",
        json!({}),
    )
    .await;
    let content = dir.path().join("greeting.json");
    std::fs::write(
        &content,
        json!({ "model": "gpt-4o-mini", "messages": [{ "role": "system", "content": "Greet {{name}}." }],
                "variables": ["name"] })
        .to_string(),
    )
    .unwrap();
    let content = content.to_string_lossy().into_owned();
    let published = text(
        &alice
            .run(&[
                "publish",
                "acme/bot",
                "greeting",
                "--file",
                &content,
                "--create",
                "--message",
                "first",
                "--to",
                "staging",
            ])
            .await,
    );
    assert!(published.starts_with("prompt greeting v1"), "{published}");
    assert!(published.contains("DEPLOYED  -> staging"), "{published}");
    let status = text(&alice.run(&["status", "acme/bot"]).await);
    assert!(
        status.contains("prod (Production) [production, default publish target, gateway fallback]"),
        "{status}"
    );
    assert!(
        status.contains("staging (Staging)\n    prompt greeting  v1"),
        "{status}"
    );

    // prod takes changes from staging only, after an approval by Bob.
    app.gql(
        &alice_token,
        "mutation { setPromotionPolicy(org: \"acme\", project: \"bot\", environment: \"prod\",
           input: { allowedSources: [\"staging\"], allowDirect: false, requiredApprovals: 1 }) { slug } }",
        json!({}),
    )
    .await;
    app.gql(
        &alice_token,
        "mutation { addMember(org: \"acme\", project: \"bot\", subject: \"bob\", role: APPROVER) { role } }",
        json!({}),
    )
    .await;
    // A direct deployment to prod is a policy violation: status 3, the rule named.
    let direct = alice
        .run(&["deploy", "acme/bot", "--to", "prod", "--key", "greeting"])
        .await;
    assert_eq!(
        direct.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&direct.stderr)
    );
    assert!(String::from_utf8_lossy(&direct.stderr).contains("POLICY_VIOLATION"));

    let promoted = alice
        .json(&["promote", "acme/bot", "--from", "staging", "--to", "prod"])
        .await;
    assert_eq!(promoted["promote"]["state"], "PENDING", "{promoted}");
    let release = promoted["promote"]["id"].as_str().unwrap().to_owned();

    let bob = Person::pipeline(&app, app.token("bob"));
    let waiting = text(&bob.run(&["releases", "acme/bot"]).await);
    assert!(
        waiting.contains(&release) && waiting.contains("PENDING  -> prod"),
        "{waiting}"
    );
    let mine = text(&bob.run(&["releases"]).await);
    assert!(mine.contains(&format!("acme/bot  {release}  PENDING")), "{mine}");
    let carol = Person::pipeline(&app, app.token("carol"));
    let nothing = text(&carol.run(&["releases"]).await);
    assert!(nothing.contains("no release waits for your approval"), "{nothing}");
    let approved = text(&bob.run(&["approve", &release]).await);
    assert!(
        approved.contains("DEPLOYED  -> prod") && approved.contains("(1 approval)"),
        "{approved}"
    );
    let none = text(&bob.run(&["releases", "acme/bot"]).await);
    assert!(none.contains("no pending releases"), "{none}");

    let same = text(
        &alice
            .run(&["diff", "acme/bot", "--from", "staging", "--to", "prod"])
            .await,
    );
    assert_eq!(same.trim(), "staging and prod serve the same");
    std::fs::write(
        dir.path().join("greeting.json"),
        json!({ "model": "gpt-4o-mini", "messages": [{ "role": "system", "content": "Greet {{name}} warmly." }],
                "variables": ["name"] })
        .to_string(),
    )
    .unwrap();
    let v2 = text(
        &alice
            .run(&["publish", "acme/bot", "greeting", "--file", &content, "--to", "staging"])
            .await,
    );
    assert!(v2.starts_with("prompt greeting v2"), "{v2}");
    let differs = alice
        .json(&["diff", "acme/bot", "--from", "staging", "--to", "prod"])
        .await;
    let row = &differs["diffEnvironments"][0];
    assert_eq!(
        (&row["left"]["number"], &row["right"]["number"]),
        (&json!(2), &json!(1)),
        "{differs}"
    );

    // A viewer may look but not approve: status 4.
    app.gql(
        &alice_token,
        "mutation { addMember(org: \"acme\", project: \"bot\", subject: \"vic\", role: VIEWER) { role } }",
        json!({}),
    )
    .await;
    let vic = Person::pipeline(&app, app.token("vic"));
    let pending = alice
        .json(&["promote", "acme/bot", "--from", "staging", "--to", "prod"])
        .await;
    let pending = pending["promote"]["id"].as_str().unwrap().to_owned();
    let forbidden = vic.run(&["approve", &pending]).await;
    assert_eq!(
        forbidden.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&forbidden.stderr)
    );
    let rejected = text(&bob.run(&["reject", &pending, "--reason", "not today"]).await);
    assert!(rejected.contains("REJECTED"), "{rejected}");

    // Back to the first deployment of staging.
    let history = app
        .gql(
            &alice_token,
            "{ project(org: \"acme\", slug: \"bot\") { environment(slug: \"staging\") {
                 deployments(first: 10) { nodes { id sequence } } } } }",
            json!({}),
        )
        .await;
    let first = history["project"]["environment"]["deployments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|d| d["sequence"].as_i64())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rolled = text(
        &alice
            .run(&["rollback", "acme/bot", "--env", "staging", "--to", &first])
            .await,
    );
    assert!(
        rolled.contains("DEPLOYED  -> staging") && rolled.contains("v2 -> v1"),
        "{rolled}"
    );
    let status = text(&alice.run(&["status", "acme/bot"]).await);
    assert!(!status.contains("v2"), "{status}");

    assert!(text(&alice.run(&["logout"]).await).contains("signed out"));
    assert!(!login_file.exists());
    app.finish().await;
}

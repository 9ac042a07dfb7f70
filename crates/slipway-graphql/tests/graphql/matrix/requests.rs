//! One request builder per case of the table: a document and variables pointing at the site of
//! the scope, after preparing (as that site's owner, author or approver) whatever the request
//! needs — a pending release to approve, an environment to delete — so that no outcome depends
//! on which cells ran before.

use serde_json::{Value, json};

use super::world::{Scope, Site, World, activation, prompt, routing_rule};

/// What a case sends.
pub enum Request {
    /// A query or mutation.
    Execute { query: &'static str, variables: Value },
    /// A subscription, and the change (made by the site's owner) that must reach a subscriber
    /// who is allowed.
    Subscribe {
        query: &'static str,
        variables: Value,
        trigger: Trigger,
    },
}

/// The change that produces a subscription event.
#[derive(Debug, Clone, Copy)]
pub enum Trigger {
    /// `qa`'s description changes.
    EnvironmentUpdate,
    /// A new version of `greeting` is released into `qa`.
    Release,
}

const UPDATE_QA: &str = r#"mutation($org: String!, $project: String!, $n: String!) {
  updateEnvironment(org: $org, project: $project, slug: "qa", input: { description: $n }) { slug }
}"#;

/// Makes the change of `trigger` in `site`.
pub async fn trigger(w: &World, site: &Site, trigger: Trigger) {
    match trigger {
        Trigger::EnvironmentUpdate => {
            let n = w.unique().to_string();
            w.prepare(site, &site.owner, UPDATE_QA, json!({ "n": n })).await;
        }
        Trigger::Release => {
            w.new_prompt_version(site, &["qa"]).await;
        }
    }
}

fn execute(query: &'static str, site: &Site, variables: Value) -> Request {
    Request::Execute {
        query,
        variables: site.variables(variables),
    }
}

/// The request of `case` against the site of `scope`, or `None` for a case without a builder.
#[allow(clippy::too_many_lines)] // one arm per case, each a few lines
pub async fn build(w: &World, case: &str, scope: Scope) -> Option<Request> {
    let site = w.site(scope);
    let n = w.unique();
    let request = match case {
        "viewer" => execute("{ viewer { user { subject } } }", site, json!({})),
        "organization" => execute(
            "query($org: String!) { organization(slug: $org) { slug } }",
            site,
            json!({}),
        ),
        "project" => execute(
            "query($org: String!, $project: String!) { project(org: $org, slug: $project) { slug } }",
            site,
            json!({}),
        ),
        "environment" => execute(
            r#"query($org: String!, $project: String!) { environment(org: $org, project: $project, slug: "staging") { slug } }"#,
            site,
            json!({}),
        ),
        "release" => {
            let (id, _) = w.release_into(site, "qa").await;
            execute(
                "query($id: ID!) { release(id: $id) { state } }",
                site,
                json!({ "id": id }),
            )
        }
        "resolve" => execute(
            r#"query($org: String!, $project: String!) {
              resolve(org: $org, project: $project, environment: "staging", kind: PROMPT, key: "greeting") { etag }
            }"#,
            site,
            json!({}),
        ),
        "resolve: an environment outside the API key's" => execute(
            r#"query($org: String!, $project: String!) { resolve(org: $org, project: $project, environment: "qa") { etag } }"#,
            site,
            json!({}),
        ),
        "diffEnvironments" => execute(
            r#"query($org: String!, $project: String!) {
              diffEnvironments(org: $org, project: $project, left: "prod", right: "staging") { resource { key } }
            }"#,
            site,
            json!({}),
        ),
        "auditLog" => execute(
            "query($org: String!, $project: String!) { auditLog(org: $org, project: $project, first: 1) { nodes { id } } }",
            site,
            json!({}),
        ),
        "auditChain" => execute(
            "query($org: String!, $project: String!) { auditChain(org: $org, project: $project) { verified } }",
            site,
            json!({}),
        ),
        "releasesAwaitingMyApproval" => execute(
            "{ releasesAwaitingMyApproval(first: 5) { nodes { id } } }",
            site,
            json!({}),
        ),
        "createOrganization" => execute(
            r#"mutation($slug: String!) { createOrganization(slug: $slug, name: "New") { slug } }"#,
            site,
            json!({ "slug": format!("org-{n}") }),
        ),
        "createProject" => execute(
            r#"mutation($org: String!, $slug: String!) { createProject(org: $org, slug: $slug, name: "New") { slug } }"#,
            site,
            json!({ "slug": format!("project-{n}") }),
        ),
        "createEnvironment" => execute(
            r#"mutation($org: String!, $project: String!, $slug: String!) {
              createEnvironment(org: $org, project: $project, input: { slug: $slug, name: "New" }) { slug }
            }"#,
            site,
            json!({ "slug": format!("env-{n}") }),
        ),
        "updateEnvironment" => execute(UPDATE_QA, site, json!({ "n": n.to_string() })),
        "reorderEnvironments" => {
            let data = w
                .prepare(
                    site,
                    &site.owner,
                    "query($org: String!, $project: String!) { project(org: $org, slug: $project) { environments(first: 100) { nodes { slug } } } }",
                    json!({}),
                )
                .await;
            let mut order: Vec<Value> = data["project"]["environments"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["slug"].clone())
                .collect();
            order.reverse();
            execute(
                "mutation($org: String!, $project: String!, $order: [String!]!) { reorderEnvironments(org: $org, project: $project, order: $order) { slug } }",
                site,
                json!({ "order": order }),
            )
        }
        "setEnvironmentRoles" => execute(
            r#"mutation($org: String!, $project: String!, $mark: Boolean!) {
              setEnvironmentRoles(org: $org, project: $project, input: { production: [{ environment: "qa", isProduction: $mark }] }) { slug }
            }"#,
            site,
            json!({ "mark": n.is_multiple_of(2) }),
        ),
        "setEnvironmentRoles: moving the default and the fallback" => {
            let data = w
                .prepare(
                    site,
                    &site.owner,
                    r#"query($org: String!, $project: String!) { environment(org: $org, project: $project, slug: "prod") { isDefaultPublishTarget } }"#,
                    json!({}),
                )
                .await;
            let to = if data["environment"]["isDefaultPublishTarget"] == true {
                "staging"
            } else {
                "prod"
            };
            execute(
                r#"mutation($org: String!, $project: String!, $to: String!) {
                  setEnvironmentRoles(org: $org, project: $project, input: { defaultPublishTarget: $to, gatewayFallback: $to }) { slug }
                }"#,
                site,
                json!({ "to": to }),
            )
        }
        "deleteEnvironment" => {
            let slug = format!("doomed-{n}");
            w.prepare(
                site,
                &site.owner,
                r#"mutation($org: String!, $project: String!, $slug: String!) {
                  createEnvironment(org: $org, project: $project, input: { slug: $slug, name: "Doomed" }) { slug }
                }"#,
                json!({ "slug": slug }),
            )
            .await;
            execute(
                "mutation($org: String!, $project: String!, $slug: String!) { deleteEnvironment(org: $org, project: $project, slug: $slug) { slug } }",
                site,
                json!({ "slug": slug }),
            )
        }
        "setPromotionPolicy" => execute(
            r#"mutation($org: String!, $project: String!) {
              setPromotionPolicy(org: $org, project: $project, environment: "qa", input: { requiredApprovals: 0 }) { slug }
            }"#,
            site,
            json!({}),
        ),
        "createPrompt" => execute(
            "mutation($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }",
            site,
            json!({ "key": format!("prompt-{n}") }),
        ),
        "createPromptVersion" => execute(
            r#"mutation($org: String!, $project: String!, $content: JSON!) {
              createPromptVersion(org: $org, project: $project, key: "greeting", content: $content, publishTo: ["qa"]) { created }
            }"#,
            site,
            json!({ "content": prompt(&format!("text {n}")) }),
        ),
        "createRoutingRule" => execute(
            "mutation($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }",
            site,
            json!({ "key": format!("rule-{n}") }),
        ),
        "createRoutingRuleRelease" => execute(
            r#"mutation($org: String!, $project: String!, $content: JSON!) {
              createRoutingRuleRelease(org: $org, project: $project, key: "default", content: $content, publishTo: []) { created }
            }"#,
            site,
            json!({ "content": routing_rule(&format!("route-{n}")) }),
        ),
        "createProvider" => execute(
            "mutation($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }",
            site,
            json!({ "key": format!("provider-{n}") }),
        ),
        "createProviderActivation" => execute(
            r#"mutation($org: String!, $project: String!, $content: JSON!) {
              createProviderActivation(org: $org, project: $project, key: "openai", content: $content, publishTo: []) { created }
            }"#,
            site,
            json!({ "content": activation(&format!("v{n}"), &site.credential) }),
        ),
        "setProviderCredential" => execute(
            r#"mutation($org: String!, $project: String!, $secret: String!) {
              setProviderCredential(org: $org, project: $project, provider: "openai", secret: $secret) { id }
            }"#,
            site,
            json!({ "secret": format!("sk-{n}") }),
        ),
        "deploy" | "deploy: bypassing a policy rule" => {
            let version = w.new_prompt_version(site, &[]).await;
            let (env, bypass) = if case == "deploy" {
                ("qa", Value::Null)
            } else {
                ("locked", json!("hotfix"))
            };
            execute(
                r#"mutation($org: String!, $project: String!, $env: String!, $version: Int!, $bypass: String) {
                  deploy(org: $org, project: $project, environment: $env, changes: [{ kind: PROMPT, key: "greeting", version: $version }], bypassReason: $bypass) { state }
                }"#,
                site,
                json!({ "env": env, "version": version, "bypass": bypass }),
            )
        }
        "promote" => {
            w.new_prompt_version(site, &["staging"]).await;
            execute(
                r#"mutation($org: String!, $project: String!) { promote(org: $org, project: $project, source: "staging", target: "qa") { state } }"#,
                site,
                json!({}),
            )
        }
        "rollback" => {
            w.new_prompt_version(site, &["staging"]).await;
            execute(
                r#"mutation($org: String!, $project: String!, $deployment: ID!) {
                  rollback(org: $org, project: $project, environment: "staging", deployment: $deployment) { state }
                }"#,
                site,
                json!({ "deployment": site.first_staging_deployment }),
            )
        }
        "approveRelease" => {
            let id = w.pending_release(site).await;
            execute(
                "mutation($id: ID!) { approveRelease(id: $id) { state } }",
                site,
                json!({ "id": id }),
            )
        }
        "rejectRelease" => {
            let id = w.pending_release(site).await;
            execute(
                r#"mutation($id: ID!) { rejectRelease(id: $id, reason: "not now") { state } }"#,
                site,
                json!({ "id": id }),
            )
        }
        "cancelRelease: someone else's release" => {
            let id = w.pending_release(site).await;
            execute(
                "mutation($id: ID!) { cancelRelease(id: $id) { state } }",
                site,
                json!({ "id": id }),
            )
        }
        "applyRelease" => {
            let id = w.approved_release(site).await;
            execute(
                "mutation($id: ID!) { applyRelease(id: $id) { state } }",
                site,
                json!({ "id": id }),
            )
        }
        "addMember" | "addMember: granting the owner role" => {
            let role = if case == "addMember" { "DEVELOPER" } else { "OWNER" };
            execute(
                "mutation($org: String!, $project: String!, $subject: String!, $role: Role!) { addMember(org: $org, project: $project, subject: $subject, role: $role) { role } }",
                site,
                json!({ "subject": format!("member-{n}"), "role": role }),
            )
        }
        "removeMember" => {
            let subject = format!("leaver-{n}");
            w.prepare(
                site,
                &site.owner,
                "mutation($org: String!, $project: String!, $subject: String!) { addMember(org: $org, project: $project, subject: $subject, role: VIEWER) { role } }",
                json!({ "subject": subject }),
            )
            .await;
            execute(
                "mutation($org: String!, $project: String!, $subject: String!) { removeMember(org: $org, project: $project, subject: $subject) }",
                site,
                json!({ "subject": subject }),
            )
        }
        "createApiKey" => execute(
            "mutation($org: String!, $project: String!, $name: String!) { createApiKey(org: $org, project: $project, name: $name) { apiKey { id } } }",
            site,
            json!({ "name": format!("key-{n}") }),
        ),
        "revokeApiKey" => {
            let data = w
                .prepare(
                    site,
                    &site.owner,
                    r#"mutation($org: String!, $project: String!) { createApiKey(org: $org, project: $project, name: "doomed") { apiKey { id } } }"#,
                    json!({}),
                )
                .await;
            let id = data["createApiKey"]["apiKey"]["id"].clone();
            execute(
                "mutation($org: String!, $project: String!, $id: ID!) { revokeApiKey(org: $org, project: $project, id: $id) { id } }",
                site,
                json!({ "id": id }),
            )
        }
        "createWebhookEndpoint" => execute(
            r#"mutation($org: String!, $project: String!) { createWebhookEndpoint(org: $org, project: $project, input: { url: "https://hooks.example.com/in", events: ["release.deployed"] }) { endpoint { id } } }"#,
            site,
            json!({}),
        ),
        "updateWebhookEndpoint" | "rotateWebhookSecret" | "deleteWebhookEndpoint" | "sendTestWebhook" => {
            let id = webhook_endpoint(w, site).await;
            let query = match case {
                "updateWebhookEndpoint" => {
                    "mutation($org: String!, $project: String!, $id: ID!) { updateWebhookEndpoint(org: $org, project: $project, id: $id, input: { enabled: false }) { id } }"
                }
                "rotateWebhookSecret" => {
                    "mutation($org: String!, $project: String!, $id: ID!) { rotateWebhookSecret(org: $org, project: $project, id: $id) { secret } }"
                }
                "deleteWebhookEndpoint" => {
                    "mutation($org: String!, $project: String!, $id: ID!) { deleteWebhookEndpoint(org: $org, project: $project, id: $id) }"
                }
                _ => {
                    "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }"
                }
            };
            execute(query, site, json!({ "id": id }))
        }
        "redeliverWebhook" => {
            let id = webhook_endpoint(w, site).await;
            w.prepare(
                site,
                &site.owner,
                "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }",
                json!({ "id": id }),
            )
            .await;
            let data = w
                .prepare(
                    site,
                    &site.owner,
                    "query($org: String!, $project: String!) { project(org: $org, slug: $project) { webhookEndpoints(first: 100) { nodes { deliveries(first: 1) { nodes { id } } } } } }",
                    json!({}),
                )
                .await;
            let delivery = data["project"]["webhookEndpoints"]["nodes"]
                .as_array()
                .and_then(|nodes| nodes.iter().find_map(|n| n["deliveries"]["nodes"][0]["id"].as_str()))
                .map(str::to_owned);
            execute(
                "mutation($org: String!, $project: String!, $id: ID!) { redeliverWebhook(org: $org, project: $project, id: $id) { id } }",
                site,
                json!({ "id": delivery }),
            )
        }
        "environmentChanged" => Request::Subscribe {
            query: "subscription($org: String!, $project: String!) { environmentChanged(org: $org, project: $project) { environment { slug } } }",
            variables: site.variables(json!({})),
            trigger: Trigger::EnvironmentUpdate,
        },
        "releaseUpdated" => Request::Subscribe {
            query: "subscription($org: String!, $project: String!) { releaseUpdated(org: $org, project: $project) { state } }",
            variables: site.variables(json!({})),
            trigger: Trigger::Release,
        },
        _ => return None,
    };
    Some(request)
}

/// A fresh webhook endpoint in `site`, created by its owner; returns its id.
async fn webhook_endpoint(w: &World, site: &Site) -> Value {
    let data = w
        .prepare(
            site,
            &site.owner,
            r#"mutation($org: String!, $project: String!) { createWebhookEndpoint(org: $org, project: $project, input: { url: "https://hooks.example.com/in", events: ["release.deployed"] }) { endpoint { id } } }"#,
            json!({}),
        )
        .await;
    data["createWebhookEndpoint"]["endpoint"]["id"].clone()
}

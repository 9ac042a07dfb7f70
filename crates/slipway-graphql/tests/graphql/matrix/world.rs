//! The fixtures of the authorization matrix, built once: organization `acme` (project `chat`)
//! with one member per role and a gateway API key, and organization `globex` (project `hq`)
//! that none of them belongs to. Both projects hold the same environments and resources, so
//! every request builder can point at either.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use slipway_service::Ctx;

use crate::harness::Harness;

/// Who makes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    /// The owner of `acme` (and so of every project in it).
    Owner,
    Admin,
    Developer,
    Approver,
    Viewer,
    /// A gateway API key of `acme/chat`, limited to `prod` and `staging`.
    ApiKey,
}

/// Every caller, in the order of the table's columns.
pub const CALLERS: [Who; 7] = [
    Who::Anonymous,
    Who::Owner,
    Who::Admin,
    Who::Developer,
    Who::Approver,
    Who::Viewer,
    Who::ApiKey,
];

/// Whose project a request points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `acme/chat`, the callers' own.
    Own,
    /// `globex/hq`, another organization's.
    Other,
}

/// One project's fixtures and the users who prepare requests against it.
pub struct Site {
    pub org: &'static str,
    pub project: &'static str,
    /// Owns the organization; prepares what a request needs (versions, environments, keys).
    pub owner: Ctx,
    /// A developer who authors the releases that others approve, reject, cancel or apply.
    pub author: Ctx,
    /// An approver who approves releases before someone applies them.
    pub approver: Ctx,
    /// The id of the first deployment of `staging` (a rollback target).
    pub first_staging_deployment: String,
    /// The id of the `openai` provider's credential.
    pub credential: String,
}

/// Both sites, the callers, and a counter for unique names.
pub struct World {
    pub h: Harness,
    pub own: Site,
    pub other: Site,
    callers: Vec<(Who, Ctx)>,
    counter: AtomicU64,
}

/// The environments every project gets besides `prod` and `staging`, with their policies:
/// `qa` deploys at once, `gated` waits for one approval and then deploys, `manual` waits for one
/// approval and then for an explicit apply, `locked` takes promotions only.
const ENVIRONMENTS: [(&str, &str); 4] = [
    ("qa", "{ requiredApprovals: 0 }"),
    ("gated", "{ requiredApprovals: 1 }"),
    ("manual", "{ requiredApprovals: 1, autoApply: false }"),
    ("locked", "{ allowDirect: false }"),
];

/// Prompt content whose text is `text`.
pub fn prompt(text: &str) -> Value {
    json!({"model": "gpt-4o", "messages": [{"role": "system", "content": text}]})
}

/// Routing-rule content with one route named `name`, to the `openai` provider.
pub fn routing_rule(name: &str) -> Value {
    json!({"routes": [{"name": name, "targets": [{"provider": "openai", "model": "gpt-4o"}]}]})
}

/// Provider-activation content at base URL path `path`, using `credential`.
pub fn activation(path: &str, credential: &str) -> Value {
    json!({"provider_kind": "openai", "base_url": format!("https://api.openai.com/{path}"), "models": ["gpt-4o"], "credential": credential})
}

impl World {
    /// Builds both sites and every caller.
    pub async fn build() -> Self {
        let h = Harness::start().await;
        let own = Site::build(&h, "acme", "chat", ["olivia", "aldo", "abe"]).await;
        let other = Site::build(&h, "globex", "hq", ["gina", "gus", "gabe"]).await;
        let mut callers = vec![(Who::Owner, own.owner.clone())];
        for (who, subject, role) in [
            (Who::Admin, "adam", "ADMIN"),
            (Who::Developer, "devi", "DEVELOPER"),
            (Who::Approver, "april", "APPROVER"),
            (Who::Viewer, "vic", "VIEWER"),
        ] {
            own.add_member(&h, subject, role).await;
            callers.push((who, h.user(subject).await));
        }
        let key = h
            .ok(
                &own.owner,
                r#"mutation { createApiKey(org: "acme", project: "chat", name: "gateway", environments: ["prod", "staging"]) { secret } }"#,
                json!({}),
            )
            .await;
        let secret = key["createApiKey"]["secret"].as_str().unwrap();
        let key = h.service.authenticate_api_key(secret, None).await.unwrap();
        callers.push((Who::ApiKey, key));
        Self {
            h,
            own,
            other,
            callers,
            counter: AtomicU64::new(0),
        }
    }

    /// The site of `scope`.
    pub fn site(&self, scope: Scope) -> &Site {
        match scope {
            Scope::Own => &self.own,
            Scope::Other => &self.other,
        }
    }

    /// The context of `who` (`None`: anonymous).
    pub fn caller(&self, who: Who) -> Option<&Ctx> {
        self.callers.iter().find(|(w, _)| *w == who).map(|(_, ctx)| ctx)
    }

    /// A number no other call returns, for unique names and contents.
    pub fn unique(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Runs `query` as `ctx` with the site's `org` and `project` added to `variables`, and
    /// returns the data (the preparation of a request must succeed).
    pub async fn prepare(&self, site: &Site, ctx: &Ctx, query: &str, variables: Value) -> Value {
        self.h.ok(ctx, query, site.variables(variables)).await
    }

    /// A new version of prompt `greeting` in `site`, published to `to`; returns its number.
    pub async fn new_prompt_version(&self, site: &Site, to: &[&str]) -> i64 {
        let content = prompt(&format!("text {}", self.unique()));
        let data = self
            .prepare(
                site,
                &site.owner,
                r#"mutation($org: String!, $project: String!, $content: JSON!, $to: [String!]) {
                  createPromptVersion(org: $org, project: $project, key: "greeting", content: $content, publishTo: $to) { version { number } }
                }"#,
                json!({"content": content, "to": to}),
            )
            .await;
        data["createPromptVersion"]["version"]["number"].as_i64().unwrap()
    }

    /// A release of a new version of `greeting` into `environment`, authored by the site's
    /// author; returns its id and state.
    pub async fn release_into(&self, site: &Site, environment: &str) -> (String, String) {
        let version = self.new_prompt_version(site, &[]).await;
        let data = self
            .prepare(
                site,
                &site.author,
                r#"mutation($org: String!, $project: String!, $env: String!, $version: Int!) {
                  deploy(org: $org, project: $project, environment: $env, changes: [{ kind: PROMPT, key: "greeting", version: $version }]) { id state }
                }"#,
                json!({"env": environment, "version": version}),
            )
            .await;
        let release = &data["deploy"];
        (
            release["id"].as_str().unwrap().to_owned(),
            release["state"].as_str().unwrap().to_owned(),
        )
    }

    /// A pending release (into `gated`), authored by the site's author.
    pub async fn pending_release(&self, site: &Site) -> String {
        let (id, state) = self.release_into(site, "gated").await;
        assert_eq!(state, "PENDING");
        id
    }

    /// An approved release waiting for an explicit apply (into `manual`).
    pub async fn approved_release(&self, site: &Site) -> String {
        let (id, state) = self.release_into(site, "manual").await;
        assert_eq!(state, "PENDING");
        let data = self
            .prepare(
                site,
                &site.approver,
                r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
                json!({"id": id}),
            )
            .await;
        assert_eq!(data["approveRelease"]["state"], "APPROVED");
        id
    }
}

impl Site {
    /// Organization `org` with project `project`, owned by `owner`, with the `author`
    /// (developer) and `approver` members, the extra environments and policies, and the
    /// resources: prompt `greeting` (v1 live in staging), provider `openai` with a credential
    /// and an activation, routing rule `default` with a release.
    async fn build(
        h: &Harness,
        org: &'static str,
        project: &'static str,
        [owner, author, approver]: [&str; 3],
    ) -> Self {
        let owner = h.user(owner).await;
        h.ok(
            &owner,
            r#"mutation($org: String!) { createOrganization(slug: $org, name: "Org") { id } }"#,
            json!({"org": org}),
        )
        .await;
        h.ok(
            &owner,
            r#"mutation($org: String!, $project: String!) { createProject(org: $org, slug: $project, name: "Project") { id } }"#,
            json!({"org": org, "project": project}),
        )
        .await;
        let mut site = Self {
            org,
            project,
            author: h.user(author).await,
            approver: h.user(approver).await,
            owner,
            first_staging_deployment: String::new(),
            credential: String::new(),
        };
        let (author, approver) = (author.to_owned(), approver.to_owned());
        site.add_member(h, &author, "DEVELOPER").await;
        site.add_member(h, &approver, "APPROVER").await;
        for (slug, policy) in ENVIRONMENTS {
            site.owner_runs(
                h,
                r#"mutation($org: String!, $project: String!, $slug: String!) {
                  createEnvironment(org: $org, project: $project, input: { slug: $slug, name: $slug }) { slug }
                }"#,
                json!({"slug": slug}),
            )
            .await;
            let set = format!(
                r#"mutation($org: String!, $project: String!, $slug: String!) {{
                  setPromotionPolicy(org: $org, project: $project, environment: $slug, input: {policy}) {{ slug }}
                }}"#
            );
            site.owner_runs(h, &set, json!({"slug": slug})).await;
        }
        site.owner_runs(
            h,
            r#"mutation($org: String!, $project: String!, $content: JSON!) {
              createPrompt(org: $org, project: $project, key: "greeting") { id }
              createPromptVersion(org: $org, project: $project, key: "greeting", content: $content, publishTo: ["staging"]) { version { number } }
            }"#,
            json!({"content": prompt("v1")}),
        )
        .await;
        let data = site
            .owner_runs(
                h,
                r#"mutation($org: String!, $project: String!) {
                  createProvider(org: $org, project: $project, key: "openai") { id }
                  setProviderCredential(org: $org, project: $project, provider: "openai", secret: "sk-test") { id }
                }"#,
                json!({}),
            )
            .await;
        site.credential = data["setProviderCredential"]["id"].as_str().unwrap().to_owned();
        site.owner_runs(
            h,
            r#"mutation($org: String!, $project: String!, $activation: JSON!, $rule: JSON!) {
              createProviderActivation(org: $org, project: $project, key: "openai", content: $activation, publishTo: []) { created }
              createRoutingRule(org: $org, project: $project, key: "default") { id }
              createRoutingRuleRelease(org: $org, project: $project, key: "default", content: $rule, publishTo: []) { created }
            }"#,
            json!({"activation": activation("v1", &site.credential), "rule": routing_rule("all")}),
        )
        .await;
        let data = site
            .owner_runs(
                h,
                r#"query($org: String!, $project: String!) {
                  environment(org: $org, project: $project, slug: "staging") { deployments(first: 1) { nodes { id } } }
                }"#,
                json!({}),
            )
            .await;
        site.first_staging_deployment = data["environment"]["deployments"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        site
    }

    /// `variables` with the site's `org` and `project`.
    pub fn variables(&self, mut variables: Value) -> Value {
        variables["org"] = json!(self.org);
        variables["project"] = json!(self.project);
        variables
    }

    async fn owner_runs(&self, h: &Harness, query: &str, variables: Value) -> Value {
        h.ok(&self.owner, query, self.variables(variables)).await
    }

    async fn add_member(&self, h: &Harness, subject: &str, role: &str) {
        let query = format!(
            r#"mutation($org: String!, $project: String!, $subject: String!) {{
              addMember(org: $org, project: $project, subject: $subject, role: {role}) {{ role }}
            }}"#
        );
        self.owner_runs(h, &query, json!({"subject": subject})).await;
    }
}

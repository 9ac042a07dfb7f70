//! Releases and pointers of one project under random sequences of create (publish, promotion,
//! rollback, direct), approve, reject, cancel, expire and apply, while roles, policies and time
//! change underneath.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::Index;
use slipway_domain::deployment::apply_changes;
use slipway_domain::policy::PolicyRule;
use slipway_domain::policy::{FreezeWindow, PolicySpec, PromotionPolicy};
use slipway_domain::release::{
    ApplyContext, BypassRequest, Change, FlowContext, FlowWrite, NextDeployment, Release, ReleaseOrigin, ReleaseParts,
    ReleaseState, Step, Trigger, advance, decide_apply, direct_changes, may_deploy, promotion, publish_change,
    rollback_changes,
};
use slipway_domain::state::{LivePointer, Pointers};
use slipway_domain::text::Message;
use slipway_domain::{
    DeploymentId, DomainError, EnvironmentId, Permission, ProjectId, ReleaseId, ResourceId, Role, UserId, VersionId,
};
use uuid::Uuid;

use crate::fixtures::{config, env, project, res, t, user, ver};

/// Production, Staging and QA.
const ENVS: [u128; 3] = [1, 2, 3];
/// Resources 1..=3, each with versions 1..=3.
const RESOURCES: u128 = 3;
const VERSIONS: u128 = 3;
/// Users 1..=4 author and approve; user 9 holds `policy:bypass`.
const USERS: u128 = 4;
const BYPASSER: u128 = 9;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Publish,
    Promotion,
    Rollback,
    Direct,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        kind: Kind,
        target: Index,
        source: Index,
        resource: u128,
        /// 0 means "remove the pointer" for a direct release.
        version: u128,
        subset: bool,
        author: u128,
        earlier: Index,
    },
    Approve {
        release: Pick,
        user: u128,
    },
    Reject {
        release: Pick,
        user: u128,
    },
    Cancel {
        release: Pick,
        user: u128,
        admin: bool,
    },
    SetRole {
        user: u128,
        role: Option<Role>,
    },
    SetPolicy {
        env: Index,
        spec: Spec,
    },
    Advance {
        secs: i64,
    },
    ExpireDue,
    Apply {
        release: Pick,
        bypass: bool,
    },
}

/// Which release an operation acts on: mostly an open one (so that sequences get somewhere),
/// sometimes any, closed ones included.
#[derive(Debug, Clone)]
struct Pick {
    index: Index,
    open_only: bool,
}

fn pick() -> impl Strategy<Value = Pick> {
    (any::<Index>(), prop::bool::weighted(0.8)).prop_map(|(index, open_only)| Pick { index, open_only })
}

/// A policy spec with environments as numbers (the target's own number is dropped from the
/// sources when it is applied).
#[derive(Debug, Clone)]
struct Spec {
    allowed_sources: Vec<u128>,
    allow_direct: bool,
    required_approvals: u32,
    approver_roles: Vec<Role>,
    prevent_self_approval: bool,
    min_soak_seconds: u64,
    freeze: Option<(i64, i64)>,
    auto_apply: bool,
    expires_after_seconds: Option<u64>,
}

impl Spec {
    fn policy(&self, own: u128, revision: u32) -> PromotionPolicy {
        let spec = PolicySpec {
            allowed_sources: self
                .allowed_sources
                .iter()
                .filter(|s| **s != own)
                .map(|s| env(*s))
                .collect(),
            allow_direct: self.allow_direct,
            required_approvals: self.required_approvals,
            approver_roles: self.approver_roles.clone(),
            prevent_self_approval: self.prevent_self_approval,
            min_soak_seconds: self.min_soak_seconds,
            freeze_windows: self
                .freeze
                .map(|(start, len)| FreezeWindow::new(t(start), t(start + len), "freeze").unwrap())
                .into_iter()
                .collect(),
            auto_apply: self.auto_apply,
            expires_after_seconds: self.expires_after_seconds,
        };
        PromotionPolicy::from_spec(revision, spec, env(own)).unwrap()
    }
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

/// A role that may be named among a policy's approver roles (one holding `release:approve`).
fn approver_role() -> impl Strategy<Value = Role> {
    let approving: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| r.permits(Permission::ReleaseApprove))
        .collect();
    prop::sample::select(approving)
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(1u128..=3, 0..2),
        prop::bool::weighted(0.8),
        prop_oneof![2 => Just(0u32), 1 => 1u32..=2],
        prop::collection::vec(approver_role(), 0..2),
        prop::bool::weighted(0.8),
        prop_oneof![Just(0u64), Just(30u64)],
        prop::option::weighted(0.3, (0i64..600, 10i64..120)),
        any::<bool>(),
        prop::option::weighted(0.3, 60u64..600),
    )
        .prop_map(
            |(
                allowed_sources,
                allow_direct,
                required_approvals,
                approver_roles,
                prevent_self_approval,
                min_soak_seconds,
                freeze,
                auto_apply,
                expires_after_seconds,
            )| Spec {
                allowed_sources,
                allow_direct,
                required_approvals,
                approver_roles,
                prevent_self_approval,
                min_soak_seconds,
                freeze,
                auto_apply,
                expires_after_seconds,
            },
        )
}

fn a_user() -> impl Strategy<Value = u128> {
    1..=USERS
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![
        Just(Kind::Publish),
        Just(Kind::Promotion),
        Just(Kind::Rollback),
        Just(Kind::Direct)
    ];
    prop_oneof![
        5 => (
            kind,
            any::<Index>(),
            any::<Index>(),
            1..=RESOURCES,
            0..=VERSIONS,
            any::<bool>(),
            a_user(),
            any::<Index>(),
        )
            .prop_map(|(kind, target, source, resource, version, subset, author, earlier)| Op::Create {
                kind,
                target,
                source,
                resource,
                version,
                subset,
                author,
                earlier,
            }),
        4 => (pick(), a_user()).prop_map(|(release, user)| Op::Approve { release, user }),
        1 => (pick(), a_user()).prop_map(|(release, user)| Op::Reject { release, user }),
        1 => (pick(), a_user(), any::<bool>())
            .prop_map(|(release, user, admin)| Op::Cancel { release, user, admin }),
        1 => (a_user(), prop::option::weighted(0.9, role())).prop_map(|(user, role)| Op::SetRole { user, role }),
        1 => (any::<Index>(), spec()).prop_map(|(env, spec)| Op::SetPolicy { env, spec }),
        2 => (1i64..120).prop_map(|secs| Op::Advance { secs }),
        1 => Just(Op::ExpireDue),
        5 => (pick(), prop::bool::weighted(0.2)).prop_map(|(release, bypass)| Op::Apply { release, bypass }),
    ]
}

type EnvPointers = BTreeMap<ResourceId, LivePointer>;
/// An environment's deployments, each with the pointers it left.
type History = Vec<(DeploymentId, BTreeMap<ResourceId, VersionId>)>;

/// One project: its policies, pointers, members, releases and history.
struct Model {
    now: i64,
    policies: BTreeMap<EnvironmentId, PromotionPolicy>,
    pointers: Pointers,
    roles: BTreeMap<UserId, Role>,
    releases: Vec<Release>,
    /// Each release's changes as created.
    created_changes: Vec<Vec<Change>>,
    /// The releases whose deployment the flow committed (and nothing else).
    deployed: BTreeSet<ReleaseId>,
    /// Per environment, its deployments and the pointers each left.
    history: BTreeMap<EnvironmentId, History>,
    /// Every (environment, resource, version) a deployed release moved a pointer to.
    moves: BTreeSet<(EnvironmentId, ResourceId, VersionId)>,
    next_id: u128,
}

impl Model {
    fn new(specs: &[Spec], roles: &[Role]) -> Self {
        Self {
            now: 0,
            policies: ENVS
                .iter()
                .zip(specs)
                .map(|(e, s)| (env(*e), s.policy(*e, 1)))
                .collect(),
            pointers: Pointers::new(),
            roles: (1..=USERS).zip(roles).map(|(u, r)| (user(u), *r)).collect(),
            releases: Vec::new(),
            created_changes: Vec::new(),
            deployed: BTreeSet::new(),
            history: BTreeMap::new(),
            moves: BTreeSet::new(),
            next_id: 1,
        }
    }

    fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(1_000_000 + self.next_id)
    }

    fn env_pointers(&self, e: EnvironmentId) -> EnvPointers {
        self.pointers.get(&e).cloned().unwrap_or_default()
    }

    fn role_of(&self) -> impl Fn(UserId) -> Option<Role> + use<> {
        let roles = self.roles.clone();
        move |u| roles.get(&u).copied()
    }

    fn pick(&self, pick: &Pick) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.releases.len())
            .filter(|i| !pick.open_only || !self.releases[*i].state().is_terminal())
            .collect();
        (!candidates.is_empty()).then(|| candidates[pick.index.index(candidates.len())])
    }

    fn bypass_request() -> BypassRequest {
        BypassRequest {
            user: user(BYPASSER),
            reason: Message::parse_required("reason", "incident").unwrap(),
        }
    }

    fn create(&mut self, op: &Op) {
        let Op::Create {
            kind,
            target,
            source,
            resource,
            version,
            subset,
            author,
            earlier,
        } = op
        else {
            unreachable!()
        };
        let target = env(ENVS[target.index(ENVS.len())]);
        let current = self.env_pointers(target);
        let r = res(*resource);
        let built: Option<(ReleaseOrigin, Vec<Change>)> = match kind {
            Kind::Publish => publish_change(&current, r, ver(*resource, (*version).max(1)))
                .map(|c| (ReleaseOrigin::Publish, vec![c])),
            Kind::Promotion => {
                let source = env(ENVS[source.index(ENVS.len())]);
                let from = self.env_pointers(source);
                let chosen = [r];
                match promotion((source, &from), (target, &current), subset.then_some(&chosen[..])) {
                    Ok((origin, changes)) => {
                        assert_ne!(source, target, "an environment promoted into itself");
                        for c in &changes {
                            assert_eq!(c.to_version, from.get(&c.resource_id).map(|p| p.version_id));
                        }
                        Some((origin, changes))
                    }
                    Err(DomainError::Validation(e)) if e.field() == "source" => {
                        assert_eq!(source, target, "only a promotion into itself is refused on source");
                        None
                    }
                    Err(DomainError::Validation(_)) => {
                        assert!(
                            *subset && !from.contains_key(&r),
                            "only a missing chosen resource is invalid"
                        );
                        None
                    }
                    Err(DomainError::Conflict(_)) => None,
                    Err(e) => panic!("promotion: {e:?}"),
                }
            }
            Kind::Rollback => {
                let deployments = self.history.get(&target).cloned().unwrap_or_default();
                if deployments.is_empty() {
                    None
                } else {
                    let (deployment, after) = &deployments[earlier.index(deployments.len())];
                    match rollback_changes(&current, after) {
                        Ok(changes) => Some((
                            ReleaseOrigin::Rollback {
                                deployment: *deployment,
                            },
                            changes,
                        )),
                        Err(DomainError::Conflict(_)) => None,
                        Err(e) => panic!("rollback_changes: {e:?}"),
                    }
                }
            }
            Kind::Direct => {
                let to = (*version > 0).then(|| ver(*resource, *version));
                match direct_changes(&current, &[(r, to)]) {
                    Ok(changes) => Some((ReleaseOrigin::Direct, changes)),
                    Err(DomainError::Conflict(_)) => None,
                    Err(e) => panic!("direct_changes: {e:?}"),
                }
            }
        };
        let Some((origin, changes)) = built else {
            return;
        };
        for c in &changes {
            assert_eq!(
                c.from_version,
                current.get(&c.resource_id).map(|p| p.version_id),
                "builders expect what the target serves now"
            );
        }
        let policy = self.policies[&target].clone();
        let id = ReleaseId::from_uuid(self.fresh());
        let release = Release::create(ReleaseParts {
            id,
            project_id: ProjectId::from_uuid(project().as_uuid()),
            environment_id: target,
            origin,
            changes,
            author: user(*author),
            message: Message::default(),
            policy_revision: policy.revision(),
            state: ReleaseState::Pending,
            approvals: vec![],
            decision: None,
            bypass: None,
            deployment_id: None,
            created_at: t(self.now),
            updated_at: t(self.now),
        })
        .unwrap();
        let step = match self.drive(release, &Trigger::Created { bypass: None }) {
            Ok(step) => step,
            Err(DomainError::Policy(v)) => {
                assert!(
                    matches!(
                        v.rule,
                        PolicyRule::AllowDirect | PolicyRule::AllowedSources | PolicyRule::MinSoakSeconds
                    ),
                    "only an origin rule refuses a creation: {v:?}"
                );
                return;
            }
            Err(e) => panic!("create: {e:?}"),
        };
        let state = step.release.state();
        assert_eq!(
            state != ReleaseState::Pending,
            policy.spec().required_approvals == 0,
            "a release needs approval exactly when its policy asks for some"
        );
        if state == ReleaseState::Deployed {
            assert!(policy.spec().auto_apply, "deployed at creation without auto_apply");
            assert!(
                policy.active_freeze(t(self.now)).is_none(),
                "deployed at creation in a freeze"
            );
            assert!(step.release.parts().bypass.is_none(), "a bypass nobody asked for");
        }
    }

    /// Advances a release through the domain's flow exactly as the service does, then commits
    /// the step's writes to the model, checking each compare-and-swap the store would make.
    fn drive(&mut self, release: Release, trigger: &Trigger) -> Result<Step, DomainError> {
        let now = t(self.now);
        let target = release.environment_id();
        let policy = self.policies[&target].clone();
        let target_pointers = self.env_pointers(target);
        let source_pointers = match release.origin() {
            ReleaseOrigin::Promotion { source } => Some(self.env_pointers(source)),
            _ => None,
        };
        let role_of = self.role_of();
        let next_deployment = may_deploy(&release, trigger, &policy, &role_of, now).then(|| NextDeployment {
            id: DeploymentId::from_uuid(Uuid::from_u128(2_000_000 + self.next_id)),
            sequence: self.history.get(&target).map_or(1, |h| h.len() as u64 + 1),
        });
        self.next_id += 1;
        let actor = match trigger {
            Trigger::Approved { user } | Trigger::Rejected { user, .. } | Trigger::Cancelled { user, .. } => {
                Some(*user)
            }
            Trigger::Created { .. } => Some(release.author()),
            Trigger::Apply { bypass } => bypass.as_ref().map(|b| b.user),
            Trigger::Recheck => None,
        };
        let ctx = FlowContext {
            now,
            policy: &policy,
            target_pointers: &target_pointers,
            source_pointers: source_pointers.as_ref(),
            role_of: &role_of,
            actor,
            next_deployment,
        };
        let step = advance(release, trigger, &ctx);
        if let Err(DomainError::Invariant(m)) = &step {
            panic!("may_deploy said no to a step that deploys: {m}");
        }
        let step = step?;
        let serving = |pointers: &EnvPointers, r: ResourceId| pointers.get(&r).map(|p| p.version_id);
        for write in &step.writes {
            match write {
                FlowWrite::InsertRelease(r) => {
                    assert!(matches!(trigger, Trigger::Created { .. }));
                    self.created_changes.push(r.changes().to_vec());
                    self.releases.push(r.clone());
                }
                FlowWrite::UpdateRelease {
                    release,
                    expected_state,
                } => {
                    let stored = self
                        .releases
                        .iter_mut()
                        .find(|r| r.id() == release.id())
                        .expect("an update of a stored release");
                    assert_eq!(stored.state(), *expected_state, "the optimistic check the store makes");
                    *stored = release.clone();
                }
                FlowWrite::MovePointers {
                    environment,
                    changes,
                    at,
                } => {
                    let pointers = self.pointers.entry(*environment).or_default();
                    for c in changes {
                        assert_eq!(serving(pointers, c.resource_id), c.from_version, "compare-and-swap");
                    }
                    apply_changes(pointers, changes, *at);
                    for c in changes {
                        assert_eq!(serving(pointers, c.resource_id), c.to_version);
                        if let Some(v) = c.to_version {
                            self.moves.insert((*environment, c.resource_id, v));
                        }
                    }
                }
                FlowWrite::ExpectPointers { environment, expected } => {
                    let source = self.env_pointers(*environment);
                    for (r, v) in expected {
                        assert_eq!(serving(&source, *r), *v, "the source still serves what is promoted");
                    }
                }
                FlowWrite::InsertDeployment(d) => {
                    assert_eq!(Some(d), step.deployment.as_ref());
                    assert_eq!(self.env_pointers(d.environment_id).len(), d.pointers_after.len());
                    self.deployed.insert(d.release_id);
                    self.history
                        .entry(d.environment_id)
                        .or_default()
                        .push((d.id, d.pointers_after.clone()));
                }
            }
        }
        assert_eq!(
            step.deployment.is_some(),
            step.release.state() == ReleaseState::Deployed && !step.writes.is_empty()
        );
        Ok(step)
    }

    fn apply(&mut self, i: usize, bypass: bool) {
        let now = t(self.now);
        let release = self.releases[i].clone();
        let target = release.environment_id();
        let policy = self.policies[&target].clone();
        let target_pointers = self.env_pointers(target);
        let source_pointers = match release.origin() {
            ReleaseOrigin::Promotion { source } => Some(self.env_pointers(source)),
            _ => None,
        };
        let role_of = self.role_of();
        let state = release.state();
        let serving = |pointers: &EnvPointers, r: ResourceId| pointers.get(&r).map(|p| p.version_id);
        let target_matches = release
            .changes()
            .iter()
            .all(|c| serving(&target_pointers, c.resource_id) == c.from_version);
        let source_matches = source_pointers.as_ref().is_none_or(|source| {
            release
                .changes()
                .iter()
                .all(|c| serving(source, c.resource_id) == c.to_version)
        });
        let expired = release.is_expired(&policy, now);
        let trigger = Trigger::Apply {
            bypass: bypass.then(Self::bypass_request),
        };
        let step = match self.drive(release, &trigger) {
            Err(DomainError::InvalidTransition { state: s, action }) => {
                assert!(state.is_terminal() && s == state && action == "apply");
                return;
            }
            Err(DomainError::Policy(v)) => {
                assert!(!bypass && !state.is_terminal(), "a bypass overrides every rule");
                assert!(
                    !expired && target_matches && source_matches,
                    "refused instead of closed"
                );
                if v.rule == PolicyRule::FreezeWindows {
                    assert!(
                        policy.active_freeze(now).is_some(),
                        "a freeze window that is not in force"
                    );
                }
                return;
            }
            Err(e) => panic!("apply: {e:?}"),
            Ok(step) => step,
        };
        assert!(!state.is_terminal(), "a closed release never applies ({state})");
        let release = &step.release;
        match release.state() {
            ReleaseState::Deployed => {
                assert!(!expired && target_matches && source_matches);
                if release.parts().bypass.is_none() {
                    assert!(release.has_quorum(&policy, &role_of), "deployed without quorum");
                    assert!(policy.active_freeze(now).is_none(), "deployed in a freeze");
                } else {
                    assert!(bypass, "a bypass nobody asked for");
                }
            }
            ReleaseState::Superseded => assert!(!expired && (!target_matches || !source_matches)),
            ReleaseState::Expired => assert!(expired),
            other => panic!("an explicit apply left the release {other}"),
        }
    }

    fn step(&mut self, op: &Op) {
        let now = t(self.now);
        let role_of = self.role_of();
        match op {
            Op::Create { .. } => self.create(op),
            Op::Approve { release, user: u } => {
                let Some(i) = self.pick(release) else { return };
                let policy = self.policies[&self.releases[i].environment_id()].clone();
                let before = self.releases[i].clone();
                let already = before.parts().approvals.iter().any(|a| a.user == user(*u));
                // The state machine's own step, then the same step through the flow.
                let mut direct = before.clone();
                let outcome = direct.approve(user(*u), &policy, &role_of, now);
                match self.drive(before.clone(), &Trigger::Approved { user: user(*u) }) {
                    Ok(step) => {
                        assert!(!before.state().is_terminal() && !already);
                        let outcome = outcome.expect("the flow approves exactly when the release does");
                        let r = &step.release;
                        assert_eq!(r.parts().approvals, direct.parts().approvals);
                        let counting = r.counting_approvers(&policy, &role_of);
                        assert_eq!(outcome.counted, counting.contains(&user(*u)));
                        assert_eq!(outcome.count, counting.len());
                        if policy.spec().prevent_self_approval && user(*u) == r.author() {
                            assert!(!outcome.counted, "the author's approval counted");
                        }
                        if r.state() == ReleaseState::Deployed {
                            assert!(policy.spec().auto_apply && r.has_quorum(&policy, &role_of));
                            assert!(policy.active_freeze(now).is_none(), "deployed in a freeze");
                        }
                    }
                    Err(DomainError::InvalidTransition { .. }) => {
                        assert!(before.state().is_terminal() && outcome.is_err());
                        assert_eq!(self.releases[i], before);
                    }
                    Err(DomainError::Conflict(_)) => {
                        assert!(already && outcome.is_err());
                        assert_eq!(self.releases[i], before);
                    }
                    Err(e) => panic!("approve: {e:?}"),
                }
            }
            Op::Reject { release, user: u } => {
                let Some(i) = self.pick(release) else { return };
                let before = self.releases[i].clone();
                let trigger = Trigger::Rejected {
                    user: user(*u),
                    reason: Message::default(),
                };
                match self.drive(before.clone(), &trigger) {
                    Ok(step) => {
                        assert!(!before.state().is_terminal());
                        assert_eq!(step.release.state(), ReleaseState::Rejected);
                        assert!(step.deployment.is_none());
                    }
                    Err(DomainError::InvalidTransition { .. }) => {
                        assert!(before.state().is_terminal());
                        assert_eq!(self.releases[i], before);
                    }
                    Err(e) => panic!("reject: {e:?}"),
                }
            }
            Op::Cancel {
                release,
                user: u,
                admin,
            } => {
                let Some(i) = self.pick(release) else { return };
                let before = self.releases[i].clone();
                let trigger = Trigger::Cancelled {
                    user: user(*u),
                    is_admin: *admin,
                    reason: Message::default(),
                };
                match self.drive(before.clone(), &trigger) {
                    Ok(step) => {
                        assert!(!before.state().is_terminal() && (*admin || before.author() == user(*u)));
                        assert_eq!(step.release.state(), ReleaseState::Cancelled);
                    }
                    Err(DomainError::InvalidTransition { .. }) => {
                        assert!(before.state().is_terminal());
                        assert_eq!(self.releases[i], before);
                    }
                    Err(DomainError::Forbidden(_)) => {
                        assert!(!before.state().is_terminal() && !*admin && before.author() != user(*u));
                        assert_eq!(self.releases[i], before);
                    }
                    Err(e) => panic!("cancel: {e:?}"),
                }
            }
            Op::SetRole { user: u, role } => match role {
                Some(role) => {
                    self.roles.insert(user(*u), *role);
                }
                None => {
                    self.roles.remove(&user(*u));
                }
            },
            Op::SetPolicy { env: e, spec } => {
                let own = ENVS[e.index(ENVS.len())];
                let revision = self.policies[&env(own)].revision() + 1;
                self.policies.insert(env(own), spec.policy(own, revision));
            }
            Op::Advance { secs } => self.now += secs,
            Op::ExpireDue => {
                // The background re-check, over every open release in turn.
                let open: Vec<Release> = self
                    .releases
                    .iter()
                    .filter(|r| !r.state().is_terminal())
                    .cloned()
                    .collect();
                for r in open {
                    let policy = self.policies[&r.environment_id()].clone();
                    let due = r.is_expired(&policy, now);
                    let step = self
                        .drive(r.clone(), &Trigger::Recheck)
                        .expect("a re-check of an open release");
                    if due {
                        assert_eq!(step.release.state(), ReleaseState::Expired, "a due release expires");
                    }
                    if step.writes.is_empty() {
                        assert_eq!(step.release, r, "a re-check that changes nothing writes nothing");
                    }
                }
            }
            Op::Apply { release, bypass } => {
                let Some(i) = self.pick(release) else { return };
                self.apply(i, *bypass);
            }
        }
    }

    /// The invariants of issue 2 that must hold between any two operations.
    fn check(&self, closed_before: &BTreeMap<ReleaseId, Release>) {
        for (e, pointers) in &self.pointers {
            for (r, p) in pointers {
                assert!(
                    self.moves.contains(&(*e, *r, p.version_id)),
                    "a pointer holds a version no deployed release put there"
                );
            }
        }
        let role_of = self.role_of();
        for (release, changes) in self.releases.iter().zip(&self.created_changes) {
            assert_eq!(release.changes(), &changes[..], "a release's changes never change");
            let policy = &self.policies[&release.environment_id()];
            let approvers: Vec<UserId> = release.parts().approvals.iter().map(|a| a.user).collect();
            let distinct: BTreeSet<UserId> = approvers.iter().copied().collect();
            assert_eq!(distinct.len(), approvers.len(), "one approval per user");
            let counting = release.counting_approvers(policy, &role_of);
            let distinct: BTreeSet<UserId> = counting.iter().copied().collect();
            assert_eq!(distinct.len(), counting.len(), "an approval counted twice");
            for u in &counting {
                assert!(approvers.contains(u));
                assert!(role_of(*u).is_some_and(|r| policy.role_counts(r)));
                if policy.spec().prevent_self_approval {
                    assert_ne!(*u, release.author(), "the author's approval counted");
                }
            }
            assert_eq!(
                release.state() == ReleaseState::Deployed,
                self.deployed.contains(&release.id()),
                "a release is deployed exactly when the flow committed its deployment"
            );
            assert_eq!(
                release.parts().deployment_id.is_some(),
                release.state() == ReleaseState::Deployed
            );
            if let Some(before) = closed_before.get(&release.id()) {
                assert_eq!(release, before, "a closed release never changes");
            }
            if release.state().is_terminal() {
                let empty = EnvPointers::new();
                let ctx = ApplyContext {
                    now: t(self.now),
                    policy,
                    target_pointers: self.pointers.get(&release.environment_id()).unwrap_or(&empty),
                    source_pointers: Some(&empty),
                    role_of: &role_of,
                    bypass: Some(Self::bypass_request()),
                };
                assert!(matches!(
                    decide_apply(release, &ctx),
                    Err(DomainError::InvalidTransition { state, action: "apply" }) if state == release.state()
                ));
            }
        }
    }

    fn closed(&self) -> BTreeMap<ReleaseId, Release> {
        self.releases
            .iter()
            .filter(|r| r.state().is_terminal())
            .map(|r| (r.id(), r.clone()))
            .collect()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn releases_keep_pointers_and_approvals_honest(
        specs in prop::collection::vec(spec(), ENVS.len()),
        roles in prop::collection::vec(role(), USERS as usize),
        ops in prop::collection::vec(op(), 1..100),
    ) {
        let mut model = Model::new(&specs, &roles);
        for op in &ops {
            let closed = model.closed();
            model.step(op);
            model.check(&closed);
        }
    }
}

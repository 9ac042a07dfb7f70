//! The subscription root: `environmentChanged` and `releaseUpdated`, fed by the service's
//! in-process event channel.
//!
//! A subscription listens from the moment it starts (before its authorization finishes, so
//! nothing committed in between is missed), checks that the caller may view the project, and
//! then passes on that project's events only. Each event is re-read through an authorized use
//! case, so a subscriber who loses access gets one `NOT_FOUND` error and the stream ends; a
//! revoked key or a removed member (announced by this or another instance) is re-checked at
//! once, without waiting for the next change.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Subscription};
use futures_util::Stream;
use futures_util::stream::unfold;
use slipway_domain::environment::Environment as DomainEnvironment;
use slipway_domain::release::Release as DomainRelease;
use slipway_domain::{DeploymentId, EnvironmentId, ReleaseId};
use slipway_service::{CallerEvent, CallerEvents, Event, Service, ServiceError, ServiceResult};

use crate::context::{caller, request_id, service, use_case};
use crate::error::{GqlResult, to_error};
use crate::scope::Scope;
use crate::types::deployment::Deployment;
use crate::types::enums::ReleaseState;
use crate::types::environment::Environment;
use crate::types::gql_id;
use crate::types::release::Release;

/// An environment's pointers, settings or role flags changed.
pub struct EnvironmentChange {
    environment: DomainEnvironment,
    deployment: Option<DeploymentId>,
    scope: Arc<Scope>,
}

/// An environment's pointers, settings or role flags changed.
#[Object]
impl EnvironmentChange {
    /// The environment, as it is now.
    async fn environment(&self) -> Environment {
        Environment::new(self.environment.clone(), Arc::clone(&self.scope), None)
    }

    /// The deployment that moved its pointers (null: a settings or role change).
    async fn deployment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Deployment>> {
        let Some(id) = self.deployment else { return Ok(None) };
        let (service, caller) = use_case(ctx)?;
        let found = service
            .deployment(caller, &self.scope.org, &self.scope.project, id)
            .await
            .gql(ctx)?;
        Ok(Some(Deployment::new(found, Arc::clone(&self.scope))))
    }
}

/// A release changed state (created, approved, deployed, rejected, …).
pub struct ReleaseUpdate {
    release: DomainRelease,
    state: slipway_domain::release::ReleaseState,
    scope: Arc<Scope>,
}

/// A release changed state (created, approved, deployed, rejected, …).
#[Object]
impl ReleaseUpdate {
    /// The release's id.
    async fn id(&self) -> ID {
        gql_id(self.release.id())
    }

    /// The state it moved to (the release may have moved on since).
    async fn state(&self) -> ReleaseState {
        self.state.into()
    }

    /// The release, as it is now.
    async fn release(&self) -> Release {
        Release::new(self.release.clone(), Arc::clone(&self.scope))
    }
}

/// What one subscription carries from event to event. The caller's expiry, re-checks and
/// missed events are the service's ([`CallerEvents`]); this decides what to send.
struct Listener {
    events: CallerEvents,
    service: Service,
    scope: Arc<Scope>,
    environment: Option<EnvironmentId>,
    request_id: String,
    done: bool,
}

impl Listener {
    /// The next event of the subscribed project, or `None` when the channel closed. Fails with
    /// UNAUTHENTICATED once the caller's token expires or its API key is revoked, which ends
    /// the subscription.
    async fn next_event(&mut self) -> Option<Result<Event, ServiceError>> {
        loop {
            match self.events.next().await? {
                Ok(CallerEvent::Project(event)) => return Some(Ok(event)),
                // The caller may have lost access: end now rather than at the next change.
                Ok(CallerEvent::AccessChanged) => {
                    if let Err(e) = self.recheck_access().await {
                        return Some(Err(e));
                    }
                }
                // The service logged it; what was missed is not replayed to subscribers.
                Ok(CallerEvent::Lagged(_)) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Whether the caller may still view the project (its credential was just re-checked).
    async fn recheck_access(&self) -> ServiceResult<()> {
        self.service
            .project(self.events.caller(), &self.scope.org, &self.scope.project)
            .await
            .map(|_| ())
    }

    fn wanted(&self, environment: EnvironmentId) -> bool {
        self.environment.is_none_or(|e| e == environment)
    }

    fn fail(&mut self, e: ServiceError) -> async_graphql::Error {
        self.done = true;
        let id = self.request_id.clone();
        to_error(e, || id)
    }

    async fn environment_change(
        &mut self,
        id: EnvironmentId,
        deployment: Option<DeploymentId>,
    ) -> Option<ServiceResult<EnvironmentChange>> {
        if !self.wanted(id) {
            return None;
        }
        let loaded = self
            .service
            .environments(self.events.caller(), &self.scope.org, &self.scope.project)
            .await;
        match loaded {
            // A deleted environment has nothing left to show.
            Ok((_, all)) => all.get(id).cloned().map(|environment| {
                Ok(EnvironmentChange {
                    environment,
                    deployment,
                    scope: Arc::clone(&self.scope),
                })
            }),
            Err(e) => Some(Err(e)),
        }
    }

    async fn release_update(
        &mut self,
        id: ReleaseId,
        state: slipway_domain::release::ReleaseState,
    ) -> Option<ServiceResult<ReleaseUpdate>> {
        match self.service.release(self.events.caller(), id).await {
            Ok(release) if self.wanted(release.environment_id()) => Some(Ok(ReleaseUpdate {
                release,
                state,
                scope: Arc::clone(&self.scope),
            })),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Starts listening, then authorizes: the caller must view `org/project`, and `environment`,
/// when given, must exist there.
async fn listen(
    ctx: &Context<'_>,
    org: &str,
    project: &str,
    environment: Option<&str>,
) -> async_graphql::Result<Listener> {
    let service = service(ctx)?.clone();
    let caller = caller(ctx)?.clone();
    let subscribed = service.caller_events(caller.clone());
    let (p, _) = service.project(&caller, org, project).await.gql(ctx)?;
    let environment = match environment {
        None => None,
        Some(slug) => Some(service.environment(&caller, org, project, slug).await.gql(ctx)?.1.id),
    };
    Ok(Listener {
        events: subscribed.for_project(p.id),
        scope: Scope::of(org, &p),
        service,
        environment,
        request_id: request_id(ctx),
        done: false,
    })
}

/// Every subscription.
#[derive(Debug, Default)]
pub struct SubscriptionRoot;

/// Every subscription.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Each time an environment of project `org/project` changes: a deployment moved its
    /// pointers, or its settings, policy or role flags changed. Optionally only for one
    /// environment (slug).
    async fn environment_changed(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<EnvironmentChange>> + use<>> {
        let listener = listen(ctx, &org, &project, environment.as_deref()).await?;
        Ok(unfold(listener, |mut l| async move {
            while !l.done {
                let event = match l.next_event().await? {
                    Ok(event) => event,
                    Err(e) => {
                        let error = l.fail(e);
                        return Some((Err(error), l));
                    }
                };
                let Event::EnvironmentChanged {
                    environment_id,
                    deployment_id,
                    ..
                } = event
                else {
                    continue;
                };
                match l.environment_change(environment_id, deployment_id).await {
                    Some(Ok(change)) => return Some((Ok(change), l)),
                    Some(Err(e)) => {
                        let error = l.fail(e);
                        return Some((Err(error), l));
                    }
                    None => {}
                }
            }
            None
        }))
    }

    /// Each time a release of project `org/project` changes state (created, approved,
    /// deployed, rejected, cancelled, superseded, expired). Optionally only releases targeting
    /// one environment (slug).
    async fn release_updated(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ReleaseUpdate>> + use<>> {
        let listener = listen(ctx, &org, &project, environment.as_deref()).await?;
        Ok(unfold(listener, |mut l| async move {
            while !l.done {
                let event = match l.next_event().await? {
                    Ok(event) => event,
                    Err(e) => {
                        let error = l.fail(e);
                        return Some((Err(error), l));
                    }
                };
                let Event::ReleaseUpdated { release_id, state, .. } = event else {
                    continue;
                };
                match l.release_update(release_id, state).await {
                    Some(Ok(update)) => return Some((Ok(update), l)),
                    Some(Err(e)) => {
                        let error = l.fail(e);
                        return Some((Err(error), l));
                    }
                    None => {}
                }
            }
            None
        }))
    }
}

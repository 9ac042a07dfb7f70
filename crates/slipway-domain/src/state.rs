//! What a project serves: its environments and their pointers, and resolution — the gateway's
//! question "what is live in environment X?".

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::environment::{Environment, Environments};
use crate::{DomainError, EnvironmentId, ResourceId, VersionId};

/// The version an environment serves for one resource, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivePointer {
    /// The version served.
    pub version_id: VersionId,
    /// When this pointer last moved (the start of the version's soak in this environment).
    pub since: DateTime<Utc>,
    /// Incremented on every move; used for compare-and-swap.
    pub revision: u64,
}

/// Every pointer of every environment of a project.
pub type Pointers = BTreeMap<EnvironmentId, BTreeMap<ResourceId, LivePointer>>;

/// A project's environments and pointers: everything resolution needs to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    /// The environments and their role flags.
    pub environments: Environments,
    /// The pointers, per environment.
    pub pointers: Pointers,
}

/// The answer for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    /// The resource served (the pointer may be the gateway fallback's).
    pub resource_id: ResourceId,
    /// The version served.
    pub version_id: VersionId,
    /// The environment whose pointer was used.
    pub served_from: EnvironmentId,
    /// Whether the asked environment had no pointer and the gateway fallback's was used.
    pub fell_back: bool,
}

/// Why a resolution found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The asked environment slug does not exist in the project (never a silent fallback).
    #[error("environment '{0}' not found")]
    UnknownEnvironment(String),
    /// Neither the asked environment nor the gateway fallback points at the resource.
    #[error("the resource is not deployed in this environment or the gateway fallback")]
    NotDeployed,
    /// The project's invariants are broken (never expected).
    #[error(transparent)]
    Invariant(#[from] DomainError),
}

impl ProjectState {
    /// The environment a gateway asked for: the named one, or the gateway fallback when none is
    /// named.
    ///
    /// # Errors
    /// An unknown slug is [`ResolveError::UnknownEnvironment`].
    pub fn environment_for(&self, slug: Option<&str>) -> Result<&Environment, ResolveError> {
        match slug {
            None => Ok(self.environments.gateway_fallback()?),
            Some(s) => self
                .environments
                .by_slug(s)
                .ok_or_else(|| ResolveError::UnknownEnvironment(s.to_owned())),
        }
    }

    /// The pointer of `resource` in `environment`, if any.
    pub fn pointer(&self, environment: EnvironmentId, resource: ResourceId) -> Option<&LivePointer> {
        self.pointers.get(&environment).and_then(|p| p.get(&resource))
    }

    /// Resolves one resource in an environment (already chosen by [`Self::environment_for`]).
    ///
    /// # Errors
    /// [`ResolveError::NotDeployed`] when neither the environment nor the fallback points at it.
    pub fn resolve_resource(&self, environment: &Environment, resource: ResourceId) -> Result<Resolved, ResolveError> {
        if let Some(p) = self.pointer(environment.id, resource) {
            return Ok(Resolved {
                resource_id: resource,
                version_id: p.version_id,
                served_from: environment.id,
                fell_back: false,
            });
        }
        let fallback = self.environments.gateway_fallback()?;
        match self.pointer(fallback.id, resource) {
            Some(p) if fallback.id != environment.id => Ok(Resolved {
                resource_id: resource,
                version_id: p.version_id,
                served_from: fallback.id,
                fell_back: true,
            }),
            _ => Err(ResolveError::NotDeployed),
        }
    }

    /// Resolves every resource an environment serves: its own pointers, plus the gateway
    /// fallback's pointers for resources it lacks (flagged).
    ///
    /// # Errors
    /// Only if the project's invariants are broken.
    pub fn resolve_all(&self, environment: &Environment) -> Result<Vec<Resolved>, ResolveError> {
        let fallback = self.environments.gateway_fallback()?;
        let mut out: BTreeMap<ResourceId, Resolved> = BTreeMap::new();
        if fallback.id != environment.id {
            for (resource, p) in self.pointers.get(&fallback.id).into_iter().flatten() {
                out.insert(
                    *resource,
                    Resolved {
                        resource_id: *resource,
                        version_id: p.version_id,
                        served_from: fallback.id,
                        fell_back: true,
                    },
                );
            }
        }
        for (resource, p) in self.pointers.get(&environment.id).into_iter().flatten() {
            out.insert(
                *resource,
                Resolved {
                    resource_id: *resource,
                    version_id: p.version_id,
                    served_from: environment.id,
                    fell_back: false,
                },
            );
        }
        Ok(out.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProjectId;
    use crate::environment::{NewEnvironment, RoleChange};
    use crate::slug::EnvironmentSlug;
    use crate::text::{Color, Description, Name};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn env_id(n: u128) -> EnvironmentId {
        EnvironmentId::from_uuid(Uuid::from_u128(n))
    }
    fn res(n: u128) -> ResourceId {
        ResourceId::from_uuid(Uuid::from_u128(100 + n))
    }
    fn ver(n: u128) -> VersionId {
        VersionId::from_uuid(Uuid::from_u128(1000 + n))
    }
    fn at() -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000, 0).single().unwrap()
    }
    fn live(v: u128) -> LivePointer {
        LivePointer {
            version_id: ver(v),
            since: at(),
            revision: 1,
        }
    }

    /// prod (1, fallback) serves r1@v1 and r2@v2; staging (2) serves r1@v3; qa (3) serves nothing.
    fn state() -> ProjectState {
        let mut envs = Environments::for_new_project(ProjectId::from_uuid(Uuid::nil()), env_id(1), env_id(2), at());
        let qa = NewEnvironment {
            slug: EnvironmentSlug::parse("qa").unwrap(),
            name: Name::parse("QA").unwrap(),
            description: Description::default(),
            color: Color::rgb(0, 0, 0),
            is_production: false,
        };
        envs.create(env_id(3), qa, None, at()).unwrap();
        let mut pointers = Pointers::new();
        pointers.insert(env_id(1), [(res(1), live(1)), (res(2), live(2))].into());
        pointers.insert(env_id(2), [(res(1), live(3))].into());
        ProjectState {
            environments: envs,
            pointers,
        }
    }

    #[test]
    fn no_environment_means_the_gateway_fallback() {
        let s = state();
        assert_eq!(s.environment_for(None).unwrap().slug.as_str(), "prod");
    }

    #[test]
    fn unknown_environment_is_an_error_not_a_fallback() {
        let s = state();
        assert_eq!(
            s.environment_for(Some("nope")).unwrap_err(),
            ResolveError::UnknownEnvironment("nope".into())
        );
    }

    #[test]
    fn a_missing_pointer_falls_back_flagged() {
        let s = state();
        let staging = s.environment_for(Some("staging")).unwrap();
        let own = s.resolve_resource(staging, res(1)).unwrap();
        assert_eq!(
            (own.version_id, own.served_from, own.fell_back),
            (ver(3), env_id(2), false)
        );
        let fallback = s.resolve_resource(staging, res(2)).unwrap();
        assert_eq!(
            (fallback.version_id, fallback.served_from, fallback.fell_back),
            (ver(2), env_id(1), true)
        );
        assert_eq!(
            s.resolve_resource(staging, res(9)).unwrap_err(),
            ResolveError::NotDeployed
        );
        let prod = s.environment_for(Some("prod")).unwrap();
        assert_eq!(s.resolve_resource(prod, res(9)).unwrap_err(), ResolveError::NotDeployed);
    }

    #[test]
    fn resolve_all_merges_own_and_fallback() {
        let s = state();
        let qa = s.environment_for(Some("qa")).unwrap();
        let all = s.resolve_all(qa).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|r| r.fell_back && r.served_from == env_id(1)));
        let staging = s.environment_for(Some("staging")).unwrap();
        let all = s.resolve_all(staging).unwrap();
        assert_eq!(
            all.iter().map(|r| (r.version_id, r.fell_back)).collect::<Vec<_>>(),
            vec![(ver(3), false), (ver(2), true)]
        );
    }

    #[test]
    fn moving_the_fallback_changes_resolution_at_once() {
        let mut s = state();
        s.environments
            .set_roles(&RoleChange {
                gateway_fallback: Some(env_id(2)),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.environment_for(None).unwrap().slug.as_str(), "staging");
        let qa = s.environment_for(Some("qa")).unwrap().clone();
        let all = s.resolve_all(&qa).unwrap();
        assert_eq!(all.iter().map(|r| r.version_id).collect::<Vec<_>>(), vec![ver(3)]);
    }
}

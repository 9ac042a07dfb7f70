//! What one instance tells the others through PostgreSQL `NOTIFY slipway_serving`, and the
//! payload text it travels as. Serving changes and revocations share the channel, so a listener
//! sees them in commit order and one connection carries both.
//!
//! Payloads (all ids are UUIDs):
//! - `<project>:<serving revision>` — what the project serves changed;
//! - `key:<project>:<api key>` — an API key of the project was revoked;
//! - `member:<project>:<user>` — a user's membership of the project was removed;
//! - `release:<origin>:<project>:<release>:<state>` — a release was created or changed state;
//! - `environment:<origin>:<project>:<environment>:<deployment or ->` — an environment's
//!   settings changed, or a deployment moved its pointers.
//!
//! The last two name the instance whose commit sent them (`origin`, [`Store::instance`]): they
//! feed other instances' subscriptions, and the sender has announced its own change already.
//!
//! [`Store::instance`]: crate::Store::instance

use slipway_domain::release::ReleaseState;
use slipway_domain::{ApiKeyId, DeploymentId, EnvironmentId, ProjectId, ReleaseId, UserId};
use uuid::Uuid;

/// One announcement received from a commit of any instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The project's serving revision moved to `revision`.
    Serving {
        /// The project.
        project: ProjectId,
        /// Its new serving revision.
        revision: i64,
    },
    /// An API key was revoked.
    KeyRevoked {
        /// The key's project.
        project: ProjectId,
        /// The key.
        key: ApiKeyId,
    },
    /// A member was removed from a project.
    MemberRemoved {
        /// The project.
        project: ProjectId,
        /// The user who lost the membership.
        user: UserId,
    },
    /// A release was created or changed state.
    Release {
        /// The instance whose commit it was.
        origin: Uuid,
        /// The project.
        project: ProjectId,
        /// The release.
        release: ReleaseId,
        /// Its state after the commit.
        state: ReleaseState,
    },
    /// An environment's settings changed, or a deployment moved its pointers.
    Environment {
        /// The instance whose commit it was.
        origin: Uuid,
        /// The project.
        project: ProjectId,
        /// The environment.
        environment: EnvironmentId,
        /// The deployment that moved its pointers, if one did.
        deployment: Option<DeploymentId>,
    },
}

impl Notice {
    /// The project the notice is about.
    pub const fn project(&self) -> ProjectId {
        match self {
            Self::Serving { project, .. }
            | Self::KeyRevoked { project, .. }
            | Self::MemberRemoved { project, .. }
            | Self::Release { project, .. }
            | Self::Environment { project, .. } => *project,
        }
    }

    /// The payload sent with `NOTIFY`.
    pub(crate) fn payload(&self) -> String {
        match self {
            Self::Serving { project, revision } => format!("{project}:{revision}"),
            Self::KeyRevoked { project, key } => format!("key:{project}:{key}"),
            Self::MemberRemoved { project, user } => format!("member:{project}:{user}"),
            Self::Release {
                origin,
                project,
                release,
                state,
            } => format!("release:{origin}:{project}:{release}:{state}"),
            Self::Environment {
                origin,
                project,
                environment,
                deployment,
            } => {
                let deployment = deployment.map_or_else(|| "-".to_owned(), |d| d.to_string());
                format!("environment:{origin}:{project}:{environment}:{deployment}")
            }
        }
    }

    /// The instance that sent a release or environment notice (`None` for the others).
    pub(crate) const fn origin(&self) -> Option<Uuid> {
        match self {
            Self::Release { origin, .. } | Self::Environment { origin, .. } => Some(*origin),
            _ => None,
        }
    }

    /// Reads a payload; `None` for anything malformed (ignored by listeners).
    pub(crate) fn parse(payload: &str) -> Option<Self> {
        let parts: Vec<&str> = payload.split(':').collect();
        match parts.as_slice() {
            ["release", origin, project, release, state] => {
                return Some(Self::Release {
                    origin: origin.parse().ok()?,
                    project: project.parse().ok()?,
                    release: release.parse().ok()?,
                    state: state.parse().ok()?,
                });
            }
            ["environment", origin, project, environment, deployment] => {
                return Some(Self::Environment {
                    origin: origin.parse().ok()?,
                    project: project.parse().ok()?,
                    environment: environment.parse().ok()?,
                    deployment: match *deployment {
                        "-" => None,
                        id => Some(id.parse().ok()?),
                    },
                });
            }
            ["release" | "environment", ..] => return None,
            _ => {}
        }
        let mut parts = payload.splitn(3, ':');
        let first = parts.next()?;
        let second = parts.next()?;
        match (first, parts.next()) {
            ("key", Some(key)) => Some(Self::KeyRevoked {
                project: second.parse().ok()?,
                key: key.parse().ok()?,
            }),
            ("member", Some(user)) => Some(Self::MemberRemoved {
                project: second.parse().ok()?,
                user: user.parse().ok()?,
            }),
            (project, None) => Some(Self::Serving {
                project: project.parse().ok()?,
                revision: second.parse().ok()?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn payloads_round_trip() {
        let project = ProjectId::from_uuid(Uuid::from_u128(7));
        let notices = [
            Notice::Serving { project, revision: 12 },
            Notice::KeyRevoked {
                project,
                key: ApiKeyId::from_uuid(Uuid::from_u128(8)),
            },
            Notice::MemberRemoved {
                project,
                user: UserId::from_uuid(Uuid::from_u128(9)),
            },
            Notice::Release {
                origin: Uuid::from_u128(1),
                project,
                release: ReleaseId::from_uuid(Uuid::from_u128(10)),
                state: ReleaseState::Approved,
            },
            Notice::Environment {
                origin: Uuid::from_u128(1),
                project,
                environment: EnvironmentId::from_uuid(Uuid::from_u128(11)),
                deployment: Some(DeploymentId::from_uuid(Uuid::from_u128(12))),
            },
            Notice::Environment {
                origin: Uuid::from_u128(1),
                project,
                environment: EnvironmentId::from_uuid(Uuid::from_u128(11)),
                deployment: None,
            },
        ];
        for notice in notices {
            assert_eq!(Notice::parse(&notice.payload()), Some(notice));
        }
    }

    #[test]
    fn malformed_payloads_are_ignored() {
        let id = Uuid::from_u128(7);
        for payload in [
            "nonsense".to_owned(),
            format!("{id}:x"),
            format!("key:{id}"),
            format!("key:{id}:not-a-uuid"),
            format!("member:x:{id}"),
            format!("other:{id}:{id}"),
            format!("release:{id}:{id}:{id}:nonsense"),
            format!("release:{id}:{id}:{id}"),
            format!("environment:{id}:{id}:{id}:x"),
            String::new(),
        ] {
            assert_eq!(Notice::parse(&payload), None, "{payload}");
        }
    }
}

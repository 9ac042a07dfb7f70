//! What one instance tells the others through PostgreSQL `NOTIFY slipway_serving`, and the
//! payload text it travels as. Serving changes and revocations share the channel, so a listener
//! sees them in commit order and one connection carries both.
//!
//! Payloads (all ids are UUIDs):
//! - `<project>:<serving revision>` — what the project serves changed;
//! - `key:<project>:<api key>` — an API key of the project was revoked;
//! - `member:<project>:<user>` — a user's membership of the project was removed.

use slipway_domain::{ApiKeyId, ProjectId, UserId};

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
}

impl Notice {
    /// The project the notice is about.
    pub const fn project(&self) -> ProjectId {
        match self {
            Self::Serving { project, .. } | Self::KeyRevoked { project, .. } | Self::MemberRemoved { project, .. } => {
                *project
            }
        }
    }

    /// The payload sent with `NOTIFY`.
    pub(crate) fn payload(&self) -> String {
        match self {
            Self::Serving { project, revision } => format!("{project}:{revision}"),
            Self::KeyRevoked { project, key } => format!("key:{project}:{key}"),
            Self::MemberRemoved { project, user } => format!("member:{project}:{user}"),
        }
    }

    /// Reads a payload; `None` for anything malformed (ignored by listeners).
    pub(crate) fn parse(payload: &str) -> Option<Self> {
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
            String::new(),
        ] {
            assert_eq!(Notice::parse(&payload), None, "{payload}");
        }
    }
}

//! Gateway API keys as the domain sees them: bound to one project, optionally to a set of
//! environments, read-only, revocable. Generating and hashing the secret is `slipway-auth`'s job.

use chrono::{DateTime, Utc};

use crate::text::Name;
use crate::{ApiKeyId, EnvironmentId, ProjectId, UserId};

/// A gateway API key (never its secret, only what is safe to show).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Generated when the key is created; never reused, also after revocation.
    pub id: ApiKeyId,
    /// The one project it reads.
    pub project_id: ProjectId,
    /// A label chosen by its creator.
    pub name: Name,
    /// The first characters of the key (`slw_ab12…`), to recognize it in lists.
    pub display_prefix: String,
    /// The environments it may read; empty means every environment of the project.
    pub environments: Vec<EnvironmentId>,
    /// Who created it.
    pub created_by: UserId,
    /// When the key was created (the secret was shown once, then).
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether the key may read `environment` of `project`.
    pub fn allows(&self, project: ProjectId, environment: EnvironmentId) -> bool {
        self.revoked_at.is_none()
            && self.project_id == project
            && (self.environments.is_empty() || self.environments.contains(&environment))
    }
}

//! Gateway API keys as the domain sees them: bound to one project, optionally to a set of
//! environments, read-only, revocable, optionally expiring. Generating and hashing the secret is
//! `slipway-auth`'s job.

use chrono::{DateTime, Utc};

use crate::error::ValidationError;
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
    /// From when on it is refused, as if revoked (none: it never expires).
    pub expires_at: Option<DateTime<Utc>>,
    /// When a request last authenticated with it, as far as recorded (uses are batched in
    /// memory and written periodically, so this may lag by the flush interval).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Checks the expiry asked for a key created at `now`: it must lie in the future.
    ///
    /// # Errors
    /// A [`ValidationError`] on `expiresAt` for a time not after `now`.
    pub fn check_expiry(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), ValidationError> {
        match expires_at {
            Some(at) if at <= now => Err(ValidationError::new("expiresAt", "must be in the future")),
            _ => Ok(()),
        }
    }

    /// Whether the key has expired at `now` (an expired key is refused like a revoked one).
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// Whether the key authenticates at `now`: neither revoked nor expired.
    pub fn is_usable_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && !self.is_expired_at(now)
    }

    /// Whether the key may read `environment` of `project`.
    pub fn allows(&self, project: ProjectId, environment: EnvironmentId) -> bool {
        self.revoked_at.is_none()
            && self.project_id == project
            && (self.environments.is_empty() || self.environments.contains(&environment))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn key(revoked_at: Option<DateTime<Utc>>, expires_at: Option<DateTime<Utc>>) -> ApiKey {
        ApiKey {
            id: ApiKeyId::from_uuid(Uuid::from_u128(1)),
            project_id: ProjectId::from_uuid(Uuid::from_u128(2)),
            name: Name::parse("gateway").unwrap(),
            display_prefix: "slw_ab12".into(),
            environments: Vec::new(),
            created_by: UserId::from_uuid(Uuid::from_u128(3)),
            created_at: Utc.timestamp_opt(1_000, 0).unwrap(),
            revoked_at,
            expires_at,
            last_used_at: None,
        }
    }

    #[test]
    fn expired_keys_are_unusable_from_their_expiry_on() {
        let at = |s| Utc.timestamp_opt(s, 0).unwrap();
        let expiring = key(None, Some(at(2_000)));
        assert!(expiring.is_usable_at(at(1_999)));
        assert!(!expiring.is_usable_at(at(2_000)));
        assert!(expiring.is_expired_at(at(3_000)));
        assert!(key(None, None).is_usable_at(at(i64::from(i32::MAX))));
        assert!(!key(Some(at(1_500)), None).is_usable_at(at(1_600)));
    }

    #[test]
    fn an_expiry_must_lie_ahead() {
        let now = Utc.timestamp_opt(1_000, 0).unwrap();
        assert!(ApiKey::check_expiry(None, now).is_ok());
        assert!(ApiKey::check_expiry(Some(now + chrono::Duration::seconds(1)), now).is_ok());
        let err = ApiKey::check_expiry(Some(now), now).unwrap_err();
        assert_eq!(err.field(), "expiresAt");
        assert!(ApiKey::check_expiry(Some(now - chrono::Duration::days(1)), now).is_err());
    }
}

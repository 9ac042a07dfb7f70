//! Typed identifiers, so that a project id can never be passed where an environment id is meant.
//!
//! Identifiers are UUIDs chosen by the caller (the store or the service generate them); the
//! domain never generates randomness itself.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The UUID behind this identifier.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| crate::ValidationError::new("id", "must be a UUID"))
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(
    /// Identifies an organization.
    OrganizationId
);
id_type!(
    /// Identifies a project.
    ProjectId
);
id_type!(
    /// Identifies an environment.
    EnvironmentId
);
id_type!(
    /// Identifies a resource (a prompt, a routing rule or a provider).
    ResourceId
);
id_type!(
    /// Identifies one immutable version of a resource.
    VersionId
);
id_type!(
    /// Identifies a release.
    ReleaseId
);
id_type!(
    /// Identifies a deployment (an applied release).
    DeploymentId
);
id_type!(
    /// Identifies a user (created on first sight of a JWT subject).
    UserId
);
id_type!(
    /// Identifies a gateway API key.
    ApiKeyId
);
id_type!(
    /// Identifies a stored provider credential.
    CredentialId
);
id_type!(
    /// Identifies an audit event.
    AuditEventId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = ProjectId::from_uuid(Uuid::from_u128(42));
        let parsed: ProjectId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        let err = "not-a-uuid".parse::<ProjectId>().unwrap_err();
        assert_eq!(err.field(), "id");
    }
}
id_type!(
    /// Identifies a project's webhook endpoint.
    WebhookEndpointId
);
id_type!(
    /// Identifies one delivery of an event to one webhook endpoint.
    WebhookDeliveryId
);

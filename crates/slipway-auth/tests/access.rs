//! Gateway API keys and the authorization functions, as the service will use them.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: a failed unwrap is a failed test"
)]

use chrono::Utc;
use secrecy::ExposeSecret;
use slipway_auth::authorize::{
    environment_roles_permissions, is_release_admin, require_environment_roles_change, require_member_change,
    require_organization_owner,
};
use slipway_auth::{
    AccessDenied, ApiKeyError, BearerCredential, ProjectAccess, authorize_api_key, authorize_api_key_for_project,
    generate_api_key, hash_api_key, parse_authorization, require, verify_api_key,
};
use slipway_domain::api_key::ApiKey;
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, EnvironmentId, Permission, ProjectId, Role, UserId};
use uuid::Uuid;

fn project(n: u128) -> ProjectId {
    ProjectId::from_uuid(Uuid::from_u128(n))
}

fn env(n: u128) -> EnvironmentId {
    EnvironmentId::from_uuid(Uuid::from_u128(1000 + n))
}

fn stored_key(environments: Vec<EnvironmentId>) -> ApiKey {
    ApiKey {
        id: ApiKeyId::from_uuid(Uuid::from_u128(7)),
        project_id: project(1),
        name: Name::parse("edge gateway").unwrap(),
        display_prefix: "slw_abcdefgh".into(),
        environments,
        created_by: UserId::from_uuid(Uuid::from_u128(9)),
        created_at: Utc::now(),
        revoked_at: None,
        expires_at: None,
        last_used_at: None,
    }
}

/// What the service does with a presented key: parse the header, hash, look the hash up in the
/// store (here: a list), confirm in constant time, then authorize.
fn gateway_request(
    header: &str,
    store: &[(String, ApiKey)],
    asked_project: ProjectId,
    asked_env: EnvironmentId,
) -> Result<(), ApiKeyError> {
    let Some(BearerCredential::ApiKey(presented)) = parse_authorization(header) else {
        return Err(ApiKeyError::Malformed);
    };
    let hash = hash_api_key(presented).ok_or(ApiKeyError::Malformed)?;
    let (stored_hash, key) = store.iter().find(|(h, _)| *h == hash).ok_or(ApiKeyError::Unknown)?;
    assert!(verify_api_key(presented, stored_hash));
    authorize_api_key(key, asked_project, asked_env)
}

#[test]
fn api_key_matrix() {
    let all_envs = generate_api_key();
    let staging_only = generate_api_key();
    let revoked = generate_api_key();
    let mut revoked_key = stored_key(vec![]);
    revoked_key.revoked_at = Some(Utc::now());
    let store = vec![
        (all_envs.hash.clone(), stored_key(vec![])),
        (staging_only.hash.clone(), stored_key(vec![env(2)])),
        (revoked.hash.clone(), revoked_key),
    ];
    let bearer = |key: &slipway_auth::GeneratedApiKey| format!("Bearer {}", key.secret.expose_secret());
    let wrong = {
        // Same shape, different secret: flip one character of a real key.
        let mut s = all_envs.secret.expose_secret().to_owned();
        let last = if s.ends_with('A') { "Q" } else { "A" };
        s.replace_range(s.len() - 1.., last);
        format!("Bearer {s}")
    };

    type Case = (&'static str, String, ProjectId, EnvironmentId, Result<(), ApiKeyError>);
    let cases: Vec<Case> = vec![
        ("valid, any environment", bearer(&all_envs), project(1), env(1), Ok(())),
        (
            "valid, another environment",
            bearer(&all_envs),
            project(1),
            env(3),
            Ok(()),
        ),
        (
            "valid, allowed environment",
            bearer(&staging_only),
            project(1),
            env(2),
            Ok(()),
        ),
        (
            "environment outside the key's set",
            bearer(&staging_only),
            project(1),
            env(1),
            Err(ApiKeyError::EnvironmentNotAllowed),
        ),
        (
            "other project",
            bearer(&all_envs),
            project(2),
            env(1),
            Err(ApiKeyError::NotFound),
        ),
        (
            "other project beats the environment set",
            bearer(&staging_only),
            project(2),
            env(1),
            Err(ApiKeyError::NotFound),
        ),
        (
            "revoked",
            bearer(&revoked),
            project(1),
            env(1),
            Err(ApiKeyError::Revoked),
        ),
        ("wrong key", wrong, project(1), env(1), Err(ApiKeyError::Unknown)),
        (
            "never issued",
            bearer(&generate_api_key()),
            project(1),
            env(1),
            Err(ApiKeyError::Unknown),
        ),
        (
            "malformed",
            "Bearer slw_short".into(),
            project(1),
            env(1),
            Err(ApiKeyError::Malformed),
        ),
    ];
    for (name, header, p, e, expected) in cases {
        assert_eq!(gateway_request(&header, &store, p, e), expected, "{name}");
    }
}

#[test]
fn api_key_errors_match_domain_semantics() {
    let mut key = stored_key(vec![env(2)]);
    for (p, e) in [(project(1), env(1)), (project(1), env(2)), (project(2), env(2))] {
        assert_eq!(authorize_api_key(&key, p, e).is_ok(), key.allows(p, e));
    }
    assert_eq!(authorize_api_key_for_project(&key, project(1)), Ok(()));
    key.revoked_at = Some(Utc::now());
    assert_eq!(
        authorize_api_key_for_project(&key, project(1)),
        Err(ApiKeyError::Revoked)
    );
    assert!(!key.allows(project(1), env(2)));
    assert!(ApiKeyError::Revoked.is_unauthenticated());
    assert!(!ApiKeyError::NotFound.is_unauthenticated());
    assert!(!ApiKeyError::EnvironmentNotAllowed.is_unauthenticated());
}

#[test]
fn organization_owners_act_as_owners_of_every_project() {
    for project_role in [None, Some(Role::Viewer), Some(Role::Developer)] {
        let access = ProjectAccess::new(true, project_role);
        assert_eq!(access.role(), Some(Role::Owner));
        for permission in Permission::ALL {
            assert_eq!(access.require(permission), Ok(Role::Owner), "{permission}");
        }
    }
}

#[test]
fn project_roles_follow_the_matrix() {
    for role in Role::ALL {
        let access = ProjectAccess::new(false, Some(role));
        for permission in Permission::ALL {
            let expected = if role.permits(permission) {
                Ok(role)
            } else {
                Err(AccessDenied::Forbidden { permission })
            };
            assert_eq!(access.require(permission), expected, "{role} / {permission}");
            assert_eq!(access.has(permission), role.permits(permission));
        }
    }
    // Spot checks a reader can verify against DESIGN.md §2 without the loop.
    let dev = ProjectAccess::new(false, Some(Role::Developer));
    assert_eq!(dev.require(Permission::ReleaseCreate), Ok(Role::Developer));
    assert_eq!(
        dev.require(Permission::ReleaseApprove),
        Err(AccessDenied::Forbidden {
            permission: Permission::ReleaseApprove
        })
    );
    let admin = ProjectAccess::new(false, Some(Role::Admin));
    assert_eq!(
        admin.require(Permission::PolicyBypass),
        Err(AccessDenied::Forbidden {
            permission: Permission::PolicyBypass
        })
    );
}

#[test]
fn not_a_member_gets_not_found_not_forbidden() {
    let stranger = ProjectAccess::new(false, None);
    assert!(!stranger.can_view());
    for permission in Permission::ALL {
        assert_eq!(
            stranger.require(permission),
            Err(AccessDenied::NotFound),
            "{permission}"
        );
        assert!(!stranger.has(permission));
        assert_eq!(require(None, permission), Err(AccessDenied::NotFound));
    }
    assert_eq!(stranger.require_view(), Err(AccessDenied::NotFound));
    assert_eq!(
        require_environment_roles_change(stranger, true, false),
        Err(AccessDenied::NotFound)
    );
    assert_eq!(
        require_member_change(stranger, None, Some(Role::Viewer)),
        Err(AccessDenied::NotFound)
    );
}

#[test]
fn moving_default_roles_needs_both_permissions() {
    assert_eq!(
        environment_roles_permissions(false, false),
        &[Permission::ProjectManageEnvironments]
    );
    for (default_target, fallback) in [(true, false), (false, true), (true, true)] {
        assert_eq!(
            environment_roles_permissions(default_target, fallback),
            &[
                Permission::ProjectManageEnvironments,
                Permission::ProjectManageDefaultEnvironment
            ]
        );
    }
    let owner = ProjectAccess::new(false, Some(Role::Owner));
    let admin = ProjectAccess::new(false, Some(Role::Admin));
    let developer = ProjectAccess::new(false, Some(Role::Developer));
    assert_eq!(require_environment_roles_change(owner, true, true), Ok(Role::Owner));
    assert_eq!(require_environment_roles_change(admin, false, false), Ok(Role::Admin));
    assert_eq!(
        require_environment_roles_change(admin, false, true),
        Err(AccessDenied::Forbidden {
            permission: Permission::ProjectManageDefaultEnvironment
        })
    );
    // Reports the first missing permission: the developer lacks both.
    assert_eq!(
        require_environment_roles_change(developer, true, false),
        Err(AccessDenied::Forbidden {
            permission: Permission::ProjectManageEnvironments
        })
    );
}

#[test]
fn only_owners_grant_or_revoke_ownership() {
    let owner = ProjectAccess::new(false, Some(Role::Owner));
    let admin = ProjectAccess::new(false, Some(Role::Admin));
    let approver = ProjectAccess::new(false, Some(Role::Approver));
    assert_eq!(
        require_member_change(admin, None, Some(Role::Developer)),
        Ok(Role::Admin)
    );
    assert_eq!(
        require_member_change(admin, Some(Role::Viewer), Some(Role::Admin)),
        Ok(Role::Admin)
    );
    assert_eq!(
        require_member_change(admin, Some(Role::Developer), None),
        Ok(Role::Admin)
    );
    assert!(matches!(
        require_member_change(admin, Some(Role::Admin), Some(Role::Owner)),
        Err(AccessDenied::Restricted { .. })
    ));
    assert!(matches!(
        require_member_change(admin, Some(Role::Owner), None),
        Err(AccessDenied::Restricted { .. })
    ));
    assert_eq!(require_member_change(owner, None, Some(Role::Owner)), Ok(Role::Owner));
    assert_eq!(
        require_member_change(approver, None, Some(Role::Viewer)),
        Err(AccessDenied::Forbidden {
            permission: Permission::ProjectManageMembers
        })
    );
}

#[test]
fn organization_level_and_release_admin_rules() {
    assert_eq!(require_organization_owner(true, true), Ok(()));
    assert!(matches!(
        require_organization_owner(false, true),
        Err(AccessDenied::Restricted { .. })
    ));
    assert_eq!(require_organization_owner(false, false), Err(AccessDenied::NotFound));

    assert!(is_release_admin(Some(Role::Owner)));
    assert!(is_release_admin(Some(Role::Admin)));
    assert!(!is_release_admin(Some(Role::Developer)));
    assert!(!is_release_admin(None));
}

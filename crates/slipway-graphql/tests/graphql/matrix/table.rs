//! The expected outcomes, written out from DESIGN.md §2 rather than derived from the code: one
//! row per case (an operation, or an operation with a qualifier after `:` for a rule that
//! needs more than the operation's own permission), one column per caller, for the callers'
//! own project and for another organization's.
//!
//! `A` allowed, `F` FORBIDDEN, `N` NOT_FOUND, `U` UNAUTHENTICATED. Columns: anonymous, owner,
//! admin, developer, approver, viewer, API key. Read with these rules of §2 in mind:
//! - a caller without `project:view` gets NOT_FOUND for a project and everything in it, so
//!   every project-scoped case in another organization is `N` (for the API key too: it is
//!   bound to its own project);
//! - API keys are read-only and only resolve configuration: `F` for everything else in their
//!   own project, and for the user-level cases (viewer, organizations) anywhere;
//! - cases without a project (`viewer`, `createOrganization`) read the same in both columns.

use super::world::{CALLERS, Scope, Who};

/// What a caller gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Forbidden,
    NotFound,
    Unauthenticated,
    /// Anything else (a validation error, a conflict…): a broken request builder or a bug.
    Unexpected(String),
}

/// One row: the case, then the outcomes in the own project and in another organization's.
type Row = (&'static str, &'static str, &'static str);

#[rustfmt::skip]
pub const TABLE: &[Row] = &[
    // case                                                        own project     other org
    //                                                              ? O A D P V K   ? O A D P V K
    // --- queries
    ("viewer",                                                     "U A A A A A F", "U A A A A A F"),
    ("organization",                                               "U A A A A A F", "U N N N N N F"),
    ("project",                                                    "U A A A A A F", "U N N N N N N"),
    ("environment",                                                "U A A A A A F", "U N N N N N N"),
    ("release",                                                    "U A A A A A F", "U N N N N N N"),
    ("resolve",                                                    "U A A A A A A", "U N N N N N N"),
    ("resolve: an environment outside the API key's",              "U A A A A A F", "U N N N N N N"),
    ("diffEnvironments",                                           "U A A A A A F", "U N N N N N N"),
    ("auditLog",                                                   "U A A A A A F", "U N N N N N N"),
    ("auditChain",                                                 "U A A A A A F", "U N N N N N N"),
    ("releasesAwaitingMyApproval",                                 "U A A A A A F", "U A A A A A F"),
    // --- organizations (any signed-in user may create one; projects are the owners')
    ("createOrganization",                                         "U A A A A A F", "U A A A A A F"),
    ("createProject",                                              "U A F F F F F", "U N N N N N F"),
    // --- project:manage_environments (+ manage_default_environment to move the roles)
    ("createEnvironment",                                          "U A A F F F F", "U N N N N N N"),
    ("updateEnvironment",                                          "U A A F F F F", "U N N N N N N"),
    ("reorderEnvironments",                                        "U A A F F F F", "U N N N N N N"),
    ("setEnvironmentRoles",                                        "U A A F F F F", "U N N N N N N"),
    ("setEnvironmentRoles: moving the default and the fallback",   "U A F F F F F", "U N N N N N N"),
    ("deleteEnvironment",                                          "U A A F F F F", "U N N N N N N"),
    // --- project:manage_policies
    ("setPromotionPolicy",                                         "U A A F F F F", "U N N N N N N"),
    // --- resource:write (publishing also needs release:create, held by the same roles)
    ("createPrompt",                                               "U A A A F F F", "U N N N N N N"),
    ("createPromptVersion",                                        "U A A A F F F", "U N N N N N N"),
    ("createRoutingRule",                                          "U A A A F F F", "U N N N N N N"),
    ("createRoutingRuleRelease",                                   "U A A A F F F", "U N N N N N N"),
    ("createProvider",                                             "U A A A F F F", "U N N N N N N"),
    ("createProviderActivation",                                   "U A A A F F F", "U N N N N N N"),
    // --- provider:manage_credentials
    ("setProviderCredential",                                      "U A A F F F F", "U N N N N N N"),
    // --- release:create (+ policy:bypass to override a rule)
    ("deploy",                                                     "U A A A F F F", "U N N N N N N"),
    ("deploy: bypassing a policy rule",                            "U A F F F F F", "U N N N N N N"),
    ("promote",                                                    "U A A A F F F", "U N N N N N N"),
    ("rollback",                                                   "U A A A F F F", "U N N N N N N"),
    // --- release:approve; cancelling is the author's or an owner's/admin's; release:apply
    ("approveRelease",                                             "U A A F A F F", "U N N N N N N"),
    ("rejectRelease",                                              "U A A F A F F", "U N N N N N N"),
    ("cancelRelease: someone else's release",                      "U A A F F F F", "U N N N N N N"),
    ("applyRelease",                                               "U A A A A F F", "U N N N N N N"),
    // --- project:manage_members / api keys (only owners grant the owner role)
    ("addMember",                                                  "U A A F F F F", "U N N N N N N"),
    ("addMember: granting the owner role",                         "U A F F F F F", "U N N N N N N"),
    ("removeMember",                                               "U A A F F F F", "U N N N N N N"),
    ("createApiKey",                                               "U A A F F F F", "U N N N N N N"),
    ("revokeApiKey",                                               "U A A F F F F", "U N N N N N N"),
    // --- webhooks: project:manage_webhooks
    ("createWebhookEndpoint",                                      "U A A F F F F", "U N N N N N N"),
    ("updateWebhookEndpoint",                                      "U A A F F F F", "U N N N N N N"),
    ("rotateWebhookSecret",                                        "U A A F F F F", "U N N N N N N"),
    ("deleteWebhookEndpoint",                                      "U A A F F F F", "U N N N N N N"),
    ("sendTestWebhook",                                            "U A A F F F F", "U N N N N N N"),
    ("redeliverWebhook",                                           "U A A F F F F", "U N N N N N N"),
    // --- subscriptions: project:view
    ("environmentChanged",                                         "U A A A A A F", "U N N N N N N"),
    ("releaseUpdated",                                             "U A A A A A F", "U N N N N N N"),
];

/// The operation (root field) a case exercises.
pub fn operation(case: &str) -> &str {
    case.split(':').next().unwrap_or(case).trim()
}

/// The expected outcome of `case` for `who` in `scope`.
pub fn expected(row: &Row, who: Who, scope: Scope) -> Outcome {
    let cells = match scope {
        Scope::Own => row.1,
        Scope::Other => row.2,
    };
    let column = CALLERS.iter().position(|w| *w == who).unwrap();
    let cell = cells.split_whitespace().nth(column);
    match cell {
        Some("A") => Outcome::Allowed,
        Some("F") => Outcome::Forbidden,
        Some("N") => Outcome::NotFound,
        Some("U") => Outcome::Unauthenticated,
        other => panic!("row {:?}: bad cell {other:?} in column {column}", row.0),
    }
}

/// Checks the table's shape: every row has one cell per caller in both scopes.
pub fn check_shape() {
    for row in TABLE {
        for cells in [row.1, row.2] {
            assert_eq!(
                cells.split_whitespace().count(),
                CALLERS.len(),
                "row {:?} needs {} cells, one per caller",
                row.0,
                CALLERS.len()
            );
        }
    }
}

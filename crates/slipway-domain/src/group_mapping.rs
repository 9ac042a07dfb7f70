//! The identity provider's group mapping: which project role each group of a verified token's
//! groups claim grants (`GROUP=ORG/PROJECT:ROLE`), and the roles a set of groups adds up to.
//!
//! The owner role is never grantable this way. It is organization-wide, bypasses policies and
//! moves the default environments; a group claim is only as trustworthy as the provider's group
//! administration, so ownership stays a deliberate act inside Slipway.

use std::collections::BTreeMap;
use std::fmt;

use crate::access::Role;
use crate::slug::{OrganizationSlug, ProjectSlug};

/// The longest group name a mapping entry may name (longer ones in a token are never mapped).
pub const MAX_GROUP_CHARS: usize = 1024;

/// A project by its slugs, `org/project`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProjectAddress {
    /// The organization's slug.
    pub organization: OrganizationSlug,
    /// The project's slug inside it.
    pub project: ProjectSlug,
}

impl fmt::Display for ProjectAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.organization, self.project)
    }
}

/// The role a user's groups grant in each mapped project.
pub type Grants = BTreeMap<ProjectAddress, Role>;

/// A mapping entry that does not parse; its text is quoted (escaped) in the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("group mapping entry {entry:?}: {reason}")]
pub struct GroupMappingError {
    /// The entry as given.
    pub entry: String,
    /// Which rule it breaks.
    pub reason: String,
}

/// Groups to project roles, parsed from `GROUP=ORG/PROJECT:ROLE` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMapping {
    groups: BTreeMap<String, Grants>,
}

impl GroupMapping {
    /// Parses the entries. A group may map to several projects (one entry each) and several
    /// groups to one project. The group is everything before the last `=`, so that group names
    /// holding `=` (LDAP distinguished names) work; spaces around each part are ignored.
    ///
    /// # Errors
    /// The first entry that breaks a rule: no entries at all, a missing `=`, `/` or `:`, an empty
    /// or overlong group, an invalid slug, an unknown role or `owner`, or a group mapping the
    /// same project twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use slipway_domain::group_mapping::GroupMapping;
    ///
    /// let mapping = GroupMapping::parse(&["llm-devs=acme/shop:developer"]).unwrap();
    /// let grants = mapping.grants(["llm-devs", "unrelated"]);
    /// assert_eq!(grants.len(), 1);
    /// assert!(GroupMapping::parse(&["admins=acme/shop:owner"]).is_err());
    /// ```
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, GroupMappingError> {
        if entries.is_empty() {
            return Err(GroupMappingError {
                entry: String::new(),
                reason: "at least one entry is needed".into(),
            });
        }
        let mut groups: BTreeMap<String, Grants> = BTreeMap::new();
        for entry in entries {
            let entry = entry.as_ref();
            let bad = |reason: &str| GroupMappingError {
                entry: entry.to_owned(),
                reason: reason.to_owned(),
            };
            let (group, target) = entry
                .rsplit_once('=')
                .ok_or_else(|| bad("expected GROUP=ORG/PROJECT:ROLE"))?;
            let group = group.trim();
            if group.is_empty() {
                return Err(bad("the group is empty"));
            }
            if group.chars().count() > MAX_GROUP_CHARS || group.chars().any(char::is_control) {
                return Err(bad(
                    "the group must be at most 1024 characters, without control characters",
                ));
            }
            let (project, role) = target
                .rsplit_once(':')
                .ok_or_else(|| bad("expected ORG/PROJECT:ROLE after '='"))?;
            let (organization, project) = project
                .split_once('/')
                .ok_or_else(|| bad("expected ORG/PROJECT before ':'"))?;
            let address = ProjectAddress {
                organization: OrganizationSlug::parse(organization.trim())
                    .map_err(|e| bad(&format!("organization {e}")))?,
                project: ProjectSlug::parse(project.trim()).map_err(|e| bad(&format!("project {e}")))?,
            };
            let role = match role.trim().parse::<Role>() {
                Ok(Role::Owner) => {
                    return Err(bad(
                        "owner cannot be granted by a group (grant admin, developer, approver or viewer)",
                    ));
                }
                Ok(role) => role,
                Err(_) => return Err(bad("the role must be one of admin, developer, approver, viewer")),
            };
            let grants = groups.entry(group.to_owned()).or_default();
            if grants.insert(address, role).is_some() {
                return Err(bad("this group already maps this project"));
            }
        }
        Ok(Self { groups })
    }

    /// The roles `groups` (a token's groups claim) grant: for each mapped project, the most
    /// powerful role any of the groups maps to it. Unmapped groups grant nothing.
    pub fn grants<'a>(&self, groups: impl IntoIterator<Item = &'a str>) -> Grants {
        let mut grants = Grants::new();
        for group in groups {
            for (address, role) in self.groups.get(group).into_iter().flatten() {
                grants
                    .entry(address.clone())
                    .and_modify(|held| *held = stronger(*held, *role))
                    .or_insert(*role);
            }
        }
        grants
    }

    /// Every project the mapping names, once each.
    pub fn projects(&self) -> impl Iterator<Item = &ProjectAddress> {
        let mut seen: Vec<&ProjectAddress> = self.groups.values().flat_map(Grants::keys).collect();
        seen.sort();
        seen.dedup();
        seen.into_iter()
    }
}

/// The more powerful of two roles (`Role` is ordered most powerful first).
fn stronger(a: Role, b: Role) -> Role {
    a.min(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(org: &str, project: &str) -> ProjectAddress {
        ProjectAddress {
            organization: OrganizationSlug::parse(org).unwrap(),
            project: ProjectSlug::parse(project).unwrap(),
        }
    }

    #[test]
    fn entries_parse_and_groups_add_up_to_the_strongest_role() {
        let mapping = GroupMapping::parse(&[
            "llm-devs=acme/shop:developer",
            " llm-devs = acme/blog : viewer ",
            "release-managers=acme/shop:approver",
            "cn=admins,ou=groups,dc=acme=acme/shop:admin",
        ])
        .unwrap();
        let grants = mapping.grants(["llm-devs"]);
        assert_eq!(grants.get(&address("acme", "shop")), Some(&Role::Developer));
        assert_eq!(grants.get(&address("acme", "blog")), Some(&Role::Viewer));
        let grants = mapping.grants(["release-managers", "llm-devs", "nobody"]);
        assert_eq!(grants.get(&address("acme", "shop")), Some(&Role::Developer));
        let grants = mapping.grants(["cn=admins,ou=groups,dc=acme", "release-managers"]);
        assert_eq!(grants.get(&address("acme", "shop")), Some(&Role::Admin));
        assert_eq!(grants.len(), 1);
        assert!(
            mapping.grants(["LLM-DEVS", "unrelated"]).is_empty(),
            "groups match exactly"
        );
        assert_eq!(
            mapping.projects().map(ToString::to_string).collect::<Vec<_>>(),
            ["acme/blog", "acme/shop"]
        );
    }

    #[test]
    fn bad_entries_are_named_with_the_rule_they_break() {
        for (entry, reason) in [
            ("llm-devs", "expected GROUP=ORG/PROJECT:ROLE"),
            ("=acme/shop:viewer", "the group is empty"),
            ("devs=acme/shop", "expected ORG/PROJECT:ROLE"),
            ("devs=acme:viewer", "expected ORG/PROJECT"),
            ("devs=Acme/shop:viewer", "organization slug"),
            ("devs=acme/:viewer", "project slug"),
            ("devs=acme/shop:owner", "owner cannot be granted"),
            ("devs=acme/shop:root", "one of admin, developer, approver, viewer"),
            ("de\u{7}vs=acme/shop:viewer", "control characters"),
        ] {
            let error = GroupMapping::parse(&[entry]).unwrap_err();
            assert_eq!(error.entry, entry);
            assert!(error.reason.contains(reason), "{entry}: {error}");
            assert!(!error.to_string().contains('\n') && !error.to_string().contains('\u{7}'));
        }
        let twice = GroupMapping::parse(&["a=acme/shop:viewer", "a=acme/shop:admin"]).unwrap_err();
        assert!(twice.reason.contains("already maps"), "{twice}");
        let none: [&str; 0] = [];
        assert!(GroupMapping::parse(&none).is_err());
    }
}

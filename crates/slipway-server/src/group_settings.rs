//! The identity provider's group mapping as configured: `oidc_groups_claim` names the claim of
//! verified tokens that lists the user's groups, `oidc_group_roles` what each group grants
//! (`GROUP=ORG/PROJECT:ROLE`). Both or neither, and only with an OpenID Connect issuer; every
//! mistake stops the start with one line naming the setting and the entry.

use slipway_domain::group_mapping::GroupMapping;

use crate::startup::StartupError;

/// The identity provider's group mapping: which claim holds the groups, and what they grant.
#[derive(Debug, Clone)]
pub struct GroupSettings {
    /// The claim of verified tokens that lists the user's groups.
    pub claim: String,
    /// The roles the groups grant.
    pub mapping: GroupMapping,
}

impl GroupSettings {
    /// The mapping from its two settings, both given or neither (`None`); only with an OpenID
    /// Connect issuer (`oidc_issuer`).
    ///
    /// # Errors
    /// [`StartupError::Config`], in one line naming the setting (and the bad entry).
    pub fn resolve(
        claim: Option<String>,
        entries: Option<Vec<String>>,
        issuer: Option<&str>,
    ) -> Result<Option<Self>, StartupError> {
        let bad = |message: &str| Err(StartupError::Config(message.to_owned()));
        let (claim, entries) = match (claim, entries) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return bad("oidc_groups_claim (SLIPWAY_OIDC_GROUPS_CLAIM) needs oidc_group_roles \
                            (SLIPWAY_OIDC_GROUP_ROLES): which roles do the groups grant?");
            }
            (None, Some(_)) => {
                return bad("oidc_group_roles (SLIPWAY_OIDC_GROUP_ROLES) needs oidc_groups_claim \
                            (SLIPWAY_OIDC_GROUPS_CLAIM): which claim holds the groups?");
            }
            (Some(claim), Some(entries)) => (claim, entries),
        };
        if issuer.is_none() {
            return bad(
                "oidc_groups_claim (SLIPWAY_OIDC_GROUPS_CLAIM) maps the groups of an OpenID Connect \
                        provider's tokens: set oidc_issuer (SLIPWAY_OIDC_ISSUER) too",
            );
        }
        let claim = claim.trim();
        if claim.is_empty() {
            return bad("oidc_groups_claim (SLIPWAY_OIDC_GROUPS_CLAIM): must not be empty");
        }
        // An empty variable or a trailing `;` gives empty entries: they say nothing.
        let entries: Vec<&str> = entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect();
        let mapping = GroupMapping::parse(&entries)
            .map_err(|e| StartupError::Config(format!("oidc_group_roles (SLIPWAY_OIDC_GROUP_ROLES): {e}")))?;
        Ok(Some(Self {
            claim: claim.to_owned(),
            mapping,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Options;
    use crate::config::Settings;

    const ISSUER: Option<&str> = Some("https://idp.example.com");

    fn message(claim: Option<&str>, entries: Option<&[&str]>, issuer: Option<&str>) -> String {
        let entries = entries.map(|e| e.iter().map(|s| (*s).to_owned()).collect());
        match GroupSettings::resolve(claim.map(str::to_owned), entries, issuer) {
            Err(e) => e.to_string(),
            Ok(settings) => panic!("accepted: {settings:?}"),
        }
    }

    #[test]
    fn the_mapping_needs_both_settings_and_an_issuer() {
        assert!(GroupSettings::resolve(None, None, ISSUER).unwrap().is_none());
        assert!(GroupSettings::resolve(None, None, None).unwrap().is_none());
        let on = GroupSettings::resolve(
            Some(" groups ".into()),
            Some(vec!["llm-devs=acme/shop:developer".into(), String::new()]),
            ISSUER,
        )
        .unwrap()
        .unwrap();
        assert_eq!(on.claim, "groups");
        assert_eq!(on.mapping.grants(["llm-devs"]).len(), 1);

        for (claim, entries, issuer, expected) in [
            (Some("groups"), None, ISSUER, "needs oidc_group_roles"),
            (
                None,
                Some(&["a=acme/shop:viewer"][..]),
                ISSUER,
                "needs oidc_groups_claim",
            ),
            (
                Some("groups"),
                Some(&["a=acme/shop:viewer"][..]),
                None,
                "set oidc_issuer",
            ),
            (
                Some(" "),
                Some(&["a=acme/shop:viewer"][..]),
                ISSUER,
                "must not be empty",
            ),
            (Some("groups"), Some(&[" "][..]), ISSUER, "at least one entry"),
            (
                Some("groups"),
                Some(&["a=acme/shop:viewer", "admins=acme/shop:owner"][..]),
                ISSUER,
                "\"admins=acme/shop:owner\": owner cannot be granted",
            ),
        ] {
            let message = message(claim, entries, issuer);
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }

    #[test]
    fn the_flag_repeats_and_splits_at_semicolons() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "slipway",
            "--oidc-group-role",
            "cn=devs,ou=groups=acme/shop:developer",
            "--oidc-group-role=ops=acme/shop:viewer;qa=acme/blog:approver",
            "serve",
        ])
        .unwrap();
        assert_eq!(
            cli.options.oidc_group_roles.unwrap(),
            [
                "cn=devs,ou=groups=acme/shop:developer",
                "ops=acme/shop:viewer",
                "qa=acme/blog:approver"
            ]
        );
    }

    #[test]
    fn the_toml_file_gives_the_entries_as_an_array() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slipway.toml");
        std::fs::write(
            &path,
            "oidc_issuer = \"https://idp.example.com\"\noidc_groups_claim = \"groups\"\n\
             oidc_group_roles = [\"llm-devs=acme/shop:developer\", \"ops=acme/shop:viewer\"]\n",
        )
        .unwrap();
        let options = Options {
            config: Some(path),
            ..Options::default()
        };
        let settings = Settings::resolve(options, None).unwrap();
        let groups = settings.jwt.groups.unwrap();
        assert_eq!(groups.mapping.grants(["ops"]).len(), 1);
    }
}

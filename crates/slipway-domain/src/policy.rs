//! Promotion policies: the rules a target environment imposes on the releases that move its
//! pointers, checked when a release is created and again when it is applied.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::access::Role;
use crate::text::charset::{self, Lines};
use crate::{EnvironmentId, ValidationError};

/// A time range (UTC, start inclusive, end exclusive) in which nothing deploys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezeWindow {
    /// When the freeze starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Why (shown to whoever is waiting).
    pub reason: String,
}

impl FreezeWindow {
    /// The longest reason accepted, in characters.
    pub const MAX_REASON_CHARS: usize = 280;

    /// Builds a window from a caller's input.
    ///
    /// # Errors
    /// `end` not after `start`, a reason over 280 characters, or a reason holding a character
    /// [`charset`] refuses in multi-line text (`\r\n` is kept as `\n`).
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>, reason: &str) -> Result<Self, ValidationError> {
        let reason = charset::normalize_line_breaks(reason);
        charset::check("freeze_windows.reason", &reason, Lines::Multi)?;
        Self::build(start, end, &reason)
    }

    /// A window read back from storage: the rules of [`FreezeWindow::new`] except the character
    /// rule, which is the one in force when it may have been written (control characters).
    ///
    /// # Errors
    /// As [`FreezeWindow::new`] before issue 9's character rules.
    pub fn from_stored(start: DateTime<Utc>, end: DateTime<Utc>, reason: &str) -> Result<Self, ValidationError> {
        charset::check_stored("freeze_windows.reason", reason, Lines::Multi)?;
        Self::build(start, end, reason)
    }

    fn build(start: DateTime<Utc>, end: DateTime<Utc>, reason: &str) -> Result<Self, ValidationError> {
        if end <= start {
            return Err(ValidationError::new("freeze_windows", "end must be after start"));
        }
        if reason.chars().count() > Self::MAX_REASON_CHARS {
            return Err(ValidationError::new(
                "freeze_windows",
                "reason must be at most 280 characters",
            ));
        }
        Ok(Self {
            start,
            end,
            reason: reason.trim().to_owned(),
        })
    }

    /// Whether `now` falls inside the window.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.start <= now && now < self.end
    }
}

/// A rule of a promotion policy, named as in DESIGN.md (and in `POLICY_VIOLATION` errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyRule {
    /// Promotions may come only from the listed environments.
    AllowedSources,
    /// Publish and direct releases may not target this environment.
    AllowDirect,
    /// Not enough counting approvals.
    RequiredApprovals,
    /// A promoted version has not been live in the source long enough.
    MinSoakSeconds,
    /// A freeze window is in force.
    FreezeWindows,
    /// The release is older than the policy allows.
    ExpiresAfterSeconds,
}

impl PolicyRule {
    /// The rule's name: `allowed_sources`, `allow_direct`, ….
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyRule::AllowedSources => "allowed_sources",
            PolicyRule::AllowDirect => "allow_direct",
            PolicyRule::RequiredApprovals => "required_approvals",
            PolicyRule::MinSoakSeconds => "min_soak_seconds",
            PolicyRule::FreezeWindows => "freeze_windows",
            PolicyRule::ExpiresAfterSeconds => "expires_after_seconds",
        }
    }
}

impl fmt::Display for PolicyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule, with an explanation for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy rule {rule} blocks this: {message}")]
pub struct PolicyViolation {
    /// Which rule.
    pub rule: PolicyRule,
    /// What is wrong, in words.
    pub message: String,
}

impl PolicyViolation {
    /// A violation of `rule`.
    pub fn new(rule: PolicyRule, message: impl Into<String>) -> Self {
        Self {
            rule,
            message: message.into(),
        }
    }
}

/// What a caller asks a policy to be; validated into a [`PromotionPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    /// Environments a promotion may come from (empty: any).
    pub allowed_sources: Vec<EnvironmentId>,
    /// Whether publish/direct releases may target the environment.
    pub allow_direct: bool,
    /// 0 to 10 distinct approvers.
    pub required_approvals: u32,
    /// Which roles' approvals count (empty: the roles that hold `release:approve`).
    pub approver_roles: Vec<Role>,
    /// The author's approval never counts.
    pub prevent_self_approval: bool,
    /// How long a promoted version must have been live in the source.
    pub min_soak_seconds: u64,
    /// When nothing deploys.
    pub freeze_windows: Vec<FreezeWindow>,
    /// Deploy as soon as the quorum is reached (else an explicit apply).
    pub auto_apply: bool,
    /// Pending/approved releases older than this expire (`None`: never).
    pub expires_after_seconds: Option<u64>,
}

impl Default for PolicySpec {
    fn default() -> Self {
        Self {
            allowed_sources: Vec::new(),
            allow_direct: true,
            required_approvals: 0,
            approver_roles: Vec::new(),
            prevent_self_approval: true,
            min_soak_seconds: 0,
            freeze_windows: Vec::new(),
            auto_apply: true,
            expires_after_seconds: None,
        }
    }
}

/// The promotion policy of one environment, at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionPolicy {
    revision: u32,
    spec: PolicySpec,
}

/// The longest soak or expiry accepted: one year.
const MAX_SECONDS: u64 = 366 * 24 * 3600;

impl PromotionPolicy {
    /// The policy of a new environment: anything goes, at revision 1.
    pub fn initial() -> Self {
        Self {
            revision: 1,
            spec: PolicySpec::default(),
        }
    }

    /// Validates a spec into a policy at `revision` (used when reading back a stored policy).
    ///
    /// # Errors
    /// An approver role that cannot approve (its approvals could never count), a rule out of
    /// range, or `own_environment` listed as its own source.
    pub fn from_spec(
        revision: u32,
        mut spec: PolicySpec,
        own_environment: EnvironmentId,
    ) -> Result<Self, ValidationError> {
        if let Some(role) = spec
            .approver_roles
            .iter()
            .find(|r| !r.permits(crate::access::Permission::ReleaseApprove))
        {
            return Err(ValidationError::new(
                "approver_roles",
                format!(
                    "{role} cannot approve releases (it lacks release:approve), so its approvals could never count"
                ),
            ));
        }
        if spec.required_approvals > 10 {
            return Err(ValidationError::new("required_approvals", "must be between 0 and 10"));
        }
        if spec.allowed_sources.contains(&own_environment) {
            return Err(ValidationError::new(
                "allowed_sources",
                "an environment cannot promote into itself",
            ));
        }
        if spec.min_soak_seconds > MAX_SECONDS {
            return Err(ValidationError::new("min_soak_seconds", "must be at most one year"));
        }
        match spec.expires_after_seconds {
            Some(0) => return Err(ValidationError::new("expires_after_seconds", "must be positive")),
            Some(s) if s > MAX_SECONDS => {
                return Err(ValidationError::new(
                    "expires_after_seconds",
                    "must be at most one year",
                ));
            }
            _ => {}
        }
        if spec.freeze_windows.len() > 100 {
            return Err(ValidationError::new("freeze_windows", "at most 100 windows"));
        }
        spec.allowed_sources.sort();
        spec.allowed_sources.dedup();
        spec.approver_roles.sort();
        spec.approver_roles.dedup();
        spec.freeze_windows.sort_by_key(|w| (w.start, w.end));
        Ok(Self { revision, spec })
    }

    /// The policy that replaces this one: the new spec at the next revision.
    ///
    /// # Errors
    /// As [`PromotionPolicy::from_spec`].
    pub fn revise(&self, spec: PolicySpec, own_environment: EnvironmentId) -> Result<Self, ValidationError> {
        Self::from_spec(self.revision.saturating_add(1), spec, own_environment)
    }

    /// The revision: 1 for a new environment, +1 on every change.
    pub const fn revision(&self) -> u32 {
        self.revision
    }

    /// The rules.
    pub const fn spec(&self) -> &PolicySpec {
        &self.spec
    }

    /// The roles whose approvals count.
    pub fn approver_roles(&self) -> Vec<Role> {
        if self.spec.approver_roles.is_empty() {
            Role::default_approver_roles()
        } else {
            self.spec.approver_roles.clone()
        }
    }

    /// Whether an approval from someone holding `role` counts.
    pub fn role_counts(&self, role: Role) -> bool {
        if self.spec.approver_roles.is_empty() {
            role.permits(crate::access::Permission::ReleaseApprove)
        } else {
            self.spec.approver_roles.contains(&role)
        }
    }

    /// The freeze window in force at `now`, if any.
    pub fn active_freeze(&self, now: DateTime<Utc>) -> Option<&FreezeWindow> {
        self.spec.freeze_windows.iter().find(|w| w.contains(now))
    }

    /// When a release created at `created_at` expires, if the policy expires releases.
    pub fn expiry_of(&self, created_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spec
            .expires_after_seconds
            .and_then(|s| i64::try_from(s).ok())
            .map(|s| created_at + Duration::seconds(s))
    }

    /// Checks that a promotion from `source` may target this environment.
    ///
    /// # Errors
    /// `allowed_sources` lists other environments.
    pub fn check_source(&self, source: EnvironmentId) -> Result<(), PolicyViolation> {
        if self.spec.allowed_sources.is_empty() || self.spec.allowed_sources.contains(&source) {
            Ok(())
        } else {
            Err(PolicyViolation::new(
                PolicyRule::AllowedSources,
                "promotions into this environment may not come from that source",
            ))
        }
    }

    /// Checks that a publish or direct release may target this environment.
    ///
    /// # Errors
    /// `allow_direct` is off.
    pub fn check_direct(&self) -> Result<(), PolicyViolation> {
        if self.spec.allow_direct {
            Ok(())
        } else {
            Err(PolicyViolation::new(
                PolicyRule::AllowDirect,
                "this environment accepts only promotions and rollbacks",
            ))
        }
    }

    /// Checks that a version live in the source since `live_since` has soaked long enough at `now`.
    ///
    /// # Errors
    /// Not live long enough.
    pub fn check_soak(&self, live_since: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), PolicyViolation> {
        let needed = i64::try_from(self.spec.min_soak_seconds).unwrap_or(i64::MAX);
        let lived = (now - live_since).num_seconds();
        // A rule set to 0 is off: it must not block even when `live_since` is slightly ahead of
        // `now` (another instance's clock wrote it).
        if needed == 0 || lived >= needed {
            Ok(())
        } else {
            Err(PolicyViolation::new(
                PolicyRule::MinSoakSeconds,
                format!("a promoted version has been live in the source for {lived}s; {needed}s are required"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn env(n: u128) -> EnvironmentId {
        EnvironmentId::from_uuid(Uuid::from_u128(n))
    }

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
    }

    #[test]
    fn specs_are_validated() {
        let own = env(1);
        let cases: Vec<(PolicySpec, Option<&str>)> = vec![
            (PolicySpec::default(), None),
            (
                PolicySpec {
                    required_approvals: 10,
                    ..Default::default()
                },
                None,
            ),
            (
                PolicySpec {
                    required_approvals: 11,
                    ..Default::default()
                },
                Some("required_approvals"),
            ),
            (
                PolicySpec {
                    allowed_sources: vec![own],
                    ..Default::default()
                },
                Some("allowed_sources"),
            ),
            (
                PolicySpec {
                    expires_after_seconds: Some(0),
                    ..Default::default()
                },
                Some("expires_after_seconds"),
            ),
            (
                PolicySpec {
                    min_soak_seconds: MAX_SECONDS + 1,
                    ..Default::default()
                },
                Some("min_soak_seconds"),
            ),
        ];
        for (spec, field) in cases {
            let got = PromotionPolicy::from_spec(1, spec.clone(), own);
            assert_eq!(got.err().map(|e| e.field().to_owned()).as_deref(), field, "{spec:?}");
        }
        assert!(FreezeWindow::new(t(10), t(10), "").is_err());
    }

    #[test]
    fn freeze_reasons_follow_the_text_rules() {
        let w = FreezeWindow::new(t(0), t(1), " launch\r\nweek\tone ").unwrap();
        assert_eq!(w.reason, "launch\nweek\tone");
        let e = FreezeWindow::new(t(0), t(1), "launch\u{202E}").unwrap_err();
        assert_eq!(e.field(), "freeze_windows.reason");
        assert_eq!(e.message(), "must not contain U+202E (bidirectional override)");
        assert!(FreezeWindow::new(t(0), t(1), "a\u{1b}[2J").is_err());
        // A reason stored before the rule existed still loads; the other rules still hold.
        assert_eq!(
            FreezeWindow::from_stored(t(0), t(1), "a\u{200B}").unwrap().reason,
            "a\u{200B}"
        );
        assert!(FreezeWindow::from_stored(t(1), t(0), "x").is_err());
        assert!(FreezeWindow::from_stored(t(0), t(1), "a\u{7}").is_err());
    }

    #[test]
    fn revisions_increase() {
        let p = PromotionPolicy::initial();
        assert_eq!(p.revision(), 1);
        let q = p
            .revise(
                PolicySpec {
                    required_approvals: 2,
                    ..Default::default()
                },
                env(1),
            )
            .unwrap();
        assert_eq!(q.revision(), 2);
        assert_eq!(q.spec().required_approvals, 2);
    }

    #[test]
    fn rules() {
        let staging = env(2);
        let qa = env(3);
        let p = PromotionPolicy::from_spec(
            1,
            PolicySpec {
                allowed_sources: vec![staging],
                allow_direct: false,
                min_soak_seconds: 60,
                approver_roles: vec![Role::Approver],
                freeze_windows: vec![FreezeWindow::new(t(100), t(200), "launch").unwrap()],
                expires_after_seconds: Some(30),
                ..Default::default()
            },
            env(1),
        )
        .unwrap();
        assert!(p.check_source(staging).is_ok());
        assert_eq!(p.check_source(qa).unwrap_err().rule, PolicyRule::AllowedSources);
        assert_eq!(p.check_direct().unwrap_err().rule, PolicyRule::AllowDirect);
        assert!(p.check_soak(t(0), t(60)).is_ok());
        assert_eq!(p.check_soak(t(0), t(59)).unwrap_err().rule, PolicyRule::MinSoakSeconds);
        assert!(p.active_freeze(t(99)).is_none());
        assert_eq!(p.active_freeze(t(100)).unwrap().reason, "launch");
        assert!(p.active_freeze(t(200)).is_none());
        assert_eq!(p.expiry_of(t(0)), Some(t(30)));
        assert!(p.role_counts(Role::Approver));
        assert!(!p.role_counts(Role::Admin));
        let default = PromotionPolicy::initial();
        assert!(
            default.role_counts(Role::Admin)
                && default.role_counts(Role::Owner)
                && !default.role_counts(Role::Developer)
        );
        assert!(default.check_source(qa).is_ok());
        assert!(default.check_direct().is_ok());
        assert_eq!(default.expiry_of(t(0)), None);
    }
}

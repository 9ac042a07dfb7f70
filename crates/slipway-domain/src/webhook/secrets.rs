//! Signing secrets and their rotation: after a rotation the previous secret keeps signing
//! beside the new one for [`ROTATION_OVERLAP`], so a receiver can switch without missing a
//! delivery. The secret material is opaque here (`S`); generating and using it is the auth
//! crate's job.

use chrono::{DateTime, Duration, Utc};

/// How long a replaced secret keeps signing after a rotation.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// An endpoint's current secret and, during an overlap, the one it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secrets<S> {
    /// The secret shown at creation or at the last rotation.
    pub current: S,
    /// The replaced secret and the end of its overlap.
    pub previous: Option<(S, DateTime<Utc>)>,
}

impl<S> Secrets<S> {
    /// A new endpoint's secrets: one, no overlap.
    pub const fn new(current: S) -> Self {
        Self {
            current,
            previous: None,
        }
    }

    /// Replaces the current secret with `next`; the old one signs until `now` +
    /// [`ROTATION_OVERLAP`]. A secret already in its overlap is dropped (only two ever sign).
    #[must_use]
    pub fn rotate(self, next: S, now: DateTime<Utc>) -> Self {
        Self {
            current: next,
            previous: Some((self.current, now + ROTATION_OVERLAP)),
        }
    }

    /// The secrets that sign a message sent at `now`: the current one first.
    pub fn signing(&self, now: DateTime<Utc>) -> Vec<&S> {
        let mut out = vec![&self.current];
        if let Some((previous, until)) = &self.previous
            && now < *until
        {
            out.push(previous);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::hours(h)
    }

    #[test]
    fn both_secrets_sign_during_the_overlap_only() {
        let secrets = Secrets::new("a");
        assert_eq!(secrets.signing(at(0)), vec![&"a"]);
        let rotated = secrets.rotate("b", at(10));
        assert_eq!(rotated.signing(at(10)), vec![&"b", &"a"]);
        assert_eq!(rotated.signing(at(33)), vec![&"b", &"a"]);
        assert_eq!(rotated.signing(at(34)), vec![&"b"]);
        let twice = rotated.rotate("c", at(11));
        assert_eq!(twice.signing(at(11)), vec![&"c", &"b"], "at most two secrets sign");
    }
}

//! The attempt plan of one call — the chosen target with its retries, then each fallback with
//! its own — and the rules that say, after a failed attempt, whether to go on.

use crate::content::{Route, RouteTarget};

/// One attempt to make, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Provider key and model to call.
    pub target: RouteTarget,
    /// 0 for the first try of this target, then 1, 2, … for its retries.
    pub retry: u8,
    /// Whether the target is one of the route's fallbacks (not its weighted choice).
    pub fallback: bool,
}

/// Every attempt a call may make, with the per-attempt timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPlan {
    /// The route's name; `None` for a call addressed to one provider directly.
    pub route: Option<String>,
    /// The limit of each attempt, in milliseconds.
    pub timeout_ms: u32,
    /// In order: the chosen target and its retries, then each fallback and its retries.
    pub attempts: Vec<Attempt>,
}

/// The default per-attempt timeout of a call that names no route (as a route's default).
pub const DIRECT_TIMEOUT_MS: u32 = 30_000;

fn tries(target: &RouteTarget, retries: u8, fallback: bool) -> impl Iterator<Item = Attempt> + '_ {
    (0..=retries).map(move |retry| Attempt {
        target: target.clone(),
        retry,
        fallback,
    })
}

impl CallPlan {
    /// The plan through `route` once its weighted choice picked `targets[chosen]`.
    pub fn through_route(route: &Route, chosen: usize) -> Self {
        let primary = route.targets.get(chosen).into_iter();
        let attempts = primary
            .flat_map(|t| tries(t, route.retries, false))
            .chain(route.fallbacks.iter().flat_map(|t| tries(t, route.retries, true)))
            .collect();
        Self {
            route: Some(route.name.clone()),
            timeout_ms: route.timeout_ms,
            attempts,
        }
    }

    /// One attempt at one provider's model, no route, the default timeout.
    pub fn direct(provider: &str, model: &str) -> Self {
        Self {
            route: None,
            timeout_ms: DIRECT_TIMEOUT_MS,
            attempts: vec![Attempt {
                target: RouteTarget {
                    provider: provider.to_owned(),
                    model: model.to_owned(),
                    weight: 1,
                },
                retry: 0,
                fallback: false,
            }],
        }
    }
}

/// What a failed attempt means for the rest of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The request itself is wrong (400, 413, 422): answer the caller at once, try nothing else.
    Caller,
    /// Transient (connect error, timeout, 408, 429, 5xx): retry this target, then fall back.
    Retryable,
    /// This target cannot serve it (401, 403, 404 and other 4xx: its credential, model or
    /// deployment is wrong): skip its retries, go to the next target.
    Target,
}

/// How an upstream's non-success HTTP status is treated.
pub const fn classify_status(status: u16) -> FailureClass {
    match status {
        400 | 413 | 422 => FailureClass::Caller,
        408 | 429 | 500..=599 => FailureClass::Retryable,
        _ => FailureClass::Target,
    }
}

/// The wait before retry number `retry` (1-based) of a target: 50 ms doubling, at most 2 s.
/// The first try of a fallback waits nothing.
pub fn backoff_ms(retry: u8) -> u64 {
    if retry == 0 {
        return 0;
    }
    (50u64 << u32::from(retry - 1).min(10)).min(2_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(provider: &str) -> RouteTarget {
        RouteTarget {
            provider: provider.into(),
            model: "m".into(),
            weight: 1,
        }
    }

    #[test]
    fn retries_come_before_fallbacks_in_order() {
        let route = Route {
            name: "r".into(),
            conditions: vec![],
            targets: vec![target("a"), target("b")],
            fallbacks: vec![target("c"), target("d")],
            timeout_ms: 500,
            retries: 1,
        };
        let plan = CallPlan::through_route(&route, 1);
        let order: Vec<(&str, u8, bool)> = plan
            .attempts
            .iter()
            .map(|a| (a.target.provider.as_str(), a.retry, a.fallback))
            .collect();
        assert_eq!(
            order,
            vec![
                ("b", 0, false),
                ("b", 1, false),
                ("c", 0, true),
                ("c", 1, true),
                ("d", 0, true),
                ("d", 1, true)
            ]
        );
        assert_eq!(plan.timeout_ms, 500);
        assert_eq!(plan.route.as_deref(), Some("r"));
    }

    #[test]
    fn statuses_are_classified() {
        for (status, class) in [
            (400, FailureClass::Caller),
            (422, FailureClass::Caller),
            (429, FailureClass::Retryable),
            (500, FailureClass::Retryable),
            (503, FailureClass::Retryable),
            (401, FailureClass::Target),
            (404, FailureClass::Target),
        ] {
            assert_eq!(classify_status(status), class, "{status}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(
            (0..8).map(backoff_ms).collect::<Vec<_>>(),
            vec![0, 50, 100, 200, 400, 800, 1600, 2000]
        );
        assert_eq!(backoff_ms(u8::MAX), 2000);
    }
}

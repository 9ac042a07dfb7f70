//! The pure rules of a gateway call: which route of a routing rule a request matches, which
//! weighted target it goes to, the ordered attempts (retries, then fallbacks) and how a failure
//! decides the next step, and how a prompt version's templates and parameters become the
//! messages sent. No IO, no clock, no randomness: the caller passes a random roll in.

mod attributes;
mod plan;
mod render;
mod select;

pub use attributes::RequestAttributes;
pub use plan::{Attempt, CallPlan, FailureClass, backoff_ms, classify_status};
pub use render::{CallerParameters, InputError, RenderedMessage, merge_parameters, render_messages, render_prompt};
pub use select::{choose_weighted, match_route, plan_for_rule, sticky_roll};

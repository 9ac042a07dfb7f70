//! Local prompt rendering: a prompt's message templates with `{{variable}}` placeholders filled
//! from the caller's values, without asking the server. Every declared variable must be given and
//! nothing undeclared may be (the same rule as Slipway's own rendering); a value is inserted as
//! it is and never expanded again.

use std::collections::BTreeMap;

/// One message, ready to send to a model (the domain's type, as the gateway sends it).
pub use slipway_domain::call::RenderedMessage;
use slipway_domain::call::{InputError, render_prompt};
use slipway_domain::content::PromptContent;

use crate::Error;

/// The prompt's messages with `variables` filled in — the rule Slipway's gateway applies
/// (`slipway_domain::call::render_prompt`), run locally.
///
/// # Errors
/// [`Error::MissingVariable`] for a declared variable without a value, and
/// [`Error::UnknownVariable`] for a value the prompt does not declare.
///
/// ```
/// use std::collections::BTreeMap;
/// use slipway_client::render;
/// use slipway_domain::content::PromptContent;
///
/// let prompt: PromptContent = serde_json::from_value(serde_json::json!({
///     "model": "gpt-4o-mini",
///     "messages": [{ "role": "system", "content": "Greet {{name}} warmly." }],
///     "variables": ["name"],
/// }))?;
/// let messages = render(&prompt, &BTreeMap::from([("name".to_owned(), "Ada".to_owned())]))?;
/// assert_eq!(messages[0].content, "Greet Ada warmly.");
/// assert!(render(&prompt, &BTreeMap::new()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(prompt: &PromptContent, variables: &BTreeMap<String, String>) -> Result<Vec<RenderedMessage>, Error> {
    render_prompt(prompt, variables).map_err(|error| match error {
        InputError::Missing(name) => Error::MissingVariable { name },
        InputError::Undeclared(name) => Error::UnknownVariable { name },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use slipway_domain::content::MessageRole;

    use super::*;

    fn prompt() -> PromptContent {
        serde_json::from_value(json!({
            "model": "m",
            "messages": [{ "role": "system", "content": "{{ a }} and {{b}}, {{a}}!" },
                         { "role": "user", "content": "no placeholders" }],
            "variables": ["a", "b"],
        }))
        .unwrap()
    }

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_placeholder_is_filled_and_values_are_not_expanded_again() {
        let out = render(&prompt(), &vars(&[("a", "{{b}}"), ("b", "2")])).unwrap();
        assert_eq!(out[0].content, "{{b}} and 2, {{b}}!");
        assert_eq!(out[0].role, MessageRole::System);
        assert_eq!(out[1].content, "no placeholders");
    }

    #[test]
    fn a_missing_or_undeclared_variable_is_a_clear_error() {
        assert_eq!(
            render(&prompt(), &vars(&[("a", "1")])),
            Err(Error::MissingVariable { name: "b".into() })
        );
        assert_eq!(
            render(&prompt(), &vars(&[("a", "1"), ("b", "2"), ("c", "3")])),
            Err(Error::UnknownVariable { name: "c".into() })
        );
    }
}

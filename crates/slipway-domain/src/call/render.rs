//! Prompt rendering: a version's message templates filled with the caller's inputs (every
//! declared variable given, nothing undeclared), and the caller's sampling parameters merged
//! under the version's.

use std::collections::BTreeMap;

use crate::ValidationError;
use crate::content::{MessageRole, PromptContent, PromptParameters};

/// One message as sent to a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMessage {
    /// Who speaks.
    pub role: MessageRole,
    /// The text, placeholders filled.
    pub content: String,
}

/// The sampling parameters a caller may send: the same fields and ranges as a version's.
pub type CallerParameters = PromptParameters;

/// Fills one template. Values are inserted as they are: a value that itself looks like a
/// placeholder is never expanded again. The template was checked when the version was created,
/// so every placeholder is closed, an identifier and present in `inputs`.
fn fill(template: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        match inputs.get(after[..end].trim()) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Why a prompt cannot be rendered with the inputs given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The prompt declares this variable and no input gives it.
    Missing(String),
    /// This input is not a variable the prompt declares.
    Undeclared(String),
}

impl From<InputError> for ValidationError {
    fn from(error: InputError) -> Self {
        match error {
            InputError::Missing(name) => {
                ValidationError::new(format!("inputs.{name}"), "is declared by the prompt and must be given")
            }
            InputError::Undeclared(name) => {
                ValidationError::new(format!("inputs.{name}"), "is not a variable the prompt declares")
            }
        }
    }
}

/// The prompt's messages with `inputs` filled in: every declared variable must be given and
/// nothing undeclared may be. What the gateway sends, and what the client libraries render
/// locally.
///
/// # Errors
/// The first variable missing, else the first input undeclared.
pub fn render_prompt(
    prompt: &PromptContent,
    inputs: &BTreeMap<String, String>,
) -> Result<Vec<RenderedMessage>, InputError> {
    if let Some(missing) = prompt.variables.iter().find(|v| !inputs.contains_key(*v)) {
        return Err(InputError::Missing(missing.clone()));
    }
    if let Some(extra) = inputs.keys().find(|k| !prompt.variables.contains(k)) {
        return Err(InputError::Undeclared(extra.clone()));
    }
    Ok(prompt
        .messages
        .iter()
        .map(|m| RenderedMessage {
            role: m.role,
            content: fill(&m.content, inputs),
        })
        .collect())
}

/// The version's messages with `inputs` filled in, as the gateway reports a refusal.
///
/// # Errors
/// A VALIDATION error on `inputs.NAME` for a declared variable without an input, or an input
/// the version does not declare.
pub fn render_messages(
    prompt: &PromptContent,
    inputs: &BTreeMap<String, String>,
) -> Result<Vec<RenderedMessage>, ValidationError> {
    Ok(render_prompt(prompt, inputs)?)
}

fn merge<T: Clone>(field: &str, version: Option<&T>, caller: Option<&T>) -> Result<Option<T>, ValidationError> {
    match (version, caller) {
        (Some(_), Some(_)) => Err(ValidationError::new(
            field,
            "is set by the prompt version and cannot be overridden",
        )),
        (v, c) => Ok(v.or(c).cloned()),
    }
}

/// The parameters a call uses: the version's, plus the caller's for those the version leaves
/// unset.
///
/// # Errors
/// A VALIDATION error naming a parameter the caller sets although the version does, or a
/// caller's value out of range.
pub fn merge_parameters(
    version: &PromptParameters,
    caller: &CallerParameters,
) -> Result<PromptParameters, ValidationError> {
    caller.validate()?;
    let stop = match (version.stop.is_empty(), caller.stop.is_empty()) {
        (false, false) => {
            return Err(ValidationError::new(
                "stop",
                "is set by the prompt version and cannot be overridden",
            ));
        }
        (true, _) => caller.stop.clone(),
        (false, true) => version.stop.clone(),
    };
    Ok(PromptParameters {
        temperature: merge("temperature", version.temperature.as_ref(), caller.temperature.as_ref())?,
        max_tokens: merge("max_tokens", version.max_tokens.as_ref(), caller.max_tokens.as_ref())?,
        top_p: merge("top_p", version.top_p.as_ref(), caller.top_p.as_ref())?,
        frequency_penalty: merge(
            "frequency_penalty",
            version.frequency_penalty.as_ref(),
            caller.frequency_penalty.as_ref(),
        )?,
        presence_penalty: merge(
            "presence_penalty",
            version.presence_penalty.as_ref(),
            caller.presence_penalty.as_ref(),
        )?,
        stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::PromptMessage;

    fn prompt(template: &str, variables: &[&str]) -> PromptContent {
        PromptContent {
            model: "m".into(),
            messages: vec![PromptMessage {
                role: MessageRole::System,
                content: template.into(),
            }],
            parameters: PromptParameters::default(),
            variables: variables.iter().map(|v| (*v).to_owned()).collect(),
            routing_rule: None,
        }
    }

    fn inputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn placeholders_are_filled_once() {
        let p = prompt("Help with {{ topic }} for {{name}}; {{topic}}!", &["topic", "name"]);
        let out = render_messages(&p, &inputs(&[("topic", "{{name}}"), ("name", "Ada")])).unwrap();
        assert_eq!(out[0].content, "Help with {{name}} for Ada; {{name}}!");
        assert_eq!(out[0].role, MessageRole::System);
    }

    #[test]
    fn missing_and_undeclared_inputs_are_named() {
        let p = prompt("About {{topic}}", &["topic"]);
        assert_eq!(render_messages(&p, &inputs(&[])).unwrap_err().field(), "inputs.topic");
        let e = render_messages(&p, &inputs(&[("topic", "x"), ("tone", "y")])).unwrap_err();
        assert_eq!(e.field(), "inputs.tone");
    }

    #[test]
    fn callers_fill_only_unset_parameters() {
        let version = PromptParameters {
            temperature: Some(0.2),
            ..Default::default()
        };
        let caller = PromptParameters {
            max_tokens: Some(10),
            ..Default::default()
        };
        let merged = merge_parameters(&version, &caller).unwrap();
        assert_eq!((merged.temperature, merged.max_tokens), (Some(0.2), Some(10)));
        let overriding = PromptParameters {
            temperature: Some(1.0),
            ..Default::default()
        };
        assert_eq!(
            merge_parameters(&version, &overriding).unwrap_err().field(),
            "temperature"
        );
        let out_of_range = PromptParameters {
            top_p: Some(3.0),
            ..Default::default()
        };
        assert_eq!(merge_parameters(&version, &out_of_range).unwrap_err().field(), "top_p");
    }
}

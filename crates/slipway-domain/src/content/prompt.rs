//! Prompt content: a model, message templates with `{{variables}}`, parameters and the declared
//! variables.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::resource::ResourceKey;

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageRole {
    /// Instructions to the model.
    System,
    /// The user's turn.
    User,
    /// The model's turn (few-shot examples).
    Assistant,
}

/// One message template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptMessage {
    /// Whose turn the message is (system, user or assistant).
    pub role: MessageRole,
    /// The template, with `{{variable}}` placeholders.
    pub content: String,
}

/// Sampling parameters; each is optional and checked against its range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptParameters {
    /// 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// 1 to 1,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// -2 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// -2 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// At most 4 non-empty stop sequences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
}

/// The content of a prompt version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptContent {
    /// The model name, as the provider knows it.
    pub model: String,
    /// The message templates, in order.
    pub messages: Vec<PromptMessage>,
    /// Sampling parameters sent with the request (temperature, max_tokens, …); absent: none.
    #[serde(default)]
    pub parameters: PromptParameters,
    /// The variables the templates may use; every `{{name}}` must be declared here.
    #[serde(default)]
    pub variables: Vec<String>,
    /// The key of the routing rule a gateway call of this prompt goes through; without one the
    /// call goes to the provider whose live activation enables `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_rule: Option<String>,
}

/// The most messages a prompt may hold.
const MAX_MESSAGES: usize = 100;
/// The longest message template, in characters.
const MAX_MESSAGE_CHARS: usize = 100_000;

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

/// The variables a template uses, in order of first use.
///
/// # Errors
/// An unclosed `{{`, or a placeholder whose name is not an identifier.
pub fn template_variables(template: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| "has an unclosed '{{'".to_owned())?;
        let name = after[..end].trim();
        if !is_identifier(name) {
            return Err(format!(
                "has an invalid placeholder '{{{{{name}}}}}'; names are letters, digits and '_'"
            ));
        }
        if !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    Ok(found)
}

fn check_range(field: &str, value: Option<f64>, min: f64, max: f64) -> Result<(), ValidationError> {
    match value {
        Some(v) if !(min..=max).contains(&v) => {
            Err(ValidationError::new(field, format!("must be between {min} and {max}")))
        }
        _ => Ok(()),
    }
}

impl PromptParameters {
    /// Checks each parameter's range; field paths are the parameters' names.
    ///
    /// # Errors
    /// The first parameter out of range.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_range("temperature", self.temperature, 0.0, 2.0)?;
        check_range("top_p", self.top_p, 0.0, 1.0)?;
        check_range("frequency_penalty", self.frequency_penalty, -2.0, 2.0)?;
        check_range("presence_penalty", self.presence_penalty, -2.0, 2.0)?;
        if let Some(n) = self.max_tokens
            && !(1..=1_000_000).contains(&n)
        {
            return Err(ValidationError::new("max_tokens", "must be between 1 and 1000000"));
        }
        if self.stop.len() > 4 {
            return Err(ValidationError::new("stop", "at most 4 stop sequences"));
        }
        if self.stop.iter().any(String::is_empty) {
            return Err(ValidationError::new("stop", "stop sequences must not be empty"));
        }
        Ok(())
    }
}

impl PromptContent {
    /// Checks every rule of a prompt; field paths are relative to the content.
    ///
    /// # Errors
    /// The first broken rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let model = self.model.trim();
        if model.is_empty() || model.len() > 128 || model != self.model {
            return Err(ValidationError::new(
                "model",
                "must be 1-128 characters without surrounding spaces",
            ));
        }
        if self.messages.is_empty() {
            return Err(ValidationError::new("messages", "must hold at least one message"));
        }
        if self.messages.len() > MAX_MESSAGES {
            return Err(ValidationError::new("messages", "at most 100 messages"));
        }
        let mut declared = BTreeSet::new();
        for (i, name) in self.variables.iter().enumerate() {
            if !is_identifier(name) {
                return Err(ValidationError::new(
                    format!("variables[{i}]"),
                    "must be letters, digits and '_' (not starting with a digit)",
                ));
            }
            if !declared.insert(name.as_str()) {
                return Err(ValidationError::new(
                    format!("variables[{i}]"),
                    format!("'{name}' is declared twice"),
                ));
            }
        }
        for (i, message) in self.messages.iter().enumerate() {
            let field = format!("messages[{i}].content");
            if message.content.trim().is_empty() {
                return Err(ValidationError::new(field, "must not be empty"));
            }
            if message.content.chars().count() > MAX_MESSAGE_CHARS {
                return Err(ValidationError::new(field, "must be at most 100000 characters"));
            }
            let used = template_variables(&message.content).map_err(|m| ValidationError::new(field.clone(), m))?;
            if let Some(missing) = used.iter().find(|v| !declared.contains(v.as_str())) {
                return Err(ValidationError::new(
                    field,
                    format!("uses '{{{{{missing}}}}}', which is not declared in variables"),
                ));
            }
        }
        if let Some(rule) = &self.routing_rule {
            ResourceKey::parse(rule).map_err(|e| ValidationError::new("routing_rule", e.message()))?;
        }
        self.parameters.validate().map_err(|e| e.within("parameters"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(content: &str, variables: &[&str]) -> PromptContent {
        PromptContent {
            model: "gpt-4o".into(),
            messages: vec![PromptMessage {
                role: MessageRole::User,
                content: content.into(),
            }],
            parameters: PromptParameters::default(),
            variables: variables.iter().map(|s| (*s).to_owned()).collect(),
            routing_rule: None,
        }
    }

    #[test]
    fn template_variables_are_found() {
        assert_eq!(
            template_variables("Hi {{name}}, {{ topic }} and {{name}}").unwrap(),
            vec!["name", "topic"]
        );
        assert!(template_variables("Hi {{name").is_err());
        assert!(template_variables("Hi {{1x}}").is_err());
        assert!(template_variables("Hi {{}}").is_err());
        assert_eq!(template_variables("no placeholders } {").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn declared_variables_are_required() {
        assert!(prompt("Hello {{name}}", &["name"]).validate().is_ok());
        let e = prompt("Hello {{name}}", &[]).validate().unwrap_err();
        assert_eq!(e.field(), "messages[0].content");
        assert!(e.message().contains("not declared"));
        assert_eq!(prompt("x", &["a", "a"]).validate().unwrap_err().field(), "variables[1]");
        assert_eq!(prompt("x", &["9a"]).validate().unwrap_err().field(), "variables[0]");
    }

    #[test]
    fn parameter_ranges() {
        let cases: &[(PromptParameters, Option<&str>)] = &[
            (
                PromptParameters {
                    temperature: Some(0.0),
                    ..Default::default()
                },
                None,
            ),
            (
                PromptParameters {
                    temperature: Some(2.0),
                    ..Default::default()
                },
                None,
            ),
            (
                PromptParameters {
                    temperature: Some(2.1),
                    ..Default::default()
                },
                Some("parameters.temperature"),
            ),
            (
                PromptParameters {
                    temperature: Some(-0.1),
                    ..Default::default()
                },
                Some("parameters.temperature"),
            ),
            (
                PromptParameters {
                    max_tokens: Some(0),
                    ..Default::default()
                },
                Some("parameters.max_tokens"),
            ),
            (
                PromptParameters {
                    max_tokens: Some(1),
                    ..Default::default()
                },
                None,
            ),
            (
                PromptParameters {
                    top_p: Some(1.5),
                    ..Default::default()
                },
                Some("parameters.top_p"),
            ),
            (
                PromptParameters {
                    presence_penalty: Some(-2.5),
                    ..Default::default()
                },
                Some("parameters.presence_penalty"),
            ),
            (
                PromptParameters {
                    frequency_penalty: Some(2.0),
                    ..Default::default()
                },
                None,
            ),
            (
                PromptParameters {
                    stop: vec!["a".into(); 5],
                    ..Default::default()
                },
                Some("parameters.stop"),
            ),
            (
                PromptParameters {
                    stop: vec![String::new()],
                    ..Default::default()
                },
                Some("parameters.stop"),
            ),
        ];
        for (parameters, expected) in cases {
            let mut p = prompt("x", &[]);
            p.parameters = parameters.clone();
            assert_eq!(
                p.validate().err().map(|e| e.field().to_owned()).as_deref(),
                *expected,
                "{parameters:?}"
            );
        }
    }

    #[test]
    fn a_routing_rule_reference_must_be_a_resource_key() {
        let mut p = prompt("x", &[]);
        p.routing_rule = Some("support/default".into());
        assert!(p.validate().is_ok());
        p.routing_rule = Some("Not A Key".into());
        assert_eq!(p.validate().unwrap_err().field(), "routing_rule");
    }

    #[test]
    fn model_and_messages_are_required() {
        let mut p = prompt("x", &[]);
        p.model = " ".into();
        assert_eq!(p.validate().unwrap_err().field(), "model");
        let mut p = prompt("x", &[]);
        p.messages.clear();
        assert_eq!(p.validate().unwrap_err().field(), "messages");
        assert_eq!(prompt("  ", &[]).validate().unwrap_err().field(), "messages[0].content");
    }
}

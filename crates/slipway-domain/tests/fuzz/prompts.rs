//! Prompt content and its `{{variable}}` templates: placeholders are found exactly, in order of
//! first use; valid prompts are accepted and round-trip; random ones are accepted only when every
//! rule holds.

use proptest::prelude::*;
use serde_json::{Value, json};
use slipway_domain::content::prompt::template_variables;
use slipway_domain::content::{Content, PromptContent};
use slipway_domain::resource::ResourceKind;

use crate::support::{assert_content_round_trips, config, hostile_string, mutated};

/// The domain's identifier rule, restated: a letter or `_`, then letters, digits, `_`; ≤ 64.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

/// Template text without braces.
fn plain() -> impl Strategy<Value = String> {
    hostile_string(12).prop_map(|s| s.replace(['{', '}'], ""))
}

/// A placeholder name: usually an identifier, sometimes not.
fn placeholder_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        1 => "[a-z]{65,66}",
        1 => "[0-9 .a-z-]{0,6}",
    ]
}

/// Pieces of a template: text and placeholders with optional spaces inside the braces.
fn template() -> impl Strategy<Value = (String, Vec<String>)> {
    prop::collection::vec((plain(), placeholder_name(), " {0,2}", " {0,2}"), 0..6).prop_map(|pieces| {
        let mut text = String::new();
        let mut names = Vec::new();
        for (before, name, left, right) in pieces {
            text.push_str(&before);
            text.push_str(&format!("{{{{{left}{name}{right}}}}}"));
            names.push(name);
        }
        (text, names)
    })
}

fn role() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["system", "user", "assistant"][..])
}

/// A prompt that breaks no rule: declared variables cover every placeholder, parameters in range.
fn valid_prompt() -> impl Strategy<Value = Value> {
    let variables = prop::collection::btree_set("[a-z_][a-z0-9_]{0,6}", 0..5);
    (
        variables,
        "[a-z0-9][a-z0-9.-]{0,30}",
        prop::collection::vec((role(), plain(), any::<prop::sample::Index>()), 1..5),
    )
        .prop_flat_map(|(variables, model, messages)| {
            let variables: Vec<String> = variables.into_iter().collect();
            let messages: Vec<Value> = messages
                .into_iter()
                .map(|(role, text, pick)| {
                    let mut content = format!("x{text}");
                    if !variables.is_empty() {
                        content.push_str(&format!("{{{{ {} }}}}", pick.get(&variables)));
                    }
                    json!({"role": role, "content": content})
                })
                .collect();
            let parameters = (
                prop::option::of(0.0f64..=2.0),
                prop::option::of(1u32..=1_000_000),
                prop::option::of(0.0f64..=1.0),
                prop::option::of(-2.0f64..=2.0),
                prop::collection::vec("[a-z#]{1,4}", 0..=4),
            );
            (Just(model), Just(messages), Just(variables), parameters)
        })
        .prop_map(
            |(model, messages, variables, (temperature, max_tokens, top_p, presence, stop))| {
                let mut parameters = serde_json::Map::new();
                if let Some(t) = temperature {
                    parameters.insert("temperature".into(), json!(t));
                }
                if let Some(m) = max_tokens {
                    parameters.insert("max_tokens".into(), json!(m));
                }
                if let Some(p) = top_p {
                    parameters.insert("top_p".into(), json!(p));
                }
                if let Some(p) = presence {
                    parameters.insert("presence_penalty".into(), json!(p));
                }
                if !stop.is_empty() {
                    parameters.insert("stop".into(), json!(stop));
                }
                json!({"model": model, "messages": messages, "parameters": parameters, "variables": variables})
            },
        )
}

/// Placeholders and declared variables drawn mostly from one small pool, so that they often
/// match.
fn pooled_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(&["a", "b", "topic"][..]).prop_map(str::to_owned),
        1 => placeholder_name(),
    ]
}

/// A template over [`pooled_name`] placeholders.
fn pooled_template() -> impl Strategy<Value = String> {
    prop::collection::vec((plain(), pooled_name(), " {0,1}"), 0..4).prop_map(|pieces| {
        let mut text = String::from("x");
        for (before, name, space) in pieces {
            text.push_str(&format!("{before}{{{{{space}{name}{space}}}}}"));
        }
        text
    })
}

/// A prompt whose every part is usually valid and sometimes breaks a rule, so that both
/// accepted and refused prompts are common.
fn noisy_prompt() -> impl Strategy<Value = Value> {
    let message = (
        prop_oneof![8 => role().prop_map(str::to_owned), 1 => hostile_string(6)],
        prop_oneof![8 => pooled_template(), 1 => template().prop_map(|(t, _)| t), 1 => hostile_string(20), 1 => " {0,2}"],
    )
        .prop_map(|(role, content)| json!({"role": role, "content": content}));
    let variables = prop_oneof![
        6 => Just(vec!["a".to_owned(), "b".to_owned(), "topic".to_owned()]),
        2 => prop::collection::vec(pooled_name(), 0..4),
        1 => prop::collection::vec(placeholder_name(), 0..3),
    ];
    (
        prop_oneof![8 => "[a-z0-9][a-z0-9.-]{0,10}", 1 => hostile_string(10), 1 => "[a-z]{127,130}"],
        prop_oneof![8 => prop::collection::vec(message.clone(), 1..4), 1 => prop::collection::vec(message, 0..1)],
        variables,
        prop_oneof![4 => prop::option::of(0.0f64..=2.0), 1 => prop::option::of(-1.0f64..3.0)],
        prop_oneof![8 => prop::option::of(1u32..=1_000_000), 1 => prop::option::of(prop_oneof![Just(0u32), 1_000_001u32..])],
        prop_oneof![8 => prop::collection::vec("[a-z.#]{1,3}", 0..=4), 1 => prop::collection::vec(hostile_string(3), 0..6)],
        prop_oneof![8 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(model, messages, variables, temperature, max_tokens, stop, extra)| {
            let mut value = json!({
                "model": model,
                "messages": messages,
                "variables": variables,
                "parameters": {"temperature": temperature, "max_tokens": max_tokens, "stop": stop},
            });
            if extra {
                value["temprature"] = json!(1);
            }
            value
        })
}

/// Every rule of an accepted prompt, restated over the parsed value.
fn assert_prompt_rules(prompt: &PromptContent) -> Result<(), TestCaseError> {
    prop_assert!(!prompt.model.is_empty() && prompt.model.len() <= 128 && prompt.model.trim() == prompt.model);
    prop_assert!((1..=100).contains(&prompt.messages.len()));
    for name in &prompt.variables {
        prop_assert!(is_identifier(name));
    }
    let declared: std::collections::BTreeSet<&String> = prompt.variables.iter().collect();
    prop_assert_eq!(declared.len(), prompt.variables.len());
    for message in &prompt.messages {
        prop_assert!(!message.content.trim().is_empty());
        for used in template_variables(&message.content).unwrap() {
            prop_assert!(declared.contains(&used));
        }
    }
    let p = &prompt.parameters;
    prop_assert!(p.temperature.is_none_or(|t| (0.0..=2.0).contains(&t)));
    prop_assert!(p.max_tokens.is_none_or(|m| (1..=1_000_000).contains(&m)));
    prop_assert!(p.stop.len() <= 4 && p.stop.iter().all(|s| !s.is_empty()));
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn templates_yield_their_placeholders_in_order_of_first_use((text, names) in template(), tail in plain()) {
        let text = format!("{text}{tail}");
        let trimmed: Vec<&str> = names.iter().map(|n| n.trim()).collect();
        match template_variables(&text) {
            Ok(found) => {
                prop_assert!(trimmed.iter().all(|n| is_identifier(n)), "{:?}", text);
                let mut expected: Vec<&str> = Vec::new();
                for name in trimmed {
                    if !expected.contains(&name) {
                        expected.push(name);
                    }
                }
                prop_assert_eq!(found, expected);
            }
            Err(message) => {
                prop_assert!(trimmed.iter().any(|n| !is_identifier(n)), "{:?}: {}", text, message);
                prop_assert!(message.contains("placeholder"));
            }
        }
    }

    #[test]
    fn templates_never_panic_and_report_only_identifiers(text in hostile_string(60)) {
        if let Ok(found) = template_variables(&text) {
            let unique: std::collections::BTreeSet<&String> = found.iter().collect();
            prop_assert_eq!(unique.len(), found.len());
            for name in &found {
                prop_assert!(is_identifier(name));
                prop_assert!(text.contains(name.as_str()));
            }
        }
        let unclosed = format!("{}{{{{{}", text.replace("}}", ""), text.replace("}}", ""));
        prop_assert!(template_variables(&unclosed).is_err());
    }

    #[test]
    fn valid_prompts_are_accepted_and_round_trip(value in valid_prompt()) {
        let content = Content::parse(ResourceKind::Prompt, value.clone());
        prop_assert!(content.is_ok(), "{}: {:?}", value, content);
        let content = content.unwrap();
        let Content::Prompt(prompt) = &content else { panic!("a prompt") };
        assert_prompt_rules(prompt)?;
        assert_content_round_trips(&content, ResourceKind::Prompt)?;
    }

    #[test]
    fn noisy_prompts_are_accepted_only_when_every_rule_holds(value in prop_oneof![noisy_prompt(), mutated(valid_prompt())]) {
        match Content::parse(ResourceKind::Prompt, value) {
            Ok(content) => {
                let Content::Prompt(prompt) = &content else { panic!("a prompt") };
                assert_prompt_rules(prompt)?;
                assert_content_round_trips(&content, ResourceKind::Prompt)?;
            }
            Err(e) => prop_assert!(e.field().starts_with("content"), "{}", e),
        }
    }
}

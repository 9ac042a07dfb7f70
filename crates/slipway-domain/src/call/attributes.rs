//! The attributes of one call that a route's conditions are checked against: `model`, `user` and
//! `metadata.*` (the request body's `metadata` object).

use std::collections::BTreeMap;

/// What a request says about itself, as route conditions see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestAttributes {
    /// The model the caller asked for (the `model` field, or the prompt version's model).
    pub model: String,
    /// The caller's end-user id (the `user` field), when given.
    pub user: Option<String>,
    /// The request's `metadata` object, string values only.
    pub metadata: BTreeMap<String, String>,
}

impl RequestAttributes {
    /// The value of a condition's field: `model`, `user` or `metadata.NAME`; `None` for an
    /// attribute the request does not carry (or a field no request can carry).
    pub fn get(&self, field: &str) -> Option<&str> {
        match field {
            "model" => Some(self.model.as_str()),
            "user" => self.user.as_deref(),
            _ => field
                .strip_prefix("metadata.")
                .and_then(|name| self.metadata.get(name))
                .map(String::as_str),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_model_user_and_metadata() {
        let attrs = RequestAttributes {
            model: "gpt-4o".into(),
            user: Some("u1".into()),
            metadata: BTreeMap::from([("tier".to_owned(), "gold".to_owned())]),
        };
        assert_eq!(attrs.get("model"), Some("gpt-4o"));
        assert_eq!(attrs.get("user"), Some("u1"));
        assert_eq!(attrs.get("metadata.tier"), Some("gold"));
        assert_eq!(attrs.get("metadata.other"), None);
        assert_eq!(attrs.get("tier"), None);
        assert_eq!(attrs.get("metadata."), None);
    }
}

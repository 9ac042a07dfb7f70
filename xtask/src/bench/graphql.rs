//! GraphQL calls for the bench: a caller (one JWT or API key on one connection) that sends a
//! query with variables and fails on any GraphQL error, so a seed that went wrong stops the run.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::http::Connection;

/// A signed-in caller of `/graphql`.
pub struct Caller {
    connection: Connection,
    authorization: String,
}

impl Caller {
    /// Opens a connection for the bearer `token`.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub fn new(address: SocketAddr, token: &str) -> Result<Self> {
        Ok(Self {
            connection: Connection::open(address)?,
            authorization: format!("Bearer {token}"),
        })
    }

    /// Runs `query` and returns its `data`.
    ///
    /// # Errors
    /// Transport failures, non-200 answers and any GraphQL error (its code and message).
    pub fn run(&mut self, query: &str, variables: &Value) -> Result<Value> {
        let body = json!({"query": query, "variables": variables}).to_string();
        let response = self.connection.request(
            "POST",
            "/graphql",
            &[
                ("Authorization", &self.authorization),
                ("Content-Type", "application/json"),
            ],
            &body,
        )?;
        let answer: Value = serde_json::from_str(&response.body)
            .with_context(|| format!("GraphQL answered {} with {:?}", response.status, response.body))?;
        if let Some(errors) = answer
            .get("errors")
            .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
        {
            bail!("GraphQL error: {errors}");
        }
        if response.status != 200 {
            bail!("GraphQL answered {}: {}", response.status, response.body);
        }
        Ok(answer["data"].clone())
    }
}

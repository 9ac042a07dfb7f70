//! Resources, versions, credentials and API keys.

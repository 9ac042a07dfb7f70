//! What a budget is counted per: the client's address (from the connection, never from a
//! header a client could write) and the verified identity behind a credential (an API key's id
//! or a user's id — never the presented token, so unverified tokens cannot mint new budgets).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::Extensions;
use slipway_domain::{ApiKeyId, UserId};
use slipway_service::{Caller, Ctx};

/// The address a request came from, as budgets count it.
///
/// IPv6 addresses are counted per /64 prefix: a single host usually holds a whole /64, so
/// counting single addresses would give it 2^64 budgets. IPv4-mapped IPv6 addresses count as
/// the IPv4 address they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientAddress {
    /// A known peer.
    Ip(IpAddr),
    /// The request carried no peer address: the router was served without connection info
    /// (in-process, e.g. `tower::ServiceExt::oneshot`). All such requests share this one
    /// budget, so a missing peer never means "unlimited".
    Unknown,
}

impl ClientAddress {
    /// The budget key of `peer` (`None`: [`ClientAddress::Unknown`]).
    pub fn of(peer: Option<SocketAddr>) -> Self {
        match peer.map(|p| p.ip()) {
            None => Self::Unknown,
            Some(IpAddr::V4(v4)) => Self::Ip(IpAddr::V4(v4)),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::Ip(IpAddr::V4(v4)),
                None => Self::Ip(IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX)))),
            },
        }
    }

    /// The address of the request whose extensions these are: the `ConnectInfo<SocketAddr>`
    /// that the server's listener attaches to every request.
    pub fn from_extensions(extensions: &Extensions) -> Self {
        Self::of(
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| *peer),
        )
    }
}

impl fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ip(IpAddr::V6(prefix)) => write!(f, "{prefix}/64"),
            Self::Ip(ip) => write!(f, "{ip}"),
            Self::Unknown => f.write_str("unknown peer"),
        }
    }
}

/// A verified identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Credential {
    /// A gateway's API key.
    ApiKey(ApiKeyId),
    /// A user signed in with a JWT (whatever token of theirs is presented).
    User(UserId),
}

impl Credential {
    /// The identity of an authenticated caller (`None` for Slipway's own background work).
    pub fn of(ctx: &Ctx) -> Option<Self> {
        match &ctx.caller {
            Caller::ApiKey(key) => Some(Self::ApiKey(key.id)),
            Caller::User(user) => Some(Self::User(user.id)),
            Caller::System => None,
        }
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(id) => write!(f, "API key {id}"),
            Self::User(id) => write!(f, "user {id}"),
        }
    }
}

/// Who a mutation budget is counted for: the caller's identity, or its address when anonymous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A verified identity.
    Credential(Credential),
    /// An anonymous caller's address.
    Address(ClientAddress),
}

impl Subject {
    /// The subject of a request by `caller` (if authenticated) from `address`.
    pub fn of(caller: Option<&Ctx>, address: ClientAddress) -> Self {
        caller
            .and_then(Credential::of)
            .map_or(Self::Address(address), Self::Credential)
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential(c) => c.fmt(f),
            Self::Address(a) => a.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(text: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(text.parse().unwrap(), 4000))
    }

    #[test]
    fn ipv6_hosts_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a = ClientAddress::of(peer("2001:db8:1:2:aaaa::1"));
        let b = ClientAddress::of(peer("2001:db8:1:2:ffff:1:2:3"));
        let other = ClientAddress::of(peer("2001:db8:1:3::1"));
        assert_eq!(a, b, "one /64 is one client");
        assert_ne!(a, other);
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_eq!(
            ClientAddress::of(peer("::ffff:192.0.2.7")),
            ClientAddress::of(peer("192.0.2.7"))
        );
        assert_ne!(
            ClientAddress::of(peer("192.0.2.7")),
            ClientAddress::of(peer("192.0.2.8"))
        );
    }

    #[test]
    fn a_missing_peer_is_one_shared_unknown_address() {
        assert_eq!(ClientAddress::of(None), ClientAddress::Unknown);
        assert_eq!(
            ClientAddress::from_extensions(&Extensions::new()),
            ClientAddress::Unknown
        );
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 1))));
        assert_eq!(
            ClientAddress::from_extensions(&extensions),
            ClientAddress::Ip([10, 0, 0, 1].into())
        );
    }
}

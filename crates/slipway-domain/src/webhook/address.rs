//! Which network addresses the webhook sender may connect to (SSRF safety). The sender resolves
//! an endpoint's host itself, keeps only the addresses the operator's [`AddressScope`] allows,
//! and connects to one of those; this module only classifies addresses.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::ValidationError;

/// What an operator lets webhooks reach beyond the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddressScope {
    /// Public addresses only.
    Public,
    /// Public addresses and loopback (the default: tests and a single-machine setup).
    #[default]
    Loopback,
    /// Also private, shared (CGNAT), unique-local and link-local addresses, the cloud metadata
    /// address among them: only for a deployment whose receivers live on a private network.
    Private,
}

/// What kind of address an IP is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Public,
    Loopback,
    Private,
    /// Unspecified, multicast, broadcast, documentation: never a webhook receiver.
    Never,
}

fn class_v4(ip: Ipv4Addr) -> Class {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Class::Loopback
    } else if ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
    {
        Class::Never
    } else if ip.is_private()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
    {
        Class::Private
    } else {
        Class::Public
    }
}

fn class_v6(ip: Ipv6Addr) -> Class {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return class_v4(v4);
    }
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Class::Loopback
    } else if ip.is_unspecified() || ip.is_multicast() || first == 0x2001 && ip.segments()[1] == 0x0db8 {
        Class::Never
    } else if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || (first & 0xffc0) == 0xfec0 {
        // Unique local (fd00:ec2::254 is a cloud metadata address), link-local, site-local.
        Class::Private
    } else if first == 0 || first == 0x0064 {
        // IPv4-compatible and NAT64 forms reach IPv4 addresses this check cannot see.
        Class::Never
    } else {
        Class::Public
    }
}

impl AddressScope {
    /// Every scope.
    pub const ALL: [AddressScope; 3] = [AddressScope::Public, AddressScope::Loopback, AddressScope::Private];

    /// The configuration name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AddressScope::Public => "public",
            AddressScope::Loopback => "loopback",
            AddressScope::Private => "private",
        }
    }

    /// Whether the sender may connect to `ip`.
    pub fn allows(self, ip: IpAddr) -> bool {
        let class = match ip {
            IpAddr::V4(v4) => class_v4(v4),
            IpAddr::V6(v6) => class_v6(v6),
        };
        match class {
            Class::Public => true,
            Class::Loopback => self != AddressScope::Public,
            Class::Private => self == AddressScope::Private,
            Class::Never => false,
        }
    }
}

impl fmt::Display for AddressScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AddressScope {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AddressScope::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| ValidationError::new("webhook_addresses", "must be public, loopback or private"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn each_scope_allows_exactly_its_addresses() {
        // (address, public, loopback, private)
        let table = [
            ("93.184.216.34", true, true, true),
            ("2606:2800:220:1:248:1893:25c8:1946", true, true, true),
            ("127.0.0.1", false, true, true),
            ("127.8.9.10", false, true, true),
            ("::1", false, true, true),
            ("::ffff:127.0.0.1", false, true, true),
            ("10.1.2.3", false, false, true),
            ("172.16.0.1", false, false, true),
            ("192.168.1.1", false, false, true),
            ("100.64.0.1", false, false, true),
            ("169.254.169.254", false, false, true),
            ("::ffff:169.254.169.254", false, false, true),
            ("fd00:ec2::254", false, false, true),
            ("fe80::1", false, false, true),
            ("0.0.0.0", false, false, false),
            ("::", false, false, false),
            ("255.255.255.255", false, false, false),
            ("224.0.0.1", false, false, false),
            ("ff02::1", false, false, false),
            ("::127.0.0.1", false, false, false),
            ("64:ff9b::a00:1", false, false, false),
        ];
        for (addr, public, loopback, private) in table {
            assert_eq!(AddressScope::Public.allows(ip(addr)), public, "{addr} public");
            assert_eq!(AddressScope::Loopback.allows(ip(addr)), loopback, "{addr} loopback");
            assert_eq!(AddressScope::Private.allows(ip(addr)), private, "{addr} private");
        }
    }

    #[test]
    fn scopes_parse_by_name() {
        for scope in AddressScope::ALL {
            assert_eq!(scope.as_str().parse::<AddressScope>().unwrap(), scope);
        }
        assert_eq!(AddressScope::default(), AddressScope::Loopback);
        assert!("anything".parse::<AddressScope>().is_err());
    }
}

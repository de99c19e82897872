//! Who is asking, for rate limits: the client's address behind the council's own reverse
//! proxies, and the block an address belongs to.
use std::net::IpAddr;

use ipnet::IpNet;

/// The client's address. Behind a trusted proxy, the rightmost address in `X-Forwarded-For` that
/// is not itself a trusted proxy (anything left of it could be typed by the client); otherwise
/// the connecting address. With no trusted proxies the header is ignored.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut last = peer;
    for part in header.rsplit(',') {
        match part.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => last = ip,
            Ok(ip) => return ip,
            // A malformed hop: stop at the last address we could believe.
            Err(_) => return last,
        }
    }
    last
}

/// The block an address is limited as: one IPv4 address, or an IPv6 /64 (one household or
/// server usually holds a whole /64, so per-/128 limits are no limit).
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

/// Parses `CNIS_TRUSTED_PROXIES`: addresses or CIDR blocks, separated by commas.
pub fn parse_trusted(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("CNIS_TRUSTED_PROXIES: {p:?} is not an address or CIDR block"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let trusted = parse_trusted("10.0.0.0/8, 192.0.2.1").unwrap_or_default();
        assert_eq!(trusted.len(), 2);
        // From the proxy: the client it saw.
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // A client that typed its own header in front: the proxy's view wins.
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("1.1.1.1, 203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // Two proxies deep.
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("203.0.113.9, 192.0.2.1"), &trusted),
            ip("203.0.113.9")
        );
        // Not from a proxy: the header is ignored.
        assert_eq!(
            client_address(ip("198.51.100.7"), Some("203.0.113.9"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("203.0.113.9"), &[]),
            ip("10.1.2.3")
        );
        assert_eq!(
            client_address(ip("10.1.2.3"), Some("nonsense"), &trusted),
            ip("10.1.2.3")
        );
        assert!(parse_trusted("10.0.0.0/8, not-an-ip").is_err());
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64() {
        assert_eq!(
            rate_key(ip("2001:db8:1:2:aaaa::1")),
            rate_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            rate_key(ip("2001:db8:1:2::1")),
            rate_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(rate_key(ip("203.0.113.9")), ip("203.0.113.9"));
    }
}

//! Registered-URL patterns: exact URLs, a loopback port wildcard (`http://localhost:*/account`)
//! and a wildcard in the left-most host label (`https://*.example.com/cb`), per the WorkOS
//! redirect-URI rules (reference §7.5).

use url::Url;

const PORT_PLACEHOLDER: &str = "65535";
const LABEL_PLACEHOLDER: &str = "emulator-wildcard-label";

/// A parsed URL pattern.
///
/// ```
/// use authkit_emulator::pattern::UrlPattern;
/// let p = UrlPattern::parse("http://localhost:*/account").unwrap();
/// assert!(p.matches("http://localhost:41234/account"));
/// assert!(!p.matches("http://localhost:41234/other"));
/// assert!(!p.matches("http://evil.example:41234/account"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPattern {
    raw: String,
    url: Url,
    any_port: bool,
    /// `(prefix, suffix)` of the wildcard first host label, when there is one.
    label: Option<(String, String)>,
}

/// Why a pattern was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// Not an absolute http(s) URL.
    #[error("`{0}` is not an absolute http(s) URL")]
    NotHttp(String),
    /// A port wildcard on a host that is not loopback.
    #[error("`{0}`: a port wildcard is only allowed on localhost / 127.x.x.x / [::1]")]
    PortWildcardNotLoopback(String),
    /// More than one `*`, or a `*` outside the first host label or the port.
    #[error("`{0}`: only one `*`, in the first host label or as a loopback port")]
    BadWildcard(String),
}

/// Split `host[:port]` (host may be a bracketed IPv6 literal).
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                (host, rest.strip_prefix(':'))
            }
            None => (authority, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    }
}

/// Whether `host` is a loopback name or address.
///
/// ```
/// assert!(authkit_emulator::pattern::is_loopback_host("127.0.0.2"));
/// assert!(!authkit_emulator::pattern::is_loopback_host("example.com"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

impl UrlPattern {
    /// Parse a pattern.
    pub fn parse(raw: &str) -> Result<Self, PatternError> {
        let stars = raw.matches('*').count();
        if stars > 1 {
            return Err(PatternError::BadWildcard(raw.into()));
        }
        let (scheme, rest) = raw
            .split_once("://")
            .ok_or_else(|| PatternError::NotHttp(raw.into()))?;
        if scheme != "http" && scheme != "https" {
            return Err(PatternError::NotHttp(raw.into()));
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (host, port) = split_authority(authority);
        let mut any_port = false;
        let mut label = None;
        let mut host_s = host.to_string();
        let mut port_s = port.map(str::to_string);
        if port == Some("*") {
            if !is_loopback_host(host) {
                return Err(PatternError::PortWildcardNotLoopback(raw.into()));
            }
            any_port = true;
            port_s = Some(PORT_PLACEHOLDER.into());
        } else if stars == 1 {
            let (first, others) = host
                .split_once('.')
                .ok_or_else(|| PatternError::BadWildcard(raw.into()))?;
            if !first.contains('*') || others.contains('*') || others.split('.').count() < 2 {
                return Err(PatternError::BadWildcard(raw.into()));
            }
            let (prefix, suffix) = first.split_once('*').unwrap_or(("", ""));
            label = Some((prefix.to_ascii_lowercase(), suffix.to_ascii_lowercase()));
            host_s = format!("{LABEL_PLACEHOLDER}.{others}");
        }
        let rebuilt = match &port_s {
            Some(p) => format!("{scheme}://{host_s}:{p}{tail}"),
            None => format!("{scheme}://{host_s}{tail}"),
        };
        let url = Url::parse(&rebuilt).map_err(|_| PatternError::NotHttp(raw.into()))?;
        if url.host_str().is_none() {
            return Err(PatternError::NotHttp(raw.into()));
        }
        Ok(Self {
            raw: raw.into(),
            url,
            any_port,
            label,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the pattern has a wildcard.
    pub fn is_wildcard(&self) -> bool {
        self.any_port || self.label.is_some()
    }

    /// The pattern's scheme + host (for origin checks), e.g. `http://localhost`.
    pub fn scheme(&self) -> &str {
        self.url.scheme()
    }

    /// The pattern's path (e.g. `/login`).
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// Whether `candidate` matches this pattern exactly (after URL normalisation) or through
    /// its wildcard.
    pub fn matches(&self, candidate: &str) -> bool {
        let Ok(c) = Url::parse(candidate) else {
            return false;
        };
        if c.fragment().is_some() || !c.username().is_empty() || c.password().is_some() {
            return false;
        }
        if c.scheme() != self.url.scheme()
            || c.path() != self.url.path()
            || c.query() != self.url.query()
        {
            return false;
        }
        let (Some(ch), Some(ph)) = (c.host_str(), self.url.host_str()) else {
            return false;
        };
        let host_ok = match &self.label {
            None => ch.eq_ignore_ascii_case(ph),
            Some((prefix, suffix)) => {
                let rest = ph.strip_prefix(LABEL_PLACEHOLDER).unwrap_or(ph);
                match ch.to_ascii_lowercase().split_once('.') {
                    Some((first, others)) => {
                        format!(".{others}") == rest
                            && first.len() >= prefix.len() + suffix.len()
                            && first.starts_with(prefix.as_str())
                            && first.ends_with(suffix.as_str())
                    }
                    None => false,
                }
            }
        };
        if !host_ok {
            return false;
        }
        self.any_port || c.port_or_known_default() == self.url.port_or_known_default()
    }

    /// Whether `origin` (`scheme://host[:port]`) could belong to a URL matching this pattern.
    pub fn matches_origin(&self, origin: &str) -> bool {
        let Ok(o) = Url::parse(origin) else {
            return false;
        };
        let mut probe = o.clone();
        probe.set_path(self.url.path());
        probe.set_query(self.url.query());
        probe.set_fragment(None);
        o.path() == "/" && o.query().is_none() && self.matches(probe.as_str())
    }
}

/// The origin (`scheme://host[:port]`) of an absolute URL.
///
/// ```
/// assert_eq!(
///     authkit_emulator::pattern::origin_of("http://localhost:5173/account?x=1").as_deref(),
///     Some("http://localhost:5173")
/// );
/// ```
pub fn origin_of(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    match u.origin() {
        url::Origin::Tuple(..) => Some(u.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_wildcards() {
        let p = UrlPattern::parse("http://localhost:5173/account").unwrap();
        assert!(p.matches("http://localhost:5173/account"));
        assert!(!p.matches("http://localhost:5174/account"));
        assert!(!p.matches("http://localhost:5173/account?x=1"));
        let root = UrlPattern::parse("http://localhost:5173/").unwrap();
        assert!(root.matches("http://localhost:5173"));
        let any = UrlPattern::parse("http://127.0.0.1:*").unwrap();
        assert!(any.matches_origin("http://127.0.0.1:9"));
        assert!(!any.matches_origin("http://127.0.0.2:9"));
        assert!(UrlPattern::parse("http://example.com:*/x").is_err());
        let sub = UrlPattern::parse("https://pre-*.example.com/cb").unwrap();
        assert!(sub.matches("https://pre-x.example.com/cb"));
        assert!(!sub.matches("https://a.pre-x.example.com/cb"));
        assert!(!sub.matches("https://x.example.com/cb"));
        assert!(UrlPattern::parse("https://sub.*.example.com/").is_err());
        let v6 = UrlPattern::parse("http://[::1]:*/account").unwrap();
        assert!(v6.matches("http://[::1]:8080/account"));
    }
}

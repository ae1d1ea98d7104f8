//! Engine API versions (`1.41`): parsed from the daemon's `API-Version` header and
//! compared, so that requests use the newest version both sides speak.

use std::fmt;

/// An Engine API version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Always 1 so far.
    pub major: u32,
    /// The minor version.
    pub minor: u32,
}

impl ApiVersion {
    /// The newest version this client asks for (Docker 26): the fields it reads keep
    /// their meaning up to it in the API's version history, and newer daemons keep
    /// serving it.
    pub const CURRENT: ApiVersion = ApiVersion::new(1, 45);

    /// The oldest version this client speaks (Docker 1.12), which is also the oldest
    /// that current daemons accept.
    pub const MINIMUM: ApiVersion = ApiVersion::new(1, 24);

    /// A version from its parts.
    #[must_use]
    pub const fn new(major: u32, minor: u32) -> ApiVersion {
        ApiVersion { major, minor }
    }

    /// Parses `1.41`; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let (major, minor) = text.trim().split_once('.')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(ApiVersion::new(major.parse().ok()?, minor.parse().ok()?))
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order_numerically() {
        assert_eq!(ApiVersion::parse("1.41"), Some(ApiVersion::new(1, 41)));
        assert_eq!(ApiVersion::parse(" 1.9 "), Some(ApiVersion::new(1, 9)));
        assert!(ApiVersion::new(1, 9) < ApiVersion::new(1, 41));
        for bad in [
            "",
            "1",
            "1.",
            ".4",
            "1.4.1",
            "v1.41",
            "1.-1",
            "1.99999999999",
        ] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
        assert_eq!(ApiVersion::new(1, 41).to_string(), "1.41");
    }
}

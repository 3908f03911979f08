//! Decoding the access-token payload into typed claims (no signature check: the browser only
//! reads claims; your backend verifies tokens against the JWKS).

use serde::{Deserialize, Serialize};

use crate::error::AuthKitError;

/// The actor of an impersonated session (`act` claim, RFC 8693).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The impersonator's email.
    pub sub: String,
}

/// The claims of a WorkOS access token. Optional claims default to empty; unknown claims
/// (JWT templates) are kept in `extra`.
///
/// ```
/// use authkit_yew::AccessTokenClaims;
/// let claims = AccessTokenClaims::default();
/// assert!(claims.permissions.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// Issuer.
    #[serde(default)]
    pub iss: Option<String>,
    /// User id.
    #[serde(default)]
    pub sub: String,
    /// Session id (used for sign-out).
    #[serde(default)]
    pub sid: String,
    /// Token id.
    #[serde(default)]
    pub jti: Option<String>,
    /// Issued at (epoch seconds).
    #[serde(default)]
    pub iat: i64,
    /// Expires at (epoch seconds).
    #[serde(default)]
    pub exp: i64,
    /// Selected organization.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Role in the organization.
    #[serde(default)]
    pub role: Option<String>,
    /// All roles in the organization.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Permission slugs.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Entitlements of the organization.
    #[serde(default)]
    pub entitlements: Vec<String>,
    /// Enabled feature flags.
    #[serde(default)]
    pub feature_flags: Vec<String>,
    /// The impersonator, when impersonated.
    #[serde(default)]
    pub act: Option<Actor>,
    /// Client the token was minted for.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Time of the last active authentication (epoch seconds).
    #[serde(default)]
    pub auth_time: Option<i64>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Decodes the payload of a JWT (`header.payload.signature`) without checking the signature.
///
/// Errors with [`AuthKitError::InvalidToken`] unless the token has exactly three parts and
/// base64url JSON header and payload.
///
/// ```
/// use authkit_yew::protocol::claims::decode_claims;
/// assert!(decode_claims("not-a-jwt").is_err());
/// ```
pub fn decode_claims(token: &str) -> Result<AccessTokenClaims, AuthKitError> {
    let _ = token;
    todo!("sdk-core")
}

//! PKCE (RFC 7636, S256): a 96-byte random verifier (128 base64url characters) and its challenge.

use crate::error::AuthKitError;

/// Encodes 96 random bytes as the 128-character base64url verifier.
///
/// ```
/// use authkit_yew::protocol::pkce::verifier_from_bytes;
/// assert_eq!(verifier_from_bytes(&[0u8; 96]).len(), 128);
/// ```
pub fn verifier_from_bytes(bytes: &[u8; 96]) -> String {
    let _ = bytes;
    todo!("sdk-core")
}

/// A fresh verifier from the platform's secure random source (`crypto.getRandomValues`).
pub fn generate_verifier() -> Result<String, AuthKitError> {
    todo!("sdk-core")
}

/// `base64url(SHA-256(verifier))` without padding.
///
/// ```
/// use authkit_yew::protocol::pkce::challenge;
/// assert_eq!(
///     challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// );
/// ```
pub fn challenge(verifier: &str) -> String {
    let _ = verifier;
    todo!("sdk-core")
}

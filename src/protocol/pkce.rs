//! PKCE (RFC 7636, S256): a 96-byte random verifier (128 base64url characters) and its challenge.
//!
//! The verifier is what authkit-js generates: 96 random bytes, base64url-encoded without
//! padding, which is exactly the 128-character maximum of RFC 7636 §4.1. The challenge is
//! `base64url(SHA-256(verifier))` (method `S256`, §4.2).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::AuthKitError;

/// Number of random bytes in a verifier (authkit-js uses 96).
pub const VERIFIER_BYTES: usize = 96;

/// Length in characters of a verifier built from [`VERIFIER_BYTES`] bytes.
pub const VERIFIER_LEN: usize = 128;

/// Encodes 96 random bytes as the 128-character base64url verifier.
///
/// ```
/// use authkit_yew::protocol::pkce::verifier_from_bytes;
/// assert_eq!(verifier_from_bytes(&[0u8; 96]).len(), 128);
/// ```
pub fn verifier_from_bytes(bytes: &[u8; 96]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh verifier from the platform's secure random source (`crypto.getRandomValues` in the
/// browser, the OS generator on the host).
///
/// Fails with [`AuthKitError::Config`] only when the platform has no secure random source, in
/// which case signing in cannot be made safe.
///
/// ```
/// use authkit_yew::protocol::pkce::generate_verifier;
/// let verifier = generate_verifier().unwrap();
/// assert_eq!(verifier.len(), 128);
/// assert_ne!(verifier, generate_verifier().unwrap());
/// ```
pub fn generate_verifier() -> Result<String, AuthKitError> {
    let mut bytes = [0u8; VERIFIER_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| {
        AuthKitError::Config(format!(
            "no secure random source for the PKCE verifier ({e}); this browser cannot sign in safely"
        ))
    })?;
    Ok(verifier_from_bytes(&bytes))
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
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: the octets of the example verifier.
    const RFC7636_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];

    #[test]
    fn rfc7636_appendix_b_verifier_encoding() {
        assert_eq!(
            URL_SAFE_NO_PAD.encode(RFC7636_OCTETS),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn rfc7636_appendix_b_challenge() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn challenge_is_base64url_sha256_without_padding() {
        // SHA-256("abc") = ba7816bf…15ad, a well-known vector.
        let c = challenge("abc");
        assert_eq!(c, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert_eq!(c.len(), 43);
        assert!(!c.contains('='));
    }

    #[test]
    fn verifier_of_96_bytes_is_128_unreserved_chars() {
        let bytes: [u8; 96] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        let v = verifier_from_bytes(&bytes);
        assert_eq!(v.len(), VERIFIER_LEN);
        assert!(v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(URL_SAFE_NO_PAD.decode(&v).unwrap(), bytes.to_vec());
    }

    #[test]
    fn verifier_uses_url_safe_alphabet_for_high_bytes() {
        // 0xFB 0xFF… encodes to characters 62 and 63 of the alphabet.
        let v = verifier_from_bytes(&[0xFF; 96]);
        assert!(v.chars().all(|c| c == '_'));
        let v = verifier_from_bytes(&[0xFB; 96]);
        assert!(v.contains('-') && v.contains('_'));
        assert!(!v.contains('+') && !v.contains('/'));
    }

    #[test]
    fn generated_verifiers_are_valid_and_differ() {
        let a = generate_verifier().unwrap();
        let b = generate_verifier().unwrap();
        assert_eq!(a.len(), VERIFIER_LEN);
        assert_eq!(b.len(), VERIFIER_LEN);
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), VERIFIER_BYTES);
    }

    #[test]
    fn challenge_differs_per_verifier_and_is_deterministic() {
        let v = generate_verifier().unwrap();
        assert_eq!(challenge(&v), challenge(&v));
        assert_ne!(challenge(&v), challenge(&generate_verifier().unwrap()));
    }
}

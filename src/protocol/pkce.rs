//! PKCE (RFC 7636, S256): a 96-byte random verifier (128 base64url characters) and its
//! challenge, exactly as authkit-js builds them.
//!
//! The bytes come from `getrandom` (in the browser: `crypto.getRandomValues`, which exists in
//! every context) and the digest from `sha2`, so sign-in also works where `crypto.subtle` is
//! missing, e.g. a phone testing `http://192.168.x.y:5173`. Both are synchronous.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::AuthKitError;

/// Number of random bytes in a verifier (authkit-js uses 96).
///
/// ```
/// assert_eq!(authkit_yew::protocol::pkce::VERIFIER_BYTES, 96);
/// ```
pub const VERIFIER_BYTES: usize = 96;

/// Length in characters of a verifier: 96 bytes in base64url, the RFC 7636 maximum of 128.
///
/// ```
/// assert_eq!(authkit_yew::protocol::pkce::VERIFIER_LEN, 128);
/// ```
#[cfg(any(test, feature = "internals"))]
pub const VERIFIER_LEN: usize = 128;

/// A fresh verifier: [`VERIFIER_BYTES`] random bytes, base64url without padding.
///
/// Fails with [`AuthKitError::Config`] only when the platform has no secure random source.
///
/// ```
/// let verifier = authkit_yew::protocol::pkce::verifier()?;
/// assert_eq!(verifier.len(), 128);
/// # Ok::<(), authkit_yew::AuthKitError>(())
/// ```
pub fn verifier() -> Result<String, AuthKitError> {
    let mut bytes = [0u8; VERIFIER_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| {
        AuthKitError::Config(
            "no secure random source (crypto.getRandomValues is unavailable); this browser \
             cannot sign in safely"
                .into(),
        )
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 challenge of `verifier`: `base64url(SHA-256(verifier))` without padding (43
/// characters).
///
/// ```
/// use authkit_yew::protocol::pkce::challenge;
/// // RFC 7636 Appendix B.
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

    /// RFC 7636 Appendix B: the octets of the example verifier, the verifier and its challenge.
    const RFC7636_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const RFC7636_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC7636_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(URL_SAFE_NO_PAD.encode(RFC7636_OCTETS), RFC7636_VERIFIER);
        assert_eq!(challenge(RFC7636_VERIFIER), RFC7636_CHALLENGE);
    }

    #[test]
    fn challenge_is_43_url_safe_chars_without_padding() {
        // SHA-256("abc") = ba7816bf…15ad (FIPS 180-2), whose encoding ends in a partial group.
        let c = challenge("abc");
        assert_eq!(c, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert_eq!(c.len(), 43);
        assert!(!c.contains('='));
    }

    #[test]
    fn verifiers_are_128_unreserved_chars_of_96_fresh_bytes() {
        let a = verifier().unwrap();
        let b = verifier().unwrap();
        for v in [&a, &b] {
            assert_eq!(v.len(), VERIFIER_LEN);
            assert!(v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(URL_SAFE_NO_PAD.decode(v).unwrap().len(), VERIFIER_BYTES);
        }
        assert_ne!(a, b);
        assert_ne!(challenge(&a), challenge(&b));
    }
}

//! PKCE (RFC 7636, S256): the encodings of a 96-byte random verifier (128 base64url characters)
//! and of its challenge.
//!
//! The verifier is what authkit-js generates: 96 random bytes, base64url-encoded without
//! padding, which is exactly the 128-character maximum of RFC 7636 §4.1. The challenge is
//! `base64url(SHA-256(verifier))` (method `S256`, §4.2). The random bytes and the digest come
//! from the browser's Web Crypto ([`browser::crypto::pkce_verifier`] and
//! [`browser::crypto::pkce_challenge`]); this module only encodes them, so it is pure and
//! tested on the host.
//!
//! [`browser::crypto::pkce_verifier`]: crate::browser::crypto::pkce_verifier
//! [`browser::crypto::pkce_challenge`]: crate::browser::crypto::pkce_challenge

use crate::protocol::base64url;

/// Number of random bytes in a verifier (authkit-js uses 96).
///
/// ```
/// assert_eq!(authkit_yew::protocol::pkce::VERIFIER_BYTES, 96);
/// ```
pub const VERIFIER_BYTES: usize = 96;

/// Length in characters of a verifier built from [`VERIFIER_BYTES`] bytes.
///
/// ```
/// assert_eq!(authkit_yew::protocol::pkce::VERIFIER_LEN, 128);
/// ```
pub const VERIFIER_LEN: usize = 128;

/// Encodes 96 random bytes as the 128-character base64url verifier.
///
/// ```
/// use authkit_yew::protocol::pkce::verifier_from_bytes;
/// assert_eq!(verifier_from_bytes(&[0u8; 96]).len(), 128);
/// ```
pub fn verifier_from_bytes(bytes: &[u8; VERIFIER_BYTES]) -> String {
    base64url::encode(bytes)
}

/// The S256 challenge for a verifier whose SHA-256 digest is `digest`: the digest in base64url
/// without padding (43 characters).
///
/// ```
/// use authkit_yew::protocol::pkce::challenge_from_digest;
/// // SHA-256 of the RFC 7636 Appendix B verifier "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".
/// let digest = [
///     19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173,
///     109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
/// ];
/// assert_eq!(challenge_from_digest(&digest), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// ```
pub fn challenge_from_digest(digest: &[u8; 32]) -> String {
    base64url::encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: the octets of the example verifier.
    const RFC7636_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const RFC7636_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    /// RFC 7636 Appendix B: SHA-256 of the example verifier, as the octets the RFC lists.
    const RFC7636_DIGEST: [u8; 32] = [
        19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173,
        109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
    ];
    const RFC7636_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b_verifier_encoding() {
        assert_eq!(base64url::encode(&RFC7636_OCTETS), RFC7636_VERIFIER);
    }

    #[test]
    fn rfc7636_appendix_b_challenge_encoding() {
        assert_eq!(challenge_from_digest(&RFC7636_DIGEST), RFC7636_CHALLENGE);
    }

    #[test]
    fn challenge_is_43_chars_without_padding_and_round_trips() {
        // SHA-256("abc") = ba7816bf…15ad (FIPS 180-2 vector), whose encoding has a partial
        // final group.
        let abc: [u8; 32] = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
            0xf2, 0x00, 0x15, 0xad,
        ];
        let c = challenge_from_digest(&abc);
        assert_eq!(c, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert_eq!(c.len(), 43);
        assert!(!c.contains('='));
        assert_eq!(base64url::decode(&c).unwrap(), abc.to_vec());
    }

    #[test]
    fn verifier_of_96_bytes_is_128_unreserved_chars() {
        let bytes: [u8; 96] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        let v = verifier_from_bytes(&bytes);
        assert_eq!(v.len(), VERIFIER_LEN);
        assert!(v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(base64url::decode(&v).unwrap(), bytes.to_vec());
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
    fn different_bytes_give_different_verifiers() {
        let mut bytes = [7u8; 96];
        let a = verifier_from_bytes(&bytes);
        bytes[95] ^= 1;
        assert_ne!(a, verifier_from_bytes(&bytes));
    }
}

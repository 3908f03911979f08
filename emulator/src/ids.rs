//! Identifiers and opaque secrets: ULID-shaped ids (`user_01…`) and random tokens.

use rand::RngCore;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 26-character ULID (48-bit millisecond time + 80 random bits, Crockford base32).
///
/// ```
/// let id = authkit_emulator::ids::ulid(1_700_000_000_000);
/// assert_eq!(id.len(), 26);
/// ```
pub fn ulid(now_ms: u64) -> String {
    let mut random = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut random);
    let mut value: u128 = u128::from(now_ms & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    let mut out = [0u8; 26];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (25 - i);
        *slot = CROCKFORD[((value >> shift) & 0x1F) as usize];
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A prefixed id such as `session_01H…`.
///
/// ```
/// assert!(authkit_emulator::ids::prefixed("session", 0).starts_with("session_"));
/// ```
pub fn prefixed(prefix: &str, now_ms: u64) -> String {
    format!("{prefix}_{}", ulid(now_ms))
}

/// An unguessable opaque token: `bytes` random bytes, base64url without padding.
///
/// ```
/// assert_eq!(authkit_emulator::ids::secret(32).len(), 43);
/// ```
pub fn secret(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A one-time code of `n` decimal digits (leading zeros kept), uniformly random.
///
/// ```
/// let c = authkit_emulator::ids::digits(6);
/// assert!(c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()));
/// ```
pub fn digits(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// SHA-256 of a secret as lowercase hex (how refresh tokens are stored).
///
/// ```
/// assert_eq!(authkit_emulator::ids::digest("a").len(), 64);
/// ```
pub fn digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! Authenticator-app codes (RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30-second steps) for the MFA
//! stand-in, computed by the `totp-rs` crate. A code is accepted for the current step and the
//! one before or after it (clock drift); the step it matched is returned so that the caller
//! can refuse the same code twice.

use totp_rs::{Algorithm, Secret, TOTP};

/// Digits of a code.
pub const DIGITS: usize = 6;
/// Seconds per step.
pub const PERIOD_SECS: u64 = 30;

/// A new random secret (160 bits, as RFC 4226 recommends), base32 without padding.
///
/// ```
/// let s = authkit_emulator::totp::new_secret();
/// assert_eq!(s.len(), 32);
/// assert!(authkit_emulator::totp::code_at(&s, 0).is_some());
/// ```
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut raw = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut raw);
    match Secret::Raw(raw).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns an encoded secret"),
    }
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 0, PERIOD_SECS, bytes).ok()
}

/// The code for `secret` at `unix_secs`; `None` for a secret that is not base32 or is shorter
/// than 128 bits.
///
/// ```
/// // RFC 6238 appendix B, SHA-1, T = 59 s (the RFC's 8 digits end in these 6).
/// let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // base32 of "12345678901234567890"
/// assert_eq!(authkit_emulator::totp::code_at(secret, 59).as_deref(), Some("287082"));
/// ```
pub fn code_at(secret: &str, unix_secs: u64) -> Option<String> {
    Some(totp(secret)?.generate(unix_secs))
}

/// The step (`unix_secs / 30`) whose code `code` is, trying the current step and its two
/// neighbours; `None` when it matches none of them.
pub fn matching_step(secret: &str, code: &str, unix_secs: u64) -> Option<u64> {
    let totp = totp(secret)?;
    let now = unix_secs / PERIOD_SECS;
    [now, now.saturating_sub(1), now + 1]
        .into_iter()
        .find(|step| totp.check(code, step * PERIOD_SECS))
}

/// The `otpauth://` URI an authenticator app scans (issuer and account name escaped).
///
/// ```
/// let uri = authkit_emulator::totp::otpauth_uri("ABC", "Demo App", "a@b.c");
/// assert_eq!(uri, "otpauth://totp/Demo%20App:a%40b.c?secret=ABC&issuer=Demo%20App&algorithm=SHA1&digits=6&period=30");
/// ```
pub fn otpauth_uri(secret: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={PERIOD_SECS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn the_neighbouring_steps_match_and_others_do_not() {
        let t = 1_111_111_109;
        let code = code_at(RFC_SECRET, t).unwrap();
        assert_eq!(code, "081804", "RFC 6238 appendix B at T = 1111111109");
        assert_eq!(matching_step(RFC_SECRET, &code, t), Some(t / 30));
        assert_eq!(matching_step(RFC_SECRET, &code, t + 30), Some(t / 30));
        assert_eq!(matching_step(RFC_SECRET, &code, t - 30), Some(t / 30));
        assert_eq!(matching_step(RFC_SECRET, &code, t + 90), None);
        assert_eq!(matching_step(RFC_SECRET, "000000", t), None);
        assert_eq!(matching_step("not base32!", &code, t), None);
    }

    #[test]
    fn a_new_secret_is_random_and_usable() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(code_at(&a, 1_700_000_000).map(|c| c.len()), Some(DIGITS));
    }
}

//! Password hashing with argon2id (PHC strings); plain passwords are never stored.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hash a password into a PHC string.
///
/// ```
/// let h = authkit_emulator::password::hash("pw-123456").unwrap();
/// assert!(authkit_emulator::password::verify("pw-123456", Some(&h)));
/// assert!(!authkit_emulator::password::verify("nope", Some(&h)));
/// ```
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Check a password against a stored hash. With no hash (unknown user) it still does the
/// work of a verification, so timing does not reveal whether an email exists.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("dummy-password-for-timing").unwrap_or_default());
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (dummy.as_str(), false),
    };
    let ok = PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    ok && real
}

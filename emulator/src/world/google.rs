//! "Continue with Google (emulated)": the consent page names a Google account by its address;
//! the account signs in, or is created (address verified, no password), as `GoogleOAuth`.

use super::sign_in::SignInStep;
use super::World;
use crate::store::StoreError;

/// The account chosen on the consent page.
#[derive(Debug, Clone)]
pub struct GoogleAccount {
    /// Its address (the invitation's address wins when the request has one).
    pub email: String,
    /// First name, for a new account.
    pub first_name: Option<String>,
    /// Last name, for a new account.
    pub last_name: Option<String>,
}

impl World {
    /// Sign in (or up) with the Google account.
    pub fn google_sign_in(
        &mut self,
        rid: &str,
        account: GoogleAccount,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        let email = self.invited_email(p).unwrap_or(account.email);
        let user_id = self.user_or_create(&email, account.first_name, account.last_name, now_ms)?;
        self.identified(rid, &user_id, Some("GoogleOAuth"), true, now_ms)
    }
}

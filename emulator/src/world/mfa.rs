//! The authenticator-app (TOTP) step of a password sign-in: the code of the user's factor, at
//! the emulator's clock, once per 30-second step; five wrong codes end the attempt.

use super::email_codes::CodeError;
use super::sign_in::SignInStep;
use super::{World, MAX_CODE_ATTEMPTS};
use crate::model::Stage;
use crate::store::StoreError;
use crate::totp;

impl World {
    /// Check the authenticator-app code of the request's user.
    pub fn verify_totp(
        &mut self,
        rid: &str,
        code: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        let Stage::Totp { user_id, .. } = &p.stage else {
            return Ok(SignInStep::Expired);
        };
        let user_id = user_id.clone();
        let secret = self
            .users
            .get(&user_id)
            .and_then(|u| u.totp.as_ref())
            .map(|f| f.secret.clone());
        let unix = u64::try_from(now).unwrap_or(0);
        let step = secret.and_then(|s| totp::matching_step(&s, code.trim(), unix));
        let Some(step) = step else {
            let Some(Stage::Totp { attempts, .. }) = self.live_mut(rid, now).map(|p| &mut p.stage)
            else {
                return Ok(SignInStep::Expired);
            };
            *attempts += 1;
            if *attempts >= MAX_CODE_ATTEMPTS {
                return Ok(self.restart(
                    rid,
                    "Too many incorrect authentication codes. Sign in again.".into(),
                ));
            }
            return Ok(SignInStep::Retry(CodeError::Wrong));
        };
        if self
            .totp_used
            .get(&user_id)
            .is_some_and(|used| *used >= step)
        {
            return Ok(SignInStep::Retry(CodeError::Reused));
        }
        self.totp_used.insert(user_id.clone(), step);
        self.finish_sign_in(rid, &user_id, now_ms)
    }
}

//! Codes sent by email during a hosted sign-in: Magic Auth ("Email me a code") and email
//! verification. Each lives in its request's stage (one code per request: a new one replaces
//! the old), works for [`EMAIL_CODE_TTL_SECS`] and allows [`MAX_CODE_ATTEMPTS`] wrong tries.

use super::sign_in::{NextPage, SignInStep};
use super::{World, EMAIL_CODE_TTL_SECS, MAX_CODE_ATTEMPTS};
use crate::ids;
use crate::mailbox::EmailKind;
use crate::model::{EmailChallenge, Stage};
use crate::store::StoreError;

/// Why a code was not accepted (shown beside the code field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not the code sent (or a malformed one).
    #[error("That code is not right. Check it and try again.")]
    Wrong,
    /// Past its lifetime.
    #[error("This code has expired. Send a new code.")]
    Expired,
    /// Too many wrong tries: the code is void.
    #[error("Too many incorrect codes. Send a new code.")]
    TooMany,
    /// An authenticator-app code that was already used.
    #[error("That code was already used. Wait for the next one in your authenticator app.")]
    Reused,
}

/// Check `code` against `ch` at `now`, counting a wrong try.
fn check(ch: &mut EmailChallenge, code: &str, now: i64) -> Result<(), CodeError> {
    if ch.attempts >= MAX_CODE_ATTEMPTS {
        return Err(CodeError::TooMany);
    }
    if now > ch.expires_at {
        return Err(CodeError::Expired);
    }
    if code.trim() == ch.code {
        return Ok(());
    }
    ch.attempts += 1;
    if ch.attempts >= MAX_CODE_ATTEMPTS {
        Err(CodeError::TooMany)
    } else {
        Err(CodeError::Wrong)
    }
}

fn new_challenge(email: &str, now: i64) -> EmailChallenge {
    EmailChallenge {
        email: email.to_string(),
        code: ids::digits(6),
        expires_at: now + EMAIL_CODE_TTL_SECS,
        attempts: 0,
    }
}

impl World {
    /// "Email me a code" on the sign-in page: email a Magic Auth code to `email` (the
    /// invitation's address when there is one) and wait for it on the code page. Sent whether
    /// or not an account exists: the code creates one.
    pub fn start_magic_auth(&mut self, rid: &str, email: &str, now_ms: i64) -> SignInStep {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        let email = self
            .invited_email(p)
            .unwrap_or_else(|| email.trim().to_string());
        let client_id = p.client_id.clone();
        let challenge = new_challenge(&email, now);
        self.send_code(EmailKind::MagicAuth, &challenge, &client_id, now_ms);
        if let Some(p) = self.live_mut(rid, now) {
            p.stage = Stage::MagicCode(challenge);
        }
        SignInStep::Next(NextPage::MagicCode)
    }

    /// "Send a new code" on a code page: a fresh code (the old one stops working), emailed.
    pub fn resend_code(&mut self, rid: &str, now_ms: i64) -> SignInStep {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        let client_id = p.client_id.clone();
        let (kind, page, email) = match &p.stage {
            Stage::MagicCode(ch) => (EmailKind::MagicAuth, NextPage::MagicCode, ch.email.clone()),
            Stage::VerifyEmail { challenge, .. } => (
                EmailKind::EmailVerification,
                NextPage::VerifyEmail,
                challenge.email.clone(),
            ),
            _ => return SignInStep::Expired,
        };
        let fresh = new_challenge(&email, now);
        self.send_code(kind, &fresh, &client_id, now_ms);
        if let Some(p) = self.live_mut(rid, now) {
            match &mut p.stage {
                Stage::MagicCode(ch) | Stage::VerifyEmail { challenge: ch, .. } => *ch = fresh,
                _ => {}
            }
        }
        SignInStep::Next(page)
    }

    /// "Use a different email" on the Magic Auth page: back to the sign-in page, the address
    /// kept in its field.
    pub fn leave_magic_auth(&mut self, rid: &str, now_ms: i64) -> SignInStep {
        let now = now_ms.div_euclid(1000);
        let Some(p) = self.live_mut(rid, now) else {
            return SignInStep::Expired;
        };
        if let Stage::MagicCode(ch) = &p.stage {
            p.login_hint = Some(ch.email.clone());
            p.stage = Stage::Start;
        }
        SignInStep::Next(NextPage::SignIn)
    }

    /// The Magic Auth code: the account (created when new, its address now verified), then on
    /// as `MagicAuth`.
    pub fn verify_magic_code(
        &mut self,
        rid: &str,
        code: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in_mut(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        let Stage::MagicCode(ch) = &mut p.stage else {
            return Ok(SignInStep::Expired);
        };
        if let Err(e) = check(ch, code, now) {
            return Ok(SignInStep::Retry(e));
        }
        let email = ch.email.clone();
        let user_id = self.user_or_create(&email, None, None, now_ms)?;
        self.identified(rid, &user_id, Some("MagicAuth"), true, now_ms)
    }

    /// The email-verification code: the address is verified (persisted), then on.
    pub fn verify_email_code(
        &mut self,
        rid: &str,
        code: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in_mut(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        let Stage::VerifyEmail { user_id, challenge } = &mut p.stage else {
            return Ok(SignInStep::Expired);
        };
        if let Err(e) = check(challenge, code, now) {
            return Ok(SignInStep::Retry(e));
        }
        let user_id = user_id.clone();
        self.mark_verified(&user_id, now_ms)?;
        self.after_email(rid, &user_id, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_tries_void_the_code_and_expiry_is_checked() {
        let mut ch = new_challenge("a@b.c", 100);
        let good = ch.code.clone();
        let wrong = if good == "000000" { "111111" } else { "000000" };
        for _ in 0..MAX_CODE_ATTEMPTS - 1 {
            assert_eq!(check(&mut ch, wrong, 100), Err(CodeError::Wrong));
        }
        assert_eq!(check(&mut ch, wrong, 100), Err(CodeError::TooMany));
        assert_eq!(
            check(&mut ch, &good, 100),
            Err(CodeError::TooMany),
            "void now"
        );
        let mut fresh = new_challenge("a@b.c", 100);
        let code = fresh.code.clone();
        assert_eq!(
            check(&mut fresh, &code, 100 + EMAIL_CODE_TTL_SECS + 1),
            Err(CodeError::Expired)
        );
        assert_eq!(check(&mut fresh, &format!(" {code} "), 100), Ok(()));
    }
}

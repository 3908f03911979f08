//! Password reset: "Forgot password?" emails a link (its token is kept as a SHA-256 digest,
//! for [`RESET_TTL_SECS`]); the link goes through the app's sign-in endpoint, whose authorize
//! opens the new-password page of a fresh request; the new password signs the user in.

use super::sign_in::SignInStep;
use super::{Changes, World, RESET_TTL_SECS};
use crate::ids;
use crate::mailbox::{Email, EmailKind};
use crate::model::{PasswordReset, Stage};
use crate::store::StoreError;

impl World {
    /// Email a reset link to `email` if it has an account; returns whether one was sent (the
    /// page says the same either way). `base` is the emulator's URL as the browser knows it.
    pub fn request_password_reset(
        &mut self,
        client_id: &str,
        email: &str,
        base: &str,
        now_ms: i64,
    ) -> bool {
        let Some(user) = self.user_by_email(email).cloned() else {
            return false;
        };
        let now = now_ms.div_euclid(1000);
        let token = ids::secret(24);
        self.resets.insert(
            ids::digest(&token),
            PasswordReset {
                user_id: user.id.clone(),
                client_id: client_id.to_string(),
                created_at: now,
            },
        );
        let app = self.app_name(client_id);
        let link = format!("{base}/hosted/reset-password?token={token}");
        self.deliver(Email {
            id: ids::prefixed("email", now_ms as u64),
            to: user.email.clone(),
            kind: EmailKind::PasswordReset,
            subject: format!("Reset your {app} password"),
            text: format!(
                "Open this link to choose a new password: {link} It works for {} minutes. If \
                 you did not ask for it, ignore this email.",
                RESET_TTL_SECS / 60
            ),
            code: None,
            link: Some(link),
            sent_at_ms: now_ms,
            expires_at: now + RESET_TTL_SECS,
        });
        true
    }

    /// The live reset behind a link's token, with its user's address.
    pub fn password_reset(&self, token: &str, now: i64) -> Option<(PasswordReset, String)> {
        let reset = self
            .resets
            .get(&ids::digest(token))
            .filter(|r| r.is_live(now))?;
        let email = self.users.get(&reset.user_id)?.email.clone();
        Some((reset.clone(), email))
    }

    /// For an authorize of `client_id` from a browser holding a reset link's token: the stage
    /// that opens the new-password page (the reset is used up only by the new password).
    pub fn reset_stage(&self, token: &str, client_id: &str, now: i64) -> Option<Stage> {
        let (reset, _) = self
            .password_reset(token, now)
            .filter(|(r, _)| r.client_id == client_id)?;
        Some(Stage::NewPassword {
            user_id: reset.user_id,
            reset: ids::digest(token),
        })
    }

    /// The new password (already hashed): saved, the address verified (the link proved it),
    /// the reset used up, then on as a password sign-in (the authenticator app still asks).
    pub fn set_new_password(
        &mut self,
        rid: &str,
        password_hash: String,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        let Stage::NewPassword { user_id, reset } = p.stage.clone() else {
            return Ok(SignInStep::Expired);
        };
        let live = self.resets.get(&reset).is_some_and(|r| r.is_live(now));
        let Some(mut user) = self.users.get(&user_id).cloned().filter(|_| live) else {
            return Ok(self.restart(
                rid,
                "This password reset link has expired or was already used. Use \u{201c}Forgot \
                 password?\u{201d} to get a new one."
                    .into(),
            ));
        };
        user.password_hash = Some(password_hash);
        user.email_verified = true;
        user.updated_at = now_ms;
        self.commit(Changes {
            users: vec![user],
            ..Changes::default()
        })?;
        self.resets.remove(&reset);
        if let Some(p) = self.live_mut(rid, now) {
            p.authentication_method = "Password".into();
            p.stage = Stage::Start;
        }
        self.after_email(rid, &user_id, now_ms)
    }

    /// "Sign in another way" on the new-password page: the request goes back to the sign-in
    /// page; the link still works until it expires.
    pub fn skip_password_reset(&mut self, rid: &str, now_ms: i64) -> SignInStep {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in_mut(rid, now) {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        if matches!(p.stage, Stage::NewPassword { .. }) {
            p.stage = Stage::Start;
        }
        SignInStep::Next(super::sign_in::NextPage::SignIn)
    }
}

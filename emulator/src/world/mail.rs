//! What the world sends by email: the messages go to the mailbox (see [`crate::mailbox`]).

use super::World;
use crate::ids;
use crate::mailbox::{Email, EmailKind, Mailbox};
use crate::model::{EmailChallenge, TotpFactor, User};

/// Minutes, for the emails' wording.
fn minutes(secs: i64) -> i64 {
    (secs / 60).max(1)
}

impl World {
    /// The display name of a client (the app), for emails.
    pub(super) fn app_name(&self, client_id: &str) -> String {
        self.client(client_id)
            .map(|c| c.name.clone())
            .or_else(|| self.clients.first().map(|c| c.name.clone()))
            .unwrap_or_else(|| "the app".into())
    }

    /// Email a one-time code (verification or Magic Auth).
    pub(super) fn send_code(
        &mut self,
        kind: EmailKind,
        ch: &EmailChallenge,
        client_id: &str,
        now_ms: i64,
    ) {
        let app = self.app_name(client_id);
        let mins = minutes(ch.expires_at - now_ms.div_euclid(1000));
        let (subject, text) = match kind {
            EmailKind::MagicAuth => (
                format!("Your sign-in code for {app}"),
                format!(
                    "Enter {} to sign in to {app}. The code expires in {mins} minutes. If you \
                     did not try to sign in, ignore this email.",
                    ch.code
                ),
            ),
            _ => (
                format!("Verify your email for {app}"),
                format!(
                    "Your verification code is {}. It expires in {mins} minutes.",
                    ch.code
                ),
            ),
        };
        self.deliver(Email {
            id: ids::prefixed("email", now_ms as u64),
            to: ch.email.clone(),
            kind,
            subject,
            text,
            code: Some(ch.code.clone()),
            link: None,
            sent_at_ms: now_ms,
            expires_at: ch.expires_at,
        });
    }

    /// Put an email in the mailbox.
    pub(super) fn deliver(&mut self, email: Email) {
        self.mailbox.deliver(email);
    }

    /// The mailbox.
    pub fn mailbox(&self) -> &Mailbox {
        &self.mailbox
    }

    /// Empty the mailbox.
    pub fn clear_mailbox(&mut self) {
        self.mailbox.clear();
    }

    /// Every enrolled authenticator-app factor with its user.
    pub fn totp_factors(&self) -> impl Iterator<Item = (&User, &TotpFactor)> {
        self.users
            .values()
            .filter_map(|u| u.totp.as_ref().map(|f| (u, f)))
    }
}

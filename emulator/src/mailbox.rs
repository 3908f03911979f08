//! The mailbox: every email the emulator would have sent (verification and Magic Auth codes,
//! password-reset links, invitations), kept in memory, newest first, for tests
//! (`GET /_emulator/mailbox`) and people (`/_emulator/mailbox.html`). It is the one place
//! where codes and links are shown, and it answers only this machine, like the rest of the
//! control API.

use std::collections::VecDeque;

use serde::Serialize;

use crate::clock::rfc3339_ms;

/// How many emails are kept; older ones are dropped first.
pub const CAPACITY: usize = 1000;

/// What an email is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// A code that verifies the address after a password sign-up or sign-in.
    EmailVerification,
    /// A Magic Auth sign-in code.
    MagicAuth,
    /// A password-reset link.
    PasswordReset,
    /// An invitation to an organization.
    Invitation,
}

/// One email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// `email_…`.
    pub id: String,
    /// The recipient.
    pub to: String,
    /// Kind.
    pub kind: EmailKind,
    /// Subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The one-time code it carries, if any.
    pub code: Option<String>,
    /// The link it carries, if any.
    pub link: Option<String>,
    /// Sent, epoch ms (emulator clock).
    pub sent_at_ms: i64,
    /// When its code or link stops working, epoch s.
    pub expires_at: i64,
}

impl Email {
    /// The JSON `GET /_emulator/mailbox` lists.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "to": self.to,
            "kind": self.kind,
            "subject": self.subject,
            "text": self.text,
            "code": self.code,
            "link": self.link,
            "sent_at": rfc3339_ms(self.sent_at_ms),
            "expires_at": self.expires_at,
        })
    }
}

/// The emails, newest first, at most [`CAPACITY`].
#[derive(Debug, Default)]
pub struct Mailbox {
    emails: VecDeque<Email>,
}

impl Mailbox {
    /// Deliver an email.
    pub fn deliver(&mut self, email: Email) {
        self.emails.push_front(email);
        self.emails.truncate(CAPACITY);
    }

    /// The emails, newest first; only those to `to` (case-insensitive) when given.
    pub fn list<'a>(&'a self, to: Option<&'a str>) -> impl Iterator<Item = &'a Email> + 'a {
        self.emails
            .iter()
            .filter(move |e| to.is_none_or(|t| e.to.eq_ignore_ascii_case(t.trim())))
    }

    /// How many emails are kept.
    pub fn len(&self) -> usize {
        self.emails.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.emails.is_empty()
    }

    /// Empty it.
    pub fn clear(&mut self) {
        self.emails.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(n: usize, to: &str) -> Email {
        Email {
            id: format!("email_{n}"),
            to: to.into(),
            kind: EmailKind::MagicAuth,
            subject: "s".into(),
            text: "t".into(),
            code: Some("123456".into()),
            link: None,
            sent_at_ms: n as i64,
            expires_at: 0,
        }
    }

    #[test]
    fn newest_first_filtered_and_bounded() {
        let mut m = Mailbox::default();
        m.deliver(email(1, "a@x.io"));
        m.deliver(email(2, "b@x.io"));
        m.deliver(email(3, "A@X.io"));
        let ids: Vec<_> = m.list(Some("a@x.io")).map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["email_3", "email_1"]);
        for n in 4..CAPACITY + 10 {
            m.deliver(email(n, "c@x.io"));
        }
        assert_eq!(m.len(), CAPACITY);
        assert_eq!(
            m.list(None).next().unwrap().id,
            format!("email_{}", CAPACITY + 9)
        );
        assert!(
            m.list(Some("b@x.io")).next().is_none(),
            "the oldest went first"
        );
    }
}

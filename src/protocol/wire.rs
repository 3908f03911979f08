//! Request bodies and response types of `POST /user_management/authenticate`.

use serde::{Deserialize, Serialize};

/// A WorkOS user, as returned by the authenticate endpoint.
///
/// Unknown fields are ignored; nullable fields are `Option`.
///
/// ```
/// use authkit_yew::User;
/// let user: User = serde_json::from_str(r#"{"object":"user","id":"user_1","email":"a@b.c",
///   "email_verified":true,"first_name":null,"last_name":null,"profile_picture_url":null,
///   "external_id":null,"last_sign_in_at":null,"created_at":"2026-01-01T00:00:00Z",
///   "updated_at":"2026-01-01T00:00:00Z"}"#).unwrap();
/// assert_eq!(user.display_name(), "a@b.c");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// Always `user`.
    #[serde(default)]
    pub object: String,
    /// `user_…`.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Full name, when the API sends it.
    #[serde(default)]
    pub name: Option<String>,
    /// Picture URL.
    #[serde(default)]
    pub profile_picture_url: Option<String>,
    /// Your own id for the user.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Free-form string metadata.
    #[serde(default)]
    pub metadata: Option<std::collections::BTreeMap<String, String>>,
    /// Last sign-in time (RFC 3339).
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// Locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// Creation time (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    /// Update time (RFC 3339).
    #[serde(default)]
    pub updated_at: String,
}

impl User {
    /// "First Last", else the name, else the email.
    pub fn display_name(&self) -> String {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if !parts.is_empty() {
            parts.join(" ")
        } else if let Some(name) = self.name.as_deref().filter(|n| !n.is_empty()) {
            name.to_owned()
        } else {
            self.email.clone()
        }
    }
}

/// How the user authenticated. An open set: unknown values are kept in `Other`.
///
/// ```
/// use authkit_yew::AuthenticationMethod;
/// let m: AuthenticationMethod = serde_json::from_str("\"Password\"").unwrap();
/// assert_eq!(m, AuthenticationMethod::Password);
/// let m: AuthenticationMethod = serde_json::from_str("\"NewOAuth\"").unwrap();
/// assert_eq!(m, AuthenticationMethod::Other("NewOAuth".into()));
/// assert_eq!(m.as_str(), "NewOAuth");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthenticationMethod {
    /// Enterprise SSO.
    Sso,
    /// Email and password.
    Password,
    /// Passkey.
    Passkey,
    /// Magic link / code.
    MagicAuth,
    /// An admin is impersonating the user.
    Impersonation,
    /// Google OAuth.
    GoogleOAuth,
    /// Microsoft OAuth.
    MicrosoftOAuth,
    /// GitHub OAuth.
    GitHubOAuth,
    /// Apple OAuth.
    AppleOAuth,
    /// A session migrated from another system.
    MigratedSession,
    /// Any other method (the set grows over time).
    Other(String),
}

impl AuthenticationMethod {
    /// The wire name, e.g. `Password` or `SSO`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Sso => "SSO",
            Self::Password => "Password",
            Self::Passkey => "Passkey",
            Self::MagicAuth => "MagicAuth",
            Self::Impersonation => "Impersonation",
            Self::GoogleOAuth => "GoogleOAuth",
            Self::MicrosoftOAuth => "MicrosoftOAuth",
            Self::GitHubOAuth => "GitHubOAuth",
            Self::AppleOAuth => "AppleOAuth",
            Self::MigratedSession => "MigratedSession",
            Self::Other(s) => s,
        }
    }

    /// Parses a wire name (never fails: unknown names become `Other`).
    pub fn parse(s: &str) -> Self {
        match s {
            "SSO" => Self::Sso,
            "Password" => Self::Password,
            "Passkey" => Self::Passkey,
            "MagicAuth" => Self::MagicAuth,
            "Impersonation" => Self::Impersonation,
            "GoogleOAuth" => Self::GoogleOAuth,
            "MicrosoftOAuth" => Self::MicrosoftOAuth,
            "GitHubOAuth" => Self::GitHubOAuth,
            "AppleOAuth" => Self::AppleOAuth,
            "MigratedSession" => Self::MigratedSession,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for AuthenticationMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuthenticationMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuthenticationMethod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// The admin impersonating the user.
///
/// ```
/// use authkit_yew::Impersonator;
/// let i: Impersonator = serde_json::from_str(r#"{"email":"admin@x.io","reason":null}"#).unwrap();
/// assert_eq!(i.email, "admin@x.io");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impersonator {
    /// The admin's email.
    pub email: String,
    /// Why, when given.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The success body of `POST /user_management/authenticate`.
///
/// `refresh_token` is optional here because cookie-mode deployments need not rely on it.
///
/// ```
/// use authkit_yew::protocol::wire::AuthenticateResponse;
/// let body = r#"{"user":{"object":"user","id":"user_1","email":"a@b.c","email_verified":true,
///   "first_name":null,"last_name":null,"profile_picture_url":null,"external_id":null,
///   "last_sign_in_at":null,"created_at":"x","updated_at":"x"},
///   "access_token":"a.b.c","refresh_token":"r","authentication_method":"Password"}"#;
/// let resp: AuthenticateResponse = serde_json::from_str(body).unwrap();
/// assert_eq!(resp.organization_id, None);
/// ```
#[derive(Clone, PartialEq, Deserialize)]
pub struct AuthenticateResponse {
    /// The user.
    pub user: User,
    /// The access token (JWT).
    pub access_token: String,
    /// The new refresh token (rotated on every use).
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// How the user authenticated.
    #[serde(default)]
    pub authentication_method: Option<AuthenticationMethod>,
    /// The organization, absent or `null` when none.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// The impersonator, when impersonating.
    #[serde(default)]
    pub impersonator: Option<Impersonator>,
}

/// The body of the authorization-code grant (exactly the four fields authkit-js sends).
///
/// ```
/// use authkit_yew::protocol::wire::CodeGrant;
/// let body = CodeGrant::new("client_1", "code_1", "verifier");
/// let json = serde_json::to_value(&body).unwrap();
/// assert_eq!(json["grant_type"], "authorization_code");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct CodeGrant {
    /// The client id.
    pub client_id: String,
    /// The code from the callback.
    pub code: String,
    /// The PKCE verifier.
    pub code_verifier: String,
    /// Always `authorization_code`.
    pub grant_type: &'static str,
}

impl CodeGrant {
    /// The code grant body.
    pub fn new(client_id: &str, code: &str, code_verifier: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            code: code.to_owned(),
            code_verifier: code_verifier.to_owned(),
            grant_type: "authorization_code",
        }
    }
}

/// The body of the refresh-token grant. `refresh_token` is sent only in dev mode;
/// `organization_id` only when known.
///
/// ```
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", None, Some("org_1"));
/// let json = serde_json::to_string(&body).unwrap();
/// assert_eq!(json, r#"{"client_id":"client_1","grant_type":"refresh_token","organization_id":"org_1"}"#);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RefreshGrant {
    /// The client id.
    pub client_id: String,
    /// Always `refresh_token`.
    pub grant_type: &'static str,
    /// The refresh token (dev mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The organization to refresh into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
}

impl RefreshGrant {
    /// The refresh grant body.
    pub fn new(
        client_id: &str,
        refresh_token: Option<&str>,
        organization_id: Option<&str>,
    ) -> Self {
        Self {
            client_id: client_id.to_owned(),
            grant_type: "refresh_token",
            refresh_token: refresh_token.map(str::to_owned),
            organization_id: organization_id.map(str::to_owned),
        }
    }
}

/// What `Debug` prints in place of a secret (tokens, codes, verifiers).
pub(crate) const REDACTED: &str = "<redacted>";

/// `Some("<redacted>")` for a present secret, `None` for an absent one.
pub(crate) fn redact(secret: Option<&str>) -> Option<&'static str> {
    secret.map(|_| REDACTED)
}

// Hand-written `Debug`: the tokens, code and verifier must never reach a log.
impl std::fmt::Debug for AuthenticateResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticateResponse")
            .field("user", &self.user)
            .field("access_token", &REDACTED)
            .field("refresh_token", &redact(self.refresh_token.as_deref()))
            .field("authentication_method", &self.authentication_method)
            .field("organization_id", &self.organization_id)
            .field("impersonator", &self.impersonator)
            .finish()
    }
}

impl std::fmt::Debug for CodeGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeGrant")
            .field("client_id", &self.client_id)
            .field("code", &REDACTED)
            .field("code_verifier", &REDACTED)
            .field("grant_type", &self.grant_type)
            .finish()
    }
}

impl std::fmt::Debug for RefreshGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshGrant")
            .field("client_id", &self.client_id)
            .field("grant_type", &self.grant_type)
            .field("refresh_token", &redact(self.refresh_token.as_deref()))
            .field("organization_id", &self.organization_id)
            .finish()
    }
}

/// An error body: either the OAuth shape (`error`, `error_description`) or the plain shape
/// (`code`, `message`). Both are read; unknown fields ignored.
///
/// ```
/// use authkit_yew::protocol::wire::ApiErrorBody;
/// let e: ApiErrorBody = serde_json::from_str(r#"{"code":"x","message":"y"}"#).unwrap();
/// assert_eq!(e.error_code(), Some("x"));
/// assert_eq!(e.description(), Some("y"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ApiErrorBody {
    /// OAuth error code.
    #[serde(default)]
    pub error: Option<String>,
    /// OAuth error description.
    #[serde(default)]
    pub error_description: Option<String>,
    /// Plain-shape code.
    #[serde(default)]
    pub code: Option<String>,
    /// Plain-shape message.
    #[serde(default)]
    pub message: Option<String>,
}

impl ApiErrorBody {
    /// The error code of either shape.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_deref().or(self.code.as_deref())
    }

    /// The description of either shape.
    pub fn description(&self) -> Option<&str> {
        self.error_description
            .as_deref()
            .or(self.message.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full_user() -> serde_json::Value {
        json!({
            "object": "user", "id": "user_01E4", "email": "marcelina.davis@example.com",
            "email_verified": true, "first_name": "Marcelina", "last_name": "Davis",
            "name": "Marcelina Davis", "profile_picture_url": "https://x/p.png",
            "external_id": "f1ff", "metadata": {"timezone": "America/New_York"},
            "last_sign_in_at": "2025-06-25T19:07:33.155Z", "locale": "en-US",
            "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z",
            "some_new_field": {"ignored": true}
        })
    }

    #[test]
    fn debug_output_never_shows_tokens_codes_or_verifiers() {
        let response: AuthenticateResponse = serde_json::from_value(json!({
            "user": full_user(), "access_token": "AT-SECRET", "refresh_token": "RT-SECRET",
            "organization_id": "org_1"
        }))
        .unwrap();
        let printed = [
            format!("{response:?}"),
            format!(
                "{:?}",
                CodeGrant::new("client_1", "CODE-SECRET", "VERIFIER-SECRET")
            ),
            format!(
                "{:?}",
                RefreshGrant::new("client_1", Some("RT-SECRET"), Some("org_1"))
            ),
        ];
        for text in &printed {
            assert!(!text.contains("SECRET"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
        // Non-secret fields stay visible for debugging.
        assert!(printed[0].contains("org_1") && printed[2].contains("client_1"));
        let no_rt = RefreshGrant::new("client_1", None, None);
        assert!(format!("{no_rt:?}").contains("refresh_token: None"));
    }

    #[test]
    fn code_grant_body_is_exactly_the_four_reference_fields() {
        let json = serde_json::to_value(CodeGrant::new("client_1", "code_1", "ver")).unwrap();
        assert_eq!(
            json,
            json!({"client_id": "client_1", "code": "code_1", "code_verifier": "ver",
                   "grant_type": "authorization_code"})
        );
    }

    #[test]
    fn refresh_grant_in_dev_mode_carries_the_token() {
        let json = serde_json::to_value(RefreshGrant::new("c", Some("rt"), None)).unwrap();
        assert_eq!(
            json,
            json!({"client_id": "c", "grant_type": "refresh_token", "refresh_token": "rt"})
        );
    }

    #[test]
    fn refresh_grant_in_cookie_mode_omits_the_token_key() {
        let json = serde_json::to_string(&RefreshGrant::new("c", None, None)).unwrap();
        assert_eq!(json, r#"{"client_id":"c","grant_type":"refresh_token"}"#);
        assert!(!json.contains("refresh_token\":"));
    }

    #[test]
    fn refresh_grant_with_organization() {
        let json = serde_json::to_value(RefreshGrant::new("c", Some("rt"), Some("org_1"))).unwrap();
        assert_eq!(
            json,
            json!({"client_id": "c", "grant_type": "refresh_token", "refresh_token": "rt",
                   "organization_id": "org_1"})
        );
    }

    #[test]
    fn full_response_is_read_and_extra_fields_are_ignored() {
        let body = json!({
            "user": full_user(),
            "organization_id": "org_01H9",
            "access_token": "a.b.c",
            "refresh_token": "yAjh",
            "authentication_method": "GoogleOAuth",
            "impersonator": {"email": "admin@foocorp.com", "reason": "support"},
            "authkit_authorization_code": "authkit_authz_code_abc123",
            "oauth_tokens": {"provider": "GoogleOAuth", "access_token": "x", "scopes": ["openid"]},
            "sealed_session": null
        });
        let r: AuthenticateResponse = serde_json::from_value(body).unwrap();
        assert_eq!(r.user.id, "user_01E4");
        assert_eq!(r.user.display_name(), "Marcelina Davis");
        assert_eq!(
            r.user.metadata.as_ref().unwrap()["timezone"],
            "America/New_York"
        );
        assert_eq!(r.organization_id.as_deref(), Some("org_01H9"));
        assert_eq!(r.refresh_token.as_deref(), Some("yAjh"));
        assert_eq!(
            r.authentication_method,
            Some(AuthenticationMethod::GoogleOAuth)
        );
        assert_eq!(r.impersonator.unwrap().reason.as_deref(), Some("support"));
    }

    #[test]
    fn organization_id_may_be_absent_or_null() {
        for body in [
            json!({"user": full_user(), "access_token": "a.b.c"}),
            json!({"user": full_user(), "access_token": "a.b.c", "organization_id": null}),
        ] {
            let r: AuthenticateResponse = serde_json::from_value(body).unwrap();
            assert_eq!(r.organization_id, None);
            assert_eq!(r.refresh_token, None);
            assert_eq!(r.authentication_method, None);
            assert_eq!(r.impersonator, None);
        }
    }

    #[test]
    fn impersonator_reason_may_be_null_or_missing() {
        let a: Impersonator =
            serde_json::from_value(json!({"email": "a@x", "reason": null})).unwrap();
        let b: Impersonator = serde_json::from_value(json!({"email": "a@x"})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.reason, None);
    }

    #[test]
    fn every_listed_authentication_method_round_trips() {
        for name in [
            "SSO",
            "Password",
            "Passkey",
            "AppleOAuth",
            "BitbucketOAuth",
            "CrossAppAuth",
            "DiscordOAuth",
            "ExternalAuth",
            "GitHubOAuth",
            "GitLabOAuth",
            "GoogleOAuth",
            "GrokOAuth",
            "XOAuth",
            "IntuitOAuth",
            "LinkedInOAuth",
            "MicrosoftOAuth",
            "SalesforceOAuth",
            "SlackOAuth",
            "VercelMarketplaceOAuth",
            "VercelOAuth",
            "XeroOAuth",
            "MagicAuth",
            "Impersonation",
            "MigratedSession",
        ] {
            let m = AuthenticationMethod::parse(name);
            assert_eq!(m.as_str(), name);
            assert_eq!(serde_json::to_value(&m).unwrap(), json!(name));
            let back: AuthenticationMethod = serde_json::from_value(json!(name)).unwrap();
            assert_eq!(back, m);
        }
        assert_eq!(
            AuthenticationMethod::parse("SSO"),
            AuthenticationMethod::Sso
        );
        assert_eq!(
            AuthenticationMethod::parse("IntuitOAuth"),
            AuthenticationMethod::Other("IntuitOAuth".into())
        );
    }

    #[test]
    fn user_with_only_required_nullable_keys() {
        let u: User = serde_json::from_value(json!({
            "object": "user", "id": "user_1", "email": "a@b.c", "email_verified": false,
            "first_name": null, "last_name": null, "profile_picture_url": null,
            "external_id": null, "last_sign_in_at": null,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(u.display_name(), "a@b.c");
        assert_eq!(u.metadata, None);
    }

    #[test]
    fn display_name_prefers_first_and_last_then_name_then_email() {
        let mut u: User = serde_json::from_value(json!({"id": "u", "email": "e@x"})).unwrap();
        assert_eq!(u.display_name(), "e@x");
        u.name = Some("Full Name".into());
        assert_eq!(u.display_name(), "Full Name");
        u.first_name = Some("Ada".into());
        assert_eq!(u.display_name(), "Ada");
        u.last_name = Some("Lovelace".into());
        assert_eq!(u.display_name(), "Ada Lovelace");
        u.first_name = Some(String::new());
        assert_eq!(u.display_name(), "Lovelace");
    }

    #[test]
    fn error_body_of_either_shape() {
        let oauth: ApiErrorBody = serde_json::from_value(json!({
            "error": "sso_required", "error_description": "x", "connection_ids": ["conn_1"], "email": "a@b"
        }))
        .unwrap();
        assert_eq!(
            (oauth.error_code(), oauth.description()),
            (Some("sso_required"), Some("x"))
        );
        let plain: ApiErrorBody = serde_json::from_value(json!({
            "code": "mfa_enrollment", "message": "y", "pending_authentication_token": "p"
        }))
        .unwrap();
        assert_eq!(
            (plain.error_code(), plain.description()),
            (Some("mfa_enrollment"), Some("y"))
        );
        let message_only: ApiErrorBody =
            serde_json::from_value(json!({"message": "Not found"})).unwrap();
        assert_eq!(
            (message_only.error_code(), message_only.description()),
            (None, Some("Not found"))
        );
    }
}

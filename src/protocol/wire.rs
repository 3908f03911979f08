//! Request bodies and response types of `POST /user_management/authenticate`, as serde types:
//! unknown fields are ignored, optional fields may be missing or `null`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::protocol::de::null_as_default;

/// A WorkOS user, as returned by the authenticate endpoint.
///
/// Unknown fields are ignored; nullable fields are `Option`; `id` and `email` are required.
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
    #[serde(default, deserialize_with = "null_as_default")]
    pub object: String,
    /// `user_…`.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Whether the email is verified.
    #[serde(default, deserialize_with = "null_as_default")]
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
    pub metadata: Option<BTreeMap<String, String>>,
    /// Last sign-in time (RFC 3339).
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// Locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// Creation time (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: String,
    /// Update time (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_at: String,
}

impl User {
    /// "First Last", else the name, else the email.
    ///
    /// ```
    /// use authkit_yew::User;
    /// let user: User = serde_json::from_str(
    ///     r#"{"id":"u","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}"#,
    /// ).unwrap();
    /// assert_eq!(user.display_name(), "Ada Lovelace");
    /// ```
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

/// How the user authenticated. An open set: unknown values are kept in `Other`, so a new
/// method never fails a parse. On the wire it is the plain name (`"Password"`, `"SSO"`).
///
/// ```
/// use authkit_yew::AuthenticationMethod;
/// let m = AuthenticationMethod::parse("Password");
/// assert_eq!(m, AuthenticationMethod::Password);
/// let m: AuthenticationMethod = serde_json::from_str(r#""NewOAuth""#).unwrap();
/// assert_eq!(m, AuthenticationMethod::Other("NewOAuth".into()));
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#""NewOAuth""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
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
    ///
    /// ```
    /// assert_eq!(authkit_yew::AuthenticationMethod::Sso.as_str(), "SSO");
    /// ```
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
    ///
    /// ```
    /// use authkit_yew::AuthenticationMethod;
    /// assert_eq!(AuthenticationMethod::parse("SSO"), AuthenticationMethod::Sso);
    /// ```
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

impl From<String> for AuthenticationMethod {
    fn from(name: String) -> Self {
        match Self::parse(&name) {
            // Keep the allocation the deserializer already made.
            Self::Other(_) => Self::Other(name),
            known => known,
        }
    }
}

impl From<AuthenticationMethod> for String {
    fn from(method: AuthenticationMethod) -> Self {
        match method {
            AuthenticationMethod::Other(name) => name,
            known => known.as_str().to_owned(),
        }
    }
}

impl std::fmt::Display for AuthenticationMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The admin impersonating the user.
///
/// ```
/// use authkit_yew::Impersonator;
/// let i: Impersonator = serde_json::from_str(r#"{"email":"admin@x.io","reason":null}"#).unwrap();
/// assert_eq!(i.email, "admin@x.io");
/// assert_eq!(i.reason, None);
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
/// let resp = AuthenticateResponse::parse(body).unwrap();
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

/// The largest response body the SDK reads (an authenticate response is a few KB).
///
/// ```
/// assert_eq!(authkit_yew::protocol::wire::MAX_BODY_BYTES, 256 * 1024);
/// ```
pub const MAX_BODY_BYTES: usize = 256 * 1024;

impl AuthenticateResponse {
    /// Parses a response body. The error is a [`BodyError`]: too large, not JSON, the name of a
    /// missing field, or the position of a field of the wrong type. No error repeats a value of
    /// the body. Nesting is harmless: the fields the SDK reads are at most three levels deep, and
    /// anything inside the fields it ignores is skipped without recursion.
    ///
    /// ```
    /// use authkit_yew::protocol::wire::{AuthenticateResponse, BodyError};
    /// assert_eq!(AuthenticateResponse::parse("<html>").unwrap_err(), BodyError::NotJson);
    /// let no_token = r#"{"user":{"id":"u","email":"e@x"}}"#;
    /// assert_eq!(
    ///     AuthenticateResponse::parse(no_token).unwrap_err(),
    ///     BodyError::MissingField("access_token".into())
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<AuthenticateResponse, BodyError> {
        if text.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        serde_json::from_str(text).map_err(|e| BodyError::classify(&e))
    }
}

/// Why a response body could not be read. The texts name the problem, a missing field or the
/// position of a bad one, never a value of the body (which may hold a token).
///
/// ```
/// use authkit_yew::protocol::wire::BodyError;
/// assert_eq!(
///     BodyError::InvalidField { line: 1, column: 57 }.to_string(),
///     "a field has the wrong type or value (line 1, column 57)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// The body is not JSON.
    #[error("the body is not JSON")]
    NotJson,
    /// A required field is missing (its name, e.g. `email` of the user).
    #[error("the field `{0}` is missing")]
    MissingField(String),
    /// A field has the wrong type or an unusable value, at this position of the body.
    #[error("a field has the wrong type or value (line {line}, column {column})")]
    InvalidField {
        /// 1-based line of the body.
        line: usize,
        /// 1-based column.
        column: usize,
    },
}

impl BodyError {
    /// Classifies a serde_json error by its category; its message (which quotes the offending
    /// value) is never kept, except for the name of a missing field, which comes from the
    /// SDK's own types.
    pub(crate) fn classify(error: &serde_json::Error) -> BodyError {
        use serde_json::error::Category;
        match error.classify() {
            Category::Data => match missing_field(error) {
                Some(field) => BodyError::MissingField(field),
                None => BodyError::InvalidField {
                    line: error.line(),
                    column: error.column(),
                },
            },
            Category::Io | Category::Syntax | Category::Eof => BodyError::NotJson,
        }
    }
}

/// The field named by serde's "missing field `x`" error.
fn missing_field(error: &serde_json::Error) -> Option<String> {
    let message = error.to_string();
    let rest = message.strip_prefix("missing field `")?;
    rest.split_once('`').map(|(field, _)| field.to_owned())
}

/// The body of the authorization-code grant: exactly the four fields authkit-js sends.
///
/// ```
/// use authkit_yew::protocol::wire::CodeGrant;
/// assert_eq!(
///     serde_json::to_string(&CodeGrant::new("c", "k", "v")).unwrap(),
///     r#"{"client_id":"c","code":"k","code_verifier":"v","grant_type":"authorization_code"}"#
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeGrant<'a> {
    /// The client id.
    pub client_id: &'a str,
    /// The code from the callback.
    pub code: &'a str,
    /// The PKCE verifier.
    pub code_verifier: &'a str,
    /// Always `authorization_code`.
    pub grant_type: &'static str,
}

impl<'a> CodeGrant<'a> {
    /// The code grant body.
    ///
    /// ```
    /// let body = authkit_yew::protocol::wire::CodeGrant::new("client_1", "code_1", "verifier");
    /// assert_eq!(body.grant_type, "authorization_code");
    /// ```
    pub fn new(client_id: &'a str, code: &'a str, code_verifier: &'a str) -> Self {
        Self {
            client_id,
            code,
            code_verifier,
            grant_type: "authorization_code",
        }
    }
}

/// The body of the refresh-token grant. `refresh_token` is sent only in dev mode;
/// `organization_id` only when known; an absent one is left out, not `null`.
///
/// ```
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", None, Some("org_1"));
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"client_id":"client_1","grant_type":"refresh_token","organization_id":"org_1"}"#
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RefreshGrant<'a> {
    /// The client id.
    pub client_id: &'a str,
    /// Always `refresh_token`.
    pub grant_type: &'static str,
    /// The refresh token (dev mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<&'a str>,
    /// The organization to refresh into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<&'a str>,
}

impl<'a> RefreshGrant<'a> {
    /// The refresh grant body.
    ///
    /// ```
    /// use authkit_yew::protocol::wire::RefreshGrant;
    /// let body = RefreshGrant::new("c", Some("rt"), None);
    /// assert_eq!(
    ///     serde_json::to_string(&body).unwrap(),
    ///     r#"{"client_id":"c","grant_type":"refresh_token","refresh_token":"rt"}"#
    /// );
    /// ```
    pub fn new(
        client_id: &'a str,
        refresh_token: Option<&'a str>,
        organization_id: Option<&'a str>,
    ) -> Self {
        Self {
            client_id,
            grant_type: "refresh_token",
            refresh_token,
            organization_id,
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

impl std::fmt::Debug for CodeGrant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeGrant")
            .field("client_id", &self.client_id)
            .field("code", &REDACTED)
            .field("code_verifier", &REDACTED)
            .field("grant_type", &self.grant_type)
            .finish()
    }
}

impl std::fmt::Debug for RefreshGrant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshGrant")
            .field("client_id", &self.client_id)
            .field("grant_type", &self.grant_type)
            .field("refresh_token", &redact(self.refresh_token))
            .field("organization_id", &self.organization_id)
            .finish()
    }
}

/// An error body: either the OAuth shape (`error`, `error_description`) or the plain shape
/// (`code`, `message`). Both are read; unknown fields ignored.
///
/// ```
/// use authkit_yew::protocol::wire::ApiErrorBody;
/// let e = ApiErrorBody::parse(r#"{"code":"x","message":"y"}"#).unwrap();
/// assert_eq!(e.error_code(), Some("x"));
/// assert_eq!(e.description(), Some("y"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiErrorBody {
    /// OAuth error code.
    pub error: Option<String>,
    /// OAuth error description.
    pub error_description: Option<String>,
    /// Plain-shape code.
    pub code: Option<String>,
    /// Plain-shape message.
    pub message: Option<String>,
}

impl ApiErrorBody {
    /// Reads an error body; `None` unless it is a JSON object of at most [`MAX_BODY_BYTES`].
    /// Fields of the wrong type are ignored (an error body is only ever shown, never trusted).
    ///
    /// ```
    /// use authkit_yew::protocol::wire::ApiErrorBody;
    /// assert_eq!(ApiErrorBody::parse("Bad Gateway"), None);
    /// assert_eq!(ApiErrorBody::parse(r#"{"error":1}"#), Some(ApiErrorBody::default()));
    /// ```
    pub fn parse(text: &str) -> Option<ApiErrorBody> {
        if text.len() > MAX_BODY_BYTES {
            return None;
        }
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
        let text = |key: &str| object.get(key)?.as_str().map(str::to_owned);
        Some(ApiErrorBody {
            error: text("error"),
            error_description: text("error_description"),
            code: text("code"),
            message: text("message"),
        })
    }

    /// The error code of either shape.
    ///
    /// ```
    /// use authkit_yew::protocol::wire::ApiErrorBody;
    /// let e = ApiErrorBody::parse(r#"{"error":"invalid_grant"}"#).unwrap();
    /// assert_eq!(e.error_code(), Some("invalid_grant"));
    /// ```
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_deref().or(self.code.as_deref())
    }

    /// The description of either shape.
    ///
    /// ```
    /// use authkit_yew::protocol::wire::ApiErrorBody;
    /// let e = ApiErrorBody::parse(r#"{"error_description":"Session has already ended."}"#).unwrap();
    /// assert_eq!(e.description(), Some("Session has already ended."));
    /// ```
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

    fn response(body: serde_json::Value) -> AuthenticateResponse {
        AuthenticateResponse::parse(&body.to_string()).unwrap()
    }

    fn user(body: serde_json::Value) -> User {
        serde_json::from_value(body).unwrap()
    }

    fn error_body(body: serde_json::Value) -> ApiErrorBody {
        ApiErrorBody::parse(&body.to_string()).unwrap()
    }

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
        let response = response(json!({
            "user": full_user(), "access_token": "AT-SECRET", "refresh_token": "RT-SECRET",
            "organization_id": "org_1"
        }));
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
        let json = serde_json::to_string(&RefreshGrant::new("c", Some("rt"), Some("org_1")));
        assert_eq!(
            json.unwrap(),
            r#"{"client_id":"c","grant_type":"refresh_token","refresh_token":"rt","organization_id":"org_1"}"#
        );
    }

    #[test]
    fn grant_values_are_escaped_as_json_strings() {
        let json = serde_json::to_string(&CodeGrant::new("c\"1", "k\\", "v\n")).unwrap();
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["client_id"], "c\"1");
        assert_eq!(back["code"], "k\\");
        assert_eq!(back["code_verifier"], "v\n");
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
        let r = AuthenticateResponse::parse(&body.to_string()).unwrap();
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
            json!({"user": full_user(), "access_token": "a.b.c", "organization_id": null,
                   "refresh_token": null, "authentication_method": null, "impersonator": null}),
        ] {
            let r = AuthenticateResponse::parse(&body.to_string()).unwrap();
            assert_eq!(r.organization_id, None);
            assert_eq!(r.refresh_token, None);
            assert_eq!(r.authentication_method, None);
            assert_eq!(r.impersonator, None);
        }
    }

    #[test]
    fn impersonator_reason_may_be_null_or_missing() {
        let read = |v: serde_json::Value| serde_json::from_value::<Impersonator>(v).unwrap();
        let a = read(json!({"email": "a@x", "reason": null}));
        let b = read(json!({"email": "a@x"}));
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
            let body = json!({"user": full_user(), "access_token": "a.b.c",
                              "authentication_method": name});
            assert_eq!(response(body).authentication_method, Some(m));
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
        let u = user(json!({
            "object": "user", "id": "user_1", "email": "a@b.c", "email_verified": false,
            "first_name": null, "last_name": null, "profile_picture_url": null,
            "external_id": null, "last_sign_in_at": null,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        }));
        assert_eq!(u.display_name(), "a@b.c");
        assert_eq!(u.metadata, None);
    }

    #[test]
    fn user_fields_with_defaults_accept_null() {
        let u = user(json!({
            "id": "u", "email": "e@x", "object": null, "email_verified": null,
            "created_at": null, "updated_at": null, "metadata": null
        }));
        assert_eq!((u.object.as_str(), u.email_verified), ("", false));
        assert_eq!((u.created_at.as_str(), u.updated_at.as_str()), ("", ""));
    }

    #[test]
    fn display_name_prefers_first_and_last_then_name_then_email() {
        let mut u = user(json!({"id": "u", "email": "e@x"}));
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
        let oauth = error_body(json!({
            "error": "sso_required", "error_description": "x", "connection_ids": ["conn_1"], "email": "a@b"
        }));
        assert_eq!(
            (oauth.error_code(), oauth.description()),
            (Some("sso_required"), Some("x"))
        );
        let plain = error_body(json!({
            "code": "mfa_enrollment", "message": "y", "pending_authentication_token": "p"
        }));
        assert_eq!(
            (plain.error_code(), plain.description()),
            (Some("mfa_enrollment"), Some("y"))
        );
        let message_only = error_body(json!({"message": "Not found"}));
        assert_eq!(
            (message_only.error_code(), message_only.description()),
            (None, Some("Not found"))
        );
        assert_eq!(ApiErrorBody::parse("[1]"), None);
        assert_eq!(ApiErrorBody::parse(r#"{"error":"x"} trailing"#), None);
    }

    /// The error for `body`, with the position of a bad field reduced to its line.
    fn problem(body: serde_json::Value) -> Result<(), String> {
        match AuthenticateResponse::parse(&body.to_string()) {
            Ok(_) => Ok(()),
            Err(BodyError::MissingField(field)) => Err(format!("missing {field}")),
            Err(BodyError::InvalidField { line, .. }) => Err(format!("invalid on line {line}")),
            Err(other) => Err(other.to_string()),
        }
    }

    #[test]
    fn a_missing_field_is_named_and_a_bad_one_located() {
        let invalid = || Err("invalid on line 1".to_owned());
        let missing = |field: &str| Err(format!("missing {field}"));
        let cases = [
            (json!({"user": full_user(), "access_token": 5}), invalid()),
            (json!({"access_token": "a.b.c"}), missing("user")),
            (json!({"user": "x", "access_token": "a.b.c"}), invalid()),
            (
                json!({"user": {"id": "u"}, "access_token": "a.b.c"}),
                missing("email"),
            ),
            (
                json!({"user": {"id": "u", "email": "e", "email_verified": "yes"},
                    "access_token": "a.b.c"}),
                invalid(),
            ),
            (
                json!({"user": {"id": "u", "email": "e", "metadata": {"a": 1}},
                    "access_token": "a.b.c"}),
                invalid(),
            ),
            (
                json!({"user": {"id": "u", "email": "e", "first_name": 1},
                    "access_token": "a.b.c"}),
                invalid(),
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "refresh_token": []}),
                invalid(),
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "organization_id": 1}),
                invalid(),
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "impersonator": {}}),
                missing("email"),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(problem(body.clone()), expected, "{body}");
        }
        // The column points at the bad value.
        let text = r#"{"user":{"id":"u","email":"e"},"access_token":5}"#;
        assert_eq!(
            AuthenticateResponse::parse(text),
            Err(BodyError::InvalidField {
                line: 1,
                column: text.find('5').unwrap() + 1
            })
        );
        assert!(AuthenticateResponse::parse("[]").is_err());
        assert_eq!(AuthenticateResponse::parse("{"), Err(BodyError::NotJson));
        assert_eq!(AuthenticateResponse::parse(""), Err(BodyError::NotJson));
    }

    #[test]
    fn errors_never_repeat_a_value_of_the_body() {
        let body = json!({"user": full_user(), "access_token": ["SECRET-TOKEN"],
                          "refresh_token": "SECRET-RT"});
        let err = AuthenticateResponse::parse(&body.to_string()).unwrap_err();
        assert!(matches!(err, BodyError::InvalidField { .. }), "{err:?}");
        let text = err.to_string();
        assert!(!text.contains("SECRET"), "{text}");
        let body = json!({"user": {"id": "SECRET-ID", "email": 7}, "access_token": "SECRET"});
        let text = AuthenticateResponse::parse(&body.to_string())
            .unwrap_err()
            .to_string();
        assert!(
            !text.contains("SECRET") && text.contains("column"),
            "{text}"
        );
    }

    #[test]
    fn trailing_characters_after_the_body_are_not_json() {
        let body = json!({"user": full_user(), "access_token": "a.b.c"}).to_string();
        assert!(AuthenticateResponse::parse(&format!("{body} \n")).is_ok());
        assert_eq!(
            AuthenticateResponse::parse(&format!("{body} x")),
            Err(BodyError::NotJson)
        );
    }

    #[test]
    fn deeply_nested_bodies_neither_recurse_nor_hang() {
        let (open, close) = ("[".repeat(100_000), "]".repeat(100_000));
        // In a field the SDK reads: refused at the first level of the wrong shape (serde also
        // reads a struct from an array, whose first element must be the user's `object`).
        let deep = format!(r#"{{"user":{open}{close},"access_token":"a"}}"#);
        assert_eq!(
            AuthenticateResponse::parse(&deep),
            Err(BodyError::InvalidField { line: 1, column: 9 })
        );
        // In a field it ignores: skipped without recursion (no stack overflow), in one pass.
        let ignored =
            format!(r#"{{"user":{{"id":"u","email":"e"}},"access_token":"a","x":{open}{close}}}"#);
        assert_eq!(AuthenticateResponse::parse(&ignored).unwrap().user.id, "u");
        // Never closed: not JSON. As an error body (read as JSON values): refused.
        let unclosed = format!(r#"{{"x":{open}"#);
        assert_eq!(
            AuthenticateResponse::parse(&unclosed),
            Err(BodyError::NotJson)
        );
        let error_body = format!(r#"{{"error":"x","detail":{open}{close}}}"#);
        assert_eq!(ApiErrorBody::parse(&error_body), None);
    }

    #[test]
    fn very_large_bodies_are_refused_before_parsing() {
        let padding = "x".repeat(MAX_BODY_BYTES);
        let body = json!({"user": full_user(), "access_token": "a.b.c", "pad": padding});
        assert_eq!(
            AuthenticateResponse::parse(&body.to_string()),
            Err(BodyError::TooLarge)
        );
        assert_eq!(ApiErrorBody::parse(&body.to_string()), None);
        // Just under the limit is read.
        let padding = "x".repeat(MAX_BODY_BYTES - 1_000);
        let body = json!({"user": full_user(), "access_token": "a.b.c", "pad": padding});
        assert!(AuthenticateResponse::parse(&body.to_string()).is_ok());
    }

    #[test]
    fn user_serializes_with_the_wire_names_and_round_trips() {
        let u = user(full_user());
        let written = serde_json::to_value(&u).unwrap();
        assert_eq!(serde_json::from_value::<User>(written.clone()).unwrap(), u);
        for key in [
            "id",
            "email",
            "first_name",
            "metadata",
            "locale",
            "created_at",
        ] {
            assert_eq!(written[key], full_user()[key], "{key}");
        }
    }
}

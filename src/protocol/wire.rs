//! Request bodies and response types of `POST /user_management/authenticate`.

use crate::protocol::json::{read, read::Missing, Json};

/// A WorkOS user, as returned by the authenticate endpoint.
///
/// Unknown fields are ignored; nullable fields are `Option`. With the `serde` feature it
/// implements `Serialize` and `Deserialize`.
///
/// ```
/// use authkit_yew::{Json, User};
/// let json = Json::parse(r#"{"object":"user","id":"user_1","email":"a@b.c",
///   "email_verified":true,"first_name":null,"last_name":null,"profile_picture_url":null,
///   "external_id":null,"last_sign_in_at":null,"created_at":"2026-01-01T00:00:00Z",
///   "updated_at":"2026-01-01T00:00:00Z"}"#).unwrap();
/// let user = User::from_json(&json).unwrap();
/// assert_eq!(user.display_name(), "a@b.c");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct User {
    /// Always `user`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub object: String,
    /// `user_…`.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Whether the email is verified.
    #[cfg_attr(feature = "serde", serde(default))]
    pub email_verified: bool,
    /// First name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub first_name: Option<String>,
    /// Last name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub last_name: Option<String>,
    /// Full name, when the API sends it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: Option<String>,
    /// Picture URL.
    #[cfg_attr(feature = "serde", serde(default))]
    pub profile_picture_url: Option<String>,
    /// Your own id for the user.
    #[cfg_attr(feature = "serde", serde(default))]
    pub external_id: Option<String>,
    /// Free-form string metadata.
    #[cfg_attr(feature = "serde", serde(default))]
    pub metadata: Option<std::collections::BTreeMap<String, String>>,
    /// Last sign-in time (RFC 3339).
    #[cfg_attr(feature = "serde", serde(default))]
    pub last_sign_in_at: Option<String>,
    /// Locale.
    #[cfg_attr(feature = "serde", serde(default))]
    pub locale: Option<String>,
    /// Creation time (RFC 3339).
    #[cfg_attr(feature = "serde", serde(default))]
    pub created_at: String,
    /// Update time (RFC 3339).
    #[cfg_attr(feature = "serde", serde(default))]
    pub updated_at: String,
}

impl User {
    /// Reads a user object. `id` and `email` are required strings; every other field may be
    /// missing or `null`; a field of the wrong type is an error naming that field.
    ///
    /// ```
    /// use authkit_yew::{Json, User};
    /// let user = User::from_json(&Json::parse(r#"{"id":"user_1","email":"a@b.c"}"#).unwrap());
    /// assert_eq!(user.unwrap().id, "user_1");
    /// let bad = User::from_json(&Json::parse(r#"{"id":"user_1","email":7}"#).unwrap());
    /// assert_eq!(bad.unwrap_err(), "email");
    /// ```
    pub fn from_json(json: &Json) -> Result<User, &'static str> {
        let text = |key| read::opt_string(json, key).map(Option::unwrap_or_default);
        let metadata = match read::opt(json, "metadata") {
            None => None,
            Some(value) => {
                // Inserted one by one: collecting into a map would link a sort (~8 KB wasm).
                let mut map = std::collections::BTreeMap::new();
                for (k, v) in value.as_object().ok_or("metadata")? {
                    map.insert(k.clone(), v.as_str().ok_or("metadata")?.to_owned());
                }
                Some(map)
            }
        };
        Ok(User {
            object: text("object")?,
            id: read::string(json, "id")?,
            email: read::string(json, "email")?,
            email_verified: match read::opt(json, "email_verified") {
                None => false,
                Some(v) => v.as_bool().ok_or("email_verified")?,
            },
            first_name: read::opt_string(json, "first_name")?,
            last_name: read::opt_string(json, "last_name")?,
            name: read::opt_string(json, "name")?,
            profile_picture_url: read::opt_string(json, "profile_picture_url")?,
            external_id: read::opt_string(json, "external_id")?,
            metadata,
            last_sign_in_at: read::opt_string(json, "last_sign_in_at")?,
            locale: read::opt_string(json, "locale")?,
            created_at: text("created_at")?,
            updated_at: text("updated_at")?,
        })
    }

    /// The user as a JSON object with the wire field names (absent fields as `null`), the
    /// inverse of [`User::from_json`].
    ///
    /// ```
    /// use authkit_yew::{Json, User};
    /// let user = User::from_json(&Json::parse(r#"{"id":"u","email":"e@x"}"#).unwrap()).unwrap();
    /// assert_eq!(User::from_json(&user.to_json()).unwrap(), user);
    /// ```
    pub fn to_json(&self) -> Json {
        let metadata = self
            .metadata
            .as_ref()
            .map(|m| Json::object(m.iter().map(|(k, v)| (k.as_str(), Json::from(v.as_str())))));
        Json::object([
            ("object", Json::from(self.object.as_str())),
            ("id", self.id.as_str().into()),
            ("email", self.email.as_str().into()),
            ("email_verified", self.email_verified.into()),
            ("first_name", self.first_name.clone().into()),
            ("last_name", self.last_name.clone().into()),
            ("name", self.name.clone().into()),
            (
                "profile_picture_url",
                self.profile_picture_url.clone().into(),
            ),
            ("external_id", self.external_id.clone().into()),
            ("metadata", metadata.into()),
            ("last_sign_in_at", self.last_sign_in_at.clone().into()),
            ("locale", self.locale.clone().into()),
            ("created_at", self.created_at.as_str().into()),
            ("updated_at", self.updated_at.as_str().into()),
        ])
    }

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
/// let m = AuthenticationMethod::parse("Password");
/// assert_eq!(m, AuthenticationMethod::Password);
/// let m = AuthenticationMethod::parse("NewOAuth");
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
    /// The optional `authentication_method` field of `object` (an authenticate response or a
    /// tab's hand-off); a value of another type than string is an error naming the field.
    pub(crate) fn read_field(object: &Json) -> Result<Option<AuthenticationMethod>, Missing> {
        Ok(read::opt_string(object, "authentication_method")?.map(|m| Self::parse(&m)))
    }

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

#[cfg(feature = "serde")]
impl serde::Serialize for AuthenticationMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for AuthenticationMethod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// The admin impersonating the user.
///
/// ```
/// use authkit_yew::{Impersonator, Json};
/// let json = Json::parse(r#"{"email":"admin@x.io","reason":null}"#).unwrap();
/// let i = Impersonator::from_json(&json).unwrap();
/// assert_eq!(i.email, "admin@x.io");
/// assert_eq!(i.reason, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Impersonator {
    /// The admin's email.
    pub email: String,
    /// Why, when given.
    #[cfg_attr(feature = "serde", serde(default))]
    pub reason: Option<String>,
}

impl Impersonator {
    /// The optional `impersonator` field of `object` (an authenticate response or a tab's
    /// hand-off): missing or `null` is `None`, a malformed one is an error naming the field.
    pub(crate) fn read_field(object: &Json) -> Result<Option<Impersonator>, Missing> {
        read::opt(object, "impersonator")
            .map(|i| Impersonator::from_json(i).map_err(|_| "impersonator"))
            .transpose()
    }

    /// Reads `{"email": …, "reason": …}` (`reason` may be missing or `null`); the error names
    /// the bad field.
    ///
    /// ```
    /// use authkit_yew::{Impersonator, Json};
    /// assert_eq!(Impersonator::from_json(&Json::parse("{}").unwrap()), Err("email"));
    /// ```
    pub fn from_json(json: &Json) -> Result<Impersonator, &'static str> {
        Ok(Impersonator {
            email: read::string(json, "email")?,
            reason: read::opt_string(json, "reason")?,
        })
    }

    /// The inverse of [`Impersonator::from_json`].
    ///
    /// ```
    /// use authkit_yew::{Impersonator, Json};
    /// let i = Impersonator::from_json(&Json::parse(r#"{"email":"a@x"}"#).unwrap()).unwrap();
    /// assert_eq!(i.to_json().to_string(), r#"{"email":"a@x","reason":null}"#);
    /// ```
    pub fn to_json(&self) -> Json {
        Json::object([
            ("email", Json::from(self.email.as_str())),
            ("reason", self.reason.clone().into()),
        ])
    }
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
#[derive(Clone, PartialEq)]
pub struct AuthenticateResponse {
    /// The user.
    pub user: User,
    /// The access token (JWT).
    pub access_token: String,
    /// The new refresh token (rotated on every use).
    pub refresh_token: Option<String>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
    /// The organization, absent or `null` when none.
    pub organization_id: Option<String>,
    /// The impersonator, when impersonating.
    pub impersonator: Option<Impersonator>,
}

impl AuthenticateResponse {
    /// Parses a response body. The error is [`BodyError`]: not JSON, or the field that is
    /// missing or of the wrong type (`user.email`, `access_token`, …).
    ///
    /// ```
    /// use authkit_yew::protocol::wire::{AuthenticateResponse, BodyError};
    /// assert_eq!(AuthenticateResponse::parse("<html>").unwrap_err(), BodyError::NotJson);
    /// let no_token = r#"{"user":{"id":"u","email":"e@x"}}"#;
    /// assert_eq!(
    ///     AuthenticateResponse::parse(no_token).unwrap_err(),
    ///     BodyError::Field("access_token")
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<AuthenticateResponse, BodyError> {
        let json = Json::parse(text).map_err(|_| BodyError::NotJson)?;
        let user = json.get("user").ok_or(BodyError::Field("user"))?;
        let in_user = |field: Missing| BodyError::Field(user_field(field));
        Ok(AuthenticateResponse {
            user: User::from_json(user).map_err(in_user)?,
            access_token: read::string(&json, "access_token")?,
            refresh_token: read::opt_string(&json, "refresh_token")?,
            authentication_method: AuthenticationMethod::read_field(&json)?,
            organization_id: read::opt_string(&json, "organization_id")?,
            impersonator: Impersonator::read_field(&json)?,
        })
    }
}

/// `user.<field>` for the fields [`User::from_json`] can name.
fn user_field(field: Missing) -> &'static str {
    match field {
        "id" => "user.id",
        "email" => "user.email",
        "email_verified" => "user.email_verified",
        "metadata" => "user.metadata",
        _ => "user",
    }
}

/// Why a response body could not be read.
///
/// ```
/// use authkit_yew::protocol::wire::BodyError;
/// assert_eq!(BodyError::Field("user.id").to_string(), "the field `user.id` is missing or has the wrong type");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is not JSON.
    #[error("the body is not JSON")]
    NotJson,
    /// A required field is missing, or a field has the wrong type.
    #[error("the field `{0}` is missing or has the wrong type")]
    Field(&'static str),
}

impl From<Missing> for BodyError {
    fn from(field: Missing) -> Self {
        BodyError::Field(field)
    }
}

/// The body of the authorization-code grant (exactly the four fields authkit-js sends).
///
/// ```
/// use authkit_yew::protocol::wire::CodeGrant;
/// let body = CodeGrant::new("client_1", "code_1", "verifier");
/// assert_eq!(body.to_json()["grant_type"], "authorization_code");
/// ```
#[derive(Clone, PartialEq, Eq)]
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

    /// The JSON body, fields in a fixed order.
    ///
    /// ```
    /// use authkit_yew::protocol::wire::CodeGrant;
    /// assert_eq!(
    ///     CodeGrant::new("c", "k", "v").to_json().to_string(),
    ///     r#"{"client_id":"c","code":"k","code_verifier":"v","grant_type":"authorization_code"}"#
    /// );
    /// ```
    pub fn to_json(&self) -> Json {
        Json::object([
            ("client_id", Json::from(self.client_id.as_str())),
            ("code", self.code.as_str().into()),
            ("code_verifier", self.code_verifier.as_str().into()),
            ("grant_type", self.grant_type.into()),
        ])
    }
}

/// The body of the refresh-token grant. `refresh_token` is sent only in dev mode;
/// `organization_id` only when known.
///
/// ```
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", None, Some("org_1"));
/// let json = body.to_json().to_string();
/// assert_eq!(json, r#"{"client_id":"client_1","grant_type":"refresh_token","organization_id":"org_1"}"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshGrant {
    /// The client id.
    pub client_id: String,
    /// Always `refresh_token`.
    pub grant_type: &'static str,
    /// The refresh token (dev mode only).
    pub refresh_token: Option<String>,
    /// The organization to refresh into.
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

    /// The JSON body; an absent token or organization is left out (not `null`).
    ///
    /// ```
    /// use authkit_yew::protocol::wire::RefreshGrant;
    /// let json = RefreshGrant::new("c", Some("rt"), None).to_json().to_string();
    /// assert_eq!(json, r#"{"client_id":"c","grant_type":"refresh_token","refresh_token":"rt"}"#);
    /// ```
    pub fn to_json(&self) -> Json {
        let optional = [
            ("refresh_token", &self.refresh_token),
            ("organization_id", &self.organization_id),
        ];
        Json::object(
            [
                ("client_id", Json::from(self.client_id.as_str())),
                ("grant_type", self.grant_type.into()),
            ]
            .into_iter()
            .chain(
                optional
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, Json::from(v.as_deref()?)))),
            ),
        )
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
    /// Reads an error body; `None` unless it is a JSON object. Fields of the wrong type are
    /// ignored (an error body is only ever shown, never trusted).
    ///
    /// ```
    /// use authkit_yew::protocol::wire::ApiErrorBody;
    /// assert_eq!(ApiErrorBody::parse("Bad Gateway"), None);
    /// assert_eq!(ApiErrorBody::parse(r#"{"error":1}"#), Some(ApiErrorBody::default()));
    /// ```
    pub fn parse(text: &str) -> Option<ApiErrorBody> {
        let json = Json::parse(text).ok()?;
        json.as_object()?;
        let text = |key| json.get(key).and_then(Json::as_str).map(str::to_owned);
        Some(ApiErrorBody {
            error: text("error"),
            error_description: text("error_description"),
            code: text("code"),
            message: text("message"),
        })
    }

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

    /// serde_json is only the test's way to write JSON; the code under test parses text.
    fn response(body: serde_json::Value) -> AuthenticateResponse {
        AuthenticateResponse::parse(&body.to_string()).unwrap()
    }

    fn user(body: serde_json::Value) -> User {
        User::from_json(&Json::parse(&body.to_string()).unwrap()).unwrap()
    }

    fn value(json: Json) -> serde_json::Value {
        serde_json::from_str(&json.to_string()).unwrap()
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
        let json = value(CodeGrant::new("client_1", "code_1", "ver").to_json());
        assert_eq!(
            json,
            json!({"client_id": "client_1", "code": "code_1", "code_verifier": "ver",
                   "grant_type": "authorization_code"})
        );
    }

    #[test]
    fn refresh_grant_in_dev_mode_carries_the_token() {
        let json = value(RefreshGrant::new("c", Some("rt"), None).to_json());
        assert_eq!(
            json,
            json!({"client_id": "c", "grant_type": "refresh_token", "refresh_token": "rt"})
        );
    }

    #[test]
    fn refresh_grant_in_cookie_mode_omits_the_token_key() {
        let json = RefreshGrant::new("c", None, None).to_json().to_string();
        assert_eq!(json, r#"{"client_id":"c","grant_type":"refresh_token"}"#);
        assert!(!json.contains("refresh_token\":"));
    }

    #[test]
    fn refresh_grant_with_organization() {
        let json = value(RefreshGrant::new("c", Some("rt"), Some("org_1")).to_json());
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
            json!({"user": full_user(), "access_token": "a.b.c", "organization_id": null}),
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
        let read = |v: serde_json::Value| {
            Impersonator::from_json(&Json::parse(&v.to_string()).unwrap()).unwrap()
        };
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
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_in_the_error() {
        let cases = [
            (
                json!({"user": full_user(), "access_token": 5}),
                "access_token",
            ),
            (json!({"access_token": "a.b.c"}), "user"),
            (json!({"user": "x", "access_token": "a.b.c"}), "user.id"),
            (
                json!({"user": {"id": "u"}, "access_token": "a.b.c"}),
                "user.email",
            ),
            (
                json!({"user": {"id": "u", "email": "e", "email_verified": "yes"},
                    "access_token": "a.b.c"}),
                "user.email_verified",
            ),
            (
                json!({"user": {"id": "u", "email": "e", "metadata": {"a": 1}},
                    "access_token": "a.b.c"}),
                "user.metadata",
            ),
            (
                json!({"user": {"id": "u", "email": "e", "first_name": 1},
                    "access_token": "a.b.c"}),
                "user",
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "refresh_token": []}),
                "refresh_token",
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "organization_id": 1}),
                "organization_id",
            ),
            (
                json!({"user": full_user(), "access_token": "a.b.c", "impersonator": {}}),
                "impersonator",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(
                AuthenticateResponse::parse(&body.to_string()),
                Err(BodyError::Field(field)),
                "{body}"
            );
        }
        assert_eq!(
            AuthenticateResponse::parse("[]"),
            Err(BodyError::Field("user"))
        );
        assert_eq!(AuthenticateResponse::parse("{"), Err(BodyError::NotJson));
    }

    #[test]
    fn user_to_json_round_trips_every_field() {
        let u = user(full_user());
        assert_eq!(User::from_json(&u.to_json()).unwrap(), u);
        let written = value(u.to_json());
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

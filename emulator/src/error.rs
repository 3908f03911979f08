//! [`ApiError`]: every error answer the emulator gives, in the shape its caller expects, with
//! one `IntoResponse`. Handlers return `Result<Response, ApiError>`.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::model::OrgPolicy;
use crate::settings::RateLimitBody;
use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The token endpoint's OAuth shape: `{"error", "error_description"}`.
    #[error("{error}: {description}")]
    OAuth {
        /// HTTP status.
        status: StatusCode,
        /// `error`.
        error: &'static str,
        /// `error_description`.
        description: Cow<'static, str>,
        /// `Retry-After` seconds.
        retry_after: Option<u32>,
        /// A terminal refresh failure: the refresh cookie and `workos-has-session` are
        /// cleared when the browser had them.
        ends_session: bool,
    },
    /// The plain shape: `{"code", "message"}`.
    #[error("{code}: {message}")]
    Coded {
        /// HTTP status.
        status: StatusCode,
        /// `code`.
        code: &'static str,
        /// `message`.
        message: Cow<'static, str>,
    },
    /// The spec's bare `404 {"message"}`.
    #[error("{message}")]
    Message {
        /// HTTP status.
        status: StatusCode,
        /// `message`.
        message: Cow<'static, str>,
    },
    /// A refresh switching into an organization that requires SSO or MFA: `403`, as node's
    /// fixture answers both. `sso_required` keeps the OAuth shape plus `connection_ids`,
    /// `email` and `pending_authentication_token`; `mfa_enrollment` is a plain-shape step-up
    /// (`code`, `message`, `pending_authentication_token`, `user`).
    #[error("organization {org_id} requires {policy:?}")]
    OrgPolicy {
        /// What the organization requires.
        policy: OrgPolicy,
        /// The organization.
        org_id: String,
        /// The user's email.
        email: Option<String>,
        /// The user object as in an authenticate response ([`crate::model::User::to_json`]).
        user: Option<serde_json::Value>,
        /// An opaque `pending_authentication_token` (the emulator cannot redeem it).
        pending_authentication_token: String,
    },
    /// The control API's and the transport's shape: `{"error", "message"}`.
    #[error("{error}: {message}")]
    Control {
        /// HTTP status.
        status: StatusCode,
        /// `error`.
        error: &'static str,
        /// `message`.
        message: Cow<'static, str>,
    },
    /// Over a route's rate limit: `429` in one of the two documented shapes, with
    /// `Retry-After`.
    #[error("rate limited for {retry_after} s")]
    RateLimited {
        /// Seconds until the window ends.
        retry_after: u32,
        /// Which body.
        shape: RateLimitBody,
    },
    /// An HTML error page for a browser (authorize, hosted pages).
    #[error("{code}: {message}")]
    Page {
        /// HTTP status.
        status: StatusCode,
        /// Shown as `#error-code`.
        code: &'static str,
        /// Shown as `#error-message`.
        message: Cow<'static, str>,
    },
}

impl ApiError {
    /// An OAuth-shaped error.
    pub fn oauth(
        status: StatusCode,
        error: &'static str,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::OAuth {
            status,
            error,
            description: description.into(),
            retry_after: None,
            ends_session: false,
        }
    }

    /// `400 invalid_request`.
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::oauth(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// `400 invalid_grant`.
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    /// `400 invalid_client`.
    pub fn invalid_client(description: impl Into<Cow<'static, str>>) -> Self {
        Self::oauth(StatusCode::BAD_REQUEST, "invalid_client", description)
    }

    /// A replayed refresh token outside the grace window (terminal).
    pub fn already_exchanged() -> Self {
        Self::invalid_grant("Refresh token already exchanged.").ending_session()
    }

    /// An unknown refresh token (terminal).
    pub fn invalid_refresh() -> Self {
        Self::invalid_grant("Invalid refresh token.").ending_session()
    }

    /// No refresh token in the body or the cookie (terminal).
    pub fn missing_refresh() -> Self {
        Self::invalid_request("Missing refresh token.").ending_session()
    }

    /// The session was revoked, logged out or expired (terminal).
    pub fn session_ended() -> Self {
        Self::invalid_grant("Session has already ended.").ending_session()
    }

    /// A replay inside the grace window in `contention` mode: `429` + `Retry-After: 1`.
    pub fn contention() -> Self {
        Self::OAuth {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: "too_many_requests",
            description: "Could not process refresh token. Please retry.".into(),
            retry_after: Some(1),
            ends_session: false,
        }
    }

    /// An unknown, expired or used authorization code.
    pub fn code_invalid() -> Self {
        Self::invalid_grant("The authorization code has expired or is invalid.")
    }

    /// Marks a refresh failure as terminal (cookies are cleared).
    pub fn ending_session(mut self) -> Self {
        if let Self::OAuth { ends_session, .. } = &mut self {
            *ends_session = true;
        }
        self
    }

    /// Whether this is a terminal refresh failure.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            Self::OAuth {
                ends_session: true,
                ..
            }
        )
    }

    /// A control-API (or transport) error.
    pub fn control(
        status: StatusCode,
        error: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Control {
            status,
            error,
            message: message.into(),
        }
    }

    /// `400` in the control shape.
    pub fn bad_control(error: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::control(StatusCode::BAD_REQUEST, error, message)
    }

    /// `404` in the control shape.
    pub fn not_found(error: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::control(StatusCode::NOT_FOUND, error, message)
    }

    /// An HTML error page.
    pub fn page(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Page {
            status,
            code,
            message: message.into(),
        }
    }

    /// A write to the data dir failed, on the token endpoint: `500 server_error`.
    pub fn storage(what: &str, e: &StoreError) -> Self {
        Self::oauth(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("The emulator could not save {what}: {e}. Nothing was changed; retry."),
        )
    }

    /// A write to the data dir failed, in the control API.
    pub fn control_storage(what: &str, e: &StoreError) -> Self {
        Self::control(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage_failed",
            format!("The emulator could not save {what}: {e}. Nothing was changed."),
        )
    }

    /// A write to the data dir failed, behind a page a browser navigated to.
    pub fn page_storage(what: &str, e: &StoreError) -> Self {
        Self::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage-failed",
            format!("The emulator could not save {what}: {e}. Go back and try again."),
        )
    }

    /// A handler panicked (an emulator bug); the server keeps running.
    pub fn internal(request_id: &str) -> Self {
        Self::control(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            format!(
                "The emulator hit a bug while answering request {request_id}. It is still \
                 running; the panic is in its log (stderr)."
            ),
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::OAuth { status, .. }
            | Self::Coded { status, .. }
            | Self::Message { status, .. }
            | Self::Control { status, .. }
            | Self::Page { status, .. } => *status,
            Self::OrgPolicy { .. } => StatusCode::FORBIDDEN,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

impl From<crate::settings::SettingsError> for ApiError {
    fn from(e: crate::settings::SettingsError) -> Self {
        Self::bad_control("invalid_setting", e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            Self::OAuth {
                error,
                description,
                retry_after,
                ..
            } => {
                let mut r = (
                    status,
                    Json(json!({ "error": error, "error_description": description })),
                )
                    .into_response();
                if let Some(secs) = retry_after {
                    r.headers_mut()
                        .insert("retry-after", HeaderValue::from(secs));
                }
                r
            }
            Self::Coded { code, message, .. } => {
                (status, Json(json!({ "code": code, "message": message }))).into_response()
            }
            Self::OrgPolicy {
                policy,
                org_id,
                email,
                user,
                pending_authentication_token,
            } => {
                let body = match policy {
                    OrgPolicy::Sso => json!({
                        "error": "sso_required",
                        "error_description": "The organization requires SSO. Sign in again through authorize with provider=authkit and organization_id.",
                        "connection_ids": [format!("conn_{}", org_id.trim_start_matches("org_"))],
                        "email": email,
                        "pending_authentication_token": pending_authentication_token,
                    }),
                    OrgPolicy::Mfa => json!({
                        "code": "mfa_enrollment",
                        "message": "The organization requires MFA. Sign in again through authorize with provider=authkit and organization_id.",
                        "pending_authentication_token": pending_authentication_token,
                        "user": user,
                    }),
                };
                (status, Json(body)).into_response()
            }
            Self::Message { message, .. } => {
                (status, Json(json!({ "message": message }))).into_response()
            }
            Self::Control { error, message, .. } => {
                (status, Json(json!({ "error": error, "message": message }))).into_response()
            }
            Self::RateLimited { retry_after, shape } => {
                let body = match shape {
                    RateLimitBody::DailyQuotaExceeded => json!({
                        "code": "daily_quota_exceeded",
                        "message": "Daily quota exceeded.",
                    }),
                    _ => json!({
                        "error": "too_many_requests",
                        "error_description": "Rate limit exceeded. Please retry later.",
                    }),
                };
                let mut r = (status, Json(body)).into_response();
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from(retry_after));
                r
            }
            Self::Page { code, message, .. } => crate::html::error_page(status, code, &message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(e: ApiError) -> (StatusCode, serde_json::Value, Option<String>) {
        let r = e.into_response();
        let status = r.status();
        let retry = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap(), retry)
    }

    #[tokio::test]
    async fn each_shape_renders_its_documented_body() {
        let (s, v, retry) = body_of(ApiError::contention()).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(v["error"], "too_many_requests");
        assert_eq!(retry.as_deref(), Some("1"));
        let (s, v, _) = body_of(ApiError::not_found("x_not_found", "No x.")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v, json!({"error": "x_not_found", "message": "No x."}));
        let (s, v, _) = body_of(ApiError::OrgPolicy {
            policy: OrgPolicy::Sso,
            org_id: "org_1".into(),
            email: None,
            user: None,
            pending_authentication_token: "pat".into(),
        })
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(v["connection_ids"], json!(["conn_1"]));
        assert_eq!(v["pending_authentication_token"], "pat");
        let (s, v, _) = body_of(ApiError::OrgPolicy {
            policy: OrgPolicy::Mfa,
            org_id: "org_1".into(),
            email: None,
            user: Some(json!({"object": "user"})),
            pending_authentication_token: "pat".into(),
        })
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(v["code"], "mfa_enrollment");
        assert_eq!(v["user"]["object"], "user");
        assert!(v.get("error").is_none());
        assert!(ApiError::missing_refresh().ends_session());
        assert!(!ApiError::invalid_client("x").ends_session());
    }
}

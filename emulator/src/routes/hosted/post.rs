//! A form posted to a hosted page: its fields, and what every handler does with it first
//! (the request id, one instant for the whole post, Cancel, a request that finished or is
//! gone).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::answer;
use crate::model::PendingAuth;
use crate::state::AppState;
use crate::world::SignInStep;

/// A form body: the first value of each field.
pub(crate) struct Form {
    fields: HashMap<String, String>,
    /// The request id (form, else query).
    rid: String,
    /// Where to restart (the query, with the typed email as `login_hint`).
    restart: HashMap<String, String>,
}

impl Form {
    /// Read `body` (`rid` from it, else from the query `q`).
    fn parse(q: &HashMap<String, String>, body: &[u8]) -> Self {
        let mut fields: HashMap<String, String> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            fields
                .entry(k.into_owned())
                .or_insert_with(|| v.into_owned());
        }
        let rid = fields
            .get("rid")
            .or(q.get("rid"))
            .cloned()
            .unwrap_or_default();
        let mut restart = q.clone();
        if let Some(e) = fields.get("email").filter(|e| !e.trim().is_empty()) {
            restart.insert("login_hint".into(), e.trim().to_string());
        }
        Self {
            fields,
            rid,
            restart,
        }
    }

    /// A field, trimmed (empty when absent).
    pub(crate) fn field(&self, k: &str) -> String {
        self.fields
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// A field as sent (passwords).
    pub(crate) fn raw(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }

    /// Whether the field is present.
    pub(crate) fn has(&self, k: &str) -> bool {
        self.fields.contains_key(k)
    }
}

/// A hosted form post with what its handler answers with: the app's state, the request's
/// headers and the time it arrived. Extracted from the request (its query, headers and body);
/// a query or body axum cannot read is answered with axum's own rejection.
pub struct Post {
    state: AppState,
    headers: HeaderMap,
    /// The fields.
    pub(crate) form: Form,
    /// When the post arrived, epoch ms: every step of it uses this one instant.
    pub(crate) now_ms: i64,
}

impl FromRequest<AppState> for Post {
    type Rejection = Response;

    /// The post of the body to a page opened with the request's query, arriving once the body
    /// has been read.
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Query(q) = Query::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            state: state.clone(),
            headers,
            form: Form::parse(&q, &body),
            now_ms: state.clock().now_ms(),
        })
    }
}

impl Post {
    /// The request's headers.
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id.
    pub(crate) fn rid(&self) -> &str {
        &self.form.rid
    }

    /// When the post arrived, epoch seconds.
    pub(crate) fn now(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }

    /// The response to `step` (see [`answer`]; a request that is gone restarts at the app
    /// with the typed email as `login_hint`).
    pub(crate) fn answer(&self, step: SignInStep) -> Response {
        answer(
            &self.state,
            &self.headers,
            &self.form.restart,
            self.rid(),
            step,
        )
    }

    /// The step of Cancel, when the form's Cancel button sent it: back to the app with
    /// `access_denied`.
    pub(crate) fn cancelled(&self) -> Option<SignInStep> {
        self.form.has("cancel").then(|| {
            self.state
                .with_world(|w| w.cancel_sign_in(self.rid(), self.now()))
        })
    }

    /// The request the form continues, or the step to answer without one: a form posted again
    /// after the request finished gets the same answer; a request that is gone starts over at
    /// the app.
    pub(crate) fn ongoing(&self) -> Result<PendingAuth, SignInStep> {
        self.state
            .with_world(|w| w.ongoing_sign_in(self.rid(), self.now()).cloned())
    }

    /// The request the form continues, or the step to answer without one: Cancel
    /// ([`Post::cancelled`]), else a request that finished or is gone ([`Post::ongoing`]).
    pub(crate) fn pending(&self) -> Result<PendingAuth, SignInStep> {
        match self.cancelled() {
            Some(cancelled) => Err(cancelled),
            None => self.ongoing(),
        }
    }
}

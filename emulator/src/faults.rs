//! Fault injection: per-route overrides of status/body, delays, dropped connections and
//! "drop the response after the real handler succeeded".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A fault as posted to `POST /_emulator/faults`.
///
/// ```
/// let f: authkit_emulator::faults::FaultSpec = serde_json::from_str(
///     r#"{"method":"POST","path":"/user_management/authenticate","status":503,"count":1}"#,
/// ).unwrap();
/// assert_eq!(f.status, Some(503));
/// ```
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// HTTP method to match (case-insensitive).
    pub method: String,
    /// Path to match exactly; a trailing `*` matches a prefix.
    pub path: String,
    /// Only requests whose body has this `grant_type`.
    #[serde(default)]
    pub grant_type: Option<String>,
    /// Status of the injected response (default 500 when neither `drop` nor only a delay).
    #[serde(default)]
    pub status: Option<u16>,
    /// Body of the injected response (default: a JSON error body).
    #[serde(default)]
    pub body: Option<String>,
    /// Content type of the injected body (default `application/json` when `body` parses as
    /// JSON, else `text/plain; charset=utf-8`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Extra response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Delay before anything else happens.
    #[serde(default)]
    pub delay_ms: u64,
    /// Close the connection without a response.
    #[serde(default)]
    pub drop: bool,
    /// Run the real handler first; if it succeeded (2xx), drop the connection (or, with
    /// `status`, replace its response).
    #[serde(default)]
    pub after_success: bool,
    /// How many requests it applies to; `null` = until cleared.
    #[serde(default)]
    pub count: Option<u32>,
}

/// The longest `delay_ms` accepted: ten minutes.
pub const MAX_DELAY_MS: u64 = 600_000;

/// A fault that cannot be installed as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultError(String);

impl FaultSpec {
    /// Check the fields: ranges, header syntax, and combinations that would silently do
    /// nothing.
    pub fn validate(&self) -> Result<(), FaultError> {
        let fail = |m: &str| Err(FaultError(m.to_string()));
        if self.method.is_empty() || !self.method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return fail("method must be an HTTP method such as POST");
        }
        if !self.path.starts_with('/') {
            return fail("path must start with / (a trailing * matches a prefix)");
        }
        if self.path.starts_with("/_emulator") {
            return fail(
                "faults cannot target the control API (/_emulator), or nothing could clear them",
            );
        }
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return fail("status must be between 200 and 599");
            }
        }
        if self.delay_ms > MAX_DELAY_MS {
            return fail("delay_ms must be at most 600000 (ten minutes)");
        }
        if self.count == Some(0) {
            return fail("count must be at least 1; leave it out (or null) for a fault that stays until cleared");
        }
        for (name, value) in &self.headers {
            let Ok(name) = axum::http::HeaderName::from_bytes(name.as_bytes()) else {
                return Err(FaultError(format!(
                    "header name `{name}` is not a valid HTTP header name"
                )));
            };
            if axum::http::HeaderValue::from_str(value).is_err() {
                return Err(FaultError(format!(
                    "the value of header `{name}` is not a valid HTTP header value"
                )));
            }
            if ["content-length", "transfer-encoding", "connection"].contains(&name.as_str()) {
                return Err(FaultError(format!(
                    "header `{name}` would break the HTTP framing; it cannot be injected"
                )));
            }
        }
        if let Some(ct) = &self.content_type {
            if axum::http::HeaderValue::from_str(ct).is_err() {
                return fail("content_type is not a valid HTTP header value");
            }
        }
        if self.drop && !self.after_success && (self.status.is_some() || self.body.is_some()) {
            return fail("drop closes the connection, so status and body would never be sent; leave them out");
        }
        if self.after_success && self.body.is_some() && self.status.is_none() {
            return fail("after_success replaces the answer only when status is given; add status or leave out body");
        }
        if self.status.is_none()
            && self.body.is_none()
            && !self.drop
            && !self.after_success
            && self.delay_ms == 0
        {
            return fail(
                "the fault does nothing: give status, body, delay_ms, drop or after_success",
            );
        }
        Ok(())
    }

    /// Whether this fault only delays (no status, no drop, not after success).
    pub fn is_delay_only(&self) -> bool {
        self.status.is_none() && !self.drop && !self.after_success && self.body.is_none()
    }

    /// Whether it matches a request.
    pub fn matches(&self, method: &str, path: &str, grant_type: Option<&str>) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        self.method.eq_ignore_ascii_case(method)
            && path_ok
            && self
                .grant_type
                .as_deref()
                .is_none_or(|g| Some(g) == grant_type)
    }
}

/// An installed fault.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    /// `fault_…`.
    pub id: String,
    /// What it does.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Remaining applications (`null` = until cleared). Uses taken by requests still in
    /// flight are already subtracted.
    pub remaining: Option<u32>,
}

/// The installed faults, first match wins.
#[derive(Debug, Default)]
pub struct Faults {
    list: Vec<Fault>,
}

impl Faults {
    /// Install a fault.
    pub fn add(&mut self, id: String, spec: FaultSpec) {
        let remaining = spec.count;
        self.list.push(Fault {
            id,
            spec,
            remaining,
        });
    }

    /// Remove all.
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// All installed faults.
    pub fn list(&self) -> &[Fault] {
        &self.list
    }

    /// Find the first matching fault and take one use of it, in one step, so two concurrent
    /// requests never both get the last use. A fault whose uses are all taken stays listed
    /// (with `remaining: 0`) until [`Faults::settle`] says whether its last use counted.
    pub fn take(&mut self, method: &str, path: &str, grant_type: Option<&str>) -> Option<Fault> {
        let f = self
            .list
            .iter_mut()
            .find(|f| f.remaining != Some(0) && f.spec.matches(method, path, grant_type))?;
        if let Some(n) = f.remaining.as_mut() {
            *n -= 1;
        }
        Some(f.clone())
    }

    /// Close one use taken by [`Faults::take`]: `counted` keeps it used (an exhausted fault is
    /// removed); otherwise the use is given back (an `after_success` fault whose real answer
    /// was not a success).
    pub fn settle(&mut self, id: &str, counted: bool) {
        let Some(pos) = self.list.iter().position(|f| f.id == id) else {
            return;
        };
        let f = &mut self.list[pos];
        match (counted, f.remaining.as_mut()) {
            (true, Some(0)) => {
                self.list.remove(pos);
            }
            (false, Some(n)) => *n += 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> FaultSpec {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_last_use_goes_to_one_taker_and_comes_back_if_it_did_not_count() {
        let mut faults = Faults::default();
        faults.add(
            "f1".into(),
            spec(serde_json::json!({"method":"POST","path":"/x","after_success":true,"count":1})),
        );
        let first = faults.take("POST", "/x", None).expect("first taker");
        assert!(faults.take("POST", "/x", None).is_none(), "no second taker");
        faults.settle(&first.id, false);
        let again = faults.take("POST", "/x", None).expect("given back");
        faults.settle(&again.id, true);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn faults_that_would_do_nothing_or_break_framing_are_refused() {
        for (json, needle) in [
            (
                serde_json::json!({"method":"GET","path":"/x"}),
                "does nothing",
            ),
            (
                serde_json::json!({"method":"GET","path":"/x","status":99}),
                "between 200 and 599",
            ),
            (
                serde_json::json!({"method":"GET","path":"/x","status":500,"count":0}),
                "at least 1",
            ),
            (
                serde_json::json!({"method":"GET","path":"/x","delay_ms":600_001}),
                "600000",
            ),
            (
                serde_json::json!({"method":"GET","path":"/x","drop":true,"status":500}),
                "never be sent",
            ),
            (
                serde_json::json!({"method":"GET","path":"/_emulator/*","status":500}),
                "control API",
            ),
            (
                serde_json::json!({"method":"GET","path":"/x","status":500,"headers":{"Content-Length":"1"}}),
                "framing",
            ),
            (
                serde_json::json!({"method":"GET","path":"x","status":500}),
                "start with /",
            ),
        ] {
            let e = spec(json.clone()).validate().unwrap_err();
            assert!(e.to_string().contains(needle), "{json}: {e}");
        }
        assert!(
            spec(serde_json::json!({"method":"GET","path":"/*","delay_ms":5}))
                .validate()
                .is_ok()
        );
    }
}

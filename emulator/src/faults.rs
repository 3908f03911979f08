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

impl FaultSpec {
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
    /// Remaining applications (`null` = until cleared).
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

    /// The first matching fault (not consumed).
    pub fn find(&self, method: &str, path: &str, grant_type: Option<&str>) -> Option<Fault> {
        self.list
            .iter()
            .find(|f| f.remaining != Some(0) && f.spec.matches(method, path, grant_type))
            .cloned()
    }

    /// Count one application of fault `id`, removing it when exhausted.
    pub fn consume(&mut self, id: &str) {
        if let Some(pos) = self.list.iter().position(|f| f.id == id) {
            let f = &mut self.list[pos];
            if let Some(n) = f.remaining.as_mut() {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.list.remove(pos);
                }
            }
        }
    }
}

//! `sessionStorage`, `localStorage` and `document.cookie`, never panicking.
//!
//! Storage is reached through gloo-storage, but only after a `web-sys` check that the area is
//! accessible: gloo-storage panics when the browser denies storage (sandboxed or cross-site
//! iframes, some privacy modes). Then reads and writes fall back to an in-memory list that
//! lives as long as the page. Callers that need a value to survive a navigation (the PKCE
//! verifier) use [`set_persistent`], which fails instead.
//!
//! Values shared with authkit-js (refresh token, verifier, organization) are plain strings
//! ([`get`], [`set`]); the SDK's own structured values are JSON ([`get_json`], [`set_json`]).

use std::cell::RefCell;

use gloo_storage::errors::StorageError;
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;

use crate::error::AuthKitError;

/// Which Web Storage area.
///
/// ```
/// use authkit_yew::browser::storage::Area;
/// assert_ne!(Area::Local, Area::Session);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// `window.localStorage`: shared by every tab of the origin, survives restarts.
    Local,
    /// `window.sessionStorage`: this tab only.
    Session,
}

thread_local! {
    /// `(area, key, value)` written while storage was denied or full (a handful of keys).
    static FALLBACK: RefCell<Vec<(Area, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The value of `key` in the memory fallback.
fn remembered(which: Area, key: &str) -> Option<String> {
    FALLBACK.with(|m| {
        m.borrow()
            .iter()
            .find(|(a, k, _)| *a == which && k == key)
            .map(|(_, _, v)| v.clone())
    })
}

/// Puts `value` under `key` in the memory fallback (`None` removes it).
fn remember(which: Area, key: &str, value: Option<&str>) {
    FALLBACK.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(a, k, _)| !(*a == which && k == key));
        if let Some(value) = value {
            m.push((which, key.to_owned(), value.to_owned()));
        }
    })
}

/// True when the browser lets this page use the area: `window.localStorage` (or
/// `sessionStorage`) is a `Result` in web-sys, which is how a denial shows. Only after this
/// check is gloo-storage, which panics on a denial, called.
///
/// ```no_run
/// use authkit_yew::browser::storage::{available, Area};
/// if !available(Area::Local) { /* values only live in memory */ }
/// ```
pub fn available(which: Area) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let storage = match which {
        Area::Local => window.local_storage(),
        Area::Session => window.session_storage(),
    };
    matches!(storage, Ok(Some(_)))
}

/// The area's handle from gloo-storage, when [`available`].
fn area(which: Area) -> Option<web_sys::Storage> {
    available(which).then(|| match which {
        Area::Local => LocalStorage::raw(),
        Area::Session => SessionStorage::raw(),
    })
}

/// Reads the string under `key`; `None` when absent (the in-memory fallback is consulted when
/// storage is denied or a write had to fall back).
///
/// ```no_run
/// use authkit_yew::browser::storage::{get, Area};
/// let verifier: Option<String> = get(Area::Session, "workos:code-verifier:client_1");
/// ```
pub fn get(which: Area, key: &str) -> Option<String> {
    let stored = area(which).and_then(|s| s.get_item(key).ok().flatten());
    stored.or_else(|| remembered(which, key))
}

/// Writes the string `value` under `key` as is (authkit-js reads these keys unquoted); falls
/// back to memory when storage is denied or full. Returns whether the value reached real
/// browser storage.
///
/// ```no_run
/// use authkit_yew::browser::storage::{set, Area};
/// let persisted: bool = set(Area::Local, "k", "v");
/// ```
pub fn set(which: Area, key: &str, value: &str) -> bool {
    let persisted = area(which).is_some_and(|s| s.set_item(key, value).is_ok());
    remember(which, key, (!persisted).then_some(value));
    persisted
}

/// Reads a JSON value the SDK stored with [`set_json`]; `None` when absent, and a value that
/// does not decode (written by another version, or tampered with) is removed and read as
/// absent.
///
/// ```no_run
/// use authkit_yew::browser::storage::{get_json, Area};
/// let lease: Option<(String, u64)> = get_json(Area::Local, "authkit-lock:n");
/// ```
pub fn get_json<T: DeserializeOwned>(which: Area, key: &str) -> Option<T> {
    if available(which) {
        let read = match which {
            Area::Local => LocalStorage::get(key),
            Area::Session => SessionStorage::get(key),
        };
        match read {
            Ok(value) => return Some(value),
            Err(StorageError::KeyNotFound(_)) => {}
            Err(_) => {
                remove(which, key);
                return None;
            }
        }
    }
    serde_json::from_str(&remembered(which, key)?).ok()
}

/// Writes `value` as JSON under `key` (gloo-storage's encoding), falling back to memory like
/// [`set`]. Returns whether the value reached real browser storage.
///
/// ```no_run
/// use authkit_yew::browser::storage::{set_json, Area};
/// set_json(Area::Local, "authkit-lock:n", &("holder", 42u64));
/// ```
pub fn set_json<T: Serialize>(which: Area, key: &str, value: &T) -> bool {
    let persisted = available(which)
        && match which {
            Area::Local => LocalStorage::set(key, value),
            Area::Session => SessionStorage::set(key, value),
        }
        .is_ok();
    let text = serde_json::to_string(value).ok();
    remember(which, key, text.as_deref().filter(|_| !persisted));
    persisted
}

/// Writes `key` to real storage or fails with [`AuthKitError::Storage`] (no memory fallback):
/// for values that must survive a navigation.
///
/// ```no_run
/// use authkit_yew::browser::storage::{set_persistent, Area};
/// set_persistent(Area::Session, "k", "v")?;
/// # Ok::<(), authkit_yew::AuthKitError>(())
/// ```
pub fn set_persistent(which: Area, key: &str, value: &str) -> Result<(), AuthKitError> {
    let storage = area(which).ok_or_else(|| {
        AuthKitError::Storage(format!(
            "{} is not available in this browser context",
            name(which)
        ))
    })?;
    storage.set_item(key, value).map_err(|_| {
        AuthKitError::Storage(format!(
            "{} refused the write (full or denied)",
            name(which)
        ))
    })
}

/// Removes `key` from storage and from the fallback.
///
/// ```no_run
/// use authkit_yew::browser::storage::{remove, Area};
/// remove(Area::Local, "k");
/// ```
pub fn remove(which: Area, key: &str) {
    if available(which) {
        match which {
            Area::Local => LocalStorage::delete(key),
            Area::Session => SessionStorage::delete(key),
        }
    }
    remember(which, key, None);
}

/// `document.cookie` (empty when unavailable, e.g. in a sandboxed document).
///
/// ```no_run
/// let cookies = authkit_yew::browser::storage::document_cookie();
/// ```
pub fn document_cookie() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default()
}

fn name(which: Area) -> &'static str {
    match which {
        Area::Local => "localStorage",
        Area::Session => "sessionStorage",
    }
}

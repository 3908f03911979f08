//! `sessionStorage`, `localStorage` and `document.cookie`, reached only through fallible calls.
//!
//! When the browser denies storage (sandboxed or cross-site iframes, some privacy modes), reads
//! and writes fall back to an in-memory map that lives as long as the page. Callers that need a
//! value to survive a navigation (the PKCE verifier) use [`set_persistent`], which fails instead.

use std::cell::RefCell;

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
    /// `(area, key, value)` written while storage was denied (a handful of keys: a list is
    /// smaller in wasm than a hash map).
    static FALLBACK: RefCell<Vec<(Area, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// Removes `key` of `which` from the memory fallback.
fn forget(which: Area, key: &str) {
    FALLBACK.with(|m| {
        m.borrow_mut()
            .retain(|(a, k, _)| !(*a == which && k == key))
    });
}

fn area(which: Area) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    let storage = match which {
        Area::Local => window.local_storage(),
        Area::Session => window.session_storage(),
    };
    storage.ok().flatten()
}

/// True when the real storage area can be used (not denied by the browser).
///
/// ```no_run
/// use authkit_yew::browser::storage::{available, Area};
/// if !available(Area::Local) { /* values only live in memory */ }
/// ```
pub fn available(which: Area) -> bool {
    area(which).is_some()
}

/// Reads `key`; `None` when absent (the in-memory fallback is consulted when storage is denied
/// or a write had to fall back).
///
/// ```no_run
/// use authkit_yew::browser::storage::{get, Area};
/// let verifier: Option<String> = get(Area::Session, "workos:code-verifier:client_1");
/// ```
pub fn get(which: Area, key: &str) -> Option<String> {
    if let Some(storage) = area(which) {
        if let Ok(Some(value)) = storage.get_item(key) {
            return Some(value);
        }
    }
    FALLBACK.with(|m| {
        m.borrow()
            .iter()
            .find(|(a, k, _)| *a == which && k == key)
            .map(|(_, _, v)| v.clone())
    })
}

/// Writes `key`; falls back to memory when storage is denied or full. Returns whether the value
/// reached real browser storage.
///
/// ```no_run
/// use authkit_yew::browser::storage::{set, Area};
/// let persisted: bool = set(Area::Local, "k", "v");
/// ```
pub fn set(which: Area, key: &str, value: &str) -> bool {
    let persisted = area(which)
        .map(|s| s.set_item(key, value).is_ok())
        .unwrap_or(false);
    forget(which, key);
    if !persisted {
        FALLBACK.with(|m| {
            m.borrow_mut()
                .push((which, key.to_owned(), value.to_owned()))
        });
    }
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
    if let Some(storage) = area(which) {
        let _ = storage.remove_item(key);
    }
    forget(which, key);
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

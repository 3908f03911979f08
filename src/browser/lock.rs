//! A cross-tab lock: the Web Locks API (`navigator.locks.request`, bound by hand because
//! web-sys only exposes it behind an unstable cfg), with a `localStorage` lease as fallback.

use std::future::Future;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser::{page, storage, timer};

/// How long a tab waits for the lock before giving up (as authkit-js: 10 s).
///
/// ```
/// assert_eq!(authkit_yew::browser::lock::ACQUIRE_TIMEOUT_MS, 10_000);
/// ```
pub const ACQUIRE_TIMEOUT_MS: u32 = 10_000;

/// How long a fallback lease stays valid when its holder disappears. A live holder renews it
/// every third of that, so work under the lock may take longer (a refresh with its retry can).
const FALLBACK_LEASE_MS: u32 = 15_000;

/// The fallback lock's record in `localStorage` (JSON): who holds it, and until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Lease {
    holder: String,
    /// Whole epoch milliseconds.
    expires_at_ms: u64,
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (`LockManager`).
    type JsLockManager;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_with_options(
        this: &JsLockManager,
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// The lock could not be acquired in time (another tab held it, or the browser refused).
///
/// ```
/// use authkit_yew::browser::lock::LockTimeout;
/// let r: Result<(), LockTimeout> = Err(LockTimeout);
/// assert!(r.is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockTimeout;

/// Which implementation [`with_lock`] uses in this browser (for the SDK's tests).
///
/// ```
/// use authkit_yew::browser::lock::LockKind;
/// assert_ne!(LockKind::WebLocks, LockKind::Storage);
/// ```
#[cfg(feature = "internals")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// `navigator.locks`.
    WebLocks,
    /// A `localStorage` lease (older browsers, some embedded webviews).
    Storage,
}

/// The implementation available here.
///
/// ```no_run
/// use authkit_yew::browser::lock::{kind, LockKind};
/// assert_eq!(kind(), LockKind::WebLocks);
/// ```
#[cfg(feature = "internals")]
pub fn kind() -> LockKind {
    if web_locks().is_some() {
        LockKind::WebLocks
    } else {
        LockKind::Storage
    }
}

fn web_locks() -> Option<JsLockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    Some(locks.unchecked_into())
}

/// Runs `f` while holding the lock `name` in every tab of the origin; waits at most
/// `timeout_ms` for it. The lock is released when `f` completes or its future is dropped.
///
/// ```no_run
/// # async fn g() {
/// use authkit_yew::browser::lock::{with_lock, ACQUIRE_TIMEOUT_MS};
/// let answer = with_lock("my-lock", ACQUIRE_TIMEOUT_MS, || async { 42 }).await;
/// assert_eq!(answer, Ok(42));
/// # }
/// ```
pub async fn with_lock<T, Fut, F>(name: &str, timeout_ms: u32, f: F) -> Result<T, LockTimeout>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let f = match web_locks() {
        Some(locks) => match with_web_lock(&locks, name, timeout_ms, f).await {
            Ok(result) => return result,
            // `navigator.locks` exists but refused the request (e.g. an opaque origin).
            Err(f) => f,
        },
        None => f,
    };
    with_storage_lock(name, timeout_ms, FALLBACK_LEASE_MS, f).await
}

/// Resolves a JS function once, when dropped.
struct CallOnDrop(js_sys::Function);

impl Drop for CallOnDrop {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// A promise and its `resolve` function.
fn deferred() -> Option<(js_sys::Promise, js_sys::Function)> {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _rej| resolve = Some(res));
    resolve.map(|r| (promise, r))
}

/// `Err(f)` when the Web Locks API refused the request before `f` ran.
async fn with_web_lock<T, Fut, F>(
    locks: &JsLockManager,
    name: &str,
    timeout_ms: u32,
    f: F,
) -> Result<Result<T, LockTimeout>, F>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let Some((granted, granted_resolve)) = deferred() else {
        return Err(f);
    };
    let Some((release, release_resolve)) = deferred() else {
        return Err(f);
    };
    // Dropping this (on any exit path) releases the lock or an abandoned grant.
    let release_guard = CallOnDrop(release_resolve);
    let Ok(controller) = web_sys::AbortController::new() else {
        return Err(f);
    };
    let options = js_sys::Object::new();
    if js_sys::Reflect::set(&options, &"signal".into(), controller.signal().as_ref()).is_err() {
        return Err(f);
    }
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let _ = granted_resolve.call0(&JsValue::UNDEFINED);
        release.into()
    });
    let Ok(request) = locks.request_with_options(name, &options, &callback) else {
        return Err(f);
    };
    let abort = timer::Timer::after_ms(timeout_ms, move || controller.abort());
    let race = js_sys::Promise::race(&js_sys::Array::of2(&granted, &request));
    let acquired = JsFuture::from(race).await;
    drop(abort);
    if acquired.is_err() {
        return Ok(Err(LockTimeout));
    }
    let out = f().await;
    drop(release_guard);
    Ok(Ok(out))
}

fn fallback_key(name: &str) -> String {
    format!("authkit-lock:{name}")
}

fn read_lease(key: &str) -> Option<Lease> {
    storage::get_json(storage::Area::Local, key)
}

async fn with_storage_lock<T, Fut, F>(
    name: &str,
    timeout_ms: u32,
    lease_ms: u32,
    f: F,
) -> Result<T, LockTimeout>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let key = fallback_key(name);
    let me = format!("{:08x}{:08x}", page::random_u32(), page::random_u32());
    let deadline = page::now_ms() + f64::from(timeout_ms);
    loop {
        let now = page::now_ms();
        match read_lease(&key) {
            Some(lease) if lease.expires_at_ms as f64 > now && lease.holder != me => {}
            _ => {
                write_lease(&key, &me, lease_ms);
                // Let a racing tab overwrite, then check who won.
                timer::sleep_ms(15).await;
                if read_lease(&key).is_some_and(|lease| lease.holder == me) {
                    break;
                }
            }
        }
        if page::now_ms() >= deadline {
            return Err(LockTimeout);
        }
        timer::sleep_ms(20 + page::random_u32() % 30).await;
    }
    struct Release<'a>(&'a str, &'a str);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            if read_lease(self.0).is_some_and(|lease| lease.holder == self.1) {
                storage::remove(storage::Area::Local, self.0);
            }
        }
    }
    let _release = Release(&key, &me);
    // Renewed while `f` runs, so that a slow holder is not taken for a vanished one (until the
    // record is not ours any more, e.g. storage was cleared).
    let renew = async {
        timer::sleep_ms(lease_ms / 3).await;
        while read_lease(&key).is_some_and(|lease| lease.holder == me) {
            write_lease(&key, &me, lease_ms);
            timer::sleep_ms(lease_ms / 3).await;
        }
    };
    let work = f();
    futures::pin_mut!(work, renew);
    match futures::future::select(work, renew).await {
        futures::future::Either::Left((result, _)) => Ok(result),
        futures::future::Either::Right(((), work)) => Ok(work.await),
    }
}

/// Records `me` as the holder for the next `lease_ms`.
fn write_lease(key: &str, me: &str, lease_ms: u32) {
    let lease = Lease {
        holder: me.to_owned(),
        expires_at_ms: (page::now_ms() + f64::from(lease_ms)) as u64,
    };
    storage::set_json(storage::Area::Local, key, &lease);
}

/// Runs `f` under the `localStorage` fallback lock even where Web Locks exist, with a lease of
/// `lease_ms` (the SDK uses 15 s) (for tests).
///
/// ```no_run
/// # async fn g() {
/// let r = authkit_yew::browser::lock::with_fallback_lock("n", 100, 15_000, || async { 1 }).await;
/// # }
/// ```
#[cfg(feature = "internals")]
pub async fn with_fallback_lock<T, Fut, F>(
    name: &str,
    timeout_ms: u32,
    lease_ms: u32,
    f: F,
) -> Result<T, LockTimeout>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    with_storage_lock(name, timeout_ms, lease_ms, f).await
}

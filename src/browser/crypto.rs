//! Web Crypto: secure random bytes (`crypto.getRandomValues`) and SHA-256
//! (`crypto.subtle.digest`), and the PKCE verifier and challenge built on them.
//!
//! Both functions are bound by hand as two imports of `globalThis.crypto`, so the SDK needs no
//! random-number or hashing crate in its wasm. `crypto.subtle` exists only in secure contexts
//! (https, and http on `localhost` or `127.0.0.0/8`); [`sha256`] says so when it is missing.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::AuthKitError;
use crate::protocol::pkce;

#[wasm_bindgen]
extern "C" {
    /// `globalThis.crypto.getRandomValues(view)`, filling `buf` in place (at most 65 536 bytes).
    #[wasm_bindgen(js_namespace = ["globalThis", "crypto"], js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<(), JsValue>;

    /// `globalThis.crypto.subtle.digest(algorithm, data)`; throws at once when `crypto.subtle`
    /// is undefined (an insecure context). The data is copied before the call returns.
    #[wasm_bindgen(js_namespace = ["globalThis", "crypto", "subtle"], js_name = digest, catch)]
    fn subtle_digest(algorithm: &str, data: &[u8]) -> Result<js_sys::Promise, JsValue>;
}

/// The most bytes one `getRandomValues` call may fill.
const MAX_RANDOM_CHUNK: usize = 65_536;

/// Fills `buf` from the browser's secure random source (`crypto.getRandomValues`).
///
/// Fails with [`AuthKitError::Config`] when the page has no Web Crypto, in which case nothing
/// secret can be generated (the buffer's content is then unspecified).
///
/// ```no_run
/// let mut nonce = [0u8; 16];
/// authkit_yew::browser::crypto::fill_random(&mut nonce)?;
/// # Ok::<(), authkit_yew::AuthKitError>(())
/// ```
pub fn fill_random(buf: &mut [u8]) -> Result<(), AuthKitError> {
    for chunk in buf.chunks_mut(MAX_RANDOM_CHUNK) {
        get_random_values(chunk).map_err(|_| {
            AuthKitError::Config(
                "no secure random source (crypto.getRandomValues is unavailable); this browser \
                 cannot sign in safely"
                    .into(),
            )
        })?;
    }
    Ok(())
}

/// `N` bytes from the browser's secure random source; see [`fill_random`].
///
/// ```no_run
/// let bytes: [u8; 32] = authkit_yew::browser::crypto::random_bytes()?;
/// # Ok::<(), authkit_yew::AuthKitError>(())
/// ```
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AuthKitError> {
    let mut bytes = [0u8; N];
    fill_random(&mut bytes)?;
    Ok(bytes)
}

/// SHA-256 of `data` via `crypto.subtle.digest("SHA-256", data)`.
///
/// Fails with [`AuthKitError::Config`] when `crypto.subtle` is unavailable, which browsers do
/// outside secure contexts: sign-in needs https, or http on `localhost` / `127.0.0.1`.
///
/// ```no_run
/// # async fn f() -> Result<(), authkit_yew::AuthKitError> {
/// let digest: [u8; 32] = authkit_yew::browser::crypto::sha256(b"abc").await?;
/// assert_eq!(digest[0], 0xba);
/// # Ok(()) }
/// ```
pub async fn sha256(data: &[u8]) -> Result<[u8; 32], AuthKitError> {
    let promise = subtle_digest("SHA-256", data).map_err(|_| {
        AuthKitError::Config(
            "Web Crypto (crypto.subtle) is unavailable: sign-in needs a secure context, so serve \
             the app over https or from localhost"
                .into(),
        )
    })?;
    let failed = || AuthKitError::Config("the browser could not compute a SHA-256 digest".into());
    let buffer = JsFuture::from(promise).await.map_err(|_| failed())?;
    let view = js_sys::Uint8Array::new(&buffer);
    let mut digest = [0u8; 32];
    if view.length() as usize != digest.len() {
        return Err(failed());
    }
    view.copy_to(&mut digest);
    Ok(digest)
}

/// A fresh PKCE verifier: [`pkce::VERIFIER_BYTES`] secure random bytes as the
/// [`pkce::VERIFIER_LEN`]-character base64url string (see [`pkce::verifier_from_bytes`]).
///
/// ```no_run
/// let verifier = authkit_yew::browser::crypto::pkce_verifier()?;
/// assert_eq!(verifier.len(), 128);
/// # Ok::<(), authkit_yew::AuthKitError>(())
/// ```
pub fn pkce_verifier() -> Result<String, AuthKitError> {
    let bytes = random_bytes::<{ pkce::VERIFIER_BYTES }>()?;
    Ok(pkce::verifier_from_bytes(&bytes))
}

/// The S256 challenge of `verifier`: `base64url(SHA-256(verifier))` without padding.
///
/// ```no_run
/// # async fn f() -> Result<(), authkit_yew::AuthKitError> {
/// use authkit_yew::browser::crypto::pkce_challenge;
/// let challenge = pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").await?;
/// assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// # Ok(()) }
/// ```
pub async fn pkce_challenge(verifier: &str) -> Result<String, AuthKitError> {
    Ok(pkce::challenge_from_digest(
        &sha256(verifier.as_bytes()).await?,
    ))
}

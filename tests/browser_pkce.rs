//! Browser tests of PKCE in a real Chromium page: getrandom draws from
//! `crypto.getRandomValues`, sha2 computes the S256 challenge in wasm, and sign-in needs no
//! `crypto.subtle` (missing outside secure contexts, e.g. `http://192.168.x.y:5173`).
#![cfg(target_arch = "wasm32")]

mod common;

use authkit_yew::client::AuthKitClient;
use authkit_yew::protocol::{pkce, session};
use authkit_yew::{AuthKitError, DevMode, SignInOptions};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use common::{options, reset, CLIENT_ID};

wasm_bindgen_test_configure!(run_in_browser);

/// Hides `globalThis.crypto[name]` behind an own `undefined` property (as a browser without it,
/// or `subtle` in an insecure context) until dropped.
struct Hidden(js_sys::Object, &'static str);

impl Hidden {
    fn new(name: &'static str) -> Self {
        let crypto: js_sys::Object = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
            .expect("globalThis.crypto")
            .into();
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"value".into(), &JsValue::UNDEFINED).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
        js_sys::Object::define_property(&crypto, &name.into(), &descriptor);
        let hidden = js_sys::Reflect::get(&crypto, &name.into()).unwrap();
        assert!(hidden.is_undefined(), "crypto.{name} is still visible");
        Hidden(crypto, name)
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        js_sys::Reflect::delete_property(&self.0, &self.1.into()).unwrap();
        let back = js_sys::Reflect::get(&self.0, &self.1.into()).unwrap();
        assert!(!back.is_undefined(), "crypto.{} was not restored", self.1);
    }
}

fn stored_verifier() -> Option<String> {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item(&session::code_verifier_key(CLIENT_ID))
        .unwrap()
}

#[wasm_bindgen_test]
fn runs_in_a_chromium_page() {
    common::assert_in_chromium();
}

#[wasm_bindgen_test]
fn verifiers_come_fresh_from_the_browsers_random_source() {
    let a = pkce::verifier().expect("verifier");
    let b = pkce::verifier().expect("verifier");
    assert_ne!(a, b);
    for v in [&a, &b] {
        assert_eq!(v.len(), pkce::VERIFIER_LEN);
        let bytes = URL_SAFE_NO_PAD.decode(v).expect("base64url");
        assert_eq!(bytes.len(), pkce::VERIFIER_BYTES);
        // 96 random bytes are never all equal (probability 2^-760).
        assert!(bytes.iter().any(|&x| x != bytes[0]), "{bytes:?}");
    }
}

#[wasm_bindgen_test]
fn the_challenge_is_the_rfc_7636_vector_in_wasm() {
    assert_eq!(
        pkce::challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[wasm_bindgen_test]
async fn sign_in_works_without_crypto_subtle() {
    reset().await;
    let hidden = Hidden::new("subtle");
    let client = AuthKitClient::new(options(DevMode::On));
    let url = client
        .get_sign_in_url(SignInOptions::new())
        .await
        .expect("a sign-in URL without crypto.subtle");
    drop(hidden);
    let verifier = stored_verifier().expect("the verifier is stored");
    let challenge = pkce::challenge(&verifier);
    assert!(
        url.contains(&format!("code_challenge={challenge}&")),
        "{url}"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn without_a_random_source_sign_in_fails_clearly_and_stores_nothing() {
    reset().await;
    let hidden = Hidden::new("getRandomValues");
    let client = AuthKitClient::new(options(DevMode::On));
    let result = client.get_sign_in_url(SignInOptions::new()).await;
    let direct = pkce::verifier();
    drop(hidden);
    for result in [result.map(drop), direct.map(drop)] {
        match result {
            Err(AuthKitError::Config(message)) => {
                assert!(message.contains("random"), "{message}")
            }
            other => panic!("expected a Config error, got {other:?}"),
        }
    }
    assert_eq!(stored_verifier(), None);
    client.dispose();
}

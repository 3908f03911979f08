//! Browser tests of `browser::crypto`: Web Crypto's SHA-256 against the FIPS 180-2 and RFC 7636
//! Appendix B vectors, secure random bytes, and the PKCE verifier and challenge built on them.
#![cfg(target_arch = "wasm32")]

mod common;

use authkit_yew::browser::{crypto, page};
use authkit_yew::protocol::{base64url, pkce};
use authkit_yew::AuthKitError;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hides `globalThis.crypto[name]` behind an own `undefined` property (as a browser without it,
/// or `subtle` in an insecure context), until [`Hidden::restore`].
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

    fn restore(self) {
        js_sys::Reflect::delete_property(&self.0, &self.1.into()).unwrap();
        let back = js_sys::Reflect::get(&self.0, &self.1.into()).unwrap();
        assert!(!back.is_undefined(), "crypto.{} was not restored", self.1);
    }
}

fn config_message(result: Result<impl std::fmt::Debug, AuthKitError>) -> String {
    match result {
        Err(AuthKitError::Config(message)) => message,
        other => panic!("expected a Config error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn runs_in_a_secure_chromium_page() {
    let window = common::assert_in_chromium();
    assert!(
        window.is_secure_context(),
        "the test page must be a secure context for crypto.subtle"
    );
}

#[wasm_bindgen_test]
async fn sha256_matches_the_fips_180_2_vectors() {
    for (input, expected) in [
        (
            &b""[..],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            &b"abc"[..],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            &b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"[..],
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ] {
        let digest = crypto::sha256(input).await.expect("digest");
        assert_eq!(hex(&digest), expected, "input of {} bytes", input.len());
    }
    // One million 'a' (crosses many 64 KiB pages of wasm memory).
    let million = vec![b'a'; 1_000_000];
    let digest = crypto::sha256(&million).await.expect("digest");
    assert_eq!(
        hex(&digest),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[wasm_bindgen_test]
async fn rfc7636_appendix_b_challenge() {
    let challenge = crypto::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        .await
        .expect("challenge");
    assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

#[wasm_bindgen_test]
fn random_bytes_have_the_requested_length_and_differ_per_call() {
    let a: [u8; 32] = crypto::random_bytes().expect("random");
    let b: [u8; 32] = crypto::random_bytes().expect("random");
    assert_ne!(a, b, "two draws of 256 random bits must differ");
    assert_ne!(a, [0u8; 32], "the buffer was not filled");

    let empty: [u8; 0] = crypto::random_bytes().expect("empty draw");
    assert_eq!(empty.len(), 0);

    // Larger than one getRandomValues call may fill (65 536 bytes): filled in chunks, so the
    // second chunk is random too.
    let mut big = vec![0u8; 70_000];
    crypto::fill_random(&mut big).expect("chunked fill");
    assert!(
        big[65_536..].iter().any(|&b| b != 0),
        "the part after the first 64 KiB was not filled"
    );
    assert_ne!(big[..32], big[65_536..65_568]);
}

#[wasm_bindgen_test]
async fn pkce_verifiers_are_fresh_and_their_challenge_is_the_digest() {
    let a = crypto::pkce_verifier().expect("verifier");
    let b = crypto::pkce_verifier().expect("verifier");
    assert_ne!(a, b);
    for v in [&a, &b] {
        assert_eq!(v.len(), pkce::VERIFIER_LEN);
        assert_eq!(
            base64url::decode(v).expect("base64url").len(),
            pkce::VERIFIER_BYTES
        );
    }
    let challenge = crypto::pkce_challenge(&a).await.expect("challenge");
    let digest = crypto::sha256(a.as_bytes()).await.expect("digest");
    assert_eq!(challenge, pkce::challenge_from_digest(&digest));
    assert_eq!(challenge.len(), 43);
    assert_ne!(
        challenge,
        crypto::pkce_challenge(&b).await.expect("challenge")
    );
}

#[wasm_bindgen_test]
async fn without_crypto_subtle_sha256_asks_for_a_secure_context() {
    let hidden = Hidden::new("subtle");
    let digest = crypto::sha256(b"abc").await;
    let challenge = crypto::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").await;
    hidden.restore();
    let message = config_message(digest);
    assert!(
        message.contains("secure context")
            && message.contains("https")
            && message.contains("localhost"),
        "{message}"
    );
    assert_eq!(config_message(challenge), message);
    // Restored: the real digest works again.
    assert_eq!(crypto::sha256(b"abc").await.expect("digest")[0], 0xba);
}

#[wasm_bindgen_test]
fn without_get_random_values_secrets_fail_and_jitter_falls_back() {
    let hidden = Hidden::new("getRandomValues");
    let bytes = crypto::random_bytes::<16>();
    let verifier = crypto::pkce_verifier();
    let jitter: Vec<u32> = (0..4).map(|_| page::random_u32()).collect();
    hidden.restore();
    let message = config_message(bytes);
    assert!(message.contains("no secure random source"), "{message}");
    assert_eq!(config_message(verifier), message);
    // Math.random still gives varying (non-secret) values.
    assert!(jitter.windows(2).any(|w| w[0] != w[1]), "{jitter:?}");
    assert!(crypto::random_bytes::<16>().is_ok());
}

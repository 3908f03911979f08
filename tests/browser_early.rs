//! Browser tests of `js/authkit-early.js`, the script that sends the SDK's first request (the
//! callback's code exchange, or the restore) while the wasm loads (issue 13): run in Chromium as
//! a page would run it, against the emulator, then the SDK takes its answer. It keeps the SDK's
//! promises: one request, a refresh under the cross-tab lock until the SDK has taken over; no
//! refresh token in the answer; nothing without a hint.
#![cfg(target_arch = "wasm32")]

mod common;

use authkit_yew::browser::early;
use authkit_yew::browser::{lock, storage};
use authkit_yew::protocol::session;
use authkit_yew::DevMode;
use common::*;
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The script as it ships in the crate.
const SCRIPT: &str = include_str!("../js/authkit-early.js");

/// Runs the script the way an inline `<script>` at the top of `<head>` runs.
fn run_early_script() {
    let document = web_sys::window().unwrap().document().unwrap();
    let script = document.create_element("script").unwrap();
    script.set_text_content(Some(SCRIPT));
    document.head().unwrap().append_child(&script).unwrap();
}

fn accessor_present() -> bool {
    let window: JsValue = web_sys::window().unwrap().into();
    js_sys::Reflect::has(&window, &"__authkitEarlyRestore".into()).unwrap()
}

fn lock_name() -> String {
    format!("WORKOS_REFRESH_SESSION:{CLIENT_ID}")
}

fn stored_refresh_token() -> Option<String> {
    storage::get(storage::Area::Local, &session::refresh_token_key(CLIENT_ID))
}

#[wasm_bindgen_test]
fn runs_in_a_chromium_page() {
    assert_in_chromium();
}

#[wasm_bindgen_test]
async fn the_sdk_takes_the_early_restore_with_one_request_under_the_lock() {
    session_left_in_storage().await;
    let before = stored_refresh_token().expect("a dev-mode token");
    run_early_script();
    assert!(accessor_present());
    // The script holds the SDK's lock from its request until the SDK has taken over.
    let held = lock::with_lock(&lock_name(), 50, || async {}).await;
    assert!(held.is_err(), "the early restore holds the lock");
    let client = initialized(options(DevMode::Auto)).await;
    assert!(
        lock::with_lock(&lock_name(), 10, || async {})
            .await
            .is_err(),
        "held a moment after the take-over, as after the SDK's own refresh, until the other \
         windows see the rotated token"
    );
    assert!(client.state().is_authenticated, "{:?}", client.state());
    assert!(marked("authkit:early-restore"));
    assert!(!accessor_present(), "the answer is handed over once");
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "the early request was the restore"
    );
    let rotated = stored_refresh_token().expect("the rotated token");
    assert_ne!(
        rotated, before,
        "stored under the SDK's key, as the SDK does"
    );
    assert_eq!(
        lock::with_lock(&lock_name(), 1_000, || async { 1 }).await,
        Ok(1),
        "released once the SDK took over"
    );
    // The SDK works on from the early session.
    assert!(client.get_access_token_with(true).await.is_ok());
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_sibling_tab_adopts_the_early_session_without_a_request() {
    session_left_in_storage().await;
    run_early_script();
    let (a, b) = futures::join!(
        initialized(options(DevMode::Auto)),
        initialized(options(DevMode::Auto))
    );
    assert!(a.state().is_authenticated && b.state().is_authenticated);
    assert_eq!(a.state().session_id, b.state().session_id);
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "one refresh for two tabs"
    );
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn in_cookie_mode_the_answer_carries_no_refresh_token() {
    reset().await;
    let first = signed_in_client(options(DevMode::Off)).await;
    first.dispose();
    page_url("/");
    control_delete("requests").await;
    run_early_script();
    let answer = early::take().await.expect("the early answer");
    assert_eq!(answer.status, 200);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert!(body.get("access_token").is_some());
    assert!(
        body.get("refresh_token").is_none(),
        "the script drops the refresh token: {:?}",
        body.as_object().map(|o| o.keys().collect::<Vec<_>>())
    );
    assert_eq!(
        stored_refresh_token(),
        None,
        "nothing stored in cookie mode"
    );
    answer.release();
}

#[wasm_bindgen_test]
async fn a_failed_early_restore_is_the_sdks_own_failure_without_a_second_request() {
    session_left_in_storage().await;
    refresh_fault(json!({"status": 503, "count": 1})).await;
    run_early_script();
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_reconnecting, "{s:?}");
    assert!(
        matches!(
            s.error,
            Some(authkit_yew::AuthKitError::Refresh {
                status: Some(503),
                ..
            })
        ),
        "{:?}",
        s.error
    );
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    wait_until_signed_in_again(&client, "the backoff retry signs in").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_stalled_early_restore_is_the_sdks_timeout_then_its_retry_signs_in() {
    session_left_in_storage().await;
    // The settings the script reads come from the SDK's last start.
    let options = || options(DevMode::Auto).request_timeout_ms(1_500);
    initialized(options()).await.dispose();
    control_delete("requests").await;
    refresh_fault(json!({"delay_ms": 30_000, "count": 1})).await;
    run_early_script();
    let client = initialized(options()).await;
    let s = client.state();
    assert!(s.is_reconnecting, "after one timeout, not two: {s:?}");
    assert_eq!(
        s.error,
        Some(authkit_yew::AuthKitError::Timeout { after_ms: 1_500 })
    );
    wait_until_signed_in_again(&client, "the backoff retry signs in").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn without_a_session_hint_the_script_sends_nothing() {
    reset().await;
    // A start without a session remembers the settings, as every start does.
    initialized(options(DevMode::Auto)).await.dispose();
    assert!(storage::get(storage::Area::Local, early::CONFIG_KEY).is_some());
    run_early_script();
    assert!(early::take().await.is_none());
    assert!(api_requests().await.is_empty());
}

/// A page on the callback URL with this tab's verifier, after a start without a session (which
/// remembered the settings, as the home page's start does before sign-in).
async fn on_the_callback() -> String {
    reset().await;
    initialized(options(DevMode::Auto)).await.dispose();
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!(
        "?code={code}&state=%7B%22return_to%22%3A%22%2Fafter%22%7D"
    ));
    code
}

#[wasm_bindgen_test]
async fn the_sdk_takes_the_early_code_exchange() {
    on_the_callback().await;
    run_early_script();
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_authenticated, "{:?}", client.state());
    assert!(marked("authkit:early-exchange"));
    assert_eq!(
        authenticate_requests(Some("authorization_code"))
            .await
            .len(),
        1,
        "the script's exchange was the exchange"
    );
    assert!(
        stored_refresh_token().is_some(),
        "dev mode keeps the rotated token"
    );
    assert!(
        storage::get(
            storage::Area::Session,
            &session::code_verifier_key(CLIENT_ID)
        )
        .is_none(),
        "the verifier is spent"
    );
    assert_eq!(
        current_path(),
        "/after",
        "the SDK follows return_to as always"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_transient_early_exchange_failure_is_retried_by_the_sdk_with_the_same_code() {
    on_the_callback().await;
    authenticate_fault("authorization_code", json!({"status": 503, "count": 1})).await;
    run_early_script();
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_authenticated, "{:?}", client.state());
    let statuses: Vec<_> = authenticate_requests(Some("authorization_code"))
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(503), json!(200)]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn an_error_callback_gets_no_early_request() {
    reset().await;
    initialized(options(DevMode::Auto)).await.dispose();
    set_callback_url("?error=access_denied");
    run_early_script();
    assert!(early::take().await.is_none());
    assert!(api_requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn an_answer_for_another_api_is_left_alone_and_the_sdk_restores_itself() {
    session_left_in_storage().await;
    run_early_script();
    // The same emulator under another name: the answer names the API it came from.
    let (_, port) = emulator_host_port();
    let other = options(DevMode::Auto).api_hostname("localhost").port(port);
    let client = initialized(other).await;
    assert!(client.state().is_authenticated, "{:?}", client.state());
    assert!(!marked("authkit:early-restore"));
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        2,
        "the early request, then the SDK's own with the rotated token"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_sign_out_in_another_tab_while_the_script_restores_is_not_undone() {
    use authkit_yew::browser::channel::{Channel, Message};
    let session_id = session_left_in_storage().await;
    // The restore is on its way while another tab signs out of that session: it removes the
    // token and tells the tabs, before the script's answer stores the rotated one.
    refresh_fault(json!({"delay_ms": 1_500, "count": 1})).await;
    run_early_script();
    let other_tab = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    // The script holds the lock from the moment it reads the token and sends the request.
    let held = lock::with_lock(&lock_name(), 50, || async {}).await;
    assert!(held.is_err(), "the script's restore is on its way");
    storage::remove(storage::Area::Local, &session::refresh_token_key(CLIENT_ID));
    other_tab.post(&Message::SignedOut {
        session_id: Some(session_id),
    });
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_authenticated, "the ended session came back: {s:?}");
    assert_eq!(
        s.signed_out_reason,
        Some(authkit_yew::SignedOutReason::SignedOut)
    );
    assert_eq!(
        stored_refresh_token(),
        None,
        "the token the script stored after the sign-out is removed again"
    );
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "only the script's request"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn an_early_code_exchange_counts_the_tokens_lifetime_from_its_answer() {
    on_the_callback().await;
    run_early_script();
    let sent_at = js_sys::Date::now();
    // The wasm arrives late: the answer has waited two seconds when the SDK takes it.
    authkit_yew::browser::timer::sleep_ms(2_000).await;
    let client = initialized(options(DevMode::Auto)).await;
    assert!(marked("authkit:early-exchange"));
    let token = client.get_access_token().await.expect("signed in");
    let claims = authkit_yew::protocol::claims::decode_claims(&token).unwrap();
    let lifetime_ms = ((claims.exp - claims.iat) * 1000) as f64;
    let expires_at = client.access_token_expires_at_ms().expect("an expiry");
    assert!(
        expires_at < sent_at + 1_000.0 + lifetime_ms,
        "expiry counted from the answer (sent at {sent_at}), not from the SDK's start: \
         {expires_at} vs lifetime {lifetime_ms}"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn outside_dev_mode_a_left_over_token_is_removed_and_a_dev_mode_answer_left_alone() {
    // The last start was a dev-mode build: the script restores with its token.
    session_left_in_storage().await;
    run_early_script();
    // This build runs in cookie mode (no session cookie here).
    let client = initialized(options(DevMode::Off)).await;
    let s = client.state();
    assert!(
        !s.is_authenticated,
        "a dev-mode answer adopted in cookie mode: {s:?}"
    );
    assert!(!marked("authkit:early-restore"));
    assert_eq!(
        stored_refresh_token(),
        None,
        "no refresh token stays in localStorage outside dev mode"
    );
    client.dispose();
}

/// Runs the script with its 30 s keep timer captured instead of armed, and returns what fires it
/// (as if 30 s had passed without the SDK).
fn run_early_script_with_keep_timer_captured() -> js_sys::Function {
    js_sys::Function::new_no_args(
        "var original = window.setTimeout; var keep = null;
         window.setTimeout = function (f, ms) {
           if (ms === 30000) { keep = f; return 0; }
           return original.apply(window, arguments);
         };
         window.__authkitTestKeep = { original: original, fire: function () { if (keep) keep(); } };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    run_early_script();
    js_sys::Function::new_no_args(
        "var t = window.__authkitTestKeep; window.setTimeout = t.original;
         delete window.__authkitTestKeep; return t.fire;",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .into()
}

#[wasm_bindgen_test]
async fn a_code_exchange_answer_waits_for_a_late_sdk() {
    on_the_callback().await;
    let thirty_seconds_pass = run_early_script_with_keep_timer_captured();
    let log = || async {
        authenticate_requests(Some("authorization_code"))
            .await
            .len()
    };
    for _ in 0..200 {
        if log().await == 1 {
            break;
        }
        authkit_yew::browser::timer::sleep_ms(20).await;
    }
    assert_eq!(log().await, 1, "the script exchanged the code");
    thirty_seconds_pass.call0(&JsValue::NULL).unwrap();
    authkit_yew::browser::timer::sleep_ms(50).await;
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_authenticated, "{:?}", client.state());
    assert!(
        marked("authkit:early-exchange"),
        "the answer was kept: its code is spent"
    );
    assert_eq!(log().await, 1, "no second exchange of the spent code");
    assert_eq!(current_path(), "/after", "return_to followed as always");
    client.dispose();
}

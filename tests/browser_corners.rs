//! Browser tests of the SDK in the corners (issue 10): stalled requests, tabs in different
//! organizations, failed or replayed callbacks, transient code exchanges, `Retry-After` on
//! focus, vetoed refreshes, terminal statuses, final sign-outs and the signed-out reason. Each
//! runs the real client in Chromium against the emulator and its fault injection.
#![cfg(target_arch = "wasm32")]

mod common;

use authkit_yew::browser::{lock, page, storage, timer};
use authkit_yew::protocol::session;
use authkit_yew::{AuthKitError, DevMode, SignOutOptions, SignedOutReason};
use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits until `client` shows nobody signed in.
async fn wait_until_signed_out(client: &authkit_yew::client::AuthKitClient, what: &str) {
    let c = client.clone();
    wait_until(what, move || !c.state().is_authenticated).await;
}

fn stored_refresh_token() -> Option<String> {
    storage::get(storage::Area::Local, &session::refresh_token_key(CLIENT_ID))
}

fn stored_verifier() -> Option<String> {
    storage::get(
        storage::Area::Session,
        &session::code_verifier_key(CLIENT_ID),
    )
}

fn dispatch_on_window(event: &str) {
    let event = web_sys::Event::new(event).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

fn dispatch_on_document(event: &str) {
    let event = web_sys::Event::new(event).unwrap();
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&event)
        .unwrap();
}

#[wasm_bindgen_test]
fn runs_in_a_chromium_page() {
    assert_in_chromium();
}

// 1. A request that never answers.

#[wasm_bindgen_test]
async fn a_stalled_restore_times_out_into_reconnecting_and_then_signs_in() {
    session_left_in_storage().await;
    refresh_fault(json!({"delay_ms": 30_000, "count": 1})).await;
    let client = initialized(options(DevMode::Auto).request_timeout_ms(1_500)).await;
    let s = client.state();
    assert!(!s.is_loading && s.is_reconnecting, "{s:?}");
    assert_eq!(s.error, Some(AuthKitError::Timeout { after_ms: 1_500 }));
    // The lock is free again: another tab could take it at once.
    let name = format!("WORKOS_REFRESH_SESSION:{CLIENT_ID}");
    assert_eq!(lock::with_lock(&name, 100, || async { 7 }).await, Ok(7));
    // The stall was one request: the backoff retry gets an answer and signs in.
    wait_until_signed_in_again(&client, "the retry after the timeout signs in").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn callers_waiting_on_a_stalled_refresh_get_the_timeout() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto).request_timeout_ms(1_500)).await;
    refresh_fault(json!({"delay_ms": 30_000, "count": 1})).await;
    let (a, b) = futures::join!(
        client.get_access_token_with(true),
        client.get_access_token_with(true)
    );
    assert_eq!(a, Err(AuthKitError::Timeout { after_ms: 1_500 }));
    assert_eq!(b, a, "one flight, one answer for both callers");
    // The token is still valid: the session is kept, quietly.
    let s = client.state();
    assert!(s.is_authenticated && !s.is_reconnecting, "{s:?}");
    assert!(client.get_access_token().await.is_ok());
    client.dispose();
}

// 2. Tabs in different organizations.

#[wasm_bindgen_test]
async fn two_tabs_in_two_organizations_keep_their_own_through_three_lifetimes() {
    reset().await;
    control_post("config", json!({"access_token_ttl_secs": 13})).await;
    let (seen_a, seen_b) = (Recorder::new(), Recorder::new());
    let tab_options = |seen: &Recorder<authkit_yew::RefreshParams>| {
        options(DevMode::Auto)
            .refresh_buffer_secs(10)
            .on_refresh(seen.sink())
    };
    let code = prepare_code(DEMO_EMAIL, Some(ACME)).await;
    set_callback_url(&format!("?code={code}"));
    let a = initialized(tab_options(&seen_a)).await;
    assert_eq!(a.state().organization_id.as_deref(), Some(ACME));
    page::replace_url("/").unwrap();
    let b = initialized(tab_options(&seen_b)).await;
    b.switch_to_organization(GLOBEX, Default::default())
        .await
        .expect("B switches to Globex");
    assert_eq!(b.state().organization_id.as_deref(), Some(GLOBEX));
    assert_eq!(a.state().organization_id.as_deref(), Some(ACME));
    control_delete("requests").await;
    let (from_a, from_b) = (seen_a.len(), seen_b.len());

    let (ra, rb) = (seen_a.clone(), seen_b.clone());
    wait_until("three token lifetimes in each tab", move || {
        ra.len() >= from_a + 3 && rb.len() >= from_b + 3
    })
    .await;
    let orgs = |seen: &Recorder<authkit_yew::RefreshParams>, from: usize| -> Vec<Option<String>> {
        seen.values()[from..]
            .iter()
            .map(|p| p.organization_id.clone())
            .collect()
    };
    let (orgs_a, orgs_b) = (orgs(&seen_a, from_a), orgs(&seen_b, from_b));
    assert!(
        orgs_a.iter().all(|o| o.as_deref() == Some(ACME)),
        "{orgs_a:?}"
    );
    assert!(
        orgs_b.iter().all(|o| o.as_deref() == Some(GLOBEX)),
        "{orgs_b:?}"
    );
    assert_eq!(a.state().organization_id.as_deref(), Some(ACME));
    assert_eq!(b.state().organization_id.as_deref(), Some(GLOBEX));
    // Every session a tab received came from its own request (none adopted across
    // organizations, none wasted): one request per tab per lifetime.
    let requests = authenticate_requests(Some("refresh_token")).await;
    assert!(requests.iter().all(|r| r["status"] == 200), "{requests:?}");
    assert!(
        requests.len() <= orgs_a.len() + orgs_b.len(),
        "{} requests for {} + {} sessions",
        requests.len(),
        orgs_a.len(),
        orgs_b.len()
    );
    a.dispose();
    b.dispose();
}

// 3. A failed or replayed callback.

#[wasm_bindgen_test]
async fn a_replayed_callback_keeps_a_signed_in_visitor_signed_in_and_says_so() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let first = initialized(options(DevMode::Auto)).await;
    assert!(first.state().is_authenticated);
    first.dispose();
    // Back button onto the callback URL: the verifier is spent, the session hint is there.
    set_callback_url(&format!("?code={code}"));
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_authenticated && !s.is_loading, "restored: {s:?}");
    assert_eq!(s.error, Some(AuthKitError::MissingCodeVerifier));
    assert_eq!(current_path(), "/callback", "the code left the address bar");
    assert_eq!(
        authenticate_requests(Some("authorization_code"))
            .await
            .len(),
        1,
        "the spent code was not sent again"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_cancelled_account_switch_keeps_the_session() {
    session_left_in_storage().await;
    set_callback_url("?error=access_denied&error_description=User+cancelled");
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_authenticated, "{s:?}");
    assert!(
        matches!(&s.error, Some(AuthKitError::OAuthRedirect { error, .. }) if error == "access_denied"),
        "{:?}",
        s.error
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_refused_exchange_with_a_session_hint_restores_the_session() {
    session_left_in_storage().await;
    // A verifier for this tab, but a code AuthKit does not know.
    let _ = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url("?code=01UNKNOWNCODE");
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_authenticated, "{s:?}");
    assert!(
        matches!(
            s.error,
            Some(AuthKitError::CodeExchange {
                status: Some(400),
                ..
            })
        ),
        "{:?}",
        s.error
    );
    assert_eq!(
        stored_verifier(),
        None,
        "a refused code spends the verifier"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_failed_callback_without_a_hint_is_never_stuck_loading() {
    reset().await;
    set_callback_url("?error=access_denied");
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(
        !s.is_loading && !s.is_authenticated && !s.is_reconnecting,
        "{s:?}"
    );
    assert!(matches!(s.error, Some(AuthKitError::OAuthRedirect { .. })));
    assert!(!s.should_start_sign_in(), "the app offers the retry");
    assert!(api_requests().await.is_empty(), "nothing to restore");
    client.dispose();
}

// 4. An unspent code and a transient failure.

#[wasm_bindgen_test]
async fn a_transient_code_exchange_failure_is_retried_with_the_same_code() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    authenticate_fault("authorization_code", json!({"status": 503, "count": 2})).await;
    set_callback_url(&format!("?code={code}"));
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_authenticated && s.error.is_none(), "{s:?}");
    let exchanges = authenticate_requests(Some("authorization_code")).await;
    let statuses: Vec<_> = exchanges.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [json!(503), json!(503), json!(200)]);
    assert_eq!(stored_verifier(), None, "spent on success");
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_dropped_code_exchange_is_retried_too() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    authenticate_fault("authorization_code", json!({"drop": true, "count": 1})).await;
    set_callback_url(&format!("?code={code}"));
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_authenticated, "{:?}", client.state());
    client.dispose();
}

// 5. Retry-After on focus.

#[wasm_bindgen_test]
async fn focus_and_visibility_do_not_jump_a_retry_after_but_online_does() {
    session_left_in_storage().await;
    refresh_fault(json!({"status": 429, "headers": {"Retry-After": "60"}, "count": null})).await;
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_reconnecting);
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    for _ in 0..3 {
        dispatch_on_window("focus");
        dispatch_on_document("visibilitychange");
        timer::sleep_ms(200).await;
    }
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "Retry-After: 60 is honoured on focus and visibility"
    );
    control_delete("faults").await;
    dispatch_on_window("online");
    let c = client.clone();
    wait_until("online retries at once", move || c.state().is_authenticated).await;
    client.dispose();
}

// 6. A vetoed auto refresh.

#[wasm_bindgen_test]
async fn after_two_vetoes_the_gate_is_asked_again_and_allows() {
    reset().await;
    control_post("config", json!({"access_token_ttl_secs": 12})).await;
    let asked = Recorder::new();
    let sink = asked.sink();
    let counter = asked.clone();
    let refreshed = Recorder::new();
    let client = signed_in_client(
        options(DevMode::Auto)
            .refresh_buffer_secs(10)
            .on_refresh(refreshed.sink())
            .on_before_auto_refresh(move |()| {
                sink(());
                counter.len() > 2
            }),
    )
    .await;
    control_delete("requests").await;
    let before = refreshed.len();
    let r = refreshed.clone();
    wait_until("the third question allows the refresh", move || {
        r.len() > before
    })
    .await;
    assert_eq!(asked.len(), 3, "two vetoes, then an allow");
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    client.dispose();
}

// 7. Transient means transient.

#[wasm_bindgen_test]
async fn an_html_401_from_a_proxy_ends_the_session_with_its_status() {
    reset().await;
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    refresh_fault(
        json!({"status": 401, "body": "<html><h1>401 Unauthorized</h1></html>",
                         "content_type": "text/html", "count": 1}),
    )
    .await;
    let result = client.get_access_token_with(true).await;
    assert_eq!(result, Err(AuthKitError::LoginRequired));
    let s = client.state();
    assert!(!s.is_authenticated && !s.is_reconnecting, "{s:?}");
    assert_eq!(s.signed_out_reason, Some(SignedOutReason::SessionEnded));
    assert!(
        matches!(
            s.error,
            Some(AuthKitError::Refresh {
                status: Some(401),
                transient: false,
                ..
            })
        ),
        "{:?}",
        s.error
    );
    assert!(s.error.as_ref().unwrap().to_string().contains("HTTP 401"));
    assert_eq!(failures.len(), 1);
    client.dispose();
}

// 8. Sign-out is final.

#[wasm_bindgen_test]
async fn a_failed_background_sign_out_in_cookie_mode_is_an_error_but_signs_out_here() {
    reset().await;
    let client = signed_in_client(options(DevMode::Off)).await;
    control_post(
        "faults",
        json!({"method": "GET", "path": "/user_management/sessions/logout",
               "drop": true, "count": 1}),
    )
    .await;
    let result = client
        .sign_out(SignOutOptions {
            return_to: None,
            navigate: false,
        })
        .await;
    assert!(
        matches!(&result, Err(AuthKitError::SignOutIncomplete(_))),
        "{result:?}"
    );
    let s = client.state();
    assert!(!s.is_authenticated);
    assert_eq!(s.signed_out_reason, Some(SignedOutReason::SignedOut));
    client.dispose();
}

#[wasm_bindgen_test]
async fn signing_out_while_reconnecting_at_load_clears_the_token_and_stops_retrying() {
    session_left_in_storage().await;
    refresh_fault(json!({"status": 503, "count": null})).await;
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_reconnecting);
    let result = client
        .sign_out(SignOutOptions {
            return_to: None,
            navigate: false,
        })
        .await;
    assert_eq!(result, Ok(()), "never NoSession");
    assert_eq!(stored_refresh_token(), None);
    let s = client.state();
    assert!(!s.is_reconnecting && !s.is_authenticated);
    assert_eq!(s.signed_out_reason, Some(SignedOutReason::SignedOut));
    let attempts = authenticate_requests(Some("refresh_token")).await.len();
    // Longer than the first backoff steps: no retry runs any more.
    timer::sleep_ms(2_500).await;
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        attempts
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_siblings_sign_out_of_another_session_is_ignored() {
    use authkit_yew::browser::channel::{Channel, Message};
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    for other in [Some("session_01SOMEONEELSE".to_owned()), None] {
        sibling.post(&Message::SignedOut { session_id: other });
    }
    timer::sleep_ms(300).await;
    assert!(client.state().is_authenticated);
    assert!(stored_refresh_token().is_some());
    let ours = client.state().session_id.clone();
    sibling.post(&Message::SignedOut { session_id: ours });
    wait_until_signed_out(&client, "the sign-out naming this session applies").await;
    assert_eq!(
        client.state().signed_out_reason,
        Some(SignedOutReason::SignedOut)
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_siblings_sign_out_during_a_code_exchange_keeps_the_new_sign_in_and_its_token() {
    use authkit_yew::browser::channel::{Channel, Message};
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    authenticate_fault("authorization_code", json!({"delay_ms": 1_500, "count": 1})).await;
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    let signing_out_elsewhere = async {
        // While this tab exchanges its code, another tab signs out of an older session.
        timer::sleep_ms(500).await;
        sibling.post(&Message::SignedOut {
            session_id: Some("session_01OLDER".into()),
        });
    };
    let (client, ()) = futures::join!(initialized(options(DevMode::Auto)), signing_out_elsewhere);
    assert!(client.state().is_authenticated, "{:?}", client.state());
    assert!(
        stored_refresh_token().is_some(),
        "the new sign-in's refresh token is kept"
    );
    assert!(
        client.get_access_token_with(true).await.is_ok(),
        "and it refreshes"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_late_sign_out_message_leaves_a_newer_sessions_token_alone() {
    use authkit_yew::browser::channel::{Channel, Message};
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    let ours = client.state().session_id.clone();
    // Meanwhile this browser signed out of that session and signed in anew in another tab,
    // whose token is stored now; the old sign-out message reaches this (frozen) tab late.
    storage::set(
        storage::Area::Local,
        &session::refresh_token_key(CLIENT_ID),
        "refresh_of_the_newer_session",
    );
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    sibling.post(&Message::SignedOut { session_id: ours });
    wait_until_signed_out(&client, "the sign-out naming this session applies").await;
    assert_eq!(
        stored_refresh_token().as_deref(),
        Some("refresh_of_the_newer_session"),
        "only the token this tab knew may be removed"
    );
    client.dispose();
}

// 9. "Your session has ended" vs "not signed in".

#[wasm_bindgen_test]
async fn a_revoked_session_is_told_apart_from_nobody_signed_in() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    let sid = client.state().session_id.clone().expect("a session id");
    control_post(&format!("sessions/{sid}/revoke"), json!({})).await;
    assert_eq!(
        client.get_access_token_with(true).await,
        Err(AuthKitError::LoginRequired)
    );
    assert_eq!(
        client.state().signed_out_reason,
        Some(SignedOutReason::SessionEnded)
    );
    client.dispose();

    // The same at page load: the stored token's session was revoked.
    page::replace_url("/").unwrap();
    let restored = initialized(options(DevMode::Auto)).await;
    // The token was dropped with the ended session: nothing to restore, nobody signed in.
    assert_eq!(restored.state().signed_out_reason, None);
    restored.dispose();

    reset().await;
    let first = signed_in_client(options(DevMode::Auto)).await;
    let sid = first.state().session_id.clone().expect("a session id");
    first.dispose();
    page::replace_url("/").unwrap();
    control_post(&format!("sessions/{sid}/revoke"), json!({})).await;
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_loading && !s.is_authenticated);
    assert_eq!(s.signed_out_reason, Some(SignedOutReason::SessionEnded));
    client.dispose();
}

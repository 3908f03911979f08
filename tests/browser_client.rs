//! Browser tests of `AuthKitClient` against a live emulator: callback exchange, restore,
//! refresh, sign-out, iframe refusal, tabs sharing one refresh.
#![cfg(target_arch = "wasm32")]

mod common;

use authkit_yew::browser::{page, storage};
use authkit_yew::client::AuthKitClient;
use authkit_yew::protocol::session;
use authkit_yew::{AuthKitError, DevMode, SignInOptions, SignOutOptions, SignedOutReason};
use common::*;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn stored_refresh_token() -> Option<String> {
    storage::get(storage::Area::Local, &session::refresh_token_key(CLIENT_ID))
}

#[wasm_bindgen_test]
async fn callback_exchanges_the_code_cleans_the_url_and_follows_return_to() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    let state = encode(&json!({"return_to": "/dashboard?tab=2"}).to_string());
    set_callback_url(&format!("?keep=1&code={code}&state={state}"));
    let redirects = Recorder::new();
    let options = options(DevMode::Auto).on_redirect_callback(redirects.sink());
    let client = initialized(options).await;

    let s = client.state();
    assert!(!s.is_loading);
    assert!(s.is_authenticated, "not signed in: {:?}", s.error);
    assert_eq!(s.user.as_ref().unwrap().email, DEMO_EMAIL);
    assert!(s
        .session_id
        .as_deref()
        .is_some_and(|sid| sid.starts_with("session_")));
    assert_eq!(s.error, None);
    // return_to (same-origin path) followed with replaceState.
    assert_eq!(current_path(), "/dashboard?tab=2");
    let calls = redirects.values();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].state.as_ref().map(ToString::to_string),
        Some(json!({"return_to": "/dashboard?tab=2"}).to_string())
    );
    assert_eq!(calls[0].user.email, DEMO_EMAIL);
    // One exchange; the verifier is consumed; dev mode keeps the rotated token.
    assert_eq!(
        authenticate_requests(Some("authorization_code"))
            .await
            .len(),
        1
    );
    assert_eq!(
        storage::get(
            storage::Area::Session,
            &session::code_verifier_key(CLIENT_ID)
        ),
        None
    );
    assert!(client.is_dev_mode());
    assert!(stored_refresh_token().is_some());
    client.dispose();
}

#[wasm_bindgen_test]
async fn callback_keeps_other_query_parameters_and_ignores_malformed_state() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?keep=1&code={code}&state=%7Bnot-json&x=y"));
    let client = initialized(options(DevMode::Auto)).await;
    assert!(client.state().is_authenticated);
    assert_eq!(current_path(), "/callback?keep=1&x=y");
    client.dispose();
}

#[wasm_bindgen_test]
async fn replayed_code_ends_signed_out_with_the_error_and_no_loop() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let first = initialized(options(DevMode::Auto)).await;
    assert!(first.state().is_authenticated);
    first.dispose();
    storage::remove(storage::Area::Local, &session::refresh_token_key(CLIENT_ID));
    clear_readable_cookies();

    // The back button brings the same code again (with a verifier present).
    prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let second = initialized(options(DevMode::Auto)).await;
    let s = second.state();
    assert!(!s.is_authenticated && !s.is_loading);
    match &s.error {
        Some(AuthKitError::CodeExchange { status, error, .. }) => {
            assert_eq!(*status, Some(400));
            assert_eq!(error.as_deref(), Some("invalid_grant"));
        }
        other => panic!("expected a code-exchange error, got {other:?}"),
    }
    assert!(
        !s.should_start_sign_in(),
        "a failed callback must not loop into sign-in"
    );
    assert_eq!(current_path(), "/callback");
    // A token request now does not retry the code either.
    assert_eq!(
        second.get_access_token().await,
        Err(AuthKitError::LoginRequired)
    );
    assert_eq!(
        authenticate_requests(Some("authorization_code"))
            .await
            .len(),
        2
    );
    second.dispose();
}

#[wasm_bindgen_test]
async fn callback_without_a_stored_verifier_is_refused_without_a_request() {
    reset().await;
    set_callback_url("?code=foreign-code&state=%7B%7D");
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert_eq!(s.error, Some(AuthKitError::MissingCodeVerifier));
    assert!(!s.is_authenticated);
    assert_eq!(current_path(), "/callback");
    assert!(
        api_requests().await.is_empty(),
        "no exchange without a verifier"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn oauth_error_callback_is_surfaced_and_stripped() {
    reset().await;
    set_callback_url("?error=access_denied&error_description=User%20cancelled&state=%7B%7D&keep=1");
    let client = initialized(options(DevMode::Auto)).await;
    assert_eq!(
        client.state().error,
        Some(AuthKitError::OAuthRedirect {
            error: "access_denied".into(),
            description: Some("User cancelled".into()),
        })
    );
    assert_eq!(current_path(), "/callback?keep=1");
    assert!(api_requests().await.is_empty());
    client.dispose();
}

#[wasm_bindgen_test]
async fn no_session_hint_means_no_request_at_all() {
    reset().await;
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_loading && !s.is_authenticated && !s.is_reconnecting);
    assert_eq!(s.error, None);
    assert!(s.should_start_sign_in());
    assert_eq!(
        client.get_access_token().await,
        Err(AuthKitError::LoginRequired)
    );
    assert_eq!(
        client.sign_out(SignOutOptions::default()).await,
        Err(AuthKitError::NoSession),
        "sign-out without a session neither redirects nor succeeds"
    );
    assert_eq!(current_path(), "/");
    assert!(api_requests().await.is_empty());
    client.dispose();
}

#[wasm_bindgen_test]
async fn restores_the_session_on_load_with_the_dev_mode_token() {
    session_left_in_storage().await;

    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_authenticated, "restore failed: {:?}", s.error);
    assert_eq!(s.user.as_ref().unwrap().email, DEMO_EMAIL);
    let refreshes = authenticate_requests(Some("refresh_token")).await;
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0]["status"], 200);
    client.dispose();
}

#[wasm_bindgen_test]
async fn restores_in_cookie_mode_from_the_has_session_cookie() {
    reset().await;
    let first = signed_in_client(options(DevMode::Off)).await;
    assert!(
        stored_refresh_token().is_none(),
        "cookie mode never stores the token"
    );
    first.dispose();
    page::replace_url("/").unwrap();
    assert!(
        session::has_session_cookie(&storage::document_cookie(), CLIENT_ID),
        "the emulator set workos-has-session for this host"
    );
    control_delete("requests").await;
    let client = initialized(options(DevMode::Off)).await;
    assert!(
        client.state().is_authenticated,
        "{:?}",
        client.state().error
    );
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn restore_during_an_outage_is_reconnecting_and_retries() {
    session_left_in_storage().await;
    refresh_fault(json!({"status": 503, "count": 1})).await;

    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_loading);
    assert!(s.is_reconnecting, "an outage is not a sign-out: {s:?}");
    assert!(!s.should_start_sign_in());
    assert!(s.error.as_ref().is_some_and(|e| e.is_transient()));
    assert!(stored_refresh_token().is_some(), "the token is kept");
    // The backoff timer retries; the fault was one-shot.
    wait_until_signed_in_again(&client, "the retry restores the session").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn concurrent_forced_token_requests_share_one_refresh() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    let before = client.get_access_token().await.unwrap();
    control_delete("requests").await;
    let (a, b, c) = futures::join!(
        client.get_access_token_with(true),
        client.get_access_token_with(true),
        client.get_access_token_with(true)
    );
    let a = a.unwrap();
    assert_eq!(Ok(a.clone()), b);
    assert_eq!(Ok(a.clone()), c);
    assert_ne!(a, before, "a forced refresh yields a new token");
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    // A fresh token is returned without a request.
    assert_eq!(client.get_access_token().await, Ok(a));
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn terminal_refresh_failure_signs_out_and_fires_on_refresh_failure_once() {
    reset().await;
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    let sid = client.state().session_id.clone().unwrap();
    control_post(&format!("sessions/{sid}/revoke"), json!({})).await;
    assert_eq!(
        client.get_access_token_with(true).await,
        Err(AuthKitError::LoginRequired)
    );
    let s = client.state();
    assert!(!s.is_authenticated);
    assert!(
        matches!(
            &s.error,
            Some(AuthKitError::Refresh {
                status: Some(400),
                transient: false,
                ..
            })
        ),
        "{:?}",
        s.error
    );
    assert_eq!(failures.len(), 1);
    assert!(
        stored_refresh_token().is_none(),
        "a dead session's token is cleared"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn transient_refresh_failure_keeps_the_session_and_returns_the_valid_token() {
    reset().await;
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    let token = client.get_access_token().await.unwrap();
    refresh_fault(json!({"status": 429, "headers": {"Retry-After": "1"}, "count": 1})).await;
    // Forced: the transient error is returned; the session stays.
    match client.get_access_token_with(true).await {
        Err(AuthKitError::Refresh {
            status: Some(429),
            transient: true,
            ..
        }) => {}
        other => panic!("expected a transient 429, got {other:?}"),
    }
    let s = client.state();
    assert!(s.is_authenticated && !s.is_reconnecting);
    assert_eq!(failures.len(), 0);
    assert_eq!(client.get_access_token().await, Ok(token));
    client.dispose();
}

#[wasm_bindgen_test]
async fn sign_out_without_navigation_ends_everything_and_is_final() {
    reset().await;
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    let sid = client.state().session_id.clone().unwrap();
    control_delete("requests").await;
    client
        .sign_out(SignOutOptions {
            return_to: None,
            navigate: false,
        })
        .await
        .unwrap();
    let s = client.state();
    assert!(!s.is_authenticated && s.user.is_none() && s.error.is_none());
    assert!(
        s.signed_out_reason == Some(SignedOutReason::SignedOut) && !s.should_start_sign_in(),
        "no bounce back to sign-in"
    );
    assert!(stored_refresh_token().is_none());
    assert_eq!(client.access_token_expires_at_ms(), None);
    let log = control_get("requests").await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"] == "/user_management/sessions/logout"),
        "the logout URL was requested: {log}"
    );
    let sessions = control_get("sessions").await;
    let ended = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == sid.as_str())
        .map(|x| x["ended"].clone());
    assert_eq!(ended, Some(json!(true)), "{sessions}");
    assert_eq!(
        client.sign_out(SignOutOptions::default()).await,
        Err(AuthKitError::NoSession)
    );
    assert_eq!(
        client.get_access_token().await,
        Err(AuthKitError::LoginRequired)
    );
    assert_eq!(
        failures.len(),
        0,
        "no on_refresh_failure after a deliberate sign-out"
    );
    assert_eq!(
        authenticate_requests(None).await.len(),
        0,
        "no refresh after sign-out"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn inside_an_iframe_nothing_is_requested_or_stored() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let window = web_sys::window().unwrap();
    let local = window.local_storage().unwrap().unwrap();
    let session_store = window.session_storage().unwrap().unwrap();
    let before = (local.length().unwrap(), session_store.length().unwrap());
    control_delete("requests").await;
    page::override_framed_for_tests(Some(true));

    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_loading && !s.is_authenticated);
    assert_eq!(s.error, Some(AuthKitError::InsideIframe));
    assert!(!s.should_start_sign_in());
    assert_eq!(
        client.get_sign_in_url(SignInOptions::default()).await,
        Err(AuthKitError::InsideIframe)
    );
    assert_eq!(
        client.get_access_token().await,
        Err(AuthKitError::InsideIframe)
    );
    page::override_framed_for_tests(None);
    assert!(
        api_requests().await.is_empty(),
        "no request from a framed page"
    );
    assert_eq!(
        (local.length().unwrap(), session_store.length().unwrap()),
        before
    );
    assert!(
        current_path().contains("code="),
        "the framed page does not touch the URL either"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn sign_in_url_matches_the_reference_and_stores_a_scoped_verifier() {
    reset().await;
    let client = AuthKitClient::new(options(DevMode::Auto));
    let url = client
        .get_sign_up_url(SignInOptions::default().login_hint("a@b.c"))
        .await
        .unwrap();
    let verifier = storage::get(
        storage::Area::Session,
        &session::code_verifier_key(CLIENT_ID),
    )
    .expect("verifier stored under the client-scoped key");
    assert_eq!(verifier.len(), 128);
    let challenge = authkit_yew::protocol::pkce::challenge(&verifier);
    let expected = format!(
        "{}/user_management/authorize?client_id={CLIENT_ID}&code_challenge={challenge}\
         &code_challenge_method=S256&login_hint=a%40b.c&provider=authkit&redirect_uri={}\
         &response_type=code&screen_hint=sign-up",
        emulator_url(),
        encode(&redirect_uri()),
    );
    assert_eq!(url, expected);
    client.dispose();
}

#[wasm_bindgen_test]
async fn switch_to_organization_refreshes_into_it_and_remembers_it_per_tab() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    client
        .switch_to_organization(GLOBEX, SignInOptions::default())
        .await
        .unwrap();
    let s = client.state();
    assert_eq!(s.organization_id.as_deref(), Some(GLOBEX));
    assert_eq!(s.role.as_deref(), Some("member"));
    assert_eq!(
        storage::get(
            storage::Area::Session,
            &session::organization_key(CLIENT_ID)
        )
        .as_deref(),
        Some(GLOBEX)
    );
    client
        .switch_to_organization(ACME, SignInOptions::default())
        .await
        .unwrap();
    assert_eq!(client.state().organization_id.as_deref(), Some(ACME));
    assert_eq!(client.state().role.as_deref(), Some("admin"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_sibling_tab_adopts_the_refreshed_session_instead_of_refreshing() {
    reset().await;
    // Two clients in one page behave as two tabs: separate channels, one lock manager.
    let a = signed_in_client(options(DevMode::Auto)).await;
    page::replace_url("/").unwrap();
    let b = initialized(options(DevMode::Auto)).await;
    assert!(b.state().is_authenticated);
    control_delete("requests").await;

    let fresh = a.get_access_token_with(true).await.unwrap();
    let want = a.access_token_expires_at_ms();
    let b2 = b.clone();
    wait_until("tab B holds tab A's new session", move || {
        b2.access_token_expires_at_ms() == want
    })
    .await;
    assert_eq!(b.get_access_token().await, Ok(fresh));
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);

    // Sign-out reaches the other tab without a request.
    a.sign_out(SignOutOptions {
        return_to: None,
        navigate: false,
    })
    .await
    .unwrap();
    let b3 = b.clone();
    wait_until("tab B shows signed out", move || {
        !b3.state().is_authenticated
    })
    .await;
    assert!(
        b.state().signed_out_reason == Some(SignedOutReason::SignedOut)
            && !b.state().should_start_sign_in()
    );
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn four_tabs_auto_refresh_with_one_request_per_token_lifetime() {
    reset().await;
    control_post("config", json!({"access_token_ttl_secs": 14})).await;
    let recorders: Vec<Recorder<authkit_yew::RefreshParams>> =
        (0..4).map(|_| Recorder::new()).collect();
    let tab_options = |i: usize| {
        options(DevMode::Auto)
            .refresh_buffer_secs(10)
            .on_refresh(recorders[i].sink())
    };
    // Four clients in one page behave as four tabs: separate channels, one lock manager.
    let mut tabs = vec![signed_in_client(tab_options(0)).await];
    page::replace_url("/").unwrap();
    for i in 1..4 {
        // Each new tab restores from the shared dev-mode token; the others adopt its session.
        let tab = initialized(tab_options(i)).await;
        assert!(tab.state().is_authenticated);
        tabs.push(tab);
    }
    let all = tabs.clone();
    wait_until("every tab holds the newest session", move || {
        all.iter()
            .all(|t| t.access_token_expires_at_ms() == all[3].access_token_expires_at_ms())
    })
    .await;
    let first = tabs[0].get_access_token().await.unwrap();
    control_delete("requests").await;
    let baseline: Vec<usize> = recorders.iter().map(|r| r.len()).collect();

    let (recs, base) = (recorders.clone(), baseline.clone());
    wait_until("every tab saw the next session", move || {
        recs.iter().zip(&base).all(|(r, b)| r.len() > *b)
    })
    .await;
    let tokens: Vec<String> = recorders
        .iter()
        .map(|r| r.values().last().unwrap().access_token.clone())
        .collect();
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "all tabs hold one session"
    );
    assert_ne!(tokens[0], first);
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "one authenticate for four tabs"
    );
    for tab in tabs {
        tab.dispose();
    }
}

/// What a sibling tab in another window does between storing the rotated token and its
/// hand-off reaching this window: one real `authenticate` with the shared token, the rotated
/// token stored, the session returned (not yet handed off).
async fn sibling_rotates_without_hand_off() -> authkit_yew::protocol::wire::AuthenticateResponse {
    use authkit_yew::protocol::{urls, wire};
    let rt = stored_refresh_token().expect("a stored refresh token");
    let body = wire::RefreshGrant::new(CLIENT_ID, Some(&rt), None);
    let url = urls::authenticate_url(emulator_url());
    let response = authkit_yew::browser::http::authenticate(&url, &body, false, 10_000)
        .await
        .expect("the sibling's refresh");
    let rotated = response.refresh_token.clone().expect("a rotated token");
    storage::set(
        storage::Area::Local,
        &session::refresh_token_key(CLIENT_ID),
        &rotated,
    );
    response
}

#[wasm_bindgen_test]
async fn a_tab_whose_refresh_starts_before_the_sibling_hand_off_arrives_adopts_it() {
    use authkit_yew::browser::channel::{Channel, Message, SessionHandOff};
    reset().await;
    let a = signed_in_client(options(DevMode::Auto)).await;
    page::replace_url("/").unwrap();
    let b = initialized(options(DevMode::Auto)).await;
    assert!(b.state().is_authenticated);
    let (a2, b2) = (a.clone(), b.clone());
    wait_until("both tabs hold one session", move || {
        a2.access_token_expires_at_ms() == b2.access_token_expires_at_ms()
    })
    .await;
    control_delete("requests").await;

    // A third window refreshed and stored the rotated token; its hand-off is still on the way
    // when tab B's refresh starts.
    let response = sibling_rotates_without_hand_off().await;
    let sent = session::Session::from_response(response, page::now_ms()).unwrap();
    let hand_off = Message::Session(Box::new(SessionHandOff::from(&sent)));
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    let refreshing = b.get_access_token_with(true);
    let deliver = async {
        authkit_yew::browser::timer::sleep_ms(50).await;
        sibling.post(&hand_off);
    };
    let (token, ()) = futures::join!(refreshing, deliver);

    // Compared, not printed: a failure must not log a token.
    assert!(
        token.as_ref() == Ok(&sent.access_token),
        "tab B did not adopt the hand-off: {:?}",
        token.map(|_| "another token")
    );
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "only the sibling's authenticate; tab B did not refresh again"
    );
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn an_org_switch_requested_during_a_refresh_is_not_dropped() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    control_delete("requests").await;
    let (refreshed, switched) = futures::join!(
        client.get_access_token_with(true),
        client.switch_to_organization(GLOBEX, SignInOptions::default())
    );
    refreshed.unwrap();
    switched.unwrap();
    assert_eq!(client.state().organization_id.as_deref(), Some(GLOBEX));
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        2,
        "the switch ran after the refresh it met"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_transient_network_error() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    refresh_fault(json!({"drop": true, "count": null})).await;
    match client.get_access_token_with(true).await {
        Err(e @ AuthKitError::Network(_)) => assert!(e.is_transient()),
        other => panic!("expected a network error, got {other:?}"),
    }
    assert!(client.state().is_authenticated, "the session is kept");
    // (Chromium silently retries a POST once on a dropped keep-alive connection, hence a fault
    // until cleared rather than a one-shot one.)
    control_delete("faults").await;
    // The next attempt succeeds.
    assert!(client.get_access_token_with(true).await.is_ok());
    client.dispose();
}

#[wasm_bindgen_test]
async fn on_before_auto_refresh_can_veto_the_timer_refresh() {
    reset().await;
    control_post("config", json!({"access_token_ttl_secs": 12})).await;
    let asked = Recorder::new();
    let sink = asked.sink();
    let client = signed_in_client(
        options(DevMode::Auto)
            .refresh_buffer_secs(10)
            .on_before_auto_refresh(move |()| {
                sink(());
                false
            }),
    )
    .await;
    control_delete("requests").await;
    let a = asked.clone();
    wait_until("the timer asks the gate", move || a.len() > 0).await;
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        0,
        "a vetoed tick sends nothing"
    );
    // On demand, the expiring token is still refreshed.
    assert!(client.get_access_token().await.is_ok());
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn lock_timeouts_fall_back_to_the_still_valid_token_unless_forced() {
    reset().await;
    // A buffer longer than the token's life: every call wants a refresh, the token stays valid.
    let client = signed_in_client(options(DevMode::Auto).refresh_buffer_secs(100_000)).await;
    client.set_lock_timeout_ms(300);
    control_delete("requests").await;

    // Another "tab" holds the refresh lock.
    let (held_tx, held_rx) = futures::channel::oneshot::channel::<()>();
    let (release_tx, release_rx) = futures::channel::oneshot::channel::<()>();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = authkit_yew::browser::lock::with_lock(
            &format!("WORKOS_REFRESH_SESSION:{CLIENT_ID}"),
            5_000,
            || async move {
                let _ = held_tx.send(());
                let _ = release_rx.await;
            },
        )
        .await;
    });
    held_rx.await.unwrap();

    let held_token = client
        .get_access_token()
        .await
        .expect("not forced: the still-valid token is returned despite the lock timeout");
    let claims = authkit_yew::protocol::claims::decode_claims(&held_token).unwrap();
    assert!(
        claims.exp as f64 * 1000.0 > js_sys::Date::now(),
        "and it is unexpired"
    );
    assert_eq!(client.get_access_token().await, Ok(held_token.clone()));
    assert_eq!(
        client.get_access_token_with(true).await,
        Err(AuthKitError::RefreshTimeout),
        "forced: the lock timeout is reported"
    );
    assert!(
        client.state().is_authenticated,
        "a lock timeout keeps the session"
    );
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 0);

    let _ = release_tx.send(());
    let fresh = client.get_access_token_with(true).await.unwrap();
    assert_ne!(fresh, held_token);
    client.dispose();
}

#[wasm_bindgen_test]
async fn coming_back_online_retries_a_failed_restore_at_once() {
    session_left_in_storage().await;
    // The outage asks for a long pause (Retry-After: 60), longer than this test waits.
    refresh_fault(json!({"status": 503, "headers": {"Retry-After": "60"}, "count": null})).await;
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(s.is_reconnecting);
    assert!(
        matches!(
            s.error,
            Some(AuthKitError::Refresh {
                status: Some(503),
                transient: true,
                ..
            })
        ),
        "{:?}",
        s.error
    );
    control_delete("faults").await;
    let online = web_sys::Event::new("online").unwrap();
    web_sys::window().unwrap().dispatch_event(&online).unwrap();
    wait_until_signed_in_again(&client, "the online event retries the restore").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn cookie_mode_restore_without_the_refresh_cookie_is_reported() {
    reset().await;
    let first = signed_in_client(options(DevMode::Off)).await;
    first.dispose();
    page::replace_url("/").unwrap();
    // The browser no longer sends the API's refresh cookie (third-party cookie blocking).
    control_post("config", json!({"third_party_cookies_blocked": true})).await;
    let client = initialized(options(DevMode::Off)).await;
    let s = client.state();
    assert!(!s.is_authenticated && !s.is_reconnecting);
    match &s.error {
        Some(AuthKitError::Refresh {
            status: Some(400),
            error,
            transient: false,
            ..
        }) => assert_eq!(error.as_deref(), Some("invalid_request")),
        other => panic!("a blocked refresh cookie must be visible, got {other:?}"),
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn an_unsafe_return_to_is_not_followed() {
    reset().await;
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let code = prepare_code(DEMO_EMAIL, None).await;
        let state = encode(&json!({ "return_to": evil }).to_string());
        set_callback_url(&format!("?code={code}&state={state}"));
        let client = initialized(options(DevMode::Auto)).await;
        assert!(client.state().is_authenticated);
        assert_eq!(current_path(), "/callback", "followed {evil}");
        client.dispose();
    }
}

#[wasm_bindgen_test]
async fn an_action_called_before_initialization_waits_for_it() {
    session_left_in_storage().await;
    // Not started: the action starts initialization and waits for the restore to finish.
    let client = AuthKitClient::new(options(DevMode::Auto));
    assert!(client.state().is_loading);
    let token = client.get_access_token().await;
    assert!(token.is_ok(), "{token:?}");
    assert!(!client.state().is_loading && client.state().is_authenticated);
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "one restore, no extra refresh for the waiting action"
    );
    client.dispose();
}

fn force_hidden(hidden: bool) {
    let document = web_sys::window().unwrap().document().unwrap();
    if hidden {
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"value".into(), &"hidden".into()).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
        js_sys::Object::define_property(&document, &"visibilityState".into(), &descriptor);
    } else {
        js_sys::Reflect::delete_property(&document, &"visibilityState".into()).unwrap();
    }
    assert_eq!(page::is_hidden(), hidden);
}

#[wasm_bindgen_test]
async fn a_hidden_tab_waits_and_refreshes_when_it_becomes_visible() {
    reset().await;
    control_post("config", json!({"access_token_ttl_secs": 12})).await;
    let client = signed_in_client(options(DevMode::Auto).refresh_buffer_secs(10)).await;
    control_delete("requests").await;
    force_hidden(true);
    // Sleep past the refresh time: this timeout is due after the SDK's, so it runs after it.
    let due = client.access_token_expires_at_ms().unwrap() - 10_000.0;
    let wait = (due - js_sys::Date::now()).max(0.0) as u32 + 1_200;
    authkit_yew::browser::timer::sleep_ms(wait).await;
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        0,
        "a hidden tab does not refresh on its timer"
    );
    force_hidden(false);
    let visible = web_sys::Event::new("visibilitychange").unwrap();
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&visible)
        .unwrap();
    let before = client.access_token_expires_at_ms();
    let c = client.clone();
    wait_until("becoming visible refreshes the due token", move || {
        c.access_token_expires_at_ms() != before
    })
    .await;
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    client.dispose();
}

fn hide_web_locks(hide: bool) {
    let navigator = web_sys::window().unwrap().navigator();
    if hide {
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(
            &descriptor,
            &"value".into(),
            &wasm_bindgen::JsValue::UNDEFINED,
        )
        .unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
        js_sys::Object::define_property(&navigator, &"locks".into(), &descriptor);
    } else {
        js_sys::Reflect::delete_property(&navigator, &"locks".into()).unwrap();
    }
}

#[wasm_bindgen_test]
async fn without_web_locks_the_storage_lock_still_serializes_tabs() {
    reset().await;
    let a = signed_in_client(options(DevMode::Auto)).await;
    page::replace_url("/").unwrap();
    let b = initialized(options(DevMode::Auto)).await;
    let (a2, b2) = (a.clone(), b.clone());
    wait_until("A adopts B's restored session", move || {
        a2.access_token_expires_at_ms() == b2.access_token_expires_at_ms()
    })
    .await;
    control_delete("requests").await;
    hide_web_locks(true);
    assert_eq!(
        authkit_yew::browser::lock::kind(),
        authkit_yew::browser::lock::LockKind::Storage
    );
    let (ta, tb) = futures::join!(a.get_access_token_with(true), b.get_access_token_with(true));
    hide_web_locks(false);
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    assert_eq!(ta, tb, "the second tab adopted the first tab's refresh");
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn sign_out_with_navigation_goes_to_the_logout_url_and_ends_everything() {
    reset().await;
    let navigations = intercept_navigation();
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    let sid = client.state().session_id.clone().unwrap();
    control_delete("requests").await;
    let return_to = format!("{}/", origin());
    client
        .sign_out(SignOutOptions {
            return_to: Some(return_to.clone()),
            navigate: true,
        })
        .await
        .unwrap();
    let urls = navigations.values();
    assert_eq!(urls.len(), 1, "one navigation: {urls:?}");
    let url = &urls[0];
    assert_eq!(
        url_without_query(url),
        format!("{}/user_management/sessions/logout", emulator_url())
    );
    assert_eq!(url_param(url, "session_id").as_deref(), Some(sid.as_str()));
    assert_eq!(url_param(url, "return_to"), Some(return_to));
    assert!(!url.contains("refresh") && !url.contains("token"), "{url}");
    // Everything local ended before the page leaves; the browser (not a fetch) ends the session.
    assert!(stored_refresh_token().is_none());
    assert_eq!(client.access_token_expires_at_ms(), None);
    assert_eq!(
        client.get_access_token().await,
        Err(AuthKitError::LoginRequired)
    );
    assert!(
        api_requests().await.is_empty(),
        "no request: the navigation ends the session"
    );
    // Following the URL (as the browser would) ends the session at AuthKit. The opaque fetch
    // may report the redirect to `return_to` as an error; the logout itself is what counts.
    let _ = gloo_net::http::Request::get(url)
        .mode(web_sys::RequestMode::NoCors)
        .send()
        .await;
    let sessions = control_get("sessions").await;
    let ended = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == sid.as_str())
        .map(|x| x["ended"].clone());
    assert_eq!(ended, Some(json!(true)), "{sessions}");
    // Signing out again: NoSession, and no redirect anywhere (not even to return_to).
    assert_eq!(
        client
            .sign_out(SignOutOptions {
                return_to: Some(format!("{}/", origin())),
                navigate: true,
            })
            .await,
        Err(AuthKitError::NoSession)
    );
    assert_eq!(navigations.len(), 1);
    assert_eq!(failures.len(), 0);
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_refused_organization_switch_keeps_the_session_and_signs_in_to_that_organization() {
    reset().await;
    let navigations = intercept_navigation();
    let failures = Recorder::new();
    let client = signed_in_client(options(DevMode::Auto).on_refresh_failure(failures.sink())).await;
    let before = client.state();
    control_delete("requests").await;
    let unknown = "org_01NOPE000000000000000000NP";
    let result = client
        .switch_to_organization(
            unknown,
            SignInOptions::new().state(json!({"return_to": "/settings"})),
        )
        .await;
    assert_eq!(result, Ok(()), "the fallback sign-in started");
    let refreshes = authenticate_requests(Some("refresh_token")).await;
    assert_eq!(refreshes.len(), 1, "{refreshes:?}");
    assert_eq!(refreshes[0]["status"], 400, "AuthKit refused the switch");
    let urls = navigations.values();
    assert_eq!(urls.len(), 1, "{urls:?}");
    let url = &urls[0];
    assert_eq!(
        url_without_query(url),
        format!("{}/user_management/authorize", emulator_url())
    );
    assert_eq!(url_param(url, "organization_id").as_deref(), Some(unknown));
    assert_eq!(
        url_param(url, "state"),
        Some(json!({"return_to": "/settings"}).to_string())
    );
    assert_eq!(url_param(url, "client_id").as_deref(), Some(CLIENT_ID));
    assert!(
        storage::get(
            storage::Area::Session,
            &session::code_verifier_key(CLIENT_ID)
        )
        .is_some(),
        "the fallback sign-in stored its verifier"
    );
    // The refused switch is not a sign-out: the current session and organization stay.
    let after = client.state();
    assert!(after.is_authenticated && after.error.is_none());
    assert_eq!(after.organization_id, before.organization_id);
    assert!(client.get_access_token().await.is_ok());
    assert_ne!(
        storage::get(
            storage::Area::Session,
            &session::organization_key(CLIENT_ID)
        )
        .as_deref(),
        Some(unknown),
        "a refused organization is not remembered"
    );
    assert_eq!(failures.len(), 0);
    client.dispose();
}

#[wasm_bindgen_test]
async fn unmounting_during_a_refresh_keeps_the_rotated_token_for_the_next_mount() {
    reset().await;
    let client = signed_in_client(options(DevMode::Auto)).await;
    let old_rt = stored_refresh_token().unwrap();
    control_delete("requests").await;
    refresh_fault(json!({"delay_ms": 1500, "count": 1})).await;
    let c = client.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = c.get_access_token_with(true).await;
    });
    // The request is on its way (the emulator holds it 1.5 s); unmount meanwhile.
    authkit_yew::browser::timer::sleep_ms(300).await;
    client.dispose();
    let old = old_rt.clone();
    wait_until(
        "the rotated refresh token is stored after the unmount",
        move || stored_refresh_token().is_some_and(|rt| rt != old),
    )
    .await;
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    // A new mount restores the session with it (the old token was retired by the rotation).
    let again = initialized(options(DevMode::Auto)).await;
    let s = again.state();
    assert!(
        s.is_authenticated,
        "restored after the remount: {:?}",
        s.error
    );
    again.dispose();
}

#[wasm_bindgen_test]
async fn with_storage_denied_sign_in_fails_clearly_and_nothing_panics() {
    reset().await;
    let navigations = intercept_navigation();
    deny_storage("localStorage", true);
    deny_storage("sessionStorage", true);
    let client = initialized(options(DevMode::Auto)).await;
    let s = client.state();
    assert!(!s.is_loading && !s.is_authenticated && s.error.is_none());
    // The verifier must survive the trip to AuthKit: without sessionStorage, sign-in cannot work,
    // and the app is told why instead of a silent no-op or a loop.
    let result = client.sign_in(SignInOptions::new()).await;
    let Err(AuthKitError::Storage(why)) = &result else {
        panic!("expected a storage error, got {result:?}");
    };
    assert!(why.contains("sessionStorage"), "{why}");
    assert!(
        result.unwrap_err().to_string().contains("private browsing"),
        "the message says what to do"
    );
    assert!(matches!(
        client.get_sign_up_url(SignInOptions::new()).await,
        Err(AuthKitError::Storage(_))
    ));
    assert_eq!(
        navigations.len(),
        0,
        "no navigation without a stored verifier"
    );
    assert_eq!(
        client.get_access_token().await,
        Err(AuthKitError::LoginRequired)
    );
    assert!(api_requests().await.is_empty());
    client.dispose();
    deny_storage("localStorage", false);
    deny_storage("sessionStorage", false);
}

#[wasm_bindgen_test]
async fn with_local_storage_denied_dev_mode_keeps_the_refresh_token_in_memory() {
    reset().await;
    deny_storage("localStorage", true);
    // sessionStorage still works, so the sign-in completes.
    let client = signed_in_client(options(DevMode::On)).await;
    control_delete("requests").await;
    // Each refresh rotates the token (no grace window): the second one only succeeds with the
    // token the first one kept in memory.
    let first = client.get_access_token_with(true).await;
    let second = client.get_access_token_with(true).await;
    deny_storage("localStorage", false);
    let raw = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(&session::refresh_token_key(CLIENT_ID))
        .unwrap();
    // Forget the in-memory copy so later tests start clean.
    storage::remove(storage::Area::Local, &session::refresh_token_key(CLIENT_ID));
    assert_eq!(raw, None, "nothing reached the denied localStorage");
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_ne!(first, second);
    let refreshes = authenticate_requests(Some("refresh_token")).await;
    assert_eq!(refreshes.len(), 2);
    assert!(
        refreshes.iter().all(|r| r["status"] == 200),
        "{refreshes:?}"
    );
    client.dispose();
}

/// How many SDK timer callbacks ran since the last [`reset`] (each marks `authkit:timer`).
fn timer_marks() -> u32 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| {
            p.get_entries_by_name(authkit_yew::browser::timer::TIMER_MARK)
                .length()
        })
        .unwrap_or(0)
}

/// A signed-in tab whose refresh token a sibling window has just rotated (stored, its
/// hand-off not sent): the tab's next refresh waits for that hand-off.
async fn tab_behind_a_sibling_rotation() -> (AuthKitClient, session::Session) {
    reset().await;
    let tab = signed_in_client(options(DevMode::Auto)).await;
    page::replace_url("/").unwrap();
    control_delete("requests").await;
    let response = sibling_rotates_without_hand_off().await;
    let sent = session::Session::from_response(response, page::now_ms()).unwrap();
    (tab, sent)
}

#[wasm_bindgen_test]
async fn a_tab_waiting_for_a_sibling_hand_off_is_woken_by_it_not_by_polling() {
    use authkit_yew::browser::channel::{Channel, Message, SessionHandOff};
    let (tab, sent) = tab_behind_a_sibling_rotation().await;
    let hand_off = Message::Session(Box::new(SessionHandOff::from(&sent)));
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    let before = timer_marks();
    let refreshing = tab.get_access_token_with(true);
    let deliver = async {
        authkit_yew::browser::timer::sleep_ms(50).await;
        sibling.post(&hand_off);
    };
    let (token, ()) = futures::join!(refreshing, deliver);
    let fired = timer_marks() - before;

    // Compared, not printed: a failure must not log a token.
    assert!(
        token.as_ref() == Ok(&sent.access_token),
        "the tab did not adopt the hand-off: {:?}",
        token.map(|_| "another token")
    );
    assert_eq!(authenticate_requests(Some("refresh_token")).await.len(), 1);
    // This test's own 50 ms sleep and the refresh's zero-delay yield under the lock. Polling
    // for the hand-off would add timer callbacks, and so would the wait's deadline (the
    // hand-off cancels it).
    assert_eq!(fired, 2, "SDK timer callbacks while the tab waited");
    tab.dispose();
}

#[wasm_bindgen_test]
async fn unmounting_a_tab_that_waits_for_a_sibling_hand_off_ends_the_wait_without_a_request() {
    let (tab, _) = tab_behind_a_sibling_rotation().await;
    let refreshing = tab.get_access_token_with(true);
    let unmount = {
        let tab = tab.clone();
        async move {
            authkit_yew::browser::timer::sleep_ms(50).await;
            tab.dispose();
        }
    };
    // Must not hang: dispose wakes the wait.
    let (result, ()) = futures::join!(refreshing, unmount);
    assert!(result.is_err(), "a disposed tab gives no token");
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "only the sibling's authenticate: the unmounted tab did not refresh after its wait"
    );
}

#[wasm_bindgen_test]
async fn a_sibling_sign_out_ends_a_wait_for_its_hand_off_without_a_request() {
    use authkit_yew::browser::channel::{Channel, Message};
    let (tab, sent) = tab_behind_a_sibling_rotation().await;
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    let refreshing = tab.get_access_token_with(true);
    let sign_out = async {
        authkit_yew::browser::timer::sleep_ms(50).await;
        sibling.post(&Message::SignedOut {
            session_id: Some(sent.claims.sid.clone()),
        });
    };
    let (result, ()) = futures::join!(refreshing, sign_out);
    assert_eq!(result, Err(AuthKitError::LoginRequired));
    assert_eq!(
        tab.state().signed_out_reason,
        Some(SignedOutReason::SignedOut)
    );
    assert_eq!(
        authenticate_requests(Some("refresh_token")).await.len(),
        1,
        "only the sibling's authenticate: the signed-out tab did not refresh after its wait"
    );
    tab.dispose();
}

#[wasm_bindgen_test]
async fn a_refresh_that_crossed_a_sign_out_does_not_bring_the_session_back() {
    use authkit_yew::browser::channel::{Channel, Message, SessionHandOff};
    reset().await;
    let tab = signed_in_client(options(DevMode::Auto)).await;
    page::replace_url("/").unwrap();
    // A sibling window refreshed (and stored the rotated token) just as another signed out:
    // the sign-out message arrives first, the refreshing window's hand-off after it.
    let response = sibling_rotates_without_hand_off().await;
    let late = session::Session::from_response(response, page::now_ms()).unwrap();
    let sibling = Channel::open(CLIENT_ID, |_| {}).expect("BroadcastChannel");
    // A tab that held no session when the sign-out came (it learns the ended id from the
    // message, not from its own state).
    let empty = initialized(options(DevMode::Off)).await;
    assert!(!empty.state().is_authenticated);
    sibling.post(&Message::SignedOut {
        session_id: Some(late.claims.sid.clone()),
    });
    let t = tab.clone();
    wait_until("the sign-out reached the tab", move || {
        t.state().signed_out_reason == Some(SignedOutReason::SignedOut)
    })
    .await;
    assert!(
        stored_refresh_token().is_none(),
        "the token rotated across the sign-out must not stay in localStorage"
    );
    sibling.post(&Message::Session(Box::new(SessionHandOff::from(&late))));
    authkit_yew::browser::timer::sleep_ms(150).await;
    assert!(
        !tab.state().is_authenticated,
        "the hand-off of the ended session brought it back"
    );
    assert!(
        !empty.state().is_authenticated,
        "a tab without a session at sign-out adopted the ended session"
    );
    empty.dispose();

    // A new sign-in in another tab (a new session) is still adopted.
    let other = signed_in_client(options(DevMode::Auto)).await;
    let new_sid = other.state().session_id.clone();
    assert_ne!(new_sid, late.claims.sid.clone().into());
    let t = tab.clone();
    wait_until("the new session reached the tab", move || {
        t.state().session_id == new_sid
    })
    .await;
    assert!(tab.state().is_authenticated);
    other.dispose();
    tab.dispose();
}

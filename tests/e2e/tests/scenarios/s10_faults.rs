//! Scenario 10: faults from the emulator's control API.

use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD};
use authkit_e2e::flows::{
    complete_hosted_sign_in, has_callback_params, long_wait, open_hosted_sign_in, path_of,
    sign_in_demo_user, sign_in_with_short_tokens, REFRESH_BUFFER_SECS, SHORT_TTL_SECS,
};
use authkit_e2e::scenario;
use serde_json::json;

fn refresh_fault(extra: serde_json::Value) -> serde_json::Value {
    let mut fault = json!({
        "method": "POST",
        "path": "/user_management/authenticate",
        "grant_type": "refresh_token",
    });
    for (k, v) in extra.as_object().unwrap() {
        fault[k] = v.clone();
    }
    fault
}

#[tokio::test]
async fn s10a_refresh_503_twice_then_ok_keeps_the_session() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let sid = sign_in_with_short_tokens(&ctx).await;
        ctx.emu
            .fault(refresh_fault(json!({ "status": 503, "count": 2 })))
            .await
            .unwrap();

        let refreshes = b
            .wait_for_within(
                "two refused refreshes and then a good one",
                long_wait(2, SHORT_TTL_SECS - REFRESH_BUFFER_SECS),
                || async {
                    let r = ctx.emu.grants("refresh_token").await.ok()?;
                    r.iter().any(|x| x["status"] == 200).then_some(r)
                },
            )
            .await;
        let statuses: Vec<_> = refreshes.iter().map(|r| r["status"].clone()).collect();
        assert_eq!(statuses, vec![json!(503), json!(503), json!(200)]);
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "bounced to {url}");
        b.wait_text("#session-id", &sid).await;
        assert!(!b.exists("#error").await, "{:?}", b.text("#error").await);
    })
    .await;
}

#[tokio::test]
async fn s10b_refresh_invalid_grant_signs_out_and_says_why() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_with_short_tokens(&ctx).await;
        // Rest on the public page: a protected page would (rightly) start a new sign-in.
        b.click("header nav a[href='/']").await.unwrap();
        b.wait_url("the home page", |u| path_of(u) == "/").await;
        b.wait_status("signed-in").await;
        ctx.emu
            .fault(refresh_fault(json!({
                "status": 400,
                "body": "{\"error\":\"invalid_grant\",\"error_description\":\"Session has already ended.\"}",
                "content_type": "application/json",
            })))
            .await
            .unwrap();

        b.wait_status_within("signed-out", long_wait(1, SHORT_TTL_SECS - REFRESH_BUFFER_SECS))
            .await;
        let error = b.wait_element("#error").await;
        assert!(error.contains("invalid_grant"), "reason not shown: {error:?}");
        // Told apart from "not signed in" (AuthState::signed_out_reason).
        let sentence = b.wait_element("#status-text").await;
        assert!(
            sentence.contains("Your session has ended"),
            "the ended session is not told: {sentence:?}"
        );
        let refused = ctx.emu.grants("refresh_token").await.unwrap();
        assert_eq!(refused.len(), 1, "retried a terminal failure: {refused:?}");
        assert!(
            !b.storage(false)
                .await
                .contains_key("workos:refresh-token:client_demo"),
            "the dead refresh token was kept"
        );
    })
    .await;
}

#[tokio::test]
async fn s10c_access_denied_callback_shows_the_error_with_a_clean_url() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(b, &ctx.dev_url("/")).await;
        b.click("#cancel").await.unwrap();

        let error = b.wait_element("#error").await;
        assert!(error.contains("access_denied"), "{error:?}");
        let url = b.wait_status("signed-out").await;
        assert!(!has_callback_params(&url), "URL not cleaned: {url}");
        assert_eq!(path_of(&url), "/account");
        // No loop: exactly the one sign-in the visitor started.
        let authorizes = ctx
            .emu
            .requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r["path"] == "/user_management/authorize")
            .count();
        assert_eq!(authorizes, 1);

        // The visitor can try again from there and ends signed in, the error gone.
        b.click("#sign-in").await.unwrap();
        complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account");
        assert!(!b.exists("#error").await, "{:?}", b.text("#error").await);
    })
    .await;
}

#[tokio::test]
async fn s10d_back_onto_a_used_callback_url_does_not_loop() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.dev_url("/"), 0).await;
        // The document URL of the callback load, before the SDK cleaned the address bar.
        let callback = b
            .js(
                "return performance.getEntriesByType('navigation')[0].name;",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        assert!(has_callback_params(&callback), "not a callback URL");
        let authorizes_before = count_authorize(&ctx.emu).await;

        // Put the used callback URL into history, move on, and press Back onto it.
        b.goto(&callback).await.unwrap();
        settle(b).await;
        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-in").await;
        b.back().await.unwrap();
        let (status, url) = settle(b).await;

        assert!(!has_callback_params(&url), "URL not cleaned: {url}");
        assert_eq!(path_of(&url), "/account", "left the app: {url}");
        if status == "signed-out" {
            assert!(b.exists("#error").await, "signed out without a reason");
        }
        assert_eq!(
            count_authorize(&ctx.emu).await,
            authorizes_before,
            "the used callback started a new sign-in"
        );
        let exchanges = ctx.emu.grants("authorization_code").await.unwrap();
        assert!(
            exchanges.iter().filter(|r| r["status"] == 200).count() == 1,
            "the used code was exchanged again: {exchanges:?}"
        );
    })
    .await;
}

async fn count_authorize(emu: &authkit_e2e::Emulator) -> usize {
    emu.requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r["path"] == "/user_management/authorize")
        .count()
}

/// Waits until the demo is on a final state (signed in, or signed out with the callback
/// parameters gone) and returns (status, URL).
async fn settle(b: &authkit_e2e::Browser) -> (String, String) {
    b.wait_for("a settled state on the demo", || async {
        let url = b.url().await.ok()?;
        let status = b.text("#status").await?;
        let done =
            matches!(status.as_str(), "signed-in" | "signed-out") && !has_callback_params(&url);
        done.then_some((status, url))
    })
    .await
}

/// Issue 10 item 1: a refresh that never answers at reload. The demo uses the SDK's default
/// request timeout (10 s): the page turns from loading to "reconnecting" when it passes, and
/// the retry signs the visitor in once the server answers again. The SDK's performance marks
/// give the figures, which the scenario prints (it asserts the states, not the times). With the
/// early script (the demo includes it) the stalled request is the script's; the SDK takes its
/// timeout as its own.
#[tokio::test]
async fn s10e_a_refresh_stalled_at_reload_reconnects_and_then_signs_in() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.dev_url("/"), 0).await;
        b.wait_status("signed-in").await;
        ctx.emu
            .fault(refresh_fault(json!({ "delay_ms": 60_000, "count": 1 })))
            .await
            .unwrap();
        ctx.emu.clear_requests().await.unwrap();
        b.reload().await.unwrap();
        b.wait_status("reconnecting").await;
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "bounced to {url}");
        assert!(!b.exists("#error").await, "{:?}", b.text("#error").await);
        // The stalled request is the early script's (the demo includes it) or the SDK's own;
        // either way the SDK turns its timeout into "reconnecting", then retries.
        let marks = b
            .js(
                "const at = n => performance.getEntriesByName(n).map(e => e.startTime); \
                 return [at('authkit:early-restore').concat(at('authkit:refresh-end')), \
                         at('authkit:refresh-start'), at('authkit:signed-in')];",
                vec![],
            )
            .await
            .unwrap();
        let times = |i: usize| -> Vec<f64> {
            marks[i]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_f64())
                .collect()
        };
        let (failed_at, starts, signed_in) = (times(0), times(1), times(2));
        let reconnecting_at = failed_at.iter().copied().fold(f64::INFINITY, f64::min);
        let retry_started = starts.iter().copied().fold(0.0, f64::max);
        assert!(
            reconnecting_at.is_finite() && !starts.is_empty() && !signed_in.is_empty(),
            "{marks}"
        );
        eprintln!(
            "s10e: the stalled request timed out {:.0} ms after navigation start (reconnecting \
             from then on); signed in {:.0} ms later, {:.0} ms after the retry started",
            reconnecting_at,
            signed_in[0] - reconnecting_at,
            signed_in[0] - retry_started,
        );
        let refreshes = ctx.emu.grants("refresh_token").await.unwrap();
        assert!(
            refreshes.iter().any(|r| r["status"] == 200),
            "the retry reached the server: {refreshes:?}"
        );
    })
    .await;
}

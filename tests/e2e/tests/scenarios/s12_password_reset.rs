//! Scenario 12 (issue 12, flow 2): "Forgot password?" on the hosted sign-in page emails a
//! link; the link, opened directly (not from the app), goes through the demo's sign-in
//! endpoint (`/login`, the SDK's `SignInEndpoint`), which starts a fresh PKCE sign-in; the
//! new-password page then signs the user in.

use authkit_e2e::config::SOLO_EMAIL;
use authkit_e2e::flows::{has_callback_params, log_lines, open_hosted_sign_in, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s12_password_reset_goes_through_the_sign_in_endpoint_and_signs_in() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(b, &ctx.dev_url("/")).await;
        b.click("#forgot-password").await.unwrap();
        b.wait_url("the forgot-password page", |u| {
            u.contains("/hosted/forgot-password")
        })
        .await;
        b.fill("#email", SOLO_EMAIL).await.unwrap();
        b.click("#submit").await.unwrap();
        let sent = b.wait_element("#notice").await;
        assert!(sent.contains(SOLO_EMAIL), "{sent:?}");

        let email = ctx
            .emu
            .latest_email(SOLO_EMAIL, "password_reset")
            .await
            .unwrap();
        let link = email["link"].as_str().unwrap().to_owned();
        // The link leads to the app's sign-in endpoint, not into a hosted page of its own.
        let first_hop = authkit_e2e::http::request("GET", &link, None, &[])
            .await
            .unwrap();
        assert_eq!(first_hop.status, 302);
        let to = first_hop
            .headers
            .iter()
            .find(|(name, _)| name == "location")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert!(
            to.starts_with(&ctx.dev_url("/login?")),
            "the link goes to {to}"
        );

        ctx.emu.clear_requests().await.unwrap();
        b.goto(&link).await.unwrap();
        b.wait_url("the new-password page", |u| {
            u.contains("/hosted/new-password")
        })
        .await;
        b.fill("#password", "a-brand-new-password").await.unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        assert!(!has_callback_params(&url));
        b.wait_text("#user-email", SOLO_EMAIL).await;
        b.wait_text("#auth-method", "Password").await;

        // The journey: the link, then an authorize that only the demo's /login can have
        // started (the link sent the browser there), the new password, and one code exchange
        // by the demo, which needs the PKCE verifier of that fresh authorize.
        let log = ctx.emu.requests().await.unwrap();
        let lines = log_lines(&log);
        let at = |line: &str| lines.iter().position(|l| l == line);
        let link_at = at("GET /hosted/reset-password").expect("the link was opened");
        let authorize_at = at("GET /user_management/authorize").expect("a fresh authorize");
        let page_at = at("POST /hosted/new-password").expect("the new password");
        assert!(
            link_at < authorize_at && authorize_at < page_at,
            "{lines:?}"
        );
        let exchanges: Vec<_> = log
            .iter()
            .filter(|r| r["grant_type"] == "authorization_code")
            .map(|r| (r["status"].clone(), r["origin"].clone()))
            .collect();
        assert_eq!(
            exchanges,
            vec![(200.into(), serde_json::json!(ctx.dev_url("")))],
            "{lines:?}"
        );
        let mail = ctx.emu.mailbox(SOLO_EMAIL).await.unwrap();
        assert_eq!(mail.len(), 1, "one reset email: {mail:?}");
    })
    .await;
}

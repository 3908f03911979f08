//! Scenario 15 (issue 12, flow 5): "Continue with Google (emulated)" on the hosted sign-in
//! page, the consent page, and a new user signed in with `GoogleOAuth`.

use authkit_e2e::flows::{open_hosted_sign_in, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s15_google_consent_creates_and_signs_in_the_user() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(b, &ctx.dev_url("/")).await;
        b.click("#google").await.unwrap();
        b.wait_url("the consent page", |u| u.contains("/hosted/google"))
            .await;
        b.fill("#email", "grace@example.com").await.unwrap();
        b.fill("#first_name", "Grace").await.unwrap();
        b.fill("#last_name", "Hopper").await.unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        b.wait_text("#user-name", "Grace Hopper").await;
        b.wait_text("#auth-method", "GoogleOAuth").await;
        let users = ctx.emu.users().await.unwrap();
        assert!(
            users
                .iter()
                .any(|u| u["email"] == "grace@example.com" && u["email_verified"] == true),
            "the account was created, its address verified"
        );
    })
    .await;
}

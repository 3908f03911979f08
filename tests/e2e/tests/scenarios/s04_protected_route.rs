//! Scenario 4: visiting the protected route signed out goes to the hosted sign-in and comes
//! back to that route signed in.

use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD};
use authkit_e2e::flows::{complete_hosted_sign_in, has_callback_params, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s04_protected_route_redirects_to_sign_in_and_back() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        b.goto(&ctx.dev_url("/account")).await.unwrap();
        complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        assert!(!has_callback_params(&url), "callback params left in {url}");
        b.wait_text("#user-email", DEMO_EMAIL).await;
        let authorizes: Vec<_> = ctx
            .emu
            .requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r["path"] == "/user_management/authorize")
            .collect();
        assert_eq!(authorizes.len(), 1, "one sign-in started: {authorizes:?}");
    })
    .await;
}

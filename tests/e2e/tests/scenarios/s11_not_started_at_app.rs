//! Scenario 11: sign-in not started at the app. A bookmarked hosted sign-in page and an
//! impersonation both go through the demo's `/login` (the sign-in endpoint) and end signed in.

use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD, ORG_ACME};
use authkit_e2e::flows::{complete_hosted_sign_in, has_callback_params, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s11a_bookmarked_hosted_page_goes_through_login_and_signs_in() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let bookmark = format!("{}/hosted/sign-in?client_id=client_demo", ctx.emu.base);
        b.goto(&bookmark).await.unwrap();
        complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        assert!(!has_callback_params(&url));
        b.wait_text("#user-email", DEMO_EMAIL).await;

        // The journey passed through the demo's /login, which started a proper (PKCE)
        // sign-in: one authorize from the app, one code exchange.
        let origins: Vec<_> = ctx
            .emu
            .grants("authorization_code")
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r["status"].clone(), r["origin"].clone()))
            .collect();
        assert_eq!(
            origins,
            vec![(serde_json::json!(200), serde_json::json!(ctx.dev_url("")))]
        );
    })
    .await;
}

#[tokio::test]
async fn s11b_impersonation_arrives_signed_in_with_the_banner() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let start = ctx
            .emu
            .impersonation_url(DEMO_EMAIL, ORG_ACME, "support@example.com", "Ticket 42")
            .await
            .unwrap();
        b.goto(&start).await.unwrap();
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        b.wait_text("#user-email", DEMO_EMAIL).await;
        let banner = b.wait_element("#impersonation-banner").await;
        assert!(banner.contains("support@example.com"), "{banner:?}");
        assert!(banner.contains("Ticket 42"), "{banner:?}");
        b.wait_text("#organization-id", ORG_ACME).await;
    })
    .await;
}

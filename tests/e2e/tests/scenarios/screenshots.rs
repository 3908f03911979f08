//! Not a test: takes screenshots of the demo (phone and desktop width) for a human to look at.
//! `AUTHKIT_E2E_SCREENSHOTS=/tmp/shots cargo test -p authkit-e2e -- --ignored screenshots`

use authkit_e2e::config::{DEMO_EMAIL, ORG_ACME};
use authkit_e2e::scenario;

#[tokio::test]
#[ignore = "writes screenshots for a human to look at; run with --ignored"]
async fn screenshots() {
    scenario(|ctx| async move {
        let dir = std::env::var("AUTHKIT_E2E_SCREENSHOTS").unwrap_or_else(|_| "/tmp".into());
        let b = &ctx.browser;
        for (name, w, h) in [("phone", 390, 844), ("desktop", 1280, 900)] {
            b.client.set_window_size(w, h).await.unwrap();
            b.goto(&ctx.dev_url("/")).await.unwrap();
            b.wait_status("signed-out").await;
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/demo-home-{name}.png"), png).unwrap();
        }
        let start = ctx
            .emu
            .impersonation_url(DEMO_EMAIL, ORG_ACME, "support@example.com", "Ticket 42")
            .await
            .unwrap();
        b.goto(&start).await.unwrap();
        b.wait_status("signed-in").await;
        b.click("#get-token").await.unwrap();
        b.wait_element("#token-claims").await;
        for (name, w, h) in [("phone", 390, 1800), ("desktop", 1280, 1400)] {
            b.client.set_window_size(w, h).await.unwrap();
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/demo-account-{name}.png"), png).unwrap();
        }
    })
    .await;
}

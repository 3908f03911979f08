//! Scenario 2: reload keeps the visitor signed in (dev mode: refresh token in localStorage).

use authkit_e2e::flows::sign_in_demo_user;
use authkit_e2e::scenario;

#[tokio::test]
async fn s02_reload_stays_signed_in_in_dev_mode() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.dev_url("/"), 0).await;
        let session = b.wait_element("#session-id").await;
        assert!(session.starts_with("session_"), "session id {session:?}");
        let local = b.storage(false).await;
        assert!(
            local.contains_key("workos:refresh-token:client_demo"),
            "dev mode keeps the refresh token in localStorage; keys: {:?}",
            local.keys().collect::<Vec<_>>()
        );
        let refreshes_before = ctx.emu.grants("refresh_token").await.unwrap().len();

        b.reload().await.unwrap();
        b.wait_status("signed-in").await;
        b.wait_text("#user-email", "demo@example.com").await;
        b.wait_text("#session-id", &session).await;
        // The session came back through a refresh with the stored token.
        let refreshes = ctx.emu.grants("refresh_token").await.unwrap();
        assert_eq!(refreshes.len(), refreshes_before + 1, "{refreshes:?}");
        assert_eq!(refreshes.last().unwrap()["status"], 200);
    })
    .await;
}

//! Scenario 7: sign out lands on home signed out; storage holds no token; the session is
//! revoked (the refresh token read before signing out is refused).

use authkit_e2e::flows::{path_of, sign_in_demo_user};
use authkit_e2e::{scenario, CLIENT_ID};

#[tokio::test]
async fn s07_sign_out_revokes_the_session_and_clears_storage() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.dev_url("/"), 0).await;
        let sid = b.wait_element("#session-id").await;
        let stolen = b.storage(false).await["workos:refresh-token:client_demo"]
            .as_str()
            .expect("dev mode stores the refresh token")
            .to_owned();

        b.click("#sign-out").await.unwrap();
        let url = b.wait_status("signed-out").await;
        assert_eq!(path_of(&url), "/", "landed on {url}");
        assert!(!b.exists("#error").await, "sign-out showed an error");

        let local = b.storage(false).await;
        let session_store = b.storage(true).await;
        for (key, value) in local.iter().chain(session_store.iter()) {
            assert!(
                !key.starts_with("workos:refresh-token") && value.as_str() != Some(&stolen),
                "a token survived sign-out under {key:?}"
            );
        }

        let sessions = ctx.emu.sessions().await.unwrap();
        let ours = sessions.iter().find(|s| s["id"] == sid.as_str()).unwrap();
        assert_eq!(ours["ended"], true, "session not ended: {ours}");
        let replay = ctx.emu.replay_refresh(CLIENT_ID, &stolen).await.unwrap();
        assert_eq!(
            replay.status, 400,
            "replayed refresh token: {}",
            replay.body
        );
        assert!(replay.body.contains("invalid_grant"), "{}", replay.body);

        // A reload stays signed out.
        b.reload().await.unwrap();
        b.wait_status("signed-out").await;
    })
    .await;
}

//! Scenario 3: cookie mode (the demo on 127.0.0.2 is not a local hostname, so dev mode is
//! off; the emulator on 127.0.0.2 plays the custom authentication domain): sign in, reload,
//! still signed in; no refresh token anywhere in localStorage or sessionStorage.

use authkit_e2e::flows::{sign_in_demo_user, storage_strings};
use authkit_e2e::{scenario, CLIENT_ID};

#[tokio::test]
async fn s03_cookie_mode_survives_reload_without_a_readable_refresh_token() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.cookie_url("/"), 0).await;
        let session = b.wait_element("#session-id").await;

        b.reload().await.unwrap();
        b.wait_status("signed-in").await;
        b.wait_text("#session-id", &session).await;

        // The restore was a credentialed refresh against the custom-domain emulator...
        let refreshes = ctx.cookie_emu.grants("refresh_token").await.unwrap();
        assert!(!refreshes.is_empty(), "no refresh after the reload");
        assert!(
            refreshes.iter().all(|r| r["status"] == 200),
            "{refreshes:?}"
        );
        // ...and the dev-mode emulator saw nothing.
        let dev_log = ctx.emu.requests().await.unwrap();
        assert!(
            dev_log
                .iter()
                .all(|r| r["path"].as_str().unwrap_or("").starts_with("/_emulator")),
            "the localhost emulator was contacted: {dev_log:?}"
        );

        // No refresh token in web storage: no such key, and no stored string is accepted by
        // the API as a refresh token (each is replayed; the HttpOnly cookie is not sent).
        let local = b.storage(false).await;
        let session_store = b.storage(true).await;
        for key in local.keys().chain(session_store.keys()) {
            assert!(!key.contains("refresh"), "storage key {key:?}");
        }
        let mut strings = storage_strings(&local);
        strings.extend(storage_strings(&session_store));
        for s in strings {
            let res = ctx.cookie_emu.replay_refresh(CLIENT_ID, &s).await.unwrap();
            assert_ne!(res.status, 200, "a stored value works as a refresh token");
        }
        // The replays did not disturb the real session.
        b.reload().await.unwrap();
        b.wait_status("signed-in").await;
    })
    .await;
}

//! Scenario 8: two tabs. With both open across several expiries there is no `invalid_grant`
//! and no unexpected sign-out; signing out in one shows signed out in the other.

use authkit_e2e::flows::{
    long_wait, sign_in_with_short_tokens, REFRESH_BUFFER_SECS, SHORT_TTL_SECS,
};
use authkit_e2e::scenario;

const EXPIRIES: usize = 3;

#[tokio::test]
async fn s08_two_tabs_share_the_session_and_the_sign_out() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let sid = sign_in_with_short_tokens(&ctx).await;
        // Tab A rests on the public home page (a protected page would start a new sign-in
        // after the sign-out, which is not what this scenario looks at).
        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-in").await;
        let tab_a = b.client.window().await.unwrap();

        let tab_b = b.client.new_window(true).await.unwrap().handle;
        b.client.switch_to_window(tab_b.clone()).await.unwrap();
        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-in").await;

        // Several expiries with both tabs open.
        let baseline = ctx.emu.grants("refresh_token").await.unwrap().len();
        b.wait_for_within(
            &format!("{EXPIRIES} more refreshes"),
            long_wait(EXPIRIES as u32, SHORT_TTL_SECS - REFRESH_BUFFER_SECS),
            || async {
                let n = ctx.emu.grants("refresh_token").await.ok()?.len();
                (n >= baseline + EXPIRIES).then_some(())
            },
        )
        .await;
        let refreshes = ctx.emu.grants("refresh_token").await.unwrap();
        assert!(
            refreshes.iter().all(|r| r["status"] == 200),
            "a refresh was refused (invalid_grant from a race between tabs?): {refreshes:?}"
        );
        b.wait_status("signed-in").await;
        b.client.switch_to_window(tab_a.clone()).await.unwrap();
        b.wait_status("signed-in").await;
        let sessions = ctx.emu.sessions().await.unwrap();
        assert_eq!(sessions.len(), 1, "one session for both tabs: {sessions:?}");
        assert_eq!(sessions[0]["id"], sid.as_str());

        // Sign out in tab A; tab B notices without a reload.
        b.click("#sign-out").await.unwrap();
        b.wait_status("signed-out").await;
        b.client.switch_to_window(tab_b).await.unwrap();
        b.wait_status("signed-out").await;
        assert!(
            !b.exists("#error").await,
            "tab B shows an error: {:?}",
            b.text("#error").await
        );
    })
    .await;
}

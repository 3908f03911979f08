//! Scenario 6: with a short access-token TTL the session stays alive across several expiries,
//! and the emulator's request log shows one refresh per expiry, not more.

use authkit_e2e::flows::{
    long_wait, path_of, sign_in_with_short_tokens, REFRESH_BUFFER_SECS, SHORT_TTL_SECS,
};
use authkit_e2e::scenario;

const EXPIRIES: usize = 3;

#[tokio::test]
async fn s06_short_ttl_refreshes_once_per_expiry() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let sid = sign_in_with_short_tokens(&ctx).await;

        // Wait (polling the log) until EXPIRIES refreshes happened.
        let refreshes = b
            .wait_for_within(
                &format!("{EXPIRIES} refreshes in the emulator log"),
                long_wait(EXPIRIES as u32, SHORT_TTL_SECS - REFRESH_BUFFER_SECS),
                || async {
                    let r = ctx.emu.grants("refresh_token").await.ok()?;
                    (r.len() >= EXPIRIES).then_some(r)
                },
            )
            .await;
        // Still signed in, same session, never bounced to sign-in.
        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account");
        b.wait_text("#session-id", &sid).await;
        assert!(
            refreshes.iter().all(|r| r["status"] == 200),
            "a refresh failed: {refreshes:?}"
        );

        // One refresh per token lifetime: every refresh comes at least (TTL - buffer) after
        // the token it replaces was issued (a lower bound: slowness cannot break it; an extra
        // or duplicate refresh would).
        let code_exchange = ctx.emu.grants("authorization_code").await.unwrap();
        let mut issued_at = code_exchange[0]["at_ms"].as_i64().unwrap();
        for r in &refreshes {
            let at = r["at_ms"].as_i64().unwrap();
            let min_gap = ((SHORT_TTL_SECS - REFRESH_BUFFER_SECS) as i64 - 1) * 1000;
            assert!(
                at - issued_at >= min_gap,
                "refresh {} came {} ms after the previous token (expected ≥ {min_gap} ms): {refreshes:?}",
                r["seq"],
                at - issued_at
            );
            issued_at = at;
        }
        // The token endpoint saw one code exchange and refreshes, nothing else.
        let grants: Vec<_> = ctx
            .emu
            .requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r["path"] == "/user_management/authenticate")
            .map(|r| r["grant_type"].clone())
            .collect();
        assert_eq!(grants[0], "authorization_code", "{grants:?}");
        assert!(grants[1..].iter().all(|g| g == "refresh_token"), "{grants:?}");

        // The current token is valid for a while yet.
        b.click("#get-token").await.unwrap();
        let left: u64 = b
            .wait_for("a token expiry countdown", || async {
                b.text("#token-expiry").await?.parse().ok()
            })
            .await;
        assert!(
            left <= SHORT_TTL_SECS,
            "token lives {left} s > TTL {SHORT_TTL_SECS}"
        );
    })
    .await;
}

//! Nothing doubled (issue 11, item 7): concurrent sign-ups of one email make one user, a
//! double-submitted hosted form issues one code, and a fault with `count: 1` fires once even
//! for concurrent requests.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn concurrent_sign_ups_of_one_email_make_one_user() {
    let emu = start().await;
    let mut pages = Vec::new();
    for _ in 0..6 {
        let p = pkce();
        let page = emu.begin(&[("screen_hint", "sign-up")], &p).await;
        let rid = query_param(&page, "rid").unwrap();
        pages.push((page, rid));
    }
    let emu = &emu;
    let answers = futures_util::future::join_all(pages.iter().map(|(page, rid)| async move {
        emu.post_form(
            page,
            &[
                ("rid", rid.as_str()),
                ("email", "twice@example.com"),
                ("password", "twice-password"),
            ],
        )
        .await
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    // The one that made the user goes on to its verification page.
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        5,
        "{statuses:?}"
    );
    let users = emu.get_json("/_emulator/users").await;
    let same: Vec<&Value> = users
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == "twice@example.com")
        .collect();
    assert_eq!(same.len(), 1);
}

#[tokio::test]
async fn a_double_submitted_form_issues_one_code() {
    let emu = start().await;
    let p = pkce();
    let page = emu.begin(&[("state", "s1")], &p).await;
    let rid = query_param(&page, "rid").unwrap();
    let fields = [
        ("rid", rid.as_str()),
        ("email", SOLO.0),
        ("password", SOLO.1),
    ];
    let (a, b) = tokio::join!(emu.post_form(&page, &fields), emu.post_form(&page, &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (302, 302));
    let (a, b) = (location(a.headers()), location(b.headers()));
    assert_eq!(a, b, "both submits land on the same redirect");
    let code = query_param(&a, "code").unwrap();
    assert_eq!(query_param(&a, "state").as_deref(), Some("s1"));
    assert_eq!(emu.exchange(&code, &p.verifier).await.status(), 200);
    assert_eq!(emu.get_json("/_emulator/stats").await["codes"], 0);
    assert_eq!(
        emu.get_json("/_emulator/sessions")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_count_one_fault_fires_once_for_concurrent_requests() {
    let emu = start().await;
    let a = emu.session(SOLO, None).await;
    let b = emu.session(DEMO, Some(ACME)).await;
    // The response is lost after the real handler ran: a fault that spans the whole request.
    emu.control(
        "/_emulator/faults",
        json!({"method": "POST", "path": "/user_management/authenticate",
               "grant_type": "refresh_token", "after_success": true, "delay_ms": 200, "count": 1}),
    )
    .await;
    let (ra, rb) = tokio::join!(
        emu.http
            .post(emu.url("/user_management/authenticate"))
            .json(&json!({"grant_type":"refresh_token","client_id":CLIENT,
                          "refresh_token": a["refresh_token"]}))
            .send(),
        emu.http
            .post(emu.url("/user_management/authenticate"))
            .json(&json!({"grant_type":"refresh_token","client_id":CLIENT,
                          "refresh_token": b["refresh_token"]}))
            .send(),
    );
    let dropped = [ra.is_err(), rb.is_err()];
    assert_eq!(
        dropped.iter().filter(|d| **d).count(),
        1,
        "exactly one response lost: {dropped:?}"
    );
    assert_eq!(emu.get_json("/_emulator/faults").await, json!([]));
}

//! Requests and wake-ups per token lifetime with one and with four windows (the demo,
//! loopback): refresh requests in the emulator log and `authkit:timer` marks in every window.

use std::time::{Duration, Instant};

use authkit_e2e::browser::Browser;
use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD};
use authkit_e2e::flows::complete_hosted_sign_in;
use authkit_e2e::{Emulator, Harness};

use crate::apps::ServedApp;
use serde_json::{json, Value};

use crate::error::BenchError;
use crate::page::PAGE_JS;

/// The access-token TTL for the lifetime phases, and how early the SDK refreshes.
pub const TTL_SECS: u64 = authkit_e2e::flows::SHORT_TTL_SECS;
const BUFFER_SECS: u64 = authkit_e2e::flows::REFRESH_BUFFER_SECS;
/// Token lifetimes observed per lifetime phase.
pub const LIFETIMES: u64 = 4;
/// Tabs (separate, visible windows) in the multi-tab phase.
pub const TABS: usize = 4;

/// Signs in with a `TTL_SECS` token, opens `tabs` windows on the signed-in home page, aligns
/// to a refresh, then watches `LIFETIMES` token lifetimes of the `demo`.
pub async fn lifetimes(
    h: &Harness,
    emu: &Emulator,
    demo: &ServedApp,
    tabs: usize,
) -> Result<Value, BenchError> {
    emu.reset().await?;
    emu.set_config(json!({ "access_token_ttl_secs": TTL_SECS }))
        .await?;
    let b = Browser::launch(&h.webdriver_url).await?;
    let result = lifetimes_in(demo, emu, &b, tabs).await;
    b.close().await;
    result
}

async fn lifetimes_in(
    demo: &ServedApp,
    emu: &Emulator,
    b: &Browser,
    tabs: usize,
) -> Result<Value, BenchError> {
    b.goto(&demo.url("/")).await?;
    b.wait_status("signed-out").await;
    b.click("#sign-in").await?;
    complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
    b.wait_status("signed-in").await;
    // Rest on the public home page (no token panel polling the SDK).
    b.goto(&demo.url("/")).await?;
    b.wait_status("signed-in").await;
    let mut windows = vec![b.client.window().await?];
    for _ in 1..tabs {
        let w = b.client.new_window(false).await?.handle;
        b.client.switch_to_window(w.clone()).await?;
        b.goto(&demo.url("/")).await?;
        b.wait_status("signed-in").await;
        windows.push(w);
    }
    align_to_a_refresh(emu).await?;
    emu.clear_requests().await?;
    let mut timers_before = Vec::new();
    let mut visibility = Vec::new();
    for w in &windows {
        b.client.switch_to_window(w.clone()).await?;
        let v = b.js(PAGE_JS, vec![]).await?;
        timers_before.push(v["timers"].as_u64().unwrap_or(0));
        visibility.push(v["visibility"].clone());
    }
    // LIFETIMES refresh deadlines fall inside this window (it started just after one).
    let cycle = Duration::from_secs(TTL_SECS - BUFFER_SECS);
    let window = cycle * LIFETIMES as u32 + cycle / 2;
    tokio::time::sleep(window).await;
    let log = emu.requests().await?;
    let refreshes = emu.grants("refresh_token").await?;
    let mut timers = Vec::new();
    let mut signed_in = Vec::new();
    for (w, before) in windows.iter().zip(&timers_before) {
        b.client.switch_to_window(w.clone()).await?;
        let v = b.js(PAGE_JS, vec![]).await?;
        timers.push(v["timers"].as_u64().unwrap_or(0).saturating_sub(*before));
        signed_in.push(b.text("#status").await);
    }
    let ok = refreshes.iter().filter(|r| r["status"] == 200).count();
    Ok(json!({
        "tabs": tabs,
        "ttl_secs": TTL_SECS,
        "refresh_buffer_secs": BUFFER_SECS,
        "lifetimes": LIFETIMES,
        "window_secs": window.as_secs_f64(),
        "refresh_requests": refreshes.len(),
        "refresh_ok": ok,
        "all_requests": log.len(),
        "requests": request_lines(&log),
        "refresh_per_lifetime": refreshes.len() as f64 / LIFETIMES as f64,
        "floor_per_lifetime": 1,
        "timer_callbacks_per_tab": timers,
        "wakeups_per_lifetime_per_tab": timers.iter().map(|t| *t as f64 / LIFETIMES as f64).collect::<Vec<_>>(),
        "visibility": visibility,
        "status_after": signed_in,
    }))
}

/// Waits for the next refresh request (at most a token lifetime and 20 s), then 300 ms.
async fn align_to_a_refresh(emu: &Emulator) -> Result<(), BenchError> {
    let before = emu.grants("refresh_token").await?.len();
    let deadline = Instant::now() + Duration::from_secs(TTL_SECS + 20);
    while emu.grants("refresh_token").await?.len() <= before {
        if Instant::now() > deadline {
            return Err(BenchError::Page(
                "no refresh within a token lifetime".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

/// `METHOD /path (grant) → status` per logged request.
fn request_lines(log: &[Value]) -> Vec<String> {
    log.iter()
        .map(|r| {
            let grant = r["grant_type"]
                .as_str()
                .map(|g| format!(" ({g})"))
                .unwrap_or_default();
            format!(
                "{} {}{grant} → {}",
                r["method"].as_str().unwrap_or("?"),
                r["path"].as_str().unwrap_or("?"),
                r["status"]
            )
        })
        .collect()
}

/// The rows of one lifetime phase (a heading before the first).
pub fn rows(tabs: usize, v: &Value) -> Vec<String> {
    let mut rows = Vec::new();
    if tabs == 1 {
        rows.push(format!(
            "-- per token lifetime (demo, loopback; TTL {TTL_SECS} s, refresh {BUFFER_SECS} s early, {LIFETIMES} lifetimes) --"
        ));
    }
    let per = v["refresh_per_lifetime"].as_f64().unwrap_or(f64::NAN);
    rows.push(format!(
        "{:<38} authenticate {:.2} per lifetime ({} in {:.1} s, {} ok)   floor 1, distance {:+.2}",
        format!("refresh, {tabs} tab(s)"),
        per,
        v["refresh_requests"],
        v["window_secs"].as_f64().unwrap_or(0.0),
        v["refresh_ok"],
        per - 1.0,
    ));
    let wake: Vec<String> = v["wakeups_per_lifetime_per_tab"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| format!("{:.2}", x.as_f64().unwrap_or(f64::NAN)))
                .collect()
        })
        .unwrap_or_default();
    rows.push(format!(
        "{:<38} SDK timer callbacks per lifetime per tab: {} (visibility {})",
        format!("wake-ups, {tabs} tab(s)"),
        wake.join(", "),
        v["visibility"]
    ));
    rows
}

//! `authkit-bench`: the browser half of `cargo xtask bench`.
//!
//! Drives the release build of the demo in headless Chromium against the emulator (the e2e
//! harness, with `AUTHKIT_E2E_RELEASE=1`) and measures:
//! - time to signed-in after the callback navigation and after a reload (the SDK's
//!   `performance.mark`s, read through WebDriver), plus the wasm fetch and the gap from the
//!   fetched wasm to `authkit:init` (compile + instantiate + Yew start);
//! - requests per flow from the emulator's request log (sign-in, reload, sign-out, per token
//!   lifetime with one and with four windows);
//! - wake-ups: `authkit:timer` marks (one per SDK timer callback) per token lifetime.
//!
//! Usage: `authkit-bench [--runs N] [--out DIR]` (defaults: 20 runs, `target/bench`). Writes
//! `DIR/browser.json` and `DIR/browser.txt` (the table rows). It never fails on a number.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use authkit_e2e::browser::Browser;
use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD};
use authkit_e2e::flows::complete_hosted_sign_in;
use authkit_e2e::{demo, Emulator, Harness};
use serde_json::{json, Value};

/// The access-token TTL for the lifetime phases, and how early the SDK refreshes.
const TTL_SECS: u64 = authkit_e2e::flows::SHORT_TTL_SECS;
const BUFFER_SECS: u64 = authkit_e2e::flows::REFRESH_BUFFER_SECS;
/// Token lifetimes observed per lifetime phase.
const LIFETIMES: u64 = 4;
/// Tabs (separate, visible windows) in the multi-tab phase.
const TABS: usize = 4;

/// Reads every `authkit:*` mark (first occurrence), the navigation entry and the `.wasm`
/// resource entry of the current page. Times are ms since `performance.timeOrigin`.
const MARKS_JS: &str = r#"
const marks = {};
for (const e of performance.getEntriesByType('mark')) {
  if (e.name.startsWith('authkit:') && !(e.name in marks)) marks[e.name] = e.startTime;
}
const nav = performance.getEntriesByType('navigation')[0] || null;
const wasm = performance.getEntriesByType('resource').find(r => r.name.split('?')[0].endsWith('.wasm')) || null;
return {
  marks,
  nav: nav && { fetchStart: nav.fetchStart, responseEnd: nav.responseEnd, type: nav.type,
                redirectCount: nav.redirectCount, domContentLoaded: nav.domContentLoadedEventEnd },
  wasm: wasm && { startTime: wasm.startTime, responseEnd: wasm.responseEnd,
                  transferSize: wasm.transferSize, encodedBodySize: wasm.encodedBodySize },
  timers: performance.getEntriesByName('authkit:timer').length,
  visibility: document.visibilityState,
  path: location.pathname,
};
"#;

#[derive(Debug, Default)]
struct Samples {
    callback_to_user: Vec<f64>,
    callback_exchange: Vec<f64>,
    reload_to_user: Vec<f64>,
    reload_refresh: Vec<f64>,
    wasm_fetch: Vec<f64>,
    wasm_to_init: Vec<f64>,
    sign_in_auth: Vec<usize>,
    sign_in_all: Vec<usize>,
    reload_auth: Vec<usize>,
    reload_all: Vec<usize>,
    sign_out_all: Vec<usize>,
    sign_out_auth: Vec<usize>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut runs = 20usize;
    let mut out = authkit_e2e::workspace_root().join("target/bench");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            _ => {
                eprintln!("usage: authkit-bench [--runs N] [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    // The harness reads this when it builds the demo: measure the release build.
    std::env::set_var(demo::RELEASE_ENV, "1");
    let started = Instant::now();
    let harness: &'static Harness = tokio::task::spawn_blocking(authkit_e2e::harness)
        .await
        .expect("start the e2e harness");
    let setup_secs = started.elapsed().as_secs_f64();
    let emu = harness.emulator();

    let mut rows: Vec<String> = Vec::new();
    let mut report = serde_json::Map::new();
    report.insert("runs".into(), json!(runs));
    report.insert("harness_setup_secs".into(), json!(round1(setup_secs)));

    let t = Instant::now();
    match flows(harness, &emu, runs).await {
        Ok(s) => summarise_flows(&s, &mut report, &mut rows),
        Err(e) => {
            rows.push(format!(
                "time to signed-in / requests per flow: FAILED ({e})"
            ));
            report.insert("flows_error".into(), json!(e));
        }
    }
    eprintln!("bench: flows took {:.1?}", t.elapsed());

    let t = Instant::now();
    for tabs in [1, TABS] {
        match lifetimes(harness, &emu, tabs).await {
            Ok(v) => {
                summarise_lifetimes(tabs, &v, &mut rows);
                report.insert(format!("lifetimes_{tabs}_tab"), v);
            }
            Err(e) => {
                rows.push(format!("per lifetime, {tabs} tab(s): FAILED ({e})"));
                report.insert(format!("lifetimes_{tabs}_tab_error"), json!(e));
            }
        }
    }
    eprintln!("bench: lifetimes took {:.1?}", t.elapsed());

    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("bench: cannot create {}: {e}", out.display());
        std::process::exit(1);
    }
    let json_text = serde_json::to_string_pretty(&Value::Object(report)).unwrap_or_default();
    let table = rows.join("\n");
    println!("{table}");
    for (name, text) in [("browser.json", json_text), ("browser.txt", table)] {
        if let Err(e) = std::fs::write(out.join(name), text) {
            eprintln!("bench: cannot write {name}: {e}");
            std::process::exit(1);
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Median and p95 (nearest rank) of `v`; `None` when empty.
fn median_p95(v: &[f64]) -> Option<(f64, f64)> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        let r = (q * s.len() as f64).ceil() as usize;
        s[r.clamp(1, s.len()) - 1]
    };
    let median = if s.len() % 2 == 1 {
        s[s.len() / 2]
    } else {
        (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0
    };
    Some((median, rank(0.95)))
}

fn mark(page: &Value, name: &str) -> Option<f64> {
    page["marks"][name].as_f64()
}

/// Polls the page until `authkit:signed-in` is marked (at most 30 s); returns the page data.
async fn wait_signed_in_marks(b: &Browser) -> Result<Value, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(v) = b.js(MARKS_JS, vec![]).await {
            if mark(&v, "authkit:signed-in").is_some() {
                return Ok(v);
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no authkit:signed-in mark; page: {}",
                b.describe().await
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The API requests of the log (the emulator does not log its control API) and how many of
/// them are `POST /user_management/authenticate`.
async fn requests(emu: &Emulator) -> Result<(usize, usize, Vec<String>), String> {
    let log = emu.requests().await.map_err(|e| e.to_string())?;
    let auth = log
        .iter()
        .filter(|r| r["path"] == "/user_management/authenticate")
        .count();
    let lines = log
        .iter()
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
        .collect();
    Ok((log.len(), auth, lines))
}

/// Lets trailing requests of a flow land in the log before it is read.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// `runs` × (sign in → reload → sign out) in one browser, timing the first two and counting
/// the requests of all three.
async fn flows(h: &Harness, emu: &Emulator, runs: usize) -> Result<Samples, String> {
    emu.reset().await.map_err(|e| e.to_string())?;
    let b = Browser::launch(&h.webdriver_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = flows_in(h, emu, &b, runs).await;
    b.close().await;
    result
}

async fn flows_in(
    h: &Harness,
    emu: &Emulator,
    b: &Browser,
    runs: usize,
) -> Result<Samples, String> {
    let mut s = Samples::default();
    // One warm-up round (first compile of the wasm, first emulator hash), not counted.
    for i in 0..=runs {
        let counted = i > 0;
        b.goto(&h.dev_url("/")).await.map_err(|e| e.to_string())?;
        b.wait_status("signed-out").await;
        emu.clear_requests().await.map_err(|e| e.to_string())?;
        b.click("#sign-in").await.map_err(|e| e.to_string())?;
        complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
        let page = wait_signed_in_marks(b).await?;
        b.wait_status("signed-in").await;
        settle().await;
        let (all, auth, _) = requests(emu).await?;
        if counted {
            // The callback document's fetch starts after the hosted page's redirect.
            let start = page["nav"]["fetchStart"].as_f64().unwrap_or(0.0);
            if let Some(user) = mark(&page, "authkit:signed-in") {
                s.callback_to_user.push(user - start);
            }
            if let (Some(a), Some(z)) = (
                mark(&page, "authkit:exchange-start"),
                mark(&page, "authkit:exchange-end"),
            ) {
                s.callback_exchange.push(z - a);
            }
            s.sign_in_all.push(all);
            s.sign_in_auth.push(auth);
        }

        emu.clear_requests().await.map_err(|e| e.to_string())?;
        b.reload().await.map_err(|e| e.to_string())?;
        let page = wait_signed_in_marks(b).await?;
        b.wait_status("signed-in").await;
        settle().await;
        let (all, auth, _) = requests(emu).await?;
        if counted {
            if let Some(user) = mark(&page, "authkit:signed-in") {
                s.reload_to_user.push(user);
            }
            if let (Some(a), Some(z)) = (
                mark(&page, "authkit:refresh-start"),
                mark(&page, "authkit:refresh-end"),
            ) {
                s.reload_refresh.push(z - a);
            }
            if let (Some(w), Some(init)) = (page["wasm"].as_object(), mark(&page, "authkit:init")) {
                let start = w["startTime"].as_f64().unwrap_or(0.0);
                let end = w["responseEnd"].as_f64().unwrap_or(0.0);
                s.wasm_fetch.push(end - start);
                s.wasm_to_init.push(init - end);
            }
            s.reload_all.push(all);
            s.reload_auth.push(auth);
        }

        emu.clear_requests().await.map_err(|e| e.to_string())?;
        b.click("#sign-out").await.map_err(|e| e.to_string())?;
        b.wait_status("signed-out").await;
        settle().await;
        let (all, auth, _) = requests(emu).await?;
        if counted {
            s.sign_out_all.push(all);
            s.sign_out_auth.push(auth);
        }
        eprintln!("bench: flow run {i}/{runs} done");
    }
    Ok(s)
}

fn summarise_flows(
    s: &Samples,
    report: &mut serde_json::Map<String, Value>,
    rows: &mut Vec<String>,
) {
    let timing = |name: &str, v: &[f64], what: &str, rows: &mut Vec<String>| -> Value {
        match median_p95(v) {
            Some((m, p)) => {
                rows.push(format!(
                    "{name:<38} median {m:>7.1} ms   p95 {p:>7.1} ms   (n={}; {what})",
                    v.len()
                ));
                json!({ "median_ms": round1(m), "p95_ms": round1(p), "n": v.len(), "what": what })
            }
            None => {
                rows.push(format!("{name:<38} no samples"));
                Value::Null
            }
        }
    };
    let mut t = serde_json::Map::new();
    rows.push("-- time to signed-in (release demo, headless Chromium, loopback) --".into());
    t.insert(
        "callback_to_user".into(),
        timing(
            "callback → user (a)",
            &s.callback_to_user,
            "callback document fetchStart → authkit:signed-in",
            rows,
        ),
    );
    t.insert(
        "callback_exchange".into(),
        timing(
            "  of which code exchange",
            &s.callback_exchange,
            "authkit:exchange-start → exchange-end",
            rows,
        ),
    );
    t.insert(
        "reload_to_user".into(),
        timing(
            "reload → user (b)",
            &s.reload_to_user,
            "navigation start → authkit:signed-in",
            rows,
        ),
    );
    t.insert(
        "reload_refresh".into(),
        timing(
            "  of which refresh round trip",
            &s.reload_refresh,
            "authkit:refresh-start → refresh-end",
            rows,
        ),
    );
    t.insert(
        "wasm_fetch".into(),
        timing(
            "  wasm fetch (reload)",
            &s.wasm_fetch,
            "Resource Timing of the .wasm",
            rows,
        ),
    );
    t.insert(
        "wasm_to_init".into(),
        timing(
            "  wasm fetched → authkit:init",
            &s.wasm_to_init,
            "compile + instantiate + Yew start",
            rows,
        ),
    );
    report.insert("time_to_signed_in".into(), Value::Object(t));

    let mut r = serde_json::Map::new();
    rows.push("-- requests per flow (emulator log; floor = 1 authenticate) --".into());
    for (key, label, all, auth, floor) in [
        (
            "sign_in",
            "sign-in",
            &s.sign_in_all,
            &s.sign_in_auth,
            Some(1),
        ),
        ("reload", "reload", &s.reload_all, &s.reload_auth, Some(1)),
        (
            "sign_out",
            "sign-out",
            &s.sign_out_all,
            &s.sign_out_auth,
            None,
        ),
    ] {
        let mean = |v: &[usize]| {
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<usize>() as f64 / v.len() as f64
            }
        };
        let (max_auth, min_auth) = (
            auth.iter().copied().max().unwrap_or(0),
            auth.iter().copied().min().unwrap_or(0),
        );
        let distance = floor.map(|f: usize| mean(auth) - f as f64);
        rows.push(format!(
            "{label:<38} authenticate {:.2} (min {min_auth}, max {max_auth})   all API requests {:.2}   {}",
            mean(auth),
            mean(all),
            match distance {
                Some(d) => format!("floor 1, distance {d:+.2}"),
                None => "no authenticate floor (the logout navigation)".into(),
            }
        ));
        r.insert(
            key.into(),
            json!({
                "authenticate_mean": mean(auth), "authenticate_min": min_auth,
                "authenticate_max": max_auth, "all_requests_mean": mean(all),
                "floor": floor, "distance_from_floor": distance, "n": auth.len(),
            }),
        );
    }
    report.insert("requests".into(), Value::Object(r));
}

/// Signs in with a `TTL_SECS` token, opens `tabs` windows on the signed-in home page, aligns
/// to a refresh, then watches `LIFETIMES` token lifetimes: refresh requests in the emulator
/// log and `authkit:timer` marks in every window.
async fn lifetimes(h: &Harness, emu: &Emulator, tabs: usize) -> Result<Value, String> {
    emu.reset().await.map_err(|e| e.to_string())?;
    emu.set_config(json!({ "access_token_ttl_secs": TTL_SECS }))
        .await
        .map_err(|e| e.to_string())?;
    let b = Browser::launch(&h.webdriver_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = lifetimes_in(h, emu, &b, tabs).await;
    b.close().await;
    result
}

async fn lifetimes_in(
    h: &Harness,
    emu: &Emulator,
    b: &Browser,
    tabs: usize,
) -> Result<Value, String> {
    b.goto(&h.dev_url("/")).await.map_err(|e| e.to_string())?;
    b.wait_status("signed-out").await;
    b.click("#sign-in").await.map_err(|e| e.to_string())?;
    complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
    b.wait_status("signed-in").await;
    // Rest on the public home page (no token panel polling the SDK).
    b.goto(&h.dev_url("/")).await.map_err(|e| e.to_string())?;
    b.wait_status("signed-in").await;
    let mut windows = vec![b.client.window().await.map_err(|e| e.to_string())?];
    for _ in 1..tabs {
        let w = b
            .client
            .new_window(false)
            .await
            .map_err(|e| e.to_string())?
            .handle;
        b.client
            .switch_to_window(w.clone())
            .await
            .map_err(|e| e.to_string())?;
        b.goto(&h.dev_url("/")).await.map_err(|e| e.to_string())?;
        b.wait_status("signed-in").await;
        windows.push(w);
    }
    // Align to a refresh: wait for the next refresh request, then start counting.
    let before = emu
        .grants("refresh_token")
        .await
        .map_err(|e| e.to_string())?
        .len();
    let deadline = Instant::now() + Duration::from_secs(TTL_SECS + 20);
    loop {
        let n = emu
            .grants("refresh_token")
            .await
            .map_err(|e| e.to_string())?
            .len();
        if n > before {
            break;
        }
        if Instant::now() > deadline {
            return Err("no refresh within a token lifetime".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    emu.clear_requests().await.map_err(|e| e.to_string())?;
    let mut timers_before = Vec::new();
    let mut visibility = Vec::new();
    for w in &windows {
        b.client
            .switch_to_window(w.clone())
            .await
            .map_err(|e| e.to_string())?;
        let v = b.js(MARKS_JS, vec![]).await.map_err(|e| e.to_string())?;
        timers_before.push(v["timers"].as_u64().unwrap_or(0));
        visibility.push(v["visibility"].clone());
    }
    // LIFETIMES refresh deadlines fall inside this window (it started just after one).
    let cycle = Duration::from_secs(TTL_SECS - BUFFER_SECS);
    let window = cycle * LIFETIMES as u32 + cycle / 2;
    tokio::time::sleep(window).await;
    let (all, _, lines) = requests(emu).await?;
    let refreshes = emu
        .grants("refresh_token")
        .await
        .map_err(|e| e.to_string())?;
    let mut timers = Vec::new();
    let mut signed_in = Vec::new();
    for (w, before) in windows.iter().zip(&timers_before) {
        b.client
            .switch_to_window(w.clone())
            .await
            .map_err(|e| e.to_string())?;
        let v = b.js(MARKS_JS, vec![]).await.map_err(|e| e.to_string())?;
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
        "all_requests": all,
        "requests": lines,
        "refresh_per_lifetime": refreshes.len() as f64 / LIFETIMES as f64,
        "floor_per_lifetime": 1,
        "timer_callbacks_per_tab": timers,
        "wakeups_per_lifetime_per_tab": timers.iter().map(|t| *t as f64 / LIFETIMES as f64).collect::<Vec<_>>(),
        "visibility": visibility,
        "status_after": signed_in,
    }))
}

fn summarise_lifetimes(tabs: usize, v: &Value, rows: &mut Vec<String>) {
    if tabs == 1 {
        rows.push(format!(
            "-- per token lifetime (TTL {TTL_SECS} s, refresh {BUFFER_SECS} s early, {LIFETIMES} lifetimes) --"
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
}

#[cfg(test)]
mod tests {
    use super::median_p95;

    #[test]
    fn median_and_nearest_rank_p95() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(median_p95(&v), Some((10.5, 19.0)));
        assert_eq!(median_p95(&[3.0, 1.0, 2.0]), Some((2.0, 3.0)));
        assert_eq!(median_p95(&[]), None);
    }
}

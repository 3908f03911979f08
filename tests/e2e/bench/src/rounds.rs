//! The timed flows: per round, for each network profile and each app (interleaved, in an
//! order that rotates every round), sign in through the emulator's hosted page and back to
//! the callback, reload, and end the session. One warm-up round is not counted.

use std::collections::BTreeMap;
use std::time::Duration;

use authkit_e2e::browser::Browser;
use authkit_e2e::config::{DEMO_EMAIL, DEMO_PASSWORD};
use authkit_e2e::flows::complete_hosted_sign_in;
use authkit_e2e::{Emulator, Harness};
use serde_json::{json, Value};

use crate::apps::{AppKey, ServedApp};
use crate::error::BenchError;
use crate::network::Profile;
use crate::page::{self, mark};
use crate::relay::PreflightRelay;

/// The longest one round of one app may take before it is abandoned.
const ROUND_LIMIT: Duration = Duration::from_secs(180);

/// API requests of one flow in the emulator's log: all of them, and the `authenticate` ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// Every API request (the emulator does not log its control API).
    pub all: usize,
    /// `POST /user_management/authenticate`.
    pub authenticate: usize,
}

/// The requests of the three flows of one round (counted for the demo on loopback only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowRequests {
    /// Sign-in: from the click to the signed-in callback page.
    pub sign_in: Requests,
    /// The reload.
    pub reload: Requests,
    /// Sign-out (the demo's button).
    pub sign_out: Requests,
}

/// What one round of one app measured.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// Times in ms by metric key (see `summary::METRICS`); a metric the app has no mark
    /// for is absent.
    pub times: BTreeMap<&'static str, f64>,
    /// The largest resource of the app's own origin on reload (`PAGE_JS`'s `largest`).
    pub largest: Value,
    /// The reload's waterfall (`page::WATERFALL_JS`).
    pub waterfall: Value,
    /// The flows' requests, when counted.
    pub requests: Option<FlowRequests>,
}

impl Sample {
    /// The callback page's times: its document's `fetchStart` (after the hosted page's
    /// redirect) to `authkit:signed-in`, and the code exchange.
    fn record_callback(&mut self, page: &Value) {
        let start = page["nav"]["fetchStart"].as_f64().unwrap_or(0.0);
        self.put("callback_fetch_start", Some(start));
        self.put(
            "callback_to_user",
            mark(page, "authkit:signed-in").map(|user| user - start),
        );
        self.put(
            "callback_exchange",
            span(page, "authkit:exchange-start", "authkit:exchange-end"),
        );
    }

    /// The reload's times: navigation start to `authkit:signed-in`, the refresh, the app's
    /// code, the wasm.
    fn record_reload(&mut self, page: &Value) {
        self.put("reload_to_user", mark(page, "authkit:signed-in"));
        self.put(
            "reload_refresh",
            span(page, "authkit:refresh-start", "authkit:refresh-end"),
        );
        self.put("reload_code_fetched", page["codeFetched"].as_f64());
        let wasm_start = page["wasm"]["startTime"].as_f64();
        let wasm_end = page["wasm"]["responseEnd"].as_f64();
        self.put(
            "reload_wasm_fetch",
            wasm_start.zip(wasm_end).map(|(a, z)| z - a),
        );
        self.put(
            "reload_wasm_to_init",
            mark(page, "authkit:init")
                .zip(wasm_end)
                .map(|(init, end)| init - end),
        );
        let largest = &page["largest"];
        self.put(
            "reload_largest_fetch",
            largest["startTime"]
                .as_f64()
                .zip(largest["responseEnd"].as_f64())
                .map(|(a, z)| z - a),
        );
        self.largest = largest.clone();
    }

    fn put(&mut self, key: &'static str, value: Option<f64>) {
        if let Some(v) = value {
            self.times.insert(key, v);
        }
    }
}

/// `to − from` of two marks.
fn span(page: &Value, from: &str, to: &str) -> Option<f64> {
    Some(mark(page, to)? - mark(page, from)?)
}

/// Everything the rounds measured, by (profile, app).
#[derive(Debug, Default)]
pub struct Measured {
    /// The counted rounds that completed.
    pub samples: BTreeMap<(Profile, AppKey), Vec<Sample>>,
    /// Why counted rounds failed.
    pub failures: BTreeMap<(Profile, AppKey), Vec<String>>,
}

impl Measured {
    /// The values of metric `key` over the samples of (profile, app).
    pub fn values(&self, profile: Profile, app: AppKey, key: &str) -> Vec<f64> {
        self.samples
            .get(&(profile, app))
            .map(|s| s.iter().filter_map(|x| x.times.get(key).copied()).collect())
            .unwrap_or_default()
    }
}

/// Where the rounds run: the browser, the emulator (control calls) and the relay the apps
/// reach it through.
#[derive(Debug, Clone)]
pub struct Bench {
    /// One Chromium for every round.
    pub browser: Browser,
    /// Emulator A.
    pub emu: Emulator,
    /// The apps' way to emulator A.
    pub relay: PreflightRelay,
}

/// Runs `runs` counted rounds (after one warm-up) in one Chromium.
pub async fn measure(
    h: &Harness,
    emu: &Emulator,
    relay: &PreflightRelay,
    apps: &[ServedApp],
    profiles: &[Profile],
    runs: usize,
) -> Result<Measured, BenchError> {
    emu.reset().await?;
    let bench = Bench {
        browser: Browser::launch(&h.webdriver_url).await?,
        emu: emu.clone(),
        relay: relay.clone(),
    };
    let measured = measure_in(&bench, apps, profiles, runs).await;
    bench.browser.close().await;
    Ok(measured)
}

async fn measure_in(
    bench: &Bench,
    apps: &[ServedApp],
    profiles: &[Profile],
    runs: usize,
) -> Measured {
    let mut measured = Measured::default();
    for round in 0..=runs {
        for &profile in profiles {
            for app in rotated(apps, round) {
                let count = app.key == AppKey::Demo && profile == Profile::Loopback;
                let result = guarded_round(bench, app, profile, count).await;
                if round == 0 {
                    if let Err(e) = &result {
                        eprintln!("bench: warm-up of {} failed: {e}", app.key.label());
                    }
                    continue;
                }
                let cell = (profile, app.key);
                match result {
                    Ok(sample) => measured.samples.entry(cell).or_default().push(sample),
                    Err(e) => {
                        eprintln!("bench: {} on {}: {e}", app.key.label(), profile.key());
                        measured
                            .failures
                            .entry(cell)
                            .or_default()
                            .push(e.to_string());
                    }
                }
            }
        }
        eprintln!("bench: round {round}/{runs} done (round 0 is the warm-up)");
    }
    measured
}

/// `apps` starting at `round % len`: each app takes each place in the order equally often.
fn rotated(apps: &[ServedApp], round: usize) -> impl Iterator<Item = &ServedApp> {
    let start = if apps.is_empty() {
        0
    } else {
        round % apps.len()
    };
    apps[start..].iter().chain(&apps[..start])
}

/// [`one_round`] in its own task, so that a panicking helper or a hung page fails this round
/// only; after a failure the app's site data is cleared so the next round starts signed out.
async fn guarded_round(
    bench: &Bench,
    app: &ServedApp,
    profile: Profile,
    count: bool,
) -> Result<Sample, BenchError> {
    let (owned, served) = (bench.clone(), app.clone());
    let task = tokio::spawn(async move { one_round(&owned, &served, profile, count).await });
    let abort = task.abort_handle();
    let result = match tokio::time::timeout(ROUND_LIMIT, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) if e.is_panic() => Err(BenchError::Panicked(panic_text(e.into_panic()))),
        Ok(Err(e)) => Err(BenchError::Panicked(e.to_string())),
        Err(_) => {
            abort.abort();
            Err(BenchError::Page(format!(
                "the round took longer than {ROUND_LIMIT:?}"
            )))
        }
    };
    if result.is_err() {
        let b = &bench.browser;
        let _ = b.emulate_network(None).await;
        if b.goto(&app.url("/")).await.is_ok() {
            let _ = page::clear_site_data(b).await;
        }
    }
    result
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Under `profile`: open the app signed out, sign in through the hosted page and time the
/// callback, reload and time it, end the session. Counts the emulator's requests of each
/// flow when `count` (the log is shared, so only for one app at a time).
async fn one_round(
    bench: &Bench,
    app: &ServedApp,
    profile: Profile,
    count: bool,
) -> Result<Sample, BenchError> {
    let b = &bench.browser;
    let counter = count.then_some(&bench.emu);
    set_network(bench, profile).await?;
    b.goto(&app.url("/")).await?;
    let mut sample = Sample::default();

    start_count(counter).await?;
    start_sign_in(b, app).await?;
    complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, 0).await;
    sample.record_callback(&page::signed_in_page(b).await?);
    let sign_in = finish_count(counter).await?;

    start_count(counter).await?;
    b.reload().await?;
    sample.record_reload(&page::signed_in_page(b).await?);
    sample.waterfall = page::waterfall(b).await?;
    let reload = finish_count(counter).await?;

    start_count(counter).await?;
    end_session(b, app).await?;
    let sign_out = finish_count(counter).await?;
    if let (Some(sign_in), Some(reload), Some(sign_out)) = (sign_in, reload, sign_out) {
        sample.requests = Some(FlowRequests {
            sign_in,
            reload,
            sign_out,
        });
    }
    Ok(sample)
}

/// Puts the browser and the relay on `profile`, with the browser's cache off: every load
/// downloads everything (the apps are served no-store anyway) and every preflighted request
/// sends its preflight, as on a visitor's first API call after a while (the emulator lets a
/// preflight be cached for 5 s, which would hide the reload's behind the callback's).
async fn set_network(bench: &Bench, profile: Profile) -> Result<(), BenchError> {
    let conditions = profile.conditions();
    bench
        .relay
        .set_delay_ms(conditions.map_or(0.0, |c| c.latency_ms));
    bench.browser.emulate_network(conditions.as_ref()).await?;
    bench
        .browser
        .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await?;
    Ok(())
}

/// Starts sign-in from the app's home page. (b) starts it by itself: its `use_user` guard
/// sends a signed-out visitor to AuthKit. The demo and the reference have a sign-in button,
/// clicked once the app shows `signed-out` (and, for the demo, the SDK has settled:
/// `authkit:ready`) so that the click reaches a started client.
async fn start_sign_in(b: &Browser, app: &ServedApp) -> Result<(), BenchError> {
    match app.key {
        AppKey::WithSdk => return Ok(()),
        AppKey::Demo => page::wait_for_mark(b, "authkit:ready").await?,
        AppKey::Reference => {}
    }
    page::wait_status(b, "signed-out").await?;
    b.click("#sign-in").await?;
    Ok(())
}

/// Ends the session: the demo through its sign-out button (AuthKit's logout navigation),
/// the others by clearing their site data (they have no sign-out button).
async fn end_session(b: &Browser, app: &ServedApp) -> Result<(), BenchError> {
    if app.key == AppKey::Demo {
        b.click("#sign-out").await?;
        page::wait_status(b, "signed-out").await
    } else {
        page::clear_site_data(b).await
    }
}

async fn start_count(counter: Option<&Emulator>) -> Result<(), BenchError> {
    if let Some(emu) = counter {
        emu.clear_requests().await?;
    }
    Ok(())
}

/// Lets a flow's trailing requests land in the log, then counts them.
async fn finish_count(counter: Option<&Emulator>) -> Result<Option<Requests>, BenchError> {
    let Some(emu) = counter else {
        return Ok(None);
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = emu.requests().await?;
    let authenticate = log
        .iter()
        .filter(|r| r["path"] == "/user_management/authenticate")
        .count();
    Ok(Some(Requests {
        all: log.len(),
        authenticate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app(key: AppKey) -> ServedApp {
        ServedApp {
            key,
            origin: String::new(),
        }
    }

    #[test]
    fn every_app_takes_every_place_in_turn() {
        let apps = [
            app(AppKey::WithSdk),
            app(AppKey::Demo),
            app(AppKey::Reference),
        ];
        let order = |round| rotated(&apps, round).map(|a| a.key).collect::<Vec<_>>();
        assert_eq!(order(0), [AppKey::WithSdk, AppKey::Demo, AppKey::Reference]);
        assert_eq!(order(1), [AppKey::Demo, AppKey::Reference, AppKey::WithSdk]);
        assert_eq!(order(3), order(0));
        assert_eq!(rotated(&[], 5).count(), 0);
    }

    #[test]
    fn the_callback_is_timed_from_its_documents_fetch_start() {
        let page = json!({
            "nav": { "fetchStart": 400.0 },
            "marks": { "authkit:signed-in": 1500.0, "authkit:exchange-start": 900.0,
                       "authkit:exchange-end": 1300.0 },
        });
        let mut s = Sample::default();
        s.record_callback(&page);
        assert_eq!(s.times["callback_to_user"], 1100.0);
        assert_eq!(s.times["callback_exchange"], 400.0);
    }

    #[test]
    fn a_reload_without_sdk_marks_has_only_the_common_times() {
        let page = json!({
            "marks": { "authkit:signed-in": 800.0 },
            "wasm": null,
            "codeFetched": 500.0,
            "largest": { "name": "/app.js", "startTime": 200.0, "responseEnd": 500.0 },
        });
        let mut s = Sample::default();
        s.record_reload(&page);
        assert_eq!(s.times["reload_to_user"], 800.0);
        assert_eq!(s.times["reload_code_fetched"], 500.0);
        assert_eq!(s.times["reload_largest_fetch"], 300.0);
        assert!(!s.times.contains_key("reload_refresh"));
        assert!(!s.times.contains_key("reload_wasm_fetch"));
    }
}

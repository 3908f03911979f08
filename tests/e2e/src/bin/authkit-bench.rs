//! `authkit-bench`: the browser half of `cargo xtask bench`.
//!
//! Starts the e2e harness (emulator A on `localhost`, chromedriver; its own debug build of
//! the demo goes unused) and a relay in front of emulator A that holds CORS preflights for
//! the profile's latency (Chromium's emulation does not delay them). Builds (b)
//! `xtask/baseline/with-sdk` and the demo with `trunk build --release`, and the authkit-react
//! reference (`tests/e2e/bench/reference`, from the npm registry, esbuild), all with the
//! relay as their API, each on its own static server, gzip-compressed. Then, in one headless
//! Chromium with its cache off, on each network profile (loopback; Lighthouse's mobile
//! profile through the DevTools protocol), it measures:
//! - time to signed-in after the callback and after a reload, from the navigation to the
//!   `authkit:signed-in` mark (the SDK's; the reference marks the same moment), for (b), the
//!   demo and the reference, interleaved; medians, p95 and ours / authkit-react;
//! - a throttling check (the largest resource's fetch time against the profile's floor) and
//!   the waterfall of the median reload of each app;
//! - the demo's requests per flow (loopback), and requests and wake-ups per token lifetime
//!   with one and with four windows.
//!
//! Usage: `authkit-bench [--runs N] [--out DIR] [--network loopback|mobile|both]` (defaults:
//! 20 runs, `target/bench`, both). Writes `DIR/browser.json`, `DIR/browser.txt` (the table
//! rows) and `DIR/waterfall-<profile>-<app>.{json,txt}`. It never fails on a number.

#[path = "../../bench/src/apps.rs"]
mod apps;
#[path = "../../bench/src/error.rs"]
mod error;
#[path = "../../bench/src/lifetimes.rs"]
mod lifetimes;
#[path = "../../bench/src/network.rs"]
mod network;
#[path = "../../bench/src/page.rs"]
mod page;
#[path = "../../bench/src/relay.rs"]
mod relay;
#[path = "../../bench/src/rounds.rs"]
mod rounds;
#[path = "../../bench/src/stats.rs"]
mod stats;
#[path = "../../bench/src/summary.rs"]
mod summary;
#[path = "../../bench/src/waterfall.rs"]
mod waterfall;

use std::path::{Path, PathBuf};
use std::time::Instant;

use authkit_e2e::Harness;
use serde_json::{json, Map, Value};

use apps::{AppKey, ServedApp};
use error::BenchError;
use network::Profile;
use relay::PreflightRelay;
use rounds::Measured;
use waterfall::Waterfall;

/// The command line.
#[derive(Debug, Clone, PartialEq)]
struct Args {
    /// Counted rounds per (profile, app).
    runs: usize,
    /// Where the outputs go.
    out: PathBuf,
    /// The networks, in the order they are measured within a round.
    profiles: Vec<Profile>,
}

/// Parses `[--runs N] [--out DIR] [--network loopback|mobile|both]`.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, BenchError> {
    let mut parsed = Args {
        runs: 20,
        out: authkit_e2e::workspace_root().join("target/bench"),
        profiles: vec![Profile::Loopback, Profile::Mobile],
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| BenchError::Usage(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--runs" => {
                parsed.runs =
                    value()?.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        BenchError::Usage("--runs needs a positive number".into())
                    })?;
            }
            "--out" => parsed.out = PathBuf::from(value()?),
            "--network" => parsed.profiles = network::parse_profiles(&value()?)?,
            other => return Err(BenchError::Usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(parsed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("authkit-bench: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args).await {
        eprintln!("authkit-bench: {e}");
        std::process::exit(1);
    }
}

/// Everything the bench prints and writes.
#[derive(Debug, Default)]
struct Report {
    rows: Vec<String>,
    json: Map<String, Value>,
}

impl Report {
    fn add(&mut self, key: &str, (rows, value): (Vec<String>, Value)) {
        self.rows.extend(rows);
        self.json.insert(key.to_owned(), value);
    }
}

async fn run(args: &Args) -> Result<(), BenchError> {
    std::fs::create_dir_all(&args.out)
        .map_err(|e| BenchError::io(format!("create {}", args.out.display()), e))?;
    let started = Instant::now();
    let harness: &'static Harness = tokio::task::spawn_blocking(authkit_e2e::harness)
        .await
        .map_err(|e| BenchError::Panicked(format!("the e2e harness did not start: {e}")))?;
    let mut report = Report::default();
    report.json.insert("runs".into(), json!(args.runs));
    report.json.insert(
        "harness_setup_secs".into(),
        json!(stats::round1(started.elapsed().as_secs_f64())),
    );
    report
        .json
        .insert("network".into(), profiles_json(&args.profiles));
    report.json.insert(
        "served".into(),
        json!("static server per app on http://localhost:PORT: gzip -9 when Accept-Encoding accepts it, Cache-Control: no-store"),
    );

    let relay = PreflightRelay::start(harness.api_port).await?;
    let t = Instant::now();
    report.add("apps", prepare_apps(harness, relay.port(), &args.out).await);
    let served = served_apps(&report.json["apps"]);
    eprintln!("bench: builds took {:.1?}", t.elapsed());
    let t = Instant::now();
    let emu = harness.emulator();
    let measured =
        rounds::measure(harness, &emu, &relay, &served, &args.profiles, args.runs).await?;
    eprintln!("bench: flows took {:.1?}", t.elapsed());
    summarise(&measured, &served, args, &mut report);

    relay.set_delay_ms(0.0);
    let t = Instant::now();
    if let Some(demo) = served.iter().find(|a| a.key == AppKey::Demo) {
        lifetime_phases(harness, demo, &mut report).await;
    }
    eprintln!("bench: lifetimes took {:.1?}", t.elapsed());
    write_outputs(&args.out, report)
}

/// Requests and wake-ups per token lifetime of the demo, with one and with four windows.
async fn lifetime_phases(h: &Harness, demo: &ServedApp, report: &mut Report) {
    for tabs in [1, lifetimes::TABS] {
        match lifetimes::lifetimes(h, &h.emulator(), demo, tabs).await {
            Ok(v) => {
                report.rows.extend(lifetimes::rows(tabs, &v));
                report.json.insert(format!("lifetimes_{tabs}_tab"), v);
            }
            Err(e) => {
                report
                    .rows
                    .push(format!("per lifetime, {tabs} tab(s): FAILED ({e})"));
                report
                    .json
                    .insert(format!("lifetimes_{tabs}_tab_error"), json!(e.to_string()));
            }
        }
    }
}

/// `{profile: conditions}` of the measured profiles.
fn profiles_json(profiles: &[Profile]) -> Value {
    profiles
        .iter()
        .map(|p| (p.key().to_owned(), p.to_json()))
        .collect::<Map<_, _>>()
        .into()
}

/// Builds and serves (b), the demo and the reference, all with `api_port` (the relay's) as
/// their API port. A build that fails is reported and its app left out; the others are
/// measured.
async fn prepare_apps(h: &'static Harness, api_port: u16, out: &Path) -> (Vec<String>, Value) {
    let (out, logs, root) = (
        out.to_path_buf(),
        h.work_dir.clone(),
        authkit_e2e::workspace_root(),
    );
    let built = tokio::task::spawn_blocking(move || {
        [
            apps::build_with_sdk(&root, &out, api_port, &logs).map(|app| (app, Value::Null)),
            apps::build_demo(&root, &out, api_port, &logs).map(|app| (app, Value::Null)),
            apps::build_reference(&out, api_port, &logs),
        ]
    })
    .await;
    let mut rows = vec![format!(
        "-- apps (dev mode, redirect URI {{origin}}/account, API: emulator A through the preflight relay on :{api_port}) --"
    )];
    let mut json = Map::new();
    let Ok(built) = built else {
        rows.push("the app builds panicked: nothing to measure".into());
        return (rows, json.into());
    };
    for (key, result) in [AppKey::WithSdk, AppKey::Demo, AppKey::Reference]
        .into_iter()
        .zip(built)
    {
        match result {
            Ok((app, details)) => {
                rows.push(app_row(&app, &details));
                let mut entry = if details.is_object() {
                    details
                } else {
                    json!({})
                };
                entry["origin"] = json!(app.origin);
                json.insert(key.key().into(), entry);
            }
            Err(e) => rows.push(format!("{:<15} NOT measured ({e})", key.label())),
        }
    }
    (rows, json.into())
}

/// One app's line: where it is served and how it was built.
fn app_row(app: &ServedApp, details: &Value) -> String {
    let how = match app.key {
        AppKey::WithSdk => "xtask/baseline/with-sdk, trunk build --release".to_owned(),
        AppKey::Demo => "the demo, trunk build --release".to_owned(),
        AppKey::Reference => format!(
            "tests/e2e/bench/reference; {}; app.js {} B raw",
            versions_text(&details["versions"]),
            details["app_js_raw"]
        ),
    };
    format!("{:<15} {} ({how})", app.key.label(), app.origin)
}

/// `name version, …` of the installed reference packages.
fn versions_text(versions: &Value) -> String {
    versions
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(name, v)| format!("{name} {}", v.as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The apps that were built, in table order ((b), demo, reference), from the `apps` JSON.
fn served_apps(built: &Value) -> Vec<ServedApp> {
    [AppKey::WithSdk, AppKey::Demo, AppKey::Reference]
        .into_iter()
        .filter_map(|key| {
            let origin = built[key.key()]["origin"].as_str()?;
            Some(ServedApp {
                key,
                origin: origin.to_owned(),
            })
        })
        .collect()
}

/// The timing, ratio, throttling, waterfall and request sections.
fn summarise(m: &Measured, served: &[ServedApp], args: &Args, report: &mut Report) {
    let keys: Vec<AppKey> = served.iter().map(|a| a.key).collect();
    report.add(
        "time_to_signed_in",
        summary::times(m, &keys, &args.profiles, args.runs),
    );
    report.add("ratios", summary::ratios(m, &args.profiles));
    report.add(
        "throttle_check",
        summary::throttle_check(m, &keys, &args.profiles),
    );
    report.add("waterfalls", waterfalls(m, &keys, args));
    report.add("requests", summary::requests(m));
}

/// Saves the median reload's waterfall of every (profile, app); prints those of (b) and the
/// reference on the last profile (mobile, when measured).
fn waterfalls(m: &Measured, apps: &[AppKey], args: &Args) -> (Vec<String>, Value) {
    let mut rows = Vec::new();
    let mut files = Vec::new();
    let printed = args.profiles.last().copied();
    for &profile in &args.profiles {
        for &app in apps {
            let Some(w) = Waterfall::pick(m, profile, app) else {
                continue;
            };
            match w.write(&args.out) {
                Ok(path) => files.push(path.display().to_string()),
                Err(e) => rows.push(format!("waterfall not saved: {e}")),
            }
            if Some(profile) == printed && app != AppKey::Demo {
                rows.extend(w.rows());
            }
        }
    }
    rows.push(format!("waterfalls (.txt and .json): {}", files.join(", ")));
    (rows, json!(files))
}

/// Writes `browser.json` and `browser.txt` and prints the rows.
fn write_outputs(out: &Path, report: Report) -> Result<(), BenchError> {
    let json_text = serde_json::to_string_pretty(&Value::Object(report.json)).unwrap_or_default();
    let table = report.rows.join("\n");
    println!("{table}");
    for (name, text) in [("browser.json", json_text), ("browser.txt", table)] {
        let path = out.join(name);
        std::fs::write(&path, text)
            .map_err(|e| BenchError::io(format!("write {}", path.display()), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, BenchError> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn defaults_are_20_runs_on_both_networks() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.runs, 20);
        assert_eq!(args.profiles, [Profile::Loopback, Profile::Mobile]);
        assert!(args.out.ends_with("target/bench"));
    }

    #[test]
    fn parses_runs_out_and_network() {
        let args = parse(&["--runs", "5", "--out", "/tmp/b", "--network", "mobile"]).unwrap();
        assert_eq!(args.runs, 5);
        assert_eq!(args.out, PathBuf::from("/tmp/b"));
        assert_eq!(args.profiles, [Profile::Mobile]);
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--runs"]).is_err());
        assert!(parse(&["--network", "3g"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}

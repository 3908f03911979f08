//! The table rows and `browser.json` entries of the timed flows: time to signed-in per
//! profile and app, ours / authkit-react, the throttling check, requests per flow.

use serde_json::{json, Map, Value};

use crate::apps::AppKey;
use crate::network::Profile;
use crate::rounds::{Measured, Requests};
use crate::stats::{ratio, round1, Summary};

/// One timed measure.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Its key in `browser.json`.
    pub key: &'static str,
    /// Its label in the table.
    pub label: &'static str,
    /// From which moment to which.
    pub what: &'static str,
}

/// The measures in table order (those an app has no mark for are left out of its rows).
pub const METRICS: [Metric; 7] = [
    Metric {
        key: "callback_to_user",
        label: "callback → user",
        what: "callback document fetchStart → authkit:signed-in",
    },
    Metric {
        key: "callback_exchange",
        label: "  of which code exchange",
        what: "authkit:exchange-start → exchange-end",
    },
    Metric {
        key: "reload_to_user",
        label: "reload → user",
        what: "navigation start → authkit:signed-in",
    },
    Metric {
        key: "reload_refresh",
        label: "  of which refresh round trip",
        what: "authkit:refresh-start → refresh-end",
    },
    Metric {
        key: "reload_code_fetched",
        label: "  app code fetched (reload)",
        what: "navigation start → the last own .js/.wasm/.css responseEnd",
    },
    Metric {
        key: "reload_wasm_fetch",
        label: "  wasm fetch (reload)",
        what: "Resource Timing of the .wasm (startTime → responseEnd)",
    },
    Metric {
        key: "reload_wasm_to_init",
        label: "  wasm fetched → authkit:init",
        what: "compile + instantiate + Yew start",
    },
];

/// Width of the app column.
const APP_WIDTH: usize = 15;
/// Width of the measure column.
const METRIC_WIDTH: usize = 31;
/// Width of one profile's `median / p95` column.
const CELL_WIDTH: usize = 20;

/// The time-to-signed-in rows and JSON (`{profile: {app: {metric: summary}}}`).
pub fn times(
    m: &Measured,
    apps: &[AppKey],
    profiles: &[Profile],
    runs: usize,
) -> (Vec<String>, Value) {
    let mut rows = vec![
        format!(
            "-- time to signed-in, ms: median / p95 of {runs} runs per cell (release builds served gzip -9, no-store; headless Chromium; apps interleaved) --"
        ),
    ];
    rows.extend(profiles.iter().map(|p| format!("network {}", p.describe())));
    rows.push("browser cache off: every load downloads everything, every JSON API call sends its CORS preflight (held by the relay for the profile's latency: Chromium's emulation does not delay it)".into());
    let mut header = format!("{:<APP_WIDTH$} {:<METRIC_WIDTH$}", "app", "measure");
    for p in profiles {
        header.push_str(&format!(" {:>CELL_WIDTH$}", p.key()));
    }
    rows.push(header);
    let mut json = Map::new();
    for &p in profiles {
        let per_app: Map<String, Value> = apps
            .iter()
            .map(|&a| (a.key().to_owned(), cell_json(m, p, a)))
            .collect();
        json.insert(p.key().to_owned(), per_app.into());
    }
    for &app in apps {
        rows.extend(app_rows(m, app, profiles));
    }
    rows.extend(failure_rows(m));
    (rows, json.into())
}

/// One app's rows: one per metric it has in any profile.
fn app_rows(m: &Measured, app: AppKey, profiles: &[Profile]) -> Vec<String> {
    let mut rows = Vec::new();
    for metric in METRICS {
        let cells: Vec<Option<Summary>> = profiles
            .iter()
            .map(|&p| Summary::of(&m.values(p, app, metric.key)))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let name = if rows.is_empty() { app.label() } else { "" };
        let mut row = format!("{name:<APP_WIDTH$} {:<METRIC_WIDTH$}", metric.label);
        for cell in cells {
            let text = cell.map(Summary::cell).unwrap_or_else(|| "–".into());
            row.push_str(&format!(" {text:>CELL_WIDTH$}"));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        rows.push(format!("{:<APP_WIDTH$} no samples", app.label()));
    }
    rows
}

/// `{metric: {median_ms, p95_ms, n, what}, runs_failed}` of one cell.
fn cell_json(m: &Measured, profile: Profile, app: AppKey) -> Value {
    let mut out = Map::new();
    for metric in METRICS {
        if let Some(s) = Summary::of(&m.values(profile, app, metric.key)) {
            let mut v = s.to_json();
            v["what"] = json!(metric.what);
            out.insert(metric.key.to_owned(), v);
        }
    }
    if let Some(s) = Summary::of(&m.values(profile, app, "callback_fetch_start")) {
        out.insert("callback_fetch_start".into(), s.to_json());
    }
    let failed = m.failures.get(&(profile, app)).map_or(0, Vec::len);
    out.insert("runs_failed".into(), json!(failed));
    out.into()
}

/// One row per (profile, app) whose rounds failed, with the first reason.
fn failure_rows(m: &Measured) -> Vec<String> {
    m.failures
        .iter()
        .map(|((p, a), errors)| {
            format!(
                "{} on {}: {} run(s) FAILED, first: {}",
                a.label(),
                p.key(),
                errors.len(),
                errors[0]
            )
        })
        .collect()
}

/// The medians of ours over authkit-react's: `{app: {callback_ratio_<profile>,
/// reload_ratio_<profile>}}` for (b) and the demo, and their rows.
pub fn ratios(m: &Measured, profiles: &[Profile]) -> (Vec<String>, Value) {
    let mut rows =
        vec!["-- ours / authkit-react (ratio of medians, same run, same emulator, redirect URI {origin}/account) --".to_owned()];
    let median = |p, a, key| Summary::of(&m.values(p, a, key)).map(|s| s.median);
    let mut json = Map::new();
    for app in [AppKey::WithSdk, AppKey::Demo] {
        let mut entry = Map::new();
        let mut cells = Vec::new();
        for &p in profiles {
            for (flow, key) in [
                ("callback", "callback_to_user"),
                ("reload", "reload_to_user"),
            ] {
                let r = ratio(median(p, app, key), median(p, AppKey::Reference, key));
                let name = format!("{flow}_ratio_{}", p.key());
                cells.push(format!(
                    "{name} {}",
                    r.map_or("–".to_owned(), |r| format!("{r:.2}"))
                ));
                entry.insert(name, json!(r));
            }
        }
        rows.push(format!("{:<APP_WIDTH$} {}", app.label(), cells.join("   ")));
        json.insert(app.key().to_owned(), entry.into());
    }
    (rows, json.into())
}

/// Whether the emulation throttles as set: each app's largest own resource on reload
/// (ours: the wasm), its encoded (gzip) and decoded bytes, and its fetch time against the
/// profile's floor (latency + encoded bytes at the download rate).
pub fn throttle_check(m: &Measured, apps: &[AppKey], profiles: &[Profile]) -> (Vec<String>, Value) {
    let mut rows = vec![
        "-- throttling check: the largest own resource on reload, fetch time (median) against the profile's floor (latency + encoded bytes at the download rate) --"
            .to_owned(),
    ];
    let mut json = Map::new();
    for &app in apps {
        let Some(largest) = m
            .samples
            .iter()
            .find(|((_, a), _)| *a == app)
            .and_then(|(_, s)| s.first())
            .map(|s| s.largest.clone())
        else {
            continue;
        };
        let encoded = largest["encodedBodySize"].as_f64().unwrap_or(0.0);
        let decoded = largest["decodedBodySize"].as_f64().unwrap_or(0.0);
        let mut entry = Map::new();
        entry.insert("resource".into(), largest["name"].clone());
        entry.insert("encoded_bytes".into(), json!(encoded as u64));
        entry.insert("decoded_bytes".into(), json!(decoded as u64));
        let mut cells = Vec::new();
        for &p in profiles {
            let fetch = Summary::of(&m.values(p, app, "reload_largest_fetch")).map(|s| s.median);
            let floor = p.floor_ms(encoded);
            entry.insert(
                p.key().to_owned(),
                json!({ "fetch_median_ms": fetch.map(round1), "floor_ms": floor.map(round1) }),
            );
            let floor_text = floor.map_or(String::new(), |f| format!(" (floor {f:.0})"));
            cells.push(format!(
                "{} {}{floor_text}",
                p.key(),
                fetch.map_or("–".to_owned(), |f| format!("{f:.1} ms"))
            ));
        }
        rows.push(format!(
            "{:<APP_WIDTH$} {} {:.0} B encoded, {:.0} B decoded{}: {}",
            app.label(),
            largest["name"].as_str().unwrap_or("?"),
            encoded,
            decoded,
            if encoded < decoded {
                " (gzip)"
            } else {
                " (NOT compressed)"
            },
            cells.join(", ")
        ));
        json.insert(app.key().to_owned(), entry.into());
    }
    (rows, json.into())
}

/// The demo's requests per flow on loopback (floor: one `authenticate`), as rows and JSON.
pub fn requests(m: &Measured) -> (Vec<String>, Value) {
    let flows: Vec<_> = m
        .samples
        .get(&(Profile::Loopback, AppKey::Demo))
        .map(|s| s.iter().filter_map(|x| x.requests).collect())
        .unwrap_or_default();
    let mut rows = vec![
        "-- requests per flow (demo, loopback; emulator log; floor = 1 authenticate) --".to_owned(),
    ];
    let mut json = Map::new();
    type Pick = fn(&crate::rounds::FlowRequests) -> Requests;
    let kinds: [(&str, &str, Pick, Option<usize>); 3] = [
        ("sign_in", "sign-in", |f| f.sign_in, Some(1)),
        ("reload", "reload", |f| f.reload, Some(1)),
        ("sign_out", "sign-out", |f| f.sign_out, None),
    ];
    for (key, label, pick, floor) in kinds {
        let counts: Vec<Requests> = flows.iter().map(pick).collect();
        let (row, value) = request_row(label, &counts, floor);
        rows.push(row);
        json.insert(key.to_owned(), value);
    }
    (rows, json.into())
}

fn request_row(label: &str, counts: &[Requests], floor: Option<usize>) -> (String, Value) {
    let mean = |f: fn(&Requests) -> usize| {
        if counts.is_empty() {
            f64::NAN
        } else {
            counts.iter().map(f).sum::<usize>() as f64 / counts.len() as f64
        }
    };
    let auth = mean(|r| r.authenticate);
    let all = mean(|r| r.all);
    let min = counts.iter().map(|r| r.authenticate).min().unwrap_or(0);
    let max = counts.iter().map(|r| r.authenticate).max().unwrap_or(0);
    let distance = floor.map(|f| auth - f as f64);
    let row = format!(
        "{label:<38} authenticate {auth:.2} (min {min}, max {max})   all API requests {all:.2}   {}",
        match distance {
            Some(d) => format!("floor 1, distance {d:+.2}"),
            None => "no authenticate floor (the logout navigation)".into(),
        }
    );
    let value = json!({
        "authenticate_mean": auth, "authenticate_min": min, "authenticate_max": max,
        "all_requests_mean": all, "floor": floor, "distance_from_floor": distance,
        "n": counts.len(),
    });
    (row, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::Sample;

    fn sample(pairs: &[(&'static str, f64)]) -> Sample {
        let mut s = Sample::default();
        s.times.extend(pairs.iter().copied());
        s
    }

    fn measured() -> Measured {
        let mut m = Measured::default();
        for (app, callback, reload) in [
            (AppKey::WithSdk, 1500.0, 1800.0),
            (AppKey::Reference, 1000.0, 800.0),
        ] {
            m.samples.insert(
                (Profile::Mobile, app),
                vec![sample(&[
                    ("callback_to_user", callback),
                    ("reload_to_user", reload),
                ])],
            );
        }
        m
    }

    #[test]
    fn ratios_are_ours_over_the_reference_per_profile() {
        let (rows, json) = ratios(&measured(), &[Profile::Mobile]);
        assert_eq!(json["with_sdk"]["callback_ratio_mobile"], json!(1.5));
        assert_eq!(json["with_sdk"]["reload_ratio_mobile"], json!(2.25));
        assert_eq!(json["demo"]["reload_ratio_mobile"], Value::Null);
        assert!(rows[1].contains("reload_ratio_mobile 2.25"), "{}", rows[1]);
    }

    #[test]
    fn the_table_has_a_column_per_profile_and_skips_missing_metrics() {
        let apps = [AppKey::WithSdk, AppKey::Reference];
        let (rows, json) = times(&measured(), &apps, &[Profile::Loopback, Profile::Mobile], 1);
        assert!(rows
            .iter()
            .any(|r| r.starts_with("(b) with-sdk    callback → user")));
        assert!(!rows.iter().any(|r| r.contains("code exchange")));
        let reload = rows.iter().find(|r| r.contains("reload → user")).unwrap();
        assert!(reload.ends_with("1800.0 / 1800.0"), "{reload}");
        assert!(reload.contains('–'), "no loopback samples: {reload}");
        assert_eq!(
            json["mobile"]["reference"]["reload_to_user"]["median_ms"],
            json!(800.0)
        );
        assert_eq!(json["mobile"]["reference"]["runs_failed"], json!(0));
    }
}

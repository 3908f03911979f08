//! The bundle half of `cargo xtask bench`: which apps are built, the SDK's increments
//! between them, and how they are printed and written to `report.json`.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::size::Bundle;

/// The goal for the SDK's increment over the typical app (t), in gzip bytes (30 KB, 1 KB =
/// 1024 bytes). Reported as met or not met; the bench never fails on it.
pub const GOAL_OVER_TYPICAL_APP_GZ: i64 = 30 * 1024;

/// One app the bench builds with Trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// Its key in `report.json` (and the name of its `dist-<key>` directory).
    pub key: &'static str,
    /// Its row label in the table.
    pub label: &'static str,
    /// The directory with its `index.html` and `Trunk.toml`.
    pub dir: PathBuf,
}

/// The bundle cost apps, in table order: (a), (a'), (b), (t), (t+SDK), (c).
pub fn apps(root: &Path) -> Vec<App> {
    let baseline = root.join("xtask/baseline");
    let app = |key, label, dir: PathBuf| App { key, label, dir };
    vec![
        app(MINIMAL, "(a) minimal Yew app", baseline.join("minimal")),
        app(
            SAME_APP,
            "(a') (b)'s app, no SDK",
            baseline.join("same-app"),
        ),
        app(WITH_SDK, "(b) (a) + SDK at work", baseline.join("with-sdk")),
        app(
            TYPICAL,
            "(t) typical Yew app (router, gloo-net json, serde, gloo-storage)",
            baseline.join("typical"),
        ),
        app(
            TYPICAL_WITH_SDK,
            "(t+SDK) (t) + SDK at work",
            baseline.join("typical-with-sdk"),
        ),
        app("demo", "(c) demo", root.to_path_buf()),
    ]
}

/// Key of baseline (a), `xtask/baseline/minimal`.
pub const MINIMAL: &str = "minimal";
/// Key of baseline (a'), `xtask/baseline/same-app`.
pub const SAME_APP: &str = "same_app";
/// Key of baseline (b), `xtask/baseline/with-sdk`.
pub const WITH_SDK: &str = "with_sdk";
/// Key of baseline (t), `xtask/baseline/typical`.
pub const TYPICAL: &str = "typical";
/// Key of baseline (t+SDK), `xtask/baseline/typical-with-sdk`.
pub const TYPICAL_WITH_SDK: &str = "typical_with_sdk";

/// The cargo `.wasm` (release profile, before wasm-bindgen and wasm-opt) of a baseline
/// package, e.g. `bench-with-sdk`: what twiggy reads.
pub fn cargo_wasm(target_dir: &Path, package: &str) -> PathBuf {
    target_dir.join(format!("wasm32-unknown-unknown/release/{package}.wasm"))
}

/// What one bundle adds to another (`with − base`), in bytes; negative when it is smaller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Increment {
    /// `.wasm` after gzip -9.
    pub wasm_gz: i64,
    /// JS glue after gzip -9.
    pub js_gz: i64,
    /// `.wasm` + JS, gzip -9.
    pub total_gz: i64,
    /// `.wasm` + JS as served.
    pub raw: i64,
}

impl Increment {
    /// `with − base`.
    pub fn between(base: &Bundle, with: &Bundle) -> Increment {
        let signed = |n: u64| n as i64;
        Increment {
            wasm_gz: signed(with.wasm_gz) - signed(base.wasm_gz),
            js_gz: signed(with.js_gz) - signed(base.js_gz),
            total_gz: signed(with.total_gz()) - signed(base.total_gz()),
            raw: signed(with.wasm_raw + with.js_raw) - signed(base.wasm_raw + base.js_raw),
        }
    }

    /// The figures as a JSON object.
    fn to_json(self) -> Map<String, Value> {
        [
            ("total_gzip", self.total_gz),
            ("wasm_gzip", self.wasm_gz),
            ("js_gzip", self.js_gz),
            ("raw", self.raw),
        ]
        .into_iter()
        .map(|(key, bytes)| (key.to_owned(), Value::from(bytes)))
        .collect()
    }

    /// `N B gzip = X KB (wasm W, js J; raw R B)`.
    fn describe(self) -> String {
        format!(
            "{} B gzip = {} (wasm {}, js {}; raw {} B)",
            self.total_gz,
            kib(self.total_gz),
            self.wasm_gz,
            self.js_gz,
            self.raw
        )
    }
}

/// The three increments the bench reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Increments {
    /// (t+SDK) − (t): the SDK in an app that already links router, gloo-net, serde and
    /// gloo-storage. The one with a goal.
    pub over_typical_app: Increment,
    /// (b) − (a): the SDK plus its app's components over a bare Yew app. Reported, not a goal.
    pub over_bare_app: Increment,
    /// (b) − (a'): the SDK's own cost, the app's components left out.
    pub own_cost: Increment,
}

impl Increments {
    /// The increments between the measured bundles; `None` when one of the five baselines
    /// is missing from `bundles`.
    pub fn from_bundles(bundles: &[(App, Bundle)]) -> Option<Increments> {
        let get = |key: &str| {
            bundles
                .iter()
                .find(|(app, _)| app.key == key)
                .map(|(_, b)| b)
        };
        Some(Increments {
            over_typical_app: Increment::between(get(TYPICAL)?, get(TYPICAL_WITH_SDK)?),
            over_bare_app: Increment::between(get(MINIMAL)?, get(WITH_SDK)?),
            own_cost: Increment::between(get(SAME_APP)?, get(WITH_SDK)?),
        })
    }

    /// Whether the increment over (t) is within [`GOAL_OVER_TYPICAL_APP_GZ`].
    pub fn goal_met(&self) -> bool {
        self.over_typical_app.total_gz <= GOAL_OVER_TYPICAL_APP_GZ
    }

    /// The table's increment lines.
    pub fn rows(&self) -> Vec<String> {
        vec![
            format!(
                "SDK increment over a typical Yew app (t+SDK) − (t): {}; goal ≤ 30 KB: {}",
                self.over_typical_app.describe(),
                if self.goal_met() { "met" } else { "NOT met" }
            ),
            format!(
                "SDK increment over a bare Yew app (b) − (a) (reported, not a goal): {}",
                self.over_bare_app.describe()
            ),
            format!(
                "SDK's own cost (b) − (a'): {} B gzip = {} (the app's components excluded)",
                self.own_cost.total_gz,
                kib(self.own_cost.total_gz)
            ),
        ]
    }

    /// The increments' entries of the report's `bundle` object:
    /// `sdk_increment_over_typical_app_gzip` (a number of bytes), its details, and
    /// `sdk_increment` ((b) − (a) with the own cost (b) − (a')).
    pub fn json_entries(&self) -> Map<String, Value> {
        let mut over_typical = self.over_typical_app.to_json();
        over_typical.insert("goal_gzip".into(), json!(GOAL_OVER_TYPICAL_APP_GZ));
        over_typical.insert("goal_met".into(), json!(self.goal_met()));
        let mut over_bare = self.over_bare_app.to_json();
        over_bare.insert("own_cost_gzip".into(), json!(self.own_cost.total_gz));
        over_bare.insert(
            "note".into(),
            json!("(b) − (a), over a bare Yew app: reported, not a goal"),
        );
        let mut entries = Map::new();
        entries.insert(
            "sdk_increment_over_typical_app_gzip".into(),
            json!(self.over_typical_app.total_gz),
        );
        entries.insert(
            "sdk_increment_over_typical_app".into(),
            Value::Object(over_typical),
        );
        entries.insert("sdk_increment".into(), Value::Object(over_bare));
        entries
    }
}

/// The table's header and one row per bundle; the label column fits the longest label.
pub fn table(bundles: &[(App, Bundle)]) -> Vec<String> {
    let width = bundles
        .iter()
        .map(|(app, _)| app.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut rows = vec![
        "-- bundle cost (trunk build --release: opt-level z, LTO, 1 CGU, panic=abort) --".into(),
        format!(
            "{:<width$} {:>10} {:>10} {:>9} {:>9} {:>10}  wasm-opt",
            "bundle", "wasm raw", "wasm gz", "js raw", "js gz", "total gz"
        ),
    ];
    rows.extend(bundles.iter().map(|(app, b)| {
        format!(
            "{:<width$} {:>10} {:>10} {:>9} {:>9} {:>10}  {}",
            app.label,
            b.wasm_raw,
            b.wasm_gz,
            b.js_raw,
            b.js_gz,
            b.total_gz(),
            if b.wasm_opt_ran {
                "-Oz ran"
            } else {
                "did NOT run"
            }
        )
    }));
    rows
}

/// One bundle's figures as JSON.
pub fn bundle_json(b: &Bundle) -> Value {
    json!({
        "wasm_raw": b.wasm_raw,
        "wasm_gzip": b.wasm_gz,
        "js_raw": b.js_raw,
        "js_gzip": b.js_gz,
        "total_gzip": b.total_gz(),
        "wasm_opt_ran": b.wasm_opt_ran,
        "build_secs": b.build_secs.round(),
    })
}

/// Bytes as `12.3 KB` (1 KB = 1024 bytes).
fn kib(bytes: i64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(wasm_raw: u64, wasm_gz: u64, js_raw: u64, js_gz: u64) -> Bundle {
        Bundle {
            wasm_raw,
            wasm_gz,
            js_raw,
            js_gz,
            wasm_opt_ran: true,
            build_secs: 1.0,
        }
    }

    /// The five baselines with the given total gzip sizes (all in the wasm).
    fn measured(
        minimal: u64,
        same: u64,
        with: u64,
        typical: u64,
        typical_sdk: u64,
    ) -> Vec<(App, Bundle)> {
        let sizes = [minimal, same, with, typical, typical_sdk];
        apps(Path::new("/repo"))
            .into_iter()
            .zip(sizes)
            .map(|(app, gz)| (app, bundle(gz * 2, gz, 0, 0)))
            .collect()
    }

    #[test]
    fn increment_is_with_minus_base_and_may_be_negative() {
        let base = bundle(1000, 400, 100, 40);
        let with = bundle(1500, 600, 90, 45);
        assert_eq!(
            Increment::between(&base, &with),
            Increment {
                wasm_gz: 200,
                js_gz: 5,
                total_gz: 205,
                raw: 490
            }
        );
        assert_eq!(Increment::between(&with, &base).js_gz, -5);
    }

    #[test]
    fn increments_pair_the_right_baselines() {
        let inc = Increments::from_bundles(&measured(100, 110, 200, 300, 350)).unwrap();
        assert_eq!(inc.over_typical_app.total_gz, 50);
        assert_eq!(inc.over_bare_app.total_gz, 100);
        assert_eq!(inc.own_cost.total_gz, 90);
    }

    #[test]
    fn a_missing_baseline_gives_no_increments() {
        let mut bundles = measured(1, 1, 1, 1, 1);
        bundles.retain(|(app, _)| app.key != TYPICAL);
        assert_eq!(Increments::from_bundles(&bundles), None);
    }

    #[test]
    fn the_goal_is_30_kib_over_the_typical_app_inclusive() {
        let goal = GOAL_OVER_TYPICAL_APP_GZ as u64;
        let at_goal = Increments::from_bundles(&measured(1, 1, 1, 1000, 1000 + goal)).unwrap();
        assert!(at_goal.goal_met());
        assert!(at_goal.rows()[0].ends_with("goal ≤ 30 KB: met"));
        let over = Increments::from_bundles(&measured(1, 1, 1, 1000, 1001 + goal)).unwrap();
        assert!(!over.goal_met());
        assert!(over.rows()[0].ends_with("goal ≤ 30 KB: NOT met"));
        assert!(over.rows()[1].contains("(reported, not a goal)"));
    }

    #[test]
    fn report_entries_hold_the_increment_over_typical_as_a_number() {
        let inc = Increments::from_bundles(&measured(100, 110, 200, 300, 350)).unwrap();
        let entries = inc.json_entries();
        assert_eq!(entries["sdk_increment_over_typical_app_gzip"], json!(50));
        assert_eq!(
            entries["sdk_increment_over_typical_app"]["goal_met"],
            json!(true)
        );
        assert_eq!(entries["sdk_increment"]["total_gzip"], json!(100));
        assert_eq!(entries["sdk_increment"]["own_cost_gzip"], json!(90));
    }

    #[test]
    fn table_rows_line_up_under_the_longest_label() {
        let rows = table(&measured(100, 110, 200, 300, 350));
        let width = |row: &String| row.chars().count();
        let data = &rows[2..];
        assert_eq!(data.len(), 5);
        assert!(data.iter().all(|row| width(row) == width(&data[0])));
        // The header ends in "wasm-opt", one character longer than each row's "-Oz ran".
        assert_eq!(width(&rows[1]), width(&data[0]) + 1);
    }
}

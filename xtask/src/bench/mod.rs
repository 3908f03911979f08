//! `cargo xtask bench`: bundle cost, time to signed-in, requests per flow, wake-ups.
//!
//! 1. Release builds with Trunk of baseline (a) `xtask/baseline/minimal`, baseline (a')
//!    `xtask/baseline/same-app` (the app of (b) without the SDK), baseline (b)
//!    `xtask/baseline/with-sdk` and the demo; sizes raw and gzip -9; the SDK's increment is
//!    (b) − (a), its own cost (b) − (a'). Top contributors of (b) − (a') with `twiggy`.
//! 2. The browser half (`authkit-bench` in `tests/e2e`): time to signed-in, requests per
//!    flow, wake-ups, against the release demo.
//!
//! It prints one table and writes the same figures to `target/bench/report.json`. It never
//! fails on a number, only when it cannot measure at all.

mod json;
mod size;
mod twiggy;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::XtaskError;
use crate::process;
use json::Json;
use size::Bundle;

/// The SDK increment the issue aims for, in gzip bytes (25 KB, 1 KB = 1024 bytes).
const TARGET_INCREMENT_GZ: u64 = 25 * 1024;

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Browser runs per timing (at least 20 for the report).
    pub runs: usize,
    /// Build and measure the bundles.
    pub sizes: bool,
    /// Run the browser half.
    pub browser: bool,
}

/// Parses `bench [--runs N] [--only sizes|browser]`.
pub fn parse(args: &[&str]) -> Result<Options, XtaskError> {
    let mut opts = Options {
        runs: 20,
        sizes: true,
        browser: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--runs" => {
                opts.runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| XtaskError::Usage("--runs needs a positive number".into()))?;
            }
            "--only" => match it.next().copied() {
                Some("sizes") => opts.browser = false,
                Some("browser") => opts.sizes = false,
                other => {
                    return Err(XtaskError::Usage(format!(
                        "--only takes `sizes` or `browser`, not {other:?}"
                    )))
                }
            },
            other => {
                return Err(XtaskError::Usage(format!(
                    "unknown bench argument `{other}`"
                )))
            }
        }
    }
    Ok(opts)
}

/// The cargo target dir Trunk builds into: `$CARGO_TARGET_DIR`, else the repo's `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, opts: &Options) -> Result<(), XtaskError> {
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out)
        .map_err(|e| XtaskError::io(format!("create {}", out.display()), e))?;
    let started = std::time::Instant::now();
    let mut table: Vec<String> = Vec::new();
    let mut report: Vec<(String, Json)> =
        vec![("generated_by".into(), Json::Str("cargo xtask bench".into()))];

    if opts.sizes {
        let (rows, json) = sizes(root, &out)?;
        table.extend(rows);
        report.push(("bundle".into(), json));
    }
    if opts.browser {
        let (rows, json) = browser(root, &out, opts.runs);
        table.extend(rows);
        report.push(("browser".into(), json));
    }
    report.push((
        "bench_secs".into(),
        Json::Num(started.elapsed().as_secs_f64().round()),
    ));

    let path = out.join("report.json");
    std::fs::write(&path, Json::Obj(report).render() + "\n")
        .map_err(|e| XtaskError::io(format!("write {}", path.display()), e))?;
    println!("\n==== cargo xtask bench ====");
    for row in &table {
        println!("{row}");
    }
    println!(
        "(took {:.0} s; figures in {})",
        started.elapsed().as_secs_f64(),
        path.display()
    );
    Ok(())
}

fn kib(bytes: i64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn bundle_json(b: &Bundle) -> Json {
    Json::obj([
        ("wasm_raw", Json::Num(b.wasm_raw as f64)),
        ("wasm_gzip", Json::Num(b.wasm_gz as f64)),
        ("js_raw", Json::Num(b.js_raw as f64)),
        ("js_gzip", Json::Num(b.js_gz as f64)),
        ("total_gzip", Json::Num(b.total_gz() as f64)),
        ("wasm_opt_ran", Json::Bool(b.wasm_opt_ran)),
        ("build_secs", Json::Num(b.build_secs.round())),
    ])
}

/// Builds the three bundles, measures them, and asks twiggy for the contributors.
fn sizes(root: &Path, out: &Path) -> Result<(Vec<String>, Json), XtaskError> {
    let target = target_dir(root);
    let wasm_opt = process::probe("wasm-opt", ["--version"]);
    println!(
        "bench: wasm-opt on PATH: {}",
        wasm_opt.as_deref().unwrap_or("none (Trunk skips -Oz)")
    );
    let baseline = root.join("xtask/baseline");
    let builds = [
        ("minimal", "(a) minimal Yew app", baseline.join("minimal")),
        (
            "same_app",
            "(a') (b)'s app, no SDK",
            baseline.join("same-app"),
        ),
        (
            "with_sdk",
            "(b) (a) + SDK at work",
            baseline.join("with-sdk"),
        ),
        ("demo", "(c) demo", root.to_path_buf()),
    ];
    let mut bundles = Vec::new();
    for (key, label, dir) in &builds {
        println!("bench: trunk build --release: {label}");
        let b = size::build(dir, &out.join(format!("dist-{key}")), &target)?;
        bundles.push((*key, *label, b));
    }
    let (a, a2, b) = (&bundles[0].2, &bundles[1].2, &bundles[2].2);
    // The SDK's own cost: (b) against the same app without the SDK (its components, state and
    // callbacks are not the SDK's).
    let own_total = b.total_gz() as i64 - a2.total_gz() as i64;
    let inc_wasm = b.wasm_gz as i64 - a.wasm_gz as i64;
    let inc_js = b.js_gz as i64 - a.js_gz as i64;
    let inc_total = b.total_gz() as i64 - a.total_gz() as i64;
    let inc_raw = (b.wasm_raw + b.js_raw) as i64 - (a.wasm_raw + a.js_raw) as i64;
    let met = inc_total <= TARGET_INCREMENT_GZ as i64;

    let mut rows = vec![
        "-- bundle cost (trunk build --release: opt-level z, LTO, 1 CGU, panic=abort) --".into(),
        format!(
            "{:<26} {:>10} {:>10} {:>9} {:>9} {:>10}  wasm-opt",
            "bundle", "wasm raw", "wasm gz", "js raw", "js gz", "total gz"
        ),
    ];
    for (_, label, x) in &bundles {
        rows.push(format!(
            "{label:<26} {:>10} {:>10} {:>9} {:>9} {:>10}  {}",
            x.wasm_raw,
            x.wasm_gz,
            x.js_raw,
            x.js_gz,
            x.total_gz(),
            if x.wasm_opt_ran {
                "-Oz ran"
            } else {
                "did NOT run"
            }
        ));
    }
    rows.push(format!(
        "SDK increment (b) − (a): {inc_total} B gzip = {} (wasm {inc_wasm}, js {inc_js}; raw {inc_raw} B); target ≤ 25 KB: {}",
        kib(inc_total),
        if met { "met" } else { "NOT met" }
    ));
    rows.push(format!(
        "SDK's own cost (b) − (a'): {own_total} B gzip = {} (the app's components excluded)",
        kib(own_total)
    ));

    let raw_a = target.join("wasm32-unknown-unknown/release/bench-same-app.wasm");
    let raw_b = target.join("wasm32-unknown-unknown/release/bench-with-sdk.wasm");
    let contrib = twiggy::contributors(&raw_a, &raw_b, &out.join("twiggy"), 15);
    match &contrib.skipped {
        Some(why) => rows.push(format!("top contributors: skipped ({why})")),
        None => {
            rows.push(
                "-- what the SDK adds to (a'), per crate (twiggy, before wasm-opt, no name section) --"
                    .into(),
            );
            for (krate, delta) in contrib.by_crate.iter().take(12) {
                rows.push(format!("  {delta:>+9} B  {krate}"));
            }
            rows.push("-- twiggy top -n 15 of (b), before wasm-opt --".into());
            rows.extend(contrib.top.iter().map(|l| format!("  {l}")));
        }
    }

    let strings = |v: &[String]| Json::Arr(v.iter().cloned().map(Json::Str).collect());
    let json = Json::Obj(
        bundles
            .iter()
            .map(|(key, _, x)| ((*key).to_owned(), bundle_json(x)))
            .chain([
                (
                    "sdk_increment".to_owned(),
                    Json::obj([
                        ("total_gzip", Json::Num(inc_total as f64)),
                        ("wasm_gzip", Json::Num(inc_wasm as f64)),
                        ("js_gzip", Json::Num(inc_js as f64)),
                        ("raw", Json::Num(inc_raw as f64)),
                        ("own_cost_gzip", Json::Num(own_total as f64)),
                        ("target_gzip", Json::Num(TARGET_INCREMENT_GZ as f64)),
                        ("target_met", Json::Bool(met)),
                    ]),
                ),
                (
                    "wasm_opt".to_owned(),
                    wasm_opt.map(Json::Str).unwrap_or(Json::Null),
                ),
                (
                    "twiggy".to_owned(),
                    Json::obj([
                        (
                            "skipped",
                            contrib.skipped.clone().map(Json::Str).unwrap_or(Json::Null),
                        ),
                        (
                            "increment_by_crate",
                            Json::Obj(
                                contrib
                                    .by_crate
                                    .iter()
                                    .map(|(k, d)| (k.clone(), Json::Num(*d as f64)))
                                    .collect(),
                            ),
                        ),
                        ("top", strings(&contrib.top)),
                        ("diff", strings(&contrib.diff)),
                    ]),
                ),
            ])
            .collect(),
    );
    Ok((rows, json))
}

/// Runs `authkit-bench` (the e2e package); its failure is reported, not fatal.
fn browser(root: &Path, out: &Path, runs: usize) -> (Vec<String>, Json) {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root)
        .args([
            "run",
            "-q",
            "-p",
            "authkit-e2e",
            "--bin",
            "authkit-bench",
            "--",
        ])
        .args(["--runs", &runs.to_string(), "--out"])
        .arg(out);
    let _ = std::fs::remove_file(out.join("browser.json"));
    let result = process::run(&mut cmd).and_then(|()| {
        let read = |name: &str| {
            std::fs::read_to_string(out.join(name))
                .map_err(|e| XtaskError::io(format!("read {name}"), e))
        };
        Ok((read("browser.txt")?, read("browser.json")?))
    });
    match result {
        Ok((txt, json)) => (txt.lines().map(str::to_owned).collect(), Json::Raw(json)),
        Err(e) => (
            vec![format!("browser figures: FAILED ({e})")],
            Json::obj([("error", Json::Str(e.to_string()))]),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_runs_and_only() {
        let o = parse(&[]).unwrap();
        assert_eq!((o.runs, o.sizes, o.browser), (20, true, true));
        let o = parse(&["--runs", "25", "--only", "sizes"]).unwrap();
        assert_eq!((o.runs, o.sizes, o.browser), (25, true, false));
        let o = parse(&["--only", "browser"]).unwrap();
        assert_eq!((o.sizes, o.browser), (false, true));
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--only", "x"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}

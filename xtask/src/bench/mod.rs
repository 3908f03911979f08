//! `cargo xtask bench`: bundle cost, time to signed-in, requests per flow, wake-ups.
//!
//! 1. Release builds with Trunk of baseline (a) `xtask/baseline/minimal`, baseline (a')
//!    `xtask/baseline/same-app` (the app of (b) without the SDK), baseline (b)
//!    `xtask/baseline/with-sdk`, baseline (t) `xtask/baseline/typical` (a typical Yew app:
//!    router, gloo-net JSON, serde, gloo-storage), baseline (t+SDK)
//!    `xtask/baseline/typical-with-sdk` and the demo; sizes raw and gzip -9. The SDK's
//!    increment over the typical app, (t+SDK) − (t), has a goal (≤ 30 KB gzip); its increment
//!    over a bare Yew app, (b) − (a), and its own cost, (b) − (a'), are reported. Top
//!    contributors of (b) − (a') and of (t+SDK) − (t) with `twiggy`.
//! 2. The browser half (`authkit-bench` in `tests/e2e`): time to signed-in after the callback
//!    and after a reload for (b), the demo and a minimal authkit-react app (installed from the
//!    npm registry and bundled with esbuild into `target/bench/reference`), all served
//!    gzip-compressed, on loopback and on Lighthouse's mobile profile (`--network`); ours /
//!    authkit-react; the waterfall of a median reload; requests per flow, wake-ups.
//!
//! It prints one table and writes the same figures to `target/bench/report.json`. It never
//! fails on a number, only when it cannot measure at all.

mod bundles;
mod size;
mod twiggy;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

use crate::error::XtaskError;
use crate::process;
use bundles::{App, Increments};
use size::Bundle;

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Browser runs per timing (at least 20 for the report).
    pub runs: usize,
    /// Build and measure the bundles.
    pub sizes: bool,
    /// Run the browser half.
    pub browser: bool,
    /// The networks of the browser half.
    pub network: Network,
}

/// The networks the browser half measures on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Loopback, then Lighthouse's mobile profile (the default).
    Both,
    /// Loopback only.
    Loopback,
    /// Lighthouse's mobile profile only (150 ms, 1.6 Mbit/s down, 750 kbit/s up).
    Mobile,
}

impl Network {
    /// The value of `--network`, for `cargo xtask bench` and `authkit-bench` alike.
    pub fn as_arg(self) -> &'static str {
        match self {
            Network::Both => "both",
            Network::Loopback => "loopback",
            Network::Mobile => "mobile",
        }
    }

    fn parse(arg: Option<&str>) -> Result<Network, XtaskError> {
        [Network::Both, Network::Loopback, Network::Mobile]
            .into_iter()
            .find(|n| Some(n.as_arg()) == arg)
            .ok_or_else(|| {
                XtaskError::Usage(format!(
                    "--network takes `loopback`, `mobile` or `both`, not {arg:?}"
                ))
            })
    }
}

/// Parses `bench [--runs N] [--only sizes|browser] [--network loopback|mobile|both]`.
pub fn parse(args: &[&str]) -> Result<Options, XtaskError> {
    let mut opts = Options {
        runs: 20,
        sizes: true,
        browser: true,
        network: Network::Both,
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
            "--network" => opts.network = Network::parse(it.next().copied())?,
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
    let mut report = Map::new();
    report.insert("generated_by".into(), json!("cargo xtask bench"));

    if opts.sizes {
        let (rows, json) = sizes(root, &out)?;
        table.extend(rows);
        report.insert("bundle".into(), json);
    }
    if opts.browser {
        if !opts.sizes {
            // The browser half builds (b) with Trunk `--offline` too.
            fetch_baseline_crates(root)?;
        }
        let (rows, json) = browser(root, &out, opts);
        table.extend(rows);
        report.insert("browser".into(), json);
    }
    report.insert(
        "bench_secs".into(),
        json!(started.elapsed().as_secs_f64().round()),
    );

    let path = out.join("report.json");
    write_json(&path, &Value::Object(report))?;
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

/// Writes `value` to `path` as pretty JSON with a final newline.
fn write_json(path: &Path, value: &Value) -> Result<(), XtaskError> {
    let text = serde_json::to_string_pretty(value).map_err(|source| XtaskError::Json {
        context: format!("serialize {}", path.display()),
        source,
    })?;
    std::fs::write(path, text + "\n")
        .map_err(|e| XtaskError::io(format!("write {}", path.display()), e))
}

/// `cargo fetch` in the baselines' workspace: Trunk builds `--offline`, so every crate of
/// `xtask/baseline/Cargo.lock` must be in the local registry first.
fn fetch_baseline_crates(root: &Path) -> Result<(), XtaskError> {
    process::run(
        Command::new("cargo")
            .arg("fetch")
            .arg("--manifest-path")
            .arg(root.join("xtask/baseline/Cargo.toml")),
    )
}

/// Builds every app of [`bundles::apps`] and measures it.
fn build_all(root: &Path, out: &Path, target: &Path) -> Result<Vec<(App, Bundle)>, XtaskError> {
    let mut measured = Vec::new();
    for app in bundles::apps(root) {
        println!("bench: trunk build --release: {}", app.label);
        let bundle = size::build(&app.dir, &out.join(format!("dist-{}", app.key)), target)?;
        measured.push((app, bundle));
    }
    Ok(measured)
}

/// The two twiggy contributor lists: the SDK in (b) against (a'), and in (t+SDK) against (t);
/// returns the table rows and each list as JSON.
fn contributor_rows_and_json(target: &Path, out: &Path) -> (Vec<String>, Value, Value) {
    let wasm = |package: &str| bundles::cargo_wasm(target, package);
    let twiggy_out = out.join("twiggy");
    let own = twiggy::contributors(
        &wasm("bench-same-app"),
        &wasm("bench-with-sdk"),
        &twiggy_out,
        15,
    );
    let over_typical = twiggy::contributors(
        &wasm("bench-typical"),
        &wasm("bench-typical-with-sdk"),
        &twiggy_out,
        15,
    );
    let mut rows = own.crate_rows(
        "what the SDK adds to (a'), per crate (twiggy, before wasm-opt, no name section)",
    );
    rows.extend(own.top_rows("twiggy top -n 15 of (b), before wasm-opt"));
    // The item-by-item diff (in report.json) pairs items by their hashed names, so the
    // same function in both apps shows as a + and a −; per crate is the readable list.
    rows.extend(over_typical.crate_rows(
        "what the SDK adds to (t), per crate (twiggy, before wasm-opt, no name section)",
    ));
    (rows, own.to_json(), over_typical.to_json())
}

/// Builds the bundles, measures them, and asks twiggy for the contributors.
fn sizes(root: &Path, out: &Path) -> Result<(Vec<String>, Value), XtaskError> {
    let target = target_dir(root);
    let wasm_opt = process::probe("wasm-opt", ["--version"]);
    println!(
        "bench: wasm-opt on PATH: {}",
        wasm_opt.as_deref().unwrap_or("none (Trunk skips -Oz)")
    );
    fetch_baseline_crates(root)?;
    let measured = build_all(root, out, &target)?;
    let increments = Increments::from_bundles(&measured)
        .expect("bundles::apps lists every baseline the increments need");

    let mut rows = bundles::table(&measured);
    rows.extend(increments.rows());
    let (contributor_rows, own_json, over_typical_json) = contributor_rows_and_json(&target, out);
    rows.extend(contributor_rows);

    let mut json: Map<String, Value> = measured
        .iter()
        .map(|(app, b)| (app.key.to_owned(), bundles::bundle_json(b)))
        .collect();
    json.extend(increments.json_entries());
    json.insert("wasm_opt".into(), json!(wasm_opt));
    json.insert("twiggy".into(), own_json);
    json.insert("twiggy_over_typical_app".into(), over_typical_json);
    Ok((rows, Value::Object(json)))
}

/// Runs `authkit-bench` (the e2e package); its failure is reported, not fatal.
fn browser(root: &Path, out: &Path, opts: &Options) -> (Vec<String>, Value) {
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
        .args(["--runs", &opts.runs.to_string()])
        .args(["--network", opts.network.as_arg(), "--out"])
        .arg(out);
    let _ = std::fs::remove_file(out.join("browser.json"));
    let result = process::run(&mut cmd).and_then(|()| {
        let read = |name: &str| {
            std::fs::read_to_string(out.join(name))
                .map_err(|e| XtaskError::io(format!("read {name}"), e))
        };
        let json = read("browser.json")?;
        let json = serde_json::from_str::<Value>(&json).map_err(|source| XtaskError::Json {
            context: "parse browser.json".into(),
            source,
        })?;
        Ok((read("browser.txt")?, json))
    });
    match result {
        Ok((txt, json)) => (txt.lines().map(str::to_owned).collect(), json),
        Err(e) => (
            vec![format!("browser figures: FAILED ({e})")],
            json!({ "error": e.to_string() }),
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
        assert_eq!(o.network, Network::Both);
        let o = parse(&["--runs", "25", "--only", "sizes"]).unwrap();
        assert_eq!((o.runs, o.sizes, o.browser), (25, true, false));
        let o = parse(&["--only", "browser"]).unwrap();
        assert_eq!((o.sizes, o.browser), (false, true));
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--only", "x"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }

    #[test]
    fn parses_the_network() {
        for network in [Network::Both, Network::Loopback, Network::Mobile] {
            let o = parse(&["--network", network.as_arg()]).unwrap();
            assert_eq!(o.network, network);
        }
        assert_eq!(Network::Mobile.as_arg(), "mobile");
        assert!(parse(&["--network", "3g"]).is_err());
        assert!(parse(&["--network"]).is_err());
    }
}

//! The apps the browser half signs in to, all against the harness's emulator A (through the
//! preflight relay, whose port is their API port) and all with the redirect URI
//! `{origin}/account`, in dev mode:
//! - (b) `xtask/baseline/with-sdk`, built here with `trunk build --release`, the API port
//!   and its redirect URI baked in (the size build has neither);
//! - (c) the demo, built here with `trunk build --release` and `AUTHKIT_API_PORT`;
//! - the reference: `tests/e2e/bench/reference` (authkit-react), installed from the npm
//!   registry into `target/bench/reference` and bundled there with esbuild.
//!
//! Each is served by its own [`static_server`](authkit_e2e::static_server) (gzip, no-store)
//! on `http://localhost:PORT`, its own origin.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use authkit_e2e::static_server;
use serde_json::{json, Value};

use crate::error::BenchError;

/// The path of every app's redirect URI (the demo's callback route, a protected page).
pub const CALLBACK_PATH: &str = "/account";

/// Which app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppKey {
    /// (b): the minimal app with the SDK.
    WithSdk,
    /// (c): the demo.
    Demo,
    /// The authkit-react reference.
    Reference,
}

impl AppKey {
    /// Its key in `browser.json` and in file names.
    pub fn key(self) -> &'static str {
        match self {
            AppKey::WithSdk => "with_sdk",
            AppKey::Demo => "demo",
            AppKey::Reference => "reference",
        }
    }

    /// Its label in the table.
    pub fn label(self) -> &'static str {
        match self {
            AppKey::WithSdk => "(b) with-sdk",
            AppKey::Demo => "(c) demo",
            AppKey::Reference => "authkit-react",
        }
    }
}

/// An app being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedApp {
    /// Which app.
    pub key: AppKey,
    /// `http://localhost:PORT`.
    pub origin: String,
}

impl ServedApp {
    /// `{origin}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// Serves `dist` (which may be filled later) on a new static server; returns its origin.
fn serve(dist: &Path) -> Result<String, BenchError> {
    let port = static_server::serve(dist.to_path_buf(), Default::default())?;
    Ok(format!("http://localhost:{port}"))
}

/// Builds (b) into `out/served-with_sdk` with its API port `api_port` and its redirect URI
/// `{origin}/account` baked in, and serves it.
pub fn build_with_sdk(
    root: &Path,
    out: &Path,
    api_port: u16,
    logs: &Path,
) -> Result<ServedApp, BenchError> {
    let dist = out.join("served-with_sdk");
    let origin = serve(&dist)?;
    let redirect_uri = format!("{origin}{CALLBACK_PATH}");
    trunk_release(
        &root.join("xtask/baseline/with-sdk"),
        &dist,
        &[
            ("AUTHKIT_API_PORT", api_port.to_string()),
            ("AUTHKIT_REDIRECT_URI", redirect_uri),
        ],
        &logs.join("trunk-with-sdk.log"),
    )?;
    Ok(ServedApp {
        key: AppKey::WithSdk,
        origin,
    })
}

/// Builds the demo into `out/served-demo` with `AUTHKIT_API_PORT=api_port` (the rest at its
/// defaults: the API on the page's host, dev mode on `localhost`, redirect URI
/// `{origin}/account`), and serves it.
pub fn build_demo(
    root: &Path,
    out: &Path,
    api_port: u16,
    logs: &Path,
) -> Result<ServedApp, BenchError> {
    let dist = out.join("served-demo");
    let origin = serve(&dist)?;
    trunk_release(
        root,
        &dist,
        &[("AUTHKIT_API_PORT", api_port.to_string())],
        &logs.join("trunk-demo.log"),
    )?;
    Ok(ServedApp {
        key: AppKey::Demo,
        origin,
    })
}

/// `trunk build --release --offline` of the app in `dir` (its `index.html` and
/// `Trunk.toml`) into `dist`, with the `AUTHKIT_*` build variables `vars` and no others, in
/// the target dir the size table uses.
fn trunk_release(
    dir: &Path,
    dist: &Path,
    vars: &[(&str, String)],
    log: &Path,
) -> Result<(), BenchError> {
    let trunk = std::env::var("TRUNK").unwrap_or_else(|_| "trunk".to_owned());
    let mut cmd = Command::new(trunk);
    cmd.current_dir(dir)
        .args(["build", "--release", "--offline", "--dist"])
        .arg(dist)
        .env("CARGO_TARGET_DIR", target_dir());
    for var in [
        "AUTHKIT_CLIENT_ID",
        "AUTHKIT_API_HOSTNAME",
        "AUTHKIT_API_PORT",
        "AUTHKIT_API_HTTPS",
        "AUTHKIT_DEV_MODE",
        "AUTHKIT_REDIRECT_URI",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(vars.iter().map(|(k, v)| (k, v)));
    run_logged(&mut cmd, log)
}

/// The cargo target dir Trunk builds into, as `cargo xtask bench` builds the size baselines:
/// `$CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| authkit_e2e::workspace_root().join("target"))
}

/// The reference app's committed sources (copied into its build directory).
const REFERENCE_SOURCES: [&str; 3] = ["package.json", "index.html", "app.jsx"];

/// The packages whose installed versions the report names.
const REFERENCE_PACKAGES: [&str; 5] = [
    "react",
    "react-dom",
    "@workos-inc/authkit-react",
    "@workos-inc/authkit-js",
    "esbuild",
];

/// Installs the reference app from the npm registry into `out/reference` (`npm install`,
/// no install scripts), bundles it with esbuild (minified ESM, production React) for the
/// emulator on `api_port`, and serves `out/reference/dist`. Returns the app and what was
/// built (package versions, bundle bytes).
pub fn build_reference(
    out: &Path,
    api_port: u16,
    logs: &Path,
) -> Result<(ServedApp, Value), BenchError> {
    let dir = out.join("reference");
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist)
        .map_err(|e| BenchError::io(format!("create {}", dist.display()), e))?;
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/reference");
    for name in REFERENCE_SOURCES {
        copy(&sources.join(name), &dir.join(name))?;
    }
    let origin = serve(&dist)?;
    let log = logs.join("reference-build.log");
    run_logged(
        Command::new("npm").current_dir(&dir).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
        ]),
        &log,
    )?;
    let redirect_uri = json!(format!("{origin}{CALLBACK_PATH}")).to_string();
    run_logged(
        Command::new(dir.join("node_modules/.bin/esbuild"))
            .current_dir(&dir)
            .args([
                "app.jsx",
                "--bundle",
                "--minify",
                "--format=esm",
                "--jsx=automatic",
                "--define:process.env.NODE_ENV=\"production\"",
                "--outfile=dist/app.js",
            ])
            .arg(format!("--define:__AUTHKIT_API_PORT__={api_port}"))
            .arg(format!("--define:__AUTHKIT_REDIRECT_URI__={redirect_uri}")),
        &log,
    )?;
    copy(&dir.join("index.html"), &dist.join("index.html"))?;
    let built = json!({
        "versions": installed_versions(&dir),
        "app_js_raw": file_len(&dist.join("app.js")),
        "bundler": "esbuild --bundle --minify --format=esm --jsx=automatic, NODE_ENV=production",
    });
    Ok((
        ServedApp {
            key: AppKey::Reference,
            origin,
        },
        built,
    ))
}

/// The versions npm installed of [`REFERENCE_PACKAGES`] (`null` for one it did not).
fn installed_versions(dir: &Path) -> Value {
    REFERENCE_PACKAGES
        .iter()
        .map(|name| {
            let manifest = dir.join("node_modules").join(name).join("package.json");
            let version = std::fs::read_to_string(manifest)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .map(|m| m["version"].clone())
                .unwrap_or(Value::Null);
            ((*name).to_owned(), version)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn file_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

fn copy(from: &Path, to: &Path) -> Result<(), BenchError> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| BenchError::io(format!("copy {} to {}", from.display(), to.display()), e))
}

/// Runs `cmd` with stdout and stderr appended to `log`; fails unless it exits successfully.
fn run_logged(cmd: &mut Command, log: &Path) -> Result<(), BenchError> {
    let shown = format!("{cmd:?}");
    let file = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| BenchError::io(format!("open {}", log.display()), e))?;
    let err = file
        .try_clone()
        .map_err(|e| BenchError::io("clone a log handle", e))?;
    eprintln!("bench: {shown}");
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .status()
        .map_err(|e| BenchError::io(format!("start {shown}"), e))?;
    if status.success() {
        Ok(())
    } else {
        Err(BenchError::build(shown, status, log))
    }
}

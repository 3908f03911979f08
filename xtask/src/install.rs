//! `cargo xtask install`: idempotent tool installation. Every step first checks whether the
//! tool is present at the right version and skips when it is, so a warm run takes seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::error::XtaskError;
use crate::lockfile;
use crate::process::{self, probe, which};

/// trunk 0.22 needs rustc >= 1.96.1; 0.21.14 builds with 1.95.
pub const TRUNK_VERSION: &str = "0.21.14";
/// npm `binaryen` (a Node build of wasm-opt); Debian's binaryen 108 cannot read rustc 1.95 output.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// The browser-test and demo target.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Which tools a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `cargo xtask demo`: wasm target, trunk, wasm-bindgen.
    Demo,
    /// `cargo xtask install` / `test`: everything (plus clippy/rustfmt, chromium, wasm-opt).
    Full,
}

/// Where cargo installs binaries: `$CARGO_HOME/bin`, default `~/.cargo/bin`.
///
/// ```ignore
/// let bin = install::cargo_bin_dir();
/// assert!(bin.ends_with("bin"));
/// ```
pub fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// Puts the cargo bin directory first on PATH (for us and every child), so that the tools
/// installed here win over system ones (e.g. Debian's old `wasm-opt`).
pub fn prepend_cargo_bin_to_path() {
    let bin = cargo_bin_dir();
    let mut paths = vec![bin.clone()];
    if let Some(current) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&current).filter(|p| *p != bin));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        // Single-threaded at this point (called first thing in main).
        std::env::set_var("PATH", joined);
    }
}

/// The outcome of one install step.
enum Step {
    Present(String),
    Installed(String),
}

/// Installs whatever `profile` needs and is missing. Every step runs even when an earlier one
/// failed; the failures are reported together.
pub fn ensure(root: &Path, profile: Profile) -> Result<(), XtaskError> {
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut record = |name: &str, result: Result<Step, XtaskError>| match result {
        Ok(Step::Present(what)) => println!("xtask install: ok        {what}"),
        Ok(Step::Installed(what)) => println!("xtask install: installed {what}"),
        Err(XtaskError::Interrupted) => failures.push(format!("{name}: interrupted")),
        Err(err) => {
            eprintln!("xtask install: FAILED    {name}: {err}");
            failures.push(format!("{name}: {err}"));
        }
    };

    if profile == Profile::Full {
        record("clippy + rustfmt", rust_components());
    }
    record(WASM_TARGET, wasm_target());
    if profile == Profile::Full {
        record("chromium + chromedriver", chromium());
    }
    record("trunk", trunk());
    record("wasm-bindgen-cli", wasm_bindgen_cli(root));
    if profile == Profile::Full {
        record("wasm-opt", wasm_opt());
    }
    record("crates", fetch_crates());
    process::check_interrupted()?;
    println!(
        "xtask install: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(XtaskError::ToolsMissing(failures))
    }
}

fn timed(what: String, started: Instant) -> Step {
    Step::Installed(format!("{what} ({:.0} s)", started.elapsed().as_secs_f64()))
}

fn rust_components() -> Result<Step, XtaskError> {
    let clippy = probe("cargo", ["clippy", "--version"]);
    let fmt = probe("cargo", ["fmt", "--version"]);
    if let (Some(clippy), Some(fmt)) = (&clippy, &fmt) {
        return Ok(Step::Present(format!("{clippy}; {fmt}")));
    }
    let started = Instant::now();
    process::run(Command::new("rustup").args(["component", "add", "clippy", "rustfmt"]))?;
    Ok(timed("clippy + rustfmt".into(), started))
}

fn wasm_target() -> Result<Step, XtaskError> {
    let has_target = || {
        probe("rustc", ["--print", "sysroot"])
            .map(|sysroot| {
                Path::new(&sysroot)
                    .join("lib/rustlib")
                    .join(WASM_TARGET)
                    .join("lib")
                    .is_dir()
            })
            .unwrap_or(false)
    };
    if has_target() {
        return Ok(Step::Present(format!("rust target {WASM_TARGET}")));
    }
    if which("rustup").is_none() {
        return Err(XtaskError::ToolsMissing(vec![format!(
            "the {WASM_TARGET} target is missing and rustup is not on PATH; \
             install the target for your toolchain"
        )]));
    }
    let started = Instant::now();
    process::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(timed(format!("rust target {WASM_TARGET}"), started))
}

fn chromium() -> Result<Step, XtaskError> {
    if let (Some(browser), Some(driver)) = (which("chromium"), which("chromedriver")) {
        let version = probe(&driver, ["--version"]).unwrap_or_default();
        let version = version.split_whitespace().take(2).collect::<Vec<_>>();
        return Ok(Step::Present(format!(
            "{} + {} ({})",
            browser.display(),
            driver.display(),
            version.join(" ")
        )));
    }
    let command = "apt-get install -y chromium chromium-driver";
    if !process::is_root() {
        return Err(XtaskError::ToolsMissing(vec![format!(
            "chromium and chromedriver are needed for the browser and end-to-end tests; \
             run as root: `sudo apt-get update && sudo {command}` (Debian/Ubuntu)"
        )]));
    }
    if which("apt-get").is_none() {
        return Err(XtaskError::ToolsMissing(vec![
            "chromium and chromedriver are missing and apt-get is not available; \
             install Chromium and a matching ChromeDriver and put both on PATH"
                .into(),
        ]));
    }
    let started = Instant::now();
    process::run(Command::new("apt-get").args(["update", "-qq"]))?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    Ok(timed("chromium + chromedriver (apt)".into(), started))
}

fn trunk() -> Result<Step, XtaskError> {
    let want = format!("trunk {TRUNK_VERSION}");
    if probe("trunk", ["--version"]).as_deref() == Some(want.as_str()) {
        return Ok(Step::Present(want));
    }
    let started = Instant::now();
    println!("xtask install: building {want} (about 6-10 min on 2 cores)");
    process::run(Command::new("cargo").args([
        "install",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--locked",
        "--force",
    ]))?;
    Ok(timed(want, started))
}

fn wasm_bindgen_cli(root: &Path) -> Result<Step, XtaskError> {
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| XtaskError::io(format!("reading {}", lock_path.display()), e))?;
    let version = lockfile::locked_version(&lock, "wasm-bindgen")?;
    let bindgen = format!("wasm-bindgen {version}");
    let runner = format!("wasm-bindgen-test-runner {version}");
    let have_bindgen = probe("wasm-bindgen", ["--version"]);
    let have_runner = probe("wasm-bindgen-test-runner", ["--version"]);
    if have_bindgen.as_deref() == Some(bindgen.as_str())
        && have_runner.as_deref() == Some(runner.as_str())
    {
        return Ok(Step::Present(format!(
            "wasm-bindgen-cli {version} (= Cargo.lock)"
        )));
    }
    let started = Instant::now();
    println!(
        "xtask install: building wasm-bindgen-cli {version} to match Cargo.lock (found: {}; about 2-3 min)",
        have_bindgen.as_deref().unwrap_or("none")
    );
    // Not --locked: the 0.2.130 lockfile names a webpki-roots version the registry lacks.
    process::run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))?;
    Ok(timed(format!("wasm-bindgen-cli {version}"), started))
}

/// `trunk --offline` runs cargo offline, so every crate (for every target) must be in the local
/// registry first; `cargo fetch` takes under a second when they already are.
fn fetch_crates() -> Result<Step, XtaskError> {
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["fetch", "--quiet"])
        .status()
        .map_err(|e| XtaskError::Spawn {
            program: "cargo".into(),
            source: e,
        })?;
    process::check_interrupted()?;
    if !status.success() {
        return Err(XtaskError::CommandFailed {
            command: "cargo fetch".into(),
            status,
        });
    }
    Ok(Step::Present(format!(
        "crates fetched for offline builds ({:.1} s)",
        started.elapsed().as_secs_f64()
    )))
}

fn wasm_opt() -> Result<Step, XtaskError> {
    let bin_dir = cargo_bin_dir();
    let link = bin_dir.join("wasm-opt");
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    // `wasm-opt version 132 (version_132)`
    let found = probe(&link, ["--version"]);
    if found
        .as_deref()
        .and_then(|v| v.split_whitespace().nth(2))
        .is_some_and(|v| v == major)
    {
        return Ok(Step::Present(format!("wasm-opt {major} (npm binaryen)")));
    }
    if which("npm").is_none() {
        return Err(XtaskError::ToolsMissing(vec![format!(
            "wasm-opt {major} needs npm (`npm install binaryen@{BINARYEN_VERSION}`); \
             install Node.js/npm, or build the demo without --release"
        )]));
    }
    // Outside the repository: trunk's watcher and git must not see node_modules.
    let tools_dir = bin_dir
        .parent()
        .map(|home| home.join("wasm-tools"))
        .unwrap_or_else(|| PathBuf::from("/tmp/xtask-wasm-tools"));
    for dir in [&tools_dir, &bin_dir] {
        std::fs::create_dir_all(dir)
            .map_err(|e| XtaskError::io(format!("creating {}", dir.display()), e))?;
    }
    let started = Instant::now();
    process::run(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&tools_dir)
            .args(["--no-audit", "--no-fund", "--silent"])
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
    )?;
    let target = tools_dir.join("node_modules/binaryen/bin/wasm-opt");
    process::require_file(&target, "npm binaryen should provide it")?;
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).map_err(|e| {
        XtaskError::io(
            format!("linking {} -> {}", link.display(), target.display()),
            e,
        )
    })?;
    Ok(timed(format!("wasm-opt {major} (npm binaryen)"), started))
}

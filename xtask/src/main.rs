//! `cargo xtask install|demo|test|bench`: the project's commands (see README.md).
//!
//! std only, plus serde_json for `report.json`, so that it compiles in seconds on a fresh machine.

mod bench;
mod demo;
mod emulator;
mod error;
mod install;
mod lockfile;
mod package;
mod process;
mod quickstart;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use error::XtaskError;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  install   install the missing tools (wasm32 target, trunk, wasm-bindgen-cli at the
            Cargo.lock version, wasm-opt, chromium + chromedriver when root); idempotent
  demo      start the emulator (:4100) and the demo (trunk serve, :5173); Ctrl-C stops both
  test      fmt, clippy, package (the README quick start built against `cargo package`),
            host tests, browser tests, end-to-end tests; fails fast
            (`--only package,host` runs some stages, for development)
  bench     bundle cost (the SDK over a typical Yew app and over a bare one), time to
            signed-in, requests per flow, wake-ups; a table + target/bench/report.json
            (`--runs N`, `--only sizes|browser`, `--network loopback|mobile|both`)";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    install::prepend_cargo_bin_to_path();
    process::install_signal_handlers();
    let root = workspace_root();
    if let Err(err) = std::env::set_current_dir(&root) {
        eprintln!("xtask: error: cannot enter {}: {err}", root.display());
        return ExitCode::FAILURE;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["install"] => install::ensure(&root, install::Profile::Full),
        ["demo"] => demo::run(&root),
        ["test", rest @ ..] => {
            test::parse_stages(rest).and_then(|stages| test::run(&root, &stages))
        }
        ["bench", rest @ ..] => bench::parse(rest).and_then(|opts| bench::run(&root, &opts)),
        ["help" | "-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [] => Err(XtaskError::Usage(format!("no command given\n{USAGE}"))),
        other => Err(XtaskError::Usage(format!(
            "unknown arguments `{}`\n{USAGE}",
            other.join(" ")
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(XtaskError::Reported) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("xtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}

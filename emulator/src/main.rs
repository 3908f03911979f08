//! `authkit-emulator`: see `authkit-emulator --help` and emulator/README.md.

use std::io::Write;
use std::process::ExitCode;

use authkit_emulator::cli::Cli;
use authkit_emulator::seed::Seed;
use authkit_emulator::{Emulator, StartError};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let seed = match &cli.config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match Seed::parse(&text) {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("authkit-emulator: {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                eprintln!("authkit-emulator: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    if cfg!(panic = "abort") {
        tracing::warn!(
            "this build aborts on panic (panic = \"abort\"), so an emulator bug ends the \
             process instead of answering 500; build it without that setting"
        );
    }
    let emu = match Emulator::start(cli.options(seed)).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("authkit-emulator: {e}");
            // A setting out of range is a usage error, like a bad flag or seed.
            return match e {
                StartError::Settings(_) | StartError::ReadTimeout(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            };
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "authkit-emulator listening on {}", emu.base_url());
    let _ = out.flush();
    wait_for_signal().await;
    tracing::info!("shutting down");
    emu.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

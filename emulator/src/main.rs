//! `authkit-emulator`: see `authkit-emulator --help` and emulator/README.md.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use authkit_emulator::cli::{Cli, DEFAULT_DATA_DIR};
use authkit_emulator::seed::Seed;
use authkit_emulator::{Emulator, EmulatorOptions};
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
    let data_dir = if cli.in_memory {
        None
    } else {
        Some(
            cli.data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        )
    };
    let emu = match Emulator::start(EmulatorOptions {
        host: cli.host.clone(),
        port: cli.port,
        seed,
        data_dir,
        access_token_ttl_secs: cli.access_token_ttl,
        refresh_grace_secs: cli.refresh_grace,
    })
    .await
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("authkit-emulator: {e}");
            return ExitCode::FAILURE;
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

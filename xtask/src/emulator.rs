//! Building and starting the emulator binary (`authkit-emulator`, contracts §1).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::error::XtaskError;
use crate::process::{self, Server};

/// The cargo target directory the workspace builds into (`$CARGO_TARGET_DIR` or `target/`).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Builds the emulator (debug) and returns the binary's path.
///
/// ```ignore
/// let bin = emulator::build(&root)?;
/// assert!(bin.ends_with("debug/authkit-emulator"));
/// ```
pub fn build(root: &Path) -> Result<PathBuf, XtaskError> {
    process::run(Command::new("cargo").args(["build", "-p", "authkit-emulator"]))?;
    let bin = target_dir(root).join("debug/authkit-emulator");
    process::require_file(
        &bin,
        "`cargo build -p authkit-emulator` should have produced it",
    )?;
    Ok(bin)
}

/// Starts an emulator command (in its own process group) and waits for its
/// `authkit-emulator listening on http://HOST:PORT` line; returns the server and that URL.
/// Its stdout keeps being echoed with an `[emulator]` prefix; its stderr (logs) is inherited.
pub fn start(name: &str, cmd: &mut Command) -> Result<(Server, String), XtaskError> {
    let mut server = Server::spawn(name, cmd.stdout(Stdio::piped()))?;
    let stdout = server.take_stdout().ok_or_else(|| {
        XtaskError::io(
            "capturing the emulator's stdout",
            std::io::Error::other("stdout was not piped"),
        )
    })?;
    let lines = process::line_reader(stdout, "[emulator] ");
    let (url, _port) = process::wait_for_line(
        &mut server,
        &lines,
        Duration::from_secs(120),
        "the emulator's `authkit-emulator listening on` line",
        process::parse_listening_line,
    )?;
    Ok((server, url))
}

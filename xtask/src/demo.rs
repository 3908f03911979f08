//! `cargo xtask demo`: install what is missing, start the emulator (port 4100, persistent data)
//! and `trunk serve --offline` (port 5173), print the URL and credentials, stop both on Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use crate::emulator;
use crate::error::XtaskError;
use crate::install::{self, Profile};
use crate::process::{self, Server};

/// The emulator's default port (contracts §1).
pub const EMULATOR_PORT: u16 = 4100;
/// The demo's port (`Trunk.toml`).
pub const DEMO_PORT: u16 = 5173;
/// The seeded demo account.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// Its password.
pub const DEMO_PASSWORD: &str = "demo-password";
/// Where the demo's emulator keeps users and sessions between runs (git-ignored).
pub const DATA_DIR: &str = ".emulator-data";

/// Runs `cargo xtask demo` until Ctrl-C.
pub fn run(root: &Path) -> Result<(), XtaskError> {
    install::ensure(root, Profile::Demo)?;
    process::require_file(
        &root.join("Trunk.toml"),
        "trunk serve builds the demo with it",
    )?;
    process::require_file(&root.join("index.html"), "the demo's Trunk entry point")?;
    for (port, by) in [(EMULATOR_PORT, "the emulator"), (DEMO_PORT, "trunk serve")] {
        if !process::port_is_free(port) {
            return Err(XtaskError::PortInUse { port, by });
        }
    }

    let bin = emulator::build(root)?;
    let (mut emulator, url) = emulator::start(
        "emulator",
        Command::new(&bin)
            .arg("--data-dir")
            .arg(root.join(DATA_DIR)),
    )?;
    println!("xtask: emulator ready at {url}");

    let mut trunk = Server::spawn(
        "trunk serve",
        Command::new("trunk")
            .args(["serve", "--offline"])
            .current_dir(root),
    )?;
    println!("xtask: trunk is building the demo (a cold build takes a few minutes)...");
    process::wait_for_http(
        SocketAddr::from((Ipv4Addr::LOCALHOST, DEMO_PORT)),
        "/",
        Duration::from_secs(1200),
        &mut [&mut emulator, &mut trunk],
        "trunk serve to answer on port 5173",
    )?;

    println!();
    println!("  authkit-yew demo:  http://localhost:{DEMO_PORT}");
    println!("  emulator:          {url}  (dashboard and hosted sign-in)");
    println!("  sign in with {DEMO_EMAIL} / {DEMO_PASSWORD}, or sign up a new user");
    println!("  mailbox (verification codes, reset links): {url}/_emulator/mailbox.html");
    println!("  press Ctrl-C to stop both");
    println!();

    while !process::interrupted() {
        emulator.check_alive()?;
        trunk.check_alive()?;
        thread::sleep(Duration::from_millis(200));
    }
    println!("xtask: stopping the demo");
    trunk.stop();
    emulator.stop();
    Ok(())
}

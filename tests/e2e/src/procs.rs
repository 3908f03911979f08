//! Child processes that never outlive the test process.
//!
//! Every child is spawned with `PR_SET_PDEATHSIG = SIGKILL` (it dies when the spawning thread
//! dies, so the harness spawns from one long-lived thread), is killed when its [`ChildGuard`]
//! drops, and is also killed by an `atexit` hook (statics are never dropped).

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{mpsc, Mutex, Once};
use std::time::Duration;

use crate::error::HarnessError;

static PIDS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static DIRS: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());
static ATEXIT: Once = Once::new();

extern "C" fn kill_all_children() {
    if let Ok(pids) = PIDS.lock() {
        for &pid in pids.iter() {
            // SAFETY: kill(2) with a pid we spawned ourselves; no memory is touched.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
        }
    }
    if let Ok(dirs) = DIRS.lock() {
        for dir in dirs.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn register_atexit() {
    ATEXIT.call_once(|| {
        // SAFETY: registers a plain extern "C" function with no captured state.
        unsafe {
            libc::atexit(kill_all_children);
        }
    });
}

/// Removes `dir` when the process exits (after the children are killed).
pub fn remove_at_exit(dir: std::path::PathBuf) {
    register_atexit();
    if let Ok(mut dirs) = DIRS.lock() {
        dirs.push(dir);
    }
}

/// A running child process, killed (and reaped) on drop.
///
/// ```no_run
/// use std::process::Command;
/// let guard = authkit_e2e::procs::spawn(Command::new("sleep").arg("60"), "sleep").unwrap();
/// drop(guard); // the sleep is killed here
/// ```
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
    name: String,
}

impl ChildGuard {
    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Takes the child's stdout (when it was piped).
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The name given at spawn time.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(mut pids) = PIDS.lock() {
            pids.retain(|&p| p != self.child.id());
        }
    }
}

/// Spawns `cmd` so that it dies with this process (see the module docs).
pub fn spawn(cmd: &mut Command, name: &str) -> Result<ChildGuard, HarnessError> {
    register_atexit();
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| HarnessError::io(format!("spawn {name}"), e))?;
    PIDS.lock()
        .map_err(|_| HarnessError::Setup("pid list poisoned".into()))?
        .push(child.id());
    Ok(ChildGuard {
        child,
        name: name.to_owned(),
    })
}

/// Reads the child's stdout until a line satisfies `ready`, returning that line; the rest of
/// stdout is drained on a background thread so the child never blocks on a full pipe.
pub fn wait_for_line(
    guard: &mut ChildGuard,
    timeout: Duration,
    ready: impl Fn(&str) -> bool + Send + 'static,
) -> Result<String, HarnessError> {
    let stdout = guard
        .take_stdout()
        .ok_or_else(|| HarnessError::Setup(format!("{}: stdout not piped", guard.name())))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut sent = false;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if !sent && ready(&line) {
                let _ = tx.send(line);
                sent = true;
            }
        }
    });
    rx.recv_timeout(timeout).map_err(|_| {
        HarnessError::Setup(format!(
            "{} printed no ready line within {timeout:?}",
            guard.name()
        ))
    })
}

/// Piped stdout, inherited stderr: the usual setup for a server child.
pub fn server_stdio(cmd: &mut Command) -> &mut Command {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
}

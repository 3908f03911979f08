//! Spawning and stopping child processes, waiting for ports and lines, signals.
//!
//! Servers are started in their own process group so that a Ctrl-C in the terminal reaches only
//! the xtask, which then stops each group (SIGTERM, then SIGKILL) — grandchildren such as the
//! `cargo build` run by `trunk serve` included. No orphan survives an xtask that exits normally,
//! fails, or gets SIGINT/SIGTERM/SIGHUP.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::raw::c_int;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::XtaskError;

extern "C" {
    fn signal(signum: c_int, handler: usize) -> usize;
    fn kill(pid: c_int, sig: c_int) -> c_int;
    fn geteuid() -> u32;
}

const SIGHUP: c_int = 1;
const SIGINT: c_int = 2;
const SIGKILL: c_int = 9;
const SIGTERM: c_int = 15;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_signum: c_int) {
    // Only an atomic store: async-signal-safe.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes SIGINT, SIGTERM and SIGHUP set a flag instead of killing the xtask, so that it can
/// stop its servers before exiting. Children in the terminal's process group (e.g. `cargo test`)
/// still get Ctrl-C themselves.
///
/// ```ignore
/// process::install_signal_handlers();
/// assert!(!process::interrupted());
/// ```
pub fn install_signal_handlers() {
    let handler = on_signal as extern "C" fn(c_int) as usize;
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        // SAFETY: glibc `signal` installs a persistent handler; the handler only stores an atomic.
        unsafe {
            signal(sig, handler);
        }
    }
}

/// Whether SIGINT/SIGTERM/SIGHUP arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Fails with [`XtaskError::Interrupted`] once a signal arrived.
pub fn check_interrupted() -> Result<(), XtaskError> {
    if interrupted() {
        Err(XtaskError::Interrupted)
    } else {
        Ok(())
    }
}

/// Whether the xtask runs as root (effective uid 0).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { geteuid() == 0 }
}

/// The command line as a shell user would type it (for logs and errors).
pub fn display(cmd: &Command) -> String {
    let mut out = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        out.push(' ');
        let arg = arg.to_string_lossy();
        if arg.contains(' ') || arg.is_empty() {
            out.push_str(&format!("'{arg}'"));
        } else {
            out.push_str(&arg);
        }
    }
    out
}

fn spawn_error(cmd: &Command, source: std::io::Error) -> XtaskError {
    XtaskError::Spawn {
        program: cmd.get_program().to_string_lossy().into_owned(),
        source,
    }
}

/// Runs a command with inherited stdio; fails unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result<(), XtaskError> {
    let shown = display(cmd);
    println!("$ {shown}");
    let status = cmd.status().map_err(|e| spawn_error(cmd, e))?;
    check_interrupted()?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::CommandFailed {
            command: shown,
            status,
        })
    }
}

/// Runs a command quietly and returns its stdout; fails unless it exits successfully
/// (stderr is inherited, stdin is closed).
pub fn output(cmd: &mut Command) -> Result<Vec<u8>, XtaskError> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| spawn_error(cmd, e))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(XtaskError::CommandFailed {
            command: display(cmd),
            status: out.status,
        })
    }
}

/// Runs a command, echoing its stdout live while collecting it; stderr is inherited.
/// Returns the exit status and the stdout lines (the caller decides what failure means).
pub fn run_tee(cmd: &mut Command) -> Result<(ExitStatus, Vec<String>), XtaskError> {
    println!("$ {}", display(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(cmd, e))?;
    let mut lines = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        let mut buf = Vec::new();
        let out = std::io::stdout();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    let mut lock = out.lock();
                    let _ = lock.write_all(line.as_bytes());
                    let _ = lock.flush();
                    lines.push(line.trim_end_matches(['\n', '\r']).to_string());
                }
                Err(e) => return Err(XtaskError::io("reading a child's stdout", e)),
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| XtaskError::io("waiting for a child", e))?;
    check_interrupted()?;
    Ok((status, lines))
}

/// Runs a program quietly and returns its trimmed stdout when it exits successfully
/// (`None` when it is missing or fails). For version probes.
pub fn probe<I, S>(program: impl AsRef<OsStr>, args: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The first executable named `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// Whether nothing listens on `127.0.0.1:port` (we can bind it).
pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A long-running child (a server) in its own process group; stopped on drop.
#[derive(Debug)]
pub struct Server {
    name: String,
    child: Child,
    stopped: bool,
}

impl Server {
    /// Spawns `cmd` in a new process group with stdin closed.
    pub fn spawn(name: impl Into<String>, cmd: &mut Command) -> Result<Self, XtaskError> {
        println!("$ {}", display(cmd));
        let child = cmd
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| spawn_error(cmd, e))?;
        Ok(Server {
            name: name.into(),
            child,
            stopped: false,
        })
    }

    /// The server's piped stdout, if it was piped and not taken yet.
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.child.stdout.take()
    }

    /// Fails when the server has exited.
    pub fn check_alive(&mut self) -> Result<(), XtaskError> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(XtaskError::ServerExited {
                name: self.name.clone(),
                status,
            }),
            Err(e) => Err(XtaskError::io(format!("checking on {}", self.name), e)),
        }
    }

    /// Stops the whole process group: SIGTERM, up to 5 s grace, then SIGKILL. Idempotent.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let Ok(pgid) = c_int::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: plain syscalls on the group we created; ESRCH (already gone) is fine.
        unsafe {
            kill(-pgid, SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        // Stragglers of the group (or a leader that ignored SIGTERM) go now.
        // SAFETY: as above.
        unsafe {
            kill(-pgid, SIGKILL);
        }
        let _ = self.child.wait();
        println!("xtask: stopped {}", self.name);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads `source` line by line on a thread, echoing each line with `prefix` to our stdout and
/// sending it on the returned channel (the reader keeps draining after the receiver is gone).
pub fn line_reader(source: impl Read + Send + 'static, prefix: &'static str) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf)
                        .trim_end_matches(['\n', '\r'])
                        .to_string();
                    println!("{prefix}{line}");
                    let _ = tx.send(line);
                }
            }
        }
    });
    rx
}

/// Waits for the first line for which `pick` returns `Some`, while the server is alive.
pub fn wait_for_line<T>(
    server: &mut Server,
    lines: &Receiver<String>,
    timeout: Duration,
    what: &str,
    mut pick: impl FnMut(&str) -> Option<T>,
) -> Result<T, XtaskError> {
    let deadline = Instant::now() + timeout;
    loop {
        check_interrupted()?;
        match lines.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                if let Some(found) = pick(&line) {
                    return Ok(found);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // stdout closed: the server is exiting or exited.
                thread::sleep(Duration::from_millis(200));
                server.check_alive()?;
            }
        }
        server.check_alive()?;
        if Instant::now() >= deadline {
            return Err(XtaskError::Timeout {
                what: what.to_string(),
                secs: timeout.as_secs(),
            });
        }
    }
}

/// Whether `GET path` on `addr` answers with HTTP 200.
pub fn http_ok(addr: SocketAddr, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: */*\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut status_line = String::new();
    if BufReader::new(stream).read_line(&mut status_line).is_err() {
        return false;
    }
    status_line.split_whitespace().nth(1) == Some("200")
}

/// Polls `http_ok(addr, path)` until it holds, every server stays alive, and no signal came.
pub fn wait_for_http(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
    servers: &mut [&mut Server],
    what: &str,
) -> Result<(), XtaskError> {
    let deadline = Instant::now() + timeout;
    loop {
        check_interrupted()?;
        for server in servers.iter_mut() {
            server.check_alive()?;
        }
        if http_ok(addr, path) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(XtaskError::Timeout {
                what: what.to_string(),
                secs: timeout.as_secs(),
            });
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// The emulator's readiness line: `authkit-emulator listening on http://HOST:PORT` → the URL.
///
/// ```ignore
/// assert_eq!(
///     parse_listening_line("authkit-emulator listening on http://127.0.0.1:4100"),
///     Some(("http://127.0.0.1:4100".to_string(), 4100)),
/// );
/// ```
pub fn parse_listening_line(line: &str) -> Option<(String, u16)> {
    let url = line
        .trim()
        .strip_prefix("authkit-emulator listening on ")?
        .trim();
    let authority = url.strip_prefix("http://")?;
    let port: u16 = authority.rsplit_once(':')?.1.parse().ok()?;
    (port != 0).then(|| (url.to_string(), port))
}

/// Whether a path exists, as a typed error when it does not.
pub fn require_file(path: &Path, why: &'static str) -> Result<(), XtaskError> {
    if path.exists() {
        Ok(())
    } else {
        Err(XtaskError::MissingFile {
            path: path.display().to_string(),
            why,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_is_free_sees_a_listener() {
        let held = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        assert!(!port_is_free(port));
        drop(held);
        assert!(port_is_free(port));
    }

    #[test]
    fn output_returns_stdout_and_fails_on_a_non_zero_exit() {
        let out = output(Command::new("sh").args(["-c", "printf hello"])).unwrap();
        assert_eq!(out, b"hello");
        let err = output(Command::new("sh").args(["-c", "printf partial; exit 3"])).unwrap_err();
        assert!(matches!(err, XtaskError::CommandFailed { .. }), "{err:?}");
    }

    #[test]
    fn parses_the_emulator_listening_line() {
        assert_eq!(
            parse_listening_line("authkit-emulator listening on http://127.0.0.1:41234\n"),
            Some(("http://127.0.0.1:41234".to_string(), 41234))
        );
        assert_eq!(
            parse_listening_line("authkit-emulator listening on http://localhost:4100"),
            Some(("http://localhost:4100".to_string(), 4100))
        );
        assert_eq!(parse_listening_line("INFO starting"), None);
        assert_eq!(
            parse_listening_line("authkit-emulator listening on http://localhost:0"),
            None
        );
        assert_eq!(
            parse_listening_line("authkit-emulator listening on http://localhost"),
            None
        );
    }

    #[test]
    fn display_quotes_arguments_with_spaces() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "a b", ""]);
        assert_eq!(display(&cmd), "cargo test 'a b' ''");
    }

    #[test]
    fn server_stop_kills_the_whole_group() {
        // A shell leader with a background grandchild: both must be gone after stop().
        let dir = std::env::temp_dir().join(format!("xtask-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join("grandchild.pid");
        let script = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let mut server =
            Server::spawn("sleeper", Command::new("sh").args(["-c", &script])).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pidfile.exists() || std::fs::read_to_string(&pidfile).unwrap().trim().is_empty() {
            assert!(Instant::now() < deadline, "grandchild never started");
            thread::sleep(Duration::from_millis(20));
        }
        let grandchild: c_int = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        server.check_alive().unwrap();
        server.stop();
        // The grandchild was reparented (not our child), so poll for it to vanish: kill(pid, 0)
        // fails once it no longer exists (it may linger briefly as a zombie of init).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = std::fs::read_to_string(format!("/proc/{grandchild}/stat"));
            let gone = match status {
                Err(_) => true,
                Ok(stat) => stat.split_whitespace().nth(2) == Some("Z"),
            };
            if gone {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "grandchild {grandchild} survived stop()"
            );
            thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn check_alive_reports_an_exited_server() {
        let mut server = Server::spawn("quitter", Command::new("true").arg("x")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match server.check_alive() {
                Err(XtaskError::ServerExited { name, .. }) => {
                    assert_eq!(name, "quitter");
                    break;
                }
                Ok(()) => assert!(Instant::now() < deadline),
                Err(other) => panic!("unexpected {other}"),
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn http_ok_reads_the_status_code() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = thread::spawn(move || {
            for body in ["HTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 404 Not Found\r\n\r\n"] {
                let (mut conn, _) = listener.accept().unwrap();
                let mut buf = [0u8; 1024];
                let _ = conn.read(&mut buf);
                conn.write_all(body.as_bytes()).unwrap();
            }
        });
        assert!(http_ok(addr, "/"));
        assert!(!http_ok(addr, "/"));
        handle.join().unwrap();
    }
}

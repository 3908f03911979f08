//! End-to-end test harness: drives a real Chromium through the Trunk-built demo against the
//! emulator.
//!
//! One [`Harness`] per test process, started lazily by the first test ([`harness`]):
//! - a static server for the demo on one port `D` on `127.0.0.1`, `127.0.0.2` and `::1`
//!   (`http://localhost:D` = dev mode, `http://127.0.0.2:D` = cookie mode, both by `auto`);
//! - emulator A on `localhost:P` (dev mode) and emulator B on `127.0.0.2:P` (cookie mode,
//!   same site as the demo on 127.0.0.2), each with a generated config whose sign-in endpoint
//!   is that origin's `/login`;
//! - the demo built once by `trunk build --offline` with `AUTHKIT_API_PORT=P`;
//! - one `chromedriver`; every test gets its own Chromium with a fresh profile
//!   ([`scenario`]).
//!
//! Every child process dies with the test process (see [`procs`]). Tests run with
//! `--test-threads=1`; each starts by resetting both emulators.
//!
//! ```no_run
//! #[tokio::test]
//! async fn home_page_renders() {
//!     authkit_e2e::scenario(|ctx| async move {
//!         ctx.browser.goto(&ctx.dev_url("/")).await.unwrap();
//!         ctx.browser.wait_status("signed-out").await;
//!     })
//!     .await;
//! }
//! ```

pub mod browser;
pub mod config;
pub mod demo;
pub mod emulator;
pub mod error;
pub mod flows;
pub mod http;
pub mod procs;
pub mod static_server;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

pub use browser::Browser;
pub use emulator::Emulator;
pub use error::HarnessError;

/// The client id of the demo (the emulator's seed client).
pub const CLIENT_ID: &str = "client_demo";

/// The servers of one test process.
#[derive(Debug, Clone)]
pub struct Harness {
    /// Port of the demo's static server (on 127.0.0.1, 127.0.0.2 and ::1).
    pub demo_port: u16,
    /// Port of both emulators (localhost and 127.0.0.2).
    pub api_port: u16,
    /// `http://127.0.0.1:N` of chromedriver.
    pub webdriver_url: String,
    /// Where logs (emulator, trunk, chromedriver) go.
    pub work_dir: PathBuf,
}

impl Harness {
    /// Emulator A, the one the demo on `localhost`/`127.0.0.1` talks to (dev mode).
    pub fn emulator(&self) -> Emulator {
        Emulator::new(format!("http://localhost:{}", self.api_port))
    }

    /// Emulator B on `127.0.0.2`, the one the demo on `127.0.0.2` talks to (cookie mode).
    pub fn cookie_emulator(&self) -> Emulator {
        Emulator::new(format!("http://127.0.0.2:{}", self.api_port))
    }

    /// `http://localhost:D{path}`: the demo in dev mode.
    pub fn dev_url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.demo_port)
    }

    /// `http://127.0.0.2:D{path}`: the demo in cookie mode.
    pub fn cookie_url(&self, path: &str) -> String {
        format!("http://127.0.0.2:{}{path}", self.demo_port)
    }
}

/// The path of the iframe host page served next to the demo: it frames the demo's
/// `/account` on the *other* loopback name (`localhost` ↔ `127.0.0.1`), i.e. another origin.
pub const FRAME_HOST_PATH: &str = "/__e2e/frame-host";

const FRAME_HOST_HTML: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>Frame host</title></head>
<body>
<h1 id="host">A page on another origin that frames the demo</h1>
<iframe id="appframe" width="800" height="600"></iframe>
<script>
  const other = location.hostname === "127.0.0.1" ? "localhost" : "127.0.0.1";
  document.getElementById("appframe").src = "http://" + other + ":" + location.port + "/account";
</script>
</body></html>
"#;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The shared harness, started on first use (blocking; the first call builds the emulator
/// and the demo). Panics with the reason (and the log to read) when it cannot start.
pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        // Children are spawned from this thread, which never ends: PR_SET_PDEATHSIG fires
        // when the spawning *thread* exits, and libtest ends each test's thread.
        std::thread::Builder::new()
            .name("e2e-harness".into())
            .spawn(move || match start() {
                Ok((harness, guards)) => {
                    let _ = tx.send(Ok(harness));
                    let _keep_alive = guards;
                    loop {
                        std::thread::park();
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            })
            .expect("spawn the harness thread");
        match rx.recv() {
            Ok(Ok(h)) => h,
            Ok(Err(e)) => panic!("e2e harness failed to start: {e}"),
            Err(_) => panic!("e2e harness thread died"),
        }
    })
}

fn start() -> Result<(Harness, Vec<procs::ChildGuard>), HarnessError> {
    let t0 = Instant::now();
    let root = workspace_root();
    let work_dir = std::env::temp_dir().join(format!("authkit-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)
        .map_err(|e| HarnessError::io(format!("create {}", work_dir.display()), e))?;
    let dist = work_dir.join("dist");
    // The build is big and useless afterwards; the logs stay for post-mortems.
    procs::remove_at_exit(dist.clone());
    let extra =
        static_server::ExtraPages::from([(FRAME_HOST_PATH.to_owned(), FRAME_HOST_HTML.to_owned())]);
    let demo_port = static_server::serve(dist.clone(), extra)?;

    let binary = emulator::build(&root, &work_dir.join("emulator-build.log"))?;
    let seed = std::fs::read_to_string(root.join("emulator/seed.toml"))
        .map_err(|e| HarnessError::io("read emulator/seed.toml", e))?;
    let config_a = work_dir.join("emulator-a.toml");
    let config_b = work_dir.join("emulator-b.toml");
    write(
        &config_a,
        &config::for_demo(&seed, &format!("http://localhost:{demo_port}/login"))?,
    )?;
    write(
        &config_b,
        &config::for_demo(&seed, &format!("http://127.0.0.2:{demo_port}/login"))?,
    )?;
    let a = emulator::start(
        &binary,
        "localhost",
        0,
        &config_a,
        &work_dir.join("emulator-a.log"),
    )?;
    let b = emulator::start(
        &binary,
        "127.0.0.2",
        a.port,
        &config_b,
        &work_dir.join("emulator-b.log"),
    )?;
    let api_port = a.port;

    demo::build(&root, &dist, api_port, &work_dir.join("trunk.log"))?;
    let (driver, webdriver_url) = start_chromedriver(&work_dir)?;
    eprintln!(
        "e2e harness ready in {:.1?}: demo :{demo_port}, emulators :{api_port}, logs in {}",
        t0.elapsed(),
        work_dir.display()
    );
    let harness = Harness {
        demo_port,
        api_port,
        webdriver_url,
        work_dir,
    };
    Ok((harness, vec![a.guard, b.guard, driver]))
}

fn write(path: &Path, text: &str) -> Result<(), HarnessError> {
    std::fs::write(path, text).map_err(|e| HarnessError::io(format!("write {}", path.display()), e))
}

fn start_chromedriver(work_dir: &Path) -> Result<(procs::ChildGuard, String), HarnessError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| HarnessError::io("pick a chromedriver port", e))?
        .port();
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
    let mut cmd = Command::new(&driver);
    cmd.arg(format!("--port={port}")).arg(format!(
        "--log-path={}",
        work_dir.join("chromedriver.log").display()
    ));
    procs::server_stdio(&mut cmd).stderr(std::process::Stdio::null());
    let mut guard = procs::spawn(&mut cmd, "chromedriver")?;
    procs::wait_for_line(&mut guard, Duration::from_secs(30), |l| {
        l.contains("started successfully")
    })?;
    Ok((guard, format!("http://127.0.0.1:{port}")))
}

/// What a scenario gets: the harness, a fresh browser, and both emulators (already reset).
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The shared servers.
    pub harness: &'static Harness,
    /// A Chromium with a fresh profile, closed after the scenario (also on panic).
    pub browser: Browser,
    /// Emulator A (dev mode).
    pub emu: Emulator,
    /// Emulator B (cookie mode).
    pub cookie_emu: Emulator,
}

impl Ctx {
    /// `http://localhost:D{path}`.
    pub fn dev_url(&self, path: &str) -> String {
        self.harness.dev_url(path)
    }

    /// `http://127.0.0.2:D{path}`.
    pub fn cookie_url(&self, path: &str) -> String {
        self.harness.cookie_url(path)
    }
}

/// The longest a scenario may run (the slowest waits across a few token lifetimes).
pub const SCENARIO_LIMIT: Duration = Duration::from_secs(180);

/// Runs one scenario: starts the harness if needed, resets both emulators, launches a fresh
/// Chromium, runs `body` (at most [`SCENARIO_LIMIT`]), and closes the browser whether `body`
/// passed or panicked (the panic is then re-raised). Scenarios never overlap, even when the
/// test runner uses several threads: they share the emulators.
pub async fn scenario<F, Fut>(body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one_at_a_time = SERIAL.lock().await;
    let harness = tokio::task::spawn_blocking(harness)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let emu = harness.emulator();
    let cookie_emu = harness.cookie_emulator();
    emu.reset().await.expect("reset emulator A");
    cookie_emu.reset().await.expect("reset emulator B");
    let browser = Browser::launch(&harness.webdriver_url)
        .await
        .expect("launch Chromium");
    let ctx = Ctx {
        harness,
        browser: browser.clone(),
        emu,
        cookie_emu,
    };
    let task = tokio::spawn(body(ctx));
    let abort = task.abort_handle();
    let outcome = tokio::time::timeout(SCENARIO_LIMIT, task).await;
    if outcome.is_err() {
        abort.abort();
    }
    let page = browser.describe().await;
    browser.close().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("scenario task failed: {e}"),
        Err(_) => panic!("scenario ran longer than {SCENARIO_LIMIT:?}; page: {page}"),
    }
}

//! `cargo xtask test`: install what is missing, then run every check in order, failing fast:
//! fmt, clippy (host + wasm), package (the README's quick-start app built against the
//! packaged SDK), host tests, browser tests (against an emulator on a free port), end-to-end
//! tests. Ends with one line `xtask: N passed, M failed`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::emulator;
use crate::error::XtaskError;
use crate::install::{self, Profile, WASM_TARGET};
use crate::package;
use crate::process;

/// The seed the browser tests' emulator runs with (origins `http://127.0.0.1:*`, `http://localhost:*`).
pub const BROWSER_SEED: &str = "xtask/browser-seed.toml";

/// Pass/fail/ignore counts from libtest's (or wasm-bindgen-test-runner's) `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were ignored.
    pub ignored: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

/// Parses one `test result: ok. 12 passed; 0 failed; 1 ignored; ...` line.
///
/// ```ignore
/// let c = parse_result_line("test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured").unwrap();
/// assert_eq!((c.passed, c.failed), (3, 1));
/// ```
pub fn parse_result_line(line: &str) -> Option<Counts> {
    let rest = &line[line.find("test result:")? + "test result:".len()..];
    let mut counts = Counts::default();
    let mut seen = false;
    let tokens: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    for pair in tokens.windows(2) {
        let Ok(n) = pair[0].parse::<u64>() else {
            continue;
        };
        match pair[1] {
            "passed" => {
                counts.passed = n;
                seen = true;
            }
            "failed" => {
                counts.failed = n;
                seen = true;
            }
            "ignored" => counts.ignored = n,
            _ => {}
        }
    }
    seen.then_some(counts)
}

/// Sums every `test result:` line of a command's output; also returns how many there were.
pub fn sum_results<'a>(lines: impl IntoIterator<Item = &'a str>) -> (Counts, usize) {
    let mut total = Counts::default();
    let mut found = 0;
    for counts in lines.into_iter().filter_map(parse_result_line) {
        total.add(counts);
        found += 1;
    }
    (total, found)
}

/// One stage's line in the summary.
#[derive(Debug)]
struct StageRow {
    name: &'static str,
    /// `None` for check stages that count no test (fmt, clippy).
    counts: Option<Counts>,
    took: Duration,
    ok: bool,
}

/// What each test stage counted (for the summary at the end).
#[derive(Debug, Default)]
struct Report {
    stages: Vec<StageRow>,
}

impl Report {
    fn total(&self) -> Counts {
        let mut total = Counts::default();
        for row in &self.stages {
            if let Some(c) = &row.counts {
                total.add(*c);
            }
        }
        total
    }

    fn print(&self) {
        println!();
        println!("xtask: ---- summary ----");
        for row in &self.stages {
            let secs = row.took.as_secs_f64();
            let name = row.name;
            let verdict = if row.ok { "ok" } else { "FAILED" };
            match row.counts {
                Some(c) => println!(
                    "xtask: {name:<16} {verdict:<6} {:>4} passed, {} failed, {} ignored ({secs:.0} s)",
                    c.passed, c.failed, c.ignored
                ),
                None => println!("xtask: {name:<16} {verdict:<6} ({secs:.0} s)"),
            }
        }
        let total = self.total();
        println!("xtask: {} passed, {} failed", total.passed, total.failed);
    }
}

/// Runs `cargo xtask test`.
///
/// On failure the error is printed here, before the summary, so that the count line is the
/// very last line; the caller gets [`XtaskError::Reported`].
pub fn run(root: &Path, selected: &[Stage]) -> Result<(), XtaskError> {
    let started = Instant::now();
    let partial = selected != Stage::ALL;
    if partial {
        println!(
            "xtask: development run of stage(s) {} only; `cargo xtask test` runs all of them",
            selected
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut report = Report::default();
    let result =
        install::ensure(root, Profile::Full).and_then(|()| stages(root, selected, &mut report));
    if let Err(err) = &result {
        eprintln!("xtask: error: {err}");
    }
    println!("xtask: test took {:.0} s", started.elapsed().as_secs_f64());
    if partial {
        println!("xtask: PARTIAL RUN (--only): the other stages did not run");
    }
    report.print();
    result.map_err(|_| XtaskError::Reported)
}

/// The stages of `cargo xtask test`, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `cargo fmt --all -- --check`.
    Fmt,
    /// clippy `-D warnings`, host and wasm.
    Clippy,
    /// `cargo package` of the SDK, and the README's quick-start app built against it.
    Package,
    /// Host tests (workspace minus e2e).
    Host,
    /// wasm-bindgen browser tests against an emulator.
    Browser,
    /// End-to-end tests.
    E2e,
}

impl Stage {
    /// Every stage, in order: what a plain `cargo xtask test` (and CI) runs.
    pub const ALL: [Stage; 6] = [
        Stage::Fmt,
        Stage::Clippy,
        Stage::Package,
        Stage::Host,
        Stage::Browser,
        Stage::E2e,
    ];

    /// The name used by `--only`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fmt => "fmt",
            Stage::Clippy => "clippy",
            Stage::Package => "package",
            Stage::Host => "host",
            Stage::Browser => "browser",
            Stage::E2e => "e2e",
        }
    }
}

/// Parses the arguments after `test`: none (every stage) or `--only a,b` (a development run of
/// some stages, still in the canonical order).
///
/// ```ignore
/// assert_eq!(parse_stages(&[]).unwrap(), Stage::ALL.to_vec());
/// assert_eq!(parse_stages(&["--only", "e2e,host"]).unwrap(), vec![Stage::Host, Stage::E2e]);
/// ```
pub fn parse_stages(args: &[&str]) -> Result<Vec<Stage>, XtaskError> {
    let all_names = || Stage::ALL.map(Stage::name).join(", ");
    let names: Vec<&str> = match args {
        [] => return Ok(Stage::ALL.to_vec()),
        ["--only", list] => list.split(',').map(str::trim).collect(),
        _ => {
            return Err(XtaskError::Usage(format!(
                "usage: cargo xtask test [--only STAGE,...]  (stages: {})",
                all_names()
            )))
        }
    };
    let mut picked = Vec::new();
    for name in names {
        let stage = Stage::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                XtaskError::Usage(format!("unknown stage `{name}` (stages: {})", all_names()))
            })?;
        picked.push(stage);
    }
    Ok(Stage::ALL
        .into_iter()
        .filter(|s| picked.contains(s))
        .collect())
}

fn stages(root: &Path, selected: &[Stage], report: &mut Report) -> Result<(), XtaskError> {
    for stage in selected {
        match stage {
            Stage::Fmt => check_stage(report, "fmt", "run `cargo fmt --all`", || {
                process::run(cargo().args(["fmt", "--all", "--", "--check"]))
            })?,
            Stage::Clippy => {
                check_stage(report, "clippy (host)", "fix the warnings above", || {
                    process::run(cargo().args([
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ]))
                })?;
                check_stage(report, "clippy (wasm)", "fix the warnings above", || {
                    // The SDK as apps get it (no features), then with its tests, which use the
                    // `internals` feature.
                    process::run(cargo().args([
                        "clippy",
                        "-p",
                        "authkit-yew",
                        "-p",
                        "authkit-demo",
                        "--target",
                        WASM_TARGET,
                        "--",
                        "-D",
                        "warnings",
                    ]))?;
                    process::run(cargo().args([
                        "clippy",
                        "-p",
                        "authkit-yew",
                        "--features",
                        INTERNALS,
                        "--target",
                        WASM_TARGET,
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ]))
                })?;
            }
            Stage::Package => package_stage(root, report)?,
            Stage::Host => {
                banner("host tests");
                test_stage(
                    report,
                    "host tests",
                    cargo().args([
                        "test",
                        "--workspace",
                        "--exclude",
                        "authkit-e2e",
                        "--features",
                        "authkit-yew/internals",
                    ]),
                    Instant::now(),
                )?;
                // Without the feature, as apps build it: the building blocks and test hooks
                // must not be reachable (compile_fail doc tests on `api_surface`).
                test_stage(
                    report,
                    "host tests (API surface)",
                    cargo().args(["test", "-p", "authkit-yew", "--doc", "--", "api_surface"]),
                    Instant::now(),
                )?
            }
            Stage::Browser => browser_tests(root, report)?,
            Stage::E2e => {
                banner("end-to-end");
                test_stage(
                    report,
                    "end-to-end",
                    cargo().args(["test", "-p", "authkit-e2e", "--", "--test-threads=1"]),
                    Instant::now(),
                )?
            }
        }
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new("cargo")
}

/// The SDK's feature that makes its building blocks public for its own tests.
const INTERNALS: &str = "internals";

fn banner(name: &str) {
    println!();
    println!("xtask: ==== {name} ====");
}

/// A stage that runs no tests (fmt, clippy): it passes when its command succeeds, and adds
/// nothing to the passed/failed counts.
fn check_stage(
    report: &mut Report,
    name: &'static str,
    hint: &'static str,
    f: impl FnOnce() -> Result<(), XtaskError>,
) -> Result<(), XtaskError> {
    run_check(report, name, hint, Counting::NotATest, f)
}

/// Stage `package`: one check that counts as one test, 1 passed or 1 failed.
fn package_stage(root: &Path, report: &mut Report) -> Result<(), XtaskError> {
    run_check(
        report,
        "package",
        "see the output above: `cargo package` or the README quick-start build failed",
        Counting::AsOneTest,
        || package::check(root),
    )
}

/// Whether a check stage's outcome adds to the passed/failed counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    /// fmt, clippy: only the stage's verdict.
    NotATest,
    /// The outcome counts as one test.
    AsOneTest,
}

impl Counting {
    /// The counts a check with this outcome adds.
    fn counts(self, ok: bool) -> Option<Counts> {
        match self {
            Counting::NotATest => None,
            Counting::AsOneTest => Some(Counts {
                passed: u64::from(ok),
                failed: u64::from(!ok),
                ignored: 0,
            }),
        }
    }
}

/// Runs one check under a banner, records its row, and turns a failed command into a failed
/// stage (other errors, such as a README without the quick-start blocks, pass through as is).
fn run_check(
    report: &mut Report,
    name: &'static str,
    hint: &'static str,
    counting: Counting,
    f: impl FnOnce() -> Result<(), XtaskError>,
) -> Result<(), XtaskError> {
    banner(name);
    let started = Instant::now();
    let result = f();
    report.stages.push(StageRow {
        name,
        counts: counting.counts(result.is_ok()),
        took: started.elapsed(),
        ok: result.is_ok(),
    });
    match result {
        Err(XtaskError::CommandFailed { .. }) => Err(XtaskError::StageFailed {
            stage: name,
            failed: 0,
            hint,
        }),
        other => other,
    }
}

/// The verdict on a test stage: a failed command or any failed test fails it, and so does a
/// stage that passed no test at all.
///
/// ```ignore
/// assert!(judge("host tests", true, Counts::default(), 1).is_err());
/// ```
fn judge(
    name: &'static str,
    success: bool,
    counts: Counts,
    found: usize,
) -> Result<(), XtaskError> {
    if counts.failed > 0 || !success {
        Err(XtaskError::StageFailed {
            stage: name,
            failed: counts.failed,
            hint: if found == 0 {
                "it did not get to run its tests (build error?); see the output above"
            } else {
                "see the failures above"
            },
        })
    } else if counts.passed == 0 {
        Err(XtaskError::ZeroTests { stage: name })
    } else {
        Ok(())
    }
}

/// A stage that runs tests: its `test result:` lines are summed; it fails on a non-zero exit,
/// on any failed test, and when it ran no test at all.
fn test_stage(
    report: &mut Report,
    name: &'static str,
    cmd: &mut Command,
    started: Instant,
) -> Result<(), XtaskError> {
    let (status, lines) = process::run_tee(cmd)?;
    let (counts, found) = sum_results(lines.iter().map(String::as_str));
    let verdict = judge(name, status.success(), counts, found);
    report.stages.push(StageRow {
        name,
        counts: Some(counts),
        took: started.elapsed(),
        ok: verdict.is_ok(),
    });
    verdict
}

fn browser_tests(root: &Path, report: &mut Report) -> Result<(), XtaskError> {
    const NAME: &str = "browser tests";
    banner(NAME);
    let started = Instant::now();
    let seed = root.join(BROWSER_SEED);
    process::require_file(&seed, "the browser tests' emulator seed")?;
    let bin = emulator::build(root)?;
    let (emulator, url) = emulator::start(
        "emulator (browser tests)",
        Command::new(&bin)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--in-memory",
                "--config",
            ])
            .arg(&seed)
            // One INFO line per request drowns the test output; RUST_LOG=info brings it back.
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            ),
    )?;
    println!("xtask: browser tests use the emulator at {url}");
    let mut cmd = cargo();
    cmd.args([
        "test",
        "-p",
        "authkit-yew",
        "--features",
        INTERNALS,
        "--target",
        WASM_TARGET,
        "--tests",
    ])
    .env("AUTHKIT_EMULATOR_URL", &url)
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    // Headless Chromium on a loaded 2-core CI machine can be slow to start.
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    if let Some(driver) = process::which("chromedriver") {
        cmd.env("CHROMEDRIVER", driver);
    }
    let result = test_stage(report, NAME, &mut cmd, started);
    drop(emulator);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libtest_lines() {
        assert_eq!(
            parse_result_line(
                "test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.03s"
            ),
            Some(Counts { passed: 12, failed: 0, ignored: 2 })
        );
        assert_eq!(
            parse_result_line(
                "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.00s"
            ),
            Some(Counts { passed: 3, failed: 1, ignored: 0 })
        );
    }

    #[test]
    fn parses_wasm_bindgen_test_runner_lines() {
        assert_eq!(
            parse_result_line(
                "test result: ok. 7 passed; 0 failed; 1 ignored; 0 filtered out; finished in 2.31s"
            ),
            Some(Counts {
                passed: 7,
                failed: 0,
                ignored: 1
            })
        );
    }

    #[test]
    fn ignores_other_lines() {
        assert_eq!(parse_result_line("running 3 tests"), None);
        assert_eq!(parse_result_line("test foo ... ok"), None);
        assert_eq!(parse_result_line("test result: garbage"), None);
    }

    #[test]
    fn sums_every_result_line() {
        let output = "\
running 2 tests
test a ... ok
test b ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/x.rs
test result: FAILED. 4 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.10s
   Doc-tests authkit_yew
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        let (counts, found) = sum_results(output.lines());
        assert_eq!(found, 3);
        assert_eq!(
            counts,
            Counts {
                passed: 6,
                failed: 2,
                ignored: 1
            }
        );
    }

    #[test]
    fn no_result_lines_sum_to_zero() {
        let (counts, found) = sum_results(["error: could not compile `x`"]);
        assert_eq!((counts, found), (Counts::default(), 0));
    }

    #[test]
    fn verdicts() {
        let ok = Counts {
            passed: 3,
            failed: 0,
            ignored: 0,
        };
        assert!(judge("s", true, ok, 2).is_ok());
        assert!(matches!(
            judge(
                "s",
                true,
                Counts {
                    passed: 0,
                    failed: 0,
                    ignored: 4
                },
                2
            ),
            Err(XtaskError::ZeroTests { stage: "s" })
        ));
        assert!(matches!(
            judge(
                "s",
                true,
                Counts {
                    passed: 3,
                    failed: 1,
                    ignored: 0
                },
                2
            ),
            Err(XtaskError::StageFailed { failed: 1, .. })
        ));
        // Exit status non-zero with nothing counted (a build error) is a failure, not "zero tests".
        assert!(matches!(
            judge("s", false, Counts::default(), 0),
            Err(XtaskError::StageFailed { failed: 0, .. })
        ));
        assert!(matches!(
            judge("s", false, ok, 2),
            Err(XtaskError::StageFailed { .. })
        ));
    }

    #[test]
    fn stage_selection() {
        assert_eq!(parse_stages(&[]).unwrap(), Stage::ALL.to_vec());
        assert_eq!(
            parse_stages(&["--only", "e2e,host"]).unwrap(),
            vec![Stage::Host, Stage::E2e]
        );
        assert_eq!(
            parse_stages(&["--only", "host,package"]).unwrap(),
            vec![Stage::Package, Stage::Host]
        );
        assert!(matches!(
            parse_stages(&["--only", "nope"]),
            Err(XtaskError::Usage(_))
        ));
        assert!(matches!(
            parse_stages(&["--fast"]),
            Err(XtaskError::Usage(_))
        ));
    }

    fn row(name: &'static str, counts: Option<Counts>) -> StageRow {
        StageRow {
            name,
            counts,
            took: Duration::ZERO,
            ok: true,
        }
    }

    #[test]
    fn report_total_skips_check_stages() {
        let report = Report {
            stages: vec![
                row("fmt", None),
                row(
                    "host tests",
                    Some(Counts {
                        passed: 5,
                        failed: 0,
                        ignored: 1,
                    }),
                ),
                row(
                    "browser tests",
                    Some(Counts {
                        passed: 2,
                        failed: 1,
                        ignored: 0,
                    }),
                ),
            ],
        };
        assert_eq!(
            report.total(),
            Counts {
                passed: 7,
                failed: 1,
                ignored: 1
            }
        );
    }

    #[test]
    fn package_runs_after_clippy_and_before_the_host_tests() {
        let names = Stage::ALL.map(Stage::name);
        assert_eq!(
            names,
            ["fmt", "clippy", "package", "host", "browser", "e2e"]
        );
    }

    #[test]
    fn the_package_check_counts_as_one_test() {
        let passed = Counting::AsOneTest.counts(true).unwrap();
        assert_eq!((passed.passed, passed.failed), (1, 0));
        let failed = Counting::AsOneTest.counts(false).unwrap();
        assert_eq!((failed.passed, failed.failed), (0, 1));
        assert_eq!(Counting::NotATest.counts(false), None);
    }

    #[test]
    fn a_failed_package_check_is_in_the_report_as_one_failure() {
        let mut report = Report::default();
        let result = run_check(&mut report, "package", "hint", Counting::AsOneTest, || {
            Err(XtaskError::QuickStart(
                crate::quickstart::QuickStartError::NoSection,
            ))
        });
        assert!(matches!(result, Err(XtaskError::QuickStart(_))));
        assert_eq!(report.stages.len(), 1);
        assert!(!report.stages[0].ok);
        assert_eq!(
            report.total(),
            Counts {
                passed: 0,
                failed: 1,
                ignored: 0
            }
        );
    }
}

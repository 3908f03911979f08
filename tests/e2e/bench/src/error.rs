//! The bench's error type: why a step could not measure (never a number that looks bad).

use std::process::ExitStatus;

use authkit_e2e::HarnessError;

/// Why the browser half, or one of its steps, could not measure.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The command line was not understood.
    #[error("{0}\nusage: authkit-bench [--runs N] [--out DIR] [--network loopback|mobile|both]")]
    Usage(String),
    /// The harness (emulator, static server, chromedriver) or one of its calls failed.
    #[error(transparent)]
    Harness(#[from] HarnessError),
    /// A WebDriver command failed.
    #[error("webdriver: {0}")]
    WebDriver(#[from] fantoccini::error::CmdError),
    /// A file or directory operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the bench was doing.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A build step (trunk, npm, esbuild) could not run or failed.
    #[error("{command} failed ({status}); see {log}")]
    Build {
        /// The command, as a shell user would type it.
        command: String,
        /// Its exit status, or why it did not start.
        status: String,
        /// The log with its output.
        log: String,
    },
    /// The page did not reach a state in time, or answered something unreadable.
    #[error("page: {0}")]
    Page(String),
    /// A step panicked (the e2e helpers panic on a timed-out wait).
    #[error("panicked: {0}")]
    Panicked(String),
}

impl BenchError {
    /// Wraps an I/O error with what was being done.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }

    /// A build step that exited with `status`.
    pub fn build(command: impl Into<String>, status: ExitStatus, log: &std::path::Path) -> Self {
        Self::Build {
            command: command.into(),
            status: status.to_string(),
            log: log.display().to_string(),
        }
    }
}

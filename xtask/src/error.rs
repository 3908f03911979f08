//! The one error type of the xtask.

use std::fmt;
use std::io;
use std::process::ExitStatus;

use crate::lockfile::LockfileError;
use crate::quickstart::QuickStartError;

/// Everything that can make an xtask command fail.
///
/// ```ignore
/// let err = XtaskError::ZeroTests { stage: "browser tests" };
/// assert!(err.to_string().contains("ran no test"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum XtaskError {
    /// The command line was not understood.
    Usage(String),
    /// An I/O operation failed; `context` says which one.
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// JSON could not be read or written; `context` says which.
    Json {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// A program could not be started (most often: it is not installed).
    Spawn {
        /// The program name.
        program: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A program exited unsuccessfully.
    CommandFailed {
        /// The command line, as printed.
        command: String,
        /// Its exit status.
        status: ExitStatus,
    },
    /// A tool is missing or at the wrong version and could not be installed here.
    ToolsMissing(Vec<String>),
    /// Cargo.lock could not be read for a version.
    Lockfile(LockfileError),
    /// The README's quick-start app cannot be taken from it.
    QuickStart(QuickStartError),
    /// A server did not become ready in time.
    Timeout {
        /// What was awaited.
        what: String,
        /// How long we waited.
        secs: u64,
    },
    /// A server exited on its own.
    ServerExited {
        /// The server's name.
        name: String,
        /// Its exit status.
        status: ExitStatus,
    },
    /// A port we need is already taken.
    PortInUse {
        /// The port.
        port: u16,
        /// Who needs it.
        by: &'static str,
    },
    /// A required file is missing.
    MissingFile {
        /// Its path.
        path: String,
        /// Why it is needed.
        why: &'static str,
    },
    /// A test stage ran without executing a single test.
    ZeroTests {
        /// The stage name.
        stage: &'static str,
    },
    /// A stage's command failed or its `test result:` lines counted failed tests.
    StageFailed {
        /// The stage name.
        stage: &'static str,
        /// Failed tests counted in its `test result:` lines.
        failed: u64,
        /// What to do about it.
        hint: &'static str,
    },
    /// The user pressed Ctrl-C (or the process got SIGTERM/SIGHUP).
    Interrupted,
    /// The failure was already printed (the command exits non-zero without repeating it).
    Reported,
}

impl XtaskError {
    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        XtaskError::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XtaskError::Usage(msg) => write!(f, "{msg}"),
            XtaskError::Io { context, source } => write!(f, "{context}: {source}"),
            XtaskError::Json { context, source } => write!(f, "{context}: {source}"),
            XtaskError::Spawn { program, source } => {
                write!(f, "could not start `{program}`: {source}")?;
                if source.kind() == io::ErrorKind::NotFound {
                    write!(f, " (not on PATH; run `cargo xtask install`)")?;
                }
                Ok(())
            }
            XtaskError::CommandFailed { command, status } => {
                write!(f, "`{command}` failed ({status})")
            }
            XtaskError::ToolsMissing(list) => {
                write!(f, "some tools are missing and could not be installed:")?;
                for item in list {
                    write!(f, "\n  - {item}")?;
                }
                Ok(())
            }
            XtaskError::Lockfile(err) => write!(f, "Cargo.lock: {err}"),
            XtaskError::QuickStart(err) => write!(f, "{err}"),
            XtaskError::Timeout { what, secs } => {
                write!(f, "timed out after {secs} s waiting for {what}")
            }
            XtaskError::ServerExited { name, status } => {
                write!(
                    f,
                    "{name} exited unexpectedly ({status}); see its output above"
                )
            }
            XtaskError::PortInUse { port, by } => write!(
                f,
                "port {port} (needed by {by}) is already in use; stop whatever listens there \
                 (another `cargo xtask demo`?) and retry"
            ),
            XtaskError::MissingFile { path, why } => write!(f, "{path} is missing ({why})"),
            XtaskError::ZeroTests { stage } => write!(
                f,
                "stage `{stage}` ran no test: a stage that executes nothing counts as a failure"
            ),
            XtaskError::StageFailed {
                stage,
                failed,
                hint,
            } => {
                write!(f, "stage `{stage}` failed")?;
                if *failed > 0 {
                    write!(f, ": {failed} test(s) failed")?;
                }
                write!(f, "; {hint}")
            }
            XtaskError::Interrupted => write!(f, "interrupted"),
            XtaskError::Reported => write!(f, "failed (see above)"),
        }
    }
}

impl std::error::Error for XtaskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            XtaskError::Io { source, .. } | XtaskError::Spawn { source, .. } => Some(source),
            XtaskError::Json { source, .. } => Some(source),
            XtaskError::Lockfile(err) => Some(err),
            XtaskError::QuickStart(err) => Some(err),
            _ => None,
        }
    }
}

impl From<LockfileError> for XtaskError {
    fn from(err: LockfileError) -> Self {
        XtaskError::Lockfile(err)
    }
}

impl From<QuickStartError> for XtaskError {
    fn from(err: QuickStartError) -> Self {
        XtaskError::QuickStart(err)
    }
}

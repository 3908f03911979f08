//! The harness's error type.

use std::io;

/// Why the harness could not start or a control call failed.
///
/// ```
/// use authkit_e2e::HarnessError;
/// let err = HarnessError::Setup("no chromedriver".into());
/// assert!(err.to_string().contains("chromedriver"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// An I/O operation (spawn, bind, read) failed.
    #[error("{what}: {source}")]
    Io {
        /// What the harness was doing.
        what: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A tool or server could not be prepared (build failed, no ready line, bad output).
    #[error("setup failed: {0}")]
    Setup(String),
    /// An HTTP exchange with the emulator failed or answered unexpectedly.
    #[error("http: {0}")]
    Http(String),
    /// A WebDriver command failed.
    #[error("webdriver: {0}")]
    WebDriver(String),
}

impl HarnessError {
    /// Wraps an I/O error with what was being done.
    pub fn io(what: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

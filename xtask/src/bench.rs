//! `cargo xtask bench`: figures (bundle size, time to signed-in, requests per flow).
//! Not written yet; it fails loudly rather than pretending.

use std::path::Path;

use crate::error::XtaskError;

/// Runs `cargo xtask bench` (not implemented yet: always an error).
pub fn run(_root: &Path) -> Result<(), XtaskError> {
    Err(XtaskError::NotImplemented("cargo xtask bench"))
}

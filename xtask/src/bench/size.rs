//! Bundle cost: release builds with Trunk, sizes raw and gzip -9, whether wasm-opt ran.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::error::XtaskError;
use crate::process;

/// The sizes of one Trunk release build.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// `.wasm` bytes as served.
    pub wasm_raw: u64,
    /// `.wasm` bytes after `gzip -9`.
    pub wasm_gz: u64,
    /// The JS glue bytes as served.
    pub js_raw: u64,
    /// The JS glue bytes after `gzip -9`.
    pub js_gz: u64,
    /// False when the served `.wasm` still has a `name` section: wasm-opt did not run.
    pub wasm_opt_ran: bool,
    /// Wall-clock seconds of `trunk build --release`.
    pub build_secs: f64,
}

impl Bundle {
    /// `.wasm` + `.js`, gzip -9.
    pub fn total_gz(&self) -> u64 {
        self.wasm_gz + self.js_gz
    }
}

/// Runs `trunk build --release --dist <dist>` in `dir` (which holds `index.html` and
/// `Trunk.toml`) with `CARGO_TARGET_DIR=target_dir`, then measures `dist`. The `AUTHKIT_*`
/// build variables are removed so the demo builds with its defaults.
pub fn build(dir: &Path, dist: &Path, target_dir: &Path) -> Result<Bundle, XtaskError> {
    let _ = std::fs::remove_dir_all(dist);
    let started = Instant::now();
    let mut cmd = Command::new("trunk");
    cmd.current_dir(dir)
        .args(["build", "--release", "--offline", "--dist"])
        .arg(dist)
        .env("CARGO_TARGET_DIR", target_dir)
        .stdin(Stdio::null());
    for var in [
        "AUTHKIT_CLIENT_ID",
        "AUTHKIT_API_HOSTNAME",
        "AUTHKIT_API_PORT",
        "AUTHKIT_API_HTTPS",
        "AUTHKIT_DEV_MODE",
        "AUTHKIT_REDIRECT_URI",
    ] {
        cmd.env_remove(var);
    }
    process::run(&mut cmd)?;
    let build_secs = started.elapsed().as_secs_f64();
    let wasm = find(dist, "_bg.wasm")?;
    let js = find(dist, ".js")?;
    let wasm_bytes =
        std::fs::read(&wasm).map_err(|e| XtaskError::io(format!("read {}", wasm.display()), e))?;
    Ok(Bundle {
        wasm_raw: wasm_bytes.len() as u64,
        wasm_gz: gzip_len(&wasm)?,
        js_raw: file_len(&js)?,
        js_gz: gzip_len(&js)?,
        wasm_opt_ran: !has_custom_section(&wasm_bytes, "name"),
        build_secs,
    })
}

fn find(dist: &Path, suffix: &str) -> Result<PathBuf, XtaskError> {
    let entries = std::fs::read_dir(dist)
        .map_err(|e| XtaskError::io(format!("list {}", dist.display()), e))?;
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix) && !n.ends_with(".d.ts"))
        })
        .ok_or(XtaskError::MissingFile {
            path: format!("{}/*{suffix}", dist.display()),
            why: "the output of trunk build --release",
        })
}

fn file_len(path: &Path) -> Result<u64, XtaskError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| XtaskError::io(format!("stat {}", path.display()), e))
}

/// The size of `gzip -9 -c path`.
pub fn gzip_len(path: &Path) -> Result<u64, XtaskError> {
    let compressed = process::output(Command::new("gzip").args(["-9", "-c", "-n"]).arg(path))?;
    Ok(compressed.len() as u64)
}

/// Whether the wasm module `bytes` has a custom section called `name` (a malformed module
/// answers `false` for what it could not read). See the tests below for examples.
pub fn has_custom_section(bytes: &[u8], wanted: &str) -> bool {
    fn leb(bytes: &[u8], pos: &mut usize) -> Option<usize> {
        let mut result = 0usize;
        let mut shift = 0;
        loop {
            let b = *bytes.get(*pos)?;
            *pos += 1;
            result |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(result);
            }
            shift += 7;
        }
    }
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return false;
    }
    let mut pos = 8;
    while pos < bytes.len() {
        let id = bytes[pos];
        pos += 1;
        let Some(size) = leb(bytes, &mut pos) else {
            return false;
        };
        let end = pos.saturating_add(size);
        if id == 0 {
            let mut p = pos;
            if let Some(len) = leb(bytes, &mut p) {
                if bytes.get(p..p.saturating_add(len)) == Some(wanted.as_bytes()) {
                    return true;
                }
            }
        }
        pos = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::has_custom_section;

    #[test]
    fn finds_a_name_section_after_other_sections() {
        // type section (id 1, size 1, one zero byte), then custom "name" (size 5).
        let m = b"\0asm\x01\0\0\0\x01\x01\x00\x00\x05\x04name";
        assert!(has_custom_section(m, "name"));
        assert!(!has_custom_section(m, "producers"));
    }

    #[test]
    fn no_custom_section_or_not_wasm() {
        assert!(!has_custom_section(b"\0asm\x01\0\0\0\x01\x01\x00", "name"));
        assert!(!has_custom_section(b"not wasm at all", "name"));
        // A truncated size never panics.
        assert!(!has_custom_section(b"\0asm\x01\0\0\0\x00\xff", "name"));
    }
}

//! Stage `package` of `cargo xtask test`: the SDK as a user gets it. The README's quick-start
//! app is built verbatim, as a fresh project outside the workspace, against the crate that
//! `cargo package` produces:
//!
//! 1. the quick start's three blocks are taken from `README.md` ([`quickstart::extract`]);
//! 2. `cargo package -p authkit-yew --allow-dirty --no-verify`, unpacked into
//!    `target/quickstart/pkg/`;
//! 3. `target/quickstart/app/`: the blocks as `Cargo.toml`, `index.html`, `src/main.rs`, with
//!    `[workspace]` and `[patch.crates-io] authkit-yew = { path = … }` appended to the manifest,
//!    and the workspace `Cargo.lock` (so wasm-bindgen stays at the version the installed
//!    wasm-bindgen-cli matches);
//! 4. `cargo fetch`, then `trunk build --offline` (debug, cargo's build cache kept in
//!    `target/quickstart/target`), which must produce a `.wasm`.
//!
//! `--no-verify`: cargo's verification compiles the packaged sources for the host only; step 4
//! compiles the same unpacked sources for `wasm32-unknown-unknown`, the real target, so the
//! verification would only add a host build.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::emulator;
use crate::error::XtaskError;
use crate::lockfile;
use crate::process;
use crate::quickstart::{self, QuickStart};

/// The package the stage packs.
const SDK: &str = "authkit-yew";

/// Runs the whole stage from `root`, the workspace root.
pub fn check(root: &Path) -> Result<(), XtaskError> {
    let quick_start = read_quick_start(root)?;
    let work = root.join("target/quickstart");
    let version = package_sdk(root)?;
    let crate_file = emulator::target_dir(root).join(format!("package/{SDK}-{version}.crate"));
    let sdk_dir = unpack(&crate_file, &work.join("pkg"))?;
    let app = work.join("app");
    write_app(&app, &quick_start, &sdk_dir)?;
    copy_lockfile(root, &app)?;
    let cargo_target = work.join("target");
    fetch(&app, &cargo_target)?;
    let dist = trunk_build(&app, &cargo_target)?;
    require_wasm(&dist)?;
    println!(
        "xtask: the README quick start builds against the packaged {SDK} {version} ({})",
        dist.display()
    );
    Ok(())
}

/// The quick-start app from `README.md`; fails with what the section holds instead.
fn read_quick_start(root: &Path) -> Result<QuickStart, XtaskError> {
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path)
        .map_err(|e| XtaskError::io(format!("read {}", path.display()), e))?;
    Ok(quickstart::extract(&readme)?)
}

/// `cargo package -p authkit-yew --allow-dirty --no-verify`; returns the packaged version (as
/// the workspace `Cargo.lock` has it after packaging).
fn package_sdk(root: &Path) -> Result<String, XtaskError> {
    process::run(Command::new("cargo").current_dir(root).args([
        "package",
        "-p",
        SDK,
        "--allow-dirty",
        "--no-verify",
    ]))?;
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| XtaskError::io(format!("read {}", lock_path.display()), e))?;
    Ok(lockfile::locked_version(&lock, SDK)?)
}

/// Unpacks a `.crate` (a gzipped tar of `<name>-<version>/`) into a fresh `into` and returns
/// the unpacked package directory.
///
/// `tar -m` gives the files the time of unpacking: cargo writes every file of a `.crate` with
/// the same fixed date, and cargo decides whether a path dependency changed by its files'
/// dates, so with the archived dates a changed SDK would not be rebuilt in the kept
/// `target/quickstart/target`.
fn unpack(crate_file: &Path, into: &Path) -> Result<PathBuf, XtaskError> {
    process::require_file(crate_file, "`cargo package` should have written it")?;
    recreate_dir(into)?;
    process::run(
        Command::new("tar")
            .arg("-xmzf")
            .arg(crate_file)
            .arg("-C")
            .arg(into),
    )?;
    let stem = crate_file
        .file_stem()
        .map(PathBuf::from)
        .unwrap_or_default();
    let dir = into.join(stem);
    process::require_file(&dir.join("Cargo.toml"), "the unpacked package's manifest")?;
    Ok(dir)
}

/// Writes the quick-start app into a fresh `app`: the README's blocks unchanged, the
/// manifest with `[workspace]` and the patch to `sdk_dir` appended.
fn write_app(app: &Path, quick_start: &QuickStart, sdk_dir: &Path) -> Result<(), XtaskError> {
    recreate_dir(app)?;
    let manifest =
        quickstart::patched_manifest(&quick_start.cargo_toml, &sdk_dir.to_string_lossy());
    write_file(&app.join("Cargo.toml"), &manifest)?;
    write_file(&app.join("index.html"), &quick_start.index_html)?;
    write_file(&app.join("src/main.rs"), &quick_start.main_rs)
}

/// Copies the workspace `Cargo.lock` into the app: cargo keeps every version it can, above
/// all wasm-bindgen's, which `cargo xtask install` built the CLI for.
fn copy_lockfile(root: &Path, app: &Path) -> Result<(), XtaskError> {
    let from = root.join("Cargo.lock");
    let to = app.join("Cargo.lock");
    std::fs::copy(&from, &to)
        .map(drop)
        .map_err(|e| XtaskError::io(format!("copy {} to {}", from.display(), to.display()), e))
}

/// `cargo fetch` in the app, so that the offline Trunk build finds every crate.
fn fetch(app: &Path, cargo_target: &Path) -> Result<(), XtaskError> {
    process::run(
        Command::new("cargo")
            .current_dir(app)
            .arg("fetch")
            .env("CARGO_TARGET_DIR", cargo_target),
    )
}

/// `trunk build --offline` (debug) of the app's `index.html`; returns the dist directory.
fn trunk_build(app: &Path, cargo_target: &Path) -> Result<PathBuf, XtaskError> {
    let dist = app.join("dist");
    process::run(
        Command::new("trunk")
            .current_dir(app)
            .args(["build", "--offline", "--dist"])
            .arg(&dist)
            .arg("index.html")
            .env("CARGO_TARGET_DIR", cargo_target)
            .stdin(Stdio::null()),
    )?;
    Ok(dist)
}

/// Fails unless `dist` holds a WebAssembly module (a file ending in `.wasm` that starts with
/// the wasm magic number).
fn require_wasm(dist: &Path) -> Result<(), XtaskError> {
    let entries = std::fs::read_dir(dist)
        .map_err(|e| XtaskError::io(format!("list {}", dist.display()), e))?;
    let is_wasm_module = |path: &Path| {
        path.extension().is_some_and(|ext| ext == "wasm")
            && std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(b"\0asm"))
    };
    if entries
        .filter_map(Result::ok)
        .any(|entry| is_wasm_module(&entry.path()))
    {
        Ok(())
    } else {
        Err(XtaskError::MissingFile {
            path: format!("{}/*.wasm", dist.display()),
            why: "trunk build of the quick-start app should produce it; does the README's \
                  index.html have <link data-trunk rel=\"rust\" />?",
        })
    }
}

/// Removes `dir` if it exists and creates it empty.
fn recreate_dir(dir: &Path) -> Result<(), XtaskError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| XtaskError::io(format!("remove {}", dir.display()), e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| XtaskError::io(format!("create {}", dir.display()), e))
}

/// Writes `text` to `path`, creating its parent directories.
fn write_file(path: &Path, text: &str) -> Result<(), XtaskError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| XtaskError::io(format!("create {}", parent.display()), e))?;
    }
    std::fs::write(path, text).map_err(|e| XtaskError::io(format!("write {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-package-{name}-{}", std::process::id()));
        recreate_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn a_dist_with_a_wasm_module_passes() {
        let dist = scratch("wasm");
        std::fs::write(dist.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        assert!(require_wasm(&dist).is_ok());
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn a_dist_without_a_wasm_module_fails() {
        let dist = scratch("nowasm");
        std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
        std::fs::write(dist.join("fake.wasm"), "not wasm").unwrap();
        assert!(matches!(
            require_wasm(&dist),
            Err(XtaskError::MissingFile { .. })
        ));
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn the_app_is_written_verbatim_with_the_patched_manifest() {
        let app = scratch("app");
        std::fs::write(app.join("stale.txt"), "from an earlier run").unwrap();
        let quick_start = QuickStart {
            cargo_toml: "[package]\nname = \"a\"\n[dependencies]\nauthkit-yew = \"0.1\"\n".into(),
            index_html: "<html></html>\n".into(),
            main_rs: "fn main() {}\n".into(),
        };
        write_app(&app, &quick_start, Path::new("/pkg/authkit-yew-0.1.0")).unwrap();
        let read = |name: &str| std::fs::read_to_string(app.join(name)).unwrap();
        assert!(read("Cargo.toml").starts_with(&quick_start.cargo_toml));
        assert!(
            read("Cargo.toml").ends_with("authkit-yew = { path = \"/pkg/authkit-yew-0.1.0\" }\n")
        );
        assert_eq!(read("index.html"), quick_start.index_html);
        assert_eq!(read("src/main.rs"), quick_start.main_rs);
        assert!(!app.join("stale.txt").exists());
        std::fs::remove_dir_all(&app).unwrap();
    }
}

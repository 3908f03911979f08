//! Top contributors with `twiggy` (installed from crates.io on first use, skipped when that
//! fails). Names come from running `wasm-bindgen` on cargo's own `.wasm` (before wasm-opt
//! strips the `name` section): the same code Trunk ships, before `-Oz`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};

use crate::error::XtaskError;
use crate::process;

/// What the SDK adds to one app, per twiggy: `top` of the app with the SDK, `diff` from the
/// app without it, and the difference per crate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contributors {
    /// `twiggy top -n N` of the app with the SDK, with names.
    pub top: Vec<String>,
    /// `twiggy diff -n N` from the app without the SDK to the app with it.
    pub diff: Vec<String>,
    /// Bytes per crate (from all `twiggy top` items), with the SDK minus without it, largest
    /// change first; the `name` section is left out (wasm-opt strips it).
    pub by_crate: Vec<(String, i64)>,
    /// Why the section is empty, when it is.
    pub skipped: Option<String>,
}

impl Contributors {
    /// The table lines: `heading`, then the 12 largest per-crate changes (or why there are
    /// none).
    pub fn crate_rows(&self, heading: &str) -> Vec<String> {
        if let Some(why) = &self.skipped {
            return vec![format!("{heading}: skipped ({why})")];
        }
        let mut rows = vec![format!("-- {heading} --")];
        rows.extend(
            self.by_crate
                .iter()
                .take(12)
                .map(|(krate, delta)| format!("  {delta:>+9} B  {krate}")),
        );
        rows
    }

    /// The table lines of `twiggy top` of the app with the SDK, under `heading` (none when
    /// twiggy was skipped).
    pub fn top_rows(&self, heading: &str) -> Vec<String> {
        if self.skipped.is_some() {
            return Vec::new();
        }
        let mut rows = vec![format!("-- {heading} --")];
        rows.extend(self.top.iter().map(|line| format!("  {line}")));
        rows
    }

    /// Everything, as JSON for `report.json`.
    pub fn to_json(&self) -> Value {
        let by_crate: Map<String, Value> = self
            .by_crate
            .iter()
            .map(|(krate, delta)| (krate.clone(), Value::from(*delta)))
            .collect();
        json!({
            "skipped": self.skipped,
            "increment_by_crate": by_crate,
            "top": self.top,
            "diff": self.diff,
        })
    }
}

/// Makes sure `twiggy` is on PATH (`cargo install twiggy --locked` once); `Err` says why not.
fn ensure_twiggy() -> Result<(), String> {
    if process::which("twiggy").is_some() {
        return Ok(());
    }
    println!("twiggy is not installed: trying `cargo install twiggy --locked` (compiles locally)");
    let status = Command::new("cargo")
        .args(["install", "twiggy", "--locked"])
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() && process::which("twiggy").is_some() {
        Ok(())
    } else {
        Err(format!("`cargo install twiggy --locked` failed ({status})"))
    }
}

/// Runs `wasm-bindgen --target web` on cargo's `bench-*.wasm` (keeps the `name` section) into
/// `out/<stem>/` and returns the `_bg.wasm` path.
fn bindgen(raw: &Path, out: &Path) -> Result<PathBuf, XtaskError> {
    let stem = raw
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("app")
        .to_owned();
    let dir = out.join(&stem);
    let _ = std::fs::remove_dir_all(&dir);
    let mut cmd = Command::new("wasm-bindgen");
    cmd.arg(raw)
        .args(["--target", "web", "--out-dir"])
        .arg(&dir)
        .stdin(Stdio::null());
    process::run(&mut cmd)?;
    Ok(dir.join(format!("{stem}_bg.wasm")))
}

fn twiggy(args: &[&str], files: &[&Path]) -> Result<Vec<String>, XtaskError> {
    let stdout = process::output(Command::new("twiggy").args(args).args(files))?;
    Ok(String::from_utf8_lossy(&stdout)
        .lines()
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// The top `n` items of `with_sdk` and the top `n` differences from `without_sdk`, both cargo
/// `.wasm` files of the release profile. Never fails: problems land in `skipped`.
pub fn contributors(without_sdk: &Path, with_sdk: &Path, out: &Path, n: usize) -> Contributors {
    if let Err(why) = ensure_twiggy() {
        return Contributors {
            skipped: Some(why),
            ..Contributors::default()
        };
    }
    let run = || -> Result<Contributors, XtaskError> {
        let a = bindgen(without_sdk, out)?;
        let b = bindgen(with_sdk, out)?;
        let n = n.to_string();
        let all_a = by_crate(&twiggy(&["top", "--format", "csv"], &[&a])?);
        let all_b = by_crate(&twiggy(&["top", "--format", "csv"], &[&b])?);
        Ok(Contributors {
            top: twiggy(&["top", "-n", &n], &[&b])?,
            diff: twiggy(&["diff", "-n", &n], &[&a, &b])?,
            by_crate: crate_delta(&all_a, &all_b),
            skipped: None,
        })
    };
    run().unwrap_or_else(|e| Contributors {
        skipped: Some(e.to_string()),
        ..Contributors::default()
    })
}

/// Sums `twiggy top --format csv` rows (header first) per crate.
fn by_crate(csv: &[String]) -> BTreeMap<String, i64> {
    let mut sums = BTreeMap::new();
    for line in csv.iter().skip(1) {
        if let Some((name, size)) = csv_name_size(line) {
            *sums.entry(crate_of(&name)).or_insert(0) += size;
        }
    }
    sums
}

/// `b − a` per crate, largest absolute change first, without the `name` section.
fn crate_delta(a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>) -> Vec<(String, i64)> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out: Vec<(String, i64)> = keys
        .into_iter()
        .filter(|k| !k.contains("names"))
        .map(|k| {
            let d = b.get(k).copied().unwrap_or(0) - a.get(k).copied().unwrap_or(0);
            (k.clone(), d)
        })
        .filter(|(_, d)| *d != 0)
        .collect();
    out.sort_by_key(|(k, d)| (std::cmp::Reverse(d.abs()), k.clone()));
    out
}

/// The first two CSV fields: a (possibly quoted) name and a size.
fn csv_name_size(line: &str) -> Option<(String, i64)> {
    let (name, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    name.push('"');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            } else {
                name.push(c);
            }
        }
        (name, quoted.get(end?..)?.strip_prefix(',')?)
    } else {
        let (n, r) = line.split_once(',')?;
        (n.to_owned(), r)
    };
    let size = rest.split(',').next()?.trim().parse().ok()?;
    Some((name, size))
}

/// The label of the baseline apps' own crates (`bench_typical`, `bench_typical_with_sdk`, ...):
/// one label, so that the app's code with and without the SDK is compared, not two crate names.
const BASELINE_APP: &str = "the baseline app (bench_*)";

/// The crate a twiggy item belongs to: the first path segment of its demangled name (through
/// `<T as crate::Trait>` for primitives), [`BASELINE_APP`] for the baseline apps' own crates,
/// or a label for sections and unnamed items.
fn crate_of(name: &str) -> String {
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char", "str", "T", "",
    ];
    if name.contains("subsection") || name.starts_with("data segment") {
        return name.to_owned();
    }
    if name.starts_with("__wbg")
        || name.starts_with("__wbindgen")
        || name.starts_with("__externref")
    {
        return "wasm-bindgen glue".into();
    }
    let trimmed = name
        .trim_start_matches(['<', '&', '(', '['])
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ");
    let ident: String = trimmed
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let after = &trimmed[ident.len()..];
    // `core[c5930c85a12de822]::…` is a crate with its hash; `code[12]` is an unnamed item.
    let hashed = after
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .is_some_and(|(inside, rest)| {
            inside.chars().any(|c| c.is_ascii_alphabetic()) && rest.starts_with("::")
        });
    if ident.starts_with("bench_") && (after.starts_with("::") || hashed) {
        return BASELINE_APP.into();
    }
    if PRIMITIVES.contains(&ident.as_str()) || !(after.starts_with("::") || hashed) {
        if let Some((_, rest)) = name.split_once(" as ") {
            let inner = crate_of(rest);
            if inner != "other" {
                return inner;
            }
        }
        return "other".into();
    }
    ident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_of_paths_impls_and_sections() {
        assert_eq!(
            crate_of("authkit_yew::client::init::initialize::h1"),
            "authkit_yew"
        );
        assert_eq!(crate_of("core[c59]::fmt::float::x::<f64>"), "core");
        assert_eq!(
            crate_of("<f64 as core[c59]::str::traits::FromStr>::from_str"),
            "core"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::x"),
            "serde_json"
        );
        assert_eq!(
            crate_of("data segment \".rodata\""),
            "data segment \".rodata\""
        );
        assert_eq!(crate_of("__wbg_fetch_123"), "wasm-bindgen glue");
        assert_eq!(crate_of("code[12]"), "other");
        assert_eq!(
            crate_of("<bench_typical::Route as yew_router::routable::Routable>::recognize::h1"),
            BASELINE_APP
        );
        assert_eq!(crate_of("bench_with_sdk::main::h2"), BASELINE_APP);
        assert_eq!(crate_of("elem[0]"), "other");
    }

    #[test]
    fn csv_rows_with_quotes() {
        assert_eq!(
            csv_name_size("\"data segment \"\".rodata\"\"\",53642,8.5,,"),
            Some(("data segment \".rodata\"".to_owned(), 53642))
        );
        assert_eq!(
            csv_name_size("a::b::h1,10,1.0,,"),
            Some(("a::b::h1".to_owned(), 10))
        );
        assert_eq!(csv_name_size("Name,ShallowSize"), None);
    }

    #[test]
    fn deltas_skip_names_and_sort_by_size() {
        let a = BTreeMap::from([("yew".to_owned(), 100), ("function names".to_owned(), 5)]);
        let b = BTreeMap::from([
            ("yew".to_owned(), 90),
            ("serde_json".to_owned(), 50),
            ("function names".to_owned(), 500),
        ]);
        assert_eq!(
            crate_delta(&a, &b),
            vec![("serde_json".to_owned(), 50), ("yew".to_owned(), -10)]
        );
    }

    #[test]
    fn rows_list_crates_and_top_items_or_say_why_skipped() {
        let found = Contributors {
            top: vec!["top line".into()],
            diff: vec!["diff line".into()],
            by_crate: vec![("authkit_yew".into(), 1200), ("yew".into(), -40)],
            skipped: None,
        };
        assert_eq!(
            found.crate_rows("per crate"),
            vec![
                "-- per crate --",
                "      +1200 B  authkit_yew",
                "        -40 B  yew",
            ]
        );
        assert_eq!(found.top_rows("top"), vec!["-- top --", "  top line"]);
        let skipped = Contributors {
            skipped: Some("no twiggy".into()),
            ..Contributors::default()
        };
        assert_eq!(
            skipped.crate_rows("per crate"),
            vec!["per crate: skipped (no twiggy)"]
        );
        assert!(skipped.top_rows("top").is_empty());
    }

    #[test]
    fn json_keeps_crate_deltas_as_numbers() {
        let c = Contributors {
            by_crate: vec![("serde_json".into(), 50)],
            top: vec!["t".into()],
            ..Contributors::default()
        };
        assert_eq!(
            c.to_json(),
            json!({
                "skipped": null,
                "increment_by_crate": { "serde_json": 50 },
                "top": ["t"],
                "diff": [],
            })
        );
    }
}

//! The README's quick-start app, as text: its three fenced blocks (`Cargo.toml`,
//! `index.html`, `src/main.rs`) and the manifest that makes it build against the packaged SDK.
//! Pure functions; `package.rs` writes and builds the result.

use std::fmt;

/// The heading that opens the quick-start section (matched at the start of the line).
pub const SECTION_HEADING: &str = "## Quick start";

/// The fenced blocks the section must hold, in order: their language and the file each is.
pub const EXPECTED_BLOCKS: [(&str, &str); 3] = [
    ("toml", "Cargo.toml"),
    ("html", "index.html"),
    ("rust", "src/main.rs"),
];

/// The quick-start app, exactly as the README shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickStart {
    /// The complete `Cargo.toml` (the ```` ```toml ```` block).
    pub cargo_toml: String,
    /// The `index.html` for Trunk (the ```` ```html ```` block).
    pub index_html: String,
    /// The complete `src/main.rs` (the ```` ```rust ```` block).
    pub main_rs: String,
}

/// Why the README's quick start cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuickStartError {
    /// No line starts with [`SECTION_HEADING`].
    NoSection,
    /// A fence opened on this line (1-based) is never closed.
    UnclosedFence {
        /// The line of the opening fence.
        line: usize,
    },
    /// The section's fenced blocks are not exactly [`EXPECTED_BLOCKS`].
    WrongBlocks {
        /// The language of each fenced block found, in order (`""` when it has none).
        found: Vec<String>,
    },
    /// The `Cargo.toml` block has no `authkit-yew` dependency line.
    NoSdkDependency,
}

impl fmt::Display for QuickStartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected = EXPECTED_BLOCKS
            .iter()
            .map(|(lang, file)| format!("```{lang} ({file})"))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            QuickStartError::NoSection => {
                write!(f, "README.md has no section whose heading starts with `{SECTION_HEADING}`")
            }
            QuickStartError::UnclosedFence { line } => {
                write!(f, "README.md: the fenced block opened on line {line} is never closed")
            }
            QuickStartError::WrongBlocks { found } => {
                let found = if found.is_empty() {
                    "none".to_owned()
                } else {
                    found
                        .iter()
                        .map(|lang| format!("```{lang}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                write!(
                    f,
                    "README.md: the `{SECTION_HEADING}` section must hold exactly three fenced \
                     blocks, in this order: {expected}; it holds {found}"
                )
            }
            QuickStartError::NoSdkDependency => write!(
                f,
                "README.md: the quick start's ```toml block has no `authkit-yew = ...` dependency line"
            ),
        }
    }
}

impl std::error::Error for QuickStartError {}

/// One fenced code block: its language (the first word of the info string) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fenced {
    lang: String,
    text: String,
}

/// Takes the quick-start app out of the README: the section whose heading starts with
/// [`SECTION_HEADING`] (up to the next level-1 or level-2 heading) must hold exactly three
/// fenced blocks, ```` ```toml ````, ```` ```html ```` and ```` ```rust ````, in this order.
/// Their text is returned unchanged.
pub fn extract(readme: &str) -> Result<QuickStart, QuickStartError> {
    let blocks = section_blocks(readme)?;
    let found: Vec<String> = blocks.iter().map(|b| b.lang.clone()).collect();
    let in_order = found
        .iter()
        .map(String::as_str)
        .eq(EXPECTED_BLOCKS.iter().map(|(lang, _)| *lang));
    let [cargo_toml, index_html, main_rs] = match <[Fenced; 3]>::try_from(blocks) {
        Ok(three) if in_order => three.map(|b| b.text),
        _ => return Err(QuickStartError::WrongBlocks { found }),
    };
    if !depends_on_sdk(&cargo_toml) {
        return Err(QuickStartError::NoSdkDependency);
    }
    Ok(QuickStart {
        cargo_toml,
        index_html,
        main_rs,
    })
}

/// A fenced block being read: the line its fence opened on, the fence, what it holds so far.
struct OpenBlock {
    line: usize,
    fence: Fence,
    block: Fenced,
}

/// The fenced blocks of the quick-start section, in order, each text with a final newline.
/// The section runs from its heading to the next `#` or `##` heading outside a fence.
fn section_blocks(readme: &str) -> Result<Vec<Fenced>, QuickStartError> {
    let mut lines = readme.lines().enumerate().map(|(i, line)| (i + 1, line));
    lines
        .by_ref()
        .find(|(_, line)| line.starts_with(SECTION_HEADING))
        .ok_or(QuickStartError::NoSection)?;
    let mut blocks = Vec::new();
    let mut open: Option<OpenBlock> = None;
    for (number, line) in lines {
        if open.is_none() && is_top_heading(line) {
            break;
        }
        open = match open.take() {
            Some(reading) if reading.fence.is_closed_by(line) => {
                blocks.push(reading.block);
                None
            }
            Some(mut reading) => {
                reading.block.text.push_str(line);
                reading.block.text.push('\n');
                Some(reading)
            }
            None => Fence::opened_by(line).map(|fence| OpenBlock {
                line: number,
                fence,
                block: Fenced {
                    lang: Fence::language(line),
                    text: String::new(),
                },
            }),
        };
    }
    match open {
        Some(reading) => Err(QuickStartError::UnclosedFence { line: reading.line }),
        None => Ok(blocks),
    }
}

/// Whether a line outside a fence is a level-1 or level-2 heading (`# ` or `## `).
fn is_top_heading(line: &str) -> bool {
    line.starts_with("# ") || line.starts_with("## ")
}

/// A code fence: its character (`` ` `` or `~`) and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    marker: char,
    len: usize,
}

impl Fence {
    /// The fence a line opens (three or more `` ` `` or `~`, at most three spaces of indent),
    /// if it opens one.
    fn opened_by(line: &str) -> Option<Fence> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let marker = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = trimmed.chars().take_while(|c| *c == marker).count();
        (len >= 3).then_some(Fence { marker, len })
    }

    /// Whether `line` closes this fence: the same character, at least as many, nothing else.
    fn is_closed_by(&self, line: &str) -> bool {
        let trimmed = line.trim();
        trimmed.chars().count() >= self.len && trimmed.chars().all(|c| c == self.marker)
    }

    /// The language of the block an opening fence line starts (`""` when none is given).
    fn language(line: &str) -> String {
        line.trim()
            .trim_start_matches(['`', '~'])
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Whether a `Cargo.toml` text has a line declaring the `authkit-yew` dependency.
fn depends_on_sdk(cargo_toml: &str) -> bool {
    cargo_toml.lines().any(|line| {
        line.trim_start()
            .strip_prefix("authkit-yew")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

/// The quick-start `Cargo.toml` as the README shows it, with two tables appended: an empty
/// `[workspace]` (so cargo does not take the app for a member of the repository's workspace
/// around it), unless the README's manifest already has one, and
/// `[patch.crates-io] authkit-yew = { path = sdk_path }`, so that `authkit-yew = "0.1"` resolves
/// to the packaged crate instead of crates.io.
pub fn patched_manifest(readme_manifest: &str, sdk_path: &str) -> String {
    let mut manifest = readme_manifest.to_owned();
    if !manifest.ends_with('\n') {
        manifest.push('\n');
    }
    manifest.push_str("\n# Added by `cargo xtask test` (stage `package`):\n");
    if !manifest.lines().any(|line| line.trim() == "[workspace]") {
        manifest.push_str("[workspace]\n\n");
    }
    manifest.push_str("[patch.crates-io]\n");
    manifest.push_str(&format!(
        "authkit-yew = {{ path = {} }}\n",
        toml_basic_string(sdk_path)
    ));
    manifest
}

/// `text` as a TOML basic string (quoted, `"` and `\` escaped).
fn toml_basic_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A README in the shape the quick start will have: the three blocks, a `###` subsection,
    /// a `# comment` inside a fence that is no heading, and sections before and after.
    const SAMPLE: &str = r#"# authkit-yew

Intro.

```sh
cargo xtask demo
```

## Quick start: your own app

A paragraph.

```toml
# Cargo.toml
[package]
name = "my-app"
version = "0.1.0"
edition = "2021"

[dependencies]
authkit-yew = "0.1"
yew = { version = "0.23", features = ["csr"] }
```

```html
<!doctype html>
<html><head><link data-trunk rel="rust" /></head><body></body></html>
```

Then:

```rust
use authkit_yew::prelude::*;

fn main() {
    yew::Renderer::<App>::new().render();
}
```

### WorkOS dashboard setup

1. Redirect URI.

## Running the demo against real WorkOS

```sh
trunk serve --offline
```
"#;

    #[test]
    fn extracts_the_three_blocks_unchanged() {
        let qs = extract(SAMPLE).unwrap();
        assert!(qs.cargo_toml.starts_with("# Cargo.toml\n[package]\n"));
        assert!(qs.cargo_toml.ends_with("features = [\"csr\"] }\n"));
        assert_eq!(
            qs.index_html,
            "<!doctype html>\n<html><head><link data-trunk rel=\"rust\" /></head><body></body></html>\n"
        );
        assert_eq!(
            qs.main_rs,
            "use authkit_yew::prelude::*;\n\nfn main() {\n    yew::Renderer::<App>::new().render();\n}\n"
        );
    }

    #[test]
    fn todays_readme_shape_is_refused_with_what_it_holds() {
        // A toml fragment and a rust block, no html: the README before issue 9.
        let readme = "## Quick start: your own app\n\n```toml\n[dependencies]\n```\n\n```rust\nfn app() {}\n```\n\n## Next\n";
        let err = extract(readme).unwrap_err();
        assert_eq!(
            err,
            QuickStartError::WrongBlocks {
                found: vec!["toml".into(), "rust".into()]
            }
        );
        let message = err.to_string();
        assert!(message.contains("exactly three fenced blocks"), "{message}");
        assert!(message.contains("it holds ```toml, ```rust"), "{message}");
    }

    #[test]
    fn blocks_after_the_section_do_not_count() {
        // The sample's ```sh blocks before and after the section are ignored; a fourth block
        // inside it is not.
        let with_fourth = SAMPLE.replace(
            "### WorkOS dashboard setup",
            "```sh\ntrunk build\n```\n\n### WorkOS dashboard setup",
        );
        assert_eq!(
            extract(&with_fourth).unwrap_err(),
            QuickStartError::WrongBlocks {
                found: vec!["toml".into(), "html".into(), "rust".into(), "sh".into()]
            }
        );
    }

    #[test]
    fn blocks_in_the_wrong_order_are_refused() {
        let readme = "## Quick start\n```html\n<p/>\n```\n```toml\nauthkit-yew = \"0.1\"\n```\n```rust\nfn main() {}\n```\n";
        assert!(matches!(
            extract(readme),
            Err(QuickStartError::WrongBlocks { .. })
        ));
    }

    #[test]
    fn a_missing_section_or_unclosed_fence_is_named() {
        assert_eq!(
            extract("# Title\n## Usage\n"),
            Err(QuickStartError::NoSection)
        );
        assert_eq!(
            extract("## Quick start\n\n```toml\nx = 1\n"),
            Err(QuickStartError::UnclosedFence { line: 3 })
        );
    }

    #[test]
    fn a_manifest_without_the_sdk_is_refused() {
        let readme = SAMPLE.replace("authkit-yew = \"0.1\"\n", "");
        assert_eq!(extract(&readme), Err(QuickStartError::NoSdkDependency));
    }

    #[test]
    fn longer_fences_and_info_strings() {
        let readme = "## Quick start\n````toml title=\"Cargo.toml\"\nauthkit-yew = \"0.1\"\n```\nstill toml\n````\n~~~html\n<p/>\n~~~\n```rust,no_run\nfn main() {}\n```\n";
        let qs = extract(readme).unwrap();
        assert_eq!(qs.cargo_toml, "authkit-yew = \"0.1\"\n```\nstill toml\n");
        assert_eq!(qs.index_html, "<p/>\n");
        assert_eq!(qs.main_rs, "fn main() {}\n");
    }

    #[test]
    fn the_manifest_gets_a_workspace_and_the_patch_appended() {
        let manifest = patched_manifest(
            "[package]\nname = \"a\"\n\n[dependencies]\nauthkit-yew = \"0.1\"",
            "/t/pkg/authkit-yew-0.1.0",
        );
        assert_eq!(
            manifest,
            "[package]\nname = \"a\"\n\n[dependencies]\nauthkit-yew = \"0.1\"\n\n\
             # Added by `cargo xtask test` (stage `package`):\n[workspace]\n\n\
             [patch.crates-io]\nauthkit-yew = { path = \"/t/pkg/authkit-yew-0.1.0\" }\n"
        );
    }

    #[test]
    fn an_existing_workspace_table_is_kept_single() {
        let manifest = patched_manifest("[package]\n\n[workspace]\n", "p");
        assert_eq!(manifest.matches("[workspace]").count(), 1);
        assert!(manifest.ends_with("authkit-yew = { path = \"p\" }\n"));
    }

    #[test]
    fn paths_are_quoted_for_toml() {
        assert_eq!(toml_basic_string(r#"a\b"c"#), r#""a\\b\"c""#);
    }
}

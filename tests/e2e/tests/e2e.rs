//! End-to-end scenarios (issue 4): a real Chromium drives the Trunk-built demo against the
//! emulator. Run with `cargo test -p authkit-e2e -- --test-threads=1`.

mod scenarios;

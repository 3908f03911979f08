//! End-to-end test harness: drives a real Chromium through the demo against the emulator.

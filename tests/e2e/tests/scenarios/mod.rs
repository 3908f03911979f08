//! One module per scenario of issue 4, plus the proof that a real browser ran.

mod browser_proof;

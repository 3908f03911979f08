//! authkit-emulator: a local stand-in for the WorkOS AuthKit API.
fn main() {}
